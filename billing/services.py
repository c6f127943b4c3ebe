"""The month-end workflow (M2-M4) and municipal invoices.

draft → every time report signed by the assistant and by the provider → the
claim signed by the client or representative → complete → submitted (the
month's shifts freeze) → paid. A correction is a new version pointing at the
one it replaces. Each step is one transaction; a refused step changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn

from assistans import identity
from assistans.models import Assistant, Client, Decision, Membership, Provider
from scheduling import adapters, input_version
from scheduling import rules as engine
from scheduling.models import MonthLock, Shift, ShiftFinding
from scheduling.rules.timeutil import local_midnight, next_month

from . import calculations, snapshot, stored_findings
from .models import Invoice, InvoiceSeries, MonthlyReport, StandardRate, TimeReport
from .tasks import on_report_complete

logger = logging.getLogger(__name__)

INVOICE_TERMS_DAYS = 30


class ReportError(Exception):
    """A refused step of the workflow, with a Swedish message for users."""

    def __init__(self, code: str, message: str, message_en: str, missing: list[str] | None = None):
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en
        self.missing = missing or []


def rate_table() -> calculations.RateTable:
    return calculations.RateTable({r.year: r.amount for r in StandardRate.objects.all()})


def validate_decision_rate(decision: Decision) -> None:
    """R2 at entry: a raised rate may not exceed the standard rate × 1,12 of any
    year the decision covers. Raises django's ValidationError on the field."""
    if decision.rate_kind != Decision.RateKind.RAISED or decision.raised_rate is None or not decision.start:
        return
    table = rate_table()
    for year in range(decision.start.year, (decision.end or decision.start).year + 1):
        try:
            table.check_raised_rate(decision.raised_rate, year)
        except calculations.BillingError as exc:
            raise ValidationError({"raised_rate": exc.message}, code=exc.code) from exc


def _party(person) -> snapshot.Party:
    return snapshot.Party(id=person.pk, name=str(person), personal_number=identity.display(person.personal_number))


def _provider_info(provider: Provider) -> snapshot.ProviderInfo:
    return snapshot.ProviderInfo(
        id=provider.pk,
        name=provider.name,
        org_number=provider.org_number_display,
        bankgiro=provider.bankgiro,
        kind=provider.kind,
    )


@dataclass(frozen=True)
class _Computed:
    client: Client
    report: calculations.MonthReport
    snapshot: dict


def _findings_and_shifts(provider: Provider, start: datetime, end: datetime) -> tuple[list, list]:
    """The engine's findings for the provider's window ``[start, end)`` and
    the shifts overlapping it. Stored findings are used while nothing the
    engine reads has changed since they were computed (the provider's
    engine-input version); otherwise the engine runs over the window, with
    the history its reference periods need, and its findings are stored."""
    stored = stored_findings.load_current(provider_ids=[provider.pk], start=start, end=end).get(provider.pk)
    if stored is not None:
        return stored, adapters.report_shifts(provider_ids=[provider.pk], start=start, end=end)[provider.pk]
    return _check_and_store(provider, start, end)


def _check_and_store(provider: Provider, start: datetime, end: datetime) -> tuple[list, list]:
    """Run the engine over the window (with the history its reference
    periods need) and store its findings; returns them and the window's shifts."""
    version = input_version.current(provider.pk)  # before the input is read
    inp = adapters.provider_check_input(provider=provider, start=start, end=end)
    findings = engine.check(inp)
    stored_findings.store(provider.pk, start, end, version, findings)
    return findings, [s for s in inp.shifts if s.end > start]


def _window(month: date, clients: list[Client]) -> tuple[list[Decision], datetime, datetime]:
    """The clients' decisions covering ``month`` and the window the month-end
    reads: from the earliest start of those decisions (the grant pools are
    consumed from there), never later than the month, to the month's end."""
    month_start, month_end = local_midnight(month), local_midnight(next_month(month))
    decisions = list(Decision.objects.filter(client__in=clients, start__lt=next_month(month), end__gte=month))
    return decisions, min([local_midnight(d.start) for d in decisions] + [month_start]), month_end


