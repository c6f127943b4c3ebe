"""The API's cast: both providers of the shared cast, each with a shift, a
monthly report and a municipal invoice, and API clients for every role,
by session and by token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api import tokens
from assistans.models import Decision
from billing import services as billing
from scheduling import services as scheduling
from scheduling.rules.timeutil import make_aware

APRIL = date(2026, 4, 15)
MARCH = date(2026, 3, 1)


def at(day: str, clock: str):
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


@dataclass
class World:
    side: object
    shift: object
    other_shift: object
    report: object
    invoice: object

    @property
    def client(self):
        return self.side.clients[0]

    @property
    def assistant(self):
        return self.side.assistants[0]


def build_world(side) -> World:
    client0, client1 = side.clients
    a0, a1 = side.assistants
    client1.decisions.all().delete()
    Decision.objects.create(
        client=client1,
        payer="municipality",
        municipality_name="Uppsala kommun",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        weekly_hours=10,
    )

    def record(assistant, client, day):
        data = scheduling.ShiftData(assistant.pk, client.pk, at(day, "08:00"), at(day, "12:00"))
        shift, _findings = scheduling.record_shift(actor=side.coordinator, provider=side.provider, data=data)
        return shift

    shift = record(a0, client0, "2026-03-05")
    other = record(a1, client1, "2026-03-06")
    reports = {r.client_id: r for r in billing.compute_reports(provider=side.provider, month=MARCH, today=APRIL)}
    invoice = billing.issue_invoice(report=reports[client1.pk], today=APRIL)
    return World(side=side, shift=shift, other_shift=other, report=reports[client0.pk], invoice=invoice)


@pytest.fixture(autouse=True)
def _clear_throttle_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world_a(alice) -> World:
    return build_world(alice)


@pytest.fixture
def world_b(bob) -> World:
    return build_world(bob)


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def token_client(user, *, read_only: bool = False) -> APIClient:
    _token, raw = tokens.create_token(
        provider=user.membership.provider, owner=user, name="test", read_only=read_only, created_by=user
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


ROLES = ["admin", "coordinator", "restricted_coordinator", "assistant_user", "client_user"]
