"""Personnummer in templates: ``{% load personal_data %}{% personal_number client %}``."""

from __future__ import annotations

from django import template

from assistans import identity
from assistans.models import Membership
from assistans.selectors import membership_of

register = template.Library()


@register.simple_tag(takes_context=True)
def personal_number(context, person) -> str:
    """A client's or assistant's personnummer as the viewer may see it: in
    full (ÅÅÅÅMMDD-NNNN) for an admin of the person's own provider, who needs
    it for FK and payroll; YYMMDD-**** for every other role."""
    request = context.get("request")
    membership = membership_of(getattr(request, "user", None))
    stored = person.personal_number
    if (
        membership is not None
        and membership.role == Membership.Role.ADMIN
        and membership.provider_id == person.provider_id
        and len(stored) == 12
    ):
        return identity.display(stored)
    return identity.mask(stored)
