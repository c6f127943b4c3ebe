"""The recording service: every write runs the engine over the affected
window in one transaction, stores the findings and refuses hard conflicts."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from django.db import connection

from assistans import factories as f
from scheduling import services
from scheduling.models import MonthLock, RuleException, Shift, ShiftFinding
from scheduling.rules.timeutil import make_aware

pytestmark = pytest.mark.django_db


def at(day: str, clock: str):
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


def data(assistant, client, start, end, **extra) -> services.ShiftData:
    return services.ShiftData(assistant_id=assistant.pk, client_id=client.pk, start=at(*start), end=at(*end), **extra)


@pytest.fixture
def team(alice):
    """Alice's first assistant works for both of her clients."""
    f.AssignmentFactory(assistant=alice.assistants[0], client=alice.clients[1])
    return alice


def test_it_saves_a_shift_with_no_findings(team):
    shift, findings = services.record_shift(
        actor=team.coordinator,
        provider=team.provider,
        data=data(team.assistants[0], team.clients[0], ("2026-03-05", "08:00"), ("2026-03-05", "16:00")),
    )
    assert Shift.objects.filter(pk=shift.pk).exists()
    assert shift.created_by == team.coordinator
    assert findings == []
    assert not ShiftFinding.objects.filter(shift=shift).exists()


def test_it_rejects_overlap_across_clients(team):
    services.record_shift(
        actor=None,
        provider=team.provider,
        data=data(team.assistants[0], team.clients[0], ("2026-03-05", "08:00"), ("2026-03-05", "16:00")),
    )
    with pytest.raises(services.ShiftRefused) as excinfo:
        services.record_shift(
            actor=None,
            provider=team.provider,
            data=data(team.assistants[0], team.clients[1], ("2026-03-05", "14:00"), ("2026-03-05", "18:00")),
        )
    assert [x.code for x in excinfo.value.findings] == ["H1"]
    assert "överlappar" in excinfo.value.findings[0].message
    assert Shift.objects.count() == 1


def test_it_refuses_end_before_start_with_a_swedish_message(team):
    with pytest.raises(services.ShiftRefused) as excinfo:
        services.record_shift(
            actor=None,
            provider=team.provider,
            data=data(team.assistants[0], team.clients[0], ("2026-03-05", "16:00"), ("2026-03-05", "08:00")),
        )
    assert excinfo.value.findings[0].code == "H3"
    assert "måste ligga efter" in excinfo.value.findings[0].message
    assert not Shift.objects.exists()


def test_it_refuses_an_assistant_of_another_provider(team, bob):
    with pytest.raises(services.ShiftRefused) as excinfo:
        services.record_shift(
            actor=None,
            provider=team.provider,
            data=data(bob.assistants[0], team.clients[0], ("2026-03-05", "08:00"), ("2026-03-05", "16:00")),
        )
    assert excinfo.value.findings[0].message == "Okänd assistent."


def test_it_refuses_a_client_the_assistant_is_not_assigned_to(alice):
    with pytest.raises(services.ShiftRefused) as excinfo:
        services.record_shift(
            actor=None,
            provider=alice.provider,
            data=data(alice.assistants[0], alice.clients[1], ("2026-03-05", "08:00"), ("2026-03-05", "16:00")),
        )
    assert excinfo.value.findings[0].code == "A1"
    assert not Shift.objects.exists()


def test_a_quick_return_is_stored_as_a_warning_and_cleared_when_moved(team):
    services.record_shift(
        actor=None,
        provider=team.provider,
        data=data(team.assistants[0], team.clients[0], ("2026-03-05", "14:00"), ("2026-03-05", "22:00")),
    )
    second, findings = services.record_shift(
        actor=None,
        provider=team.provider,
        data=data(team.assistants[0], team.clients[1], ("2026-03-06", "06:00"), ("2026-03-06", "14:00")),
    )
    assert "V1" in {x.code for x in findings}
    assert ShiftFinding.objects.filter(code="V1", severity="warning").exists()
    # Moving the morning shift to 09:00 gives 11 h of rest: the warning goes.
    services.record_shift(
        actor=None,
        provider=team.provider,
        shift=second,
        data=data(team.assistants[0], team.clients[1], ("2026-03-06", "09:00"), ("2026-03-06", "17:00")),
    )
    assert not ShiftFinding.objects.filter(code="V1").exists()


