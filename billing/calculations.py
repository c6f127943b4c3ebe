"""Billing arithmetic: rates, the grant pool and the monthly report. Pure Python.

Nothing here imports Django. The billing service loads rows, turns them into
the rules engine's plain data (``scheduling.rules.model``), asks the engine for
findings and hands everything to :func:`compute_month`, which returns a frozen
:class:`MonthReport` to persist and render.

Readings (also in ``docs/billing.md``)
--------------------------------------
* **Money** is ``Decimal``, rounded only in :func:`round_money` (half-up to
  öre), once per rate line; a total is the sum of the rounded lines (R3).
* **Time** is counted in whole real minutes (T1). Instants are truncated to the
  minute (shifts are entered in whole minutes). A shift is cut at local
  midnight in Europe/Stockholm (T3); a piece belongs to the month and year of
  its local day.
* **Rates** are data keyed by year (R1); the rate is the one of the local day
  the minute was worked. An unknown year raises :class:`UnknownRateYear`.
* **Conversion** (G3): converted = active + waiting × f_wait + standby ×
  f_standby, with the factors of the decision the minute is attributed to
  (defaults 1/4 and 1/7 where no decision covers the day). Converted minutes
  stay exact ``Fraction``; a rate line is priced on exact converted hours.
* **Pool** (G2): weekly minutes × calendar days (both ends inclusive) / 7,
  exact. Payable minutes (after the finding cuts below) are consumed in
  chronological order over the whole decision period (``pool_history`` gives
  the earlier months); ties at the same instant go by assistant id, then shift
  id. The one rounding: the instant the pool runs out falls on the nearest
  whole minute (half-up), so 100 h/week over 181 days pays 2 585 h 43 min and
  2 600 h leave 14 h 17 min unpaid. Minutes cut for other reasons do not
  consume the pool. Double assistance consumes the pool like any minute: the
  decision's weekly hours are read as including the double hours, whose own
  limit is the engine's H2.
* **Payers** (G4, P5): a minute goes to the FK decision covering its day while
  that pool lasts, then to the municipal decision covering the day. Municipal
  minutes are a separate section (:attr:`MonthReport.municipal`) and never on
  the FK claim. Unpaid minutes stay with the first payer whose decision covers
  the day (FK when none does).
* **Findings**: only ``Severity.NOT_PAYABLE`` findings cut, accepted or not
  (a RuleException excuses a rest rule, it does not make FK pay; an E3
  exception is recorded on the absence, and then the engine reports nothing).
  Warnings (V*) and refusals (H1, H3) never cut. A finding cuts at most
  ``finding.minutes`` of its span ``[start, end)`` on its shifts of this
  client (all this client's shifts when ``shift_ids`` is empty): the latest
  minutes, the shift ending latest first, ties to the shift listed later
  (for H2 that cuts the second assistant's overlap). Findings naming another
  client are ignored.
* **One reason per minute**: a minute cut by several findings counts once,
  under the first reason in :data:`REASON_PRIORITY` (eligibility bars, then
  double assistance, then the working-time cap, then unknown codes); then
  ``G0`` (no decision covers the day: flagged, never priced) and ``G2`` (over
  the pool).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from itertools import islice, pairwise
from math import lcm
from operator import itemgetter

from scheduling.rules.model import RULESET_VERSION, STOCKHOLM, Finding, Grant, Kind, Payer, Severity, Shift
from scheduling.rules.timeutil import local_midnight, next_month, split_by_local_day

#: Version of the billing readings above; stored with every computed month (M4).
CALCULATION_VERSION = "billing-2026.1"

ORE = Decimal("0.01")
RAISED_RATE_FACTOR = Decimal("1.12")
#: Thousands separator and the space before "kr": a no-break space, so a
#: figure never wraps in a PDF or on a page.
NBSP = "\u00a0"

#: Order in which one minute's not-payable reason is chosen (first wins).
REASON_PRIORITY: tuple[str, ...] = ("E4", "E1", "E2", "E3", "H2", "W4")
NO_DECISION = "G0"
OVER_POOL = "G2"

REASON_LABELS: dict[str, str] = {
    "E4": "Giltigt tillstånd från IVO saknas",
    "E1": "Assistenten var under 18 år",
    "E2": "Anmälan om assistent hade inte kommit in till Försäkringskassan",
    "E3": "Brukaren var på sjukhus, institution, skola eller daglig verksamhet",
    "H2": "Dubbelassistans utöver beviljad tid",
    "W4": "Över assistentens tillåtna arbetstid",
    NO_DECISION: "Inget beslut täcker dagen",
    OVER_POOL: "Över beviljade timmar för beslutsperioden",
}

DEFAULT_WAIT_FACTOR = Fraction(1, 4)
DEFAULT_STANDBY_FACTOR = Fraction(1, 7)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MINUTE = timedelta(minutes=1)


# --------------------------------------------------------------------------- errors


class BillingError(ValueError):
    """A domain error of the billing core. ``message`` is Swedish, for users."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en


class UnknownRateYear(BillingError):
    pass


class RaisedRateTooHigh(BillingError):
    pass


class ReportMismatch(BillingError):
    """The claim does not add up to the time reports (M1): a bug, never data."""


# --------------------------------------------------------------------------- money and formatting


def round_money(value: Decimal) -> Decimal:
    """The one rounding of money: half-up to öre (R3)."""
    if isinstance(value, float) or not isinstance(value, Decimal | int):
        raise TypeError(f"money must be Decimal, got {type(value).__name__}")
    return Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)


def _fraction_to_decimal(value: Fraction) -> Decimal:
    # 60 significant digits: a rational with a small denominator cannot sit so
    # close to a half-öre that this changes the rounding that follows.
    with localcontext() as ctx:
        ctx.prec = 60
        return Decimal(value.numerator) / Decimal(value.denominator)


def _group(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return NBSP.join(parts)


def _swedish_number(value: Decimal, places: int = 2) -> str:
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{places}f}"
    whole, _, decimals = text.partition(".")
    return f"{sign}{_group(whole)},{decimals}" if places else f"{sign}{_group(whole)}"


def format_money(value: Decimal) -> str:
    """``Decimal("1234.5")`` → ``"1 234,50 kr"`` (no-break spaces, see :data:`NBSP`)."""
    return f"{_swedish_number(round_money(value))}{NBSP}kr"


def format_hours(minutes: int | Fraction) -> str:
    """Minutes as decimal hours for forms: ``9630`` → ``"160,50"``. Display only:
    hours are rounded half-up to two decimals here and nowhere else."""
    hours = _fraction_to_decimal(Fraction(minutes) / 60).quantize(ORE, rounding=ROUND_HALF_UP)
    return _swedish_number(hours)


def format_date(day: date) -> str:
    """``date(2026, 3, 5)`` → ``"2026-03-05"`` (the Swedish standard form)."""
    return day.isoformat()


