"""Working-time caps per assistant and reference period (W1-W4).

FK pays no hours an assistant works beyond the working-time rules of the
assistant's employment (SFB 51:16). For every reference period the engine
sums the assistant's working time and marks the minutes above the cap as not
payable (W4).

Readings (RULES.md §4 and §10; the ones marked [ours] belong in the help text)
---------------------------------------------------------------------------
* **Employment** [ours]: the employment valid on the local day worked. When
  several employments overlap, the first valid one by start date is used (the
  data as the provider gave it); a shift on a day with no employment gets a
  ``W1`` finding, not payable, for the minutes on those days.
* **Reference periods** (W1):

  - household: a fixed chain of ``settings.household_period_days`` (28)
    day periods from ``Employment.anchor``, infinite in both directions;
  - ATL / collective agreement: ``Employment.declared_periods``. A declared
    period is invalid if it ends before it starts, is longer than the maximum
    (ATL: 4 months; agreement: ``max_period_months``, never above 12) or
    overlaps an earlier declared period. An invalid period is reported once
    as a ``W1`` **WARNING** (the fault is in the employment data, not in any
    shift, so no shift is refused) and ignored: its days fall back to calendar
    months, the shortest and strictest reading, until it is corrected.
  - no declared period for a day [ours]: the calendar month, clipped so that
    it never overlaps a declared period (a gap between declared periods is
    covered by the pieces of calendar months inside the gap).

  "At most N months": the period must end before the same day N months after
  its start (clamped to the month's last day): 2026-01-01..2026-04-30 is 4
  months, 2026-01-01..2026-05-01 is too long.
* **Cap** (W2): weekly cap × days in the period / 7, kept exact as a
  ``Fraction`` of minutes (48 h × 31 / 7 = 12 754 2/7 min = 212 h 34,29 min).
  A minute is over the cap once the cumulative total passes the exact cap, so
  the payable whole minutes are ``floor(cap)`` (212 h 34 min). With
  ``settings.round_cap_up_to_hour`` (FK's open question, RULES.md §10; one
  court case used 213 h) the cap is rounded up to whole hours first. The cap
  is that of the whole period even when the employment starts or ends inside
  it.
* **What counts** (W3): ACTIVE and WAITING minutes in full, STANDBY not at
  all; every shift of the assistant, across all clients in the input.
* **External hours** (W3) [ours]: an ``ExternalHours`` block is spread evenly
  over its days; a block that spans several periods is pro-rated by the number
  of its days in each (days without an employment are dropped). External
  minutes count first: they use up the cap but are never flagged here.
* **Excess** (W4) [ours]: the latest minutes in time order, attributed to the
  client of the shift they belong to; one ``W4`` finding (NOT_PAYABLE) per
  shift and period with excess minutes, naming the span from the instant the
  cap was reached to the end of the shift's counted time in that period.
* A shift crossing a period boundary (a local midnight) is split there (T3).

The engine expects the whole reference period in ``CheckInput`` (the adapter
loads it): only the shifts given are counted.
"""

from __future__ import annotations

from bisect import bisect_right
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from .model import (
    CheckInput,
    Employment,
    Finding,
    Kind,
    ReferencePeriod,
    Regime,
    RuleSettings,
    Severity,
    Shift,
    shift_finding,
)
from .timeutil import fmt_local, fmt_minutes, local_date, local_midnight, minutes_between, split_by_local_day

__all__ = ["CapStatus", "check", "fmt_span", "group_by_assistant", "remaining"]

STANDBY = Kind.STANDBY
ONE_DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)
ZERO = timedelta(0)
FAR_FUTURE = datetime.max.replace(tzinfo=UTC)

# --------------------------------------------------------------------------
# Fast local-day helpers (shared with payability). Stockholm's offset is a
# whole number of hours and changes only on whole UTC hours, so every UTC hour
# lies inside one local day: the day can be cached per UTC hour.

_DAY_BY_HOUR: dict[int, date] = {}
_MIDNIGHT: dict[date, datetime] = {}


