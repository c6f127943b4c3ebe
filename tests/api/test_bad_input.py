"""Bad input: malformed JSON, wrong types, unknown fields, huge payloads,
dates out of range, ids of another provider. Always a clear 4xx in the one
error format, never a 500, nothing half-saved."""

from __future__ import annotations

import json

import pytest

from assistans.models import Client, Decision
from scheduling.models import Shift

from .conftest import token_client

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "detail", "fields"}


@pytest.fixture
def api(world_a):
    return token_client(world_a.side.admin)


def raw_post(client, url, text, content_type="application/json", **extra):
    return client.generic("POST", url, text, content_type=content_type, **extra)


def counts():
    return Shift.objects.count(), Client.objects.count(), Decision.objects.count()


@pytest.mark.parametrize(
    "text",
    ["{", "not json", '{"start": }', "[1, 2", "\x00\x01", '{"a": NaN}'],
)
def test_malformed_json_is_a_400_parse_error(api, world_a, text):
    before = counts()
    response = raw_post(api, "/api/v1/shifts/", text)
    assert response.status_code == 400
    assert set(response.json()) >= ERROR_KEYS and response.json()["code"] in ("parse_error", "invalid")
    assert counts() == before


def test_a_body_that_is_not_an_object_is_a_400(api):
    for text in ("[]", "42", '"text"', "null"):
        response = raw_post(api, "/api/v1/clients/", text)
        assert response.status_code == 400, text
        assert set(response.json()) == ERROR_KEYS


def test_another_content_type_is_a_415(api):
    response = raw_post(api, "/api/v1/clients/", "first_name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("assistant", "one"),
        ("assistant", True),
        ("assistant", 1.5),
        ("assistant", [1]),
        ("assistant", 2**70),
        ("start", 12),
        ("start", "tomorrow"),
        ("double", "maybe"),
        ("kind", "sleeping"),
        ("segments", "all"),
        ("segments", [{"offset": "x", "kind": "active"}]),
        ("segments", [[0, "active"]]),
        ("note", {"a": 1}),
        ("note", "x" * 501),
    ],
)
def test_wrong_types_name_the_field(api, world_a, field, value):
    data = {
        "assistant": world_a.assistant.pk,
        "client": world_a.client.pk,
        "start": "2026-05-05T08:00:00+02:00",
        "end": "2026-05-05T12:00:00+02:00",
        field: value,
    }
    before = counts()
    response = api.post("/api/v1/shifts/", data, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert any(name == field or name.startswith(f"{field}.") for name in response.json()["fields"]), response.json()
    assert counts() == before


def test_unknown_fields_are_refused_by_name(api, world_a):
    response = api.post(
        "/api/v1/clients/",
        {"first_name": "A", "last_name": "B", "personal_number": "19800412-1235", "shoe_size": 44, "provider": 2},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"shoe_size", "provider"}
    response = api.patch(f"/api/v1/shifts/{world_a.shift.pk}/", {"colour": "red"}, format="json")
    assert response.status_code == 400 and "colour" in response.json()["fields"]


def test_a_huge_payload_is_a_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = counts()
    response = api.post("/api/v1/clients/", {"first_name": "x" * 20_000}, format="json")
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"
    response = api.post("/api/v1/clients/", {"first_name": "x" * 20_000}, format="json", HTTP_IDEMPOTENCY_KEY="big")
    assert response.status_code == 413
    assert counts() == before


def test_a_long_list_of_segments_is_refused_not_processed(api, world_a):
    segments = [{"offset": i, "kind": "active"} for i in range(1000)]
    response = api.post(
        "/api/v1/shifts/",
        {
            "assistant": world_a.assistant.pk,
            "client": world_a.client.pk,
            "start": "2026-05-05T08:00:00+02:00",
            "end": "2026-05-05T12:00:00+02:00",
            "segments": segments,
        },
        format="json",
    )
    assert response.status_code == 400 and "segments" in response.json()["fields"]


@pytest.mark.parametrize(
    ("url_name", "field", "value"),
    [
        ("shifts", "start", "0001-01-01T00:00:00+14:00"),
        ("shifts", "end", "9999-12-31T23:59:59-12:00"),
        ("shifts", "start", "1850-01-01T00:00:00Z"),
        ("decisions", "end", "10000-01-01"),
        ("decisions", "start", "0001-01-01"),
        ("decisions", "start", "2026-02-30"),
        ("assignments", "start", "9999-12-31"),
    ],
)
def test_dates_out_of_range_are_a_400_on_the_field(api, world_a, url_name, field, value):
    bodies = {
        "shifts": {
            "assistant": world_a.assistant.pk,
            "client": world_a.client.pk,
            "start": "2026-05-05T08:00:00+02:00",
            "end": "2026-05-05T12:00:00+02:00",
        },
        "decisions": {"client": world_a.client.pk, "start": "2026-07-01", "end": "2026-12-31", "weekly_hours": "10"},
        "assignments": {"assistant": world_a.assistant.pk, "client": world_a.side.clients[1].pk, "start": "2026-01-01"},
    }
    before = counts()
    response = api.post(f"/api/v1/{url_name}/", {**bodies[url_name], field: value}, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert counts() == before


@pytest.mark.parametrize(
    "query",
    [
        "?date_from=0001-01-01",
        "?date_to=9999-12-31",
        "?date_from=2026-13-01",
        "?client=abc",
        "?client=99999999999999999999999",
        "?page=0",
        "?page=abc",
        "?page_size=-1",
        "?ordering=password",
        "?status=nope",
    ],
)
def test_bad_query_parameters_are_4xx_or_ignored_never_a_500(api, query):
    response = api.get(f"/api/v1/shifts/{query}")
    assert response.status_code in (200, 400, 404), response.content
    if response.status_code != 200:
        assert set(response.json()) == ERROR_KEYS


def test_model_rules_are_field_errors_and_nothing_is_saved(api, world_a):
    before = counts()
    response = api.post(
        "/api/v1/decisions/",
        {"client": world_a.client.pk, "start": "2026-01-01", "end": "2026-12-31", "weekly_hours": "10"},
        format="json",
    )
    assert response.status_code == 400
    assert "end" in response.json()["fields"] or "start" in response.json()["fields"]
    response = api.post(
        "/api/v1/clients/", {"first_name": "A", "last_name": "B", "personal_number": "19800412-1234"}, format="json"
    )
    assert response.status_code == 400 and "personal_number" in response.json()["fields"]
    duplicate = api.post(
        "/api/v1/clients/",
        {"first_name": "A", "last_name": "B", "personal_number": world_a.client.personal_number},
        format="json",
    )
    assert duplicate.status_code == 400, duplicate.json()
    assert counts() == before


def test_a_valid_registry_write_goes_through(api, world_a):
    response = api.post(
        "/api/v1/decisions/",
        {"client": world_a.client.pk, "start": "2026-07-01", "end": "2026-12-31", "weekly_hours": "10"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    decision = Decision.objects.get(pk=response.json()["id"])
    assert decision.client == world_a.client
    changed = api.patch(f"/api/v1/decisions/{decision.pk}/", {"case_number": "FK-9"}, format="json")
    assert changed.status_code == 200 and changed.json()["case_number"] == "FK-9"


def test_methods_that_do_not_exist_are_405_in_the_error_format(api, world_a):
    response = api.delete(f"/api/v1/clients/{world_a.client.pk}/")
    assert response.status_code == 405 and set(response.json()) == ERROR_KEYS
    assert json.loads(api.get("/api/v1/no-such-thing/").content)["code"] == "not_found"
