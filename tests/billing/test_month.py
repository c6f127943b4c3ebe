"""The monthly report: time reports (FK 3059) and claims (FK 3057), T1-T3, G1-G4, M1, M4.

Pure: no database. Shifts are written in local Stockholm time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from billing.calculations import (
    CALCULATION_VERSION,
    DEFAULT_RATES,
    NO_DECISION,
    OVER_POOL,
    Claim,
    KindMinutes,
    MonthReport,
    RaisedRateTooHigh,
    RateUsed,
    ReportMismatch,
    TimeReport,
    UnknownRateYear,
    _check_m1,
    compute_month,
)
from scheduling.rules.model import RULESET_VERSION, Finding, Grant, Kind, Payer, Severity, Shift
from scheduling.rules.timeutil import fmt_minutes, minutes_between
from tests.rules.builders import at, segmented, shift

D = Decimal
C = "client-1"
MARCH = date(2026, 3, 1)


def grant(
    id: int | str = 1,
    start: str = "2026-01-01",
    end: str = "2026-06-30",
    weekly_hours: int = 100,
    payer: Payer = Payer.FK,
    wait: str = "1/4",
    standby: str = "1/7",
) -> Grant:
    return Grant(
        id=id,
        client_id=C,
        payer=payer,
        start=date.fromisoformat(start),
        end=date.fromisoformat(end),
        weekly_minutes=weekly_hours * 60,
        wait_factor=wait,
        standby_factor=standby,
    )


def finding(
    code: str,
    shift_ids: tuple[int | str, ...],
    start: str | datetime,
    end: str | datetime,
    minutes: int | None = None,
    severity: Severity = Severity.NOT_PAYABLE,
    client: int | str | None = C,
    accepted: bool = False,
) -> Finding:
    a = start if isinstance(start, datetime) else at(start)
    b = end if isinstance(end, datetime) else at(end)
    return Finding(
        code=code,
        severity=severity,
        shift_ids=shift_ids,
        assistant_id=None,
        client_id=client,
        start=a,
        end=b,
        minutes=minutes_between(a, b) if minutes is None else minutes,
        message="",
        hint="",
        message_en="",
        accepted=accepted,
    )


def report(
    month: date,
    shifts: list[Shift],
    findings: list[Finding] | tuple[Finding, ...] = (),
    grants: tuple[Grant, ...] = (grant(),),
    history: list[Shift] | tuple[Shift, ...] = (),
    **kwargs,
) -> MonthReport:
    result = compute_month(
        client_id=C,
        month=month,
        shifts=shifts,
        findings=findings,
        grants=grants,
        rates=DEFAULT_RATES,
        pool_history=history,
        **kwargs,
    )
    assert_adds_up(result)
    return result


def assert_adds_up(result: MonthReport) -> None:
    """M1 and the not-payable breakdown, checked from the outside as well."""
    rows = [row for tr in result.time_reports for row in tr.rows]
    for claim in (result.claim, result.municipal):
        kinds = {kind: sum(r.minutes for r in rows if r.payer == claim.payer and r.kind == kind) for kind in Kind}
        assert claim.minutes == KindMinutes.of(kinds)
        assert claim.payable.total + claim.not_payable_minutes == claim.minutes.total
        assert claim.amount == sum((line.amount for line in claim.rate_lines), D("0"))
    assert result.claim.minutes + result.municipal.minutes == result.minutes


def rows_of(result: MonthReport) -> list[tuple]:
    return [
        (tr.assistant_id, row.day.isoformat(), row.start_text, row.end_text, row.kind.value, row.minutes)
        for tr in result.time_reports
        for row in tr.rows
    ]


# --------------------------------------------------------------------------- time (T1, T3)


@pytest.mark.parametrize(
    ("day", "minutes", "amount"),
    [
        pytest.param("2026-03-29", 180, D("1043.10"), id="spring DST night: 00:00-04:00 is 3 hours"),
        pytest.param("2026-10-25", 300, D("1738.50"), id="autumn DST night: 00:00-04:00 is 5 hours"),
        pytest.param("2026-03-10", 240, D("1390.80"), id="an ordinary night: 00:00-04:00 is 4 hours"),
    ],
)
def test_dst_nights_count_real_elapsed_time_in_rows_and_claim(day, minutes, amount):
    month = date.fromisoformat(day).replace(day=1)
    grants = (grant(start="2026-03-01", end="2026-08-31"), grant(2, start="2026-09-01", end="2027-02-28"))
    result = report(month, [shift(1, "a", C, f"{day} 00:00", f"{day} 04:00")], grants=grants)
    assert rows_of(result) == [("a", day, "00:00", "04:00", "active", minutes)]
    assert result.claim.minutes == KindMinutes(active=minutes)
    assert result.claim.payable == KindMinutes(active=minutes)
    assert result.claim.amount == amount


def test_a_row_in_the_autumn_double_hour_keeps_its_instant():
    result = report(
        date(2026, 10, 1),
        [shift(1, "a", C, at("2026-10-25 02:30", fold=1), "2026-10-25 03:30")],
        grants=(grant(start="2026-09-01", end="2027-02-28"),),
    )
    (row,) = result.time_reports[0].rows
    assert (row.start_text, row.end_text, row.minutes) == ("02:30", "03:30", 60)
    assert row.start.utcoffset() == timedelta(0)
    assert row.start == at("2026-10-25 02:30", fold=1)


@pytest.mark.parametrize(
    ("month", "rows", "amount"),
    [
        pytest.param(MARCH, [("a", "2026-03-31", "22:00", "24:00", "active", 120)], D("695.40"), id="March keeps 2 h"),
        pytest.param(
            date(2026, 4, 1), [("a", "2026-04-01", "00:00", "06:00", "active", 360)], D("2086.20"), id="April gets 6 h"
        ),
    ],
)
def test_a_shift_over_month_end_is_split_at_local_midnight(month, rows, amount):
    shifts = [shift(1, "a", C, "2026-03-31 22:00", "2026-04-01 06:00")]
    result = report(month, shifts)
    assert rows_of(result) == rows
    assert result.claim.amount == amount


def test_the_new_year_shift_is_priced_at_each_years_rate_in_each_month():
    shifts = [shift(1, "a", C, "2025-12-31 22:00", "2026-01-01 06:00")]
    grants = (grant(start="2025-10-01", end="2026-03-31"),)
    december = report(date(2025, 12, 1), shifts, grants=grants)
    january = report(date(2026, 1, 1), shifts, grants=grants)
    assert [(line.rate, line.hours, line.amount) for line in december.claim.rate_lines] == [
        (D("342.60"), 2, D("685.20"))
    ]
    assert [(line.rate, line.hours, line.amount) for line in january.claim.rate_lines] == [
        (D("347.70"), 6, D("2086.20"))
    ]
    assert december.claim.amount + january.claim.amount == D("2771.40")
    assert december.rates_used == (RateUsed("standard", 2025, D("342.60"), None),)


def test_segments_of_several_kinds_give_one_row_each_and_totals_per_kind():
    s = segmented(
        1,
        "a",
        C,
        [("2026-03-10 18:00", "2026-03-10 22:00", Kind.ACTIVE), ("2026-03-10 22:00", "2026-03-11 06:00", Kind.WAITING)],
    )
    result = report(MARCH, [s])
    assert rows_of(result) == [
        ("a", "2026-03-10", "18:00", "22:00", "active", 240),
        ("a", "2026-03-10", "22:00", "24:00", "waiting", 120),
        ("a", "2026-03-11", "00:00", "06:00", "waiting", 360),
    ]
    assert result.time_reports[0].minutes == KindMinutes(active=240, waiting=480)
    assert result.claim.payable_converted_minutes == 240 + 120  # 8 h of waiting time count as 2 h (G3)
    assert result.claim.amount == D("2086.20")


def test_each_assistant_gets_a_time_report_and_the_claim_is_their_sum():
    shifts = [
        shift(1, "a", C, "2026-03-02 08:00", "2026-03-02 16:00"),
        shift(2, "b", C, "2026-03-02 16:00", "2026-03-02 22:00"),
        shift(3, "a", C, "2026-03-03 08:00", "2026-03-03 12:00", Kind.STANDBY),
    ]
    result = report(MARCH, shifts)
    assert [(tr.assistant_id, tr.minutes) for tr in result.time_reports] == [
        ("a", KindMinutes(active=480, standby=240)),
        ("b", KindMinutes(active=360)),
    ]
    assert result.claim.minutes == KindMinutes(active=840, standby=240)
    assert result.claim.converted_minutes == 840 + Fraction(240, 7)


# --------------------------------------------------------------------------- findings


DAY_SHIFT = shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 16:00")


@pytest.mark.parametrize(
    ("findings", "not_payable"),
    [
        pytest.param([finding("W4", (1,), "2026-03-10 14:00", "2026-03-10 16:00")], {"W4": 120}, id="W4 cuts its span"),
        pytest.param(
            [finding("W4", (1,), "2026-03-01 00:00", "2026-04-01 00:00", minutes=600)],
            {"W4": 480},
            id="a finding never cuts more than the client's shift",
        ),
        pytest.param(
            [
                finding("W4", (1,), "2026-03-10 12:00", "2026-03-10 16:00", minutes=90),
                finding("E3", (1,), "2026-03-10 15:00", "2026-03-10 16:00"),
            ],
            {"E3": 60, "W4": 30},
            id="W4 cuts the latest minutes of its span (14:30-16:00), E3 wins where they overlap",
        ),
        pytest.param(
            [
                finding("E1", (1,), "2026-03-10 08:00", "2026-03-10 16:00"),
                finding("W4", (1,), "2026-03-10 14:00", "2026-03-10 16:00"),
            ],
            {"E1": 480},
            id="a minute is not payable once: age before cap",
        ),
        pytest.param(
            [
                finding("E2", (1,), "2026-03-10 08:00", "2026-03-10 12:00"),
                finding("W4", (1,), "2026-03-10 10:00", "2026-03-10 16:00"),
            ],
            {"E2": 240, "W4": 240},
            id="overlapping notice and cap findings are counted once",
        ),
        pytest.param(
            [
                finding("W4", (1,), "2026-03-10 12:00", "2026-03-10 16:00"),
                finding("W4", (1,), "2026-03-10 14:00", "2026-03-10 16:00"),
            ],
            {"W4": 240},
            id="two findings of one rule over the same minutes count once",
        ),
        pytest.param(
            [
                finding("E4", (1,), "2026-03-10 08:00", "2026-03-10 16:00"),
                finding("E1", (1,), "2026-03-10 08:00", "2026-03-10 16:00"),
            ],
            {"E4": 480},
            id="a missing permit comes first",
        ),
        pytest.param(
            [finding("V1", (1,), "2026-03-10 08:00", "2026-03-10 16:00", severity=Severity.WARNING)],
            {},
            id="rest warnings are never billing cuts",
        ),
        pytest.param(
            [finding("H1", (1,), "2026-03-10 08:00", "2026-03-10 16:00", severity=Severity.REFUSED)],
            {},
            id="refusals do not cut (the shift could not be saved)",
        ),
        pytest.param(
            [finding("W4", (1,), "2026-03-10 14:00", "2026-03-10 16:00", accepted=True)],
            {"W4": 120},
            id="an accepted not-payable finding still cuts",
        ),
        pytest.param(
            [finding("W4", (1,), "2026-03-10 14:00", "2026-03-10 16:00", client="client-2")],
            {},
            id="a finding for another client is ignored",
        ),
        pytest.param(
            [finding("E3", (), "2026-03-10 15:00", "2026-03-10 18:00")],
            {"E3": 60},
            id="a finding without shift ids cuts the client's shifts in its span",
        ),
        pytest.param(
            [
                finding("X9", (1,), "2026-03-10 08:00", "2026-03-10 10:00"),
                finding("W4", (1,), "2026-03-10 09:00", "2026-03-10 11:00"),
            ],
            {"W4": 120, "X9": 60},
            id="an unknown not-payable code cuts after the known ones",
        ),
    ],
)
def test_not_payable_findings_cut_each_minute_once(findings, not_payable):
    result = report(MARCH, [DAY_SHIFT], findings)
    assert {item.reason: item.minutes for item in result.claim.not_payable} == not_payable
    assert result.claim.payable.total == 480 - sum(not_payable.values())
    assert result.claim.amount == D("347.70") * (480 - sum(not_payable.values())) / 60
    assert rows_of(result) == [("a", "2026-03-10", "08:00", "16:00", "active", 480)]  # time reports keep every minute


def test_the_not_payable_breakdown_follows_the_priority_order():
    findings = [
        finding("W4", (1,), "2026-03-10 14:00", "2026-03-10 16:00"),
        finding("E2", (1,), "2026-03-10 08:00", "2026-03-10 09:00"),
        finding("H2", (1,), "2026-03-10 10:00", "2026-03-10 11:00"),
    ]
    result = report(MARCH, [DAY_SHIFT], findings)
    assert [(item.reason, item.minutes) for item in result.claim.not_payable] == [("E2", 60), ("H2", 60), ("W4", 120)]
    assert result.claim.not_payable[0].label.startswith("Anmälan om assistent")


def test_w4_cuts_the_latest_hours_so_a_new_year_shift_loses_january_minutes():
    shifts = [shift(1, "a", C, "2025-12-31 22:00", "2026-01-01 06:00")]
    cap = [finding("W4", (1,), "2025-12-31 22:00", "2026-01-01 06:00", minutes=60)]
    grants = (grant(start="2025-10-01", end="2026-03-31"),)
    assert report(date(2025, 12, 1), shifts, cap, grants).claim.not_payable_minutes == 0
    assert report(date(2026, 1, 1), shifts, cap, grants).claim.not_payable_for("W4") == 60


def test_h2_double_assistance_beyond_the_grant_is_cut_once():
    shifts = [
        shift(1, "a", C, "2026-03-10 10:00", "2026-03-10 12:00"),
        shift(2, "b", C, "2026-03-10 10:00", "2026-03-10 12:00", double=True),
    ]
    result = report(MARCH, shifts, [finding("H2", (1, 2), "2026-03-10 10:00", "2026-03-10 12:00", minutes=60)])
    assert [tr.minutes.total for tr in result.time_reports] == [120, 120]
    assert result.claim.minutes.total == 240
    assert result.claim.not_payable_for("H2") == 60
    assert result.claim.payable.total == 180


# --------------------------------------------------------------------------- the pool (G1-G3)


ONE_WEEK = grant(start="2026-03-02", end="2026-03-08", weekly_hours=7)  # pool 7 h


def test_hours_beyond_the_pool_are_not_payable():
    shifts = [
        shift(1, "a", C, "2026-03-02 08:00", "2026-03-02 12:00"),
        shift(2, "a", C, "2026-03-03 08:00", "2026-03-03 12:00"),
    ]
    result = report(MARCH, shifts, grants=(ONE_WEEK,))
    assert result.claim.payable.total == 420
    assert result.claim.not_payable == (result.claim.not_payable[0],)
    assert (result.claim.not_payable[0].reason, result.claim.not_payable[0].minutes) == (OVER_POOL, 60)
    assert result.claim.amount == D("2433.90")  # 7 h × 347,70
    (pool,) = result.pools
    assert (pool.pool_minutes, pool.used_in_month, pool.remaining) == (420, 420, 0)


def test_the_pool_is_consumed_in_time_order_across_the_grant_period():
    two_weeks = grant(start="2026-02-23", end="2026-03-08", weekly_hours=7)  # pool 14 h
    february = [shift(10, "a", C, "2026-02-24 08:00", "2026-02-24 18:00")]  # 10 h before the month
    march = [
        shift(1, "a", C, "2026-03-02 08:00", "2026-03-02 12:00"),
        shift(2, "b", C, "2026-03-03 08:00", "2026-03-03 10:00"),
    ]
    result = report(MARCH, march, grants=(two_weeks,), history=february)
    assert result.claim.payable.total == 240
    assert result.claim.not_payable_for(OVER_POOL) == 120
    (pool,) = result.pools
    assert (pool.used_before, pool.used_in_month, pool.remaining) == (600, 240, 0)
    without_history = report(MARCH, march, grants=(two_weeks,))
    assert without_history.claim.payable.total == 360


def test_waiting_time_is_converted_before_it_counts_against_the_pool():
    shifts = [
        shift(1, "a", C, "2026-03-02 00:00", "2026-03-02 16:00", Kind.WAITING),  # 16 h -> 4 h
        shift(2, "a", C, "2026-03-03 08:00", "2026-03-03 12:00"),
    ]
    result = report(MARCH, shifts, grants=(ONE_WEEK,))
    assert result.claim.payable == KindMinutes(active=180, waiting=960)
    assert result.claim.payable_converted_minutes == 420
    assert result.claim.not_payable_for(OVER_POOL) == 60
    assert result.claim.amount == D("2433.90")


@pytest.mark.parametrize(
    ("kind", "factor_text", "payable_of_last"),
    [
        pytest.param(Kind.WAITING, "1/4", 4, id="one converted minute left is 4 minutes of waiting time"),
        pytest.param(Kind.STANDBY, "1/7", 7, id="one converted minute left is 7 minutes of standby"),
        pytest.param(Kind.WAITING, "0.3", 3, id="3,33 real minutes round to 3"),
        pytest.param(Kind.WAITING, "0.4", 3, id="2,5 real minutes round half up to 3"),
    ],
)
def test_the_pool_runs_out_on_a_whole_minute(kind, factor_text, payable_of_last):
    week = grant(start="2026-03-02", end="2026-03-08", weekly_hours=7, wait=factor_text, standby=factor_text)
    shifts = [
        shift(1, "a", C, "2026-03-02 08:00", "2026-03-02 14:59"),  # 419 of 420 converted minutes
        shift(2, "a", C, "2026-03-03 00:00", "2026-03-03 04:00", kind),
    ]
    result = report(MARCH, shifts, grants=(week,))
    assert result.claim.payable.get(kind) == payable_of_last
    assert result.claim.not_payable_for(OVER_POOL) == 240 - payable_of_last


def test_g1_g3_100_hours_a_week_for_181_days_and_2600_hours_performed():
    """2 585 h 43 min are paid and 14 h 17 min are not: the pool ends on the
    nearest whole minute (2 585,714 h = 2 585 h 42,86 min rounds to 43 min)."""
    start = date(2026, 1, 1)
    shifts = [
        shift(n, "a" if n % 2 else "b", C, f"{start + timedelta(days=n)} 06:00", f"{start + timedelta(days=n)} 21:00")
        for n in range(173)
    ]  # 173 days × 15 h = 2 595 h
    shifts.append(shift(173, "a", C, f"{start + timedelta(days=173)} 06:00", f"{start + timedelta(days=173)} 11:00"))
    assert sum(minutes_between(s.start, s.end) for s in shifts) == 2600 * 60
    payable = over = 0
    amount = D("0")
    for month in range(1, 7):
        first = date(2026, month, 1)
        result = report(first, shifts, history=[s for s in shifts if s.start < at(f"{first} 00:00")])
        payable += result.claim.payable.total
        over += result.claim.not_payable_for(OVER_POOL)
        amount += result.claim.amount
        if month < 6:
            assert result.claim.not_payable_minutes == 0
    assert (fmt_minutes(payable), fmt_minutes(over)) == ("2585 h 43 min", "14 h 17 min")
    assert payable + over == 2600 * 60
    # Six monthly claims, each rounded once: within half an öre per month of the exact price.
    assert abs(amount - D("347.70") * payable / 60) <= 6 * D("0.005")


# --------------------------------------------------------------------------- payers and decisions (G4, P5)


def test_fk_pays_first_and_the_municipal_decision_covers_the_rest():
    municipal = grant(2, start="2026-03-02", end="2026-03-31", weekly_hours=10, payer=Payer.MUNICIPALITY)
    shifts = [
        shift(1, "a", C, "2026-03-02 08:00", "2026-03-02 16:00"),  # 7 h FK, then 1 h municipal
        shift(2, "a", C, "2026-03-10 08:00", "2026-03-10 12:00"),  # only the municipal decision covers the day
    ]
    result = report(MARCH, shifts, grants=(ONE_WEEK, municipal), municipal_rates={2: D("400.00")})
    assert result.claim.payer == Payer.FK
    assert result.claim.minutes == KindMinutes(active=420)
    assert result.claim.amount == D("2433.90")
    assert result.municipal.minutes == KindMinutes(active=300)
    assert [(line.kind, line.rate, line.amount) for line in result.municipal.rate_lines] == [
        ("municipal", D("400.00"), D("2000.00"))
    ]
    assert [(row.start_text, row.end_text, row.payer) for row in result.time_reports[0].rows] == [
        ("08:00", "15:00", Payer.FK),
        ("15:00", "16:00", Payer.MUNICIPALITY),
        ("08:00", "12:00", Payer.MUNICIPALITY),
    ]
    assert result.time_reports[0].minutes_for(Payer.FK) == result.claim.minutes
    assert result.grant_ids == (1, 2)


def test_a_municipal_decision_without_its_own_rate_takes_the_standard_rate():
    municipal = grant(2, start="2026-03-01", end="2026-03-31", weekly_hours=10, payer=Payer.MUNICIPALITY)
    result = report(MARCH, [shift(1, "a", C, "2026-03-10 08:00", "2026-03-10 12:00")], grants=(municipal,))
    assert result.claim.minutes.total == 0
    assert result.municipal.amount == D("1390.80")


def test_hours_on_a_day_without_a_decision_are_flagged_never_priced():
    shifts = [shift(1, "a", C, "2026-07-01 08:00", "2026-07-01 12:00")]
    result = report(date(2026, 7, 1), shifts)
    assert [(item.reason, item.minutes) for item in result.claim.not_payable] == [(NO_DECISION, 240)]
    assert result.claim.amount == 0
    assert result.claim.rate_lines == ()
    assert result.grant_ids == ()


def test_a_finding_on_a_day_without_a_decision_keeps_the_findings_reason():
    shifts = [shift(1, "a", C, "2026-07-01 08:00", "2026-07-01 12:00")]
    result = report(date(2026, 7, 1), shifts, [finding("E1", (1,), "2026-07-01 08:00", "2026-07-01 10:00")])
    assert {item.reason: item.minutes for item in result.claim.not_payable} == {"E1": 120, NO_DECISION: 120}


def test_cut_minutes_do_not_use_the_pool():
    shifts = [shift(1, "a", C, "2026-03-02 08:00", "2026-03-02 16:00")]
    result = report(MARCH, shifts, [finding("E2", (1,), "2026-03-02 08:00", "2026-03-02 09:00")], grants=(ONE_WEEK,))
    assert result.claim.payable.total == 420
    assert result.claim.not_payable_for("E2") == 60
    assert result.claim.not_payable_for(OVER_POOL) == 0


# --------------------------------------------------------------------------- rates and records (R1, R2, M1, M4)


def test_a_raised_rate_prices_the_fk_decisions_hours():
    result = report(MARCH, [DAY_SHIFT], raised_rates={1: D("389.42")})
    assert [(line.kind, line.rate, line.amount) for line in result.claim.rate_lines] == [
        ("raised", D("389.42"), D("3115.36"))
    ]
    assert result.rates_used == (RateUsed("raised", 2026, D("389.42"), 1),)


def test_a_raised_rate_above_the_cap_stops_the_calculation():
    with pytest.raises(RaisedRateTooHigh):
        report(MARCH, [DAY_SHIFT], raised_rates={1: D("389.43")})


def test_a_year_without_a_rate_is_an_error_when_hours_are_priced():
    shifts = [shift(1, "a", C, "2027-02-01 08:00", "2027-02-01 12:00")]
    with pytest.raises(UnknownRateYear):
        report(date(2027, 2, 1), shifts, grants=(grant(start="2027-01-01", end="2027-06-30"),))


def test_the_report_records_what_it_was_computed_with():
    old = grant(9, start="2025-07-01", end="2025-12-31")
    result = report(MARCH, [DAY_SHIFT], grants=(grant(), old))
    assert result.ruleset_version == RULESET_VERSION
    assert result.calculation_version == CALCULATION_VERSION
    assert result.grant_ids == (1,)
    assert result.rates_used == (RateUsed("standard", 2026, D("347.70"), None),)
    assert [p.grant_id for p in result.pools] == [1]


def test_m1_a_claim_that_does_not_match_the_time_reports_is_refused():
    report_a = TimeReport("a", (), KindMinutes())
    claim = Claim(Payer.FK, KindMinutes(active=60), Fraction(60), KindMinutes(active=60), Fraction(60), (), (), D("0"))
    with pytest.raises(ReportMismatch) as caught:
        _check_m1((report_a,), (claim,))
    assert "tidsredovisningarna" in caught.value.message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"month": date(2026, 3, 5)}, "first day", id="a month is given by its first day"),
        pytest.param(
            {"shifts": [shift(1, "a", "client-2", "2026-03-10 08:00", "2026-03-10 09:00")]},
            "belongs",
            id="another client's shift",
        ),
        pytest.param(
            {"grants": [Grant(7, "client-2", Payer.FK, MARCH, MARCH, 60)]}, "belongs", id="another client's decision"
        ),
    ],
)
def test_wrong_input_is_refused(kwargs, message):
    arguments = {"client_id": C, "month": MARCH, "shifts": [], "findings": [], "grants": [], "rates": DEFAULT_RATES}
    with pytest.raises(ValueError, match=message):
        compute_month(**(arguments | kwargs))


def test_an_empty_month_is_an_empty_report():
    result = report(MARCH, [])
    assert result.time_reports == ()
    assert result.claim.amount == 0
    assert result.minutes == KindMinutes()
