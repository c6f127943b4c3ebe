"""Deterministic generator of a national-scale month of personal assistance.

``generate(seed=..., scale=...)`` yields one :class:`ProviderData` per provider:
the registry rows (clients, assistants, employments, decisions, ...) and the
shifts, as plain tuples ready for ``COPY``. Nothing here touches the database
or Django, so the same world can be inspected, loaded or counted.

The world at ``scale=1.0`` (all counts scale):

* ~1 500 providers: companies (most with a collective agreement, some under
  ATL), municipalities (PAN agreement), cooperatives and self-employers
  (one client each, household regime);
* 13 500 clients, each with a daily coverage pattern: 24/7 in shifts, 24/7
  with weekend 24 h passes, 24 h passes every day (night waiting time),
  long days, medium days, small needs; a few with double assistance;
* 90 000 assistants with one employment each, declared reference periods
  (ATL 4 months, agreements 6 months, all aligned on 2026-02-01) or a 28-day
  household chain aligned on 2026-02-01;
* shifts for March 2026 (~1.2 M, mean ~6.8 h; the spring DST night is
  29 March) plus February 2026 as history (the current reference periods
  start on 2026-02-01), and twelve months of history (from 2025-03-01) for the
  assistants of the first few providers (the "year group", for re-check
  latency).

Schedules are built per client and day and handed to team members; an
assistant never gets two overlapping shifts (the exclusion constraint would
refuse them). A small, seeded share of choices ignores the rest preference
(quick returns) or favours "high-hours" assistants (long weeks), and a few
registry facts are off (late FK notice, short grants, an expired permit, a
17-year-old, hospital stays) so that the rules actually fire.

Every provider draws from its own ``random.Random(f"{seed}/{index}")``, so a
provider's data does not depend on how many others come before it.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
import time as timer
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

MONTH_START = date(2026, 3, 1)
MONTH_END = date(2026, 4, 1)  # exclusive
HISTORY_START = date(2026, 2, 1)  # everyone: the current reference periods start here
YEAR_HISTORY_START = date(2025, 3, 1)  # the year group: twelve months before the month's end
PERIOD_ALIGN = date(2026, 2, 1)

FULL_PROVIDERS = 1500
FULL_CLIENTS = 13500
FULL_ASSISTANTS = 90000
FULL_YEAR_GROUP = 500

MIN_REST = 11 * 60  # minutes; the generator prefers to respect daily rest
AGREEMENTS = {  # codes of the agreements seeded by migration assistans 0002
    "vardforetagarna": "vardforetagarna-pa",
    "fremia": "fremia-pa",
    "pan": "skr-sobona-pan",
}
AGREEMENT_PROFILE = {"vardforetagarna-pa": "vardforetagarna", "fremia-pa": "atl", "skr-sobona-pan": "pan"}
AGREEMENT_MONTHS = 6

# --- coverage patterns -------------------------------------------------------
# A slot is (start, end, changes): local minutes from the day's midnight (end
# and changes may pass 1440: the next day), changes = ((minute, kind), ...)
# where the kind of time changes after the start; () for a uniform shift.
H = 60
NIGHT_WAIT = ((22 * H + 30, "waiting"), (30 * H + 30, "active"))  # 22:30-06:30 waiting


def _day(*slots: tuple) -> tuple:
    return tuple((int(s * H), int(e * H), changes) for s, e, changes in slots)


SHIFTS4 = _day((7, 12, ()), (12, 17, ()), (17, 22, ()), (22, 31, NIGHT_WAIT))
SHIFTS4_AWAKE = _day((7, 12, ()), (12, 17, ()), (17, 22, ()), (22, 31, ()))
SHIFTS3 = _day((7, 14.5, ()), (14.5, 22, ()), (22, 31, NIGHT_WAIT))
PASS24 = _day((7, 31, NIGHT_WAIT))
LONG2 = _day((7, 14.5, ()), (14.5, 22, ()))
LONG3 = _day((7, 12, ()), (12, 17, ()), (17, 22, ()))
MEDIUM = _day((8, 13, ()), (13, 18, ()))
SMALL_DAY = _day((8, 16, ()))
SMALL_SPLIT = _day((7, 10, ()), (17, 21, ()))
DOUBLE = _day((9, 15, ()))  # the second assistant of a double-assistance client


@dataclass(frozen=True)
class Pattern:
    name: str
    weekday: tuple  # slots Monday-Friday
    weekend: tuple  # slots Saturday-Sunday
    min_team: int


PATTERNS = {
    "shifts4": Pattern("shifts4", SHIFTS4, SHIFTS4, 5),
    "shifts4_awake": Pattern("shifts4_awake", SHIFTS4_AWAKE, SHIFTS4_AWAKE, 5),
    "shifts3": Pattern("shifts3", SHIFTS3, SHIFTS3, 4),
    "weekend_pass": Pattern("weekend_pass", SHIFTS4, PASS24, 5),
    "pass24": Pattern("pass24", PASS24, PASS24, 4),
    "long2": Pattern("long2", LONG2, LONG2, 3),
    "long3": Pattern("long3", LONG3, LONG3, 3),
    "medium": Pattern("medium", MEDIUM, MEDIUM, 3),
    "small_day": Pattern("small_day", SMALL_DAY, (), 2),
    "small_split": Pattern("small_split", SMALL_SPLIT, SMALL_SPLIT, 2),
}
# Share of clients per pattern (24/7 about 60 %, long days 25 %, the rest smaller).
PATTERN_WEIGHTS = {
    "shifts4": 0.17,
    "shifts4_awake": 0.06,
    "shifts3": 0.20,
    "weekend_pass": 0.11,
    "pass24": 0.06,
    "long2": 0.125,
    "long3": 0.125,
    "medium": 0.10,
    "small_day": 0.025,
    "small_split": 0.025,
}


def _slot_minutes(slot: tuple) -> tuple[int, int]:
    """(work minutes, grant-converted minutes with waiting at 1/4), ignoring DST."""
    start, end, changes = slot
    bounds = [start, *(c[0] for c in changes), end]
    kinds = ["active", *(c[1] for c in changes)]
    work = converted = 0
    for (a, b), kind in zip(itertools.pairwise(bounds), kinds, strict=True):
        work += b - a
        converted += (b - a) // 4 if kind == "waiting" else b - a
    return work, converted


def weekly_minutes(pattern: Pattern, double: bool) -> tuple[int, int]:
    """Work and converted minutes per week of a client's pattern."""
    work = converted = 0
    for slots, days in ((pattern.weekday, 5), (pattern.weekend, 2)):
        for slot in slots + (DOUBLE if double else ()):
            w, c = _slot_minutes(slot)
            work += w * days
            converted += c * days
    return work, converted


