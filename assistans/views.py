"""Registry pages. Each view reads through a provider-scoped selector, so an
object of another provider is a 404."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from . import navigation, selectors
from .models import Membership

#: Today's shifts listed on a coordinator's start page; more are counted, not listed.
TODAY_LIMIT = 200


@login_required
def home(request):
    """The start page for the user's role: what needs doing today and the way
    there. Every row is scoped through the selectors (the user's clients, or
    the assistant's own shifts)."""
    membership = selectors.membership_of(request.user)
    if membership is None:
        return render(request, "assistans/home.html", {"no_membership": True})
    now = timezone.now()
    context = {
        "today": timezone.localdate(now),
        "quick_links": navigation.items_for(request, navigation.QUICK_LINKS),
    }
    if membership.role in (Membership.Role.ADMIN, Membership.Role.COORDINATOR):
        context.update(_manager_home(request.user, membership, now))
    elif membership.role == Membership.Role.ASSISTANT:
        context.update(_assistant_home(membership, now))
    elif membership.role == Membership.Role.CLIENT:
        context.update(_client_home(request.user, membership, now))
    return render(request, "assistans/home.html", context)


# The home page is the one page that sums up every floor of the house (shifts,
# monthly reports), so it reads the higher apps' models; it imports them inside
# the functions to keep the registry app importable on its own.


def _manager_home(user, membership, now) -> dict:
    from billing.models import MonthlyReport
    from scheduling.models import Shift
    from scheduling.rules.timeutil import local_midnight

    today = timezone.localdate(now)
    clients = selectors.clients_for(user)
    shifts = (
        Shift.objects.filter(
            provider_id=membership.provider_id,
            client__in=clients,
            start__lt=local_midnight(today + timedelta(days=1)),
            end__gt=local_midnight(today),
        )
        .select_related("client", "assistant")
        .order_by("start", "client__last_name", "assistant__last_name")
    )
    unsigned_months = (
        MonthlyReport.objects.filter(
            provider_id=membership.provider_id, client__in=clients, status=MonthlyReport.Status.DRAFT
        )
        .values("client_id", "month")
        .distinct()
        .count()
    )
    listed = list(shifts[: TODAY_LIMIT + 1])
    return {
        "role_view": "manager",
        "today_shifts": listed[:TODAY_LIMIT],
        # The figure counts every shift, even past the rows listed.
        "today_count": len(listed) if len(listed) <= TODAY_LIMIT else shifts.count(),
        "unsigned_months": unsigned_months,
        "month_end_url": reverse("month-end"),
        **_pending_deviations(membership, clients),
    }


def _pending_deviations(membership, clients) -> dict:
    """The deviations assistants reported that wait for a coordinator's decision."""
    from scheduling.models import Deviation

    rows = Deviation.objects.filter(
        provider_id=membership.provider_id, client__in=clients, status=Deviation.Status.PENDING
    )
    return {
        "pending_deviations": rows.count(),
        "deviation_list_url": reverse("deviation-list"),
    }


def _assistant_home(membership, now) -> dict:
    from scheduling import changes
    from scheduling.models import Shift
    from scheduling.rules.timeutil import fmt_minutes

    # The hours are the engine's (active and waiting time count, standby does
    # not, W3), through the same service as "Mitt schema", so both pages agree.
    hours = changes.hours_for(provider=membership.provider, assistant=membership.assistant, now=now)
    own = Shift.objects.filter(provider_id=membership.provider_id, assistant_id=membership.assistant_id)
    return {
        "role_view": "assistant",
        "next_shifts": list(own.filter(end__gt=now).select_related("client").order_by("start")[:10]),
        "month": hours.month,
        "worked_hours": fmt_minutes(hours.month_worked),
        "planned_hours": fmt_minutes(hours.month_total),
    }


def _client_home(user, membership, now) -> dict:
    from billing.models import MonthlyReport
    from scheduling.models import Shift

    clients = list(selectors.clients_for(user).order_by("last_name", "first_name"))
    shifts = (
        Shift.objects.filter(provider_id=membership.provider_id, client__in=clients, end__gt=now)
        .select_related("client", "assistant")
        .order_by("start")
    )
    claims = (
        MonthlyReport.objects.filter(
            provider_id=membership.provider_id,
            client__in=clients,
            status=MonthlyReport.Status.DRAFT,
            client_signed_at__isnull=True,
        )
        .select_related("client")
        .annotate(
            unsigned_time_reports=Count(
                "time_reports",
                filter=Q(time_reports__assistant_signed_at__isnull=True)
                | Q(time_reports__provider_signed_at__isnull=True),
            )
        )
        .order_by("month", "client__last_name")
    )
    return {
        "role_view": "client",
        "own_clients": [
            {"client": client, "follow_up_url": reverse("client-follow-up", args=(client.pk,))} for client in clients
        ],
        "coming_shifts": list(shifts[:10]),
        "claims": list(claims),
    }


@login_required
def client_list(request):
    return render(request, "assistans/client_list.html", {"clients": selectors.clients_for(request.user)})


@login_required
def client_detail(request, pk: int):
    client = get_object_or_404(selectors.clients_for(request.user), pk=pk)
    context = {
        "client": client,
        "decisions": client.decisions.order_by("-start"),
        "assignments": selectors.assignments_for(request.user).filter(client=client).select_related("assistant"),
        "absences": client.absences.order_by("-start")[:20],
    }
    return render(request, "assistans/client_detail.html", context)


@login_required
def assistant_list(request):
    if not selectors.can_manage(request.user):
        raise Http404("not a manager")
    return render(request, "assistans/assistant_list.html", {"assistants": selectors.assistants_for(request.user)})


@login_required
def assistant_detail(request, pk: int):
    assistant = get_object_or_404(selectors.assistants_for(request.user), pk=pk)
    context = {
        "assistant": assistant,
        "employments": assistant.employments.order_by("-start"),
        "assignments": selectors.assignments_for(request.user).filter(assistant=assistant).select_related("client"),
    }
    return render(request, "assistans/assistant_detail.html", context)
