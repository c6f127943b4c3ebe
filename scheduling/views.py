"""Planning pages: week and month schedules per client and per assistant, the
shift dialog with live rule findings, deletion, and rolling a week out.

Every read goes through ``assistans.selectors`` (another provider's rows are
a 404); every write goes through ``scheduling.services``, which runs the
rules engine. The views parse input and translate refusals, nothing more."""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from assistans import selectors
from assistans.models import Membership

from . import services
from .forms import CopyWeekForm, ShiftForm, parse_month, parse_week
from .models import Kind, Shift
from .rules import model as m
from .rules.timeutil import fmt_minutes, local_date, local_midnight, next_month

KIND_LABELS = dict(Kind.choices)
DAY_NAMES = [
    gettext_lazy("måndag"),
    gettext_lazy("tisdag"),
    gettext_lazy("onsdag"),
    gettext_lazy("torsdag"),
    gettext_lazy("fredag"),
    gettext_lazy("lördag"),
    gettext_lazy("söndag"),
]


def _membership(request) -> Membership:
    membership = selectors.membership_of(request.user)
    if membership is None:
        raise Http404("no membership")
    return membership


def _manager(request) -> Membership:
    """Admins and coordinators plan; everyone else gets a 404 (not 403)."""
    membership = _membership(request)
    if membership.role not in (Membership.Role.ADMIN, Membership.Role.COORDINATOR):
        raise Http404("not a manager")
    return membership


def _shifts_for(request):
    membership = _manager(request)
    return Shift.objects.filter(provider_id=membership.provider_id, client__in=selectors.clients_for(request.user))


# --- the period shown ------------------------------------------------------


@dataclass
class Period:
    mode: str  # "week" or "month"
    first: date  # first day shown (a Monday)
    last: date  # last day shown (a Sunday)
    month: date | None = None
    error: str = ""

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1))

    @property
    def week_value(self) -> str:
        year, week, _day = self.first.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def month_value(self) -> str:
        month = self.month or self.first
        return f"{month:%Y-%m}"

    def query(self, direction: int) -> str:
        if self.mode == "month":
            month = next_month(self.month) if direction > 0 else (self.month - timedelta(days=1)).replace(day=1)
            return urlencode({"manad": f"{month:%Y-%m}"})
        year, week, _day = (self.first + timedelta(days=7 * direction)).isocalendar()
        return urlencode({"vecka": f"{year}-W{week:02d}"})


def _period(request) -> Period:
    today = timezone.localdate()
    error = ""
    if "manad" in request.GET:
        month = parse_month(request.GET["manad"])
        if month is not None:
            last_day = next_month(month) - timedelta(days=1)
            first = month - timedelta(days=month.weekday())
            last = last_day + timedelta(days=6 - last_day.weekday())
            return Period("month", first, last, month=month)
        error = _("Månaden ska anges som ÅÅÅÅ-MM, till exempel 2026-11. Visar den här veckan.")
    monday = None
    if request.GET.get("vecka"):
        monday = parse_week(request.GET["vecka"])
        if monday is None:
            error = _("Veckan ska anges som ÅÅÅÅ-Wvv, till exempel 2026-W48. Visar den här veckan.")
    elif request.GET.get("datum"):
        monday = parse_week(request.GET["datum"])
        if monday is None:
            error = _("Datumet ska anges som ÅÅÅÅ-MM-DD. Visar den här veckan.")
    if monday is None:
        monday = today - timedelta(days=today.weekday())
    return Period("week", monday, monday + timedelta(days=6), error=error)


# --- blocks and days -------------------------------------------------------


