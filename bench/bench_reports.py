"""Benchmark of the monthly reports against a PostgreSQL GROUP BY.

    .venv/bin/python bench/bench_reports.py [--scale 1.0] [--repeat N] [--seed 2026] [--profile]

One run, one machine, one data set (``bench.load`` generates and caches it):

* **baseline**: one SQL query over the shift rows the product loads (March
  2026 plus the history the grant pools need, back to the earliest start of
  a decision covering March): hours by kind of time (the ``segments`` split
  out with ``jsonb_array_elements``; plain and segmented shifts in a UNION
  ALL, the cheapest form tried) per client and local month, one ``GROUP
  BY``, fetched in full. It runs once cold, then ``--repeat`` times
  warm; the best warm time counts. Two variants are printed for reference
  only: March rows only, and hours without the kind split.
* **product**: what ``billing.services._compute`` does for every provider,
  with the bulk loader: ``scheduling.adapters.bulk_check_inputs`` (one input
  per provider), ``engine.check`` once per provider, then
  ``billing.calculations.compute_month`` for every client with shifts in
  March (its March shifts, its earlier shifts as ``pool_history``, the
  findings touching its shifts, its decisions covering March, raised rates).
  Shifts and findings are grouped by client once per provider (findings
  indexed by shift id). Load, engine and report computation are timed
  separately; the best of ``--repeat`` runs counts.

Two ratios against the baseline (target <= 3x):

1. **full month-end run**: load + engine + reports;
2. **reports from stored findings**: the report computation alone (grouping
   and ``compute_month`` with shifts and findings already in memory), i.e.
   what a month-end run costs when findings are already stored with each
   shift (the recording service stores them at every change). Loading those
   shifts and findings from the database is *not* included.

``--profile`` prints a cProfile per stage (load, engine, reports; top 15 by
own time) of one product run instead. Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_rules import (  # noqa: E402
    PERIOD_END,
    PERIOD_START,
    engine_check,
    gib,
    machine,
    peak_rss_bytes,
    rss_bytes,
)
from bench.generate import MONTH_START, STOCKHOLM  # noqa: E402
from bench.load import ensure_loaded  # noqa: E402

GIB = 1024**3
TARGET_RATIO = 3.0
MONTH = MONTH_START  # date(2026, 3, 1)

#: Hours by kind per client and local month. A shift without segments is one
#: piece of its ``kind``; a segmented one is split at its offsets (minutes
#: from the start; the next offset, or the end, closes a piece).
BY_KIND_SQL = """
    SELECT client_id, month,
           sum(seconds) FILTER (WHERE kind = 'active') / 3600 AS active_hours,
           sum(seconds) FILTER (WHERE kind = 'waiting') / 3600 AS waiting_hours,
           sum(seconds) FILTER (WHERE kind = 'standby') / 3600 AS standby_hours
    FROM (
        SELECT client_id, date_trunc('month', start AT TIME ZONE 'Europe/Stockholm') AS month, kind,
               extract(epoch FROM "end" - start) AS seconds
        FROM scheduling_shift
        WHERE start < %(end)s AND "end" > %(history)s AND segments = '[]'::jsonb
        UNION ALL
        SELECT s.client_id, date_trunc('month', s.start AT TIME ZONE 'Europe/Stockholm'), e.value ->> 1,
               COALESCE((s.segments -> CAST(e.n AS int) ->> 0)::int * 60, extract(epoch FROM s."end" - s.start))
               - (e.value ->> 0)::int * 60
        FROM scheduling_shift s, jsonb_array_elements(s.segments) WITH ORDINALITY AS e(value, n)
        WHERE s.start < %(end)s AND s."end" > %(history)s AND s.segments <> '[]'::jsonb
    ) pieces
    GROUP BY client_id, month"""
HOURS_SQL = """
    SELECT client_id, date_trunc('month', start AT TIME ZONE 'Europe/Stockholm') AS month,
           sum(extract(epoch FROM "end" - start)) / 3600 AS hours
    FROM scheduling_shift WHERE start < %(end)s AND "end" > %(history)s
    GROUP BY client_id, month"""


def pool_history_start(url: str) -> datetime:
    """Local midnight of the earliest start of a decision covering the month
    (the pools are consumed from there), and never later than the month."""
    with psycopg.connect(url, autocommit=True) as conn:
        (earliest,) = conn.execute(
            'SELECT min(start) FROM assistans_decision WHERE start < %s AND "end" >= %s',
            [PERIOD_END.date(), MONTH],
        ).fetchone()
    day = min(earliest or MONTH, MONTH)
    return datetime(day.year, day.month, day.day, tzinfo=STOCKHOLM)


# --- baseline ----------------------------------------------------------------


def run_baseline(url: str, repeat: int, history: datetime) -> dict:
    variants = {
        "hours by kind per client and month": (BY_KIND_SQL, history),
        "  (ref.) same, March rows only": (BY_KIND_SQL, PERIOD_START),
        "  (ref.) hours without kind split": (HOURS_SQL, history),
    }
    results = {}
    with psycopg.connect(url, autocommit=True) as conn:
        (rows_in_scope,) = conn.execute(
            'SELECT count(*) FROM scheduling_shift WHERE start < %s AND "end" > %s', [PERIOD_END, history]
        ).fetchone()
        for name, (sql, since) in variants.items():
            times = []
            for _ in range(1 + repeat):  # the first run is cold and does not count
                began = time.perf_counter()
                rows = conn.execute(sql, {"end": PERIOD_END, "history": since}).fetchall()
                times.append(time.perf_counter() - began)
            results[name] = {"cold": times[0], "warm": min(times[1:]), "rows": len(rows)}
    headline = results["hours by kind per client and month"]
    return {"queries": results, "total": headline["warm"], "rows_in_scope": rows_in_scope}


# --- product -----------------------------------------------------------------


class Stages:
    """Optional per-stage profilers; no cost when profiling is off."""

    def __init__(self, profile: bool) -> None:
        self.profilers = {name: cProfile.Profile() for name in ("load", "engine", "reports")} if profile else {}

    def start(self, name: str) -> None:
        if self.profilers:
            self.profilers[name].enable()

    def stop(self, name: str) -> None:
        if self.profilers:
            self.profilers[name].disable()


class GcTimer:
    """Time spent in the cyclic garbage collector (gc.callbacks)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._began = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._began
            self.collections += 1


