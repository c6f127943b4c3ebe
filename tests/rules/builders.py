"""Small builders for pure rules-engine tests (no Django).

Times are written as local Stockholm wall-clock text, ``"YYYY-MM-DD HH:MM"``,
and turned into aware instants with ``timeutil.make_aware`` (so a time in the
spring DST gap is refused and an autumn double hour needs ``fold``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from scheduling.rules.model import (
    Assignment,
    Assistant,
    Employment,
    ExternalHours,
    Kind,
    ReferencePeriod,
    Regime,
    Segment,
    Shift,
)
from scheduling.rules.timeutil import make_aware


def day(text: str) -> date:
    """``"2026-03-05"`` -> ``date(2026, 3, 5)``."""
    return date.fromisoformat(text)


def at(text: str, fold: int | None = None) -> datetime:
    """``"2026-03-05 14:00"`` local Stockholm time -> aware instant (UTC)."""
    day_text, clock_text = text.split(" ")
    return make_aware(date.fromisoformat(day_text), time.fromisoformat(clock_text), fold=fold)


def _instant(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else at(value)


def shift(
    id: int | str,
    assistant: int | str,
    client: int | str,
    start_text: str | datetime,
    end_text: str | datetime,
    kind: Kind = Kind.ACTIVE,
    double: bool = False,
) -> Shift:
    """One shift of a single kind. Start/end may be text or aware datetimes
    (use ``at(text, fold=...)`` for the autumn double hour)."""
    segment = Segment(_instant(start_text), _instant(end_text), kind)
    return Shift(id=id, assistant_id=assistant, client_id=client, segments=(segment,), double=double)


def segmented(
    id: int | str,
    assistant: int | str,
    client: int | str,
    parts: Iterable[tuple[str | datetime, str | datetime, Kind]],
    double: bool = False,
) -> Shift:
    """A shift made of consecutive segments ``[(start, end, kind), ...]``."""
    segments = tuple(Segment(_instant(s), _instant(e), k) for s, e, k in parts)
    return Shift(id=id, assistant_id=assistant, client_id=client, segments=segments, double=double)


def employment(
    assistant: int | str,
    regime: Regime = Regime.ATL,
    start: str = "2020-01-01",
    end: str | None = None,
    *,
    id: int | str | None = None,
    anchor: str | None = None,
    periods: Iterable[tuple[str, str]] = (),
    max_months: int | None = None,
    weekly_cap: int | None = None,
) -> Employment:
    """An employment; ``periods`` are declared reference periods as date text pairs."""
    return Employment(
        id=id if id is not None else f"e-{assistant}-{start}",
        assistant_id=assistant,
        start=day(start),
        end=day(end) if end else None,
        regime=regime,
        anchor=day(anchor or start),
        declared_periods=tuple(ReferencePeriod(day(a), day(b)) for a, b in periods),
        max_period_months=max_months if max_months is not None else (4 if regime == Regime.ATL else 6),
        weekly_cap=weekly_cap,
    )


def assistant(
    id: int | str,
    *employments: Employment,
    born: str | None = "1990-01-01",
    external: Iterable[tuple[str, str, int]] = (),
) -> Assistant:
    """An assistant; without employments, one open-ended ATL employment from 2020."""
    return Assistant(
        id=id,
        birth_date=day(born) if born else None,
        employments=employments or (employment(id),),
        external_hours=tuple(ExternalHours(day(a), day(b), minutes) for a, b, minutes in external),
    )


def assigned(assistant: int | str, client: int | str, start: str = "2020-01-01", notified: str | None = "2020-01-01"):
    """The assistant is assigned to the client from ``start`` and FK was told on ``notified``."""
    return Assignment(assistant, client, day(start), None, day(notified) if notified else None)


def hours(h: int, m: int = 0) -> int:
    """Minutes in ``h`` hours and ``m`` minutes."""
    return h * 60 + m
