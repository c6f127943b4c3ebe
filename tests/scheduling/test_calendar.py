"""The private calendar feed: RFC 5545 text written by hand, and a secret
token that is stored only as a hash and stops working when revoked."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from scheduling import calendar, services
from scheduling.models import CalendarToken
from scheduling.rules.timeutil import make_aware

NOW = datetime(2026, 3, 10, 10, tzinfo=UTC)


# --- the text format (no database) ---------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain", "plain"),
        ("a;b,c", "a\\;b\\,c"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines\r\nand\rmore", "two\\nlines\\nand\\nmore"),
    ],
)
def test_text_values_are_escaped(raw, escaped):
    assert calendar.escape_text(raw) == escaped


@pytest.mark.parametrize(
    "line",
    [
        "SUMMARY:" + "x" * 200,
        "DESCRIPTION:" + "åäö€" * 60,  # 2- and 3-octet characters across every boundary
        "SUMMARY:" + "a" * 66 + "é" * 3,  # a 2-octet character straddles octet 75
        "SHORT:ok",
    ],
)
def test_lines_fold_at_75_octets_without_splitting_a_character(line):
    folded = calendar.fold(line)
    physical = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    # Each piece is whole UTF-8, and unfolding gives the line back (RFC 5545 3.1).
    for part in physical:
        part.encode().decode()
    assert folded.replace("\r\n ", "") == line


def test_the_calendar_has_crlf_lines_utc_times_and_the_required_properties():
    event = calendar.Event(
        uid="shift-7@example.se",
        start=datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        end=datetime(2026, 3, 29, 9, 0, tzinfo=UTC),
        summary="Pass hos Kalle A.",
        description="Typ av tid: Aktiv tid, Väntetid.\nTa med nycklar; ring först",
    )
    text = calendar.render([event], name="Mitt schema", now=NOW)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.replace("\r\n ", "").split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
    assert "UID:shift-7@example.se" in lines
    assert "DTSTAMP:20260310T100000Z" in lines
    assert "DTSTART:20260329T003000Z" in lines  # the DST night, in UTC
    assert "DTEND:20260329T090000Z" in lines
    assert "DESCRIPTION:Typ av tid: Aktiv tid\\, Väntetid.\\nTa med nycklar\\; ring först" in lines


# --- the token and the feed --------------------------------------------------------


def at(day: str, clock: str) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


@pytest.fixture
def shifts(alice, bob):
    def plan(side, assistant, client, day, note=""):
        shift, _findings = services.record_shift(
            actor=side.coordinator,
            provider=side.provider,
            data=services.ShiftData(
                assistant_id=assistant.pk,
                client_id=client.pk,
                start=at(day, "08:00"),
                end=at(day, "16:00"),
                note=note,
            ),
        )
        return shift

    with time_machine.travel(NOW, tick=False):
        yield {
            "own": plan(alice, alice.assistants[0], alice.clients[0], "2026-03-11", note="Nyckel; port 1234"),
            "colleague": plan(alice, alice.assistants[1], alice.clients[1], "2026-03-11"),
            "other_provider": plan(bob, bob.assistants[0], bob.clients[0], "2026-03-11"),
        }


def make_link(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("calendar-settings"), {"action": "create"})
    assert response.status_code == 200
    match = re.search(r'value="https?://[^/"]+(/kalenderflode/[^"]+\.ics)"', response.content.decode())
    assert match, "the new link is shown once"
    client.logout()
    return match.group(1)


@pytest.mark.django_db
def test_the_feed_serves_the_assistants_own_shifts_without_login(client, alice, shifts):
    path = make_link(client, alice.assistant_user)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    unfolded = text.replace("\r\n ", "")
    assert f"UID:shift-{shifts['own'].pk}@testserver" in unfolded
    assert f"shift-{shifts['colleague'].pk}@" not in unfolded
    assert f"shift-{shifts['other_provider'].pk}@" not in unfolded
    assert "DTSTART:20260311T070000Z" in unfolded  # 08:00 in Stockholm (winter time)
    assert f"SUMMARY:Pass hos {alice.clients[0].first_name} A." in unfolded
    assert "1234" not in unfolded  # notes (door codes) never leave for a third-party calendar
    assert alice.clients[0].personal_number not in text
    assert CalendarToken.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_only_a_hash_of_the_token_is_stored(client, alice, shifts):
    path = make_link(client, alice.assistant_user)
    secret = path.removeprefix("/kalenderflode/").removesuffix(".ics")
    stored = CalendarToken.objects.get()
    assert secret not in str(CalendarToken.objects.values().get())
    assert stored.token_hash == calendar.hash_token(secret) != secret
    # The settings page never shows the link again.
    client.force_login(alice.assistant_user)
    assert secret not in client.get(reverse("calendar-settings")).content.decode()


@pytest.mark.django_db
def test_a_revoked_link_stops_working(client, alice, shifts):
    path = make_link(client, alice.assistant_user)
    client.force_login(alice.assistant_user)
    client.post(reverse("calendar-settings"), {"action": "revoke"})
    client.logout()
    assert client.get(path).status_code == 404
    assert CalendarToken.objects.get().revoked_at is not None


@pytest.mark.django_db
def test_a_renewed_link_replaces_the_old_one(client, alice, shifts):
    old = make_link(client, alice.assistant_user)
    client.force_login(alice.assistant_user)
    response = client.post(reverse("calendar-settings"), {"action": "renew"})
    new = re.search(r'(/kalenderflode/[^"]+\.ics)"', response.content.decode()).group(1)
    client.logout()
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarToken.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_an_unknown_token_is_a_404(client, alice):
    assert client.get(reverse("calendar-feed", kwargs={"token": "x" * 43})).status_code == 404
    assert client.get(reverse("calendar-feed", kwargs={"token": "a"})).status_code == 404
