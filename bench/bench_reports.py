"""Benchmark of the monthly reports against a PostgreSQL GROUP BY.

    .venv/bin/python bench/bench_reports.py [--scale 1.0] [--repeat N] [--seed 2026]
        [--workers N] [--verify] [--profile]

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
  Shifts are grouped by client once per provider, findings through the ids
  of the shifts they name. Load, engine and report computation are timed
  separately; the best of ``--repeat`` runs counts.

  With ``--workers N`` the providers are dealt round-robin to N forked
  processes (as ``scheduling.bulk.check_providers`` does). Each loads and
  checks all its providers and keeps the inputs and findings; when every
  worker has (a barrier), each computes its clients' reports. The report
  phase is timed in wall time from the barrier to the last report, and the
  whole run from the fork to the last report.

Two ratios against the baseline (target <= 3x):

1. **full month-end run**: load + engine + reports;
2. **reports from stored findings**: the report computation alone (grouping
   and ``compute_month`` with shifts and findings already in memory), i.e.
   what a month-end run costs when findings are already stored with each
   shift (the recording service stores them at every change). Loading those
   shifts and findings from the database is *not* included.

``--verify`` also runs ``compute_month_exact`` (the piece-by-piece oracle)
for every client, compares the reports and counts which path answered; the
timings then include the check. ``--profile`` prints a cProfile per stage
(load, engine, reports; top 15 by own time) of one product run instead.
Not a test: nothing asserts.
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
from datetime import UTC, datetime, timedelta
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


def reports_for_provider(shifts, findings, grants, raised: dict, totals: dict, verify: bool = False) -> None:
    """Every client's MonthReport for March, as ``billing.services._compute``
    builds them: ``billing.calculations.split_by_client`` groups the
    provider's shifts (March's, and the earlier ones as each pool's history)
    and findings by client, then ``compute_month`` runs for every client with
    shifts in March, with its decisions covering March."""
    from billing import calculations

    month_start, month_end = PERIOD_START.astimezone(UTC), PERIOD_END.astimezone(UTC)
    last_day = month_end.astimezone(STOCKHOLM).date() - timedelta(days=1)
    by_client: dict = defaultdict(list)
    for grant in grants:  # the decisions covering the month, as _compute selects them
        if grant.start <= last_day and grant.end >= MONTH:
            by_client[grant.client_id].append(grant)

    rates = calculations.DEFAULT_RATES
    for client_id, own in calculations.split_by_client(month_start, month_end, shifts, findings).items():
        if not own.shifts:
            continue
        client_grants = by_client.get(client_id, ())
        raised_here = {g.id: raised[g.id] for g in client_grants if g.id in raised} if raised else None
        arguments = {
            "client_id": client_id,
            "month": MONTH,
            "shifts": own.shifts,
            "findings": own.findings,
            "grants": client_grants,
            "rates": rates,
            "raised_rates": raised_here,
            "pool_history": own.history,
        }
        try:
            report = calculations.compute_month(**arguments)
        except calculations.BillingError as exc:
            totals["errors"][exc.code] += 1
            continue
        if verify:
            _verify(arguments, report, totals)
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


def _verify(arguments: dict, report, totals: dict) -> None:
    """``--verify``: the report must equal the exact path's (the oracle), and
    count which path answered."""
    from billing import calculations

    exact = calculations.compute_month_exact(**arguments)
    if report != exact or repr(report) != repr(exact):
        totals["verify"]["different"] += 1
        print(f"  DIFFERENT from the exact path: client {arguments['client_id']}", flush=True)
    try:
        calculations._compute_month_summed(
            *(arguments[k] for k in ("client_id", "month", "shifts", "findings", "grants", "rates")),
            arguments["raised_rates"] or {},
            {},
            arguments["pool_history"],
        )
        totals["verify"]["summed"] += 1
    except calculations._Fallback:
        totals["verify"]["exact walk"] += 1


def new_totals() -> dict:
    return {
        "report_count": 0, "time_reports": 0, "rows": 0, "payable_reports": 0, "exhausted_pools": 0,
        "payable_minutes": 0, "fk_amount": Decimal("0.00"), "municipal_amount": Decimal("0.00"),
        "not_payable": Counter(), "errors": Counter(), "verify": Counter(),
    }  # fmt: skip


def add_totals(total: dict, other: dict) -> None:
    for key, value in other.items():
        if isinstance(value, Counter):
            total[key].update(value)
        else:
            total[key] += value


def run_product_once(
    history_days: int,
    stages: Stages | None = None,
    *,
    provider_ids: list[int] | None = None,
    barrier=None,
    verify: bool = False,
) -> dict:
    """Load, engine and reports; each stage's time is the time spent in it.

    Without ``barrier``, provider by provider (load, engine, reports). With
    one (``--workers``), every provider is loaded and checked first and the
    inputs and findings are kept; after the barrier (all workers done), the
    reports are computed, so the report phase is timed on its own across
    the workers."""
    from django.db import connection

    from scheduling import adapters

    stages = stages or Stages(False)
    check = engine_check()
    gc_timer = GcTimer()
    totals = new_totals()
    load = engine = reports = reports_gc = 0.0
    inputs = shifts = findings_count = 0
    kept: list = []
    began_all = time.perf_counter()

    def compute(inp, findings) -> None:
        nonlocal reports, reports_gc
        gc.callbacks.append(gc_timer)
        gc_before = gc_timer.seconds
        stages.start("reports")
        began = time.perf_counter()
        reports_for_provider(inp.shifts, findings, inp.grants, raised, totals, verify)
        reports += time.perf_counter() - began
        stages.stop("reports")
        gc.callbacks.remove(gc_timer)
        reports_gc += gc_timer.seconds - gc_before

    stages.start("load")
    began = time.perf_counter()
    raised = raised_rates(connection)
    iterator = iter(
        adapters.bulk_check_inputs(
            connection, start=PERIOD_START, end=PERIOD_END, history_days=history_days, provider_ids=provider_ids
        )
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

        if barrier is None:
            compute(inp, findings)
        else:
            kept.append((inp, findings))
        del inp, findings
    connection.close()
    checked_at = time.perf_counter()
    reports_from = reports_to = None
    if barrier is not None:
        barrier.wait()
        reports_from = time.perf_counter()
        for inp, findings in kept:
            compute(inp, findings)
        reports_to = time.perf_counter()
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
        "began": began_all,
        "checked_at": checked_at,
        "reports_from": reports_from,
        "reports_to": reports_to,
        "peak_rss": peak_rss_bytes(),
        **totals,
    }


def _fork(target, arguments: list[tuple]) -> tuple[float, list[dict], dict]:
    """One forked process per tuple in ``arguments``, each calling
    ``target(index, queue, *tuple)`` and putting (index, result dict) or
    (index, error text) on the queue. Returns the start time, the results in
    index order and their summed totals."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    began = time.perf_counter()
    processes = [context.Process(target=target, args=(index, queue, *args)) for index, args in enumerate(arguments)]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    failed = [result for _, result in results if isinstance(result, str)]
    if failed:
        raise RuntimeError(f"a worker failed: {failed}")
    parts = [result for _, result in sorted(results, key=lambda item: item[0])]
    total = new_totals()
    for part in parts:
        add_totals(total, {key: part[key] for key in total})
    return began, parts, total


