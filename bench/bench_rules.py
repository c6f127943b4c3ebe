"""Benchmark of the rules engine against PostgreSQL's own window functions.

    .venv/bin/python bench/bench_rules.py [--scale 1.0] [--repeat N] [--seed 2026]
        [--recheck 200] [--profile] [--skip-product] [--skip-recheck]

One run, one machine, one data set (``bench.load`` generates and caches it):

* **baseline**: four SQL queries over exactly the rows the product loads
  (March 2026 plus the history back to 2026-02-01): (a) overlap per assistant
  with ``LAG(end)``, (b) the 11 h daily-rest gap, (c) the 36 h weekly-rest
  window per assistant and local week, (d) hours per client and month. Each
  result is fetched in full; each query runs once cold, then ``--repeat``
  times warm, and the best warm time counts.
* **product**: ``scheduling.adapters`` loads the same rows in bulk (raw SQL)
  and builds the engine's input; the engine checks it. Load and check are
  timed separately; the best of ``--repeat`` runs counts.
* **re-check**: for ``--recheck`` seeded random March shifts of assistants
  with twelve months of history, one edit (the end 15 min earlier) is checked
  the way the recording service does: the window input for that assistant and
  client, then the engine. p50/p95/max.

It prints the figures and the ratio product / baseline against the targets
(≤ 3×, < 2 GiB peak RSS, re-check p95 ≤ 20 ms). Not a test: nothing asserts.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import os
import platform
import pstats
import random
import resource
import statistics
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import HISTORY_START, MONTH_END, MONTH_START, STOCKHOLM, YEAR_HISTORY_START  # noqa: E402
from bench.load import ensure_loaded  # noqa: E402

GIB = 1024**3
TARGET_RATIO = 3.0
TARGET_RSS = 2 * GIB
TARGET_P95_MS = 20.0

PERIOD_START = datetime(MONTH_START.year, MONTH_START.month, MONTH_START.day, tzinfo=STOCKHOLM)
PERIOD_END = datetime(MONTH_END.year, MONTH_END.month, MONTH_END.day, tzinfo=STOCKHOLM)
HISTORY_DAYS = (MONTH_START - HISTORY_START).days
HISTORY_FROM = PERIOD_START - timedelta(days=HISTORY_DAYS)

ROWS = 'start < %(end)s AND "end" > %(history)s'
BASELINE_QUERIES = {
    "overlap (LAG end per assistant)": f"""
        SELECT id, assistant_id, start, prev_end FROM (
            SELECT id, assistant_id, start,
                   LAG("end") OVER (PARTITION BY assistant_id ORDER BY start) AS prev_end
            FROM scheduling_shift WHERE {ROWS}
        ) s WHERE prev_end > start""",
    "daily rest < 11 h": f"""
        SELECT id, assistant_id, start - prev_end AS rest FROM (
            SELECT id, assistant_id, start,
                   LAG("end") OVER (PARTITION BY assistant_id ORDER BY start) AS prev_end
            FROM scheduling_shift WHERE {ROWS}
        ) s WHERE prev_end <= start AND start - prev_end < interval '11 hours'""",
    "weekly rest < 36 h per 7-day week": f"""
        WITH s AS (
            SELECT assistant_id, start, "end",
                   date_trunc('week', start AT TIME ZONE 'Europe/Stockholm') AS week
            FROM scheduling_shift WHERE {ROWS}
        ), gaps AS (
            SELECT assistant_id, week, start, "end",
                   week AT TIME ZONE 'Europe/Stockholm' AS week_start,
                   (week + interval '7 days') AT TIME ZONE 'Europe/Stockholm' AS week_end,
                   LAG("end") OVER w AS prev_end,
                   LEAD(start) OVER w AS next_start
            FROM s WINDOW w AS (PARTITION BY assistant_id, week ORDER BY start)
        )
        SELECT assistant_id, week, max(GREATEST(
                   start - GREATEST(COALESCE(prev_end, week_start), week_start),
                   CASE WHEN next_start IS NULL THEN week_end - LEAST("end", week_end) ELSE interval '0' END
               )) AS longest_rest
        FROM gaps GROUP BY assistant_id, week
        HAVING max(GREATEST(
                   start - GREATEST(COALESCE(prev_end, week_start), week_start),
                   CASE WHEN next_start IS NULL THEN week_end - LEAST("end", week_end) ELSE interval '0' END
               )) < interval '36 hours'""",
    "hours per client and month (GROUP BY)": f"""
        SELECT client_id, date_trunc('month', start AT TIME ZONE 'Europe/Stockholm') AS month,
               sum(extract(epoch FROM "end" - start)) / 3600 AS hours
        FROM scheduling_shift WHERE {ROWS}
        GROUP BY client_id, month""",
}


def rss_bytes() -> int:
    """Current resident set size (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def gib(value: int) -> str:
    return f"{value / GIB:.2f} GiB"


# --- baseline ----------------------------------------------------------------


def run_baseline(url: str, repeat: int) -> dict:
    params = {"end": PERIOD_END, "history": HISTORY_FROM}
    results = {}
    with psycopg.connect(url, autocommit=True) as conn:
        (rows_in_scope,) = conn.execute(f"SELECT count(*) FROM scheduling_shift WHERE {ROWS}", params).fetchone()
        for name, sql in BASELINE_QUERIES.items():
            times = []
            for _ in range(1 + repeat):  # the first run is cold and does not count
                began = time.perf_counter()
                rows = conn.execute(sql, params).fetchall()
                times.append(time.perf_counter() - began)
            results[name] = {"cold": times[0], "warm": min(times[1:]), "rows": len(rows)}
    return {"queries": results, "total": sum(r["warm"] for r in results.values()), "rows_in_scope": rows_in_scope}


# --- product -----------------------------------------------------------------


def engine_check():
    """The engine's entry point: ``scheduling.rules.engine.check`` (or the package's ``check``)."""
    try:
        from scheduling.rules.engine import check
    except ImportError:
        from scheduling.rules import check  # type: ignore[attr-defined,no-redef]
    return check


def product_inputs(connection):
    """Yield CheckInputs as ``scheduling.adapters`` loads them: one national
    input (``bulk_check_input``) or one per provider (``bulk_check_inputs``)."""
    from scheduling import adapters

    if hasattr(adapters, "bulk_check_input"):
        yield adapters.bulk_check_input(connection, start=PERIOD_START, end=PERIOD_END, history_days=HISTORY_DAYS)
    else:
        yield from adapters.bulk_check_inputs(connection, start=PERIOD_START, end=PERIOD_END, history_days=HISTORY_DAYS)


def install_jsonb_shim() -> None:
    """Work around a bug in ``adapters.bulk_check_inputs`` (found 2026-11-24): Django's
    psycopg backend returns ``jsonb`` as text on raw cursors, so ``to_rule_shift``
    gets ``'[]'`` instead of ``[]``. Decode the text before the adapter's own
    conversion. Opt-in (``--jsonb-shim``) and announced in the output, so the
    figures are never silently taken with a patched adapter."""
    import json

    from scheduling import adapters

    original = adapters.to_rule_shift

    def to_rule_shift(row: tuple):
        segments = row[6]
        if isinstance(segments, str):
            row = (*row[:6], json.loads(segments), row[7])
        return original(row)

    adapters.to_rule_shift = to_rule_shift


def run_product_once() -> dict:
    """Load and check; load time is the time spent producing inputs (SQL and
    dataclass building), engine time the time inside ``check``."""
    from django.db import connection

    check = engine_check()
    load = engine = 0.0
    shifts = inputs = 0
    findings: Counter = Counter()
    severities: Counter = Counter()
    iterator = iter(product_inputs(connection))
    while True:
        began = time.perf_counter()
        inp = next(iterator, None)
        load += time.perf_counter() - began
        if inp is None:
            break
        inputs += 1
        shifts += len(inp.shifts)
        began = time.perf_counter()
        result = check(inp)
        engine += time.perf_counter() - began
        findings.update(f.code for f in result)
        severities.update(str(f.severity) for f in result)
        del inp, result
    connection.close()
    return {
        "load": load,
        "engine": engine,
        "total": load + engine,
        "inputs": inputs,
        "shifts": shifts,
        "findings": findings,
        "severities": severities,
    }


def run_product_parallel(workers: int) -> dict:
    """The same work through ``scheduling.bulk.check_providers``: providers
    dealt out to ``workers`` processes, each loading and checking its share.
    Load and engine time are not separable across processes: only the total."""
    from scheduling import bulk

    began = time.perf_counter()
    result = bulk.check_providers(start=PERIOD_START, end=PERIOD_END, history_days=HISTORY_DAYS, workers=workers)
    total = time.perf_counter() - began
    return {
        "load": float("nan"),
        "engine": float("nan"),
        "total": total,
        "inputs": result.providers,
        "shifts": result.shifts,
        "findings": result.findings,
        "severities": result.severities,
    }


def run_product(repeat: int, workers: int = 1) -> dict:
    if workers > 1:
        runs = [run_product_parallel(workers) for _ in range(repeat)]
        best = min(runs, key=lambda r: r["total"])
        best["runs"] = [round(r["total"], 2) for r in runs]
        return best
    runs = [run_product_once() for _ in range(repeat)]
    best = min(runs, key=lambda r: r["total"])
    best["runs"] = [round(r["total"], 2) for r in runs]
    return best


def profile_product(top: int = 15) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    result = run_product_once()
    profiler.disable()
    out = io.StringIO()
    out.write(f"profile of one product run: load {result['load']:.2f} s, engine {result['engine']:.2f} s\n")
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    out.write("engine only (scheduling/rules):\n")
    stats.sort_stats("tottime").print_stats("scheduling/rules", top)
    return out.getvalue()


# --- re-check after one edit ------------------------------------------------


def sample_shifts(url: str, count: int, seed: int) -> list[tuple]:
    """Seeded sample of March shifts whose assistant has twelve months of history."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            'SELECT s.id, s.provider_id, s.assistant_id, s.client_id, s.start, s."end", s.kind, s.segments, s.double '
            "FROM scheduling_shift s WHERE s.start >= %(month)s AND s.start < %(end)s AND s.assistant_id IN ("
            "  SELECT assistant_id FROM scheduling_shift WHERE start < %(year)s GROUP BY assistant_id"
            ") ORDER BY s.id",
            {"month": PERIOD_START, "end": PERIOD_END, "year": datetime(2025, 4, 1, tzinfo=STOCKHOLM)},
        ).fetchall()
    rng = random.Random(seed)
    return rng.sample(rows, min(count, len(rows)))


def window_input_function():
    """``adapters.window_check_input`` adapted to one call shape:
    (assistant_id, client_id, provider_id, edited Shift, original id) -> CheckInput."""
    from scheduling import adapters

    window = getattr(adapters, "window_check_input", None)
    if window is None:
        raise SystemExit("scheduling.adapters.window_check_input is missing")
    parameters = inspect.signature(window).parameters
    if "connection" in parameters:  # the raw-SQL shape named in the benchmark brief

        def call(assistant_id, client_id, provider_id, edited, original_id):
            from django.db import connection

            inp = window(connection, assistant_id=assistant_id, client_id=client_id, start=edited.start, end=edited.end)
            return inp[0] if isinstance(inp, tuple) else inp

        return call

    from assistans.models import Provider

    providers: dict = {}

    def call(assistant_id, client_id, provider_id, edited, original_id):  # the recording service's shape
        provider = providers.get(provider_id)
        if provider is None:  # the service has its provider at hand; fetch it once, outside the timing
            raise LookupError(provider_id)
        inp = window(
            provider=provider,
            assistant_id=assistant_id,
            client_id=client_id,
            start=edited.start,
            end=edited.end,
            extra_shifts=[edited],
            exclude_shift_ids=[original_id],
        )
        return inp[0] if isinstance(inp, tuple) else inp

    call.providers = providers  # type: ignore[attr-defined]
    call.provider_model = Provider  # type: ignore[attr-defined]
    return call


def run_recheck(url: str, count: int, seed: int) -> dict:
    from scheduling import adapters

    check = engine_check()
    window = window_input_function()
    sample = sample_shifts(url, count, seed)
    if not sample:
        return {"count": 0}
    if hasattr(window, "providers"):
        for provider in window.provider_model.objects.filter(pk__in={row[1] for row in sample}):
            window.providers[provider.pk] = provider
    loads, engines, totals, sizes = [], [], [], []
    for shift_id, provider_id, assistant_id, client_id, start, end, kind, segments, double in sample:
        edited = adapters.to_rule_shift(
            (shift_id, assistant_id, client_id, start, end - timedelta(minutes=15), kind, segments, double)
        )
        began = time.perf_counter()
        inp = window(assistant_id, client_id, provider_id, edited, shift_id)
        loaded = time.perf_counter()
        check(inp)
        done = time.perf_counter()
        loads.append((loaded - began) * 1000)
        engines.append((done - loaded) * 1000)
        totals.append((done - began) * 1000)
        sizes.append(len(inp.shifts))

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]

    return {
        "count": len(sample),
        "p50": statistics.median(totals),
        "p95": p95(totals),
        "max": max(totals),
        "load_p95": p95(loads),
        "engine_p95": p95(engines),
        "shifts_median": statistics.median(sizes),
    }


# --- report ------------------------------------------------------------------


def machine() -> str:
    model = "?"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{os.cpu_count()} cores ({model}), {gib(memory)} RAM, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="warm baseline runs and product runs (best counts)")
    parser.add_argument(
        "--workers", type=int, default=1, help="product on N processes (scheduling.bulk.check_providers); 1: in-process"
    )
    parser.add_argument("--recheck", type=int, default=200, help="edited shifts to re-check (0: skip)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one product run instead")
    parser.add_argument("--skip-product", action="store_true")
    parser.add_argument(
        "--jsonb-shim", action="store_true", help="decode jsonb text in adapters.to_rule_shift (see install_jsonb_shim)"
    )
    parser.add_argument("--skip-recheck", action="store_true")
    args = parser.parse_args(argv)

    marker = ensure_loaded(seed=args.seed, scale=args.scale)
    url = marker["url"]
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    if args.jsonb_shim:
        install_jsonb_shim()
        print("NOTE: --jsonb-shim: adapters.to_rule_shift wrapped to decode jsonb text (adapter bug workaround)")
    print(f"machine: {machine()}")
    with psycopg.connect(url, autocommit=True) as conn:
        print(f"server: {conn.execute('SHOW server_version').fetchone()[0]}")
    stats = marker["stats"]
    print(
        f"data: seed {args.seed}, scale {args.scale}: {stats['client']} clients, {stats['assistant']} assistants, "
        f"{stats['month_shifts']} shifts in March 2026 (mean {stats['mean_shift_hours']} h), "
        f"{stats['shifts']} shifts in all (history from {HISTORY_START}; {stats['year_group_assistants']} "
        f"assistants from {YEAR_HISTORY_START})"
    )

    if args.profile:
        print(profile_product())
        return 0

    baseline = run_baseline(url, args.repeat)
    print(f"\nbaseline: PostgreSQL window functions over {baseline['rows_in_scope']} rows (warm, fetched in full)")
    for name, result in baseline["queries"].items():
        print(f"  {name:<38} {result['warm']:8.2f} s  (cold {result['cold']:.2f} s, {result['rows']} rows)")
    print(f"  {'total':<38} {baseline['total']:8.2f} s")

    if not args.skip_product:
        rss_before = rss_bytes()
        product = run_product(args.repeat, args.workers)
        peak = peak_rss_bytes()
        if args.workers > 1:
            # Each worker is its own process: count the largest worker's peak
            # once per worker (an upper bound of what they held together).
            child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
            peak = max(peak, child * args.workers)
        ratio = product["total"] / baseline["total"]
        print(
            f"\nproduct: bulk load + rules engine ({product['inputs']} inputs, {product['shifts']} shifts, "
            f"{args.workers} worker process{'es' if args.workers > 1 else ''})"
        )
        print(f"  {'load (SQL + CheckInput)':<38} {product['load']:8.2f} s")
        print(f"  {'engine check':<38} {product['engine']:8.2f} s")
        print(f"  {'total':<38} {product['total']:8.2f} s  (runs: {product['runs']})")
        print(f"  findings by code: {dict(sorted(product['findings'].items()))}")
        print(f"  findings by severity: {dict(product['severities'])}")
        print(f"\nratio product / baseline: {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x) "
              f"{'OK' if ratio <= TARGET_RATIO else 'MISSED'}")  # fmt: skip
        print(f"peak RSS: {gib(peak)} (before product {gib(rss_before)}; target < 2 GiB) "
              f"{'OK' if peak < TARGET_RSS else 'MISSED'}")  # fmt: skip

    if not args.skip_recheck and args.recheck > 0:
        recheck = run_recheck(url, args.recheck, args.seed)
        if recheck["count"]:
            print(
                f"\nre-check after one edited shift ({recheck['count']} edits, twelve months of history, "
                f"median {recheck['shifts_median']:.0f} shifts per input):"
            )
            verdict = "OK" if recheck["p95"] <= TARGET_P95_MS else "MISSED"
            print(
                f"  p50 {recheck['p50']:.1f} ms, p95 {recheck['p95']:.1f} ms, max {recheck['max']:.1f} ms "
                f"(p95 load {recheck['load_p95']:.1f} ms, p95 engine {recheck['engine_p95']:.1f} ms; "
                f"target p95 <= {TARGET_P95_MS:.0f} ms) {verdict}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
