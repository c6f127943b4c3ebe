"""Day-to-day changes to a planned schedule: an assistant's absence (a sick
call) with substitutes, deviations reported by assistants and decided by a
coordinator, and an assistant's hours for "Mitt schema".

Every change of a shift goes through ``scheduling.services`` (``record_shift``
or ``delete_shift``), so the rules engine judges a substitute or a changed
time exactly as it judges the planning form; nothing here re-implements a rule.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from assistans.models import Assistant, Provider

from . import adapters, input_version, rules, services
from .models import AbsenceShift, Deviation, MonthLock, Shift, StaffAbsence
from .rules import caps
from .rules import model as m
from .rules.timeutil import local_date, local_midnight, minutes_between, next_month

logger = logging.getLogger(__name__)


class ChangeError(Exception):
    """A change that cannot be made, with a Swedish message and the form field
    it concerns ("" for the whole form)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


# --- Absence and substitutes -------------------------------------------------


def shift_data(shift: Shift, **changes) -> services.ShiftData:
    """The shift as the recording service takes it, with ``changes`` applied."""
    data = services.ShiftData(
        assistant_id=shift.assistant_id,
        client_id=shift.client_id,
        start=shift.start,
        end=shift.end,
        kind=shift.kind,
        segments=list(shift.segments),
        double=shift.double,
        status=shift.status,
        note=shift.note,
    )
    return dataclasses.replace(data, **changes)


def absence_shifts(
    *, provider: Provider, assistant: Assistant, first_day: date, last_day: date, now: datetime, client_ids=None
):
    """The assistant's planned shifts that start on ``first_day``..``last_day``
    (local days) and have not started yet. A shift already under way is
    changed with a deviation instead (the part worked is paid as worked).
    ``client_ids`` (None: all) limits them to the clients the coordinator
    plans; a restricted coordinator never sees or moves another client's."""
    start = max(local_midnight(first_day), now)
    end = local_midnight(last_day + timedelta(days=1))
    shifts = Shift.objects.filter(
        provider=provider,
        assistant=assistant,
        status=Shift.Status.PLANNED,
        start__gte=start,
        start__lt=end,
    )
    if client_ids is not None:
        shifts = shifts.filter(client_id__in=client_ids)
    return shifts.select_related("client").order_by("start")


@dataclass(frozen=True)
class SubstituteChoice:
    """What the coordinator chose for one shift: a substitute (None: nobody,
    the shift is left unstaffed) and reasons for accepting rest-rule warnings."""

    substitute_id: int | None
    exceptions: tuple[services.ExceptionData, ...] = ()


class SubstitutesRefused(Exception):
    """At least one substitute cannot take the shift; nothing was saved.
    ``refusals`` maps shift id → the engine's findings for it."""

    def __init__(self, refusals: dict[int, list[m.Finding]]):
        super().__init__("; ".join(f"{k}: {[f.code for f in v]}" for k, v in refusals.items()))
        self.refusals = refusals


def preview_substitute(*, provider: Provider, shift: Shift, choice: SubstituteChoice) -> services.Preview | None:
    """What the engine would say about the substitute taking ``shift`` (the
    same checks ``record_shift`` runs, nothing saved); None without one."""
    if choice.substitute_id is None:
        return None
    return services.preview_shift(
        provider=provider,
        data=shift_data(shift, assistant_id=choice.substitute_id),
        shift=shift,
        exceptions=choice.exceptions,
    )


