"""Holes found in the review of the planning and day-changes pages (issue 6):
a reason recorded for one assistant does not excuse the next one, a
restricted coordinator's sick call stays with their own clients, a calendar
link dies with the assistant's access, and the DST nights are asked about,
never guessed (T2), in every form that takes clock times."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from assistans import factories as f
from scheduling import changes, services
from scheduling.models import Deviation, RuleException, Shift, ShiftFinding, StaffAbsence
from scheduling.rules.timeutil import make_aware

pytestmark = pytest.mark.django_db

# Tuesday 10 March 2026, 11:00 in Stockholm: inside the cast's decisions.
NOW = datetime(2026, 3, 10, 10, tzinfo=UTC)


def at(day: str, clock: str, fold: int | None = None) -> datetime:
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes), fold=fold)


def plan(side, assistant, client, start, end, **extra) -> Shift:
    shift, _findings = services.record_shift(
        actor=side.coordinator,
        provider=side.provider,
        data=services.ShiftData(assistant_id=assistant.pk, client_id=client.pk, start=start, end=end),
        **extra,
    )
    return shift


# --- a rule exception belongs to the assistant it was given for ---------------


@pytest.fixture
def rest_break(alice):
    """Assistant 0 works 14–22 and then 06–14 the next day, a V1 break
    accepted with a reason; assistant 1 (who may also work for client 0)
    works late the evening before, so taking the 06–14 shift breaks V1 too."""
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    with time_machine.travel(NOW, tick=False):
        plan(alice, alice.assistants[0], alice.clients[0], at("2026-03-10", "14:00"), at("2026-03-10", "22:00"))
        shift = plan(
            alice,
            alice.assistants[0],
            alice.clients[0],
            at("2026-03-11", "06:00"),
            at("2026-03-11", "14:00"),
            exceptions=[services.ExceptionData("V1", "Ordinarie sjuk", "Ledig 2026-03-12")],
        )
        plan(alice, alice.assistants[1], alice.clients[1], at("2026-03-10", "22:00"), at("2026-03-10", "23:00"))
        yield alice, shift


def test_a_reason_given_for_one_assistant_does_not_excuse_the_substitute(rest_break):
    alice, shift = rest_break
    assert RuleException.objects.get(shift=shift).reason == "Ordinarie sjuk"
    data = services.ShiftData(alice.assistants[1].pk, alice.clients[0].pk, shift.start, shift.end)
    with time_machine.travel(NOW, tick=False):
        preview = services.preview_shift(provider=alice.provider, data=data, shift=shift)
        assert [x.code for x in preview.needs_reason] == ["V1"]
        with pytest.raises(services.ShiftRefused) as excinfo:
            services.record_shift(
                actor=alice.coordinator, provider=alice.provider, data=data, shift=shift, require_reasons=True
            )
    assert [x.code for x in excinfo.value.findings] == ["V4"]
    shift.refresh_from_db()
    assert shift.assistant_id == alice.assistants[0].pk


def test_reassigning_drops_the_previous_assistants_reasons(rest_break):
    alice, shift = rest_break
    data = services.ShiftData(alice.assistants[1].pk, alice.clients[0].pk, shift.start, shift.end)
    with time_machine.travel(NOW, tick=False):
        services.record_shift(actor=alice.coordinator, provider=alice.provider, data=data, shift=shift)
    # Saved without require_reasons: the V1 warning stays, not marked accepted
    # by the first assistant's reason, which is no longer on the shift.
    assert not RuleException.objects.filter(shift=shift).exists()
    assert not shift.findings.get(code="V1").accepted


def test_a_sick_call_asks_again_for_the_substitutes_reason(client, rest_break):
    alice, shift = rest_break
    client.force_login(alice.coordinator)
    form = {
        "kind": "sick",
        "first_day": "2026-03-11",
        "last_day": "2026-03-11",
        f"sub_{shift.pk}": str(alice.assistants[1].pk),
        "_check": "1",
    }
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("sick-call", args=[alice.assistants[0].pk]), form)
    assert f'name="reason_{shift.pk}_V1"' in response.content.decode()


# --- a restricted coordinator's sick call ---------------------------------------


def test_a_restricted_coordinators_sick_call_leaves_other_clients_shifts_alone(client, alice):
    """The restricted coordinator plans client 1 only; assistant 1 also has a
    shift at client 0, which that coordinator may neither see nor remove."""
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    with time_machine.travel(NOW, tick=False):
        own = plan(alice, alice.assistants[1], alice.clients[1], at("2026-03-11", "08:00"), at("2026-03-11", "12:00"))
        other = plan(alice, alice.assistants[1], alice.clients[0], at("2026-03-11", "14:00"), at("2026-03-11", "18:00"))
        client.force_login(alice.restricted_coordinator)
        url = reverse("sick-call", args=[alice.assistants[1].pk])
        form = {"kind": "sick", "first_day": "2026-03-11", "last_day": "2026-03-11", f"sub_{own.pk}": ""}
        checked = client.post(url, {**form, "_check": "1"})
        body = checked.content.decode()
        assert f"sub_{other.pk}" not in body
        assert str(alice.clients[0]) not in body
        signature = checked.context["checked_signature"]
        done = client.post(url, {**form, f"sub_{other.pk}": "", "_confirm": "1", "checked": signature})
    assert done.status_code == 302
    assert not Shift.objects.filter(pk=own.pk).exists()
    assert Shift.objects.filter(pk=other.pk, assistant=alice.assistants[1]).exists()
    assert list(StaffAbsence.objects.get().shifts.values_list("client_id", flat=True)) == [alice.clients[1].pk]


def test_record_absence_refuses_a_choice_for_a_shift_outside_the_given_clients(alice):
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    with time_machine.travel(NOW, tick=False):
        other = plan(alice, alice.assistants[1], alice.clients[0], at("2026-03-11", "14:00"), at("2026-03-11", "18:00"))
        with pytest.raises(changes.ChangeError):
            changes.record_absence(
                actor=alice.restricted_coordinator,
                provider=alice.provider,
                assistant=alice.assistants[1],
                kind="sick",
                first_day=date(2026, 3, 11),
                last_day=date(2026, 3, 11),
                note="",
                choices={other.pk: changes.SubstituteChoice(None)},
                now=NOW,
                client_ids=[alice.clients[1].pk],
            )
    assert Shift.objects.filter(pk=other.pk).exists()


# --- the calendar link ends with the assistant's access -----------------------------


def _link(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("calendar-settings"), {"action": "create"})
    client.logout()
    return response.context["feed_url"].split("testserver", 1)[1]


def test_the_calendar_link_stops_when_the_user_is_deactivated(client, alice):
    path = _link(client, alice.assistant_user)
    assert client.get(path).status_code == 200
    alice.assistant_user.is_active = False
    alice.assistant_user.save()
    assert client.get(path).status_code == 404


def test_the_calendar_link_stops_when_the_user_is_no_longer_that_assistant(client, alice):
    path = _link(client, alice.assistant_user)
    membership = alice.assistant_user.membership
    membership.delete()
    assert client.get(path).status_code == 404


# --- DST in the forms (T2) ------------------------------------------------------------


def test_a_deviation_on_the_autumn_night_asks_which_0230_and_takes_the_answer(client, alice):
    with time_machine.travel(datetime(2026, 10, 24, 12, tzinfo=UTC), tick=False):
        shift = plan(alice, alice.assistants[0], alice.clients[0], at("2026-10-24", "22:00"), at("2026-10-25", "07:00"))
    client.force_login(alice.assistant_user)
    url = reverse("deviation-report", args=[shift.pk])
    typed = {
        "date": "2026-10-24",
        "start_time": "22:00",
        "end_time": "02:30",
        "ends_next_day": "on",
        "note": "Brukaren blev sjuk, jag åkte hem",
    }
    with time_machine.travel(datetime(2026, 10, 25, 8, tzinfo=UTC), tick=False):
        asked = client.post(url, typed)
        assert asked.status_code == 200
        assert "två gånger" in " ".join(asked.context["form"].errors["end_time"])
        assert 'name="fold"' in asked.content.decode()
        done = client.post(url, {**typed, "fold": "1"})
    assert done.status_code == 302
    deviation = Deviation.objects.get()
    assert deviation.actual_end == at("2026-10-25", "02:30", fold=1)


@pytest.mark.parametrize("day", ["2026-03-29", "2026-10-25"])
def test_a_change_of_kind_at_0230_the_night_after_a_dst_day_is_not_refused(client, alice, day):
    """A night pass from 20:00 on the DST day: its 02:30 is the next night's,
    which exists once; the DST day's own 02:30 is before the start."""
    client.force_login(alice.coordinator)
    response = client.post(
        reverse("shift-new"),
        {
            "assistant": alice.assistants[0].pk,
            "client": alice.clients[0].pk,
            "date": day,
            "start_time": "20:00",
            "end_time": "06:00",
            "ends_next_day": "on",
            "kind": "active",
            "seg1_time": "22:00",
            "seg1_kind": "waiting",
            "seg2_time": "02:30",
            "seg2_kind": "active",
        },
    )
    form = response.context["form"] if response.context else None
    assert form is None or not form.errors.get("seg2_time"), form.errors
    shift = Shift.objects.get()
    next_day = date.fromisoformat(day).replace(day=date.fromisoformat(day).day + 1).isoformat()
    offset = int((at(next_day, "02:30") - shift.start).total_seconds()) // 60
    assert shift.segments[-1] == [offset, "active"]


