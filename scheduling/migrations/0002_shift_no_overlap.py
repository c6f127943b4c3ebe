"""H1 on PostgreSQL: one assistant cannot have two overlapping shifts. The
recording service checks first (with a clear message); this constraint makes
sure two concurrent entries cannot both slip past the check."""

from django.db import migrations


def add_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        schema_editor.execute(
            "ALTER TABLE scheduling_shift ADD CONSTRAINT shift_no_overlap_per_assistant "
            "EXCLUDE USING gist (assistant_id WITH =, tstzrange(start, \"end\", '[)') WITH &&)"
        )


def drop_exclusion(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE scheduling_shift DROP CONSTRAINT IF EXISTS shift_no_overlap_per_assistant")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(add_exclusion, drop_exclusion)]