def _open_clients(provider: Provider, month: date) -> list[Client]:
    """The provider's clients with shifts in ``month`` whose report is not
    frozen: what a month-end run computes when not told which clients."""
    month_start, month_end = local_midnight(month), local_midnight(next_month(month))
    with_shifts = Shift.objects.filter(provider=provider, start__lt=month_end, end__gt=month_start)
    clients = list(Client.objects.filter(pk__in=with_shifts.values("client_id")).order_by("pk"))
    return _not_frozen(clients, month)


def _not_frozen(clients: list[Client], month: date) -> list[Client]:
    frozen = set(
        MonthlyReport.objects.filter(client__in=clients, month=month)
        .exclude(status__in=[MonthlyReport.Status.DRAFT, MonthlyReport.Status.COMPLETE])
        .exclude(status=MonthlyReport.Status.SUPERSEDED)
        .values_list("client_id", flat=True)
    )
    return [c for c in clients if c.pk not in frozen]


@transaction.atomic
def refresh_findings(*, provider: Provider, month: date) -> bool:
    """Store the engine's findings for the month-end window of ``month``
    unless the stored ones are current, so the month-end itself need not run
    the engine (the nightly job calls this). True when the engine ran."""
    clients = _open_clients(provider, month)
    if not clients:
        return False
    _decisions, start, end = _window(month, clients)
    if provider.pk in stored_findings.load_current(provider_ids=[provider.pk], start=start, end=end):
        return False
    _check_and_store(provider, start, end)
    return True


def _compute(provider: Provider, month: date, clients: list[Client]) -> list[_Computed]:
    """Price each client's month from its shifts and the engine's findings
    over the month and the history the grant pools need."""
    if not clients:
        return []
    decisions, history_start, month_end = _window(month, clients)
    month_start = local_midnight(month)
    findings, shifts = _findings_and_shifts(provider, history_start, month_end)
    rates = rate_table()
    by_client = calculations.split_by_client(month_start, month_end, shifts, findings)
    assistant_ids = {s.assistant_id for s in shifts}
    # Only the reference periods are wanted from remaining(): ask it of the
    # registry alone, without the shifts it would otherwise scan.
    probe = adapters.registry_probe(assistant_ids)
    parties = {a.pk: _party(a) for a in Assistant.objects.filter(pk__in=assistant_ids)}
    empty = calculations.ClientMonth([], [], [])
    computed = []
    for client in clients:
        grants = tuple(adapters.decision_to_grant(d) for d in decisions if d.client_id == client.pk)
        own = by_client.get(client.pk, empty)
        raised = {d.pk: d.raised_rate for d in decisions if d.client_id == client.pk and d.raised_rate is not None}
        try:
            report = calculations.compute_month(
                client_id=client.pk,
                month=month,
                shifts=own.shifts,
                findings=own.findings,
                grants=grants,
                rates=rates,
                raised_rates=raised,
                pool_history=own.history,
            )
        except calculations.BillingError as exc:
            raise ReportError(exc.code, exc.message, exc.message_en) from exc
        assistant_ids = {tr.assistant_id for tr in report.time_reports}
        assistants = {a: parties[a] for a in assistant_ids}
        periods = {}
        for assistant_id in assistant_ids:
            status = engine.remaining(probe, assistant_id, month_start)
            periods[assistant_id] = (status.period.start, status.period.end) if status else None
        data = snapshot.build(
            report,
            provider=_provider_info(provider),
            client=_party(client),
            assistants=assistants,
            reference_periods=periods,
            decisions=[
                {
                    "id": d.pk,
                    "payer": d.payer,
                    "start": d.start.isoformat(),
                    "end": d.end.isoformat(),
                    "weekly_hours": f"{d.weekly_hours}",
                    "rate_kind": d.rate_kind,
                    "raised_rate": f"{d.raised_rate}" if d.raised_rate is not None else None,
                    "case_number": d.case_number,
                    "municipality": d.municipality_name,
                }
                for d in decisions
                if d.client_id == client.pk
            ],
        )
        computed.append(_Computed(client, report, data))
    return computed