def test_editing_a_shift_in_the_repeated_hour_keeps_which_one_it_is(client, alice):
    shift = plan(
        alice, alice.assistants[0], alice.clients[0], at("2026-10-25", "02:30", fold=1), at("2026-10-25", "06:00")
    )
    client.force_login(alice.coordinator)
    response = client.get(reverse("shift-edit", args=[shift.pk]))
    assert response.context["form"].initial["fold"] == "1"
    assert 'name="fold"' in response.content.decode()


# --- a refused approval is logged ------------------------------------------------------


def test_an_approval_the_engine_refuses_is_logged(alice, caplog):
    with time_machine.travel(NOW, tick=False):
        shift = plan(alice, alice.assistants[0], alice.clients[0], at("2026-03-09", "08:00"), at("2026-03-09", "16:00"))
        plan(alice, alice.assistants[0], alice.clients[0], at("2026-03-09", "17:00"), at("2026-03-09", "20:00"))
        deviation = changes.report_deviation(
            actor=alice.assistant_user,
            shift=shift,
            start=shift.start,
            end=at("2026-03-09", "18:00"),
            kind="",
            note="Stannade kvar",
            now=NOW,
        )
        with caplog.at_level(logging.INFO, logger="scheduling.changes"), pytest.raises(services.ShiftRefused):
            changes.approve_deviation(actor=alice.coordinator, deviation=deviation, note="", now=NOW)
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.PENDING
    assert any(f"deviation {deviation.pk}" in r.getMessage() and "H1" in r.getMessage() for r in caplog.records)