def round_minutes(value: Fraction | int) -> int:
    """Exact minutes to whole minutes, half-up (the pool's one rounding)."""
    value = Fraction(value)
    return int((value + Fraction(1, 2)) // 1)


# --------------------------------------------------------------------------- rates (R1, R2)


@dataclass(frozen=True, slots=True, init=False)
class RateTable:
    """Standard rates (schablonbelopp) by year; the caller provides the figures."""

    items: tuple[tuple[int, Decimal], ...]

    def __init__(self, rates: Mapping[int, Decimal]) -> None:
        items = []
        for year, rate in rates.items():
            if isinstance(rate, float) or not isinstance(rate, Decimal):
                raise TypeError(f"rate for {year} must be Decimal, got {type(rate).__name__}")
            if rate <= 0:
                raise ValueError(f"rate for {year} must be positive")
            items.append((int(year), rate))
        object.__setattr__(self, "items", tuple(sorted(items)))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(year for year, _ in self.items)

    def rate_for_year(self, year: int) -> Decimal:
        for known, rate in self.items:
            if known == year:
                return rate
        raise UnknownRateYear(
            "R1",
            f"Schablonbeloppet för {year} saknas. Lägg in årets belopp (FAss 5 §) innan timmarna prissätts.",
            f"no standard rate for {year}",
        )

    def standard_rate(self, day: date) -> Decimal:
        """The rate of the year the work was performed (R1), never of the payout."""
        return self.rate_for_year(day.year)

    def raised_rate_cap(self, year: int) -> Decimal:
        """Standard rate × 1,12, exact (R2): 2026 → 389,424."""
        return self.rate_for_year(year) * RAISED_RATE_FACTOR

    def check_raised_rate(self, amount: Decimal, year: int) -> Decimal:
        """Return ``amount`` if it is a valid raised rate for ``year``, else raise."""
        cap = self.raised_rate_cap(year)
        if amount > cap:
            cap_text = _swedish_number(cap, max(2, -cap.normalize().as_tuple().exponent))
            raise RaisedRateTooHigh(
                "R2",
                f"Det förhöjda timbeloppet {format_money(amount)} är högre än taket för {year}: "
                f"schablonbeloppet {format_money(self.rate_for_year(year))} × 1,12 = {cap_text}{NBSP}kr "
                f"(51 kap. 11 § socialförsäkringsbalken).",
                f"raised rate {amount} exceeds the {year} cap {cap}",
            )
        return amount


#: rates.csv (FAss 5 §), 2012-2026. The data migration seeds from this too.
DEFAULT_RATES = RateTable(
    {
        2012: Decimal("267.00"),
        2013: Decimal("275.00"),
        2014: Decimal("280.00"),
        2015: Decimal("284.00"),
        2016: Decimal("288.00"),
        2017: Decimal("291.00"),
        2018: Decimal("295.40"),
        2019: Decimal("299.80"),
        2020: Decimal("304.30"),
        2021: Decimal("315.00"),
        2022: Decimal("319.70"),
        2023: Decimal("324.50"),
        2024: Decimal("332.60"),
        2025: Decimal("342.60"),
        2026: Decimal("347.70"),
    }
)


def standard_rate(day: date, *, rates: RateTable = DEFAULT_RATES) -> Decimal:
    return rates.standard_rate(day)


def raised_rate_cap(year: int, *, rates: RateTable = DEFAULT_RATES) -> Decimal:
    return rates.raised_rate_cap(year)


def check_raised_rate(amount: Decimal, year: int, *, rates: RateTable = DEFAULT_RATES) -> Decimal:
    return rates.check_raised_rate(amount, year)


@dataclass(frozen=True, slots=True)
class RateLine:
    """One line of a claim: converted minutes at one rate (R3)."""

    kind: str  # "standard", "raised" or "municipal"
    rate: Decimal
    converted_minutes: Fraction
    amount: Decimal

    @property
    def hours(self) -> Fraction:
        return self.converted_minutes / 60


def _rate_lines(groups: Mapping[tuple[str, Decimal], Fraction]) -> tuple[RateLine, ...]:
    lines = []
    for (kind, rate), minutes in sorted(groups.items()):
        if minutes:
            amount = round_money(_fraction_to_decimal(minutes / 60 * Fraction(rate)))
            lines.append(RateLine(kind, rate, minutes, amount))
    return tuple(lines)


def total_amount(lines: Iterable[RateLine]) -> Decimal:
    """A claim's amount: the sum of its rounded lines (R3)."""
    return sum((line.amount for line in lines), Decimal("0.00"))


def price_minutes_by_day(
    minutes_by_day: Iterable[tuple[date, int | Fraction]],
    rates: RateTable,
    *,
    raised_rate: Decimal | None = None,
) -> tuple[RateLine, ...]:
    """Price (converted) minutes worked on local days: one line per distinct rate.

    With ``raised_rate`` every day is priced at it, checked against the cap of
    that day's year. Pair with ``split_by_local_day`` to price a shift.
    """
    groups: dict[tuple[str, Decimal], Fraction] = defaultdict(Fraction)
    for day, minutes in minutes_by_day:
        if raised_rate is not None:
            groups["raised", rates.check_raised_rate(raised_rate, day.year)] += Fraction(minutes)
        else:
            groups["standard", rates.standard_rate(day)] += Fraction(minutes)
    return _rate_lines(groups)


# --------------------------------------------------------------------------- pool and conversion (G1-G3)


def parse_factor(text: str) -> Fraction:
    """A decision's conversion factor: ``"1/4"``, ``"0.25"``, ``"0,25"`` → ``Fraction(1, 4)``."""
    try:
        factor = Fraction(str(text).strip().replace(",", "."))
    except (ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"not a conversion factor: {text!r}") from exc
    if not 0 <= factor <= 1:
        raise ValueError(f"a conversion factor lies between 0 and 1: {text!r}")
    return factor


@dataclass(frozen=True, slots=True)
class Factors:
    """Conversion factors of waiting time and standby (G3)."""

    wait: Fraction = DEFAULT_WAIT_FACTOR
    standby: Fraction = DEFAULT_STANDBY_FACTOR

    @classmethod
    def of_grant(cls, grant: Grant | None) -> Factors:
        if grant is None:
            return cls()
        return _factors(grant.wait_factor, grant.standby_factor)

    def of(self, kind: Kind) -> Fraction:
        if kind == Kind.WAITING:
            return self.wait
        if kind == Kind.STANDBY:
            return self.standby
        return Fraction(1)


@dataclass(frozen=True, slots=True)
class KindMinutes:
    """Real minutes by kind of time."""

    active: int = 0
    waiting: int = 0
    standby: int = 0

    @property
    def total(self) -> int:
        return self.active + self.waiting + self.standby

    def get(self, kind: Kind) -> int:
        return {Kind.ACTIVE: self.active, Kind.WAITING: self.waiting, Kind.STANDBY: self.standby}[kind]

    def __add__(self, other: KindMinutes) -> KindMinutes:
        return KindMinutes(self.active + other.active, self.waiting + other.waiting, self.standby + other.standby)

    def converted(self, factors: Factors | None = None) -> Fraction:
        return converted_minutes(self.active, self.waiting, self.standby, factors or Factors())

    @classmethod
    def of(cls, by_kind: Mapping[Kind, int]) -> KindMinutes:
        return cls(by_kind.get(Kind.ACTIVE, 0), by_kind.get(Kind.WAITING, 0), by_kind.get(Kind.STANDBY, 0))


def converted_minutes(active: int, waiting: int = 0, standby: int = 0, factors: Factors | None = None) -> Fraction:
    """Converted (assistance) minutes = active + waiting × f_wait + standby × f_standby (G3)."""
    factors = factors or Factors()
    return active + waiting * factors.wait + standby * factors.standby


def pool_minutes(weekly_minutes: int, start: date, end: date) -> Fraction:
    """A decision period's pool: weekly minutes × calendar days (inclusive) / 7, exact (G2)."""
    if end < start:
        raise ValueError("a decision period ends on or after its start")
    return Fraction(weekly_minutes * ((end - start).days + 1), 7)


def grant_pool_minutes(grant: Grant) -> Fraction:
    return pool_minutes(grant.weekly_minutes, grant.start, grant.end)


# --------------------------------------------------------------------------- report data


@dataclass(frozen=True, slots=True)
class TimeRow:
    """One row of a time report (FK 3059): a piece of a shift on one local day."""

    day: date
    start: datetime  # aware (UTC); kept so the autumn double hour stays unambiguous
    end: datetime
    kind: Kind
    minutes: int  # real elapsed minutes (T1)
    payer: Payer
    shift_id: int | str

    @property
    def start_text(self) -> str:
        return self.start.astimezone(STOCKHOLM).strftime("%H:%M")

    @property
    def end_text(self) -> str:
        """``"24:00"`` when the row ends at the local midnight after its day."""
        local = self.end.astimezone(STOCKHOLM)
        return "24:00" if local.date() > self.day else local.strftime("%H:%M")


@dataclass(frozen=True, slots=True)
class TimeReport:
    """One assistant's month for one client (FK 3059)."""

    assistant_id: int | str
    rows: tuple[TimeRow, ...]
    minutes: KindMinutes

    def minutes_for(self, payer: Payer) -> KindMinutes:
        return _sum_rows(row for row in self.rows if row.payer == payer)


@dataclass(frozen=True, slots=True)
class NotPayable:
    reason: str
    minutes: int

    @property
    def label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)


