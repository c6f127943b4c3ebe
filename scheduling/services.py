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

from . import adapters, input_version, rules
from .models import MonthLock, RuleException, Shift, ShiftFinding
from .rules import model as m
from .rules.timeutil import (
    LocalTimeError,
    fmt_local,
    local_date,
    local_midnight,
    make_aware,
    minutes_between,
    next_month,
)

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


def months_touched(start: datetime, end: datetime) -> set[date]:
    """The first days of the local calendar months that ``[start, end)`` touches."""
    first = local_date(start).replace(day=1)
    last = local_date(end - timedelta(microseconds=1)).replace(day=1)
    months = {first}
    while first < last:
        first = next_month(first)
        months.add(first)
    return months


def _check_month_locks(data: ShiftData, client_id: int, start: datetime, end: datetime) -> None:
    locked = (
        MonthLock.objects.filter(client_id=client_id, month__in=months_touched(start, end)).order_by("month").first()
    )
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


@dataclass(frozen=True)
class ExceptionData:
    """A reason to accept one rule's finding for the shift being saved (V4)."""

    code: str
    reason: str
    compensatory_rest: str = ""


#: Rules whose accepted break must name the compensatory rest given instead
#: (ATL 13-14 §§: a deviation from daily or weekly rest is compensated).
COMPENSATORY_REST_CODES = frozenset({"V1", "V3"})


@dataclass(frozen=True)
class Preview:
    """What saving ``data`` would give, without saving: the findings that
    concern the shift (refusals included), whether it would be refused, and the
    assistant's cap status in the reference period the shift starts in."""

    findings: list[m.Finding]
    refused: list[m.Finding]
    cap: rules.CapStatus | None = None

    @property
    def needs_reason(self) -> list[m.Finding]:
        """Warnings that may be accepted with a recorded reason and are not yet."""
        return needs_reason(self.findings)


def needs_reason(findings: list[m.Finding]) -> list[m.Finding]:
    """The unaccepted warnings (V rules) that a recorded reason can accept (V4),
    one per rule code."""
    seen: dict[str, m.Finding] = {}
    for finding in findings:
        if finding.severity == m.Severity.WARNING and finding.exception_allowed and not finding.accepted:
            seen.setdefault(finding.code, finding)
    return list(seen.values())


@dataclass
class _Checked:
    rule_shift: m.Shift
    inp: m.CheckInput
    findings: list[m.Finding]
    own_ids: set
    client_ids: set
    #: Codes of the shift's warnings a reason may accept, before any given reason applied.
    acceptable: set


def _check_change(*, provider: Provider, data: ShiftData, shift: Shift | None, exceptions=(), lock: bool) -> _Checked:
    """The one path every change of a shift takes through the rules: registry
    and structure checks, month locks, then the engine over the affected
    window. Raises ShiftRefused for what cannot be saved; saves nothing.
    ``lock`` takes the assistants' row locks (saving); a preview reads only."""
    assistant_ids = sorted({data.assistant_id} | ({shift.assistant_id} if shift else set()))
    assistants = Assistant.objects.filter(pk__in=assistant_ids, provider=provider)
    if lock:
        # Lock the assistants' rows in a fixed order: two coordinators entering
        # shifts for one assistant at the same moment are serialised here. The
        # provider's row comes first (see input_version.lock).
        input_version.lock(provider.pk)
        assistants = assistants.select_for_update().order_by("pk")
    found = {a.pk for a in assistants}
    if lock and shift is not None:
        _check_unchanged(shift, data)
    if data.assistant_id not in found:
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
    if _reassigned(shift, data):
        # A reason recorded for the previous assistant's rest says nothing
        # about the new one's: the new assistant's breaks are judged afresh.
        inp = replace(inp, exceptions=tuple(x for x in inp.exceptions if x.shift_id != rule_shift.id))
    findings = adapters.check(inp)
    acceptable = {
        f.code
        for f in findings
        if f.severity == m.Severity.WARNING and f.exception_allowed and rule_shift.id in f.shift_ids
    }
    given = tuple(
        m.RuleException(e.code, rule_shift.id, e.reason, "", e.compensatory_rest)
        for e in exceptions
        if e.code in acceptable and e.reason.strip()
    )
    if given:
        # Reasons given with this change count as recorded ones (V4); the rest
        # rules read them too (a PAN 24 h exception changes what is allowed),
        # so the check runs again with them.
        inp = replace(inp, exceptions=inp.exceptions + given)
        findings = adapters.check(inp)
    refused = [f for f in findings if f.severity == m.Severity.REFUSED and rule_shift.id in f.shift_ids]
    if refused:
        raise ShiftRefused(refused)
    return _Checked(rule_shift, inp, findings, own_ids, client_ids, acceptable)


