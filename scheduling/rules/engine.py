"""The rules engine's entry point: one check for every caller (UI, API,
imports, monthly reports, jobs). Pure Python, no Django.

``check`` runs, in this order:

1. H3 (structure): refused shifts take no part in the other rules;
2. H1 and H2 (``conflicts``), W1 and W4 (``caps``), E1-E4 and A1
   (``payability``), V1-V3 (``rest``) on the shifts that passed H3;
3. V4: a finding whose code matches a recorded ``RuleException`` for one of
   its shifts is marked ``accepted`` with the reason. It stays in the list
   (the warning stays visible), unless ``exception_allowed`` is False, in
   which case no exception can accept it.

Findings come back sorted by (start, code).
"""

from __future__ import annotations

import dataclasses
import gc
from operator import attrgetter

from . import caps, conflicts, payability, rest
from .caps import CapStatus, remaining
from .model import CheckInput, Finding, RuleException

__all__ = ["CapStatus", "check", "remaining"]

_sort_key = attrgetter("start", "code")


def check(inp: CheckInput) -> list[Finding]:
    """Every finding for the shifts in ``inp``, exceptions applied, sorted by (start, code)."""
    # The cyclic garbage collector is paused while the engine runs: it makes
    # no reference cycles, and with a million shifts alive every full
    # collection would rescan them all (that doubled the time of a national
    # month). Whatever the caller made is collected after.
    if not gc.isenabled():
        return _check(inp)
    gc.disable()
    try:
        return _check(inp)
    finally:
        gc.enable()


def _check(inp: CheckInput) -> list[Finding]:
    idx = conflicts.index(inp.shifts, inp.settings)  # H3, and the groupings every rule shares
    if idx.valid is not inp.shifts:
        inp = dataclasses.replace(inp, shifts=idx.valid)
    findings = idx.refused
    findings.extend(conflicts.overlaps(idx, inp.grants))
    findings.extend(caps.check(inp, idx.by_assistant))
    findings.extend(payability.check(inp, idx.by_assistant, idx.by_client))
    findings.extend(rest.check(inp))
    if inp.exceptions and findings:
        findings = apply_exceptions(findings, inp.exceptions)
    findings.sort(key=_sort_key)
    return findings


def apply_exceptions(findings: list[Finding], exceptions: tuple[RuleException, ...]) -> list[Finding]:
    """V4: accept findings that have a recorded exception for one of their shifts."""
    by_key = {}
    for exception in exceptions:
        by_key.setdefault((exception.code, exception.shift_id), exception)
    out = []
    for finding in findings:
        if finding.exception_allowed and not finding.accepted:
            for shift_id in finding.shift_ids:
                exception = by_key.get((finding.code, shift_id))
                if exception is not None:
                    finding = dataclasses.replace(finding, accepted=True, exception_reason=exception.reason)
                    break
        out.append(finding)
    return out
