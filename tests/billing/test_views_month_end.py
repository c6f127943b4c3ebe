"""The month-end board, report detail and exports through the test client:
who sees what, the refusals shown next to their buttons, the export files."""

from __future__ import annotations

import json
from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from billing import services
from billing.models import MonthlyReport
from scheduling.models import MonthLock, Shift
from scheduling.rules.timeutil import make_aware

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)
APRIL = date(2026, 4, 15)


def at(day: str, clock: str):
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


def add_shift(side, assistant_index: int, client_index: int, day: str, start="08:00", end="16:00") -> Shift:
    return Shift.objects.create(
        provider=side.provider,
        assistant=side.assistants[assistant_index],
        client=side.clients[client_index],
        start=at(day, start),
        end=at(day, end),
    )


def march_reports(side) -> dict[int, MonthlyReport]:
    """Each client of ``side`` worked in March 2026 by their assigned assistant, computed."""
    add_shift(side, 0, 0, "2026-03-05")
    add_shift(side, 0, 0, "2026-03-06", "08:00", "12:30")
    add_shift(side, 1, 1, "2026-03-10")
    reports = services.compute_reports(provider=side.provider, month=MARCH, today=APRIL)
    return {r.client_id: r for r in reports}


def sign_all(side, report: MonthlyReport) -> MonthlyReport:
    """Every signature through the services: provider, assistant, then the claim."""
    from assistans import factories as f

    for tr in report.time_reports.all():
        services.sign_time_report(actor=side.coordinator, time_report=tr)
        if tr.assistant_id == side.assistants[0].pk:
            signer = side.assistant_user
        else:
            signer = f.MembershipFactory(provider=side.provider, role="assistant", assistant_id=tr.assistant_id).user
        services.sign_time_report(actor=signer, time_report=tr)
    client_user = side.client_user
    if not client_user.membership.clients.filter(pk=report.client_id).exists():
        client_user.membership.clients.add(report.client)
    return services.sign_claim(actor=client_user, report=report, today=APRIL)


def board(client, month="2026-03"):
    return client.get(reverse("month-end"), {"manad": month})


# --- who sees the board --------------------------------------------------------------


def test_the_board_shows_state_missing_signatures_amount_and_payout_per_client(client, alice, bob):
    reports = march_reports(alice)
    march_reports(bob)
    client.force_login(alice.coordinator)
    response = board(client)
    assert response.status_code == 200
    text = response.content.decode()
    for c in alice.clients:
        assert str(c) in text
    for c in bob.clients:
        assert str(c) not in text
    assert "Utkast" in text
    assert "Tidsredovisningen för" in text and "inte signerad av assistenten" in text
    assert "Räkningen är inte signerad av brukaren eller företrädaren." in text
    # 12 h 30 min and 8 h × 347,70 (RULES.md R1, R3)
    assert reports[alice.clients[0].pk].amount == Decimal("4346.25")
    assert "2\u00a0781,60\u00a0kr" in text
    assert "4\u00a0346,25\u00a0kr" in text
    # never completed: the earliest payout if everything were signed today
    assert "tidigast, om allt signeras i dag" in text
    assert reverse("report-export", args=[reports[alice.clients[0].pk].pk, "csv"]) in text
    assert reverse("cashflow") in text


def test_the_board_has_a_month_picker_with_previous_and_next(client, alice):
    client.force_login(alice.admin)
    text = board(client, "2026-01").content.decode()
    assert 'href="?manad=2025-12"' in text and 'href="?manad=2026-02"' in text
    assert 'type="month"' in text and 'value="2026-01"' in text
    response = board(client, "mars")
    assert "Ange månaden som ÅÅÅÅ-MM" in response.content.decode()
    assert 'value="mars"' in response.content.decode()  # what was typed stays


def test_a_restricted_coordinator_sees_only_her_clients(client, alice):
    march_reports(alice)
    client.force_login(alice.restricted_coordinator)
    text = board(client).content.decode()
    assert str(alice.clients[1]) in text and str(alice.clients[0]) not in text


@pytest.mark.parametrize("role", ["assistant_user", "client_user"])
def test_the_board_and_report_pages_do_not_exist_for_assistants_and_clients(client, alice, role):
    report = march_reports(alice)[alice.clients[0].pk]
    client.force_login(getattr(alice, role))
    assert board(client).status_code == 404
    assert client.get(reverse("report-detail", args=[report.pk])).status_code == 404
    for fmt in ("pdf", "csv", "json"):
        assert client.get(reverse("report-export", args=[report.pk, fmt])).status_code == 404
    assert client.post(reverse("month-end"), {"action": "compute", "manad": "2026-03"}).status_code == 404


