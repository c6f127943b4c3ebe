"""PDF documents rendered from a frozen month snapshot (or an invoice dict) alone.

Pure Python: no Django. Each renderer keeps page geometry and fonts as class
attributes, builds its story in hooks and returns ``(filename, mimetype,
bytes)`` from :meth:`BaseRenderer.render` (after pretix's
``BaseReportlabInvoiceRenderer``). Texts are plain Swedish: these are
documents, not UI. Figures use the Swedish forms of
``billing.calculations``: ``1 234,50 kr``, hours ``160,50``, dates
``2026-03-05`` (no-break spaces inside figures).

Renderers
---------
``TimeReportRenderer(snapshot, assistant_id)``
    Tidsredovisning (FK 3059 fields) for one assistant and client.
``ClaimRenderer(snapshot)``
    Räkning (FK 3057 fields) for one client.
``ProviderSummaryRenderer(snapshots, provider, month)``
    One row per client for the provider's month, with totals. ``provider`` is
    the snapshot's provider dict; ``month`` is ``"YYYY-MM"``.
``InvoiceRenderer(invoice)``
    An invoice (or credit note) to a municipality, from this dict (all
    money and hours are strings with a decimal point, as in the snapshot;
    the invoice service stores exactly this as ``Invoice.snapshot``)::

        {
            "number": 1042,                       # int, the provider's series
            "issued_on": "2026-04-03",            # ISO dates
            "due_on": "2026-05-03",
            "ocr": "104253",                      # OCR reference for the payment
            "provider": {"name": ..., "org_number": "556677-8899", "bankgiro": "5050-1055"},
            "recipient": {"name": "Göteborgs Stad"},
            "client": {"name": ..., "personal_number_masked": "19800412-****"},
            "month": "2026-03",
            "lines": [{"description": ..., "hours": "17.54", "rate": "330.00", "amount": "5787.38"}],
            "amount": "5787.38",                  # negative on a credit note
            "credit_of": None,                    # number of the credited invoice, or None
            "reason": "",                         # why, for a credit note
        }

    A credit note (``credit_of`` set) is titled "KREDITFAKTURA", names the
    credited invoice and its reason, and asks for no payment.

VAT: personal assistance is social care, exempt from VAT. Since 2023-07-01 the
law is mervärdesskattelagen (2023:200); the old reference "3 kap. 4 § ML"
points into the repealed ML (1994:200) (Skatteverket, ställningstagande
dnr 8-1057054, note of 2023-05-31). We could not confirm the paragraph
number in the new act from a primary source, so the note names the act
without one (:attr:`InvoiceRenderer.vat_note`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .calculations import NBSP, format_hours, format_money

MIMETYPE = "application/pdf"

KIND_LABELS = {"active": "Aktiv tid", "waiting": "Väntetid", "standby": "Beredskap"}
KINDS = ("active", "waiting", "standby")
RATE_LABELS = {"standard": "Schablonbelopp", "raised": "Förhöjt timbelopp", "municipal": "Kommunens timbelopp"}
PAYER_LABELS = {"fk": "Försäkringskassan", "municipality": "Kommunen"}


# --------------------------------------------------------------------------- formatting


def money(text: str | Decimal) -> str:
    """``"5787.38"`` → ``"5 787,38 kr"``."""
    return format_money(Decimal(text))


def hours_of_minutes(minutes: int) -> str:
    """``90`` → ``"1,50"``."""
    return format_hours(minutes)


def hours_text(text: str | Decimal) -> str:
    """Decimal hours as text (``"160.50"``) → ``"160,50"``."""
    return format_hours(Fraction(Decimal(text)) * 60)


def _clock_minutes(text: str) -> int:
    hh, mm_ = text.split(":")
    return int(hh) * 60 + int(mm_)


def dst_shift(row: dict) -> str | None:
    """``"sommartid"`` / ``"vintertid"`` when a row's real minutes differ from
    its clock difference (the row spans a DST change), else None."""
    clock = _clock_minutes(row["end"]) - _clock_minutes(row["start"])
    if row["minutes"] < clock:
        return "sommartid"
    if row["minutes"] > clock:
        return "vintertid"
    return None


# --------------------------------------------------------------------------- the base


class TextLine(Flowable):
    """One line of plain text: what a Paragraph costs without the markup
    parser and line breaking. Used only for text known to fit the width."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, self.style.leading

    def draw(self) -> None:
        style, canvas = self.style, self.canv
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        # The same first baseline as a Paragraph: the font's ascent below the top.
        canvas.drawString(0, self.style.leading - style.fontSize * 0.718, self.text)


