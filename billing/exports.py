"""CSV and JSON exports of frozen month snapshots. Pure Python: no Django.

The format is stable and documented in ``docs/exports.md``:

* CSV (``month_csv``, ``provider_csv``): UTF-8, no BOM, semicolon-separated,
  CRLF line ends, one header row, then one row per time-report row. Minutes
  are integers (the exact value); ``hours`` repeats them as Swedish decimal
  text with a comma (``"1,50"``) so the file opens as numbers in Swedish Excel.
  No totals rows: sum the ``minutes`` column.
* JSON (``month_json``): the snapshot unchanged, plus ``"format":
  "assistanstid.month/1"`` and ``"contains_personal_numbers": true``.
  ``provider_json``: ``"format": "assistanstid.provider-month/1"``, the
  provider, the month, ``totals``, ``client_totals`` and the snapshots under
  ``"clients"``.

Every export contains personnummer (client and assistant). The JSON says so
at the top; the CSV says so in its column names (``*_personal_number``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

from .calculations import format_hours

MONTH_FORMAT = "assistanstid.month/1"
PROVIDER_FORMAT = "assistanstid.provider-month/1"

CSV_COLUMNS: tuple[str, ...] = (
    "month",
    "provider_org_number",
    "client_id",
    "client_name",
    "client_personal_number",
    "assistant_id",
    "assistant_name",
    "assistant_personal_number",
    "date",
    "start",
    "end",
    "kind",
    "kind_label",
    "payer",
    "minutes",
    "hours",
    "shift_id",
)


def _hours(minutes: int) -> str:
    """``90`` → ``"1,50"``; ``74070`` → ``"1234,50"`` (no thousands separator,
    so the cell stays one number)."""
    return format_hours(minutes).replace("\u00a0", "")


def _rows(snapshot: dict) -> Iterable[list]:
    client = snapshot["client"]
    for report in snapshot["time_reports"]:
        assistant = report["assistant"]
        for row in report["rows"]:
            yield [
                snapshot["month"],
                snapshot["provider"]["org_number"],
                client["id"],
                client["name"],
                client["personal_number"],
                assistant["id"],
                assistant["name"],
                assistant["personal_number"],
                row["date"],
                row["start"],
                row["end"],
                row["kind"],
                row["kind_label"],
                row["payer"],
                row["minutes"],
                _hours(row["minutes"]),
                row["shift_id"],
            ]


def _csv(snapshots: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for snapshot in snapshots:
        writer.writerows(_rows(snapshot))
    return out.getvalue()


def month_csv(snapshot: dict) -> str:
    """One client's month: one line per time-report row, all assistants."""
    return _csv([snapshot])


def provider_csv(snapshots: Sequence[dict]) -> str:
    """The provider's month: the rows of every client, in the given order."""
    return _csv(snapshots)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def month_json(snapshot: dict) -> str:
    """The snapshot as it was frozen, with the format marker keys first."""
    return _dumps({"format": MONTH_FORMAT, "contains_personal_numbers": True, **snapshot})


def _client_totals(snapshot: dict) -> dict:
    claim, municipal = snapshot["claim"], snapshot["municipal"]
    return {
        "client_id": snapshot["client"]["id"],
        "client_name": snapshot["client"]["name"],
        "total_minutes": claim["total_minutes"] + municipal["total_minutes"],
        "not_payable_minutes": sum(n["minutes"] for n in claim["not_payable"] + municipal["not_payable"]),
        "amount_fk": claim["amount"],
        "amount_municipal": municipal["amount"],
    }


def provider_json(snapshots: Sequence[dict]) -> str:
    """All clients' snapshots of one provider and month, with totals.
    Raises ValueError when the snapshots mix providers or months."""
    if not snapshots:
        raise ValueError("no snapshots to export")
    providers = {s["provider"]["id"] for s in snapshots}
    months = {s["month"] for s in snapshots}
    if len(providers) != 1 or len(months) != 1:
        raise ValueError("a provider export holds one provider and one month")
    clients = [_client_totals(s) for s in snapshots]
    totals = {
        "total_minutes": sum(c["total_minutes"] for c in clients),
        "not_payable_minutes": sum(c["not_payable_minutes"] for c in clients),
        "amount_fk": f"{sum(Decimal(c['amount_fk']) for c in clients):.2f}",
        "amount_municipal": f"{sum(Decimal(c['amount_municipal']) for c in clients):.2f}",
    }
    return _dumps(
        {
            "format": PROVIDER_FORMAT,
            "contains_personal_numbers": True,
            "provider": snapshots[0]["provider"],
            "month": snapshots[0]["month"],
            "totals": totals,
            "client_totals": clients,
            "clients": list(snapshots),
        }
    )
