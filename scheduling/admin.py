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


# --- Day-to-day changes: read-only here; the pages run them through the rules.


class AbsenceShiftInline(admin.TabularInline):
    model = models.AbsenceShift
    extra = 0
    can_delete = False
    fields = ["client", "start", "end", "kind", "outcome", "substitute", "shift"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.StaffAbsence)
class StaffAbsenceAdmin(ProviderScopedAdmin):
    """Absences are recorded on the sick-call page, which settles each planned
    shift through the recording service; here they are only read."""

    list_display = ["assistant", "kind", "first_day", "last_day", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["assistant__first_name", "assistant__last_name"]
    date_hierarchy = "first_day"
    inlines = [AbsenceShiftInline]
    readonly_fields = [f.name for f in models.StaffAbsence._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(models.Deviation)
class DeviationAdmin(ProviderScopedAdmin):
    """Decided on the approval page (the rules re-run on approval)."""

    list_display = ["assistant", "client", "actual_start", "actual_end", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["assistant__first_name", "assistant__last_name", "client__first_name", "client__last_name"]
    readonly_fields = [f.name for f in models.Deviation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(models.CalendarToken)
class CalendarTokenAdmin(ProviderScopedAdmin):
    """Only the hash is stored; an operator can see that a link exists and revoke it."""

    provider_path = "assistant__provider"
    list_display = ["assistant", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "assistant", "token_hash", "created_at", "last_used_at"]
    fields = ["user", "assistant", "token_hash", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False
