"""Provider-scoped reads of the audit trail. Only a provider admin reads it;
for everyone else the pages do not exist (404)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404

from assistans.models import Membership
from assistans.selectors import membership_of

from .models import AuditEntry
from .registry import tracked_models


def require_provider_admin(user) -> Membership:
    membership = membership_of(user)
    if membership is None or membership.role != Membership.Role.ADMIN:
        raise Http404("not a provider admin")
    return membership


def entries_for(user) -> QuerySet[AuditEntry]:
    membership = require_provider_admin(user)
    return AuditEntry.objects.filter(provider_id=membership.provider_id).select_related("actor", "content_type")


def tracked_content_types() -> list[ContentType]:
    """The kinds of object the trail covers (plus the provider, the object of
    an export entry), in the filter's order."""
    from assistans.models import Provider

    models = [*tracked_models(), Provider]
    types = ContentType.objects.get_for_models(*models)
    return sorted(types.values(), key=lambda ct: str(ct.model_class()._meta.verbose_name))


def history_of(user, *, content_type_id: int, object_id: int) -> QuerySet[AuditEntry]:
    """Every entry of one object of the admin's provider. An object the
    provider never had entries for (another provider's, or none) is a 404."""
    entries = entries_for(user).filter(content_type_id=content_type_id, object_id=object_id)
    if not entries.exists():
        raise Http404("no history")
    return entries
