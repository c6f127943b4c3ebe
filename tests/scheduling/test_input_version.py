"""The engine-input counter (``scheduling.input_version``): every write to a
row the rules engine reads for a provider bumps that provider's counter in
the same transaction, and no other provider's."""

from __future__ import annotations

import ast
import contextlib
import inspect
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from assistans import factories as f
from assistans.models import (
    Absence,
    Assistant,
    Client,
    CollectiveAgreement,
    ExternalHours,
    Provider,
    ReferencePeriod,
)
from scheduling import adapters, input_version, services
from scheduling.models import RuleException, Shift
from scheduling.rules.timeutil import make_aware

pytestmark = pytest.mark.django_db


def at(day: str, clock: str = "08:00") -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


def version(provider) -> int:
    return input_version.current(provider.pk)


class Counters:
    """The counters of the given providers now, to compare after a write."""

    def __init__(self, *providers):
        self.providers = providers
        self.before = {p.pk: version(p) for p in providers}

    def moved(self) -> dict:
        return {p.pk: version(p) > self.before[p.pk] for p in self.providers}

    def assert_only(self, *bumped) -> None:
        expected = {p.pk: p in bumped for p in self.providers}
        assert self.moved() == expected


def new_shift(side, day="2026-03-02", assistant=0, client=0) -> Shift:
    return Shift.objects.create(
        provider=side.provider,
        assistant=side.assistants[assistant],
        client=side.clients[client],
        start=at(day, "08:00"),
        end=at(day, "16:00"),
    )


# --- create / change / delete of every watched model ----------------------


@dataclass(frozen=True)
class Case:
    """How to create, change and delete one row of a model for a side."""

    label: str
    create: object
    change: object

    def __str__(self) -> str:
        return self.label


def _change(**values):
    def apply(row):
        for name, value in values.items():
            setattr(row, name, value(row) if callable(value) else value)
        row.save()

    return apply


