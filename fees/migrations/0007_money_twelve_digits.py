"""The registered postage of a service is a euro amount like the others: numeric(12, 2)
(``core.fields.MoneyField``; it was numeric(8, 2), so a postage the importer or the plans
accepted could overflow the column).

On PostgreSQL the column is widened in place (the triggers of 0005 are plpgsql functions that
do not depend on the column's type). On SQLite there is nothing to change — a "decimal" column
has no digits — and Django's ``AlterField`` would remake the table, silently dropping the
``fees_service_taxed_*`` triggers of 0005: the change is made to the migration state only.
"""

from django.db import migrations, models

WIDEN = 'ALTER TABLE "fees_service" ALTER COLUMN "registered_postage" TYPE numeric(12, 2)'
NARROW = 'ALTER TABLE "fees_service" ALTER COLUMN "registered_postage" TYPE numeric(8, 2)'


def widen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WIDEN)


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NARROW)


class Migration(migrations.Migration):
    dependencies = [
        ("fees", "0006_load_legal_amounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="service",
                    name="registered_postage",
                    field=models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        verbose_name="port recommandé",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(widen, narrow)],
        ),
    ]
