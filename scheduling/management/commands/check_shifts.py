from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from assistans.models import Assistant, Client
from scheduling import adapters
from scheduling.rules import model as m
from scheduling.rules.timeutil import fmt_local, fmt_minutes

from ._shiftfile import add_common_arguments, read, resolve_provider


class Command(BaseCommand):
    help = (
        "Check a schedule file against the rules and the registry without saving anything. "
        "Exit status 1 when anything is refused."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, file, provider, format, **options):
        provider_obj = resolve_provider(provider)
        parsed, errors = read(file, provider_obj)
        findings: list[dict] = [
            {"line": e.line, "rule": "FIL", "severity": "refused", "field": e.field, "message": e.message}
            for e in errors
        ]
        if parsed:
            rows_by_id = {f"rad-{row.line}": row for row in parsed}
            shifts = [
                adapters.to_rule_shift(
                    (
                        key,
                        r.data.assistant_id,
                        r.data.client_id,
                        r.data.start,
                        r.data.end,
                        r.data.kind,
                        r.data.segments,
                        r.data.double,
                    )
                )
                for key, r in rows_by_id.items()
            ]
            inp = adapters.provider_check_input(
                provider=provider_obj,
                start=min(s.start for s in shifts),
                end=max(s.end for s in shifts),
                shifts=shifts,
            )
            names = _names(inp)
            for finding in adapters.check(inp):
                lines = [rows_by_id[i].line for i in finding.shift_ids if i in rows_by_id]
                if not lines:
                    continue  # about saved shifts only: not this file's business
                findings.append(_as_dict(finding, lines, names))
        refused = any(f["severity"] == m.Severity.REFUSED for f in findings)
        if format == "json":
            self.stdout.write(
                json.dumps({"file": str(file), "refused": refused, "findings": findings}, ensure_ascii=False, indent=2)
            )
        else:
            for f in findings:
                self.stdout.write(f"rad {f['line']}: {f['rule']} ({f['severity']}): {f['message']}")
            self.stdout.write(f"{len(parsed)} rader kontrollerade, {len(findings)} utfall.")
        if refused:
            sys.exit(1)


def _names(inp: m.CheckInput) -> dict:
    assistants = {s.assistant_id for s in inp.shifts}
    clients = {s.client_id for s in inp.shifts}
    return {
        "assistant": {a.pk: f"{a} ({a.masked_personal_number})" for a in Assistant.objects.filter(pk__in=assistants)},
        "client": {c.pk: f"{c} ({c.masked_personal_number})" for c in Client.objects.filter(pk__in=clients)},
    }


def _as_dict(finding: m.Finding, lines: list[int], names: dict) -> dict:
    return {
        "line": lines[0],
        "lines": lines,
        "rule": finding.code,
        "severity": finding.severity.value,
        "assistant": names["assistant"].get(finding.assistant_id, finding.assistant_id),
        "client": names["client"].get(finding.client_id, finding.client_id),
        "start": fmt_local(finding.start),
        "end": fmt_local(finding.end),
        "hours_affected": fmt_minutes(finding.minutes),
        "minutes_affected": finding.minutes,
        "message": finding.message,
        "hint": finding.hint,
        "accepted": finding.accepted,
    }
