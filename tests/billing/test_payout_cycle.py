"""The payout cycle (RULES.md §9, issue #5): reminders, late and due marks,
the payday summary, the month's documents, the cash-flow page. Time travels
with time_machine; every job runs twice (and in two threads) and sends
nothing twice; a broken mail server is retried a bounded number of times."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from billing import cashflow, jobs, services, tasks
from billing.models import Invoice, MonthlyReport, PayoutStep, TimeReport
from config.celery import app as celery_app
from tests.billing.test_workflow import add, compute, municipal_report, sign_everything

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def morning(day: date) -> datetime:
    return datetime.combine(day, time(7, 0), tzinfo=STOCKHOLM)


def run(task, **kwargs):
    """Run a task in-process, whatever the broker (as the command does)."""
    return tasks.run_in_process(task, **kwargs)


def make_report(side, month: date, client_index=0, *, status="draft", completed_on=None, signed=False, amount="1000"):
    """A report row without the engine: the cycle only reads status, dates,
    signatures and amount."""
    now = timezone.now()
    report = MonthlyReport.objects.create(
        provider=side.provider,
        client=side.clients[client_index],
        month=month,
        status=status,
        completed_on=completed_on,
        amount=Decimal(amount),
        computed_at=now,
        ruleset="test",
        client_signed_at=now if signed else None,
        snapshot={"claim": {"not_payable": [{"reason": "W4", "label": "Över arbetstidstaket", "minutes": 30}]}},
    )
    TimeReport.objects.create(
        report=report,
        assistant=side.assistants[client_index],
        minutes=600,
        assistant_signed_at=now if signed else None,
        provider_signed_at=now if signed else None,
    )
    return report


class BrokenBackend(BaseEmailBackend):
    """The mail server is down."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        raise SMTPException("421 service not available")


@pytest.fixture
def broken_mail(settings):
    BrokenBackend.calls = 0
    settings.EMAIL_BACKEND = "tests.billing.test_payout_cycle.BrokenBackend"
    return BrokenBackend


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def celery_in_process():
    """Celery's own eager retries: they run only when errors are not propagated."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def eager():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


# --- The payout calendar over whole years -------------------------------------------

MOVED = {
    2025: {
        date(2025, 1, 5): date(2025, 1, 3),
        date(2025, 4, 5): date(2025, 4, 4),
        date(2025, 4, 20): date(2025, 4, 17),  # Easter Sunday, Good Friday before
        date(2025, 6, 20): date(2025, 6, 19),  # midsummer eve
        date(2025, 7, 5): date(2025, 7, 4),
        date(2025, 7, 20): date(2025, 7, 18),
        date(2025, 9, 20): date(2025, 9, 19),
        date(2025, 10, 5): date(2025, 10, 3),
        date(2025, 12, 20): date(2025, 12, 19),
    },
    2026: {  # RULES.md P2's examples and the rest of the year
        date(2026, 4, 5): date(2026, 4, 2),
        date(2026, 6, 20): date(2026, 6, 18),
        date(2026, 7, 5): date(2026, 7, 3),
        date(2026, 9, 5): date(2026, 9, 4),
        date(2026, 9, 20): date(2026, 9, 18),
        date(2026, 12, 5): date(2026, 12, 4),
        date(2026, 12, 20): date(2026, 12, 18),
    },
}


def _month_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_payout_day_of_the_year_marks_its_months_due_on_the_bank_day_and_sums_up_once(alice, year, mailoutbox):
    """For each 5th and 20th: a month completed so that FK pays it that day.
    The day before, nothing is due; on the (moved) day it is, and the
    provider's admin gets one summary, however often the job runs."""
    days = jobs.payout_days(year)
    assert {n: a for n, a in days if n != a} == MOVED[year]
    reports = {}
    for nominal, actual in days:
        if nominal.day == 20:  # completed by the 5th → the 20th; work month before
            report = make_report(
                alice, _month_before(nominal, 1), 0, status="complete", completed_on=nominal.replace(day=3)
            )
        else:  # completed 6..20 of the month before → the 5th; work two months before
            completed = _month_before(nominal, 1).replace(day=10)
            report = make_report(alice, _month_before(nominal, 2), 1, status="submitted", completed_on=completed)
        reports[actual] = report
    for _nominal, actual in days:
        report = reports[actual]
        with time_machine.travel(morning(actual - timedelta(days=1)), tick=False):
            run(tasks.payday_cycle)
        assert not PayoutStep.objects.filter(report=report, step=jobs.DUE).exists(), actual
        with time_machine.travel(morning(actual), tick=False):
            run(tasks.payday_cycle)
            run(tasks.payday_cycle)  # twice on the day: nothing new
        due = PayoutStep.objects.get(report=report, step=jobs.DUE)
        assert (due.state, due.on, timezone.localdate(due.done_at)) == ("done", actual, actual)
        summary = PayoutStep.objects.get(provider=alice.provider, client=None, on=actual)
        assert summary.state == "done" and summary.detail["reports"] == [report.pk]
    assert PayoutStep.objects.filter(step=jobs.DUE, state="done").count() == 24
    assert len(mailoutbox) == 24  # one summary per payout day, to alice's admin only
    assert {m.to[0] for m in mailoutbox} == {alice.admin.email}
    assert f"{year}-04-0" in mailoutbox[6].subject  # the 5 April payout, moved


