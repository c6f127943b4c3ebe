"""E1-E4 and A1: who and when is payable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.rules import payability
from scheduling.rules.model import Absence, Assignment, CheckInput, Permit, Provider, Severity, Shift

from .builders import assigned, assistant, at, day, hours, shift

NO_PERMIT_NEEDED = Provider(requires_permit=False)


def grid(shifts, *, born="1990-01-01", assignments=None, absences=(), provider=NO_PERMIT_NEEDED):
    who = {s.assistant_id for s in shifts}
    return CheckInput(
        tuple(shifts),
        {a: assistant(a, born=born) for a in who},
        tuple(assignments) if assignments is not None else tuple(assigned(s.assistant_id, s.client_id) for s in shifts),
        tuple(absences),
        provider=provider,
    )


@dataclass(frozen=True)
class Row:
    shifts: list[Shift]
    expected: list[tuple[str, str, str, int]]  # (code, span start, span end, minutes)
    options: dict = field(default_factory=dict)


def found(inp: CheckInput):
    return [(f.code, f.start, f.end, f.minutes) for f in payability.check(inp)]


def expect(rows):
    return [(code, at(a), at(b), minutes) for code, a, b, minutes in rows]


BORN = {"born": "2008-03-10"}
NOTICE = {"assignments": [assigned("a", "kalle", "2026-01-15", "2026-02-03")]}
HOSPITAL = Absence("kalle", at("2026-05-10 10:00"), at("2026-05-14 12:00"), "hospital")
PERMIT = Provider(requires_permit=True, permits=(Permit(date(2025, 1, 1), date(2026, 3, 31)),))

ROWS = {
    # E1
    "E1: hours the day before the 18th birthday are not payable": Row(
        [shift(1, "a", "kalle", "2026-03-09 08:00", "2026-03-09 16:00")],
        [("E1", "2026-03-09 08:00", "2026-03-09 16:00", 480)],
        BORN,
    ),
    "E1: hours on the 18th birthday are payable": Row(
        [shift(1, "a", "kalle", "2026-03-10 08:00", "2026-03-10 16:00")], [], BORN
    ),
    "E1: a shift over midnight into the birthday is split there": Row(
        [shift(1, "a", "kalle", "2026-03-09 20:00", "2026-03-10 04:00")],
        [("E1", "2026-03-09 20:00", "2026-03-10 00:00", 240)],
        BORN,
    ),
    "E1: a minor's shift on the spring night is 3 h": Row(
        [shift(1, "a", "kalle", "2026-03-29 00:00", "2026-03-29 04:00")],
        [("E1", "2026-03-29 00:00", "2026-03-29 04:00", 180)],
        {"born": "2010-01-01"},
    ),
    "E1: a minor's shift on the autumn night is 5 h": Row(
        [shift(1, "a", "kalle", "2026-10-25 00:00", "2026-10-25 04:00")],
        [("E1", "2026-10-25 00:00", "2026-10-25 04:00", 300)],
        {"born": "2010-01-01"},
    ),
    "E1: born on 29 February, the 18th birthday in a common year is 1 March": Row(
        [
            shift(1, "a", "kalle", "2026-02-28 08:00", "2026-02-28 16:00"),
            shift(2, "a", "kalle", "2026-03-01 08:00", "2026-03-01 16:00"),
        ],
        [("E1", "2026-02-28 08:00", "2026-02-28 16:00", 480)],
        {"born": "2008-02-29"},
    ),
    # E2 and A1
    "E2: shifts before FK got the notice (FK 3066) are not payable": Row(
        [
            shift(1, "a", "kalle", "2026-02-01 08:00", "2026-02-01 16:00"),
            shift(2, "a", "kalle", "2026-02-02 08:00", "2026-02-02 16:00"),
        ],
        [
            ("E2", "2026-02-01 08:00", "2026-02-01 16:00", 480),
            ("E2", "2026-02-02 08:00", "2026-02-02 16:00", 480),
        ],
        NOTICE,
    ),
    "E2: a shift on the notice date is payable": Row(
        [shift(1, "a", "kalle", "2026-02-03 08:00", "2026-02-03 16:00")], [], NOTICE
    ),
    "E2: a night shift into the notice date is unpaid until midnight": Row(
        [shift(1, "a", "kalle", "2026-02-02 22:00", "2026-02-03 06:00")],
        [("E2", "2026-02-02 22:00", "2026-02-03 00:00", 120)],
        NOTICE,
    ),
    "E2: an assistant never notified to FK is not payable": Row(
        [shift(1, "a", "kalle", "2026-02-10 08:00", "2026-02-10 16:00")],
        [("E2", "2026-02-10 08:00", "2026-02-10 16:00", 480)],
        {"assignments": [assigned("a", "kalle", "2026-01-01", None)]},
    ),
    "A1: a shift for a client the assistant is not assigned to is refused": Row(
        [shift(1, "a", "kalle", "2026-02-10 08:00", "2026-02-10 16:00")],
        [("A1", "2026-02-10 08:00", "2026-02-10 16:00", 480)],
        {"assignments": [assigned("a", "lisa")]},
    ),
    "A1: the part of a shift after the assignment ended is refused": Row(
        [shift(1, "a", "kalle", "2026-02-10 20:00", "2026-02-11 04:00")],
        [("A1", "2026-02-11 00:00", "2026-02-11 04:00", 240)],
        {"assignments": [Assignment("a", "kalle", date(2026, 1, 1), date(2026, 2, 10), date(2026, 1, 1))]},
    ),
    "E2: a later notified assignment makes its days payable": Row(
        [shift(1, "a", "kalle", "2026-02-10 20:00", "2026-02-12 04:00")],
        [("E2", "2026-02-11 00:00", "2026-02-12 00:00", hours(24))],
        {
            "assignments": [
                Assignment("a", "kalle", date(2026, 1, 1), date(2026, 2, 10), date(2026, 1, 1)),
                Assignment("a", "kalle", date(2026, 2, 11), None, date(2026, 2, 12)),
            ]
        },
    ),
    # E3
    "E3: time during a hospital stay is not payable (only the overlap)": Row(
        [shift(1, "a", "kalle", "2026-05-10 08:00", "2026-05-10 16:00")],
        [("E3", "2026-05-10 10:00", "2026-05-10 16:00", 360)],
        {"absences": [HOSPITAL]},
    ),
    "E3: a hospital stay with a recorded exception keeps the hours payable": Row(
        [shift(1, "a", "kalle", "2026-05-10 08:00", "2026-05-10 16:00")],
        [],
        {"absences": [Absence("kalle", at("2026-05-10 10:00"), at("2026-05-14 12:00"), "hospital", exception=True)]},
    ),
    "E3: another client's hospital stay does not matter": Row(
        [shift(1, "a", "lisa", "2026-05-11 08:00", "2026-05-11 16:00")],
        [],
        {"absences": [HOSPITAL]},
    ),
    "E3: overlapping absences count each minute once": Row(
        [shift(1, "a", "kalle", "2026-05-14 08:00", "2026-05-14 16:00")],
        [("E3", "2026-05-14 08:00", "2026-05-14 14:00", 360)],
        {"absences": [HOSPITAL, Absence("kalle", at("2026-05-14 09:00"), at("2026-05-14 14:00"), "school")]},
    ),
    # E4
    "E4: a shift after the IVO permit ended is not payable": Row(
        [shift(1, "a", "kalle", "2026-04-01 08:00", "2026-04-01 16:00")],
        [("E4", "2026-04-01 08:00", "2026-04-01 16:00", 480)],
        {"provider": PERMIT},
    ),
    "E4: a shift on the permit's last day is payable, the part after midnight not": Row(
        [shift(1, "a", "kalle", "2026-03-31 20:00", "2026-04-01 04:00")],
        [("E4", "2026-04-01 00:00", "2026-04-01 04:00", 240)],
        {"provider": PERMIT},
    ),
    "E4: a provider that needs no permit (municipality) is always payable": Row(
        [shift(1, "a", "kalle", "2026-04-01 08:00", "2026-04-01 16:00")],
        [],
        {"provider": Provider(requires_permit=False)},
    ),
    "E4: an open-ended permit covers every later day": Row(
        [shift(1, "a", "kalle", "2030-04-01 08:00", "2030-04-01 16:00")],
        [],
        {"provider": Provider(requires_permit=True, permits=(Permit(date(2025, 1, 1)),))},
    ),
    "E4: back-to-back permits leave no gap": Row(
        [shift(1, "a", "kalle", "2026-03-31 20:00", "2026-04-01 04:00")],
        [],
        {"provider": Provider(True, (Permit(date(2025, 1, 1), date(2026, 3, 31)), Permit(date(2026, 4, 1))))},
    ),
}


@pytest.mark.parametrize("row", ROWS.values(), ids=ROWS.keys())
def test_e_rules_hours_that_fk_does_not_pay(row: Row) -> None:
    assert found(grid(row.shifts, **row.options)) == expect(row.expected)


def test_severities_a1_is_refused_the_rest_not_payable() -> None:
    inp = grid(
        [shift(1, "a", "kalle", "2026-02-01 08:00", "2026-02-01 16:00")],
        born="2010-01-01",
        assignments=[assigned("a", "lisa")],
        provider=Provider(requires_permit=True),
    )
    assert {f.code: f.severity for f in payability.check(inp)} == {
        "E1": Severity.NOT_PAYABLE,
        "A1": Severity.REFUSED,
        "E4": Severity.NOT_PAYABLE,
    }


def test_an_unknown_birth_date_is_one_warning_per_assistant() -> None:
    shifts = [
        shift(1, "a", "kalle", "2026-02-01 08:00", "2026-02-01 16:00"),
        shift(2, "a", "kalle", "2026-02-02 08:00", "2026-02-02 16:00"),
    ]
    (finding,) = payability.check(grid(shifts, born=None))
    assert (finding.code, finding.severity, finding.shift_ids) == ("E1", Severity.WARNING, (1, 2))
    assert "födelsedatum saknas" in finding.message


def test_messages_name_the_reason_in_swedish() -> None:
    (e1,) = payability.check(grid([shift(1, "a", "kalle", "2026-03-09 08:00", "2026-03-09 16:00")], **BORN))
    assert "fyller 18 år först 2026-03-10" in e1.message
    (e2,) = payability.check(grid([shift(1, "a", "kalle", "2026-02-01 08:00", "2026-02-01 16:00")], **NOTICE))
    assert "först 2026-02-03" in e2.message and "8 h" in e2.message
    (e3,) = payability.check(
        grid([shift(1, "a", "kalle", "2026-05-10 08:00", "2026-05-10 16:00")], absences=[HOSPITAL])
    )
    assert "på sjukhus 2026-05-10 10:00–2026-05-14 12:00" in e3.message
    assert "särskilda skäl" in e3.hint


# --------------------------------------------------------------------------
# Property test: E3 minutes against a minute-by-minute oracle

BASE = datetime(2026, 10, 23, 22, 0, tzinfo=UTC)  # 2026-10-24 00:00 local; the autumn night follows


def span(draw, max_quarters: int) -> tuple[datetime, datetime]:
    start = BASE + timedelta(minutes=15 * draw(st.integers(0, 4 * 24 * 3)))
    return start, start + timedelta(minutes=15 * draw(st.integers(1, max_quarters)))


@st.composite
def absence_cases(draw):
    shifts = [
        shift(i, draw(st.sampled_from(("a", "b"))), draw(st.sampled_from(("kalle", "lisa"))), *span(draw, 48))
        for i in range(1, draw(st.integers(1, 6)) + 1)
    ]
    absences = [
        Absence(draw(st.sampled_from(("kalle", "lisa"))), *span(draw, 96), "hospital", draw(st.booleans()))
        for _ in range(draw(st.integers(0, 4)))
    ]
    return shifts, absences


def minute_set(start: datetime, end: datetime) -> set[int]:
    return set(range(int(start.timestamp()) // 60, int(end.timestamp()) // 60))


@settings(max_examples=150, deadline=None)
@given(absence_cases())
def test_e3_unpaid_minutes_match_a_minute_by_minute_oracle(case) -> None:
    shifts, absences = case
    expected = {}
    for s in shifts:
        away = set()
        for x in absences:
            if x.client_id == s.client_id and not x.exception:
                away |= minute_set(x.start, x.end)
        if minutes := len(minute_set(s.start, s.end) & away):
            expected[s.id] = minutes
    got: dict = {}
    for f in payability.check(grid(shifts, absences=absences)):
        assert f.code == "E3"
        (sid,) = f.shift_ids
        got[sid] = got.get(sid, 0) + f.minutes
    assert got == expected


def test_birthday_midnight_is_local_time() -> None:
    (finding,) = payability.check(
        grid([shift(1, "a", "kalle", "2026-03-09 23:00", "2026-03-10 01:00")], born="2008-03-10")
    )
    assert finding.end == at("2026-03-10 00:00") == datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
    assert day("2026-03-10") == payability.coming_of_age(date(2008, 3, 10), 18)
