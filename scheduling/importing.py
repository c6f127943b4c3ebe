"""Reading schedule files (CSV and JSON; the format is in docs/import-format.md).

Parsing never touches the database beyond resolving personnummer to the
provider's assistants and clients; every bad row is reported with its line
number, field and a Swedish reason, and nothing is saved from a file that
has any refused row."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from assistans import identity
from assistans.models import Assistant, Client, Provider

from .rules import model as m
from .rules.timeutil import LocalTimeError, make_aware, minutes_between
from .services import ShiftData, segments_fit

REQUIRED = ("assistant", "client", "start", "end")
OPTIONAL = ("kind", "double", "note", "segments", "status")
KINDS = {
    "active": m.Kind.ACTIVE,
    "aktiv": m.Kind.ACTIVE,
    "aktiv tid": m.Kind.ACTIVE,
    "waiting": m.Kind.WAITING,
    "väntetid": m.Kind.WAITING,
    "vantetid": m.Kind.WAITING,
    "jour": m.Kind.WAITING,
    "standby": m.Kind.STANDBY,
    "beredskap": m.Kind.STANDBY,
}
TRUE = {"1", "true", "ja", "yes", "j", "x"}
FALSE = {"", "0", "false", "nej", "no", "n"}
_TIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::00)?\s*(Z|[+-]\d{2}:?\d{2})?$")


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class ParsedRow:
    line: int
    data: ShiftData


class FileError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, raw mapping) for each row; the format follows the suffix."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileError(f"Filen är inte giltig JSON (rad {exc.lineno}): {exc.msg}") from exc
        rows = payload.get("shifts") if isinstance(payload, dict) else payload
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise FileError('JSON-filen ska vara en lista med pass, eller {"shifts": [...]}.')
        # JSON rows are numbered by their position (1 = the first shift).
        return list(enumerate(rows, start=1))
    if path.suffix.lower() not in (".csv", ".txt"):
        raise FileError("Okänt filformat: använd .csv eller .json.")
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise FileError(f"Kolumn saknas i rubrikraden: {', '.join(missing)}.")
    # Line 1 is the header, so the first data row is line 2.
    return [(index, row) for index, row in enumerate(reader, start=2)]


def parse_instant(value: str) -> datetime:
    """'YYYY-MM-DD HH:MM' in Swedish local time, or with an explicit offset
    ('2026-10-25 02:30+01:00') for a time that occurs twice (T2)."""
    match = _TIME_RE.match((value or "").strip())
    if not match:
        raise ValueError("Ange tid som ÅÅÅÅ-MM-DD TT:MM, t.ex. 2026-03-05 14:00.")
    day_text, hour, minute, offset = match.groups()
    try:
        day = date.fromisoformat(day_text)
        clock = time(int(hour), int(minute))
    except ValueError as exc:
        raise ValueError("Datumet eller klockslaget finns inte.") from exc
    if offset:
        try:
            instant = datetime.fromisoformat(f"{day_text}T{int(hour):02d}:{minute}{offset.replace('Z', '+00:00')}")
        except ValueError as exc:
            raise ValueError("Tidszonen ska anges som +01:00 eller +02:00.") from exc
        # The offset must be one Sweden actually used at that wall time.
        local = instant.astimezone(m.STOCKHOLM)
        if (local.date(), local.time()) != (day, clock):
            raise ValueError(f"{day_text} {clock:%H:%M} med {offset} är inte en svensk lokal tid.")
        return instant.astimezone(UTC)
    try:
        return make_aware(day, clock)
    except LocalTimeError as exc:
        raise ValueError(exc.message) from exc


def parse_segments(value, total_minutes: int) -> list:
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(";") if p.strip()]
        pairs = []
        for part in parts:
            offset, _sep, kind = part.partition("=")
            pairs.append([offset.strip(), kind.strip()])
    elif isinstance(value, list):
        pairs = value
    else:
        raise ValueError("Ange delar som 0=aktiv;840=väntetid.")
    segments = []
    for offset, kind in pairs:
        try:
            minutes = int(offset)
        except (TypeError, ValueError) as exc:
            raise ValueError("Delarnas start anges i minuter från passets start, t.ex. 0=aktiv;840=väntetid.") from exc
        if str(kind).lower() not in KINDS:
            raise ValueError(f"Okänd typ av tid: {kind}.")
        segments.append([minutes, KINDS[str(kind).lower()].value])
    if not segments_fit(segments, total_minutes):
        raise ValueError("Delarna ska börja på 0, öka och ligga inom passet.")
    return segments


def parse_rows(rows: list[tuple[int, dict]], provider: Provider) -> tuple[list[ParsedRow], list[RowError]]:
    assistants = dict(Assistant.objects.filter(provider=provider).values_list("personal_number", "id"))
    clients = dict(Client.objects.filter(provider=provider).values_list("personal_number", "id"))
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    for line, raw in rows:
        row_errors: list[RowError] = []

        def field(name: str, raw=raw, line=line, row_errors=row_errors):
            value = raw.get(name)
            if value is None or str(value).strip() == "":
                row_errors.append(RowError(line, name, f"Fältet {name} saknas."))
            return value

        unknown = set(raw) - set(REQUIRED) - set(OPTIONAL)
        if unknown:
            row_errors.append(RowError(line, sorted(unknown)[0], f"Okänt fält: {', '.join(sorted(unknown))}."))
        ids = {}
        for name, registry, label in (("assistant", assistants, "assistent"), ("client", clients, "brukare")):
            value = field(name)
            if value in (None, ""):
                continue
            try:
                number = identity.parse_personal_number(str(value)).normalized
            except identity.InvalidNumber as exc:
                row_errors.append(RowError(line, name, exc.message))
                continue
            if number not in registry:
                row_errors.append(
                    RowError(line, name, f"Ingen {label} med personnummer {identity.mask(number)} hos anordnaren.")
                )
                continue
            ids[name] = registry[number]
        instants = {}
        for name in ("start", "end"):
            value = field(name)
            if value in (None, ""):
                continue
            try:
                instants[name] = parse_instant(str(value))
            except ValueError as exc:
                row_errors.append(RowError(line, name, str(exc)))
        kind_text = str(raw.get("kind") or "active").strip().lower()
        if kind_text not in KINDS:
            row_errors.append(
                RowError(line, "kind", f"Okänd typ av tid: {raw.get('kind')} (aktiv, väntetid, beredskap).")
            )
        double_text = str(raw.get("double") if raw.get("double") is not None else "").strip().lower()
        if double_text not in TRUE | FALSE and not isinstance(raw.get("double"), bool):
            row_errors.append(RowError(line, "double", "Dubbelassistans anges som ja eller nej."))
        segments: list = []
        if "start" in instants and "end" in instants:
            if instants["end"] <= instants["start"]:
                row_errors.append(RowError(line, "end", "Passets slut måste ligga efter dess start."))
            else:
                total = minutes_between(instants["start"], instants["end"])
                try:
                    segments = parse_segments(raw.get("segments"), total)
                except ValueError as exc:
                    row_errors.append(RowError(line, "segments", str(exc)))
        if row_errors:
            errors.extend(row_errors)
            continue
        double = raw.get("double") if isinstance(raw.get("double"), bool) else double_text in TRUE
        parsed.append(
            ParsedRow(
                line,
                ShiftData(
                    assistant_id=ids["assistant"],
                    client_id=ids["client"],
                    start=instants["start"],
                    end=instants["end"],
                    kind=KINDS[kind_text].value,
                    segments=segments,
                    double=double,
                    status=str(raw.get("status") or "planned"),
                    note=str(raw.get("note") or "")[:500],
                ),
            )
        )
    return parsed, errors
