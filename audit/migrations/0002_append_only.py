"""The audit trail is append-only (issue 13), enforced by the database the way the ledger's
journal is (ledger 0002/0003): a trigger refuses every UPDATE and DELETE of ``audit_event``, on
PostgreSQL and on SQLite. On PostgreSQL the application's role can neither drop nor disable the
trigger nor TRUNCATE the table (it owns nothing: README.md, "Database roles"). Any other database
has no such trigger: migrating it is refused."""

from django.db import migrations
from django.db.utils import NotSupportedError

MESSAGE = "audit: the audit trail is append-only"

POSTGRES_FORWARD = f"""
CREATE OR REPLACE FUNCTION audit_event_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (%% refused)', TG_OP USING ERRCODE = '23514';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_immutable BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS audit_event_immutable ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_immutable();
"""

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE} (UPDATE refused)');
    END
    """,
    f"""
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE} (DELETE refused)');
    END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def _unsupported(vendor):
    return NotSupportedError(
        f"audit: the append-only audit trail exists as triggers for PostgreSQL and SQLite only, "
        f"not for {vendor!r}; refusing to migrate a database that would not enforce it."
    )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD.replace("%%", "%"), params=None)
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
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
