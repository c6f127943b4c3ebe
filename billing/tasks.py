"""Celery tasks of the payout cycle: thin wrappers that parse ids and dates,
call one job in :mod:`billing.jobs` and let Celery retry what is transient.

Arguments are ids and ISO dates (JSON), never model instances; a task that
needs a new row is enqueued with ``transaction.on_commit`` so no worker starts
before the row exists (STYLE.md 6). The jobs are imported inside the tasks so
``billing.services`` can import :func:`on_report_complete` without a cycle.
"""

from __future__ import annotations

from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

#: What is worth retrying: the mail server (or the network) is away for a while.
TRANSIENT_ERRORS = (SMTPException, ConnectionError, OSError)

RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 60,  # 1, 2, 4 … minutes
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": getattr(settings, "PAYOUT_MAX_ATTEMPTS", 4) - 1,
    "acks_late": True,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
}


def _day(on: str | None) -> date:
    return date.fromisoformat(on) if on else timezone.localdate()


def _daily(on: str | None = None) -> dict:
    from . import jobs

    result = jobs.daily(today=_day(on))
    result.raise_transient()
    return result.as_dict()


def _payday(on: str | None = None) -> dict:
    from . import jobs

    result = jobs.payday(today=_day(on))
    result.raise_transient()
    return result.as_dict()


def _documents(report_id: int, on: str | None = None) -> dict:
    from . import jobs

    result = jobs.documents(report_id=report_id, today=_day(on), now=timezone.now())
    result.raise_transient()
    return result.as_dict()


@shared_task(name="billing.daily_cycle", **RETRY)
def daily_cycle(on: str | None = None) -> dict:
    """Reminders before the deadline, late marks, documents never made."""
    return _daily(on)


@shared_task(name="billing.payday_cycle", **RETRY)
def payday_cycle(on: str | None = None) -> dict:
    """Due marks and the provider's summary for the latest payout day."""
    return _payday(on)


@shared_task(name="billing.report_documents", **RETRY)
def report_documents(report_id: int, on: str | None = None) -> dict:
    """The complete month's PDFs and municipal invoice."""
    return _documents(report_id, on)


_BODIES = {daily_cycle.name: _daily, payday_cycle.name: _payday, report_documents.name: _documents}


def run_in_process(task, **kwargs) -> dict:
    """What a worker would do, without one (``manage.py run_payout_cycle``):
    the same body and the same bound on transient failures, without the
    back-off wait. The last transient error is raised."""
    body = _BODIES[task.name]
    attempt = 0
    while True:
        attempt += 1
        try:
            return body(**kwargs)
        except TRANSIENT_ERRORS:
            if attempt > task.max_retries:
                raise


def on_report_complete(report_id: int) -> None:
    """Call inside the transaction that makes a report complete: the documents
    task is enqueued only once that transaction has committed."""
    transaction.on_commit(lambda: report_documents.delay(report_id))
