"""FK's payout cycle and the reporting deadline (P1-P8 in SOURCES.md §10). Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.payout import (
    bank_day_before_or_on,
    deadline,
    expected_payout,
    is_bank_day,
    is_late,
    nominal_payout,
    working_day_on_or_after,
)

JANUARY = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("completed_on", "work_month", "payout"),
    [
        pytest.param(date(2026, 2, 3), JANUARY, date(2026, 2, 20), id="P1 complete by the 5th: paid the 20th"),
        pytest.param(date(2026, 2, 10), JANUARY, date(2026, 3, 5), id="P2 complete 6th-20th: paid the 5th next"),
        pytest.param(date(2026, 2, 25), JANUARY, date(2026, 3, 20), id="P3 complete after the 20th: 20th next"),
        pytest.param(date(2026, 2, 5), JANUARY, date(2026, 2, 20), id="P5 exactly on the 5th counts as by the 5th"),
        pytest.param(date(2026, 2, 20), JANUARY, date(2026, 3, 5), id="exactly on the 20th counts as by the 20th"),
        pytest.param(date(2026, 2, 1), JANUARY, date(2026, 2, 20), id="P8 never before the 20th after the work"),
        pytest.param(date(2026, 1, 31), JANUARY, date(2026, 2, 20), id="P8 complete within the month itself"),
        pytest.param(date(2026, 9, 7), date(2026, 7, 1), date(2026, 10, 5), id="P7 by default the 5th cycle rule"),
        pytest.param(date(2026, 3, 2), date(2026, 2, 1), date(2026, 3, 20), id="a plain 20th that is a Friday"),
    ],
)
def test_the_payout_follows_the_5th_and_20th_cycle(completed_on, work_month, payout):
    assert expected_payout(completed_on, work_month) == payout


@pytest.mark.parametrize(
    ("completed_on", "payout"),
    [
        pytest.param(date(2026, 2, 5), date(2026, 3, 5), id="exclusive: the 5th misses the 20th"),
        pytest.param(date(2026, 2, 20), date(2026, 3, 20), id="exclusive: the 20th misses the next 5th"),
        pytest.param(date(2026, 2, 4), date(2026, 2, 20), id="exclusive: the 4th still makes the 20th"),
    ],
)
def test_the_boundary_day_can_be_exclusive(completed_on, payout):
    assert expected_payout(completed_on, JANUARY, inclusive_boundary=False) == payout


def test_p7_a_receipt_on_the_moved_deadline_can_count_as_by_the_5th():
    july = date(2026, 7, 1)
    assert nominal_payout(date(2026, 9, 7), july, fifth_moves_with_deadline=True) == date(2026, 9, 20)
    assert expected_payout(date(2026, 9, 7), july, fifth_moves_with_deadline=True) == date(2026, 9, 18)
    assert expected_payout(date(2026, 9, 8), july, fifth_moves_with_deadline=True) == date(2026, 10, 5)


@pytest.mark.parametrize(
    ("nominal", "paid"),
    [
        pytest.param(date(2026, 4, 5), date(2026, 4, 2), id="Easter Sunday and Good Friday move back to Thursday"),
        pytest.param(date(2026, 6, 20), date(2026, 6, 18), id="Saturday and midsummer eve move to Thursday"),
        pytest.param(date(2026, 7, 5), date(2026, 7, 3), id="a Sunday moves to Friday"),
        pytest.param(date(2026, 9, 5), date(2026, 9, 4), id="a Saturday moves to Friday"),
        pytest.param(date(2026, 9, 20), date(2026, 9, 18), id="a Sunday the 20th moves to Friday the 18th"),
        pytest.param(date(2026, 12, 5), date(2026, 12, 4), id="Saturday 5 December moves to Friday"),
        pytest.param(date(2026, 12, 20), date(2026, 12, 18), id="Sunday 20 December moves to Friday"),
        pytest.param(date(2025, 4, 20), date(2025, 4, 17), id="2025 Easter Sunday passes Good Friday"),
        pytest.param(date(2025, 6, 20), date(2025, 6, 19), id="2025 midsummer eve is not a bank day"),
        pytest.param(date(2025, 1, 5), date(2025, 1, 3), id="2025 a Sunday the 5th moves to Friday"),
        pytest.param(date(2026, 2, 20), date(2026, 2, 20), id="a Friday bank day stays"),
        pytest.param(date(2026, 3, 5), date(2026, 3, 5), id="a Thursday bank day stays"),
    ],
)
def test_p2_p6_a_payout_day_moves_to_the_nearest_earlier_bank_day(nominal, paid):
    assert bank_day_before_or_on(nominal) == paid


@pytest.mark.parametrize(
    ("day", "bank_day"),
    [
        pytest.param(date(2026, 12, 24), False, id="Christmas eve is not a bank day"),
        pytest.param(date(2026, 12, 31), False, id="New Year's eve is not a bank day"),
        pytest.param(date(2026, 6, 19), False, id="midsummer eve is not a bank day"),
        pytest.param(date(2026, 6, 6), False, id="National day (a Saturday in 2026)"),
        pytest.param(date(2026, 12, 23), True, id="the day before Christmas eve is a bank day"),
    ],
)
def test_bank_days(day, bank_day):
    assert is_bank_day(day) is bank_day


@pytest.mark.parametrize(
    ("work_month", "last_day"),
    [
        pytest.param(JANUARY, date(2026, 3, 5), id="January: the 5th of March, a Thursday"),
        pytest.param(date(2026, 7, 1), date(2026, 9, 7), id="P7 July: Saturday 5 Sept moves to Monday 7"),
        pytest.param(date(2026, 2, 1), date(2026, 4, 7), id="Easter Sunday 5 April passes Easter Monday"),
        pytest.param(date(2026, 5, 1), date(2026, 7, 6), id="Sunday 5 July moves to Monday 6"),
        pytest.param(date(2026, 10, 1), date(2026, 12, 7), id="Saturday 5 December moves to Monday 7"),
        pytest.param(date(2026, 11, 1), date(2027, 1, 5), id="November's deadline is in the next year"),
    ],
)
def test_p3_the_deadline_is_the_5th_of_the_second_month_moved_to_a_working_day(work_month, last_day):
    assert deadline(work_month) == last_day


@pytest.mark.parametrize(
    ("received_on", "work_month", "late"),
    [
        pytest.param(date(2026, 3, 6), JANUARY, True, id="P4 after 5 March January is late"),
        pytest.param(date(2026, 3, 5), JANUARY, False, id="on the deadline is on time"),
        pytest.param(date(2026, 9, 7), date(2026, 7, 1), False, id="P7 on the moved deadline is on time"),
        pytest.param(date(2026, 9, 8), date(2026, 7, 1), True, id="the day after the moved deadline is late"),
    ],
)
def test_a_report_past_its_deadline_is_late(received_on, work_month, late):
    assert is_late(received_on, work_month) is late


def test_a_deadline_moves_forward_over_a_long_weekend():
    assert working_day_on_or_after(date(2026, 12, 24)) == date(2026, 12, 28)


@given(st.dates(date(2020, 1, 1), date(2030, 12, 1)), st.integers(0, 120))
def test_a_payout_is_a_bank_day_on_or_after_the_20th_of_the_next_month_in_the_right_window(month_day, lag):
    work_month = month_day.replace(day=1)
    completed_on = work_month + timedelta(days=lag)
    payout = expected_payout(completed_on, work_month)
    floor = date(work_month.year + work_month.month // 12, work_month.month % 12 + 1, 20)
    assert is_bank_day(payout)
    assert payout >= bank_day_before_or_on(floor)
    assert payout > completed_on
    assert (payout - max(completed_on, floor)).days <= 31
