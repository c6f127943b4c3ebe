"""A coordinator of another provider reaches none of provider A's pages: each
is the same Swedish "page does not exist" answer (404), never A's data."""

from datetime import datetime, timedelta

from django.urls import reverse
from playwright.sync_api import expect

from scheduling.models import Shift
from scheduling.rules.timeutil import make_aware
from tests.browser.conftest import login, shoot


def test_a_coordinator_of_another_provider_gets_the_swedish_404_on_every_page_of_a(page, alice, bob):
    start = make_aware(datetime(2026, 12, 1).date(), datetime(2026, 12, 1, 8).time())
    shift = Shift.objects.create(
        provider=alice.provider,
        assistant=alice.assistants[0],
        client=alice.clients[0],
        start=start,
        end=start + timedelta(hours=8),
    )
    urls = [
        reverse("client-detail", args=[alice.clients[0].pk]),
        reverse("assistant-detail", args=[alice.assistants[0].pk]),
        reverse("schedule-client", args=[alice.clients[0].pk]),
        reverse("schedule-assistant", args=[alice.assistants[0].pk]),
        reverse("shift-edit", args=[shift.pk]),
        reverse("sick-call", args=[alice.assistants[0].pk]),
        reverse("client-follow-up", args=[alice.clients[0].pk]),
    ]
    login(page, bob.coordinator)
    for url in urls:
        response = page.goto(url)
        assert response.status == 404, url
        expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
        expect(page.locator("main")).not_to_contain_text(str(alice.clients[0]))
        expect(page.locator("main")).not_to_contain_text(str(alice.assistants[0]))
    shoot(page, "isolation-404")
