"""Celery application. Without REDIS_URL the settings make tasks run eagerly
in-process, so the embedded default needs no broker."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("assistanstid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