def test_the_previous_assistants_shifts_are_rechecked_after_a_reassignment(rest_break):
    alice, shift = rest_break
    evening = Shift.objects.get(assistant=alice.assistants[0], start=at("2026-03-10", "14:00"))
    involving = [x for x in ShiftFinding.objects.filter(shift=evening) if shift.pk in x.other_shift_ids]
    assert [x.code for x in involving] == ["V1"]
    data = services.ShiftData(alice.assistants[1].pk, alice.clients[0].pk, shift.start, shift.end)
    with time_machine.travel(NOW, tick=False):
        services.record_shift(actor=alice.coordinator, provider=alice.provider, data=data, shift=shift)
    assert not [x for x in ShiftFinding.objects.filter(shift=evening) if shift.pk in x.other_shift_ids]


def test_the_restricted_coordinator_is_told_that_other_shifts_exist(client, alice):
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    with time_machine.travel(NOW, tick=False):
        plan(alice, alice.assistants[1], alice.clients[0], at("2026-03-11", "14:00"), at("2026-03-11", "18:00"))
        client.force_login(alice.restricted_coordinator)
        response = client.get(reverse("sick-call", args=[alice.assistants[1].pk]))
    assert "1 pass i perioden hos en brukare som du inte samordnar" in response.content.decode()


