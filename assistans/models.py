"""Who is who: providers, clients, decisions, assistants, employments, roles.

Every row that belongs to a provider reaches it through a ``provider`` foreign
key (directly or through its client or assistant); all reads go through
``assistans.selectors``, which scope by the user's membership.
"""

from __future__ import annotations

import calendar
import contextlib
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from stdnum import luhn

from . import identity


def validate_personal_number(value: str) -> None:
    try:
        identity.parse_personal_number(value)
    except identity.InvalidNumber as exc:
        raise ValidationError(exc.message, code="invalid_personnummer") from exc


def validate_org_number(value: str) -> None:
    try:
        identity.normalize_org_number(value)
    except identity.InvalidNumber as exc:
        raise ValidationError(exc.message, code="invalid_orgnr") from exc


def validate_bankgiro(value: str) -> None:
    digits = value.replace("-", "").replace(" ", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in (7, 8):
        raise ValidationError(_("Bankgironummer har 7 eller 8 siffror, t.ex. 5050-1055."), code="bankgiro")
    if not luhn.is_valid(digits):
        raise ValidationError(_("Bankgironumrets kontrollsiffra stämmer inte."), code="bankgiro")


def validate_fraction(value: str) -> None:
    try:
        fraction = Fraction(value.strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise ValidationError(_("Ange en faktor som 1/4, 1/7 eller 0,25."), code="fraction") from exc
    if not 0 <= fraction <= 1:
        raise ValidationError(_("Faktorn måste ligga mellan 0 och 1."), code="fraction")


class RestProfile(models.TextChoices):
    """Names of the rest profiles in ``scheduling.rules.rest.PROFILES`` (a test
    keeps the two lists equal; the registry does not import the engine)."""

    ATL = "atl", _("Arbetstidslagen (11 h dygnsvila, rullande)")
    ATL_DYGNSBRYT = "atl_dygnsbryt", _("Arbetstidslagen med fast dygnsbryt")
    VARDFORETAGARNA = "vardforetagarna", _("Vårdföretagarna (9 h med snitt 11 h över 14 dagar)")
    PAN = "pan", _("PAN/kommunalt avtal (högst 20 h i följd, 24 h med undantag)")


class CollectiveAgreement(models.Model):
    """A collective agreement for personal assistance (W1, V2)."""

    code = models.SlugField(_("kod"), unique=True)
    name = models.CharField(_("namn"), max_length=200)
    max_period_months = models.PositiveSmallIntegerField(
        _("längsta beräkningsperiod (månader)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Avtalets längsta begränsningsperiod; aldrig över 12 månader. Snittet är alltid 48 h/vecka."),
    )
    default_rest_profile = models.CharField(
        _("standardprofil för vila"), max_length=40, choices=RestProfile.choices, default=RestProfile.ATL
    )

    class Meta:
        verbose_name = _("kollektivavtal")
        verbose_name_plural = _("kollektivavtal")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_period_months__gte=1, max_period_months__lte=12),
                name="agreement_period_1_to_12_months",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """An anordnare."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Privat företag")
        MUNICIPALITY = "municipality", _("Kommun")
        COOPERATIVE = "cooperative", _("Brukarkooperativ")
        SELF_EMPLOYER = "self_employer", _("Egen arbetsgivare")

    name = models.CharField(_("namn"), max_length=200)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=13,  # typed with a hyphen; stored as 10 or 12 digits
        unique=True,
        validators=[validate_org_number],
        help_text=_("Organisationsnummer, eller personnummer för den som själv anställer sina assistenter."),
    )
    kind = models.CharField(_("typ av anordnare"), max_length=20, choices=Kind.choices)
    bankgiro = models.CharField(_("bankgiro"), max_length=9, blank=True, validators=[validate_bankgiro])
    collective_agreement = models.ForeignKey(
        CollectiveAgreement,
        verbose_name=_("kollektivavtal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    #: Bumped (``scheduling.input_version.bump``) with every write to the rows
    #: the rules engine reads for this provider; only ever changed by that
    #: single UPDATE, never by ``save()`` (see below).
    engine_input_version = models.BigIntegerField(
        _("version av regelunderlag"), default=0, db_default=0, editable=False
    )

    class Meta:
        verbose_name = _("anordnare")
        verbose_name_plural = _("anordnare")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # A full save of an instance read before a bump must not write its
        # stale ``engine_input_version`` back: the counter would go back to a
        # value whose stored findings describe other data.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "engine_input_version" and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.org_number:
            try:
                self.org_number = identity.normalize_org_number(self.org_number)
            except identity.InvalidNumber:
                return  # the field validator reports it
        if self.kind == self.Kind.SELF_EMPLOYER and self.org_number and len(self.org_number) != 12:
            raise ValidationError(
                {"org_number": _("En egen arbetsgivare anges med sitt personnummer.")}, code="self_employer"
            )

    @property
    def requires_permit(self) -> bool:
        """E4: private companies need an IVO permit; municipalities and people
        who employ their own assistants do not."""
        return self.kind in (self.Kind.COMPANY, self.Kind.COOPERATIVE)

    @property
    def org_number_display(self) -> str:
        return identity.format_org_number(self.org_number)


class Permit(models.Model):
    """IVO permit (tillstånd) of a private provider (E4)."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("anordnare"), on_delete=models.CASCADE, related_name="permits"
    )
    number = models.CharField(_("tillståndsnummer"), max_length=50, blank=True)
    valid_from = models.DateField(_("gäller från"))
    valid_until = models.DateField(_("gäller till och med"), null=True, blank=True)

    class Meta:
        verbose_name = _("IVO-tillstånd")
        verbose_name_plural = _("IVO-tillstånd")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="permit_end_after_start",
                violation_error_message=_("Slutdatum kan inte ligga före startdatum."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number or _('tillstånd')} ({self.valid_from}–{self.valid_until or ''})"


