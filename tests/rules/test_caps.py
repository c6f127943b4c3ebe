"""W1-W4: working-time caps per reference period, and remaining()."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.rules import caps
from scheduling.rules.model import (
    Assistant,
    CheckInput,
    Kind,
    ReferencePeriod,
    Regime,
    RuleSettings,
    Severity,
    Shift,
)
from scheduling.rules.timeutil import local_date

from .builders import assistant, at, day, employment, hours, segmented, shift


def daily(
    first: str, count: int, start: str, end: str, *, client="kalle", who="a", kind=Kind.ACTIVE, first_id=1
) -> list[Shift]:
    """``count`` shifts on consecutive days from ``first``, same clock times."""
    out = []
    for n in range(count):
        d = (day(first) + timedelta(days=n)).isoformat()
        end_day = d if end > start else (day(d) + timedelta(days=1)).isoformat()
        out.append(shift(first_id + n, who, client, f"{d} {start}", f"{end_day} {end}", kind=kind))
    return out


ATL = assistant("a")
#: 212 h 34 min in January: exactly the payable whole minutes under the ATL cap
AT_CAP_JAN = [
    *daily("2026-01-01", 26, "08:00", "16:00"),
    shift(98, "a", "kalle", "2026-01-27 08:00", "2026-01-27 12:34"),
]
HOUSEHOLD = assistant("a", employment("a", Regime.HOUSEHOLD, start="2025-06-01", anchor="2026-01-05"))


def run(shifts, who: Assistant = ATL, settings_: RuleSettings | None = None):
    return caps.check(CheckInput(tuple(shifts), {who.id: who}, settings=settings_ or RuleSettings()))


def over(findings) -> dict:
    """{client: minutes over the cap}"""
    out: dict = defaultdict(int)
    for f in findings:
        if f.code == "W4":
            out[f.client_id] += f.minutes
    return dict(out)


# --------------------------------------------------------------------------
# Reference periods


PERIOD_ROWS = {
    "household: the 28-day chain from the anchor, first period": (
        HOUSEHOLD,
        "2026-01-05 12:00",
        "2026-01-05",
        "2026-02-01",
    ),
    "household: the second period starts the day after day 28": (
        HOUSEHOLD,
        "2026-02-02 00:00",
        "2026-02-02",
        "2026-03-01",
    ),
    "household: the third period": (HOUSEHOLD, "2026-03-29 23:59", "2026-03-02", "2026-03-29"),
    "household: the fourth period": (HOUSEHOLD, "2026-03-30 00:00", "2026-03-30", "2026-04-26"),
    "household: the chain also runs backwards from the anchor": (
        HOUSEHOLD,
        "2026-01-04 23:00",
        "2025-12-08",
        "2026-01-04",
    ),
    "ATL without declared periods: the calendar month": (ATL, "2026-02-14 12:00", "2026-02-01", "2026-02-28"),
    "ATL: a declared 4-month period": (
        assistant("a", employment("a", periods=[("2026-01-01", "2026-04-30")])),
        "2026-03-01 12:00",
        "2026-01-01",
        "2026-04-30",
    ),
    "ATL: a day after the declared periods falls in its calendar month": (
        assistant("a", employment("a", periods=[("2026-01-01", "2026-02-28")])),
        "2026-03-10 12:00",
        "2026-03-01",
        "2026-03-31",
    ),
    "ATL: a gap between declared periods is covered by the calendar month inside the gap": (
        assistant("a", employment("a", periods=[("2026-01-01", "2026-03-10"), ("2026-03-21", "2026-06-30")])),
        "2026-03-15 12:00",
        "2026-03-11",
        "2026-03-20",
    ),
    "ATL: a declared period over 4 months is ignored (calendar month instead)": (
        assistant("a", employment("a", periods=[("2026-01-01", "2026-05-01")])),
        "2026-03-15 12:00",
        "2026-03-01",
        "2026-03-31",
    ),
    "agreement: a declared 6-month period": (
        assistant("a", employment("a", Regime.AGREEMENT, periods=[("2026-01-01", "2026-06-30")], max_months=6)),
        "2026-06-30 12:00",
        "2026-01-01",
        "2026-06-30",
    ),
    "agreement: never more than 12 months, whatever the maximum says": (
        assistant("a", employment("a", Regime.AGREEMENT, periods=[("2026-01-01", "2027-01-01")], max_months=24)),
        "2026-06-15 12:00",
        "2026-06-01",
        "2026-06-30",
    ),
}


@pytest.mark.parametrize("row", PERIOD_ROWS.values(), ids=PERIOD_ROWS.keys())
def test_w1_the_reference_period_depends_on_the_regime(row) -> None:
    who, instant, first, last = row
    status = caps.remaining(CheckInput((), {who.id: who}), who.id, at(instant))
    assert status.period == ReferencePeriod(day(first), day(last))


# --------------------------------------------------------------------------
# Caps and excess


@dataclass(frozen=True)
class CapRow:
    shifts: list[Shift]
    over: dict  # client -> minutes over the cap
    who: Assistant = ATL
    settings: RuleSettings = field(default_factory=RuleSettings)


CAP_ROWS = {
    "household: 210 h in a 28-day period (cap 208 h) leaves 2 h not payable": CapRow(
        daily("2026-01-05", 21, "08:00", "18:00"), {"kalle": 120}, HOUSEHOLD
    ),
    "household: exactly 208 h in a 28-day period is payable": CapRow(
        daily("2026-01-05", 26, "08:00", "16:00"), {}, HOUSEHOLD
    ),
    "ATL, 31-day month: 212 h 34 min is under the exact cap of 212 h 34,29 min": CapRow(
        [*daily("2026-01-01", 26, "08:00", "16:00"), shift(99, "a", "kalle", "2026-01-31 08:00", "2026-01-31 12:34")],
        {},
    ),
    "ATL, 31-day month: 212 h 35 min is one minute over": CapRow(
        [*daily("2026-01-01", 26, "08:00", "16:00"), shift(99, "a", "kalle", "2026-01-31 08:00", "2026-01-31 12:35")],
        {"kalle": 1},
    ),
    "ATL, 28-day February: the cap is 192 h": CapRow(daily("2026-02-01", 24, "08:00", "16:00"), {}),
    "ATL, 28-day February: 193 h is one hour over": CapRow(
        [*daily("2026-02-01", 24, "08:00", "16:00"), shift(99, "a", "kalle", "2026-02-28 18:00", "2026-02-28 19:00")],
        {"kalle": 60},
    ),
    "the cap sums all clients and the excess lands on the client of the latest hours": CapRow(
        # 120 h for A, then 100 h for B in January: 220 h - 212 h 34 min = 7 h 26 min, all B's
        [
            *daily("2026-01-01", 15, "08:00", "16:00", client="A"),
            *daily("2026-01-16", 12, "08:00", "16:00", client="B", first_id=20),
            shift(99, "a", "B", "2026-01-28 08:00", "2026-01-28 12:00"),
        ],
        {"B": 446},
    ),
    "waiting time counts in full toward the cap": CapRow(
        [
            *daily("2026-01-01", 25, "08:00", "16:00"),
            *daily("2026-01-26", 2, "08:00", "16:00", kind=Kind.WAITING, first_id=50),
        ],
        {"kalle": 206},
    ),
    "standby does not count toward the cap": CapRow(
        [
            *daily("2026-01-01", 25, "08:00", "16:00"),
            *daily("2026-01-26", 2, "08:00", "16:00", kind=Kind.STANDBY, first_id=50),
        ],
        {},
    ),
    "a call-out inside standby counts, the standby around it does not": CapRow(
        [
            *AT_CAP_JAN,
            segmented(
                99,
                "a",
                "kalle",
                [
                    ("2026-01-30 20:00", "2026-01-30 23:00", Kind.STANDBY),
                    ("2026-01-30 23:00", "2026-01-31 01:00", Kind.ACTIVE),
                    ("2026-01-31 01:00", "2026-01-31 07:00", Kind.STANDBY),
                ],
            ),
        ],
        {"kalle": 120},
    ),
    "external hours use up the cap first and the excess is ours": CapRow(
        daily("2026-01-01", 26, "08:00", "16:00"),
        {"kalle": 26},
        assistant("a", external=[("2026-01-01", "2026-01-31", hours(5))]),
    ),
    "external hours spanning two periods are pro-rated by days": CapRow(
        # 10 h over 30 days, 15 of them in January: 5 h count in January
        daily("2026-01-01", 26, "08:00", "16:00"),
        {"kalle": 26},
        assistant("a", external=[("2026-01-17", "2026-02-15", hours(10))]),
    ),
    "a shift crossing the end of a household period is split at midnight": CapRow(
        [*daily("2026-01-05", 26, "08:00", "16:00"), shift(99, "a", "kalle", "2026-02-01 20:00", "2026-02-02 04:00")],
        {"kalle": 240},
        HOUSEHOLD,
    ),
    "a night shift over New Year counts 2 h in December and 6 h in January": CapRow(
        [
            *daily("2025-12-01", 26, "08:00", "16:00"),
            shift(98, "a", "kalle", "2025-12-27 08:00", "2025-12-27 12:34"),
            shift(99, "a", "kalle", "2025-12-31 22:00", "2026-01-01 06:00"),
        ],
        {"kalle": 120},
    ),
    "rounding the cap up to whole hours (configurable) allows 213 h in 31 days": CapRow(
        [*daily("2026-01-01", 26, "08:00", "16:00"), shift(99, "a", "kalle", "2026-01-31 08:00", "2026-01-31 13:00")],
        {},
        settings=RuleSettings(round_cap_up_to_hour=True),
    ),
    "an own weekly cap on the employment replaces the default": CapRow(
        # 40 h/week over 28 days = 160 h
        daily("2026-02-01", 21, "08:00", "16:00"),
        {"kalle": 480},
        assistant("a", employment("a", weekly_cap=hours(40))),
    ),
}


@pytest.mark.parametrize("row", CAP_ROWS.values(), ids=CAP_ROWS.keys())
def test_w4_hours_over_the_cap_are_not_payable(row: CapRow) -> None:
    findings = run(row.shifts, row.who, row.settings)
    assert over(findings) == row.over
    assert all(f.severity == Severity.NOT_PAYABLE for f in findings)


def test_the_excess_starts_when_the_cap_is_reached_and_is_one_finding_per_shift() -> None:
    findings = run(CAP_ROWS["the cap sums all clients and the excess lands on the client of the latest hours"].shifts)
    assert [(f.shift_ids, f.minutes, f.start, f.end) for f in findings] == [
        ((31,), 206, at("2026-01-27 12:34"), at("2026-01-27 16:00")),
        ((99,), 240, at("2026-01-28 08:00"), at("2026-01-28 12:00")),
    ]
    assert "212 h 34,29 min" in findings[0].message
    assert "2026-01-01–2026-01-31" in findings[0].message


def test_the_excess_of_a_split_shift_is_only_the_part_in_the_full_period() -> None:
    rows = CAP_ROWS["a shift crossing the end of a household period is split at midnight"]
    (finding,) = run(rows.shifts, rows.who)
    assert (finding.start, finding.end) == (at("2026-02-01 20:00"), at("2026-02-02 00:00"))


def test_a_shift_on_a_day_without_employment_is_not_payable() -> None:
    who = assistant("a", employment("a", start="2026-01-01", end="2026-03-05"))
    findings = run([shift(1, "a", "kalle", "2026-03-05 20:00", "2026-03-06 04:00")], who)
    (finding,) = findings
    assert (finding.code, finding.severity, finding.minutes) == ("W1", Severity.NOT_PAYABLE, 240)
    assert (finding.start, finding.end) == (at("2026-03-06 00:00"), at("2026-03-06 04:00"))
    assert "ingen anställning den 2026-03-06" in finding.message


def test_an_assistant_without_any_employment_gets_w1_for_every_shift() -> None:
    findings = caps.check(CheckInput((shift(1, "x", "kalle", "2026-03-05 08:00", "2026-03-05 16:00"),)))
    assert [(f.code, f.minutes) for f in findings] == [("W1", 480)]


INVALID_ROWS = {
    "an ATL period longer than 4 months": ([("2026-01-01", "2026-05-01")], "2026-03-05"),
    "a period that ends before it starts": ([("2026-03-01", "2026-02-01")], "2026-02-15"),
    "periods that overlap": ([("2026-01-01", "2026-03-31"), ("2026-03-01", "2026-04-30")], "2026-04-15"),
}


@pytest.mark.parametrize("row", INVALID_ROWS.values(), ids=INVALID_ROWS.keys())
def test_w1_an_invalid_declared_period_is_a_warning_on_the_shifts_inside_it(row) -> None:
    periods, worked = row
    who = assistant("a", employment("a", periods=periods))
    findings = run([shift(1, "a", "kalle", f"{worked} 08:00", f"{worked} 16:00")], who)
    (finding,) = findings
    assert (finding.code, finding.severity) == ("W1", Severity.WARNING)
    assert finding.shift_ids == (1,)
    assert "beräkningsperiod" in finding.message


def test_with_overlapping_employments_the_first_by_start_date_applies() -> None:
    who = assistant(
        "a",
        employment("a", Regime.HOUSEHOLD, start="2026-02-01", anchor="2026-02-01"),
        employment("a", Regime.ATL, start="2025-01-01"),
    )
    status = caps.remaining(CheckInput((), {"a": who}), "a", at("2026-02-10 12:00"))
    assert status.regime == Regime.ATL


# --------------------------------------------------------------------------
# remaining()


def test_remaining_tells_the_planner_how_much_is_left_in_the_period() -> None:
    shifts = daily("2026-01-01", 20, "08:00", "16:00")  # 160 h
    who = assistant("a", external=[("2026-01-01", "2026-01-31", 100)])
    status = caps.remaining(CheckInput(tuple(shifts), {"a": who}), "a", at("2026-01-15 12:00"))
    assert status.period == ReferencePeriod(date(2026, 1, 1), date(2026, 1, 31))
    assert status.cap == Fraction(48 * 60 * 31, 7)
    assert status.cap_minutes == hours(212, 34)
    assert status.shift_minutes == hours(160)
    assert status.external_minutes == 100
    assert status.remaining_minutes == hours(212, 34) - hours(160) - 100
    assert status.used_minutes == hours(160) + 100
    assert status.regime == Regime.ATL


def test_remaining_may_be_negative_when_the_period_is_over() -> None:
    shifts = daily("2026-02-01", 25, "08:00", "16:00")  # 200 h > 192 h
    status = caps.remaining(CheckInput(tuple(shifts), {"a": ATL}), "a", at("2026-02-01 00:00"))
    assert status.remaining_minutes == -hours(8)


def test_remaining_is_none_without_employment() -> None:
    assert caps.remaining(CheckInput(()), "nobody", at("2026-02-01 00:00")) is None


CAP_SIZE_ROWS = {
    "ATL 31 days: 212,571 h": (ATL, "2026-01-10 12:00", Fraction(48 * 60 * 31, 7), hours(212, 34)),
    "ATL 28 days: 192 h": (ATL, "2026-02-10 12:00", Fraction(hours(192)), hours(192)),
    "ATL 4 months (120 days): 822,857 h": (
        assistant("a", employment("a", periods=[("2026-01-01", "2026-04-30")])),
        "2026-02-10 12:00",
        Fraction(48 * 60 * 120, 7),
        hours(822, 51),
    ),
    "agreement 181 days: 1 241,143 h": (
        assistant("a", employment("a", Regime.AGREEMENT, periods=[("2026-01-01", "2026-06-30")])),
        "2026-02-10 12:00",
        Fraction(48 * 60 * 181, 7),
        hours(1241, 8),
    ),
    "household 28 days: 208 h": (HOUSEHOLD, "2026-02-10 12:00", Fraction(hours(208)), hours(208)),
}


@pytest.mark.parametrize("row", CAP_SIZE_ROWS.values(), ids=CAP_SIZE_ROWS.keys())
def test_w2_the_cap_is_the_weekly_average_times_days_over_seven_kept_exact(row) -> None:
    who, instant, cap, payable = row
    status = caps.remaining(CheckInput((), {who.id: who}), who.id, at(instant))
    assert (status.cap, status.cap_minutes) == (cap, payable)


DST_ROWS = {
    "the spring night 00:00-04:00 is 3 h": ("2026-03-29 00:00", "2026-03-29 04:00", 180),
    "the autumn night 00:00-04:00 is 5 h": ("2026-10-25 00:00", "2026-10-25 04:00", 300),
}


@pytest.mark.parametrize("row", DST_ROWS.values(), ids=DST_ROWS.keys())
def test_t1_dst_nights_count_real_time_toward_the_cap(row) -> None:
    start, end, minutes = row
    status = caps.remaining(CheckInput((shift(1, "a", "kalle", start, end),), {"a": ATL}), "a", at(start))
    assert status.shift_minutes == minutes


def test_t3_a_shift_over_new_year_is_split_at_midnight() -> None:
    inp = CheckInput((shift(1, "a", "kalle", "2025-12-31 22:00", "2026-01-01 06:00"),), {"a": ATL})
    assert caps.remaining(inp, "a", at("2025-12-15 12:00")).shift_minutes == 120
    assert caps.remaining(inp, "a", at("2026-01-15 12:00")).shift_minutes == 360


# --------------------------------------------------------------------------
# Property test against a minute-by-minute oracle

BASE = datetime(2026, 3, 26, 23, 0, tzinfo=UTC)  # 2026-03-27 00:00 local
KINDS = (Kind.ACTIVE, Kind.WAITING, Kind.STANDBY)


@st.composite
def cap_cases(draw):
    """Non-overlapping shifts of two assistants for three clients around the
    spring night and a month/period boundary, with a small weekly cap."""
    shifts = []
    sid = 0
    for who in ("a", "b"):
        cursor = BASE + timedelta(minutes=15 * draw(st.integers(0, 16)))
        for _ in range(draw(st.integers(0, 6))):
            sid += 1
            parts = []
            t = cursor
            for _ in range(draw(st.integers(1, 3))):
                length = timedelta(minutes=15 * draw(st.integers(1, 40)))
                parts.append((t, t + length, draw(st.sampled_from(KINDS))))
                t += length
            shifts.append(segmented(sid, who, draw(st.sampled_from(("k1", "k2", "k3"))), parts))
            cursor = t + timedelta(minutes=15 * draw(st.integers(0, 40)))
    regime = draw(st.sampled_from((Regime.ATL, Regime.HOUSEHOLD)))
    weekly = draw(st.integers(2 * 60, 12 * 60))
    external = draw(st.integers(0, 600))
    people = {
        who: assistant(
            who,
            employment(who, regime, start="2025-01-01", anchor="2026-03-02", weekly_cap=weekly),
            external=[("2026-03-25", "2026-04-03", external)] if external else [],
        )
        for who in ("a", "b")
    }
    return shifts, people, regime, weekly, external


def oracle_period(regime: Regime, d: date) -> tuple[date, int]:
    if regime == Regime.HOUSEHOLD:
        first = date(2026, 3, 2) + timedelta(days=(d - date(2026, 3, 2)).days // 28 * 28)
        return first, 28
    first = d.replace(day=1)
    days = ((first + timedelta(days=32)).replace(day=1) - first).days
    return first, days


@settings(max_examples=150, deadline=None)
@given(cap_cases())
def test_w4_excess_minutes_and_their_clients_match_a_minute_by_minute_oracle(case) -> None:
    shifts, people, regime, weekly, external = case
    expected: dict = defaultdict(int)
    for who in people:
        used: dict = defaultdict(Fraction)
        # External minutes, spread evenly over the block's 10 days.
        for n in range(10):
            used[oracle_period(regime, date(2026, 3, 25) + timedelta(days=n))] += Fraction(external, 10)
        minutes = []
        for s in shifts:
            if s.assistant_id != who:
                continue
            for seg in s.segments:
                if seg.kind != Kind.STANDBY:
                    first = int(seg.start.timestamp()) // 60
                    minutes += [(m, s.client_id) for m in range(first, int(seg.end.timestamp()) // 60)]
        for m, client in sorted(minutes):
            period = oracle_period(regime, local_date(datetime.fromtimestamp(m * 60, UTC)))
            used[period] += 1
            if used[period] > Fraction(weekly * period[1], 7):
                expected[(who, client)] += 1
    found: dict = defaultdict(int)
    for f in caps.check(CheckInput(tuple(shifts), people)):
        assert f.code == "W4"
        found[(f.assistant_id, f.client_id)] += f.minutes
    assert dict(found) == dict(expected)