def test_a_payday_missed_while_the_workers_were_down_is_caught_up(alice, mailoutbox):
    report = make_report(alice, date(2026, 3, 1), status="submitted", completed_on=date(2026, 4, 10))
    assert jobs.expected_on(report) == date(2026, 5, 5)
    with time_machine.travel(morning(date(2026, 5, 8)), tick=False):
        run(tasks.payday_cycle)
    assert PayoutStep.objects.get(report=report, step=jobs.DUE).on == date(2026, 5, 5)
    assert len(mailoutbox) == 1 and "2026-05-05" in mailoutbox[0].subject


def test_a_report_past_its_deadline_is_marked_late_the_day_after(alice):
    """P3: July 2026's deadline, the 5th of September, is a Saturday: the 7th."""
    report = make_report(alice, date(2026, 7, 1))
    with time_machine.travel(morning(date(2026, 9, 7)), tick=False):
        run(tasks.daily_cycle)
    assert not PayoutStep.objects.filter(report=report, step=jobs.LATE).exists()
    with time_machine.travel(morning(date(2026, 9, 8)), tick=False):
        run(tasks.daily_cycle)
        run(tasks.daily_cycle)
    late = PayoutStep.objects.get(report=report, step=jobs.LATE)
    assert late.state == "done" and late.on == date(2026, 9, 7) and late.attempts == 1


def test_reminders_go_to_everyone_whose_signature_is_missing_once_per_reminder(alice, mailoutbox):
    """Deadline for March 2026: 2026-05-05. 7 days before, then 2 days before."""
    report = make_report(alice, date(2026, 3, 1))
    for day in (date(2026, 4, 27), date(2026, 4, 28), date(2026, 4, 28), date(2026, 5, 1), date(2026, 5, 3)):
        with time_machine.travel(morning(day), tick=False):
            run(tasks.daily_cycle)
        if day == date(2026, 4, 27):
            assert mailoutbox == []  # 8 days before: too early
    recipients = sorted(m.to[0] for m in mailoutbox)
    expected = sorted(
        [
            alice.assistant_user.email,  # the assistant's time report
            alice.admin.email,  # the provider's signature
            alice.coordinator.email,
            alice.client_user.email,  # the claim
        ]
        * 2
    )
    assert recipients == expected
    assert "2026-05-05" in mailoutbox[0].subject
    steps = PayoutStep.objects.filter(report=report).order_by("step")
    assert [(s.step, s.state) for s in steps] == [("reminder-2", "done"), ("reminder-7", "done")]
    assert alice.restricted_coordinator.email not in recipients  # not one of her clients


def test_a_reminder_missed_for_days_is_caught_up_once_by_the_nearest_one(alice, mailoutbox):
    report = make_report(alice, date(2026, 3, 1))
    with time_machine.travel(morning(date(2026, 5, 4)), tick=False):  # workers were down since the 27th
        run(tasks.daily_cycle)
    assert list(PayoutStep.objects.filter(report=report).values_list("step", flat=True)) == ["reminder-2"]
    assert len(mailoutbox) == 4  # assistant, admin, coordinator, client


