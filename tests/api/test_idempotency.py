"""Idempotency keys on POST: a repeated key returns the first response and
never makes a second shift; the same key with another body is refused."""

from __future__ import annotations

import pytest

from api.models import IdempotencyRecord
from scheduling.models import Shift

from .conftest import session_client, token_client

pytestmark = pytest.mark.django_db


def shift_body(world, day="2026-05-05", start="08:00", end="12:00") -> dict:
    return {
        "assistant": world.assistant.pk,
        "client": world.client.pk,
        "start": f"{day}T{start}:00+02:00",
        "end": f"{day}T{end}:00+02:00",
    }


def test_a_repeated_key_returns_the_first_response_and_never_a_second_shift(world_a):
    client = token_client(world_a.side.coordinator)
    before = Shift.objects.count()
    first = client.post("/api/v1/shifts/", shift_body(world_a), format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    second = client.post("/api/v1/shifts/", shift_body(world_a), format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Shift.objects.count() == before + 1


def test_without_a_key_a_repeat_is_judged_again_by_the_engine(world_a):
    client = token_client(world_a.side.coordinator)
    assert client.post("/api/v1/shifts/", shift_body(world_a), format="json").status_code == 201
    again = client.post("/api/v1/shifts/", shift_body(world_a), format="json")
    assert again.status_code == 409 and again.json()["findings"][0]["code"] == "H1"


def test_the_same_key_with_another_body_is_refused_with_422(world_a):
    client = token_client(world_a.side.coordinator)
    assert (
        client.post("/api/v1/shifts/", shift_body(world_a), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    )
    other = client.post(
        "/api/v1/shifts/", shift_body(world_a, day="2026-05-06"), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused" and set(other.json()) == {"code", "detail", "fields"}
    assert not Shift.objects.filter(start__date="2026-05-06").exists()


def test_a_refusal_is_replayed_too_and_a_key_is_per_token(world_a):
    first_token, second_token = token_client(world_a.side.coordinator), token_client(world_a.side.coordinator)
    overlapping = shift_body(world_a, day="2026-03-05", start="10:00", end="14:00")
    refused = first_token.post("/api/v1/shifts/", overlapping, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert refused.status_code == 409
    assert first_token.post("/api/v1/shifts/", overlapping, format="json", HTTP_IDEMPOTENCY_KEY="same").json() == (
        refused.json()
    )
    # another token with the same key is another request
    fresh = second_token.post("/api/v1/shifts/", shift_body(world_a), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert fresh.status_code == 201


def test_session_users_have_their_own_keys(world_a):
    client = session_client(world_a.side.coordinator)
    first = client.post("/api/v1/shifts/", shift_body(world_a), format="json", HTTP_IDEMPOTENCY_KEY="s1")
    second = client.post("/api/v1/shifts/", shift_body(world_a), format="json", HTTP_IDEMPOTENCY_KEY="s1")
    assert first.status_code == 201 and second.json()["id"] == first.json()["id"]
    assert IdempotencyRecord.objects.get(key="s1").token is None


def test_a_key_still_being_answered_gets_409(world_a):
    client = token_client(world_a.side.coordinator)
    body = shift_body(world_a)
    assert client.post("/api/v1/shifts/", body, format="json", HTTP_IDEMPOTENCY_KEY="busy").status_code == 201
    IdempotencyRecord.objects.filter(key="busy").update(status_code=None, response_body=None)
    response = client.post("/api/v1/shifts/", body, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409 and response.json()["code"] == "idempotency_in_progress"


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_a_malformed_key_is_a_400(world_a, key):
    client = token_client(world_a.side.coordinator)
    response = client.post("/api/v1/shifts/", shift_body(world_a), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["fields"]
    assert not Shift.objects.filter(start__date="2026-05-05").exists()


def test_old_keys_are_purged_and_a_purged_key_runs_again(world_a):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    client = token_client(world_a.side.coordinator)
    first = client.post("/api/v1/shifts/", shift_body(world_a), format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.filter(key="old").update(created_at=timezone.now() - timedelta(days=3))
    call_command("purge_idempotency_keys", "--hours", "48")
    assert not IdempotencyRecord.objects.filter(key="old").exists()
    again = client.post("/api/v1/shifts/", shift_body(world_a), format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 409 and again.json()["findings"][0]["code"] == "H1"  # judged again, no second shift
    assert Shift.objects.filter(pk=first.json()["id"]).exists()


def test_a_claim_left_by_a_dead_process_is_released_after_a_while(world_a):
    """The first request's process died before answering: its transaction
    rolled back (no shift), its claim stayed. Ten minutes on, a retry runs."""
    from datetime import timedelta

    from django.utils import timezone

    client = token_client(world_a.side.coordinator)
    body = shift_body(world_a, day="2026-05-06")
    assert client.post("/api/v1/shifts/", body, format="json", HTTP_IDEMPOTENCY_KEY="dead").status_code == 201
    Shift.objects.filter(start__date="2026-05-06").delete()  # as if it never committed
    claim = IdempotencyRecord.objects.filter(key="dead")
    claim.update(status_code=None, response_body=None, created_at=timezone.now() - timedelta(minutes=5))
    assert client.post("/api/v1/shifts/", body, format="json", HTTP_IDEMPOTENCY_KEY="dead").status_code == 409
    claim.update(created_at=timezone.now() - timedelta(minutes=11))
    retry = client.post("/api/v1/shifts/", body, format="json", HTTP_IDEMPOTENCY_KEY="dead")
    assert retry.status_code == 201 and not retry.has_header("Idempotent-Replayed")
    assert Shift.objects.filter(start__date="2026-05-06").count() == 1
