"""Monthly reports, invoices and the payout forecast through the API: the
workflow steps go through billing.services (a refused step is a 409 with
what is missing); exports with personnummer are recorded in the audit trail."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from audit.models import AuditEntry
from billing.models import MonthlyReport, TimeReport
from scheduling.models import MonthLock

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db


def sign_everything_but_the_claim(world):
    report = world.report
    for time_report in report.time_reports.all():
        assistant_user = world.side.assistant_user
        if time_report.assistant_id == assistant_user.membership.assistant_id:
            response = session_client(assistant_user).post(
                f"/api/v1/reports/{report.pk}/sign/", {"time_report": time_report.pk}, format="json"
            )
            assert response.status_code == 200, response.json()
        response = token_client(world.side.coordinator).post(
            f"/api/v1/reports/{report.pk}/sign/", {"time_report": time_report.pk}, format="json"
        )
        assert response.status_code == 200, response.json()


def test_the_month_end_workflow_through_the_api(world_a):
    report = world_a.report
    coordinator = token_client(world_a.side.coordinator)
    early = coordinator.post(f"/api/v1/reports/{report.pk}/submit/", {}, format="json")
    assert early.status_code == 409
    assert early.json()["rule"] == "M2" and early.json()["missing"]
    sign_everything_but_the_claim(world_a)
    assert TimeReport.objects.filter(report=report, provider_signed_at__isnull=True).count() == 0
    claim = session_client(world_a.side.client_user).post(f"/api/v1/reports/{report.pk}/sign/", {}, format="json")
    assert claim.status_code == 200 and claim.json()["status"] == "complete"
    submitted = coordinator.post(f"/api/v1/reports/{report.pk}/submit/", {"submitted_on": "2026-04-03"}, format="json")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted" and submitted.json()["submitted_on"] == "2026-04-03"
    assert MonthLock.objects.filter(client=world_a.client, month="2026-03-01").exists()
    again = coordinator.post(f"/api/v1/reports/{report.pk}/submit/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409 and "submitted" in again.json()["detail"]


def test_signing_someone_elses_time_report_is_not_possible(world_a):
    report = world_a.report
    other = TimeReport.objects.create(report=report, assistant=world_a.side.assistants[1], minutes=60)
    response = session_client(world_a.side.assistant_user).post(
        f"/api/v1/reports/{report.pk}/sign/", {"time_report": other.pk}, format="json"
    )
    assert response.status_code == 404
    coordinator_claim = token_client(world_a.side.coordinator).post(
        f"/api/v1/reports/{report.pk}/sign/", {}, format="json"
    )
    assert coordinator_claim.status_code == 409 and coordinator_claim.json()["rule"] == "M2"
    assert MonthlyReport.objects.get(pk=report.pk).client_signed_at is None
    submit = session_client(world_a.side.assistant_user).post(f"/api/v1/reports/{report.pk}/submit/", {}, format="json")
    assert submit.status_code == 403


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_an_export_contains_personal_numbers_and_is_recorded_in_the_audit_trail(world_a, kind):
    client = token_client(world_a.side.coordinator)
    response = client.get(f"/api/v1/reports/{world_a.report.pk}/export/?type={kind}", REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    text = response.content.decode()
    number = world_a.client.personal_number
    assert f"{number[:8]}-{number[8:]}" in text
    if kind == "json":
        assert json.loads(text)["contains_personal_numbers"] is True
    assert response["X-Contains-Personal-Numbers"] == "true"
    entry = AuditEntry.objects.filter(object_pk=str(world_a.report.pk), action=AuditEntry.Action.ACCESS).get()
    assert entry.actor == world_a.side.coordinator and entry.is_export
    assert (
        entry.additional_data["contains_personal_numbers"] is True and kind.upper() in entry.additional_data["export"]
    )


def test_only_managers_export(world_a):
    for role in ("assistant_user", "client_user"):
        response = session_client(getattr(world_a.side, role)).get(f"/api/v1/reports/{world_a.report.pk}/export/")
        assert response.status_code == 403, role
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


def test_an_unknown_export_type_is_a_400(world_a):
    response = token_client(world_a.side.coordinator).get(f"/api/v1/reports/{world_a.report.pk}/export/?type=xls")
    assert response.status_code == 400 and "type" in response.json()["fields"]


def test_invoices_read_and_pdf(world_a):
    client = token_client(world_a.side.admin, read_only=True)
    data = client.get(f"/api/v1/invoices/{world_a.invoice.pk}/").json()
    assert data["number"] == world_a.invoice.number and data["recipient"] == "Uppsala kommun"
    assert data["amount"] == f"{world_a.invoice.amount:.2f}" and data["lines"]
    response = client.get(f"/api/v1/invoices/{world_a.invoice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert str(world_a.invoice.number) in text and world_a.invoice.ocr in text
    assert session_client(world_a.side.client_user).get(f"/api/v1/invoices/{world_a.invoice.pk}/").status_code == 404


def test_the_payout_forecast_lists_the_months_and_what_blocks_them(world_a):
    data = session_client(world_a.side.coordinator).get("/api/v1/payout-forecast/").json()
    months = {m["report"]: m for m in data["months"]}
    assert world_a.report.pk in months
    row = months[world_a.report.pk]
    assert row["month"] == "2026-03" and row["blocked"] and row["missing"]
    assert sum(float(day["amount"]) for day in data["payouts"]) > 0


def test_an_assistant_sees_their_own_time_report_and_not_the_claims_figures(world_a):
    report = world_a.report
    TimeReport.objects.create(report=report, assistant=world_a.side.assistants[1], minutes=60)
    data = session_client(world_a.side.assistant_user).get(f"/api/v1/reports/{report.pk}/").json()
    assert data["claim"] is None and data["amount"] is None and data["paid_amount"] is None
    assert {tr["assistant"] for tr in data["time_reports"]} == {world_a.side.assistants[0].pk}
    full = token_client(world_a.side.coordinator).get(f"/api/v1/reports/{report.pk}/").json()
    assert full["claim"] is not None and full["amount"] is not None
    assert len(full["time_reports"]) == report.time_reports.count()
