"""The audit trail's pages, for provider admins only (a 404 for every other
role). Both pages only read: there is no form that changes an entry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .display import with_change_rows
from .forms import EntryFilterForm

PAGE_SIZE = 100


def _filtered(entries, form: EntryFilterForm):
    if not form.is_valid():
        # Filter by the fields that are valid; the invalid ones show their error.
        data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    else:
        data = form.cleaned_data
    if data.get("model"):
        entries = entries.filter(content_type_id=data["model"])
    if data.get("action") is not None:
        entries = entries.filter(action=data["action"])
    if data.get("user"):
        term = data["user"].strip()
        entries = entries.filter(
            Q(actor__username__icontains=term)
            | Q(actor__first_name__icontains=term)
            | Q(actor__last_name__icontains=term)
            | Q(actor_email__icontains=term)
        )
    if data.get("date_from"):
        entries = entries.filter(timestamp__date__gte=data["date_from"])
    if data.get("date_to"):
        entries = entries.filter(timestamp__date__lte=data["date_to"])
    if data.get("object"):
        term = data["object"].strip()
        # An id (ASCII digits: "²".isdigit() is true too) finds that object;
        # anything else is a part of its name.
        is_id = term.isascii() and term.isdigit()
        entries = entries.filter(object_id=int(term)) if is_id else entries.filter(object_repr__icontains=term)
    return entries


@require_GET
@login_required
def entry_list(request):
    entries = selectors.entries_for(request.user)
    form = EntryFilterForm(request.GET or None, content_types=selectors.tracked_content_types())
    if form.is_bound:
        entries = _filtered(entries, form)
    page = Paginator(entries.order_by("-timestamp", "-pk"), PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    context = {"form": form, "page": page, "entries": with_change_rows(page), "query": query.urlencode()}
    return render(request, "audit/entry_list.html", context)


@require_GET
@login_required
def object_history(request, content_type: int, pk: int):
    selectors.require_provider_admin(request.user)
    try:
        kind = ContentType.objects.get_for_id(content_type)
    except ContentType.DoesNotExist as exc:
        raise Http404("unknown content type") from exc
    entries = selectors.history_of(request.user, content_type_id=kind.pk, object_id=pk)
    latest = entries.order_by("-timestamp", "-pk").first()
    context = {
        "entries": with_change_rows(entries.order_by("timestamp", "pk")),
        "kind": kind.model_class()._meta.verbose_name if kind.model_class() else kind.model,
        "object_repr": latest.object_repr,
    }
    return render(request, "audit/object_history.html", context)


def locked_out(request, original_response=None, credentials=None):
    """Axes' answer once the failure limit is reached (AXES_LOCKOUT_CALLABLE):
    a Swedish page saying how long the lock lasts, with status 429."""
    from django.conf import settings

    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cooloff.total_seconds() / 60)) if cooloff else None
    return render(request, "audit/lockout.html", {"cooloff_minutes": minutes}, status=429)
