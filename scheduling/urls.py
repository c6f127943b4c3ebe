from django.urls import path

from . import views

urlpatterns = [
    path("schema/brukare/<int:pk>/", views.schedule_client, name="schedule-client"),
    path("schema/brukare/<int:pk>/kopiera-vecka/", views.copy_week, name="schedule-copy-week"),
    path("schema/assistent/<int:pk>/", views.schedule_assistant, name="schedule-assistant"),
    path("pass/nytt/", views.shift_form, name="shift-new"),
    path("pass/kontroll/", views.shift_check, name="shift-check"),
    path("pass/<int:pk>/", views.shift_form, name="shift-edit"),
    path("pass/<int:pk>/ta-bort/", views.shift_delete, name="shift-delete"),
]
