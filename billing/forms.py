"""Forms of the month-end pages. They only parse and label what the user
types; every decision (who may sign, what may be submitted) is the
services' (``billing.services``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

#: The months the pages can show: the month navigation steps one month either
#: way, which must stay a valid date (year 1 or 9999 would crash it).
FIRST_YEAR, LAST_YEAR = 2000, 2099

#: What MonthlyReport.paid_amount can hold (max_digits=12, decimal_places=2).
AMOUNT_DIGITS, AMOUNT_PLACES = 12, 2


def parse_month(value: str) -> date:
    """``"2026-10"`` → ``date(2026, 10, 1)``; ValueError otherwise."""
    year, month = value.strip().split("-")
    if len(year) != 4:
        raise ValueError(value)
    return date(int(year), int(month), 1)


class MonthForm(forms.Form):
    manad = forms.CharField(
        label=_("Månad"),
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("ÅÅÅÅ-MM, t.ex. 2026-10."),
    )

    def clean_manad(self) -> date:
        try:
            month = parse_month(self.cleaned_data["manad"])
        except ValueError as exc:
            raise forms.ValidationError(_("Ange månaden som ÅÅÅÅ-MM, t.ex. 2026-10.")) from exc
        if not FIRST_YEAR <= month.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Ange en månad mellan %(first)s-01 och %(last)s-12.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return month


class AttestForm(forms.Form):
    """A signature is a deliberate act: the signer ticks the attestation."""

    intygar = forms.BooleanField(
        label=_("Jag intygar att uppgifterna är riktiga"),
        error_messages={"required": _("Kryssa i rutan för att intyga att uppgifterna är riktiga innan du signerar.")},
    )


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl till rättelsen"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Ange varför redovisningen rättas.")},
        help_text=_("Den inskickade versionen sparas oförändrad; rättelsen blir en ny version som signeras igen."),
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Utbetald dag"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Ange datumet som ÅÅÅÅ-MM-DD."), "required": _("Ange datumet som ÅÅÅÅ-MM-DD.")},
    )
    amount = forms.CharField(
        label=_("Belopp (kr)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("Ange beloppet som kom in, t.ex. 55805,85.")},
    )

    def clean_amount(self) -> Decimal:
        """Read a Swedish amount ("55 805,85") into a Decimal the report can
        store; whether it may be recorded (not negative, report submitted) is
        the service's decision."""
        raw = self.cleaned_data["amount"]
        text = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise forms.ValidationError(_("Beloppet är inte ett tal. Skriv t.ex. 55805,85."))
        _sign, digits, exponent = value.normalize().as_tuple()
        places = max(0, -exponent)
        whole = max(0, len(digits) + exponent)
        if places > AMOUNT_PLACES:
            raise forms.ValidationError(_("Ange beloppet med högst två decimaler (öre)."))
        if whole > AMOUNT_DIGITS - AMOUNT_PLACES:
            raise forms.ValidationError(_("Beloppet är för stort."))
        return value
