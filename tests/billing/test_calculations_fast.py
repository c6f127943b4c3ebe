"""The summed path of ``compute_month`` against the exact path (the oracle).

``compute_month`` sums whole minutes per decision and kind when no pool can
run out, and falls back to ``compute_month_exact`` (atoms, pools consumed in
time order) otherwise. Both must give the same report to the minute and the
öre, or the same error. Pure: no database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing import calculations
from billing.calculations import (
    DEFAULT_RATES,
    OVER_POOL,
    BillingError,
    MonthReport,
    RaisedRateTooHigh,
    RateTable,
    UnknownRateYear,
    compute_month,
    compute_month_exact,
)
from scheduling.rules.model import STOCKHOLM, Finding, Grant, Kind, Payer, Segment, Severity, Shift
from scheduling.rules.timeutil import local_midnight, minutes_between
from tests.billing import snapshots
from tests.rules.builders import at, segmented, shift

C = "client-1"
D = Decimal


def _outcome(function, kwargs: dict):
    try:
        return function(**kwargs)
    except (BillingError, ValueError, TypeError) as exc:
        return exc


def _summed(kwargs: dict) -> MonthReport | BillingError | ValueError | None:
    """The summed path alone; None where it hands over to the exact path."""
    try:
        return calculations._compute_month_summed(
            kwargs["client_id"],
            kwargs["month"],
            kwargs["shifts"],
            kwargs["findings"],
            kwargs["grants"],
            kwargs["rates"],
            kwargs.get("raised_rates") or {},
            kwargs.get("municipal_rates") or {},
            kwargs.get("pool_history", ()),
        )
    except calculations._Fallback:
        return None


def _same(result, oracle) -> None:
    if isinstance(oracle, Exception):
        assert type(result) is type(oracle)
        assert str(result) == str(oracle)
        assert getattr(result, "message", None) == getattr(oracle, "message", None)
    else:
        assert isinstance(result, MonthReport)
        assert result == oracle
        # repr as well: the same Decimal exponents, Fraction types and instants' zones.
        assert repr(result) == repr(oracle)


def check(**kwargs) -> bool:
    """Assert that ``compute_month`` and the summed path agree with the exact
    path; return whether the summed path answered on its own."""
    kwargs.setdefault("client_id", C)
    kwargs.setdefault("rates", DEFAULT_RATES)
    kwargs.setdefault("findings", [])
    oracle = _outcome(compute_month_exact, kwargs)
    _same(_outcome(compute_month, kwargs), oracle)
    summed = _summed(kwargs)
    if summed is not None:
        _same(summed, oracle)
    return summed is not None


def grant(
    id: int | str = 1,
    start: str = "2026-01-01",
    end: str = "2026-06-30",
    weekly_hours: int = 100,
    payer: Payer = Payer.FK,
    wait: str = "1/4",
    standby: str = "1/7",
) -> Grant:
    return Grant(id, C, payer, date.fromisoformat(start), date.fromisoformat(end), weekly_hours * 60, 0, wait, standby)


def finding(
    code: str,
    shift_ids: tuple,
    start: str,
    end: str,
    minutes: int | None = None,
    severity: Severity = Severity.NOT_PAYABLE,
    client: str | None = C,
) -> Finding:
    a, b = at(start), at(end)
    return Finding(
        code, severity, shift_ids, None, client, a, b, minutes_between(a, b) if minutes is None else minutes, "", "", ""
    )


MARCH = date(2026, 3, 1)
PASS = segmented(
    7,
    "b",
    C,
    [
        ("2026-03-16 08:00", "2026-03-16 22:30", Kind.ACTIVE),
        ("2026-03-16 22:30", "2026-03-17 05:00", Kind.WAITING),
        ("2026-03-17 05:00", "2026-03-17 06:30", Kind.STANDBY),
        ("2026-03-17 06:30", "2026-03-17 08:00", Kind.ACTIVE),
    ],
)
TWO_FK_GRANTS = (grant(1, "2026-01-01", "2026-03-15", wait="1/3"), grant(2, "2026-03-16", "2026-06-30"))
FK_AND_MUNICIPAL = (grant(1, end="2026-03-20"), grant(2, "2026-01-01", "2026-12-31", 20, Payer.MUNICIPALITY))
MUNICIPAL_RATES = {2: D("330.00")}


# Each case: the keyword arguments of compute_month and whether the summed
# path answers on its own (False: a pool runs out or the input is refused,
# and the exact path answers).
CASES = [
    pytest.param(
        {"month": MARCH, "shifts": [shift(1, "a", C, "2026-03-29 00:00", "2026-03-29 04:00")], "grants": [grant()]},
        True,
        id="spring DST night: 3 hours",
    ),
    pytest.param(
        {
            "month": date(2026, 10, 1),
            "shifts": [shift(1, "a", C, "2026-10-25 00:00", "2026-10-25 04:00")],
            "grants": [grant(end="2026-12-31")],
        },
        True,
        id="autumn DST night: 5 hours",
    ),
    pytest.param(
        {
            "month": date(2026, 10, 1),
            "shifts": [shift(1, "a", C, at("2026-10-25 02:30", fold=0), at("2026-10-25 02:30", fold=1))],
            "grants": [grant(end="2026-12-31")],
        },
        True,
        id="the autumn double hour keeps its instants",
    ),
    *[
        pytest.param(
            {
                "month": month,
                "shifts": [shift(1, "a", C, "2025-12-31 22:00", "2026-01-01 06:00")],
                "grants": [grant(start="2025-12-01", end="2026-01-31")],
            },
            True,
            id=f"the New Year shift in {month:%Y-%m}, each year's rate",
        )
        for month in (date(2025, 12, 1), date(2026, 1, 1))
    ],
    *[
        pytest.param(
            {
                "month": month,
                "shifts": [shift(1, "a", C, "2026-03-31 20:00", "2026-04-01 04:00", Kind.WAITING)],
                "grants": [grant()],
            },
            True,
            id=f"a shift over the month's end, {month:%B}",
        )
        for month in (MARCH, date(2026, 4, 1))
    ],
    pytest.param(
        {"month": MARCH, "shifts": [shift(1, "a", C, "2026-03-31 23:00", "2026-04-01 00:30")], "grants": [grant()]},
        True,
        id="a shift half an hour into the next month",
    ),
    pytest.param(
        {"month": MARCH, "shifts": [PASS], "grants": [grant(wait="0,25", standby="0.3")]},
        True,
        id="a 24 h pass with waiting time and standby",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [PASS, shift(8, "a", C, "2026-03-15 20:00", "2026-03-16 02:00", Kind.STANDBY)],
            "grants": TWO_FK_GRANTS,
        },
        True,
        id="two FK decisions with different factors, a shift across their boundary",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00")],
            "findings": [
                finding("E3", (1,), "2026-03-10 12:00", "2026-03-10 13:00"),
                finding("W4", (1,), "2026-03-10 12:00", "2026-03-10 16:00", minutes=210),
                finding("V1", (1,), "2026-03-10 08:00", "2026-03-10 09:00", severity=Severity.WARNING),
                finding("W4", (1,), "2026-03-10 08:00", "2026-03-10 09:00", client="client-2"),
                finding("X9", (1,), "2026-03-10 09:00", "2026-03-10 10:00"),
            ],
            "grants": [grant()],
        },
        True,
        id="W4 cuts the latest minutes, E3 wins the overlap, warnings and other clients ignored",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [
                shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00"),
                shift(2, "b", C, "2026-03-10 10:00", "2026-03-10 14:00", double=True),
            ],
            "findings": [finding("H2", (1, 2), "2026-03-10 10:00", "2026-03-10 14:00", minutes=120)],
            "grants": [grant()],
        },
        True,
        id="H2 cuts the shift listed later",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [
                shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00"),
                shift(2, "b", C, "2026-03-10 12:00", "2026-03-10 20:00"),
            ],
            "findings": [finding("E4", (), "2026-03-10 14:00", "2026-03-10 18:00", minutes=150)],
            "grants": [grant()],
        },
        True,
        id="a finding without shift ids cuts the client's shifts",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [
                shift(1, "a", C, "2026-03-19 20:00", "2026-03-21 04:00"),
                shift(2, "b", C, "2026-03-25 08:00", "2026-03-25 12:00"),
            ],
            "findings": [finding("E2", (1,), "2026-03-20 22:00", "2026-03-21 02:00")],
            "grants": FK_AND_MUNICIPAL,
            "municipal_rates": MUNICIPAL_RATES,
        },
        True,
        id="FK until its decision ends, then the municipality at its own rate",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00")],
            "findings": [finding("E1", (1,), "2026-03-10 15:00", "2026-03-10 16:00")],
            "grants": [grant(start="2026-03-10", end="2026-03-10"), grant(2, "2026-03-12", "2026-03-31")],
        },
        True,
        id="a one-day decision and a gap",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00")],
            "findings": [finding("E1", (1,), "2026-03-10 15:00", "2026-03-10 16:00")],
            "grants": [],
        },
        True,
        id="no decision: G0, and a finding keeps its reason",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00")],
            "grants": [grant(weekly_hours=10)],
            "raised_rates": {1: D("389.42")},
        },
        True,
        id="a raised rate just under the cap",
    ),
    pytest.param(
        {"month": MARCH, "shifts": [], "grants": [grant()]},
        True,
        id="an empty month",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [shift(2, "a", C, "2026-03-02 08:00", "2026-03-02 20:00")],
            "pool_history": [shift(1, "a", C, "2026-02-27 08:00", "2026-02-28 20:00")],
            "grants": [grant(start="2026-02-27", end="2026-03-05", weekly_hours=40)],
        },
        False,
        id="the pool runs out after history: the exact walk",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [shift(2, "a", C, "2026-03-02 08:00", "2026-03-02 16:00")],
            "pool_history": [shift(1, "a", C, "2026-02-27 08:00", "2026-02-27 16:00")],
            "grants": [grant(start="2026-02-27", end="2026-03-05", weekly_hours=40)],
        },
        True,
        id="history uses the pool but leaves room",
    ),
    *[
        pytest.param(
            {
                "month": MARCH,
                "shifts": [shift(1, "a", C, "2026-03-10 08:00", end, kind)],
                # 7 h a week for one day: a pool of exactly 60 converted minutes.
                "grants": [grant(start="2026-03-10", end="2026-03-10", weekly_hours=7, wait="1/4")],
            },
            summed,
            id=f"{label}: {'summed' if summed else 'the exact walk'}",
        )
        for end, kind, summed, label in [
            ("2026-03-10 09:00", Kind.ACTIVE, True, "the pool exactly used"),
            ("2026-03-10 09:01", Kind.ACTIVE, False, "one minute over the pool"),
            ("2026-03-10 12:00", Kind.WAITING, True, "the pool exactly used by waiting time"),
            ("2026-03-10 12:01", Kind.WAITING, False, "a quarter minute over the pool"),
        ]
    ],
    pytest.param(
        {
            "month": MARCH,
            "shifts": [
                shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00"),
                shift(2, "a", C, "2026-03-10 12:00", "2026-03-10 20:00"),
            ],
            "grants": [grant()],
        },
        False,
        id="overlapping shifts of one assistant: the exact row order",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00")],
            "grants": [grant()],
            "raised_rates": {1: D("400.00")},
        },
        False,
        id="a raised rate above the cap is refused",
    ),
    pytest.param(
        {
            "month": MARCH,
            "shifts": [shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00")],
            "grants": [grant()],
            "rates": RateTable({2025: D("342.60")}),
        },
        False,
        id="a year without a rate is refused",
    ),
    pytest.param(
        {"month": date(2026, 3, 2), "shifts": [], "grants": [grant()]},
        False,
        id="a month that does not start on its first day",
    ),
    pytest.param(
        {"month": MARCH, "shifts": [shift(1, "a", "client-2", "2026-03-10 08:00", "2026-03-10 16:00")], "grants": []},
        False,
        id="another client's shift",
    ),
]


@pytest.mark.parametrize(("kwargs", "summed"), CASES)
def test_the_summed_path_gives_the_exact_report(kwargs, summed):
    assert check(**kwargs) is summed


def test_the_g1_g3_pool_example_is_walked_exactly():
    """100 h a week for 181 days, 2 600 h performed: 2 585 h 43 min paid."""
    decision = grant(start="2026-01-01", end="2026-06-30")
    shifts = [
        shift(day, "a", C, local_midnight(date(2026, 1, 1) + timedelta(days=day)), end)
        for day in range(181)
        for end in [local_midnight(date(2026, 1, 1) + timedelta(days=day)) + timedelta(minutes=round(2600 * 60 / 181))]
    ]
    june = date(2026, 6, 1)
    kwargs = {"month": june, "shifts": shifts, "pool_history": shifts, "grants": [decision]}
    assert check(**kwargs) is False
    assert compute_month(client_id=C, rates=DEFAULT_RATES, findings=[], **kwargs).claim.not_payable_for(OVER_POOL) > 0


def test_the_snapshot_months_agree():
    """The documents' months: the FK pool runs out in ``month_snapshot`` (the
    exact walk), and ``busy_snapshot``'s month is summed."""
    client = snapshots.CLIENT.id
    shifts = snapshots._march_shifts(client)
    w4 = next(s.id for s in shifts if s.assistant_id == 12)
    month = {
        "client_id": client,
        "month": MARCH,
        "shifts": shifts,
        "findings": [snapshots._w4(client, w4)],
        "raised_rates": {snapshots.FK_DECISION: snapshots.RAISED_RATE},
        "municipal_rates": {snapshots.MUNICIPAL_DECISION: snapshots.MUNICIPAL_RATE},
    }
    assert check(**month, grants=snapshots._grants(client, 50)) is False
    assert check(**month, grants=snapshots._grants(client, 168)) is True


