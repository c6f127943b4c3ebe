"""In the browser: an assistant's "Mitt schema" shows only their own shifts
and takes a deviation report, which a coordinator approves; a coordinator
handles a sick call with a substitute after seeing the engine's answer."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assistans import factories as f
from scheduling import services
from scheduling.models import Deviation, Shift, StaffAbsence
from scheduling.rules.timeutil import local_date, make_aware
from tests.browser.conftest import login, shoot


def _today():
    return local_date(timezone.now())


def _cover_today(side) -> None:
    """A decision covering today for each client, so shifts near today are payable."""
    today = _today()
    for client in side.clients:
        if not client.decisions.filter(start__lte=today, end__gte=today).exists():
            first = today.replace(day=1)
            f.DecisionFactory(client=client, start=first, end=first + timedelta(days=150))


def _plan(side, assistant, client, day, start: int, end: int) -> Shift:
    shift, _findings = services.record_shift(
        actor=side.coordinator,
        provider=side.provider,
        data=services.ShiftData(
            assistant_id=assistant.pk,
            client_id=client.pk,
            start=make_aware(day, time(start)),
            end=make_aware(day, time(end)),
        ),
    )
    return shift


def _log_out(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def cast(alice, bob):
    _cover_today(alice)
    _cover_today(bob)
    return alice, bob


def test_assistant_sees_only_own_shifts_reports_a_deviation_and_coordinator_approves(page, cast):
    alice, bob = cast
    today = _today()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    worked = _plan(alice, alice.assistants[0], alice.clients[0], yesterday, 8, 16)
    _plan(alice, alice.assistants[0], alice.clients[0], tomorrow, 8, 16)
    _plan(alice, alice.assistants[1], alice.clients[1], tomorrow, 8, 16)
    _plan(bob, bob.assistants[0], bob.clients[0], tomorrow, 8, 16)

    login(page, alice.assistant_user)
    page.goto("/mitt-schema/")
    main = page.locator("main")
    expect(page.get_by_role("heading", name="Mitt schema")).to_be_visible()
    expect(main).to_contain_text(str(alice.clients[0]))
    expect(main).not_to_contain_text(str(alice.clients[1]))
    expect(main).not_to_contain_text(str(bob.clients[0]))
    expect(main).to_contain_text("Arbetat i")
    shoot(page, "changes-my-schedule")
    page.get_by_role("link", name="Månad", exact=True).click()
    expect(page.locator("table.mine-month")).to_be_visible()
    expect(main).not_to_contain_text(str(alice.clients[1]))
    shoot(page, "changes-my-schedule-month")

    page.goto("/mitt-schema/")
    page.get_by_role("link", name="Rapportera avvikelse").first.click()
    expect(page.get_by_role("heading", name="Rapportera avvikelse")).to_be_visible()
    page.get_by_label("Faktiskt slut").fill("17:30")
    page.get_by_label("Vad hände?").fill("Brukaren behövde hjälp efter läkarbesöket.")
    shoot(page, "changes-deviation-report")
    page.get_by_role("button", name="Skicka till samordnaren").click()
    expect(page.locator(".site-messages")).to_contain_text("Avvikelsen är skickad")
    expect(main).to_contain_text("väntar på beslut")
    assert Deviation.objects.get().status == Deviation.Status.PENDING

    page.get_by_role("link", name="Schemat i min kalender").click()
    page.get_by_role("button", name="Skapa kalenderlänk").click()
    link = page.get_by_label("Kopiera länken och lägg till den som kalenderprenumeration")
    expect(link).to_have_value(re.compile(r"/kalenderflode/.+\.ics$"))
    shoot(page, "changes-calendar-settings")
    # The link is https (the server sits behind the TLS proxy); the test server speaks plain http.
    feed = page.request.get(re.sub(r"^https://[^/]+", "", link.input_value()))
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert f"UID:shift-{worked.pk}@" in feed.text()

    _log_out(page)
    login(page, alice.coordinator)
    page.goto("/avvikelser/")
    page.get_by_role("link", name="Besluta").first.click()
    expect(page.locator("main")).to_contain_text("Brukaren behövde hjälp")
    shoot(page, "changes-deviation-decide")
    page.get_by_label("Godkänn").check()
    page.get_by_role("button", name="Spara beslutet").click()
    expect(page.locator(".site-messages")).to_contain_text("godkänd")
    worked.refresh_from_db()
    assert worked.end == make_aware(yesterday, time(17, 30))
    assert Deviation.objects.get().status == Deviation.Status.APPROVED
    shoot(page, "changes-deviation-list")


def test_coordinator_handles_a_sick_call_with_a_substitute(page, cast):
    alice, _bob = cast
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    tomorrow = _today() + timedelta(days=1)
    shift = _plan(alice, alice.assistants[0], alice.clients[0], tomorrow, 8, 16)
    # The day after, nobody can take over: the shift is left unstaffed.
    left = _plan(alice, alice.assistants[0], alice.clients[0], tomorrow + timedelta(days=1), 8, 16)
    # Someone else works today, so the day's list has a row.
    _plan(alice, alice.assistants[1], alice.clients[1], _today(), 6, 7)

    login(page, alice.coordinator)
    page.goto("/dagens-andringar/")
    expect(page.get_by_role("heading", name="Dagens ändringar")).to_be_visible()
    shoot(page, "changes-day")
    page.get_by_label("Assistent").select_option(label=str(alice.assistants[0]))
    page.get_by_role("button", name="Registrera frånvaro").click()
    expect(page.get_by_role("heading", name=f"Frånvaro för {alice.assistants[0]}")).to_be_visible()

    page.get_by_label("Typ av frånvaro").select_option(label="Sjukdom")
    page.locator(f"#id_sub_{shift.pk}").select_option(label=str(alice.assistants[1]))
    # htmx asks the engine about the substitute as soon as one is picked.
    expect(page.locator(f"#findings-{shift.pk}")).to_contain_text("Vikarien har")
    expect(page.locator(f"#findings-{left.pk}")).to_contain_text("Utan vikarie blir passet obemannat")
    confirm = page.get_by_role("button", name="Bekräfta frånvaron")
    expect(confirm).to_be_visible()
    expect(page.get_by_label("Typ av frånvaro")).to_have_value("sick")
    shoot(page, "changes-sick-call")
    confirm.click()

    expect(page.locator(".site-messages")).to_contain_text("1 pass har vikarie, 1 är obemannade")
    expect(page.locator("main")).to_contain_text("Obemannat")
    shift.refresh_from_db()
    assert shift.assistant_id == alice.assistants[1].pk
    assert not Shift.objects.filter(pk=left.pk).exists()
    assert StaffAbsence.objects.get().kind == "sick"
    shoot(page, "changes-day-after")