@transaction.atomic
def record_absence(
    *,
    actor,
    provider: Provider,
    assistant: Assistant,
    kind: str,
    first_day: date,
    last_day: date,
    note: str,
    choices: dict[int, SubstituteChoice],
    now: datetime,
    client_ids=None,
) -> StaffAbsence:
    """Record the absence and settle each planned shift in it: given to the
    chosen substitute (``record_shift`` re-runs the rules for the substitute,
    warnings need a reason as in the planning form) or, with no substitute,
    removed from the schedule and kept as an unstaffed ``AbsenceShift``.

    ``choices`` must name exactly the shifts ``absence_shifts`` finds now; a
    schedule that changed since the coordinator looked is refused. With
    ``client_ids`` only the shifts at those clients are settled (the
    coordinator's own); the others stay as planned. Everything or nothing is
    saved."""
    if last_day < first_day:
        raise ChangeError(_("Sista dagen kan inte ligga före första dagen."), "last_day")
    input_version.lock(assistant.provider_id)
    Assistant.objects.select_for_update().filter(pk=assistant.pk).first()
    shifts = list(
        absence_shifts(
            provider=provider,
            assistant=assistant,
            first_day=first_day,
            last_day=last_day,
            now=now,
            client_ids=client_ids,
        )
    )
    if {s.pk for s in shifts} != set(choices):
        raise ChangeError(
            _("Assistentens schema har ändrats sedan sidan visades. Kontrollera passen igen och bekräfta på nytt.")
        )
    absence = StaffAbsence(
        provider=provider,
        assistant=assistant,
        kind=kind,
        first_day=first_day,
        last_day=last_day,
        note=note.strip(),
        recorded_by=actor,
    )
    absence.full_clean()
    absence.save()
    refusals: dict[int, list[m.Finding]] = {}
    for shift in shifts:
        choice = choices[shift.pk]
        record = AbsenceShift(
            absence=absence,
            client_id=shift.client_id,
            start=shift.start,
            end=shift.end,
            kind=shift.kind,
            segments=list(shift.segments),
        )
        if choice.substitute_id is None:
            try:
                services.delete_shift(actor=actor, provider=provider, shift=shift)
            except services.ShiftRefused as exc:  # a locked month (M3)
                refusals[shift.pk] = exc.findings
                continue
            record.outcome = AbsenceShift.Outcome.UNSTAFFED
        else:
            if choice.substitute_id == assistant.pk:
                raise ChangeError(_("Vikarien kan inte vara den frånvarande assistenten."), f"sub_{shift.pk}")
            try:
                saved, _findings = services.record_shift(
                    actor=actor,
                    provider=provider,
                    data=shift_data(shift, assistant_id=choice.substitute_id),
                    shift=shift,
                    exceptions=choice.exceptions,
                    require_reasons=True,
                )
            except services.ShiftRefused as exc:
                refusals[shift.pk] = exc.findings
                continue
            record.outcome = AbsenceShift.Outcome.REASSIGNED
            record.substitute_id = choice.substitute_id
            record.shift = saved
        record.save()
    if refusals:
        raise SubstitutesRefused(refusals)
    logger.info("absence %s recorded for assistant %s: %s shifts", absence.pk, assistant.pk, len(shifts))
    return absence


def unstaffed(*, provider: Provider, client_ids, since: datetime) -> list[dict]:
    """Unstaffed shifts from ``since`` on, each with the shift that has covered
    the time since (a coordinator may have planned a new one), if any."""
    records = list(
        AbsenceShift.objects.filter(
            absence__provider=provider,
            outcome=AbsenceShift.Outcome.UNSTAFFED,
            client_id__in=client_ids,
            end__gt=since,
        )
        .select_related("client", "absence__assistant")
        .order_by("start")
    )
    rows = []
    for record in records:
        cover = (
            Shift.objects.filter(client_id=record.client_id, start__lt=record.end, end__gt=record.start)
            .select_related("assistant")
            .order_by("start")
            .first()
        )
        rows.append({"record": record, "cover": cover})
    return rows


# --- Deviations --------------------------------------------------------------


def locked_month(shift: Shift, *extra: datetime) -> date | None:
    """The first locked month (M3) the shift (or ``extra`` instants) lies in."""
    months = services.months_touched(shift.start, shift.end)
    if extra:
        months |= services.months_touched(min(extra), max(extra))
    lock = MonthLock.objects.filter(client_id=shift.client_id, month__in=months).order_by("month").first()
    return lock.month if lock else None


