"""Planning pages: schedules, the shift dialog with its live check, rule
exceptions, deletion and copying a week, each reachable only inside the
user's own provider (another provider's rows are a 404)."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse

from assistans import factories as f
from scheduling import services
from scheduling.models import MonthLock, RuleException, Shift, ShiftFinding
from scheduling.rules.timeutil import make_aware

pytestmark = pytest.mark.django_db


def at(day: str, clock: str):
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


def place(side, day, start, end, *, assistant=0, client=0, end_day=None):
    shift, _ = services.record_shift(
        actor=None,
        provider=side.provider,
        data=services.ShiftData(
            assistant_id=side.assistants[assistant].pk,
            client_id=side.clients[client].pk,
            start=at(day, start),
            end=at(end_day or day, end),
        ),
    )
    return shift


def form_data(side, day, start, end, *, assistant=0, client=0, **extra):
    data = {
        "assistant": side.assistants[assistant].pk,
        "client": side.clients[client].pk,
        "date": day,
        "start_time": start,
        "end_time": end,
        "kind": "active",
    }
    data.update(extra)
    return data


@pytest.fixture
def coordinator(client, alice):
    client.force_login(alice.coordinator)
    return client


# --- who may see what -------------------------------------------------------


def test_another_providers_schedules_and_shifts_are_404(client, alice, bob):
    shift = place(alice, "2026-03-05", "08:00", "16:00")
    client.force_login(bob.coordinator)
    urls = [
        reverse("schedule-client", args=[alice.clients[0].pk]),
        reverse("schedule-assistant", args=[alice.assistants[0].pk]),
        reverse("shift-edit", args=[shift.pk]),
        reverse("shift-delete", args=[shift.pk]),
        reverse("schedule-copy-week", args=[alice.clients[0].pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("shift-delete", args=[shift.pk])).status_code == 404
    assert (
        client.post(reverse("shift-edit", args=[shift.pk]), form_data(bob, "2026-03-06", "08:00", "12:00")).status_code
        == 404
    )
    assert client.post(reverse("shift-check"), {"shift": shift.pk}).status_code == 404
    # A's assistant and client are not choices for B: the form refuses them.
    response = client.post(reverse("shift-new"), form_data(alice, "2026-03-06", "08:00", "12:00"))
    assert response.status_code == 200
    assert "assistant" in response.context["form"].errors and "client" in response.context["form"].errors
    assert Shift.objects.filter(provider=alice.provider).count() == 1


def test_the_client_sees_their_own_schedule_read_only(client, alice):
    place(alice, "2026-03-05", "08:00", "16:00")
    client.force_login(alice.client_user)
    response = client.get(reverse("schedule-client", args=[alice.clients[0].pk]) + "?vecka=2026-W10")
    assert response.status_code == 200
    body = response.content.decode()
    assert str(alice.assistants[0]) in body
    assert reverse("shift-new") not in body
    assert "kan inte ändra" in body
    assert client.get(reverse("schedule-client", args=[alice.clients[1].pk])).status_code == 404
    assert client.get(reverse("schedule-assistant", args=[alice.assistants[0].pk])).status_code == 404
    assert client.get(reverse("shift-new")).status_code == 404
    assert client.post(reverse("shift-check"), {}).status_code == 404


def test_an_assistant_cannot_open_planning(client, alice):
    client.force_login(alice.assistant_user)
    assert client.get(reverse("schedule-client", args=[alice.clients[0].pk])).status_code == 404
    assert client.get(reverse("schedule-assistant", args=[alice.assistants[0].pk])).status_code == 404
    assert client.get(reverse("shift-new")).status_code == 404


def test_a_restricted_coordinator_sees_only_their_clients(client, alice):
    other = place(alice, "2026-03-05", "08:00", "16:00", client=0)
    client.force_login(alice.restricted_coordinator)
    assert client.get(reverse("schedule-client", args=[alice.clients[0].pk])).status_code == 404
    assert client.get(reverse("schedule-client", args=[alice.clients[1].pk])).status_code == 200
    assert client.get(reverse("shift-edit", args=[other.pk])).status_code == 404
    form = client.get(reverse("shift-new")).context["form"]
    assert list(form.fields["client"].queryset) == [alice.clients[1]]


# --- the schedules ----------------------------------------------------------


def test_the_week_shows_shifts_with_kind_double_and_findings(coordinator, alice):
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    place(alice, "2026-03-05", "08:00", "16:00", assistant=0)
    place(alice, "2026-03-05", "12:00", "14:00", assistant=1)  # double assistance, no double hours granted
    night = place(alice, "2026-03-06", "22:00", "07:00", end_day="2026-03-07", assistant=1)
    response = coordinator.get(reverse("schedule-client", args=[alice.clients[0].pk]) + "?vecka=2026-W10")
    body = response.content.decode()
    assert response.status_code == 200
    assert [d["date"] for d in response.context["days"]] == [date(2026, 3, d) for d in range(2, 9)]
    assert str(alice.assistants[0]) in body and str(alice.assistants[1]) in body
    assert "Dubbelassistans" in body
    assert ShiftFinding.objects.filter(code="H2").exists()
    assert "badge-not_payable" in body and "H2" in body
    assert "Aktiv tid" in body
    assert reverse("shift-edit", args=[night.pk]) in body
    assert "22:00–07:00" in body
    assert 'rel="next"' in body and "vecka=2026-W11" in body


def test_the_assistant_view_and_month_view(coordinator, alice):
    place(alice, "2026-03-05", "08:00", "16:00")
    response = coordinator.get(reverse("schedule-assistant", args=[alice.assistants[0].pk]) + "?manad=2026-03")
    assert response.status_code == 200
    assert response.context["period"].mode == "month"
    assert str(alice.clients[0]) in response.content.decode()
    assert response.context["days"][0]["date"] == date(2026, 2, 23)  # the Monday before 1 March
    assert response.context["days"][-1]["date"] == date(2026, 4, 5)
    assert "manad=2026-04" in response.content.decode()


def test_a_bad_week_says_so_and_shows_this_week(coordinator, alice):
    response = coordinator.get(reverse("schedule-client", args=[alice.clients[0].pk]) + "?vecka=vecka-tolv")
    assert response.status_code == 200
    assert "ÅÅÅÅ-Wvv" in response.content.decode()


# --- the live check -----------------------------------------------------------


def test_the_check_shows_findings_and_remaining_hours_without_saving(coordinator, alice):
    place(alice, "2026-03-05", "14:00", "22:00")
    response = coordinator.post(
        reverse("shift-check"), form_data(alice, "2026-03-06", "06:00", "14:00"), HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "V1" in body and "finding-warning" in body
    assert 'name="reason_V1"' in body and 'name="rest_V1"' in body
    # ATL, March: 48 h × 31 / 7 = 212 h 34 min; 16 h planned with this one.
    assert "beräkningsperioden (2026-03-01 – 2026-03-31)" in body
    assert "196 h 34 min kvar av 212 h 34 min" in body
    assert "Brukarens beviljade timmar kvar" in body
    assert Shift.objects.count() == 1


def test_the_check_reports_an_overlap_as_refused(coordinator, alice):
    place(alice, "2026-03-05", "08:00", "16:00")
    response = coordinator.post(reverse("shift-check"), form_data(alice, "2026-03-05", "15:00", "18:00"))
    body = response.content.decode()
    assert "finding-refused" in body and "H1" in body and "överlappar" in body


def test_the_check_asks_for_the_missing_fields_first(coordinator, alice):
    response = coordinator.post(reverse("shift-check"), {"date": "2026-03-05"})
    assert response.status_code == 200
    assert "Välj assistent och brukare" in response.content.decode()


# --- saving -----------------------------------------------------------------


def test_a_new_shift_is_saved_and_the_week_shown(coordinator, alice):
    response = coordinator.post(reverse("shift-new"), form_data(alice, "2026-03-05", "08:00", "16:00", note="Morgon"))
    assert response.status_code == 302
    assert response["Location"] == reverse("schedule-client", args=[alice.clients[0].pk]) + "?vecka=2026-W10"
    shift = Shift.objects.get()
    assert (shift.start, shift.end, shift.note, shift.created_by) == (
        at("2026-03-05", "08:00"),
        at("2026-03-05", "16:00"),
        "Morgon",
        alice.coordinator,
    )


def test_htmx_save_redirects_through_the_header(coordinator, alice):
    response = coordinator.post(
        reverse("shift-new"), form_data(alice, "2026-03-05", "08:00", "16:00"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].endswith("?vecka=2026-W10")


def test_a_night_shift_needs_the_next_day_ticked(coordinator, alice):
    response = coordinator.post(reverse("shift-new"), form_data(alice, "2026-03-05", "22:00", "07:00"))
    assert response.status_code == 200
    assert "Slutar nästa dag" in " ".join(response.context["form"].errors["end_time"])
    assert not Shift.objects.exists()
    response = coordinator.post(
        reverse("shift-new"), form_data(alice, "2026-03-05", "22:00", "07:00", ends_next_day="on")
    )
    assert response.status_code == 302
    shift = Shift.objects.get()
    assert shift.end == at("2026-03-06", "07:00")


def test_segments_make_a_24_hour_pass_with_night_waiting_time(coordinator, alice):
    data = form_data(
        alice,
        "2026-03-05",
        "08:00",
        "08:00",
        ends_next_day="on",
        seg1_time="22:00",
        seg1_kind="waiting",
        seg2_time="06:00",
        seg2_kind="active",
        # Waiting time is work for daily rest (V1): a 24 h pass needs a reason.
        reason_V1="Dygnspass enligt avtal med brukaren",
        rest_V1="Ledig 2026-03-06 08:00 till 2026-03-07 08:00",
    )
    response = coordinator.post(reverse("shift-new"), data)
    assert response.status_code == 302, response.context["form"].errors
    shift = Shift.objects.get()
    assert shift.segments == [[0, "active"], [840, "waiting"], [1320, "active"]]
    assert shift.end == at("2026-03-06", "08:00")


def test_an_overlap_is_refused_next_to_the_times_and_keeps_what_was_typed(coordinator, alice):
    place(alice, "2026-03-05", "08:00", "16:00")
    response = coordinator.post(
        reverse("shift-new"), form_data(alice, "2026-03-05", "15:00", "18:00", note="Extra kväll")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "överlappar" in " ".join(form.errors["start_time"])
    body = response.content.decode()
    assert 'value="Extra kväll"' in body and 'value="15:00"' in body and 'value="18:00"' in body
    assert Shift.objects.count() == 1


def test_a_rest_warning_needs_a_reason_and_compensatory_rest(coordinator, alice):
    place(alice, "2026-03-05", "14:00", "22:00")
    url = reverse("shift-new")
    response = coordinator.post(url, form_data(alice, "2026-03-06", "06:00", "14:00"))
    assert response.status_code == 200
    assert "V1" in " ".join(response.context["form"].non_field_errors())
    assert Shift.objects.count() == 1
    response = coordinator.post(url, form_data(alice, "2026-03-06", "06:00", "14:00", reason_V1="Ordinarie sjuk"))
    assert response.status_code == 200
    assert "V1" in " ".join(response.context["form"].non_field_errors())
    # The message itself stands next to the field that is missing.
    assert "kompensationsvila" in " ".join(response.context["form"].reason_errors["V1"]["rest"])
    assert 'aria-describedby="id_rest_V1_error"' in response.content.decode()
    assert "Ordinarie sjuk</textarea>" in response.content.decode()
    assert Shift.objects.count() == 1
    response = coordinator.post(
        url,
        form_data(
            alice, "2026-03-06", "06:00", "14:00", reason_V1="Ordinarie sjuk", rest_V1="Ledig 2026-03-07 från 14:00"
        ),
    )
    assert response.status_code == 302
    shift = Shift.objects.latest("start")
    exception = RuleException.objects.get(shift=shift)
    assert (exception.code, exception.reason, exception.compensatory_rest, exception.recorded_by) == (
        "V1",
        "Ordinarie sjuk",
        "Ledig 2026-03-07 från 14:00",
        alice.coordinator,
    )
    stored = ShiftFinding.objects.get(shift=shift, code="V1")
    assert stored.accepted and stored.exception_reason == "Ordinarie sjuk"


def test_editing_moves_the_shift(coordinator, alice):
    shift = place(alice, "2026-03-05", "08:00", "16:00")
    response = coordinator.get(reverse("shift-edit", args=[shift.pk]))
    assert response.context["form"].initial["start_time"] == time(8, 0)
    response = coordinator.post(
        reverse("shift-edit", args=[shift.pk]), form_data(alice, "2026-03-05", "09:00", "17:00")
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.start == at("2026-03-05", "09:00")
    assert Shift.objects.count() == 1


def test_a_locked_month_refuses_with_the_services_message(coordinator, alice):
    shift = place(alice, "2026-03-05", "08:00", "16:00")
    MonthLock.objects.create(client=alice.clients[0], month=date(2026, 3, 1))
    response = coordinator.post(
        reverse("shift-edit", args=[shift.pk]), form_data(alice, "2026-03-05", "09:00", "17:00")
    )
    assert response.status_code == 200
    assert "inskickad till Försäkringskassan" in " ".join(response.context["form"].errors["date"])
    response = coordinator.post(reverse("shift-delete", args=[shift.pk]))
    assert response.status_code == 200
    assert "inskickad till Försäkringskassan" in response.content.decode()
    assert Shift.objects.filter(pk=shift.pk).exists()


def test_delete_asks_first_then_deletes(coordinator, alice):
    shift = place(alice, "2026-03-05", "08:00", "16:00")
    response = coordinator.get(reverse("shift-delete", args=[shift.pk]))
    assert "Ja, ta bort passet" in response.content.decode()
    assert Shift.objects.filter(pk=shift.pk).exists()
    response = coordinator.post(reverse("shift-delete", args=[shift.pk]))
    assert response.status_code == 302
    assert not Shift.objects.filter(pk=shift.pk).exists()


# --- copying a week -----------------------------------------------------------


def test_copy_week_places_what_it_can_and_says_why_not(coordinator, alice):
    place(alice, "2026-03-02", "08:00", "16:00")  # Monday, week 10
    place(alice, "2026-03-04", "08:00", "16:00")  # Wednesday
    f.AssignmentFactory(assistant=alice.assistants[0], client=alice.clients[1])
    place(alice, "2026-03-11", "10:00", "12:00", client=1)  # blocks Wednesday of week 11
    response = coordinator.post(
        reverse("schedule-copy-week", args=[alice.clients[0].pk]), {"week": "2026-W10", "weeks": "2"}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert len(result.outcomes) == 4
    assert len(result.placed) == 3
    [failed] = result.not_placed
    assert failed.start == at("2026-03-11", "08:00")
    body = response.content.decode()
    assert "3 pass lades in." in body and "1 kunde inte läggas in." in body
    assert "överlappar" in body
    assert Shift.objects.filter(client=alice.clients[0]).count() == 5


def test_copy_week_all_or_nothing_keeps_nothing_on_a_refusal(coordinator, alice):
    place(alice, "2026-03-02", "08:00", "16:00")
    place(alice, "2026-03-04", "08:00", "16:00")
    f.AssignmentFactory(assistant=alice.assistants[0], client=alice.clients[1])
    place(alice, "2026-03-11", "10:00", "12:00", client=1)
    response = coordinator.post(
        reverse("schedule-copy-week", args=[alice.clients[0].pk]),
        {"week": "2026-W10", "until": "2026-03-22", "all_or_nothing": "on"},
    )
    assert response.context["result"].rolled_back
    assert "Inget sparades" in response.content.decode()
    assert Shift.objects.filter(client=alice.clients[0]).count() == 2


def test_copy_week_needs_a_count_or_an_end(coordinator, alice):
    response = coordinator.post(reverse("schedule-copy-week", args=[alice.clients[0].pk]), {"week": "2026-W10"})
    assert "Ange hur många veckor" in " ".join(response.context["form"].errors["weeks"])


# --- the service ------------------------------------------------------------


def test_preview_gives_what_record_would_and_saves_nothing(alice):
    place(alice, "2026-03-05", "14:00", "22:00")
    data = services.ShiftData(
        alice.assistants[0].pk, alice.clients[0].pk, at("2026-03-06", "06:00"), at("2026-03-06", "14:00")
    )
    preview = services.preview_shift(provider=alice.provider, data=data)
    assert Shift.objects.count() == 1
    assert not RuleException.objects.exists()
    _shift, findings = services.record_shift(actor=None, provider=alice.provider, data=data)
    assert [(x.code, x.severity, x.minutes) for x in preview.findings] == [
        (x.code, x.severity, x.minutes) for x in findings
    ]
    assert [x.code for x in preview.needs_reason] == ["V1"]
    assert preview.cap.remaining_minutes == 12754 - 16 * 60


def test_preview_reports_a_refusal_instead_of_raising(alice):
    place(alice, "2026-03-05", "08:00", "16:00")
    data = services.ShiftData(
        alice.assistants[0].pk, alice.clients[0].pk, at("2026-03-05", "12:00"), at("2026-03-05", "18:00")
    )
    preview = services.preview_shift(provider=alice.provider, data=data)
    assert [x.code for x in preview.refused] == ["H1"]


def test_the_autumn_night_asks_which_0230_is_meant(coordinator, alice):
    url = reverse("shift-new")
    response = coordinator.post(url, form_data(alice, "2026-10-25", "02:30", "06:00"))
    assert "två gånger" in " ".join(response.context["form"].errors["start_time"])
    assert 'name="fold"' in response.content.decode()
    response = coordinator.post(url, form_data(alice, "2026-10-25", "02:30", "06:00", fold="1"))
    assert response.status_code == 302
    shift = Shift.objects.get()
    assert (shift.end - shift.start).total_seconds() == 3.5 * 3600


def test_a_restricted_coordinator_sees_other_clients_time_only_as_busy(client, alice):
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    place(alice, "2026-03-05", "08:00", "16:00", assistant=1, client=0)
    place(alice, "2026-03-06", "08:00", "16:00", assistant=1, client=1)
    client.force_login(alice.restricted_coordinator)
    response = client.get(reverse("schedule-assistant", args=[alice.assistants[1].pk]) + "?vecka=2026-W10")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Upptagen (annat uppdrag)" in body
    assert str(alice.clients[0]) not in body and str(alice.clients[1]) in body


def test_a_later_shift_keeps_the_double_assistance_finding_of_an_earlier_one(alice):
    """Saving a shift days away re-checks the assistant's window, but the
    client's other shifts are loaded only near the change: the stored H2 of
    the earlier shift must survive."""
    f.AssignmentFactory(assistant=alice.assistants[1], client=alice.clients[0])
    place(alice, "2026-03-03", "08:00", "16:00", assistant=0)
    second = place(alice, "2026-03-03", "12:00", "14:00", assistant=1)
    assert ShiftFinding.objects.filter(shift=second, code="H2").exists()
    later = place(alice, "2026-03-05", "08:00", "12:00", assistant=1)
    assert ShiftFinding.objects.filter(shift=second, code="H2").exists()
    services.delete_shift(actor=None, provider=alice.provider, shift=later)
    assert ShiftFinding.objects.filter(shift=second, code="H2").exists()


def test_a_night_shift_from_the_sunday_before_shows_on_monday(coordinator, alice):
    place(alice, "2026-03-01", "22:00", "07:00", end_day="2026-03-02")
    response = coordinator.get(reverse("schedule-client", args=[alice.clients[0].pk]) + "?vecka=2026-W10")
    monday = response.context["days"][0]
    assert [b.start.date() for b in monday["blocks"]] == [date(2026, 3, 1)]
    assert "(sön 1/3)" in response.content.decode()


def test_the_page_checks_without_saving_when_javascript_is_off(coordinator, alice):
    place(alice, "2026-03-05", "14:00", "22:00")
    response = coordinator.post(reverse("shift-new"), form_data(alice, "2026-03-06", "06:00", "14:00", _check="1"))
    assert response.status_code == 200
    assert "finding-warning" in response.content.decode()
    assert Shift.objects.count() == 1