CASES = [
    Case("scheduling.Shift", lambda s: new_shift(s), _change(end=lambda r: r.end + timedelta(hours=1))),
    Case(
        "scheduling.RuleException",
        lambda s: RuleException.objects.create(shift=new_shift(s), code="V1", reason="Sjuk kollega"),
        _change(reason="Annat skäl"),
    ),
    Case("assistans.Permit", lambda s: f.PermitFactory(provider=s.provider), _change(valid_until=date(2030, 1, 1))),
    Case("assistans.Client", lambda s: f.ClientFactory(provider=s.provider), _change(last_name="Nilsson")),
    Case(
        "assistans.Decision",
        lambda s: f.DecisionFactory(client=s.clients[0], start=date(2027, 1, 1), end=date(2027, 6, 30)),
        _change(weekly_hours=Decimal("120")),
    ),
    Case(
        "assistans.Absence",
        lambda s: Absence.objects.create(
            client=s.clients[0], kind=Absence.Kind.HOSPITAL, start=at("2026-03-02"), end=at("2026-03-05")
        ),
        _change(exception=True, exception_reason="Behöver assistans på sjukhuset"),
    ),
    Case("assistans.Assistant", lambda s: f.AssistantFactory(provider=s.provider), _change(last_name="Nilsson")),
    Case(
        "assistans.Employment",
        lambda s: f.EmploymentFactory(assistant=f.AssistantFactory(provider=s.provider)),
        _change(end=date(2026, 12, 31)),
    ),
    Case(
        "assistans.ReferencePeriod",
        lambda s: ReferencePeriod.objects.create(
            employment=s.assistants[0].employments.get(), start=date(2026, 1, 1), end=date(2026, 4, 30)
        ),
        _change(end=date(2026, 3, 31)),
    ),
    Case(
        "assistans.ExternalHours",
        lambda s: ExternalHours.objects.create(
            assistant=s.assistants[0], start=date(2026, 1, 1), end=date(2026, 1, 31), minutes=600
        ),
        _change(minutes=900),
    ),
    Case(
        "assistans.Assignment",
        lambda s: f.AssignmentFactory(assistant=s.assistants[0], client=s.clients[1]),
        _change(fk_notified_on=date(2025, 2, 1)),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_create_change_and_delete_bump_only_the_rows_provider(case, alice, bob):
    counters = Counters(alice.provider, bob.provider)
    row = case.create(alice)
    assert row._meta.label == case.label
    counters.assert_only(alice.provider)

    counters = Counters(alice.provider, bob.provider)
    case.change(row)
    counters.assert_only(alice.provider)

    counters = Counters(alice.provider, bob.provider)
    row.delete()
    counters.assert_only(alice.provider)


def test_the_cases_cover_every_watched_model():
    assert {case.label for case in CASES} | {"assistans.Provider", "assistans.CollectiveAgreement"} == set(
        input_version.WATCHED_MODELS
    )


def test_a_provider_change_bumps_it_and_only_it(alice, bob):
    counters = Counters(alice.provider, bob.provider)
    provider = Provider.objects.get(pk=alice.provider.pk)
    provider.kind = Provider.Kind.MUNICIPALITY
    provider.save()
    counters.assert_only(alice.provider)


def test_a_new_provider_starts_its_own_count_and_a_deleted_one_touches_no_other(alice, bob):
    counters = Counters(alice.provider, bob.provider)
    provider = f.ProviderFactory(permit=None)
    assert version(provider) >= 1
    provider.delete()
    counters.assert_only()


def test_an_agreement_change_bumps_every_provider_on_it(alice, bob):
    agreement = CollectiveAgreement.objects.create(code="test-avtal", name="Testavtal", max_period_months=6)
    third = f.ProviderFactory()
    for provider in (alice.provider, third):
        provider.collective_agreement = agreement
        provider.save()
    counters = Counters(alice.provider, bob.provider, third)
    agreement.max_period_months = 3
    agreement.save()
    counters.assert_only(alice.provider, third)


def test_an_unused_agreement_comes_and_goes_without_touching_a_provider(alice, bob):
    counters = Counters(alice.provider, bob.provider)
    agreement = CollectiveAgreement.objects.create(code="oanvant", name="Oanvänt avtal")
    agreement.delete()
    counters.assert_only()


@pytest.mark.parametrize("model", [Client, Assistant], ids=lambda m: m.__name__)
def test_moving_a_row_to_another_provider_bumps_both(model, alice, bob):
    third = f.ProviderFactory()
    factory = f.ClientFactory if model is Client else f.AssistantFactory
    row = factory(provider=alice.provider)
    counters = Counters(alice.provider, bob.provider, third)
    row.provider = third
    row.save()
    counters.assert_only(alice.provider, third)


def test_moving_a_shift_to_another_provider_bumps_both(alice, bob):
    shift = new_shift(alice)
    counters = Counters(alice.provider, bob.provider)
    shift = Shift.objects.get(pk=shift.pk)
    shift.provider = bob.provider
    shift.save(update_fields=["provider"])
    counters.assert_only(alice.provider, bob.provider)


def test_an_employment_bumps_its_employer_and_its_assistants_provider(alice, bob):
    # The registry keeps them equal (Employment.clean); the counter does not rely on it.
    counters = Counters(alice.provider, bob.provider)
    f.EmploymentFactory(assistant=alice.assistants[0], employer=bob.provider, start=date(2030, 1, 1))
    counters.assert_only(alice.provider, bob.provider)


# --- cascades, transactions, the recording service -------------------------


def test_a_client_deleted_with_its_absences_bumps_its_provider(alice, bob):
    client = f.ClientFactory(provider=alice.provider)
    for day in ("2026-03-02", "2026-03-09"):
        Absence.objects.create(client=client, kind=Absence.Kind.SCHOOL, start=at(day), end=at(day, "15:00"))
    counters = Counters(alice.provider, bob.provider)
    client.delete()
    assert not Absence.objects.filter(client_id=client.pk).exists()
    counters.assert_only(alice.provider)


def test_a_shift_deleted_with_its_rule_exceptions_bumps_its_provider(alice, bob):
    shift = new_shift(alice)
    RuleException.objects.create(shift=shift, code="V1", reason="Sjuk kollega")
    counters = Counters(alice.provider, bob.provider)
    shift.delete()
    assert not RuleException.objects.exists()
    counters.assert_only(alice.provider)


def test_an_employment_deleted_with_its_reference_periods_bumps_its_provider(alice, bob):
    employment = f.EmploymentFactory(assistant=f.AssistantFactory(provider=alice.provider))
    ReferencePeriod.objects.create(employment=employment, start=date(2025, 1, 1), end=date(2025, 4, 30))
    counters = Counters(alice.provider, bob.provider)
    employment.delete()
    counters.assert_only(alice.provider)


def test_a_queryset_delete_bumps_like_single_deletes(alice, bob):
    for day in ("2026-03-02", "2026-03-03"):
        Absence.objects.create(client=alice.clients[0], kind=Absence.Kind.SCHOOL, start=at(day), end=at(day, "15:00"))
    counters = Counters(alice.provider, bob.provider)
    Absence.objects.filter(client__provider=alice.provider).delete()
    counters.assert_only(alice.provider)


def test_a_rolled_back_write_leaves_the_counter(alice, bob):
    counters = Counters(alice.provider, bob.provider)
    with pytest.raises(RuntimeError), transaction.atomic():
        new_shift(alice)
        raise RuntimeError("roll back")
    counters.assert_only()


def _data(side, day, start, end, client=0):
    return services.ShiftData(
        assistant_id=side.assistants[0].pk,
        client_id=side.clients[client].pk,
        start=at(day, start),
        end=at(day, end),
    )


def test_recording_a_shift_bumps_and_a_refused_one_does_not(alice, bob):
    f.AssignmentFactory(assistant=alice.assistants[0], client=alice.clients[1])
    counters = Counters(alice.provider, bob.provider)
    services.record_shift(actor=None, provider=alice.provider, data=_data(alice, "2026-03-05", "08:00", "16:00"))
    counters.assert_only(alice.provider)

    counters = Counters(alice.provider, bob.provider)
    with pytest.raises(services.ShiftRefused):
        services.record_shift(
            actor=None, provider=alice.provider, data=_data(alice, "2026-03-05", "14:00", "18:00", client=1)
        )
    counters.assert_only()


def test_deleting_a_shift_through_the_service_bumps(alice, bob):
    shift, _findings = services.record_shift(
        actor=None, provider=alice.provider, data=_data(alice, "2026-03-05", "08:00", "16:00")
    )
    counters = Counters(alice.provider, bob.provider)
    services.delete_shift(actor=None, provider=alice.provider, shift=shift)
    counters.assert_only(alice.provider)


def test_demo_shifts_made_in_bulk_bump(alice, bob):
    from scheduling import demo

    counters = Counters(alice.provider, bob.provider)
    made = demo.create_demo_shifts(
        provider=alice.provider, first=date(2026, 3, 2), last=date(2026, 3, 3), today=date(2026, 3, 3)
    )
    assert made > 0
    counters.assert_only(alice.provider)


# --- bump, current and Provider.save ----------------------------------------


def test_bump_with_no_ids_does_nothing(alice, django_assert_num_queries):
    before = version(alice.provider)
    with django_assert_num_queries(0):
        input_version.bump([])
        input_version.bump([None])
    assert version(alice.provider) == before


def test_bump_adds_one_to_each_provider_named(alice, bob):
    before = {p.pk: version(p) for p in (alice.provider, bob.provider)}
    input_version.bump([alice.provider.pk, bob.provider.pk, alice.provider.pk])
    assert {p.pk: version(p) for p in (alice.provider, bob.provider)} == {pk: v + 1 for pk, v in before.items()}


def test_current_reads_the_database_not_an_instance(alice):
    stale = Provider.objects.get(pk=alice.provider.pk)
    input_version.bump([stale.pk])
    assert input_version.current(stale.pk) == stale.engine_input_version + 1


def test_saving_a_stale_provider_never_sets_the_counter_back(alice):
    stale = Provider.objects.get(pk=alice.provider.pk)
    input_version.bump([stale.pk])
    input_version.bump([stale.pk])
    bumped = input_version.current(stale.pk)
    stale.name = "Nytt namn AB"
    stale.save()
    assert Provider.objects.get(pk=stale.pk).name == "Nytt namn AB"
    assert input_version.current(stale.pk) > bumped


# --- the watched models are every model the adapters read -------------------

_TABLE = re.compile(r"\b((?:assistans|scheduling|billing|audit|api)_[a-z_]+)\b")


def _models_of_tables(text: str) -> set[str]:
    by_table = {model._meta.db_table: model._meta.label for model in apps.get_models()}
    return {by_table[name] for name in _TABLE.findall(text) if name in by_table}


def _models_imported(source: str, package: str) -> set[str]:
    """Every model class the module imports by name from a models module
    (``from assistans.models import X``, or ``from .models import X`` in ``package``)."""
    labels = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").endswith("models"):
            continue
        app = package if node.level else node.module.split(".")[0]
        for alias in node.names:
            with contextlib.suppress(LookupError):  # not a model: a choices class or a helper
                labels.add(apps.get_model(app, alias.name)._meta.label)
    return labels


def test_every_table_in_the_adapters_source_is_watched():
    source = inspect.getsource(adapters)
    read = _models_of_tables(source) | _models_imported(source, "scheduling")
    # The test itself must see the reads it guards.
    assert {"scheduling.Shift", "assistans.Permit", "assistans.CollectiveAgreement"} <= read
    assert read <= set(input_version.WATCHED_MODELS), read - set(input_version.WATCHED_MODELS)


def test_every_table_the_adapters_query_is_watched(alice):
    shift = new_shift(alice)
    RuleException.objects.create(shift=shift, code="V1", reason="Sjuk kollega")
    Absence.objects.create(
        client=alice.clients[0], kind=Absence.Kind.SCHOOL, start=at("2026-03-02"), end=at("2026-03-03")
    )
    start, end = at("2026-03-01", "00:00"), at("2026-04-01", "00:00")
    with CaptureQueriesContext(connection) as queries:
        adapters.provider_check_input(provider=alice.provider, start=start, end=end)
        adapters.window_check_input(
            provider=alice.provider,
            assistant_id=shift.assistant_id,
            client_id=shift.client_id,
            start=shift.start,
            end=shift.end,
        )
        adapters.registry_probe([shift.assistant_id])
        adapters.report_shifts(provider_ids=[alice.provider.pk], start=start, end=end)
        if connection.vendor == "postgresql":
            list(adapters.bulk_check_inputs(connection, start=start, end=end, provider_ids=[alice.provider.pk]))
    read = _models_of_tables(" ".join(q["sql"] for q in queries.captured_queries))
    assert {"scheduling.Shift", "assistans.Permit", "assistans.CollectiveAgreement", "assistans.Absence"} <= read
    assert read <= set(input_version.WATCHED_MODELS), read - set(input_version.WATCHED_MODELS)


def test_no_watched_model_has_a_many_to_many_field():
    # m2m_changed is not received: a watched model with one would need it.
    for label in input_version.WATCHED_MODELS:
        assert not apps.get_model(label)._meta.many_to_many, label


def test_every_watched_model_has_its_receivers():
    from django.db.models.signals import post_delete, post_save

    for label in input_version.WATCHED_MODELS:
        model = apps.get_model(label)
        assert post_save.has_listeners(model) and post_delete.has_listeners(model), label