def test_deleting_a_shift_rechecks_its_neighbours(team):
    first, _ = services.record_shift(
        actor=None,
        provider=team.provider,
        data=data(team.assistants[0], team.clients[0], ("2026-03-05", "14:00"), ("2026-03-05", "22:00")),
    )
    services.record_shift(
        actor=None,
        provider=team.provider,
        data=data(team.assistants[0], team.clients[1], ("2026-03-06", "06:00"), ("2026-03-06", "14:00")),
    )
    assert ShiftFinding.objects.filter(code="V1").exists()
    services.delete_shift(actor=None, provider=team.provider, shift=first)
    assert not ShiftFinding.objects.filter(code="V1").exists()


def test_a_recorded_reason_marks_the_warning_accepted_but_keeps_it(team):
    first, _ = services.record_shift(
        actor=None,
        provider=team.provider,
        data=data(team.assistants[0], team.clients[0], ("2026-03-05", "14:00"), ("2026-03-05", "22:00")),
    )
    second, _ = services.record_shift(
        actor=None,
        provider=team.provider,
        data=data(team.assistants[0], team.clients[1], ("2026-03-06", "06:00"), ("2026-03-06", "14:00")),
    )
    for shift in (first, second):
        RuleException.objects.create(shift=shift, code="V1", reason="Ordinarie assistent akut sjuk", recorded_by=None)
    services.record_shift(
        actor=None,
        provider=team.provider,
        shift=second,
        data=data(team.assistants[0], team.clients[1], ("2026-03-06", "06:00"), ("2026-03-06", "14:00")),
    )
    stored = ShiftFinding.objects.filter(code="V1")
    assert stored.exists()
    assert all(x.accepted and x.exception_reason for x in stored)


def test_hours_before_the_fk_notice_are_stored_as_not_payable(alice):
    assignment = alice.assistants[0].assignments.get()
    assignment.fk_notified_on = date(2026, 3, 6)
    assignment.save()
    shift, findings = services.record_shift(
        actor=None,
        provider=alice.provider,
        data=data(alice.assistants[0], alice.clients[0], ("2026-03-05", "08:00"), ("2026-03-05", "16:00")),
    )
    assert [(x.code, x.severity, x.minutes) for x in findings] == [("E2", "not_payable", 480)]
    assert ShiftFinding.objects.get(shift=shift).code == "E2"


def test_a_submitted_month_is_frozen(alice):
    shift, _ = services.record_shift(
        actor=None,
        provider=alice.provider,
        data=data(alice.assistants[0], alice.clients[0], ("2026-03-05", "08:00"), ("2026-03-05", "16:00")),
    )
    MonthLock.objects.create(client=alice.clients[0], month=date(2026, 3, 1))
    with pytest.raises(services.ShiftRefused) as excinfo:
        services.record_shift(
            actor=None,
            provider=alice.provider,
            shift=shift,
            data=data(alice.assistants[0], alice.clients[0], ("2026-04-05", "08:00"), ("2026-04-05", "16:00")),
        )
    assert excinfo.value.findings[0].code == "M3"
    with pytest.raises(services.ShiftRefused):
        services.delete_shift(actor=None, provider=alice.provider, shift=shift)
    with pytest.raises(services.ShiftRefused):
        services.record_shift(
            actor=None,
            provider=alice.provider,
            data=data(alice.assistants[0], alice.clients[0], ("2026-03-31", "20:00"), ("2026-04-01", "06:00")),
        )
    shift.refresh_from_db()
    assert shift.start == at("2026-03-05", "08:00")


