"""The engine's entry point: every rule, exceptions (V4), order, purity."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import scheduling.rules as rules
from scheduling.rules import engine
from scheduling.rules.model import (
    Absence,
    CheckInput,
    Finding,
    Grant,
    Payer,
    Permit,
    Provider,
    RuleException,
    Severity,
)

from .builders import assigned, assistant, at, shift

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_rest(monkeypatch):
    """Keep these tests about this engine's rules: rest rules are tested in test_rest*."""
    monkeypatch.setattr(engine.rest, "check", lambda inp: [])


def busy_input(**changes) -> CheckInput:
    """One of each kind of problem, on a few shifts."""
    shifts = (
        shift(1, "a", "kalle", "2026-03-05 14:00", "2026-03-05 18:00"),
        shift(2, "a", "lisa", "2026-03-05 16:00", "2026-03-05 20:00"),  # H1 with 1
        shift(3, "b", "kalle", "2026-03-05 15:00", "2026-03-05 17:00"),  # H2 with 1, E1 (minor)
        shift(4, "a", "kalle", "2026-03-06 08:00", "2026-03-07 12:00"),  # H3: 28 h
        shift(5, "a", "kalle", "2026-05-10 08:00", "2026-05-10 16:00"),  # E3
    )
    inp = CheckInput(
        shifts,
        {"a": assistant("a"), "b": assistant("b", born="2010-01-01")},
        (assigned("a", "kalle"), assigned("a", "lisa"), assigned("b", "kalle")),
        (Absence("kalle", at("2026-05-10 10:00"), at("2026-05-14 12:00")),),
        (Grant(1, "kalle", Payer.FK, date(2026, 1, 1), date(2026, 6, 30), 100 * 60, 0),),
    )
    return replace(inp, **changes)


def test_check_runs_every_rule_and_sorts_by_start_then_code(no_rest) -> None:
    findings = rules.check(busy_input())
    assert {f.code for f in findings} == {"H1", "H2", "H3", "E1", "E3"}
    assert [(f.start, f.code) for f in findings] == sorted((f.start, f.code) for f in findings)
    assert [f.code for f in findings][:3] == ["E1", "H2", "H1"]  # 15:00, 15:00, 16:00


def test_a_refused_impossible_shift_is_not_checked_by_other_rules(no_rest) -> None:
    findings = rules.check(busy_input())
    assert [f.code for f in findings if 4 in f.shift_ids] == ["H3"]


def test_the_engine_calls_the_rest_rules(monkeypatch) -> None:
    seen = []

    def fake_rest(inp: CheckInput) -> list[Finding]:
        seen.append(inp)
        return [
            Finding(
                "V1",
                Severity.WARNING,
                (1,),
                "a",
                "kalle",
                at("2026-03-05 14:00"),
                at("2026-03-05 18:00"),
                60,
                "",
                "",
                "",
            )
        ]

    monkeypatch.setattr(engine.rest, "check", fake_rest)
    findings = rules.check(busy_input())
    assert "V1" in {f.code for f in findings}
    # rest rules get only the shifts that passed H3
    assert [s.id for s in seen[0].shifts] == [1, 2, 3, 5]


EXCEPTION_ROWS = {
    "a recorded reason accepts the finding, which stays visible": (
        RuleException("E3", 5, "kort sjukhusvistelse, behov av assistans"),
        True,
    ),
    "a reason for another rule accepts nothing": (RuleException("E1", 5, "fel regel"), False),
    "a reason for another shift accepts nothing": (RuleException("E3", 1, "fel pass"), False),
}


@pytest.mark.parametrize("row", EXCEPTION_ROWS.values(), ids=EXCEPTION_ROWS.keys())
def test_v4_exceptions_accept_findings_without_hiding_them(no_rest, row) -> None:
    exception, accepted = row
    findings = rules.check(busy_input(exceptions=(exception,)))
    (e3,) = [f for f in findings if f.code == "E3"]
    assert e3.accepted is accepted
    assert e3.exception_reason == (exception.reason if accepted else "")


def test_an_exception_matches_any_of_the_findings_shifts(no_rest) -> None:
    findings = rules.check(busy_input(exceptions=(RuleException("H1", 1, "dubbelbokat med flit"),)))
    (h1,) = [f for f in findings if f.code == "H1"]
    assert h1.shift_ids == (2, 1)
    assert h1.accepted


def test_a_finding_that_allows_no_exception_stays_unaccepted(monkeypatch) -> None:
    strict = Finding(
        "V2",
        Severity.WARNING,
        (1,),
        "a",
        "kalle",
        at("2026-03-05 14:00"),
        at("2026-03-06 16:00"),
        60,
        "",
        "",
        "",
        exception_allowed=False,
    )
    monkeypatch.setattr(engine.rest, "check", lambda inp: [strict])
    findings = rules.check(busy_input(exceptions=(RuleException("V2", 1, "lokalt undantag"),)))
    (v2,) = [f for f in findings if f.code == "V2"]
    assert not v2.accepted


def test_every_finding_explains_itself_in_swedish_and_english(no_rest) -> None:
    inp = busy_input(provider=Provider(requires_permit=True, permits=(Permit(date(2026, 4, 1)),)))
    findings = rules.check(inp)
    assert {f.code for f in findings} >= {"H1", "H2", "H3", "E1", "E3", "E4"}
    for f in findings:
        assert f.message and f.hint and f.message_en, f
        assert "None" not in f.message + f.hint, f
        assert f"({f.code})" in f.message_en


def test_a_clean_week_has_no_findings(no_rest) -> None:
    shifts = tuple(
        shift(n, "a", "kalle", f"2026-03-{d:02d} 08:00", f"2026-03-{d:02d} 16:00") for n, d in enumerate(range(2, 7))
    )
    inp = CheckInput(shifts, {"a": assistant("a")}, (assigned("a", "kalle"),))
    assert rules.check(inp) == []


def test_the_package_exports_the_engine_the_model_and_the_time_helpers() -> None:
    for name in ("check", "remaining", "CapStatus", "CheckInput", "Finding", "Shift", "make_aware", "fmt_minutes"):
        assert name in rules.__all__
        assert getattr(rules, name)
    assert rules.remaining is engine.remaining


def test_the_engine_does_not_import_django() -> None:
    code = "import sys, scheduling.rules; sys.exit(any(m.startswith('django') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0
