from django.urls import path

from . import views

urlpatterns = [
    path("logg/", views.entry_list, name="audit-log"),
    path("logg/<int:content_type>/<int:pk>/", views.object_history, name="audit-object"),
]
