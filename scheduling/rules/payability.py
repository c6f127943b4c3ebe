"""Who and when is payable (E1-E4, A1).

Every finding names the span of the shift that is affected and its elapsed
minutes (all kinds of time: none of it is payable). A rule boundary that falls
inside a shift (a birthday, a notice date, a permit's last day, the start of a
hospital stay) splits the shift there; day-based rules split at local
midnight. Each rule reports on its own: a minute may be unpayable for several
reasons, and the monthly report must not count it twice.

* **E1** (NOT_PAYABLE): time before the assistant's ``settings.adult_age``
  (18th) birthday, i.e. before local midnight starting that day. Born on
  29 February [ours]: the birthday in a common year is 1 March. No birth date
  (or no Assistant record) → one WARNING per assistant that age cannot be
  checked, naming all the assistant's shifts.
* **A1** (REFUSED) [ours]: no ``Assignment`` of the assistant to the client
  covers the local day. This is a registry problem, not a payment rule: the
  assistant must be registered for the client (and then notified to FK)
  before a shift is saved. Kept apart from E2 so the UI can send the user to
  the registry instead of FK's notice.
* **E2** (NOT_PAYABLE): the assignment covering the day was not yet notified
  to FK (FK 3066): days before ``notified_on`` (or every day, when it is None)
  are not payable; ``notified_on`` itself is payable. With several
  assignments for the pair, a day is payable if any covering assignment was
  notified on or before it.
* **E3** (NOT_PAYABLE): minutes overlapping a client ``Absence`` without a
  recorded exception (overlapping absences are merged first, so a minute
  counts once). An absence with ``exception=True`` changes nothing.
* **E4** (NOT_PAYABLE): when ``provider.requires_permit``, local days not
  inside any ``Permit`` (``end`` None is open-ended). The two-week grace after
  the client was told (SFB 51:16 b) is not modelled: record it as a permit
  period.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, datetime
from operator import itemgetter

from .caps import end_of_day, fmt_span, group_by_assistant, local_day_fast, midnight_cached
from .model import Absence, Assignment, CheckInput, Finding, Permit, Severity, Shift, shift_finding
from .timeutil import fmt_minutes, minutes_between, split_by_local_day

__all__ = ["check", "coming_of_age"]

_ABSENCE_EN = {
    "hospital": "in hospital",
    "institution": "at an institution",
    "school": "at school",
    "daily_activity": "at a daily activity",
    "childcare": "in preschool or after-school care",
}
_ABSENCE_SV = {
    "hospital": "på sjukhus",
    "institution": "på en institution",
    "school": "i skolan",
    "daily_activity": "på daglig verksamhet",
    "childcare": "i förskola eller fritidshem",
}
_end = itemgetter(1)


def coming_of_age(birth_date: date, age: int) -> date:
    """The day a person born on ``birth_date`` turns ``age`` (29 Feb → 1 Mar)."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:  # 29 February in a common year
        return date(birth_date.year + age, 3, 1)