# --- nothing typed is lost ---------------------------------------------------------------


def test_a_typed_reason_survives_a_missing_kind_on_the_sick_call(client, rest_break):
    alice, shift = rest_break
    client.force_login(alice.coordinator)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("sick-call", args=[alice.assistants[0].pk]),
            {
                "kind": "",
                "first_day": "2026-03-11",
                "last_day": "2026-03-11",
                f"sub_{shift.pk}": str(alice.assistants[1].pk),
                f"reason_{shift.pk}_V1": "Ingen annan kunde",
                f"rest_{shift.pk}_V1": "Ledig fredag",
                "_confirm": "1",
            },
        )
    assert "kind" in response.context["form"].errors
    body = response.content.decode()
    assert "Ingen annan kunde</textarea>" in body and 'value="Ledig fredag"' in body


def test_a_typed_reason_survives_an_invalid_time_in_the_shift_form(client, alice):
    client.force_login(alice.coordinator)
    typed = {
        "assistant": alice.assistants[0].pk,
        "client": alice.clients[0].pk,
        "date": "2026-03-06",
        "start_time": "14:00",
        "end_time": "06:00",
        "kind": "active",
        "reason_V1": "Ordinarie sjuk",
        "rest_V1": "Ledig lördag",
    }
    for url in (reverse("shift-new"), reverse("shift-check")):
        response = client.post(url, typed)
        body = response.content.decode()
        assert "Ordinarie sjuk</textarea>" in body and 'value="Ledig lördag"' in body, url
    assert not Shift.objects.exists()


def test_a_deviation_of_a_shift_given_to_someone_else_since_cannot_be_approved(alice):
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    with time_machine.travel(NOW, tick=False):
        shift = plan(alice, alice.assistants[0], alice.clients[0], at("2026-03-09", "08:00"), at("2026-03-09", "16:00"))
        deviation = changes.report_deviation(
            actor=alice.assistant_user,
            shift=shift,
            start=shift.start,
            end=at("2026-03-09", "18:00"),
            kind="",
            note="Stannade kvar",
            now=NOW,
        )
        data = services.ShiftData(alice.assistants[1].pk, alice.clients[0].pk, shift.start, shift.end)
        services.record_shift(actor=alice.coordinator, provider=alice.provider, data=data, shift=shift)
        with pytest.raises(changes.ChangeError):
            changes.approve_deviation(actor=alice.coordinator, deviation=deviation, note="", now=NOW)
    shift.refresh_from_db()
    assert shift.end == at("2026-03-09", "16:00")
    deviation.refresh_from_db()
    assert deviation.status == Deviation.Status.PENDING


