"""Django admin for API tokens: provider admins who are staff see their own
provider's tokens; the secret is never shown (only its hash is stored), so
tokens are made on the /api-nycklar/ page, and revoked there or here."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistans.admin import ProviderScopedAdmin

from . import tokens
from .models import ApiToken, IdempotencyRecord


@admin.register(ApiToken)
class ApiTokenAdmin(ProviderScopedAdmin):
    list_display = ["name", "prefix", "provider", "owner", "read_only", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["read_only", "revoked_at"]
    search_fields = ["name", "prefix", "owner__username"]
    readonly_fields = ["provider", "owner", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    fields = ["name", "read_only", *readonly_fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Återkalla valda nycklar"))
    def revoke(self, request, queryset):
        # One by one through the service, so each revocation is in the audit trail.
        now = timezone.now()
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke_token(token=token, now=now)


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "method", "path", "status_code", "user", "token", "created_at"]
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_module_permission(self, request):
        return request.user.is_superuser