#: What a concurrent change of a shift alters; compared under the locks.
_IDENTITY = ("assistant_id", "client_id", "start", "end", "updated_at")


def _check_unchanged(shift: Shift, data: ShiftData) -> None:
    """The shift as the caller read it is still the stored one. The caller
    read it before the assistants' locks were taken; a change committed in
    between (another coordinator's edit or sick call) is refused, not
    overwritten, and the locks taken were the right ones."""
    current = Shift.objects.filter(pk=shift.pk).values(*_IDENTITY).first()
    if current is None or any(current[name] != getattr(shift, name) for name in _IDENTITY):
        raise ShiftRefused(
            [
                _refusal(
                    "C0",
                    data,
                    _("Passet har ändrats eller tagits bort av någon annan sedan du öppnade det."),
                    f"shift {shift.pk} changed since it was read",
                    _("Ladda om schemat och gör ändringen igen."),
                )
            ]
        )


def _reassigned(shift: Shift | None, data: ShiftData) -> bool:
    return shift is not None and shift.assistant_id != data.assistant_id


def preview_shift(*, provider: Provider, data: ShiftData, shift: Shift | None = None, exceptions=()) -> Preview:
    """Run exactly the checks ``record_shift`` runs for ``data`` and save
    nothing: the findings that concern the shift (a refusal is reported, not
    raised) and the assistant's remaining hours in the reference period."""
    try:
        checked = _check_change(provider=provider, data=data, shift=shift, exceptions=exceptions, lock=False)
    except ShiftRefused as exc:
        return Preview(findings=exc.findings, refused=exc.findings)
    own = [f for f in checked.findings if checked.rule_shift.id in f.shift_ids]
    cap = rules.remaining(checked.inp, data.assistant_id, data.start)
    return Preview(findings=own, refused=[], cap=cap)


def _validate_exceptions(
    data: ShiftData, findings: list[m.Finding], acceptable: set, exceptions, require_reasons: bool
) -> list:
    """The given reasons for rules in ``acceptable`` (others are dropped: the
    finding they were typed for is gone). Refuses (code V4) a missing
    compensatory rest, and with ``require_reasons`` a warning still unaccepted."""
    kept = [e for e in exceptions if e.code in acceptable and e.reason.strip()]
    problems = []
    for exception in kept:
        if exception.code in COMPENSATORY_REST_CODES and not exception.compensatory_rest.strip():
            problems.append(
                _refusal(
                    "V4",
                    data,
                    _("Ange vilken kompensationsvila assistenten får för avvikelsen från regel %(code)s.")
                    % {"code": exception.code},
                    f"compensatory rest missing for {exception.code}",
                    _("Till exempel: ledigt 11 timmar i följd från 2026-03-07 14:00."),
                )
            )
    if require_reasons:
        for finding in needs_reason(findings):
            problems.append(
                _refusal(
                    "V4",
                    data,
                    _("Passet bryter mot regel %(code)s. Det får sparas bara med ett skäl: %(message)s")
                    % {"code": finding.code, "message": finding.message},
                    f"reason required for {finding.code}",
                    finding.hint,
                )
            )
    if problems:
        raise ShiftRefused(problems)
    return kept


