"""Rates, money, pool and formatting (R1-R5, G1-G4 in SOURCES.md §10). Pure: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.calculations import (
    DEFAULT_RATES,
    NBSP,
    Factors,
    KindMinutes,
    RaisedRateTooHigh,
    RateTable,
    UnknownRateYear,
    converted_minutes,
    format_date,
    format_hours,
    format_money,
    parse_factor,
    pool_minutes,
    price_minutes_by_day,
    raised_rate_cap,
    round_minutes,
    round_money,
    standard_rate,
    total_amount,
)
from billing.rates import parse_rates_csv
from scheduling.rules.timeutil import fmt_minutes, minutes_between, split_by_local_day
from tests.rules.builders import at

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(D("0.005"), D("0.01"), id="half an öre rounds up"),
        pytest.param(D("2.675"), D("2.68"), id="exact decimals, no float surprises"),
        pytest.param(D("1.004"), D("1.00"), id="below half an öre rounds down"),
        pytest.param(D("-0.005"), D("-0.01"), id="negative halves round away from zero"),
        pytest.param(D("55805.85"), D("55805.85"), id="an amount already in öre is unchanged"),
        pytest.param(3, D("3.00"), id="whole kronor get two decimals"),
    ],
)
def test_round_money_rounds_half_up_to_ore(value, expected):
    assert round_money(value) == expected
    assert round_money(value).as_tuple().exponent == -2


def test_round_money_refuses_floats():
    with pytest.raises(TypeError):
        round_money(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        pytest.param(date(2026, 3, 14), D("347.70"), id="2026 work is paid at 347,70"),
        pytest.param(date(2025, 12, 31), D("342.60"), id="New Year's eve 2025 keeps the 2025 rate"),
        pytest.param(date(2026, 1, 1), D("347.70"), id="New Year's day takes the new year's rate"),
        pytest.param(date(2024, 6, 1), D("332.60"), id="2024 work is paid at 332,60"),
        pytest.param(date(2012, 1, 1), D("267.00"), id="the table starts in 2012"),
    ],
)
def test_the_rate_is_chosen_by_the_day_the_work_was_performed(day, rate):
    assert standard_rate(day) == rate
    assert DEFAULT_RATES.standard_rate(day) == rate


@pytest.mark.parametrize("year", [2011, 2027])
def test_an_unknown_year_is_an_error_never_a_guess(year):
    with pytest.raises(UnknownRateYear) as caught:
        DEFAULT_RATES.standard_rate(date(year, 5, 1))
    assert str(year) in caught.value.message
    assert "Schablonbeloppet" in caught.value.message


def test_a_rate_table_takes_the_callers_figures_and_refuses_floats():
    table = RateTable({2030: D("400.00")})
    assert table.standard_rate(date(2030, 7, 1)) == D("400.00")
    assert table.years == (2030,)
    with pytest.raises(TypeError):
        RateTable({2030: 400.0})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("year", "cap"),
    [
        pytest.param(2026, D("389.424"), id="2026 cap is 347,70 × 1,12 exactly"),
        pytest.param(2025, D("383.712"), id="2025 cap is 342,60 × 1,12"),
        pytest.param(2023, D("363.44"), id="2023 cap matches the published 363,44"),
    ],
)
def test_raised_rate_cap_is_the_standard_rate_times_1_12(year, cap):
    assert raised_rate_cap(year) == cap


@pytest.mark.parametrize(
    ("amount", "allowed"),
    [
        pytest.param(D("389.42"), True, id="389,42 is within the 2026 cap"),
        pytest.param(D("389.424"), True, id="the cap itself is allowed"),
        pytest.param(D("389.43"), False, id="389,43 is above the 2026 cap"),
        pytest.param(D("347.70"), True, id="the standard rate is a valid raised rate"),
    ],
)
def test_a_raised_rate_above_the_cap_is_refused(amount, allowed):
    if allowed:
        assert DEFAULT_RATES.check_raised_rate(amount, 2026) == amount
    else:
        with pytest.raises(RaisedRateTooHigh) as caught:
            DEFAULT_RATES.check_raised_rate(amount, 2026)
        assert "389,424" in caught.value.message
        assert "förhöjda timbeloppet" in caught.value.message


def test_r5_a_month_of_160_h_30_min_costs_55_805_85():
    lines = price_minutes_by_day([(date(2026, 3, 1), 160 * 60 + 30)], DEFAULT_RATES)
    assert [(line.rate, line.hours, line.amount) for line in lines] == [(D("347.70"), Fraction(321, 2), D("55805.85"))]
    assert format_money(total_amount(lines)) == f"55{NBSP}805,85{NBSP}kr"


def test_r2_the_new_year_shift_is_priced_at_each_years_rate():
    start, end = at("2025-12-31 22:00"), at("2026-01-01 06:00")
    pieces = [(day, minutes_between(a, b)) for day, a, b in split_by_local_day(start, end)]
    lines = price_minutes_by_day(pieces, DEFAULT_RATES)
    assert [(line.rate, line.hours, line.amount) for line in lines] == [
        (D("342.60"), 2, D("685.20")),
        (D("347.70"), 6, D("2086.20")),
    ]
    assert total_amount(lines) == D("2771.40")


def test_a_raised_rate_prices_every_day_and_is_checked_against_each_years_cap():
    lines = price_minutes_by_day([(date(2026, 2, 1), 60)], DEFAULT_RATES, raised_rate=D("389.42"))
    assert [(line.kind, line.amount) for line in lines] == [("raised", D("389.42"))]
    with pytest.raises(RaisedRateTooHigh):
        price_minutes_by_day([(date(2025, 2, 1), 60)], DEFAULT_RATES, raised_rate=D("389.42"))


def test_the_amount_is_the_sum_of_lines_each_rounded_once():
    # 1 minute at 0,30 kr/h and 1 minute at 0,90 kr/h: 0,005 -> 0,01 and 0,015 -> 0,02,
    # so the claim is 0,03 kr although the unrounded sum 0,02 would round to 0,02.
    table = RateTable({2030: D("0.30"), 2031: D("0.90")})
    lines = price_minutes_by_day([(date(2030, 12, 31), 1), (date(2031, 1, 1), 1)], table)
    assert [line.amount for line in lines] == [D("0.01"), D("0.02")]
    assert total_amount(lines) == D("0.03")


def test_default_rates_are_the_figures_of_rates_csv():
    path = Path("/work/shared/domain/rates.csv")
    if not path.exists():
        pytest.skip("the shared rates.csv is not on this machine")
    assert RateTable(parse_rates_csv(path.read_text())) == DEFAULT_RATES
    assert DEFAULT_RATES.years == tuple(range(2012, 2027))


def test_parse_rates_csv_refuses_a_year_twice():
    text = "year,schablonbelopp_sek_per_hour\n2026,347.70\n2026,347.70\n"
    with pytest.raises(ValueError, match="twice"):
        parse_rates_csv(text)


def test_g1_pool_of_100_h_a_week_for_181_days():
    pool = pool_minutes(100 * 60, date(2026, 1, 1), date(2026, 6, 30))
    assert pool == Fraction(6000 * 181, 7)  # exact: 2 585,714... h
    assert round(float(pool / 60), 3) == 2585.714
    assert fmt_minutes(round_minutes(pool)) == "2585 h 43 min"
    assert format_hours(pool) == f"2{NBSP}585,71"


@pytest.mark.parametrize(
    ("start", "end", "expected_days"),
    [
        pytest.param(date(2026, 1, 1), date(2026, 1, 7), 7, id="one week gives the weekly hours"),
        pytest.param(date(2026, 1, 1), date(2026, 1, 1), 1, id="both ends count"),
        pytest.param(date(2024, 2, 1), date(2024, 2, 29), 29, id="leap day counts, real calendar days"),
    ],
)
def test_the_pool_counts_real_calendar_days(start, end, expected_days):
    assert pool_minutes(700, start, end) == Fraction(700 * expected_days, 7)


def test_g3_g4_eight_hours_of_waiting_time_convert_to_two_hours():
    assert converted_minutes(0, waiting=8 * 60) == 120
    assert KindMinutes(active=60, waiting=8 * 60, standby=7 * 60).converted() == 60 + 120 + 60
    assert KindMinutes(standby=60).converted(Factors(Fraction(1, 4), Fraction(1, 7))) == Fraction(60, 7)


@pytest.mark.parametrize(
    ("text", "factor"),
    [
        pytest.param("1/4", Fraction(1, 4), id="a fraction as FK writes it"),
        pytest.param("0.25", Fraction(1, 4), id="a decimal with a point"),
        pytest.param("0,25", Fraction(1, 4), id="a decimal with a Swedish comma"),
        pytest.param(" 1/7 ", Fraction(1, 7), id="spaces around are ignored"),
        pytest.param("0", Fraction(0), id="zero: the time is not converted into assistance"),
    ],
)
def test_conversion_factors_are_parsed_exactly(text, factor):
    assert parse_factor(text) == factor


@pytest.mark.parametrize("text", ["abc", "2", "-1/4", "1/0", ""])
def test_a_bad_conversion_factor_is_refused(text):
    with pytest.raises(ValueError):
        parse_factor(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(D("1234.5"), f"1{NBSP}234,50{NBSP}kr", id="thousands get a no-break space"),
        pytest.param(D("0"), f"0,00{NBSP}kr", id="zero has two decimals"),
        pytest.param(D("1234567.891"), f"1{NBSP}234{NBSP}567,89{NBSP}kr", id="millions, rounded to öre"),
        pytest.param(D("-2771.4"), f"-2{NBSP}771,40{NBSP}kr", id="a credit keeps its sign"),
        pytest.param(D("999"), f"999,00{NBSP}kr", id="no separator below a thousand"),
    ],
)
def test_format_money_is_swedish(value, text):
    assert format_money(value) == text


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        pytest.param(9630, "160,50", id="160 h 30 min is 160,50"),
        pytest.param(20, "0,33", id="20 minutes round to 0,33"),
        pytest.param(Fraction(60, 7), "0,14", id="exact converted minutes are rounded for display"),
        pytest.param(0, "0,00", id="nothing is 0,00"),
    ],
)
def test_format_hours_shows_decimal_hours(minutes, text):
    assert format_hours(minutes) == text


def test_format_date_is_iso():
    assert format_date(date(2026, 3, 5)) == "2026-03-05"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_rounding_moves_an_amount_by_at_most_half_an_ore(value):
    rounded = round_money(value)
    assert abs(rounded - value) <= D("0.005")
    assert round_money(rounded) == rounded


@given(
    st.lists(st.tuples(st.dates(date(2012, 1, 1), date(2026, 12, 31)), st.integers(0, 20_000)), max_size=30),
)
def test_each_distinct_rate_gets_one_line(pieces):
    lines = price_minutes_by_day(pieces, DEFAULT_RATES)
    assert len({line.rate for line in lines}) == len(lines)
    assert sum(line.converted_minutes for line in lines) == sum(m for _, m in pieces)
    assert total_amount(lines) == sum((line.amount for line in lines), D("0"))
