"""The month-end workflow through the database: compute, sign, submit,
correct, pay; municipal invoices. Worked examples from RULES.md end to end."""

from __future__ import annotations

import threading
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from assistans import factories as f
from assistans.models import Decision, Membership, ReferencePeriod
from billing import services
from billing.models import Invoice
from scheduling import services as shifts
from scheduling.models import MonthLock, Shift
from scheduling.rules.timeutil import make_aware

pytestmark = pytest.mark.django_db
APRIL = date(2026, 4, 15)


def at(day: str, clock: str):
    hours, minutes = map(int, clock.split(":"))
    return make_aware(date.fromisoformat(day), time(hours, minutes))


def add(provider, assistant, client, start, end, kind="active", **extra) -> Shift:
    return Shift.objects.create(
        provider=provider, assistant=assistant, client=client, start=at(*start), end=at(*end), kind=kind, **extra
    )


def compute(side, month=date(2026, 3, 1), today=APRIL, clients=None):
    return {
        r.client_id: r
        for r in services.compute_reports(provider=side.provider, month=month, today=today, clients=clients)
    }


def test_a_month_that_has_not_ended_cannot_be_reported(alice):
    with pytest.raises(services.ReportError) as excinfo:
        services.compute_reports(provider=alice.provider, month=date(2026, 3, 1), today=date(2026, 3, 31))
    assert "inte slut" in excinfo.value.message


def test_the_claim_equals_the_sum_of_the_time_reports_and_prices_at_the_years_rate(alice):
    a0, a1 = alice.assistants
    client = alice.clients[0]
    f.AssignmentFactory(assistant=a1, client=client)
    for day in range(2, 22):  # 20 days × 8 h = 160 h, plus 30 min = 160 h 30 min
        add(
            alice.provider,
            a0 if day % 2 else a1,
            client,
            (f"2026-03-{day:02d}", "08:00"),
            (f"2026-03-{day:02d}", "16:00"),
        )
    add(alice.provider, a0, client, ("2026-03-25", "08:00"), ("2026-03-25", "08:30"))
    report = compute(alice)[client.pk]
    claim = report.snapshot["claim"]
    rows = [row for tr in report.snapshot["time_reports"] for row in tr["rows"]]
    assert claim["total_minutes"] == sum(row["minutes"] for row in rows) == 160 * 60 + 30
    assert claim["amount"] == "55805.85"  # 160,5 h × 347,70 (RULES.md R3)
    assert report.amount == Decimal("55805.85")
    assert {tr.assistant_id for tr in report.time_reports.all()} == {a0.pk, a1.pk}
    assert report.ruleset and report.decision_ids and report.rates_used["rates"][0]["rate"] == "347.70"


def test_both_dst_nights_are_counted_in_real_hours(alice):
    a0, client = alice.assistants[0], alice.clients[0]
    add(alice.provider, a0, client, ("2026-03-29", "00:00"), ("2026-03-29", "04:00"))
    add(alice.provider, a0, client, ("2026-10-25", "00:00"), ("2026-10-25", "04:00"))
    Decision.objects.create(client=client, start=date(2026, 7, 1), end=date(2026, 12, 31), weekly_hours=100)
    march = compute(alice, date(2026, 3, 1), APRIL)[client.pk].snapshot
    october = compute(alice, date(2026, 10, 1), date(2026, 11, 24))[client.pk].snapshot
    assert march["claim"]["total_minutes"] == 180
    assert october["claim"]["total_minutes"] == 300
    assert march["time_reports"][0]["rows"][0]["minutes"] == 180


def test_a_shift_over_new_year_is_split_between_the_months_and_their_rates(alice):
    a0, client = alice.assistants[0], alice.clients[0]
    Decision.objects.create(client=client, start=date(2025, 7, 1), end=date(2025, 12, 31), weekly_hours=100)
    add(alice.provider, a0, client, ("2025-12-31", "22:00"), ("2026-01-01", "06:00"))
    december = compute(alice, date(2025, 12, 1), APRIL)[client.pk]
    january = compute(alice, date(2026, 1, 1), APRIL)[client.pk]
    assert december.snapshot["claim"]["amount"] == "685.20"  # 2 h × 342,60
    assert january.snapshot["claim"]["amount"] == "2086.20"  # 6 h × 347,70
    assert Decimal("685.20") + Decimal("2086.20") == Decimal("2771.40")


