"""Benchmark of claim PDFs (ClaimRenderer) against a hand-drawn ReportLab canvas.

    .venv/bin/python bench/bench_pdf.py [--n 300] [--repeat 5] [--profile]

One run, one machine, the same snapshots for both sides:

* **baseline**: for each of N snapshots, a bare ``reportlab.pdfgen.canvas``
  document with one page: the same header, fields, tables (every cell a
  ``drawString``/``drawRightString`` at a fixed position), rules, signature
  line and footer as the claim, formatted with the same helpers. No layout
  engine: this is the floor for "one claim page with ReportLab".
* **product**: ``ClaimRenderer(snapshot).render()`` for the same N snapshots
  (platypus: story, tables, page count in the footer).

The sides alternate, ``--repeat`` runs each; each side's best run counts.
CPU time (``time.process_time``) is the headline, since on a shared machine
wall time swings with the neighbours; wall time is printed too. It prints the
time per page, claims per second and the ratio product / baseline (target ≤ 3×).
Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import io
import os
import platform
import pstats
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from billing.pdf import (  # noqa: E402
    KIND_LABELS,
    KINDS,
    PAYER_LABELS,
    RATE_LABELS,
    ClaimRenderer,
    hours_of_minutes,
    hours_text,
    money,
)
from tests.billing.snapshots import month_snapshot  # noqa: E402

TARGET = 3.0


# --------------------------------------------------------------------------- data


def snapshots(n: int) -> list[dict]:
    """N snapshots: a few distinct computed months, copied with distinct clients."""
    base = [month_snapshot(fk_weekly_hours=h) for h in (40, 50, 60, 70, 90)]
    result = []
    for i in range(n):
        snap = copy.deepcopy(base[i % len(base)])
        snap["client"] = {"id": 1000 + i, "name": f"Brukare Nr {i} Åström", "personal_number": "19800412-1234"}
        result.append(snap)
    return result


# --------------------------------------------------------------------------- baseline


def _cells(snapshot: dict) -> list[tuple[str, list[list[str]]]]:
    """The claim's tables as rows of text cells (what the renderer shows)."""
    claim = snapshot["claim"]
    minutes, payable = claim["minutes"], claim["payable_minutes"]
    hours = [["Slag av tid", "Utförda timmar", "Varav ersätts"]]
    hours += [[KIND_LABELS[k], hours_of_minutes(minutes[k]), hours_of_minutes(payable[k])] for k in KINDS]
    hours.append(
        ["Summa verklig tid", hours_of_minutes(claim["total_minutes"]), hours_of_minutes(sum(payable.values()))]
    )
    hours.append(
        [
            "Omräknade timmar (assistanstimmar)",
            hours_text(claim["converted_hours"]),
            hours_text(claim["payable_converted_hours"]),
        ]
    )
    unpaid = [["Kod", "Skäl", "Timmar"]]
    unpaid += [[n["reason"], n["label"], hours_of_minutes(n["minutes"])] for n in claim["not_payable"]]
    amount = [["Ersättning", "Omräknade timmar", "×", "Timbelopp", "=", "Belopp"]]
    amount += [
        [RATE_LABELS[line["kind"]], hours_text(line["hours"]), "×", money(line["rate"]), "=", money(line["amount"])]
        for line in claim["rate_lines"]
    ]
    amount.append(["Summa att betala ut", "", "", "", "", money(claim["amount"])])
    pools = {p["decision_id"]: p for p in snapshot["pools"]}
    decisions = [["Beslut", "Huvudman", "Period", "Tim/vecka", "Beviljat", "Använt", "Kvar"]]
    for d in snapshot["decisions"]:
        p = pools[d["id"]]
        decisions.append(
            [
                d["case_number"],
                d["municipality"] or PAYER_LABELS[d["payer"]],
                f"{d['start']} – {d['end']}",
                hours_text(d["weekly_hours"]),
                hours_text(p["pool_hours"]),
                hours_text(Decimal(p["used_before_hours"]) + Decimal(p["used_in_month_hours"])),
                hours_text(p["remaining_hours"]),
            ]
        )
    return [("Utförda timmar", hours), ("Timmar som inte ersätts", unpaid), ("Belopp", amount), ("Beslut", decisions)]


