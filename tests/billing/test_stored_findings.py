"""The month-end reuses the engine's stored findings only while nothing the
engine reads has changed, and a report from stored findings is the same as
one from a fresh engine run."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from assistans import factories as f
from assistans.models import Decision, ReferencePeriod
from billing import calculations, jobs, services, stored_findings
from billing.models import EngineRun
from scheduling import adapters, input_version
from scheduling.models import Shift
from scheduling.rules import model as m
from tests.billing.test_workflow import APRIL, add, at, compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_calls(monkeypatch) -> list:
    """Counts the month-end's engine runs (and still runs the engine)."""
    calls = []
    check = services.engine.check

    def counted(inp):
        calls.append(inp)
        return check(inp)

    monkeypatch.setattr(services.engine, "check", counted)
    return calls


def cap_month(side):
    """A cap excess (W4) on client B, a municipal decision beside FK's on A,
    a waiting-time pass and the spring DST night: findings, pools and payers
    all matter to the report."""
    a0 = side.assistants[0]
    ReferencePeriod.objects.create(employment=a0.employments.get(), start=date(2026, 3, 1), end=date(2026, 3, 31))
    client_a, client_b = side.clients
    f.AssignmentFactory(assistant=a0, client=client_b)
    Decision.objects.create(
        client=client_a,
        payer=Decision.Payer.MUNICIPALITY,
        start=date(2026, 3, 1),
        end=date(2026, 6, 30),
        weekly_hours=10,
        municipality_name="Solna",
    )
    for day in range(1, 16):
        add(side.provider, a0, client_a, (f"2026-03-{day:02d}", "08:00"), (f"2026-03-{day:02d}", "16:00"))
    add(
        side.provider,
        a0,
        client_a,
        ("2026-03-28", "22:00"),
        ("2026-03-29", "08:00"),
        segments=[[0, "active"], [60, "waiting"], [540, "active"]],
    )
    for day in range(16, 26):
        add(side.provider, a0, client_b, (f"2026-03-{day:02d}", "08:00"), (f"2026-03-{day:02d}", "18:00"))
    return client_a, client_b


def snapshots(reports: dict) -> dict:
    return {client_id: report.snapshot for client_id, report in reports.items()}


def test_a_second_month_end_reuses_the_stored_findings_and_gives_the_same_reports(alice, engine_calls):
    client_a, client_b = cap_month(alice)
    first = snapshots(compute(alice))
    assert len(engine_calls) == 1
    run = EngineRun.objects.get(provider=alice.provider)
    assert run.input_version == input_version.current(alice.provider.pk)
    assert {row[0] for row in run.findings} == {"W4"}

    second = snapshots(compute(alice))
    assert len(engine_calls) == 1  # no new engine run
    assert second == first
    not_payable_b = {n["reason"]: n["minutes"] for n in second[client_b.pk]["claim"]["not_payable"]}
    assert not_payable_b == {"W4": 220 * 60 - 12754}
    assert [d["payer"] for d in second[client_a.pk]["decisions"]] == ["fk", "municipality"]


def test_a_new_shift_makes_the_month_end_run_the_engine_again(alice, engine_calls):
    _client_a, client_b = cap_month(alice)
    compute(alice)
    add(alice.provider, alice.assistants[0], client_b, ("2026-03-27", "08:00"), ("2026-03-27", "18:00"))
    reports = snapshots(compute(alice))
    assert len(engine_calls) == 2
    not_payable_b = {n["reason"]: n["minutes"] for n in reports[client_b.pk]["claim"]["not_payable"]}
    assert not_payable_b == {"W4": 230 * 60 - 12754}  # the stale run would still say 220 h
    assert EngineRun.objects.filter(provider=alice.provider).count() == 1


def test_a_registry_change_makes_the_month_end_run_the_engine_again(alice, engine_calls):
    _client_a, client_b = cap_month(alice)
    compute(alice)
    period = ReferencePeriod.objects.get(employment__assistant=alice.assistants[0])
    period.end = date(2026, 4, 30)  # two months: the cap doubles
    period.save()
    reports = snapshots(compute(alice))
    assert len(engine_calls) == 2
    assert "W4" not in {n["reason"] for n in reports[client_b.pk]["claim"]["not_payable"]}


