"""Filters of the list endpoints (django-filter). Ids of another provider
simply match nothing; malformed values are a 400 in the error format."""

from __future__ import annotations

from datetime import date, timedelta

import django_filters as df
from django.core.validators import MaxValueValidator, MinValueValidator

from assistans.models import Assignment, Assistant, Client, Decision, Employment
from billing.models import Invoice, MonthlyReport
from scheduling.models import Shift
from scheduling.rules.timeutil import local_midnight

from .fields import MAX_YEAR, MIN_YEAR

_DATE_RANGE = [MinValueValidator(date(MIN_YEAR, 1, 1)), MaxValueValidator(date(MAX_YEAR, 12, 31))]
_ID_RANGE = [MinValueValidator(1), MaxValueValidator(2**62)]


def date_filter(field_name: str, lookup: str, help_text: str) -> df.DateFilter:
    return df.DateFilter(field_name=field_name, lookup_expr=lookup, validators=_DATE_RANGE, label=help_text)


def id_filter(field_name: str, help_text: str) -> df.NumberFilter:
    return df.NumberFilter(field_name=field_name, validators=_ID_RANGE, label=help_text)


class ClientFilter(df.FilterSet):
    name = df.CharFilter(method="filter_name", label="Del av för- eller efternamn.")
    municipality = df.CharFilter(field_name="municipality", lookup_expr="iexact", label="Hemkommun.")

    class Meta:
        model = Client
        fields = ["name", "municipality"]

    def filter_name(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(first_name__icontains=value) | Q(last_name__icontains=value))


class AssistantFilter(df.FilterSet):
    name = df.CharFilter(method="filter_name", label="Del av för- eller efternamn.")

    class Meta:
        model = Assistant
        fields = ["name"]

    filter_name = ClientFilter.filter_name


class DecisionFilter(df.FilterSet):
    client = id_filter("client_id", "Brukarens id.")
    payer = df.ChoiceFilter(choices=Decision.Payer.choices, label="Betalare.")
    active_on = df.DateFilter(method="filter_active_on", validators=_DATE_RANGE, label="Beslut som gäller den dagen.")

    class Meta:
        model = Decision
        fields = ["client", "payer", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(start__lte=value, end__gte=value)


class EmploymentFilter(df.FilterSet):
    assistant = id_filter("assistant_id", "Assistentens id.")
    regime = df.ChoiceFilter(choices=Employment.Regime.choices, label="Arbetstidsregler.")

    class Meta:
        model = Employment
        fields = ["assistant", "regime"]


class AssignmentFilter(df.FilterSet):
    assistant = id_filter("assistant_id", "Assistentens id.")
    client = id_filter("client_id", "Brukarens id.")

    class Meta:
        model = Assignment
        fields = ["assistant", "client"]


class ShiftFilter(df.FilterSet):
    assistant = id_filter("assistant_id", "Assistentens id.")
    client = id_filter("client_id", "Brukarens id.")
    status = df.ChoiceFilter(choices=Shift.Status.choices, label="Status.")
    kind = df.ChoiceFilter(choices=Shift._meta.get_field("kind").choices, label="Typ av tid.")
    date_from = df.DateFilter(
        method="filter_from", validators=_DATE_RANGE, label="Pass som slutar efter midnatt den dagen (lokal tid)."
    )
    date_to = df.DateFilter(
        method="filter_to", validators=_DATE_RANGE, label="Pass som börjar senast den dagen (lokal tid)."
    )

    class Meta:
        model = Shift
        fields = ["assistant", "client", "status", "kind", "date_from", "date_to"]

    def filter_from(self, queryset, name, value):
        return queryset.filter(end__gt=local_midnight(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(start__lt=local_midnight(value + timedelta(days=1)))


class MonthlyReportFilter(df.FilterSet):
    client = id_filter("client_id", "Brukarens id.")
    status = df.ChoiceFilter(choices=MonthlyReport.Status.choices, label="Status.")
    month = df.DateFilter(method="filter_month", validators=_DATE_RANGE, label="Någon dag i månaden, t.ex. 2026-03-01.")

    class Meta:
        model = MonthlyReport
        fields = ["client", "status", "month"]

    def filter_month(self, queryset, name, value):
        return queryset.filter(month=value.replace(day=1))


class InvoiceFilter(df.FilterSet):
    report = id_filter("report_id", "Månadsredovisningens id.")
    client = id_filter("report__client_id", "Brukarens id.")
    issued_from = date_filter("issued_on", "gte", "Fakturadatum från och med.")
    issued_to = date_filter("issued_on", "lte", "Fakturadatum till och med.")

    class Meta:
        model = Invoice
        fields = ["report", "client", "issued_from", "issued_to"]