def local_day_fast(instant: datetime) -> date:
    """``timeutil.local_date`` with a per-UTC-hour cache (same result)."""
    hour = int(instant.timestamp() // 3600)
    day = _DAY_BY_HOUR.get(hour)
    if day is None:
        day = local_date(instant)
        hour_start = datetime.fromtimestamp(hour * 3600, UTC)
        if local_date(hour_start) == day == local_date(hour_start + timedelta(seconds=3599)):
            _DAY_BY_HOUR[hour] = day
    return day


def midnight_cached(day: date) -> datetime:
    """``timeutil.local_midnight`` with a cache."""
    instant = _MIDNIGHT.get(day)
    if instant is None:
        instant = _MIDNIGHT[day] = local_midnight(day)
    return instant


def end_of_day(day: date | None) -> datetime:
    """The instant local ``day`` ends (None: never)."""
    return FAR_FUTURE if day is None else midnight_cached(day + ONE_DAY)


def fmt_span(start: datetime, end: datetime) -> str:
    """``2026-03-05 14:00–18:00``; the end's date is shown when it differs."""
    first, last = fmt_local(start), fmt_local(end)
    if first[:10] == last[:10]:
        return f"{first}–{last[11:]}"
    return f"{first}–{last}"


def counted_minutes(shift: Shift, start: datetime, end: datetime) -> int:
    """Minutes of ACTIVE and WAITING time of ``shift`` inside ``[start, end)`` (W3)."""
    total = 0
    for segment in shift.segments:
        if segment.kind is STANDBY:
            continue
        a = segment.start if segment.start > start else start
        b = segment.end if segment.end < end else end
        if a < b:
            total += int((b - a).total_seconds()) // 60
    return total


# --------------------------------------------------------------------------
# Reference periods


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


_MONTHS: dict[tuple[int, int], tuple[date, date]] = {}


def _month_of(day: date) -> tuple[date, date]:
    """(first, last) day of ``day``'s calendar month."""
    key = (day.year, day.month)
    found = _MONTHS.get(key)
    if found is None:
        found = _MONTHS[key] = (day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1]))
    return found


def max_period_months(employment: Employment) -> int:
    """ATL allows at most 4 months; an agreement its maximum, never above 12."""
    limit = 4 if employment.regime == Regime.ATL else 12
    return min(employment.max_period_months, limit)


def weekly_cap(employment: Employment, settings: RuleSettings) -> int:
    if employment.weekly_cap is not None:
        return employment.weekly_cap
    if employment.regime == Regime.HOUSEHOLD:
        return settings.household_weekly_cap
    return settings.default_weekly_cap


