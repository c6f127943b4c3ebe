"""PostgreSQL backs the "no overlapping decisions per client and payer" rule
with an exclusion constraint; SQLite relies on Decision.clean(). The known
personal-assistance agreements are seeded so providers can pick one."""

from django.db import migrations

EXCLUSION = (
    "ALTER TABLE assistans_decision ADD CONSTRAINT decision_no_overlap_per_payer "
    "EXCLUDE USING gist (client_id WITH =, payer WITH =, daterange(start, \"end\", '[]') WITH &&)"
)

AGREEMENTS = [
    ("vardforetagarna-pa", "Vårdföretagarna–Kommunal, personlig assistans", 6, "vardforetagarna"),
    ("fremia-pa", "Fremia–Kommunal, personlig assistans", 6, "atl"),
    ("skr-sobona-pan", "SKR/Sobona–Kommunal, PAN (Bilaga J)", 6, "pan"),
]


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.execute(EXCLUSION)


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE assistans_decision DROP CONSTRAINT IF EXISTS decision_no_overlap_per_payer"
        )


def seed_agreements(apps, schema_editor):
    CollectiveAgreement = apps.get_model("assistans", "CollectiveAgreement")
    for code, name, months, profile in AGREEMENTS:
        CollectiveAgreement.objects.get_or_create(
            code=code, defaults={"name": name, "max_period_months": months, "default_rest_profile": profile}
        )


class Migration(migrations.Migration):
    dependencies = [("assistans", "0001_initial")]

    operations = [
        migrations.RunPython(add_exclusion, drop_exclusion),
        migrations.RunPython(seed_agreements, migrations.RunPython.noop),
    ]
