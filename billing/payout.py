"""FK's payout cycle and the reporting deadline (P1-P3). Pure Python.

Readings (also in ``docs/billing.md``)
--------------------------------------
* A **bank day** is a weekday that is neither a public holiday nor midsummer
  eve, Christmas eve or New Year's eve:
  ``holidays.Sweden(categories=("public", "de_facto"))``. The same days are the
  non-working days of lag (1930:173), so one calendar serves both directions.
* **Payout** (P1, P2): D is the day the month's documents became complete at
  FK. day(D) ≤ 5 → the 20th of D's month; 6..20 → the 5th of the next month;
  ≥ 21 → the 20th of the next month; never earlier than the 20th of the month
  after the work (P8). ``inclusive_boundary=False`` makes a receipt on the 5th
  or the 20th miss that payout. The nominal day then moves to the nearest
  earlier bank day (FAss 9 §).
* **Deadline** (P3): the 5th of the second month after the work, moved to the
  next working day when it is not one (lag 1930:173 2 §). A receipt on the
  moved day is on time. Whether such a receipt also makes the 20th payout is
  unconfirmed: by default it does not (P7: July 2026, received 2026-09-07 →
  paid 2026-10-05); ``fifth_moves_with_deadline=True`` counts it as a receipt
  by the 5th.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _non_bank_days(year: int) -> frozenset[date]:
    return frozenset(holidays.Sweden(years=year, categories=("public", "de_facto")))


def is_bank_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _non_bank_days(day.year)


def bank_day_before_or_on(day: date) -> date:
    """``day`` if it is a bank day, else the nearest earlier one (FAss 9 §)."""
    while not is_bank_day(day):
        day -= timedelta(days=1)
    return day


def working_day_on_or_after(day: date) -> date:
    """``day`` if it is a working day, else the next one (lag 1930:173 2 §)."""
    while not is_bank_day(day):
        day += timedelta(days=1)
    return day


def _month_start(day: date, add: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + add
    return date(index // 12, index % 12 + 1, 1)


def nominal_deadline(work_month: date) -> date:
    """The 5th of the second month after the work (FKFS 2016:4)."""
    return _month_start(work_month, 2).replace(day=5)


def deadline(work_month: date) -> date:
    """The last day the documents may reach FK: July 2026 → 2026-09-07 (the 5th is a Saturday)."""
    return working_day_on_or_after(nominal_deadline(work_month))


def is_late(received_on: date, work_month: date) -> bool:
    """Received after the deadline (P3, HFD 2023:9): FK may refuse payment."""
    return received_on > deadline(work_month)


def nominal_payout(
    completed_on: date,
    work_month: date,
    *,
    inclusive_boundary: bool = True,
    fifth_moves_with_deadline: bool = False,
) -> date:
    """The 5th or the 20th the month is paid on, before the bank-day move (P1, P8)."""
    fifth = completed_on.replace(day=5)
    if fifth_moves_with_deadline:
        fifth = working_day_on_or_after(fifth)
    twentieth = completed_on.replace(day=20)
    if completed_on < fifth or (inclusive_boundary and completed_on == fifth):
        payout = twentieth
    elif completed_on < twentieth or (inclusive_boundary and completed_on == twentieth):
        payout = _month_start(completed_on, 1).replace(day=5)
    else:
        payout = _month_start(completed_on, 1).replace(day=20)
    return max(payout, _month_start(work_month, 1).replace(day=20))


def expected_payout(
    completed_on: date,
    work_month: date,
    *,
    inclusive_boundary: bool = True,
    fifth_moves_with_deadline: bool = False,
) -> date:
    """The day FK is expected to pay the month: January 2026 complete 2026-02-10 → 2026-03-05."""
    return bank_day_before_or_on(
        nominal_payout(
            completed_on,
            work_month,
            inclusive_boundary=inclusive_boundary,
            fifth_moves_with_deadline=fifth_moves_with_deadline,
        )
    )