def test_a_cap_excess_lands_on_the_client_of_the_latest_hours(alice):
    """ATL, one-month reference period of 31 days: cap 212 h 34 min. 120 h for
    client A early in the month, then 100 h for client B: 7 h 26 min of B's
    hours are not payable (RULES.md W2-W4)."""
    a0 = alice.assistants[0]
    employment = a0.employments.get()
    ReferencePeriod.objects.create(employment=employment, start=date(2026, 3, 1), end=date(2026, 3, 31))
    client_a, client_b = alice.clients
    f.AssignmentFactory(assistant=a0, client=client_b)
    for day in range(1, 16):  # 15 × 8 h = 120 h for A
        add(alice.provider, a0, client_a, (f"2026-03-{day:02d}", "08:00"), (f"2026-03-{day:02d}", "16:00"))
    for day in range(16, 26):  # 10 × 10 h = 100 h for B
        add(alice.provider, a0, client_b, (f"2026-03-{day:02d}", "08:00"), (f"2026-03-{day:02d}", "18:00"))
    reports = compute(alice)
    not_payable_a = reports[client_a.pk].snapshot["claim"]["not_payable"]
    not_payable_b = {n["reason"]: n["minutes"] for n in reports[client_b.pk].snapshot["claim"]["not_payable"]}
    assert not_payable_a == []
    assert not_payable_b == {"W4": 220 * 60 - 12754}  # 212 h 34,3 min → 12 754 whole minutes payable
    # the time report shows the assistant's declared reference period (M1)
    assert reports[client_b.pk].snapshot["time_reports"][0]["reference_period"] == ["2026-03-01", "2026-03-31"]


def test_hours_on_days_without_a_decision_are_flagged_not_priced(alice):
    a0, client = alice.assistants[0], alice.clients[0]
    add(alice.provider, a0, client, ("2026-07-02", "08:00"), ("2026-07-02", "16:00"))
    report = compute(alice, date(2026, 7, 1), date(2026, 8, 2))[client.pk]
    assert report.snapshot["claim"]["amount"] == "0.00"
    assert [n["reason"] for n in report.snapshot["claim"]["not_payable"]] == ["G0"]


def sign_everything(side, report):
    for tr in report.time_reports.all():
        services.sign_time_report(actor=side.coordinator, time_report=tr)
        membership = Membership.objects.filter(assistant_id=tr.assistant_id).first()
        if membership is None:
            user = f.UserFactory()
            membership = f.MembershipFactory(
                user=user, provider=side.provider, role="assistant", assistant_id=tr.assistant_id
            )
        services.sign_time_report(actor=membership.user, time_report=tr)


def test_the_signing_workflow_then_submission_freezes_the_month(alice):
    a0, client = alice.assistants[0], alice.clients[0]
    shift = add(alice.provider, a0, client, ("2026-03-05", "08:00"), ("2026-03-05", "16:00"))
    report = compute(alice)[client.pk]
    with pytest.raises(services.ReportError) as excinfo:
        services.submit(actor=alice.coordinator, report=report, on=APRIL)
    assert any("inte signerad av assistenten" in m for m in excinfo.value.missing)
    assert any("Räkningen är inte signerad" in m for m in excinfo.value.missing)
    report.refresh_from_db()
    assert report.status == "draft" and report.submitted_on is None
    with pytest.raises(services.ReportError) as excinfo:
        services.sign_claim(actor=alice.client_user, report=report, today=APRIL)
    assert "tidsredovisningar" in excinfo.value.message
    with pytest.raises(services.ReportError):
        services.sign_claim(actor=alice.coordinator, report=report, today=APRIL)  # not the client
    sign_everything(alice, report)
    services.sign_claim(actor=alice.client_user, report=report, today=APRIL)
    report.refresh_from_db()
    assert report.status == "complete" and report.completed_on == APRIL
    services.submit(actor=alice.coordinator, report=report, on=date(2026, 4, 16))
    report.refresh_from_db()
    assert report.status == "submitted"
    assert MonthLock.objects.filter(client=client, month=date(2026, 3, 1)).exists()
    with pytest.raises(shifts.ShiftRefused):
        shifts.delete_shift(actor=None, provider=alice.provider, shift=shift)
    # a frozen report is not recomputed
    assert compute(alice) == {}


