"""Browser tests: Playwright drives Debian's Chromium against the live test server.

Never a downloaded browser: the package ``chromium`` is installed with apt when
it is missing (CI machines have apt and run as root), and its binary is passed
to Playwright as the executable. Every test can save screenshots at desktop and
phone width with ``shoot(page, name)``; they land in ``var/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM in
# the same thread (fixtures that create rows) must be allowed to run there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "demo-losen-2026"  # assistans.factories.UserFactory


def chromium_binary() -> str:
    """Debian's Chromium; installed with apt when missing."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=False, env=env, capture_output=True)
        if subprocess.run(["which", "chromium"], capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], check=True, env=env, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, env=env, capture_output=True)
        found = shutil.which("chromium")
        if found:
            return found
    pytest.fail("Debian's Chromium is missing and could not be installed: apt-get install -y chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_binary(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_server(live_server):
    """The live server, with its own origin trusted for CSRF (the requests come
    as HTTPS through the proxy header, the Origin header says http://localhost)."""
    from django.conf import settings

    original = list(settings.CSRF_TRUSTED_ORIGINS)
    settings.CSRF_TRUSTED_ORIGINS = [*original, live_server.url]
    yield live_server
    settings.CSRF_TRUSTED_ORIGINS = original


@pytest.fixture
def page(browser, app_server, transactional_db):
    """A fresh Swedish browser session at desktop size against the live server.

    The server runs the production settings. It sees the requests as HTTPS
    through the proxy header, as behind our load balancer, so it neither
    redirects nor refuses; Chromium keeps secure cookies on localhost."""
    context = browser.new_context(
        base_url=app_server.url,
        locale="sv-SE",
        viewport=DESKTOP,
        extra_http_headers={"X-Forwarded-Proto": "https"},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, user, password: str = PASSWORD) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/login/")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state("networkidle")


def shoot(page, name: str) -> None:
    """Full-page screenshots at desktop and phone width: var/screenshots/<name>-desktop.png / -phone.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or DESKTOP
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(original)