@dataclass(frozen=True, slots=True)
class Claim:
    """One payer's section of the month: FK's claim (FK 3057) or the municipal one.

    ``minutes`` are all minutes attributed to this payer, equal to the sum of
    the time-report rows with this payer (M1); ``payable`` plus the
    ``not_payable`` breakdown adds up to them.
    """

    payer: Payer
    minutes: KindMinutes
    converted_minutes: Fraction
    payable: KindMinutes
    payable_converted_minutes: Fraction
    not_payable: tuple[NotPayable, ...]
    rate_lines: tuple[RateLine, ...]
    amount: Decimal

    @property
    def not_payable_minutes(self) -> int:
        return sum(item.minutes for item in self.not_payable)

    def not_payable_for(self, reason: str) -> int:
        return sum(item.minutes for item in self.not_payable if item.reason == reason)


@dataclass(frozen=True, slots=True)
class PoolUsage:
    """A decision's pool in converted minutes, as used up to the month's end."""

    grant_id: int | str
    payer: Payer
    start: date
    end: date
    pool_minutes: Fraction
    used_before: Fraction
    used_in_month: Fraction
    #: Converted minutes, up to the month's end, that found no room in this
    #: decision's pool (or any other covering one): not payable, reason G2.
    over: Fraction = Fraction(0)

    @property
    def remaining(self) -> Fraction:
        return max(Fraction(0), self.pool_minutes - self.used_before - self.used_in_month)


@dataclass(frozen=True, slots=True)
class RateUsed:
    kind: str  # "standard", "raised" or "municipal"
    year: int
    rate: Decimal
    grant_id: int | str | None


@dataclass(frozen=True, slots=True)
class MonthReport:
    client_id: int | str
    month: date
    time_reports: tuple[TimeReport, ...]
    claim: Claim  # FK (3057)
    municipal: Claim  # P5: invoiced to the municipality, never on the FK claim
    pools: tuple[PoolUsage, ...]
    grant_ids: tuple[int | str, ...]
    rates_used: tuple[RateUsed, ...]
    ruleset_version: str = RULESET_VERSION
    calculation_version: str = CALCULATION_VERSION

    @property
    def minutes(self) -> KindMinutes:
        return sum((report.minutes for report in self.time_reports), KindMinutes())


# --------------------------------------------------------------------------- the month


@dataclass(slots=True)
class _Atom:
    """A piece of a shift on one local day with one kind and one status."""

    shift: Shift
    kind: Kind
    a: int  # epoch minutes, [a, b)
    b: int
    day: date
    reason: str | None = None
    payer: Payer = Payer.FK
    grant: Grant | None = None


def _to_min(instant: datetime) -> int:
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return (instant - _EPOCH) // _MINUTE


def _from_min(minute: int) -> datetime:
    return _EPOCH + minute * _MINUTE


def _reason_rank(code: str) -> tuple[int, str]:
    if code in REASON_PRIORITY:
        return REASON_PRIORITY.index(code), ""
    return len(REASON_PRIORITY), code


def _client_shifts(client_id: int | str, shifts: Sequence[Shift], history: Sequence[Shift]) -> list[Shift]:
    by_id: dict[int | str, Shift] = {shift.id: shift for shift in history}
    by_id.update({shift.id: shift for shift in shifts})
    for shift in by_id.values():
        if shift.client_id != client_id:
            raise ValueError(f"shift {shift.id} belongs to client {shift.client_id}, not {client_id}")
    return sorted(by_id.values(), key=lambda s: (_to_min(s.start), str(s.assistant_id), str(s.id)))


def _finding_cuts(
    finding: Finding, shifts: Mapping[int | str, Shift], order: Mapping[int | str, int]
) -> list[tuple[int | str, int, int]]:
    """The (shift id, start, end) pieces one finding makes not payable."""
    lo, hi = _to_min(finding.start), _to_min(finding.end)
    ids = [sid for sid in finding.shift_ids if sid in shifts] if finding.shift_ids else list(shifts)
    pieces = []
    for position, sid in enumerate(ids):
        for segment in shifts[sid].segments:
            a, b = max(lo, _to_min(segment.start)), min(hi, _to_min(segment.end))
            if a < b:
                pieces.append((sid, a, b, position if finding.shift_ids else order[sid]))
    left = finding.minutes
    if left >= sum(b - a for _, a, b, _ in pieces):
        return [(sid, a, b) for sid, a, b, _ in pieces]
    cuts = []
    for sid, a, b, _ in sorted(pieces, key=lambda p: (p[2], p[1], p[3]), reverse=True):
        if left <= 0:
            break
        take = min(left, b - a)
        cuts.append((sid, b - take, b))
        left -= take
    return cuts


