from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from scheduling import importing, services

from ._shiftfile import add_common_arguments, read, resolve_provider


class Command(BaseCommand):
    help = "Import shifts from a CSV or JSON file: all rows or none. Every bad row is reported with its line."

    def add_arguments(self, parser):
        add_common_arguments(parser)

    def handle(self, *args, file, provider, **options):
        provider_obj = resolve_provider(provider)
        parsed, errors = read(file, provider_obj)
        saved = 0
        if not errors:
            with transaction.atomic():
                for row in parsed:
                    try:
                        services.record_shift(actor=None, provider=provider_obj, data=row.data)
                        saved += 1
                    except services.ShiftRefused as refused:
                        for finding in refused.findings:
                            errors.append(importing.RowError(row.line, finding.code, finding.message))
                if errors:
                    transaction.set_rollback(True)
        if errors:
            for error in errors:
                self.stderr.write(f"rad {error.line}: {error.field}: {error.message}")
            self.stderr.write(f"Inget importerades: {len(errors)} fel i {file}.")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"{saved} pass importerade från {file}."))
