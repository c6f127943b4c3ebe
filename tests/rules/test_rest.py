"""Rest rules V1-V3 (RULES.md §5, SOURCES.md §10 "Rest"): one table, each row the
rule in plain words. Pure: no Django, no database."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pytest

from scheduling.rules import rest
from scheduling.rules.model import (
    Assistant,
    CheckInput,
    Employment,
    Finding,
    Kind,
    Regime,
    RestProfile,
    RuleException,
    Severity,
    Shift,
)
from tests.rules.builders import at, segmented, shift

A = "anna"  # the assistant
ATL = rest.PROFILES["atl"]
DYGNSBRYT = rest.PROFILES["atl_dygnsbryt"]
VF = rest.PROFILES["vardforetagarna"]
PAN = rest.PROFILES["pan"]


def employment(*profiles: RestProfile, start: date = date(2020, 1, 1), end: date | None = None) -> Employment:
    return Employment(
        id=1, assistant_id=A, start=start, end=end, regime=Regime.AGREEMENT, anchor=start, rest_profiles=profiles
    )


def run(shifts: list[Shift], *employments: Employment, exceptions: tuple[RuleException, ...] = ()) -> list[Finding]:
    assistants = {A: Assistant(id=A, birth_date=date(1990, 1, 1), employments=employments)}
    return rest.check(CheckInput(shifts=tuple(shifts), assistants=assistants, exceptions=exceptions))


def s(id: int, start: str, end: str, kind: Kind = Kind.ACTIVE, client: str = "kalle") -> Shift:
    return shift(id, A, client, start, end, kind)


def daily(first: str, days: int, start: str, end: str, first_id: int = 1, skip: tuple[int, ...] = ()) -> list[Shift]:
    """One shift a day from ``first`` (``start``/``end`` clock times, same day)."""
    d0 = date.fromisoformat(first)
    out = []
    for n in range(days):
        if n in skip:
            continue
        d = d0 + timedelta(days=n)
        out.append(s(first_id + n, f"{d} {start}", f"{d} {end}"))
    return out


def v2_exception(shift_id: int) -> tuple[RuleException, ...]:
    return (RuleException(code="V2", shift_id=shift_id, reason="Lokalt undantag efter MBL-förhandling"),)


@dataclass
class Row:
    shifts: list[Shift]
    expected: list[tuple[str, int, tuple[int, ...]]]  # (code, minutes, shift ids)
    employments: tuple[Employment, ...] = ()
    exceptions: tuple[RuleException, ...] = ()
    codes: tuple[str, ...] = ("V1", "V2", "V3")  # the codes this row looks at
    extra: dict[str, object] = field(default_factory=dict)


def prof(p: RestProfile) -> tuple[Employment, ...]:
    return (employment(p),)


def vf_fortnight(rest_clock: str, other: tuple[str, str]) -> list[Shift]:
    """14 days 2026-03-02..15 of ``other`` shifts, except that day 14 runs
    09:00-22:00 and day 15 starts at 07:00: a rest of 9 h (or ``rest_clock``)."""
    shifts = daily("2026-03-02", 13, *other)
    shifts.append(s(14, "2026-03-15 09:00", "2026-03-15 22:00"))
    shifts.append(s(15, f"2026-03-16 {rest_clock}", "2026-03-16 20:00"))
    return shifts


ROWS: dict[str, Row] = {
    # ---- V1, rolling ATL reading -------------------------------------------------------------
    "14-22 then 06-14 next day leaves 8 h of rest: V1 short by 3 h": Row(
        [s(1, "2026-03-05 14:00", "2026-03-05 22:00"), s(2, "2026-03-06 06:00", "2026-03-06 14:00")],
        [("V1", 180, (1, 2))],
    ),
    "07-11 plus 15-19 every weekday needs no warning": Row(
        daily("2026-03-02", 5, "07:00", "11:00") + daily("2026-03-02", 5, "15:00", "19:00", first_id=10),
        [],
    ),
    "a shift ending 22:00 allows the next start at 09:00": Row(
        [s(1, "2026-03-05 14:00", "2026-03-05 22:00"), s(2, "2026-03-06 09:00", "2026-03-06 17:00")],
        [],
    ),
    "a shift ending 22:00 and the next starting 08:59 is one minute short": Row(
        [s(1, "2026-03-05 14:00", "2026-03-05 22:00"), s(2, "2026-03-06 08:59", "2026-03-06 17:00")],
        [("V1", 1, (1, 2))],
    ),
    "a 14 h block leaves only 10 h in the 24 h from its start": Row(
        [s(1, "2026-03-05 07:00", "2026-03-05 21:00")],
        [("V1", 60, (1,))],
    ),
    "touching shifts for two clients merge into one 14 h block": Row(
        [
            s(1, "2026-03-05 07:00", "2026-03-05 14:00", client="kalle"),
            s(2, "2026-03-05 14:00", "2026-03-05 21:00", client="lisa"),
        ],
        [("V1", 60, (1, 2))],
    ),
    "the rest may come late in the 24 h (split day) as long as 11 h are consecutive": Row(
        [
            s(1, "2026-03-05 06:00", "2026-03-05 08:00"),
            s(2, "2026-03-05 10:00", "2026-03-05 12:00"),
            s(3, "2026-03-06 06:00", "2026-03-06 08:00"),
        ],
        [],
    ),
    "waiting time is work: active 14-20 and waiting 20-22 end at 22:00": Row(
        [
            segmented(
                1,
                A,
                "kalle",
                [
                    ("2026-03-05 14:00", "2026-03-05 20:00", Kind.ACTIVE),
                    ("2026-03-05 20:00", "2026-03-05 22:00", Kind.WAITING),
                ],
            ),
            s(2, "2026-03-06 06:00", "2026-03-06 14:00"),
        ],
        [("V1", 180, (1, 2))],
    ),
    "standby overnight between two day shifts is daily rest": Row(
        [
            s(1, "2026-03-05 08:00", "2026-03-05 16:00"),
            s(2, "2026-03-05 16:00", "2026-03-06 08:00", Kind.STANDBY),
            s(3, "2026-03-06 08:00", "2026-03-06 16:00"),
        ],
        [],
    ),
    "a call-out during standby is work and splits the night's rest": Row(
        [
            s(1, "2026-03-05 14:00", "2026-03-05 22:00"),
            segmented(
                2,
                A,
                "kalle",
                [
                    ("2026-03-05 22:00", "2026-03-06 02:00", Kind.STANDBY),
                    ("2026-03-06 02:00", "2026-03-06 03:00", Kind.ACTIVE),
                    ("2026-03-06 03:00", "2026-03-06 07:00", Kind.STANDBY),
                ],
            ),
            s(3, "2026-03-06 13:00", "2026-03-06 20:00"),
        ],
        [("V1", 60, (1, 2, 3)), ("V1", 60, (2, 3))],
    ),
    "rest 23:00-10:00 across the spring DST night is only 10 h": Row(
        [s(1, "2026-03-28 15:00", "2026-03-28 23:00"), s(2, "2026-03-29 10:00", "2026-03-29 18:00")],
        [("V1", 60, (1, 2))],
    ),
    "rest 23:00-09:00 across the spring DST night is 9 h": Row(
        [s(1, "2026-03-28 15:00", "2026-03-28 23:00"), s(2, "2026-03-29 09:00", "2026-03-29 18:00")],
        [("V1", 120, (1, 2))],
    ),
    "rest 23:00-10:00 across the autumn DST night is 12 h": Row(
        [s(1, "2026-10-24 15:00", "2026-10-24 23:00"), s(2, "2026-10-25 10:00", "2026-10-25 18:00")],
        [],
    ),
    "rest 22:00-08:00 across the autumn DST night is 11 h": Row(
        [s(1, "2026-10-24 14:00", "2026-10-24 22:00"), s(2, "2026-10-25 08:00", "2026-10-25 18:00")],
        [],
    ),
    "rolling reading: 18:00-07:00 then 07:00-20:00 (26 h in a row) has no rest in its 24 h": Row(
        [s(1, "2026-03-03 18:00", "2026-03-04 07:00"), s(2, "2026-03-04 07:00", "2026-03-04 20:00")],
        [("V1", 660, (1, 2))],
    ),
    # ---- V1, fixed day boundary (dygnsbryt 07:00) -------------------------------------------
    "dygnsbryt 07:00: 18:00-07:00 then 07:00-20:00 leaves 11 h inside each dygn": Row(
        [s(1, "2026-03-03 18:00", "2026-03-04 07:00"), s(2, "2026-03-04 07:00", "2026-03-04 20:00")],
        [],
        prof(DYGNSBRYT),
    ),
    "dygnsbryt 07:00: 14-22 then 06-14 leaves at most 9 h inside the dygn": Row(
        [s(1, "2026-03-05 14:00", "2026-03-05 22:00"), s(2, "2026-03-06 06:00", "2026-03-06 14:00")],
        # dygn 03-05 07:00..03-06 07:00: 07-14 (7 h), 22-06 (8 h); dygn 03-06: 14-07 (17 h)
        [("V1", 180, (1, 2))],
        prof(DYGNSBRYT),
    ),
    "dygnsbryt 07:00: the spring dygn has 23 h, so 07-20 leaves only 10 h": Row(
        [s(1, "2026-03-28 07:00", "2026-03-28 20:00")],
        [("V1", 60, (1,))],
        prof(DYGNSBRYT),
    ),
    "dygnsbryt 07:00: the autumn dygn has 25 h, so 07-21 still leaves 11 h": Row(
        [s(1, "2026-10-24 07:00", "2026-10-24 21:00")],
        [],
        prof(DYGNSBRYT),
    ),
    # ---- V1 averaged (Vårdföretagarna) ---------------------------------------------------------
    "Vårdföretagarna: 9 h once with 11 h on the other 13 days averages 10 h 51 min and fails": Row(
        vf_fortnight("07:00", ("07:00", "20:00")),
        [("V1", 120, (14, 15))],
        prof(VF),
        codes=("V1",),
    ),
    "Vårdföretagarna: 9 h once with 12 h on the other 13 days averages over 11 h and passes": Row(
        vf_fortnight("07:00", ("07:00", "19:00")),
        [],
        prof(VF),
        codes=("V1",),
    ),
    "Vårdföretagarna: 8 h is below the 9 h floor even with a good average": Row(
        vf_fortnight("06:00", ("07:00", "19:00")),
        [("V1", 60, (14, 15))],
        prof(VF),
        codes=("V1",),
    ),
    "Vårdföretagarna: days off count as 24 h of daily rest in the average": Row(
        [
            *daily("2026-03-02", 13, "07:00", "20:00", skip=(9, 10, 11)),
            s(14, "2026-03-15 09:00", "2026-03-15 22:00"),
            s(15, "2026-03-16 07:00", "2026-03-16 20:00"),
        ],
        [],
        prof(VF),
        codes=("V1",),
    ),
    "plain ATL does not allow the 9 h rest that Vårdföretagarna averages away": Row(
        vf_fortnight("07:00", ("07:00", "19:00")),
        [("V1", 120, (14, 15))],
        prof(ATL),
        codes=("V1",),
    ),
    # ---- V2, PAN -----------------------------------------------------------------------------
    "PAN: 18:00-07:00 then 07:00-20:00 is 26 h in a row, over 20 h without exception": Row(
        [s(1, "2026-03-03 18:00", "2026-03-04 07:00"), s(2, "2026-03-04 07:00", "2026-03-04 20:00")],
        [("V2", 360, (1, 2))],
        prof(PAN),
    ),
    "PAN: 26 h in a row is over 24 h even with a recorded exception": Row(
        [s(1, "2026-03-03 18:00", "2026-03-04 07:00"), s(2, "2026-03-04 07:00", "2026-03-04 20:00")],
        [("V2", 120, (1, 2))],
        prof(PAN),
        v2_exception(1),
        extra={"exception_allowed": False},
    ),
    "PAN: a 24 h pass with a recorded exception and 24 h of rest after passes": Row(
        [s(1, "2026-03-03 08:00", "2026-03-04 08:00"), s(2, "2026-03-05 08:00", "2026-03-05 16:00")],
        [],
        prof(PAN),
        v2_exception(1),
    ),
    "PAN: a 24 h pass with a recorded exception needs 24 h of rest after (20 h given)": Row(
        [s(1, "2026-03-03 08:00", "2026-03-04 08:00"), s(2, "2026-03-05 04:00", "2026-03-05 16:00")],
        [("V2", 240, (2,))],
        prof(PAN),
        v2_exception(1),
    ),
    "PAN: a 24 h pass without an exception is 4 h over 20 h": Row(
        [s(1, "2026-03-03 08:00", "2026-03-04 08:00"), s(2, "2026-03-05 08:00", "2026-03-05 16:00")],
        [("V2", 240, (1,))],
        prof(PAN),
        extra={"exception_allowed": True},
    ),
    "PAN: a 23 h pass without an exception fails (over 20 h)": Row(
        [s(1, "2026-03-03 08:00", "2026-03-04 07:00")],
        [("V2", 180, (1,))],
        prof(PAN),
    ),
    "PAN: the exception on another assistant's shift does not count": Row(
        [s(1, "2026-03-03 08:00", "2026-03-04 07:00")],
        [("V2", 180, (1,))],
        prof(PAN),
        v2_exception(99),
    ),
    "PAN: a 20 h pass incl. waiting time is allowed and followed by 20 h of rest": Row(
        [
            segmented(
                1,
                A,
                "kalle",
                [
                    ("2026-03-03 08:00", "2026-03-03 22:00", Kind.ACTIVE),
                    ("2026-03-03 22:00", "2026-03-04 04:00", Kind.WAITING),
                ],
            ),
            s(2, "2026-03-05 00:00", "2026-03-05 08:00"),
        ],
        [],
        prof(PAN),
    ),
    "PAN: a 17 h pass must be followed by 17 h of rest (12 h given)": Row(
        [s(1, "2026-03-03 07:00", "2026-03-04 00:00"), s(2, "2026-03-04 12:00", "2026-03-04 20:00")],
        [("V1", 300, (1, 2))],
        prof(PAN),
    ),
    "PAN: ordinary shifts still need 11 h of daily rest": Row(
        [s(1, "2026-03-05 14:00", "2026-03-05 22:00"), s(2, "2026-03-06 06:00", "2026-03-06 14:00")],
        [("V1", 180, (1, 2))],
        prof(PAN),
    ),
    "PAN applies from 2024-02-01: a 23 h pass on 2024-01-15 is judged by plain ATL": Row(
        [s(1, "2024-01-15 08:00", "2024-01-16 07:00"), s(2, "2024-02-15 08:00", "2024-02-16 07:00")],
        [("V1", 600, (1,)), ("V2", 180, (2,))],
        prof(PAN),
    ),
    # ---- profile versions ------------------------------------------------------------------
    "the newest profile version not after the day applies (ATL, then PAN from 2026-03-01)": Row(
        [s(1, "2026-02-10 08:00", "2026-02-11 07:00"), s(2, "2026-03-10 08:00", "2026-03-11 07:00")],
        [("V1", 600, (1,)), ("V2", 180, (2,))],
        (employment(replace(PAN, valid_from=date(2026, 3, 1)), ATL),),
    ),
    "outside the employment the default ATL profile applies": Row(
        [s(1, "2026-02-10 08:00", "2026-02-11 07:00"), s(2, "2026-03-10 08:00", "2026-03-11 07:00")],
        [("V1", 600, (1,)), ("V2", 180, (2,))],
        (employment(PAN, start=date(2026, 3, 1)),),
    ),
    "an employment without rest profiles uses ATL": Row(
        [s(1, "2026-03-10 08:00", "2026-03-11 07:00")],
        [("V1", 600, (1,))],
        (employment(),),
    ),
    # ---- V3 weekly rest ----------------------------------------------------------------------
    "08-20 every day for 7 days: 12 h rest each night is no weekly rest": Row(
        daily("2026-03-02", 7, "08:00", "20:00"),
        [("V3", 1440, (1, 2, 3, 4, 5, 6, 7))],
    ),
    "a week with Friday 20:00 to Sunday 08:00 free has its 36 h": Row(
        daily("2026-03-02", 7, "08:00", "20:00", skip=(5,)),
        [],
    ),
    "standby on Saturday breaks the weekly rest (but is daily rest)": Row(
        [
            *daily("2026-03-02", 7, "08:00", "20:00", skip=(5,)),
            s(20, "2026-03-07 10:00", "2026-03-07 14:00", Kind.STANDBY),
        ],
        [("V3", 1080, (1, 2, 3, 4, 5, 20, 7))],
    ),
    "weekly rest across the spring night: Friday 20:00 to Sunday 08:00 is only 35 h": Row(
        daily("2026-03-23", 7, "08:00", "20:00", skip=(5,)),
        [("V3", 60, (1, 2, 3, 4, 5, 7))],
    ),
    "weekly rest across the autumn night: Friday 20:00 to Sunday 07:00 is 36 h": Row(
        [*daily("2026-10-19", 6, "08:00", "20:00", skip=(5,)), s(7, "2026-10-25 07:00", "2026-10-25 20:00")],
        [],
    ),
    "a week spent entirely inside touching 24 h shifts has no weekly rest at all": Row(
        [
            s(n, f"2026-03-{n:02d} 00:00", f"2026-03-{n + 1:02d} 00:00", Kind.STANDBY if n % 2 else Kind.ACTIVE)
            for n in range(1, 11)
        ],
        # One merged block from Sunday 03-01 to Wednesday 03-11: only the week 03-02..03-09 lacks rest.
        [("V3", 2160, (1, 2, 3, 4, 5, 6, 7, 8, 9, 10))],
        codes=("V3",),
    ),
    "a night shift running into Monday counts in the new week": Row(
        [s(1, "2026-03-08 20:00", "2026-03-09 10:00"), *daily("2026-03-10", 6, "08:00", "20:00", first_id=2)],
        [("V3", 840, (1, 2, 3, 4, 5, 6, 7))],
        codes=("V3",),
    ),
    "the week is counted from Monday 00:00: rest across two weeks does not add up": Row(
        # Free Sat 08:00 .. Mon 00:00 is 40 h; but then Mon..Sun of the next week has only nights.
        daily("2026-03-02", 5, "08:00", "20:00") + daily("2026-03-09", 7, "08:00", "20:00", first_id=10),
        [("V3", 1440, (10, 11, 12, 13, 14, 15, 16))],
    ),
}


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_rest_rules(row: Row) -> None:
    findings = [f for f in run(row.shifts, *row.employments, exceptions=row.exceptions) if f.code in row.codes]
    got = sorted((f.code, f.minutes, tuple(f.shift_ids)) for f in findings)
    assert got == sorted(row.expected)
    for f in findings:
        assert f.severity == Severity.WARNING
        assert f.assistant_id == A
        assert f.message and f.hint and f.message_en
        assert f.start <= f.end
        for key, value in row.extra.items():
            assert getattr(f, key) == value


def test_the_classic_short_rest_names_the_rest_and_when_the_next_shift_may_start() -> None:
    (f,) = run(
        [s(1, "2026-03-05 14:00", "2026-03-05 22:00", client="kalle"), s(2, "2026-03-06 06:00", "2026-03-06 14:00")]
    )
    assert (f.code, f.minutes, f.client_id) == ("V1", 180, "kalle")
    assert (f.start, f.end) == (at("2026-03-05 14:00"), at("2026-03-06 14:00"))
    assert "8 h (2026-03-05 22:00–2026-03-06 06:00)" in f.message
    assert "11 h" in f.message and "3 h" in f.message
    assert f.hint == (
        "Flytta passets start 2026-03-06 06:00 till tidigast 2026-03-06 09:00 "
        "eller registrera ett skäl och kompensationsvila."
    )
    assert f.message_en.startswith("Daily rest too short: ")
    assert "the longest continuous rest is 8 h (2026-03-05 22:00–2026-03-06 06:00)" in f.message_en
    assert "3 h is missing. (V1)" in f.message_en
    assert f.hint_en == (
        "Move the shift's start 2026-03-06 06:00 to 2026-03-06 09:00 at the earliest "
        "or record a reason and compensatory rest."
    )


def test_a_block_too_long_for_the_window_is_told_when_to_end() -> None:
    (f,) = run([s(1, "2026-03-05 07:00", "2026-03-05 21:00")])
    assert "sluta senast 2026-03-05 20:00" in f.hint


def test_the_averaged_finding_states_the_average() -> None:
    (f,) = [f for f in run(vf_fortnight("07:00", ("07:00", "20:00")), employment(VF)) if f.code == "V1"]
    assert "10 h 51 min" in f.message
    assert "2026-03-02–2026-03-15" in f.message


def test_weekly_rest_finding_spans_the_week() -> None:
    (f,) = run(daily("2026-03-02", 7, "08:00", "20:00"))
    assert (f.start, f.end) == (at("2026-03-02 00:00"), at("2026-03-09 00:00"))
    assert "beredskap räknas inte som vila" in f.message


def test_pan_rest_after_exception_spans_the_short_rest() -> None:
    (f,) = run(
        [s(1, "2026-03-03 08:00", "2026-03-04 08:00"), s(2, "2026-03-05 04:00", "2026-03-05 16:00")],
        employment(PAN),
        exceptions=v2_exception(1),
    )
    assert (f.start, f.end) == (at("2026-03-04 08:00"), at("2026-03-05 04:00"))
    assert "tidigast 2026-03-05 08:00" in f.hint


def test_assistants_are_checked_separately_and_unknown_assistants_get_atl() -> None:
    shifts = (
        shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 22:00"),
        shift(2, "b", "kalle", "2026-03-06 06:00", "2026-03-06 14:00"),
        shift(3, "b", "kalle", "2026-03-05 14:00", "2026-03-05 22:00"),
    )
    findings = rest.check(CheckInput(shifts=shifts))
    assert [(f.assistant_id, f.shift_ids) for f in findings] == [("b", (3, 2))]


def test_unsorted_input_gives_the_same_findings() -> None:
    shifts = [*daily("2026-03-02", 7, "08:00", "20:00"), s(20, "2026-03-04 21:00", "2026-03-04 23:00")]
    assert run(shifts) == run(shifts[::-1])


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 2, 28), "atl"), (date(2026, 3, 1), "pan"), (date(2026, 6, 30), "pan"), (date(2026, 7, 1), "atl")],
    ids=[
        "before the PAN version: the older version",
        "from valid_from: the newer version",
        "last day of the employment",
        "after the employment ended: default ATL",
    ],
)
def test_profile_for_picks_the_newest_version_not_after_the_day(day: date, expected: str) -> None:
    emp = employment(ATL, replace(PAN, valid_from=date(2026, 3, 1)), end=date(2026, 6, 30))
    assert rest.profile_for([emp], day).code == expected


def test_presets() -> None:
    assert set(rest.PROFILES) == {"atl", "atl_dygnsbryt", "vardforetagarna", "pan"}
    assert rest.PROFILES["pan"].valid_from == date(2024, 2, 1)
    assert rest.PROFILES["atl_dygnsbryt"].day_boundary is not None