def _cuts_by_shift(
    client_id: int | str, findings: Sequence[Finding], shifts: list[Shift]
) -> dict[int | str, list[tuple[int, int, str]]]:
    by_id = {shift.id: shift for shift in shifts}
    order = {shift.id: index for index, shift in enumerate(shifts)}
    cuts: dict[int | str, list[tuple[int, int, str]]] = defaultdict(list)
    for finding in findings:
        if finding.severity != Severity.NOT_PAYABLE or finding.minutes <= 0:
            continue
        if finding.client_id is not None and finding.client_id != client_id:
            continue
        for sid, a, b in _finding_cuts(finding, by_id, order):
            cuts[sid].append((a, b, finding.code))
    return cuts


def _atoms(shifts: list[Shift], cuts: Mapping[int | str, list[tuple[int, int, str]]], horizon: int) -> list[_Atom]:
    """Cut every shift at local midnights and finding edges, up to ``horizon``."""
    atoms = []
    for shift in shifts:
        shift_cuts = cuts.get(shift.id, [])
        for segment in shift.segments:
            start, end = segment.start, min(segment.end, _from_min(horizon))
            for day, piece_start, piece_end in split_by_local_day(start, end):
                a, b = _to_min(piece_start), _to_min(piece_end)
                edges = sorted({a, b} | {x for lo, hi, _ in shift_cuts for x in (lo, hi) if a < x < b})
                for lo, hi in pairwise(edges):
                    codes = [code for ca, cb, code in shift_cuts if ca <= lo and hi <= cb]
                    reason = min(codes, key=_reason_rank) if codes else None
                    atoms.append(_Atom(shift, segment.kind, lo, hi, day, reason))
    return atoms


class _Pool:
    def __init__(self, grant: Grant) -> None:
        self.grant = grant
        self.factors = Factors.of_grant(grant)
        self.size = grant_pool_minutes(grant)
        self.used = Fraction(0)
        self.exhausted = False

    def take(self, minutes: int, kind: Kind) -> int:
        """Consume up to ``minutes`` real minutes; return how many fit."""
        factor = self.factors.of(kind)
        if self.exhausted or minutes <= 0:
            return 0
        if self.used + minutes * factor <= self.size:
            self.used += minutes * factor
            return minutes
        # The pool runs out inside this piece: on the nearest whole minute.
        fit = min(minutes, round_minutes((self.size - self.used) / factor))
        self.used += fit * factor
        self.exhausted = True
        return fit


@lru_cache(maxsize=256)
def _factors(wait: str, standby: str) -> Factors:
    # Decisions state their factors as text; parse each pair once, not per piece.
    return Factors(parse_factor(wait), parse_factor(standby))


def _candidates(day: date, grants: Sequence[Grant]) -> list[Grant]:
    covering = [g for g in grants if g.start <= day <= g.end]
    return sorted(covering, key=lambda g: (g.payer != Payer.FK, g.start, str(g.id)))


def _attribute(atoms: list[_Atom], grants: Sequence[Grant], month_start: int) -> tuple[list[_Atom], list[PoolUsage]]:
    """Give each minute its payer and decision, consuming pools in time order (G2, G4)."""
    pools = {g.id: _Pool(g) for g in grants}
    used_before: dict[int | str, Fraction] = defaultdict(Fraction)
    over: dict[int | str, Fraction] = defaultdict(Fraction)
    result = []
    by_day: dict[date, list[Grant]] = {}
    for atom in sorted(atoms, key=lambda x: (x.a, x.b, str(x.shift.assistant_id), str(x.shift.id))):
        candidates = by_day.get(atom.day)
        if candidates is None:
            candidates = by_day[atom.day] = _candidates(atom.day, grants)
        first = candidates[0] if candidates else None
        if atom.reason is not None or first is None:
            atom.reason = atom.reason or NO_DECISION
            atom.payer, atom.grant = (first.payer, first) if first else (Payer.FK, None)
            result.append(atom)
            continue
        cursor = atom.a
        for grant in candidates:
            pool = pools[grant.id]
            before = pool.used
            fit = pool.take(atom.b - cursor, atom.kind)
            if atom.a < month_start:
                used_before[grant.id] += pool.used - before
            if fit:
                result.append(_Atom(atom.shift, atom.kind, cursor, cursor + fit, atom.day, None, grant.payer, grant))
                cursor += fit
        if cursor < atom.b:
            result.append(_Atom(atom.shift, atom.kind, cursor, atom.b, atom.day, OVER_POOL, first.payer, first))
            over[first.id] += (atom.b - cursor) * pools[first.id].factors.of(atom.kind)
    usage = [
        PoolUsage(
            g.id,
            g.payer,
            g.start,
            g.end,
            pools[g.id].size,
            used_before[g.id],
            pools[g.id].used - used_before[g.id],
            over[g.id],
        )
        for g in sorted(grants, key=lambda g: (g.payer != Payer.FK, g.start, str(g.id)))
    ]
    return result, usage


def _sum_rows(rows: Iterable[TimeRow]) -> KindMinutes:
    by_kind: dict[Kind, int] = defaultdict(int)
    for row in rows:
        by_kind[row.kind] += row.minutes
    return KindMinutes.of(by_kind)


def _time_reports(atoms: list[_Atom]) -> tuple[TimeReport, ...]:
    rows_by_assistant: dict[int | str, list[TimeRow]] = defaultdict(list)
    ordered = sorted(atoms, key=lambda x: (str(x.shift.assistant_id), x.a, str(x.shift.id)))
    current: _Atom | None = None
    for atom in [*ordered, None]:
        same = (
            current is not None
            and atom is not None
            and (atom.shift.id, atom.kind, atom.day, atom.payer, atom.a)
            == (current.shift.id, current.kind, current.day, current.payer, current.b)
        )
        if same:
            current.b = atom.b  # type: ignore[union-attr]
            continue
        if current is not None:
            rows_by_assistant[current.shift.assistant_id].append(
                TimeRow(
                    current.day,
                    _from_min(current.a),
                    _from_min(current.b),
                    current.kind,
                    current.b - current.a,
                    current.payer,
                    current.shift.id,
                )
            )
        current = None if atom is None else _Atom(atom.shift, atom.kind, atom.a, atom.b, atom.day, None, atom.payer)
    return tuple(
        TimeReport(aid, tuple(rows), _sum_rows(rows))
        for aid, rows in sorted(rows_by_assistant.items(), key=lambda item: str(item[0]))
    )