def test_a_deleted_shift_makes_the_month_end_run_the_engine_again(alice, engine_calls):
    _client_a, client_b = cap_month(alice)
    compute(alice)
    Shift.objects.filter(client=client_b, start__gte=at("2026-03-20", "00:00")).delete()
    reports = snapshots(compute(alice))
    assert len(engine_calls) == 2
    assert reports[client_b.pk]["claim"]["not_payable"] == []


def test_another_rule_set_makes_the_month_end_run_the_engine_again(alice, engine_calls, monkeypatch):
    cap_month(alice)
    compute(alice)
    monkeypatch.setattr(stored_findings.engine, "RULESET_VERSION", "2099.1")
    compute(alice)
    assert len(engine_calls) == 2


def test_changed_engine_code_makes_the_month_end_run_the_engine_again(alice, engine_calls, monkeypatch):
    cap_month(alice)
    compute(alice)
    assert len(stored_findings.code_fingerprint()) == 16
    monkeypatch.setattr(stored_findings, "code_fingerprint", lambda: "0123456789abcdef")
    compute(alice)
    assert len(engine_calls) == 2


def test_another_providers_change_keeps_the_stored_findings(alice, bob, engine_calls):
    cap_month(alice)
    compute(alice)
    add(bob.provider, bob.assistants[0], bob.clients[0], ("2026-03-02", "08:00"), ("2026-03-02", "16:00"))
    compute(alice)
    assert len(engine_calls) == 1


def test_a_month_end_for_other_clients_stores_its_own_window(alice, engine_calls):
    client_a, client_b = cap_month(alice)
    older = Decision.objects.get(client=client_a, payer=Decision.Payer.FK)
    older.start = date(2025, 7, 1)  # a longer pool history for A than for B
    older.save()
    compute(alice)
    compute(alice, clients=[client_b])
    assert len(engine_calls) == 2
    assert EngineRun.objects.filter(provider=alice.provider).count() == 2


def test_report_shifts_reads_what_to_rule_shift_makes_of_the_rows(alice):
    a0, client = alice.assistants[0], alice.clients[0]
    plain = add(alice.provider, a0, client, ("2026-03-02", "08:00"), ("2026-03-02", "16:00"))
    odd = Shift.objects.create(
        provider=alice.provider,
        assistant=a0,
        client=client,
        start=at("2026-03-03", "08:00") + timedelta(seconds=7, microseconds=250),
        end=at("2026-03-03", "09:00"),
        kind="standby",
        double=True,
    )
    night = add(
        alice.provider,
        a0,
        client,
        ("2026-03-28", "22:00"),
        ("2026-03-29", "08:00"),
        segments=[[0, "active"], [60, "waiting"], [540, "active"]],
    )
    add(alice.provider, a0, client, ("2026-05-02", "08:00"), ("2026-05-02", "16:00"))  # outside the window
    window = (at("2026-03-01", "00:00"), at("2026-04-01", "00:00"))
    got = adapters.report_shifts(provider_ids=[alice.provider.pk], start=window[0], end=window[1])
    expected = [
        adapters.to_rule_shift(row)
        for row in Shift.objects.filter(pk__in=[plain.pk, odd.pk, night.pk]).values_list(*adapters.SHIFT_COLUMNS)
    ]
    assert sorted(got[alice.provider.pk]) == sorted(expected)
    assert [s.kind for s in next(x for x in got[alice.provider.pk] if x.id == night.pk).segments] == [
        m.Kind.ACTIVE,
        m.Kind.WAITING,
        m.Kind.ACTIVE,
    ]
    assert adapters.report_shifts(provider_ids=[], start=window[0], end=window[1]) == {}


