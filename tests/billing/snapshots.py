"""Realistic month snapshots for document and export tests (no database).

The snapshots go through the real pipeline: shifts built with
``tests.rules.builders`` → ``billing.calculations.compute_month`` →
``billing.snapshot.build``, so what the renderers see is exactly what a
stored MonthlyReport holds.

``month_snapshot()``: March 2026 for one client, three assistants, ~40 rows:
a 24 h pass with waiting time and standby, the spring DST night
(2026-03-29), a W4 finding that makes two hours not payable, an FK decision
at a raised rate and a municipal decision that takes over when the FK pool
runs out.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from billing.calculations import DEFAULT_RATES, compute_month
from billing.snapshot import Party, ProviderInfo, build
from scheduling.rules.model import Finding, Grant, Kind, Payer, Severity, Shift
from tests.rules.builders import at, segmented, shift

MARCH = date(2026, 3, 1)

PROVIDER = ProviderInfo(
    id=7, name="Omsorg & Assistans i Väst AB", org_number="556677-8899", bankgiro="5050-1055", kind="company"
)
OTHER_PROVIDER = ProviderInfo(
    id=8, name="Lilla Assistansbolaget", org_number="559900-1122", bankgiro="123-4567", kind="company"
)

CLIENT = Party(id=101, name="Åsa Öberg", personal_number="19800412-1234")
ASSISTANTS = {
    11: Party(id=11, name="Björn Ärlig", personal_number="19920101-5678"),
    12: Party(id=12, name="Märta Ström", personal_number="19851230-2468"),
    13: Party(id=13, name="Jönsson, Kalle-Åke", personal_number="20011111-1357"),
}
REFERENCE_PERIODS = {
    11: (date(2026, 1, 1), date(2026, 4, 30)),
    12: (date(2026, 3, 1), date(2026, 6, 30)),
    13: None,
}

FK_DECISION = 501
MUNICIPAL_DECISION = 502
RAISED_RATE = Decimal("372.00")
MUNICIPAL_RATE = Decimal("330.00")


def _grants(client_id: int, fk_weekly_hours: int) -> tuple[Grant, ...]:
    return (
        Grant(
            id=FK_DECISION,
            client_id=client_id,
            payer=Payer.FK,
            start=date(2026, 3, 1),
            end=date(2026, 3, 31),
            weekly_minutes=fk_weekly_hours * 60,
            wait_factor="1/4",
            standby_factor="1/7",
        ),
        Grant(
            id=MUNICIPAL_DECISION,
            client_id=client_id,
            payer=Payer.MUNICIPALITY,
            start=date(2026, 1, 1),
            end=date(2026, 12, 31),
            weekly_minutes=20 * 60,
        ),
    )


def _decisions(fk_weekly_hours: int) -> list[dict]:
    return [
        {
            "id": FK_DECISION,
            "payer": "fk",
            "start": "2026-03-01",
            "end": "2026-03-31",
            "weekly_hours": f"{fk_weekly_hours}.00",
            "rate_kind": "raised",
            "raised_rate": f"{RAISED_RATE}",
            "case_number": "FK 2026-118833",
            "municipality": "",
        },
        {
            "id": MUNICIPAL_DECISION,
            "payer": "municipality",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "weekly_hours": "20.00",
            "rate_kind": "municipal",
            "raised_rate": None,
            "case_number": "SN 2025/4411",
            "municipality": "Göteborgs Stad",
        },
    ]


def _march_shifts(client_id: int) -> list[Shift]:
    shifts: list[Shift] = []
    sid = 1000

    def add(item: Shift) -> None:
        shifts.append(item)

    # Björn (11): day shifts 08-16 on weekdays of the first two weeks.
    for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13):
        sid += 1
        add(shift(sid, 11, client_id, f"2026-03-{d:02d} 08:00", f"2026-03-{d:02d} 16:00"))
    # Björn: the 24 h pass 16 March 08:00 → 17 March 08:00 with waiting time
    # in the night and standby in the early morning.
    sid += 1
    add(
        segmented(
            sid,
            11,
            client_id,
            [
                ("2026-03-16 08:00", "2026-03-16 22:30", Kind.ACTIVE),
                ("2026-03-16 22:30", "2026-03-17 05:00", Kind.WAITING),
                ("2026-03-17 05:00", "2026-03-17 06:30", Kind.STANDBY),
                ("2026-03-17 06:30", "2026-03-17 08:00", Kind.ACTIVE),
            ],
        )
    )
    w4_shift = sid + 1
    # Märta (12): evening shifts; the last one crosses midnight into the DST night.
    for d in (2, 4, 6, 9, 11, 13, 18, 20, 23, 25):
        sid += 1
        add(shift(sid, 12, client_id, f"2026-03-{d:02d} 16:00", f"2026-03-{d:02d} 22:00"))
    sid += 1
    dst_shift = sid
    add(
        segmented(
            sid,
            12,
            client_id,
            [
                ("2026-03-28 20:00", "2026-03-29 01:30", Kind.ACTIVE),
                ("2026-03-29 01:30", "2026-03-29 07:00", Kind.WAITING),
            ],
        )
    )
    # Kalle-Åke (13): weekend days, late in the month (the FK pool runs out).
    for d in (7, 8, 14, 15, 21, 22, 27, 30, 31):
        sid += 1
        add(shift(sid, 13, client_id, f"2026-03-{d:02d} 09:00", f"2026-03-{d:02d} 17:30"))
    assert dst_shift and w4_shift
    return shifts


def _w4(client_id: int, shift_id: int) -> Finding:
    return Finding(
        code="W4",
        severity=Severity.NOT_PAYABLE,
        shift_ids=(shift_id,),
        assistant_id=12,
        client_id=client_id,
        start=at("2026-03-02 20:00"),
        end=at("2026-03-02 22:00"),
        minutes=120,
        message="Över assistentens tillåtna arbetstid",
        hint="",
        message_en="over the working-time cap",
    )


def month_snapshot(
    *,
    client: Party = CLIENT,
    provider: ProviderInfo = PROVIDER,
    fk_weekly_hours: int = 50,
) -> dict:
    """March 2026 for one client: 3 assistants, ~40 rows, FK + municipal."""
    shifts = _march_shifts(client.id)
    w4_shift = next(s.id for s in shifts if s.assistant_id == 12)
    report = compute_month(
        client_id=client.id,
        month=MARCH,
        shifts=shifts,
        findings=[_w4(client.id, w4_shift)],
        grants=_grants(client.id, fk_weekly_hours),
        rates=DEFAULT_RATES,
        raised_rates={FK_DECISION: RAISED_RATE},
        municipal_rates={MUNICIPAL_DECISION: MUNICIPAL_RATE},
    )
    return build(
        report,
        provider=provider,
        client=client,
        assistants=ASSISTANTS,
        reference_periods=REFERENCE_PERIODS,
        decisions=_decisions(fk_weekly_hours),
    )


def busy_snapshot(*, days: int = 31) -> dict:
    """One assistant with two shifts a day all month (~90 rows): a time report
    that must run over several pages."""
    client = Party(id=102, name="Per Ödmark", personal_number="19700101-0000")
    shifts = []
    for offset in range(days):
        d = MARCH + timedelta(days=offset)
        if d == date(2026, 3, 29):
            continue  # the DST night is in month_snapshot
        text = d.isoformat()
        shifts.append(shift(2000 + 2 * offset, 11, client.id, f"{text} 07:00", f"{text} 12:00"))
        shifts.append(
            segmented(
                2001 + 2 * offset,
                11,
                client.id,
                [(f"{text} 13:00", f"{text} 19:00", Kind.ACTIVE), (f"{text} 19:00", f"{text} 21:00", Kind.WAITING)],
            )
        )
    report = compute_month(
        client_id=client.id,
        month=MARCH,
        shifts=shifts,
        findings=[],
        grants=(_grants(client.id, 168)[0],),
        rates=DEFAULT_RATES,
    )
    return build(
        report,
        provider=PROVIDER,
        client=client,
        assistants={11: ASSISTANTS[11]},
        reference_periods={11: REFERENCE_PERIODS[11]},
        decisions=_decisions(168)[:1],
    )


def provider_snapshots() -> list[dict]:
    """The provider's month: three clients (one busy, two ordinary)."""
    second = Party(id=103, name="Lars-Göran Åkesson", personal_number="19551224-9999")
    return [month_snapshot(), month_snapshot(client=second, fk_weekly_hours=70), busy_snapshot()]


