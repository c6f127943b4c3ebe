"""Hard conflicts and double assistance (H1-H3).

* **H3** (REFUSED): a shift must have segments that are aware, on whole
  minutes, non-empty and consecutive (each starts where the previous one
  ends), end after it starts, and last at most ``settings.max_shift_minutes``
  (26 h; longer is almost surely a typing error). A shift that fails H3 takes
  no part in the other rules: ``check_structure`` returns the valid ones.
* **H1** (REFUSED): one assistant cannot have two overlapping shifts, whatever
  the clients or kinds. Touching (end == next start) is fine. One finding per
  overlapping pair, on the later-starting shift first: ``shift_ids = (later,
  earlier)``, ``client_id`` of the later one, the overlap as the span.
* **H2** (NOT_PAYABLE): overlapping shifts of different assistants for the same
  client are double assistance. Each minute with k > 1 assistants present
  counts as k - 1 double minutes (an assistant counts once even if they
  overlap themselves; that is H1). Double minutes are paid from the pool of the
  client's grant covering the local day: ``double_weekly_minutes × days in the
  grant / 7``, exact, payable whole minutes = ``floor(pool)``, consumed in
  chronological order through the grant period (the input must hold the grant
  period's shifts). Where several grants cover the day, FK's grants are used
  first, then by start date (G4). The ``Shift.double`` flag is informative
  only: the overlap decides. One finding per contiguous unpaid span of a group
  of overlapping shifts, naming all the shifts present; which assistant's
  rows lose the minutes is for the report to decide (``assistant_id`` None).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from operator import itemgetter

from .caps import fmt_span
from .model import CheckInput, Finding, Grant, Payer, RuleSettings, Severity, Shift, shift_finding
from .timeutil import fmt_local, fmt_minutes, minutes_between, split_by_local_day

__all__ = ["Item", "ShiftIndex", "check", "check_structure", "index", "overlaps"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_first = itemgetter(0)


#: (start, end, shift): a shift with its bounds read once
Item = tuple[datetime, datetime, Shift]


@dataclass(slots=True)
class ShiftIndex:
    """The shifts that passed H3, grouped once for all the rules."""

    refused: list[Finding]  # the H3 findings
    valid: tuple[Shift, ...]  # ``shifts`` itself when all passed
    by_assistant: dict[object, list[Item]]  # each list sorted by start
    by_client: dict[object, list[Item]]  # each list sorted by start


def check(inp: CheckInput) -> list[Finding]:
    """H3, then H1 and H2 on the shifts that passed H3."""
    idx = index(inp.shifts, inp.settings)
    return idx.refused + overlaps(idx, inp.grants)


def check_structure(shifts: tuple[Shift, ...], settings: RuleSettings) -> tuple[list[Finding], tuple[Shift, ...]]:
    """H3 findings, and the shifts that passed (the same tuple when all did)."""
    idx = index(shifts, settings)
    return idx.refused, idx.valid


# --------------------------------------------------------------------------
# H3


def index(shifts: tuple[Shift, ...], settings: RuleSettings) -> ShiftIndex:
    """Check H3 and group the valid shifts by assistant and by client, in one pass."""
    longest = timedelta(minutes=settings.max_shift_minutes)
    findings: list[Finding] = []
    refused: set[int] = set()
    by_assistant: dict[object, list[Item]] = defaultdict(list)
    by_client: dict[object, list[Item]] = defaultdict(list)
    for shift in shifts:
        segments = shift.segments
        if len(segments) == 1:
            segment = segments[0]
            start = segment.start
            end = segment.end
            if (
                start.tzinfo is None
                or end.tzinfo is None
                or start.second
                or start.microsecond
                or end.second
                or end.microsecond
                or not start < end
                or end - start > longest
            ):
                problem = _structure_problem(shift, longest)
                if problem is not None:
                    findings.append(problem)
                    refused.add(id(shift))
                    continue
        else:
            problem = _structure_problem(shift, longest)
            if problem is not None:
                findings.append(problem)
                refused.add(id(shift))
                continue
            start = segments[0].start
            end = segments[-1].end
        item = (start, end, shift)
        by_assistant[shift.assistant_id].append(item)
        by_client[shift.client_id].append(item)
    for items in by_assistant.values():
        items.sort(key=_first)
    for items in by_client.values():
        items.sort(key=_first)
    valid = tuple(shift for shift in shifts if id(shift) not in refused) if refused else shifts
    return ShiftIndex(findings, valid, by_assistant, by_client)


def _structure_problem(shift: Shift, longest: timedelta) -> Finding | None:
    segments = shift.segments
    if not segments:
        return _h3(
            shift,
            _EPOCH,
            _EPOCH,
            0,
            "Passet saknar tider.",
            "Ange start- och sluttid.",
            "The shift has no times.",
            "Enter a start and an end time.",
        )
    instants = [t for segment in segments for t in (segment.start, segment.end)]
    if any(t.tzinfo is None or t.utcoffset() is None for t in instants):
        return _h3(
            shift,
            _EPOCH,
            _EPOCH,
            0,
            "Passets tider saknar tidszon och kan inte tolkas.",
            "Ange tiderna som svensk lokal tid.",
            "The shift's times have no time zone and cannot be read.",
            "Enter the times as Swedish local time.",
        )
    start, end = segments[0].start, segments[-1].end
    odd = next((t for t in instants if t.second or t.microsecond), None)
    if odd is not None:
        return _h3(
            shift,
            start,
            max(start, end),
            0,
            f"Passets tider måste anges i hela minuter ({fmt_local(odd)}:{odd.second:02d} har sekunder).",
            "Ange tiden utan sekunder.",
            f"The shift's times must be whole minutes ({fmt_local(odd)}:{odd.second:02d} has seconds).",
            "Enter the time without seconds.",
        )
    if end <= start:
        return _h3(
            shift,
            end,
            start,
            0,
            f"Passet slutar ({fmt_local(end)}) innan eller samtidigt som det börjar ({fmt_local(start)}). "
            f"Ett pass måste sluta efter att det har börjat.",
            "Kontrollera start- och sluttid. Ett pass över midnatt slutar dagen efter.",
            f"The shift ends ({fmt_local(end)}) before or when it starts ({fmt_local(start)}). "
            f"A shift must end after it starts.",
            "Check the start and end times. A shift over midnight ends the next day.",
        )
    for before, after in pairwise(segments):
        if before.end != after.start or after.end <= after.start or before.end <= before.start:
            return _h3(
                shift,
                start,
                end,
                0,
                f"Passets delar (aktiv tid, väntetid, beredskap) hänger inte ihop vid {fmt_local(before.end)}: "
                f"varje del måste börja när den förra slutar och vara minst en minut lång.",
                "Justera delarna så att de följer direkt på varandra utan glapp eller överlapp.",
                # "segment" marks this H3 finding for the shift form (first change row).
                f"The shift's segments (active time, waiting time, standby) do not connect at "
                f"{fmt_local(before.end)}: each segment must start when the previous one ends and last "
                f"at least one minute.",
                "Adjust the segments so that they follow each other directly, without gaps or overlaps.",
            )
    if end - start > longest:
        minutes = minutes_between(start, end)
        limit = int(longest.total_seconds()) // 60
        return _h3(
            shift,
            start,
            end,
            minutes,
            f"Passet är {fmt_minutes(minutes)} långt ({fmt_span(start, end)}). Ett pass får vara "
            f"högst {fmt_minutes(limit)}; ett längre pass är nästan alltid ett skrivfel i datum eller klockslag.",
            "Kontrollera datum och klockslag. Arbete som verkligen är längre delas upp i flera pass.",
            f"The shift is {fmt_minutes(minutes)} long ({fmt_span(start, end)}). A shift may last at most "
            f"{fmt_minutes(limit)}; a longer shift is almost always a typing error in a date or time.",
            "Check the dates and times. Work that really is longer is split into several shifts.",
        )
    return None


def _h3(
    shift: Shift, start: datetime, end: datetime, minutes: int, sv: str, hint: str, en: str, hint_en: str
) -> Finding:
    return shift_finding(
        "H3",
        Severity.REFUSED,
        shift,
        start,
        end,
        minutes,
        message=sv,
        hint=hint,
        message_en=en + " (H3)",
        hint_en=hint_en,
    )


# --------------------------------------------------------------------------
# H1 and H2


def overlaps(idx: ShiftIndex, grants: tuple[Grant, ...] = ()) -> list[Finding]:
    """H1 and H2 over the shifts that passed H3."""
    findings: list[Finding] = []
    for items in idx.by_assistant.values():
        if len(items) > 1:
            _assistant_overlaps(items, findings)
    grants_by_client: dict[object, list[Grant]] | None = None
    for client_id, items in idx.by_client.items():
        if len(items) < 2:
            continue
        clusters = _clusters(items)
        if clusters:
            if grants_by_client is None:
                grants_by_client = defaultdict(list)
                for grant in grants:
                    grants_by_client[grant.client_id].append(grant)
            _double(client_id, clusters, grants_by_client.get(client_id, []), findings)
    return findings


def _assistant_overlaps(items: list[Item], findings: list[Finding]) -> None:
    """Sweep in start order; ``active`` holds the shifts still running (normally one)."""
    active = [items[0]]
    max_end = items[0][1]
    for item in items[1:]:
        start = item[0]
        if max_end > start:
            active = [a for a in active if a[1] > start]
            for other in active:
                findings.append(_overlap(other[2], item[2], start, min(other[1], item[1])))
            active.append(item)
            if item[1] > max_end:
                max_end = item[1]
        else:
            active = [item]
            max_end = item[1]


def _overlap(earlier: Shift, later: Shift, start: datetime, end: datetime) -> Finding:
    minutes = minutes_between(start, end)
    where = "hos samma brukare" if earlier.client_id == later.client_id else "hos en annan brukare"
    where_en = "for the same client" if earlier.client_id == later.client_id else "for another client"
    other = fmt_span(earlier.start, earlier.end)
    return Finding(
        code="H1",
        severity=Severity.REFUSED,
        shift_ids=(later.id, earlier.id),
        assistant_id=later.assistant_id,
        client_id=later.client_id,
        start=start,
        end=end,
        minutes=minutes,
        message=(
            f"Passet {fmt_span(later.start, later.end)} överlappar ett annat pass för samma "
            f"assistent ({other} {where}) med {fmt_minutes(minutes)}. "
            f"En assistent kan inte arbeta två pass samtidigt."
        ),
        hint="Flytta eller korta ett av passen.",
        message_en=(
            f"The shift {fmt_span(later.start, later.end)} overlaps another shift of the same assistant "
            f"({other} {where_en}) by {fmt_minutes(minutes)}. An assistant cannot work two shifts at once. (H1)"
        ),
        hint_en="Move or shorten one of the shifts.",
    )


def _clusters(items: list[Item]) -> list[list[Item]]:
    """Groups of the client's shifts (sorted by start) that overlap
    (transitively); singles dropped."""
    clusters = []
    current = [items[0]]
    max_end = items[0][1]
    for item in items[1:]:
        if item[0] < max_end:
            current.append(item)
            if item[1] > max_end:
                max_end = item[1]
        else:
            if len(current) > 1:
                clusters.append(current)
            current = [item]
            max_end = item[1]
    if len(current) > 1:
        clusters.append(current)
    return clusters


def _double_intervals(cluster: list) -> list[tuple[datetime, datetime, int]]:
    """(start, end, k - 1) where k > 1 distinct assistants are present."""
    events = []
    for start, end, shift in cluster:
        events.append((start, 1, shift.assistant_id))
        events.append((end, -1, shift.assistant_id))
    events.sort(key=lambda e: (e[0], e[1]))
    present: dict[object, int] = defaultdict(int)
    distinct = 0
    out = []
    previous = None
    for instant, delta, assistant_id in events:
        if previous is not None and instant > previous and distinct > 1:
            out.append((previous, instant, distinct - 1))
        before = present[assistant_id]
        present[assistant_id] = before + delta
        if before == 0 and delta > 0:
            distinct += 1
        elif before == 1 and delta < 0:
            distinct -= 1
        previous = instant
    return out


def _double(client_id, clusters: list[list], grants: list[Grant], findings: list[Finding]) -> None:
    """Charge the double minutes against the grants' double pools in time order."""
    ordered = sorted(grants, key=lambda g: (g.payer != Payer.FK, g.start))
    left: dict[int, int] = {}
    for grant in ordered:
        days = (grant.end - grant.start).days + 1
        left[id(grant)] = max(grant.double_weekly_minutes * days // 7, 0)  # floor(exact pool)
    for cluster in clusters:
        unpaid: list[list] = []  # [start, end, minutes, grant or None]
        for start, end, extra in _double_intervals(cluster):
            for day, a, b in split_by_local_day(start, end):
                demand = extra * (int((b - a).total_seconds()) // 60)
                covering = [g for g in ordered if g.start <= day <= g.end and g.double_weekly_minutes > 0]
                paid = 0
                for grant in covering:
                    take = min(left[id(grant)], demand - paid)
                    left[id(grant)] -= take
                    paid += take
                if paid == demand:
                    continue
                reason = covering[-1] if covering else None
                span_start = a + timedelta(minutes=paid // extra)
                if unpaid and unpaid[-1][1] == span_start and unpaid[-1][3] is reason:
                    unpaid[-1][1] = b
                    unpaid[-1][2] += demand - paid
                else:
                    unpaid.append([span_start, b, demand - paid, reason])
        for span_start, span_end, minutes, grant in unpaid:
            involved = tuple(s.id for st, en, s in cluster if st < span_end and en > span_start)
            findings.append(_double_unpaid(client_id, involved, span_start, span_end, minutes, grant))


def _double_unpaid(
    client_id, shift_ids: tuple, start: datetime, end: datetime, minutes: int, grant: Grant | None
) -> Finding:
    span = fmt_span(start, end)
    if grant is None:
        why = "men brukaren har inget beslut om dubbelassistans som gäller den tiden"
        why_en = "but the client has no decision on double assistance that covers that time"
    else:
        days = (grant.end - grant.start).days + 1
        pool = grant.double_weekly_minutes * days // 7
        why = (
            f"men den beviljade tiden för dubbelassistans i beslutsperioden "
            f"{grant.start:%Y-%m-%d}–{grant.end:%Y-%m-%d} ({fmt_minutes(pool)}) är förbrukad"
        )
        why_en = (
            f"but the time granted for double assistance in the decision period "
            f"{grant.start:%Y-%m-%d}–{grant.end:%Y-%m-%d} ({fmt_minutes(pool)}) is used up"
        )
    return Finding(
        code="H2",
        severity=Severity.NOT_PAYABLE,
        shift_ids=shift_ids,
        assistant_id=None,
        client_id=client_id,
        start=start,
        end=end,
        minutes=minutes,
        message=(
            f"Flera assistenter arbetar samtidigt hos brukaren {span} (dubbelassistans), {why}. "
            f"{fmt_minutes(minutes)} dubbelassistans betalas inte av Försäkringskassan."
        ),
        hint=(
            "Kontrollera att passen verkligen ska överlappa. Behöver brukaren två assistenter samtidigt "
            "ska det finnas ett beslut om dubbelassistans."
        ),
        message_en=(
            f"Several assistants work for the client at the same time {span} (double assistance), {why_en}. "
            f"{fmt_minutes(minutes)} of double assistance is not paid by Försäkringskassan. (H2)"
        ),
        hint_en=(
            "Check that the shifts really should overlap. If the client needs two assistants at the same time, "
            "there must be a decision on double assistance."
        ),
    )
