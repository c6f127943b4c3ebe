"""Shifts, the findings the rules engine stored for them, recorded rule
exceptions, and the month lock that billing sets when a report is submitted."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assistans.models import Assistant, Client, Provider


class Kind(models.TextChoices):
    ACTIVE = "active", _("Aktiv tid")
    WAITING = "waiting", _("Väntetid")
    STANDBY = "standby", _("Beredskap")


class Shift(models.Model):
    """One continuous stretch of work (pass) by one assistant for one client.

    A shift of one kind of time has ``kind`` and no ``segments``. A shift with
    several kinds (a 24 h pass with night waiting time) lists where the kind
    changes: ``segments = [[0, "active"], [840, "waiting"], [1320, "active"]]``,
    offsets in real elapsed minutes from ``start`` (so DST nights are exact).
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerat")
        WORKED = "worked", _("Utfört")
        APPROVED = "approved", _("Attesterat")

    provider = models.ForeignKey(Provider, verbose_name=_("anordnare"), on_delete=models.PROTECT, related_name="+")
    assistant = models.ForeignKey(
        Assistant, verbose_name=_("assistent"), on_delete=models.PROTECT, related_name="shifts"
    )
    client = models.ForeignKey(Client, verbose_name=_("brukare"), on_delete=models.PROTECT, related_name="shifts")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("slut"))
    kind = models.CharField(_("typ av tid"), max_length=10, choices=Kind.choices, default=Kind.ACTIVE)
    segments = models.JSONField(_("delar"), default=list, blank=True)
    double = models.BooleanField(_("dubbelassistans"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    note = models.CharField(_("anteckning"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("skapad av"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ändrad av"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("pass")
        ordering = ["start"]
        indexes = [
            models.Index(fields=["assistant", "start"]),
            models.Index(fields=["client", "start"]),
            models.Index(fields=["provider", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="shift_end_after_start",
                violation_error_message=_("Passets slut måste ligga efter dess start."),
            )
        ]
        # H1 on PostgreSQL: an exclusion constraint on (assistant, time range)
        # in migration 0002, so concurrent entry cannot slip past the check.

    def __str__(self) -> str:
        return f"{self.assistant} hos {self.client} {self.start:%Y-%m-%d %H:%M}"

    def segment_list(self) -> list[tuple]:
        """(start, end, kind) of every part, in order."""
        if not self.segments:
            return [(self.start, self.end, self.kind)]
        parts = []
        for index, (offset, kind) in enumerate(self.segments):
            begin = self.start + timedelta(minutes=offset)
            finish = (
                self.start + timedelta(minutes=self.segments[index + 1][0])
                if index + 1 < len(self.segments)
                else self.end
            )
            parts.append((begin, finish, kind))
        return parts


class ShiftFinding(models.Model):
    """What the engine found for a shift, as of the last check of its window."""

    class Severity(models.TextChoices):
        REFUSED = "refused", _("Nekas")
        NOT_PAYABLE = "not_payable", _("Ersätts inte")
        WARNING = "warning", _("Varning")

    shift = models.ForeignKey(Shift, verbose_name=_("pass"), on_delete=models.CASCADE, related_name="findings")
    code = models.CharField(_("regel"), max_length=10)
    severity = models.CharField(_("allvarlighet"), max_length=12, choices=Severity.choices)
    start = models.DateTimeField(_("från"))
    end = models.DateTimeField(_("till"))
    minutes = models.IntegerField(_("minuter"))
    message = models.TextField(_("förklaring"))
    hint = models.TextField(_("åtgärd"), blank=True)
    other_shift_ids = models.JSONField(_("andra pass"), default=list, blank=True)
    accepted = models.BooleanField(_("godtagen med skäl"), default=False)
    exception_reason = models.CharField(_("skäl"), max_length=500, blank=True)
    ruleset = models.CharField(_("regelversion"), max_length=20)
    checked_at = models.DateTimeField(_("kontrollerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("regelutfall")
        verbose_name_plural = _("regelutfall")
        ordering = ["shift", "code"]
        indexes = [models.Index(fields=["code", "severity"])]

    def __str__(self) -> str:
        return f"{self.code} {self.get_severity_display()}: {self.message[:60]}"


class RuleException(models.Model):
    """A recorded reason to accept a rule break (V4): who, when, why, and the
    compensatory rest. The warning stays visible, marked as accepted."""

    shift = models.ForeignKey(Shift, verbose_name=_("pass"), on_delete=models.CASCADE, related_name="exceptions")
    code = models.CharField(_("regel"), max_length=10)
    reason = models.TextField(_("skäl"))
    compensatory_rest = models.CharField(_("kompensationsvila"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registrerad av"), on_delete=models.SET_NULL, null=True
    )
    recorded_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("undantag från regel")
        verbose_name_plural = _("undantag från regler")
        constraints = [
            models.UniqueConstraint(fields=["shift", "code"], name="one_exception_per_shift_and_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.reason[:60]}"


class MonthLock(models.Model):
    """A client's month whose report was submitted: its shifts are frozen (M3).
    Billing sets it; scheduling owns the fact and enforces it."""

    client = models.ForeignKey(Client, verbose_name=_("brukare"), on_delete=models.CASCADE, related_name="month_locks")
    month = models.DateField(_("månad"), help_text=_("Första dagen i månaden."))
    locked_at = models.DateTimeField(_("låst"), auto_now_add=True)
    reason = models.CharField(_("anledning"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("låst månad")
        verbose_name_plural = _("låsta månader")
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="one_lock_per_client_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="month_lock_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m}"
