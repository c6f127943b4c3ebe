"""Shifts, the findings the rules engine stored for them, recorded rule
exceptions, and the month lock that billing sets when a report is submitted."""

from __future__ import annotations

from datetime import datetime, timedelta

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
    message_en = models.TextField(_("förklaring (engelska)"), blank=True, default="")
    hint_en = models.TextField(_("åtgärd (engelska)"), blank=True, default="")
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


# --- Day-to-day changes: staff absence, deviations, calendar feed ---------


class StaffAbsence(models.Model):
    """An assistant is away (a sick call, care of a child …) for some days. The
    kind is kept for payroll; the planned shifts it touched are listed in
    ``AbsenceShift`` rows, each with what became of it."""

    class Kind(models.TextChoices):
        SICK = "sick", _("Sjukdom")
        CHILD_CARE = "child_care", _("Vård av barn")
        VACATION = "vacation", _("Semester")
        LEAVE = "leave", _("Tjänstledighet")
        OTHER = "other", _("Annan frånvaro")

    provider = models.ForeignKey(Provider, verbose_name=_("anordnare"), on_delete=models.PROTECT, related_name="+")
    assistant = models.ForeignKey(
        Assistant, verbose_name=_("assistent"), on_delete=models.PROTECT, related_name="staff_absences"
    )
    kind = models.CharField(_("typ av frånvaro"), max_length=12, choices=Kind.choices)
    first_day = models.DateField(_("från och med"))
    last_day = models.DateField(_("till och med"))
    note = models.CharField(_("anteckning"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("frånvaro för assistent")
        verbose_name_plural = _("frånvaro för assistenter")
        ordering = ["-first_day", "assistant"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="staff_absence_last_after_first",
                violation_error_message=_("Sista dagen kan inte ligga före första dagen."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.assistant} {self.get_kind_display()} {self.first_day}–{self.last_day}"


class AbsenceShift(models.Model):
    """One planned shift of an absent assistant, as it was planned (a copy, so
    payroll sees the planned hours even after the shift is gone), and what
    became of it: given to a substitute, or left unstaffed (the shift is then
    removed from the schedule, so nobody is paid or billed for it)."""

    class Outcome(models.TextChoices):
        REASSIGNED = "reassigned", _("Tillsatt med vikarie")
        UNSTAFFED = "unstaffed", _("Obemannat, ej tillsatt")

    absence = models.ForeignKey(
        StaffAbsence, verbose_name=_("frånvaro"), on_delete=models.CASCADE, related_name="shifts"
    )
    client = models.ForeignKey(Client, verbose_name=_("brukare"), on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("planerad start"))
    end = models.DateTimeField(_("planerat slut"))
    kind = models.CharField(_("typ av tid"), max_length=10, choices=Kind.choices, default=Kind.ACTIVE)
    segments = models.JSONField(_("delar"), default=list, blank=True)
    outcome = models.CharField(_("utfall"), max_length=12, choices=Outcome.choices)
    substitute = models.ForeignKey(
        Assistant, verbose_name=_("vikarie"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shift = models.ForeignKey(
        Shift,
        verbose_name=_("passet nu"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="absence_records",
        help_text=_("Passet som vikarien arbetar; tomt när passet blev obemannat."),
    )

    class Meta:
        verbose_name = _("pass under frånvaro")
        verbose_name_plural = _("pass under frånvaro")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="unstaffed", substitute__isnull=True)
                | Q(outcome="reassigned", substitute__isnull=False),
                name="absence_shift_substitute_iff_reassigned",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.start:%Y-%m-%d %H:%M} ({self.get_outcome_display()})"


class Deviation(models.Model):
    """An assistant's report that a shift went otherwise than planned, waiting
    for a coordinator's decision. ``before`` and ``after`` are copies of the
    shift's times and kind at the decision, so the log outlives the shift."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på beslut")
        APPROVED = "approved", _("Godkänd")
        REJECTED = "rejected", _("Avslagen")

    provider = models.ForeignKey(Provider, verbose_name=_("anordnare"), on_delete=models.PROTECT, related_name="+")
    shift = models.ForeignKey(
        Shift, verbose_name=_("pass"), on_delete=models.SET_NULL, null=True, related_name="deviations"
    )
    assistant = models.ForeignKey(Assistant, verbose_name=_("assistent"), on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, verbose_name=_("brukare"), on_delete=models.PROTECT, related_name="+")
    actual_start = models.DateTimeField(_("faktisk start"))
    actual_end = models.DateTimeField(_("faktiskt slut"))
    kind = models.CharField(
        _("typ av tid"),
        max_length=10,
        choices=Kind.choices,
        blank=True,
        help_text=_("Tomt: som planerat."),
    )
    note = models.CharField(_("anteckning"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporterad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("rapporterad"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslutad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)
    decision_note = models.CharField(_("motivering"), max_length=500, blank=True)
    before = models.JSONField(_("före"), default=dict, blank=True)
    after = models.JSONField(_("efter"), default=dict, blank=True)

    class Meta:
        verbose_name = _("avvikelse")
        verbose_name_plural = _("avvikelser")
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["provider", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_end__gt=F("actual_start")),
                name="deviation_end_after_start",
                violation_error_message=_("Slutet måste ligga efter starten."),
            ),
            models.UniqueConstraint(
                fields=["shift"],
                condition=Q(status="pending"),
                name="one_pending_deviation_per_shift",
                violation_error_message=_("Passet har redan en avvikelse som väntar på beslut."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="deviation_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assistant} {self.actual_start:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def before_span(self) -> str:
        """The shift's times when decided (``2026-03-05 08:00–16:00``)."""
        return _span(self.before)

    @property
    def after_span(self) -> str:
        return _span(self.after)


def _span(copy: dict) -> str:
    if not copy:
        return ""
    from .rules.caps import fmt_span

    return fmt_span(datetime.fromisoformat(copy["start"]), datetime.fromisoformat(copy["end"]))


class CalendarToken(models.Model):
    """The secret in an assistant's private calendar-feed address. Only its
    SHA-256 is stored (the secret has 256 random bits, so a plain hash is
    enough); a revoked or renewed token stops working at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("användare"), on_delete=models.CASCADE, related_name="+"
    )
    assistant = models.ForeignKey(
        Assistant, verbose_name=_("assistent"), on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token_hash = models.CharField(_("kontrollsumma"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senast hämtad"), null=True, blank=True)

    class Meta:
        verbose_name = _("kalenderlänk")
        verbose_name_plural = _("kalenderlänkar")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assistant"], condition=Q(revoked_at__isnull=True), name="one_live_calendar_token"
            )
        ]

    def __str__(self) -> str:
        state = _("återkallad") if self.revoked_at else _("aktiv")
        return f"{self.assistant} ({state})"
