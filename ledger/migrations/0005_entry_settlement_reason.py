"""Issue 17: after the closure or revocation of the case, the journal accepts only the final
settlement entries, each with its reason (``Entry.settlement_reason``).

The column is added with ``ALTER TABLE … ADD COLUMN`` on both databases: on SQLite Django would
rebuild ``ledger_entry`` to add a NOT NULL column, and the rebuilt table would lose the
append-only triggers of 0002. The rule itself is a trigger, as the journal's other rules are:
an entry valued after the decision that closed or revoked the case (``cases_case.closure_date``,
status ``closed`` or ``revoked``) without a reason is refused. ``ledger.services`` gives the
clear message first (``_after_closure_errors``); the database has the last word.
"""

from django.db import migrations, models
from django.db.utils import NotSupportedError

ADD_COLUMN = (
    "ALTER TABLE ledger_entry ADD COLUMN settlement_reason varchar(255) NOT NULL DEFAULT ''"
)
DROP_COLUMN = "ALTER TABLE ledger_entry DROP COLUMN settlement_reason"

POSTGRES_FORWARD = r"""
CREATE OR REPLACE FUNCTION ledger_entry_after_closure() RETURNS trigger AS $$
DECLARE
    ended date;
BEGIN
    SELECT c.closure_date INTO ended
      FROM ledger_account a JOIN cases_case c ON c.id = a.case_id
     WHERE a.id = NEW.account_id AND c.status IN ('closed', 'revoked');
    IF ended IS NOT NULL AND NEW.value_date > ended AND btrim(NEW.settlement_reason) = '' THEN
        RAISE EXCEPTION 'ledger: the case was closed or revoked on %: only final settlement '
            'entries with their reason are posted', ended USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_after_closure BEFORE INSERT ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_after_closure();
"""

POSTGRES_BACKWARD = r"""
DROP TRIGGER IF EXISTS ledger_entry_after_closure ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_entry_after_closure();
"""

SQLITE_FORWARD = """
CREATE TRIGGER ledger_entry_after_closure BEFORE INSERT ON ledger_entry
WHEN trim(NEW.settlement_reason) = '' AND EXISTS (
    SELECT 1 FROM ledger_account AS a JOIN cases_case AS c ON c.id = a.case_id
     WHERE a.id = NEW.account_id
       AND c.status IN ('closed', 'revoked')
       AND c.closure_date IS NOT NULL
       AND NEW.value_date > c.closure_date
)
BEGIN
    SELECT RAISE(ABORT, 'ledger: the case was closed or revoked: only final settlement entries with their reason are posted');
END
"""  # noqa: E501

SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS ledger_entry_after_closure"


def _unsupported(vendor):
    return NotSupportedError(
        f"ledger: the journal's rules exist as triggers for PostgreSQL and SQLite only, not for "
        f"{vendor!r}; refusing to migrate a database that would not enforce them."
    )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)  # "%" is plpgsql, not a placeholder
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    else:
        raise _unsupported(vendor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)
    else:
        raise _unsupported(vendor)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("ledger", "0004_account_iban_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_COLUMN, DROP_COLUMN)],
            state_operations=[
                migrations.AddField(
                    model_name="entry",
                    name="settlement_reason",
                    field=models.CharField(
                        blank=True, max_length=255, verbose_name="motif du règlement final"
                    ),
                ),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