def snapshot(shift: Shift) -> dict:
    return {
        "assistant_id": shift.assistant_id,
        "client_id": shift.client_id,
        "start": shift.start.isoformat(),
        "end": shift.end.isoformat(),
        "kind": shift.kind,
        "segments": list(shift.segments),
        "status": shift.status,
    }


def _validate_report(shift: Shift, start: datetime, end: datetime, kind: str, now: datetime) -> None:
    if shift.start > now:
        raise ChangeError(_("En avvikelse rapporteras när passet har börjat. Passet har inte börjat än."))
    month = locked_month(shift, start, end)
    if month is not None:
        raise ChangeError(
            _(
                "Månaden %(month)s är redan inskickad till Försäkringskassan, så passet kan inte ändras. "
                "Kontakta din samordnare."
            )
            % {"month": f"{month:%Y-%m}"}
        )
    if end <= start:
        raise ChangeError(_("Sluttiden måste ligga efter starttiden."), "end_time")
    if end > now + timedelta(hours=1):
        raise ChangeError(_("Sluttiden ligger i framtiden. Rapportera avvikelsen när passet är slut."), "end_time")
    if (
        not kind
        and shift.segments
        and (start != shift.start or not services.segments_fit(shift.segments, minutes_between(start, end)))
    ):
        raise ChangeError(
            _(
                "Passet har flera typer av tid (till exempel väntetid på natten). Ange vilken typ av tid som "
                "gällde, eller behåll den planerade starttiden."
            ),
            "kind",
        )


@transaction.atomic
def report_deviation(
    *, actor, shift: Shift, start: datetime, end: datetime, kind: str, note: str, now: datetime
) -> Deviation:
    """The assistant's report; a pending report of the same shift is replaced
    (the coordinator has not looked at it yet). Saves nothing on the shift."""
    Shift.objects.select_for_update().filter(pk=shift.pk).first()
    _validate_report(shift, start, end, kind, now)
    if not note.strip():
        raise ChangeError(_("Skriv kort vad som hände, så att samordnaren kan bedöma avvikelsen."), "note")
    deviation = Deviation.objects.filter(shift=shift, status=Deviation.Status.PENDING).first() or Deviation(
        provider_id=shift.provider_id, shift=shift, assistant_id=shift.assistant_id, client_id=shift.client_id
    )
    deviation.actual_start, deviation.actual_end = start, end
    deviation.kind, deviation.note, deviation.reported_by = kind, note.strip(), actor
    deviation.before = snapshot(shift)
    deviation.full_clean(exclude=["provider", "shift", "assistant", "client", "reported_by"])
    deviation.save()
    return deviation


def deviation_data(deviation: Deviation, shift: Shift) -> services.ShiftData:
    """The shift as it would be with the reported times: the reported kind of
    time for the whole shift, or the planned kind and parts when none given."""
    changes = {"start": deviation.actual_start, "end": deviation.actual_end}
    if deviation.kind:
        changes.update(kind=deviation.kind, segments=[])
    if shift.status == Shift.Status.PLANNED:
        changes["status"] = Shift.Status.WORKED
    return shift_data(shift, **changes)


def preview_deviation(deviation: Deviation) -> services.Preview | None:
    shift = deviation.shift
    if shift is None:
        return None
    return services.preview_shift(provider=shift.provider, data=deviation_data(deviation, shift), shift=shift)


def _pending(deviation: Deviation) -> Deviation:
    locked = Deviation.objects.select_for_update().get(pk=deviation.pk)
    if locked.status != Deviation.Status.PENDING:
        raise ChangeError(
            _("Avvikelsen är redan %(status)s.") % {"status": locked.get_status_display().lower()}, "decision"
        )
    return locked


