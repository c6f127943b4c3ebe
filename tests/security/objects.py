"""One object of every kind for a side of the shared cast (tests/conftest.py),
made on demand. The isolation matrix points its URL kwargs at these."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from scheduling.rules.timeutil import make_aware


class Objects:
    """``Objects(side)["shift"]`` is a shift of that side's provider, created
    the first time it is asked for."""

    def __init__(self, side):
        self.side = side
        self._made: dict[str, object] = {}

    def __getitem__(self, key: str):
        if key not in self._made:
            self._made[key] = getattr(self, f"_make_{key.replace('-', '_')}")()
        return self._made[key]

    # -- registry rows the cast already has

    def _make_provider(self):
        return self.side.provider

    def _make_client(self):
        return self.side.clients[0]

    def _make_assistant(self):
        return self.side.assistants[0]

    def _make_decision(self):
        return self["client"].decisions.first()

    def _make_employment(self):
        return self["assistant"].employments.first()

    def _make_assignment(self):
        return self["client"].assignments.first()

    def _make_membership(self):
        return self.side.admin.membership

    def _make_user(self):
        return self.side.assistant_user

    # -- rows the cast does not have

    def _make_absence(self):
        from assistans.models import Absence

        return Absence.objects.create(
            client=self["client"],
            kind=Absence.Kind.HOSPITAL,
            start=make_aware(date(2026, 3, 10), time(8)),
            end=make_aware(date(2026, 3, 12), time(8)),
        )

    def _make_shift(self):
        from scheduling.models import Shift

        return Shift.objects.create(
            provider=self.side.provider,
            assistant=self["assistant"],
            client=self["client"],
            start=make_aware(date(2026, 3, 3), time(8)),
            end=make_aware(date(2026, 3, 3), time(16)),
        )

    def _make_deviation(self):
        from scheduling.models import Deviation

        shift = self["shift"]
        return Deviation.objects.create(
            provider=self.side.provider,
            shift=shift,
            assistant=shift.assistant,
            client=shift.client,
            actual_start=shift.start,
            actual_end=shift.end,
            note="slutade senare",
            reported_by=self.side.assistant_user,
        )

    def _make_finding(self):
        from scheduling.models import ShiftFinding

        shift = self["shift"]
        return ShiftFinding.objects.create(
            shift=shift,
            code="W1",
            severity=ShiftFinding.Severity.WARNING,
            start=shift.start,
            end=shift.end,
            minutes=60,
            message="test",
            ruleset="test",
        )

    def _make_report(self):
        """The month of the side's shift, computed as month-end does."""
        from billing import services

        self["shift"]
        (report,) = services.compute_reports(
            provider=self.side.provider, month=date(2026, 3, 1), today=date(2026, 4, 2), clients=[self["client"]]
        )
        return report

    def _make_time_report(self):
        return self["report"].time_reports.get()

    def _make_invoice(self):
        from billing.models import Invoice

        return Invoice.objects.create(
            provider=self.side.provider,
            number=9001,
            report=self["report"],
            issued_on=date(2026, 4, 3),
            due_on=date(2026, 5, 3),
            ocr="900157",
            amount=Decimal("100.00"),
        )

    def _make_api_token(self):
        from api.tokens import create_token

        token, _secret = create_token(
            provider=self.side.provider, owner=self.side.admin, name="test", read_only=True, created_by=self.side.admin
        )
        return token

    def _make_payout_step(self):
        from billing.models import PayoutStep

        return PayoutStep.objects.create(
            provider=self.side.provider, client=self["client"], month=date(2026, 3, 1), step="test"
        )


def pk(key: str):
    """The kwarg is the id of the side's ``key`` object."""
    return lambda objects: objects[key].pk


def content_type_of(key: str):
    """The kwarg is the ContentType id of the side's ``key`` object."""
    return lambda objects: ContentType.objects.get_for_model(objects[key]).pk


def value(constant):
    """The kwarg is a constant (a month, a format), the same for both sides."""
    return lambda objects: constant