class _NumberedCanvas(Canvas):
    """Defers each page until the end so the footer can say "Sida 1 av 2"."""

    renderer: BaseRenderer

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []

    def showPage(self) -> None:  # ReportLab's name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self.renderer.draw_page_number(self, self._pageNumber, total)
            super().showPage()
        super().save()


class BaseRenderer:
    """Common page, fonts and story hooks. Subclasses set ``title`` and
    implement :meth:`get_filename` and the story hooks."""

    pagesize = A4
    left_margin = 18 * mm
    right_margin = 18 * mm
    top_margin = 24 * mm
    bottom_margin = 20 * mm
    font = "Helvetica"
    font_bold = "Helvetica-Bold"
    font_size = 9
    frame_padding = 6  # SimpleDocTemplate's frame padding (points)
    title = ""
    subtitle = ""

    line_color = colors.HexColor("#9aa3ad")
    shade = colors.HexColor("#eef1f4")
    muted = colors.HexColor("#4b5563")

    # Styles are built once per class, not per document (the benchmark cares).
    styles: dict[str, ParagraphStyle] = {
        "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=15, leading=18, spaceAfter=1 * mm),
        "subtitle": ParagraphStyle(
            "subtitle", fontName="Helvetica", fontSize=9, leading=11, textColor=colors.HexColor("#4b5563")
        ),
        "h2": ParagraphStyle(
            "h2", fontName="Helvetica-Bold", fontSize=10.5, leading=13, spaceBefore=4 * mm, spaceAfter=1.5 * mm
        ),
        "body": ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=11.5),
        "small": ParagraphStyle(
            "small", fontName="Helvetica", fontSize=8, leading=10, textColor=colors.HexColor("#4b5563")
        ),
        "cell": ParagraphStyle("cell", fontName="Helvetica", fontSize=9, leading=11),
        "right": ParagraphStyle("right", fontName="Helvetica", fontSize=9, leading=11, alignment=TA_RIGHT),
    }

    grid_style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.HexColor("#4b5563")),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#c8ced6")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    info_style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), "Helvetica", 9),
            ("FONT", (0, 0), (0, -1), "Helvetica", 8),
            ("FONT", (2, 0), (2, -1), "Helvetica", 8),
            ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#4b5563")),
            ("TEXTCOLOR", (2, 0), (2, -1), colors.HexColor("#4b5563")),
            ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#9aa3ad")),
            ("LINEBELOW", (0, 0), (-1, -2), 0.25, colors.HexColor("#d5dae0")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )

    # -- entry point

    def render(self) -> tuple[str, str, bytes]:
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=self.left_margin,
            rightMargin=self.right_margin,
            topMargin=self.top_margin,
            bottomMargin=self.bottom_margin,
            title=self.document_title(),
            author=self.provider_name(),
            creator="Assistanstid",
            subject=self.title,
            invariant=True,
        )
        doc.build(self.get_story(), onFirstPage=self.on_page, onLaterPages=self.on_page, canvasmaker=self._canvas)
        return self.get_filename(), MIMETYPE, buffer.getvalue()

    def _canvas(self, *args, **kwargs) -> _NumberedCanvas:
        canvas = _NumberedCanvas(*args, **kwargs)
        canvas.renderer = self
        return canvas

    @property
    def width(self) -> float:
        """Usable width: the frame inside the margins less its 6 pt padding on each side."""
        return self.pagesize[0] - self.left_margin - self.right_margin - 2 * self.frame_padding

    # -- hooks

    def get_filename(self) -> str:
        raise NotImplementedError

    def provider_name(self) -> str:
        raise NotImplementedError

    def provider_line(self) -> str:
        """The footer's left text."""
        return self.provider_name()

    def document_title(self) -> str:
        return self.title

    def get_story(self) -> list:
        return [*self.story_head(), *self.story_body(), *self.story_foot()]

    def story_head(self) -> list:
        head = [self.para(self.title, "title")]
        if self.subtitle:
            head.append(self.para(self.subtitle, "subtitle"))
        head.append(Spacer(1, 4 * mm))
        return head

    def story_body(self) -> list:
        return []

    def story_foot(self) -> list:
        return []

    def on_page(self, canvas: Canvas, doc) -> None:
        """Header on every page: provider left, document and month right."""
        width, height = self.pagesize
        y = height - self.top_margin + 8 * mm
        canvas.saveState()
        canvas.setFont(self.font_bold, 8.5)
        canvas.drawString(self.left_margin, y, self.provider_name())
        canvas.setFont(self.font, 8.5)
        canvas.drawRightString(width - self.right_margin, y, self.header_right())
        canvas.setStrokeColor(self.line_color)
        canvas.setLineWidth(0.5)
        canvas.line(self.left_margin, y - 2.5 * mm, width - self.right_margin, y - 2.5 * mm)
        canvas.restoreState()

    def header_right(self) -> str:
        return self.title

    def draw_page_number(self, canvas: Canvas, page: int, total: int) -> None:
        """Footer, drawn once the page count is known."""
        width, _height = self.pagesize
        y = self.bottom_margin - 10 * mm
        canvas.saveState()
        canvas.setStrokeColor(self.line_color)
        canvas.setLineWidth(0.5)
        canvas.line(self.left_margin, y + 4 * mm, width - self.right_margin, y + 4 * mm)
        canvas.setFont(self.font, 8)
        canvas.setFillColor(self.muted)
        canvas.drawString(self.left_margin, y, self.provider_line())
        canvas.drawRightString(width - self.right_margin, y, f"Sida {page} av {total}")
        canvas.restoreState()

    # -- building blocks

    def fits(self, text: str, style: ParagraphStyle, width: float) -> bool:
        return stringWidth(text, style.fontName, style.fontSize) <= width

    def heading(self, text: str) -> Flowable:
        return self.para(text, "h2")

    def para(self, text: str, style: str = "body") -> Flowable:
        """Plain text (escaped): one TextLine when it fits, else a wrapping Paragraph."""
        paragraph_style = self.styles[style]
        if self.fits(text, paragraph_style, self.width):
            return TextLine(text, paragraph_style)
        return Paragraph(escape(text), paragraph_style)

    def cell(self, text: str, width: float | None = None) -> str | Paragraph:
        """A table cell that may need to wrap (names): a plain string (which
        never wraps, and is cheap) when it fits ``width``, else a Paragraph."""
        style = self.styles["cell"]
        if width is not None and self.fits(text, style, width - 8):
            return text
        return Paragraph(escape(text), style)

    @property
    def info_value_width(self) -> float:
        return 0.34 * self.width

    def info_table(self, pairs: Sequence[tuple]) -> Table:
        """Label/value pairs in two columns, in a box."""
        w = self.width
        table = Table([list(p) for p in pairs], colWidths=[0.20 * w, 0.34 * w, 0.20 * w, 0.26 * w])
        table.setStyle(self.info_style)
        return table

    def grid(
        self,
        rows: list[list],
        widths: Sequence[float],
        *,
        right_from: int | None = None,
        total_rows: int = 0,
        long: bool = False,
        extra: Iterable[tuple] = (),
    ) -> Table:
        """A table with a shaded, repeated header row; columns from
        ``right_from`` on are right-aligned (figures); the last
        ``total_rows`` rows are bold with a rule above."""
        cls = LongTable if long else Table
        table = cls(rows, colWidths=[f * self.width for f in widths], repeatRows=1)
        commands = list(extra)
        if right_from is not None:
            commands.append(("ALIGN", (right_from, 0), (-1, -1), "RIGHT"))
        if total_rows:
            commands += [
                ("FONT", (0, -total_rows), (-1, -1), self.font_bold, 9),
                ("LINEABOVE", (0, -total_rows), (-1, -total_rows), 0.75, colors.black),
                ("LINEBELOW", (0, -1), (-1, -1), 0, colors.white),
            ]
        table.setStyle(self.grid_style)
        if commands:
            table.setStyle(TableStyle(commands))
        return table

    def signature_block(self, labels: Sequence[tuple[str, str]]) -> Table:
        """Signature fields side by side, two per row: (who signs, name in print)."""
        col, gap = 0.46 * self.width, 0.08 * self.width
        rows: list[list] = [[], [], [], []]
        widths: list[float] = []
        for i, (label, name) in enumerate(labels):
            if i:
                widths.append(gap)
                for r in rows:
                    r.append("")
            widths.append(col)
            rows[0].append(label)
            rows[1].append("")
            rows[2].append(f"Namnförtydligande: {name}" if name else "Namnförtydligande:")
            rows[3].append("Datum:")
        table = Table(rows, colWidths=widths, rowHeights=[5 * mm, 13 * mm, 5 * mm, 5 * mm], hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), self.font, 8.5),
            ("FONT", (0, 0), (-1, 0), self.font_bold, 8.5),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TEXTCOLOR", (0, 2), (-1, -1), self.muted),
        ]
        style += [("LINEBELOW", (2 * i, 1), (2 * i, 1), 0.75, colors.black) for i in range(len(labels))]
        table.setStyle(TableStyle(style))
        return table


