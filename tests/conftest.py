"""The shared cast (after healthchecks' BaseTestCase): two providers, each
with clients and assistants, and users of every role; every feature gets a
"cannot reach the other provider" test for free."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests: no per-example deadline (a loaded 2-core CI machine is slow
# at random moments), and a fixed sequence of examples in CI so a landing never
# depends on a random draw; local runs keep exploring new examples.
hypothesis_settings.register_profile("local", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "local")


def pytest_configure(config):
    if not config.pluginmanager.hasplugin("django"):
        return  # the pure rule tests also run with -p no:django
    from django.conf import settings

    # Hashing demo passwords with the production hasher costs seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _missing_service(item) -> str | None:
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            return "needs PostgreSQL: set DATABASE_URL=postgres://... (CI always does)"
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        return "needs a Redis server: set REDIS_URL=redis://... (CI always does)"
    return None


def pytest_runtest_setup(item):
    """Tests that need PostgreSQL or Redis skip with a reason on a bare
    machine, and fail in CI, where the services must be there."""
    reason = _missing_service(item)
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must not skip: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_settings(request):
    # Production settings redirect to HTTPS; the test client speaks plain HTTP.
    # The pure rule tests (tests/rules) need no Django at all.
    if "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db"):
        settings = request.getfixturevalue("settings")
        settings.SECURE_SSL_REDIRECT = False
        # Generated documents go to a temporary folder, never into the project.
        settings.MEDIA_ROOT = str(request.getfixturevalue("tmp_path") / "media")


@dataclass
class Side:
    provider: object
    clients: list
    assistants: list
    admin: object
    coordinator: object
    restricted_coordinator: object
    assistant_user: object
    client_user: object


def ensure_reference_data() -> None:
    """The rates and agreements the migrations seed. A transactional test's
    flush empties them, so the cast puts them back for whoever comes next."""
    from billing.calculations import DEFAULT_RATES
    from billing.models import StandardRate

    for year in DEFAULT_RATES.years:
        StandardRate.objects.get_or_create(year=year, defaults={"amount": DEFAULT_RATES.rate_for_year(year)})


def make_side(name: str) -> Side:
    from assistans import factories as f
    from assistans.models import Membership

    ensure_reference_data()

    provider = f.ProviderFactory(name=f"{name} Assistans AB")
    clients = [f.ClientFactory(provider=provider) for _ in range(2)]
    assistants = [f.AssistantFactory(provider=provider) for _ in range(2)]
    for assistant in assistants:
        f.EmploymentFactory(assistant=assistant)
    f.AssignmentFactory(assistant=assistants[0], client=clients[0])
    f.AssignmentFactory(assistant=assistants[1], client=clients[1])
    for client in clients:
        f.DecisionFactory(client=client)
    admin = f.MembershipFactory(
        user=f.UserFactory(username=f"{name.lower()}-admin"), provider=provider, role=Membership.Role.ADMIN
    ).user
    coordinator = f.MembershipFactory(user=f.UserFactory(username=f"{name.lower()}-coord"), provider=provider).user
    restricted = f.MembershipFactory(
        user=f.UserFactory(username=f"{name.lower()}-coord2"), provider=provider, all_clients=False
    )
    restricted.clients.add(clients[1])
    assistant_user = f.MembershipFactory(
        user=f.UserFactory(username=f"{name.lower()}-assistant"),
        provider=provider,
        role=Membership.Role.ASSISTANT,
        assistant=assistants[0],
    ).user
    client_membership = f.MembershipFactory(
        user=f.UserFactory(username=f"{name.lower()}-client"), provider=provider, role=Membership.Role.CLIENT
    )
    client_membership.clients.add(clients[0])
    return Side(
        provider=provider,
        clients=clients,
        assistants=assistants,
        admin=admin,
        coordinator=coordinator,
        restricted_coordinator=restricted.user,
        assistant_user=assistant_user,
        client_user=client_membership.user,
    )


@pytest.fixture
def alice(db) -> Side:
    """Provider A with its clients, assistants and users of every role."""
    return make_side("Alfa")


@pytest.fixture
def bob(db) -> Side:
    """Provider B: the outsider whose rows A must never reach."""
    return make_side("Beta")
