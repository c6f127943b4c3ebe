"""The audit trail: one generic table (django-auditlog's entry, swapped in
through ``AUDITLOG_LOGENTRY_MODEL``) with the provider each entry belongs to.

An entry is written once and never changed or deleted through the app: the
model refuses it, and the admin has no add, change or delete permission.
"""

from __future__ import annotations

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from .registry import provider_id_of


class AuditEntryQuerySet(models.QuerySet):
    """No bulk rewrite or bulk removal either (``.update()``, ``.delete()``)."""

    def update(self, **kwargs):
        raise PermissionDenied("audit entries are never changed")

    def delete(self):
        raise PermissionDenied("audit entries are never deleted")


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    """Auditlog's manager, with the provider derived from the instance."""

    def log_create(self, instance, force_log: bool = False, **kwargs):
        kwargs.setdefault("provider_id", provider_id_of(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        kwargs.setdefault("provider_id", provider_id_of(instance))
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


class AuditEntry(AbstractLogEntry):
    # A plain id, not a foreign key: an entry outlives what it describes.
    provider_id = models.BigIntegerField(_("anordnare"), null=True, blank=True, db_index=True)

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("loggpost")
        verbose_name_plural = _("loggposter")
        indexes = [models.Index(fields=["provider_id", "-timestamp"], name="audit_provider_time")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("audit entries are never deleted")

    @property
    def is_export(self) -> bool:
        return self.action == self.Action.ACCESS and bool((self.additional_data or {}).get("export"))