@dataclass
class Block:
    shift: Shift
    label: str
    start: datetime
    end: datetime
    ends_later: bool
    parts: list = field(default_factory=list)  # (start, end, kind label) when segmented
    kind_label: str = ""
    kind: str = ""
    double: bool = False
    findings: list = field(default_factory=list)
    hidden: bool = False  # another client's shift a restricted coordinator may not see

    @property
    def worst(self) -> str:
        severities = {f.severity for f in self.findings if not f.accepted}
        for severity in ("refused", "not_payable", "warning"):
            if severity in severities:
                return severity
        return "accepted" if self.findings else ""

    @property
    def duration(self) -> str:
        return fmt_minutes(int((self.end - self.start).total_seconds()) // 60)


def _blocks(shifts, *, label_by: str, visible_client_ids: set | None = None) -> list[Block]:
    shifts = list(shifts)
    by_client = defaultdict(list)
    for shift in shifts:
        by_client[shift.client_id].append(shift)
    blocks = []
    for shift in shifts:
        hidden = visible_client_ids is not None and shift.client_id not in visible_client_ids
        start, end = shift.start.astimezone(m.STOCKHOLM), shift.end.astimezone(m.STOCKHOLM)
        parts = []
        if shift.segments:
            parts = [
                (a.astimezone(m.STOCKHOLM), b.astimezone(m.STOCKHOLM), KIND_LABELS.get(k, k))
                for a, b, k in shift.segment_list()
            ]
        # Double assistance is visible: entered as such, or overlapping another
        # assistant's shift for the same client in what is shown.
        double = shift.double or any(
            other.pk != shift.pk
            and other.assistant_id != shift.assistant_id
            and other.start < shift.end
            and other.end > shift.start
            for other in by_client[shift.client_id]
        )
        blocks.append(
            Block(
                shift=shift,
                label=_("Upptagen (annat uppdrag)")
                if hidden
                else str(shift.assistant if label_by == "assistant" else shift.client),
                start=start,
                end=end,
                ends_later=local_date(shift.end - timedelta(microseconds=1)) > start.date(),
                parts=parts,
                kind_label=KIND_LABELS.get(shift.kind, shift.kind),
                kind=shift.kind if not shift.segments else "mixed",
                double=double and not hidden,
                findings=[] if hidden else list(shift.findings.all()),
                hidden=hidden,
            )
        )
    return blocks


def _days(period: Period, blocks: list[Block]) -> list[dict]:
    by_day = defaultdict(list)
    for block in blocks:
        # A night shift from the day before the period shows on its first day.
        by_day[max(block.start.date(), period.first)].append(block)
    today = timezone.localdate()
    days = []
    day = period.first
    while day <= period.last:
        days.append(
            {
                "date": day,
                "name": DAY_NAMES[day.weekday()],
                "blocks": by_day.get(day, []),
                "today": day == today,
                "outside": period.mode == "month" and day.month != period.month.month,
            }
        )
        day += timedelta(days=1)
    return days


def _render_schedule(request, *, period, blocks, context) -> HttpResponse:
    days = _days(period, blocks)
    context.update(
        {
            "period": period,
            "days": days,
            "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
            "day_names": DAY_NAMES,
            "prev_query": period.query(-1),
            "next_query": period.query(1),
            "shift_count": len(blocks),
        }
    )
    return render(request, "scheduling/planning/schedule.html", context)


def _shift_rows(queryset, period: Period):
    return (
        queryset.filter(start__lt=period.end, end__gt=period.start)
        .select_related("assistant", "client")
        .prefetch_related("findings")
        .order_by("start", "assistant__last_name")
    )


@login_required
def schedule_client(request, pk: int):
    membership = _membership(request)
    if membership.role not in (Membership.Role.ADMIN, Membership.Role.COORDINATOR, Membership.Role.CLIENT):
        raise Http404("no schedule for this role")
    client = get_object_or_404(selectors.clients_for(request.user), pk=pk)
    period = _period(request)
    shifts = _shift_rows(Shift.objects.filter(provider_id=membership.provider_id, client=client), period)
    return _render_schedule(
        request,
        period=period,
        blocks=_blocks(shifts, label_by="assistant"),
        context={
            "subject": client,
            "subject_kind": "client",
            "can_edit": selectors.can_manage(request.user),
            "schedule_url": reverse("schedule-client", args=[client.pk]),
            "new_query": urlencode({"brukare": client.pk}),
        },
    )


@login_required
def schedule_assistant(request, pk: int):
    membership = _manager(request)
    assistant = get_object_or_404(selectors.assistants_for(request.user), pk=pk)
    period = _period(request)
    shifts = _shift_rows(Shift.objects.filter(provider_id=membership.provider_id, assistant=assistant), period)
    visible = set(selectors.clients_for(request.user).values_list("pk", flat=True))
    return _render_schedule(
        request,
        period=period,
        blocks=_blocks(shifts, label_by="client", visible_client_ids=visible),
        context={
            "subject": assistant,
            "subject_kind": "assistant",
            "can_edit": True,
            "schedule_url": reverse("schedule-assistant", args=[assistant.pk]),
            "new_query": urlencode({"assistent": assistant.pk}),
        },
    )


# --- the shift form and its live check ------------------------------------


def _grant_status(client, start: datetime):
    """The client's granted-hours pool for the decision covering the shift's
    day, from billing's follow-up (the same arithmetic as the monthly report).
    The forecast counts every saved shift of the decision period, whatever
    ``now`` is; ``now`` at the shift keeps a decision that has ended in view."""
    from billing.services import grant_follow_up  # billing sits above scheduling; only this page needs it

    day = local_date(start)
    for status in grant_follow_up(client=client, now=min(start, timezone.now())):
        if status.decision.start <= day <= status.decision.end:
            return status
    return None


def _check_context(request, form: ShiftForm, shift: Shift | None, provider) -> dict:
    """The findings panel: what saving would give, the assistant's remaining
    hours in the reference period and the client's remaining granted hours."""
    data = form.shift_data()
    typed = dict(request.POST.items()) if request.method == "POST" else {}
    # Until the times make a shift, the reasons already typed stay on the
    # page as they were (nothing typed is lost on a validation error).
    context = {"checked": False, "form": form, "reasons": _typed_reasons(typed)}
    if data is None or not data.assistant_id or not data.client_id:
        return _with_reason_errors(context, form)
    preview = services.preview_shift(provider=provider, data=data, shift=shift, exceptions=form.exceptions())
    reasons = [
        {
            "finding": finding,
            "code": finding.code,
            "reason": typed.get(f"reason_{finding.code}", ""),
            "rest": typed.get(f"rest_{finding.code}", ""),
            "needs_rest": finding.code in services.COMPENSATORY_REST_CODES,
        }
        for finding in services.needs_reason(
            [f for f in preview.findings if f.severity == m.Severity.WARNING and f.exception_allowed]
        )
    ]
    # A reason already typed keeps its row even though it now accepts the finding.
    shown = {r["code"] for r in reasons}
    for finding in preview.findings:
        if finding.accepted and finding.code not in shown and typed.get(f"reason_{finding.code}"):
            shown.add(finding.code)
            reasons.append(
                {
                    "finding": finding,
                    "code": finding.code,
                    "reason": typed.get(f"reason_{finding.code}", ""),
                    "rest": typed.get(f"rest_{finding.code}", ""),
                    "needs_rest": finding.code in services.COMPENSATORY_REST_CODES,
                }
            )
    client = form.cleaned_data.get("client")
    grant = _grant_status(client, data.start) if client is not None else None
    context.update(
        {
            "checked": True,
            "data": data,
            "start_local": data.start.astimezone(m.STOCKHOLM),
            "end_local": data.end.astimezone(m.STOCKHOLM),
            "length": fmt_minutes(int((data.end - data.start).total_seconds()) // 60),
            "preview": preview,
            "refused": preview.refused,
            "not_payable": [f for f in preview.findings if f.severity == m.Severity.NOT_PAYABLE],
            "warnings": [f for f in preview.findings if f.severity == m.Severity.WARNING],
            "reasons": reasons,
            "cap": preview.cap,
            "cap_remaining": fmt_minutes(preview.cap.remaining_minutes) if preview.cap else "",
            "cap_limit": fmt_minutes(preview.cap.cap_minutes) if preview.cap else "",
            "grant": grant,
            "grant_remaining": fmt_minutes(grant.forecast_remaining_minutes) if grant else "",
            "grant_pool": fmt_minutes(grant.pool_minutes) if grant else "",
            "editing": shift is not None,
        }
    )
    return _with_reason_errors(context, form)


def _with_reason_errors(context: dict, form: ShiftForm) -> dict:
    """A refused save's V4 messages go to the reason box of their rule."""
    for row in context["reasons"]:
        row["errors"] = form.reason_errors.get(row["code"], {})
    return context


def _typed_reasons(typed: dict) -> list[dict]:
    """The reason rows (``reason_V1``, ``rest_V1`` …) as typed, with no finding."""
    codes = dict.fromkeys(
        key.split("_", 1)[1] for key, value in typed.items() if key.startswith(("reason_", "rest_")) and value.strip()
    )
    return [
        {
            "finding": None,
            "code": code,
            "reason": typed.get(f"reason_{code}", ""),
            "rest": typed.get(f"rest_{code}", ""),
            "needs_rest": code in services.COMPENSATORY_REST_CODES,
        }
        for code in codes
        if re.fullmatch(r"[A-Z][0-9]{1,2}", code)
    ]


def _schedule_url_for(shift_or_data, client_id: int) -> str:
    day = local_date(shift_or_data.start)
    year, week, _day = day.isocalendar()
    return reverse("schedule-client", args=[client_id]) + "?" + urlencode({"vecka": f"{year}-W{week:02d}"})


def _done(request, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _initial_from_query(request) -> dict:
    initial = {}
    for key, name in (("brukare", "client"), ("assistent", "assistant")):
        pk = selectors.parse_id(request.GET.get(key))
        if pk is not None:
            initial[name] = pk
    if request.GET.get("datum"):
        with contextlib.suppress(ValueError):
            initial["date"] = date.fromisoformat(request.GET["datum"])
    return initial


@login_required
def shift_form(request, pk: int | None = None):
    """New shift (``pk`` None) or edit one: a dialog loaded by htmx, or a full page."""
    membership = _manager(request)
    shift = get_object_or_404(_shifts_for(request), pk=pk) if pk is not None else None
    context = {"shift": shift}
    if request.method == "POST":
        form = ShiftForm(request.POST, user=request.user)
        valid = form.is_valid()
        check_only = "_check" in request.POST
        if valid and not check_only:
            data = form.shift_data()
            try:
                saved, findings = services.record_shift(
                    actor=request.user,
                    provider=membership.provider,
                    data=data,
                    shift=shift,
                    exceptions=form.exceptions(),
                    require_reasons=True,
                )
            except services.ShiftRefused as exc:
                form.add_refusals(exc.findings)
            else:
                if findings:
                    messages.warning(
                        request,
                        ngettext(
                            "Passet är sparat med %(count)s anmärkning; se markeringen i schemat.",
                            "Passet är sparat med %(count)s anmärkningar; se markeringen i schemat.",
                            len(findings),
                        )
                        % {"count": len(findings)},
                    )
                else:
                    messages.success(request, _("Passet är sparat."))
                return _done(request, _schedule_url_for(saved, saved.client_id))
    else:
        initial = ShiftForm.initial_for(shift) if shift else _initial_from_query(request)
        form = ShiftForm(initial=initial, user=request.user)
    context.update(_check_context(request, form, shift, membership.provider) if form.is_bound else {"form": form})
    context["form"] = form
    back_client = shift.client_id if shift else selectors.parse_id(str(form["client"].value() or ""))
    context["back_url"] = reverse("schedule-client", args=[back_client]) if back_client else reverse("home")
    template = "scheduling/planning/_shift_form.html" if request.htmx else "scheduling/planning/shift_form.html"
    return render(request, template, context)


@login_required
@require_POST
def shift_check(request):
    """htmx: the findings panel for what is typed in the shift form, saving nothing."""
    membership = _manager(request)
    shift = None
    shift_pk = selectors.parse_id(request.POST.get("shift"))
    if shift_pk is not None:
        shift = get_object_or_404(_shifts_for(request), pk=shift_pk)
    form = ShiftForm(request.POST, user=request.user)
    form.is_valid()
    context = _check_context(request, form, shift, membership.provider)
    return render(request, "scheduling/planning/_check.html", context)


@login_required
def shift_delete(request, pk: int):
    membership = _manager(request)
    shift = get_object_or_404(_shifts_for(request).select_related("assistant", "client"), pk=pk)
    error = ""
    if request.method == "POST":
        url = _schedule_url_for(shift, shift.client_id)
        try:
            services.delete_shift(actor=request.user, provider=membership.provider, shift=shift)
        except services.ShiftRefused as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Passet är borttaget."))
            return _done(request, url)
    context = {
        "shift": shift,
        "error": error,
        "start_local": shift.start.astimezone(m.STOCKHOLM),
        "end_local": shift.end.astimezone(m.STOCKHOLM),
        "back_url": _schedule_url_for(shift, shift.client_id),
    }
    template = "scheduling/planning/_shift_delete.html" if request.htmx else "scheduling/planning/shift_delete.html"
    return render(request, template, context)


# --- rolling a week out -----------------------------------------------------


@login_required
def copy_week(request, pk: int):
    membership = _manager(request)
    client = get_object_or_404(selectors.clients_for(request.user), pk=pk)
    result = None
    if request.method == "POST":
        form = CopyWeekForm(request.POST)
        if form.is_valid():
            result = services.copy_week(
                actor=request.user,
                provider=membership.provider,
                client=client,
                monday=form.cleaned_data["week"],
                weeks=form.cleaned_data["weeks"],
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
    else:
        week = request.GET.get("vecka") or Period("week", _this_monday(), _this_monday()).week_value
        form = CopyWeekForm(initial={"week": week, "weeks": 4})
    context = {
        "client": client,
        "form": form,
        "result": result,
        "outcomes": _outcome_rows(result) if result else [],
        "schedule_url": reverse("schedule-client", args=[client.pk]),
    }
    return render(request, "scheduling/planning/copy_week.html", context)


def _this_monday() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def _outcome_rows(result: services.CopyResult) -> list[dict]:
    rows = []
    for outcome in result.outcomes:
        rows.append(
            {
                "outcome": outcome,
                "assistant": outcome.source.assistant,
                "start": outcome.start.astimezone(m.STOCKHOLM) if outcome.start else None,
                "end": outcome.end.astimezone(m.STOCKHOLM) if outcome.end else None,
                "placed": outcome.placed and not result.rolled_back,
                "reasons": outcome.refusals,
                "findings": outcome.findings,
            }
        )
    return rows