@transaction.atomic
def record_shift(
    *,
    actor,
    provider: Provider,
    data: ShiftData,
    shift: Shift | None = None,
    exceptions: tuple[ExceptionData, ...] | list[ExceptionData] = (),
    require_reasons: bool = False,
) -> tuple[Shift, list[m.Finding]]:
    """Create (``shift`` None) or change a shift. Returns the saved shift and
    the findings that concern it; raises ShiftRefused and saves nothing when
    the engine refuses the change.

    ``exceptions`` are reasons to accept rule breaks of this shift (V4); each
    is stored as a ``RuleException`` and marks its findings accepted. With
    ``require_reasons`` (the planning form) a warning that may be accepted
    refuses the save until a reason is given."""
    checked = _check_change(provider=provider, data=data, shift=shift, exceptions=exceptions, lock=True)
    rule_shift, findings = checked.rule_shift, checked.findings
    own_findings = [f for f in findings if rule_shift.id in f.shift_ids]
    kept = _validate_exceptions(data, own_findings, checked.acceptable, exceptions, require_reasons)

    reassigned = _reassigned(shift, data)
    left = (shift.assistant_id, shift.client_id, shift.start, shift.end) if reassigned else None
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
    if reassigned:
        RuleException.objects.filter(shift=shift).exclude(code__in=[e.code for e in kept]).delete()
    for exception in kept:
        RuleException.objects.update_or_create(
            shift=shift,
            code=exception.code,
            defaults={
                "reason": exception.reason.strip(),
                "compensatory_rest": exception.compensatory_rest.strip(),
                "recorded_by": actor,
            },
        )

    unjudged = _h2_unjudged(checked.inp, checked.own_ids, data.client_id, data.start, data.end)
    findings = [_with_id(f, rule_shift.id, shift.pk) for f in findings]
    own_ids = (checked.own_ids - {NEW_SHIFT_ID}) | {shift.pk}
    _store_findings(findings, own_ids, checked.client_ids - own_ids, unjudged)
    if left is not None:
        _recheck_left_behind(provider, shift.pk, *left)
    return shift, [f for f in findings if shift.pk in f.shift_ids]


def _recheck_left_behind(provider: Provider, shift_id: int, assistant_id: int, client_id: int, start, end) -> None:
    """After a shift went to another assistant (a substitute), re-check the
    previous assistant's window: their rest and cap findings that involved the
    shift no longer hold. Only their own shifts' findings are replaced."""
    inp, own_ids, _client_ids = adapters.window_check_input(
        provider=provider, assistant_id=assistant_id, client_id=client_id, start=start, end=end
    )
    own_ids = own_ids - {shift_id}
    unjudged = _h2_unjudged(inp, own_ids, client_id, start, end)
    _store_findings(adapters.check(inp), own_ids, set(), unjudged)


@transaction.atomic
def delete_shift(*, actor, provider: Provider, shift: Shift) -> None:
    """Delete a shift and re-check its window (a deletion can end a cap excess
    or a rest breach on the neighbours)."""
    input_version.lock(provider.pk)
    Assistant.objects.select_for_update().filter(pk=shift.assistant_id).first()
    data = ShiftData(shift.assistant_id, shift.client_id, shift.start, shift.end)
    _check_unchanged(shift, data)
    _check_month_locks(data, shift.client_id, shift.start, shift.end)
    inp, own_ids, client_ids = adapters.window_check_input(
        provider=provider,
        assistant_id=shift.assistant_id,
        client_id=shift.client_id,
        start=shift.start,
        end=shift.end,
        exclude_shift_ids=[shift.pk],
    )
    unjudged = _h2_unjudged(inp, own_ids, shift.client_id, shift.start, shift.end)
    shift.delete()
    _store_findings(adapters.check(inp), own_ids, client_ids - own_ids, unjudged)


def _with_id(finding: m.Finding, old, new) -> m.Finding:
    if old not in finding.shift_ids:
        return finding
    return replace(finding, shift_ids=tuple(new if i == old else i for i in finding.shift_ids))


#: The client clause of ``adapters.window_check_input`` loads the client's
#: other shifts only this close to the change.
CLIENT_REACH = timedelta(days=1)


def _h2_unjudged(inp: m.CheckInput, own_ids: set, client_id: int, start: datetime, end: datetime) -> set:
    """The assistant's shifts in the window whose double assistance (H2) this
    check cannot judge: for another client, or farther from the change than
    the client's other shifts were loaded. Their stored H2 findings stay."""
    low, high = start - CLIENT_REACH, end + CLIENT_REACH
    return {
        s.id
        for s in inp.shifts
        if s.id in own_ids and not (s.client_id == client_id and s.start >= low and s.end <= high)
    }


