"""The month-end pages under input nobody meant to send: mangled ids, months
outside the calendar, amounts the report cannot hold; where the focus lands
after a refused step; the audit entry of a web export; the other provider's
rows posted to one's own pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from audit.models import AuditEntry
from billing import services
from billing.models import MonthlyReport
from tests.billing.test_views_month_end import APRIL, march_reports, sign_all

pytestmark = pytest.mark.django_db


def submitted(side) -> MonthlyReport:
    report = sign_all(side, march_reports(side)[side.clients[0].pk])
    return services.submit(actor=side.coordinator, report=report, on=APRIL)


def tag(html: str, element_id: str) -> str:
    """The opening tag of the element with ``element_id``."""
    match = re.search(rf'<(?:input|textarea)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


# --- mangled ids are a 404, never a server error ----------------------------------------


@pytest.mark.parametrize(
    ("role", "url_name", "field", "extra"),
    [
        ("coordinator", "month-end", "report", {"action": "submit"}),
        ("coordinator", "report-detail", "time_report", {"t1-intygar": "on"}),
        ("assistant_user", "my-time-reports", "time_report", {}),
        ("client_user", "client-reports", "report", {}),
        ("coordinator", "cashflow", "report", {"paid_on": "2026-05-05", "amount": "1"}),
    ],
)
@pytest.mark.parametrize("value", ["x", "1.5", ""])
def test_a_mangled_id_in_a_form_is_a_404_not_a_server_error(client, alice, role, url_name, field, extra, value):
    report = march_reports(alice)[alice.clients[0].pk]
    client.force_login(getattr(alice, role))
    url = reverse(url_name, args=[report.pk]) if url_name == "report-detail" else reverse(url_name)
    assert client.post(url, {field: value, **extra}).status_code == 404


def test_an_id_in_another_scripts_digits_is_not_read_as_that_number(client, alice):
    report = march_reports(alice)[alice.clients[0].pk]
    client.force_login(alice.coordinator)
    arabic = str(report.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert client.post(reverse("month-end"), {"action": "submit", "report": arabic}).status_code == 404


# --- months outside the calendar --------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url_name"),
    [("coordinator", "month-end"), ("assistant_user", "my-time-reports"), ("client_user", "client-reports")],
)
@pytest.mark.parametrize("month", ["9999-12", "0001-01"])
def test_a_month_at_the_end_of_the_calendar_is_refused_next_to_the_picker(client, alice, role, url_name, month):
    march_reports(alice)
    client.force_login(getattr(alice, role))
    response = client.get(reverse(url_name), {"manad": month})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="manad-error"' in text and "Ange en månad mellan 2000-01 och 2099-12." in text
    assert f'value="{month}"' in text  # what was typed stays


# --- amounts the report cannot hold -----------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1e999999", "Beloppet är för stort."),
        ("12345678901,00", "Beloppet är för stort."),
        ("Infinity", "Beloppet är inte ett tal."),
        ("100,005", "högst två decimaler"),
        ("femtio", "Beloppet är inte ett tal."),
    ],
)
def test_a_payment_the_report_cannot_hold_is_refused_next_to_the_field(client, alice, amount, message):
    report = submitted(alice)
    client.force_login(alice.coordinator)
    prefix = f"r{report.pk}"
    data = {"action": "payment", "report": report.pk, f"{prefix}-paid_on": "2026-05-05", f"{prefix}-amount": amount}
    response = client.post(reverse("month-end"), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text and f'value="{amount}"' in text
    report.refresh_from_db()
    assert report.status == "submitted" and report.paid_amount is None and report.paid_on is None


def test_a_swedish_amount_with_spaces_is_read_as_kronor_and_ore(client, alice):
    report = submitted(alice)
    client.force_login(alice.coordinator)
    prefix = f"r{report.pk}"
    data = {"action": "payment", "report": report.pk, f"{prefix}-paid_on": "2026-05-05", f"{prefix}-amount": "4 346,25"}
    assert client.post(reverse("month-end"), data).status_code == 302
    report.refresh_from_db()
    assert report.status == "paid" and str(report.paid_amount) == "4346.25"


@pytest.mark.parametrize(
    ("amount", "message"), [("1e999999", "Beloppet är för stort."), ("-5", "Beloppet kan inte vara negativt.")]
)
def test_the_cash_flow_page_shows_a_refused_payment_next_to_the_amount(client, alice, amount, message):
    report = submitted(alice)
    client.force_login(alice.coordinator)
    response = client.post(reverse("cashflow"), {"report": report.pk, "paid_on": "2026-05-05", "amount": amount})
    assert response.status_code == 400
    text = response.content.decode()
    field = tag(text, f"amount-{report.pk}")
    assert f'value="{amount}"' in field and "data-focus" in field
    assert f'aria-describedby="amount-{report.pk}-error"' in field
    assert re.search(rf'id="amount-{report.pk}-error"[^>]*>{message}<', text)
    assert 'value="2026-05-05"' in tag(text, f"paid-on-{report.pk}")  # what was typed stays
    report.refresh_from_db()
    assert report.status == "submitted" and report.paid_amount is None


def test_the_cash_flow_page_shows_a_bad_date_next_to_the_date(client, alice):
    report = submitted(alice)
    client.force_login(alice.coordinator)
    response = client.post(reverse("cashflow"), {"report": report.pk, "paid_on": "5 maj", "amount": "12"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "data-focus" in tag(text, f"paid-on-{report.pk}") and 'value="5 maj"' in text
    assert re.search(rf'id="paid-on-{report.pk}-error"[^>]*>Ange datumet som ÅÅÅÅ-MM-DD.<', text)


def test_a_payment_refused_for_a_month_already_paid_is_still_explained(client, alice):
    report = submitted(alice)
    services.record_payment(report=report, on=APRIL, amount=report.amount)
    client.force_login(alice.coordinator)
    response = client.post(reverse("cashflow"), {"report": report.pk, "paid_on": "2026-05-05", "amount": "12"})
    assert response.status_code == 400
    assert "En utbetalning kan bara registreras för en inskickad redovisning." in response.content.decode()


# --- the focus after a refused step -----------------------------------------------------


def test_after_a_refused_payment_the_amount_takes_the_focus_and_names_its_message(client, alice):
    report = submitted(alice)
    client.force_login(alice.coordinator)
    prefix = f"r{report.pk}"
    data = {"action": "payment", "report": report.pk, f"{prefix}-paid_on": "2026-05-05", f"{prefix}-amount": "-5"}
    text = client.post(reverse("month-end"), data, HTTP_HX_REQUEST="true").content.decode()
    amount = tag(text, f"id_{prefix}-amount")
    assert "data-focus" in amount and 'aria-invalid="true"' in amount
    assert f'aria-describedby="id_{prefix}-amount-error"' in amount
    assert f'id="id_{prefix}-amount-error"' in text and "Beloppet kan inte vara negativt." in text
    assert "data-focus" not in tag(text, f"id_{prefix}-paid_on")


def test_after_a_bad_date_the_date_takes_the_focus(client, alice):
    report = submitted(alice)
    client.force_login(alice.coordinator)
    prefix = f"r{report.pk}"
    data = {"action": "payment", "report": report.pk, f"{prefix}-paid_on": "5 maj", f"{prefix}-amount": "-5"}
    text = client.post(reverse("month-end"), data, HTTP_HX_REQUEST="true").content.decode()
    paid_on = tag(text, f"id_{prefix}-paid_on")
    assert "data-focus" in paid_on and f'aria-describedby="id_{prefix}-paid_on-error"' in paid_on
    assert f'id="id_{prefix}-paid_on-error"' in text
    assert text.count("data-focus") == 1


def test_after_a_correction_without_reason_the_reason_takes_the_focus(client, alice):
    report = submitted(alice)
    client.force_login(alice.coordinator)
    data = {"action": "correct", "report": report.pk, f"r{report.pk}-reason": ""}
    text = client.post(reverse("month-end"), data, HTTP_HX_REQUEST="true").content.decode()
    assert "data-focus" in tag(text, f"id_r{report.pk}-reason")


# --- exports in the audit trail ---------------------------------------------------------


def test_a_web_export_is_recorded_on_the_report_like_the_apis(client, alice):
    report = march_reports(alice)[alice.clients[0].pk]
    client.force_login(alice.coordinator)
    client.get(reverse("report-export", args=[report.pk, "csv"]))
    client.get(reverse("time-report-pdf", args=[report.time_reports.get().pk]))
    entries = list(AuditEntry.objects.filter(provider_id=alice.provider.pk).order_by("pk"))
    exports = [e for e in entries if e.is_export]
    assert len(exports) == 2
    report_type = ContentType.objects.get_for_model(MonthlyReport)
    assert all(e.content_type == report_type and e.object_id == report.pk for e in exports)
    assert "version 1" in exports[0].additional_data["export"]


# --- the other provider's rows posted to one's own pages --------------------------------


def test_another_providers_time_report_cannot_be_signed_through_ones_own_report_page(client, alice, bob):
    own = march_reports(alice)[alice.clients[0].pk]
    foreign = march_reports(bob)[bob.clients[0].pk].time_reports.get()
    client.force_login(alice.coordinator)
    data = {"time_report": foreign.pk, f"t{foreign.pk}-intygar": "on"}
    assert client.post(reverse("report-detail", args=[own.pk]), data).status_code == 404
    foreign.refresh_from_db()
    assert foreign.provider_signed_at is None


def test_another_providers_payment_cannot_be_recorded_on_the_cash_flow_page(client, alice, bob):
    foreign = submitted(bob)
    client.force_login(alice.admin)
    data = {"report": foreign.pk, "paid_on": "2026-05-05", "amount": "1"}
    assert client.post(reverse("cashflow"), data).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == "submitted"


def test_the_follow_up_is_read_only(client, alice):
    client.force_login(alice.coordinator)
    url = reverse("client-follow-up", args=[alice.clients[0].pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


# --- known, not ours to fix here ----------------------------------------------------------


def test_a_client_using_the_english_ui_can_sign_a_claim_whose_time_reports_are_signed(client, alice):
    reports = march_reports(alice)
    report = reports[alice.clients[0].pk]
    for time_report in report.time_reports.all():
        services.sign_time_report(actor=alice.coordinator, time_report=time_report)
        services.sign_time_report(actor=alice.assistant_user, time_report=time_report)
    client.force_login(alice.client_user)
    client.cookies["django_language"] = "en"
    client.post(reverse("client-reports"), {"report": report.pk, f"c{report.pk}-intygar": "on"})
    report.refresh_from_db()
    assert report.status == "complete"


# --- the board's queries ------------------------------------------------------------------


def _board_queries(client, django_assert_max_num_queries, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        assert client.get(reverse("month-end"), {"manad": "2026-03"}).status_code == 200


def test_the_board_asks_for_the_missing_signatures_once_per_client(client, alice, django_assert_max_num_queries):
    """The missing signatures come from the service, one query per report; the
    template asks twice per row, which must not double them."""
    from assistans import factories as f
    from tests.billing.test_views_month_end import add_shift

    march_reports(alice)
    client.force_login(alice.coordinator)
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("month-end"), {"manad": "2026-03"})
    baseline = len(few.captured_queries)
    for index in range(6):
        new = f.ClientFactory(provider=alice.provider, last_name=f"Extra{index}")
        f.DecisionFactory(client=new)
        f.AssignmentFactory(assistant=alice.assistants[0], client=new)
        alice.clients.append(new)
        add_shift(alice, 0, len(alice.clients) - 1, f"2026-03-{12 + index:02d}")
    services.compute_reports(provider=alice.provider, month=date(2026, 3, 1), today=APRIL)
    _board_queries(client, django_assert_max_num_queries, baseline + 6)
