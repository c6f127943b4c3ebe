"""The month's reports as files, without the web UI: the same documents the
UI offers (claim and time-report PDFs, CSV and JSON exports)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assistans.models import Client, Provider
from audit.services import COMMAND_LINE, record_export
from billing import exports, services
from billing.models import MonthlyReport
from billing.pdf import ClaimRenderer, ProviderSummaryRenderer, TimeReportRenderer


def parse_month(value: str) -> date:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError as exc:
        raise CommandError("Ange månaden som ÅÅÅÅ-MM, t.ex. 2026-03.") from exc


class Command(BaseCommand):
    help = "Compute a month's reports and write them as JSON, CSV or PDF files."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, type=parse_month, help="YYYY-MM")
        parser.add_argument("--client", type=int, help="Only this client (id)")
        parser.add_argument("--provider", type=int, help="Provider id (needed when there are several)")
        parser.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
        parser.add_argument("--out", type=Path, required=True, help="Directory to write into")

    def handle(self, *args, month, client, provider, format, out, **options):
        provider_obj = self._provider(provider, client)
        clients = None
        if client is not None:
            clients = list(Client.objects.filter(pk=client, provider=provider_obj))
            if not clients:
                raise CommandError(f"Ingen brukare med id {client} hos {provider_obj}.")
        try:
            services.compute_reports(provider=provider_obj, month=month, today=timezone.localdate(), clients=clients)
        except services.ReportError as exc:
            raise CommandError(exc.message) from exc
        reports = MonthlyReport.objects.filter(provider=provider_obj, month=month).exclude(
            status=MonthlyReport.Status.SUPERSEDED
        )
        if clients is not None:
            reports = reports.filter(client__in=clients)
        reports = list(reports.order_by("client_id"))
        if not reports:
            raise CommandError(f"Inga pass eller redovisningar för {month:%Y-%m}.")
        out.mkdir(parents=True, exist_ok=True)
        written = [self._write(out, name, content) for name, content in self._files(reports, format, month)]
        # Every format carries personnummer (FK's forms need them): recorded.
        for report in reports:
            record_export(
                actor=None,
                provider=provider_obj,
                obj=report,
                what=f"monthly_report {month:%Y-%m} {format}, brukare {report.client_id}",
                contains_personal_numbers=True,
                source=COMMAND_LINE,
            )
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"{len(written)} filer skrivna till {out}."))

    def _provider(self, provider_id, client_id) -> Provider:
        if provider_id is not None:
            found = Provider.objects.filter(pk=provider_id).first()
        elif client_id is not None:
            found = Provider.objects.filter(clients__pk=client_id).first()
        else:
            providers = list(Provider.objects.all()[:2])
            found = providers[0] if len(providers) == 1 else None
            if found is None:
                raise CommandError("Ange anordnaren med --provider ID.")
        if found is None:
            raise CommandError("Okänd anordnare eller brukare.")
        return found

    def _files(self, reports, format, month):
        tag = f"{month:%Y-%m}"
        snapshots = [r.snapshot for r in reports]
        if format == "json":
            for report in reports:
                yield f"{tag}-brukare-{report.client_id}.json", exports.month_json(report.snapshot)
            if len(reports) > 1:
                yield f"{tag}-anordnare.json", exports.provider_json(snapshots)
        elif format == "csv":
            for report in reports:
                yield f"{tag}-brukare-{report.client_id}.csv", exports.month_csv(report.snapshot)
            if len(reports) > 1:
                yield f"{tag}-anordnare.csv", exports.provider_csv(snapshots)
        else:
            for report in reports:
                name, _mime, data = ClaimRenderer(report.snapshot).render()
                yield name, data
                for tr in report.snapshot["time_reports"]:
                    name, _mime, data = TimeReportRenderer(report.snapshot, tr["assistant"]["id"]).render()
                    yield name, data
            name, _mime, data = ProviderSummaryRenderer(snapshots, snapshots[0]["provider"], tag).render()
            yield name, data

    def _write(self, out: Path, name: str, content) -> Path:
        path = out / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path
