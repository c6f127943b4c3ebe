"""The shell in a real browser: home and menu per role, the phone menu, the
language switch, keyboard focus, no sideways scrolling at 375 px, and the
login page's demo hint. Screenshots: var/screenshots/shell-*."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, login, shoot


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def shifts(alice):
    """Shifts today and in the coming days, so the home pages have content."""
    from scheduling.models import Shift

    today = timezone.localdate()
    rows = [
        (alice.assistants[0], alice.clients[0], today, 7, 15),
        (alice.assistants[1], alice.clients[1], today, 15, 22),
        (alice.assistants[0], alice.clients[0], today + timedelta(days=1), 7, 15),
        (alice.assistants[0], alice.clients[0], today + timedelta(days=2), 7, 15),
    ]
    return [
        Shift.objects.create(provider=alice.provider, assistant=a, client=c, start=_at(day, start), end=_at(day, end))
        for a, c, day, start, end in rows
    ]


def _menu(page):
    return page.get_by_role("navigation", name="Huvudmeny")


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide at {PHONE['width']}px"


@pytest.mark.parametrize(
    ("who", "heading", "menu", "not_in_menu"),
    [
        ("admin", "Dagens pass", ["Hem", "Schema", "Månadsavslut", "Utbetalningar", "Brukare", "Assistenter"], []),
        ("coordinator", "Dagens pass", ["Hem", "Schema", "Utbetalningar", "Brukare", "Assistenter"], ["Logg"]),
        ("assistant_user", "Dina nästa pass", ["Hem"], ["Brukare", "Assistenter", "Utbetalningar"]),
        ("client_user", "Kommande pass", ["Hem", "Schema"], ["Brukare", "Assistenter", "Utbetalningar"]),
    ],
)
def test_each_role_logs_in_to_its_own_home_and_menu(page, alice, shifts, who, heading, menu, not_in_menu):
    login(page, getattr(alice, who))
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    for label in menu:
        expect(_menu(page).get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in not_in_menu:
        expect(_menu(page).get_by_role("link", name=label, exact=True)).to_have_count(0)
    expect(_menu(page).get_by_role("link", name="Hem", exact=True)).to_have_attribute("aria-current", "page")
    shoot(page, f"shell-home-{who.replace('_user', '')}")


def test_the_phone_menu_opens_and_closes_with_the_keyboard(page, alice):
    login(page, alice.coordinator)
    page.set_viewport_size(PHONE)
    button = page.locator("summary", has_text="Meny")
    expect(button).to_be_visible()
    expect(_menu(page)).to_be_hidden()
    button.focus()
    page.keyboard.press("Enter")
    expect(_menu(page).get_by_role("link", name="Utbetalningar")).to_be_visible()
    page.screenshot(path="var/screenshots/shell-menu-open-phone.png", full_page=True)
    page.keyboard.press("Escape")  # static/js/app.js
    expect(_menu(page)).to_be_hidden()
    expect(button).to_be_focused()
    # And from the menu to a page.
    page.keyboard.press("Enter")
    _menu(page).get_by_role("link", name="Brukare").click()
    expect(page.get_by_role("heading", name="Brukare", level=1)).to_be_visible()


def test_the_language_switch_turns_the_page_english_and_back(page, alice):
    login(page, alice.coordinator)
    page.goto("/brukare/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/brukare/")  # the same page
    page.locator("form[action$='/logout/'] button").click()
    # Django's own catalogue is English already: the login error.
    page.locator("#id_username").fill(alice.coordinator.username)
    page.locator("#id_password").fill("fel-losen")
    page.locator("form.stack button[type=submit]").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    shoot(page, "shell-login-english")
    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_tab_reaches_the_skip_link_first_and_focus_is_visible(page, alice):
    login(page, alice.coordinator)
    page.goto("/brukare/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    style = skip.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }")
    assert style == ["solid", "3px"]
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes into the page, not back to the menu, and is visibly focused.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return [e.closest('main') !== null, s.outlineStyle, s.outlineWidth]; }"
    )
    assert focused == [True, "solid", "3px"]
    # Every link and button in the header shows its focus too.
    page.goto("/")
    for _ in range(4):
        page.keyboard.press("Tab")
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"


@pytest.mark.parametrize("who", ["admin", "coordinator", "assistant_user", "client_user"])
def test_no_page_scrolls_sideways_at_375_px(page, alice, shifts, who):
    user = getattr(alice, who)
    login(page, user)
    page.set_viewport_size(PHONE)
    paths = ["/"]
    if who in ("admin", "coordinator"):
        paths += [
            "/brukare/",
            "/assistenter/",
            f"/brukare/{alice.clients[0].pk}/",
            f"/assistenter/{alice.assistants[0].pk}/",
            "/utbetalningar/",
        ]
    for path in paths:
        page.goto(path)
        _no_sideways_scroll(page)
    if who == "coordinator":
        page.goto("/brukare/")
        shoot(page, "shell-client-list")
        page.goto("/assistenter/")
        shoot(page, "shell-assistant-list")
        page.goto(f"/brukare/{alice.clients[0].pk}/")
        shoot(page, "shell-client-detail")


def test_the_login_page_shows_the_demo_accounts_when_the_hint_is_on(page, alice, settings):
    settings.DEMO_ACCOUNTS_HINT = True
    page.goto("/login/")
    hint = page.get_by_role("region", name="Demokonton")
    expect(hint).to_contain_text("demo-assistans-2026")
    for user in (alice.admin, alice.coordinator, alice.assistant_user, alice.client_user):
        expect(hint.get_by_text(user.username, exact=True)).to_be_visible()
    expect(hint).to_contain_text("Bara sitt eget schema")
    page.set_viewport_size(PHONE)
    _no_sideways_scroll(page)
    shoot(page, "shell-login-demo")


def test_the_login_page_has_no_demo_hint_by_default(page, alice):
    page.goto("/login/")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    expect(page.get_by_text("Demokonton")).to_have_count(0)