@transaction.atomic
def compute_reports(*, provider: Provider, month: date, today: date, clients=None) -> list[MonthlyReport]:
    """Compute (or recompute) the draft reports of ``month`` for the provider's
    clients with shifts or decisions in it. Frozen reports are left alone."""
    if month.day != 1:
        raise ReportError("M1", _("Ange månaden som dess första dag."), "month must be the first day")
    if next_month(month) > today:
        raise ReportError(
            "M1",
            _("Månaden %(month)s är inte slut än; redovisningen kan göras från den första i nästa månad.")
            % {"month": f"{month:%Y-%m}"},
            f"month {month:%Y-%m} has not ended",
        )
    todo = _open_clients(provider, month) if clients is None else _not_frozen(clients, month)
    reports = []
    now = timezone.now()
    for item in _compute(provider, month, todo):
        reports.append(_save_draft(provider, month, item, now))
    return reports


def _save_draft(provider: Provider, month: date, item: _Computed, now: datetime) -> MonthlyReport:
    current = (
        MonthlyReport.objects.select_for_update()
        .filter(client=item.client, month=month)
        .exclude(status=MonthlyReport.Status.SUPERSEDED)
        .first()
    )
    fields = {
        "snapshot": item.snapshot,
        "ruleset": item.report.ruleset_version,
        "rates_used": {"rates": item.snapshot["rates_used"], "calculation": item.report.calculation_version},
        "decision_ids": list(item.report.grant_ids),
        "amount": item.report.claim.amount,
        "computed_at": now,
    }
    if current is None:
        current = MonthlyReport.objects.create(provider=provider, client=item.client, month=month, **fields)
    else:
        changed = current.snapshot != item.snapshot
        for name, value in fields.items():
            setattr(current, name, value)
        if changed:
            # Signatures were given to what the report said; a new content
            # needs new signatures.
            current.status = MonthlyReport.Status.DRAFT
            current.client_signed_at = current.client_signed_by = current.completed_on = None
            current.time_reports.all().delete()
        current.save()
    existing = set(current.time_reports.values_list("assistant_id", flat=True))
    # One save per row (a handful per month), not bulk_create: the audit
    # trail records each time report's creation through the save signal.
    for tr in item.report.time_reports:
        if tr.assistant_id not in existing:
            TimeReport.objects.create(report=current, assistant_id=tr.assistant_id, minutes=tr.minutes.total)
    return current


def _refuse_if_frozen(report: MonthlyReport) -> None:
    if report.is_frozen:
        raise ReportError(
            "M3",
            _("Redovisningen är redan inskickad och kan inte ändras. Gör en rättelse i stället."),
            f"report {report.pk} is {report.status}",
        )


def _membership(actor) -> Membership | None:
    try:
        return actor.membership
    except (Membership.DoesNotExist, AttributeError):
        return None


@transaction.atomic
def sign_time_report(*, actor, time_report: TimeReport, now: datetime | None = None) -> TimeReport:
    """The assistant signs their own time report; an admin or coordinator of
    the provider signs for the provider. Signing is a deliberate act recorded
    with time and user."""
    now = now or timezone.now()
    time_report = TimeReport.objects.select_for_update().select_related("report").get(pk=time_report.pk)
    report = time_report.report
    _refuse_if_frozen(report)
    membership = _membership(actor)
    if membership is None or membership.provider_id != report.provider_id:
        raise ReportError("M2", _("Du får inte signera den här tidsredovisningen."), "not allowed to sign")
    if membership.role == Membership.Role.ASSISTANT and membership.assistant_id == time_report.assistant_id:
        if time_report.assistant_signed_at:
            raise ReportError("M2", _("Du har redan signerat tidsredovisningen."), "already signed by assistant")
        time_report.assistant_signed_at, time_report.assistant_signed_by = now, actor
    elif membership.role in (Membership.Role.ADMIN, Membership.Role.COORDINATOR):
        if time_report.provider_signed_at:
            raise ReportError("M2", _("Anordnaren har redan signerat tidsredovisningen."), "already signed by provider")
        time_report.provider_signed_at, time_report.provider_signed_by = now, actor
    else:
        raise ReportError("M2", _("Du får inte signera den här tidsredovisningen."), "not allowed to sign")
    time_report.save()
    return time_report


