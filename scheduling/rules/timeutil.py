"""Time arithmetic for the rules engine (T1-T3). Pure Python.

All instants are aware; local calendar days are days in Europe/Stockholm.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from .model import STOCKHOLM


class LocalTimeError(ValueError):
    """A local wall-clock time that cannot be turned into an instant (T2).
    ``message`` is Swedish, ``message_en`` the same in English."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en


class NonExistentTime(LocalTimeError):
    pass


class AmbiguousTime(LocalTimeError):
    pass


def minutes_between(start: datetime, end: datetime) -> int:
    """Real elapsed whole minutes from ``start`` to ``end`` (T1)."""
    return int((end - start).total_seconds()) // 60


def local_midnight(day: date) -> datetime:
    """The instant local ``day`` starts, as UTC."""
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def local_date(instant: datetime) -> date:
    return instant.astimezone(STOCKHOLM).date()


def next_month(month: date) -> date:
    """The first day of the month after ``month``'s."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def split_by_local_day(start: datetime, end: datetime) -> Iterator[tuple[date, datetime, datetime]]:
    """Yield ``(local_day, piece_start, piece_end)`` pieces of ``[start, end)``
    cut at local midnights (T3). Month and year splits follow from the day."""
    day = local_date(start)
    cursor = start
    while cursor < end:
        next_midnight = local_midnight(day + timedelta(days=1))
        piece_end = min(end, next_midnight)
        yield day, cursor, piece_end
        cursor = piece_end
        day = day + timedelta(days=1)


def make_aware(day: date, clock: time, *, fold: int | None = None) -> datetime:
    """Turn a local wall-clock time into an aware instant (T2).

    A time skipped by the spring DST change is refused. A time that occurs
    twice in the autumn needs ``fold`` (0: the first, summer time; 1: the
    second, winter time); without it the time is refused, never guessed.
    """
    naive = datetime.combine(day, clock)
    first = naive.replace(tzinfo=STOCKHOLM, fold=0)
    second = naive.replace(tzinfo=STOCKHOLM, fold=1)
    # A wall time exists iff it survives a round trip through UTC.
    back = first.astimezone(UTC).astimezone(STOCKHOLM).replace(tzinfo=None)
    if back != naive:
        raise NonExistentTime(
            "T2",
            f"Klockan {clock:%H:%M} den {day:%Y-%m-%d} finns inte: klockan ställs fram en "
            f"timme den natten (sommartid). Ange en tid före 02:00 eller från 03:00.",
            f"The time {clock:%H:%M} on {day:%Y-%m-%d} does not exist: the clocks go forward one hour "
            f"that night (summer time). Enter a time before 02:00 or from 03:00.",
        )
    if first.utcoffset() != second.utcoffset():
        if fold is None:
            raise AmbiguousTime(
                "T2",
                f"Klockan {clock:%H:%M} den {day:%Y-%m-%d} inträffar två gånger: klockan ställs "
                f"tillbaka en timme den natten. Ange om du menar första gången (sommartid, +02:00) "
                f"eller andra gången (vintertid, +01:00).",
                f"The time {clock:%H:%M} on {day:%Y-%m-%d} occurs twice: the clocks go back one hour "
                f"that night. State whether you mean the first time (summer time, +02:00) "
                f"or the second time (winter time, +01:00).",
            )
        return (second if fold else first).astimezone(UTC)
    return first.astimezone(UTC)


def fmt_minutes(minutes: int) -> str:
    """Swedish display of a duration: ``2 h 17 min``, ``8 h``, ``45 min``."""
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    if hours and mins:
        return f"{sign}{hours} h {mins} min"
    if hours:
        return f"{sign}{hours} h"
    return f"{sign}{mins} min"


def fmt_local(instant: datetime) -> str:
    """Swedish display of an instant in local time: ``2026-03-05 14:00``."""
    return instant.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
