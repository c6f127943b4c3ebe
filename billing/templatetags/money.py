from decimal import Decimal, InvalidOperation

from django import template

from billing.calculations import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    """Swedish money display, the one format: 1 234,50 kr."""
    if value is None or value == "":
        return ""
    try:
        return format_money(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)
