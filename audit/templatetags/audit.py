"""Template helpers of the audit trail."""

from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from ..display import ACTION_LABELS
from ..registry import TRACKED

register = template.Library()


@register.filter
def audit_action(value: int) -> str:
    return str(ACTION_LABELS.get(value, value))


@register.simple_tag
def audit_history_url(obj) -> str:
    """The object's history page, for a tracked model ('' otherwise)."""
    if obj is None or getattr(obj, "pk", None) is None or obj._meta.label not in TRACKED:
        return ""
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("audit-object", kwargs={"content_type": content_type.pk, "pk": obj.pk})


@register.filter
def audit_kind(entry) -> str:
    model = entry.content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else entry.content_type.model


@register.filter
def audit_where(entry) -> str:
    """The address the change came from, or how it was made without one."""
    return entry.remote_addr or (entry.additional_data or {}).get("source") or "–"


@register.filter
def audit_export(entry) -> dict:
    data = entry.additional_data or {}
    return {"what": data.get("export", ""), "personal_numbers": bool(data.get("contains_personal_numbers"))}