# --------------------------------------------------------------------------- the month documents


class _MonthRenderer(BaseRenderer):
    """A document of one provider's month: ``self.provider`` and ``self.month``
    name it in the header and the footer."""

    provider: dict
    month: str

    def provider_name(self) -> str:
        return self.provider["name"]

    def provider_line(self) -> str:
        return f"{self.provider['name']}{NBSP}·{NBSP}org.nr {self.provider['org_number']}"

    def header_right(self) -> str:
        return f"{self.title} · {self.month}"


class _SnapshotRenderer(_MonthRenderer):
    def __init__(self, snapshot: dict) -> None:
        self.snapshot = snapshot
        self.month = snapshot["month"]
        self.provider = snapshot["provider"]
        self.client = snapshot["client"]

    def document_title(self) -> str:
        return f"{self.title} {self.month} – {self.client['name']}"

    def versions_text(self) -> str:
        return (
            f"Beräknad med regelversion {self.snapshot['ruleset_version']} och beräkningsversion "
            f"{self.snapshot['calculation_version']} (underlagsversion {self.snapshot['snapshot_version']})."
        )


class TimeReportRenderer(_SnapshotRenderer):
    """Tidsredovisning for one assistant (the fields of FK 3059)."""

    title = "Tidsredovisning – personlig assistans"
    subtitle = "Uppgifter enligt Försäkringskassans blankett 3059 (tidsredovisning – assistansersättning)"
    row_widths = (0.16, 0.11, 0.11, 0.20, 0.14, 0.28)

    def __init__(self, snapshot: dict, assistant_id: int | str) -> None:
        super().__init__(snapshot)
        found = [tr for tr in snapshot["time_reports"] if tr["assistant"]["id"] == assistant_id]
        if not found:
            raise KeyError(f"no time report for assistant {assistant_id} in the snapshot")
        self.report = found[0]
        self.assistant = self.report["assistant"]
        self.dst_rows = [(row, change) for row in self.report["rows"] if (change := dst_shift(row))]

    def get_filename(self) -> str:
        return f"tidsredovisning-{self.month}-brukare-{self.client['id']}-assistent-{self.assistant['id']}.pdf"

    def document_title(self) -> str:
        return f"{self.title} {self.month} – {self.assistant['name']}"

    def story_body(self) -> list:
        period = self.report["reference_period"]
        period_text = f"{period[0]} – {period[1]}" if period else "Ej angiven"
        provider = self.provider
        story: list = [
            self.info_table(
                [
                    ("Månad", self.month, "Beräkningsperiod", period_text),
                    ("Brukare", self.client["name"], "Personnummer", self.client["personal_number"]),
                    ("Assistent", self.assistant["name"], "Personnummer", self.assistant["personal_number"]),
                    (
                        "Arbetsgivare (anordnare)",
                        self.cell(provider["name"], self.info_value_width),
                        "Organisationsnummer",
                        provider["org_number"],
                    ),
                ]
            ),
        ]
        story.append(self.heading("Arbetad tid"))
        story.append(self.rows_table())
        story += self.story_totals()
        return story

    def rows_table(self) -> Table:
        rows: list[list] = [["Datum", "Start", "Slut", "Slag av tid", "Timmar", "Anmärkning"]]
        for row in self.report["rows"]:
            notes = []
            change = dst_shift(row)
            if change:
                notes.append(f"{change.capitalize()} *")
            if row["payer"] != "fk":
                notes.append("Betalas av kommunen")
            rows.append(
                [
                    row["date"],
                    row["start"],
                    row["end"],
                    row.get("kind_label") or KIND_LABELS[row["kind"]],
                    hours_of_minutes(row["minutes"]),
                    ", ".join(notes),
                ]
            )
        if len(rows) == 1:
            rows.append(["", "", "", "Ingen arbetad tid", "", ""])
        return self.grid(
            rows,
            self.row_widths,
            long=True,
            extra=[("ALIGN", (4, 0), (4, -1), "RIGHT"), ("RIGHTPADDING", (4, 0), (4, -1), 10)],
        )

    def story_totals(self) -> list:
        minutes = self.report["minutes"]
        rows = [["Slag av tid", "Timmar"]]
        rows += [[KIND_LABELS[k], hours_of_minutes(minutes[k])] for k in KINDS]
        rows.append(["Summa", hours_of_minutes(self.report["total_minutes"])])
        totals = self.grid(rows, (0.30, 0.16), right_from=1, total_rows=1)
        totals.hAlign = "LEFT"
        story: list = [KeepTogether([self.heading("Summa per slag av tid"), totals])]
        notes = [self.para("Timmarna är verklig tid i hela minuter, omräknade till timmar med två decimaler.", "small")]
        for row, change in self.dst_rows:
            clock = _clock_minutes(row["end"]) - _clock_minutes(row["start"])
            notes.append(
                self.para(
                    f"* {row['date']} {row['start']}–{row['end']}: klockan ställdes om till {change} under passet. "
                    f"Raden omfattar {hours_of_minutes(row['minutes'])} timmar verklig tid "
                    f"(klockslagen ger {hours_of_minutes(clock)}).",
                    "small",
                )
            )
        story.append(Spacer(1, 2 * mm))
        story += notes
        story.append(
            KeepTogether(
                [
                    Spacer(1, 6 * mm),
                    self.para("Vi intygar på heder och samvete att uppgifterna ovan är riktiga."),
                    Spacer(1, 2 * mm),
                    self.signature_block(
                        [
                            ("Assistentens underskrift", self.assistant["name"]),
                            ("Anordnarens underskrift", ""),
                        ]
                    ),
                ]
            )
        )
        return story


