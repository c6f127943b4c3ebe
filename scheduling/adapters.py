"""The one adapter between the database and the pure rules engine.

Rows are read as plain tuples (``values_list`` or raw SQL, never model
instances on hot paths) and turned into the engine's frozen dataclasses. The
recording service, the file import/check commands, the monthly reports and
the benchmark all build their ``CheckInput`` here.
"""

from __future__ import annotations

import dataclasses
import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Q

from assistans import identity
from assistans.models import (
    Absence,
    Assignment,
    Assistant,
    Decision,
    Employment,
    ExternalHours,
    Provider,
    ReferencePeriod,
)

from . import rules
from .models import RuleException, Shift
from .rules import model as m
from .rules.rest import PROFILES
from .rules.timeutil import local_midnight

#: The longest reference period any regime allows (collective agreements: 12
#: months). A changed shift can move findings this far back or ahead.
MAX_PERIOD = timedelta(days=366)
#: Rest rules look this far around a shift (the 14-day averaging window).
REST_REACH = timedelta(days=15)

SHIFT_COLUMNS = ("id", "assistant_id", "client_id", "start", "end", "kind", "segments", "double")
GRANT_COLUMNS = (
    "id",
    "client_id",
    "payer",
    "start",
    "end",
    "weekly_hours",
    "double_hours_per_week",
    "wait_factor",
    "standby_factor",
)


def rule_settings() -> m.RuleSettings:
    options = django_settings.ASSISTANSTID
    return m.RuleSettings(max_shift_minutes=int(options["MAX_SHIFT_HOURS"]) * 60)


_KINDS = {kind.value: kind for kind in m.Kind}


def to_rule_shift(row: tuple) -> m.Shift:
    """(id, assistant_id, client_id, start, end, kind, segments, double) -> rules.Shift.

    ``segments`` is the JSON list, or its text as a raw cursor returns jsonb."""
    shift_id, assistant_id, client_id, start, end, kind, segments, double = row
    if segments and segments.__class__ is str:
        segments = json.loads(segments) if segments != "[]" else None
    if not segments:
        return m.Shift(shift_id, assistant_id, client_id, (m.Segment(start, end, _KINDS[kind]),), bool(double))
    pieces = []
    for index, (offset, part_kind) in enumerate(segments):
        begin = start + timedelta(minutes=offset)
        finish = start + timedelta(minutes=segments[index + 1][0]) if index + 1 < len(segments) else end
        pieces.append(m.Segment(begin, finish, _KINDS[part_kind]))
    return m.Shift(shift_id, assistant_id, client_id, tuple(pieces), bool(double))


@lru_cache(maxsize=65536)
def _birth_date(personal_number: str) -> date | None:
    try:
        return identity.birth_date_of(personal_number)
    except identity.InvalidNumber:
        return None


def _rest_profiles(code: str, valid_from: date) -> tuple[m.RestProfile, ...]:
    return (dataclasses.replace(PROFILES.get(code, PROFILES["atl"]), valid_from=valid_from),)


def build_assistants(
    assistant_rows: Iterable[tuple],
    employment_rows: Iterable[tuple],
    period_rows: Iterable[tuple],
    external_rows: Iterable[tuple],
) -> dict:
    """assistant_rows: (id, personal_number); employment_rows: (id, assistant_id,
    start, end, regime, anchor, rest_profile, agreement_max_months);
    period_rows: (employment_id, start, end); external_rows: (assistant_id, start, end, minutes)."""
    periods: dict = defaultdict(list)
    for employment_id, start, end in period_rows:
        periods[employment_id].append(m.ReferencePeriod(start, end))
    employments: dict = defaultdict(list)
    for emp_id, assistant_id, start, end, regime, anchor, rest_profile, agreement_months in employment_rows:
        if regime == m.Regime.AGREEMENT:
            max_months = min(int(agreement_months or 6), 12)
        elif regime == m.Regime.ATL:
            max_months = 4
        else:
            max_months = 1
        employments[assistant_id].append(
            m.Employment(
                id=emp_id,
                assistant_id=assistant_id,
                start=start,
                end=end,
                regime=m.Regime(regime),
                anchor=anchor,
                declared_periods=tuple(sorted(periods.get(emp_id, ()), key=lambda p: p.start)),
                max_period_months=max_months,
                rest_profiles=_rest_profiles(rest_profile, start),
            )
        )
    external: dict = defaultdict(list)
    for assistant_id, start, end, minutes in external_rows:
        external[assistant_id].append(m.ExternalHours(start, end, minutes))
    return {
        assistant_id: m.Assistant(
            id=assistant_id,
            birth_date=_birth_date(personal_number),
            employments=tuple(sorted(employments.get(assistant_id, ()), key=lambda e: e.start)),
            external_hours=tuple(external.get(assistant_id, ())),
        )
        for assistant_id, personal_number in assistant_rows
    }


