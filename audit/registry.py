"""Which models the audit trail tracks, and how an entry finds its provider.

Every tracked model is listed once in ``TRACKED`` with the attribute path from
an instance to its provider's id. The path is read from the instance in
memory, so it works for a row that is being deleted as well. Personnummer are
masked in the stored before/after values (the trail must not become a second
copy of them), and the frozen month snapshots are stored as a digest: they are
large, hold personnummer, and are never edited once sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.apps import apps

from assistans import identity


@dataclass(frozen=True)
class Tracked:
    provider_path: str  # e.g. "client.provider_id"
    mask_fields: tuple[str, ...] = ()
    mask_callable: str | None = None
    exclude_fields: tuple[str, ...] = ()
    m2m_fields: tuple[str, ...] = field(default=())


_PERSONAL = "audit.registry.mask_personal_number"
_DIGEST = "audit.registry.digest"

#: "app_label.Model" → how to track it. The issue names shifts, decisions,
#: employments, reports and invoices; the registry rows they hang on are
#: tracked as well.
TRACKED: dict[str, Tracked] = {
    "scheduling.Shift": Tracked("provider_id"),
    "scheduling.RuleException": Tracked("shift.provider_id"),
    "scheduling.Deviation": Tracked("provider_id"),
    "scheduling.StaffAbsence": Tracked("provider_id"),
    "assistans.Decision": Tracked("client.provider_id"),
    "assistans.Employment": Tracked("employer_id"),
    "assistans.Assignment": Tracked("client.provider_id"),
    "assistans.Client": Tracked("provider_id", mask_fields=("personal_number",), mask_callable=_PERSONAL),
    "assistans.Assistant": Tracked("provider_id", mask_fields=("personal_number",), mask_callable=_PERSONAL),
    "assistans.Membership": Tracked("provider_id", m2m_fields=("clients",)),
    "assistans.Absence": Tracked("client.provider_id"),
    "billing.MonthlyReport": Tracked("provider_id", mask_fields=("snapshot",), mask_callable=_DIGEST),
    "billing.TimeReport": Tracked("report.provider_id"),
    "billing.Invoice": Tracked("provider_id", mask_fields=("snapshot",), mask_callable=_DIGEST),
    # Who made or revoked an API key; never the key's hash.
    "api.ApiToken": Tracked("provider_id", exclude_fields=("secret_hash",)),
}


def mask_personal_number(value: str) -> str:
    """A stored number as YYMMDD-****; an empty side of a change stays empty."""
    if value in ("", "None"):
        return ""
    return identity.mask(value)


def digest(value: str) -> str:
    """Enough to see that a frozen document changed, nothing of its content."""
    if value in ("", "None"):
        return ""
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:16]


def tracked_models() -> dict:
    return {apps.get_model(label): spec for label, spec in TRACKED.items()}


def register_tracked_models() -> None:
    from auditlog.registry import auditlog

    for model, spec in tracked_models().items():
        auditlog.register(
            model,
            mask_fields=list(spec.mask_fields),
            mask_callable=spec.mask_callable,
            exclude_fields=list(spec.exclude_fields),
            m2m_fields=set(spec.m2m_fields),
        )


def provider_id_of(instance) -> int | None:
    """The provider an instance of a tracked model belongs to (None for an
    untracked model, or a row whose chain is broken)."""
    spec = TRACKED.get(instance._meta.label)
    if spec is None:
        return None
    value = instance
    for part in spec.provider_path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value
