"""Forget stored answers to idempotent POSTs older than --hours (default 48).
Safe to run twice; run it daily (cron or Celery beat)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from api import idempotency


class Command(BaseCommand):
    help = "Delete stored idempotency keys older than --hours (default 48)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=48)

    def handle(self, *args, hours: int, **options):
        deleted = idempotency.purge(older_than=timezone.now() - timedelta(hours=hours))
        self.stdout.write(f"deleted {deleted} idempotency keys older than {hours} h")