def to_grant(row: tuple) -> m.Grant:
    """(id, client_id, payer, start, end, weekly_hours, double_hours, wait_factor, standby_factor)."""
    decision_id, client_id, payer, start, end, weekly, double, wait, standby = row
    return m.Grant(
        id=decision_id,
        client_id=client_id,
        payer=m.Payer(payer),
        start=start,
        end=end,
        weekly_minutes=int(weekly * 60),
        double_weekly_minutes=int(double * 60),
        wait_factor=wait,
        standby_factor=standby,
    )


def decision_to_grant(decision: Decision) -> m.Grant:
    return to_grant(tuple(getattr(decision, "pk" if name == "id" else name) for name in GRANT_COLUMNS))


def _provider_input(provider: Provider, permit_rows: Iterable[tuple]) -> m.Provider:
    """permit_rows: (valid_from, valid_until)."""
    return m.Provider(requires_permit=provider.requires_permit, permits=tuple(m.Permit(*row) for row in permit_rows))


def _exceptions(shifts: Iterable[m.Shift]) -> tuple[m.RuleException, ...]:
    """The recorded rule exceptions (V4) of the saved shifts among ``shifts``;
    unsaved ones (a change being checked, rows of a file) have text ids."""
    saved_ids = [s.id for s in shifts if isinstance(s.id, int)]
    return tuple(
        m.RuleException(code, shift_id, reason, "", rest)
        for shift_id, code, reason, rest in RuleException.objects.filter(shift_id__in=saved_ids).values_list(
            "shift_id", "code", "reason", "compensatory_rest"
        )
    )


# --- ORM path: one assistant's window, for the recording service -----------


def window_check_input(
    *,
    provider: Provider,
    assistant_id: int,
    client_id: int,
    start: datetime,
    end: datetime,
    extra_shifts: Iterable[m.Shift] = (),
    exclude_shift_ids: Iterable[int] = (),
) -> tuple[m.CheckInput, set, set]:
    """Everything the engine needs to judge a change of ``[start, end)`` for one
    assistant and client, plus ``extra_shifts`` (the change itself).

    The window is the reference period(s) the change falls in, as the engine
    computes them, widened by the rest rules' reach. Returns ``(input,
    own_ids, client_ids)``: the assistant's shifts whose findings this check
    decides in full (those inside the window; the ones loaded only as context
    around it keep theirs), and the client's other shifts around the change,
    whose double-assistance (H2) findings it decides. The exact consumption of
    a double-assistance grant over its whole period is settled by the monthly
    report, which checks the whole month at once."""
    excluded = set(exclude_shift_ids)
    context_start, context_end = start - MAX_PERIOD - REST_REACH, end + MAX_PERIOD + REST_REACH
    registry = _registry_rows(provider, assistant_id, client_id, start, end, context_start, context_end)
    assistants = build_assistants(
        registry["assistants"], registry["employments"], registry["periods"], registry["external"]
    )
    low, high = _affected_window(assistants, assistant_id, start, end)
    near_start, near_end = start - timedelta(days=1), end + timedelta(days=1)
    rows = list(
        Shift.objects.filter(
            Q(assistant_id=assistant_id, start__lt=high + REST_REACH, end__gt=low - REST_REACH)
            | Q(client_id=client_id, start__lt=near_end, end__gt=near_start)
        )
        .exclude(pk__in=excluded)
        .values_list(*SHIFT_COLUMNS)
    )
    # The client clause's window lies inside the assistant's, so every row of
    # the assistant is inside the context window.
    own_rows = [row for row in rows if row[1] == assistant_id]
    client_rows = [row for row in rows if row[1] != assistant_id]
    extra = list(extra_shifts)
    shifts = [to_rule_shift(row) for row in own_rows] + [to_rule_shift(row) for row in client_rows] + extra
    # The client's other assistants are here only for double assistance
    # (H2), which needs no registry data of theirs; their own rules are
    # checked when their shifts change.
    inp = m.CheckInput(
        shifts=tuple(shifts),
        assistants=assistants,
        assignments=tuple(m.Assignment(*row) for row in registry["assignments"]),
        absences=tuple(m.Absence(*row) for row in registry["absences"]),
        grants=tuple(to_grant(row) for row in registry["grants"]),
        provider=_provider_input(provider, registry["permits"]),
        exceptions=_exceptions(shifts),
        settings=rule_settings(),
    )
    own_ids = {row[0] for row in own_rows if row[3] < high and row[4] > low} | {s.id for s in extra}
    return inp, own_ids, {row[0] for row in client_rows}


