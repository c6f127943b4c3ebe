"""Day-to-day changes (coordinators) and an assistant's own pages."""

from django.urls import path

from . import views_changes, views_mine

urlpatterns = [
    path("dagens-andringar/", views_changes.day_changes, name="day-changes"),
    path("dagens-andringar/sjukanmalan/<int:pk>/", views_changes.sick_call, name="sick-call"),
    path("avvikelser/", views_changes.deviation_list, name="deviation-list"),
    path("avvikelser/<int:pk>/", views_changes.deviation_decide, name="deviation-decide"),
    path("mitt-schema/", views_mine.my_schedule, name="my-schedule"),
    path("mitt-schema/pass/<int:pk>/avvikelse/", views_mine.deviation_report, name="deviation-report"),
    path("mitt-schema/kalender/", views_mine.calendar_settings, name="calendar-settings"),
    # No login: the secret token in the address is the credential.
    path("kalenderflode/<str:token>.ics", views_mine.calendar_feed, name="calendar-feed"),
]
