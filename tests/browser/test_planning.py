"""Planning in a real browser: the shift dialog with its live rule check, a
refused overlap that keeps what was typed, and rolling a week out."""

from __future__ import annotations

from datetime import date, time

from django.urls import reverse
from playwright.sync_api import expect

from assistans import factories as f
from scheduling import services
from scheduling.models import RuleException, Shift
from scheduling.rules.timeutil import make_aware
from tests.browser.conftest import login, shoot


def at(day: str, clock: str):
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


def place(side, day, start, end, *, client=0):
    services.record_shift(
        actor=None,
        provider=side.provider,
        data=services.ShiftData(side.assistants[0].pk, side.clients[client].pk, at(day, start), at(day, end)),
    )


def open_new_shift(page, side):
    page.goto(reverse("schedule-client", args=[side.clients[0].pk]) + "?vecka=2026-W10")
    page.get_by_role("link", name="Nytt pass").first.click()
    dialog = page.locator("dialog#shift-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Assistent").select_option(str(side.assistants[0].pk))
    return dialog


def test_coordinator_adds_a_shift_sees_the_rest_warning_and_saves_it_with_a_reason(page, alice):
    place(alice, "2026-03-05", "14:00", "22:00")
    login(page, alice.coordinator)
    dialog = open_new_shift(page, alice)
    dialog.get_by_label("Datum").fill("2026-03-06")
    dialog.get_by_label("Start", exact=True).fill("06:00")
    dialog.get_by_label("Slut", exact=True).fill("14:00")
    findings = dialog.locator("#shift-findings")
    # ATL rest profile: 14:00-22:00 then 06:00 leaves 8 h of daily rest, a V1 warning.
    expect(findings.locator(".finding-warning")).to_contain_text("V1")
    expect(findings).to_contain_text("timmar kvar i beräkningsperioden")
    expect(findings).to_contain_text("196 h 34 min kvar av 212 h 34 min")
    shoot(page, "planning-rest-warning")

    dialog.get_by_role("button", name="Spara pass").click()
    expect(dialog.locator(".form-errors")).to_contain_text("regel V1")
    # The explanation stands at the reason field it asks for.
    expect(dialog.locator("#id_reason_V1_error")).to_contain_text("får sparas bara med ett skäl")
    expect(dialog.locator("#id_reason_V1")).to_be_focused()
    shoot(page, "planning-reason-asked")
    dialog.get_by_label("Skäl", exact=True).fill("Ordinarie assistent akut sjuk")
    dialog.get_by_label("Kompensationsvila").fill("Ledig 11 h i följd från 2026-03-06 14:00")
    dialog.get_by_role("button", name="Spara pass").click()
    expect(page.locator(".site-messages")).to_contain_text("sparat")
    expect(page.locator(".week-grid")).to_contain_text("Godtagen V1")
    assert RuleException.objects.get().reason == "Ordinarie assistent akut sjuk"
    shoot(page, "planning-week-after-save")


def test_an_overlapping_shift_is_refused_and_keeps_what_was_typed(page, alice):
    place(alice, "2026-03-05", "08:00", "16:00")
    login(page, alice.coordinator)
    dialog = open_new_shift(page, alice)
    dialog.get_by_label("Datum").fill("2026-03-05")
    dialog.get_by_label("Start", exact=True).fill("15:00")
    dialog.get_by_label("Slut", exact=True).fill("18:00")
    dialog.get_by_label("Anteckning").fill("Extra kväll")
    expect(dialog.locator(".finding-refused")).to_contain_text("överlappar")
    dialog.get_by_role("button", name="Spara pass").click()
    error = dialog.locator("#id_start_time_error")
    expect(error).to_contain_text("överlappar")
    expect(dialog.get_by_label("Start", exact=True)).to_have_value("15:00")
    expect(dialog.get_by_label("Slut", exact=True)).to_have_value("18:00")
    expect(dialog.get_by_label("Anteckning")).to_have_value("Extra kväll")
    assert Shift.objects.count() == 1
    shoot(page, "planning-overlap-refused")


def test_a_night_shift_ticks_next_day_by_itself(page, alice):
    login(page, alice.coordinator)
    dialog = open_new_shift(page, alice)
    dialog.get_by_label("Datum").fill("2026-03-05")
    dialog.get_by_label("Start", exact=True).fill("22:00")
    dialog.get_by_label("Slut", exact=True).fill("07:00")
    expect(dialog.get_by_label("Slutar nästa dag (nattpass)")).to_be_checked()
    expect(dialog.locator(".check-summary")).to_contain_text("fredag 6 mars")
    dialog.get_by_role("button", name="Spara pass").click()
    expect(page.locator(".week-grid")).to_contain_text("22:00–07:00")
    assert Shift.objects.get().end == at("2026-03-06", "07:00")


def test_coordinator_copies_a_week_and_sees_the_summary(page, alice):
    place(alice, "2026-03-02", "08:00", "16:00")
    place(alice, "2026-03-04", "08:00", "16:00")
    f.AssignmentFactory(assistant=alice.assistants[0], client=alice.clients[1])
    place(alice, "2026-03-11", "10:00", "12:00", client=1)
    login(page, alice.coordinator)
    page.goto(reverse("schedule-client", args=[alice.clients[0].pk]) + "?vecka=2026-W10")
    page.get_by_role("link", name="Kopiera vecka framåt").click()
    page.get_by_label("Vecka att kopiera").fill("2026-W10")
    page.get_by_label("Antal veckor framåt").fill("3")
    page.get_by_role("button", name="Kopiera").click()
    summary = page.locator(".copy-summary")
    expect(summary).to_contain_text("5 pass lades in.")
    expect(summary).to_contain_text("1 kunde inte läggas in.")
    expect(summary.locator(".row-failed")).to_contain_text("överlappar")
    shoot(page, "planning-copy-summary")
    page.get_by_role("link", name="Visa schemat").click()
    page.goto(reverse("schedule-client", args=[alice.clients[0].pk]) + "?manad=2026-03")
    expect(page.locator(".month-grid")).to_contain_text("08:00–16:00")
    shoot(page, "planning-month")


def test_opening_a_shift_shows_its_findings_and_it_can_be_deleted(page, alice):
    place(alice, "2026-03-05", "14:00", "22:00")
    place(alice, "2026-03-06", "06:00", "14:00")
    login(page, alice.coordinator)
    page.goto(reverse("schedule-client", args=[alice.clients[0].pk]) + "?vecka=2026-W10")
    page.locator(".day").nth(4).get_by_role("link", name=str(alice.assistants[0])).click()
    dialog = page.locator("dialog#shift-dialog")
    expect(dialog.get_by_role("heading", name="Ändra pass")).to_be_visible()
    expect(dialog.locator(".finding-warning")).to_contain_text("V1")
    dialog.get_by_role("link", name="Ta bort").click()
    expect(dialog).to_contain_text("Ta bort pass?")
    shoot(page, "planning-delete-confirm")
    dialog.get_by_role("button", name="Ja, ta bort passet").click()
    expect(page.locator(".site-messages")).to_contain_text("borttaget")
    assert Shift.objects.count() == 1
