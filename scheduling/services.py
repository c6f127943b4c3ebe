"""Writes of shifts. Every create, edit, move and delete runs the rules engine
over the affected window inside one transaction, stores the findings, and
refuses hard conflicts; nothing is half-saved."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assistans.models import Assistant, Client, Provider

from . import adapters
from .models import MonthLock, Shift, ShiftFinding
from .rules import model as m
from .rules.timeutil import fmt_local, local_date, minutes_between, next_month

logger = logging.getLogger(__name__)

NEW_SHIFT_ID = "new"


class ShiftRefused(Exception):
    """The change cannot be saved. ``findings`` are the engine's refusals (or
    a registry/lock problem dressed as one), each with a Swedish message."""

    def __init__(self, findings: list[m.Finding]):
        super().__init__("; ".join(f"{f.code}: {f.message_en}" for f in findings))
        self.findings = findings

    @property
    def messages(self) -> list[str]:
        return [f.message for f in self.findings]


@dataclass(frozen=True)
class ShiftData:
    assistant_id: int
    client_id: int
    start: datetime
    end: datetime
    kind: str = m.Kind.ACTIVE
    segments: list = field(default_factory=list)
    double: bool = False
    status: str = Shift.Status.PLANNED
    note: str = ""


def _refusal(code: str, data: ShiftData, message: str, message_en: str, hint: str = "") -> m.Finding:
    return m.Finding(
        code=code,
        severity=m.Severity.REFUSED,
        shift_ids=(NEW_SHIFT_ID,),
        assistant_id=data.assistant_id,
        client_id=data.client_id,
        start=data.start,
        end=data.end,
        minutes=0,
        message=message,
        hint=hint,
        message_en=message_en,
    )


def _months(start: datetime, end: datetime) -> set[date]:
    first = local_date(start).replace(day=1)
    last = local_date(end - timedelta(microseconds=1)).replace(day=1)
    months = {first}
    while first < last:
        first = next_month(first)
        months.add(first)
    return months


def _check_month_locks(data: ShiftData, client_id: int, start: datetime, end: datetime) -> None:
    locked = MonthLock.objects.filter(client_id=client_id, month__in=_months(start, end)).order_by("month").first()
    if locked is not None:
        raise ShiftRefused(
            [
                _refusal(
                    "M3",
                    data,
                    _(
                        "Månaden %(month)s är redan inskickad till Försäkringskassan för den här brukaren, så "
                        "dess pass kan inte ändras."
                    )
                    % {"month": f"{locked.month:%Y-%m}"},
                    f"month {locked.month:%Y-%m} of client {client_id} is submitted and frozen",
                    _("Gör en rättelse av månadsredovisningen i stället."),
                )
            ]
        )


def _rule_shift(data: ShiftData, shift_id) -> m.Shift:
    return adapters.to_rule_shift(
        (shift_id, data.assistant_id, data.client_id, data.start, data.end, data.kind, data.segments, data.double)
    )


def segments_fit(segments: list, total_minutes: int) -> bool:
    """The points where a shift's kind changes start at 0, increase, stay
    inside the shift and name known kinds (no segments: one kind)."""
    if not segments:
        return True
    offsets = [offset for offset, _kind in segments]
    return (
        offsets[0] == 0
        and offsets == sorted(set(offsets))
        and offsets[-1] < total_minutes
        and all(kind in m.Kind._value2member_map_ for _offset, kind in segments)
    )


def _validate_segments(data: ShiftData) -> None:
    if not segments_fit(data.segments, minutes_between(data.start, data.end)):
        raise ShiftRefused(
            [
                _refusal(
                    "H3",
                    data,
                    _(
                        "Passets delar stämmer inte: de ska börja vid passets start, följa på varandra och sluta före "
                        "passets slut."
                    ),
                    "shift segments do not tile the shift",
                )
            ]
        )


@transaction.atomic
def record_shift(
    *, actor, provider: Provider, data: ShiftData, shift: Shift | None = None
) -> tuple[Shift, list[m.Finding]]:
    """Create (``shift`` None) or change a shift. Returns the saved shift and
    the findings that concern it; raises ShiftRefused and saves nothing when
    the engine refuses the change."""
    assistant_ids = sorted({data.assistant_id} | ({shift.assistant_id} if shift else set()))
    # Lock the assistants' rows in a fixed order: two coordinators entering
    # shifts for one assistant at the same moment are serialised here.
    locked = {a.pk: a for a in Assistant.objects.select_for_update().filter(pk__in=assistant_ids, provider=provider)}
    if data.assistant_id not in locked:
        raise ShiftRefused([_refusal("A0", data, _("Okänd assistent."), f"unknown assistant {data.assistant_id}")])
    if not Client.objects.filter(pk=data.client_id, provider=provider).exists():
        raise ShiftRefused([_refusal("A0", data, _("Okänd brukare."), f"unknown client {data.client_id}")])
    if data.end <= data.start:
        raise ShiftRefused(
            [
                _refusal(
                    "H3",
                    data,
                    _("Passets slut (%(end)s) måste ligga efter dess start (%(start)s).")
                    % {"end": fmt_local(data.end), "start": fmt_local(data.start)},
                    "end before start",
                    _("Kontrollera datum och klockslag; ett nattpass slutar dagen efter."),
                )
            ]
        )
    _validate_segments(data)
    if shift is not None:
        _check_month_locks(data, shift.client_id, shift.start, shift.end)
    _check_month_locks(data, data.client_id, data.start, data.end)

    rule_shift = _rule_shift(data, shift.pk if shift else NEW_SHIFT_ID)
    inp, own_ids, client_ids = adapters.window_check_input(
        provider=provider,
        assistant_id=data.assistant_id,
        client_id=data.client_id,
        start=data.start,
        end=data.end,
        extra_shifts=[rule_shift],
        exclude_shift_ids=[shift.pk] if shift else [],
    )
    findings = adapters.check(inp)
    refused = [f for f in findings if f.severity == m.Severity.REFUSED and rule_shift.id in f.shift_ids]
    if refused:
        raise ShiftRefused(refused)

    if shift is None:
        shift = Shift(provider=provider, created_by=actor)
    shift.assistant_id = data.assistant_id
    shift.client_id = data.client_id
    shift.start, shift.end = data.start, data.end
    shift.kind, shift.segments = data.kind, list(data.segments)
    shift.double, shift.status, shift.note = data.double, data.status, data.note
    shift.updated_by = actor
    try:
        shift.full_clean(exclude=["provider", "assistant", "client", "created_by", "updated_by"])
    except ValidationError as exc:
        raise ShiftRefused([_refusal("H3", data, " ".join(exc.messages), f"invalid shift: {exc.messages}")]) from exc
    try:
        with transaction.atomic():
            shift.save()
    except IntegrityError as exc:
        # The PostgreSQL exclusion constraint caught an overlap that a
        # concurrent transaction committed after our check (H1).
        logger.info("shift refused by the overlap constraint: %s", exc)
        raise ShiftRefused(
            [
                _refusal(
                    "H1",
                    data,
                    _("Assistenten har redan ett pass som överlappar den här tiden (just registrerat av någon annan)."),
                    "overlap caught by the exclusion constraint",
                    _("Ladda om schemat och välj en annan tid."),
                )
            ]
        ) from exc

    findings = [_with_id(f, rule_shift.id, shift.pk) for f in findings]
    own_ids = (own_ids - {NEW_SHIFT_ID}) | {shift.pk}
    _store_findings(findings, own_ids, client_ids - own_ids)
    return shift, [f for f in findings if shift.pk in f.shift_ids]


@transaction.atomic
def delete_shift(*, actor, provider: Provider, shift: Shift) -> None:
    """Delete a shift and re-check its window (a deletion can end a cap excess
    or a rest breach on the neighbours)."""
    Assistant.objects.select_for_update().filter(pk=shift.assistant_id).first()
    data = ShiftData(shift.assistant_id, shift.client_id, shift.start, shift.end)
    _check_month_locks(data, shift.client_id, shift.start, shift.end)
    inp, own_ids, client_ids = adapters.window_check_input(
        provider=provider,
        assistant_id=shift.assistant_id,
        client_id=shift.client_id,
        start=shift.start,
        end=shift.end,
        exclude_shift_ids=[shift.pk],
    )
    shift.delete()
    _store_findings(adapters.check(inp), own_ids, client_ids - own_ids)


def _with_id(finding: m.Finding, old, new) -> m.Finding:
    if old not in finding.shift_ids:
        return finding
    return replace(finding, shift_ids=tuple(new if i == old else i for i in finding.shift_ids))


def _store_findings(findings: list[m.Finding], own_ids: set, client_ids: set) -> None:
    """Replace the stored findings of the assistant's shifts in the window (all
    rules) and of the client's other shifts (double assistance only)."""
    ShiftFinding.objects.filter(shift_id__in=own_ids).delete()
    ShiftFinding.objects.filter(shift_id__in=client_ids, code="H2").delete()
    rows = []
    for finding in findings:
        for shift_id in finding.shift_ids:
            if shift_id in own_ids or (shift_id in client_ids and finding.code == "H2"):
                rows.append(_finding_row(finding, shift_id))
    ShiftFinding.objects.bulk_create(rows)


def _finding_row(finding: m.Finding, shift_id) -> ShiftFinding:
    return ShiftFinding(
        shift_id=shift_id,
        code=finding.code,
        severity=finding.severity.value,
        start=finding.start,
        end=finding.end,
        minutes=finding.minutes,
        message=finding.message,
        hint=finding.hint,
        other_shift_ids=[i for i in finding.shift_ids if i != shift_id],
        accepted=finding.accepted,
        exception_reason=finding.exception_reason,
        ruleset=m.RULESET_VERSION,
    )


@transaction.atomic
def recheck(*, provider: Provider, start: datetime, end: datetime) -> list[m.Finding]:
    """Re-run the engine over every shift of the provider in ``[start, end)``
    and replace their stored findings (after a registry change, or after a
    bulk load such as the demo data)."""
    inp = adapters.provider_check_input(provider=provider, start=start, end=end)
    ids = set(Shift.objects.filter(provider=provider, start__lt=end, end__gt=start).values_list("id", flat=True))
    findings = adapters.check(inp)
    _store_findings(findings, ids, set())
    return [f for f in findings if ids.intersection(f.shift_ids)]