# --- identity numbers --------------------------------------------------------


def _luhn_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def personal_number(birth: date, serial: int) -> str:
    ten = f"{birth:%y%m%d}{serial % 1000:03d}"
    return f"{birth:%Y}"[:2] + ten + _luhn_digit(ten)


def unique_personal_number(birth: date, serial: int, taken: set[str]) -> str:
    """A personal number not in ``taken`` (moving the birth day on a clash), added to it."""
    number = personal_number(birth, serial)
    while number in taken:
        birth += timedelta(days=1)
        number = personal_number(birth, serial)
    taken.add(number)
    return number


def org_number(serial: int) -> str:
    nine = f"55{serial:07d}"
    return nine + _luhn_digit(nine)


# --- time --------------------------------------------------------------------

_EPOCH_CACHE: dict[tuple[date, int], int] = {}


def local_epoch_minute(day: date, minute: int) -> int:
    """UTC epoch minute of local wall time ``minute`` after ``day``'s midnight
    (Europe/Stockholm). Slots never start in the skipped hour of the DST night."""
    key = (day, minute)
    cached = _EPOCH_CACHE.get(key)
    if cached is None:
        actual = day + timedelta(days=minute // 1440)
        rest = minute % 1440
        instant = datetime(actual.year, actual.month, actual.day, rest // 60, rest % 60, tzinfo=STOCKHOLM)
        cached = int(instant.timestamp()) // 60
        _EPOCH_CACHE[key] = cached
    return cached


def daterange(start: date, end: date) -> Iterator[date]:
    day = start
    while day < end:
        yield day
        day += timedelta(days=1)


# --- the world ---------------------------------------------------------------


@dataclass
class ProviderData:
    """Rows of one provider. Tuples follow the column lists in ``bench.load``."""

    index: int
    provider: tuple
    permits: list = field(default_factory=list)
    clients: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    absences: list = field(default_factory=list)
    assistants: list = field(default_factory=list)
    employments: list = field(default_factory=list)
    periods: list = field(default_factory=list)
    external: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    #: (id, provider_id, assistant_id, client_id, start_min, end_min, kind, segments_json, double, status)
    shifts: list = field(default_factory=list)
    in_year_group: bool = False
    stats: Counter = field(default_factory=Counter)
    #: Personal numbers already used at this provider (unique per provider).
    taken: set = field(default_factory=set)


@dataclass(frozen=True)
class WorldPlan:
    """Counts and the provider list, drawn from ``random.Random(seed)``."""

    seed: int
    scale: float
    kinds: tuple[str, ...]  # per provider
    agreements: tuple[str | None, ...]  # agreement code per provider
    client_counts: tuple[int, ...]  # per provider
    assistants_per_minute: float  # team sizing: assistants per weekly work minute
    year_group_providers: int


def plan_world(seed: int, scale: float) -> WorldPlan:
    rng = random.Random(seed)
    n_providers = max(4, round(FULL_PROVIDERS * scale))
    n_clients = max(n_providers, round(FULL_CLIENTS * scale))
    n_assistants = max(3 * n_clients, round(FULL_ASSISTANTS * scale))
    kinds = []
    for index in range(n_providers):
        if index < 4:  # the first four: one of each, so tiny scales still mix
            kinds.append(("company", "municipality", "self_employer", "cooperative")[index])
            continue
        roll = rng.random()
        kinds.append(
            "company"
            if roll < 0.60
            else "municipality"
            if roll < 0.70
            else "cooperative"
            if roll < 0.73
            else "self_employer"
        )
    agreements: list[str | None] = []
    for kind in kinds:
        if kind == "municipality":
            agreements.append(AGREEMENTS["pan"])
        elif kind == "cooperative":
            agreements.append(AGREEMENTS["fremia"])
        elif kind == "company":
            roll = rng.random()
            agreements.append(
                AGREEMENTS["vardforetagarna"] if roll < 0.55 else AGREEMENTS["fremia"] if roll < 0.85 else None
            )
        else:
            agreements.append(None)
    # Self-employers have one client; the others share the rest by weight
    # (municipalities and a long tail of company sizes).
    weights = []
    for kind in kinds:
        if kind == "self_employer":
            weights.append(0.0)
        elif kind == "municipality":
            weights.append(rng.uniform(10, 35))
        elif kind == "cooperative":
            weights.append(rng.uniform(4, 15))
        else:
            weights.append(rng.lognormvariate(1.6, 1.1))
    counts = [1] * n_providers
    remaining = n_clients - n_providers
    total_weight = sum(weights)
    shares = [remaining * w / total_weight for w in weights]
    for index, share in enumerate(shares):
        counts[index] += int(share)
    leftover = n_clients - sum(counts)
    order = sorted(range(n_providers), key=lambda i: shares[i] - int(shares[i]), reverse=True)
    for index in order[:leftover]:
        counts[index] += 1
    # Team sizing: assistants proportional to weekly work, hitting n_assistants in total.
    expected_minutes = sum(
        weight * weekly_minutes(PATTERNS[name], False)[0] for name, weight in PATTERN_WEIGHTS.items()
    )
    per_minute = n_assistants / (n_clients * expected_minutes)
    # The year group: the first providers (skipping none) until ~500 assistants (scaled, >= 40).
    year_target = max(40, min(FULL_YEAR_GROUP, round(n_assistants * 0.1)))
    covered = 0.0
    year_providers = 0
    for count in counts:
        if covered >= year_target:
            break
        covered += count * expected_minutes * per_minute
        year_providers += 1
    return WorldPlan(seed, scale, tuple(kinds), tuple(agreements), tuple(counts), per_minute, year_providers)


def _weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _period_chain(start: date, months: int, until: date) -> Iterator[tuple[date, date]]:
    """Consecutive periods of ``months`` calendar months from ``start`` while they begin before ``until``."""
    current = start
    while current < until:
        month_index = current.month - 1 + months
        following = date(current.year + month_index // 12, month_index % 12 + 1, 1)
        yield current, following - timedelta(days=1)
        current = following


@dataclass
class Ids:
    """Global id counters; providers are generated in order so ids are stable."""

    provider: int = 0
    client: int = 0
    assistant: int = 0
    employment: int = 0
    period: int = 0
    external: int = 0
    assignment: int = 0
    decision: int = 0
    absence: int = 0
    permit: int = 0
    shift: int = 0

    def next(self, name: str) -> int:
        value = getattr(self, name) + 1
        setattr(self, name, value)
        return value


def generate(*, seed: int = 2026, scale: float = 1.0) -> Iterator[ProviderData]:
    plan = plan_world(seed, scale)
    ids = Ids()
    for index, kind in enumerate(plan.kinds):
        rng = random.Random(f"{seed}/{index}")
        yield _provider(rng, ids, plan, index, kind)


def _provider(rng: random.Random, ids: Ids, plan: WorldPlan, index: int, kind: str) -> ProviderData:
    provider_id = ids.next("provider")
    agreement = plan.agreements[index]
    if kind == "self_employer":  # the person's own number; a 12-digit number never clashes with a 10-digit one
        number = personal_number(date(1950, 1, 1) + timedelta(days=index % 20000), index)
    else:
        number = org_number(index)
    data = ProviderData(
        index=index,
        provider=(provider_id, f"Anordnare {index:04d}", number, kind, agreement),
        in_year_group=index < plan.year_group_providers,
    )
    if kind in ("company", "cooperative"):
        expired = rng.random() < 0.02
        data.permits.append((ids.next("permit"), date(2012, 1, 1), date(2026, 3, 15) if expired else None))

    # Clients and their patterns.
    client_plans = []
    for _ in range(plan.client_counts[index]):
        client_id = ids.next("client")
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 80))
        number = unique_personal_number(birth, client_id, data.taken)
        data.clients.append((client_id, number, f"Brukare{client_id}", provider_id))
        pattern = PATTERNS[_weighted_choice(rng, PATTERN_WEIGHTS)]
        if kind == "municipality" and pattern.name == "pass24" and rng.random() < 0.8:
            pattern = PATTERNS["shifts3"]  # PAN: 24 h passes only by exception
        double = rng.random() < 0.04
        shift_minutes = rng.choice((-60, -30, 0, 0, 0, 30))
        client_plans.append((client_id, pattern, double, shift_minutes))
        _decisions(rng, ids, data, client_id, pattern, double)
        if rng.random() < 0.01:  # a hospital stay in March
            first = MONTH_START + timedelta(days=rng.randrange(25))
            begin = local_epoch_minute(first, 10 * H)
            end = local_epoch_minute(first + timedelta(days=rng.randint(2, 6)), 14 * H)
            data.absences.append((ids.next("absence"), client_id, begin, end, rng.random() < 0.3))

    # Assistants: a team per client, sized by its weekly hours; some also
    # join a second team of the same provider (substitutes).
    teams: dict[int, list[int]] = {}
    capacity: dict[int, float] = {}
    for client_id, pattern, double, _shift in client_plans:
        work, _converted = weekly_minutes(pattern, double)
        size = max(pattern.min_team + (1 if double else 0), round(work * plan.assistants_per_minute))
        team = []
        for _ in range(size):
            assistant_id = ids.next("assistant")
            team.append(assistant_id)
            capacity[assistant_id] = 2.5 if rng.random() < 0.03 else rng.uniform(0.5, 1.5)
            _assistant(rng, ids, data, provider_id, kind, agreement, assistant_id)
        teams[client_id] = team
    all_assistants = list(capacity)
    client_ids = [c[0] for c in client_plans]
    extra_members: dict[int, list[int]] = {c: [] for c in client_ids}
    if len(client_ids) > 1:
        for assistant_id in all_assistants:
            if rng.random() < 0.08:
                other = rng.choice(client_ids)
                if assistant_id not in teams[other]:
                    extra_members[other].append(assistant_id)
    for client_id in client_ids:
        teams[client_id] = teams[client_id] + extra_members[client_id]
        for assistant_id in teams[client_id]:
            since = date(2024, 1, 1) + timedelta(days=rng.randrange(365))
            notified = since - timedelta(days=rng.randint(1, 10))
            if rng.random() < 0.003:
                notified = date(2026, 3, 10)  # FK got the notice late (E2)
            data.assignments.append((ids.next("assignment"), assistant_id, client_id, since, None, notified))

    _schedule(rng, ids, data, provider_id, client_plans, teams, capacity)
    return data


def _decisions(rng, ids, data, client_id, pattern, double) -> None:
    _work, converted = weekly_minutes(pattern, double)
    weekly = round(converted / 60 * rng.uniform(1.0, 1.08), 2)
    if rng.random() < 0.05:
        weekly = round(weekly * 0.9, 2)  # granted less than scheduled (G2)
    double_hours = 0.0
    if double:
        double_hours = 42.0 if rng.random() < 0.8 else 30.0  # some too few (H2)
    halves = [(date(2025, 1, 1), date(2025, 6, 30)), (date(2025, 7, 1), date(2025, 12, 31))]
    current_end = date(2026, 3, 20) if rng.random() < 0.01 else date(2026, 6, 30)  # a gap at month's end (G1)
    halves.append((date(2026, 1, 1), current_end))
    for start, end in halves:
        data.decisions.append(
            (ids.next("decision"), client_id, "fk", start, end, weekly, double_hours, "1/4", "1/7", "")
        )
    if rng.random() < 0.10:  # a municipal (LSS) decision on top
        data.decisions.append(
            (ids.next("decision"), client_id, "municipality", date(2026, 1, 1), date(2026, 12, 31),
             round(rng.uniform(5, 19), 2), 0.0, "1/4", "1/7", "Kommun")
        )  # fmt: skip


def _assistant(rng, ids, data, provider_id, kind, agreement, assistant_id) -> None:
    if rng.random() < 0.002:
        birth = date(2008, 6, 1) + timedelta(days=rng.randrange(180))  # 17 in March 2026 (E1)
    else:
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 46))
    number = unique_personal_number(birth, assistant_id, data.taken)
    data.assistants.append((assistant_id, number, f"Assistent{assistant_id}", provider_id))
    employment_id = ids.next("employment")
    start = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
    start = min(start, date(2025, 2, 1))
    if kind == "self_employer":
        regime = "household" if rng.random() < 0.9 else "atl"
    else:
        regime = "agreement" if agreement is not None else "atl"
    if regime == "agreement":
        profile = AGREEMENT_PROFILE[agreement]
    elif regime == "atl":
        profile = "atl_dygnsbryt" if rng.random() < 0.2 else "atl"
    else:
        profile = "atl"
    # Household: a 28-day chain whose periods start on 2026-02-01 and 2026-03-01.
    anchor = PERIOD_ALIGN - timedelta(days=28 * rng.randint(13, 100)) if regime == "household" else PERIOD_ALIGN
    relative = kind == "self_employer" and rng.random() < 0.3
    data.employments.append(
        (employment_id, assistant_id, provider_id, start, None, regime, anchor, profile, relative,
         relative and rng.random() < 0.5)
    )  # fmt: skip
    if regime != "household":
        months = 4 if regime == "atl" else AGREEMENT_MONTHS
        first = date(2025, 2, 1) if data.in_year_group else PERIOD_ALIGN
        for period_start, period_end in _period_chain(first, months, MONTH_END):
            data.periods.append((ids.next("period"), employment_id, max(period_start, start), period_end))
    if rng.random() < 0.02:  # hours at another employer (W3)
        data.external.append((ids.next("external"), assistant_id, date(2026, 3, 1), date(2026, 3, 31),
                              rng.randint(10, 60) * 60))  # fmt: skip


