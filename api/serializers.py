"""Serializers of the API. Input is strict: an unknown field, a wrong type or
a date out of range is a 400 naming the field, and the model's own
``full_clean`` (its validators, constraints and ``clean``) runs before
anything is saved, so the API accepts exactly what the admin and the pages
accept."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import SimpleNamespace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assistans import selectors
from assistans.models import Assignment, Assistant, Client, Decision, Employment
from billing import services as billing
from billing.models import Invoice, MonthlyReport, TimeReport
from scheduling.models import Kind, Shift, ShiftFinding
from scheduling.texts import finding_hint, finding_message

from .fields import BoundedDateField, BoundedDateTimeField, PersonalNumberField, ScopedPrimaryKeyField
from .models import ApiToken

UNKNOWN_FIELD = _("Okänt fält.")


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "example": "2026-03"})
class MonthField(serializers.Field):
    """A month as ``YYYY-MM`` (stored as its first day)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return f"{value:%Y-%m}"


def reject_unknown(serializer: serializers.Serializer, data) -> None:
    if not isinstance(data, Mapping):
        return
    unknown = sorted(str(name) for name in data if name not in serializer.fields)
    if unknown:
        raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})


class StrictSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        reject_unknown(self, data)
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateField: BoundedDateField,
        models.DateTimeField: BoundedDateTimeField,
    }

    def to_internal_value(self, data):
        reject_unknown(self, data)
        return super().to_internal_value(data)

    def instance_defaults(self) -> dict:
        """Fields the caller does not send but the row needs (its provider)."""
        return {}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = (
            copy.copy(self.instance) if self.instance is not None else self.Meta.model(**self.instance_defaults())
        )
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        # clean() may normalise values (e.g. a personnummer to 12 digits).
        return {name: getattr(instance, name) for name in attrs}

    def create(self, validated_data):
        return super().create({**self.instance_defaults(), **validated_data})


class ProviderOwnedSerializer(StrictModelSerializer):
    def instance_defaults(self) -> dict:
        return {"provider": self.context["membership"].provider}


class ClientSerializer(ProviderOwnedSerializer):
    personal_number = PersonalNumberField()

    class Meta:
        model = Client
        fields = [
            "id",
            "first_name",
            "last_name",
            "personal_number",
            "representative_name",
            "municipality",
            "created_at",
        ]


class AssistantSerializer(ProviderOwnedSerializer):
    personal_number = PersonalNumberField()

    class Meta:
        model = Assistant
        fields = ["id", "first_name", "last_name", "personal_number", "email", "phone", "created_at"]


