"""The standard rates as plain data, read from the ``rates.csv`` format (R1).

``billing.calculations.DEFAULT_RATES`` carries the same figures as Decimal
literals; a test keeps the two equal. No Django, no file I/O of its own: the
caller opens the file.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation


def parse_rates_csv(text: str) -> dict[int, Decimal]:
    """``year,schablonbelopp_sek_per_hour,...`` rows → ``{year: Decimal}``."""
    rates: dict[int, Decimal] = {}
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            year = int(row["year"])
            rate = Decimal(row["schablonbelopp_sek_per_hour"].strip())
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise ValueError(f"rates.csv line {line}: {row!r}") from exc
        if year in rates:
            raise ValueError(f"rates.csv line {line}: {year} appears twice")
        rates[year] = rate
    return rates
