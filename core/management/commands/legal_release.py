"""``manage.py legal_release APP NAME``: write the next data release of an app's legal data
(the rows its shipped files add or correct since the last release) and its migration."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.migrations.loader import MigrationLoader

from core.legal_data import (
    ReleaseError,
    next_release_document,
    registered_legal_data,
    release_digest,
    release_text,
    releases_dir,
)

MIGRATION = """from django.db import migrations

from core.legal_data import ApplyLegalRelease


class Migration(migrations.Migration):
    dependencies = [("{app}", "{previous}")]

    # Legal data release {app}/data/releases/{release}.json (manage.py legal_release).
    operations = [
        ApplyLegalRelease(
            "{app}",
            "{release}",
            digest="{digest}",
        )
    ]
"""


class Command(BaseCommand):
    help = (
        "Write the next legal data release of APP (fees, budget): the rows its shipped JSON "
        "files add or correct since its last release, in APP/data/releases/NNNN_NAME.json, and "
        "the migration that applies it."
    )

    def add_arguments(self, parser):
        parser.add_argument("app_label")
        parser.add_argument("name", help="e.g. 2026 or correct_ris_2025")
        parser.add_argument("--description", default="", help="what the release brings")
        parser.add_argument("--dry-run", action="store_true", help="show it, write nothing")

    def handle(self, app_label, name, description, dry_run, **options):
        data = registered_legal_data().get(app_label)
        if data is None:
            known = ", ".join(sorted(registered_legal_data()))
            raise CommandError(f"{app_label}: no legal data (apps with legal data: {known}).")
        try:
            document = next_release_document(data, name)
        except ReleaseError as exc:
            raise CommandError(str(exc)) from exc
        if document is None:
            self.stdout.write(f"{app_label}: the shipped files equal the releases; nothing to do.")
            return
        document["description"] = description
        text = release_text(document)
        release = document["release"]
        leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes(app_label)
        if len(leaves) != 1:
            raise CommandError(f"{app_label}: merge its migrations first ({leaves}).")
        previous = leaves[0][1]
        number = int(previous[:4]) + 1
        migration = MIGRATION.format(
            app=app_label,
            previous=previous,
            release=release,
            digest=release_digest(json.loads(text)),
        )
        release_path = releases_dir(app_label) / f"{release}.json"
        migration_path = (
            releases_dir(app_label).parent.parent
            / "migrations"
            / f"{number:04d}_legal_release_{name}.py"
        )
        for model_name, part in document["models"].items():
            self.stdout.write(f"{model_name}: {len(part['rows'])} row(s)")
            for row in part["rows"]:
                self.stdout.write(f"  {json.dumps(row, ensure_ascii=False)}")
        if dry_run:
            self.stdout.write(f"Would write {release_path} and {migration_path}.")
            return
        release_path.write_text(text, encoding="utf-8")
        migration_path.write_text(migration, encoding="utf-8")
        self.stdout.write(f"Wrote {release_path} and {migration_path}.")