class DecisionSerializer(StrictModelSerializer):
    client = ScopedPrimaryKeyField(selectors.clients_for)

    class Meta:
        model = Decision
        fields = [
            "id",
            "client",
            "payer",
            "start",
            "end",
            "weekly_hours",
            "rate_kind",
            "raised_rate",
            "double_hours_per_week",
            "wait_factor",
            "standby_factor",
            "case_number",
            "municipality_name",
            "created_at",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        decision = copy.copy(self.instance) if self.instance is not None else Decision()
        for name, value in attrs.items():
            setattr(decision, name, value)
        try:
            billing.validate_decision_rate(decision)  # R2: a raised rate within 112 %
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs


class EmploymentSerializer(StrictModelSerializer):
    assistant = ScopedPrimaryKeyField(selectors.assistants_for)

    class Meta:
        model = Employment
        fields = [
            "id",
            "assistant",
            "employer",
            "start",
            "end",
            "regime",
            "period_anchor",
            "rest_profile",
            "is_relative",
            "lives_with_client",
            "external_note",
        ]
        read_only_fields = ["employer"]

    def instance_defaults(self) -> dict:
        return {"employer": self.context["membership"].provider}


class AssignmentSerializer(StrictModelSerializer):
    assistant = ScopedPrimaryKeyField(selectors.assistants_for)
    client = ScopedPrimaryKeyField(selectors.clients_for)

    class Meta:
        model = Assignment
        fields = ["id", "assistant", "client", "start", "end", "fk_notified_on"]


# --- Shifts ----------------------------------------------------------------


class FindingSerializer(serializers.Serializer):
    """What the rules engine found (rule codes as in RULES.md)."""

    code = serializers.CharField(help_text="Regelkod, t.ex. H1, W4, E2.")
    severity = serializers.ChoiceField(choices=ShiftFinding.Severity.choices)
    message = serializers.CharField()
    hint = serializers.CharField(allow_blank=True)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    minutes = serializers.IntegerField()
    accepted = serializers.BooleanField()


class SegmentSerializer(StrictSerializer):
    offset = serializers.IntegerField(min_value=0, max_value=60 * 24 * 7, help_text="Minuter från passets start.")
    kind = serializers.ChoiceField(choices=Kind.choices)


class ShiftSerializer(StrictModelSerializer):
    """A shift. On create, change and delete ``findings`` are what the engine
    found just now; on a read, what it stored at the last check. Both in the
    request's language (English texts when ``Accept-Language: en``)."""

    assistant = ScopedPrimaryKeyField(selectors.assistants_for)
    client = ScopedPrimaryKeyField(selectors.clients_for)
    segments = SegmentSerializer(many=True, required=False, max_length=200)
    findings = serializers.SerializerMethodField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "assistant",
            "client",
            "start",
            "end",
            "kind",
            "segments",
            "double",
            "status",
            "note",
            "findings",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs):
        # The rules engine (scheduling.services.record_shift) judges the shift;
        # only the shapes are checked here.
        return attrs

    def to_representation(self, instance):
        # Stored as [[offset, kind], ...]; shown as objects.
        shown = copy.copy(instance)
        shown.segments = [{"offset": offset, "kind": kind} for offset, kind in (instance.segments or [])]
        return super().to_representation(shown)

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, shift):
        from .errors import finding_data

        fresh = self.context.get("findings")
        if fresh is not None:
            shown = [{**finding_data(f), "message": finding_message(f), "hint": finding_hint(f)} for f in fresh]
            return FindingSerializer(shown, many=True).data
        stored = [
            {
                "code": f.code,
                "severity": f.severity,
                "message": finding_message(f),
                "hint": finding_hint(f),
                "start": f.start,
                "end": f.end,
                "minutes": f.minutes,
                "accepted": f.accepted,
            }
            for f in shift.findings.all()
        ]
        return FindingSerializer(stored, many=True).data


class ShiftDeletedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    findings = FindingSerializer(many=True, help_text="Vad motorn nu finner för assistentens övriga pass runt tiden.")


# --- Monthly reports ---------------------------------------------------------


class TimeReportSerializer(serializers.ModelSerializer):
    assistant_name = serializers.CharField(source="assistant.name", read_only=True)

    class Meta:
        model = TimeReport
        fields = ["id", "assistant", "assistant_name", "minutes", "assistant_signed_at", "provider_signed_at"]
        read_only_fields = fields


class MinutesByKindSerializer(serializers.Serializer):
    active = serializers.IntegerField()
    waiting = serializers.IntegerField()
    standby = serializers.IntegerField()


class NotPayableSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Regelkod, t.ex. W4, E2.")
    label = serializers.CharField()
    minutes = serializers.IntegerField()


class ClaimSummarySerializer(serializers.Serializer):
    """The claim (FK 3057) as computed into the report's frozen snapshot."""

    total_minutes = serializers.IntegerField()
    minutes = MinutesByKindSerializer()
    payable_minutes = MinutesByKindSerializer()
    converted_hours = serializers.CharField()
    payable_converted_hours = serializers.CharField()
    amount = serializers.CharField()
    not_payable = NotPayableSerializer(many=True)


