from __future__ import annotations

from auditlog.models import AbstractLogEntry
from django import forms
from django.utils.translation import gettext_lazy as _

ACTIONS = [
    ("", _("Alla")),
    (AbstractLogEntry.Action.CREATE, _("Skapad")),
    (AbstractLogEntry.Action.UPDATE, _("Ändrad")),
    (AbstractLogEntry.Action.DELETE, _("Borttagen")),
    (AbstractLogEntry.Action.ACCESS, _("Export")),
]


class EntryFilterForm(forms.Form):
    """The audit list's filters. Every field is optional; bad input is shown
    next to the field and the list is not filtered by it."""

    model = forms.TypedChoiceField(label=_("Typ av objekt"), required=False, coerce=int, empty_value=None)
    action = forms.TypedChoiceField(label=_("Händelse"), required=False, choices=ACTIONS, coerce=int, empty_value=None)
    user = forms.CharField(label=_("Användare"), required=False, max_length=150)
    date_from = forms.DateField(label=_("Från och med"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Till och med"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    object = forms.CharField(
        label=_("Objekt"), required=False, max_length=200, help_text=_("Id eller en del av namnet.")
    )

    def __init__(self, *args, content_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Alla"))] + [
            (ct.pk, str(ct.model_class()._meta.verbose_name).capitalize()) for ct in content_types
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Slutdatumet kan inte ligga före startdatumet."))
        return cleaned