def _worker(index: int, queue, provider_ids: list[int], history_days: int, barrier, verify: bool) -> None:
    try:
        result = run_product_once(history_days, provider_ids=provider_ids, barrier=barrier, verify=verify)
    except BaseException as exc:  # tell the parent, and release the other workers
        barrier.abort()
        queue.put((index, f"{type(exc).__name__}: {exc}"))
        raise
    queue.put((index, result))


def run_product_parallel(history_days: int, workers: int, verify: bool = False) -> dict:
    """Providers dealt round-robin to ``workers`` forked processes (as
    ``scheduling.bulk.check_providers`` does). Each loads and checks its
    providers; then, when all have, each computes its clients' reports.

    * ``total``: wall time from the fork to the last worker's last report;
    * ``reports``: wall time of the report phase, from the barrier to the
      last worker's last report (both cores busy with reports only);
    * ``load``/``engine``: summed over the workers (CPU-time-like), for reference."""
    import multiprocessing

    from django.db import connections

    from scheduling.bulk import providers_with_shifts

    ids = providers_with_shifts(PERIOD_START, PERIOD_END)
    connections.close_all()  # forked workers must not share the parent's socket
    barrier = multiprocessing.get_context("fork").Barrier(workers)
    began, parts, total = _fork(
        _worker, [(ids[index::workers], history_days, barrier, verify) for index in range(workers)]
    )
    end = max(part["reports_to"] for part in parts)
    return {
        **total,
        "workers": workers,
        "load": sum(part["load"] for part in parts),
        "engine": sum(part["engine"] for part in parts),
        "load_engine_wall": max(part["checked_at"] for part in parts) - began,
        "reports_cpu": sum(part["reports"] for part in parts),
        "reports_gc": sum(part["reports_gc"] for part in parts),
        "reports": end - min(part["reports_from"] for part in parts),
        "total": end - began,
        "inputs": sum(part["inputs"] for part in parts),
        "shifts": sum(part["shifts"] for part in parts),
        "findings": sum(part["findings"] for part in parts),
        "peak_rss": max(part["peak_rss"] for part in parts),
    }