def test_an_assistant_cannot_sign_someone_elses_time_report(alice):
    a1 = alice.assistants[1]
    client = alice.clients[1]
    add(alice.provider, a1, client, ("2026-03-05", "08:00"), ("2026-03-05", "16:00"))
    report = compute(alice)[client.pk]
    with pytest.raises(services.ReportError):
        services.sign_time_report(actor=alice.assistant_user, time_report=report.time_reports.get())


def test_a_correction_is_a_new_version_pointing_at_the_original(alice):
    a0, client = alice.assistants[0], alice.clients[0]
    shift = add(alice.provider, a0, client, ("2026-03-05", "08:00"), ("2026-03-05", "16:00"))
    report = compute(alice)[client.pk]
    sign_everything(alice, report)
    services.sign_claim(actor=alice.client_user, report=report, today=APRIL)
    services.submit(actor=alice.coordinator, report=report, on=APRIL)
    with pytest.raises(services.ReportError):
        services.start_correction(actor=alice.coordinator, report=report, reason=" ", today=APRIL)
    correction = services.start_correction(actor=alice.coordinator, report=report, reason="Fel sluttid", today=APRIL)
    report.refresh_from_db()
    assert report.status == "superseded"
    assert correction.replaces == report and correction.version == 2 and correction.status == "draft"
    # the month is open again for the correction
    shifts.record_shift(
        actor=None,
        provider=alice.provider,
        shift=shift,
        data=shifts.ShiftData(
            assistant_id=a0.pk, client_id=client.pk, start=at("2026-03-05", "08:00"), end=at("2026-03-05", "12:00")
        ),
    )
    recomputed = compute(alice)[client.pk]
    assert recomputed.pk == correction.pk
    assert recomputed.snapshot["claim"]["total_minutes"] == 240
    assert report.snapshot["claim"]["total_minutes"] == 480  # the original is untouched
    with pytest.raises(ValidationError):
        report.delete()


def test_payments_are_recorded_only_for_submitted_reports(alice):
    add(alice.provider, alice.assistants[0], alice.clients[0], ("2026-03-05", "08:00"), ("2026-03-05", "16:00"))
    report = compute(alice)[alice.clients[0].pk]
    with pytest.raises(services.ReportError) as excinfo:
        services.record_payment(report=report, on=date(2026, 4, 20), amount=Decimal("100"))
    assert "inskickad" in excinfo.value.message
    sign_everything(alice, report)
    services.sign_claim(actor=alice.client_user, report=report, today=APRIL)
    services.submit(actor=alice.coordinator, report=report, on=APRIL)
    with pytest.raises(services.ReportError) as excinfo:
        services.record_payment(report=report, on=date(2026, 4, 20), amount=Decimal("-1"))
    assert "negativt" in excinfo.value.message
    paid = services.record_payment(report=report, on=date(2026, 4, 20), amount=Decimal("2781.60"))
    assert paid.status == "paid" and paid.paid_amount == Decimal("2781.60")


def municipal_report(side, client_index=0):
    client = side.clients[client_index]
    client.decisions.all().delete()
    Decision.objects.create(
        client=client,
        payer="municipality",
        municipality_name="Uppsala kommun",
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        weekly_hours=10,
    )
    assistant = side.assistants[client_index]
    add(side.provider, assistant, client, ("2026-03-05", "08:00"), ("2026-03-05", "12:00"))
    return compute(side, clients=[client])[client.pk]


