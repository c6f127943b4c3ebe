"""CSV and JSON exports of month snapshots (docs/exports.md). No database."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from decimal import Decimal

import pytest

from billing.exports import (
    CSV_COLUMNS,
    MONTH_FORMAT,
    PROVIDER_FORMAT,
    month_csv,
    month_json,
    provider_csv,
    provider_json,
)
from tests.billing.snapshots import OTHER_PROVIDER, month_snapshot, provider_snapshots


@pytest.fixture(scope="module")
def snapshot() -> dict:
    return month_snapshot()


@pytest.fixture(scope="module")
def snapshots() -> list[dict]:
    return provider_snapshots()


def parse(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_month_csv_has_the_documented_header_and_one_line_per_row(snapshot):
    text = month_csv(snapshot)
    assert text.splitlines()[0] == ";".join(CSV_COLUMNS)
    assert text.endswith("\r\n")
    rows = parse(text)
    assert len(rows) == sum(len(tr["rows"]) for tr in snapshot["time_reports"])


def test_month_csv_totals_equal_the_snapshot(snapshot):
    rows = parse(month_csv(snapshot))
    by_kind = Counter()
    for row in rows:
        by_kind[row["kind"]] += int(row["minutes"])
    expected = Counter()
    for tr in snapshot["time_reports"]:
        expected.update(tr["minutes"])
    assert by_kind == expected
    claim, municipal = snapshot["claim"], snapshot["municipal"]
    assert sum(by_kind.values()) == claim["total_minutes"] + municipal["total_minutes"]
    by_payer = Counter()
    for row in rows:
        by_payer[row["payer"]] += int(row["minutes"])
    assert by_payer["fk"] == claim["total_minutes"]
    assert by_payer["municipality"] == municipal["total_minutes"]


def test_csv_hours_use_a_decimal_comma_and_agree_with_minutes(snapshot):
    for row in parse(month_csv(snapshot)):
        assert Decimal(row["hours"].replace(",", ".")) == (Decimal(row["minutes"]) / 60).quantize(Decimal("0.01"))
        assert "." not in row["hours"]


def test_csv_keeps_swedish_names_and_quotes_what_needs_it(snapshot):
    text = month_csv(snapshot)
    assert "Åsa Öberg" in text
    # An assistant's name with a comma stays one field.
    rows = parse(text)
    assert {r["assistant_name"] for r in rows} == {"Björn Ärlig", "Märta Ström", "Jönsson, Kalle-Åke"}
    assert {r["client_personal_number"] for r in rows} == {"19800412-1234"}


def test_csv_shows_the_dst_row_with_real_minutes(snapshot):
    dst = [r for r in parse(month_csv(snapshot)) if r["date"] == "2026-03-29" and r["start"] == "01:30"]
    assert len(dst) == 1
    assert dst[0]["end"] == "04:51"
    assert int(dst[0]["minutes"]) == 141  # 01:30-04:51 on the clock is 3 h 21 min, one hour less in real time


def test_provider_csv_holds_every_client(snapshots):
    rows = parse(provider_csv(snapshots))
    assert len(rows) == sum(len(tr["rows"]) for s in snapshots for tr in s["time_reports"])
    per_client = Counter()
    for row in rows:
        per_client[int(row["client_id"])] += int(row["minutes"])
    for s in snapshots:
        assert per_client[s["client"]["id"]] == s["claim"]["total_minutes"] + s["municipal"]["total_minutes"]


def test_month_json_round_trips(snapshot):
    data = json.loads(month_json(snapshot))
    assert data.pop("format") == MONTH_FORMAT
    assert data.pop("contains_personal_numbers") is True
    assert data == snapshot
    assert list(json.loads(month_json(snapshot)))[:2] == ["format", "contains_personal_numbers"]


def test_json_is_utf8_text_not_escapes(snapshot):
    assert "Åsa Öberg" in month_json(snapshot)


def test_provider_json_round_trips_with_totals(snapshots):
    data = json.loads(provider_json(snapshots))
    assert data["format"] == PROVIDER_FORMAT
    assert data["contains_personal_numbers"] is True
    assert data["month"] == "2026-03"
    assert data["clients"] == snapshots
    fk = sum(Decimal(s["claim"]["amount"]) for s in snapshots)
    municipal = sum(Decimal(s["municipal"]["amount"]) for s in snapshots)
    assert Decimal(data["totals"]["amount_fk"]) == fk
    assert Decimal(data["totals"]["amount_municipal"]) == municipal
    assert data["totals"]["total_minutes"] == sum(tr["total_minutes"] for s in snapshots for tr in s["time_reports"])
    assert [c["client_id"] for c in data["client_totals"]] == [s["client"]["id"] for s in snapshots]


def test_provider_json_refuses_mixed_providers(snapshots):
    other = month_snapshot(provider=OTHER_PROVIDER)
    with pytest.raises(ValueError):
        provider_json([snapshots[0], other])
    with pytest.raises(ValueError):
        provider_json([])
