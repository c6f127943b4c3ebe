"""The frozen form of a computed month: plain JSON-able data.

A MonthlyReport stores this dict; PDFs, CSV/JSON exports and invoices are
rendered from it alone, so what was sent can be shown again years later
exactly as it was (M3, M4). Pure Python: no Django.

Money is a string with two decimals ("55805.85"); minutes are integers;
converted minutes are strings of exact decimals rounded to 2 places only
for display ("160.50" hours are given separately as text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from scheduling.rules.model import STOCKHOLM

from .calculations import Claim, MonthReport, format_hours

SNAPSHOT_VERSION = 1

KIND_LABELS = {"active": "Aktiv tid", "waiting": "Väntetid", "standby": "Beredskap"}


@dataclass(frozen=True)
class Party:
    """Names and numbers copied into the snapshot (what the documents show)."""

    id: int
    name: str
    personal_number: str  # as shown on FK's forms: ÅÅÅÅMMDD-NNNN


@dataclass(frozen=True)
class ProviderInfo:
    id: int
    name: str
    org_number: str
    bankgiro: str
    kind: str


def _hours(value: Fraction | int) -> str:
    """Exact minutes → hours with two decimals, as text: '160.50'."""
    return f"{(Decimal(Fraction(value).numerator) / Decimal(Fraction(value).denominator) / 60):.2f}"


def _claim(claim: Claim) -> dict:
    return {
        "payer": claim.payer.value,
        "minutes": {"active": claim.minutes.active, "waiting": claim.minutes.waiting, "standby": claim.minutes.standby},
        "total_minutes": claim.minutes.total,
        "converted_hours": _hours(claim.converted_minutes),
        "payable_minutes": {
            "active": claim.payable.active,
            "waiting": claim.payable.waiting,
            "standby": claim.payable.standby,
        },
        "payable_converted_hours": _hours(claim.payable_converted_minutes),
        "not_payable": [{"reason": n.reason, "label": n.label, "minutes": n.minutes} for n in claim.not_payable],
        "rate_lines": [
            {
                "kind": line.kind,
                "rate": f"{line.rate:.2f}",
                "hours": _hours(line.converted_minutes),
                "amount": f"{line.amount:.2f}",
            }
            for line in claim.rate_lines
        ],
        "amount": f"{claim.amount:.2f}",
    }


def build(
    report: MonthReport,
    *,
    provider: ProviderInfo,
    client: Party,
    assistants: dict[int, Party],
    reference_periods: dict[int, tuple[date, date] | None],
    decisions: list[dict],
) -> dict:
    """The snapshot of one client's month. ``reference_periods`` maps assistant id
    to the reference period shown on the time report (M1)."""
    time_reports = []
    for tr in report.time_reports:
        person = assistants[tr.assistant_id]
        period = reference_periods.get(tr.assistant_id)
        time_reports.append(
            {
                "assistant": {"id": person.id, "name": person.name, "personal_number": person.personal_number},
                "reference_period": [period[0].isoformat(), period[1].isoformat()] if period else None,
                "rows": [
                    {
                        "date": row.day.isoformat(),
                        "start": row.start_text,
                        "end": row.end_text,
                        "utc_offset_start": row.start.astimezone(STOCKHOLM).strftime("%z"),
                        "kind": row.kind.value,
                        "kind_label": KIND_LABELS[row.kind.value],
                        "minutes": row.minutes,
                        "payer": row.payer.value,
                        "shift_id": row.shift_id,
                    }
                    for row in tr.rows
                ],
                "minutes": {"active": tr.minutes.active, "waiting": tr.minutes.waiting, "standby": tr.minutes.standby},
                "total_minutes": tr.minutes.total,
                "total_hours": format_hours(tr.minutes.total),
            }
        )
    return {
        "snapshot_version": SNAPSHOT_VERSION,
        "month": report.month.isoformat()[:7],
        "provider": provider.__dict__,
        "client": {"id": client.id, "name": client.name, "personal_number": client.personal_number},
        "time_reports": time_reports,
        "claim": _claim(report.claim),
        "municipal": _claim(report.municipal),
        "pools": [
            {
                "decision_id": p.grant_id,
                "payer": p.payer.value,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "pool_hours": _hours(p.pool_minutes),
                "used_before_hours": _hours(p.used_before),
                "used_in_month_hours": _hours(p.used_in_month),
                "remaining_hours": _hours(p.pool_minutes - p.used_before - p.used_in_month),
            }
            for p in report.pools
        ],
        "decisions": decisions,
        "rates_used": [
            {"kind": r.kind, "year": r.year, "rate": f"{r.rate:.2f}", "decision_id": r.grant_id}
            for r in sorted(report.rates_used, key=lambda r: (r.year, r.kind, str(r.grant_id)))
        ],
        "ruleset_version": report.ruleset_version,
        "calculation_version": report.calculation_version,
    }