def test_a_signed_month_gets_no_reminder(alice, mailoutbox):
    make_report(alice, date(2026, 3, 1), status="complete", completed_on=date(2026, 4, 30), signed=True)
    with time_machine.travel(morning(date(2026, 5, 3)), tick=False):
        run(tasks.daily_cycle)
    assert mailoutbox == []


# --- Idempotency --------------------------------------------------------------------


def test_the_daily_job_run_twice_sends_and_creates_nothing_twice(alice, mailoutbox):
    make_report(alice, date(2026, 3, 1))
    make_report(alice, date(2026, 1, 1), 1)  # long late
    for _ in range(2):
        call_command("run_payout_cycle", "--date", "2026-05-03")
    assert len(mailoutbox) == 4
    assert PayoutStep.objects.count() == 2
    assert set(PayoutStep.objects.values_list("state", "attempts")) == {("done", 1)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(alice, mailoutbox):
    for month in (1, 2, 3):
        make_report(alice, date(2026, month, 1), month % 2)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            jobs.daily(today=date(2026, 5, 3))
            jobs.payday(today=date(2026, 5, 5))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    # March's reminder (client 1): admin, coordinator and her restricted colleague, once each
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [alice.admin.email, alice.coordinator.email, alice.restricted_coordinator.email]
    )
    assert PayoutStep.objects.filter(step=jobs.LATE).count() == 2
    assert set(PayoutStep.objects.values_list("state", "attempts")) == {("done", 1)}


def test_a_claim_is_taken_by_one_caller_only_and_a_dead_workers_claim_is_taken_over(alice):
    report = make_report(alice, date(2026, 3, 1))
    row = jobs.step_row(provider_id=report.provider_id, client_id=report.client_id, month=report.month, step="x")
    assert (
        jobs.step_row(provider_id=report.provider_id, client_id=report.client_id, month=report.month, step="x") == row
    )
    now = timezone.now()
    assert jobs.claim(row, now) is True
    assert jobs.claim(row, now) is False
    assert jobs.claim(row, now + timedelta(hours=1)) is True  # past the task's hard time limit


# --- Documents on completion ---------------------------------------------------------


def complete_municipal_report(side):
    report = municipal_report(side)
    sign_everything(side, report)
    return services.sign_claim(actor=side.client_user, report=report, today=date(2026, 4, 15))


def test_a_completed_month_gets_its_pdfs_and_municipal_invoice_once(
    alice, media, eager, django_capture_on_commit_callbacks
):
    report = complete_municipal_report(alice)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.on_report_complete(report.pk)
        tasks.on_report_complete(report.pk)  # completed twice: the hook fires twice
    assert len(callbacks) == 2
    step = PayoutStep.objects.get(report=report, step=jobs.DOCUMENTS)
    assert step.state == "done" and step.attempts == 1
    assert Invoice.objects.filter(report=report).count() == 1
    files = sorted(p.name for p in media.rglob("*.pdf"))
    assert len(files) == 3 and len(step.detail["files"]) == 3  # claim, one time report, invoice
    assert step.detail["invoice"] == Invoice.objects.get(report=report).number
    call_command("run_payout_cycle", "--report", str(report.pk))  # the admin's re-run: nothing new
    assert sorted(p.name for p in media.rglob("*.pdf")) == files


def test_documents_never_made_are_caught_up_by_the_daily_job(alice, media):
    report = complete_municipal_report(alice)  # the on-commit task was lost
    run(tasks.daily_cycle, on="2026-04-16")
    assert PayoutStep.objects.get(report=report, step=jobs.DOCUMENTS).state == "done"
    assert Invoice.objects.filter(report=report).count() == 1


def test_the_documents_of_a_month_not_complete_are_refused_and_nothing_is_made(alice, media):
    report = make_report(alice, date(2026, 3, 1))
    with pytest.raises(CommandError, match="inte komplett"):
        call_command("run_payout_cycle", "--report", str(report.pk))
    assert not PayoutStep.objects.exists() and not Invoice.objects.exists()


def test_a_report_cannot_be_completed_twice(alice):
    report = complete_municipal_report(alice)
    with pytest.raises(services.ReportError) as excinfo:
        services.sign_claim(actor=alice.client_user, report=report, today=date(2026, 4, 16))
    assert "redan signerad" in excinfo.value.message
    report.refresh_from_db()
    assert report.completed_on == date(2026, 4, 15)


# --- Retries ------------------------------------------------------------------------


