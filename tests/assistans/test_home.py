"""The start page per role, the base layout and the login page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
import time_machine
from django.contrib.messages import constants, get_messages
from django.urls import reverse
from django.utils import timezone

from assistans import factories as f
from billing.models import MonthlyReport, TimeReport
from scheduling.models import Shift

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Stockholm
ROOT = Path(__file__).resolve().parents[2]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def shift(side, assistant, client, day: date, start: int, end: int, **extra) -> Shift:
    return Shift.objects.create(
        provider=side.provider,
        assistant=assistant,
        client=client,
        start=at(day, start),
        end=at(day, end),
        **extra,
    )


def report(side, client, month=date(2026, 10, 1), **extra) -> MonthlyReport:
    return MonthlyReport.objects.create(
        provider=side.provider, client=client, month=month, ruleset="test", computed_at=NOW, **extra
    )


def page(client, user) -> str:
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_coordinator_sees_todays_shifts_of_their_clients_only(client, alice, bob):
    today = date(2026, 11, 24)
    shift(alice, alice.assistants[0], alice.clients[0], today, 7, 15, double=True)
    shift(alice, alice.assistants[1], alice.clients[1], today, 16, 22)
    shift(alice, alice.assistants[0], alice.clients[0], date(2026, 11, 25), 7, 15)  # tomorrow
    shift(bob, bob.assistants[0], bob.clients[0], today, 8, 12)

    html = page(client, alice.coordinator)
    assert "Dagens pass" in html
    assert str(alice.clients[0]) in html and str(alice.clients[1]) in html
    assert "07:00–15:00" in html and "16:00–22:00" in html
    assert "dubbelassistans" in html
    assert str(bob.clients[0]) not in html and str(bob.assistants[0]) not in html
    assert re.search(r'<span class="stat-number">2</span><span class="stat-label">pass i dag', html)

    # A coordinator who sees only the second client sees only its shift.
    html = page(client, alice.restricted_coordinator)
    assert "16:00–22:00" in html and "07:00–15:00" not in html


def test_the_coordinator_sees_how_many_months_miss_signatures(client, alice, bob):
    report(alice, alice.clients[0])
    report(alice, alice.clients[1], status=MonthlyReport.Status.COMPLETE)
    report(bob, bob.clients[0])
    report(bob, bob.clients[1], month=date(2026, 9, 1))

    html = page(client, alice.coordinator)
    assert re.search(r'<span class="stat-number">1</span>\s*<span class="stat-label">månad saknar signaturer', html)


def test_the_coordinator_sees_how_many_deviations_wait_for_a_decision(client, alice, bob):
    from scheduling.models import Deviation

    def deviation(side, client_index, **extra):
        planned = shift(side, side.assistants[client_index], side.clients[client_index], date(2026, 11, 20), 8, 16)
        return Deviation.objects.create(
            provider=side.provider,
            shift=planned,
            assistant=planned.assistant,
            client=planned.client,
            actual_start=planned.start,
            actual_end=at(date(2026, 11, 20), 17),
            note="Stannade en timme till.",
            **extra,
        )

    deviation(alice, 0)
    deviation(alice, 1)
    deviation(bob, 0)

    html = page(client, alice.coordinator)
    assert re.search(r'<span class="stat-number">2</span>\s*<span class="stat-label">avvikelser att godkänna', html)
    # The restricted coordinator counts only their own client's.
    html = page(client, alice.restricted_coordinator)
    assert re.search(r'<span class="stat-number">1</span>\s*<span class="stat-label">avvikelse att godkänna', html)


def test_the_assistant_sees_their_own_next_shifts_and_hours_this_month(client, alice):
    mine, other = alice.assistants
    shift(alice, mine, alice.clients[0], date(2026, 11, 3), 8, 16)  # worked: 8 h
    shift(alice, mine, alice.clients[0], date(2026, 11, 26), 9, 13, kind="waiting")  # planned: 4 h
    shift(alice, other, alice.clients[1], date(2026, 11, 26), 14, 18)

    html = page(client, alice.assistant_user)
    assert "Dina nästa pass" in html
    assert "09:00–13:00" in html and "Väntetid" in html
    assert "14:00–18:00" not in html and str(alice.clients[1]) not in html
    assert re.search(r'<span class="stat-number">8 h</span><span class="stat-label">arbetade i november', html)
    assert re.search(r'<span class="stat-number">12 h</span><span class="stat-label">i november totalt', html)
    assert "Dagens pass" not in html


def test_the_client_sees_coming_shifts_and_claims_waiting_for_them(client, alice, bob):
    own = alice.clients[0]
    shift(alice, alice.assistants[0], own, date(2026, 11, 27), 8, 12)
    shift(alice, alice.assistants[1], alice.clients[1], date(2026, 11, 27), 13, 17)
    ready = report(alice, own)
    TimeReport.objects.create(
        report=ready, assistant=alice.assistants[0], minutes=60, assistant_signed_at=NOW, provider_signed_at=NOW
    )
    waiting = report(alice, own, month=date(2026, 9, 1))
    TimeReport.objects.create(report=waiting, assistant=alice.assistants[0], minutes=60)
    report(alice, alice.clients[1])
    report(bob, bob.clients[0])

    html = page(client, alice.client_user)
    assert "08:00–12:00" in html and "13:00–17:00" not in html
    assert "Räkningar att signera" in html
    assert "oktober 2026" in html and "Klar att granska och signera." in html
    assert "september 2026" in html and "Väntar på att tidsredovisningarna signeras" in html
    assert str(alice.clients[1]) not in html and str(bob.clients[0]) not in html


def test_a_user_without_a_provider_is_told_so(client):
    user = f.UserFactory()
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "Ingen behörighet" in html


def test_the_base_layout_has_a_skip_link_language_button_and_no_inline_code(client, alice):
    html = page(client, alice.coordinator)
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    assert '<main id="main"' in html
    assert 'name="language" value="en"' in html
    template = (ROOT / "templates" / "base.html").read_text()
    assert not re.search(r"\sstyle=|\son[a-z]+=|<script>", template)


def test_messages_are_announced_as_status(client, alice, rf):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = alice.coordinator
    request.session = client.session
    request._messages = FallbackStorage(request)
    request._messages.add(constants.SUCCESS, "Passet är sparat.")
    html = render_to_string("base.html", {"messages": get_messages(request)}, request=request)
    assert re.search(
        r'<div class="site-messages" role="status"><ul>\s*<li class="site-message site-message-success">'
        r"Passet är sparat.</li>",
        html,
    )


def test_the_login_page_lists_the_demo_accounts_only_when_asked(client, alice, settings):
    settings.DEMO_ACCOUNTS_HINT = False
    html = client.get(reverse("login")).content.decode()
    assert "Demokonton" not in html and alice.coordinator.username not in html

    settings.DEMO_ACCOUNTS_HINT = True
    html = client.get(reverse("login")).content.decode()
    assert "Demokonton" in html and "demo-assistans-2026" in html
    for user in (alice.admin, alice.coordinator, alice.assistant_user, alice.client_user):
        assert f"<code>{user.username}</code>" in html
    assert "Bara sitt eget schema" in html
    assert "Ser bara de brukare som tilldelats." in html  # the restricted coordinator
    # Admins first, clients last.
    assert html.index(alice.admin.username) < html.index(alice.assistant_user.username)
    assert html.index(alice.assistant_user.username) < html.index(alice.client_user.username)


def test_a_wrong_password_keeps_the_username_and_says_why(client, alice):
    response = client.post(reverse("login"), {"username": alice.coordinator.username, "password": "fel"})
    html = response.content.decode()
    assert f'value="{alice.coordinator.username}"' in html
    assert 'role="alert"' in html and "Ange ett korrekt användarnamn" in html
    assert 'aria-invalid="true"' in html


def test_load_demo_prints_the_accounts_with_roles_and_the_password_last(capsys):
    from django.core.management import call_command

    call_command("load_demo")
    call_command("load_demo", "--if-empty")
    second = capsys.readouterr().out.split("already loaded", 1)[1]
    lines = [line for line in second.splitlines() if line.strip()]
    assert lines[-1] == "Password for every demo account: demo-assistans-2026"
    accounts = {line.split()[0]: line for line in lines if line.startswith("  ")}
    assert set(accounts) == {"admin", "samordnare", "samordnare2", "assistent", "foretradare"}
    assert "Samordnare" in accounts["samordnare2"] and "tilldelats" in accounts["samordnare2"]
    assert "Assistent" in accounts["assistent"]


def test_make_run_turns_the_demo_hint_on_and_the_example_env_lists_it():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "DEMO_ACCOUNTS_HINT=true" in run and "load_demo" in run
    assert run.index("load_demo") < run.index("runserver")
    assert "DEMO_ACCOUNTS_HINT=false" in (ROOT / ".env.example").read_text()


def test_the_assistants_hours_are_the_engines_as_in_mitt_schema(client, alice):
    """Standby does not count as working time (W3): the start page shows the
    same figures as "Mitt schema", both from scheduling.changes.hours_for."""
    mine = alice.assistants[0]
    shift(alice, mine, alice.clients[0], date(2026, 11, 3), 8, 16)  # worked: 8 h
    shift(alice, mine, alice.clients[0], date(2026, 11, 4), 8, 16, kind="standby")  # worked, but standby
    shift(alice, mine, alice.clients[0], date(2026, 11, 26), 9, 13, kind="waiting")  # planned: 4 h

    html = page(client, alice.assistant_user)
    assert re.search(r'<span class="stat-number">8 h</span><span class="stat-label">arbetade i november', html)
    assert re.search(r'<span class="stat-number">12 h</span><span class="stat-label">i november totalt', html)
    assert "beredskap räknas inte" in html
    with time_machine.travel(NOW, tick=False):
        schedule = client.get(reverse("my-schedule")).content.decode()
    assert "8 h" in schedule and "12 h" in schedule


def test_the_coordinator_count_of_todays_shifts_is_not_capped_by_the_list(client, alice, monkeypatch):
    from assistans import views

    monkeypatch.setattr(views, "TODAY_LIMIT", 3)
    today = date(2026, 11, 24)
    for hour in range(5):
        shift(alice, alice.assistants[hour % 2], alice.clients[hour % 2], today, 6 + 3 * hour, 8 + 3 * hour)
    html = page(client, alice.coordinator)
    assert re.search(r'<span class="stat-number">5</span><span class="stat-label">pass i dag', html)
    assert "Visar de 3 första passen" in html
    assert html.count('class="nowrap shift-when"') == 3
