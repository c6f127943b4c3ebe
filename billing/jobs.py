"""The payout-cycle jobs (RULES.md §9, P1-P4): reminders before the deadline,
late and due marks, the payday summary and the month's documents.

Every job is safe to run twice (STYLE.md 7): each unit of work is a
:class:`~billing.models.PayoutStep` row with a unique business key (provider,
client, month, step). A worker claims the row with a conditional UPDATE and
goes on only if it changed one row, so two runs, or two workers at once, send
nothing twice and create nothing twice. A job looks at every month whose step
is not done, not only at "today", so a run missed while the workers were down
is caught up by the next one.

Failures (STYLE.md 8): a transient one (the mail server is down) puts the step
back to pending and is raised after the other steps have run, so the Celery
task retries it with back-off; after ``PAYOUT_MAX_ATTEMPTS`` claims the step is
left ``failed``, visible in the cash-flow page and re-run with
``manage.py run_payout_cycle --retry-failed``. No mail or file I/O happens
inside a database transaction.

The jobs take ``today`` (and ``now``) as arguments: time is an argument.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from assistans.models import Membership, Provider
from scheduling.models import Shift
from scheduling.rules.timeutil import local_midnight

from . import payout, services
from .models import MonthlyReport, PayoutStep
from .pdf import ClaimRenderer, InvoiceRenderer, TimeReportRenderer
from .tasks import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)

DOCUMENTS = "documents"
LATE = "late"
DUE = "due"

State = PayoutStep.State
CURRENT = ~Q(status=MonthlyReport.Status.SUPERSEDED)


def reminder_days() -> tuple[int, ...]:
    return tuple(sorted(getattr(settings, "PAYOUT_REMINDER_DAYS", (7, 2)), reverse=True))


def max_attempts() -> int:
    return getattr(settings, "PAYOUT_MAX_ATTEMPTS", 4)


def _stale_after() -> timedelta:
    """A running claim older than the task's hard time limit belongs to a dead worker."""
    return timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 600))


@dataclass
class JobResult:
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"done": self.done, "skipped": self.skipped, "failed": self.failed}

    def merge(self, other: JobResult) -> JobResult:
        self.done += other.done
        self.skipped += other.skipped
        self.failed += other.failed
        self.errors += other.errors
        return self

    def raise_transient(self) -> None:
        """Re-raise the first transient error so the task retries the job."""
        if self.errors:
            raise self.errors[0]


# --- Claims ----------------------------------------------------------------------


def step_row(
    *,
    provider_id: int,
    client_id: int | None,
    month: date,
    step: str,
    report_id: int | None = None,
    on: date | None = None,
) -> PayoutStep:
    """The step's row, created once: a concurrent creator loses on the unique key."""
    key = {"provider_id": provider_id, "client_id": client_id, "month": month, "step": step}
    row = PayoutStep.objects.filter(**key).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return PayoutStep.objects.create(**key, report_id=report_id, on=on)
    except IntegrityError:
        return PayoutStep.objects.get(**key)