def test_a_broken_mail_server_is_retried_a_bounded_number_of_times_then_failed_and_rerun(
    alice, broken_mail, settings, mailoutbox
):
    report = make_report(alice, date(2026, 3, 1))
    with pytest.raises(SMTPException):
        run(tasks.daily_cycle, on="2026-05-03")
    step = PayoutStep.objects.get(report=report, step="reminder-2")
    assert broken_mail.calls == settings.PAYOUT_MAX_ATTEMPTS == tasks.daily_cycle.max_retries + 1
    assert step.state == "failed" and step.attempts == settings.PAYOUT_MAX_ATTEMPTS
    assert "SMTPException" in step.last_error
    run(tasks.daily_cycle, on="2026-05-03")  # failed stays failed until an admin re-runs it
    assert broken_mail.calls == settings.PAYOUT_MAX_ATTEMPTS
    flow = cashflow.cash_flow(reports=MonthlyReport.objects.all(), today=date(2026, 5, 3))
    assert flow.months[0].failed_steps == [step]  # visible on the page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("run_payout_cycle", "--date", "2026-05-03", "--retry-failed")
    step.refresh_from_db()
    assert step.state == "done" and step.attempts == 1 and step.last_error == ""
    assert len(mail.outbox) == 4


def test_celerys_autoretry_is_bounded_and_leaves_the_step_failed(alice, broken_mail, settings, celery_in_process):
    report = make_report(alice, date(2026, 3, 1))
    result = tasks.daily_cycle.apply(kwargs={"on": "2026-05-03"})
    assert result.state == "FAILURE" and isinstance(result.result, SMTPException)
    assert broken_mail.calls == settings.PAYOUT_MAX_ATTEMPTS
    step = PayoutStep.objects.get(report=report)
    assert step.state == "failed" and step.attempts == settings.PAYOUT_MAX_ATTEMPTS


def test_the_command_reports_steps_that_failed(alice, broken_mail):
    make_report(alice, date(2026, 3, 1))
    with pytest.raises(CommandError, match="--retry-failed"):
        call_command("run_payout_cycle", "--date", "2026-05-03", "--job", "daily")
    assert PayoutStep.objects.get().state == "failed"


class FlakyBackend(BaseEmailBackend):
    """Delivers the first message, then the connection drops once."""

    sent: list[str] = []
    broke = False

    def send_messages(self, email_messages):
        if len(type(self).sent) == 1 and not type(self).broke:
            type(self).broke = True
            raise ConnectionError("reset by peer")
        type(self).sent += [m.to[0] for m in email_messages]
        return len(email_messages)


def test_a_half_sent_reminder_is_retried_only_for_the_rest(alice, settings):
    report = make_report(alice, date(2026, 3, 1))
    FlakyBackend.sent, FlakyBackend.broke = [], False
    settings.EMAIL_BACKEND = "tests.billing.test_payout_cycle.FlakyBackend"
    run(tasks.daily_cycle, on="2026-05-03")
    assert FlakyBackend.broke
    assert len(FlakyBackend.sent) == len(set(FlakyBackend.sent)) == 4  # nobody got it twice
    step = PayoutStep.objects.get(report=report)
    assert step.state == "done" and step.attempts == 2 and sorted(step.detail["sent"]) == sorted(FlakyBackend.sent)


# --- Cash flow ------------------------------------------------------------------------


def test_cash_flow_shows_payout_days_blockers_and_what_came_in(alice, bob):
    complete = make_report(alice, date(2026, 3, 1), status="submitted", completed_on=date(2026, 4, 10), signed=True)
    draft = make_report(alice, date(2026, 3, 1), 1, amount="500")
    paid = make_report(alice, date(2026, 2, 1), status="submitted", completed_on=date(2026, 3, 2), signed=True)
    make_report(bob, date(2026, 3, 1))
    received = cashflow.record_received(report=paid, on=date(2026, 3, 20), amount="990,50")
    assert received.difference == Decimal("-9.50")
    flow = cashflow.cash_flow(reports=MonthlyReport.objects.filter(provider=alice.provider), today=date(2026, 4, 22))
    assert [(p.day, p.amount) for p in flow.payouts] == [
        (date(2026, 5, 5), Decimal("1000")),  # complete on the 10th → the 5th
        (date(2026, 5, 20), Decimal("500")),  # if completed today, the 22nd → the 20th of May
    ]
    rows = {r.report.pk: r for r in flow.months}
    assert rows[complete.pk].estimated is False and rows[draft.pk].estimated is True
    assert any("assistenten" in m for m in rows[draft.pk].missing)
    assert rows[draft.pk].not_payable[0]["reason"] == "W4"
    assert [(r.report.pk, r.paid, r.difference) for r in flow.received] == [
        (paid.pk, Decimal("990.50"), Decimal("-9.50"))
    ]