def _schedule(rng, ids, data, provider_id, client_plans, teams, capacity) -> None:
    """Day by day, client by client: cut the day into slots and give each slot
    to the team member with the lowest load who is free and rested."""
    first_day = YEAR_HISTORY_START if data.in_year_group else HISTORY_START
    busy: dict[int, list[tuple[int, int]]] = {a: [] for a in capacity}
    load: dict[int, float] = dict.fromkeys(capacity, 0.0)
    month_start_min = local_epoch_minute(MONTH_START, 0)
    stats = data.stats
    for day in daterange(first_day, MONTH_END):
        weekend = day.weekday() >= 5
        for client_id, pattern, double, jitter in client_plans:
            slots = pattern.weekend if weekend else pattern.weekday
            if double:
                slots = slots + DOUBLE
            if slots and rng.random() < 0.02:  # the client is away for one slot
                slots = slots[1:]
            team = teams[client_id]
            for slot_start, slot_end, changes in slots:
                start = local_epoch_minute(day, slot_start + jitter)
                end = local_epoch_minute(day, slot_end + jitter)
                quick = rng.random() < 0.01
                chosen = _choose(team, busy, load, capacity, start, end, quick=quick)
                if chosen is None:
                    stats["uncovered"] += 1
                    continue
                bisect.insort(busy[chosen], (start, end))
                load[chosen] += (end - start) / capacity[chosen]
                if changes:
                    segments = [[0, "active"]] + [
                        [local_epoch_minute(day, minute + jitter) - start, kind] for minute, kind in changes
                    ]
                    segments_json = json.dumps(segments)
                else:
                    segments_json = "[]"
                in_month = start >= month_start_min
                status = "planned" if in_month else "approved"
                is_double = double and (slot_start, slot_end, changes) == DOUBLE[0]
                data.shifts.append(
                    (ids.next("shift"), provider_id, chosen, client_id, start, end, "active", segments_json,
                     is_double, status)
                )  # fmt: skip
                if in_month:
                    stats["month_shifts"] += 1
                    stats["month_minutes"] += end - start
                    stats["month_pass24"] += end - start >= 23 * H
                else:
                    stats["history_shifts"] += 1
                stats["quick_choices"] += quick


