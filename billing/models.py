"""Rates, monthly reports with their signatures and versions, and invoices.

What was sent is frozen (M3): a report stores the snapshot it was computed
into, with the rates, rule-set version and decisions used (M4); it is never
edited after submission and never deleted. A correction is a new version
pointing at the one it replaces."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assistans.models import Assistant, Client, Provider


class StandardRate(models.Model):
    """The yearly schablonbelopp (R1). Data keyed by year, never a formula;
    next year's figure is added in admin when the government sets it."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    amount = models.DecimalField(_("kronor per timme"), max_digits=8, decimal_places=2)
    amending_sfs = models.CharField(_("ändrings-SFS"), max_length=20, blank=True)
    source = models.CharField(_("källa"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("schablonbelopp")
        verbose_name_plural = _("schablonbelopp")
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="standard_rate_positive")]

    def __str__(self) -> str:
        return f"{self.year}: {self.amount} kr/h"


class MonthlyReport(models.Model):
    """One client's month: the claim (FK 3057) and, through TimeReport, one time
    report (FK 3059) per assistant."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        COMPLETE = "complete", _("Komplett")
        SUBMITTED = "submitted", _("Inskickad")
        PAID = "paid", _("Utbetald")
        SUPERSEDED = "superseded", _("Ersatt av rättelse")

    provider = models.ForeignKey(Provider, verbose_name=_("anordnare"), on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, verbose_name=_("brukare"), on_delete=models.PROTECT, related_name="reports")
    month = models.DateField(_("månad"), help_text=_("Första dagen i månaden."))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.OneToOneField(
        "self", verbose_name=_("ersätter"), on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    correction_reason = models.TextField(_("skäl till rättelse"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    snapshot = models.JSONField(_("underlag"), default=dict)
    ruleset = models.CharField(_("regelversion"), max_length=20)
    rates_used = models.JSONField(_("timbelopp som använts"), default=dict)
    decision_ids = models.JSONField(_("beslut som använts"), default=list)
    amount = models.DecimalField(_("belopp"), max_digits=12, decimal_places=2, default=0)
    computed_at = models.DateTimeField(_("beräknad"))
    client_signed_at = models.DateTimeField(_("räkningen signerad"), null=True, blank=True)
    client_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signerad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_on = models.DateField(_("komplett"), null=True, blank=True)
    submitted_on = models.DateField(_("inskickad"), null=True, blank=True)
    paid_on = models.DateField(_("utbetald"), null=True, blank=True)
    paid_amount = models.DecimalField(_("utbetalt belopp"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("månadsredovisning")
        verbose_name_plural = _("månadsredovisningar")
        ordering = ["-month", "client", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["client", "month", "version"], name="one_report_version_per_month"),
            models.UniqueConstraint(
                fields=["client", "month"],
                condition=~Q(status="superseded"),
                name="one_current_report_per_month",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="report_month_first_day"),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__gte=0), name="report_paid_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(version=1, replaces__isnull=True) | Q(version__gt=1, replaces__isnull=False),
                name="report_correction_points_at_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m} v{self.version}"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("En månadsredovisning tas aldrig bort; gör en rättelse i stället."))

    @property
    def is_frozen(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.PAID, self.Status.SUPERSEDED)


class TimeReport(models.Model):
    """One assistant's time report for the month (FK 3059), signed by the
    assistant and by the provider (M2)."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("månadsredovisning"), on_delete=models.PROTECT, related_name="time_reports"
    )
    assistant = models.ForeignKey(Assistant, verbose_name=_("assistent"), on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(_("minuter"))
    assistant_signed_at = models.DateTimeField(_("signerad av assistenten"), null=True, blank=True)
    assistant_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_signed_at = models.DateTimeField(_("signerad av anordnaren"), null=True, blank=True)
    provider_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tidsredovisning")
        verbose_name_plural = _("tidsredovisningar")
        ordering = ["report", "assistant"]
        constraints = [
            models.UniqueConstraint(fields=["report", "assistant"], name="one_time_report_per_assistant"),
        ]

    def __str__(self) -> str:
        return f"{self.assistant} {self.report}"

    @property
    def is_signed(self) -> bool:
        return self.assistant_signed_at is not None and self.provider_signed_at is not None


class InvoiceSeries(models.Model):
    """The provider's gap-free invoice number series; the next number is taken
    under a row lock."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="invoice_series")
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("fakturanummerserie")
        verbose_name_plural = _("fakturanummerserier")

    def __str__(self) -> str:
        return f"{self.provider}: {self.next_number}"


class Invoice(models.Model):
    """An invoice to a municipality for hours under its LSS decision (P5).
    Frozen once issued: it copies every figure it shows; corrections are
    credit invoices pointing at the original."""

    provider = models.ForeignKey(Provider, verbose_name=_("anordnare"), on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("fakturanummer"))
    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("månadsredovisning"), on_delete=models.PROTECT, related_name="invoices"
    )
    credit_of = models.OneToOneField(
        "self",
        verbose_name=_("krediterar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credited_by",
    )
    issued_on = models.DateField(_("fakturadatum"))
    due_on = models.DateField(_("förfallodatum"))
    ocr = models.CharField(_("OCR-nummer"), max_length=25)
    amount = models.DecimalField(_("belopp"), max_digits=12, decimal_places=2)
    snapshot = models.JSONField(_("underlag"), default=dict)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("faktura")
        verbose_name_plural = _("fakturor")
        ordering = ["provider", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "number"], name="invoice_number_unique_per_provider"),
            models.CheckConstraint(condition=Q(due_on__gte=F("issued_on")), name="invoice_due_after_issue"),
            models.CheckConstraint(
                condition=Q(credit_of__isnull=True, amount__gte=0) | Q(credit_of__isnull=False, amount__lte=0),
                name="invoice_credit_is_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Faktura')} {self.number}"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("En utställd faktura tas aldrig bort; kreditera den i stället."))


class PayoutStep(models.Model):
    """One step of the payout cycle for one client and month (a reminder, the
    late or due mark, the month's documents) or, without a client, for the
    provider (the payday summary). The unique business key is what makes every
    job safe to run twice: a worker claims the row with a conditional UPDATE
    and goes on only if it changed one row (STYLE.md 7)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Väntar")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    provider = models.ForeignKey(Provider, verbose_name=_("anordnare"), on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        Client, verbose_name=_("brukare"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("månad"), help_text=_("Första dagen i månaden."))
    step = models.CharField(_("steg"), max_length=40)
    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("månadsredovisning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payout_steps",
    )
    on = models.DateField(_("gäller dag"), null=True, blank=True)
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = models.TextField(_("senaste fel"), blank=True)
    detail = models.JSONField(_("detaljer"), default=dict, blank=True)
    claimed_at = models.DateTimeField(_("påbörjad"), null=True, blank=True)
    done_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        verbose_name = _("utbetalningssteg")
        verbose_name_plural = _("utbetalningssteg")
        ordering = ["-month", "provider", "client", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "client", "month", "step"],
                condition=Q(client__isnull=False),
                name="one_payout_step_per_client_month",
            ),
            models.UniqueConstraint(
                fields=["provider", "month", "step"],
                condition=Q(client__isnull=True),
                name="one_payout_step_per_provider_month",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="payout_step_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.month:%Y-%m} ({self.get_state_display()})"


class EngineRun(models.Model):
    """The rules engine's not-payable findings for one provider's month-end
    window, stored with the engine-input version they were computed from
    (``Provider.engine_input_version``). The month-end reports reuse them only
    while that version, the window and the rule set are unchanged; any write
    to a shift or to the registry the engine reads bumps the version, so a
    stale run is never used, only recomputed."""

    provider = models.ForeignKey(Provider, verbose_name=_("anordnare"), on_delete=models.CASCADE)
    window_start = models.DateTimeField(_("från"))
    window_end = models.DateTimeField(_("till"))
    input_version = models.BigIntegerField(_("version av regelunderlag"))
    rules = models.CharField(_("regelversion"), max_length=40)
    findings = models.JSONField(_("regelutfall"), default=list)
    computed_at = models.DateTimeField(_("beräknad"))

    class Meta:
        verbose_name = _("regelkörning")
        verbose_name_plural = _("regelkörningar")
        constraints = [
            models.UniqueConstraint(fields=["provider", "window_start", "window_end"], name="engine_run_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.provider_id} {self.window_start:%Y-%m-%d}–{self.window_end:%Y-%m-%d} v{self.input_version}"