@pytest.mark.parametrize(
    ("status", "amount", "message"),
    [
        ("complete", "100", "inskickad"),  # not submitted
        ("submitted", "-1", "negativt"),
        ("submitted", "tusen", "inte ett tal"),
    ],
)
def test_a_bad_payment_is_refused_and_nothing_changes(alice, status, amount, message):
    report = make_report(alice, date(2026, 3, 1), status=status, completed_on=date(2026, 4, 10), signed=True)
    with pytest.raises(services.ReportError) as excinfo:
        cashflow.record_received(report=report, on=date(2026, 5, 5), amount=amount)
    assert message in excinfo.value.message
    report.refresh_from_db()
    assert report.status == status and report.paid_amount is None and report.paid_on is None


def test_the_cash_flow_page_is_for_the_providers_admins_and_coordinators_only(client, alice, bob):
    make_report(alice, date(2026, 3, 1), amount="1234.50")
    make_report(bob, date(2026, 3, 1), amount="999.00")
    for user in (alice.admin, alice.coordinator):
        client.force_login(user)
        response = client.get("/utbetalningar/")
        assert response.status_code == 200
        text = response.content.decode()
        assert "1\u00a0234,50\u00a0kr" in text and "999,00" not in text and "Ej ersättningsbara" in text
        assert 'name="viewport"' in text
    for user in (alice.assistant_user, alice.client_user):
        client.force_login(user)
        assert client.get("/utbetalningar/").status_code == 404
    client.force_login(alice.restricted_coordinator)  # only her client: not client 0
    assert "1\u00a0234,50" not in client.get("/utbetalningar/").content.decode()


def test_money_received_is_recorded_from_the_page_and_refusals_are_shown(client, alice, bob):
    report = make_report(alice, date(2026, 3, 1), status="submitted", completed_on=date(2026, 4, 10), signed=True)
    other = make_report(bob, date(2026, 3, 1), status="submitted", completed_on=date(2026, 4, 10), signed=True)
    client.force_login(alice.admin)
    response = client.post(
        "/utbetalningar/", {"report": report.pk, "paid_on": "2026-05-05", "amount": "-5"}, follow=True
    )
    assert "negativt" in response.content.decode()
    assert (
        client.post("/utbetalningar/", {"report": other.pk, "paid_on": "2026-05-05", "amount": "5"}).status_code == 404
    )
    response = client.post(
        "/utbetalningar/", {"report": report.pk, "paid_on": "2026-05-05", "amount": "1000.25"}, follow=True
    )
    assert "Skillnad mot räkningen: 0,25" in response.content.decode()
    report.refresh_from_db()
    other.refresh_from_db()
    assert report.paid_amount == Decimal("1000.25") and other.status == "submitted"


def test_the_beat_schedule_runs_both_jobs_daily():
    schedule = celery_app.conf.beat_schedule
    assert {entry["task"] for entry in schedule.values()} == {tasks.daily_cycle.name, tasks.payday_cycle.name}
    assert tasks.daily_cycle.max_retries >= 1 and tasks.daily_cycle.autoretry_for == jobs.TRANSIENT_ERRORS
    assert celery_app.conf.task_serializer == "json"


def test_the_cycle_runs_from_the_command_with_a_shift_based_month(alice, mailoutbox):
    a0, client = alice.assistants[0], alice.clients[0]
    add(alice.provider, a0, client, ("2026-03-05", "08:00"), ("2026-03-05", "16:00"))
    compute(alice, clients=[client])
    call_command("run_payout_cycle", "--date", "2026-04-28", "--job", "daily")
    assert {m.to[0] for m in mailoutbox} >= {alice.client_user.email, alice.coordinator.email}
    with pytest.raises(CommandError, match="ÅÅÅÅ-MM-DD"):
        call_command("run_payout_cycle", "--date", "28/4")
