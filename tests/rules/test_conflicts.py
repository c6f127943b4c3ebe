"""H1-H3: overlapping shifts, double assistance and impossible shifts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.rules import conflicts
from scheduling.rules.model import CheckInput, Grant, Kind, Payer, Segment, Severity, Shift
from scheduling.rules.timeutil import local_date

from .builders import at, hours, segmented, shift


def codes(findings, code):
    return [f for f in findings if f.code == code]


# --------------------------------------------------------------------------
# H3


@dataclass(frozen=True)
class H3Row:
    shift: Shift
    refused: bool


H3_ROWS = {
    "a shift that ends before it starts is refused": H3Row(
        shift(1, "a", "c", "2026-03-05 20:00", "2026-03-05 08:00"), True
    ),
    "a shift that ends when it starts is refused": H3Row(
        shift(1, "a", "c", "2026-03-05 08:00", "2026-03-05 08:00"), True
    ),
    "a shift of exactly 26 h is allowed": H3Row(shift(1, "a", "c", "2026-03-05 08:00", "2026-03-06 10:00"), False),
    "a shift one minute over 26 h is refused as a probable typing error": H3Row(
        shift(1, "a", "c", "2026-03-05 08:00", "2026-03-06 10:01"), True
    ),
    "26 h on the wall clock over the autumn night is 27 h and refused": H3Row(
        shift(1, "a", "c", "2026-10-24 12:00", "2026-10-25 14:00"), True
    ),
    "27 h on the wall clock over the spring night is 26 h and allowed": H3Row(
        shift(1, "a", "c", "2026-03-28 12:00", "2026-03-29 15:00"), False
    ),
    "a time with seconds is refused": H3Row(
        shift(1, "a", "c", at("2026-03-05 08:00") + timedelta(seconds=30), "2026-03-05 16:00"), True
    ),
    "segments with a gap between them are refused": H3Row(
        segmented(
            1,
            "a",
            "c",
            [
                ("2026-03-05 08:00", "2026-03-05 12:00", Kind.ACTIVE),
                ("2026-03-05 13:00", "2026-03-05 16:00", Kind.WAITING),
            ],
        ),
        True,
    ),
    "overlapping segments are refused": H3Row(
        segmented(
            1,
            "a",
            "c",
            [
                ("2026-03-05 08:00", "2026-03-05 12:00", Kind.ACTIVE),
                ("2026-03-05 11:00", "2026-03-05 16:00", Kind.WAITING),
            ],
        ),
        True,
    ),
    "consecutive segments of different kinds are fine": H3Row(
        segmented(
            1,
            "a",
            "c",
            [
                ("2026-03-05 22:00", "2026-03-06 02:00", Kind.ACTIVE),
                ("2026-03-06 02:00", "2026-03-06 07:00", Kind.STANDBY),
            ],
        ),
        False,
    ),
    "naive times are refused": H3Row(
        Shift(1, "a", "c", (Segment(datetime(2026, 3, 5, 8), datetime(2026, 3, 5, 16), Kind.ACTIVE),)), True
    ),
    "a shift without times is refused": H3Row(Shift(1, "a", "c", ()), True),
}


@pytest.mark.parametrize("row", H3_ROWS.values(), ids=H3_ROWS.keys())
def test_h3_impossible_shifts_are_refused(row: H3Row) -> None:
    findings, valid = conflicts.check_structure((row.shift,), CheckInput(()).settings)
    if row.refused:
        (finding,) = findings
        assert (finding.code, finding.severity, finding.shift_ids) == ("H3", Severity.REFUSED, (1,))
        assert valid == ()
    else:
        assert findings == []
        assert valid == (row.shift,)


def test_it_says_a_very_long_shift_is_probably_a_typing_error() -> None:
    (finding,) = conflicts.check(CheckInput((shift(1, "a", "c", "2026-03-05 08:00", "2026-03-06 14:00"),)))
    assert finding.minutes == hours(30)
    assert "skrivfel" in finding.message
    assert "2026-03-05 08:00–2026-03-06 14:00" in finding.message


def test_a_refused_shift_takes_no_part_in_overlap_checks() -> None:
    broken = shift(1, "a", "c", "2026-03-05 08:00", "2026-03-07 08:00")
    other = shift(2, "a", "c", "2026-03-05 10:00", "2026-03-05 12:00")
    assert [f.code for f in conflicts.check(CheckInput((broken, other)))] == ["H3"]


# --------------------------------------------------------------------------
# H1


@dataclass(frozen=True)
class H1Row:
    shifts: tuple[Shift, ...]
    expected: set[tuple[tuple, int]]  # {(shift_ids later-first, minutes)}


H1_ROWS = {
    "overlap across clients is refused": H1Row(
        (
            shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
            shift(2, "a", "lisa", "2026-03-05 16:00", "2026-03-05 20:00"),
        ),
        {((2, 1), 120)},
    ),
    "overlap at the same client is refused too": H1Row(
        (
            shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
            shift(2, "a", "kalle", "2026-03-05 17:00", "2026-03-05 20:00", kind=Kind.STANDBY),
        ),
        {((2, 1), 60)},
    ),
    "touching shifts (end equals next start) are fine": H1Row(
        (
            shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
            shift(2, "a", "lisa", "2026-03-05 18:00", "2026-03-05 22:00"),
        ),
        set(),
    ),
    "two assistants at the same time is not H1": H1Row(
        (
            shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
            shift(2, "b", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
        ),
        set(),
    ),
    "a long shift overlapping two later shifts gives one finding per pair": H1Row(
        (
            shift(3, "a", "lisa", "2026-03-05 15:00", "2026-03-05 16:00"),
            shift(1, "a", "kalle", "2026-03-05 08:00", "2026-03-05 20:00"),
            shift(2, "a", "lisa", "2026-03-05 10:00", "2026-03-05 11:00"),
        ),
        {((2, 1), 60), ((3, 1), 60)},
    ),
    "a shift inside another overlaps by its whole length": H1Row(
        (
            shift(1, "a", "kalle", "2026-03-05 08:00", "2026-03-06 08:00"),
            shift(2, "a", "lisa", "2026-03-05 23:00", "2026-03-06 01:00"),
        ),
        {((2, 1), 120)},
    ),
    "overlap over the autumn night counts real time": H1Row(
        (
            shift(1, "a", "kalle", "2026-10-24 22:00", "2026-10-25 06:00"),
            shift(2, "a", "lisa", "2026-10-25 00:00", "2026-10-25 04:00"),
        ),
        {((2, 1), 300)},
    ),
}


@pytest.mark.parametrize("row", H1_ROWS.values(), ids=H1_ROWS.keys())
def test_h1_one_assistant_cannot_work_two_shifts_at_once(row: H1Row) -> None:
    findings = codes(conflicts.check(CheckInput(row.shifts)), "H1")
    assert {(f.shift_ids, f.minutes) for f in findings} == row.expected
    assert all(f.severity == Severity.REFUSED for f in findings)


def test_it_rejects_overlap_across_clients_with_a_plain_swedish_message() -> None:
    (finding,) = conflicts.check(
        CheckInput(
            (
                shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
                shift(2, "a", "lisa", "2026-03-05 16:00", "2026-03-05 20:00"),
            )
        )
    )
    assert "(2026-03-05 14:00–18:00 hos en annan brukare)" in finding.message
    assert "En assistent kan inte arbeta två pass samtidigt." in finding.message
    assert finding.hint == "Flytta eller korta ett av passen."
    assert (finding.start, finding.end) == (at("2026-03-05 16:00"), at("2026-03-05 18:00"))
    assert finding.client_id == "lisa"


# --------------------------------------------------------------------------
# H2


def grant(start="2026-01-01", end="2026-06-30", double=10 * 60, payer=Payer.FK, id=1, client="kalle") -> Grant:
    return Grant(id, client, payer, date.fromisoformat(start), date.fromisoformat(end), hours(100), double)


@dataclass(frozen=True)
class H2Row:
    shifts: tuple[Shift, ...]
    grants: tuple[Grant, ...]
    unpaid: int  # total not payable double minutes
    spans: tuple[tuple[str, str], ...] = ()


TWO_AT_ONCE = (
    shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
    shift(2, "b", "kalle", "2026-03-05 16:00", "2026-03-05 20:00"),
)

H2_ROWS = {
    "double assistance within the granted double time is payable": H2Row(TWO_AT_ONCE, (grant(),), 0),
    "double assistance without any grant is not payable": H2Row(
        TWO_AT_ONCE, (), 120, (("2026-03-05 16:00", "2026-03-05 18:00"),)
    ),
    "double assistance with a grant without double time is not payable": H2Row(
        TWO_AT_ONCE, (grant(double=0),), 120, (("2026-03-05 16:00", "2026-03-05 18:00"),)
    ),
    "double assistance beyond the double pool is not payable from where the pool runs out": H2Row(
        # 7-day grant, 1 h double per week: pool 1 h
        TWO_AT_ONCE,
        (grant("2026-03-02", "2026-03-08", double=60),),
        60,
        (("2026-03-05 17:00", "2026-03-05 18:00"),),
    ),
    "three assistants at once are two double minutes per minute": H2Row(
        (
            shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 15:00"),
            shift(2, "b", "kalle", "2026-03-05 14:00", "2026-03-05 15:00"),
            shift(3, "c", "kalle", "2026-03-05 14:00", "2026-03-05 15:00"),
        ),
        (grant("2026-03-02", "2026-03-08", double=60),),
        60,
    ),
    "the double pool is used in time order: the later overlap is unpaid": H2Row(
        (
            shift(3, "a", "kalle", "2026-03-06 14:00", "2026-03-06 15:00"),
            shift(4, "b", "kalle", "2026-03-06 14:00", "2026-03-06 15:00"),
            shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 15:00"),
            shift(2, "b", "kalle", "2026-03-05 14:00", "2026-03-05 15:00"),
        ),
        (grant("2026-03-02", "2026-03-08", double=60),),
        60,
        (("2026-03-06 14:00", "2026-03-06 15:00"),),
    ),
    "double time after the grant's last day is not payable (split at midnight)": H2Row(
        (
            shift(1, "a", "kalle", "2026-06-30 22:00", "2026-07-01 02:00"),
            shift(2, "b", "kalle", "2026-06-30 23:00", "2026-07-01 01:00"),
        ),
        (grant(),),
        60,
        (("2026-07-01 00:00", "2026-07-01 01:00"),),
    ),
    "FK's double pool is used first, then the municipality's": H2Row(
        TWO_AT_ONCE,
        (
            grant("2026-03-02", "2026-03-08", double=60, payer=Payer.MUNICIPALITY, id=2),
            grant("2026-03-02", "2026-03-08", double=60, payer=Payer.FK, id=1),
        ),
        0,
    ),
    "overlaps at different clients are not double assistance": H2Row(
        (
            shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
            shift(2, "b", "lisa", "2026-03-05 16:00", "2026-03-05 20:00"),
        ),
        (),
        0,
    ),
    "the same assistant twice at one client is H1, not double assistance": H2Row(
        (
            shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
            shift(2, "a", "kalle", "2026-03-05 16:00", "2026-03-05 20:00"),
        ),
        (),
        0,
    ),
}


@pytest.mark.parametrize("row", H2_ROWS.values(), ids=H2_ROWS.keys())
def test_h2_double_assistance_is_payable_only_within_the_granted_double_time(row: H2Row) -> None:
    findings = codes(conflicts.check(CheckInput(row.shifts, grants=row.grants)), "H2")
    assert sum(f.minutes for f in findings) == row.unpaid
    assert all(f.severity == Severity.NOT_PAYABLE for f in findings)
    if row.spans:
        assert [(f.start, f.end) for f in findings] == [(at(a), at(b)) for a, b in row.spans]


def test_double_assistance_names_both_shifts_and_why() -> None:
    (finding,) = conflicts.check(CheckInput(TWO_AT_ONCE))
    assert finding.shift_ids == (1, 2)
    assert finding.client_id == "kalle"
    assert "dubbelassistans" in finding.message
    assert "2026-03-05 16:00–18:00" in finding.message


# --------------------------------------------------------------------------
# Property tests against a minute-by-minute oracle

BASE = datetime(2026, 3, 27, 23, 0, tzinfo=UTC)  # 2026-03-28 00:00 local; the spring night follows


def minutes_of(s: Shift) -> range:
    first = int(s.start.timestamp()) // 60
    return range(first, int(s.end.timestamp()) // 60)


def random_shift(draw, sid: int, assistants: list[str], clients: list[str]) -> Shift:
    start = BASE + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 3)))
    length = timedelta(minutes=15 * draw(st.integers(1, 4 * 12)))
    return shift(sid, draw(st.sampled_from(assistants)), draw(st.sampled_from(clients)), start, start + length)


@st.composite
def schedules(draw, assistants=("a", "b", "c"), clients=("kalle", "lisa")):
    n = draw(st.integers(1, 7))
    return [random_shift(draw, i, list(assistants), list(clients)) for i in range(1, n + 1)]


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_h1_overlap_minutes_match_a_minute_by_minute_oracle(shifts) -> None:
    expected = {}
    for i, x in enumerate(shifts):
        for y in shifts[i + 1 :]:
            if x.assistant_id == y.assistant_id:
                common = len(set(minutes_of(x)) & set(minutes_of(y)))
                if common:
                    expected[frozenset((x.id, y.id))] = common
    found = {frozenset(f.shift_ids): f.minutes for f in codes(conflicts.check(CheckInput(tuple(shifts))), "H1")}
    assert found == expected


@st.composite
def double_cases(draw):
    shifts = draw(schedules(assistants=("a", "b", "c"), clients=("kalle",)))
    grants = []
    if draw(st.booleans()):
        # A short grant ending on the spring night or the day after, so the
        # pool and the grant's last day both bite.
        end = date(2026, 3, 28) + timedelta(days=draw(st.integers(0, 2)))
        grants.append(grant("2026-03-23", end.isoformat(), double=draw(st.integers(0, 400)), id=1))
        if draw(st.booleans()):
            grants.append(
                grant(
                    (end + timedelta(days=1)).isoformat(),
                    "2026-04-30",
                    double=draw(st.integers(0, 60)),
                    payer=Payer.MUNICIPALITY,
                    id=2,
                )
            )
    return shifts, grants


@settings(max_examples=150, deadline=None)
@given(double_cases())
def test_h2_unpaid_double_minutes_match_a_minute_by_minute_oracle(case) -> None:
    shifts, grants = case
    pools = {g.id: g.double_weekly_minutes * ((g.end - g.start).days + 1) // 7 for g in grants}
    present: dict[int, set[str]] = {}
    for s in shifts:
        for minute in minutes_of(s):
            present.setdefault(minute, set()).add(s.assistant_id)
    unpaid = 0
    for minute in sorted(present):
        demand = len(present[minute]) - 1
        day = local_date(datetime.fromtimestamp(minute * 60, UTC))
        for g in sorted(grants, key=lambda g: (g.payer != Payer.FK, g.start)):
            if g.start <= day <= g.end and g.double_weekly_minutes > 0:
                take = min(pools[g.id], demand)
                pools[g.id] -= take
                demand -= take
        unpaid += demand
    findings = codes(conflicts.check(CheckInput(tuple(shifts), grants=tuple(grants))), "H2")
    assert sum(f.minutes for f in findings) == unpaid


def test_unsorted_input_gives_the_same_conflicts() -> None:
    shifts = [*H1_ROWS["a long shift overlapping two later shifts gives one finding per pair"].shifts, *TWO_AT_ONCE]
    shifts = [s._replace(id=i) for i, s in enumerate(shifts)]
    forward = conflicts.check(CheckInput(tuple(shifts)))
    backward = conflicts.check(CheckInput(tuple(reversed(shifts))))
    assert sorted(forward, key=repr) == sorted(backward, key=repr)