def _price(
    atom: _Atom, rates: RateTable, raised: Mapping[int | str, Decimal], municipal: Mapping[int | str, Decimal]
) -> RateUsed:
    grant = atom.grant
    assert grant is not None  # payable minutes always have a decision
    year = atom.day.year
    if grant.payer == Payer.FK and grant.id in raised:
        return RateUsed("raised", year, rates.check_raised_rate(raised[grant.id], year), grant.id)
    if grant.payer == Payer.MUNICIPALITY and grant.id in municipal:
        return RateUsed("municipal", year, municipal[grant.id], grant.id)
    return RateUsed("standard", year, rates.standard_rate(atom.day), None)


def _claim(
    payer: Payer,
    atoms: list[_Atom],
    rates: RateTable,
    raised: Mapping[int | str, Decimal],
    municipal: Mapping[int | str, Decimal],
    used: set[RateUsed],
) -> Claim:
    minutes: dict[Kind, int] = defaultdict(int)
    payable: dict[Kind, int] = defaultdict(int)
    unpaid: dict[str, int] = defaultdict(int)
    # Whole minutes are summed per (decision, kind) and converted once at the
    # end: the same exact Fractions as converting each piece, at a fraction
    # of the cost.
    all_minutes: dict[tuple, int] = defaultdict(int)
    payable_minutes: dict[tuple, int] = defaultdict(int)
    priced: dict[tuple, int] = defaultdict(int)
    prices: dict[tuple, RateUsed] = {}
    for atom in atoms:
        if atom.payer != payer:
            continue
        n = atom.b - atom.a
        key = (atom.grant, atom.kind)
        minutes[atom.kind] += n
        all_minutes[key] += n
        if atom.reason is not None:
            unpaid[atom.reason] += n
            continue
        payable[atom.kind] += n
        payable_minutes[key] += n
        price_key = (atom.grant, atom.day.year)
        rate = prices.get(price_key)
        if rate is None:
            rate = prices[price_key] = _price(atom, rates, raised, municipal)
            used.add(rate)
        priced[rate.kind, rate.rate, atom.grant, atom.kind] += n

    def convert(grant: Grant | None, kind: Kind, n: int) -> Fraction:
        return n * Factors.of_grant(grant).of(kind)

    converted = sum((convert(g, k, n) for (g, k), n in all_minutes.items()), Fraction(0))
    payable_converted = sum((convert(g, k, n) for (g, k), n in payable_minutes.items()), Fraction(0))
    groups: dict[tuple[str, Decimal], Fraction] = defaultdict(Fraction)
    for (rate_kind, rate, grant, kind), n in priced.items():
        groups[rate_kind, rate] += convert(grant, kind, n)
    lines = _rate_lines(groups)
    not_payable = tuple(
        NotPayable(reason, n)
        for reason, n in sorted(unpaid.items(), key=lambda item: (_order_of_reason(item[0]), item[0]))
    )
    return Claim(
        payer,
        KindMinutes.of(minutes),
        converted,
        KindMinutes.of(payable),
        payable_converted,
        not_payable,
        lines,
        total_amount(lines),
    )


def _order_of_reason(reason: str) -> int:
    return {NO_DECISION: 1, OVER_POOL: 2}.get(reason, 0) * 100 + _reason_rank(reason)[0]


def _check_m1(time_reports: tuple[TimeReport, ...], claims: tuple[Claim, ...]) -> None:
    """M1: the claim's hours equal the sum of the time reports; each claim adds up."""
    for claim in claims:
        rows = sum((report.minutes_for(claim.payer) for report in time_reports), KindMinutes())
        if rows != claim.minutes or claim.payable.total + claim.not_payable_minutes != claim.minutes.total:
            raise ReportMismatch(
                "M1",
                "Räkningens timmar stämmer inte med summan av tidsredovisningarna. "
                "Rapporten har inte sparats; kontakta supporten.",
                f"{claim.payer} claim {claim.minutes} (payable {claim.payable}, "
                f"not payable {claim.not_payable}) != time reports {rows}",
            )


def compute_month_exact(
    *,
    client_id: int | str,
    month: date,
    shifts: Sequence[Shift],
    findings: Sequence[Finding],
    grants: Sequence[Grant],
    rates: RateTable,
    raised_rates: Mapping[int | str, Decimal] | None = None,
    municipal_rates: Mapping[int | str, Decimal] | None = None,
    pool_history: Sequence[Shift] = (),
) -> MonthReport:
    """The month's time reports (FK 3059) and claims (FK 3057 and municipal) for one client,
    piece by piece: every shift cut into atoms at local midnights and finding
    edges, and the pools consumed atom by atom in time order. The reference
    reading of the rules above; :func:`compute_month` takes it whenever a pool
    can run out, and the tests hold the fast path to it.

    ``shifts``: the client's shifts overlapping the month (any assistant).
    ``pool_history``: the client's earlier shifts in the decision periods that
    cover the month, so the pool is consumed in time order (G2).
    ``findings``: the engine's findings for all of these shifts.
    ``raised_rates``: FK decision id → raised rate (checked against the cap).
    ``municipal_rates``: municipal decision id → the municipality's hourly
    rate (not capped); without one, the standard rate.
    """
    if month.day != 1:
        raise ValueError("month is the first day of the month")
    for grant in grants:
        if grant.client_id != client_id:
            raise ValueError(f"decision {grant.id} belongs to client {grant.client_id}, not {client_id}")
    start, end = _to_min(local_midnight(month)), _to_min(local_midnight(next_month(month)))
    all_shifts = _client_shifts(client_id, shifts, pool_history)
    cuts = _cuts_by_shift(client_id, findings, all_shifts)
    atoms, pools = _attribute(_atoms(all_shifts, cuts, end), grants, start)
    in_month = [atom for atom in atoms if atom.a >= start]

    time_reports = _time_reports(in_month)
    used: set[RateUsed] = set()
    raised, municipal = raised_rates or {}, municipal_rates or {}
    claim = _claim(Payer.FK, in_month, rates, raised, municipal, used)
    municipal_claim = _claim(Payer.MUNICIPALITY, in_month, rates, raised, municipal, used)
    _check_m1(time_reports, (claim, municipal_claim))

    month_end = next_month(month) - timedelta(days=1)
    return MonthReport(
        client_id=client_id,
        month=month,
        time_reports=time_reports,
        claim=claim,
        municipal=municipal_claim,
        pools=tuple(p for p in pools if p.start <= month_end and p.end >= month),
        grant_ids=tuple(sorted((g.id for g in grants if g.start <= month_end and g.end >= month), key=str)),
        rates_used=tuple(sorted(used, key=lambda r: (r.kind, r.year, r.rate, str(r.grant_id)))),
    )


# --------------------------------------------------------------------------- the month, summed


class _Fallback(Exception):
    """The summed path does not apply here; :func:`compute_month_exact` decides (and raises)."""


