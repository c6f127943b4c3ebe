from django.urls import path

from . import views

urlpatterns = [
    path("utbetalningar/", views.cashflow_view, name="cashflow"),
    path("manadsavslut/", views.month_end, name="month-end"),
    path("manadsavslut/redovisning/<int:pk>/", views.report_detail, name="report-detail"),
    path("manadsavslut/redovisning/<int:pk>/export/<str:fmt>/", views.report_export, name="report-export"),
    path("tidsredovisning/<int:pk>/pdf/", views.time_report_pdf, name="time-report-pdf"),
    path("mina-tidsredovisningar/", views.my_time_reports, name="my-time-reports"),
    path("rakningar/", views.client_reports, name="client-reports"),
    path("brukare/<int:pk>/uppfoljning/", views.client_follow_up, name="client-follow-up"),
]
