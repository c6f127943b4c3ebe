"""Personal API tokens: made by a provider admin on /api-nycklar/ (the
secret shown once, only a hash stored), scoped to reading only, revoked at
once; throttled per token."""

from __future__ import annotations

import pytest
from django.test import Client as PageClient
from rest_framework.test import APIClient

from api import tokens
from api.models import ApiToken
from assistans.models import Client

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


NEW_CLIENT = {"first_name": "Ny", "last_name": "Brukare", "personal_number": "19800412-1235"}


def test_a_provider_admin_makes_a_token_whose_secret_is_shown_once_and_stored_only_as_a_hash(alice):
    page = PageClient()
    page.force_login(alice.admin)
    response = page.post("/api-nycklar/", {"name": "Lönesystemet", "owner": alice.coordinator.pk, "read_only": "on"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    raw = response.context["new_token"]
    assert raw.startswith("ast_") and raw.encode() in response.content
    assert raw not in str(dict(page.session))
    token = ApiToken.objects.get()
    assert token.owner == alice.coordinator and token.read_only and token.created_by == alice.admin
    assert raw not in str(ApiToken.objects.values().get()) and token.secret_hash != raw
    again = page.get("/api-nycklar/")
    assert raw.encode() not in again.content and b"L\xc3\xb6nesystemet" in again.content
    assert bearer(raw).get("/api/v1/clients/").status_code == 200


def test_only_a_provider_admin_reaches_the_token_page_and_only_their_own_tokens(alice, bob):
    token, _raw = tokens.create_token(
        provider=bob.provider, owner=bob.admin, name="Bobs nyckel", read_only=False, created_by=bob.admin
    )
    for user in (alice.coordinator, alice.assistant_user, alice.client_user):
        page = PageClient()
        page.force_login(user)
        assert page.get("/api-nycklar/").status_code == 404
    page = PageClient()
    page.force_login(alice.admin)
    assert page.post(f"/api-nycklar/{token.pk}/aterkalla/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert b"Bobs nyckel" not in page.get("/api-nycklar/").content


def test_a_token_cannot_be_made_for_a_user_of_another_provider(alice, bob):
    page = PageClient()
    page.force_login(alice.admin)
    response = page.post("/api-nycklar/", {"name": "x", "owner": bob.coordinator.pk})
    assert response.status_code == 200 and response.context["form"].errors["owner"]
    assert not ApiToken.objects.exists()


def test_a_read_only_token_reads_but_every_change_is_refused_and_nothing_is_saved(world_a):
    client = token_client(world_a.side.admin, read_only=True)
    assert client.get("/api/v1/shifts/").status_code == 200
    assert client.get(f"/api/v1/reports/{world_a.report.pk}/export/?type=json").status_code == 200
    before = Client.objects.count()
    calls = [
        ("post", "/api/v1/clients/", NEW_CLIENT),
        ("patch", f"/api/v1/clients/{world_a.client.pk}/", {"municipality": "Täby"}),
        ("delete", f"/api/v1/shifts/{world_a.shift.pk}/", None),
        ("post", f"/api/v1/reports/{world_a.report.pk}/submit/", {}),
        ("post", f"/api/v1/reports/{world_a.report.pk}/sign/", {"time_report": world_a.report.time_reports.first().pk}),
    ]
    for method, url, body in calls:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (method, url)
        assert response.json()["code"] == "token_read_only"
    assert Client.objects.count() == before
    assert Client.objects.get(pk=world_a.client.pk).municipality == "Uppsala"


def test_a_token_acts_with_its_owners_role(world_a):
    assistant_token = token_client(world_a.side.assistant_user)
    response = assistant_token.post("/api/v1/clients/", NEW_CLIENT, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    coordinator_token = token_client(world_a.side.coordinator)
    response = coordinator_token.post("/api/v1/clients/", NEW_CLIENT, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["personal_number"] == "800412-****"


def test_a_revoked_token_stops_working_at_once(alice):
    token, raw = tokens.create_token(
        provider=alice.provider, owner=alice.coordinator, name="x", read_only=False, created_by=alice.admin
    )
    client = bearer(raw)
    assert client.get("/api/v1/clients/").status_code == 200
    page = PageClient()
    page.force_login(alice.admin)
    assert page.post(f"/api-nycklar/{token.pk}/aterkalla/").status_code == 302
    response = client.get("/api/v1/clients/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_token_of_a_user_who_left_the_provider_stops_working(alice, bob):
    _token, raw = tokens.create_token(
        provider=alice.provider, owner=alice.coordinator, name="x", read_only=False, created_by=alice.admin
    )
    membership = alice.coordinator.membership
    membership.provider = bob.provider
    membership.save()
    assert bearer(raw).get("/api/v1/clients/").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer ast_nope_nope", "Bearer", "Bearer a b", "Token ast_", "Bearer ast_" + "x" * 300],
)
def test_a_malformed_or_unknown_token_is_a_401_in_the_error_format(alice, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/clients/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "detail", "fields"}


def test_without_credentials_the_api_answers_401(db):
    response = APIClient().get("/api/v1/clients/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_the_token_is_marked_as_used(alice):
    token, raw = tokens.create_token(
        provider=alice.provider, owner=alice.admin, name="x", read_only=True, created_by=alice.admin
    )
    assert token.last_used_at is None
    bearer(raw).get("/api/v1/clients/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_each_token_is_throttled_on_its_own(alice, settings):
    rates = dict(settings.REST_FRAMEWORK)
    rates["DEFAULT_THROTTLE_RATES"] = {"token": "3/min", "user": "100/min"}
    settings.REST_FRAMEWORK = rates
    first, second = token_client(alice.coordinator), token_client(alice.coordinator)
    assert [first.get("/api/v1/clients/").status_code for _ in range(3)] == [200, 200, 200]
    response = first.get("/api/v1/clients/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and int(response["Retry-After"]) > 0
    assert second.get("/api/v1/clients/").status_code == 200
    assert session_client(alice.coordinator).get("/api/v1/clients/").status_code == 200


def test_a_coordinator_of_assigned_clients_cannot_create_a_client_they_could_not_reach(world_a):
    restricted = token_client(world_a.side.restricted_coordinator)
    before = Client.objects.count()
    response = restricted.post("/api/v1/clients/", NEW_CLIENT, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "alla brukare" in response.json()["detail"]
    assert Client.objects.count() == before
