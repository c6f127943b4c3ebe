"""Coordinators' day-to-day changes: today's shifts and open problems, the
sick call with substitutes, and the approval list of reported deviations.

Reads go through ``assistans.selectors`` (another provider's rows are a 404);
writes go through ``scheduling.changes``, which calls the recording service
and so the rules engine. The views parse input and translate refusals."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistans import selectors
from assistans.models import Assignment, Membership

from . import changes, services
from .models import Deviation, Shift, StaffAbsence
from .rules import model as m
from .rules.timeutil import fmt_minutes, local_date, local_midnight

#: How many days a sick call covers unless the coordinator says otherwise:
#: today and the six coming days.
DEFAULT_DAYS = 7
#: Longest absence handled in one sick call (the page lists every shift).
MAX_DAYS = 62


def _manager(request) -> Membership:
    """Admins and coordinators handle changes; everyone else gets a 404."""
    membership = selectors.membership_of(request.user)
    if membership is None or membership.role not in (Membership.Role.ADMIN, Membership.Role.COORDINATOR):
        raise Http404("not a manager")
    return membership


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# --- today ----------------------------------------------------------------


@login_required
def day_changes(request):
    membership = _manager(request)
    assistants = selectors.assistants_for(request.user)
    assistant_pk = selectors.parse_id(request.GET.get("assistent"))
    if assistant_pk is not None:
        assistant = get_object_or_404(assistants, pk=assistant_pk)
        return redirect("sick-call", pk=assistant.pk)
    now = timezone.now()
    today = local_date(now)
    clients = selectors.clients_for(request.user)
    shifts = list(
        Shift.objects.filter(
            provider_id=membership.provider_id,
            client__in=clients,
            start__lt=local_midnight(today + timedelta(days=1)),
            end__gt=local_midnight(today),
        )
        .select_related("assistant", "client")
        .prefetch_related("findings")
        .order_by("start", "client__last_name")
    )
    visible_assistants = set(assistants.values_list("pk", flat=True))
    rows = []
    for shift in shifts:
        severities = {f.severity for f in shift.findings.all() if not f.accepted}
        rows.append(
            {
                "shift": shift,
                "start": shift.start,
                "end": shift.end,
                "running": shift.start <= now < shift.end,
                "done": shift.end <= now,
                "not_payable": "not_payable" in severities or "refused" in severities,
                "warning": "warning" in severities,
                "can_call_sick": shift.assistant_id in visible_assistants and shift.start > now,
            }
        )
    client_ids = list(clients.values_list("pk", flat=True))
    context = {
        "today": today,
        "now": now,
        "rows": rows,
        "unstaffed": changes.unstaffed(
            provider=membership.provider, client_ids=client_ids, since=local_midnight(today)
        ),
        "pending": changes.pending_deviations(client_ids)[:20],
        "pending_count": changes.pending_deviations(client_ids).count(),
        "assistants": assistants.order_by("last_name", "first_name"),
        "recent_absences": StaffAbsence.objects.filter(
            provider=membership.provider, assistant__in=assistants
        ).select_related("assistant", "recorded_by")[:10],
    }
    return render(request, "scheduling/changes/day_changes.html", context)


# --- the sick call -----------------------------------------------------------


class AbsenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Typ av frånvaro"),
        choices=[("", gettext_lazy("Välj typ")), *StaffAbsence.Kind.choices],
        help_text=gettext_lazy("Sparas för lönen: sjuklön, vård av barn, semester och ledighet beräknas olika."),
    )
    first_day = forms.DateField(label=gettext_lazy("Från och med"), widget=DateInput())
    last_day = forms.DateField(label=gettext_lazy("Till och med"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("Anteckning"), required=False, max_length=500)

    def __init__(self, *args, require_kind: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].required = require_kind

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", _("Sista dagen kan inte ligga före första dagen."))
            elif (last - first).days >= MAX_DAYS:
                self.add_error(
                    "last_day",
                    _("Registrera högst %(days)s dagar åt gången; längre frånvaro delas upp.") % {"days": MAX_DAYS},
                )
        return cleaned


def _substitute_options(request, absent, shifts) -> dict[int, list]:
    """Per shift: (label, assistants) groups; first those registered for the
    client on that day (FK has had the notice, E2), then the provider's other
    assistants, whom the engine will flag if they are not."""
    candidates = list(selectors.assistants_for(request.user).exclude(pk=absent.pk).order_by("last_name", "first_name"))
    assignments = defaultdict(list)
    for assistant_id, client_id, start, end in Assignment.objects.filter(
        assistant__in=candidates, client_id__in={s.client_id for s in shifts}
    ).values_list("assistant_id", "client_id", "start", "end"):
        assignments[client_id].append((assistant_id, start, end))
    options = {}
    for shift in shifts:
        day = local_date(shift.start)
        known = {a for a, start, end in assignments[shift.client_id] if start <= day and (end is None or end >= day)}
        options[shift.pk] = [
            (_("Arbetar hos brukaren"), [a for a in candidates if a.pk in known]),
            (_("Övriga assistenter"), [a for a in candidates if a.pk not in known]),
        ]
    return options


def _choices_from(post, shifts) -> dict[int, changes.SubstituteChoice]:
    choices = {}
    for shift in shifts:
        value = post.get(f"sub_{shift.pk}", "")
        exceptions = []
        prefix = f"reason_{shift.pk}_"
        for key, reason in post.items():
            if key.startswith(prefix) and reason.strip():
                code = key[len(prefix) :]
                exceptions.append(
                    services.ExceptionData(code, reason.strip(), post.get(f"rest_{shift.pk}_{code}", "").strip())
                )
        choices[shift.pk] = changes.SubstituteChoice(selectors.parse_id(value), tuple(exceptions))
    return choices


def _signature(choices: dict[int, changes.SubstituteChoice], cleaned: dict) -> str:
    """What was checked: the period and each shift's substitute. Confirming
    something else than what was checked shows the findings again first."""
    parts = [f"{cleaned.get('first_day')}..{cleaned.get('last_day')}"]
    parts += [f"{pk}:{choice.substitute_id or '-'}" for pk, choice in sorted(choices.items())]
    return ";".join(parts)


def _shift_rows(request, provider, shifts, choices, options, *, check: bool, refusals=None) -> list[dict]:
    rows = []
    for shift in shifts:
        choice = choices.get(shift.pk, changes.SubstituteChoice(None))
        preview = changes.preview_substitute(provider=provider, shift=shift, choice=choice) if check else None
        refused = (refusals or {}).get(shift.pk) or (preview.refused if preview else [])
        findings = preview.findings if preview and not preview.refused else []
        given = {e.code: e for e in choice.exceptions}
        reasons = []
        if preview is not None:
            wanted = {f.code: f for f in services.needs_reason(findings)}
            for f in findings:
                if f.accepted and f.code in given:
                    wanted.setdefault(f.code, f)
            for code, finding in wanted.items():
                reasons.append(
                    {
                        "code": code,
                        "finding": finding,
                        "reason": given[code].reason if code in given else "",
                        "rest": given[code].compensatory_rest if code in given else "",
                        "needs_rest": code in services.COMPENSATORY_REST_CODES,
                    }
                )
        else:
            # Not checked now (another field needs fixing first): the reasons
            # already typed stay on the page as they were.
            reasons = [
                {
                    "code": code,
                    "finding": None,
                    "reason": given[code].reason,
                    "rest": given[code].compensatory_rest,
                    "needs_rest": code in services.COMPENSATORY_REST_CODES,
                }
                for code in given
            ]
        rows.append(
            {
                "shift": shift,
                "length": fmt_minutes(int((shift.end - shift.start).total_seconds()) // 60),
                "choice": choice,
                "options": options.get(shift.pk, []),
                "checked": preview is not None,
                "refused": refused,
                "not_payable": [f for f in findings if f.severity == m.Severity.NOT_PAYABLE],
                "warnings": [f for f in findings if f.severity == m.Severity.WARNING],
                "reasons": reasons,
                "cap": preview.cap if preview else None,
                "cap_remaining": fmt_minutes(preview.cap.remaining_minutes) if preview and preview.cap else "",
            }
        )
    return rows


@login_required
def sick_call(request, pk: int):
    """Record an assistant's absence and give each planned shift in it to a
    substitute or leave it unstaffed. The findings for each chosen substitute
    are shown before the coordinator confirms."""
    membership = _manager(request)
    assistant = get_object_or_404(selectors.assistants_for(request.user), pk=pk)
    provider = membership.provider
    now = timezone.now()
    today = local_date(now)
    action = next((a for a in ("_confirm", "_check", "_load") if a in request.POST), "_load")
    if request.method == "POST":
        form = AbsenceForm(request.POST, require_kind=action == "_confirm")
        valid = form.is_valid()
        # The period's shifts stay listed (with what was chosen for them)
        # while another field, such as the kind, still needs fixing.
        first, last = form.cleaned_data.get("first_day"), form.cleaned_data.get("last_day")
    else:
        form = AbsenceForm(initial={"first_day": today, "last_day": today + timedelta(days=DEFAULT_DAYS - 1)})
        valid, first, last = False, today, today + timedelta(days=DEFAULT_DAYS - 1)
    # A restricted coordinator settles only their own clients' shifts; the
    # assistant's shifts elsewhere stay for those clients' coordinators.
    client_ids = list(selectors.clients_for(request.user).values_list("pk", flat=True))
    shifts, elsewhere = [], 0
    if first and last:
        shifts = list(
            changes.absence_shifts(
                provider=provider, assistant=assistant, first_day=first, last_day=last, now=now, client_ids=client_ids
            )
        )
        elsewhere = (
            changes.absence_shifts(provider=provider, assistant=assistant, first_day=first, last_day=last, now=now)
            .exclude(client_id__in=client_ids)
            .count()
        )
    choices = _choices_from(request.POST, shifts) if request.method == "POST" else {}
    options = _substitute_options(request, assistant, shifts)
    allowed = {a.pk for groups in options.values() for _label, group in groups for a in group}
    for shift_pk, choice in list(choices.items()):
        if choice.substitute_id is not None and choice.substitute_id not in allowed:
            choices[shift_pk] = changes.SubstituteChoice(None)  # not one of the coordinator's assistants
    signature = _signature(choices, form.cleaned_data if form.is_bound else {})
    refusals: dict = {}
    error = ""
    check = request.method == "POST" and action in ("_check", "_confirm") and valid
    if request.method == "POST" and action == "_confirm" and valid:
        if request.POST.get("checked") != signature:
            error = _("Kontrollera vikarierna innan du bekräftar: reglernas svar visas nu vid varje pass.")
        else:
            try:
                absence = changes.record_absence(
                    actor=request.user,
                    provider=provider,
                    assistant=assistant,
                    kind=form.cleaned_data["kind"],
                    first_day=first,
                    last_day=last,
                    note=form.cleaned_data["note"],
                    choices=choices,
                    now=now,
                    client_ids=client_ids,
                )
            except changes.ChangeError as exc:
                if exc.field in form.fields:
                    form.add_error(exc.field, exc.message)
                else:
                    error = exc.message
            except changes.SubstitutesRefused as exc:
                refusals = exc.refusals
                error = _("Inget är sparat: minst en vikarie kan inte ta passet. Se förklaringen vid passet.")
            else:
                staffed = absence.shifts.filter(outcome="reassigned").count()
                open_count = absence.shifts.filter(outcome="unstaffed").count()
                messages.success(
                    request,
                    _(
                        "Frånvaron för %(name)s är registrerad (%(kind)s). %(staffed)s pass har vikarie, "
                        "%(open)s är obemannade."
                    )
                    % {
                        "name": assistant,
                        "kind": absence.get_kind_display().lower(),
                        "staffed": staffed,
                        "open": open_count,
                    },
                )
                return redirect("day-changes")
    rows = _shift_rows(request, provider, shifts, choices, options, check=check, refusals=refusals)
    context = {
        "assistant": assistant,
        "form": form,
        "rows": rows,
        "checked_signature": signature if check else "",
        "can_confirm": check and not any(r["refused"] for r in rows),
        "error": error,
        "now": now,
        "period_ok": bool(first and last),
        "elsewhere": elsewhere,
    }
    return render(request, "scheduling/changes/sick_call.html", context)


# --- deviations ------------------------------------------------------------------


def _deviations_for(request, membership):
    return Deviation.objects.filter(
        provider_id=membership.provider_id, client__in=selectors.clients_for(request.user)
    ).select_related("assistant", "client", "shift", "reported_by", "decided_by")


@login_required
def deviation_list(request):
    membership = _manager(request)
    deviations = _deviations_for(request, membership)
    context = {
        "pending": deviations.filter(status=Deviation.Status.PENDING).order_by("reported_at"),
        "decided": deviations.exclude(status=Deviation.Status.PENDING).order_by("-decided_at")[:30],
    }
    return render(request, "scheduling/changes/deviation_list.html", context)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Godkänn eller avslå"),
        choices=[("approve", gettext_lazy("Godkänn")), ("reject", gettext_lazy("Avslå"))],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label=gettext_lazy("Motivering"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Krävs när avvikelsen avslås; assistenten ser den."),
    )


@login_required
def deviation_decide(request, pk: int):
    membership = _manager(request)
    deviation = get_object_or_404(_deviations_for(request, membership), pk=pk)
    refused: list = []
    if request.method == "POST" and deviation.status == Deviation.Status.PENDING:
        form = DecisionForm(request.POST)
        if form.is_valid():
            decide = (
                changes.approve_deviation if form.cleaned_data["decision"] == "approve" else changes.reject_deviation
            )
            try:
                decide(
                    actor=request.user,
                    deviation=deviation,
                    note=form.cleaned_data["decision_note"],
                    now=timezone.now(),
                )
            except services.ShiftRefused as exc:
                refused = exc.findings
                form.add_error(
                    "decision",
                    _("Avvikelsen kan inte godkännas: reglerna nekar de nya tiderna. Den väntar kvar på beslut."),
                )
            except changes.ChangeError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                deviation.refresh_from_db()
                messages.success(
                    request,
                    _("Avvikelsen för %(name)s är %(status)s.")
                    % {"name": deviation.assistant, "status": deviation.get_status_display().lower()},
                )
                return redirect(reverse("deviation-list"))
    else:
        form = DecisionForm()
    preview = changes.preview_deviation(deviation) if deviation.status == Deviation.Status.PENDING else None
    findings = preview.findings if preview and not preview.refused else []
    shift = deviation.shift
    context = {
        "deviation": deviation,
        "shift": shift,
        "form": form,
        "refused": refused or (preview.refused if preview else []),
        "not_payable": [f for f in findings if f.severity == m.Severity.NOT_PAYABLE],
        "warnings": [f for f in findings if f.severity == m.Severity.WARNING],
        "checked": preview is not None,
        "planned_length": fmt_minutes(int((shift.end - shift.start).total_seconds()) // 60) if shift else "",
        "actual_length": fmt_minutes(int((deviation.actual_end - deviation.actual_start).total_seconds()) // 60),
    }
    return render(request, "scheduling/changes/deviation_decide.html", context)
