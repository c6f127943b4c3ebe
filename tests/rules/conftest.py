"""A cheap guard on every rule test: each finding the engine builds while a
test in this folder runs must also explain itself in English."""

from __future__ import annotations

import re
import sys

import pytest

from scheduling.rules.model import Finding

#: Proper names that stay Swedish in English text.
_NAMES = ("Försäkringskassan",)
_SWEDISH = re.compile("[åäöÅÄÖ]")
#: Debug-style ids ("shift 12", "client 7") have no place in a user's sentence.
_INTERNAL_ID = re.compile(r"\b(?:shift|client|assistant|grant|employment|profile) \d+(?![\d:-])")


def english_problems(finding: Finding) -> list[str]:
    """What is wrong with the English texts of ``finding`` (empty: fine)."""
    problems = []
    for name in ("message_en", "hint_en"):
        text = getattr(finding, name)
        bare = text
        for proper in _NAMES:
            bare = bare.replace(proper, "")
        if not text.strip():
            problems.append(f"{name} is empty")
        elif _SWEDISH.search(bare):
            problems.append(f"{name} has Swedish letters: {text!r}")
        elif _INTERNAL_ID.search(text):
            problems.append(f"{name} names an internal id: {text!r}")
        elif "None" in text:
            problems.append(f"{name} shows None: {text!r}")
    if not finding.message_en.endswith(f"({finding.code})"):
        problems.append(f"message_en does not end with ({finding.code}): {finding.message_en!r}")
    return problems


@pytest.fixture(autouse=True)
def every_engine_finding_speaks_english(monkeypatch):
    """Record the findings built inside ``scheduling.rules`` (not the ones a
    test builds by hand, nor copies made by ``dataclasses.replace``) and check
    their English after the test."""
    built: list[Finding] = []
    original = Finding.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if sys._getframe(1).f_globals.get("__name__", "").startswith("scheduling.rules"):
            built.append(self)

    monkeypatch.setattr(Finding, "__init__", recording_init)
    yield built
    problems = [(f.code, problem) for f in built for problem in english_problems(f)]
    assert not problems, problems[:5]
