"""An assistant's own pages: "Mitt schema" (coming shifts, a month view and
the hours the engine counts), reporting a deviation from a shift, and the
private calendar feed.

Only the assistant's own shifts are reachable: every query is filtered by the
membership's assistant, so anyone else's shift is a 404."""

from __future__ import annotations

import calendar as month_calendar
import logging
from collections import defaultdict
from datetime import date, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from assistans import selectors
from assistans.models import Membership

from . import calendar, changes
from .forms import aware_time, fold_field, repeated_hour_fold
from .models import Deviation, Kind, Shift
from .rules import model as m
from .rules.timeutil import (
    fmt_minutes,
    local_date,
    local_midnight,
    next_month,
)
from .views import DAY_NAMES
from .views_changes import DateInput

logger = logging.getLogger(__name__)

UPCOMING_DAYS = 14
RECENT_DAYS = 14


def _assistant_membership(request) -> Membership:
    membership = selectors.membership_of(request.user)
    if membership is None or membership.role != Membership.Role.ASSISTANT or membership.assistant_id is None:
        raise Http404("not an assistant")
    return membership


def _my_shifts(membership: Membership):
    return Shift.objects.filter(provider_id=membership.provider_id, assistant_id=membership.assistant_id)


def _parse_month(value: str) -> date | None:
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def _with_local(shift: Shift) -> dict:
    start, end = shift.start.astimezone(m.STOCKHOLM), shift.end.astimezone(m.STOCKHOLM)
    return {
        "shift": shift,
        "start": start,
        "end": end,
        "next_day": end.date() > start.date() and end.time() != time(0),
        "length": fmt_minutes(int((shift.end - shift.start).total_seconds()) // 60),
        "kinds": ", ".join(dict.fromkeys(str(Kind(k).label) for _a, _b, k in shift.segment_list())),
    }


def _month_weeks(shifts, month: date, today: date) -> list[list[dict]]:
    by_day = defaultdict(list)
    for shift in shifts:
        by_day[local_date(shift.start)].append(_with_local(shift))
    weeks = []
    for week in month_calendar.Calendar().monthdatescalendar(month.year, month.month):
        weeks.append(
            [
                {
                    "date": day,
                    "name": DAY_NAMES[day.weekday()],
                    "shifts": by_day.get(day, []),
                    "outside": day.month != month.month,
                    "today": day == today,
                }
                for day in week
            ]
        )
    return weeks


@login_required
def my_schedule(request):
    membership = _assistant_membership(request)
    assistant = membership.assistant
    now = timezone.now()
    today = local_date(now)
    shifts = _my_shifts(membership).select_related("client")
    context = {"assistant": assistant, "now": now, "today": today}
    month_value = request.GET.get("manad", "")
    if month_value:
        month = _parse_month(month_value)
        if month is None:
            messages.warning(request, _("Månaden ska anges som ÅÅÅÅ-MM, till exempel 2026-11."))
            return redirect("my-schedule")
        month_shifts = shifts.filter(
            start__lt=local_midnight(next_month(month)), end__gt=local_midnight(month)
        ).order_by("start")
        context.update(
            {
                "view": "month",
                "month": month,
                "weeks": _month_weeks(month_shifts, month, today),
                "day_names": DAY_NAMES,
                "prev_month": f"{(month - timedelta(days=1)):%Y-%m}",
                "next_month": f"{next_month(month):%Y-%m}",
                "month_count": len(month_shifts),
            }
        )
    else:
        upcoming = shifts.filter(end__gt=now, start__lt=local_midnight(today + timedelta(days=UPCOMING_DAYS)))
        by_day = defaultdict(list)
        for shift in upcoming.order_by("start"):
            by_day[local_date(shift.start)].append(_with_local(shift))
        recent = (
            shifts.filter(start__lte=now, start__gte=now - timedelta(days=RECENT_DAYS))
            .prefetch_related("deviations")
            .order_by("-start")
        )
        recent_rows = []
        for shift in recent:
            row = _with_local(shift)
            row["deviations"] = sorted(shift.deviations.all(), key=lambda d: d.reported_at, reverse=True)[:1]
            recent_rows.append(row)
        context.update(
            {
                "view": "list",
                "days": [
                    {"date": day, "name": DAY_NAMES[day.weekday()], "shifts": rows, "today": day == today}
                    for day, rows in sorted(by_day.items())
                ],
                "recent": recent_rows,
                "this_month": f"{today:%Y-%m}",
            }
        )
    hours = changes.hours_for(provider=membership.provider, assistant=assistant, now=now)
    context.update(
        {
            "hours": hours,
            "month_worked": fmt_minutes(hours.month_worked),
            "month_planned": fmt_minutes(hours.month_planned),
            "month_total": fmt_minutes(hours.month_total),
            "cap_used": fmt_minutes(hours.cap.shift_minutes) if hours.cap else "",
            "cap_limit": fmt_minutes(hours.cap.cap_minutes) if hours.cap else "",
            "cap_remaining": fmt_minutes(abs(hours.cap.remaining_minutes)) if hours.cap else "",
            "period_worked": fmt_minutes(hours.period_worked),
            "external": int(hours.cap.external_minutes) if hours.cap else 0,
            "external_text": fmt_minutes(int(hours.cap.external_minutes)) if hours.cap else "",
        }
    )
    return render(request, "scheduling/mine/my_schedule.html", context)


# --- reporting a deviation ---------------------------------------------------------


class DeviationForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Datum då passet började"), widget=DateInput())
    start_time = forms.TimeField(
        label=gettext_lazy("Faktisk start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=gettext_lazy("Faktiskt slut"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_next_day = forms.BooleanField(
        label=gettext_lazy("Slutade nästa dag"),
        required=False,
        help_text=gettext_lazy("Kryssa i när passet gick över midnatt."),
    )
    fold = fold_field()
    kind = forms.ChoiceField(
        label=gettext_lazy("Typ av tid"),
        required=False,
        choices=[("", gettext_lazy("Som planerat")), *Kind.choices],
        help_text=gettext_lazy(
            "Väntetid och beredskap ersätts med en lägre faktor än aktiv tid; välj det som gällde under passet."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Vad hände?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Till exempel: brukaren behövde hjälp en timme extra efter läkarbesöket."),
    )

    def clean(self):
        cleaned = super().clean()
        day, start_time, end_time = cleaned.get("date"), cleaned.get("start_time"), cleaned.get("end_time")
        if day is None or start_time is None or end_time is None:
            return cleaned
        if not cleaned.get("ends_next_day") and end_time <= start_time:
            self.add_error(
                "end_time",
                _("Sluttiden ligger inte efter starttiden. Gick passet över midnatt? Kryssa då i ”Slutade nästa dag”."),
            )
            return cleaned
        end_day = day + timedelta(days=1) if cleaned.get("ends_next_day") else day
        for name, the_day, clock in (("start", day, start_time), ("end", end_day, end_time)):
            instant = aware_time(self, the_day, clock, f"{name}_time")
            if instant is not None:
                cleaned[name] = instant
        return cleaned

    def show_fold(self) -> bool:
        return (
            bool(self["fold"].value())
            or self.has_error("start_time", "ambiguous")
            or self.has_error("end_time", "ambiguous")
        )

    @staticmethod
    def initial_for(shift: Shift, deviation: Deviation | None) -> dict:
        start = (deviation.actual_start if deviation else shift.start).astimezone(m.STOCKHOLM)
        end = (deviation.actual_end if deviation else shift.end).astimezone(m.STOCKHOLM)
        return {
            "date": start.date(),
            "start_time": start.time().replace(tzinfo=None),
            "end_time": end.time().replace(tzinfo=None),
            "ends_next_day": end.date() > start.date(),
            "fold": repeated_hour_fold(start, end),
            "kind": deviation.kind if deviation else "",
            "note": deviation.note if deviation else "",
        }


@login_required
def deviation_report(request, pk: int):
    membership = _assistant_membership(request)
    shift = get_object_or_404(_my_shifts(membership).select_related("client"), pk=pk)
    now = timezone.now()
    pending = shift.deviations.filter(status=Deviation.Status.PENDING).first()
    locked = changes.locked_month(shift)
    error = ""
    if request.method == "POST" and locked is None:
        form = DeviationForm(request.POST)
        if form.is_valid():
            try:
                changes.report_deviation(
                    actor=request.user,
                    shift=shift,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    now=now,
                )
            except changes.ChangeError as exc:
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    error = exc.message
            else:
                messages.success(
                    request, _("Avvikelsen är skickad till din samordnare. Du ser beslutet här i Mitt schema.")
                )
                return redirect("my-schedule")
    else:
        form = DeviationForm(initial=DeviationForm.initial_for(shift, pending))
    context = {
        "shift": shift,
        "row": _with_local(shift),
        "form": form,
        "pending": pending,
        "locked": locked,
        "not_started": shift.start > now,
        "error": error,
        "history": shift.deviations.exclude(status=Deviation.Status.PENDING).order_by("-decided_at"),
    }
    return render(request, "scheduling/mine/deviation_report.html", context)


# --- the calendar feed ---------------------------------------------------------------


def _feed_url(request, secret: str) -> str:
    return request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": secret}))


@never_cache
@login_required
def calendar_settings(request):
    membership = _assistant_membership(request)
    assistant = membership.assistant
    now = timezone.now()
    secret = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("create", "renew"):
            secret = calendar.issue_token(user=request.user, assistant=assistant, now=now)
            logger.info("calendar token issued for assistant %s", assistant.pk)
        elif action == "revoke":
            calendar.revoke_tokens(assistant=assistant, now=now)
            logger.info("calendar tokens revoked for assistant %s", assistant.pk)
            messages.success(request, _("Kalenderlänken är återkallad. Din kalender hämtar inga fler pass från den."))
            return redirect("calendar-settings")
    context = {
        "token": calendar.live_token(assistant),
        "feed_url": _feed_url(request, secret) if secret else "",
        "webcal_url": _feed_url(request, secret).replace("https://", "webcal://", 1).replace("http://", "webcal://", 1)
        if secret
        else "",
    }
    return render(request, "scheduling/mine/calendar_settings.html", context)


def calendar_feed(request, token: str):
    """The iCalendar text for a live token; 404 for anything else (unknown,
    revoked, renewed), with no hint which."""
    if request.method not in ("GET", "HEAD"):
        raise Http404("feeds are read only")
    found = calendar.token_for(token)
    if found is None:
        raise Http404("no such calendar")
    body = calendar.feed_for(found, host=request.get_host().split(":")[0] or "assistanstid", now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mitt-schema.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