class ClaimRenderer(_SnapshotRenderer):
    """Räkning for one client (the fields of FK 3057)."""

    title = "Räkning – assistansersättning"
    subtitle = "Uppgifter enligt Försäkringskassans blankett 3057 (räkning – assistansersättning)"

    def get_filename(self) -> str:
        return f"rakning-{self.month}-brukare-{self.client['id']}.pdf"

    def story_body(self) -> list:
        claim = self.snapshot["claim"]
        provider = self.provider
        info = self.info_table(
            [
                ("Månad", self.month, "Bankgiro", provider["bankgiro"]),
                (
                    "Brukare",
                    self.cell(self.client["name"], self.info_value_width),
                    "Personnummer",
                    self.client["personal_number"],
                ),
                (
                    "Anordnare",
                    self.cell(provider["name"], self.info_value_width),
                    "Organisationsnummer",
                    provider["org_number"],
                ),
            ]
        )
        return [
            info,
            self.heading("Utförda timmar"),
            self.hours_table(claim),
            self.heading("Timmar som inte ersätts"),
            *self.not_payable(claim),
            self.heading("Belopp"),
            self.amount_table(claim),
            *self.municipal_note(),
            self.heading("Beslut och timbelopp"),
            self.decisions_table(),
            Spacer(1, 1.5 * mm),
            self.para(self.rates_text(), "small"),
            self.para(self.versions_text(), "small"),
        ]

    def hours_table(self, claim: dict) -> Table:
        minutes, payable = claim["minutes"], claim["payable_minutes"]
        rows = [["Slag av tid", "Utförda timmar", "Varav ersätts"]]
        rows += [[KIND_LABELS[k], hours_of_minutes(minutes[k]), hours_of_minutes(payable[k])] for k in KINDS]
        rows.append(
            [
                "Summa verklig tid",
                hours_of_minutes(claim["total_minutes"]),
                hours_of_minutes(sum(payable.values())),
            ]
        )
        rows.append(
            [
                "Omräknade timmar (assistanstimmar)",
                hours_text(claim["converted_hours"]),
                hours_text(claim["payable_converted_hours"]),
            ]
        )
        return self.grid(rows, (0.52, 0.24, 0.24), right_from=1, total_rows=2)

    def not_payable(self, claim: dict) -> list:
        items = claim["not_payable"]
        if not items:
            return [self.para("Inga: alla utförda timmar ersätts.")]
        rows = [["Kod", "Skäl", "Timmar"]]
        rows += [[n["reason"], n["label"], hours_of_minutes(n["minutes"])] for n in items]
        rows.append(["", "Summa", hours_of_minutes(sum(n["minutes"] for n in items))])
        return [self.grid(rows, (0.08, 0.68, 0.24), right_from=2, total_rows=1)]

    def amount_table(self, claim: dict) -> Table:
        rows = [["Ersättning", "Omräknade timmar", "×", "Timbelopp", "=", "Belopp"]]
        for line in claim["rate_lines"]:
            rows.append(
                [
                    RATE_LABELS.get(line["kind"], line["kind"]),
                    hours_text(line["hours"]),
                    "×",
                    money(line["rate"]),
                    "=",
                    money(line["amount"]),
                ]
            )
        if not claim["rate_lines"]:
            rows.append(["Inga ersättningsgilla timmar", "", "", "", "", money("0")])
        rows.append(["Summa att betala ut", "", "", "", "", money(claim["amount"])])
        return self.grid(
            rows,
            (0.30, 0.20, 0.04, 0.18, 0.04, 0.24),
            right_from=1,
            total_rows=1,
            extra=[("ALIGN", (2, 0), (2, -1), "CENTER"), ("ALIGN", (4, 0), (4, -1), "CENTER")],
        )

    def municipal_note(self) -> list:
        municipal = self.snapshot["municipal"]
        if not municipal["total_minutes"]:
            return []
        return [
            Spacer(1, 1.5 * mm),
            self.para(
                f"Utöver räkningen: {hours_of_minutes(municipal['total_minutes'])} timmar "
                f"({hours_text(municipal['payable_converted_hours'])} omräknade, {money(municipal['amount'])}) "
                "ersätts enligt kommunens beslut. De faktureras kommunen och ingår inte i beloppet ovan.",
                "small",
            ),
        ]

    def decisions_table(self) -> Table:
        pools = {p["decision_id"]: p for p in self.snapshot["pools"]}
        rows = [["Beslut", "Huvudman", "Period", "Tim/vecka", "Beviljat", "Använt", "Kvar"]]
        for d in self.snapshot["decisions"]:
            pool = pools.get(d["id"], {})
            rows.append(
                [
                    d.get("case_number") or str(d["id"]),
                    self.cell(self.payer_name(d), 0.20 * self.width),
                    f"{d['start']} – {d['end']}",
                    hours_text(d["weekly_hours"]),
                    hours_text(pool["pool_hours"]) if pool else "",
                    hours_text(Decimal(pool["used_before_hours"]) + Decimal(pool["used_in_month_hours"]))
                    if pool
                    else "",
                    hours_text(pool["remaining_hours"]) if pool else "",
                ]
            )
        if len(rows) == 1:
            rows.append(["Inget beslut täcker månaden", "", "", "", "", "", ""])
        return self.grid(rows, (0.15, 0.20, 0.23, 0.10, 0.11, 0.10, 0.11), right_from=3)

    @staticmethod
    def payer_name(decision: dict) -> str:
        if decision["payer"] == "municipality" and decision.get("municipality"):
            return decision["municipality"]
        return PAYER_LABELS.get(decision["payer"], decision["payer"])

    def rates_text(self) -> str:
        used = self.snapshot["rates_used"]
        if not used:
            return "Timbelopp: inga timmar prissatta."
        parts = [f"{RATE_LABELS.get(r['kind'], r['kind']).lower()} {r['year']}: {money(r['rate'])}" for r in used]
        return "Använda timbelopp: " + "; ".join(parts) + "."

    def story_foot(self) -> list:
        return [
            KeepTogether(
                [
                    Spacer(1, 6 * mm),
                    self.para(
                        "Jag intygar på heder och samvete att assistansen har utförts och att uppgifterna är riktiga."
                    ),
                    Spacer(1, 2 * mm),
                    self.signature_block([("Brukarens eller ställföreträdarens underskrift", self.client["name"])]),
                ]
            )
        ]


