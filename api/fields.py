"""Serializer fields shared by the API: bounded dates, the personnummer
that is masked unless the role needs it, and related fields scoped to what
the caller may reach (another provider's id is "does not exist")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assistans import identity
from assistans.models import Membership

#: Dates outside these years are typing errors (and would overflow the time
#: arithmetic near year 1 or 9999), never real assistance.
MIN_YEAR, MAX_YEAR = 1900, 2200
MIN_SHIFT_YEAR, MAX_SHIFT_YEAR = 2000, 2100


# DRF's Field.fail() fills messages with str.format: {name}, not %(name)s.


class BoundedDateField(serializers.DateField):
    default_error_messages = {
        "out_of_range": _("Datumet måste ligga mellan år {min} och {max}."),
    }

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if not MIN_YEAR <= result.year <= MAX_YEAR:
            self.fail("out_of_range", min=MIN_YEAR, max=MAX_YEAR)
        return result


class BoundedDateTimeField(serializers.DateTimeField):
    default_error_messages = {
        "out_of_range": _("Tidpunkten måste ligga mellan år {min} och {max}."),
    }
    min_year, max_year = MIN_SHIFT_YEAR, MAX_SHIFT_YEAR

    def to_internal_value(self, value):
        # Check the year before the time-zone conversion, which overflows at
        # the ends of the calendar.
        if isinstance(value, str):
            head = value.strip()[:4]
            if head.isascii() and head.isdigit() and not self.min_year <= int(head) <= self.max_year:
                self.fail("out_of_range", min=self.min_year, max=self.max_year)
        result = super().to_internal_value(value)
        if not self.min_year <= result.year <= self.max_year:
            self.fail("out_of_range", min=self.min_year, max=self.max_year)
        return result


def reveals_personal_numbers(membership: Membership | None) -> bool:
    """The provider's admin registers people and pays salaries; everyone else
    sees YYMMDD-****."""
    return membership is not None and membership.role == Membership.Role.ADMIN


@extend_schema_field(
    {
        "type": "string",
        "example": "19800412-1234",
        "description": "Personnummer. Skrivs som ÅÅÅÅMMDD-NNNN; visas maskerat (ÅÅMMDD-****) utom för anordnarens "
        "administratör.",
    }
)
class PersonalNumberField(serializers.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 13)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return identity.parse_personal_number(value).normalized
        except identity.InvalidNumber as exc:
            raise serializers.ValidationError(exc.message) from exc

    def to_representation(self, value):
        if reveals_personal_numbers(self.context.get("membership")):
            return identity.display(value)
        return identity.mask(value)


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related id that must be one the caller may reach: ``scope(user)``
    gives the queryset (a selector). Another provider's id reads as unknown."""

    default_error_messages = {
        "does_not_exist": _("Objektet med id {pk_value} finns inte."),
        "incorrect_type": _("Ange ett id (ett heltal)."),
    }

    def __init__(self, scope, **kwargs):
        self.scope = scope
        kwargs.setdefault("queryset", None)
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.scope(request.user if request else None)

    def to_internal_value(self, data):
        # str.isdigit() is also true of "²" and "٣", which int() refuses or reads as another id.
        if (
            isinstance(data, bool)
            or (isinstance(data, str) and not (data.isascii() and data.isdigit()))
            or not isinstance(data, int | str)
        ):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if int(data) > 2**62:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)
