"""Login lockout, password rules, CSRF, security headers, production settings,
and the audit pages' own access rules."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from audit.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR="192.0.2.10")


@pytest.mark.django_db
def test_too_many_wrong_passwords_lock_the_login(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = alice.coordinator
    user.set_password("rätt-lösenord-2026")
    user.save()
    for _ in range(2):
        assert _login(client, user.username, "fel").status_code == 200  # the form again, with its error
    locked = _login(client, user.username, "fel")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "För många misslyckade inloggningsförsök" in text
    assert "15 minuter" in text
    # the right password does not open a locked login either
    assert _login(client, user.username, "rätt-lösenord-2026").status_code == 429
    assert "_auth_user_id" not in client.session
    # another address is not locked for this user (a lock is per user and address)
    other = client.post(
        "/login/", {"username": user.username, "password": "rätt-lösenord-2026"}, REMOTE_ADDR="192.0.2.99"
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(client, alice, settings, time_machine):
    settings.AXES_FAILURE_LIMIT = 2
    time_machine.move_to(timezone.now(), tick=False)
    user = alice.coordinator
    user.set_password("rätt-lösenord-2026")
    user.save()
    for _ in range(2):
        _login(client, user.username, "fel")
    assert _login(client, user.username, "rätt-lösenord-2026").status_code == 429
    time_machine.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
    assert _login(client, user.username, "rätt-lösenord-2026").status_code == 302


def test_the_lockout_settings_come_from_the_environment():
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); import django; "
        "django.setup(); from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    )
    env = {**os.environ, "AXES_FAILURE_LIMIT": "7", "AXES_COOLOFF_MINUTES": "30"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7", "0:30:00"]


@pytest.mark.parametrize("password", ["12345678", "password", "kort", "alfa-admin"])
def test_weak_passwords_are_refused(password, django_user_model):
    user = django_user_model(username="alfa-admin", email="alfa-admin@example.se")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.django_db
def test_a_form_post_without_the_csrf_token_is_refused(alice):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"username": "x", "password": "y"}).status_code == 403
    strict.force_login(alice.admin)
    assert strict.post("/logout/").status_code == 403


def _views():
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.callback

    return list(walk(get_resolver().url_patterns))


def test_no_page_is_exempt_from_csrf():
    """CSRF everywhere: a view may be csrf_exempt only if it is a DRF view,
    which enforces CSRF itself for session logins (token clients send no cookie)."""
    from rest_framework.views import APIView

    exempt = []
    for route, callback in _views():
        if not getattr(callback, "csrf_exempt", False):
            continue
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view_class is not None and issubclass(view_class, APIView):
            continue
        exempt.append(route)
    assert exempt == []


@pytest.mark.django_db
def test_every_page_sends_the_security_headers(client, alice):
    client.force_login(alice.admin)
    for url in ("/", "/brukare/", "/login/", "/logg/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        policy = {}
        for part in response["Content-Security-Policy"].split(";"):
            directive, _, sources = part.strip().partition(" ")
            policy[directive] = sources
        assert policy["default-src"] == "'self'", url
        assert policy["frame-ancestors"] == "'none'", url
        assert "unsafe-inline" not in response["Content-Security-Policy"], url
        assert "unsafe-eval" not in response["Content-Security-Policy"], url
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", url


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_need_nothing_the_policy_forbids():
    """The CSP allows no inline script or style: a template with one breaks in
    the browser, so it fails here first."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def _production(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    environment.update({"DEBUG": "false", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "a.example.se", **env})
    setup = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); import django; "
        "django.setup(); from django.conf import settings as s; "
    )
    return subprocess.run(
        [sys.executable, "-c", setup + code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pin_https_and_secure_cookies():
    result = _production(
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_HTTPONLY)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "31536000", "True", "True", "True"]


# -- the audit pages


@pytest.mark.django_db
def test_only_a_provider_admin_has_the_audit_pages(client, alice):
    entry = AuditEntry.objects.filter(provider_id=alice.provider.pk).exclude(object_id=None).first()
    history = f"/logg/{entry.content_type_id}/{entry.object_id}/"
    for role in ("coordinator", "restricted_coordinator", "assistant_user", "client_user"):
        client.force_login(getattr(alice, role))
        assert client.get("/logg/").status_code == 404, role
        assert client.get(history).status_code == 404, role
    client.force_login(alice.admin)
    assert client.get("/logg/").status_code == 200
    assert client.get(history).status_code == 200


@pytest.mark.django_db
def test_the_audit_pages_only_read(client, alice):
    entry = AuditEntry.objects.filter(provider_id=alice.provider.pk).exclude(object_id=None).first()
    client.force_login(alice.admin)
    assert client.post("/logg/", {"action": "delete"}).status_code == 405
    assert client.post(f"/logg/{entry.content_type_id}/{entry.object_id}/").status_code == 405
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_the_list_shows_the_admins_provider_only_and_filters(client, alice, bob):
    from django.contrib.contenttypes.models import ContentType

    from assistans.models import Client as Brukare

    decision = alice.clients[0].decisions.get()
    decision.case_number = "ÄRENDE-77"
    decision.save()
    client.force_login(alice.admin)
    page = client.get("/logg/").content.decode()
    assert str(alice.clients[0]) in page
    assert str(bob.clients[0]) not in page  # B's rows never appear

    decision_type = ContentType.objects.get_for_model(decision).pk
    client_type = ContentType.objects.get_for_model(Brukare).pk
    changed = client.get("/logg/", {"model": decision_type, "action": 1}).context["page"].object_list
    assert [e.object_id for e in changed] == [decision.pk]
    assert "ÄRENDE-77" in client.get("/logg/", {"model": decision_type, "action": 1}).content.decode()
    by_object = client.get("/logg/", {"model": client_type, "object": str(alice.clients[1].pk)})
    assert {e.object_id for e in by_object.context["page"].object_list} == {alice.clients[1].pk}
    nobody = client.get("/logg/", {"user": alice.coordinator.username}).context["page"].object_list
    assert list(nobody) == []  # the cast was made outside any request: no user
    today = timezone.localdate()
    window = {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": (today + timedelta(days=1)).isoformat()}
    assert len(client.get("/logg/", window).context["page"].object_list) > 0
    past = {"date_from": "2020-01-01", "date_to": "2020-01-31"}
    assert list(client.get("/logg/", past).context["page"].object_list) == []
    wrong = client.get("/logg/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert "Slutdatumet kan inte ligga före startdatumet." in wrong.content.decode()


@pytest.mark.django_db
def test_the_list_filters_by_user(client, alice):
    from auditlog.context import set_actor

    decision = alice.clients[0].decisions.get()
    with set_actor(alice.coordinator):
        decision.case_number = "X-1"
        decision.save()
    client.force_login(alice.admin)
    found = client.get("/logg/", {"user": "alfa-coord"}).context["page"].object_list
    assert [(e.object_id, e.actor) for e in found] == [(decision.pk, alice.coordinator)]


@pytest.mark.django_db
def test_the_admin_change_page_links_to_the_objects_history(client, alice):
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    operator = get_user_model().objects.create_superuser("operator", "op@example.se", "not-used-pw-123")
    decision = alice.clients[0].decisions.get()
    client.force_login(operator)
    page = client.get(f"/admin/assistans/decision/{decision.pk}/change/").content.decode()
    assert f"/logg/{ContentType.objects.get_for_model(decision).pk}/{decision.pk}/" in page


@pytest.mark.django_db
def test_the_list_reads_before_and_after_in_words_with_a_bounded_number_of_queries(
    client, alice, django_assert_max_num_queries
):
    assignment = alice.clients[0].assignments.get()
    for other in alice.assistants * 10:
        assignment.assistant = other
        assignment.save()
    client.force_login(alice.admin)
    with django_assert_max_num_queries(20):
        page = client.get("/logg/", {"action": 1}).content.decode()
    first, second = alice.assistants
    assert f"Assistent: {second} (#{second.pk}) → {first} (#{first.pk})" in page