class ProviderSummaryRenderer(_MonthRenderer):
    """The provider's month: one row per client, with totals."""

    title = "Månadssammanställning"
    columns = ("Brukare", "Timmar", "Omräknade", "Ej ersättn.", "Belopp FK", "Belopp kommun")
    widths = (0.30, 0.11, 0.12, 0.12, 0.175, 0.175)

    def __init__(self, snapshots: Sequence[dict], provider: dict, month: str) -> None:
        self.snapshots = list(snapshots)
        self.provider = provider
        self.month = month
        self.subtitle = f"{provider['name']} · org.nr {provider['org_number']} · {month}"

    def get_filename(self) -> str:
        return f"sammanstallning-{self.month}-anordnare-{self.provider['id']}.pdf"

    def document_title(self) -> str:
        return f"{self.title} {self.month} – {self.provider['name']}"

    def story_body(self) -> list:
        rows: list[list] = [list(self.columns)]
        minutes = not_payable = 0
        converted = fk = municipal = Decimal("0")
        for snap in sorted(self.snapshots, key=lambda s: (s["client"]["name"], s["client"]["id"])):
            claim, mun = snap["claim"], snap["municipal"]
            m = claim["total_minutes"] + mun["total_minutes"]
            np = sum(n["minutes"] for n in claim["not_payable"]) + sum(n["minutes"] for n in mun["not_payable"])
            conv = Decimal(claim["payable_converted_hours"]) + Decimal(mun["payable_converted_hours"])
            minutes, not_payable, converted = minutes + m, not_payable + np, converted + conv
            fk += Decimal(claim["amount"])
            municipal += Decimal(mun["amount"])
            rows.append(
                [
                    self.cell(snap["client"]["name"], self.widths[0] * self.width),
                    hours_of_minutes(m),
                    hours_text(conv),
                    hours_of_minutes(np),
                    money(claim["amount"]),
                    money(mun["amount"]),
                ]
            )
        rows.append(
            [
                f"Summa ({len(self.snapshots)} brukare)",
                hours_of_minutes(minutes),
                hours_text(converted),
                hours_of_minutes(not_payable),
                money(fk),
                money(municipal),
            ]
        )
        self.totals = {"minutes": minutes, "not_payable": not_payable, "fk": fk, "municipal": municipal}
        return [
            self.grid(rows, self.widths, right_from=1, total_rows=1, long=True),
            Spacer(1, 3 * mm),
            self.para(
                "Timmar: utförd verklig tid enligt tidsredovisningarna. Omräknade: ersättningsgilla "
                "assistanstimmar (väntetid och beredskap omräknade enligt besluten). Ej ersättn.: "
                "verklig tid som inte ersätts. Belopp FK: räkningen till Försäkringskassan. "
                "Belopp kommun: faktureras kommunen.",
                "small",
            ),
            Spacer(1, 2 * mm),
            self.para(f"Totalt belopp: {money(fk + municipal)}."),
        ]