QUICK_RETURN = (6 * 60, MIN_REST)  # rest of 6-11 h before the shift: a deliberate quick return


def _choose(team, busy, load, capacity, start, end, *, quick) -> int | None:
    """The least-loaded free and rested (11 h both sides) member. With ``quick``,
    a free member whose last shift ended 6-11 h before (a quick return), if any.
    Without a rested member, the least-loaded free one (rest rules will fire)."""
    best = fallback = returning = None
    best_load = fallback_load = float("inf")
    for assistant_id in team:
        intervals = busy[assistant_id]
        position = bisect.bisect_left(intervals, (start, end))
        before = intervals[position - 1][1] if position else None
        after = intervals[position][0] if position < len(intervals) else None
        if (before is not None and before > start) or (after is not None and after < end):
            continue  # would overlap (H1)
        current = load[assistant_id]
        if quick and before is not None and QUICK_RETURN[0] <= start - before < QUICK_RETURN[1]:
            returning = assistant_id
        rested = (before is None or start - before >= MIN_REST) and (after is None or after - end >= MIN_REST)
        if rested:
            if current < best_load:
                best, best_load = assistant_id, current
        elif current < fallback_load and (before is None or start - before > 0):
            fallback, fallback_load = assistant_id, current  # free, not rested, not adjacent
    if returning is not None:
        return returning
    return best if best is not None else fallback