def claim(row: PayoutStep, now: datetime) -> bool:
    """The conditional UPDATE: True only for the one caller that changed the row."""
    claimable = Q(state=State.PENDING) | Q(state=State.RUNNING, claimed_at__lt=now - _stale_after())
    changed = (
        PayoutStep.objects.filter(claimable, pk=row.pk)
        .filter(attempts__lt=max_attempts())
        .update(state=State.RUNNING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return changed == 1


def run_step(row: PayoutStep, action: Callable[[PayoutStep], dict], *, now: datetime) -> JobResult:
    """Claim ``row``, run ``action`` outside any transaction, record the outcome."""
    result = JobResult()
    label = f"{row.step}:{row.client_id or row.provider_id}:{row.month:%Y-%m}"
    if row.state == State.DONE or not claim(row, now):
        result.skipped.append(label)
        return result
    row.refresh_from_db()
    try:
        detail = action(row)
    except TRANSIENT_ERRORS as exc:
        gave_up = row.attempts >= max_attempts()
        PayoutStep.objects.filter(pk=row.pk).update(
            state=State.FAILED if gave_up else State.PENDING, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("payout step %s failed (attempt %s): %s", label, row.attempts, exc)
        (result.failed if gave_up else result.skipped).append(label)
        result.errors.append(exc)
        return result
    except services.ReportError as exc:
        PayoutStep.objects.filter(pk=row.pk).update(state=State.FAILED, last_error=exc.message)
        result.failed.append(label)
        return result
    except Exception as exc:  # a bug is not transient: visible, not retried
        logger.exception("payout step %s failed", label)
        PayoutStep.objects.filter(pk=row.pk).update(state=State.FAILED, last_error=f"{type(exc).__name__}: {exc}")
        result.failed.append(label)
        return result
    PayoutStep.objects.filter(pk=row.pk, state=State.RUNNING).update(
        state=State.DONE, done_at=timezone.now(), last_error="", detail={**row.detail, **detail}
    )
    result.done.append(label)
    return result


def reset_failed(*, step_ids: Iterable[int] | None = None) -> int:
    """The admin's re-run: failed steps become pending with fresh attempts."""
    rows = PayoutStep.objects.filter(state=State.FAILED)
    if step_ids is not None:
        rows = rows.filter(pk__in=list(step_ids))
    return rows.update(state=State.PENDING, attempts=0)


# --- Mail --------------------------------------------------------------------------


def _send_once(row: PayoutStep, messages: list[tuple[str, str, str]]) -> dict:
    """Send (recipient, subject, body) messages, remembering each one sent on
    the row, so a retry after a half-sent step sends only the rest."""
    sent = list(row.detail.get("sent", []))
    connection = get_connection()
    for recipient, subject, body in messages:
        if recipient in sent:
            continue
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], connection=connection).send()
        sent.append(recipient)
        row.detail = {**row.detail, "sent": sent}
        PayoutStep.objects.filter(pk=row.pk).update(detail=row.detail)
    return {"sent": sent}


def reminder_recipients(report: MonthlyReport) -> dict[str, list[str]]:
    """Who has a signature missing: e-mail → what they have to sign."""
    wanted: dict[str, list[str]] = {}
    managers = Membership.objects.filter(
        provider_id=report.provider_id, role__in=[Membership.Role.ADMIN, Membership.Role.COORDINATOR]
    ).filter(Q(all_clients=True) | Q(clients=report.client_id))
    for tr in report.time_reports.select_related("assistant", "assistant__user"):
        if not tr.assistant_signed_at:
            assistant = tr.assistant
            emails = {assistant.email} | {
                m.user.email for m in Membership.objects.filter(assistant=assistant).select_related("user")
            }
            for email in filter(None, emails):
                wanted.setdefault(email, []).append("din tidsredovisning")
        if not tr.provider_signed_at:
            for m in managers.select_related("user").distinct():
                if m.user.email:
                    wanted.setdefault(m.user.email, []).append(f"tidsredovisningen för {tr.assistant}")
    if not report.client_signed_at:
        clients = Membership.objects.filter(
            provider_id=report.provider_id, role=Membership.Role.CLIENT, clients=report.client_id
        ).select_related("user")
        for m in clients:
            if m.user.email:
                wanted.setdefault(m.user.email, []).append("räkningen")
    return wanted


def _reminder(report: MonthlyReport, days: int) -> Callable[[PayoutStep], dict]:
    def action(row: PayoutStep) -> dict:
        last_day = payout.deadline(report.month)
        subject = f"Påminnelse: signera redovisningen för {report.month:%Y-%m} senast {last_day:%Y-%m-%d}"
        messages = []
        for email, what in sorted(reminder_recipients(report).items()):
            body = (
                f"Hej!\n\nMånadsredovisningen för {report.client}, {report.month:%Y-%m}, måste vara hos "
                f"Försäkringskassan senast {last_day:%Y-%m-%d}. Det som saknar din signatur: "
                f"{', '.join(what)}.\n\nLogga in i Assistanstid och signera.\n"
            )
            messages.append((email, subject, body))
        return {**_send_once(row, messages), "days_before": days}

    return action


# --- The daily job -------------------------------------------------------------------


def _current_reports():
    return MonthlyReport.objects.filter(CURRENT).select_related("client", "provider")


def remind(*, today: date, now: datetime) -> JobResult:
    """P4: the nearest reminder due for every unsigned month whose deadline is
    near. A run missed on day 7 is caught up on day 5; once the 2-day
    reminder is due, the 7-day one is no longer sent."""
    result = JobResult()
    days = reminder_days()
    if not days:
        return result
    for report in _current_reports().filter(status=MonthlyReport.Status.DRAFT):
        left = (payout.deadline(report.month) - today).days
        if not 0 <= left <= days[0]:
            continue
        nearest = min(d for d in days if left <= d)
        row = step_row(
            provider_id=report.provider_id,
            client_id=report.client_id,
            month=report.month,
            step=f"reminder-{nearest}",
            report_id=report.pk,
            on=payout.deadline(report.month),
        )
        result.merge(run_step(row, _reminder(report, nearest), now=now))
    return result


def late_received_on(report: MonthlyReport, today: date) -> date | None:
    """The day that makes the report late (P3), or None while it is on time."""
    last_day = payout.deadline(report.month)
    if report.submitted_on is not None:
        return report.submitted_on if report.submitted_on > last_day else None
    return today if today > last_day else None


def mark_late(*, today: date, now: datetime) -> JobResult:
    """P3: a report past its deadline is marked late (its payout is at risk)."""
    result = JobResult()
    for report in _current_reports():
        received = late_received_on(report, today)
        if received is None:
            continue
        row = step_row(
            provider_id=report.provider_id,
            client_id=report.client_id,
            month=report.month,
            step=LATE,
            report_id=report.pk,
            on=payout.deadline(report.month),
        )
        detail = {"deadline": payout.deadline(report.month).isoformat(), "noticed_on": received.isoformat()}
        result.merge(run_step(row, lambda row, detail=detail: detail, now=now))
    return result


def documents(*, report_id: int, today: date, now: datetime) -> JobResult:
    """The complete month's claim and time-report PDFs and the municipal
    invoice (P5), made once. A report that is not complete is refused."""
    report = MonthlyReport.objects.select_related("provider").get(pk=report_id)
    if report.completed_on is None or report.status not in (
        MonthlyReport.Status.COMPLETE,
        MonthlyReport.Status.SUBMITTED,
        MonthlyReport.Status.PAID,
    ):
        raise services.ReportError(
            "M2", "Redovisningen är inte komplett; inga dokument skapas.", f"report {report_id} is not complete"
        )
    row = step_row(
        provider_id=report.provider_id,
        client_id=report.client_id,
        month=report.month,
        step=DOCUMENTS,
        report_id=report.pk,
        on=report.completed_on,
    )

    def action(row: PayoutStep) -> dict:
        folder = f"utbetalning/{report.provider_id}/{report.month:%Y-%m}/v{report.version}"
        files = [ClaimRenderer(report.snapshot).render()]
        for tr in report.snapshot["time_reports"]:
            files.append(TimeReportRenderer(report.snapshot, tr["assistant"]["id"]).render())
        invoice = services.issue_invoice(report=report, today=today)  # returns the first one when run twice
        if invoice is not None:
            files.append(InvoiceRenderer(invoice.snapshot).render())
        written = []
        for name, _mime, data in files:
            path = f"{folder}/{name}"
            if default_storage.exists(path):  # a half-done earlier run: overwrite, don't add a copy
                default_storage.delete(path)
            written.append(default_storage.save(path, ContentFile(data)))
        return {"files": written, "invoice": invoice.number if invoice else None}

    return run_step(row, action, now=now)


def catch_up_documents(*, today: date, now: datetime) -> JobResult:
    """Complete months whose documents were never made (the on-commit task was lost)."""
    result = JobResult()
    made = PayoutStep.objects.filter(step=DOCUMENTS, state__in=[State.DONE, State.FAILED]).values("report_id")
    reports = (
        _current_reports()
        .filter(completed_on__isnull=False, status__in=[MonthlyReport.Status.COMPLETE, MonthlyReport.Status.SUBMITTED])
        .exclude(pk__in=made)
    )
    for report_id in reports.values_list("pk", flat=True):
        result.merge(documents(report_id=report_id, today=today, now=now))
    return result


def refresh_findings(*, today: date) -> JobResult:
    """Keep the engine's findings for the month that last ended stored and
    current for every provider with shifts in it, so computing that month's
    reports reads them instead of running the engine again (see
    docs/performance.md). A provider whose stored findings are current costs
    one query; one provider's failure does not stop the others."""
    result = JobResult()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    start, end = local_midnight(month), local_midnight(today.replace(day=1))
    with_shifts = Shift.objects.filter(start__lt=end, end__gt=start).values("provider_id")
    for provider in Provider.objects.filter(pk__in=with_shifts).order_by("pk"):
        key = f"findings provider {provider.pk} {month:%Y-%m}"
        try:
            ran = services.refresh_findings(provider=provider, month=month)
        except Exception as exc:
            logger.exception("storing the engine's findings failed for provider %s, %s", provider.pk, f"{month:%Y-%m}")
            result.failed.append(f"{key}: {type(exc).__name__}")
            continue
        (result.done if ran else result.skipped).append(key)
    return result


def daily(*, today: date, now: datetime | None = None) -> JobResult:
    now = now or timezone.now()
    result = remind(today=today, now=now)
    result.merge(mark_late(today=today, now=now))
    result.merge(catch_up_documents(today=today, now=now))
    result.merge(refresh_findings(today=today))
    return result


# --- The payday job ------------------------------------------------------------------


def payout_days(year: int) -> list[tuple[date, date]]:
    """(nominal, actual) payout days of a year: the 5th and the 20th, moved to
    the nearest earlier bank day (P2)."""
    return [
        (date(year, month, day), payout.bank_day_before_or_on(date(year, month, day)))
        for month in range(1, 13)
        for day in (5, 20)
    ]


def last_payout_day(today: date) -> tuple[date, date]:
    """The latest (nominal, actual) payout day on or before ``today``."""
    days = payout_days(today.year - 1) + payout_days(today.year)
    return max((d for d in days if d[1] <= today), key=lambda d: d[1])


def expected_on(report: MonthlyReport) -> date | None:
    if report.completed_on is None:
        return None
    return payout.expected_payout(
        report.completed_on,
        report.month,
        inclusive_boundary=settings.ASSISTANSTID["PAYOUT_BOUNDARY_INCLUSIVE"],
    )


def mark_due(*, today: date, now: datetime) -> JobResult:
    """Every complete, unpaid month whose expected payout day has come is
    marked due, also one whose payday passed while the workers were down."""
    result = JobResult()
    reports = _current_reports().filter(
        completed_on__isnull=False, status__in=[MonthlyReport.Status.COMPLETE, MonthlyReport.Status.SUBMITTED]
    )
    for report in reports:
        day = expected_on(report)
        if day is None or day > today:
            continue
        row = step_row(
            provider_id=report.provider_id,
            client_id=report.client_id,
            month=report.month,
            step=DUE,
            report_id=report.pk,
            on=day,
        )
        detail = {"expected_on": day.isoformat(), "amount": f"{report.amount:.2f}"}
        result.merge(run_step(row, lambda row, detail=detail: detail, now=now))
    return result


def summarise(*, today: date, now: datetime) -> JobResult:
    """The provider's summary of the latest payday: what is expected that day
    and what still blocks other months. Sent once per provider and payday."""
    result = JobResult()
    nominal, actual = last_payout_day(today)
    expected: dict[int, list[MonthlyReport]] = {}
    for report in _current_reports().filter(completed_on__isnull=False).exclude(status=MonthlyReport.Status.DRAFT):
        if expected_on(report) == actual:
            expected.setdefault(report.provider_id, []).append(report)
    for provider_id, reports in sorted(expected.items()):
        row = step_row(
            provider_id=provider_id,
            client_id=None,
            month=nominal.replace(day=1),
            step=f"summary-{nominal.day:02d}",
            on=actual,
        )
        result.merge(run_step(row, _summary(provider_id, actual, reports), now=now))
    return result


def _summary(provider_id: int, day: date, reports: list[MonthlyReport]) -> Callable[[PayoutStep], dict]:
    def action(row: PayoutStep) -> dict:
        total = sum((r.amount for r in reports), start=Decimal(0))
        lines = [f"- {r.client}, {r.month:%Y-%m}: {r.amount:.2f} kr ({r.get_status_display()})" for r in reports]
        drafts = _current_reports().filter(provider_id=provider_id, status=MonthlyReport.Status.DRAFT).count()
        body = (
            f"Utbetalningsdag {day:%Y-%m-%d}.\n\nFörväntade utbetalningar från Försäkringskassan:\n"
            + "\n".join(lines)
            + f"\n\nSumma: {total:.2f} kr.\nMånader som fortfarande saknar signaturer: {drafts}.\n"
        )
        subject = f"Utbetalningsdag {day:%Y-%m-%d}: {total:.2f} kr förväntas"
        admins = Membership.objects.filter(provider_id=provider_id, role=Membership.Role.ADMIN).select_related("user")
        messages = [(m.user.email, subject, body) for m in admins if m.user.email]
        return {**_send_once(row, messages), "total": f"{total:.2f}", "reports": [r.pk for r in reports]}

    return action


def payday(*, today: date, now: datetime | None = None) -> JobResult:
    now = now or timezone.now()
    result = mark_due(today=today, now=now)
    result.merge(summarise(today=today, now=now))
    return result
