"""Cash flow per provider (P4): when the money is expected, what blocks each
client's month, and what actually came in. Reads only; the one write,
recording a payment, goes through :func:`billing.services.record_payment`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from . import payout, services
from .models import MonthlyReport, PayoutStep

Status = MonthlyReport.Status


@dataclass(frozen=True)
class MonthRow:
    report: MonthlyReport
    expected_on: date
    estimated: bool  # not complete yet: the earliest payout if completed today
    deadline: date
    late: bool
    missing: list[str]
    not_payable: list[dict]
    failed_steps: list[PayoutStep]

    @property
    def blocked(self) -> bool:
        return bool(self.missing or self.not_payable or self.late or self.failed_steps)


@dataclass(frozen=True)
class PayoutDay:
    day: date
    amount: Decimal
    rows: list[MonthRow]


@dataclass(frozen=True)
class Received:
    report: MonthlyReport
    expected: Decimal
    paid: Decimal
    paid_on: date

    @property
    def difference(self) -> Decimal:
        return self.paid - self.expected


@dataclass(frozen=True)
class CashFlow:
    payouts: list[PayoutDay]
    months: list[MonthRow]
    received: list[Received]


def _expected(report: MonthlyReport, today: date) -> tuple[date, bool]:
    inclusive = settings.ASSISTANSTID["PAYOUT_BOUNDARY_INCLUSIVE"]
    if report.completed_on is not None:
        return payout.expected_payout(report.completed_on, report.month, inclusive_boundary=inclusive), False
    return payout.expected_payout(today, report.month, inclusive_boundary=inclusive), True


def _late(report: MonthlyReport, today: date) -> bool:
    last_day = payout.deadline(report.month)
    if report.submitted_on is not None:
        return report.submitted_on > last_day
    return today > last_day


def cash_flow(*, reports: QuerySet[MonthlyReport], today: date) -> CashFlow:
    """``reports``: the provider's reports as the caller may see them (already
    scoped through a selector)."""
    current = reports.exclude(status=Status.SUPERSEDED).select_related("client").order_by("month", "client_id")
    failed: dict[int, list[PayoutStep]] = {}
    for step in PayoutStep.objects.filter(report__in=current, state=PayoutStep.State.FAILED):
        failed.setdefault(step.report_id, []).append(step)
    months, received = [], []
    for report in current:
        if report.status == Status.PAID:
            received.append(
                Received(report=report, expected=report.amount, paid=report.paid_amount, paid_on=report.paid_on)
            )
            continue
        day, estimated = _expected(report, today)
        months.append(
            MonthRow(
                report=report,
                expected_on=day,
                estimated=estimated,
                deadline=payout.deadline(report.month),
                late=_late(report, today),
                missing=services.missing_signatures(report),
                not_payable=report.snapshot.get("claim", {}).get("not_payable", []),
                failed_steps=failed.get(report.pk, []),
            )
        )
    by_day: dict[date, list[MonthRow]] = {}
    for row in months:
        by_day.setdefault(row.expected_on, []).append(row)
    payouts = [
        PayoutDay(day=day, amount=sum((r.report.amount for r in rows), start=Decimal(0)), rows=rows)
        for day, rows in sorted(by_day.items())
    ]
    return CashFlow(payouts=payouts, months=months, received=received)


def record_received(*, report: MonthlyReport, on: date, amount: Decimal | str) -> Received:
    """Record money FK paid for a submitted report; the difference from the
    claimed amount is returned. Refused (nothing changed) for a report not
    submitted, a negative or unreadable amount."""
    try:
        value = Decimal(str(amount).replace(",", ".").replace(" ", ""))
    except InvalidOperation as exc:
        raise services.ReportError("P1", _("Beloppet är inte ett tal."), "amount is not a number") from exc
    if not value.is_finite():
        raise services.ReportError("P1", _("Beloppet är inte ett tal."), "amount is not a number")
    paid = services.record_payment(report=report, on=on, amount=value)
    return Received(report=paid, expected=paid.amount, paid=paid.paid_amount, paid_on=paid.paid_on)
