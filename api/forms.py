from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"), max_length=100, help_text=_("Vad nyckeln används till, t.ex. ”Lönesystemet”.")
    )
    owner = forms.ModelChoiceField(
        label=_("Ägare"),
        queryset=get_user_model().objects.none(),
        help_text=_("Nyckeln når det som ägaren når med sin roll."),
    )
    read_only = forms.BooleanField(label=_("Bara läsning"), required=False, initial=True)

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(membership__provider=provider, is_active=True).order_by("username")
        )
