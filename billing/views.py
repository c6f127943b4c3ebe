"""Billing pages: the month-end board, a report's detail with provider
signing, the assistant's and the client's signing pages, exports, the
granted-hours follow-up and the cash-flow page.

Each view reads through the provider-scoped selectors, so another provider's
rows are a 404, and makes each write through one service
(``billing.services``), which decides who may sign or submit what. A refused
step shows the service's Swedish message next to the button or field it
concerns, and keeps what the user typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from assistans import selectors
from assistans.models import Client, Membership
from audit.services import record_export
from scheduling.models import Shift
from scheduling.rules.timeutil import local_midnight, next_month

from . import cashflow, exports, payout, services
from .calculations import format_money
from .forms import AttestForm, CorrectionForm, MonthForm, PaymentForm
from .models import MonthlyReport, TimeReport
from .pdf import ClaimRenderer, TimeReportRenderer, dst_shift

Status = MonthlyReport.Status
MANAGERS = (Membership.Role.ADMIN, Membership.Role.COORDINATOR)

#: Why hours are not payable, per reason code of the report (RULES.md §3, §4, §6, §7).
REASON_HELP = {
    "W4": gettext_lazy(
        "W4: timmar över assistentens arbetstidstak i beräkningsperioden (i snitt 48 h/vecka, 52 h i hushållsarbete) "
        "betalas inte av Försäkringskassan. Överskottet är de senaste timmarna och hamnar hos deras brukare."
    ),
    "G2": gettext_lazy(
        "G2: timmar utöver beslutets beviljade timmar för beslutsperioden (timmar/vecka × dagar / 7) betalas inte."
    ),
    "G0": gettext_lazy("G0: inget beslut täcker dagen, så timmarna kan inte ersättas."),
    "E1": gettext_lazy("E1: assistenten var under 18 år den dagen."),
    "E2": gettext_lazy("E2: anmälan om assistenten (FK 3066) hade inte kommit in till Försäkringskassan före passet."),
    "E3": gettext_lazy("E3: brukaren var på sjukhus, institution, skola eller i daglig verksamhet."),
    "E4": gettext_lazy("E4: anordnaren saknade giltigt tillstånd från IVO den dagen."),
    "H2": gettext_lazy("H2: dubbelassistans utöver den beviljade tiden för dubbelassistans."),
}

STATE_LABELS = {
    "none": gettext_lazy("Ej beräknad"),
    "draft": gettext_lazy("Utkast"),
    "waiting": gettext_lazy("Väntar på underskrifter"),
    "complete": gettext_lazy("Komplett"),
    "submitted": gettext_lazy("Inskickad"),
    "paid": gettext_lazy("Utbetald"),
    "superseded": gettext_lazy("Ersatt av rättelse"),
}

EXPORT_FORMATS = ("pdf", "csv", "json")


# --------------------------------------------------------------------------- access


def _membership(user, roles) -> Membership:
    """The user's membership if it has one of ``roles``; otherwise a 404 (a
    page someone may not use does not exist for them)."""
    membership = selectors.membership_of(user)
    if membership is None or membership.role not in roles:
        raise Http404("role not allowed")
    return membership


def _reports_for(user):
    """The reports an admin or coordinator may see (a restricted coordinator: her clients)."""
    membership = _membership(user, MANAGERS)
    return MonthlyReport.objects.filter(provider_id=membership.provider_id, client__in=selectors.clients_for(user))


def _client_reports_for(user):
    """The reports of the clients a client or representative is linked to."""
    membership = _membership(user, (Membership.Role.CLIENT,))
    return MonthlyReport.objects.filter(provider_id=membership.provider_id, client__in=selectors.clients_for(user))


def _own_time_reports(user):
    membership = _membership(user, (Membership.Role.ASSISTANT,))
    return TimeReport.objects.filter(
        report__provider_id=membership.provider_id, assistant_id=membership.assistant_id
    ).exclude(report__status=Status.SUPERSEDED)


def _posted_pk(request, name: str) -> int:
    """The id a form posted under ``name``; a missing or mangled one is a 404
    (like an id of another provider), never a server error."""
    pk = selectors.parse_id(request.POST.get(name))
    if pk is None:
        raise Http404(f"bad {name}")
    return pk


def _record_export(request, report: MonthlyReport, what: str) -> None:
    """The one place an export is written to the audit trail: every export
    holds the client's and the assistants' personnummer. The entry is on the
    report (as the API's and the command's are), so its history shows it."""
    record_export(
        actor=request.user,
        provider=report.provider,
        what=what,
        contains_personal_numbers=True,
        request=request,
        obj=report,
    )


def _exported(request, report: MonthlyReport, what: str, filename: str, content_type: str, content) -> HttpResponse:
    """An export as a download, recorded in the audit trail first."""
    _record_export(request, report, what)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- months


def _default_month(today: date) -> date:
    """The latest month that has ended."""
    return _previous_month(today.replace(day=1))


def _month_from(request, today: date) -> tuple[date, MonthForm]:
    raw = request.GET.get("manad") or request.POST.get("manad")
    if not raw:
        month = _default_month(today)
        return month, MonthForm(initial={"manad": f"{month:%Y-%m}"})
    form = MonthForm({"manad": raw})
    if form.is_valid():
        return form.cleaned_data["manad"], form
    return _default_month(today), form


def _previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else month.replace(month=month.month - 1)


def _month_nav(month: date) -> dict:
    return {"month": month, "previous": _previous_month(month), "next": next_month(month)}


# --------------------------------------------------------------------------- report facts


def report_state(report: MonthlyReport | None) -> str:
    """The state shown on the board: a draft nobody has signed is *utkast*;
    once anyone has signed it waits for the other signatures."""
    if report is None:
        return "none"
    if report.status != Status.DRAFT:
        return report.status
    signed = report.client_signed_at is not None or any(
        tr.assistant_signed_at or tr.provider_signed_at for tr in report.time_reports.all()
    )
    return "waiting" if signed else "draft"


@dataclass(frozen=True)
class NotPayable:
    reason: str
    label: str
    minutes: int
    payer: str

    @property
    def help(self) -> str:
        return REASON_HELP.get(self.reason, "")


def not_payable_lines(snapshot: dict) -> list[NotPayable]:
    lines = []
    for payer in ("claim", "municipal"):
        for item in snapshot.get(payer, {}).get("not_payable", []):
            lines.append(NotPayable(item["reason"], item.get("label") or item["reason"], item["minutes"], payer))
    return lines


def _expected_payout(report: MonthlyReport, today: date) -> tuple[date | None, bool]:
    if report.status == Status.PAID:
        return report.paid_on, False
    return cashflow._expected(report, today)


@dataclass
class BoardRow:
    client: Client
    report: MonthlyReport | None
    versions: list[MonthlyReport]
    today: date
    forms: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)  # action → list of Swedish messages
    notice: str = ""

    @property
    def state(self) -> str:
        return report_state(self.report)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @cached_property
    def missing(self) -> list[str]:  # one query per row, however often the template asks
        return services.missing_signatures(self.report) if self.report and not self.report.is_frozen else []

    @property
    def not_payable(self) -> list[NotPayable]:
        return not_payable_lines(self.report.snapshot) if self.report else []

    @property
    def municipal_amount(self) -> Decimal:
        if not self.report:
            return Decimal(0)
        return Decimal(self.report.snapshot.get("municipal", {}).get("amount", "0"))

    @property
    def expected(self) -> tuple[date | None, bool]:
        return _expected_payout(self.report, self.today) if self.report else (None, False)

    @property
    def deadline(self) -> date | None:
        return payout.deadline(self.report.month) if self.report else None

    @property
    def late(self) -> bool:
        return bool(self.report) and self.report.status != Status.PAID and cashflow._late(self.report, self.today)


def _row_forms(report: MonthlyReport | None, today: date, bound: dict | None = None) -> dict:
    bound = bound or {}
    if report is None:
        return {}
    prefix = f"r{report.pk}"
    return {
        "correct": bound.get("correct") or CorrectionForm(prefix=prefix),
        "payment": bound.get("payment")
        or PaymentForm(prefix=prefix, initial={"paid_on": today, "amount": f"{report.amount}".replace(".", ",")}),
    }


#: The field a refusal of the service is shown next to, per board action.
REFUSAL_FIELD = {"correct": "reason", "payment": "amount"}


def _focus_first_error(form, *, refused: str | None = None) -> None:
    """Mark the first field with an error (or ``refused``, the field the
    service's refusal is shown next to) so that it takes the focus after the
    row is swapped in, and tie it to its message (``<id>-error``)."""
    names = [name for name in form.fields if name in form.errors]
    if refused:
        names.append(refused)
    for name in names:
        field_ = form[name]
        field_.field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{field_.auto_id}-error"})
    if names:
        form[names[0]].field.widget.attrs["data-focus"] = ""


def _board_rows(user, month: date, today: date) -> list[BoardRow]:
    clients = selectors.clients_for(user)
    start, end = local_midnight(month), local_midnight(next_month(month))
    reports = list(
        MonthlyReport.objects.filter(client__in=clients, month=month)
        .select_related("client", "replaces", "client_signed_by")
        .prefetch_related("time_reports")
        .order_by("client_id", "-version")
    )
    with_shifts = set(
        Shift.objects.filter(client__in=clients, start__lt=end, end__gt=start).values_list("client_id", flat=True)
    )
    client_ids = with_shifts | {r.client_id for r in reports}
    rows = []
    for client in clients.filter(pk__in=client_ids).order_by("last_name", "first_name", "pk"):
        own = [r for r in reports if r.client_id == client.pk]
        current = next((r for r in own if r.status != Status.SUPERSEDED), None)
        versions = [r for r in own if r.status == Status.SUPERSEDED]
        rows.append(BoardRow(client, current, versions, today, _row_forms(current, today)))
    return rows


def _clients_to_compute(user, month: date) -> list[Client]:
    clients = selectors.clients_for(user)
    start, end = local_midnight(month), local_midnight(next_month(month))
    with_shifts = Shift.objects.filter(client__in=clients, start__lt=end, end__gt=start).values("client_id")
    with_reports = MonthlyReport.objects.filter(client__in=clients, month=month).values("client_id")
    return list(clients.filter(Q(pk__in=with_shifts) | Q(pk__in=with_reports)).order_by("pk"))


# --------------------------------------------------------------------------- the month-end board


@login_required
def month_end(request):
    """Per client and month: the report's state, what is missing, the hours
    not payable and why, the amount and when the money is expected; and the
    steps of the month-end (compute, export, submit, correct, record payment)."""
    membership = _membership(request.user, MANAGERS)
    today = timezone.localdate()
    month, month_form = _month_from(request, today)
    if request.method == "POST":
        return _month_end_post(request, membership, month, month_form, today)
    return _render_board(request, month, month_form, today)


def _render_board(request, month, month_form, today, *, rows=None, compute_error=None, status=200):
    rows = rows if rows is not None else _board_rows(request.user, month, today)
    context = {
        **_month_nav(month),
        "month_form": month_form,
        "rows": rows,
        "today": today,
        "ended": next_month(month) <= today,
        "compute_error": compute_error,
        "state_labels": STATE_LABELS,
    }
    return render(request, "billing/month_end.html", context, status=status)


def _board_url(month: date) -> str:
    return f"{reverse('month-end')}?manad={month:%Y-%m}"


def _month_end_post(request, membership, month, month_form, today):
    action = request.POST.get("action", "")
    if action == "compute":
        if not month_form.is_valid() and request.POST.get("manad"):
            return _render_board(request, month, month_form, today, status=400)
        clients = _clients_to_compute(request.user, month)
        try:
            reports = services.compute_reports(provider=membership.provider, month=month, today=today, clients=clients)
        except services.ReportError as exc:
            return _render_board(request, month, month_form, today, compute_error=exc.message, status=400)
        if reports:
            text = ngettext("%(count)s redovisning är beräknad.", "%(count)s redovisningar är beräknade.", len(reports))
            messages.success(request, text % {"count": len(reports)})
        else:
            messages.info(request, _("Inga utkast att beräkna: månaden har inga pass, eller allt är redan inskickat."))
        return redirect(_board_url(month))
    if action not in ("submit", "correct", "payment"):
        raise Http404("unknown action")
    report = get_object_or_404(_reports_for(request.user), pk=_posted_pk(request, "report"))
    row, ok = _row_action(request, action, report, today)
    if request.htmx:
        # htmx swaps only 2xx answers: a refusal is a row with its message.
        return render(request, "billing/_board_row.html", {"row": row})
    if ok:
        messages.success(request, row.notice)
        return redirect(_board_url(report.month))
    rows = _board_rows(request.user, report.month, today)
    rows = [row if r.client.pk == report.client_id else r for r in rows]
    form = MonthForm({"manad": f"{report.month:%Y-%m}"})
    form.is_valid()
    return _render_board(request, report.month, form, today, rows=rows, status=400)


def _row_action(request, action: str, report: MonthlyReport, today: date) -> tuple[BoardRow, bool]:
    """Run one step on one report; the board row to show after it, and whether it succeeded."""
    prefix = f"r{report.pk}"
    errors: dict[str, list[str]] = {}
    bound: dict = {}
    notice = ""
    try:
        if action == "submit":
            report = services.submit(actor=request.user, report=report, on=today)
            notice = _("Redovisningen för %(client)s %(month)s är inskickad; månadens pass är låsta.") % {
                "client": report.client,
                "month": f"{report.month:%Y-%m}",
            }
        elif action == "correct":
            form = bound["correct"] = CorrectionForm(request.POST, prefix=prefix)
            if form.is_valid():
                report = services.start_correction(
                    actor=request.user, report=report, reason=form.cleaned_data["reason"], today=today
                )
                bound.pop("correct")
                notice = _("Rättelse påbörjad: version %(version)s är ett nytt utkast som ska signeras igen.") % {
                    "version": report.version
                }
        else:
            form = bound["payment"] = PaymentForm(request.POST, prefix=prefix)
            if form.is_valid():
                received = cashflow.record_received(
                    report=report, on=form.cleaned_data["paid_on"], amount=form.cleaned_data["amount"]
                )
                report = received.report
                bound.pop("payment")
                notice = _("Utbetalningen är registrerad. Skillnad mot räkningen: %(difference)s.") % {
                    "difference": format_money(received.difference)
                }
    except services.ReportError as exc:
        # Nothing changed; what was typed stays in the bound form.
        errors[action] = [exc.message, *exc.missing]
    ok = not errors and not any(form.errors for form in bound.values())
    if action in bound:
        _focus_first_error(bound[action], refused=REFUSAL_FIELD[action] if errors else None)
    report = (
        MonthlyReport.objects.filter(client=report.client, month=report.month)
        .exclude(status=Status.SUPERSEDED)
        .select_related("client", "replaces")
        .first()
    )
    versions = list(MonthlyReport.objects.filter(client=report.client, month=report.month, status=Status.SUPERSEDED))
    row = BoardRow(report.client, report, versions, today, _row_forms(report, today, bound), errors, notice)
    return row, ok


# --------------------------------------------------------------------------- report detail (managers)


@dataclass
class TimeReportView:
    """One assistant's time report: the rows as frozen in the snapshot and the signatures."""

    data: dict
    row: TimeReport | None
    form: AttestForm | None = None
    errors: list[str] = field(default_factory=list)


def _time_report_views(report: MonthlyReport, *, assistant_id=None) -> list[TimeReportView]:
    rows = {
        tr.assistant_id: tr for tr in report.time_reports.select_related("assistant_signed_by", "provider_signed_by")
    }
    views = []
    for data in report.snapshot.get("time_reports", []):
        aid = data["assistant"]["id"]
        if assistant_id is not None and aid != assistant_id:
            continue
        row = rows.get(aid)
        # Mark the rows over a DST night: their hours differ from the clock difference (T1).
        data = {**data, "rows": [{**r, "dst": dst_shift(r)} for r in data["rows"]]}
        views.append(TimeReportView(data, row, AttestForm(prefix=f"t{row.pk}") if row else None))
    return views


def _versions(report: MonthlyReport) -> list[MonthlyReport]:
    return list(
        MonthlyReport.objects.filter(client_id=report.client_id, month=report.month)
        .exclude(pk=report.pk)
        .order_by("-version")
    )


@login_required
def report_detail(request, pk: int):
    """The claim and every time report of one client's month; the provider signs the time reports here."""
    report = get_object_or_404(_reports_for(request.user).select_related("client", "replaces"), pk=pk)
    time_reports = _time_report_views(report)
    status = 200
    if request.method == "POST":
        time_report = get_object_or_404(report.time_reports.all(), pk=_posted_pk(request, "time_report"))
        form = AttestForm(request.POST, prefix=f"t{time_report.pk}")
        view = next((v for v in time_reports if v.row and v.row.pk == time_report.pk), None)
        if form.is_valid():
            try:
                services.sign_time_report(actor=request.user, time_report=time_report)
            except services.ReportError as exc:
                if view:
                    view.errors = [exc.message]
            else:
                messages.success(
                    request,
                    _("Tidsredovisningen för %(name)s är signerad för anordnaren.") % {"name": time_report.assistant},
                )
                return redirect("report-detail", pk=report.pk)
        if view:
            view.form = form
        status = 400
    context = {
        "report": report,
        "state": report_state(report),
        "state_label": STATE_LABELS[report_state(report)],
        "time_reports": time_reports,
        "missing": services.missing_signatures(report) if not report.is_frozen else [],
        "not_payable": not_payable_lines(report.snapshot),
        "versions": _versions(report),
        "formats": EXPORT_FORMATS,
        "expected": _expected_payout(report, timezone.localdate()),
    }
    return render(request, "billing/report_detail.html", context, status=status)


# --------------------------------------------------------------------------- exports


@require_GET
@login_required
def report_export(request, pk: int, fmt: str):
    """The claim as PDF, or the month as CSV or JSON (docs/exports.md), from the frozen snapshot."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("unknown format")
    report = get_object_or_404(_reports_for(request.user).select_related("provider"), pk=pk)
    if "provider" not in report.snapshot:
        raise Http404("the report has not been computed")
    month = report.snapshot.get("month", f"{report.month:%Y-%m}")
    stem = f"{month}-brukare-{report.client_id}-v{report.version}"
    if fmt == "pdf":
        filename, content_type, content = ClaimRenderer(report.snapshot).render()
    elif fmt == "csv":
        filename, content_type, content = f"{stem}.csv", "text/csv; charset=utf-8", exports.month_csv(report.snapshot)
    else:
        filename, content_type = f"{stem}.json", "application/json; charset=utf-8"
        content = exports.month_json(report.snapshot)
    what = f"månadsredovisning {month} {fmt.upper()}, brukare {report.client_id}, version {report.version}"
    return _exported(request, report, what, filename, content_type, content)


@require_GET
@login_required
def time_report_pdf(request, pk: int):
    """One assistant's time report (FK 3059) as PDF: for the provider's
    managers, and for the assistant themself."""
    membership = _membership(request.user, (*MANAGERS, Membership.Role.ASSISTANT))
    if membership.role == Membership.Role.ASSISTANT:
        time_reports = _own_time_reports(request.user)
    else:
        time_reports = TimeReport.objects.filter(report__in=_reports_for(request.user))
    time_report = get_object_or_404(time_reports.select_related("report", "report__provider"), pk=pk)
    report = time_report.report
    if not any(tr["assistant"]["id"] == time_report.assistant_id for tr in report.snapshot.get("time_reports", [])):
        raise Http404("not in the snapshot")
    filename, content_type, content = TimeReportRenderer(report.snapshot, time_report.assistant_id).render()
    what = f"tidsredovisning {report.month:%Y-%m} PDF, brukare {report.client_id}, assistent {time_report.assistant_id}"
    return _exported(request, report, what, filename, content_type, content)


# --------------------------------------------------------------------------- the assistant signs


@login_required
def my_time_reports(request):
    """The assistant's own time reports, month by month; sign each one."""
    membership = _membership(request.user, (Membership.Role.ASSISTANT,))
    own = _own_time_reports(request.user).select_related("report", "report__client", "assistant_signed_by")
    months = sorted({tr.report.month for tr in own}, reverse=True)
    today = timezone.localdate()
    month, month_form = _month_from(request, today)
    if not request.GET.get("manad") and not request.POST.get("manad") and months:
        month = months[0]
    status = 200
    errors: dict[int, list[str]] = {}
    forms: dict[int, AttestForm] = {}
    if request.method == "POST":
        time_report = get_object_or_404(own, pk=_posted_pk(request, "time_report"))
        month = time_report.report.month
        form = AttestForm(request.POST, prefix=f"t{time_report.pk}")
        if form.is_valid():
            try:
                services.sign_time_report(actor=request.user, time_report=time_report)
            except services.ReportError as exc:
                errors[time_report.pk] = [exc.message]
            else:
                messages.success(
                    request,
                    _("Din tidsredovisning för %(client)s %(month)s är signerad.")
                    % {"client": time_report.report.client, "month": f"{month:%Y-%m}"},
                )
                return redirect(f"{reverse('my-time-reports')}?manad={month:%Y-%m}")
        forms[time_report.pk] = form
        status = 400
    entries = []
    for time_report in own.filter(report__month=month).order_by("report__client__last_name"):
        views = _time_report_views(time_report.report, assistant_id=membership.assistant_id)
        data = views[0].data if views else None
        entries.append(
            {
                "time_report": time_report,
                "data": data,
                "form": forms.get(time_report.pk) or AttestForm(prefix=f"t{time_report.pk}"),
                "errors": errors.get(time_report.pk, []),
            }
        )
    context = {**_month_nav(month), "month_form": month_form, "months": months, "entries": entries}
    return render(request, "billing/my_time_reports.html", context, status=status)


# --------------------------------------------------------------------------- the client signs


@login_required
def client_reports(request):
    """The client's months: the claim with its hours and amount and the time
    reports behind it; the client or representative signs the claim."""
    reports = _client_reports_for(request.user).exclude(status=Status.SUPERSEDED).select_related("client")
    months = sorted({r.month for r in reports}, reverse=True)
    today = timezone.localdate()
    month, month_form = _month_from(request, today)
    if not request.GET.get("manad") and not request.POST.get("manad") and months:
        month = months[0]
    status = 200
    errors: dict[int, list[str]] = {}
    forms: dict[int, AttestForm] = {}
    if request.method == "POST":
        report = get_object_or_404(reports, pk=_posted_pk(request, "report"))
        month = report.month
        form = AttestForm(request.POST, prefix=f"c{report.pk}")
        if form.is_valid():
            try:
                services.sign_claim(actor=request.user, report=report, today=today)
            except services.ReportError as exc:
                errors[report.pk] = [exc.message, *exc.missing]
            else:
                messages.success(
                    request,
                    _("Räkningen för %(client)s %(month)s är signerad.")
                    % {"client": report.client, "month": f"{month:%Y-%m}"},
                )
                return redirect(f"{reverse('client-reports')}?manad={month:%Y-%m}")
        forms[report.pk] = form
        status = 400
    entries = []
    for report in reports.filter(month=month).order_by("client__last_name").prefetch_related("time_reports"):
        signatures = {tr.assistant_id: tr for tr in report.time_reports.all()}
        entries.append(
            {
                "report": report,
                "claim": report.snapshot.get("claim", {}),
                "municipal": report.snapshot.get("municipal", {}),
                "time_reports": [
                    {"data": data, "row": signatures.get(data["assistant"]["id"])}
                    for data in report.snapshot.get("time_reports", [])
                ],
                "not_payable": not_payable_lines(report.snapshot),
                "missing": services.missing_signatures(report) if not report.is_frozen else [],
                "state_label": STATE_LABELS[report_state(report)],
                "form": forms.get(report.pk) or AttestForm(prefix=f"c{report.pk}"),
                "errors": errors.get(report.pk, []),
            }
        )
    clients = list(selectors.clients_for(request.user))
    context = {
        **_month_nav(month),
        "month_form": month_form,
        "months": months,
        "entries": entries,
        "clients": clients,
    }
    return render(request, "billing/client_reports.html", context, status=status)


@require_GET
@login_required
def client_follow_up(request, pk: int):
    """Granted hours per decision period: pool, used, planned, what remains (G1-G4)."""
    _membership(request.user, (*MANAGERS, Membership.Role.CLIENT))
    client = get_object_or_404(selectors.clients_for(request.user), pk=pk)
    now = timezone.now()
    statuses = services.grant_follow_up(client=client, now=now)
    return render(
        request,
        "billing/client_follow_up.html",
        {"client": client, "statuses": statuses, "today": timezone.localdate(now)},
    )


# --------------------------------------------------------------------------- cash flow


@dataclass(frozen=True)
class PaymentEntry:
    """What the payment fields of one row of the cash-flow page show: the
    typed values and the messages of a refused attempt, or the defaults."""

    paid_on: str
    amount: str
    paid_on_errors: list = field(default_factory=list)
    amount_errors: list = field(default_factory=list)


@login_required
def cashflow_view(request):
    """When the money is expected, what blocks each month, what came in. A
    refused payment is shown next to its field, with what was typed."""
    reports = _reports_for(request.user)
    today = timezone.localdate()
    refused: dict[int, PaymentEntry] = {}
    status = 200
    if request.method == "POST":
        report = get_object_or_404(reports, pk=_posted_pk(request, "report"))
        # The same form (and so the same reading of a date and an amount) as the month-end board's.
        form = PaymentForm(request.POST)
        refusal = []
        if form.is_valid():
            try:
                received = cashflow.record_received(
                    report=report, on=form.cleaned_data["paid_on"], amount=form.cleaned_data["amount"]
                )
            except services.ReportError as exc:
                refusal = [exc.message]
            else:
                difference = format_money(received.difference)
                messages.success(
                    request,
                    _("Utbetalningen är registrerad. Skillnad mot räkningen: %(difference)s.")
                    % {"difference": difference},
                )
                return redirect("cashflow")
        refused[report.pk] = PaymentEntry(
            paid_on=form["paid_on"].value() or "",
            amount=form["amount"].value() or "",
            paid_on_errors=list(form.errors.get("paid_on", [])),
            amount_errors=[*form.errors.get("amount", []), *refusal],
        )
        status = 400
    flow = cashflow.cash_flow(reports=reports, today=today)
    shown = {row.report.pk for row in flow.months}
    for pk, entry in refused.items():
        if pk not in shown:  # e.g. already paid: the row has no payment fields to show it by
            for text in (*entry.paid_on_errors, *entry.amount_errors):
                messages.error(request, text)
    default = PaymentEntry(paid_on=f"{today:%Y-%m-%d}", amount="")
    context = {
        "flow": flow,
        "today": today,
        "months": [(row, refused.get(row.report.pk, default)) for row in flow.months],
    }
    return render(request, "billing/cashflow.html", context, status=status)
