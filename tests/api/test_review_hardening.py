"""Holes found in review of the API (issue 7): a 500 from deeply nested JSON,
messages with unfilled placeholders, errors rendered as garbage under
Accept: text/csv or application/pdf, and revocations of tokens missing from
the audit trail."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.contenttypes.models import ContentType
from django.test import Client as PageClient
from django.test import RequestFactory

from api import tokens
from api.models import ApiToken
from audit.models import AuditEntry
from scheduling.models import Shift

from .conftest import token_client

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "detail", "fields"}


@pytest.fixture
def api(world_a):
    return token_client(world_a.side.admin)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_json_nested_deeper_than_the_decoder_can_go_is_a_400_not_a_500(api, text):
    before = Shift.objects.count()
    response = api.generic("POST", "/api/v1/shifts/", text, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert set(response.json()) == ERROR_KEYS and response.json()["code"] == "parse_error"
    assert Shift.objects.count() == before


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ('{"start": }', "sv", "Ogiltig JSON (rad 1, kolumn 11)."),
        (b'{"note": "\xff"}', "sv", "Ogiltig JSON: texten måste vara UTF-8."),
        ('{"a": NaN}', "sv", "Ogiltig JSON: ett värde går inte att läsa."),
    ],
)
def test_a_parse_error_says_where_in_the_requests_language(api, text, language, expected):
    response = api.generic(
        "POST", "/api/v1/shifts/", text, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert response.json()["detail"] == expected


def test_field_messages_show_the_values_not_placeholders(api, world_a, world_b):
    response = api.post(
        "/api/v1/shifts/",
        {
            "assistant": world_b.assistant.pk,
            "client": world_a.client.pk,
            "start": "1850-01-01T08:00:00Z",
            "end": "2026-05-05T12:00:00+02:00",
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["assistant"] == [f"Objektet med id {world_b.assistant.pk} finns inte."]
    assert fields["start"] == ["Tidpunkten måste ligga mellan år 2000 och 2100."]
    response = api.post(
        "/api/v1/decisions/",
        {"client": world_a.client.pk, "start": "0001-01-01", "end": "2026-12-31", "weekly_hours": "10"},
        format="json",
    )
    assert response.json()["fields"]["start"] == ["Datumet måste ligga mellan år 1900 och 2200."]


@pytest.mark.parametrize(
    ("url", "accept", "status"),
    [
        ("/api/v1/reports/{report}/export/?type=xml", "text/csv", 400),
        ("/api/v1/reports/999999/export/?type=csv", "text/csv", 404),
        ("/api/v1/invoices/999999/pdf/", "application/pdf", 404),
    ],
)
def test_errors_of_the_file_actions_are_json_in_the_error_format_whatever_is_accepted(
    api, world_a, url, accept, status
):
    response = api.get(url.format(report=world_a.report.pk), HTTP_ACCEPT=accept)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == ERROR_KEYS


def test_a_refused_export_is_json_although_csv_was_asked_for(world_a):
    # An assistant may not export: the 403 is JSON in the error format.
    response = token_client(world_a.side.assistant_user).get(
        f"/api/v1/reports/{world_a.report.pk}/export/?type=csv", HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_the_format_switch_of_drf_is_not_an_unknown_field_of_the_export(api, world_a):
    response = api.get(f"/api/v1/reports/{world_a.report.pk}/export/?type=csv&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def _revocations(token):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ApiToken),
        object_id=token.pk,
        action=AuditEntry.Action.UPDATE,
    )


def test_revoking_a_token_on_the_page_is_recorded_with_who_and_from_where(alice):
    token, _raw = tokens.create_token(
        provider=alice.provider, owner=alice.coordinator, name="Lön", read_only=False, created_by=alice.admin
    )
    page = PageClient(REMOTE_ADDR="192.0.2.7")
    page.force_login(alice.admin)
    assert page.post(f"/api-nycklar/{token.pk}/aterkalla/").status_code == 302
    entry = _revocations(token).get()
    assert entry.actor == alice.admin and entry.remote_addr == "192.0.2.7"
    assert entry.provider_id == alice.provider.pk
    assert entry.changes["revoked_at"][0] == "None"
    # A second revocation changes nothing and records nothing.
    assert page.post(f"/api-nycklar/{token.pk}/aterkalla/").status_code == 302
    assert _revocations(token).count() == 1


def test_revoking_tokens_in_the_admin_is_recorded_too(alice):
    token, _raw = tokens.create_token(
        provider=alice.provider, owner=alice.coordinator, name="Lön", read_only=False, created_by=alice.admin
    )
    request = RequestFactory().post("/admin/api/apitoken/")
    request.user = alice.admin
    site._registry[ApiToken].revoke(request, ApiToken.objects.filter(pk=token.pk))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert _revocations(token).count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("assistant", "²"), ("assistant", "٣"), ("client", "¹"), ("start", "²²²²-05-05T08:00:00Z")],
)
def test_digits_that_are_not_ascii_are_a_400_not_a_500(api, world_a, field, value):
    # "²".isdigit() is true but int("²") fails; "٣" would be read as id 3.
    data = {
        "assistant": world_a.assistant.pk,
        "client": world_a.client.pk,
        "start": "2026-05-05T08:00:00+02:00",
        "end": "2026-05-05T12:00:00+02:00",
        field: value,
    }
    before = Shift.objects.count()
    response = api.post("/api/v1/shifts/", data, format="json")
    assert response.status_code == 400, response.content[:200]
    assert set(response.json()) == ERROR_KEYS and field in response.json()["fields"]
    assert Shift.objects.count() == before


def test_an_assistant_sees_only_their_own_missing_signatures_on_a_shared_report(world_a):
    from billing.models import TimeReport

    report = world_a.report
    colleague = world_a.side.assistants[1]
    TimeReport.objects.create(report=report, assistant=colleague, minutes=60)
    seen_by_coordinator = token_client(world_a.side.coordinator).get(f"/api/v1/reports/{report.pk}/").json()
    assert any(colleague.name in line for line in seen_by_coordinator["missing_signatures"])
    seen = token_client(world_a.side.assistant_user).get(f"/api/v1/reports/{report.pk}/").json()
    assert [row["assistant"] for row in seen["time_reports"]] == [world_a.assistant.pk]
    assert not any(colleague.name in line for line in seen["missing_signatures"])
    assert any(world_a.assistant.name in line for line in seen["missing_signatures"])
    assert "Räkningen är inte signerad av brukaren eller företrädaren." in seen["missing_signatures"]