def run_product(history_days: int, repeat: int, workers: int = 1, verify: bool = False) -> dict:
    if workers > 1:
        runs = [run_product_parallel(history_days, workers, verify) for _ in range(repeat)]
    else:
        runs = [run_product_once(history_days, verify=verify) for _ in range(repeat)]
    best = min(runs, key=lambda r: r["total"])
    best["runs"] = [round(r["total"], 2) for r in runs]
    best["best_reports"] = min(r["reports"] for r in runs)
    return best


# --- product: the month-end run from stored findings --------------------------


def load_grants(connection, provider_ids: list[int]) -> dict:
    """provider id -> its clients' decisions covering March, as engine grants
    (the month-end service reads them through the ORM, one provider at a time)."""
    from scheduling import adapters

    sql = (
        'SELECT d.id, d.client_id, d.payer, d.start, d."end", d.weekly_hours, d.double_hours_per_week, '
        "d.wait_factor, d.standby_factor, c.provider_id FROM assistans_decision d "
        'JOIN assistans_client c ON c.id = d.client_id WHERE d.start < %s AND d."end" >= %s '
        "AND c.provider_id = ANY(%s)"
    )
    grants: dict = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [PERIOD_END.date(), MONTH, provider_ids])
        for row in cursor.fetchall():
            grants[row[9]].append(adapters.to_grant(row[:9]))
    return grants


