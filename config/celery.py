"""Celery application. Without REDIS_URL the settings make tasks run eagerly
in-process, so the embedded default needs no broker."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("assistanstid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs) -> None:
    """A worker logs through settings.LOGGING, whose handlers mask personnummer
    (audit/logging.py), instead of replacing them with Celery's own."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