def _covers(ranges: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    return any(low <= start and end <= high for low, high in ranges)


def check(inp: CheckInput, by_assistant: dict | None = None, by_client: dict | None = None) -> list[Finding]:
    """E1-E4 and A1 findings for every shift in ``inp``. ``by_assistant`` and
    ``by_client`` are the engine's groupings of (start, end, shift) sorted by
    start (``conflicts.index``); built here when absent."""
    if by_assistant is None:
        by_assistant = group_by_assistant(inp.shifts)
    findings: list[Finding] = []
    age = inp.settings.adult_age
    assistants = inp.assistants
    assignments: dict[object, dict[object, list[Assignment]]] = {}
    for assignment in inp.assignments:
        if assignment.assistant_id in by_assistant:
            assignments.setdefault(assignment.assistant_id, {}).setdefault(assignment.client_id, []).append(assignment)
    permit_ranges = _permit_ranges(inp.provider.permits) if inp.provider.requires_permit else None

    for aid, items in by_assistant.items():
        first_start = items[0][0]
        last_end = max(items, key=_end)[1]
        # E1: items are sorted by start, so the under-age ones come first.
        assistant = assistants.get(aid)
        birth = assistant.birth_date if assistant is not None else None
        if birth is None:
            findings.append(_age_unknown(aid, [item[2] for item in items], age))
        else:
            limit = midnight_cached(coming_of_age(birth, age))
            if first_start < limit:
                for start, end, shift in items:
                    if start >= limit:
                        break
                    findings.append(_under_age(shift, start, min(end, limit), limit, age))
        # A1, E2: clients whose payable ranges cover all of the assistant's time pass at once.
        own = assignments.get(aid, {})
        ranges = {client_id: _payable_ranges(rows) for client_id, rows in own.items()}
        fine = {client_id for client_id, found in ranges.items() if _covers(found, first_start, last_end)}
        if not fine.issuperset({item[2].client_id for item in items}):
            for start, end, shift in items:
                if shift.client_id in fine or _covers(ranges.get(shift.client_id, ()), start, end):
                    continue
                _assignment_findings(shift, start, end, own.get(shift.client_id, ()), findings)
        # E4
        if permit_ranges is not None and not _covers(permit_ranges, first_start, last_end):
            for start, end, shift in items:
                if not _covers(permit_ranges, start, end):
                    _permit_findings(shift, start, end, permit_ranges, findings)

    _check_absences(inp, by_client, findings)
    return findings


# --------------------------------------------------------------------------
# E1


def _under_age(shift: Shift, start: datetime, end: datetime, limit: datetime, age: int) -> Finding:
    minutes = minutes_between(start, end)
    birthday = local_day_fast(limit)
    return shift_finding(
        "E1",
        Severity.NOT_PAYABLE,
        shift,
        start,
        end,
        minutes,
        message=(
            f"Assistenten fyller {age} år först {birthday:%Y-%m-%d}. Försäkringskassan betalar inte för "
            f"assistans av någon under {age} år, så {fmt_minutes(minutes)} av passet "
            f"({fmt_span(start, end)}) betalas inte."
        ),
        hint=f"Låt en assistent som har fyllt {age} ta passet, eller flytta det till {birthday:%Y-%m-%d} eller senare.",
        message_en=(
            f"The assistant turns {age} only on {birthday:%Y-%m-%d}. Försäkringskassan does not pay for "
            f"assistance by anyone under {age}, so {fmt_minutes(minutes)} of the shift "
            f"({fmt_span(start, end)}) is not paid. (E1)"
        ),
        hint_en=(f"Let an assistant who has turned {age} take the shift, or move it to {birthday:%Y-%m-%d} or later."),
    )


def _age_unknown(assistant_id, shifts: list[Shift], age: int) -> Finding:
    start = min(s.start for s in shifts)
    end = max(s.end for s in shifts)
    return Finding(
        code="E1",
        severity=Severity.WARNING,
        shift_ids=tuple(s.id for s in shifts),
        assistant_id=assistant_id,
        client_id=None,
        start=start,
        end=end,
        minutes=0,
        message=(
            f"Assistentens födelsedatum saknas, så det går inte att kontrollera att assistenten har fyllt {age} år. "
            f"Försäkringskassan betalar inte för assistans av någon under {age} år."
        ),
        hint="Registrera assistentens personnummer eller samordningsnummer.",
        message_en=(
            f"The assistant's date of birth is missing, so it cannot be checked that the assistant has turned "
            f"{age}. Försäkringskassan does not pay for assistance by anyone under {age}. (E1)"
        ),
        hint_en="Register the assistant's personal identity number or coordination number.",
    )


# --------------------------------------------------------------------------
# A1 and E2


def _payable_ranges(assignments) -> list[tuple[datetime, datetime]]:
    """Merged instant ranges of the days that are assigned and notified."""
    days = sorted(
        (
            (max(a.start, a.notified_on), a.end)
            for a in assignments
            if a.notified_on is not None and (a.end is None or max(a.start, a.notified_on) <= a.end)
        ),
        key=lambda pair: pair[0],
    )
    merged: list[list] = []
    for first, last in days:
        if merged:
            previous = merged[-1][1]
            if previous is None:
                continue
            if (first - previous).days <= 1:
                merged[-1][1] = None if last is None else max(previous, last)
                continue
        merged.append([first, last])
    return [(midnight_cached(first), end_of_day(last)) for first, last in merged]


def _assignment_findings(shift: Shift, start: datetime, end: datetime, assignments, findings: list[Finding]) -> None:
    spans: list[list] = []  # [code, notified_on, start, end]
    for day, a, b in split_by_local_day(start, end):
        covering = [x for x in assignments if x.start <= day and (x.end is None or day <= x.end)]
        if not covering:
            status = ("A1", None)
        elif any(x.notified_on is not None and x.notified_on <= day for x in covering):
            continue
        else:
            notices = [x.notified_on for x in covering if x.notified_on is not None]
            status = ("E2", min(notices) if notices else None)
        if spans and spans[-1][0:2] == list(status) and spans[-1][3] == a:
            spans[-1][3] = b
        else:
            spans.append([*status, a, b])
    for code, notified_on, a, b in spans:
        findings.append(_not_assigned(shift, a, b) if code == "A1" else _not_notified(shift, a, b, notified_on))


def _not_assigned(shift: Shift, start: datetime, end: datetime) -> Finding:
    minutes = minutes_between(start, end)
    return shift_finding(
        "A1",
        Severity.REFUSED,
        shift,
        start,
        end,
        minutes,
        message=(
            f"Assistenten är inte registrerad som assistent hos brukaren för {fmt_span(start, end)}. "
            f"Ett pass kan bara läggas för en assistent som har ett uppdrag hos brukaren den dagen."
        ),
        hint=(
            "Lägg till assistenten hos brukaren i registret (med rätt startdatum) och anmäl assistenten till "
            "Försäkringskassan (FK 3066) innan passet."
        ),
        message_en=(
            f"The assistant is not registered as an assistant for the client for {fmt_span(start, end)}. "
            f"A shift can only be planned for an assistant who has an assignment with the client that day. (A1)"
        ),
        hint_en=(
            "Add the assistant to the client in the register (with the right start date) and notify "
            "Försäkringskassan of the assistant (FK 3066) before the shift."
        ),
    )


def _not_notified(shift: Shift, start: datetime, end: datetime, notified_on: date | None) -> Finding:
    minutes = minutes_between(start, end)
    if notified_on is None:
        why = "Assistenten är inte anmäld till Försäkringskassan (FK 3066) för den här brukaren."
        why_en = "The assistant has not been notified to Försäkringskassan (FK 3066) for this client."
    else:
        why = (
            f"Försäkringskassan fick anmälan om assistenten (FK 3066) för den här brukaren först "
            f"{notified_on:%Y-%m-%d}."
        )
        why_en = (
            f"Försäkringskassan received the notice of the assistant (FK 3066) for this client only on "
            f"{notified_on:%Y-%m-%d}."
        )
    return shift_finding(
        "E2",
        Severity.NOT_PAYABLE,
        shift,
        start,
        end,
        minutes,
        message=(
            f"{why} Tid före anmälan betalas inte, så {fmt_minutes(minutes)} av passet "
            f"({fmt_span(start, end)}) betalas inte."
        ),
        hint="Skicka anmälan om assistent till Försäkringskassan innan assistenten börjar arbeta hos brukaren.",
        message_en=(
            f"{why_en} Time before the notice is not paid, so {fmt_minutes(minutes)} of the shift "
            f"({fmt_span(start, end)}) is not paid. (E2)"
        ),
        hint_en=(
            "Send the notice of the assistant to Försäkringskassan before the assistant starts working for the client."
        ),
    )


# --------------------------------------------------------------------------
# E3


def _check_absences(inp: CheckInput, by_client: dict | None, findings: list[Finding]) -> None:
    by_absence_client: dict[object, list[Absence]] = defaultdict(list)
    for absence in inp.absences:
        if not absence.exception and absence.start < absence.end:
            by_absence_client[absence.client_id].append(absence)
    if not by_absence_client:
        return
    if by_client is None:
        by_client = defaultdict(list)
        for shift in inp.shifts:
            if shift.client_id in by_absence_client:
                by_client[shift.client_id].append((shift.start, shift.end, shift))
    for client_id, absences in by_absence_client.items():
        items = by_client.get(client_id)
        if not items:
            continue
        # Merge overlapping stays so that a minute counts once.
        absences.sort(key=lambda x: x.start)
        starts: list[datetime] = []
        ends: list[datetime] = []
        stays: list[Absence] = []
        for absence in absences:
            if ends and absence.start <= ends[-1]:
                if absence.end > ends[-1]:
                    ends[-1] = absence.end
            else:
                starts.append(absence.start)
                ends.append(absence.end)
                stays.append(absence)
        for start, end, shift in items:
            i = bisect_right(ends, start)
            while i < len(starts) and starts[i] < end:
                a = max(start, starts[i])
                b = min(end, ends[i])
                if a < b:
                    findings.append(_absent(shift, a, b, stays[i], starts[i], ends[i]))
                i += 1


def _absent(shift: Shift, start: datetime, end: datetime, absence: Absence, stay_start, stay_end) -> Finding:
    minutes = minutes_between(start, end)
    where = _ABSENCE_SV.get(absence.kind, f"borta ({absence.kind})")
    where_en = _ABSENCE_EN.get(absence.kind, f"away ({absence.kind})")
    return shift_finding(
        "E3",
        Severity.NOT_PAYABLE,
        shift,
        start,
        end,
        minutes,
        message=(
            f"Brukaren är {where} {fmt_span(stay_start, stay_end)}. Tid då brukaren är {where} "
            f"betalas inte utan särskilda skäl, så {fmt_minutes(minutes)} av passet "
            f"({fmt_span(start, end)}) betalas inte."
        ),
        hint=(
            "Om assistansen behövs under vistelsen (till exempel vid en kort sjukhusvistelse), registrera "
            "särskilda skäl för vistelsen. Annars korta eller ta bort passet."
        ),
        message_en=(
            f"The client is {where_en} {fmt_span(stay_start, stay_end)}. Time when the client is {where_en} "
            f"is not paid without special reasons, so {fmt_minutes(minutes)} of the shift "
            f"({fmt_span(start, end)}) is not paid. (E3)"
        ),
        hint_en=(
            "If assistance is needed during the stay (for example a short hospital stay), record special "
            "reasons for the stay. Otherwise shorten or remove the shift."
        ),
    )


# --------------------------------------------------------------------------
# E4


def _permit_ranges(permits: tuple[Permit, ...]) -> list[tuple[datetime, datetime]]:
    merged: list[list] = []
    for permit in sorted(permits, key=lambda p: p.start):
        if permit.end is not None and permit.end < permit.start:
            continue
        low, high = midnight_cached(permit.start), end_of_day(permit.end)
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def _permit_findings(
    shift: Shift, start: datetime, end: datetime, ranges: list[tuple[datetime, datetime]], findings: list[Finding]
) -> None:
    """E4 for the parts of ``[start, end)`` outside the permit ranges."""
    cursor = start
    for low, high in ranges:
        if high <= cursor:
            continue
        if low >= end:
            break
        if cursor < low:
            findings.append(_no_permit(shift, cursor, low))
        cursor = max(cursor, high)
        if cursor >= end:
            break
    if cursor < end:
        findings.append(_no_permit(shift, cursor, end))


def _no_permit(shift: Shift, start: datetime, end: datetime) -> Finding:
    minutes = minutes_between(start, end)
    return shift_finding(
        "E4",
        Severity.NOT_PAYABLE,
        shift,
        start,
        end,
        minutes,
        message=(
            f"Anordnaren har inget giltigt tillstånd från IVO för {fmt_span(start, end)}. "
            f"Försäkringskassan betalar inte för assistans från en privat anordnare utan tillstånd, så "
            f"{fmt_minutes(minutes)} av passet betalas inte."
        ),
        hint="Kontrollera att IVO-tillståndet är registrerat med rätt giltighetstid, eller förnya tillståndet.",
        message_en=(
            f"The provider has no valid permit from IVO for {fmt_span(start, end)}. Försäkringskassan does not "
            f"pay for assistance from a private provider without a permit, so {fmt_minutes(minutes)} of the "
            f"shift is not paid. (E4)"
        ),
        hint_en="Check that the IVO permit is registered with the right validity period, or renew the permit.",
    )
