from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import docs, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("clients", views.ClientViewSet, basename="client")
router.register("assistants", views.AssistantViewSet, basename="assistant")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("employments", views.EmploymentViewSet, basename="employment")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("shifts", views.ShiftViewSet, basename="shift")
router.register("reports", views.MonthlyReportViewSet, basename="report")
router.register("invoices", views.InvoiceViewSet, basename="invoice")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/payout-forecast/", views.PayoutForecastView.as_view(), name="payout-forecast"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger-ui/", docs.swagger_view, name="swagger-ui"),
    path("schema/redoc/", docs.redoc_view, name="redoc"),
    re_path(r"^.*$", views.not_found),
]
