"""Forms of the month-end pages. They only parse and label what the user
types; every decision (who may sign, what may be submitted) is the
services' (``billing.services``)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _


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
            return parse_month(self.cleaned_data["manad"])
        except ValueError as exc:
            raise forms.ValidationError(_("Ange månaden som ÅÅÅÅ-MM, t.ex. 2026-10.")) from exc


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