def _store_findings(findings: list[m.Finding], own_ids: set, client_ids: set, h2_unjudged: set = frozenset()) -> None:
    """Replace the stored findings of the assistant's shifts in the window (all
    rules, but H2 only where this check saw the client's other shifts) and of
    the client's other shifts (double assistance only)."""
    ShiftFinding.objects.filter(shift_id__in=own_ids).exclude(shift_id__in=h2_unjudged, code="H2").delete()
    ShiftFinding.objects.filter(shift_id__in=client_ids, code="H2").delete()
    rows = []
    for finding in findings:
        for shift_id in finding.shift_ids:
            if finding.code == "H2" and shift_id in h2_unjudged:
                continue
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
        message_en=finding.message_en,
        hint_en=finding.hint_en,
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


# --- Rolling out a basic schedule ------------------------------------------


@dataclass(frozen=True)
class CopyOutcome:
    """One copy of one source shift: placed (``shift`` set, with its findings)
    or not (``refusals`` say why)."""

    source: Shift
    start: datetime | None
    end: datetime | None
    shift: Shift | None = None
    findings: list[m.Finding] = field(default_factory=list)
    refusals: list[m.Finding] = field(default_factory=list)

    @property
    def placed(self) -> bool:
        return self.shift is not None


@dataclass(frozen=True)
class CopyResult:
    outcomes: list[CopyOutcome]
    all_or_nothing: bool = False
    #: All-or-nothing and something could not be placed: nothing was kept.
    rolled_back: bool = False

    @property
    def placed(self) -> list[CopyOutcome]:
        return [o for o in self.outcomes if o.placed and not self.rolled_back]

    @property
    def not_placed(self) -> list[CopyOutcome]:
        return [o for o in self.outcomes if not o.placed]


class _RollBack(Exception):
    pass


def _wall_clock_copy(source: Shift, days: int) -> tuple[datetime, datetime]:
    """The source shift moved ``days`` local days on, at the same wall-clock
    times (T2: a time that does not exist, or exists twice, on the new day is
    refused by ``make_aware``)."""
    start_local = source.start.astimezone(m.STOCKHOLM)
    end_local = source.end.astimezone(m.STOCKHOLM)
    start = make_aware(start_local.date() + timedelta(days=days), start_local.time().replace(tzinfo=None))
    end = make_aware(end_local.date() + timedelta(days=days), end_local.time().replace(tzinfo=None))
    return start, end


def copy_week(
    *, actor, provider: Provider, client: Client, monday: date, weeks: int, all_or_nothing: bool = False
) -> CopyResult:
    """Copy the client's shifts that start in the week from ``monday`` to each
    of the ``weeks`` following weeks. Every copy goes through ``record_shift``
    in its own savepoint, so one refusal does not lose the others; with
    ``all_or_nothing`` a single refusal keeps none."""
    week_start = local_midnight(monday)
    week_end = local_midnight(monday + timedelta(days=7))
    sources = list(
        Shift.objects.filter(provider=provider, client=client, start__gte=week_start, start__lt=week_end)
        .select_related("assistant")
        .order_by("start", "assistant_id")
    )
    outcomes: list[CopyOutcome] = []
    try:
        with transaction.atomic():
            for week in range(1, weeks + 1):
                for source in sources:
                    outcomes.append(_copy_one(actor, provider, source, week * 7))
            if all_or_nothing and any(not o.placed for o in outcomes):
                raise _RollBack
    except _RollBack:
        return CopyResult(outcomes, all_or_nothing=True, rolled_back=True)
    return CopyResult(outcomes, all_or_nothing=all_or_nothing)


def _copy_one(actor, provider: Provider, source: Shift, days: int) -> CopyOutcome:
    try:
        start, end = _wall_clock_copy(source, days)
    except LocalTimeError as exc:
        moved = source.start + timedelta(days=days)
        data = ShiftData(source.assistant_id, source.client_id, moved, moved + (source.end - source.start))
        return CopyOutcome(source, moved, None, refusals=[_refusal(exc.code, data, exc.message, exc.message_en)])
    data = ShiftData(
        assistant_id=source.assistant_id,
        client_id=source.client_id,
        start=start,
        end=end,
        kind=source.kind,
        segments=list(source.segments),
        double=source.double,
        note=source.note,
    )
    try:
        with transaction.atomic():
            shift, findings = record_shift(actor=actor, provider=provider, data=data)
    except ShiftRefused as exc:
        return CopyOutcome(source, start, end, refusals=exc.findings)
    return CopyOutcome(source, start, end, shift=shift, findings=findings)
