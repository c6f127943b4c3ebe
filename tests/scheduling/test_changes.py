"""Day-to-day changes: the sick call with substitutes (the engine judges each
substitute before and at confirmation), unstaffed shifts, and deviations that
a coordinator approves through the recording service or rejects."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from assistans import factories as f
from scheduling import changes, services
from scheduling.models import AbsenceShift, Deviation, MonthLock, RuleException, Shift, StaffAbsence
from scheduling.rules.timeutil import make_aware

pytestmark = pytest.mark.django_db

# Tuesday 10 March 2026, 11:00 in Stockholm: inside the cast's decisions.
NOW = datetime(2026, 3, 10, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: str, clock: str) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


def plan(side, assistant, client, start, end, **extra) -> Shift:
    shift, _findings = services.record_shift(
        actor=side.coordinator,
        provider=side.provider,
        data=services.ShiftData(
            assistant_id=assistant.pk, client_id=client.pk, start=at(*start), end=at(*end), **extra
        ),
    )
    return shift


@pytest.fixture
def team(alice):
    """Alice's second assistant may also work for her first client (a substitute)."""
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    return alice


def sick_url(assistant) -> str:
    return reverse("sick-call", args=[assistant.pk])


def checked_signature(response) -> str:
    match = re.search(r'name="checked" value="([^"]*)"', response.content.decode())
    assert match, "the page has no checked signature"
    return match.group(1)


def absence_post(shift, substitute, **extra) -> dict:
    return {
        "kind": "sick",
        "first_day": "2026-03-10",
        "last_day": "2026-03-12",
        "note": "Ringde 06:40",
        f"sub_{shift.pk}": str(substitute.pk) if substitute else "",
        **extra,
    }


# --- sick call ---------------------------------------------------------------


