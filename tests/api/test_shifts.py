"""Shifts through the API go through the recording service: the engine's
findings come back on create, change and delete, in the request's language;
a refused change is a 409 (or 400) with the findings and saves nothing."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from scheduling.models import MonthLock, Shift

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db


def body(world, start="2026-05-05T08:00:00+02:00", end="2026-05-05T12:00:00+02:00", **extra) -> dict:
    return {"assistant": world.assistant.pk, "client": world.client.pk, "start": start, "end": end, **extra}


def test_create_answers_with_the_saved_shift_and_the_engines_findings(world_a):
    client = token_client(world_a.side.coordinator)
    # 21:00 after a shift that ended at 12:00 the same day … and one from 04:00 next day: 7 h of rest (V1)
    first = client.post(
        "/api/v1/shifts/", body(world_a, "2026-05-05T14:00:00+02:00", "2026-05-05T22:00:00+02:00"), format="json"
    )
    assert first.status_code == 201, first.json()
    second = client.post(
        "/api/v1/shifts/", body(world_a, "2026-05-06T04:00:00+02:00", "2026-05-06T10:00:00+02:00"), format="json"
    )
    assert second.status_code == 201
    data = second.json()
    assert Shift.objects.filter(pk=data["id"]).exists()
    codes = {f["code"] for f in data["findings"]}
    assert codes, "a short daily rest is reported"
    finding = data["findings"][0]
    assert set(finding) == {"code", "severity", "message", "hint", "start", "end", "minutes", "accepted"}
    # a read shows what the engine stored
    stored = client.get(f"/api/v1/shifts/{data['id']}/").json()["findings"]
    assert {f["code"] for f in stored} == codes


def test_findings_and_refusals_follow_accept_language(world_a):
    client = token_client(world_a.side.coordinator)
    overlapping = body(world_a, "2026-03-05T10:00:00+01:00", "2026-03-05T14:00:00+01:00")
    swedish = client.post("/api/v1/shifts/", overlapping, format="json", HTTP_ACCEPT_LANGUAGE="sv")
    english = client.post("/api/v1/shifts/", overlapping, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert swedish.status_code == english.status_code == 409
    assert swedish.json()["findings"][0]["code"] == english.json()["findings"][0]["code"] == "H1"
    assert "överlappar" in swedish.json()["detail"]
    assert "overlap" in english.json()["detail"] and "överlappar" not in english.json()["findings"][0]["message"]
    not_found = client.get("/api/v1/shifts/999999/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert not_found == {"code": "not_found", "detail": "Not found.", "fields": {}}
    assert client.get("/api/v1/shifts/999999/", HTTP_ACCEPT_LANGUAGE="sv").json()["detail"] == "Hittades inte."


def test_a_refused_change_saves_nothing(world_a):
    client = token_client(world_a.side.coordinator)
    other = client.post("/api/v1/shifts/", body(world_a), format="json").json()
    response = client.patch(
        f"/api/v1/shifts/{other['id']}/",
        {"start": "2026-03-05T09:00:00+01:00", "end": "2026-03-05T11:00:00+01:00"},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    shift = Shift.objects.get(pk=other["id"])
    assert shift.start.isoformat().startswith("2026-05-05T06:00")


def test_an_end_before_the_start_is_a_400_with_the_engines_reason(world_a):
    client = token_client(world_a.side.coordinator)
    response = client.post("/api/v1/shifts/", body(world_a, end="2026-05-05T07:00:00+02:00"), format="json")
    assert response.status_code == 400
    assert response.json()["findings"][0]["code"] == "H3"


def test_edit_and_delete_answer_with_findings_and_delete_removes_the_shift(world_a):
    client = session_client(world_a.side.coordinator)
    created = client.post("/api/v1/shifts/", body(world_a), format="json").json()
    changed = client.put(
        f"/api/v1/shifts/{created['id']}/",
        body(world_a, end="2026-05-05T13:00:00+02:00", note="Längre"),
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["note"] == "Längre" and "findings" in changed.json()
    deleted = client.delete(f"/api/v1/shifts/{created['id']}/")
    assert deleted.status_code == 200 and deleted.json() == {"id": created["id"], "findings": []}
    assert not Shift.objects.filter(pk=created["id"]).exists()


def test_a_submitted_month_refuses_changes_with_409(world_a):
    MonthLock.objects.create(client=world_a.client, month="2026-03-01")
    client = token_client(world_a.side.coordinator)
    response = client.delete(f"/api/v1/shifts/{world_a.shift.pk}/")
    assert response.status_code == 409 and response.json()["findings"][0]["code"] == "M3"
    assert Shift.objects.filter(pk=world_a.shift.pk).exists()


def test_segments_are_objects_and_checked_by_the_service(world_a):
    client = token_client(world_a.side.coordinator)
    night = body(
        world_a,
        "2026-05-10T08:00:00+02:00",
        "2026-05-11T08:00:00+02:00",
        segments=[
            {"offset": 0, "kind": "active"},
            {"offset": 840, "kind": "waiting"},
            {"offset": 1320, "kind": "active"},
        ],
    )
    response = client.post("/api/v1/shifts/", night, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["segments"][1] == {"offset": 840, "kind": "waiting"}
    assert Shift.objects.get(pk=response.json()["id"]).segments == [[0, "active"], [840, "waiting"], [1320, "active"]]
    bad = dict(night, start="2026-05-12T08:00:00+02:00", end="2026-05-13T08:00:00+02:00")
    bad["segments"] = [{"offset": 60, "kind": "active"}]
    response = client.post("/api/v1/shifts/", bad, format="json")
    assert response.status_code == 400 and response.json()["findings"][0]["code"] == "H3"


def test_changes_made_with_a_token_are_attributed_to_its_owner_in_the_audit_trail(world_a):
    client = token_client(world_a.side.coordinator)
    response = client.post("/api/v1/shifts/", body(world_a), format="json", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 201
    entry = AuditEntry.objects.filter(object_pk=str(response.json()["id"]), action=0).latest("timestamp")
    assert entry.actor == world_a.side.coordinator
    assert entry.remote_addr == "10.1.2.3"


def test_created_and_stored_findings_speak_english_with_accept_language_en(world_a):
    client = token_client(world_a.side.coordinator)
    first = body(world_a, "2026-05-05T14:00:00+02:00", "2026-05-05T22:00:00+02:00")
    assert client.post("/api/v1/shifts/", first, format="json").status_code == 201
    short_rest = body(world_a, "2026-05-06T04:00:00+02:00", "2026-05-06T10:00:00+02:00")
    created = client.post("/api/v1/shifts/", short_rest, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert created.status_code == 201
    (v1,) = [f for f in created.json()["findings"] if f["code"] == "V1"]
    assert v1["message"].startswith("Daily rest too short: within 24 hours from the start of work 2026-05-05 14:00")
    assert v1["message"].endswith("is missing. (V1)")
    assert v1["hint"].startswith("Move the shift's start 2026-05-06 04:00 to 2026-05-06 ")
    assert v1["hint"].endswith(" at the earliest or record a reason and compensatory rest.")

    url = f"/api/v1/shifts/{created.json()['id']}/"
    (stored_en,) = [f for f in client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["findings"] if f["code"] == "V1"]
    assert (stored_en["message"], stored_en["hint"]) == (v1["message"], v1["hint"])
    (stored_sv,) = [f for f in client.get(url, HTTP_ACCEPT_LANGUAGE="sv").json()["findings"] if f["code"] == "V1"]
    assert stored_sv["message"].startswith("För kort dygnsvila:")
    assert stored_sv["hint"].startswith("Flytta passets start 2026-05-06 04:00 till tidigast")
