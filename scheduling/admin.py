from django.contrib import admin

from assistans.admin import ProviderScopedAdmin

from . import models


class ShiftFindingInline(admin.TabularInline):
    model = models.ShiftFinding
    extra = 0
    can_delete = False
    fields = ["code", "severity", "minutes", "message", "accepted"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Shift)
class ShiftAdmin(ProviderScopedAdmin):
    """Read-mostly: shifts are changed through the recording service (the
    planning pages, the API, imports), which runs the rules engine."""

    list_display = ["assistant", "client", "start", "end", "kind", "double", "status"]
    list_filter = ["status", "kind", "double"]
    search_fields = ["assistant__first_name", "assistant__last_name", "client__first_name", "client__last_name"]
    date_hierarchy = "start"
    inlines = [ShiftFindingInline]
    readonly_fields = [f.name for f in models.Shift._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(models.MonthLock)
class MonthLockAdmin(ProviderScopedAdmin):
    provider_path = "client__provider"
    list_display = ["client", "month", "locked_at"]
    readonly_fields = ["client", "month", "locked_at", "reason"]

    def has_add_permission(self, request):
        return False


@admin.register(models.RuleException)
class RuleExceptionAdmin(ProviderScopedAdmin):
    provider_path = "shift__provider"
    list_display = ["shift", "code", "reason", "recorded_by", "recorded_at"]
    readonly_fields = ["shift", "code", "reason", "compensatory_rest", "recorded_by", "recorded_at"]

    def has_add_permission(self, request):
        return False