#: Instant → epoch minute and epoch minute → UTC instant, shared across calls:
#: shift edges fall on few distinct instants (quarter hours). Equal instants
#: in any zone hash alike, so the cache is keyed by the instant, not the object.
_MINUTES: dict[datetime, int] = {}
_INSTANTS: dict[int, datetime] = {}
_CACHE_LIMIT = 1 << 18


def _minute(instant: datetime) -> int:
    """:func:`_to_min` through the cache; a naive instant leaves the summed path."""
    minute = _MINUTES.get(instant)
    if minute is None:
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise _Fallback
        if len(_MINUTES) >= _CACHE_LIMIT:
            _MINUTES.clear()
        minute = _MINUTES[instant] = (instant - _EPOCH) // _MINUTE
    return minute


def _instant(minute: int) -> datetime:
    instant = _INSTANTS.get(minute)
    if instant is None:
        if len(_INSTANTS) >= _CACHE_LIMIT:
            _INSTANTS.clear()
        instant = _INSTANTS[minute] = _from_min(minute)
    return instant


@dataclass(frozen=True, slots=True)
class _Calendar:
    """Local days from ``first`` on and the epoch minute each one starts at."""

    first: date
    days: tuple[date, ...]
    midnights: tuple[int, ...]

    def index(self, day: date) -> int:
        return (day - self.first).days


_YEARS_BACK, _YEARS_AHEAD = 12, 3


@lru_cache(maxsize=8)
def _calendar(year: int) -> _Calendar:
    """The local midnights from ``year - 12`` to the end of ``year + 3`` (T1:
    Europe/Stockholm, so the DST days are 23 and 25 hours long). A piece
    outside leaves the summed path."""
    first, stop = date(year - _YEARS_BACK, 1, 1), date(year + _YEARS_AHEAD + 1, 1, 1)
    days = tuple(first + timedelta(days=n) for n in range((stop - first).days + 1))
    return _Calendar(first, days, tuple(_to_min(local_midnight(day)) for day in days))


def _slots(grants: Sequence[Grant], calendar: _Calendar, m0: int, m1: int) -> tuple[int, list[int], list]:
    """Days ``base`` .. ``m1`` as slots: runs of days with the same first
    decision (the one a payable minute goes to while no pool runs out, G4)
    on the same side of the month's start. Days before ``base`` are outside
    every decision and before the month: nothing there is reported or
    consumed. Returns ``(base, slot of day base + j, [(first, in_month)])``."""
    last = len(calendar.days) - 1
    spans = []
    for grant in sorted(grants, key=lambda g: (g.payer != Payer.FK, g.start, str(g.id))):
        lo, hi = max(0, calendar.index(grant.start)), min(last, calendar.index(grant.end))
        if lo <= hi:
            spans.append((grant, lo, hi))
    base = min([lo for _, lo, _ in spans if lo < m1] + [m0])
    edges = sorted({base, m0, m1} | {x for _, lo, hi in spans for x in (lo, hi + 1) if base < x < m1})
    slot_of: list[int] = []
    info: list[tuple[Grant | None, bool]] = []
    for lo, hi in pairwise(edges):
        first = next((grant for grant, a, b in spans if a <= lo <= b), None)
        slot_of.extend([len(info)] * (hi - lo))
        info.append((first, lo >= m0))
    return base, slot_of, info


@lru_cache(maxsize=256)
def _scaled_factors(wait: str | None, standby: str | None) -> tuple[int, dict[Kind, int]]:
    """``(d, {kind: factor × d})`` with ``d`` the least common denominator of
    the factors, so converted minutes are one integer sum over ``d`` (G3)."""
    factors = Factors() if wait is None else _factors(wait, standby)
    scale = lcm(factors.wait.denominator, factors.standby.denominator)
    return scale, {kind: int(factors.of(kind) * scale) for kind in Kind}


def _converted_sum(minutes: Iterable[tuple[tuple[Grant | None, Kind], int]]) -> Fraction:
    """Σ minutes × the factor of their decision and kind, exact: whole
    numerators per denominator, one ``Fraction`` per denominator."""
    numerators: dict[int, int] = {}
    for (grant, kind), n in minutes:
        scale, multipliers = (
            _scaled_factors(None, None) if grant is None else _scaled_factors(grant.wait_factor, grant.standby_factor)
        )
        numerators[scale] = numerators.get(scale, 0) + n * multipliers.get(kind, scale)
    return sum((Fraction(numerator, scale) for scale, numerator in numerators.items()), Fraction(0))


def _summed_claim(
    payer: Payer,
    minutes: Mapping[Kind, int],
    all_minutes: Mapping[tuple[Grant | None, Kind], int],
    payable: Mapping[Kind, int],
    payable_minutes: Mapping[tuple[Grant, Kind], int],
    unpaid: Mapping[str, int],
    price: dict[Grant, RateUsed],
) -> Claim:
    """:func:`_claim` from minutes already summed per decision and kind."""
    by_rate: dict[tuple[str, Decimal], list] = defaultdict(list)
    for (grant, kind), n in payable_minutes.items():
        rate = price[grant]
        by_rate[rate.kind, rate.rate].append(((grant, kind), n))
    lines = _rate_lines({key: _converted_sum(items) for key, items in by_rate.items()})
    return Claim(
        payer,
        KindMinutes.of(minutes),
        _converted_sum(all_minutes.items()),
        KindMinutes.of(payable),
        _converted_sum(payable_minutes.items()),
        tuple(
            NotPayable(reason, n)
            for reason, n in sorted(unpaid.items(), key=lambda item: (_order_of_reason(item[0]), item[0]))
            if n
        ),
        lines,
        total_amount(lines),
    )


