"""Tenant isolation through the API: every endpoint, called as every role of
provider A (by session and by token) against provider B's objects, answers
404 in the error format: not 403, not data, and nothing of B changes."""

from __future__ import annotations

import pytest

from billing.models import MonthlyReport
from scheduling.models import Shift

from .conftest import ROLES, session_client, token_client

pytestmark = pytest.mark.django_db

LISTS = [
    "clients",
    "assistants",
    "decisions",
    "employments",
    "assignments",
    "shifts",
    "reports",
    "invoices",
]


def detail_calls(world) -> list[tuple[str, str, dict | None]]:
    side = world.side
    ids = {
        "clients": world.client.pk,
        "assistants": world.assistant.pk,
        "decisions": world.client.decisions.first().pk,
        "employments": world.assistant.employments.first().pk,
        "assignments": world.assistant.assignments.first().pk,
        "shifts": world.shift.pk,
        "reports": world.report.pk,
        "invoices": world.invoice.pk,
    }
    calls = []
    for resource, pk in ids.items():
        url = f"/api/v1/{resource}/{pk}/"
        calls.append(("get", url, None))
        if resource not in ("reports", "invoices"):
            calls.append(("patch", url, {"note": "x"} if resource == "shifts" else {}))
            calls.append(("put", url, {}))
    calls += [
        ("delete", f"/api/v1/shifts/{world.shift.pk}/", None),
        ("post", f"/api/v1/reports/{world.report.pk}/sign/", {}),
        ("post", f"/api/v1/reports/{world.report.pk}/sign/", {"time_report": world.report.time_reports.first().pk}),
        ("post", f"/api/v1/reports/{world.report.pk}/submit/", {}),
        ("get", f"/api/v1/reports/{world.report.pk}/export/?type=csv", None),
        ("get", f"/api/v1/reports/{world.report.pk}/export/?type=json", None),
        ("get", f"/api/v1/invoices/{world.invoice.pk}/pdf/", None),
    ]
    assert side is not None
    return calls


def callers(world):
    side = world.side
    for role in ROLES:
        user = getattr(side, role)
        yield f"{role} (session)", session_client(user)
        yield f"{role} (token)", token_client(user)
        yield f"{role} (read-only token)", token_client(user, read_only=True)


def test_every_endpoint_answers_404_for_another_providers_objects(world_a, world_b):
    calls = detail_calls(world_b)
    assert len(calls) >= 25
    failures = []
    for who, client in callers(world_a):
        for method, url, body in calls:
            call = getattr(client, method)
            response = call(url, body, format="json") if body is not None else call(url)
            data = response.json()
            if (
                response.status_code != 404
                or data.get("code") != "not_found"
                or set(data) != {"code", "detail", "fields"}
            ):
                failures.append((who, method.upper(), url, response.status_code, data))
    assert failures == []
    # nothing of B changed
    assert Shift.objects.filter(pk=world_b.shift.pk, note="").exists()
    assert MonthlyReport.objects.get(pk=world_b.report.pk).status == MonthlyReport.Status.DRAFT
    assert not world_b.report.time_reports.filter(provider_signed_at__isnull=False).exists()


def test_no_list_shows_another_providers_rows_even_when_filtered_by_their_ids(world_a, world_b):
    b = world_b
    foreign = {
        "clients": {c.pk for c in b.side.clients},
        "assistants": {a.pk for a in b.side.assistants},
        "shifts": {b.shift.pk, b.other_shift.pk},
        "reports": set(MonthlyReport.objects.filter(provider=b.side.provider).values_list("pk", flat=True)),
        "invoices": {b.invoice.pk},
    }
    for who, client in callers(world_a):
        for resource in LISTS:
            for query in ("", f"?client={b.client.pk}", f"?assistant={b.assistant.pk}"):
                response = client.get(f"/api/v1/{resource}/{query}")
                assert response.status_code == 200, (who, resource, response.json())
                ids = {row["id"] for row in response.json()["results"]}
                assert not ids & foreign.get(resource, set()), (who, resource)
                if query.startswith("?client=") and resource not in ("clients", "assistants", "employments"):
                    assert ids == set(), (who, resource, query)
        forecast = client.get("/api/v1/payout-forecast/")
        if forecast.status_code == 200:
            reports = {m["report"] for m in forecast.json()["months"]}
            assert not reports & foreign["reports"]


def test_assistants_reach_only_their_own_shifts_and_reports(world_a):
    client = session_client(world_a.side.assistant_user)
    shifts = client.get("/api/v1/shifts/").json()["results"]
    assert [s["id"] for s in shifts] == [world_a.shift.pk]
    assert client.get(f"/api/v1/shifts/{world_a.other_shift.pk}/").status_code == 404
    reports = client.get("/api/v1/reports/").json()["results"]
    assert [r["id"] for r in reports] == [world_a.report.pk]
    assert {tr["assistant"] for tr in reports[0]["time_reports"]} == {world_a.assistant.pk}
    assert client.get("/api/v1/decisions/").json()["results"] == []
    assert client.get("/api/v1/invoices/").json()["results"] == []
    assert client.get("/api/v1/payout-forecast/").status_code == 404


def test_clients_reach_only_their_own(world_a):
    client = session_client(world_a.side.client_user)
    assert [c["id"] for c in client.get("/api/v1/clients/").json()["results"]] == [world_a.client.pk]
    assert [s["id"] for s in client.get("/api/v1/shifts/").json()["results"]] == [world_a.shift.pk]
    assert client.get(f"/api/v1/shifts/{world_a.other_shift.pk}/").status_code == 404
    assert [r["id"] for r in client.get("/api/v1/reports/").json()["results"]] == [world_a.report.pk]
    assert client.get("/api/v1/assistants/").json()["results"] == []


def test_a_restricted_coordinator_reaches_only_the_assigned_client(world_a):
    client = session_client(world_a.side.restricted_coordinator)
    assert [c["id"] for c in client.get("/api/v1/clients/").json()["results"]] == [world_a.side.clients[1].pk]
    assert client.get(f"/api/v1/shifts/{world_a.shift.pk}/").status_code == 404
    assert client.get(f"/api/v1/shifts/{world_a.other_shift.pk}/").status_code == 200


def test_ids_of_another_provider_in_a_body_are_a_field_error_and_nothing_is_saved(world_a, world_b):
    client = token_client(world_a.side.coordinator)
    before = Shift.objects.count()
    response = client.post(
        "/api/v1/shifts/",
        {
            "assistant": world_b.assistant.pk,
            "client": world_b.client.pk,
            "start": "2026-05-05T08:00:00+02:00",
            "end": "2026-05-05T12:00:00+02:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"assistant", "client"}
    response = client.post(
        "/api/v1/assignments/",
        {"assistant": world_a.assistant.pk, "client": world_b.client.pk, "start": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "client" in response.json()["fields"]
    assert Shift.objects.count() == before


def test_personal_numbers_are_masked_except_for_the_providers_admin(world_a):
    number = world_a.client.personal_number
    masked = f"{number[2:8]}-****"
    for role in ("coordinator", "assistant_user", "client_user"):
        client = session_client(getattr(world_a.side, role))
        data = client.get(f"/api/v1/clients/{world_a.client.pk}/").json()
        assert data["personal_number"] == masked, role
        assert number[8:] not in str(client.get("/api/v1/reports/").json())
    admin = session_client(world_a.side.admin).get(f"/api/v1/clients/{world_a.client.pk}/").json()
    assert admin["personal_number"] == f"{number[:8]}-{number[8:]}"