def raised_rates(connection) -> dict:
    """FK decision id -> raised rate (``_compute`` passes them per client)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, raised_rate FROM assistans_decision WHERE raised_rate IS NOT NULL")
        return dict(cursor.fetchall())


def reports_for_provider(inp, findings, raised: dict, totals: dict) -> None:
    """Every client's MonthReport for March, as ``billing.services._compute``
    builds them, with shifts and findings grouped by client once."""
    from billing import calculations

    month_start, month_end = PERIOD_START, PERIOD_END
    in_month: dict = defaultdict(list)
    history: dict = defaultdict(list)
    for shift in inp.shifts:
        if shift.end <= month_start:
            history[shift.client_id].append(shift)
        elif shift.start < month_end:
            in_month[shift.client_id].append(shift)
    by_shift: dict = defaultdict(list)
    for finding in findings:
        for shift_id in finding.shift_ids:
            by_shift[shift_id].append(finding)
    last_day = month_end.date() - timedelta(days=1)
    grants: dict = defaultdict(list)
    for grant in inp.grants:  # the decisions covering the month, as _compute selects them
        if grant.start <= last_day and grant.end >= MONTH:
            grants[grant.client_id].append(grant)

    rates = calculations.DEFAULT_RATES
    for client_id, shifts in in_month.items():
        earlier = history.get(client_id, ())
        seen: set = set()
        client_findings = []
        for group in (shifts, earlier):
            for shift in group:
                for finding in by_shift.get(shift.id, ()):
                    if id(finding) not in seen:
                        seen.add(id(finding))
                        client_findings.append(finding)
        client_grants = grants.get(client_id, ())
        raised_here = {g.id: raised[g.id] for g in client_grants if g.id in raised} if raised else None
        try:
            report = calculations.compute_month(
                client_id=client_id,
                month=MONTH,
                shifts=shifts,
                findings=client_findings,
                grants=client_grants,
                rates=rates,
                raised_rates=raised_here,
                pool_history=earlier,
            )
        except calculations.BillingError as exc:
            totals["errors"][exc.code] += 1
            continue
        totals["report_count"] += 1
        totals["time_reports"] += len(report.time_reports)
        totals["rows"] += sum(len(tr.rows) for tr in report.time_reports)
        totals["fk_amount"] += report.claim.amount
        totals["municipal_amount"] += report.municipal.amount
        totals["payable_minutes"] += report.claim.payable.total + report.municipal.payable.total
        for claim in (report.claim, report.municipal):
            for item in claim.not_payable:
                totals["not_payable"][item.reason] += item.minutes
        totals["payable_reports"] += report.claim.amount > 0
        totals["exhausted_pools"] += sum(1 for p in report.pools if p.remaining == 0)


def run_product_once(history_days: int, stages: Stages | None = None) -> dict:
    """Load, engine and reports; each stage's time is the time spent in it."""
    from django.db import connection

    from scheduling import adapters

    stages = stages or Stages(False)
    check = engine_check()
    gc_timer = GcTimer()
    totals: dict = {
        "report_count": 0, "time_reports": 0, "rows": 0, "payable_reports": 0, "exhausted_pools": 0,
        "payable_minutes": 0, "fk_amount": Decimal("0.00"), "municipal_amount": Decimal("0.00"),
        "not_payable": Counter(), "errors": Counter(),
    }  # fmt: skip
    load = engine = reports = reports_gc = 0.0
    inputs = shifts = findings_count = 0

    stages.start("load")
    began = time.perf_counter()
    raised = raised_rates(connection)
    iterator = iter(
        adapters.bulk_check_inputs(connection, start=PERIOD_START, end=PERIOD_END, history_days=history_days)
    )
    load += time.perf_counter() - began
    stages.stop("load")
    while True:
        stages.start("load")
        began = time.perf_counter()
        inp = next(iterator, None)
        load += time.perf_counter() - began
        stages.stop("load")
        if inp is None:
            break
        inputs += 1
        shifts += len(inp.shifts)

        stages.start("engine")
        began = time.perf_counter()
        findings = check(inp)
        engine += time.perf_counter() - began
        stages.stop("engine")
        findings_count += len(findings)

        gc.callbacks.append(gc_timer)
        gc_before = gc_timer.seconds
        stages.start("reports")
        began = time.perf_counter()
        reports_for_provider(inp, findings, raised, totals)
        reports += time.perf_counter() - began
        stages.stop("reports")
        gc.callbacks.remove(gc_timer)
        reports_gc += gc_timer.seconds - gc_before
        del inp, findings
    connection.close()
    return {
        "load": load,
        "engine": engine,
        "reports": reports,
        "reports_gc": reports_gc,
        "gc_collections": gc_timer.collections,
        "total": load + engine + reports,
        "inputs": inputs,
        "shifts": shifts,
        "findings": findings_count,
        **totals,
    }


