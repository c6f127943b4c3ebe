"""Billing pages. Each view reads through the provider-scoped selectors, so
another provider's rows are a 404."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from assistans import selectors
from assistans.models import Membership

from . import cashflow, services
from .calculations import format_money
from .models import MonthlyReport


def _reports_for(user):
    membership = selectors.membership_of(user)
    if membership is None or membership.role not in (Membership.Role.ADMIN, Membership.Role.COORDINATOR):
        raise Http404("not a manager")
    return MonthlyReport.objects.filter(provider_id=membership.provider_id, client__in=selectors.clients_for(user))


@login_required
def cashflow_view(request):
    """When the money is expected, what blocks each month, what came in."""
    reports = _reports_for(request.user)
    if request.method == "POST":
        report = get_object_or_404(reports, pk=request.POST.get("report"))
        try:
            on = date.fromisoformat(request.POST.get("paid_on", ""))
        except ValueError:
            messages.error(request, _("Ange datumet som ÅÅÅÅ-MM-DD."))
            return redirect("cashflow")
        try:
            received = cashflow.record_received(report=report, on=on, amount=request.POST.get("amount", ""))
        except services.ReportError as exc:
            messages.error(request, exc.message)
        else:
            difference = format_money(received.difference)
            messages.success(
                request,
                _("Utbetalningen är registrerad. Skillnad mot räkningen: %(difference)s.") % {"difference": difference},
            )
        return redirect("cashflow")
    today = timezone.localdate()
    context = {"flow": cashflow.cash_flow(reports=reports, today=today), "today": today}
    return render(request, "billing/cashflow.html", context)
