"""The payout cycle without Redis: the same tasks beat would run, executed
in-process (with the same bounded retries), for a given day."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from billing import jobs, services, tasks
from billing.jobs import TRANSIENT_ERRORS


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError("Ange dagen som ÅÅÅÅ-MM-DD, t.ex. 2026-03-05.") from exc


class Command(BaseCommand):
    help = "Run the payout-cycle jobs (reminders, late and due marks, payday summary, documents) in-process."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_day, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--job", choices=["daily", "payday", "all"], default="all")
        parser.add_argument("--report", type=int, help="Only make this report's documents (id)")
        parser.add_argument("--retry-failed", action="store_true", help="Run failed steps again")

    def handle(self, *args, date, job, report, retry_failed, **options):
        on = date.isoformat() if date else None
        if retry_failed:
            count = jobs.reset_failed()
            self.stdout.write(f"{count} misslyckade steg körs om.")
        if report is not None:
            runs = [(tasks.report_documents, {"report_id": report, "on": on})]
        else:
            runs = []
            if job in ("daily", "all"):
                runs.append((tasks.daily_cycle, {"on": on}))
            if job in ("payday", "all"):
                runs.append((tasks.payday_cycle, {"on": on}))
        failed = []
        for task, kwargs in runs:
            try:
                outcome = tasks.run_in_process(task, **kwargs)
            except services.ReportError as exc:
                raise CommandError(exc.message) from exc
            except TRANSIENT_ERRORS as exc:
                failed.append(f"{task.name}: {exc}")
                continue
            self.stdout.write(
                f"{task.name}: {len(outcome['done'])} klara, {len(outcome['skipped'])} redan gjorda eller väntande, "
                f"{len(outcome['failed'])} misslyckade"
            )
            failed += outcome["failed"]
        if failed:
            raise CommandError(
                "Misslyckade steg (kör om med --retry-failed när felet är åtgärdat): " + ", ".join(failed)
            )
        self.stdout.write(self.style.SUCCESS("Utbetalningscykeln är körd."))
