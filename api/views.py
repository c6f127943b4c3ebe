"""The API endpoints under /api/v1/. Each one parses input, calls one
service or selector and translates domain errors (STYLE.md 5): shifts go
through ``scheduling.services`` (the rules engine decides), monthly reports
and invoices through ``billing``."""

from __future__ import annotations

import logging

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from assistans import selectors
from assistans.models import Decision, Membership
from billing import cashflow, exports, pdf
from billing import services as billing
from billing.models import Invoice, MonthlyReport
from scheduling import adapters
from scheduling import services as scheduling
from scheduling.models import Shift, ShiftFinding

from . import examples as ex
from . import filters as api_filters
from . import serializers as s
from .audit import record_export
from .base import ApiViewMixin, ReadViewSet, RegistryViewSet
from .permissions import MANAGERS, RoleNotAllowed

logger = logging.getLogger(__name__)

ALL_ROLES = frozenset(Membership.Role.values)


def _role(request) -> str | None:
    membership = selectors.membership_of(request.user)
    return membership.role if membership else None


class PassthroughRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file types the export and PDF actions send
    (they answer with a ready HttpResponse)."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or isinstance(data, bytes | str):
            return data
        # An error (400, 404, 429 …) under Accept: text/csv or application/pdf
        # is still an error in the one format, as JSON.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data, renderer_context=renderer_context)


class CsvRenderer(PassthroughRenderer):
    media_type, format = "text/csv", "csv"


class PdfRenderer(PassthroughRenderer):
    media_type, format = "application/pdf", "pdf"


# --- Registry -----------------------------------------------------------------


@extend_schema_view(**ex.registry_docs("brukare", "Brukare", ex.CLIENT))
class ClientViewSet(RegistryViewSet):
    serializer_class = s.ClientSerializer
    filterset_class = api_filters.ClientFilter
    ordering_fields = ["id", "last_name", "first_name", "created_at"]
    ordering = ["last_name", "first_name", "id"]

    def get_queryset(self):
        return selectors.clients_for(self.request.user).order_by("last_name", "first_name", "id")

    def perform_create(self, serializer):
        # A coordinator who sees only assigned clients could create a client
        # and then not reach it; new clients are for those who see them all.
        if not selectors.membership_of(self.request.user).all_clients:
            raise RoleNotAllowed(_("Bara den som ser alla brukare kan lägga till en ny brukare."))
        super().perform_create(serializer)


@extend_schema_view(**ex.registry_docs("assistenter", "Assistenter", ex.ASSISTANT))
class AssistantViewSet(RegistryViewSet):
    serializer_class = s.AssistantSerializer
    filterset_class = api_filters.AssistantFilter
    ordering_fields = ["id", "last_name", "first_name", "created_at"]
    ordering = ["last_name", "first_name", "id"]

    def get_queryset(self):
        return selectors.assistants_for(self.request.user).order_by("last_name", "first_name", "id")


@extend_schema_view(**ex.registry_docs("beslut", "Beslut", ex.DECISION))
class DecisionViewSet(RegistryViewSet):
    serializer_class = s.DecisionSerializer
    filterset_class = api_filters.DecisionFilter
    ordering_fields = ["id", "start", "end", "client"]
    ordering = ["client", "start", "id"]

    def get_queryset(self):
        if _role(self.request) == Membership.Role.ASSISTANT:
            # Decisions say how much help a person needs: not the assistant's business.
            return Decision.objects.none()
        return selectors.decisions_for(self.request.user).order_by("client", "start", "id")


@extend_schema_view(**ex.registry_docs("anställningar", "Anställningar", ex.EMPLOYMENT))
class EmploymentViewSet(RegistryViewSet):
    serializer_class = s.EmploymentSerializer
    filterset_class = api_filters.EmploymentFilter
    ordering_fields = ["id", "start", "assistant"]
    ordering = ["assistant", "start", "id"]

    def get_queryset(self):
        return selectors.employments_for(self.request.user).order_by("assistant", "start", "id")


@extend_schema_view(**ex.registry_docs("uppdrag", "Uppdrag", ex.ASSIGNMENT))
class AssignmentViewSet(RegistryViewSet):
    serializer_class = s.AssignmentSerializer
    filterset_class = api_filters.AssignmentFilter
    ordering_fields = ["id", "start", "client", "assistant"]
    ordering = ["client", "assistant", "start", "id"]

    def get_queryset(self):
        return selectors.assignments_for(self.request.user).order_by("client", "assistant", "start", "id")