def epoch_minute_text(minute: int, _cache: dict = {}) -> str:  # noqa: B006 - a deliberate memo
    text = _cache.get(minute)
    if text is None:
        text = datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%d %H:%M:00+00")
        _cache[minute] = text
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the benchmark world and print its statistics.")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=0.01)
    args = parser.parse_args(argv)
    began = timer.perf_counter()
    totals: Counter = Counter()
    kinds: Counter = Counter()
    regimes: Counter = Counter()
    for data in generate(seed=args.seed, scale=args.scale):
        totals.update(data.stats)
        kinds[data.provider[3]] += 1
        totals["clients"] += len(data.clients)
        totals["assistants"] += len(data.assistants)
        totals["decisions"] += len(data.decisions)
        totals["year_group_assistants"] += len(data.assistants) if data.in_year_group else 0
        regimes.update(e[5] for e in data.employments)
    elapsed = timer.perf_counter() - began
    month = totals["month_shifts"] or 1
    print(f"seed {args.seed} scale {args.scale}: generated in {elapsed:.1f} s")
    print(f"providers {sum(kinds.values())} {dict(kinds)}")
    print(f"clients {totals['clients']}, assistants {totals['assistants']} {dict(regimes)}")
    print(
        f"March shifts {totals['month_shifts']}, mean {totals['month_minutes'] / month / 60:.2f} h, "
        f"24 h passes {totals['month_pass24']}, history shifts {totals['history_shifts']}, "
        f"uncovered slots {totals['uncovered']}, quick-return choices {totals['quick_choices']}"
    )
    print(f"year group assistants {totals['year_group_assistants']}, decisions {totals['decisions']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