def test_errors_are_the_exact_paths():
    shifts = [shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00")]
    with pytest.raises(RaisedRateTooHigh):
        compute_month(
            client_id=C, month=MARCH, shifts=shifts, findings=[], grants=[grant()], rates=DEFAULT_RATES,
            raised_rates={1: D("400.00")},
        )  # fmt: skip
    with pytest.raises(UnknownRateYear):
        compute_month(
            client_id=C, month=MARCH, shifts=shifts, findings=[], grants=[grant()], rates=RateTable({2025: D("1")})
        )
    naive = [Shift(1, "a", C, (Segment(datetime(2026, 3, 10, 8), datetime(2026, 3, 10, 16)),))]
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_month(client_id=C, month=MARCH, shifts=naive, findings=[], grants=[grant()], rates=DEFAULT_RATES)


# --------------------------------------------------------------------------- property: any input


#: Windows around the New Year, the spring DST night and the autumn one.
ORIGINS = [local_midnight(date(2025, 12, 10)), local_midnight(date(2026, 2, 20)), local_midnight(date(2026, 10, 5))]
SPAN_DAYS = 50


@st.composite
def month_input(draw) -> dict:
    origin = draw(st.sampled_from(ORIGINS))
    first_day = origin.astimezone(STOCKHOLM).date()

    def instant(minute: int, seconds: int = 0) -> datetime:
        value = origin + timedelta(minutes=minute, seconds=seconds)
        # Equal instants in other zones, and now and then seconds, which the
        # calculation truncates to the minute.
        return value.astimezone(draw(st.sampled_from([UTC, STOCKHOLM])))

    shifts: list[Shift] = []
    ident = 0
    for assistant in range(draw(st.integers(1, 4))):
        cursor = draw(st.integers(0, 4000))
        for _ in range(draw(st.integers(0, 10))):
            segments = []
            seconds = draw(st.sampled_from([0, 0, 0, 30]))
            for _ in range(draw(st.integers(1, 4))):
                length = draw(st.integers(1, 16 * 60))
                kind = draw(st.sampled_from(list(Kind)))
                segments.append(Segment(instant(cursor, seconds), instant(cursor + length, seconds), kind))
                cursor += length
            ident += 1
            shifts.append(Shift(ident, f"a{assistant}", C, tuple(segments), double=assistant > 0))
            cursor += draw(st.integers(0, 4 * 24 * 60))
            # Now and then the next shift starts before this one ends.
            cursor += draw(st.sampled_from([0] * 12 + [-90]))
            if cursor > SPAN_DAYS * 24 * 60:
                break

    findings = []
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, SPAN_DAYS * 24 * 60))
        b = a + draw(st.integers(1, 3 * 24 * 60))
        ids = draw(st.lists(st.sampled_from([s.id for s in shifts]), max_size=3)) if shifts else []
        findings.append(
            Finding(
                code=draw(st.sampled_from(["W4", "E1", "E2", "E3", "E4", "H2", "V1", "X9"])),
                severity=draw(st.sampled_from([Severity.NOT_PAYABLE] * 3 + [Severity.WARNING])),
                shift_ids=tuple(ids),
                assistant_id=None,
                client_id=draw(st.sampled_from([C, C, C, None, "client-2"])),
                start=instant(a),
                end=instant(b),
                minutes=draw(st.integers(0, b - a)),
                message="",
                hint="",
                message_en="",
            )
        )

    grants = []
    for ident in range(draw(st.integers(0, 3))):
        start = first_day + timedelta(days=draw(st.integers(-30, SPAN_DAYS)))
        grants.append(
            Grant(
                id=ident,
                client_id=C,
                payer=draw(st.sampled_from([Payer.FK, Payer.FK, Payer.MUNICIPALITY])),
                start=start,
                end=start + timedelta(days=draw(st.integers(0, 90))),
                # From pools that run out in a day to ones that never do.
                weekly_minutes=draw(st.sampled_from([60, 20 * 60, 100 * 60, 168 * 60])),
                wait_factor=draw(st.sampled_from(["1/4", "0.25", "1/3", "0", "1"])),
                standby_factor=draw(st.sampled_from(["1/7", "0,3", "1", "0"])),
            )
        )
    fk = [g.id for g in grants if g.payer == Payer.FK]
    municipal = [g.id for g in grants if g.payer == Payer.MUNICIPALITY]
    raised = {i: draw(st.sampled_from([D("350.00"), D("389.42"), D("400.00")])) for i in fk if draw(st.booleans())}
    municipal_rates = {i: D("330.00") for i in municipal if draw(st.booleans())}

    month = draw(st.sampled_from([(first_day + timedelta(days=d)).replace(day=1) for d in (0, 31, 62)]))
    month_start = local_midnight(month)
    history = [s for s in shifts if s.end <= month_start and draw(st.booleans())]
    in_month = [s for s in shifts if s not in history or draw(st.booleans())]
    return {
        "month": month,
        "shifts": in_month,
        "pool_history": history,
        "findings": findings,
        "grants": grants,
        "raised_rates": raised or None,
        "municipal_rates": municipal_rates or None,
        "rates": draw(st.sampled_from([DEFAULT_RATES] * 5 + [RateTable({2025: D("342.60")})])),
    }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(kwargs=month_input())
def test_any_month_gives_the_exact_report_or_the_exact_error(kwargs):
    check(**kwargs)


def test_the_property_inputs_take_the_summed_path_as_well():
    """Most generated months must be answered by the summed path itself, or
    the property above would only test the fallback."""
    summed = total = 0

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(kwargs=month_input())
    def count(kwargs):
        nonlocal summed, total
        total += 1
        summed += check(**kwargs)

    count()
    assert summed >= total / 3, (summed, total)
