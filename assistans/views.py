"""Registry pages. Each view reads through a provider-scoped selector, so an
object of another provider is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from . import selectors


@login_required
def home(request):
    membership = selectors.membership_of(request.user)
    context = {
        "clients": selectors.clients_for(request.user)[:50],
        "assistants": selectors.assistants_for(request.user)[:50] if selectors.can_manage(request.user) else [],
        "today": timezone.localdate(),
        "no_membership": membership is None,
    }
    return render(request, "assistans/home.html", context)


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