@pytest.mark.parametrize("role", ["admin", "coordinator", "restricted_coordinator", "assistant_user", "client_user"])
def test_another_providers_reports_are_404_for_every_role(client, alice, bob, role):
    report = march_reports(bob)[bob.clients[1].pk]
    time_report = report.time_reports.get()
    client.force_login(getattr(alice, role))
    assert client.get(reverse("report-detail", args=[report.pk])).status_code == 404
    for fmt in ("pdf", "csv", "json"):
        assert client.get(reverse("report-export", args=[report.pk, fmt])).status_code == 404
    assert client.get(reverse("time-report-pdf", args=[time_report.pk])).status_code == 404
    assert client.get(reverse("client-follow-up", args=[bob.clients[1].pk])).status_code == 404
    for action in ("submit", "correct", "payment"):
        response = client.post(reverse("month-end"), {"action": action, "report": report.pk})
        assert response.status_code == 404
    report.refresh_from_db()
    assert report.status == "draft"


def test_a_restricted_coordinator_cannot_open_another_clients_report(client, alice):
    reports = march_reports(alice)
    client.force_login(alice.restricted_coordinator)
    assert client.get(reverse("report-detail", args=[reports[alice.clients[0].pk].pk])).status_code == 404
    assert client.get(reverse("report-detail", args=[reports[alice.clients[1].pk].pk])).status_code == 200


# --- computing ------------------------------------------------------------------------


def test_computing_an_ended_month_makes_drafts_for_the_clients_with_shifts(client, alice, bob):
    add_shift(alice, 0, 0, "2026-03-05")
    add_shift(bob, 0, 0, "2026-03-05")
    client.force_login(alice.coordinator)
    response = client.post(reverse("month-end"), {"action": "compute", "manad": "2026-03"}, follow=True)
    assert response.status_code == 200
    assert "1 redovisning är beräknad." in response.content.decode()
    assert list(MonthlyReport.objects.values_list("client_id", flat=True)) == [alice.clients[0].pk]
    report = MonthlyReport.objects.get()
    assert report.status == "draft" and report.snapshot["claim"]["total_minutes"] == 480


def test_computing_a_month_that_has_not_ended_shows_the_services_refusal(client, alice):
    today = timezone.localdate()
    month = today.replace(day=1)
    Shift.objects.create(
        provider=alice.provider,
        assistant=alice.assistants[0],
        client=alice.clients[0],
        start=make_aware(month, time(8)),
        end=make_aware(month, time(12)),
    )
    client.force_login(alice.coordinator)
    response = client.post(reverse("month-end"), {"action": "compute", "manad": f"{month:%Y-%m}"})
    assert response.status_code == 400
    text = response.content.decode()
    assert f"Månaden {month:%Y-%m} är inte slut än" in text
    assert 'id="compute-error"' in text
    assert not MonthlyReport.objects.exists()


def test_a_restricted_coordinator_computes_only_her_clients(client, alice):
    add_shift(alice, 0, 0, "2026-03-05")
    add_shift(alice, 1, 1, "2026-03-05")
    client.force_login(alice.restricted_coordinator)
    client.post(reverse("month-end"), {"action": "compute", "manad": "2026-03"})
    assert list(MonthlyReport.objects.values_list("client_id", flat=True)) == [alice.clients[1].pk]


def test_the_board_shows_hours_not_payable_with_the_reason(client, alice):
    add_shift(alice, 0, 0, "2026-07-02")  # no decision covers July
    services.compute_reports(provider=alice.provider, month=date(2026, 7, 1), today=date(2026, 8, 2))
    client.force_login(alice.coordinator)
    text = board(client, "2026-07").content.decode()
    assert "Inget beslut täcker dagen" in text and "8,00 h" in text
    assert "G0: inget beslut täcker dagen" in text


# --- submitting, correcting, paying ------------------------------------------------------


def test_submitting_an_unsigned_report_is_refused_with_the_list_and_nothing_changes(client, alice):
    report = march_reports(alice)[alice.clients[0].pk]
    client.force_login(alice.coordinator)
    response = client.post(reverse("month-end"), {"action": "submit", "report": report.pk})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Redovisningen kan inte skickas in förrän allt är signerat." in text
    assert f'id="submit-error-{report.pk}"' in text
    assert "inte signerad av anordnaren" in text and "Räkningen är inte signerad" in text
    report.refresh_from_db()
    assert report.status == "draft" and report.submitted_on is None
    assert not MonthLock.objects.exists()


