"""End to end with a real Redis broker and a real Celery worker process: a
job enqueued with apply_async is picked up by the worker, which claims and
finishes its PayoutStep in the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from billing import tasks
from billing.models import MonthlyReport, PayoutStep, TimeReport
from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def not_eager():
    """The producer must send to Redis, not run the task itself."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def worker(tmp_path):
    queue = f"payout-test-{uuid.uuid4().hex[:8]}"  # no other worker takes our job
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process, queue, tmp_path / "worker.log"
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    log.close()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_marks_a_late_month_once(alice, worker, not_eager):
    process, queue, log = worker
    now = timezone.now()
    report = MonthlyReport.objects.create(
        provider=alice.provider, client=alice.clients[0], month=date(2026, 3, 1), computed_at=now, ruleset="test"
    )
    TimeReport.objects.create(report=report, assistant=alice.assistants[0], minutes=60)
    for _ in range(2):  # enqueued twice: the step is claimed once
        tasks.daily_cycle.apply_async(kwargs={"on": "2026-11-24"}, queue=queue)
    deadline = time.monotonic() + 60
    step = None
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        step = PayoutStep.objects.filter(report=report, step="late").first()
        if step is not None and step.state == PayoutStep.State.DONE:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the worker did not finish the step in 60 s: {step}\n{log.read_text()}")
    time.sleep(2)  # let the second delivery run too
    step.refresh_from_db()
    assert step.attempts == 1 and step.on == date(2026, 5, 5)
    assert PayoutStep.objects.filter(report=report).count() == 1
    assert "billing.daily_cycle" in log.read_text()