def _compute_month_summed(
    client_id: int | str,
    month: date,
    shifts: Sequence[Shift],
    findings: Sequence[Finding],
    grants: Sequence[Grant],
    rates: RateTable,
    raised: Mapping[int | str, Decimal],
    municipal: Mapping[int | str, Decimal],
    pool_history: Sequence[Shift],
) -> MonthReport:
    """The same report as :func:`compute_month_exact`, from whole minutes
    summed per (slot of days, kind) instead of atoms.

    When no decision's pool can run out (its payable minutes up to the
    month's end, converted, fit in it), every payable minute of a day goes to
    that day's first decision (G4), so time order does not matter and the
    pools, claims and amounts follow from sums. Shifts are cut only where a
    row needs it: at local midnights and at the month's end; the finding
    cuts are walked only on the shifts they touch. Raises :class:`_Fallback`
    when a pool could run out, on overlapping rows of one assistant, on bad
    input, and when pricing fails, so the exact path gives the answer or the
    error."""
    if isinstance(month, datetime) or month.day != 1 or any(grant.client_id != client_id for grant in grants):
        raise _Fallback
    if len({grant.id for grant in grants}) != len(grants):
        raise _Fallback
    try:
        sizes = {grant.id: grant_pool_minutes(grant) for grant in grants}
        for grant in grants:
            Factors.of_grant(grant)
    except ValueError:
        raise _Fallback from None
    calendar = _calendar(month.year)
    midnights, days = calendar.midnights, calendar.days
    m0, m1 = calendar.index(month), calendar.index(next_month(month))
    horizon = midnights[m1]
    base, slot_of, slot_info = _slots(grants, calendar, m0, m1)

    by_id: dict[int | str, Shift] = {shift.id: shift for shift in pool_history}
    by_id.update({shift.id: shift for shift in shifts})

    cuts: dict[int | str, list[tuple[int, int, str]]] = {}
    order: dict[int | str, int] | None = None
    for finding in findings:
        if finding.severity != Severity.NOT_PAYABLE or finding.minutes <= 0:
            continue
        if finding.client_id is not None and finding.client_id != client_id:
            continue
        try:
            if not finding.shift_ids and order is None:
                ordered = sorted(by_id.values(), key=lambda s: (_to_min(s.start), str(s.assistant_id), str(s.id)))
                order = {shift.id: index for index, shift in enumerate(ordered)}
            pieces = _finding_cuts(finding, by_id, order or {})
        except (ValueError, TypeError, IndexError):
            raise _Fallback from None
        for sid, a, b in pieces:
            cuts.setdefault(sid, []).append((a, b, finding.code))

    # The one pass over every piece of every shift: minutes per (slot, kind),
    # cut minutes per (slot, reason), and the month's pieces per assistant.
    totals: dict[tuple[int, Kind], int] = {}
    cut_totals: dict[tuple[int, Kind], int] = {}
    cut_reasons: dict[tuple[int, str], int] = {}
    pieces_by: dict[int | str, list[tuple[int, int, int | str, Kind, int]]] = {}
    cache, minute_of = _MINUTES, _minute
    for shift in by_id.values():
        segments = shift.segments
        if shift.client_id != client_id or not segments:
            raise _Fallback
        shift_cuts = cuts.get(shift.id) if cuts else None
        mine = None
        for seg_start, seg_end, kind in segments:
            a = cache.get(seg_start)
            if a is None:
                a = minute_of(seg_start)
            b = cache.get(seg_end)
            if b is None:
                b = minute_of(seg_end)
            if b > horizon:
                b = horizon
            if a >= b:
                continue
            i = bisect_right(midnights, a) - 1
            if i < 0:
                raise _Fallback
            while True:
                next_midnight = midnights[i + 1]
                e = b if b <= next_midnight else next_midnight
                j = i - base
                if j >= 0:
                    key = (slot_of[j], kind)
                    totals[key] = totals.get(key, 0) + e - a
                    if shift_cuts is not None:
                        edges = sorted({a, e} | {x for lo, hi, _ in shift_cuts for x in (lo, hi) if a < x < e})
                        for lo, hi in pairwise(edges):
                            codes = [code for ca, cb, code in shift_cuts if ca <= lo and hi <= cb]
                            if codes:
                                reason_key = (key[0], min(codes, key=_reason_rank))
                                cut_reasons[reason_key] = cut_reasons.get(reason_key, 0) + hi - lo
                                cut_totals[key] = cut_totals.get(key, 0) + hi - lo
                    if i >= m0:
                        if mine is None:
                            mine = pieces_by.get(shift.assistant_id)
                            if mine is None:
                                mine = pieces_by[shift.assistant_id] = []
                        mine.append((a, e, shift.id, kind, i))
                if e == b:
                    break
                a, i = e, i + 1

    # Sums per payer (the month) and per decision (the pools, G2).
    def payer_of(first: Grant | None) -> Payer:
        return first.payer if first is not None else Payer.FK

    sections = {payer: ({}, {}, {}, {}, {}) for payer in (Payer.FK, Payer.MUNICIPALITY)}
    pool_before: dict[int | str, dict[Kind, int]] = defaultdict(dict)
    pool_in_month: dict[int | str, dict[Kind, int]] = defaultdict(dict)
    for (slot, kind), n in totals.items():
        first, in_month = slot_info[slot]
        uncut = n - cut_totals.get((slot, kind), 0)
        if not in_month:
            if first is not None and uncut:
                used = pool_before[first.id]
                used[kind] = used.get(kind, 0) + uncut
            continue
        minutes, all_minutes, payable, payable_minutes, unpaid = sections[payer_of(first)]
        minutes[kind] = minutes.get(kind, 0) + n
        all_minutes[first, kind] = all_minutes.get((first, kind), 0) + n
        if not uncut:
            continue
        if first is None:
            unpaid[NO_DECISION] = unpaid.get(NO_DECISION, 0) + uncut
            continue
        payable[kind] = payable.get(kind, 0) + uncut
        payable_minutes[first, kind] = payable_minutes.get((first, kind), 0) + uncut
        used = pool_in_month[first.id]
        used[kind] = used.get(kind, 0) + uncut
    for (slot, reason), n in cut_reasons.items():
        first, in_month = slot_info[slot]
        if in_month:
            unpaid = sections[payer_of(first)][4]
            unpaid[reason] = unpaid.get(reason, 0) + n

    ordered_grants = sorted(grants, key=lambda g: (g.payer != Payer.FK, g.start, str(g.id)))
    pools = []
    for grant in ordered_grants:
        before = _converted_sum(((grant, kind), n) for kind, n in pool_before.get(grant.id, {}).items())
        in_month = _converted_sum(((grant, kind), n) for kind, n in pool_in_month.get(grant.id, {}).items())
        if before + in_month > sizes[grant.id]:
            raise _Fallback  # the pool runs out: minutes are taken in time order
        pools.append(PoolUsage(grant.id, grant.payer, grant.start, grant.end, sizes[grant.id], before, in_month))

    price: dict[Grant, RateUsed] = {}
    try:
        for payer in (Payer.FK, Payer.MUNICIPALITY):
            for grant, _kind in sections[payer][3]:
                if grant not in price:
                    price[grant] = _price_grant(grant, month, rates, raised, municipal)
    except BillingError:
        raise _Fallback from None  # the exact path raises the first error in time order
    claim = _summed_claim(Payer.FK, *sections[Payer.FK], price)
    municipal_claim = _summed_claim(Payer.MUNICIPALITY, *sections[Payer.MUNICIPALITY], price)

    # Rows: an assistant's pieces in time order, merged where the exact path
    # merges atoms (same shift, kind, day and payer, and contiguous).
    payers = [payer_of(slot_info[slot_of[i - base]][0]) for i in range(m0, m1)]
    instants, instant, new_row = _INSTANTS, _instant, _new_time_row
    row_minutes: dict[tuple[Payer, Kind], int] = {}
    reports = []
    for assistant_id, pieces in pieces_by.items():
        pieces.sort(key=_piece_start)
        pieces.append(_LAST_PIECE)
        rows = []
        sums: dict[tuple[Payer, Kind], int] = {}
        ca, cb, csid, ckind, ci = pieces[0]
        for a, b, sid, kind, i in islice(pieces, 1, None):
            if a < cb:
                raise _Fallback  # overlapping pieces: the exact order is by shift id
            if a == cb and sid == csid and i == ci and kind == ckind:
                cb = b
                continue
            n = cb - ca
            payer = payers[ci - m0]
            key = (payer, ckind)
            sums[key] = sums.get(key, 0) + n
            start_at = instants.get(ca) or instant(ca)
            end_at = instants.get(cb) or instant(cb)
            rows.append(new_row(days[ci], start_at, end_at, ckind, n, payer, csid))
            ca, cb, csid, ckind, ci = a, b, sid, kind, i
        by_kind: dict[Kind, int] = {}
        for (payer, kind), n in sums.items():
            by_kind[kind] = by_kind.get(kind, 0) + n
            row_minutes[payer, kind] = row_minutes.get((payer, kind), 0) + n
        reports.append(TimeReport(assistant_id, tuple(rows), KindMinutes.of(by_kind)))
    if len({str(report.assistant_id) for report in reports}) != len(reports):
        raise _Fallback
    reports.sort(key=lambda report: str(report.assistant_id))
    time_reports = tuple(reports)

    # M1 from the row sums; on a mismatch the exact path checks (and raises).
    for section in (claim, municipal_claim):
        rows_sum = KindMinutes.of({kind: n for (payer, kind), n in row_minutes.items() if payer == section.payer})
        if rows_sum != section.minutes or section.payable.total + section.not_payable_minutes != section.minutes.total:
            raise _Fallback

    month_end = next_month(month) - timedelta(days=1)
    return MonthReport(
        client_id=client_id,
        month=month,
        time_reports=time_reports,
        claim=claim,
        municipal=municipal_claim,
        pools=tuple(p for p in pools if p.start <= month_end and p.end >= month),
        grant_ids=tuple(sorted((g.id for g in grants if g.start <= month_end and g.end >= month), key=str)),
        rates_used=tuple(sorted(set(price.values()), key=lambda r: (r.kind, r.year, r.rate, str(r.grant_id)))),
    )


