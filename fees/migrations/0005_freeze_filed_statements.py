"""Database-enforced freeze of what the court received (issue 5, fees.md §8):

- a FILED fee statement can no longer be updated nor deleted (filing is the last update: the
  row goes from ``draft`` to ``filed`` once);
- the lines of a filed statement can no longer be inserted, updated nor deleted;
- a service marked ``taxed`` (it is in a filed statement) can no longer be updated nor deleted.

The services (``fees.services``) give the clear French message first; these triggers are the
last word, whatever writes to the database (admin, shell, another app).
"""

from django.db import migrations
from django.db.utils import NotSupportedError

POSTGRES_FORWARD = r"""
CREATE OR REPLACE FUNCTION fees_statement_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'filed' THEN
        RAISE EXCEPTION 'fees: a filed fee statement is frozen (% refused)', TG_OP
            USING ERRCODE = '23514';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER fees_statement_frozen BEFORE UPDATE OR DELETE ON fees_feestatement
    FOR EACH ROW EXECUTE FUNCTION fees_statement_frozen();

CREATE OR REPLACE FUNCTION fees_statement_line_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM fees_feestatement WHERE id = OLD.statement_id AND state = 'filed'
    ) THEN
        RAISE EXCEPTION 'fees: the lines of a filed fee statement are frozen (% refused)', TG_OP
            USING ERRCODE = '23514';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM fees_feestatement WHERE id = NEW.statement_id AND state = 'filed'
    ) THEN
        RAISE EXCEPTION 'fees: the lines of a filed fee statement are frozen (% refused)', TG_OP
            USING ERRCODE = '23514';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER fees_statement_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON fees_statementline
    FOR EACH ROW EXECUTE FUNCTION fees_statement_line_frozen();

CREATE OR REPLACE FUNCTION fees_service_taxed() RETURNS trigger AS $$
BEGIN
    IF OLD.taxed THEN
        RAISE EXCEPTION 'fees: a taxed service is frozen (% refused)', TG_OP
            USING ERRCODE = '23514';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER fees_service_taxed BEFORE UPDATE OR DELETE ON fees_service
    FOR EACH ROW EXECUTE FUNCTION fees_service_taxed();
"""

POSTGRES_BACKWARD = r"""
DROP TRIGGER IF EXISTS fees_statement_frozen ON fees_feestatement;
DROP TRIGGER IF EXISTS fees_statement_line_frozen ON fees_statementline;
DROP TRIGGER IF EXISTS fees_service_taxed ON fees_service;
DROP FUNCTION IF EXISTS fees_statement_frozen();
DROP FUNCTION IF EXISTS fees_statement_line_frozen();
DROP FUNCTION IF EXISTS fees_service_taxed();
"""

_FILED = "(SELECT state FROM fees_feestatement WHERE id = {side}.statement_id) = 'filed'"

SQLITE_FORWARD = [
    """
    CREATE TRIGGER fees_statement_no_update BEFORE UPDATE ON fees_feestatement
    WHEN OLD.state = 'filed'
    BEGIN
        SELECT RAISE(ABORT, 'fees: a filed fee statement is frozen');
    END
    """,
    """
    CREATE TRIGGER fees_statement_no_delete BEFORE DELETE ON fees_feestatement
    WHEN OLD.state = 'filed'
    BEGIN
        SELECT RAISE(ABORT, 'fees: a filed fee statement is frozen');
    END
    """,
    f"""
    CREATE TRIGGER fees_statement_line_no_insert BEFORE INSERT ON fees_statementline
    WHEN {_FILED.format(side="NEW")}
    BEGIN
        SELECT RAISE(ABORT, 'fees: the lines of a filed fee statement are frozen');
    END
    """,
    f"""
    CREATE TRIGGER fees_statement_line_no_update BEFORE UPDATE ON fees_statementline
    WHEN {_FILED.format(side="OLD")} OR {_FILED.format(side="NEW")}
    BEGIN
        SELECT RAISE(ABORT, 'fees: the lines of a filed fee statement are frozen');
    END
    """,
    f"""
    CREATE TRIGGER fees_statement_line_no_delete BEFORE DELETE ON fees_statementline
    WHEN {_FILED.format(side="OLD")}
    BEGIN
        SELECT RAISE(ABORT, 'fees: the lines of a filed fee statement are frozen');
    END
    """,
    """
    CREATE TRIGGER fees_service_taxed_no_update BEFORE UPDATE ON fees_service
    WHEN OLD.taxed
    BEGIN
        SELECT RAISE(ABORT, 'fees: a taxed service is frozen');
    END
    """,
    """
    CREATE TRIGGER fees_service_taxed_no_delete BEFORE DELETE ON fees_service
    WHEN OLD.taxed
    BEGIN
        SELECT RAISE(ABORT, 'fees: a taxed service is frozen');
    END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS fees_statement_no_update",
    "DROP TRIGGER IF EXISTS fees_statement_no_delete",
    "DROP TRIGGER IF EXISTS fees_statement_line_no_insert",
    "DROP TRIGGER IF EXISTS fees_statement_line_no_update",
    "DROP TRIGGER IF EXISTS fees_statement_line_no_delete",
    "DROP TRIGGER IF EXISTS fees_service_taxed_no_update",
    "DROP TRIGGER IF EXISTS fees_service_taxed_no_delete",
]


def _unsupported(vendor):
    # Any other database would not freeze what the court received: refuse rather than skip.
    return NotSupportedError(
        f"fees: the freeze of filed fee statements exists as triggers for PostgreSQL and SQLite "
        f"only, not for {vendor!r}; refusing to migrate a database that would not enforce it."
    )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)  # "%" is plpgsql, not a placeholder
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:
        raise _unsupported(vendor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)
    else:
        raise _unsupported(vendor)


class Migration(migrations.Migration):
    dependencies = [("fees", "0004_statements")]

    operations = [migrations.RunPython(forward, backward)]
