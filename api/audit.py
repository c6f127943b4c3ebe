"""The API's call into the audit trail: an export that contains
personnummer is recorded (``audit.services.record_export``)."""

from __future__ import annotations

from audit import services as audit_services


def record_export(*, request, report, file_format: str) -> None:
    """Record that ``request.user`` exported ``report`` (with personnummer)."""
    audit_services.record_export(
        actor=request.user,
        provider=report.provider,
        what=f"månadsexport {report.month:%Y-%m} {file_format.upper()}, brukare {report.client_id}, "
        f"version {report.version} (API)",
        contains_personal_numbers=True,
        request=getattr(request, "_request", request),
        obj=report,
    )