def test_municipal_hours_are_invoiced_with_ocr_and_never_on_the_fk_claim(alice):
    report = municipal_report(alice)
    assert report.snapshot["claim"]["total_minutes"] == 0
    invoice = services.issue_invoice(report=report, today=APRIL)
    assert invoice.number == 1 and invoice.amount == Decimal("1390.80")  # 4 h × 347,70
    assert invoice.ocr == services.ocr_reference(1) and invoice.due_on == APRIL + timedelta(days=30)
    from stdnum import luhn

    assert luhn.is_valid(invoice.ocr)
    assert services.issue_invoice(report=report, today=APRIL) == invoice  # twice: the same invoice
    credit = services.credit_invoice(invoice=invoice, reason="Fel timmar", today=APRIL)
    assert credit.number == 2 and credit.amount == Decimal("-1390.80") and credit.credit_of == invoice
    assert credit.snapshot["credit_of"] == 1
    with pytest.raises(services.ReportError):
        services.credit_invoice(invoice=invoice, reason="igen", today=APRIL)
    with pytest.raises(ValidationError):
        invoice.delete()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_invoice_numbers_stay_gap_free_under_concurrency(alice):
    reports = [municipal_report(alice, 0), municipal_report(alice, 1)]
    barrier = threading.Barrier(2)
    errors = []

    def issue(report):
        try:
            barrier.wait(timeout=10)
            services.issue_invoice(report=report, today=APRIL)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(r,)) for r in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("amount", "valid"),
    [
        pytest.param("389.42", True, id="2026: 389,42 is within 347,70 × 1,12 = 389,424"),
        pytest.param("389.43", False, id="2026: 389,43 is above the cap"),
    ],
)
def test_a_raised_rate_above_the_cap_is_refused_at_entry(alice, amount, valid):
    decision = Decision(
        client=alice.clients[0],
        start=date(2026, 7, 1),
        end=date(2026, 12, 31),
        weekly_hours=10,
        rate_kind="raised",
        raised_rate=Decimal(amount),
    )
    if valid:
        services.validate_decision_rate(decision)
    else:
        with pytest.raises(ValidationError) as excinfo:
            services.validate_decision_rate(decision)
        assert "högre än taket" in str(excinfo.value)


def test_the_decision_admin_refuses_a_raised_rate_above_the_cap(admin_client, alice):
    response = admin_client.post(
        "/admin/assistans/decision/add/",
        {
            "client": alice.clients[0].pk,
            "payer": "fk",
            "start": "2026-07-01",
            "end": "2026-12-31",
            "weekly_hours": "10",
            "rate_kind": "raised",
            "raised_rate": "400.00",
            "double_hours_per_week": "0",
            "wait_factor": "1/4",
            "standby_factor": "1/7",
        },
    )
    assert response.status_code == 200
    assert "högre än taket" in response.content.decode()
    assert not Decision.objects.filter(raised_rate=Decimal("400.00")).exists()


def test_grant_follow_up_shows_the_pool_used_and_forecast(alice):
    """100 h/week for 2026-01-01..06-30 (181 days) is a pool of 2 585 h 43 min
    (RULES.md G2). 8 h worked, 8 h of waiting time worked (2 h converted, G3),
    and 8 h planned after now."""
    a0, client = alice.assistants[0], alice.clients[0]
    add(alice.provider, a0, client, ("2026-03-02", "08:00"), ("2026-03-02", "16:00"))
    add(alice.provider, a0, client, ("2026-03-02", "22:00"), ("2026-03-03", "06:00"), kind="waiting")
    add(alice.provider, a0, client, ("2026-03-20", "08:00"), ("2026-03-20", "16:00"))
    [status] = services.grant_follow_up(client=client, now=at("2026-03-10", "12:00"))
    assert status.pool_minutes == 2585 * 60 + 43
    assert status.used_minutes == 10 * 60
    assert status.planned_minutes == 8 * 60
    assert status.remaining_minutes == status.pool_minutes - 600
    assert status.forecast_remaining_minutes == status.pool_minutes - 1080
    assert status.over_pool_minutes == 0


def test_grant_follow_up_forecasts_hours_past_the_pool(alice):
    """1 h/week for 181 days is a pool of 25 h 51 min (1 551 min). 24 h worked
    and 16 h planned: the forecast runs 849 min past the pool, which FK will
    not pay (G2); the follow-up must say so rather than stop at the pool."""
    a0, client = alice.assistants[0], alice.clients[0]
    client.decisions.update(weekly_hours=Decimal("1"))
    for day in ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-20", "2026-03-23"):
        add(alice.provider, a0, client, (day, "08:00"), (day, "16:00"))
    [status] = services.grant_follow_up(client=client, now=at("2026-03-10", "12:00"))
    assert status.pool_minutes == 1551
    assert status.used_minutes == 24 * 60
    assert status.remaining_minutes == 1551 - 24 * 60
    assert status.forecast_minutes == 40 * 60
    assert status.forecast_remaining_minutes == 1551 - 40 * 60
    assert status.over_pool_minutes == 40 * 60 - 1551