_piece_start = itemgetter(0)

#: Closes the last run of an assistant's pieces (starts after every minute).
_LAST_PIECE = (1 << 62, 1 << 62, object(), None, -1)

_ROW_FIELDS = ("day", "start", "end", "kind", "minutes", "payer", "shift_id")
assert tuple(f.name for f in fields(TimeRow)) == _ROW_FIELDS
_set_row = tuple(getattr(TimeRow, name).__set__ for name in _ROW_FIELDS)


def _new_time_row(
    day: date, start: datetime, end: datetime, kind: Kind, minutes: int, payer: Payer, shift_id: int | str
) -> TimeRow:
    """``TimeRow(...)`` at half the cost: a frozen dataclass's ``__init__``
    goes through ``object.__setattr__`` per field; this sets the slots
    directly. Same object, no checks skipped (the class has none)."""
    row = object.__new__(TimeRow)
    set_day, set_start, set_end, set_kind, set_minutes, set_payer, set_shift = _set_row
    set_day(row, day)
    set_start(row, start)
    set_end(row, end)
    set_kind(row, kind)
    set_minutes(row, minutes)
    set_payer(row, payer)
    set_shift(row, shift_id)
    return row


def _price_grant(
    grant: Grant,
    month: date,
    rates: RateTable,
    raised: Mapping[int | str, Decimal],
    municipal: Mapping[int | str, Decimal],
) -> RateUsed:
    """:func:`_price` for a decision's minutes in ``month`` (one year)."""
    year = month.year
    if grant.payer == Payer.FK and grant.id in raised:
        return RateUsed("raised", year, rates.check_raised_rate(raised[grant.id], year), grant.id)
    if grant.payer == Payer.MUNICIPALITY and grant.id in municipal:
        return RateUsed("municipal", year, municipal[grant.id], grant.id)
    return RateUsed("standard", year, rates.standard_rate(month), None)


def compute_month(
    *,
    client_id: int | str,
    month: date,
    shifts: Sequence[Shift],
    findings: Sequence[Finding],
    grants: Sequence[Grant],
    rates: RateTable,
    raised_rates: Mapping[int | str, Decimal] | None = None,
    municipal_rates: Mapping[int | str, Decimal] | None = None,
    pool_history: Sequence[Shift] = (),
) -> MonthReport:
    """The month's time reports (FK 3059) and claims (FK 3057 and municipal) for one client.

    ``shifts``: the client's shifts overlapping the month (any assistant).
    ``pool_history``: the client's earlier shifts in the decision periods that
    cover the month, so the pool is consumed in time order (G2).
    ``findings``: the engine's findings for all of these shifts.
    ``raised_rates``: FK decision id → raised rate (checked against the cap).
    ``municipal_rates``: municipal decision id → the municipality's hourly
    rate (not capped); without one, the standard rate.

    The result is :func:`compute_month_exact`'s, to the minute and the öre.
    It is computed from minutes summed per decision when no pool can run out
    (the common case), and piece by piece otherwise.
    """
    try:
        return _compute_month_summed(
            client_id, month, shifts, findings, grants, rates, raised_rates or {}, municipal_rates or {}, pool_history
        )
    except _Fallback:
        return compute_month_exact(
            client_id=client_id,
            month=month,
            shifts=shifts,
            findings=findings,
            grants=grants,
            rates=rates,
            raised_rates=raised_rates,
            municipal_rates=municipal_rates,
            pool_history=pool_history,
        )


@dataclass(frozen=True)
class ClientMonth:
    """One client's share of a provider's month-end input: what
    ``compute_month`` is given as ``shifts``, ``pool_history`` and
    ``findings``."""

    shifts: list[Shift]
    history: list[Shift]
    findings: list[Finding]


def split_by_client(
    month_start: datetime, month_end: datetime, shifts: Iterable[Shift], findings: Sequence[Finding]
) -> dict[int | str, ClientMonth]:
    """Group a provider's shifts (the month's, and earlier ones for the
    grant pools) and the engine's findings by client, in one pass each.

    A shift that touches the month counts in it; one that ends by the
    month's start is history; a finding goes to every client owning a shift
    it names (most shifts have none, so only named shifts are indexed). The
    month-end service and the benchmark both group here."""
    named = {shift_id for finding in findings for shift_id in finding.shift_ids}
    owner: dict = {}
    groups: dict[int | str, ClientMonth] = {}
    for shift in shifts:
        segments = shift.segments
        group = groups.get(shift.client_id)
        if group is None:
            group = groups[shift.client_id] = ClientMonth([], [], [])
        if segments[-1].end <= month_start:
            group.history.append(shift)
        elif segments[0].start < month_end:
            group.shifts.append(shift)
        if shift.id in named:
            owner[shift.id] = shift.client_id
    for finding in findings:
        for client_id in {owner[i] for i in finding.shift_ids if i in owner}:
            groups[client_id].findings.append(finding)
    return groups
