"""Database roles on PostgreSQL (issue 13): the application connects as a role that owns
nothing; the migrations run as the owner of the schema.

The application's role (``DATABASE_URL``) may SELECT, INSERT, UPDATE and DELETE rows and use
the sequences, nothing else: as it owns no table it cannot ALTER one, DROP one, disable a
trigger (the append-only audit trail, the ledger's journal) nor TRUNCATE one (not granted), and,
not being a superuser, cannot ``SET session_replication_role = replica`` (which would switch
every trigger off). On the append-only tables it may not even UPDATE or DELETE (their triggers
refuse it besides). The owner (``MIGRATION_DATABASE_URL``) runs ``migrate`` and then
``manage.py db_app_role``, which applies ``app_role_statements`` (README.md, "Database roles").
"""

from django.db.backends.base.base import BaseDatabaseWrapper

# Rows that are only ever added: the app's role gets neither UPDATE nor DELETE on them.
APPEND_ONLY_TABLES = ("audit_auditevent", "ledger_entry")


class RoleError(Exception):
    """The application's role cannot be set up as asked (message in English, for operators)."""


def quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def app_role_statements(
    connection: BaseDatabaseWrapper, role: str, *, password: str | None = None
) -> list[tuple[str, list]]:
    """The SQL (statement, parameters) that creates or updates ``role`` as the application's
    role in the database of ``connection`` (connected as the owner of the schema)."""
    if connection.vendor != "postgresql":
        raise RoleError(f"{connection.vendor} has no database roles: nothing to do.")
    owner = connection.settings_dict.get("USER") or ""
    if not role or role == owner:
        raise RoleError("The application's role must be another role than the owner's.")
    r = quote(connection, role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_user")
        database, current = cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        exists = cursor.fetchone() is not None
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
    statements: list[tuple[str, list]] = []
    # CREATE/ALTER ROLE take no bind parameters: the password goes in as a quoted literal.
    secret = " PASSWORD '" + password.replace("'", "''") + "'" if password else ""
    statements.append((f"{'ALTER' if exists else 'CREATE'} ROLE {r} {attributes}{secret}", []))
    statements += [
        (f"GRANT CONNECT ON DATABASE {quote(connection, database)} TO {r}", []),
        (f"GRANT USAGE ON SCHEMA public TO {r}", []),
        (f"REVOKE CREATE ON SCHEMA public FROM {r}", []),
        (f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}", []),
        (f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}", []),
        (f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}", []),
        (
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(connection, current)} IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
            [],
        ),
        (
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(connection, current)} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {r}",
            [],
        ),
    ]
    statements += [
        (f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(connection, table)} FROM {r}", [])
        for table in APPEND_ONLY_TABLES
    ]
    return statements


def app_role_owned_objects(connection: BaseDatabaseWrapper, role: str) -> int:
    """How many tables, sequences, views... of this database ``role`` owns (must be 0)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = %s",
            [role],
        )
        return cursor.fetchone()[0]


def app_role_apply(
    connection: BaseDatabaseWrapper, role: str, *, password: str | None = None
) -> list[str]:
    """Create or update the application's role; refuses a role that owns anything (it would
    keep the power to alter its tables) or that is a superuser afterwards."""
    statements = app_role_statements(connection, role, password=password)
    owned = app_role_owned_objects(connection, role)
    if owned:
        raise RoleError(
            f"The role {role!r} owns {owned} object(s) of this database: the application's "
            f"role must own nothing (ALTER ... OWNER TO the owner's role first)."
        )
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params or None)
    return [sql.split(" PASSWORD ")[0] for sql, _params in statements]
