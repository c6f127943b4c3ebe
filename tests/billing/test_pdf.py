"""PDF documents from month snapshots: they open, and the key text and sums are
in them (extracted with pypdf). No database."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing.calculations import format_hours, format_money
from billing.pdf import (
    MIMETYPE,
    ClaimRenderer,
    InvoiceRenderer,
    ProviderSummaryRenderer,
    TimeReportRenderer,
    dst_shift,
    hours_text,
)
from tests.billing.snapshots import busy_snapshot, invoice, month_snapshot, provider_snapshots


def norm(text: str) -> str:
    """Collapse whitespace (no-break spaces included) so figures compare as text."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def pages(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [norm(page.extract_text() or "") for page in reader.pages]


def money(text: str | Decimal) -> str:
    return norm(format_money(Decimal(text)))


@pytest.fixture(scope="module")
def snapshot() -> dict:
    return month_snapshot()


@pytest.fixture(scope="module")
def time_report(snapshot) -> tuple[str, str, bytes]:
    return TimeReportRenderer(snapshot, 12).render()


def test_time_report_opens_and_names_everyone(snapshot, time_report):
    name, mimetype, data = time_report
    assert name == "tidsredovisning-2026-03-brukare-101-assistent-12.pdf"
    assert mimetype == MIMETYPE == "application/pdf"
    assert data.startswith(b"%PDF")
    (text,) = pages(data)
    for expected in (
        "Tidsredovisning – personlig assistans",
        "2026-03",
        "Åsa Öberg",
        "19800412-1234",
        "Märta Ström",
        "19851230-2468",
        "Omsorg & Assistans i Väst AB",
        "556677-8899",
        "2026-03-01 – 2026-06-30",  # the assistant's reference period
        "Assistentens underskrift",
        "Anordnarens underskrift",
        "Sida 1 av 1",
    ):
        assert expected in text, expected


def test_time_report_totals_per_kind_match_the_snapshot(snapshot, time_report):
    report = next(tr for tr in snapshot["time_reports"] if tr["assistant"]["id"] == 12)
    (text,) = pages(time_report[2])
    assert f"Summa {norm(format_hours(report['total_minutes']))}" in text
    assert f"Aktiv tid {norm(format_hours(report['minutes']['active']))}" in text
    assert f"Väntetid {norm(format_hours(report['minutes']['waiting']))}" in text
    assert "Summa 70,00" in text


def test_time_report_explains_the_dst_row(time_report):
    (text,) = pages(time_report[2])
    assert "2026-03-29 01:30 04:51 Väntetid 2,35 Sommartid *" in text
    assert "sommartid" in text
    assert "2,35 timmar verklig tid (klockslagen ger 3,35)" in text


def test_time_report_marks_municipal_rows(time_report):
    (text,) = pages(time_report[2])
    assert "2026-03-29 04:51 07:00 Väntetid 2,15 Betalas av kommunen" in text


def test_time_report_without_dst_has_no_dst_note(snapshot):
    (text,) = pages(TimeReportRenderer(snapshot, 11).render()[2])
    assert "ommartid" not in text and "intertid" not in text
    assert "Björn Ärlig" in text
    assert "Ej angiven" not in text


def test_time_report_shows_a_missing_reference_period(snapshot):
    (text,) = pages(TimeReportRenderer(snapshot, 13).render()[2])
    assert "Beräkningsperiod Ej angiven" in text
    assert "Jönsson, Kalle-Åke" in text


