"""Writes to the audit trail that are not model changes (those are recorded
by auditlog's signals): exports of personal data."""

from __future__ import annotations

from auditlog.models import AbstractLogEntry
from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry
from .network import client_ip

COMMAND_LINE = "kommandorad"


def record_export(
    *,
    actor,
    provider,
    what: str,
    contains_personal_numbers: bool,
    request=None,
    obj=None,
    source: str | None = None,
) -> AuditEntry:
    """Record that ``what`` (e.g. "månadsexport 2026-03 CSV, brukare 101") was
    exported. The entry is an ACCESS entry on ``obj`` (the report exported) or,
    without one, on the provider; ``source`` says through what (the request's
    path, or "kommandorad" for a management command)."""
    target = obj if obj is not None else provider
    user = actor if getattr(actor, "is_authenticated", False) else None
    if source is None:
        source = request.path if request is not None else COMMAND_LINE
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_pk=str(target.pk),
        object_id=target.pk,
        object_repr=str(target)[:500],
        action=AbstractLogEntry.Action.ACCESS,
        changes={},
        actor=user,
        actor_email=getattr(user, "email", None) or None,
        remote_addr=client_ip(request) if request is not None else None,
        provider_id=provider.pk,
        additional_data={
            "export": what,
            "contains_personal_numbers": bool(contains_personal_numbers),
            "source": source,
        },
    )