class PersonNumberMixin(models.Model):
    personal_number = models.CharField(
        _("personnummer"),
        max_length=13,  # typed with a hyphen; stored as 12 digits
        validators=[validate_personal_number],
        help_text=_("Personnummer eller samordningsnummer. Sparas som 12 siffror och visas maskerat."),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.personal_number:
            # An invalid number is left as typed; the field validator reports it.
            with contextlib.suppress(identity.InvalidNumber):
                self.personal_number = identity.parse_personal_number(self.personal_number).normalized

    @property
    def masked_personal_number(self) -> str:
        return identity.mask(self.personal_number)

    @property
    def birth_date(self):
        return identity.birth_date_of(self.personal_number)


class Client(PersonNumberMixin):
    """A brukare as served by one provider. A person served by two providers
    over time has one row per provider (providers never see each other's rows);
    ``service_periods`` say when this provider was the client's anordnare."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("anordnare"), on_delete=models.PROTECT, related_name="clients"
    )
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    representative_name = models.CharField(_("företrädare"), max_length=200, blank=True)
    municipality = models.CharField(_("hemkommun"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("brukare")
        verbose_name_plural = _("brukare")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "personal_number"],
                name="client_unique_per_provider",
                violation_error_message=_("Brukaren finns redan hos anordnaren."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def name(self) -> str:
        return str(self)


class ServicePeriod(models.Model):
    """When the provider is the client's anordnare."""

    client = models.ForeignKey(
        Client, verbose_name=_("brukare"), on_delete=models.CASCADE, related_name="service_periods"
    )
    start = models.DateField(_("från"))
    end = models.DateField(_("till och med"), null=True, blank=True)

    class Meta:
        verbose_name = _("uppdragsperiod")
        verbose_name_plural = _("uppdragsperioder")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="service_period_end_after_start",
                violation_error_message=_("Slutdatum kan inte ligga före startdatum."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end or ''}"


class Decision(models.Model):
    """A grant (beslut) of assistance hours from FK or the municipality (G1-G4)."""

    class Payer(models.TextChoices):
        FK = "fk", _("Försäkringskassan")
        MUNICIPALITY = "municipality", _("Kommunen (LSS)")

    class RateKind(models.TextChoices):
        STANDARD = "standard", _("Schablonbelopp")
        RAISED = "raised", _("Förhöjt timbelopp")

    client = models.ForeignKey(Client, verbose_name=_("brukare"), on_delete=models.PROTECT, related_name="decisions")
    payer = models.CharField(_("betalare"), max_length=20, choices=Payer.choices, default=Payer.FK)
    start = models.DateField(_("beslutsperiod från"))
    end = models.DateField(_("beslutsperiod till och med"))
    weekly_hours = models.DecimalField(
        _("beviljade timmar per vecka"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("168"))],
    )
    rate_kind = models.CharField(_("timbelopp"), max_length=20, choices=RateKind.choices, default=RateKind.STANDARD)
    raised_rate = models.DecimalField(
        _("förhöjt timbelopp (kr)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    double_hours_per_week = models.DecimalField(
        _("dubbelassistans, timmar per vecka"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("168"))],
    )
    wait_factor = models.CharField(
        _("omräkningsfaktor väntetid"), max_length=10, default="1/4", validators=[validate_fraction]
    )
    standby_factor = models.CharField(
        _("omräkningsfaktor beredskap"), max_length=10, default="1/7", validators=[validate_fraction]
    )
    case_number = models.CharField(_("ärendenummer"), max_length=50, blank=True)
    municipality_name = models.CharField(_("kommun"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["client", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="decision_end_after_start",
                violation_error_message=_("Beslutsperiodens slut kan inte ligga före dess start."),
            ),
            models.CheckConstraint(
                condition=Q(rate_kind="standard", raised_rate__isnull=True)
                | Q(rate_kind="raised", raised_rate__isnull=False),
                name="decision_raised_rate_iff_raised",
                violation_error_message=_("Ett förhöjt timbelopp ska anges med belopp, schablon utan."),
            ),
        ]
        # Non-overlap per (client, payer) is an exclusion constraint on
        # PostgreSQL (migration 0002) and checked in clean() everywhere.

    def __str__(self) -> str:
        return f"{self.get_payer_display()} {self.start}–{self.end} ({self.weekly_hours} h/v)"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.start and self.end and self.end < self.start:
            errors.setdefault("end", []).append(_("Beslutsperiodens slut kan inte ligga före dess start."))
        if self.rate_kind == self.RateKind.RAISED and self.raised_rate is None:
            errors.setdefault("raised_rate", []).append(_("Ange det förhöjda timbeloppet."))
        if self.rate_kind == self.RateKind.STANDARD and self.raised_rate is not None:
            errors.setdefault("raised_rate", []).append(_("Ett belopp anges bara för förhöjt timbelopp."))
        if self.payer == self.Payer.MUNICIPALITY and not self.municipality_name:
            errors.setdefault("municipality_name", []).append(_("Ange vilken kommun som betalar."))
        if self.start and self.end and self.payer == self.Payer.FK and self.end >= _add_months(self.start, 6):
            errors.setdefault("end", []).append(
                _("En beviljandeperiod från Försäkringskassan är högst sex månader (51 kap. 9 § SFB).")
            )
        if self.start and self.end and self.client_id and not errors:
            overlapping = Decision.objects.filter(
                client_id=self.client_id, payer=self.payer, start__lte=self.end, end__gte=self.start
            ).exclude(pk=self.pk)
            other = overlapping.first()
            if other is not None:
                errors.setdefault("start", []).append(
                    _("Perioden överlappar ett annat beslut för samma betalare (%(start)s–%(end)s).")
                    % {"start": other.start, "end": other.end}
                )
        if errors:
            raise ValidationError(errors)


def _add_months(day, months: int):
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


class Assistant(PersonNumberMixin):
    provider = models.ForeignKey(
        Provider, verbose_name=_("anordnare"), on_delete=models.PROTECT, related_name="assistants"
    )
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användarkonto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistant",
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("assistent")
        verbose_name_plural = _("assistenter")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "personal_number"],
                name="assistant_unique_per_provider",
                violation_error_message=_("Assistenten finns redan hos anordnaren."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def name(self) -> str:
        return str(self)


class Employment(models.Model):
    """An assistant's employment: regime and reference-period anchor (W1)."""

    class Regime(models.TextChoices):
        AGREEMENT = "agreement", _("Kollektivavtal")
        ATL = "atl", _("Arbetstidslagen")
        HOUSEHOLD = "household", _("Lagen om arbetstid i husligt arbete")

    assistant = models.ForeignKey(
        Assistant, verbose_name=_("assistent"), on_delete=models.PROTECT, related_name="employments"
    )
    employer = models.ForeignKey(
        Provider, verbose_name=_("arbetsgivare"), on_delete=models.PROTECT, related_name="employments"
    )
    start = models.DateField(_("anställd från"))
    end = models.DateField(_("anställd till och med"), null=True, blank=True)
    regime = models.CharField(
        _("arbetstidsregler"),
        max_length=20,
        choices=Regime.choices,
        help_text=_(
            "Avgör hur många timmar Försäkringskassan betalar: 48 h/vecka i snitt enligt "
            "arbetstidslagen eller kollektivavtal, 52 h/vecka i snitt per 28 dagar i husligt arbete."
        ),
    )
    period_anchor = models.DateField(
        _("beräkningsperiodernas startdag"),
        help_text=_("Husligt arbete: första dagen i kedjan av 28-dagarsperioder. Annars startdag för perioderna."),
    )
    rest_profile = models.CharField(
        _("viloregler"),
        max_length=40,
        choices=RestProfile.choices,
        default=RestProfile.ATL,
        help_text=_("Vilka regler för dygns- och veckovila som gäller, t.ex. enligt avtal."),
    )
    is_relative = models.BooleanField(_("närstående till brukaren"), default=False)
    lives_with_client = models.BooleanField(_("bor med brukaren"), default=False)
    external_note = models.CharField(_("anteckning"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("anställning")
        verbose_name_plural = _("anställningar")
        ordering = ["assistant", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="employment_end_after_start",
                violation_error_message=_("Anställningens slut kan inte ligga före dess start."),
            ),
            models.CheckConstraint(
                condition=Q(regime__in=["agreement", "atl", "household"]),
                name="employment_has_regime",
                violation_error_message=_("Välj vilka arbetstidsregler som gäller för anställningen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assistant} – {self.get_regime_display()} från {self.start}"

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if not self.regime:
            errors.setdefault("regime", []).append(_("Välj vilka arbetstidsregler som gäller för anställningen."))
        if self.start and self.end and self.end < self.start:
            errors.setdefault("end", []).append(_("Anställningens slut kan inte ligga före dess start."))
        employer = self.employer if self.employer_id else None
        if employer is not None and self.assistant_id and self.assistant.provider_id != employer.pk:
            errors.setdefault("employer", []).append(_("Arbetsgivaren måste vara assistentens anordnare."))
        if employer is not None and self.regime == self.Regime.AGREEMENT and employer.collective_agreement_id is None:
            errors.setdefault("regime", []).append(
                _("Arbetsgivaren har inget kollektivavtal registrerat. Välj arbetstidslagen eller ange avtalet.")
            )
        if (
            employer is not None
            and self.regime == self.Regime.HOUSEHOLD
            and employer.kind != Provider.Kind.SELF_EMPLOYER
        ):
            errors.setdefault("regime", []).append(
                _("Lagen om husligt arbete gäller bara när brukaren själv är arbetsgivare.")
            )
        if self.start and self.assistant_id and not errors:
            overlapping = Employment.objects.filter(assistant_id=self.assistant_id).filter(
                Q(end__isnull=True) | Q(end__gte=self.start)
            )
            if self.end is not None:
                overlapping = overlapping.filter(start__lte=self.end)
            if overlapping.exclude(pk=self.pk).exists():
                errors.setdefault("start", []).append(_("Assistenten har redan en anställning under den perioden."))
        if errors:
            raise ValidationError(errors)


class ReferencePeriod(models.Model):
    """A reference period (beräkningsperiod) the employer declared (ATL and
    agreements). Household employments use the 28-day chain instead."""

    employment = models.ForeignKey(
        Employment, verbose_name=_("anställning"), on_delete=models.CASCADE, related_name="reference_periods"
    )
    start = models.DateField(_("från"))
    end = models.DateField(_("till och med"))

    class Meta:
        verbose_name = _("beräkningsperiod")
        verbose_name_plural = _("beräkningsperioder")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="reference_period_end_after_start",
                violation_error_message=_("Periodens slut kan inte ligga före dess start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


class ExternalHours(models.Model):
    """Hours the assistant declares from other employers in a period (W3)."""

    assistant = models.ForeignKey(
        Assistant, verbose_name=_("assistent"), on_delete=models.CASCADE, related_name="external_hours"
    )
    start = models.DateField(_("från"))
    end = models.DateField(_("till och med"))
    minutes = models.PositiveIntegerField(_("minuter hos andra arbetsgivare"))

    class Meta:
        verbose_name = _("timmar hos annan arbetsgivare")
        verbose_name_plural = _("timmar hos andra arbetsgivare")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="external_hours_end_after_start",
                violation_error_message=_("Periodens slut kan inte ligga före dess start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}: {self.minutes // 60} h {self.minutes % 60} min"


class Assignment(models.Model):
    """Which assistant may work for which client, from when. FK must have had
    the assistant notice (FK 3066) before the first shift (E2)."""

    assistant = models.ForeignKey(
        Assistant, verbose_name=_("assistent"), on_delete=models.PROTECT, related_name="assignments"
    )
    client = models.ForeignKey(Client, verbose_name=_("brukare"), on_delete=models.PROTECT, related_name="assignments")
    start = models.DateField(_("från"))
    end = models.DateField(_("till och med"), null=True, blank=True)
    fk_notified_on = models.DateField(
        _("anmäld till Försäkringskassan"),
        null=True,
        blank=True,
        help_text=_("Dagen anmälan om assistent (FK 3066) kom in. Pass före den dagen betalas inte."),
    )

    class Meta:
        verbose_name = _("uppdrag")
        verbose_name_plural = _("uppdrag")
        ordering = ["client", "assistant", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="assignment_end_after_start",
                violation_error_message=_("Slutdatum kan inte ligga före startdatum."),
            ),
            models.UniqueConstraint(
                fields=["assistant", "client", "start"],
                name="assignment_unique_start",
                violation_error_message=_("Uppdraget finns redan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assistant} → {self.client}"

    def clean(self) -> None:
        super().clean()
        if self.assistant_id and self.client_id and self.assistant.provider_id != self.client.provider_id:
            raise ValidationError(
                {"client": _("Assistenten och brukaren måste höra till samma anordnare.")}, code="provider"
            )
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("Slutdatum kan inte ligga före startdatum.")})


class Absence(models.Model):
    """The client is in hospital, an institution, school or daily activity;
    hours then are not payable unless an exception is recorded (E3)."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Sjukhusvistelse")
        INSTITUTION = "institution", _("Institution")
        SCHOOL = "school", _("Skola eller förskola")
        DAILY_ACTIVITY = "daily_activity", _("Daglig verksamhet")

    client = models.ForeignKey(Client, verbose_name=_("brukare"), on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    start = models.DateTimeField(_("från"))
    end = models.DateTimeField(_("till"))
    exception = models.BooleanField(
        _("särskilda skäl"), default=False, help_text=_("Assistans under vistelsen ersätts ändå.")
    )
    exception_reason = models.CharField(_("skäl"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("frånvaro för brukare")
        verbose_name_plural = _("frånvaro för brukare")
        ordering = ["client", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="absence_end_after_start",
                violation_error_message=_("Slutet måste ligga efter starten."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        if self.exception and not self.exception_reason:
            raise ValidationError({"exception_reason": _("Ange de särskilda skälen.")})


class Membership(models.Model):
    """A user's role at one provider. Every query is scoped through this."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administratör")
        COORDINATOR = "coordinator", _("Samordnare")
        ASSISTANT = "assistant", _("Assistent")
        CLIENT = "client", _("Brukare eller företrädare")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("anordnare"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    all_clients = models.BooleanField(
        _("ser alla brukare"), default=True, help_text=_("Samordnare: annars bara de brukare som tilldelats.")
    )
    clients = models.ManyToManyField(
        Client,
        verbose_name=_("brukare"),
        blank=True,
        related_name="memberships",
        help_text=_("Samordnare med begränsad behörighet, eller brukaren/företrädaren själv."),
    )
    assistant = models.OneToOneField(
        Assistant,
        verbose_name=_("assistent"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="membership",
    )

    class Meta:
        verbose_name = _("behörighet")
        verbose_name_plural = _("behörigheter")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="assistant") | Q(assistant__isnull=False),
                name="assistant_role_has_assistant",
                violation_error_message=_("En assistent måste kopplas till sin assistentpost."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} hos {self.provider}"

    def clean(self) -> None:
        super().clean()
        if self.role == self.Role.ASSISTANT and not self.assistant_id:
            raise ValidationError({"assistant": _("En assistent måste kopplas till sin assistentpost.")})
        if self.assistant_id and self.assistant.provider_id != self.provider_id:
            raise ValidationError({"assistant": _("Assistenten hör till en annan anordnare.")})