def test_editing_a_shift_with_many_kinds_of_time_keeps_every_part(client, alice):
    from scheduling.forms import ShiftForm

    segments = [[0, "active"], [120, "waiting"], [180, "active"], [360, "standby"], [480, "active"]]
    shift = Shift.objects.create(
        provider=alice.provider,
        assistant=alice.assistants[0],
        client=alice.clients[0],
        start=at("2026-03-05", "08:00"),
        end=at("2026-03-05", "20:00"),
        kind="active",
        segments=segments,
    )
    client.force_login(alice.coordinator)
    shown = client.get(reverse("shift-edit", args=[shift.pk])).context["form"]
    assert len(shown.segment_rows()) == 4
    posted = {}
    for name, value in shown.initial.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, time):
            value = f"{value:%H:%M}"
        elif isinstance(value, bool):
            value = "on" if value else ""
        posted[name] = str(value)
    again = ShiftForm(data=posted, user=alice.coordinator)
    assert again.is_valid(), again.errors
    assert again.shift_data().segments == segments


def test_a_missing_reason_is_explained_at_the_reason_field(client, alice):
    with time_machine.travel(NOW, tick=False):
        plan(alice, alice.assistants[0], alice.clients[0], at("2026-03-05", "14:00"), at("2026-03-05", "22:00"))
    client.force_login(alice.coordinator)
    response = client.post(
        reverse("shift-new"),
        {
            "assistant": alice.assistants[0].pk,
            "client": alice.clients[0].pk,
            "date": "2026-03-06",
            "start_time": "06:00",
            "end_time": "14:00",
            "kind": "active",
        },
    )
    body = response.content.decode()
    error_at = body.index('id="id_reason_V1_error"')
    assert body.index('name="reason_V1"') < error_at
    assert "får sparas bara med ett skäl" in body[error_at : error_at + 1000]
    assert Shift.objects.count() == 1


# --- a change made by someone else in between is not overwritten -------------------------


def test_a_shift_changed_since_it_was_read_is_refused_not_overwritten(alice):
    with time_machine.travel(NOW, tick=False):
        shift = plan(alice, alice.assistants[0], alice.clients[0], at("2026-03-11", "08:00"), at("2026-03-11", "16:00"))
        stale = Shift.objects.get(pk=shift.pk)
        # Another coordinator moves the shift meanwhile.
        moved = services.ShiftData(alice.assistants[0].pk, alice.clients[0].pk, shift.start, at("2026-03-11", "12:00"))
        services.record_shift(actor=alice.coordinator, provider=alice.provider, data=moved, shift=shift)
        mine = services.ShiftData(alice.assistants[0].pk, alice.clients[0].pk, stale.start, stale.end, note="Min")
        with pytest.raises(services.ShiftRefused) as excinfo:
            services.record_shift(actor=alice.coordinator, provider=alice.provider, data=mine, shift=stale)
    assert [x.code for x in excinfo.value.findings] == ["C0"]
    shift.refresh_from_db()
    assert shift.end == at("2026-03-11", "12:00") and shift.note == ""


def test_a_shift_changed_since_it_was_read_is_not_deleted(alice):
    with time_machine.travel(NOW, tick=False):
        shift = plan(alice, alice.assistants[0], alice.clients[0], at("2026-03-11", "08:00"), at("2026-03-11", "16:00"))
        stale = Shift.objects.get(pk=shift.pk)
        moved = services.ShiftData(alice.assistants[0].pk, alice.clients[0].pk, shift.start, at("2026-03-11", "12:00"))
        services.record_shift(actor=alice.coordinator, provider=alice.provider, data=moved, shift=shift)
        with pytest.raises(services.ShiftRefused):
            services.delete_shift(actor=alice.coordinator, provider=alice.provider, shift=stale)
    assert Shift.objects.filter(pk=shift.pk).exists()


@pytest.mark.parametrize("value", ["²", "٣", "-1", " 3", "3.0"])
def test_an_id_in_a_query_that_is_not_ascii_digits_is_ignored_not_a_server_error(client, alice, value):
    client.force_login(alice.coordinator)
    assert client.get(reverse("shift-new"), {"brukare": value, "assistent": value}).status_code == 200
    assert client.get(reverse("day-changes"), {"assistent": value}).status_code == 200
