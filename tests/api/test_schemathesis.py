"""Property-based run of the whole API against its own OpenAPI schema
(schemathesis), authenticated as a coordinator of provider A with B's data
present: no operation may answer with a server error or with a response the
schema does not describe. Bounded (a few examples per operation) so it runs
in well under a minute, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from .conftest import token_client

pytestmark = pytest.mark.django_db

#: A deeper local run: SCHEMATHESIS_MAX_EXAMPLES=100 pytest tests/api/test_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))


@pytest.fixture
def coordinator_header(world_a, world_b) -> dict:
    client = token_client(world_a.side.coordinator)
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


def own_ids(world) -> dict[str, int]:
    """One reachable object per resource, so generated changes also hit real
    rows (random ids alone mostly meet 404)."""
    return {
        "clients": world.client.pk,
        "assistants": world.assistant.pk,
        "decisions": world.client.decisions.first().pk,
        "employments": world.assistant.employments.first().pk,
        "assignments": world.assistant.assignments.first().pk,
        "shifts": world.shift.pk,
        "reports": world.report.pk,
        "invoices": world.invoice.pk,
    }


def strategies(operation, ids: dict[str, int]):
    yield operation.as_strategy()
    if "{id}" in operation.path:
        resource = operation.path.removeprefix("/api/v1/").split("/")[0]
        yield operation.as_strategy(path_parameters={"id": ids[resource]})


def test_the_api_keeps_to_its_schema_and_never_fails_with_a_server_error(
    coordinator_header, world_a, settings_override, wsgi_app
):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    ids = own_ids(world_a)
    failures = []
    for operation, strategy in ((op, st) for op in operations for st in strategies(op, ids)):

        @given(case=strategy)
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def check(case):
            response = case.call(headers=coordinator_header)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.label}: {exc}")
    assert failures == [], "\n\n".join(failures)


@pytest.fixture
def wsgi_app():
    """The real WSGI application, as schemathesis calls it. Like Django's test
    client, keep the test's database connection open across requests (the
    handler would close it at the end of each request, inside the test's
    transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def settings_override(settings):
    # Many requests in a row from one token: not what throttling is tested on.
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {"token": "100000/min", "user": "100000/min"}
    settings.REST_FRAMEWORK = rest