def exact_cap(weekly_minutes: int, days: int, settings: RuleSettings) -> Fraction:
    """Weekly average × days / 7 in minutes (W2), exact unless rounding is asked for."""
    cap = Fraction(weekly_minutes * days, 7)
    if settings.round_cap_up_to_hour:
        cap = Fraction(-(-cap // 60) * 60)
    return cap


class _Periods:
    """The reference periods of one employment, found by local day."""

    __slots__ = ("anchor", "employment", "ends", "invalid", "length", "starts", "weekly")

    def __init__(self, employment: Employment, settings: RuleSettings) -> None:
        self.employment = employment
        self.weekly = weekly_cap(employment, settings)
        self.anchor = employment.anchor
        self.length = settings.household_period_days
        self.invalid: list[tuple[ReferencePeriod, str, str]] = []
        starts: list[date] = []
        ends: list[date] = []
        if employment.regime != Regime.HOUSEHOLD:
            months = max_period_months(employment)
            for period in sorted(employment.declared_periods, key=lambda p: (p.start, p.end)):
                if period.end < period.start:
                    self.invalid.append((period, "slutar före start", "ends before it starts"))
                elif period.end >= _add_months(period.start, months):
                    self.invalid.append((period, f"är längre än {months} månader", f"is longer than {months} months"))
                elif ends and period.start <= ends[-1]:
                    self.invalid.append(
                        (period, "överlappar en tidigare beräkningsperiod", "overlaps an earlier declared period")
                    )
                else:
                    starts.append(period.start)
                    ends.append(period.end)
        self.starts = starts
        self.ends = ends

    def period_of(self, day: date) -> tuple[date, date]:
        """(first day, last day) of the reference period containing ``day``."""
        if self.employment.regime == Regime.HOUSEHOLD:
            index = (day - self.anchor).days // self.length
            first = self.anchor + timedelta(days=index * self.length)
            return first, first + timedelta(days=self.length - 1)
        starts = self.starts
        first, last = _month_of(day)
        if not starts:
            return first, last
        i = bisect_right(starts, day) - 1
        if i >= 0:
            if day <= self.ends[i]:
                return starts[i], self.ends[i]
            first = max(first, self.ends[i] + ONE_DAY)
        if i + 1 < len(starts):
            last = min(last, starts[i + 1] - ONE_DAY)
        return first, last

    def cap(self, first: date, last: date, settings: RuleSettings) -> Fraction:
        return exact_cap(self.weekly, (last - first).days + 1, settings)


def _employment_on(employments: tuple[Employment, ...], day: date) -> Employment | None:
    for employment in employments:
        if employment.start <= day and (employment.end is None or day <= employment.end):
            return employment
    return None


class _Context:
    """Per-call caches: periods per employment, sorted employments per assistant."""

    def __init__(self, inp: CheckInput) -> None:
        self.inp = inp
        self.settings = inp.settings
        self.periods: dict[int, _Periods] = {}
        self.employments: dict[object, tuple[Employment, ...]] = {}

    def employments_of(self, assistant_id) -> tuple[Employment, ...]:
        found = self.employments.get(assistant_id)
        if found is None:
            assistant = self.inp.assistants.get(assistant_id)
            found = assistant.employments if assistant else ()
            if len(found) > 1:
                found = tuple(sorted(found, key=lambda e: e.start))
            self.employments[assistant_id] = found
        return found

    def periods_of(self, employment: Employment) -> _Periods:
        periods = self.periods.get(id(employment))
        if periods is None:
            periods = self.periods[id(employment)] = _Periods(employment, self.settings)
        return periods

    def locate(self, assistant_id, day: date) -> tuple[_Periods, date, date] | None:
        """(periods, first, last) of the period containing ``day``, or None without employment."""
        employment = _employment_on(self.employments_of(assistant_id), day)
        if employment is None:
            return None
        periods = self.periods_of(employment)
        first, last = periods.period_of(day)
        return periods, first, last

    def window(self, assistant_id, day: date) -> tuple[_Periods, date, date, datetime, datetime] | None:
        """(periods, first day, last day of the period, low, high): every instant in
        ``[low, high)`` belongs to that period of that employment. None without
        an employment on ``day``."""
        employments = self.employments_of(assistant_id)
        employment = _employment_on(employments, day)
        if employment is None:
            return None
        periods = self.periods_of(employment)
        first, last = periods.period_of(day)
        low_day = max(first, employment.start)
        high_day = last if employment.end is None else min(last, employment.end)
        for other in employments:
            if other is employment:
                break
            # An earlier-starting employment wins on the days it is valid.
            if other.end is not None and low_day <= other.end < day:
                low_day = other.end + ONE_DAY
        return periods, first, last, midnight_cached(low_day), end_of_day(high_day)

    def pieces(self, shift: Shift, start: datetime, end: datetime) -> list[tuple[object, datetime, datetime]]:
        """Split ``[start, end)`` at the local midnights where the period or the
        employment changes: [(key or None, piece_start, piece_end)]; the key is
        ``(periods, first, last)``, None for days without an employment."""
        out: list[tuple[object, datetime, datetime]] = []
        last_key: object = ()
        for day, a, b in split_by_local_day(start, end):
            key = self.locate(shift.assistant_id, day)
            if out and key == last_key:
                out[-1] = (key, out[-1][1], b)
            else:
                out.append((key, a, b))
            last_key = key
        return out


# --------------------------------------------------------------------------
# The check


def group_by_assistant(shifts: tuple[Shift, ...]) -> dict[object, list[tuple[datetime, datetime, Shift]]]:
    """{assistant: [(start, end, shift) sorted by start]} (``conflicts.index``
    builds the same in the engine)."""
    groups: dict[object, list] = defaultdict(list)
    for shift in shifts:
        groups[shift.assistant_id].append((shift.segments[0].start, shift.segments[-1].end, shift))
    for items in groups.values():
        items.sort(key=lambda item: item[0])
    return groups


def check(inp: CheckInput, by_assistant: dict | None = None) -> list[Finding]:
    """W1 and W4 findings for every assistant in ``inp.shifts``. ``by_assistant``
    is the engine's grouping (``group_by_assistant``), built here when absent."""
    if by_assistant is None:
        by_assistant = group_by_assistant(inp.shifts)
    ctx = _Context(inp)
    #: (periods, first day) -> [counted time (timedelta), periods, first day, last day]
    cells: dict[tuple, list] = {}
    split: dict[int, list] = {}
    findings: list[Finding] = []

    for aid, items in by_assistant.items():
        high = None  # the items are sorted by start: one window serves until it ends
        for start, end, shift in items:
            if high is None or start >= high:
                window = _window(ctx, cells, aid, start)
                if window is None:
                    high = None
                    _split_shift(ctx, cells, shift, start, end, split, findings)
                    continue
                high = window[1]
                cell = window[2]
            if end > high:
                _split_shift(ctx, cells, shift, start, end, split, findings)
                continue
            segments = shift.segments
            if len(segments) == 1:
                if segments[0].kind is not STANDBY:
                    cell[0] += end - start  # whole minutes (H3): summing timedeltas is exact
            else:
                cell[0] += MINUTE * counted_minutes(shift, start, end)

    external = _external_minutes(ctx, list(ctx.employments))
    over: dict[tuple, int] = {}
    for tkey, (total, periods, first, last) in cells.items():
        room = _room(periods, first, last, external.get(tkey), ctx.settings)
        if total // MINUTE > room:
            over[tkey] = room
    for periods in ctx.periods.values():
        if periods.invalid:
            findings.extend(_invalid_declarations(ctx, periods, by_assistant))
    if over:
        findings.extend(_excess(ctx, over, split, by_assistant))
    return findings


def _cell(cells: dict[tuple, list], periods: _Periods, first: date, last: date) -> list:
    cell = cells.get((periods, first))
    if cell is None:
        cell = cells[(periods, first)] = [ZERO, periods, first, last]
    return cell


def _split_shift(
    ctx: _Context, cells: dict, shift: Shift, start: datetime, end: datetime, split: dict, findings: list
) -> None:
    """Slow path: a shift that crosses a period or employment boundary, or has
    days without an employment."""
    pieces = ctx.pieces(shift, start, end)
    split[id(shift)] = pieces
    for key, a, b in pieces:
        if key is None:
            findings.append(_no_employment(shift, a, b))
        else:
            _cell(cells, key[0], key[1], key[2])[0] += MINUTE * counted_minutes(shift, a, b)


def _room(periods: _Periods, first: date, last: date, external: Fraction | None, settings: RuleSettings) -> int:
    """Whole shift minutes payable under the cap after the external minutes:
    ``floor(cap - external)`` (integer arithmetic in the common case)."""
    numerator = periods.weekly * ((last - first).days + 1)  # cap = numerator / 7
    if not external and not settings.round_cap_up_to_hour:
        return numerator // 7
    return int((periods.cap(first, last, settings) - (external or 0)) // 1)


def _window(ctx: _Context, cells: dict, assistant_id, start: datetime) -> tuple[datetime, datetime, list] | None:
    """(low, high, cell): a shift starting at ``start`` that ends by ``high``
    lies in one period of one employment, whose totals are in ``cell``."""
    found = ctx.window(assistant_id, local_day_fast(start))
    if found is None:
        return None
    periods, first, last, low, high = found
    return low, high, _cell(cells, periods, first, last)


def _external_minutes(ctx: _Context, assistant_ids) -> dict[tuple, Fraction]:
    """External minutes per (periods, period start), pro-rated by days."""
    out: dict[tuple, Fraction] = defaultdict(Fraction)
    for aid in assistant_ids:
        assistant = ctx.inp.assistants.get(aid)
        if assistant is None or not assistant.external_hours:
            continue
        for block in assistant.external_hours:
            days = (block.end - block.start).days + 1
            if days <= 0:
                continue
            per_period: dict[tuple, int] = defaultdict(int)
            day = block.start
            while day <= block.end:
                located = ctx.locate(aid, day)
                if located is not None:
                    per_period[(located[0], located[1])] += 1
                day += ONE_DAY
            for tkey, count in per_period.items():
                out[tkey] += Fraction(block.minutes * count, days)
    return out


def _excess(ctx: _Context, over: dict[tuple, int], split: dict[int, list], by_assistant: dict) -> list[Finding]:
    """W4: walk the over-cap periods in time order and flag the minutes past the room."""
    per_key: dict[tuple, list[tuple[datetime, datetime, Shift]]] = defaultdict(list)
    for aid in {periods.employment.assistant_id for periods, _first in over}:
        for start, end, shift in by_assistant.get(aid, ()):
            pieces = split.get(id(shift))
            if pieces is None:
                found = ctx.window(aid, local_day_fast(start))
                if found is not None and (found[0], found[1]) in over:
                    per_key[(found[0], found[1])].append((start, end, shift))
                continue
            for key, a, b in pieces:
                if key is not None and (key[0], key[1]) in over:
                    per_key[(key[0], key[1])].append((a, b, shift))

    findings = []
    for tkey, items in per_key.items():
        periods, first = tkey
        last = periods.period_of(first)[1]
        cap = periods.cap(first, last, ctx.settings)
        room = over[tkey]
        items.sort(key=lambda item: (item[0], item[1]))
        used = 0
        for a, b, shift in items:
            minutes = counted_minutes(shift, a, b)
            if minutes and used + minutes > room:
                left = max(room - used, 0)
                span_start, span_end = _excess_span(shift, a, b, left)
                findings.append(_over_cap(shift, periods, first, last, cap, minutes - left, span_start, span_end))
            used += minutes
    return findings


def _excess_span(shift: Shift, start: datetime, end: datetime, left: int) -> tuple[datetime, datetime]:
    """From the instant ``left`` counted minutes into ``[start, end)`` to the
    end of the last counted time there."""
    span_start = span_end = None
    for segment in shift.segments:
        if segment.kind is STANDBY:
            continue
        a = max(segment.start, start)
        b = min(segment.end, end)
        if a >= b:
            continue
        length = int((b - a).total_seconds()) // 60
        if span_start is None:
            if left < length:
                span_start = a + timedelta(minutes=left)
            else:
                left -= length
        span_end = b
    return span_start or start, span_end or end


# --------------------------------------------------------------------------
# remaining()


@dataclass(frozen=True, slots=True)
class CapStatus:
    """How much more the assistant may work in the reference period containing
    an instant (for planning). ``remaining_minutes`` may be negative (already
    over). ``cap`` and ``external_minutes`` are exact; ``cap_minutes`` is the
    payable whole minutes ``floor(cap)``; ``used_minutes`` =
    ``cap_minutes - remaining_minutes`` (shift minutes plus the external
    minutes, rounded the same way as the cap check)."""

    employment_id: int | str
    regime: Regime
    period: ReferencePeriod
    cap: Fraction
    cap_minutes: int
    shift_minutes: int
    external_minutes: Fraction
    used_minutes: int
    remaining_minutes: int


def remaining(inp: CheckInput, assistant_id, at: datetime) -> CapStatus | None:
    """Cap status of ``assistant_id`` in the reference period containing ``at``
    (all the period's shifts in ``inp`` count, planned ones too). None when the
    assistant has no employment on that local day."""
    ctx = _Context(inp)
    found = ctx.window(assistant_id, local_date(at))
    if found is None:
        return None
    periods, first, last, low, high = found
    employment = periods.employment
    used = 0
    for shift in inp.shifts:
        if shift.assistant_id != assistant_id:
            continue
        start, end = shift.start, shift.end
        if end <= low or start >= high:
            continue
        if low <= start and end <= high:
            used += counted_minutes(shift, start, end)
        else:
            for key, a, b in ctx.pieces(shift, start, end):
                if key is not None and key[0] is periods and key[1] == first:
                    used += counted_minutes(shift, a, b)
    external = _external_minutes(ctx, {assistant_id}).get((periods, first), Fraction(0))
    cap = periods.cap(first, last, ctx.settings)
    cap_minutes = int(cap // 1)
    room = _room(periods, first, last, external, ctx.settings)
    return CapStatus(
        employment_id=employment.id,
        regime=employment.regime,
        period=ReferencePeriod(first, last),
        cap=cap,
        cap_minutes=cap_minutes,
        shift_minutes=used,
        external_minutes=external,
        used_minutes=cap_minutes - (room - used),
        remaining_minutes=room - used,
    )


# --------------------------------------------------------------------------
# Findings


_REGIME_EN = {
    Regime.HOUSEHOLD: "the Act on working hours in domestic work",
    Regime.ATL: "the Working Hours Act",
    Regime.AGREEMENT: "the collective agreement",
}
_REGIME_SV = {
    Regime.HOUSEHOLD: "lagen om arbetstid i husligt arbete",
    Regime.ATL: "arbetstidslagen",
    Regime.AGREEMENT: "kollektivavtalet",
}


def _cap_text(cap: Fraction) -> str:
    """Swedish display of an exact cap: whole minutes, with the fraction shown
    as a decimal when there is one (212 h 34,29 min)."""
    whole = int(cap // 1)
    if cap == whole:
        return fmt_minutes(whole)
    hours, minutes = divmod(cap, 60)
    return f"{int(hours)} h {float(minutes):.2f} min".replace(".", ",")


def _no_employment(shift: Shift, start: datetime, end: datetime) -> Finding:
    minutes = minutes_between(start, end)
    day = local_date(start)
    return shift_finding(
        "W1",
        Severity.NOT_PAYABLE,
        shift,
        start,
        end,
        minutes,
        message=(
            f"Assistenten har ingen anställning den {day:%Y-%m-%d}, så tiden "
            f"{fmt_span(start, end)} ({fmt_minutes(minutes)}) kan inte betalas. "
            f"Utan anställning finns ingen arbetstidsregel att pröva timmarna mot."
        ),
        hint="Registrera anställningen för den här dagen, eller låt en anställd assistent ta passet.",
        message_en=(
            f"The assistant has no employment on {day:%Y-%m-%d}, so the time {fmt_span(start, end)} "
            f"({fmt_minutes(minutes)}) cannot be paid. Without an employment there is no working-time rule "
            f"to check the hours against. (W1)"
        ),
        hint_en="Register the employment for this day, or let an employed assistant take the shift.",
    )


def _over_cap(
    shift: Shift,
    periods: _Periods,
    first: date,
    last: date,
    cap: Fraction,
    excess: int,
    start: datetime,
    end: datetime,
) -> Finding:
    regime = periods.employment.regime
    return shift_finding(
        "W4",
        Severity.NOT_PAYABLE,
        shift,
        start,
        end,
        excess,
        message=(
            f"Assistenten har nått arbetstidstaket i beräkningsperioden {first:%Y-%m-%d}–{last:%Y-%m-%d} "
            f"({_cap_text(cap)} enligt {_REGIME_SV[regime]}, räknat på alla brukare och andra arbetsgivare). "
            f"{fmt_minutes(excess)} av passet ({fmt_span(start, end)}) ligger över taket och "
            f"betalas inte av Försäkringskassan."
        ),
        hint=(
            "Låt en annan assistent ta den tiden eller flytta den till nästa beräkningsperiod. "
            "Se assistentens återstående timmar i perioden när du planerar."
        ),
        message_en=(
            f"The assistant has reached the working-time cap in the reference period {first:%Y-%m-%d}–{last:%Y-%m-%d} "
            f"({_cap_text(cap)} under {_REGIME_EN[regime]}, counted over all clients and other employers). "
            f"{fmt_minutes(excess)} of the shift ({fmt_span(start, end)}) is over the cap and is not paid "
            f"by Försäkringskassan. (W4)"
        ),
        hint_en=(
            "Let another assistant take that time or move it to the next reference period. "
            "See the assistant's remaining hours in the period when you plan."
        ),
    )


def _invalid_declarations(ctx: _Context, periods: _Periods, by_assistant: dict) -> list[Finding]:
    if not periods.invalid:
        return []
    employment = periods.employment
    findings = []
    for period, reason_sv, reason_en in periods.invalid:
        low = midnight_cached(min(period.start, period.end))
        high = end_of_day(max(period.start, period.end))
        shift_ids = tuple(
            s.id for s in ctx.inp.shifts if s.assistant_id == employment.assistant_id and s.start < high and s.end > low
        )
        findings.append(
            Finding(
                code="W1",
                severity=Severity.WARNING,
                shift_ids=shift_ids,
                assistant_id=employment.assistant_id,
                client_id=None,
                start=low,
                end=high,
                minutes=0,
                message=(
                    f"Den angivna beräkningsperioden {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d} "
                    f"{reason_sv} och kan inte användas ({_REGIME_SV[employment.regime]} tillåter högst "
                    f"{max_period_months(employment)} månader, och perioderna får inte överlappa). "
                    f"Arbetstiden prövas per kalendermånad tills perioden är rättad."
                ),
                hint="Rätta beräkningsperioderna på assistentens anställning.",
                message_en=(
                    f"The declared reference period {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d} "
                    f"{reason_en} and cannot be used ({_REGIME_EN[employment.regime]} allows at most "
                    f"{max_period_months(employment)} months, and the periods must not overlap). "
                    f"Working time is checked per calendar month until the period is corrected. (W1)"
                ),
                hint_en="Correct the reference periods on the assistant's employment.",
            )
        )
    return findings
