"""Checking many providers at once (a national month, a re-check after a new
rule-set version) on every core.

Providers share nothing in the engine's input (every row belongs to one
provider), so they are split across worker processes; each worker opens its
own database connection, loads its providers in bulk through
``adapters.bulk_check_inputs`` and runs the engine. PostgreSQL only.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, connections

from . import adapters
from .rules import engine


@dataclass
class ChunkResult:
    providers: int = 0
    shifts: int = 0
    findings: Counter = field(default_factory=Counter)
    severities: Counter = field(default_factory=Counter)

    def add(self, other: ChunkResult) -> None:
        self.providers += other.providers
        self.shifts += other.shifts
        self.findings.update(other.findings)
        self.severities.update(other.severities)


def providers_with_shifts(start: datetime, end: datetime) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT DISTINCT provider_id FROM scheduling_shift WHERE start < %s AND "end" > %s ORDER BY 1', [end, start]
        )
        return [row[0] for row in cursor.fetchall()]


def _check_chunk(
    provider_ids: list[int],
    start: datetime,
    end: datetime,
    history_days: int,
    on_findings: Callable | None,
) -> ChunkResult:
    result = ChunkResult()
    try:
        for inp in adapters.bulk_check_inputs(
            connection, start=start, end=end, history_days=history_days, provider_ids=provider_ids
        ):
            findings = engine.check(inp)
            result.providers += 1
            result.shifts += len(inp.shifts)
            result.findings.update(f.code for f in findings)
            result.severities.update(f.severity.value for f in findings)
            if on_findings is not None:
                on_findings(inp, findings)
    finally:
        connection.close()
    return result


def check_providers(
    *,
    start: datetime,
    end: datetime,
    history_days: int,
    provider_ids: list[int] | None = None,
    workers: int | None = None,
    on_findings: Callable | None = None,
) -> ChunkResult:
    """Check every provider with shifts in ``[start, end)``; ``on_findings(inp,
    findings)`` runs in the worker for each provider (to store them, say).
    Providers are dealt out round-robin so the workers get similar loads."""
    ids = provider_ids if provider_ids is not None else providers_with_shifts(start, end)
    workers = max(1, min(workers or os.cpu_count() or 1, len(ids) or 1))
    if workers == 1:
        return _check_chunk(ids, start, end, history_days, on_findings)
    chunks = [ids[index::workers] for index in range(workers)]
    # Forked workers must not share the parent's database socket.
    connections.close_all()
    total = ChunkResult()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_check_chunk, chunk, start, end, history_days, on_findings) for chunk in chunks]
        for future in futures:
            total.add(future.result())
    return total
