"""The schablonbelopp 2012-2026 (../shared/domain/rates.csv, FAss 5 §). Frozen
here as data; later years are added in admin (R1)."""

from decimal import Decimal

from django.db import migrations

RATES = [
    (2012, "267.00", "2011:790"), (2013, "275.00", "2012:531"), (2014, "280.00", "2013:723"),
    (2015, "284.00", "2014:1311"), (2016, "288.00", "2015:556"), (2017, "291.00", "2016:870"),
    (2018, "295.40", "2017:891"), (2019, "299.80", "2018:1750"), (2020, "304.30", "2019:576"),
    (2021, "315.00", "2020:791"), (2022, "319.70", "2021:880"), (2023, "324.50", "2022:1541"),
    (2024, "332.60", "2023:578"), (2025, "342.60", "2024:999"), (2026, "347.70", "2025:1045"),
]


def load(apps, schema_editor):
    StandardRate = apps.get_model("billing", "StandardRate")
    for year, amount, sfs in RATES:
        StandardRate.objects.update_or_create(
            year=year, defaults={"amount": Decimal(amount), "amending_sfs": sfs, "source": "FAss 5 §"}
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