def test_a_shift_over_the_autumn_dst_night_lasts_its_real_length(alice):
    shift, _ = services.record_shift(
        actor=None,
        provider=alice.provider,
        data=data(alice.assistants[0], alice.clients[0], ("2026-10-25", "00:00"), ("2026-10-25", "04:00")),
    )
    assert (shift.end - shift.start).total_seconds() == 5 * 3600


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_entering_overlapping_shifts_at_once_exactly_one_wins(alice):
    assistant, client = alice.assistants[0], alice.clients[0]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def enter(start: str, end: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.record_shift(
                actor=None,
                provider=alice.provider,
                data=data(assistant, client, ("2026-03-05", start), ("2026-03-05", end)),
            )
            outcomes.append("saved")
        except services.ShiftRefused as refused:
            outcomes.append(refused.findings[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=enter, args=args) for args in (("08:00", "16:00"), ("12:00", "20:00"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["H1", "saved"]
    assert Shift.objects.filter(assistant=assistant).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_exclusion_constraint_refuses_overlaps_that_bypass_the_service(alice):
    from django.db import IntegrityError

    assistant, client = alice.assistants[0], alice.clients[0]
    Shift.objects.create(
        provider=alice.provider,
        assistant=assistant,
        client=client,
        start=at("2026-03-05", "08:00"),
        end=at("2026-03-05", "16:00"),
    )
    with pytest.raises(IntegrityError):
        Shift.objects.create(
            provider=alice.provider,
            assistant=assistant,
            client=alice.clients[1],
            start=at("2026-03-05", "15:00"),
            end=at("2026-03-05", "18:00"),
        )


@pytest.mark.postgres
def test_the_one_query_registry_read_matches_the_orm_read(team, monkeypatch):
    from types import SimpleNamespace

    from assistans.models import Absence, ExternalHours, ReferencePeriod
    from scheduling import adapters

    assistant, client = team.assistants[0], team.clients[0]
    employment = assistant.employments.get()
    ReferencePeriod.objects.create(employment=employment, start=date(2026, 3, 1), end=date(2026, 3, 31))
    ExternalHours.objects.create(assistant=assistant, start=date(2026, 3, 1), end=date(2026, 3, 31), minutes=600)
    Absence.objects.create(
        client=client, kind="hospital", start=at("2026-03-10", "08:00"), end=at("2026-03-12", "08:00")
    )
    args = (
        team.provider,
        assistant.pk,
        client.pk,
        at("2026-03-05", "08:00"),
        at("2026-03-05", "16:00"),
        at("2025-03-01", "00:00"),
        at("2027-03-01", "00:00"),
    )
    fast = adapters._registry_rows(*args)
    monkeypatch.setattr(adapters, "connection", SimpleNamespace(vendor="other"))
    plain = adapters._registry_rows(*args)
    assert {k: sorted(v) for k, v in fast.items()} == {k: sorted(v) for k, v in plain.items()}
    assert fast["periods"] and fast["external"] and fast["absences"] and fast["grants"] and fast["permits"]


@pytest.mark.parametrize(
    "segments",
    [
        pytest.param([[60, "active"]], id="the first part must start with the shift"),
        pytest.param([[0, "active"], [0, "waiting"]], id="parts must follow each other"),
        pytest.param([[0, "active"], [480, "waiting"]], id="a part may not start at or after the end"),
        pytest.param([[0, "sleeping"]], id="the kind must be known"),
    ],
)
def test_it_refuses_segments_that_do_not_tile_the_shift(alice, segments):
    with pytest.raises(services.ShiftRefused) as excinfo:
        services.record_shift(
            actor=None,
            provider=alice.provider,
            data=data(
                alice.assistants[0],
                alice.clients[0],
                ("2026-03-05", "08:00"),
                ("2026-03-05", "16:00"),
                segments=segments,
            ),
        )
    assert excinfo.value.findings[0].code == "H3"
    assert not Shift.objects.exists()
