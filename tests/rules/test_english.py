"""Every finding explains itself in plain English too (message_en, hint_en),
with the same facts as the Swedish text and no internal ids."""

from __future__ import annotations

from datetime import date, time

import pytest

import scheduling.rules as rules
from scheduling.rules import conflicts
from scheduling.rules.model import CheckInput, Finding, Permit, Provider, Segment, Severity, Shift
from scheduling.rules.timeutil import AmbiguousTime, NonExistentTime, make_aware

from .builders import at, shift
from .conftest import english_problems
from .test_engine import busy_input, no_rest  # noqa: F401  (fixture)


def by_code(findings: list[Finding]) -> dict[str, Finding]:
    return {f.code: f for f in findings}


def test_the_guard_sees_every_finding_the_engine_builds(every_engine_finding_speaks_english, no_rest) -> None:  # noqa: F811
    findings = rules.check(busy_input(provider=Provider(requires_permit=True, permits=(Permit(date(2026, 4, 1)),))))
    built = every_engine_finding_speaks_english
    assert {f.code for f in built} >= {"H1", "H2", "H3", "E1", "E3", "E4"}
    assert {f.code for f in findings} <= {f.code for f in built}


def test_the_guard_rejects_debug_style_or_missing_english() -> None:
    debug = Finding(
        "H1",
        Severity.REFUSED,
        (2, 1),
        "a",
        "c",
        at("2026-03-05 10:00"),
        at("2026-03-05 11:00"),
        60,
        "Passet överlappar.",
        "Flytta ett av passen.",
        "shift 2 overlaps shift 1 (same client) by 60 min (H1)",
    )
    assert english_problems(debug) == [
        "message_en names an internal id: 'shift 2 overlaps shift 1 (same client) by 60 min (H1)'",
        "hint_en is empty",
    ]


def test_h1_h2_h3_and_e_rules_read_as_sentences(no_rest) -> None:  # noqa: F811
    found = by_code(
        rules.check(busy_input(provider=Provider(requires_permit=True, permits=(Permit(date(2026, 4, 1)),))))
    )
    h1 = found["H1"]
    assert h1.message_en == (
        "The shift 2026-03-05 16:00–20:00 overlaps another shift of the same assistant "
        "(2026-03-05 14:00–18:00 for another client) by 2 h. An assistant cannot work two shifts at once. (H1)"
    )
    assert h1.hint_en == "Move or shorten one of the shifts."
    assert found["H2"].message_en.startswith("Several assistants work for the client at the same time 2026-03-05 ")
    assert "is not paid by Försäkringskassan. (H2)" in found["H2"].message_en
    h3 = found["H3"]
    assert h3.message_en.startswith(
        "The shift is 28 h long (2026-03-06 08:00–2026-03-07 12:00). A shift may last at most 26 h"
    )
    assert h3.hint_en == "Check the dates and times. Work that really is longer is split into several shifts."
    e3 = found["E3"]
    assert e3.message_en.startswith("The client is in hospital 2026-05-10 10:00–2026-05-14 12:00.")
    assert e3.hint_en.startswith("If assistance is needed during the stay")
    assert "The assistant turns 18 only on 2028-01-01." in found["E1"].message_en
    assert found["E4"].hint_en == (
        "Check that the IVO permit is registered with the right validity period, or renew the permit."
    )


def test_only_the_segment_problem_of_h3_mentions_segments() -> None:
    """The shift form puts the H3 finding that mentions "segment" on the first change row."""
    gap = Shift(
        1,
        "a",
        "c",
        (
            Segment(at("2026-03-05 08:00"), at("2026-03-05 10:00")),
            Segment(at("2026-03-05 11:00"), at("2026-03-05 12:00")),
        ),
    )
    (finding,) = conflicts.check(CheckInput((gap,)))
    assert "segment" in finding.message_en
    assert finding.message_en.endswith(
        "do not connect at 2026-03-05 10:00: each segment must start when the previous one ends "
        "and last at least one minute. (H3)"
    )
    (too_long,) = conflicts.check(CheckInput((shift(1, "a", "c", "2026-03-05 08:00", "2026-03-06 14:00"),)))
    assert "segment" not in too_long.message_en


@pytest.mark.parametrize(
    ("day", "clock", "error", "english"),
    [
        (
            date(2026, 3, 29),
            time(2, 30),
            NonExistentTime,
            "The time 02:30 on 2026-03-29 does not exist: the clocks go forward one hour that night (summer time). "
            "Enter a time before 02:00 or from 03:00.",
        ),
        (
            date(2026, 10, 25),
            time(2, 30),
            AmbiguousTime,
            "The time 02:30 on 2026-10-25 occurs twice: the clocks go back one hour that night. State whether you "
            "mean the first time (summer time, +02:00) or the second time (winter time, +01:00).",
        ),
    ],
)
def test_dst_errors_come_in_both_languages(day, clock, error, english) -> None:
    with pytest.raises(error) as caught:
        make_aware(day, clock)
    assert caught.value.message_en == english
    assert caught.value.message.startswith(f"Klockan 02:30 den {day:%Y-%m-%d}")
