"""The audit trail in Django admin: read only for everyone, superusers
included, and scoped to the provider for a provider's staff user."""

from __future__ import annotations

from auditlog.admin import LogEntryAdmin
from django.contrib import admin

from assistans.selectors import membership_of

from .models import AuditEntry

if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(LogEntryAdmin):
    list_filter = ["action", "content_type"]
    actions = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        membership = membership_of(request.user)
        return queryset.filter(provider_id=membership.provider_id if membership else -1)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
