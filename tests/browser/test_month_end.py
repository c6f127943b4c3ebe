"""The month-end in a real browser: the coordinator computes October's drafts
and is refused submission with the list of what is missing; the provider,
the assistant and the client representative sign; then the coordinator
submits. Screenshots at desktop and phone width (var/screenshots/month-end-*)."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect

from assistans.models import Decision
from billing.models import MonthlyReport
from scheduling.models import Shift
from scheduling.rules.timeutil import make_aware
from tests.browser.conftest import DESKTOP, login, shoot

OCTOBER = "2026-10"


def open_page(browser, app_server):
    """A fresh sv-SE session, like the ``page`` fixture: one per person."""
    context = browser.new_context(
        base_url=app_server.url, locale="sv-SE", viewport=DESKTOP, extra_http_headers={"X-Forwarded-Proto": "https"}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations are accepted
    return page


@pytest.fixture
def october(alice):
    """Client 0 with a decision for the autumn and four October shifts by assistant 0,
    one over the autumn DST night (00:00-04:00 is 5 h)."""
    client, assistant = alice.clients[0], alice.assistants[0]
    Decision.objects.create(client=client, start=date(2026, 7, 1), end=date(2026, 12, 31), weekly_hours=100)
    for day, start, end in ((5, 8, 16), (6, 8, 16), (12, 7, 15), (25, 0, 4)):
        Shift.objects.create(
            provider=alice.provider,
            assistant=assistant,
            client=client,
            start=make_aware(date(2026, 10, day), time(start)),
            end=make_aware(date(2026, 10, day), time(end)),
        )
    return alice


def test_the_month_end_from_drafts_to_submission(browser, app_server, october):
    alice = october
    client = alice.clients[0]
    coordinator = open_page(browser, app_server)
    login(coordinator, alice.coordinator)
    coordinator.goto(f"/manadsavslut/?manad={OCTOBER}")
    expect(coordinator.get_by_role("heading", name="Månadsavslut oktober 2026")).to_be_visible()
    coordinator.get_by_role("button", name="Beräkna eller uppdatera utkasten för oktober 2026").click()
    expect(coordinator.get_by_text("1 redovisning är beräknad.")).to_be_visible()
    card = coordinator.locator(f"#row-{client.pk}")
    expect(card).to_contain_text("Utkast")
    expect(card).to_contain_text("inte signerad av assistenten")
    expect(card).to_contain_text("Räkningen är inte signerad av brukaren eller företrädaren.")
    expect(card).to_contain_text("10\u00a0083,30\u00a0kr")  # 29 h × 347,70
    shoot(coordinator, "month-end-board")

    # Submitting now is refused with the list, next to the button (htmx swaps the row).
    card.get_by_role("button", name="Markera som inskickad till FK").click()
    refusal = coordinator.locator(f"#row-{client.pk} .field-error")
    expect(refusal).to_contain_text("Redovisningen kan inte skickas in förrän allt är signerat.")
    expect(refusal).to_contain_text("inte signerad av anordnaren")
    expect(refusal).to_be_focused()
    shoot(coordinator, "month-end-refused")
    report = MonthlyReport.objects.get(client=client)
    assert report.status == "draft" and report.submitted_on is None

    # The coordinator signs the time report for the provider, deliberately.
    coordinator.locator(f"#row-{client.pk}").get_by_role("link", name=re.compile("Visa och signera")).click()
    expect(coordinator.get_by_role("heading", name=re.compile("Tidsredovisningar"))).to_be_visible()
    expect(coordinator.get_by_role("cell", name="2026-10-25")).to_be_visible()
    coordinator.get_by_label("Jag intygar att uppgifterna är riktiga").check()
    coordinator.get_by_role("button", name="Signera för anordnaren").click()
    expect(coordinator.get_by_text("är signerad för anordnaren")).to_be_visible()
    shoot(coordinator, "month-end-report-detail")

    # The assistant reviews and signs their own time report.
    assistant = open_page(browser, app_server)
    login(assistant, alice.assistant_user)
    assistant.goto(f"/mina-tidsredovisningar/?manad={OCTOBER}")
    expect(assistant.get_by_role("heading", name=re.compile(str(client)))).to_be_visible()
    expect(assistant.locator("table.tr-rows")).to_contain_text("29,00")
    expect(assistant.locator("table.tr-rows")).to_contain_text("Vintertid")  # 00:00-04:00 on 25 October is 5 h
    assistant.get_by_label("Jag intygar att uppgifterna är riktiga").check()
    shoot(assistant, "month-end-assistant-signs")
    assistant.get_by_role("button", name="Signera min tidsredovisning").click()
    expect(assistant.get_by_text(re.compile("Din tidsredovisning för .* är signerad"))).to_be_visible()
    shoot(assistant, "month-end-assistant-signed")

    # The client representative reviews and signs the claim.
    representative = open_page(browser, app_server)
    login(representative, alice.client_user)
    representative.goto(f"/rakningar/?manad={OCTOBER}")
    expect(representative.get_by_text("10\u00a0083,30\u00a0kr").first).to_be_visible()
    representative.get_by_label("Jag intygar att uppgifterna är riktiga").check()
    representative.get_by_role("button", name="Signera räkningen").click()
    expect(representative.get_by_text(re.compile("Räkningen för .* är signerad"))).to_be_visible()
    shoot(representative, "month-end-client-signed")

    # Now the coordinator submits.
    coordinator.goto(f"/manadsavslut/?manad={OCTOBER}")
    card = coordinator.locator(f"#row-{client.pk}")
    expect(card).to_contain_text("Komplett")
    expect(card).to_contain_text("Allt är signerat.")
    card.get_by_role("button", name="Markera som inskickad till FK").click()
    expect(coordinator.locator(f"#row-{client.pk} .notice")).to_contain_text("är inskickad")
    expect(coordinator.locator(f"#row-{client.pk}")).to_contain_text("Inskickad")
    shoot(coordinator, "month-end-submitted")
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_coordinator_of_another_provider_cannot_open_the_month_end_pages(browser, app_server, october, bob):
    alice = october
    from billing import services

    report = services.compute_reports(provider=alice.provider, month=date(2026, 10, 1), today=date(2026, 11, 24))[0]
    outsider = open_page(browser, app_server)
    login(outsider, bob.coordinator)
    for url in (
        f"/manadsavslut/redovisning/{report.pk}/",
        f"/manadsavslut/redovisning/{report.pk}/export/csv/",
        f"/tidsredovisning/{report.time_reports.get().pk}/pdf/",
        f"/brukare/{alice.clients[0].pk}/uppfoljning/",
    ):
        assert outsider.goto(url).status == 404
    outsider.goto(f"/manadsavslut/?manad={OCTOBER}")
    expect(outsider.locator("main")).not_to_contain_text(str(alice.clients[0]))


def test_after_a_refused_payment_or_correction_the_field_concerned_has_the_focus(browser, app_server, october):
    """htmx swaps the whole card; the focus must not fall back to the page but
    land on the field whose message was just added."""
    from billing import services
    from tests.billing.test_views_month_end import sign_all

    alice = october
    client = alice.clients[0]
    report = services.compute_reports(provider=alice.provider, month=date(2026, 10, 1), today=date(2026, 11, 24))[0]
    report = sign_all(alice, report)
    services.submit(actor=alice.coordinator, report=report, on=date(2026, 11, 24))
    page = open_page(browser, app_server)
    login(page, alice.coordinator)
    page.goto(f"/manadsavslut/?manad={OCTOBER}")
    card = page.locator(f"#row-{client.pk}")

    card.get_by_text("Registrera utbetalning").click()
    card.get_by_label("Belopp (kr)").fill("-5")
    card.get_by_role("button", name="Spara utbetalningen").click()
    card = page.locator(f"#row-{client.pk}")
    expect(card).to_contain_text("Beloppet kan inte vara negativt.")
    expect(card.get_by_label("Belopp (kr)")).to_be_focused()
    expect(card.get_by_label("Belopp (kr)")).to_have_value("-5")
    shoot(page, "month-end-payment-refused")

    card.get_by_text("Rätta redovisningen").click()
    card.get_by_role("button", name="Påbörja rättelse").click()
    card = page.locator(f"#row-{client.pk}")
    expect(card).to_contain_text("Ange varför redovisningen rättas.")
    expect(card.get_by_label("Skäl till rättelsen")).to_be_focused()
    report.refresh_from_db()
    assert report.status == "submitted" and report.paid_amount is None
