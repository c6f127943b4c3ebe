"""The main menu per role (assistans/navigation.py), rendered by base.html."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from assistans import navigation
from assistans.models import Membership

pytestmark = pytest.mark.django_db


def test_every_menu_entry_reverses():
    """Every page the menu names exists (the menu reverses them strictly)."""
    missing = []
    for entry in (*navigation.ENTRIES, *navigation.QUICK_LINKS):
        args = (1,) if entry.args is not None else ()
        try:
            reverse(entry.url_name, args=args)
        except NoReverseMatch:
            missing.append(entry.url_name)
    assert missing == []


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            Membership.Role.ADMIN,
            [
                "Hem",
                "Schema",
                "Dagens ändringar",
                "Avvikelser",
                "Månadsavslut",
                "Utbetalningar",
                "Brukare",
                "Assistenter",
                "Logg",
                "API-nycklar",
            ],
        ),
        (
            Membership.Role.COORDINATOR,
            [
                "Hem",
                "Schema",
                "Dagens ändringar",
                "Avvikelser",
                "Månadsavslut",
                "Utbetalningar",
                "Brukare",
                "Assistenter",
            ],
        ),
        (Membership.Role.ASSISTANT, ["Hem", "Mitt schema", "Tidrapporter", "Kalender"]),
        (Membership.Role.CLIENT, ["Hem", "Schema", "Uppföljning", "Räkningar"]),
    ],
)
def test_each_role_gets_its_own_menu(role, expected):
    membership = Membership(role=role)
    assert [str(entry.label) for entry in navigation.entries_for(membership)] == expected


def test_no_membership_no_menu():
    assert navigation.entries_for(None) == []


def _menu_links(html: str) -> dict[str, str]:
    """Label -> href of the wide menu in a rendered page."""
    wide = html.split('class="nav-wide"', 1)[1].split("</nav>", 1)[0]
    return {label.strip(): href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', wide)}


def test_the_assistant_menu_has_no_planning_or_money_pages(client, alice):
    client.force_login(alice.assistant_user)
    links = _menu_links(client.get(reverse("home")).content.decode())
    assert "Hem" in links
    assert not {"Brukare", "Assistenter", "Utbetalningar", "Logg", "API-nycklar"} & set(links)


def test_the_coordinator_menu_marks_the_current_page(client, alice):
    client.force_login(alice.coordinator)
    html = client.get(reverse("client-list")).content.decode()
    links = _menu_links(html)
    assert links["Brukare"] == reverse("client-list")
    assert links["Utbetalningar"] == reverse("cashflow")
    assert "Logg" not in links and "API-nycklar" not in links
    current = re.findall(r'<a href="[^"]+" aria-current="page">([^<]+)</a>', html)
    # Both menus (phone and wide) mark Brukare, and only Brukare.
    assert set(current) == {"Brukare"}


def test_the_client_menu_leads_to_their_own_clients_schedule(client, alice):
    client.force_login(alice.client_user)
    links = _menu_links(client.get(reverse("home")).content.decode())
    assert links["Schema"] == reverse("schedule-client", args=(alice.clients[0].pk,))


def test_the_menu_is_a_keyboard_usable_disclosure_on_a_phone(client, alice):
    client.force_login(alice.coordinator)
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<details class="menu">\s*<summary>Meny</summary>', html)
    assert html.count('aria-label="Huvudmeny"') == 2