#: One round trip for the registry part of a single change's input
#: (PostgreSQL): each sub-select returns the rows the ORM queries below would.
_REGISTRY_SQL = """
SELECT
 (SELECT COALESCE(json_agg(json_build_array(a.id, a.personal_number)), '[]')
    FROM assistans_assistant a WHERE a.id = %(assistant)s),
 (SELECT COALESCE(json_agg(json_build_array(e.id, e.assistant_id, e.start, e."end", e.regime, e.period_anchor,
         e.rest_profile, ca.max_period_months)), '[]')
    FROM assistans_employment e JOIN assistans_provider p ON p.id = e.employer_id
    LEFT JOIN assistans_collectiveagreement ca ON ca.id = p.collective_agreement_id
    WHERE e.assistant_id = %(assistant)s),
 (SELECT COALESCE(json_agg(json_build_array(r.employment_id, r.start, r."end")), '[]')
    FROM assistans_referenceperiod r JOIN assistans_employment e ON e.id = r.employment_id
    WHERE e.assistant_id = %(assistant)s),
 (SELECT COALESCE(json_agg(json_build_array(x.assistant_id, x.start, x."end", x.minutes)), '[]')
    FROM assistans_externalhours x WHERE x.assistant_id = %(assistant)s),
 (SELECT COALESCE(json_agg(json_build_array(g.assistant_id, g.client_id, g.start, g."end", g.fk_notified_on)), '[]')
    FROM assistans_assignment g WHERE g.assistant_id = %(assistant)s),
 (SELECT COALESCE(json_agg(json_build_array(b.client_id, b.start, b."end", b.kind, b.exception)), '[]')
    FROM assistans_absence b
    WHERE b.client_id = %(client)s AND b.start < %(context_end)s AND b."end" > %(context_start)s),
 (SELECT COALESCE(json_agg(json_build_array(d.id, d.client_id, d.payer, d.start, d."end",
         CAST(d.weekly_hours AS text), CAST(d.double_hours_per_week AS text), d.wait_factor, d.standby_factor)), '[]')
    FROM assistans_decision d WHERE d.client_id = %(client)s AND d.start <= %(end_day)s AND d."end" >= %(start_day)s),
 (SELECT COALESCE(json_agg(json_build_array(t.valid_from, t.valid_until)), '[]')
    FROM assistans_permit t WHERE t.provider_id = %(provider)s)
"""
_REGISTRY_PARTS = ("assistants", "employments", "periods", "external", "assignments", "absences", "grants", "permits")


def _day(value):
    return date.fromisoformat(value) if value else None


def _instant_text(value):
    return datetime.fromisoformat(value)


def _registry_rows(provider, assistant_id, client_id, start, end, context_start, context_end) -> dict:
    """The registry rows one change needs, as tuples shaped like the ORM's
    ``values_list`` rows: one round trip on PostgreSQL, plain queries elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _REGISTRY_SQL,
                {
                    "assistant": assistant_id,
                    "client": client_id,
                    "provider": provider.pk,
                    "context_start": context_start,
                    "context_end": context_end,
                    "start_day": start.date(),
                    "end_day": end.date(),
                },
            )
            raw = dict(
                zip(
                    _REGISTRY_PARTS,
                    (json.loads(v) if isinstance(v, str) else v for v in cursor.fetchone()),
                    strict=True,
                )
            )
        return {
            "assistants": [tuple(r) for r in raw["assistants"]],
            "employments": [
                (i, a, _day(s), _day(e), regime, _day(anchor), rest, months)
                for i, a, s, e, regime, anchor, rest, months in raw["employments"]
            ],
            "periods": [(i, _day(s), _day(e)) for i, s, e in raw["periods"]],
            "external": [(a, _day(s), _day(e), n) for a, s, e, n in raw["external"]],
            "assignments": [(a, c, _day(s), _day(e), _day(n)) for a, c, s, e, n in raw["assignments"]],
            "absences": [(c, _instant_text(s), _instant_text(e), k, x) for c, s, e, k, x in raw["absences"]],
            "grants": [
                (i, c, payer, _day(s), _day(e), Decimal(w), Decimal(dbl), wf, sf)
                for i, c, payer, s, e, w, dbl, wf, sf in raw["grants"]
            ],
            "permits": [(_day(s), _day(e)) for s, e in raw["permits"]],
        }
    return {
        "assistants": list(Assistant.objects.filter(pk=assistant_id).values_list("id", "personal_number")),
        "employments": list(Employment.objects.filter(assistant_id=assistant_id).values_list(*EMPLOYMENT_COLUMNS)),
        "periods": list(
            ReferencePeriod.objects.filter(employment__assistant_id=assistant_id).values_list(
                "employment_id", "start", "end"
            )
        ),
        "external": list(
            ExternalHours.objects.filter(assistant_id=assistant_id).values_list(
                "assistant_id", "start", "end", "minutes"
            )
        ),
        "assignments": list(
            Assignment.objects.filter(assistant_id=assistant_id).values_list(
                "assistant_id", "client_id", "start", "end", "fk_notified_on"
            )
        ),
        "absences": list(
            Absence.objects.filter(client_id=client_id, start__lt=context_end, end__gt=context_start).values_list(
                "client_id", "start", "end", "kind", "exception"
            )
        ),
        "grants": list(
            Decision.objects.filter(client_id=client_id, start__lte=end.date(), end__gte=start.date()).values_list(
                *GRANT_COLUMNS
            )
        ),
        "permits": list(provider.permits.values_list("valid_from", "valid_until")),
    }


def _affected_window(assistants: dict, assistant_id, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The span whose findings a change of ``[start, end)`` can move: the
    reference periods it touches (from the engine) and the rest rules' reach."""
    probe = m.CheckInput(shifts=(), assistants=assistants, settings=rule_settings())
    low, high = start - REST_REACH, end + REST_REACH
    for instant in (start, end - timedelta(minutes=1)):
        status = rules.remaining(probe, assistant_id, instant)
        if status is not None:
            low = min(low, local_midnight(status.period.start))
            high = max(high, local_midnight(status.period.end + timedelta(days=1)))
    return low, high


EMPLOYMENT_COLUMNS = (
    "id",
    "assistant_id",
    "start",
    "end",
    "regime",
    "period_anchor",
    "rest_profile",
    "employer__collective_agreement__max_period_months",
)


def _assistants(assistant_ids: set) -> dict:
    return build_assistants(
        Assistant.objects.filter(pk__in=assistant_ids).values_list("id", "personal_number"),
        Employment.objects.filter(assistant_id__in=assistant_ids).values_list(*EMPLOYMENT_COLUMNS),
        ReferencePeriod.objects.filter(employment__assistant_id__in=assistant_ids).values_list(
            "employment_id", "start", "end"
        ),
        ExternalHours.objects.filter(assistant_id__in=assistant_ids).values_list(
            "assistant_id", "start", "end", "minutes"
        ),
    )


def _registry_input(provider, shifts, assistants: dict, client_ids, window_start, window_end, grants) -> m.CheckInput:
    assistant_ids = set(assistants)
    assignments = tuple(
        m.Assignment(a, c, s, e, n)
        for a, c, s, e, n in Assignment.objects.filter(
            assistant_id__in=assistant_ids, client_id__in=client_ids | {s.client_id for s in shifts}
        ).values_list("assistant_id", "client_id", "start", "end", "fk_notified_on")
    )
    absences = tuple(
        m.Absence(c, s, e, k, x)
        for c, s, e, k, x in Absence.objects.filter(
            client_id__in=client_ids | {s.client_id for s in shifts}, start__lt=window_end, end__gt=window_start
        ).values_list("client_id", "start", "end", "kind", "exception")
    )
    return m.CheckInput(
        shifts=tuple(shifts),
        assistants=assistants,
        assignments=assignments,
        absences=absences,
        grants=tuple(grants),
        provider=_provider_input(provider, provider.permits.values_list("valid_from", "valid_until")),
        exceptions=_exceptions(shifts),
        settings=rule_settings(),
    )


def provider_check_input(*, provider: Provider, start: datetime, end: datetime, shifts: Iterable[m.Shift] = ()):
    """A whole provider over ``[start, end)`` (plus reference-period history),
    with ``shifts`` added: used to check a schedule file without saving it."""
    history_start = start - MAX_PERIOD
    rows = list(
        Shift.objects.filter(provider=provider, start__lt=end, end__gt=history_start).values_list(*SHIFT_COLUMNS)
    )
    all_shifts = [to_rule_shift(row) for row in rows] + list(shifts)
    client_ids = {s.client_id for s in all_shifts}
    grants = [to_grant(row) for row in Decision.objects.filter(client_id__in=client_ids).values_list(*GRANT_COLUMNS)]
    assistants = _assistants({s.assistant_id for s in all_shifts})
    return _registry_input(provider, all_shifts, assistants, client_ids, history_start, end, grants)


# --- Raw SQL path: whole providers in bulk (monthly reports, benchmark) ----


def bulk_check_inputs(
    connection, *, start: datetime, end: datetime, history_days: int = 200, provider_ids: list[int] | None = None
) -> Iterator[m.CheckInput]:
    """PostgreSQL only. One CheckInput per provider with shifts in ``[start, end)``, loading
    ``history_days`` before ``start`` for the reference periods. Uses one
    cursor per table and plain tuples: the ORM's per-row cost would dominate."""
    history_start = start - timedelta(days=history_days)
    shift_rows = _bulk_shift_rows(connection, history_start, end, provider_ids)
    # Every registry query below is limited to the providers asked for.
    params = {
        "providers": list(provider_ids or []),
        "end": end,
        "history_start": history_start,
        "end_day": end.date(),
        "history_day": history_start.date(),
    }

    def only(column: str) -> str:
        return "" if provider_ids is None else f" AND {column} = ANY(%(providers)s)"

    queries = {
        "assistants": "SELECT id, provider_id, personal_number FROM assistans_assistant WHERE TRUE"
        + only("provider_id"),
        "employments": 'SELECT e.id, e.assistant_id, e.start, e."end", e.regime, e.period_anchor, e.rest_profile, '
        "ca.max_period_months FROM assistans_employment e JOIN assistans_provider p ON p.id = e.employer_id "
        "LEFT JOIN assistans_collectiveagreement ca ON ca.id = p.collective_agreement_id WHERE TRUE" + only("p.id"),
        "periods": 'SELECT r.employment_id, r.start, r."end" FROM assistans_referenceperiod r '
        "JOIN assistans_employment e ON e.id = r.employment_id WHERE TRUE" + only("e.employer_id"),
        "external": 'SELECT x.assistant_id, x.start, x."end", x.minutes FROM assistans_externalhours x '
        "JOIN assistans_assistant a ON a.id = x.assistant_id WHERE TRUE" + only("a.provider_id"),
        "assignments": 'SELECT a.assistant_id, a.client_id, a.start, a."end", a.fk_notified_on, c.provider_id '
        "FROM assistans_assignment a JOIN assistans_client c ON c.id = a.client_id WHERE TRUE" + only("c.provider_id"),
        "decisions": 'SELECT d.id, d.client_id, d.payer, d.start, d."end", d.weekly_hours, d.double_hours_per_week, '
        "d.wait_factor, d.standby_factor, c.provider_id FROM assistans_decision d "
        'JOIN assistans_client c ON c.id = d.client_id WHERE d.start <= %(end_day)s AND d."end" >= %(history_day)s'
        + only("c.provider_id"),
        "absences": 'SELECT a.client_id, a.start, a."end", a.kind, a.exception, c.provider_id '
        "FROM assistans_absence a JOIN assistans_client c ON c.id = a.client_id "
        'WHERE a.start < %(end)s AND a."end" > %(history_start)s' + only("c.provider_id"),
        "providers": "SELECT id, kind FROM assistans_provider WHERE TRUE" + only("id"),
        "permits": "SELECT provider_id, valid_from, valid_until FROM assistans_permit WHERE TRUE" + only("provider_id"),
        "exceptions": "SELECT x.shift_id, x.code, x.reason, x.compensatory_rest FROM scheduling_ruleexception x "
        'JOIN scheduling_shift s ON s.id = x.shift_id WHERE s.start < %(end)s AND s."end" > %(history_start)s'
        + only("s.provider_id"),
    }
    rows = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql, params)
            rows[name] = cursor.fetchall()
    assistant_rows, employment_rows = rows["assistants"], rows["employments"]
    period_rows, external_rows = rows["periods"], rows["external"]
    assignment_rows, decision_rows, absence_rows = rows["assignments"], rows["decisions"], rows["absences"]
    provider_kinds, permit_rows, exception_rows = dict(rows["providers"]), rows["permits"], rows["exceptions"]

    assistants = build_assistants(
        ((a, pn) for a, _p, pn in assistant_rows), employment_rows, period_rows, external_rows
    )
    assistant_provider = {a: p for a, p, _pn in assistant_rows}
    by_provider: dict = defaultdict(lambda: defaultdict(list))
    for row in assignment_rows:
        by_provider[row[5]]["assignments"].append(m.Assignment(*row[:5]))
    for row in decision_rows:
        by_provider[row[9]]["grants"].append(to_grant(row[:9]))
    for row in absence_rows:
        by_provider[row[5]]["absences"].append(m.Absence(*row[:5]))
    for provider_id, valid_from, valid_until in permit_rows:
        by_provider[provider_id]["permits"].append(m.Permit(valid_from, valid_until))
    exceptions: dict = defaultdict(list)
    for shift_id, code, reason, rest in exception_rows:
        exceptions[shift_id].append(m.RuleException(code, shift_id, reason, "", rest))
    settings = rule_settings()
    requires_permit = {Provider.Kind.COMPANY, Provider.Kind.COOPERATIVE}

    for provider_id, shifts in shift_rows:
        parts = by_provider[provider_id]
        ids = {s.assistant_id for s in shifts}
        yield m.CheckInput(
            shifts=tuple(shifts),
            assistants={a: assistants[a] for a in ids if assistant_provider.get(a) == provider_id},
            assignments=tuple(parts["assignments"]),
            absences=tuple(parts["absences"]),
            grants=tuple(parts["grants"]),
            provider=m.Provider(
                requires_permit=provider_kinds.get(provider_id) in requires_permit, permits=tuple(parts["permits"])
            ),
            exceptions=tuple(x for s in shifts for x in exceptions.get(s.id, ())) if exceptions else (),
            settings=settings,
        )


@lru_cache(maxsize=1 << 18)
def _instant(epoch: int) -> datetime:
    # Shift times fall on few distinct instants (quarter hours): converting
    # each once and sharing the objects saves time and memory.
    return datetime.fromtimestamp(epoch, UTC)


def _bulk_shift_rows(
    connection, history_start: datetime, end: datetime, provider_ids: list[int] | None = None
) -> list[tuple[int, list[m.Shift]]]:
    """(provider_id, shifts) groups, read with a server-side cursor on
    PostgreSQL so the rows stream instead of sitting in memory twice.
    Instants come as epoch seconds: the ORM's timestamptz loader costs
    several microseconds a value."""
    sql = (
        "SELECT provider_id, id, assistant_id, client_id, "
        'CAST(EXTRACT(EPOCH FROM start) AS bigint), CAST(EXTRACT(EPOCH FROM "end") AS bigint), kind, '
        "CASE WHEN CAST(segments AS text) = '[]' THEN NULL ELSE CAST(segments AS text) END, double "
        'FROM scheduling_shift WHERE start < %s AND "end" > %s'
        + ("" if provider_ids is None else " AND provider_id = ANY(%s)")
        + " ORDER BY provider_id, assistant_id, start"
    )
    if connection.vendor != "postgresql":
        raise NotImplementedError("bulk_check_inputs reads PostgreSQL; use provider_check_input elsewhere")
    connection.ensure_connection()
    cursor = connection.connection.cursor(name="bulk_shift_rows", withhold=True)
    cursor.itersize = 20_000
    groups: list[tuple[int, list[m.Shift]]] = []
    current_provider, current = None, None
    instant = _instant
    try:
        cursor.execute(sql, [end, history_start] + ([list(provider_ids)] if provider_ids is not None else []))
        for provider_id, shift_id, assistant_id, client_id, start, finish, kind, segments, double in cursor:
            if provider_id != current_provider:
                current_provider, current = provider_id, []
                groups.append((provider_id, current))
            current.append(
                to_rule_shift(
                    (shift_id, assistant_id, client_id, instant(start), instant(finish), kind, segments, double)
                )
            )
    finally:
        cursor.close()
    return groups


def check(inp: m.CheckInput) -> list[m.Finding]:
    """The engine's check, named here so callers import one module."""
    return rules.check(inp)


# --- Shifts alone, for the month-end reports from stored findings ------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def epoch_micros(instant: datetime) -> int:
    """An aware instant as whole microseconds since 1970 (UTC); the inverse of
    ``instant_micros``."""
    return (instant - _EPOCH) // _MICROSECOND


@lru_cache(maxsize=1 << 18)
def instant_micros(micros: int) -> datetime:
    """The UTC instant ``micros`` microseconds after 1970, shared per value:
    shift and finding edges fall on few distinct instants."""
    return _EPOCH + timedelta(microseconds=micros)


def _segments(start: int, end: int, kind: str, segments) -> tuple[m.Segment, ...]:
    """The segments ``to_rule_shift`` builds, from instants in epoch
    microseconds and ``segments`` as JSON text (or its list, or None)."""
    if segments and segments.__class__ is str:
        segments = json.loads(segments) if segments != "[]" else None
    if not segments:
        return (m.Segment(instant_micros(start), instant_micros(end), _KINDS[kind]),)
    pieces = []
    for index, (offset, part_kind) in enumerate(segments):
        finish = start + segments[index + 1][0] * 60_000_000 if index + 1 < len(segments) else end
        pieces.append(m.Segment(instant_micros(start + offset * 60_000_000), instant_micros(finish), _KINDS[part_kind]))
    return tuple(pieces)


def report_shifts(*, provider_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, list[m.Shift]]:
    """provider id -> its shifts overlapping ``[start, end)``, equal to what
    ``to_rule_shift`` makes of the same rows (instants to the microsecond).

    The month-end reports read their shifts here when the engine's findings
    are already stored (``billing.stored_findings``): no registry rows, no
    history for the reference periods. Shifts share few distinct shapes
    (start, end, kind, segments), so each shape's segments are built once
    and shared; on PostgreSQL instants come as epoch microseconds, which
    costs far less than the timestamptz loader."""
    ids = sorted(set(provider_ids))
    groups: dict[int, list[m.Shift]] = {pk: [] for pk in ids}
    if not ids:
        return groups
    # A national month is millions of small tuples, none of them in a cycle:
    # the cyclic collector would scan them again and again while they are made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        shapes: dict = {}
        shape_of = shapes.get
        shift = m.Shift
        for provider_id, shift_id, assistant_id, client_id, begin, finish, kind, segments, double in _report_rows(
            ids, start, end
        ):
            key = (begin, finish, kind, segments if segments.__class__ is not list else json.dumps(segments))
            parts = shape_of(key)
            if parts is None:
                parts = shapes[key] = _segments(begin, finish, kind, segments)
            groups[provider_id].append(shift(shift_id, assistant_id, client_id, parts, bool(double)))
    finally:
        if collecting:
            gc.enable()
    return groups


def _report_rows(ids: list[int], start: datetime, end: datetime) -> list[tuple]:
    """(provider_id, *SHIFT_COLUMNS) with instants in epoch microseconds."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT provider_id, id, assistant_id, client_id, "
            "CAST(date_part('epoch', start) * 1000000 AS bigint), "
            "CAST(date_part('epoch', \"end\") * 1000000 AS bigint), kind, "
            "CASE WHEN segments = '[]'::jsonb THEN NULL ELSE CAST(segments AS text) END, double "
            'FROM scheduling_shift WHERE provider_id = ANY(%s) AND start < %s AND "end" > %s'
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [ids, end, start])
            return cursor.fetchall()
    return [
        (p, i, a, c, epoch_micros(s), epoch_micros(e), k, g, d)
        for p, i, a, c, s, e, k, g, d in Shift.objects.filter(
            provider_id__in=ids, start__lt=end, end__gt=start
        ).values_list("provider_id", *SHIFT_COLUMNS)
    ]


def registry_probe(assistant_ids: Iterable) -> m.CheckInput:
    """An input with the assistants' employments and reference periods and no
    shifts: enough for ``rules.remaining`` to name a reference period."""
    return m.CheckInput(shifts=(), assistants=_assistants(set(assistant_ids)), settings=rule_settings())