def test_a_sick_call_gives_the_shift_to_the_checked_substitute(client, team):
    shift = plan(team, team.assistants[0], team.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    client.force_login(team.coordinator)

    page = client.get(sick_url(team.assistants[0]))
    assert page.status_code == 200
    assert f'name="sub_{shift.pk}"' in page.content.decode()

    checked = client.post(sick_url(team.assistants[0]), {**absence_post(shift, team.assistants[1]), "_check": "1"})
    body = checked.content.decode()
    assert "Bekräfta frånvaron" in body
    assert "Inga anmärkningar" in body  # the engine's answer for the substitute, before saving
    assert Shift.objects.get(pk=shift.pk).assistant_id == team.assistants[0].pk

    done = client.post(
        sick_url(team.assistants[0]),
        {**absence_post(shift, team.assistants[1]), "_confirm": "1", "checked": checked_signature(checked)},
    )
    assert done.status_code == 302
    shift.refresh_from_db()
    assert shift.assistant_id == team.assistants[1].pk
    absence = StaffAbsence.objects.get()
    assert (absence.kind, absence.first_day, absence.last_day) == ("sick", date(2026, 3, 10), date(2026, 3, 12))
    assert absence.recorded_by == team.coordinator
    record = absence.shifts.get()
    assert (record.outcome, record.substitute, record.shift) == ("reassigned", team.assistants[1], shift)


def test_confirming_other_substitutes_than_were_checked_saves_nothing(client, team):
    shift = plan(team, team.assistants[0], team.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    client.force_login(team.coordinator)
    response = client.post(
        sick_url(team.assistants[0]),
        {**absence_post(shift, team.assistants[1]), "_confirm": "1", "checked": ""},
    )
    assert response.status_code == 200
    assert "Kontrollera vikarierna innan du bekräftar" in response.content.decode()
    assert not StaffAbsence.objects.exists()
    assert Shift.objects.get(pk=shift.pk).assistant_id == team.assistants[0].pk


def test_the_kind_of_absence_is_required_to_confirm(client, team):
    shift = plan(team, team.assistants[0], team.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    client.force_login(team.coordinator)
    response = client.post(
        sick_url(team.assistants[0]), {**absence_post(shift, team.assistants[1]), "kind": "", "_confirm": "1"}
    )
    assert "kind" in response.context["form"].errors
    # What was chosen for the shift is still there to confirm once the kind is given.
    assert f'<option value="{team.assistants[1].pk}" selected>' in response.content.decode()
    assert not StaffAbsence.objects.exists()


def test_a_shift_with_no_substitute_is_removed_and_shown_as_unstaffed(client, team):
    shift = plan(team, team.assistants[0], team.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    client.force_login(team.coordinator)
    checked = client.post(sick_url(team.assistants[0]), {**absence_post(shift, None), "_check": "1"})
    client.post(
        sick_url(team.assistants[0]),
        {**absence_post(shift, None), "kind": "child_care", "_confirm": "1", "checked": checked_signature(checked)},
    )
    # Nobody works it, so nobody is paid and FK is not billed for it …
    assert not Shift.objects.filter(pk=shift.pk).exists()
    record = AbsenceShift.objects.get()
    assert record.outcome == AbsenceShift.Outcome.UNSTAFFED
    assert (record.start, record.end, record.client) == (shift.start, shift.end, team.clients[0])
    assert record.absence.kind == "child_care"
    # … and the gap stays visible as an open problem until someone covers it.
    page = client.get(reverse("day-changes")).content.decode()
    assert "Obemannat" in page and str(team.clients[0]) in page
    plan(team, team.assistants[1], team.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    page = client.get(reverse("day-changes")).content.decode()
    assert f"Tillsatt senare: {team.assistants[1]}" in page


def test_a_substitute_the_engine_refuses_saves_nothing_at_all(client, team):
    first = plan(team, team.assistants[0], team.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    second = plan(team, team.assistants[0], team.clients[0], ("2026-03-12", "08:00"), ("2026-03-12", "16:00"))
    # The substitute already works at the other client during the second shift (H1).
    plan(team, team.assistants[1], team.clients[1], ("2026-03-12", "07:00"), ("2026-03-12", "12:00"))
    form = {
        **absence_post(first, team.assistants[1]),
        f"sub_{second.pk}": str(team.assistants[1].pk),
    }
    client.force_login(team.coordinator)
    checked = client.post(sick_url(team.assistants[0]), {**form, "_check": "1"})
    body = checked.content.decode()
    assert "Vikarien kan inte ta passet" in body and "H1" in body
    assert "Bekräfta frånvaron" not in body

    with pytest.raises(changes.SubstitutesRefused) as excinfo:
        changes.record_absence(
            actor=team.coordinator,
            provider=team.provider,
            assistant=team.assistants[0],
            kind="sick",
            first_day=date(2026, 3, 10),
            last_day=date(2026, 3, 12),
            note="",
            choices={
                first.pk: changes.SubstituteChoice(team.assistants[1].pk),
                second.pk: changes.SubstituteChoice(team.assistants[1].pk),
            },
            now=NOW,
        )
    assert list(excinfo.value.refusals) == [second.pk]
    assert not StaffAbsence.objects.exists() and not AbsenceShift.objects.exists()
    assert set(Shift.objects.filter(pk__in=[first.pk, second.pk]).values_list("assistant_id", flat=True)) == {
        team.assistants[0].pk
    }


def test_a_substitute_breaking_a_rest_rule_needs_a_recorded_reason(client, team):
    shift = plan(team, team.assistants[0], team.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    # The substitute works late the evening before: 9 h of rest, not 11 (V1).
    plan(team, team.assistants[1], team.clients[1], ("2026-03-10", "22:00"), ("2026-03-10", "23:00"))
    client.force_login(team.coordinator)
    form = absence_post(shift, team.assistants[1])
    checked = client.post(sick_url(team.assistants[0]), {**form, "_check": "1"})
    body = checked.content.decode()
    assert "V1" in body and f'name="reason_{shift.pk}_V1"' in body and f'name="rest_{shift.pk}_V1"' in body

    refused = client.post(
        sick_url(team.assistants[0]), {**form, "_confirm": "1", "checked": checked_signature(checked)}
    )
    assert "V4" in refused.content.decode() and "Inget är sparat" in refused.content.decode()
    assert not StaffAbsence.objects.exists()

    done = client.post(
        sick_url(team.assistants[0]),
        {
            **form,
            "_confirm": "1",
            "checked": checked_signature(checked),
            f"reason_{shift.pk}_V1": "Ingen annan kunde komma med så kort varsel",
            f"rest_{shift.pk}_V1": "Ledig 2026-03-12 hela dagen",
        },
    )
    assert done.status_code == 302
    shift.refresh_from_db()
    assert shift.assistant_id == team.assistants[1].pk
    exception = RuleException.objects.get(shift=shift, code="V1")
    assert exception.recorded_by == team.coordinator
    assert exception.compensatory_rest == "Ledig 2026-03-12 hela dagen"


def test_a_shift_in_a_submitted_month_is_not_removed(team):
    shift = plan(team, team.assistants[0], team.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    MonthLock.objects.create(client=team.clients[0], month=date(2026, 3, 1))
    with pytest.raises(changes.SubstitutesRefused) as excinfo:
        changes.record_absence(
            actor=team.coordinator,
            provider=team.provider,
            assistant=team.assistants[0],
            kind="sick",
            first_day=date(2026, 3, 10),
            last_day=date(2026, 3, 12),
            note="",
            choices={shift.pk: changes.SubstituteChoice(None)},
            now=NOW,
        )
    assert [finding.code for finding in excinfo.value.refusals[shift.pk]] == ["M3"]
    assert Shift.objects.filter(pk=shift.pk).exists() and not StaffAbsence.objects.exists()


def test_a_shift_already_under_way_is_not_part_of_the_sick_call(team):
    running = plan(team, team.assistants[0], team.clients[0], ("2026-03-10", "08:00"), ("2026-03-10", "16:00"))
    later = plan(team, team.assistants[0], team.clients[0], ("2026-03-10", "20:00"), ("2026-03-10", "23:00"))
    found = changes.absence_shifts(
        provider=team.provider,
        assistant=team.assistants[0],
        first_day=date(2026, 3, 10),
        last_day=date(2026, 3, 10),
        now=NOW,
    )
    assert list(found) == [later]
    assert running not in found


def test_a_schedule_changed_since_it_was_shown_is_refused(team):
    shift = plan(team, team.assistants[0], team.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    plan(team, team.assistants[0], team.clients[0], ("2026-03-12", "08:00"), ("2026-03-12", "16:00"))
    with pytest.raises(changes.ChangeError, match="schema har ändrats"):
        changes.record_absence(
            actor=team.coordinator,
            provider=team.provider,
            assistant=team.assistants[0],
            kind="sick",
            first_day=date(2026, 3, 10),
            last_day=date(2026, 3, 12),
            note="",
            choices={shift.pk: changes.SubstituteChoice(None)},
            now=NOW,
        )
    assert not StaffAbsence.objects.exists()


# --- deviations ----------------------------------------------------------------


def report(client, side, shift, start: str, end: str, **extra):
    client.force_login(side.assistant_user)
    return client.post(
        reverse("deviation-report", args=[shift.pk]),
        {"date": "2026-03-09", "start_time": start, "end_time": end, "note": "Läkarbesöket drog ut", **extra},
    )


def test_an_approved_deviation_changes_the_shift_and_is_logged(client, alice):
    shift = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    response = report(client, alice, shift, "08:00", "17:30")
    assert response.status_code == 302
    deviation = Deviation.objects.get()
    assert deviation.status == Deviation.Status.PENDING
    assert Shift.objects.get(pk=shift.pk).end == at("2026-03-09", "16:00")  # nothing changes before the decision

    client.force_login(alice.coordinator)
    listing = client.get(reverse("deviation-list")).content.decode()
    assert reverse("deviation-decide", args=[deviation.pk]) in listing
    page = client.get(reverse("deviation-decide", args=[deviation.pk])).content.decode()
    assert "Läkarbesöket drog ut" in page
    response = client.post(reverse("deviation-decide", args=[deviation.pk]), {"decision": "approve"})
    assert response.status_code == 302

    shift.refresh_from_db()
    assert (shift.start, shift.end, shift.status) == (at("2026-03-09", "08:00"), at("2026-03-09", "17:30"), "worked")
    assert shift.updated_by == alice.coordinator
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.APPROVED
    assert (deviation.decided_by, deviation.decided_at) == (alice.coordinator, NOW)
    assert deviation.before["end"] == at("2026-03-09", "16:00").isoformat()
    assert deviation.after["end"] == at("2026-03-09", "17:30").isoformat()
    listing = client.get(reverse("deviation-list")).content.decode()
    assert "2026-03-09 08:00–16:00" in listing and "→ 2026-03-09 08:00–17:30" in listing


def test_an_approval_the_engine_refuses_fails_with_the_reason_and_stays_pending(client, alice):
    f.AssignmentFactory(assistant=alice.assistants[0], client=alice.clients[1])
    shift = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    plan(alice, alice.assistants[0], alice.clients[1], ("2026-03-09", "17:00"), ("2026-03-09", "21:00"))
    report(client, alice, shift, "08:00", "18:00")
    deviation = Deviation.objects.get()

    client.force_login(alice.coordinator)
    response = client.post(reverse("deviation-decide", args=[deviation.pk]), {"decision": "approve"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Avvikelsen kan inte godkännas" in body and "H1" in body
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.PENDING and deviation.decided_at is None
    assert Shift.objects.get(pk=shift.pk).end == at("2026-03-09", "16:00")


def test_a_rejection_needs_a_reason_and_leaves_the_shift(client, alice):
    shift = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    report(client, alice, shift, "07:00", "16:00")
    deviation = Deviation.objects.get()
    client.force_login(alice.coordinator)
    url = reverse("deviation-decide", args=[deviation.pk])
    response = client.post(url, {"decision": "reject", "decision_note": ""})
    assert "Skriv varför avvikelsen avslås" in response.content.decode()
    assert Deviation.objects.get().status == Deviation.Status.PENDING
    client.post(url, {"decision": "reject", "decision_note": "Brukaren var på korttids till 08."})
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.REJECTED
    assert deviation.decision_note == "Brukaren var på korttids till 08."
    assert Shift.objects.get(pk=shift.pk).start == at("2026-03-09", "08:00")
    # The assistant sees the decision and its reason.
    client.force_login(alice.assistant_user)
    page = client.get(reverse("my-schedule")).content.decode()
    assert "avslagen" in page and "korttids" in page


def test_a_second_report_replaces_the_pending_one(client, alice):
    shift = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    report(client, alice, shift, "08:00", "17:00")
    report(client, alice, shift, "08:00", "18:00")
    assert Deviation.objects.get().actual_end == at("2026-03-09", "18:00")


def test_a_report_is_refused_in_a_locked_month(client, alice):
    shift = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    MonthLock.objects.create(client=alice.clients[0], month=date(2026, 3, 1))
    client.force_login(alice.assistant_user)
    page = client.get(reverse("deviation-report", args=[shift.pk])).content.decode()
    assert "Månaden 2026-03 är redan inskickad" in page and 'name="note"' not in page
    report(client, alice, shift, "08:00", "17:00")
    assert not Deviation.objects.exists()


def test_a_report_keeps_what_was_typed_and_says_what_is_wrong(client, alice):
    shift = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    response = report(client, alice, shift, "16:00", "08:00", note="Kom sent")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sluttiden ligger inte efter starttiden" in body
    assert "Kom sent" in body and 'value="16:00"' in body
    assert not Deviation.objects.exists()


def test_a_shift_that_has_not_started_takes_no_report(client, alice):
    shift = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-11", "08:00"), ("2026-03-11", "16:00"))
    client.force_login(alice.assistant_user)
    response = client.post(
        reverse("deviation-report", args=[shift.pk]),
        {"date": "2026-03-11", "start_time": "08:00", "end_time": "17:00", "note": "x"},
    )
    assert "Passet har inte börjat än" in response.content.decode()
    assert not Deviation.objects.exists()


# --- who may do what -------------------------------------------------------------


def test_only_the_shifts_own_assistant_may_report_a_deviation(client, alice, bob):
    colleague = plan(alice, alice.assistants[1], alice.clients[1], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    other = plan(bob, bob.assistants[0], bob.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    client.force_login(alice.assistant_user)
    for shift in (colleague, other):
        url = reverse("deviation-report", args=[shift.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"date": "2026-03-09", "start_time": "08:00", "end_time": "17:00"}).status_code == 404
    # A coordinator does not report on an assistant's behalf here either.
    client.force_login(alice.coordinator)
    assert client.get(reverse("deviation-report", args=[colleague.pk])).status_code == 404


def test_assistants_and_clients_cannot_open_the_coordinator_pages(client, alice):
    shift = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    report(client, alice, shift, "08:00", "17:00")
    deviation = Deviation.objects.get()
    urls = [
        reverse("day-changes"),
        reverse("sick-call", args=[alice.assistants[0].pk]),
        reverse("deviation-list"),
        reverse("deviation-decide", args=[deviation.pk]),
    ]
    for user in (alice.assistant_user, alice.client_user):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(urls[3], {"decision": "approve"}).status_code == 404
    assert Deviation.objects.get().status == Deviation.Status.PENDING


def test_another_providers_rows_are_404_for_a_coordinator(client, alice, bob):
    shift = plan(bob, bob.assistants[0], bob.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    report(client, bob, shift, "08:00", "17:00")
    deviation = Deviation.objects.get()
    client.force_login(alice.coordinator)
    assert client.get(reverse("sick-call", args=[bob.assistants[0].pk])).status_code == 404
    assert client.get(reverse("deviation-decide", args=[deviation.pk])).status_code == 404
    assert client.post(reverse("deviation-decide", args=[deviation.pk]), {"decision": "approve"}).status_code == 404
    assert client.get(reverse("day-changes") + f"?assistent={bob.assistants[0].pk}").status_code == 404
    assert str(bob.assistants[0]) not in client.get(reverse("deviation-list")).content.decode()


def test_a_restricted_coordinator_sees_only_deviations_of_their_clients(client, alice):
    shift = plan(alice, alice.assistants[0], alice.clients[0], ("2026-03-09", "08:00"), ("2026-03-09", "16:00"))
    report(client, alice, shift, "08:00", "17:00")
    deviation = Deviation.objects.get()
    client.force_login(alice.restricted_coordinator)  # sees only clients[1]
    assert client.get(reverse("deviation-decide", args=[deviation.pk])).status_code == 404
    assert (
        reverse("deviation-decide", args=[deviation.pk]) not in client.get(reverse("deviation-list")).content.decode()
    )
