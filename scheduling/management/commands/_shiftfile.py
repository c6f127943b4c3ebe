"""What import_shifts and check_shifts share: finding the provider and
reading the file into rows or a list of row errors."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from assistans import identity
from assistans.models import Provider
from scheduling import importing


def add_common_arguments(parser) -> None:
    parser.add_argument("file", type=Path, help="CSV or JSON schedule file (docs/import-format.md)")
    parser.add_argument("--provider", help="The provider's organisation number (needed when there are several)")


def resolve_provider(value: str | None) -> Provider:
    if value:
        try:
            number = identity.normalize_org_number(value)
        except identity.InvalidNumber as exc:
            raise CommandError(exc.message) from exc
        provider = Provider.objects.filter(org_number=number).first()
        if provider is None:
            raise CommandError(f"Ingen anordnare med organisationsnummer {value}.")
        return provider
    providers = list(Provider.objects.all()[:2])
    if len(providers) != 1:
        raise CommandError("Ange anordnaren med --provider ORGANISATIONSNUMMER.")
    return providers[0]


def read(path: Path, provider: Provider):
    if not path.exists():
        raise CommandError(f"Filen {path} finns inte.")
    try:
        rows = importing.read_rows(path)
    except importing.FileError as exc:
        raise CommandError(exc.message) from exc
    return importing.parse_rows(rows, provider)
