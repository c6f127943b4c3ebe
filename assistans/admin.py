"""Django admin for the registry.

Superusers (the operator of the installation) see everything. A staff user
who belongs to a provider sees and edits only that provider's rows: the
queryset and the choices of every foreign key are scoped through
``provider_path``, the same way the selectors scope the app.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import models
from .selectors import membership_of


class ProviderScopedAdmin(admin.ModelAdmin):
    #: Lookup from this model to its Provider, e.g. "client__provider".
    provider_path: str = "provider"

    def _provider_id(self, request):
        if request.user.is_superuser:
            return None
        membership = membership_of(request.user)
        return membership.provider_id if membership else -1

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        provider_id = self._provider_id(request)
        if provider_id is None:
            return queryset
        return queryset.filter(**{self.provider_path: provider_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        provider_id = self._provider_id(request)
        if provider_id is not None:
            scoped = _scope_for(db_field.related_model, provider_id)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        provider_id = self._provider_id(request)
        if provider_id is not None:
            scoped = _scope_for(db_field.related_model, provider_id)
            if scoped is not None:
                kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _scope_for(model, provider_id):
    paths = {
        models.Provider: "pk",
        models.Client: "provider",
        models.Assistant: "provider",
        models.Employment: "assistant__provider",
        models.Decision: "client__provider",
    }
    path = paths.get(model)
    if path is None:
        return None
    return model._default_manager.filter(**{path: provider_id})


class PermitInline(admin.TabularInline):
    model = models.Permit
    extra = 0


@admin.register(models.CollectiveAgreement)
class CollectiveAgreementAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "max_period_months", "default_rest_profile"]
    search_fields = ["name", "code"]


@admin.register(models.Provider)
class ProviderAdmin(ProviderScopedAdmin):
    provider_path = "pk"
    list_display = ["name", "org_number_display", "kind", "collective_agreement"]
    list_filter = ["kind", "collective_agreement"]
    search_fields = ["name", "org_number"]
    inlines = [PermitInline]


class ServicePeriodInline(admin.TabularInline):
    model = models.ServicePeriod
    extra = 0


class DecisionInline(admin.TabularInline):
    model = models.Decision
    extra = 0
    fields = ["payer", "start", "end", "weekly_hours", "rate_kind", "raised_rate", "double_hours_per_week"]
    show_change_link = True


@admin.register(models.Client)
class ClientAdmin(ProviderScopedAdmin):
    list_display = ["__str__", "masked_personal_number", "provider", "municipality"]
    list_filter = ["provider", "municipality"]
    search_fields = ["first_name", "last_name", "personal_number"]
    inlines = [ServicePeriodInline, DecisionInline]

    @admin.display(description=_("personnummer"))
    def masked_personal_number(self, obj):
        return obj.masked_personal_number


@admin.register(models.Decision)
class DecisionAdmin(ProviderScopedAdmin):
    provider_path = "client__provider"
    list_display = ["client", "payer", "start", "end", "weekly_hours", "rate_kind", "double_hours_per_week"]
    list_filter = ["payer", "rate_kind", "client__provider"]
    search_fields = ["client__first_name", "client__last_name", "case_number"]
    date_hierarchy = "start"


class EmploymentInline(admin.TabularInline):
    model = models.Employment
    extra = 0
    fields = ["employer", "start", "end", "regime", "period_anchor", "rest_profile"]
    show_change_link = True


class AssignmentInline(admin.TabularInline):
    model = models.Assignment
    extra = 0


@admin.register(models.Assistant)
class AssistantAdmin(ProviderScopedAdmin):
    list_display = ["__str__", "masked_personal_number", "provider", "email", "phone"]
    list_filter = ["provider"]
    search_fields = ["first_name", "last_name", "personal_number", "email"]
    inlines = [EmploymentInline, AssignmentInline]

    @admin.display(description=_("personnummer"))
    def masked_personal_number(self, obj):
        return obj.masked_personal_number


class ReferencePeriodInline(admin.TabularInline):
    model = models.ReferencePeriod
    extra = 0


@admin.register(models.Employment)
class EmploymentAdmin(ProviderScopedAdmin):
    provider_path = "assistant__provider"
    list_display = ["assistant", "employer", "regime", "start", "end", "rest_profile", "is_relative"]
    list_filter = ["regime", "rest_profile", "is_relative", "lives_with_client"]
    search_fields = ["assistant__first_name", "assistant__last_name"]
    inlines = [ReferencePeriodInline]


@admin.register(models.Assignment)
class AssignmentAdmin(ProviderScopedAdmin):
    provider_path = "client__provider"
    list_display = ["assistant", "client", "start", "end", "fk_notified_on"]
    list_filter = ["client__provider"]
    search_fields = ["assistant__first_name", "assistant__last_name", "client__first_name", "client__last_name"]


@admin.register(models.Absence)
class AbsenceAdmin(ProviderScopedAdmin):
    provider_path = "client__provider"
    list_display = ["client", "kind", "start", "end", "exception"]
    list_filter = ["kind", "exception"]
    search_fields = ["client__first_name", "client__last_name"]


@admin.register(models.ExternalHours)
class ExternalHoursAdmin(ProviderScopedAdmin):
    provider_path = "assistant__provider"
    list_display = ["assistant", "start", "end", "minutes"]
    search_fields = ["assistant__first_name", "assistant__last_name"]


@admin.register(models.Membership)
class MembershipAdmin(ProviderScopedAdmin):
    list_display = ["user", "provider", "role", "all_clients"]
    list_filter = ["role", "provider"]
    search_fields = ["user__username", "user__email"]
    filter_horizontal = ["clients"]
