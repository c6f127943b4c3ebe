"""Property tests: the fast rest engine against a deliberately simple oracle
that looks at every minute (STYLE.md 12). Random small schedules over three
weeks, including the spring and autumn DST weeks; overlapping and touching
shifts, waiting time, standby and call-outs are all allowed.

Each schedule is checked twice: with the default profile (one profile for
all blocks: the engine's vectorised fast paths) and with an employment whose
profile changes mid-schedule to an identical copy (the generic sweeps)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.rules import rest
from scheduling.rules.model import (
    Assistant,
    CheckInput,
    Employment,
    Kind,
    Regime,
    RestProfile,
    Segment,
    Shift,
)
from scheduling.rules.timeutil import local_midnight, make_aware, minutes_between

A = "anna"
DAY = 1440
WEEKS = 3
MONDAYS = [date(2026, 3, 2), date(2026, 3, 23), date(2026, 10, 19)]  # plain, spring DST, autumn DST
SLOT = 30  # minutes: coarse enough that shifts often touch or meet the limits exactly

# (fraction of the shift in each part, kinds): single kinds, waiting time, standby with a call-out.
SHAPES = [
    ((1,), (Kind.ACTIVE,)),
    ((1,), (Kind.WAITING,)),
    ((1,), (Kind.STANDBY,)),
    ((2, 1), (Kind.ACTIVE, Kind.WAITING)),
    ((2, 1, 2), (Kind.STANDBY, Kind.ACTIVE, Kind.STANDBY)),
    ((1, 1), (Kind.ACTIVE, Kind.STANDBY)),
]


@st.composite
def schedules(draw: st.DrawFn) -> tuple[date, list[Shift]]:
    monday = draw(st.sampled_from(MONDAYS))
    base = local_midnight(monday)
    # Either scattered shifts, or a working pattern: most days one shift at a
    # jittered time (long busy stretches that run over week boundaries).
    if draw(st.booleans()):
        starts = [draw(st.integers(0, WEEKS * DAY // SLOT - 1)) * SLOT for _ in range(draw(st.integers(0, 14)))]
        longest = 26 * 60
    else:
        starts = [
            d * DAY + draw(st.integers(0, 20 * 60 // SLOT)) * SLOT
            for d in range(WEEKS * 7)
            if draw(st.integers(0, 9)) < 8
        ]
        longest = 15 * 60
    shifts = []
    for n, start in enumerate(starts):
        length = draw(st.integers(1, longest // SLOT)) * SLOT
        parts, kinds = draw(st.sampled_from(SHAPES))
        if length < SLOT * sum(parts):
            parts, kinds = (1,), kinds[:1]
        # Cut the shift into its parts on the slot grid.
        total = sum(parts)
        cuts = [0]
        for part in parts[:-1]:
            cuts.append(cuts[-1] + max(SLOT, length * part // total // SLOT * SLOT))
        cuts.append(length)
        if any(b <= a for a, b in pairwise(cuts)):
            cuts, kinds = [0, length], kinds[:1]
        segments = tuple(
            Segment(base + timedelta(minutes=start + a), base + timedelta(minutes=start + b), kind)
            for a, b, kind in zip(cuts, cuts[1:], kinds, strict=False)
        )
        client = draw(st.sampled_from(["kalle", "lisa"]))
        shifts.append(Shift(id=n, assistant_id=A, client_id=client, segments=segments))
    return monday, shifts


# --- the oracle: one boolean per real minute -----------------------------------------------------


def minutes(base: datetime, shifts: list[Shift], *, standby_is_rest: bool) -> list[bool]:
    horizon = (WEEKS * 7 + 3) * DAY
    taken = [False] * horizon
    for sh in shifts:
        for seg in sh.segments:
            if standby_is_rest and seg.kind == Kind.STANDBY:
                continue
            for m in range(minutes_between(base, seg.start), minutes_between(base, seg.end)):
                taken[m] = True
    return taken


def longest_free(taken: list[bool], start: int, end: int) -> int:
    best = run = 0
    for m in range(start, end):
        run = 0 if taken[m] else run + 1
        best = max(best, run)
    return best


def oracle_daily_rolling(base: datetime, shifts: list[Shift], need: int = 11 * 60) -> list[tuple[int, int]]:
    """Every block start m: the 24 h [m, m + 24 h) must hold ``need`` free minutes."""
    work = minutes(base, shifts, standby_is_rest=True)
    found = []
    for m in range(len(work) - DAY):
        if work[m] and (m == 0 or not work[m - 1]):
            best = longest_free(work, m, m + DAY)
            if best < need:
                found.append((m, need - best))
    return found


def period_starts(monday: date, step_days: int, clock_minutes: int) -> list[int]:
    """Offsets of local period starts (Monday weeks or 07:00 dygns) around the schedule."""
    base = local_midnight(monday)
    out = []
    for k in range(-1, (WEEKS + 3) * 7 // step_days):
        day = monday + timedelta(days=k * step_days)
        out.append(minutes_between(base, make_aware(day, time(clock_minutes // 60, clock_minutes % 60))))
    return out


def oracle_periods(taken: list[bool], starts: list[int], need: int) -> list[tuple[int, int]]:
    """Every period with any taken minute must hold ``need`` consecutive free minutes."""
    found = []
    for ws, we in pairwise(starts):
        lo, hi = max(ws, 0), min(we, len(taken))
        if any(taken[lo:hi]):
            best = longest_free(taken, lo, hi) + (lo - ws) + (we - hi)  # outside the grid is free
            if best < need:
                found.append((ws, need - best))
    return found


# --- the engine, both ways -------------------------------------------------------------------------


def engine(monday: date, shifts: list[Shift], profile: RestProfile, code: str) -> dict[str, list[tuple[int, int]]]:
    """Findings of ``code`` as (offset of the span start, minutes): once with
    ``profile`` for everything, once with a copy of it from mid-schedule."""
    base = local_midnight(monday)
    later = replace(profile, code=profile.code + "-v2", valid_from=monday + timedelta(days=9))
    runs = {
        "one profile": (profile,),
        "versioned": (profile, later),
    }
    out = {}
    for name, versions in runs.items():
        employment = Employment(
            id=1, assistant_id=A, start=date(2020, 1, 1), end=None, regime=Regime.ATL, anchor=date(2020, 1, 1),
            rest_profiles=versions,
        )  # fmt: skip
        inp = CheckInput(
            shifts=tuple(shifts), assistants={A: Assistant(id=A, birth_date=None, employments=(employment,))}
        )
        found = [f for f in rest.check(inp) if f.code == code]
        out[name] = sorted((minutes_between(base, f.start), f.minutes) for f in found)
    return out


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_daily_rest_rolling_matches_the_minute_oracle(schedule: tuple[date, list[Shift]]) -> None:
    monday, shifts = schedule
    expected = sorted(oracle_daily_rolling(local_midnight(monday), shifts))
    for name, got in engine(monday, shifts, rest.PROFILES["atl"], "V1").items():
        assert got == expected, name


@settings(max_examples=150, deadline=None)
@given(schedules())
def test_weekly_rest_matches_the_minute_oracle(schedule: tuple[date, list[Shift]]) -> None:
    monday, shifts = schedule
    busy = minutes(local_midnight(monday), shifts, standby_is_rest=False)
    expected = sorted(oracle_periods(busy, period_starts(monday, 7, 0), 36 * 60))
    for name, got in engine(monday, shifts, rest.PROFILES["atl"], "V3").items():
        assert got == expected, name


@settings(max_examples=100, deadline=None)
@given(schedules())
def test_daily_rest_with_a_07_boundary_matches_the_minute_oracle(schedule: tuple[date, list[Shift]]) -> None:
    monday, shifts = schedule
    work = minutes(local_midnight(monday), shifts, standby_is_rest=True)
    expected = sorted(oracle_periods(work, period_starts(monday, 1, 7 * 60), 11 * 60))
    for name, got in engine(monday, shifts, rest.PROFILES["atl_dygnsbryt"], "V1").items():
        assert got == expected, name
