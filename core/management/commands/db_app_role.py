"""``manage.py db_app_role``: create or update, as the owner of the schema, the PostgreSQL role
the application connects as (README.md, "Database roles"); run it after ``migrate``."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.db_roles import RoleError, app_role_apply


class Command(BaseCommand):
    help = (
        "Create or update the application's PostgreSQL role (by default the user of "
        "DATABASE_URL, with its password): SELECT, INSERT, UPDATE, DELETE on the tables, "
        "USAGE on the sequences, and the same by default on future ones; it owns nothing. Run "
        "it connected as the owner (--database owner, from MIGRATION_DATABASE_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            default="owner" if "owner" in settings.DATABASES else "default",
            help="The connection of the schema's owner (default: 'owner' when "
            "MIGRATION_DATABASE_URL is set).",
        )
        parser.add_argument("--role", default="", help="Default: the user of DATABASE_URL.")
        parser.add_argument(
            "--password", default=None, help="Default: the password of DATABASE_URL."
        )

    def handle(self, *args, database, role, password, **options):
        app = settings.DATABASES["default"]
        role = role or app.get("USER") or ""
        if password is None and role == app.get("USER"):
            password = app.get("PASSWORD") or None
        try:
            applied = app_role_apply(connections[database], role, password=password)
        except RoleError as exc:
            raise CommandError(str(exc)) from exc
        for sql in applied:
            self.stdout.write(sql)
        self.stdout.write(self.style.SUCCESS(f"Role {role!r} ready: it owns nothing."))
