"""Property tests of the monthly report (hypothesis): whatever the shifts,
findings and decisions, the claim adds up to the time reports (M1) and every
minute is payable or not payable exactly once. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.calculations import DEFAULT_RATES, OVER_POOL, KindMinutes, compute_month, grant_pool_minutes, round_minutes
from scheduling.rules.model import STOCKHOLM, Finding, Grant, Kind, Payer, Segment, Severity, Shift
from scheduling.rules.timeutil import local_midnight

C = "c"
#: A window around the spring DST night and two month ends, in whole minutes from here.
ORIGIN = local_midnight(date(2026, 2, 20))
SPAN = 60 * 24 * 60  # 60 days


def _minute(m: int) -> datetime:
    return ORIGIN + timedelta(minutes=m)


@st.composite
def shifts(draw) -> list[Shift]:
    result = []
    ident = 0
    for assistant in range(draw(st.integers(1, 3))):
        cursor = draw(st.integers(0, 3000))
        for _ in range(draw(st.integers(0, 12))):
            segments = []
            start = cursor
            for _ in range(draw(st.integers(1, 3))):
                length = draw(st.integers(1, 14 * 60))
                segments.append(Segment(_minute(cursor), _minute(cursor + length), draw(st.sampled_from(list(Kind)))))
                cursor += length
            ident += 1
            result.append(Shift(ident, f"a{assistant}", C, tuple(segments), double=assistant > 0))
            cursor += draw(st.integers(0, 5 * 24 * 60))
            if cursor - start > SPAN:
                break
    return result


@st.composite
def findings(draw, all_shifts: list[Shift]) -> list[Finding]:
    result = []
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, SPAN))
        b = a + draw(st.integers(1, 3 * 24 * 60))
        ids = draw(st.lists(st.sampled_from([s.id for s in all_shifts]), max_size=3)) if all_shifts else []
        result.append(
            Finding(
                code=draw(st.sampled_from(["W4", "E1", "E2", "E3", "E4", "H2", "V1"])),
                severity=draw(st.sampled_from([Severity.NOT_PAYABLE, Severity.NOT_PAYABLE, Severity.WARNING])),
                shift_ids=tuple(ids),
                assistant_id=None,
                client_id=C,
                start=_minute(a),
                end=_minute(b),
                minutes=draw(st.integers(0, b - a)),
                message="",
                hint="",
                message_en="",
            )
        )
    return result


@st.composite
def grants(draw) -> list[Grant]:
    result = []
    for ident, payer in enumerate([Payer.FK, Payer.MUNICIPALITY]):
        if draw(st.booleans()):
            start = date(2026, 2, 20) + timedelta(days=draw(st.integers(0, 40)))
            end = start + timedelta(days=draw(st.integers(0, 60)))
            result.append(
                Grant(
                    id=ident,
                    client_id=C,
                    payer=payer,
                    start=start,
                    end=end,
                    weekly_minutes=draw(st.integers(60, 60 * 60)),
                    wait_factor=draw(st.sampled_from(["1/4", "0.25", "1/3", "0"])),
                    standby_factor=draw(st.sampled_from(["1/7", "0.3", "1"])),
                )
            )
    return result


def _oracle_minutes_in_month(all_shifts: list[Shift], month: date) -> KindMinutes:
    """Minute by minute: which minutes of the shifts fall in the local month."""
    by_kind = {kind: 0 for kind in Kind}
    for s in all_shifts:
        for seg in s.segments:
            t = seg.start
            while t < seg.end:
                local = t.astimezone(STOCKHOLM).date()
                if (local.year, local.month) == (month.year, month.month):
                    by_kind[seg.kind] += 1
                t += timedelta(minutes=1)
    return KindMinutes.of(by_kind)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_minute_of_the_month_is_reported_once_and_the_claim_adds_up(data):
    all_shifts = data.draw(shifts())
    all_findings = data.draw(findings(all_shifts))
    all_grants = data.draw(grants())
    month = data.draw(st.sampled_from([date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]))
    result = compute_month(
        client_id=C, month=month, shifts=all_shifts, findings=all_findings, grants=all_grants, rates=DEFAULT_RATES
    )
    rows = [row for tr in result.time_reports for row in tr.rows]
    assert result.minutes == _oracle_minutes_in_month(all_shifts, month)
    assert result.claim.minutes + result.municipal.minutes == result.minutes
    for claim in (result.claim, result.municipal):
        assert claim.minutes.total == sum(r.minutes for r in rows if r.payer == claim.payer)
        assert claim.payable.total + claim.not_payable_minutes == claim.minutes.total
        assert claim.amount >= 0
        assert claim.amount == sum((line.amount for line in claim.rate_lines), Decimal("0"))
        assert claim.payable_converted_minutes <= claim.converted_minutes
    for row in rows:
        assert (row.day.year, row.day.month) == (month.year, month.month)
        assert row.start.astimezone(STOCKHOLM).date() == row.day
        assert row.minutes == (row.end - row.start) // timedelta(minutes=1) > 0
    for pool in result.pools:
        assert pool.used_before + pool.used_in_month <= pool.pool_minutes + 1  # at most the last minute's rounding


@settings(max_examples=60, deadline=None)
@given(
    starts=st.lists(st.integers(0, 58 * 24), min_size=1, max_size=40, unique=True),
    length=st.integers(1, 60),
    weekly_hours=st.integers(1, 80),
)
def test_the_pool_pays_exactly_the_rounded_pool_over_a_decision_period(starts, length, weekly_hours):
    """Oracle: with active time only, no findings and one decision covering
    every shift, the months together pay min(performed, pool rounded to a minute)."""
    decision = Grant(1, C, Payer.FK, date(2026, 2, 20), date(2026, 4, 30), weekly_hours * 60)
    all_shifts = [
        Shift(i, "a", C, (Segment(ORIGIN + timedelta(hours=h), ORIGIN + timedelta(hours=h, minutes=length)),))
        for i, h in enumerate(sorted(starts))
    ]
    payable = over = 0
    for month in (date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)):
        result = compute_month(
            client_id=C,
            month=month,
            shifts=all_shifts,
            findings=[],
            grants=[decision],
            rates=DEFAULT_RATES,
            pool_history=all_shifts,
        )
        payable += result.claim.payable.total
        over += result.claim.not_payable_for(OVER_POOL)
    performed = length * len(all_shifts)
    assert payable == min(performed, round_minutes(grant_pool_minutes(decision)))
    assert over == performed - payable


def test_the_property_window_crosses_the_spring_dst_night():
    assert ORIGIN < datetime(2026, 3, 29, 1, tzinfo=UTC) < ORIGIN + timedelta(minutes=SPAN)
