"""Display filters of the month-end pages: hours in the one Swedish format
of ``billing.calculations`` (``160,50``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django import template

from billing.calculations import format_hours

register = template.Library()


@register.filter
def hours(minutes) -> str:
    """Whole minutes → hours: ``90`` → ``"1,50"``."""
    if minutes is None or minutes == "":
        return ""
    return format_hours(int(minutes))


@register.filter
def hours_text(value) -> str:
    """Decimal hours as stored in a snapshot (``"160.50"``) → ``"160,50"``."""
    if value is None or value == "":
        return ""
    try:
        return format_hours(Fraction(Decimal(str(value))) * 60)
    except (InvalidOperation, ValueError):
        return str(value)
