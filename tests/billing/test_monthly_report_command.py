import io
import json
from datetime import date, time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from scheduling.models import Shift
from scheduling.rules.timeutil import make_aware

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(alice):
    for day in (3, 4, 5):
        Shift.objects.create(
            provider=alice.provider,
            assistant=alice.assistants[0],
            client=alice.clients[0],
            start=make_aware(date(2026, 3, day), time(8)),
            end=make_aware(date(2026, 3, day), time(16)),
        )
    return alice


@pytest.mark.parametrize("fmt", ["json", "csv", "pdf"])
def test_it_writes_the_months_files(march, tmp_path, fmt):
    call_command(
        "monthly_report",
        "--month",
        "2026-03",
        "--provider",
        str(march.provider.pk),
        "--format",
        fmt,
        "--out",
        str(tmp_path),
        stdout=io.StringIO(),
    )
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files
    if fmt == "json":
        data = json.loads((tmp_path / files[0]).read_text())
        assert data["claim"]["total_minutes"] == 24 * 60
        assert data["claim"]["amount"] == "8344.80"  # 24 h × 347,70
    elif fmt == "csv":
        text = (tmp_path / files[0]).read_text()
        assert text.count("\n") == 4  # header + three rows
    else:
        claim = next(p for p in tmp_path.iterdir() if "rakning" in p.name.lower() or "claim" in p.name.lower())
        text = " ".join(PdfReader(claim).pages[0].extract_text().split())
        assert "8 344,80 kr" in text.replace("\xa0", " ")
        assert len(files) == 3  # claim, one time report, the provider summary


def test_it_refuses_a_month_that_has_not_ended(march, tmp_path):
    with pytest.raises(CommandError, match="inte slut"):
        call_command(
            "monthly_report", "--month", "2099-03", "--provider", str(march.provider.pk), "--out", str(tmp_path)
        )


def test_it_refuses_a_malformed_month(march, tmp_path):
    with pytest.raises(CommandError):
        call_command("monthly_report", "--month", "mars", "--out", str(tmp_path))