def run_product(history_days: int, repeat: int) -> dict:
    runs = [run_product_once(history_days) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["total"])
    best["runs"] = [round(r["total"], 2) for r in runs]
    best["best_reports"] = min(r["reports"] for r in runs)
    return best


def profile_product(history_days: int, top: int = 15) -> str:
    stages = Stages(True)
    result = run_product_once(history_days, stages)
    out = io.StringIO()
    out.write(
        f"profile of one product run: load {result['load']:.2f} s, engine {result['engine']:.2f} s, "
        f"reports {result['reports']:.2f} s ({result['report_count']} reports)\n"
    )
    for name, profiler in stages.profilers.items():
        out.write(f"\n===== stage: {name} (top {top} by own time) =====\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(top)
        if name == "reports":
            out.write("\n----- reports stage, billing/calculations only, by cumulative time -----\n")
            stats.sort_stats("cumulative").print_stats("billing/calculations", top)
    return out.getvalue()


# --- report ------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ") + " kr"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="warm baseline runs and product runs (best counts)")
    parser.add_argument("--profile", action="store_true", help="print a per-stage cProfile of one product run instead")
    parser.add_argument("--skip-product", action="store_true")
    args = parser.parse_args(argv)

    marker = ensure_loaded(seed=args.seed, scale=args.scale)
    url = marker["url"]
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    history = pool_history_start(url)
    history_days = (PERIOD_START.date() - history.date()).days
    print(f"machine: {machine()}")
    with psycopg.connect(url, autocommit=True) as conn:
        print(f"server: {conn.execute('SHOW server_version').fetchone()[0]}")
    stats = marker["stats"]
    print(
        f"data: seed {args.seed}, scale {args.scale}: {stats['client']} clients, {stats['assistant']} assistants, "
        f"{stats['month_shifts']} shifts in March 2026, {stats['shifts']} in all; rows from {history.date()} "
        f"(earliest start of a decision covering March: the pools' history, {history_days} days)"
    )

    if args.profile:
        print(profile_product(history_days))
        return 0

    baseline = run_baseline(url, args.repeat, history)
    rows = baseline["rows_in_scope"]
    print(f"\nbaseline: one GROUP BY over {rows} rows (warm best of {args.repeat}, fetched in full)")
    for name, result in baseline["queries"].items():
        print(f"  {name:<40} {result['warm']:8.2f} s  (cold {result['cold']:.2f} s, {result['rows']} rows)")
    print(f"  {'baseline (first line)':<40} {baseline['total']:8.2f} s")
    if args.skip_product:
        return 0

    rss_before = rss_bytes()
    product = run_product(history_days, args.repeat)
    peak = peak_rss_bytes()
    print(
        f"\nproduct: bulk load + engine per provider + compute_month per client "
        f"({product['inputs']} inputs, {product['shifts']} shifts, {product['findings']} findings)"
    )
    print(f"  {'load (SQL + CheckInput)':<40} {product['load']:8.2f} s")
    print(f"  {'engine check':<40} {product['engine']:8.2f} s")
    print(
        f"  {'reports (group + compute_month)':<40} {product['reports']:8.2f} s  "
        f"(of which cyclic GC {product['reports_gc']:.2f} s)"
    )
    print(f"  {'total':<40} {product['total']:8.2f} s  (runs: {product['runs']})")
    print(
        f"  {product['report_count']} monthly reports ({product['payable_reports']} with an FK amount > 0), "
        f"{product['time_reports']} time reports, {product['rows']} rows, "
        f"payable {product['payable_minutes'] / 60:.0f} h"
    )
    print(
        f"  amounts: FK {_money(product['fk_amount'])}, municipal {_money(product['municipal_amount'])}; "
        f"exhausted pools {product['exhausted_pools']}"
    )
    print(f"  not payable minutes by reason: {dict(sorted(product['not_payable'].items()))}")
    if product["errors"]:
        print(f"  BillingError by code (clients without a report): {dict(product['errors'])}")

    full = product["total"] / baseline["total"]
    stored = product["best_reports"] / baseline["total"]
    print(f"\nratio 1, full month-end run (load + engine + reports) / baseline: {full:.2f}x "
          f"(target <= {TARGET_RATIO:.0f}x) {'OK' if full <= TARGET_RATIO else 'MISSED'}")  # fmt: skip
    print(f"ratio 2, reports from stored findings (compute_month only, shifts and findings in memory; "
          f"loading them not counted) / baseline: {stored:.2f}x "
          f"(target <= {TARGET_RATIO:.0f}x) {'OK' if stored <= TARGET_RATIO else 'MISSED'}")  # fmt: skip
    print(f"peak RSS: {gib(peak)} (before product {gib(rss_before)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
