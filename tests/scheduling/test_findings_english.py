"""Findings in the reader's language: the engine writes every finding in
Swedish and English, the shift's stored findings keep both, and pages show
the English texts to an English reader (the Swedish ones otherwise)."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from billing.services import _stored_findings
from scheduling import services
from scheduling.models import ShiftFinding
from scheduling.rules.timeutil import make_aware
from scheduling.texts import finding_hint, finding_message

pytestmark = pytest.mark.django_db

V1_HINT_EN = (
    "Move the shift's start 2026-03-06 06:00 to 2026-03-06 09:00 at the earliest "
    "or record a reason and compensatory rest."
)
V1_HINT_SV = "Flytta passets start 2026-03-06 06:00 till tidigast 2026-03-06 09:00"


def at(day: str, clock: str):
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


def place(side, day, start, end):
    shift, findings = services.record_shift(
        actor=None,
        provider=side.provider,
        data=services.ShiftData(
            assistant_id=side.assistants[0].pk,
            client_id=side.clients[0].pk,
            start=at(day, start),
            end=at(day, end),
        ),
    )
    return shift, findings


def short_rest_form(side) -> dict:
    return {
        "assistant": side.assistants[0].pk,
        "client": side.clients[0].pk,
        "date": "2026-03-06",
        "start_time": "06:00",
        "end_time": "14:00",
        "kind": "active",
    }


@pytest.fixture
def coordinator(client, alice):
    client.force_login(alice.coordinator)
    return client


def test_the_check_in_english_shows_the_english_message_and_hint(coordinator, alice):
    place(alice, "2026-03-05", "14:00", "22:00")
    url = reverse("shift-check")
    english = coordinator.post(url, short_rest_form(alice), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Daily rest too short: within 24 hours from the start of work 2026-03-05 14:00" in english
    assert "3 h is missing. (V1)" in english
    assert V1_HINT_EN.replace("'", "&#x27;") in english
    assert "För kort dygnsvila" not in english and V1_HINT_SV not in english

    swedish = coordinator.post(url, short_rest_form(alice), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "För kort dygnsvila" in swedish and V1_HINT_SV in swedish
    assert "Daily rest too short" not in swedish


def test_stored_findings_keep_both_languages(alice):
    place(alice, "2026-03-05", "14:00", "22:00")
    shift, _ = place(alice, "2026-03-06", "06:00", "14:00")
    row = ShiftFinding.objects.get(shift=shift, code="V1")
    assert row.message.startswith("För kort dygnsvila:") and row.hint.startswith(V1_HINT_SV)
    assert row.message_en.startswith("Daily rest too short:") and row.hint_en == V1_HINT_EN
    with translation.override("en"):
        assert (finding_message(row), finding_hint(row)) == (row.message_en, row.hint_en)
    with translation.override("sv"):
        assert (finding_message(row), finding_hint(row)) == (row.message, row.hint)


def test_a_row_stored_without_english_falls_back_to_swedish(alice):
    shift, _ = place(alice, "2026-03-05", "08:00", "12:00")
    row = ShiftFinding(shift=shift, code="E2", message="Ej anmäld.", hint="Skicka anmälan.")
    rendered = Template("{% load findings %}{{ f|finding_message }} / {{ f|finding_hint }}")
    with translation.override("en"):
        assert rendered.render(Context({"f": row})) == "Ej anmäld. / Skicka anmälan."


def test_billing_reads_stored_findings_back_in_both_languages(alice):
    shift, _ = place(alice, "2026-03-05", "08:00", "12:00")
    ShiftFinding.objects.create(
        shift=shift,
        code="E2",
        severity=ShiftFinding.Severity.NOT_PAYABLE,
        start=shift.start,
        end=shift.end,
        minutes=240,
        message="Tid före anmälan betalas inte.",
        hint="Skicka anmälan.",
        message_en="Time before the notice is not paid. (E2)",
        hint_en="Send the notice.",
        ruleset="2026.1",
    )
    (finding,) = _stored_findings({shift.pk})
    assert (finding.message, finding.hint) == ("Tid före anmälan betalas inte.", "Skicka anmälan.")
    assert (finding.message_en, finding.hint_en) == ("Time before the notice is not paid. (E2)", "Send the notice.")