@transaction.atomic
def approve_deviation(*, actor, deviation: Deviation, note: str, now: datetime) -> Deviation:
    """Change the shift to the reported times through ``record_shift`` (the
    rules run again). A refusal raises ``services.ShiftRefused`` and the
    deviation stays pending; nothing is saved."""
    deviation = _pending(deviation)
    shift = deviation.shift
    if shift is None:
        raise ChangeError(_("Passet finns inte längre i schemat; avvikelsen kan bara avslås."), "decision")
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.assistant_id != deviation.assistant_id:
        # Reassigned since the report (a sick call, an edit): the reported
        # times are the reporter's, not the new assistant's.
        raise ChangeError(
            _("Passet har getts till en annan assistent sedan avvikelsen rapporterades; den kan bara avslås."),
            "decision",
        )
    before = snapshot(shift)
    try:
        saved, _findings = services.record_shift(
            actor=actor, provider=shift.provider, data=deviation_data(deviation, shift), shift=shift
        )
    except services.ShiftRefused as exc:
        logger.info(
            "deviation %s not approved by user %s: refused by %s",
            deviation.pk,
            getattr(actor, "pk", None),
            ",".join(f.code for f in exc.findings),
        )
        raise
    deviation.status = Deviation.Status.APPROVED
    deviation.decided_by, deviation.decided_at = actor, now
    deviation.decision_note = note.strip()
    deviation.before, deviation.after = before, snapshot(saved)
    deviation.save()
    logger.info("deviation %s approved by user %s", deviation.pk, getattr(actor, "pk", None))
    return deviation


@transaction.atomic
def reject_deviation(*, actor, deviation: Deviation, note: str, now: datetime) -> Deviation:
    if not note.strip():
        raise ChangeError(_("Skriv varför avvikelsen avslås; assistenten ser motiveringen."), "decision_note")
    deviation = _pending(deviation)
    deviation.status = Deviation.Status.REJECTED
    deviation.decided_by, deviation.decided_at = actor, now
    deviation.decision_note = note.strip()
    if deviation.shift is not None:
        deviation.before = deviation.after = snapshot(deviation.shift)
    deviation.save()
    logger.info("deviation %s rejected by user %s", deviation.pk, getattr(actor, "pk", None))
    return deviation


def pending_deviations(client_ids) -> QuerySet[Deviation]:
    return (
        Deviation.objects.filter(status=Deviation.Status.PENDING, client_id__in=client_ids)
        .select_related("assistant", "client", "shift")
        .order_by("reported_at")
    )


# --- An assistant's hours ------------------------------------------------------


@dataclass(frozen=True)
class Hours:
    """Working time as the engine counts it (active and waiting time; standby
    does not count, W3), this month and in the current reference period.
    "Worked" is the shifts that have ended; the rest is still planned."""

    month: date
    month_worked: int
    month_planned: int
    cap: rules.CapStatus | None = None
    period_worked: int = 0
    notes: list = field(default_factory=list)

    @property
    def month_total(self) -> int:
        return self.month_worked + self.month_planned


def hours_for(*, provider: Provider, assistant: Assistant, now: datetime) -> Hours:
    """This month's worked and still planned minutes, and the reference period's
    cap status from ``rules.remaining`` (the planning form's figure)."""
    # No client: only the assistant's own rows are wanted (a client id that
    # matches nothing keeps the client part of the input empty).
    inp, _own, _client = adapters.window_check_input(
        provider=provider, assistant_id=assistant.pk, client_id=0, start=now, end=now + timedelta(minutes=1)
    )
    cap = rules.remaining(inp, assistant.pk, now)
    period_worked = 0
    if cap is not None:
        worked_only = dataclasses.replace(inp, shifts=tuple(s for s in inp.shifts if s.end <= now))
        past = rules.remaining(worked_only, assistant.pk, now)
        period_worked = past.shift_minutes if past else 0
    month = local_date(now).replace(day=1)
    month_start, month_end = local_midnight(month), local_midnight(next_month(month))
    rows = Shift.objects.filter(assistant=assistant, start__lt=month_end, end__gt=month_start).values_list(
        *adapters.SHIFT_COLUMNS
    )
    worked = planned = 0
    for row in rows:
        shift = adapters.to_rule_shift(row)
        minutes = caps.counted_minutes(shift, month_start, month_end)
        if shift.end <= now:
            worked += minutes
        else:
            planned += minutes
    return Hours(month=month, month_worked=worked, month_planned=planned, cap=cap, period_worked=period_worked)
