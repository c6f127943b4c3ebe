from playwright.sync_api import expect

from tests.browser.conftest import login, shoot


def test_coordinator_logs_in_and_sees_home(page, alice):
    login(page, alice.coordinator)
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()
    menu = page.get_by_role("navigation", name="Huvudmeny")
    expect(menu.get_by_role("link", name="Brukare", exact=True)).to_be_visible()
    shoot(page, "home-coordinator")


def test_wrong_password_keeps_username_and_says_so(page, alice):
    login(page, alice.coordinator, password="fel-losen")
    expect(page.get_by_label("Användarnamn")).to_have_value(alice.coordinator.username)
    expect(page.locator("body")).to_contain_text("Ange ett korrekt användarnamn")