def test_with_htmx_a_refused_submit_answers_with_the_row_and_its_message(client, alice):
    report = march_reports(alice)[alice.clients[0].pk]
    client.force_login(alice.coordinator)
    response = client.post(reverse("month-end"), {"action": "submit", "report": report.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps only 2xx
    text = response.content.decode()
    assert text.lstrip().startswith("<article") and "<html" not in text
    assert "förrän allt är signerat" in text
    assert MonthlyReport.objects.get(pk=report.pk).status == "draft"


def test_a_complete_report_is_submitted_and_the_month_locked(client, alice):
    report = sign_all(alice, march_reports(alice)[alice.clients[0].pk])
    client.force_login(alice.coordinator)
    response = client.post(reverse("month-end"), {"action": "submit", "report": report.pk}, follow=True)
    assert "är inskickad" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_on == timezone.localdate()
    assert MonthLock.objects.filter(client=report.client, month=MARCH).exists()


def test_a_correction_needs_a_reason_and_becomes_a_new_version(client, alice):
    report = sign_all(alice, march_reports(alice)[alice.clients[0].pk])
    services.submit(actor=alice.coordinator, report=report, on=APRIL)
    client.force_login(alice.admin)
    prefix = f"r{report.pk}"
    response = client.post(reverse("month-end"), {"action": "correct", "report": report.pk, f"{prefix}-reason": ""})
    assert response.status_code == 400
    assert "Ange varför redovisningen rättas." in response.content.decode()
    assert MonthlyReport.objects.get(pk=report.pk).status == "submitted"
    response = client.post(
        reverse("month-end"),
        {"action": "correct", "report": report.pk, f"{prefix}-reason": "Fel sluttid den 6 mars"},
        follow=True,
    )
    text = response.content.decode()
    assert "version 2" in text and "Fel sluttid den 6 mars" in text
    report.refresh_from_db()
    correction = MonthlyReport.objects.get(replaces=report)
    assert report.status == "superseded" and correction.version == 2 and correction.status == "draft"
    assert reverse("report-detail", args=[report.pk]) in text  # the earlier version stays reachable


def test_a_payment_is_recorded_and_a_bad_amount_is_refused_next_to_the_field(client, alice):
    report = sign_all(alice, march_reports(alice)[alice.clients[0].pk])
    services.submit(actor=alice.coordinator, report=report, on=APRIL)
    client.force_login(alice.coordinator)
    prefix = f"r{report.pk}"
    data = {"action": "payment", "report": report.pk, f"{prefix}-paid_on": "2026-05-05", f"{prefix}-amount": "-5"}
    response = client.post(reverse("month-end"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Beloppet kan inte vara negativt." in text and 'value="-5"' in text
    data[f"{prefix}-paid_on"] = "5 maj"
    assert "Ange datumet som ÅÅÅÅ-MM-DD." in client.post(reverse("month-end"), data).content.decode()
    data.update({f"{prefix}-paid_on": "2026-05-05", f"{prefix}-amount": "4346,25"})
    response = client.post(reverse("month-end"), data, follow=True)
    assert "Skillnad mot räkningen: 0,00" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "paid" and report.paid_amount == Decimal("4346.25")
    assert "Utbetald" in board(client).content.decode()


# --- report detail and exports -----------------------------------------------------------


def test_the_report_detail_shows_every_row_and_the_totals(client, alice):
    report = march_reports(alice)[alice.clients[0].pk]
    client.force_login(alice.coordinator)
    text = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "2026-03-05" in text and "2026-03-06" in text and "12:30" in text
    assert "Aktiv tid" in text and "12,50" in text and "4\u00a0346,25\u00a0kr" in text
    assert "Signera för anordnaren" in text and "Jag intygar att uppgifterna är riktiga" in text


def test_exports_have_their_content_types_and_content(client, alice):
    report = march_reports(alice)[alice.clients[0].pk]
    client.force_login(alice.coordinator)
    pdf = client.get(reverse("report-export", args=[report.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    csv = client.get(reverse("report-export", args=[report.pk, "csv"]))
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv.content.decode().split("\r\n")
    assert lines[0].startswith("month;provider_org_number;client_id") and len([x for x in lines if x]) == 3
    data = client.get(reverse("report-export", args=[report.pk, "json"]))
    assert data["Content-Type"] == "application/json; charset=utf-8"
    parsed = json.loads(data.content)
    assert parsed["format"] == "assistanstid.month/1" and parsed["claim"]["amount"] == "4346.25"
    assert client.get(reverse("report-export", args=[report.pk, "xml"])).status_code == 404
    time_report = report.time_reports.get()
    tr_pdf = client.get(reverse("time-report-pdf", args=[time_report.pk]))
    assert tr_pdf["Content-Type"] == "application/pdf" and tr_pdf.content.startswith(b"%PDF")


def test_every_export_is_recorded_in_the_audit_trail(client, alice):
    report = march_reports(alice)[alice.clients[0].pk]
    client.force_login(alice.coordinator)
    for fmt in ("pdf", "csv", "json"):
        client.get(reverse("report-export", args=[report.pk, fmt]))
    client.get(reverse("time-report-pdf", args=[report.time_reports.get().pk]))
    entries = [e for e in AuditEntry.objects.filter(provider_id=alice.provider.pk) if e.is_export]
    assert len(entries) == 4
    assert all(e.actor == alice.coordinator and e.additional_data["contains_personal_numbers"] for e in entries)