def test_findings_come_back_from_storage_as_they_went_in():
    instant = datetime(2026, 3, 29, 1, 59, 30, 5, tzinfo=UTC)
    finding = m.Finding(
        code="W4",
        severity=m.Severity.NOT_PAYABLE,
        shift_ids=(3, 7),
        assistant_id=5,
        client_id=9,
        start=instant,
        end=instant + timedelta(hours=2),
        minutes=120,
        message="Över taket",
        hint="Flytta passet",
        message_en="Over the cap (W4)",
        hint_en="Move the shift",
        accepted=True,
        exception_reason="akut",
    )
    warning = m.Finding("V1", m.Severity.WARNING, (3,), 5, None, instant, instant, 0, "", "", "")
    assert stored_findings.decode(stored_findings.encode([finding, warning])) == [finding]


def test_split_by_client_gives_each_client_its_month_history_and_findings():
    def plain(shift_id, client_id, day):
        start = datetime(2026, day[0], day[1], 8, tzinfo=UTC)
        return m.Shift(shift_id, 1, client_id, (m.Segment(start, start + timedelta(hours=8)),))

    shifts = [plain(1, "a", (2, 10)), plain(2, "a", (3, 5)), plain(3, "b", (3, 6))]
    w4 = m.Finding("W4", m.Severity.NOT_PAYABLE, (2, 3), 1, None, shifts[1].start, shifts[2].end, 60, "", "", "")
    groups = calculations.split_by_client(
        datetime(2026, 2, 28, 23, tzinfo=UTC), datetime(2026, 3, 31, 22, tzinfo=UTC), shifts, [w4]
    )
    assert [s.id for s in groups["a"].history] == [1]
    assert [s.id for s in groups["a"].shifts] == [2]
    assert groups["a"].findings == groups["b"].findings == [w4]
    assert groups["b"].history == []


def test_the_nightly_job_stores_the_findings_so_the_month_end_does_not_run_the_engine(alice, bob, engine_calls):
    cap_month(alice)
    result = jobs.refresh_findings(today=APRIL)
    assert result.done == [f"findings provider {alice.provider.pk} 2026-03"]
    assert len(engine_calls) == 1
    again = jobs.refresh_findings(today=APRIL)
    assert again.done == [] and again.skipped == [f"findings provider {alice.provider.pk} 2026-03"]
    reports = snapshots(compute(alice))
    assert len(engine_calls) == 1  # the month-end read what the job stored
    assert {n["reason"] for r in reports.values() for n in r["claim"]["not_payable"]} == {"W4"}


def test_the_nightly_job_goes_on_after_one_provider_fails(alice, bob, engine_calls, monkeypatch):
    cap_month(alice)
    add(bob.provider, bob.assistants[0], bob.clients[0], ("2026-03-02", "08:00"), ("2026-03-02", "16:00"))
    real = services.refresh_findings

    def failing(*, provider, month):
        if provider.pk == alice.provider.pk:
            raise RuntimeError("broken registry row")
        return real(provider=provider, month=month)

    monkeypatch.setattr(services, "refresh_findings", failing)
    result = jobs.refresh_findings(today=APRIL)
    assert result.failed == [f"findings provider {alice.provider.pk} 2026-03: RuntimeError"]
    assert result.done == [f"findings provider {bob.provider.pk} 2026-03"]


@pytest.mark.postgres
def test_the_bulk_loader_gives_the_engine_what_the_month_end_gives_it(alice):
    """bench_reports stores its runs through the bulk loader: its input must
    make the engine find what _compute's input does."""
    from django.db import connection

    cap_month(alice)
    _decisions, start, end = services._window(date(2026, 3, 1), list(alice.clients))
    single = adapters.provider_check_input(provider=alice.provider, start=start, end=end)
    (bulk,) = adapters.bulk_check_inputs(
        connection,
        start=start,
        end=end,
        history_days=adapters.MAX_PERIOD.days,
        provider_ids=[alice.provider.pk],
    )
    found = services.engine.check(single)
    assert sorted(map(repr, services.engine.check(bulk))) == sorted(map(repr, found))
    assert {f.code for f in found if f.severity == m.Severity.NOT_PAYABLE} == {"W4"}
    assert sorted(bulk.shifts) == sorted(single.shifts)