def ensure_engine_runs(history: datetime, workers: int) -> dict:
    """Setup, not timed as the month-end: make every provider's stored engine
    run for the window current, as the nightly job does before month-end
    (``billing.tasks.refresh_engine_runs``). The engine input is the one
    ``_compute`` builds (history back to the window's start minus the longest
    reference period), loaded in bulk; each run is stored with the provider's
    engine-input version read before loading. Providers whose run is already
    current are skipped, so the stored runs work as a cache across runs."""
    import multiprocessing

    from django.db import connection, connections

    from billing import stored_findings
    from scheduling.adapters import MAX_PERIOD
    from scheduling.bulk import providers_with_shifts

    ids = providers_with_shifts(PERIOD_START, PERIOD_END)
    current = stored_findings.load_current(provider_ids=ids, start=history, end=PERIOD_END)
    todo = [pk for pk in ids if pk not in current]
    if not todo:
        return {"checked": 0, "seconds": 0.0, "providers": len(ids)}
    print(f"setup: storing the engine's findings for {len(todo)} providers (the nightly job's work) ...", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, engine_input_version FROM assistans_provider")
        versions = dict(cursor.fetchall())
        cursor.execute("SELECT id, provider_id FROM assistans_assistant")
        provider_of = dict(cursor.fetchall())
    history_days = (PERIOD_START - history).days + MAX_PERIOD.days
    connections.close_all()
    began = time.perf_counter()
    context = multiprocessing.get_context("fork")

    def work(chunk: list[int]) -> None:
        from scheduling import adapters

        check = engine_check()
        for inp in adapters.bulk_check_inputs(
            connection, start=PERIOD_START, end=PERIOD_END, history_days=history_days, provider_ids=chunk
        ):
            provider_id = provider_of[inp.shifts[0].assistant_id]
            stored_findings.store(provider_id, history, PERIOD_END, versions[provider_id], check(inp))
        connection.close()

    processes = [context.Process(target=work, args=(todo[index::workers],)) for index in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    if any(process.exitcode for process in processes):
        raise RuntimeError("a setup worker failed")
    return {"checked": len(todo), "seconds": time.perf_counter() - began, "providers": len(ids)}


def run_stored_once(history: datetime, provider_ids: list[int], verify: bool = False, stages=None) -> dict:
    """One worker's month-end from stored findings: the stored findings, the
    shifts and the decisions of its providers, read with the product's own
    readers (``billing.stored_findings.load_current``,
    ``scheduling.adapters.report_shifts``), then every client's report."""
    from django.db import connection

    from billing import stored_findings
    from scheduling import adapters

    stages = stages or Stages(False)
    totals = new_totals()
    began = time.perf_counter()
    stages.start("load")
    findings = stored_findings.load_current(provider_ids=provider_ids, start=history, end=PERIOD_END)
    shifts = adapters.report_shifts(provider_ids=provider_ids, start=history, end=PERIOD_END)
    grants = load_grants(connection, provider_ids)
    raised = raised_rates(connection)
    stages.stop("load")
    loaded = time.perf_counter()
    missing = [pk for pk in provider_ids if pk not in findings and shifts.get(pk)]
    if missing:
        raise RuntimeError(f"{len(missing)} providers have no current engine run (setup did not store them)")
    count = sum(len(group) for group in shifts.values())
    findings_count = sum(len(group) for group in findings.values())
    stages.start("reports")
    for provider_id in provider_ids:
        group = shifts.pop(provider_id)
        if group:
            reports_for_provider(group, findings[provider_id], grants.get(provider_id, ()), raised, totals, verify)
    stages.stop("reports")
    done = time.perf_counter()
    connection.close()
    return {
        "load": loaded - began,
        "reports": done - loaded,
        "began": began,
        "done": done,
        "shifts": count,
        "findings": findings_count,
        "inputs": len(provider_ids),
        "peak_rss": peak_rss_bytes(),
        **totals,
    }


def _stored_worker(index: int, queue, provider_ids: list[int], history: datetime, verify: bool) -> None:
    try:
        result = run_stored_once(history, provider_ids, verify)
    except BaseException as exc:
        queue.put((index, f"{type(exc).__name__}: {exc}"))
        raise
    queue.put((index, result))


def run_stored(history: datetime, workers: int, verify: bool = False) -> dict:
    """The month-end from stored findings on ``workers`` forked processes
    (providers dealt round-robin); wall time from the fork to the last
    report. With one worker, in this process."""

    from django.db import connections

    from scheduling.bulk import providers_with_shifts

    ids = providers_with_shifts(PERIOD_START, PERIOD_END)
    if workers <= 1:
        result = run_stored_once(history, ids, verify)
        return {**result, "total": result["done"] - result["began"], "workers": 1}
    connections.close_all()
    began, parts, total = _fork(_stored_worker, [(ids[index::workers], history, verify) for index in range(workers)])
    return {
        **total,
        "workers": workers,
        "load": max(part["load"] for part in parts),
        "reports": max(part["reports"] for part in parts),
        "load_sum": sum(part["load"] for part in parts),
        "reports_sum": sum(part["reports"] for part in parts),
        "total": max(part["done"] for part in parts) - began,
        "shifts": sum(part["shifts"] for part in parts),
        "findings": sum(part["findings"] for part in parts),
        "inputs": sum(part["inputs"] for part in parts),
        "peak_rss": max(part["peak_rss"] for part in parts),
    }


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


def profile_stored(history: datetime, top: int = 15) -> str:
    from scheduling.bulk import providers_with_shifts

    stages = Stages(True)
    result = run_stored_once(history, providers_with_shifts(PERIOD_START, PERIOD_END), stages=stages)
    out = io.StringIO()
    out.write(
        f"profile of one month-end from stored findings: read {result['load']:.2f} s, "
        f"reports {result['reports']:.2f} s ({result['report_count']} reports)\n"
    )
    for name in ("load", "reports"):
        out.write(f"\n===== stage: {name} (top {top} by own time) =====\n")
        pstats.Stats(stages.profilers[name], stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- report ------------------------------------------------------------------


def _money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ") + " kr"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="warm baseline runs and product runs (best counts)")
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes for the product (providers dealt round-robin)"
    )
    parser.add_argument(
        "--verify", action="store_true", help="also run the exact path for every client and compare (slow)"
    )
    parser.add_argument("--profile", action="store_true", help="print a per-stage cProfile of one product run instead")
    parser.add_argument("--skip-product", action="store_true")
    parser.add_argument(
        "--rerun-engine",
        action="store_true",
        help="the month-end without current stored findings: load, engine and reports for every provider",
    )
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
        if args.rerun_engine:
            print(profile_product(history_days))
        else:
            ensure_engine_runs(history, max(args.workers, 1))
            print(profile_stored(history))
        return 0

    baseline = run_baseline(url, args.repeat, history)
    rows = baseline["rows_in_scope"]
    print(f"\nbaseline: one GROUP BY over {rows} rows (warm best of {args.repeat}, fetched in full)")
    for name, result in baseline["queries"].items():
        print(f"  {name:<40} {result['warm']:8.2f} s  (cold {result['cold']:.2f} s, {result['rows']} rows)")
    print(f"  {'baseline (first line)':<40} {baseline['total']:8.2f} s")
    if args.skip_product:
        return 0

    if args.rerun_engine:
        return report_rerun(args, baseline, history_days)

    setup = ensure_engine_runs(history, max(args.workers, 1))
    if setup["checked"]:
        print(f"setup: stored {setup['checked']} engine runs in {setup['seconds']:.1f} s (not part of the month-end)")
    else:
        print(f"setup: all {setup['providers']} providers' engine runs are current (stored by an earlier run)")
    runs = [run_stored(history, args.workers, args.verify) for _ in range(args.repeat)]
    product = min(runs, key=lambda r: r["total"])
    workers = product["workers"]
    print(
        f"\nproduct: month-end from stored findings ({product['inputs']} providers, {product['shifts']} shifts, "
        f"{product['findings']} stored not-payable findings"
        + (f"; {workers} worker processes" if workers > 1 else "; one process")
        + ")"
    )
    side = "slowest worker" if workers > 1 else "one process"
    print(f"  {'read stored findings + shifts + decisions':<42} {product['load']:8.2f} s  ({side})")
    print(f"  {'reports (group + compute_month)':<42} {product['reports']:8.2f} s  ({side})")
    print(f"  {'total, wall':<42} {product['total']:8.2f} s  (runs: {[round(r['total'], 2) for r in runs]})")
    print_results(product, args.verify)
    ratio = product["total"] / baseline["total"]
    print(f"\nratio, month-end from stored findings (reading them and the shifts included) / baseline: "
          f"{ratio:.2f}x (target <= {TARGET_RATIO:.0f}x) {'OK' if ratio <= TARGET_RATIO else 'MISSED'}")  # fmt: skip
    print(f"peak RSS: {gib(product['peak_rss'])}" + (" (largest worker)" if workers > 1 else ""))
    return 0


def print_results(product: dict, verify: bool) -> None:
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
    if verify:
        checked = product["verify"]
        print(
            f"  verify against compute_month_exact: {checked['different']} different; answered by the summed "
            f"path {checked['summed']}, by the exact walk {checked['exact walk']} (the timings include the check)"
        )


def report_rerun(args, baseline: dict, history_days: int) -> int:
    """``--rerun-engine``: the month-end when no stored findings are current,
    so the engine runs again for every provider."""
    rss_before = rss_bytes()
    product = run_product(history_days, args.repeat, args.workers, args.verify)
    peak = product.get("peak_rss") or peak_rss_bytes()
    workers = args.workers
    print(
        f"\nproduct: bulk load + engine per provider + compute_month per client "
        f"({product['inputs']} inputs, {product['shifts']} shifts, {product['findings']} findings"
        + (f"; {workers} worker processes" if workers > 1 else "; one process")
        + ")"
    )
    if workers > 1:
        print(f"  {'load (SQL + CheckInput), all workers':<40} {product['load']:8.2f} s")
        print(f"  {'engine check, all workers':<40} {product['engine']:8.2f} s")
        print(f"  {'load + engine, wall':<40} {product['load_engine_wall']:8.2f} s")
        print(
            f"  {'reports phase, wall':<40} {product['reports']:8.2f} s  "
            f"(in the workers {product['reports_cpu']:.2f} s, of which cyclic GC {product['reports_gc']:.2f} s)"
        )
        print(f"  {'total, wall':<40} {product['total']:8.2f} s  (runs: {product['runs']})")
    else:
        print(f"  {'load (SQL + CheckInput)':<40} {product['load']:8.2f} s")
        print(f"  {'engine check':<40} {product['engine']:8.2f} s")
        print(
            f"  {'reports (group + compute_month)':<40} {product['reports']:8.2f} s  "
            f"(of which cyclic GC {product['reports_gc']:.2f} s)"
        )
        print(f"  {'total':<40} {product['total']:8.2f} s  (runs: {product['runs']})")
    print_results(product, args.verify)
    full = product["total"] / baseline["total"]
    print(f"\nratio, month-end re-running the engine (load + engine + reports) / baseline: {full:.2f}x "
          f"(target <= {TARGET_RATIO:.0f}x) {'OK' if full <= TARGET_RATIO else 'MISSED'}")  # fmt: skip
    print(f"peak RSS: {gib(peak)}" + (" (largest worker)" if workers > 1 else f" (before product {gib(rss_before)})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
