"""The engine's findings for a month-end window, stored so that computing the
month's reports does not re-run the engine while nothing it reads changed.

A run is keyed by provider and window; it is valid while the provider's
``engine_input_version`` equals the version read *before* the engine's input
was loaded, and the rule set (``rules_key``) is the same. Only not-payable
findings are kept: they are the only ones the report calculation reads
(``billing.calculations``: other severities never cut).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from scheduling import adapters
from scheduling import rules as engine

from .models import EngineRun

logger = logging.getLogger(__name__)


@functools.cache
def code_fingerprint() -> str:
    """A digest of the engine's and the adapters' source. A deployed fix to a
    rule changes what the engine finds even when nobody remembered to raise
    ``RULESET_VERSION``; runs stored by the old code must not be reused."""
    digest = hashlib.sha256()
    rules_dir = Path(engine.__file__).resolve().parent
    for path in [*sorted(rules_dir.glob("*.py")), Path(adapters.__file__).resolve()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def rules_key() -> str:
    """What besides the input decides the findings: the rule-set version, the
    engine's and adapters' code, and the settings the engine is given."""
    settings = adapters.rule_settings()
    return f"{engine.RULESET_VERSION}/{settings.max_shift_minutes}/{code_fingerprint()}"


def encode(findings: Iterable[engine.Finding]) -> list[list]:
    """The not-payable findings as JSON-ready lists (instants in epoch
    microseconds, ids as they are)."""
    return [
        [
            f.code,
            list(f.shift_ids),
            f.assistant_id,
            f.client_id,
            adapters.epoch_micros(f.start),
            adapters.epoch_micros(f.end),
            f.minutes,
            f.message,
            f.hint,
            f.message_en,
            f.hint_en,
            f.accepted,
            f.exception_reason,
            f.exception_allowed,
        ]
        for f in findings
        if f.severity == engine.Severity.NOT_PAYABLE
    ]


def decode(rows: Sequence[Sequence]) -> list[engine.Finding]:
    instant = adapters.instant_micros
    return [
        engine.Finding(
            code=code,
            severity=engine.Severity.NOT_PAYABLE,
            shift_ids=tuple(shift_ids),
            assistant_id=assistant_id,
            client_id=client_id,
            start=instant(start),
            end=instant(end),
            minutes=minutes,
            message=message,
            hint=hint,
            message_en=message_en,
            hint_en=hint_en,
            accepted=accepted,
            exception_reason=reason,
            exception_allowed=allowed,
        )
        for (
            code,
            shift_ids,
            assistant_id,
            client_id,
            start,
            end,
            minutes,
            message,
            hint,
            message_en,
            hint_en,
            accepted,
            reason,
            allowed,
        ) in rows
    ]


def load_current(*, provider_ids: Iterable[int], start: datetime, end: datetime) -> dict[int, list[engine.Finding]]:
    """provider id -> stored findings, for the providers whose run of this
    window is current (same input version and rule set); the others are
    left out and must be checked by the engine. One query."""
    runs = EngineRun.objects.filter(
        provider_id__in=set(provider_ids),
        window_start=start,
        window_end=end,
        rules=rules_key(),
        input_version=F("provider__engine_input_version"),
    ).values_list("provider_id", "findings")
    return {provider_id: decode(rows) for provider_id, rows in runs}


def store(provider_id: int, start: datetime, end: datetime, version: int, findings: Iterable[engine.Finding]) -> None:
    """Keep the run (replacing the window's earlier one). ``version`` must be
    the input version read before the engine's input was loaded."""
    try:
        with transaction.atomic():
            EngineRun.objects.update_or_create(
                provider_id=provider_id,
                window_start=start,
                window_end=end,
                defaults={
                    "input_version": version,
                    "rules": rules_key(),
                    "findings": encode(findings),
                    "computed_at": timezone.now(),
                },
            )
    except IntegrityError:
        # Another month-end run stored the same window at the same moment;
        # either run is as good as the other.
        logger.info("engine run for provider %s %s–%s stored concurrently", provider_id, start, end)