def missing_signatures(report: MonthlyReport) -> list[str]:
    """What still has to be signed, in the user's language, for them to act on."""
    missing = _unsigned_time_reports(report)
    if not report.client_signed_at:
        missing.append(_("Räkningen är inte signerad av brukaren eller företrädaren."))
    return missing


def _unsigned_time_reports(report: MonthlyReport) -> list[str]:
    missing = []
    for tr in report.time_reports.select_related("assistant").order_by("assistant__last_name"):
        if not tr.assistant_signed_at:
            missing.append(
                _("Tidsredovisningen för %(name)s är inte signerad av assistenten.") % {"name": tr.assistant}
            )
        if not tr.provider_signed_at:
            missing.append(_("Tidsredovisningen för %(name)s är inte signerad av anordnaren.") % {"name": tr.assistant})
    return missing


@transaction.atomic
def sign_claim(*, actor, report: MonthlyReport, today: date, now: datetime | None = None) -> MonthlyReport:
    """The client or representative signs the claim, after every time report
    is signed; the report is then complete (M2)."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    _refuse_if_frozen(report)
    membership = _membership(actor)
    allowed = (
        membership is not None
        and membership.provider_id == report.provider_id
        and membership.role == Membership.Role.CLIENT
        and membership.clients.filter(pk=report.client_id).exists()
    )
    if not allowed:
        raise ReportError("M2", _("Bara brukaren eller företrädaren kan signera räkningen."), "not the client")
    if report.client_signed_at:
        raise ReportError("M2", _("Räkningen är redan signerad."), "claim already signed")
    unsigned = _unsigned_time_reports(report)
    if unsigned:
        raise ReportError(
            "M2",
            _("Räkningen kan signeras först när alla tidsredovisningar är signerade."),
            "time reports unsigned",
            unsigned,
        )
    report.client_signed_at, report.client_signed_by = now or timezone.now(), actor
    report.status = MonthlyReport.Status.COMPLETE
    report.completed_on = today
    report.save()
    # The month's documents and municipal invoices are made by a job after commit.
    on_report_complete(report.pk)
    return report


@transaction.atomic
def submit(*, actor, report: MonthlyReport, on: date) -> MonthlyReport:
    """Mark the report as sent to FK: it and its month's shifts freeze (M3)."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    _refuse_if_frozen(report)
    missing = missing_signatures(report)
    if missing or report.status != MonthlyReport.Status.COMPLETE:
        raise ReportError(
            "M2",
            _("Redovisningen kan inte skickas in förrän allt är signerat."),
            f"report {report.pk} is not complete",
            missing,
        )
    report.status = MonthlyReport.Status.SUBMITTED
    report.submitted_on = on
    report.save()
    MonthLock.objects.get_or_create(client_id=report.client_id, month=report.month, defaults={"reason": str(report)})
    return report