def test_long_time_report_breaks_across_pages_with_the_header_repeated():
    busy = busy_snapshot()
    texts = pages(TimeReportRenderer(busy, 11).render()[2])
    assert len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert "Datum Start Slut Slag av tid Timmar Anmärkning" in text
        assert f"Sida {number} av {len(texts)}" in text
        assert "Omsorg & Assistans i Väst AB" in text
    rows = sum(len(re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} \d{2}:\d{2}", t)) for t in texts)
    assert rows == len(busy["time_reports"][0]["rows"])
    assert "Summa 390,00" in texts[-1]


def test_time_report_for_an_unknown_assistant_is_refused(snapshot):
    with pytest.raises(KeyError):
        TimeReportRenderer(snapshot, 999)


def test_claim_has_the_fields_and_sums_of_fk_3057(snapshot):
    name, mimetype, data = ClaimRenderer(snapshot).render()
    assert name == "rakning-2026-03-brukare-101.pdf"
    assert mimetype == "application/pdf"
    (text,) = pages(data)
    claim = snapshot["claim"]
    assert claim["amount"] == "82370.76"
    for expected in (
        "Räkning – assistansersättning",
        "Åsa Öberg",
        "19800412-1234",
        "Omsorg & Assistans i Väst AB",
        "556677-8899",
        "5050-1055",  # bankgiro
        f"Summa att betala ut {money(claim['amount'])}",
        "82 370,76 kr",
        f"Förhöjt timbelopp {hours_text(claim['payable_converted_hours'])} × 372,00 kr = 82 370,76 kr",
        f"Omräknade timmar (assistanstimmar) {hours_text(claim['converted_hours'])} 221,43",
        "W4 Över assistentens tillåtna arbetstid 2,00",
        "FK 2026-118833",  # the decision used
        "SN 2025/4411",
        "förhöjt timbelopp 2026: 372,00 kr",
        "regelversion 2026.1",
        "billing-2026.1",
        "Brukarens eller ställföreträdarens underskrift",
        "Sida 1 av 1",
    ):
        assert norm(expected) in text, expected


def test_claim_hours_equal_the_time_reports_fk_rows(snapshot):
    """M1: the claim's real hours are the sum of the time reports' FK rows."""
    (text,) = pages(ClaimRenderer(snapshot).render()[2])
    fk_minutes = sum(r["minutes"] for tr in snapshot["time_reports"] for r in tr["rows"] if r["payer"] == "fk")
    assert fk_minutes == snapshot["claim"]["total_minutes"]
    assert f"Summa verklig tid {norm(format_hours(fk_minutes))}" in text
    for kind, label in (("active", "Aktiv tid"), ("waiting", "Väntetid"), ("standby", "Beredskap")):
        minutes = snapshot["claim"]["minutes"][kind]
        assert f"{label} {norm(format_hours(minutes))}" in text


def test_claim_keeps_municipal_hours_out_of_the_amount(snapshot):
    (text,) = pages(ClaimRenderer(snapshot).render()[2])
    assert "faktureras kommunen och ingår inte i beloppet ovan" in text
    assert money(snapshot["municipal"]["amount"]) in text


def test_claim_with_all_hours_payable_says_so():
    busy = busy_snapshot()
    (text,) = pages(ClaimRenderer(busy).render()[2])
    assert "Inga: alla utförda timmar ersätts." in text
    assert f"Summa att betala ut {money(busy['claim']['amount'])}" in text


def test_provider_summary_lists_every_client_with_totals():
    snapshots = provider_snapshots()
    provider = snapshots[0]["provider"]
    name, _mime, data = ProviderSummaryRenderer(snapshots, provider, "2026-03").render()
    assert name == "sammanstallning-2026-03-anordnare-7.pdf"
    (text,) = pages(data)
    for s in snapshots:
        assert s["client"]["name"] in text
        assert money(s["claim"]["amount"]) in text
    fk = sum(Decimal(s["claim"]["amount"]) for s in snapshots)
    municipal = sum(Decimal(s["municipal"]["amount"]) for s in snapshots)
    minutes = sum(s["claim"]["total_minutes"] + s["municipal"]["total_minutes"] for s in snapshots)
    assert f"Summa (3 brukare) {norm(format_hours(minutes))}" in text
    assert f"{money(fk)} {money(municipal)}" in text
    assert f"Totalt belopp: {money(fk + municipal)}" in text


def test_invoice_shows_payment_details_and_the_vat_exemption():
    data = invoice()
    name, mimetype, pdf = InvoiceRenderer(data).render()
    assert (name, mimetype) == ("faktura-1042.pdf", "application/pdf")
    (text,) = pages(pdf)
    for expected in (
        "FAKTURA",
        "Fakturanummer 1042",
        "Fakturadatum 2026-04-03",
        "Förfallodatum 2026-05-03",
        "OCR-nummer 104253",
        "Göteborgs Stad",
        "Åsa Öberg (19800412-****)",
        "Personlig assistans enligt LSS, 2026-03 17,54 330,00 kr 5 787,38 kr",
        "Att betala 5 787,38 kr",
        "Betala 5 787,38 kr till bankgiro 5050-1055 senast 2026-05-03",
        "mervärdesskattelagen (2023:200)",
        "Momsfri",
    ):
        assert expected in text, expected
    assert "KREDITFAKTURA" not in text
    assert "19800412-1234" not in text  # only the masked number


def test_credit_invoice_names_the_original_and_asks_for_no_payment():
    data = invoice(credit=True)
    name, _mime, pdf = InvoiceRenderer(data).render()
    assert name == "kreditfaktura-1043.pdf"
    (text,) = pages(pdf)
    for expected in (
        "KREDITFAKTURA",
        "Krediterar faktura 1042",
        "krediterar faktura nr 1042",
        "Anledning: Fel timbelopp; ny faktura skickas.",
        "Att kreditera -5 787,38 kr",
        "Ingen betalning",
    ):
        assert expected in text, expected
    assert "Förfallodatum" not in text


@pytest.mark.parametrize(
    ("start", "end", "minutes", "expected"),
    [
        ("00:00", "04:00", 180, "sommartid"),  # 2026-03-29: one hour shorter
        ("00:00", "04:00", 300, "vintertid"),  # 2026-10-25: one hour longer
        ("00:00", "04:00", 240, None),
        ("22:00", "24:00", 120, None),  # a row that ends at midnight
    ],
)
def test_dst_rows_are_found_by_comparing_real_and_clock_time(start, end, minutes, expected):
    assert dst_shift({"start": start, "end": end, "minutes": minutes}) == expected


def test_rendering_is_deterministic(snapshot):
    assert ClaimRenderer(snapshot).render()[2] == ClaimRenderer(snapshot).render()[2]