class InvoiceRenderer(BaseRenderer):
    """An invoice or credit note to a municipality (dict shape in the module docstring)."""

    title = "Faktura"
    vat_note = "Momsfri tjänst: social omsorg, undantagen från skatteplikt enligt mervärdesskattelagen (2023:200)."

    def __init__(self, invoice: dict) -> None:
        self.invoice = invoice
        self.credit = invoice.get("credit_of") is not None
        self.title = "KREDITFAKTURA" if self.credit else "FAKTURA"

    def get_filename(self) -> str:
        prefix = "kreditfaktura" if self.credit else "faktura"
        return f"{prefix}-{self.invoice['number']}.pdf"

    def provider_name(self) -> str:
        return self.invoice["provider"]["name"]

    def provider_line(self) -> str:
        p = self.invoice["provider"]
        return f"{p['name']}{NBSP}·{NBSP}org.nr {p['org_number']}{NBSP}·{NBSP}bankgiro {p['bankgiro']}"

    def header_right(self) -> str:
        return f"{self.title.capitalize()} nr {self.invoice['number']}"

    def document_title(self) -> str:
        return f"{self.title.capitalize()} {self.invoice['number']} – {self.invoice['recipient']['name']}"

    def story_head(self) -> list:
        inv = self.invoice
        facts = [
            ["Fakturanummer", str(inv["number"])],
            ["Fakturadatum", inv["issued_on"]],
        ]
        if self.credit:
            facts.append(["Krediterar faktura", str(inv["credit_of"])])
        else:
            facts += [["Förfallodatum", inv["due_on"]], ["OCR-nummer", inv["ocr"]]]
        facts_table = Table(facts, colWidths=[32 * mm, 38 * mm])
        facts_table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (0, -1), self.font, 8.5),
                    ("FONT", (1, 0), (1, -1), self.font_bold, 9),
                    ("TEXTCOLOR", (0, 0), (0, -1), self.muted),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                ]
            )
        )
        p = inv["provider"]
        sender = Paragraph(
            f"<b>{escape(p['name'])}</b><br/>Org.nr {escape(p['org_number'])}<br/>Bankgiro {escape(p['bankgiro'])}",
            self.styles["body"],
        )
        recipient = Paragraph(f"<b>Till</b><br/>{escape(inv['recipient']['name'])}", self.styles["body"])
        title = Paragraph(escape(self.title), self.styles["title"])
        top = Table(
            [[title, ""], [sender, facts_table], [recipient, ""]],
            colWidths=[self.width - 72 * mm, 72 * mm],
        )
        top.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("SPAN", (1, 1), (1, 2)),
                    ("TOPPADDING", (0, 2), (0, 2), 5 * mm),
                ]
            )
        )
        return [top, Spacer(1, 6 * mm)]

    def story_body(self) -> list:
        inv = self.invoice
        client = inv["client"]
        story: list = [
            self.para(
                f"Avser: personlig assistans enligt LSS för {client['name']} ({client['personal_number_masked']}), "
                f"månad {inv['month']}."
            ),
        ]
        if self.credit:
            story.append(self.para(f"Denna kreditfaktura krediterar faktura nr {inv['credit_of']} i sin helhet."))
            if inv.get("reason"):
                story.append(self.para(f"Anledning: {inv['reason']}"))
        story.append(Spacer(1, 4 * mm))
        rows: list[list] = [["Beskrivning", "Timmar", "À-pris", "Belopp"]]
        for line in inv["lines"]:
            rows.append(
                [
                    self.cell(line["description"], 0.52 * self.width),
                    hours_text(line["hours"]),
                    money(line["rate"]),
                    money(line["amount"]),
                ]
            )
        rows.append(["Moms", "", "", money("0")])
        label = "Att kreditera" if self.credit else "Att betala"
        rows.append([label, "", "", money(inv["amount"])])
        story.append(self.grid(rows, (0.52, 0.14, 0.16, 0.18), right_from=1, total_rows=1))
        story.append(Spacer(1, 6 * mm))
        story.append(self.payment_box())
        story.append(Spacer(1, 4 * mm))
        story.append(self.para(self.vat_note, "small"))
        return story

    def payment_box(self) -> Table:
        inv = self.invoice
        if self.credit:
            text = (
                f"Ingen betalning. Beloppet {money(inv['amount'].lstrip('-'))} krediteras mot faktura "
                f"nr {inv['credit_of']}."
            )
            rows = [[Paragraph(escape(text), self.styles["body"])]]
        else:
            rows = [
                [
                    Paragraph(
                        f"Betala <b>{escape(money(inv['amount']))}</b> till bankgiro "
                        f"<b>{escape(inv['provider']['bankgiro'])}</b> senast <b>{escape(inv['due_on'])}</b>.",
                        self.styles["body"],
                    )
                ],
                [
                    Paragraph(
                        f"Ange OCR-nummer <b>{escape(inv['ocr'])}</b> som referens vid betalningen.",
                        self.styles["body"],
                    )
                ],
            ]
        box = Table(rows, colWidths=[self.width])
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.75, self.line_color),
                    ("BACKGROUND", (0, 0), (-1, -1), self.shade),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        return box
