"""Signing through the pages: the assistant signs only their own time
reports, the provider signs on the report page, the client or representative
signs only their own claims; the granted-hours follow-up."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from billing import services
from billing.models import MonthlyReport, TimeReport
from tests.billing.test_views_month_end import APRIL, add_shift, march_reports, sign_all

pytestmark = pytest.mark.django_db
ATTEST = "intygar"


def own_time_report(side, reports) -> TimeReport:
    return reports[side.clients[0].pk].time_reports.get(assistant=side.assistants[0])


# --- the assistant ---------------------------------------------------------------------


def test_an_assistant_sees_only_their_own_time_reports(client, alice, bob):
    reports = march_reports(alice)
    march_reports(bob)
    client.force_login(alice.assistant_user)
    response = client.get(reverse("my-time-reports"))
    assert response.status_code == 200
    text = response.content.decode()
    assert str(alice.clients[0]) in text and "2026-03-05" in text and "2026-03-06" in text
    assert str(alice.clients[1]) not in text and "2026-03-10" not in text  # assistant 1's shift
    assert str(alice.assistants[1]) not in text
    assert "12,50" in text  # the total of the two rows
    assert "Signera min tidsredovisning" in text and "Jag intygar att uppgifterna är riktiga" in text
    other = reports[alice.clients[1].pk].time_reports.get()
    assert client.get(reverse("time-report-pdf", args=[other.pk])).status_code == 404
    assert client.get(reverse("time-report-pdf", args=[own_time_report(alice, reports).pk])).status_code == 200


def test_an_assistant_signs_deliberately_and_the_signature_has_time_and_user(client, alice):
    time_report = own_time_report(alice, march_reports(alice))
    client.force_login(alice.assistant_user)
    prefix = f"t{time_report.pk}"
    response = client.post(reverse("my-time-reports"), {"time_report": time_report.pk})
    assert response.status_code == 400
    assert "Kryssa i rutan för att intyga" in response.content.decode()
    time_report.refresh_from_db()
    assert time_report.assistant_signed_at is None
    before = timezone.now()
    response = client.post(
        reverse("my-time-reports"), {"time_report": time_report.pk, f"{prefix}-{ATTEST}": "on"}, follow=True
    )
    assert "Din tidsredovisning" in response.content.decode() and "är signerad" in response.content.decode()
    time_report.refresh_from_db()
    assert time_report.assistant_signed_by == alice.assistant_user and time_report.assistant_signed_at >= before
    assert time_report.provider_signed_at is None  # an assistant never signs for the provider
    response = client.post(reverse("my-time-reports"), {"time_report": time_report.pk, f"{prefix}-{ATTEST}": "on"})
    assert "Du har redan signerat tidsredovisningen." in response.content.decode()


def test_an_assistant_cannot_sign_someone_elses_time_report(client, alice, bob):
    reports = march_reports(alice)
    other = reports[alice.clients[1].pk].time_reports.get()
    foreign = own_time_report(bob, march_reports(bob))
    client.force_login(alice.assistant_user)
    for time_report in (other, foreign):
        data = {"time_report": time_report.pk, f"t{time_report.pk}-{ATTEST}": "on"}
        assert client.post(reverse("my-time-reports"), data).status_code == 404
        time_report.refresh_from_db()
        assert time_report.assistant_signed_at is None


@pytest.mark.parametrize("role", ["admin", "coordinator", "client_user"])
def test_my_time_reports_is_only_for_assistants(client, alice, role):
    client.force_login(getattr(alice, role))
    assert client.get(reverse("my-time-reports")).status_code == 404


# --- the provider ------------------------------------------------------------------------


def test_a_coordinator_signs_for_the_provider_on_the_report_page(client, alice):
    reports = march_reports(alice)
    report = reports[alice.clients[0].pk]
    time_report = own_time_report(alice, reports)
    client.force_login(alice.coordinator)
    url = reverse("report-detail", args=[report.pk])
    response = client.post(url, {"time_report": time_report.pk})
    assert response.status_code == 400 and "Kryssa i rutan" in response.content.decode()
    response = client.post(url, {"time_report": time_report.pk, f"t{time_report.pk}-{ATTEST}": "on"}, follow=True)
    text = response.content.decode()
    assert "är signerad för anordnaren" in text
    time_report.refresh_from_db()
    assert time_report.provider_signed_by == alice.coordinator and time_report.assistant_signed_at is None
    assert alice.coordinator.username in text  # the signature is shown with its user
    # a time report of another client of the same provider is not on this page
    other = reports[alice.clients[1].pk].time_reports.get()
    assert client.post(url, {"time_report": other.pk, f"t{other.pk}-{ATTEST}": "on"}).status_code == 404


def test_a_submitted_report_cannot_be_signed_and_says_why(client, alice):
    reports = march_reports(alice)
    report = sign_all(alice, reports[alice.clients[0].pk])
    services.submit(actor=alice.coordinator, report=report, on=APRIL)
    TimeReport.objects.filter(report=report).update(provider_signed_at=None)  # as if it were missing
    time_report = report.time_reports.get()
    client.force_login(alice.admin)
    response = client.post(
        reverse("report-detail", args=[report.pk]), {"time_report": time_report.pk, f"t{time_report.pk}-{ATTEST}": "on"}
    )
    assert "redan inskickad" in response.content.decode()


# --- the client or representative -------------------------------------------------------


def test_a_client_sees_only_their_own_claims(client, alice, bob):
    march_reports(alice)
    march_reports(bob)
    client.force_login(alice.client_user)
    response = client.get(reverse("client-reports"))
    assert response.status_code == 200
    text = response.content.decode()
    assert str(alice.clients[0]) in text and "4\u00a0346,25\u00a0kr" in text
    assert str(alice.assistants[0]) in text  # the time reports behind the claim are listed
    assert str(alice.clients[1]) not in text and "2\u00a0781,60" not in text
    assert str(bob.clients[0]) not in text


def test_the_claim_is_refused_until_every_time_report_is_signed_then_signed(client, alice):
    reports = march_reports(alice)
    report = reports[alice.clients[0].pk]
    client.force_login(alice.client_user)
    data = {"report": report.pk, f"c{report.pk}-{ATTEST}": "on"}
    response = client.post(reverse("client-reports"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Räkningen kan signeras först när alla tidsredovisningar är signerade." in text
    assert "inte signerad av assistenten" in text
    report.refresh_from_db()
    assert report.client_signed_at is None and report.status == "draft"
    time_report = own_time_report(alice, reports)
    services.sign_time_report(actor=alice.coordinator, time_report=time_report)
    services.sign_time_report(actor=alice.assistant_user, time_report=time_report)
    response = client.post(reverse("client-reports"), {"report": report.pk}, follow=True)
    assert "Kryssa i rutan" in response.content.decode()
    response = client.post(reverse("client-reports"), data, follow=True)
    assert "Räkningen för" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "complete" and report.client_signed_by == alice.client_user
    assert report.completed_on == timezone.localdate()


def test_a_client_cannot_sign_another_clients_claim(client, alice, bob):
    reports = march_reports(alice)
    foreign = march_reports(bob)[bob.clients[0].pk]
    client.force_login(alice.client_user)
    for report in (reports[alice.clients[1].pk], foreign):
        response = client.post(reverse("client-reports"), {"report": report.pk, f"c{report.pk}-{ATTEST}": "on"})
        assert response.status_code == 404
        assert MonthlyReport.objects.get(pk=report.pk).client_signed_at is None


@pytest.mark.parametrize("role", ["admin", "coordinator", "assistant_user"])
def test_client_reports_is_only_for_clients(client, alice, role):
    client.force_login(getattr(alice, role))
    assert client.get(reverse("client-reports")).status_code == 404


# --- granted-hours follow-up --------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 24, 12, tzinfo=UTC), tick=False)
def test_the_follow_up_shows_pool_used_and_forecast_for_the_client_and_managers(client, alice):
    target = alice.clients[0]
    target.decisions.update(start=date(2026, 7, 1), end=date(2026, 12, 31), weekly_hours=10)
    add_shift(alice, 0, 0, "2026-11-02")
    add_shift(alice, 0, 0, "2026-12-28", "00:00", "23:00")
    for user in (alice.client_user, alice.coordinator, alice.admin):
        client.force_login(user)
        response = client.get(reverse("client-follow-up", args=[target.pk]))
        assert response.status_code == 200
        text = response.content.decode()
        assert "2026-07-01" in text and "262,85 h" in text  # 10 h × 184 days / 7 (G2), whole minutes
        assert "8,00 h" in text and "23,00 h" in text and "31,00 h" in text  # used, planned, forecast
        assert "231,85 h" in text and "Planeringen ryms inom beviljade timmar." in text
    for day in range(1, 16):
        add_shift(alice, 0, 0, f"2026-12-{day:02d}", "00:00", "23:00")
    text = client.get(reverse("client-follow-up", args=[target.pk])).content.decode()
    # 8 + 23 + 15 × 23 = 376 h planned against 262,85 h: 113,15 h past the pool, not payable (G2)
    assert "Flaggat: de planerade passen går 113,15 h över beviljade timmar" in text


@pytest.mark.parametrize("role", ["assistant_user", "restricted_coordinator"])
def test_the_follow_up_is_not_for_assistants_or_other_coordinators(client, alice, role):
    client.force_login(getattr(alice, role))
    assert client.get(reverse("client-follow-up", args=[alice.clients[0].pk])).status_code == 404


def test_a_client_cannot_follow_up_another_client(client, alice):
    client.force_login(alice.client_user)
    assert client.get(reverse("client-follow-up", args=[alice.clients[1].pk])).status_code == 404
