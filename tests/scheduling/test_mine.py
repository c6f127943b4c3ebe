"""An assistant's "Mitt schema": only their own shifts, a month view, and the
hours as the engine counts them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from scheduling import services
from scheduling.models import Shift
from scheduling.rules.timeutil import make_aware

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 10, tzinfo=UTC)  # Tuesday 10 March 2026, 11:00 in Stockholm


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: str, clock: str) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


def plan(side, assistant, client, start, end, **extra) -> Shift:
    shift, _findings = services.record_shift(
        actor=side.coordinator,
        provider=side.provider,
        data=services.ShiftData(
            assistant_id=assistant.pk, client_id=client.pk, start=at(*start), end=at(*end), **extra
        ),
    )
    return shift


def test_the_assistant_sees_only_their_own_shifts(client, alice, bob):
    plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    plan(alice, alice.assistants[1], alice.clients[1], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    plan(bob, bob.assistants[0], bob.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    client.force_login(alice.assistant_user)
    for url in (reverse("my-schedule"), reverse("my-schedule") + "?manad=2026-03"):
        body = client.get(url).content.decode()
        assert str(alice.clients[0]) in body
        assert str(alice.clients[1]) not in body
        assert str(bob.clients[0]) not in body


def test_the_list_shows_coming_shifts_and_recent_ones_to_report_on(client, alice):
    past = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    coming = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-12", "22:00"), ("2026-03-13", "07:00"))
    far = plan(alice, alice.assistants[0], alice.clients[0], ("2026-04-20", "08:00"), ("2026-04-20", "12:00"))
    client.force_login(alice.assistant_user)
    response = client.get(reverse("my-schedule"))
    coming_days = [row["shift"] for day in response.context["days"] for row in day["shifts"]]
    assert coming_days == [coming]  # the coming two weeks; April is in the month view
    assert [row["shift"] for row in response.context["recent"]] == [past]
    body = response.content.decode()
    assert reverse("deviation-report", args=[past.pk]) in body
    assert reverse("deviation-report", args=[coming.pk]) not in body
    assert reverse("my-time-reports") in body and reverse("calendar-settings") in body
    april = client.get(reverse("my-schedule") + "?manad=2026-04")
    assert [row["shift"] for week in april.context["weeks"] for day in week for row in day["shifts"]] == [far]


def test_a_bad_month_falls_back_with_a_message(client, alice):
    client.force_login(alice.assistant_user)
    response = client.get(reverse("my-schedule") + "?manad=mars", follow=True)
    assert "Månaden ska anges som ÅÅÅÅ-MM" in response.content.decode()


def test_the_hours_are_the_engines_count(client, alice):
    who, where = alice.assistants[0], alice.clients[0]
    plan(alice, who, where, ("2026-03-02", "08:00"), ("2026-03-02", "16:00"))  # worked: 8 h
    plan(alice, who, where, ("2026-03-20", "20:00"), ("2026-03-21", "02:00"), kind="waiting")  # planned: 6 h
    plan(alice, who, where, ("2026-03-22", "08:00"), ("2026-03-22", "12:00"), kind="standby")  # not working time
    plan(alice, who, where, ("2026-02-26", "08:00"), ("2026-02-26", "12:00"))  # last month
    client.force_login(alice.assistant_user)
    response = client.get(reverse("my-schedule"))
    hours = response.context["hours"]
    assert (hours.month_worked, hours.month_planned) == (8 * 60, 6 * 60)
    # ATL with no declared periods: the calendar month (W1), cap 48 h × 31/7.
    assert (hours.cap.period.start, hours.cap.period.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert hours.cap.shift_minutes == 14 * 60
    assert hours.period_worked == 8 * 60
    assert hours.cap.cap_minutes == 48 * 60 * 31 // 7
    body = response.content.decode()
    assert "8 h" in body and "212 h 34 min" in body


def test_other_roles_have_no_personal_schedule(client, alice):
    for user in (alice.coordinator, alice.admin, alice.client_user):
        client.force_login(user)
        assert client.get(reverse("my-schedule")).status_code == 404
        assert client.get(reverse("calendar-settings")).status_code == 404


def test_it_needs_a_login(client):
    response = client.get(reverse("my-schedule"))
    assert response.status_code == 302 and "/login/" in response["Location"]