def baseline_claim(snapshot: dict) -> bytes:
    """The claim drawn by hand on a canvas: drawString per cell."""
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=1)
    width, height = A4
    left, right = 18 * mm, width - 18 * mm
    provider, client = snapshot["provider"], snapshot["client"]
    c.setFont("Helvetica-Bold", 8.5)
    c.drawString(left, height - 16 * mm, provider["name"])
    c.setFont("Helvetica", 8.5)
    c.drawRightString(right, height - 16 * mm, f"Räkning – assistansersättning · {snapshot['month']}")
    c.line(left, height - 18.5 * mm, right, height - 18.5 * mm)
    y = height - 32 * mm
    c.setFont("Helvetica-Bold", 15)
    c.drawString(left, y, "Räkning – assistansersättning")
    y -= 12 * mm
    c.setFont("Helvetica", 9)
    for a, b, d, e in (
        ("Månad", snapshot["month"], "Bankgiro", provider["bankgiro"]),
        ("Brukare", client["name"], "Personnummer", client["personal_number"]),
        ("Anordnare", provider["name"], "Organisationsnummer", provider["org_number"]),
    ):
        c.drawString(left, y, a)
        c.drawString(left + 35 * mm, y, b)
        c.drawString(left + 95 * mm, y, d)
        c.drawString(left + 130 * mm, y, e)
        y -= 6 * mm
    for heading, rows in _cells(snapshot):
        y -= 4 * mm
        c.setFont("Helvetica-Bold", 10.5)
        c.drawString(left, y, heading)
        y -= 6 * mm
        step = (right - left) / len(rows[0])
        for index, row in enumerate(rows):
            c.setFont("Helvetica-Bold" if index == 0 else "Helvetica", 9)
            c.drawString(left, y, row[0])
            for col, text in enumerate(row[1:], start=1):
                c.drawRightString(left + (col + 1) * step, y, text)
            c.line(left, y - 1.5 * mm, right, y - 1.5 * mm)
            y -= 5.5 * mm
    y -= 20 * mm
    c.line(left, y, left + 80 * mm, y)
    c.setFont("Helvetica", 8.5)
    c.drawString(left, y - 5 * mm, f"Namnförtydligande: {client['name']}")
    c.drawString(left, y - 10 * mm, "Datum:")
    c.setFont("Helvetica", 8)
    c.line(left, 14 * mm, right, 14 * mm)
    c.drawString(left, 10 * mm, f"{provider['name']} · org.nr {provider['org_number']}")
    c.drawRightString(right, 10 * mm, "Sida 1 av 1")
    c.showPage()
    c.save()
    return buffer.getvalue()


def product_claim(snapshot: dict) -> bytes:
    return ClaimRenderer(snapshot).render()[2]


# --------------------------------------------------------------------------- timing


def timed(fn, items: list[dict]) -> tuple[float, float, list[bytes]]:
    """(wall seconds, CPU seconds of this process, outputs) for one pass."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = [fn(item) for item in items]
    return time.perf_counter() - wall, time.process_time() - cpu, out


def best_of(repeat: int, items: list[dict]) -> dict[str, tuple[float, float, list[bytes]]]:
    """Alternate the two sides run by run, so a noisy neighbour hits both;
    keep each side's best wall and best CPU time."""
    best: dict[str, list] = {"baseline": [float("inf"), float("inf"), []], "product": [float("inf"), float("inf"), []]}
    for _ in range(repeat):
        for name, fn in (("baseline", baseline_claim), ("product", product_claim)):
            wall, cpu, out = timed(fn, items)
            entry = best[name]
            entry[0], entry[1], entry[2] = min(entry[0], wall), min(entry[1], cpu), out
    return {name: (w, c, o) for name, (w, c, o) in best.items()}


def machine() -> str:
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import reportlab

    return (
        f"nproc {os.cpu_count()}, CPU {model}, Python {platform.python_version()}, "
        f"ReportLab {reportlab.Version}, {platform.system()} {platform.machine()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile the product side (top 20)")
    args = parser.parse_args()

    items = snapshots(args.n)
    product_claim(items[0])  # warm imports and font metrics on both sides
    baseline_claim(items[0])

    best = best_of(args.repeat, items)
    base_wall, base_cpu, base_out = best["baseline"]
    prod_wall, prod_cpu, prod_out = best["product"]
    prod_pages = sum(len(PdfReader(io.BytesIO(b)).pages) for b in prod_out)
    base_pages = len(base_out)

    print(f"machine: {machine()}")
    print(f"N = {args.n} claims, best of {args.repeat} alternating runs (CPU = process time)")
    for name, wall, cpu, pages, out in (
        ("baseline (canvas, drawString per cell)", base_wall, base_cpu, base_pages, base_out),
        ("product  (ClaimRenderer, platypus)    ", prod_wall, prod_cpu, prod_pages, prod_out),
    ):
        print(
            f"{name}: wall {wall:.3f} s, CPU {cpu:.3f} s, {cpu / pages * 1000:.2f} ms CPU/page, "
            f"{args.n / cpu:.0f} claims/s (CPU), {args.n / wall:.0f} claims/s (wall), "
            f"{pages} pages, {sum(map(len, out)) / len(out):.0f} bytes/claim"
        )
    ratio, wall_ratio = prod_cpu / base_cpu, prod_wall / base_wall
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"ratio product / baseline: {ratio:.2f}x CPU, {wall_ratio:.2f}x wall (target <= {TARGET:.0f}x: {verdict})")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for item in items:
            product_claim(item)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
