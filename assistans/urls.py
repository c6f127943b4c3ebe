from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("brukare/", views.client_list, name="client-list"),
    path("brukare/<int:pk>/", views.client_detail, name="client-detail"),
    path("assistenter/", views.assistant_list, name="assistant-list"),
    path("assistenter/<int:pk>/", views.assistant_detail, name="assistant-detail"),
]
