"""Load the generated world into its own PostgreSQL database, fast.

``ensure_loaded(seed=..., scale=...)`` (or ``python bench/load.py``):

1. keeps the database if its ``bench_marker`` row names the same seed, scale
   and generator version (the cache), after running ``migrate`` in case new
   migrations arrived;
2. otherwise drops and recreates the database, runs the project's migrations
   into it, and bulk-loads with ``COPY`` (never the ORM). During the load:
   ``session_replication_role = replica`` switches off the foreign-key
   triggers, and the shift table's secondary indexes and its exclusion
   constraint ``shift_no_overlap_per_assistant`` are dropped; afterwards they
   are rebuilt from their saved definitions. Re-adding the exclusion
   constraint validates every row, so a generator bug that produced an
   overlap fails the load loudly.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import epoch_minute_text, generate

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
DB_PREFIX = os.environ.get("BENCH_DB_NAME", "assistanstid_bench")


def db_name(scale: float) -> str:
    """One database per scale, so a smoke run does not evict the national one."""
    if abs(scale - 1.0) < 1e-9:
        return DB_PREFIX
    return f"{DB_PREFIX}_{format(scale, 'g').replace('.', '_')}"


def database_url(scale: float) -> str:
    return f"{SERVER_URL}/{db_name(scale)}"


#: Bump when the generator's output changes, so cached databases are rebuilt.
GENERATOR_VERSION = "2"
CREATED = datetime(2026, 1, 15, tzinfo=UTC)

# Target columns per table (registry tuples from bench.generate are mapped onto them below).
COLUMNS = {
    "assistans_provider": ("id", "name", "org_number", "kind", "bankgiro", "created_at", "collective_agreement_id"),
    "assistans_permit": ("id", "number", "valid_from", "valid_until", "provider_id"),
    "assistans_client": (
        "id", "personal_number", "first_name", "last_name", "representative_name", "municipality",
        "created_at", "provider_id",
    ),
    "assistans_decision": (
        "id", "client_id", "payer", "start", "end", "weekly_hours", "double_hours_per_week", "wait_factor",
        "standby_factor", "municipality_name", "rate_kind", "case_number", "created_at",
    ),
    "assistans_absence": ("id", "client_id", "start", "end", "exception", "kind", "exception_reason"),
    "assistans_assistant": (
        "id", "personal_number", "first_name", "provider_id", "last_name", "email", "phone", "created_at",
    ),
    "assistans_employment": (
        "id", "assistant_id", "employer_id", "start", "end", "regime", "period_anchor", "rest_profile",
        "is_relative", "lives_with_client", "external_note",
    ),
    "assistans_referenceperiod": ("id", "employment_id", "start", "end"),
    "assistans_externalhours": ("id", "assistant_id", "start", "end", "minutes"),
    "assistans_assignment": ("id", "assistant_id", "client_id", "start", "end", "fk_notified_on"),
}  # fmt: skip
SHIFT_COLUMNS = (
    "id", "provider_id", "assistant_id", "client_id", "start", "end", "kind", "segments", "double", "status",
    "note", "created_at", "updated_at",
)  # fmt: skip


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _quoted(columns: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def read_marker(url: str) -> dict | None:
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT seed, scale, version, stats::text FROM bench_marker ORDER BY loaded_at DESC LIMIT 1"
            ).fetchone()
    except psycopg.Error:
        return None
    if row is None:
        return None
    return {"seed": row[0], "scale": row[1], "version": row[2], "stats": json.loads(row[3])}


def migrate(url: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


def ensure_loaded(*, seed: int, scale: float, force: bool = False) -> dict:
    """The bench database holding the world of ``seed`` and ``scale``; returns its marker."""
    url, name = database_url(scale), db_name(scale)
    marker = read_marker(url)
    if (
        not force
        and marker is not None
        and marker["seed"] == seed
        and abs(marker["scale"] - scale) < 1e-9
        and marker["version"] == GENERATOR_VERSION
    ):
        log(f"cached: {name} already holds seed {seed} scale {scale}")
        migrate(url)
        return {**marker, "url": url}
    began = time.perf_counter()
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"database {name} created; migrating")
    migrate(url)
    stats = _load(url, seed=seed, scale=scale)
    stats["load_seconds"] = round(time.perf_counter() - began, 1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_marker (seed int, scale double precision, version text, stats jsonb, "
            "loaded_at timestamptz DEFAULT now())"
        )
        conn.execute(
            "INSERT INTO bench_marker (seed, scale, version, stats) VALUES (%s, %s, %s, %s)",
            [seed, scale, GENERATOR_VERSION, json.dumps(stats)],
        )
    log(f"loaded in {stats['load_seconds']} s: {stats}")
    return {"seed": seed, "scale": scale, "version": GENERATOR_VERSION, "stats": stats, "url": url}


def _load(url: str, *, seed: int, scale: float) -> dict:
    with psycopg.connect(url) as conn:
        conn.execute("SET session_replication_role = replica")  # no FK triggers during COPY
        conn.execute("SET maintenance_work_mem = '1GB'")
        agreements = dict(conn.execute("SELECT code, id FROM assistans_collectiveagreement").fetchall())
        saved_indexes = [
            row[0]
            for row in conn.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'scheduling_shift' "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'scheduling_shift'::regclass)"
            )
        ]
        index_names = [
            row[0]
            for row in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'scheduling_shift' "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'scheduling_shift'::regclass)"
            )
        ]
        exclusion = conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'scheduling_shift'::regclass AND contype = 'x'"
        ).fetchall()
        for name in index_names:
            conn.execute(f'DROP INDEX "{name}"')
        for name, _definition in exclusion:
            conn.execute(f'ALTER TABLE scheduling_shift DROP CONSTRAINT "{name}"')

        rows: dict[str, list] = {table: [] for table in COLUMNS}
        counts = {"shifts": 0, "month_shifts": 0, "month_minutes": 0, "uncovered": 0, "year_group_assistants": 0}
        began = time.perf_counter()
        created = epoch_minute_text(int(CREATED.timestamp()) // 60)
        with conn.cursor().copy(f"COPY scheduling_shift ({_quoted(SHIFT_COLUMNS)}) FROM STDIN") as copy:
            for data in generate(seed=seed, scale=scale):
                _collect_registry(data, rows, agreements)
                lines = []
                for sid, pid, aid, cid, start, end, kind, segments, double, status in data.shifts:
                    lines.append(
                        f"{sid}\t{pid}\t{aid}\t{cid}\t{epoch_minute_text(start)}\t{epoch_minute_text(end)}\t{kind}\t"
                        f"{segments}\t{'t' if double else 'f'}\t{status}\t\t{created}\t{created}\n"
                    )
                copy.write("".join(lines))
                counts["shifts"] += len(data.shifts)
                counts["month_shifts"] += data.stats["month_shifts"]
                counts["month_minutes"] += data.stats["month_minutes"]
                counts["uncovered"] += data.stats["uncovered"]
                if data.in_year_group:
                    counts["year_group_assistants"] += len(data.assistants)
                if data.index % 100 == 0:
                    log(f"provider {data.index}: {counts['shifts']} shifts so far")
        log(f"generated and copied {counts['shifts']} shifts in {time.perf_counter() - began:.1f} s")
        for table, table_rows in rows.items():
            with conn.cursor().copy(f"COPY {table} ({_quoted(COLUMNS[table])}) FROM STDIN") as copy:
                for row in table_rows:
                    copy.write_row(row)
            counts[table.split("_", 1)[1]] = len(table_rows)
        log("registry copied; rebuilding indexes and the exclusion constraint")
        step = time.perf_counter()
        for definition in saved_indexes:
            conn.execute(definition)
        for name, definition in exclusion:
            conn.execute(f'ALTER TABLE scheduling_shift ADD CONSTRAINT "{name}" {definition}')
        log(f"indexes and constraint rebuilt in {time.perf_counter() - step:.1f} s")
        for table in (*COLUMNS, "scheduling_shift"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT max(id) FROM {table}), 1))"
            )
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    counts["mean_shift_hours"] = round(counts["month_minutes"] / max(counts["month_shifts"], 1) / 60, 2)
    return counts


def _collect_registry(data, rows: dict[str, list], agreements: dict[str, int]) -> None:
    provider_id, name, number, kind, agreement = data.provider
    rows["assistans_provider"].append(
        (provider_id, name, number, kind, "", CREATED, agreements[agreement] if agreement else None)
    )
    rows["assistans_permit"].extend((pid, "", start, end, provider_id) for pid, start, end in data.permits)
    rows["assistans_client"].extend(
        (cid, pn, first, "Bench", "", "", CREATED, pid) for cid, pn, first, pid in data.clients
    )
    rows["assistans_decision"].extend((*d, "standard", "", CREATED) for d in data.decisions)
    rows["assistans_absence"].extend(
        (
            aid, cid, datetime.fromtimestamp(start * 60, UTC), datetime.fromtimestamp(end * 60, UTC), exception,
            "hospital", "Särskilda skäl" if exception else "",
        )
        for aid, cid, start, end, exception in data.absences
    )  # fmt: skip
    rows["assistans_assistant"].extend((*a, "Bench", "", "", CREATED) for a in data.assistants)
    rows["assistans_employment"].extend((*e, "") for e in data.employments)
    rows["assistans_referenceperiod"].extend(data.periods)
    rows["assistans_externalhours"].extend(data.external)
    rows["assistans_assignment"].extend(data.assignments)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate and load the benchmark world (cached by seed/scale).")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--force", action="store_true", help="reload even if the database holds this world")
    args = parser.parse_args(argv)
    marker = ensure_loaded(seed=args.seed, scale=args.scale, force=args.force)
    print(marker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