def invoice(*, credit: bool = False) -> dict:
    """An invoice dict (billing.pdf module docstring) for the municipal hours of
    ``month_snapshot()``; ``credit=True`` gives the credit note cancelling it."""
    data = month_snapshot()
    municipal = data["municipal"]
    sign = "-" if credit else ""
    lines = [
        {
            "description": f"Personlig assistans enligt LSS, {data['month']}",
            "hours": line["hours"],
            "rate": line["rate"],
            "amount": f"{sign}{line['amount']}",
        }
        for line in municipal["rate_lines"]
    ]
    issued = date(2026, 4, 3) if not credit else date(2026, 4, 20)
    return {
        "number": 1043 if credit else 1042,
        "issued_on": issued.isoformat(),
        "due_on": (issued + timedelta(days=30 if not credit else 0)).isoformat(),
        "ocr": "104360" if credit else "104253",
        "provider": {k: data["provider"][k] for k in ("name", "org_number", "bankgiro")},
        "recipient": {"name": "Göteborgs Stad"},
        "client": {"name": data["client"]["name"], "personal_number_masked": "19800412-****"},
        "month": data["month"],
        "lines": lines,
        "amount": f"{sign}{municipal['amount']}",
        "credit_of": 1042 if credit else None,
        "reason": "Fel timbelopp; ny faktura skickas." if credit else "",
    }


def now() -> datetime:
    """A fixed instant for anything that would print 'today'."""
    return at("2026-04-03 10:00")
