from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assistans.admin import DecisionAdmin, ProviderScopedAdmin
from assistans.models import Decision

from . import models, services


class DecisionForm(forms.ModelForm):
    """The registry's decision form plus the raised-rate cap (R2), which needs
    the rate table that billing owns."""

    class Meta:
        model = Decision
        fields = "__all__"  # noqa: DJ007 - the admin picks the fields

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            candidate = Decision(
                **{k: v for k, v in cleaned.items() if k in {"rate_kind", "raised_rate", "start", "end"}}
            )
            services.validate_decision_rate(candidate)
        return cleaned


admin.site.unregister(Decision)


@admin.register(Decision)
class RateCheckedDecisionAdmin(DecisionAdmin):
    form = DecisionForm


@admin.register(models.StandardRate)
class StandardRateAdmin(admin.ModelAdmin):
    """Next year's schablonbelopp is added here when the government sets it;
    a year already used by a report is never edited (the report keeps its own copy)."""

    list_display = ["year", "amount", "amending_sfs", "source"]
    ordering = ["-year"]

    def has_delete_permission(self, request, obj=None):
        return False


class TimeReportInline(admin.TabularInline):
    model = models.TimeReport
    extra = 0
    can_delete = False
    fields = ["assistant", "minutes", "assistant_signed_at", "provider_signed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.MonthlyReport)
class MonthlyReportAdmin(ProviderScopedAdmin):
    list_display = ["client", "month", "version", "status", "amount", "submitted_on", "paid_on"]
    list_filter = ["status", "month"]
    search_fields = ["client__first_name", "client__last_name"]
    inlines = [TimeReportInline]
    readonly_fields = [f.name for f in models.MonthlyReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Invoice)
class InvoiceAdmin(ProviderScopedAdmin):
    list_display = ["number", "report", "issued_on", "due_on", "amount", "credit_of"]
    search_fields = ["number", "ocr"]
    readonly_fields = [f.name for f in models.Invoice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.PayoutStep)
class PayoutStepAdmin(ProviderScopedAdmin):
    """Every step of the payout cycle, with its state. A failed step is run
    again (after the cause is fixed) with the action below, or by the next
    `run_payout_cycle --retry-failed`."""

    list_display = ["step", "client", "month", "state", "attempts", "last_error", "done_at"]
    list_filter = ["state", "step"]
    search_fields = ["client__first_name", "client__last_name", "step"]
    readonly_fields = [f.name for f in models.PayoutStep._meta.fields]
    actions = ["run_again"]

    @admin.action(description=_("Kör misslyckade steg igen"))
    def run_again(self, request, queryset):
        from . import jobs

        count = jobs.reset_failed(step_ids=list(queryset.filter(state="failed").values_list("pk", flat=True)))
        self.message_user(request, _("%(count)s steg körs igen vid nästa körning.") % {"count": count})

    def has_add_permission(self, request):
        return False
