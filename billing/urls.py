from django.urls import path

from . import views

urlpatterns = [
    path("utbetalningar/", views.cashflow_view, name="cashflow"),
]