@transaction.atomic
def start_correction(*, actor, report: MonthlyReport, reason: str, today: date) -> MonthlyReport:
    """A new draft version that replaces a submitted report (M3). The month's
    shifts can be changed again until the correction is submitted."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in (MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.PAID):
        raise ReportError("M3", _("Bara en inskickad redovisning kan rättas."), "only submitted reports are corrected")
    if not reason.strip():
        raise ReportError("M3", _("Ange varför redovisningen rättas."), "a correction needs a reason")
    report.status = MonthlyReport.Status.SUPERSEDED
    report.save(update_fields=["status"])
    MonthLock.objects.filter(client_id=report.client_id, month=report.month).delete()
    correction = MonthlyReport.objects.create(
        provider_id=report.provider_id,
        client_id=report.client_id,
        month=report.month,
        version=report.version + 1,
        replaces=report,
        correction_reason=reason.strip(),
        snapshot=report.snapshot,
        ruleset=report.ruleset,
        rates_used=report.rates_used,
        decision_ids=report.decision_ids,
        amount=report.amount,
        computed_at=timezone.now(),
    )
    compute_reports(provider=report.provider, month=report.month, today=today, clients=[report.client])
    correction.refresh_from_db()
    return correction


@transaction.atomic
def record_payment(*, report: MonthlyReport, on: date, amount: Decimal) -> MonthlyReport:
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != MonthlyReport.Status.SUBMITTED:
        raise ReportError(
            "P1", _("En utbetalning kan bara registreras för en inskickad redovisning."), "report not submitted"
        )
    if amount < 0:
        raise ReportError("P1", _("Beloppet kan inte vara negativt."), "negative amount")
    report.status = MonthlyReport.Status.PAID
    report.paid_on, report.paid_amount = on, calculations.round_money(amount)
    report.save()
    return report


# --- Municipal invoices (P5) -------------------------------------------------


def ocr_reference(number: int) -> str:
    """OCR reference: the invoice number followed by a Luhn check digit."""
    digits = str(number)
    return digits + luhn.calc_check_digit(digits)


def _next_number(provider: Provider) -> int:
    series, _created = InvoiceSeries.objects.get_or_create(provider=provider)
    series = InvoiceSeries.objects.select_for_update().get(pk=series.pk)
    number = series.next_number
    series.next_number = number + 1
    series.save(update_fields=["next_number"])
    return number


def _invoice_snapshot(
    report: MonthlyReport, number: int, issued: date, due: date, lines, amount, credit_of=None, reason=""
) -> dict:
    data = report.snapshot
    municipality = next((d["municipality"] for d in data["decisions"] if d["payer"] == "municipality"), "")
    return {
        "number": number,
        "issued_on": issued.isoformat(),
        "due_on": due.isoformat(),
        "ocr": ocr_reference(number),
        "provider": {k: data["provider"][k] for k in ("name", "org_number", "bankgiro")},
        "recipient": {"name": municipality},
        "client": {
            "name": data["client"]["name"],
            "personal_number_masked": identity.mask(data["client"]["personal_number"].replace("-", "")),
        },
        "month": data["month"],
        "lines": lines,
        "amount": f"{amount:.2f}",
        "credit_of": credit_of,
        "reason": reason,
    }


@transaction.atomic
def issue_invoice(*, report: MonthlyReport, today: date) -> Invoice | None:
    """Invoice the municipality for the month's municipal hours; None when
    there are none. Issuing twice returns the first invoice."""
    existing = Invoice.objects.filter(report=report, credit_of__isnull=True).exclude(credited_by__isnull=False).first()
    if existing is not None:
        return existing
    municipal = report.snapshot["municipal"]
    amount = Decimal(municipal["amount"])
    if amount <= 0:
        return None
    lines = [
        {
            "description": f"Personlig assistans enligt LSS, {report.snapshot['month']}",
            "hours": line["hours"],
            "rate": line["rate"],
            "amount": line["amount"],
        }
        for line in municipal["rate_lines"]
    ]
    due = today + timedelta(days=INVOICE_TERMS_DAYS)
    for attempt in range(3):
        try:
            with transaction.atomic():
                number = _next_number(report.provider)
                return Invoice.objects.create(
                    provider=report.provider,
                    number=number,
                    report=report,
                    issued_on=today,
                    due_on=due,
                    ocr=ocr_reference(number),
                    amount=amount,
                    snapshot=_invoice_snapshot(report, number, today, due, lines, amount),
                )
        except IntegrityError:
            logger.warning("invoice number collision for provider %s, attempt %s", report.provider_id, attempt + 1)
    raise ReportError("F1", _("Fakturanummer kunde inte tas fram; försök igen."), "invoice numbering failed")


@transaction.atomic
def credit_invoice(*, invoice: Invoice, reason: str, today: date) -> Invoice:
    """A credit invoice cancelling ``invoice``; issued invoices are never edited."""
    if not reason.strip():
        raise ReportError("F2", _("Ange varför fakturan krediteras."), "a credit needs a reason")
    if invoice.credit_of_id is not None or Invoice.objects.filter(credit_of=invoice).exists():
        raise ReportError("F2", _("Fakturan är redan krediterad."), "already credited")
    number = _next_number(invoice.provider)
    lines = [{**line, "amount": f"-{line['amount']}"} for line in invoice.snapshot["lines"]]
    amount = -invoice.amount
    return Invoice.objects.create(
        provider=invoice.provider,
        number=number,
        report=invoice.report,
        credit_of=invoice,
        issued_on=today,
        due_on=today,
        ocr=ocr_reference(number),
        amount=amount,
        snapshot=_invoice_snapshot(invoice.report, number, today, today, lines, amount, invoice.number, reason),
    )


# --- Grant follow-up (G1-G4) ---------------------------------------------------


@dataclass(frozen=True)
class GrantStatus:
    """One decision's pool: what is used so far, what the planned shifts will
    use, and what is left. Minutes are converted (waiting time at its factor)."""

    decision: Decision
    pool_minutes: int
    used_minutes: int  # shifts that have ended
    forecast_minutes: int  # ended plus planned, to the end of the period
    remaining_minutes: int  # pool - used
    forecast_remaining_minutes: int  # pool - forecast; negative: the plan goes past the pool

    @property
    def planned_minutes(self) -> int:
        return self.forecast_minutes - self.used_minutes

    @property
    def over_pool_minutes(self) -> int:
        return max(0, -self.forecast_remaining_minutes)


def _stored_findings(shift_ids: set) -> list[engine.Finding]:
    """The not-payable findings the recording service stored for these shifts,
    back as engine findings (one per finding, not one per shift)."""
    seen, result = set(), []
    rows = ShiftFinding.objects.filter(shift_id__in=shift_ids, severity=ShiftFinding.Severity.NOT_PAYABLE)
    for row in rows.order_by("id"):
        ids = tuple(sorted({row.shift_id, *row.other_shift_ids}))
        key = (row.code, row.start, row.end, ids)
        if key in seen:
            continue
        seen.add(key)
        result.append(
            engine.Finding(
                code=row.code,
                severity=engine.Severity.NOT_PAYABLE,
                shift_ids=ids,
                assistant_id=None,
                client_id=None,
                start=row.start,
                end=row.end,
                minutes=row.minutes,
                message=row.message,
                hint=row.hint,
                message_en=row.message_en,
                hint_en=row.hint_en,
            )
        )
    return result


def grant_follow_up(*, client: Client, now: datetime) -> list[GrantStatus]:
    """For each of the client's decisions that has not ended: the pool, the
    hours used so far, and a forecast to the period's end from the planned
    shifts, computed by the same arithmetic as the monthly report."""
    today = timezone.localdate(now)
    decisions = list(client.decisions.filter(end__gte=today).order_by("start"))
    if not decisions:
        return []
    first = min(d.start for d in decisions)
    last = max(d.end for d in decisions)
    rows = Shift.objects.filter(
        client=client, start__lt=local_midnight(last + timedelta(days=1)), end__gt=local_midnight(first)
    ).values_list(*adapters.SHIFT_COLUMNS)
    shifts = [adapters.to_rule_shift(row) for row in rows]
    findings = _stored_findings({s.id for s in shifts})
    grants = [adapters.decision_to_grant(d) for d in decisions]
    rates = rate_table()

    def usage(selected: list) -> dict:
        final_month = last.replace(day=1)
        month_start = local_midnight(final_month)
        report = calculations.compute_month(
            client_id=client.pk,
            month=final_month,
            shifts=[s for s in selected if s.end > month_start],
            pool_history=[s for s in selected if s.end <= month_start],
            findings=findings,
            grants=grants,
            rates=rates,
        )
        return {p.grant_id: p for p in report.pools}

    so_far = usage([s for s in shifts if s.end <= now])
    forecast = usage(shifts)
    statuses = []
    for decision in decisions:
        pool = forecast.get(decision.pk)
        if pool is None:
            continue
        # Used and planned count every converted minute in the period, also
        # those past the pool (not payable, G2), so the forecast can go below zero.
        done = so_far[decision.pk]
        used = done.used_before + done.used_in_month + done.over
        planned = pool.used_before + pool.used_in_month + pool.over
        pool_minutes = calculations.round_minutes(pool.pool_minutes)
        statuses.append(
            GrantStatus(
                decision=decision,
                pool_minutes=pool_minutes,
                used_minutes=calculations.round_minutes(used),
                forecast_minutes=calculations.round_minutes(planned),
                remaining_minutes=pool_minutes - calculations.round_minutes(used),
                forecast_remaining_minutes=pool_minutes - calculations.round_minutes(planned),
            )
        )
    return statuses