# --- Shifts -------------------------------------------------------------------


@extend_schema_view(**ex.shift_docs())
class ShiftViewSet(ApiViewMixin, viewsets.ModelViewSet):
    serializer_class = s.ShiftSerializer
    filterset_class = api_filters.ShiftFilter
    ordering_fields = ["id", "start", "end", "assistant", "client"]
    ordering = ["start", "id"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        membership = selectors.membership_of(self.request.user)
        if membership is None:
            return Shift.objects.none()
        shifts = Shift.objects.filter(
            provider_id=membership.provider_id, client__in=selectors.clients_for(self.request.user)
        )
        if membership.role == Membership.Role.ASSISTANT:
            shifts = shifts.filter(assistant_id=membership.assistant_id)
        return shifts.prefetch_related(Prefetch("findings", queryset=ShiftFinding.objects.order_by("code", "id")))

    def _data(self, serializer, shift: Shift | None = None) -> scheduling.ShiftData:
        values = serializer.validated_data

        def pick(name, current):
            return values.get(name, current)

        segments = values.get("segments")
        return scheduling.ShiftData(
            assistant_id=pick("assistant", shift.assistant if shift else None).pk,
            client_id=pick("client", shift.client if shift else None).pk,
            start=pick("start", shift.start if shift else None),
            end=pick("end", shift.end if shift else None),
            kind=pick("kind", shift.kind if shift else Shift._meta.get_field("kind").default),
            segments=[[seg["offset"], seg["kind"]] for seg in segments]
            if segments is not None
            else (list(shift.segments) if shift else []),
            double=pick("double", shift.double if shift else False),
            status=pick("status", shift.status if shift else Shift.Status.PLANNED),
            note=pick("note", shift.note if shift else ""),
        )

    def _answer(self, shift, findings, code=status.HTTP_200_OK):
        context = {**self.get_serializer_context(), "findings": findings}
        shift = self.get_queryset().get(pk=shift.pk)
        return Response(s.ShiftSerializer(shift, context=context).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shift, findings = scheduling.record_shift(
            actor=request.user, provider=self.provider, data=self._data(serializer)
        )
        return self._answer(shift, findings, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        shift = self.get_object()
        serializer = self.get_serializer(shift, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        shift, findings = scheduling.record_shift(
            actor=request.user, provider=self.provider, data=self._data(serializer, shift), shift=shift
        )
        return self._answer(shift, findings)

    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        shift = self.get_object()
        shift_id = shift.pk
        # The same window the service re-checks, to answer with what the
        # engine now finds around the hole (the service stores it).
        inp, own_ids, client_ids = adapters.window_check_input(
            provider=self.provider,
            assistant_id=shift.assistant_id,
            client_id=shift.client_id,
            start=shift.start,
            end=shift.end,
            exclude_shift_ids=[shift.pk],
        )
        scheduling.delete_shift(actor=request.user, provider=self.provider, shift=shift)
        own_ids, client_ids = own_ids - {shift_id}, client_ids - {shift_id}
        findings = [
            f
            for f in adapters.check(inp)
            if own_ids.intersection(f.shift_ids) or (f.code == "H2" and client_ids.intersection(f.shift_ids))
        ]
        from .errors import finding_data

        body = {"id": shift_id, "findings": [finding_data(f) for f in findings]}
        return Response(s.ShiftDeletedSerializer(body).data, status=status.HTTP_200_OK)


# --- Monthly reports ------------------------------------------------------------


@extend_schema_view(**ex.report_docs())
class MonthlyReportViewSet(ReadViewSet):
    serializer_class = s.MonthlyReportSerializer
    filterset_class = api_filters.MonthlyReportFilter
    ordering_fields = ["id", "month", "client", "version"]
    ordering = ["-month", "client", "-version"]

    def get_queryset(self):
        membership = selectors.membership_of(self.request.user)
        if membership is None:
            return MonthlyReport.objects.none()
        reports = MonthlyReport.objects.filter(provider_id=membership.provider_id).select_related("client")
        if membership.role == Membership.Role.ASSISTANT:
            return reports.filter(time_reports__assistant_id=membership.assistant_id).distinct()
        return reports.filter(client__in=selectors.clients_for(self.request.user))

    def get_write_roles(self):
        if self.action == "sign":
            return ALL_ROLES  # who signs what is the service's decision (M2)
        return MANAGERS

    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        report = self.get_object()
        serializer = s.SignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        time_report_id = serializer.validated_data.get("time_report")
        if time_report_id is not None:
            time_reports = report.time_reports.all()
            if _role(request) == Membership.Role.ASSISTANT:
                time_reports = time_reports.filter(assistant_id=selectors.membership_of(request.user).assistant_id)
            time_report = time_reports.filter(pk=time_report_id).first()
            if time_report is None:
                raise NotFound()
            billing.sign_time_report(actor=request.user, time_report=time_report)
        else:
            billing.sign_claim(actor=request.user, report=report, today=timezone.localdate())
        report.refresh_from_db()
        return Response(self.get_serializer(report).data)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        serializer = s.SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        on = serializer.validated_data.get("submitted_on") or timezone.localdate()
        report = billing.submit(actor=request.user, report=report, on=on)
        return Response(self.get_serializer(report).data)

    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, CsvRenderer])
    def export(self, request, pk=None):
        report = self.get_object()
        if _role(request) not in MANAGERS:
            raise RoleNotAllowed()
        # ?format=csv is DRF's own switch of renderer, not an unknown field.
        params = {k: v for k, v in request.query_params.items() if k != api_settings.URL_FORMAT_OVERRIDE}
        query = s.ExportQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        kind = query.validated_data["type"]
        if kind == "csv":
            body, content_type = exports.month_csv(report.snapshot), "text/csv; charset=utf-8"
        else:
            body, content_type = exports.month_json(report.snapshot), "application/json; charset=utf-8"
        record_export(request=request, report=report, file_format=kind)
        response = HttpResponse(body, content_type=content_type)
        filename = f"manad-{report.month:%Y-%m}-brukare-{report.client_id}-v{report.version}.{kind}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Contains-Personal-Numbers"] = "true"
        return response


# --- Invoices -------------------------------------------------------------------------


@extend_schema_view(**ex.invoice_docs())
class InvoiceViewSet(ReadViewSet):
    serializer_class = s.InvoiceSerializer
    filterset_class = api_filters.InvoiceFilter
    ordering_fields = ["id", "number", "issued_on"]
    ordering = ["-number"]

    def get_queryset(self):
        membership = selectors.membership_of(self.request.user)
        if membership is None or membership.role not in MANAGERS:
            return Invoice.objects.none()
        return Invoice.objects.filter(
            provider_id=membership.provider_id, report__client__in=selectors.clients_for(self.request.user)
        )

    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None):
        invoice = self.get_object()
        filename, mimetype, content = pdf.InvoiceRenderer(invoice.snapshot).render()
        response = HttpResponse(content, content_type=mimetype)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- Payout forecast --------------------------------------------------------------------


class PayoutForecastView(ApiViewMixin, APIView):
    @extend_schema(
        tags=["utbetalningar"],
        summary="Prognos för utbetalningar från Försäkringskassan",
        description="När pengarna väntas (den 5:e och den 20:e, bankdagsjusterat), vad som hindrar varje månad, "
        "och vad som kommit in. Bara administratörer och samordnare.",
        responses={200: s.PayoutForecastSerializer},
        examples=[ex.FORECAST],
    )
    def get(self, request):
        membership = selectors.membership_of(request.user)
        if membership.role not in MANAGERS:
            raise NotFound()
        reports = MonthlyReport.objects.filter(
            provider_id=membership.provider_id, client__in=selectors.clients_for(request.user)
        )
        today = timezone.localdate()
        flow = cashflow.cash_flow(reports=reports, today=today)
        data = {"today": today, "payouts": flow.payouts, "months": flow.months, "received": flow.received}
        return Response(s.PayoutForecastSerializer(data).data)


def not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer in the error format too."""
    from django.http import JsonResponse

    from .errors import error_body

    return JsonResponse(error_body("not_found", _("Adressen finns inte i API:et.")), status=404)
