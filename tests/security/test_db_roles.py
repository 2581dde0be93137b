"""The application's database role owns nothing (issue 13): it cannot TRUNCATE, ALTER a table,
disable a trigger nor set ``session_replication_role``, and still does its normal work (rows
read, added, changed, deleted; the audit trail appended to). PostgreSQL only: the role is made
by ``manage.py db_app_role`` in the test database, then the test connects as that role."""

from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import errors

from audit.models import AuditAction
from audit.services import audit_record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="database roles exist on PostgreSQL only"
    ),
]

ROLE = "rcd_h_sec_audit_app_test"
PASSWORD = "app-role-test-password"


@pytest.fixture
def app_connection(world):
    out = StringIO()
    call_command("db_app_role", role=ROLE, password=PASSWORD, stdout=out)
    assert "owns nothing" in out.getvalue()
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=ROLE,
        password=PASSWORD,
        autocommit=True,
    )
    yield conn
    conn.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{ROLE}"')
        cursor.execute(f'DROP ROLE "{ROLE}"')


def refused(conn, sql, params=None) -> str:
    with pytest.raises(psycopg.Error) as info:
        conn.execute(sql, params)
    return str(info.value)


def test_the_app_role_cannot_truncate_alter_disable_triggers_nor_replicate(world, app_connection):
    conn = app_connection
    assert conn.execute("SELECT current_user").fetchone()[0] == ROLE
    for table in ("audit_auditevent", "ledger_entry", "cases_case"):
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(f"TRUNCATE {table} CASCADE")
    for sql in (
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_immutable",
        "ALTER TABLE ledger_entry DISABLE TRIGGER USER",
        "ALTER TABLE cases_case ADD COLUMN spare integer",
        "DROP TRIGGER audit_event_immutable ON audit_auditevent",
        "DROP TABLE audit_auditevent",
        "CREATE TABLE public.intruder (id integer)",
    ):
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(sql)
    with pytest.raises(errors.InsufficientPrivilege):
        conn.execute("SET session_replication_role = replica")
    assert conn.execute("SHOW session_replication_role").fetchone()[0] == "origin"
    owner_only = conn.execute(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles "
        "WHERE rolname = current_user"
    ).fetchone()
    assert owner_only == (False, False, False, False)
    owned = conn.execute(
        "SELECT count(*) FROM pg_class WHERE relowner = "
        "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
    ).fetchone()[0]
    assert owned == 0


def test_the_app_role_does_its_normal_work(world, app_connection):
    conn = app_connection
    audit_record(action=AuditAction.CASE_VIEWED, actor=world.mediator, case=world.case)
    # read
    reference = conn.execute(
        "SELECT reference FROM cases_case WHERE id = %s", [world.case.pk]
    ).fetchone()[0]
    assert reference == world.case.reference
    # change and delete ordinary rows
    conn.execute("UPDATE cases_case SET notes = 'changed' WHERE id = %s", [world.case.pk])
    world.case.refresh_from_db()
    assert world.case.notes == "changed"
    org_id = conn.execute(
        "INSERT INTO accounts_organisation "
        "(name, slug, kind, enterprise_number, address, phone, email, created_at) "
        "VALUES ('Temp', 'temp-app-role', 'law_firm', '', '', '', '', now()) RETURNING id"
    ).fetchone()[0]
    conn.execute("DELETE FROM accounts_organisation WHERE id = %s", [org_id])
    # append to the audit trail (its identity sequence included), never rewrite it
    conn.execute(
        "INSERT INTO audit_auditevent (at, action, actor_name, case_reference, object_type, "
        "object_id, object_label, changes, detail) "
        "VALUES (now(), 'case_viewed', 'app', '', '', '', '', '{}', 'by the app role')"
    )
    assert conn.execute(
        "SELECT count(*) FROM audit_auditevent WHERE detail = 'by the app role'"
    ).fetchone() == (1,)
    refused_update = refused(conn, "UPDATE audit_auditevent SET detail = 'rewritten'")
    refused_delete = refused(conn, "DELETE FROM audit_auditevent")
    assert "permission denied" in refused_update and "permission denied" in refused_delete


def test_a_role_owning_tables_is_refused(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="another role than the owner"):
        call_command("db_app_role", role=connection.settings_dict["USER"] or owner)