class MonthlyReportSerializer(serializers.ModelSerializer):
    """A client's month. Personnummer are not in it; they are in the export."""

    client_name = serializers.CharField(source="client.name", read_only=True)
    month = MonthField()
    # null for an assistant: the claim's figures are the client's and the
    # provider's business; an assistant sees their own time report.
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    paid_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    time_reports = serializers.SerializerMethodField()
    missing_signatures = serializers.SerializerMethodField()
    claim = serializers.SerializerMethodField()

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "client",
            "client_name",
            "month",
            "version",
            "replaces",
            "status",
            "amount",
            "ruleset",
            "computed_at",
            "client_signed_at",
            "completed_on",
            "submitted_on",
            "paid_on",
            "paid_amount",
            "claim",
            "time_reports",
            "missing_signatures",
        ]
        read_only_fields = fields

    @extend_schema_field(TimeReportSerializer(many=True))
    def get_time_reports(self, report):
        rows = report.time_reports.select_related("assistant").order_by("assistant__last_name", "id")
        membership = self.context.get("membership")
        if membership is not None and membership.role == "assistant":
            rows = rows.filter(assistant_id=membership.assistant_id)
        return TimeReportSerializer(rows, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_signatures(self, report):
        membership = self.context.get("membership")
        if membership is not None and membership.role == "assistant":
            # Only the assistant's own time report (and the claim), not who
            # else has or has not signed: the same wording, from the service.
            report = SimpleNamespace(
                time_reports=report.time_reports.filter(assistant_id=membership.assistant_id),
                client_signed_at=report.client_signed_at,
            )
        return billing.missing_signatures(report)

    def _for_assistant(self) -> bool:
        membership = self.context.get("membership")
        return membership is not None and membership.role == "assistant"

    def to_representation(self, report):
        data = super().to_representation(report)
        if self._for_assistant():
            data["amount"] = data["paid_amount"] = None
        return data

    @extend_schema_field(ClaimSummarySerializer(allow_null=True))
    def get_claim(self, report):
        if self._for_assistant():
            return None
        claim = report.snapshot.get("claim", {}) if isinstance(report.snapshot, dict) else {}
        empty = {"active": 0, "waiting": 0, "standby": 0}
        return ClaimSummarySerializer(
            {
                "total_minutes": claim.get("total_minutes", 0),
                "minutes": claim.get("minutes", empty),
                "payable_minutes": claim.get("payable_minutes", empty),
                "converted_hours": claim.get("converted_hours", "0.00"),
                "payable_converted_hours": claim.get("payable_converted_hours", "0.00"),
                "amount": claim.get("amount", f"{report.amount:.2f}"),
                "not_payable": claim.get("not_payable", []),
            }
        ).data


class SignSerializer(StrictSerializer):
    time_report = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Tidsredovisningen att signera (assistent eller anordnare). Utelämnas: brukarens räkning.",
    )


class SubmitSerializer(StrictSerializer):
    submitted_on = BoundedDateField(required=False, allow_null=True, help_text="Dagen den skickades; i dag om tomt.")


class ExportQuerySerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=[("csv", "CSV"), ("json", "JSON")], default="json")


# --- Invoices and payout forecast ------------------------------------------------


class InvoiceLineSerializer(serializers.Serializer):
    description = serializers.CharField()
    hours = serializers.CharField()
    rate = serializers.CharField()
    amount = serializers.CharField()


class InvoiceSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="report.client_id", read_only=True)
    recipient = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    credit_of = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "report",
            "client",
            "credit_of",
            "issued_on",
            "due_on",
            "ocr",
            "amount",
            "recipient",
            "lines",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_recipient(self, invoice):
        return invoice.snapshot.get("recipient", {}).get("name", "")

    @extend_schema_field(InvoiceLineSerializer(many=True))
    def get_lines(self, invoice):
        return InvoiceLineSerializer(invoice.snapshot.get("lines", []), many=True).data


class ForecastMonthSerializer(serializers.Serializer):
    report = serializers.IntegerField(source="report.pk")
    client = serializers.IntegerField(source="report.client_id")
    client_name = serializers.CharField(source="report.client.name")
    month = MonthField(source="report.month")
    status = serializers.CharField(source="report.status")
    amount = serializers.DecimalField(source="report.amount", max_digits=12, decimal_places=2)
    expected_on = serializers.DateField()
    estimated = serializers.BooleanField(help_text="Inte komplett än: tidigaste utbetalning om allt signeras i dag.")
    deadline = serializers.DateField()
    late = serializers.BooleanField()
    blocked = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField())


class ForecastDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    months = ForecastMonthSerializer(source="rows", many=True)


class ReceivedSerializer(serializers.Serializer):
    report = serializers.IntegerField(source="report.pk")
    client = serializers.IntegerField(source="report.client_id")
    month = MonthField(source="report.month")
    expected = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid_on = serializers.DateField()
    difference = serializers.DecimalField(max_digits=12, decimal_places=2)


class PayoutForecastSerializer(serializers.Serializer):
    today = serializers.DateField()
    payouts = ForecastDaySerializer(many=True)
    months = ForecastMonthSerializer(many=True)
    received = ReceivedSerializer(many=True)


# --- Errors and tokens ---------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """The one error format of the API."""

    code = serializers.CharField(help_text="Stabil kod, t.ex. invalid, not_found, conflict, token_read_only.")
    detail = serializers.CharField(help_text="Förklaring på svenska eller engelska (Accept-Language).")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Fel per fält; tomt om inget fält."
    )
    findings = FindingSerializer(many=True, required=False, help_text="Motorns skäl när ett pass nekas.")
    missing = serializers.ListField(child=serializers.CharField(), required=False)
    rule = serializers.CharField(required=False)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "read_only", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields
