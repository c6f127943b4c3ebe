"""Plain data the rules engine takes and returns.

Nothing here imports Django: the adapter in ``scheduling.adapters`` turns model
rows into these frozen dataclasses, and every caller (forms, API, imports,
reports, jobs) asks the same engine.

Conventions
-----------
* Instants are timezone-aware ``datetime`` objects (any zone; the engine
  compares them as instants). Local days are days in ``Europe/Stockholm`` (T1).
* Durations are whole **minutes** (``int``). A shift's length is real elapsed
  time, so DST nights give 3 h or 5 h for 00:00-04:00 (T1).
* Calendar periods (reference periods, grant periods, notice dates) are
  ``date`` objects, both ends **inclusive**, in local days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

#: Version of the rule set; stored with every computed month (M4).
RULESET_VERSION = "2026.1"


class Kind(StrEnum):
    """Kind of time in a shift segment (aktiv tid, väntetid, beredskap)."""

    ACTIVE = "active"
    WAITING = "waiting"
    STANDBY = "standby"


class Severity(StrEnum):
    REFUSED = "refused"  # the change cannot be saved (H1, H3)
    NOT_PAYABLE = "not_payable"  # saved, but FK does not pay these hours (W, E, H2)
    WARNING = "warning"  # labour-law compliance (V rules); needs a recorded reason


class Regime(StrEnum):
    """Working-time regime of an employment (W1)."""

    HOUSEHOLD = "household"  # lag (1970:943) om arbetstid i husligt arbete
    ATL = "atl"  # arbetstidslagen, no collective agreement
    AGREEMENT = "agreement"  # collective agreement for personal assistance


class Payer(StrEnum):
    FK = "fk"
    MUNICIPALITY = "municipality"


class Segment(NamedTuple):
    """A stretch of one kind of time inside a shift. A standby call-out is an
    ACTIVE segment inside the standby (V1: the call-out is work).

    Shifts and segments are named tuples rather than frozen dataclasses: a
    national month has millions of them, and a tuple is built three times
    faster. They are just as immutable."""

    start: datetime
    end: datetime
    kind: Kind = Kind.ACTIVE


class Shift(NamedTuple):
    """One continuous stretch of work by one assistant for one client (pass).

    ``segments`` are consecutive, sorted, and cover ``[start, end)`` exactly.
    """

    id: int | str
    assistant_id: int | str
    client_id: int | str
    segments: tuple[Segment, ...]
    double: bool = False  # entered as double assistance (H2)

    @property
    def start(self) -> datetime:
        return self.segments[0].start

    @property
    def end(self) -> datetime:
        return self.segments[-1].end


@dataclass(frozen=True, slots=True)
class ReferencePeriod:
    """A working-time reference period (beräkningsperiod), inclusive local days."""

    start: date
    end: date


@dataclass(frozen=True, slots=True)
class RestProfile:
    """Rest rules of an employment from ``valid_from`` on (V1-V3). All minutes."""

    code: str
    valid_from: date = date(2000, 1, 1)
    min_daily_rest: int = 11 * 60
    #: None: rolling reading (the 24 h that start when a work block starts);
    #: a time: fixed day boundary (dygnsbryt), the rest must fall inside each day.
    day_boundary: time | None = None
    #: Vårdföretagarna: rest may go down to this if the average over
    #: ``averaging_days`` stays at least ``min_daily_rest``.
    reduced_daily_rest: int | None = None
    averaging_days: int | None = None
    #: PAN: longest continuous work incl. waiting time; longer only with a
    #: recorded exception, up to ``max_continuous_with_exception``, followed by
    #: at least ``rest_after_exception`` of rest.
    max_continuous_work: int | None = None
    max_continuous_with_exception: int | None = None
    rest_after_exception: int | None = None
    min_weekly_rest: int = 36 * 60
    week_start_weekday: int = 0  # Monday
    week_start_time: time = time(0, 0)


@dataclass(frozen=True, slots=True)
class ExternalHours:
    """Hours the assistant declares from other employers in a period (W3)."""

    start: date
    end: date
    minutes: int


@dataclass(frozen=True, slots=True)
class Employment:
    id: int | str
    assistant_id: int | str
    start: date
    end: date | None
    regime: Regime
    #: Household: first day of the fixed 28-day chain. ATL/agreement: used
    #: only when no periods are declared (then calendar months from here).
    anchor: date
    declared_periods: tuple[ReferencePeriod, ...] = ()
    #: Longest allowed reference period in months: 4 for ATL, the agreement's
    #: maximum (6 typical, never above 12) for a collective agreement.
    max_period_months: int = 4
    #: Weekly average cap in minutes; None takes the regime default from
    #: RuleSettings (52 h household, 48 h otherwise).
    weekly_cap: int | None = None
    #: Versioned by valid_from; the newest one not after the day applies.
    rest_profiles: tuple[RestProfile, ...] = ()


@dataclass(frozen=True, slots=True)
class Assistant:
    id: int | str
    #: From the personnummer; for a samordningsnummer the day minus 60 (E1).
    birth_date: date | None
    employments: tuple[Employment, ...] = ()
    external_hours: tuple[ExternalHours, ...] = ()


@dataclass(frozen=True, slots=True)
class Assignment:
    """The assistant may work for the client; FK got the notice (FK 3066) on
    ``notified_on`` (E2). None means FK has not been told."""

    assistant_id: int | str
    client_id: int | str
    start: date
    end: date | None = None
    notified_on: date | None = None


@dataclass(frozen=True, slots=True)
class Absence:
    """The client is in hospital, an institution, school or daily activity (E3)."""

    client_id: int | str
    start: datetime
    end: datetime
    kind: str = "hospital"
    exception: bool = False  # särskilda skäl recorded: hours stay payable


@dataclass(frozen=True, slots=True)
class Grant:
    """A decision (beslut) as the engine needs it (G1-G4, H2)."""

    id: int | str
    client_id: int | str
    payer: Payer
    start: date
    end: date
    weekly_minutes: int
    double_weekly_minutes: int = 0
    wait_factor: str = "0.25"  # kept as text: the engine converts with Fraction
    standby_factor: str = "1/7"


@dataclass(frozen=True, slots=True)
class Permit:
    """IVO permit validity (E4); ``end`` None is open-ended."""

    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class RuleException:
    """A recorded reason to accept a rule break (V4) or a PAN 24 h exception.

    Matches findings with the same ``code`` that involve ``shift_id``.
    """

    code: str
    shift_id: int | str
    reason: str
    recorded_by: str = ""
    compensatory_rest: str = ""


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Parameters marked [ours] or [practice] in RULES.md, all configurable."""

    household_weekly_cap: int = 52 * 60
    default_weekly_cap: int = 48 * 60
    household_period_days: int = 28
    max_shift_minutes: int = 26 * 60  # H3
    adult_age: int = 18  # E1
    #: W2 (RULES.md §10, open question): False keeps the cap exact (weekly ×
    #: days / 7 minutes; payable whole minutes = floor); True rounds it up to
    #: whole hours first (one court case used 213 h for a 31-day ATL month).
    round_cap_up_to_hour: bool = False


@dataclass(frozen=True, slots=True)
class Provider:
    requires_permit: bool = True  # private companies need an IVO permit (E4)
    permits: tuple[Permit, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckInput:
    """Everything the engine may look at. Shifts of many assistants and clients
    may be mixed; the engine groups them itself."""

    shifts: tuple[Shift, ...]
    assistants: dict[int | str, Assistant] = field(default_factory=dict)
    assignments: tuple[Assignment, ...] = ()
    absences: tuple[Absence, ...] = ()
    grants: tuple[Grant, ...] = ()
    provider: Provider = Provider(requires_permit=False)
    exceptions: tuple[RuleException, ...] = ()
    settings: RuleSettings = RuleSettings()


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the engine found. ``message`` and ``hint`` are Swedish, for
    users; ``message_en`` and ``hint_en`` say the same in English for the
    English UI and API (and logs). ``message_en`` ends with the rule code in
    parentheses, e.g. "(H1)"."""

    code: str  # stable rule code from RULES.md: "H1", "W4", "V1", "E2" ...
    severity: Severity
    shift_ids: tuple[int | str, ...]
    assistant_id: int | str | None
    client_id: int | str | None
    start: datetime  # the affected span
    end: datetime
    minutes: int  # minutes affected (not payable, or in breach)
    message: str
    hint: str
    message_en: str
    accepted: bool = False  # a RuleException was recorded; stays visible (V4)
    exception_reason: str = ""
    #: False: no recorded exception can accept this finding, so the engine's
    #: V4 step must leave it unaccepted (PAN: a pass over 24 h even with the
    #: recorded 24 h exception).
    exception_allowed: bool = True
    hint_en: str = ""


def shift_finding(
    code: str,
    severity: Severity,
    shift: Shift,
    start: datetime,
    end: datetime,
    minutes: int,
    *,
    message: str,
    hint: str,
    message_en: str,
    hint_en: str = "",
) -> Finding:
    """A finding about ``[start, end)`` of one shift, attributed to that
    shift's assistant and client (most rules' findings are of this shape)."""
    return Finding(
        code=code,
        severity=severity,
        shift_ids=(shift.id,),
        assistant_id=shift.assistant_id,
        client_id=shift.client_id,
        start=start,
        end=end,
        minutes=minutes,
        message=message,
        hint=hint,
        message_en=message_en,
        hint_en=hint_en,
    )
