"""``manage.py import_case FILE [--organisation SLUG]``: create the case an
``rcd-case-bundle/1`` file describes, or nothing.

Prints the case reference. When the file is invalid in form or meaning it exits non-zero, names
every problem by its JSON path on standard error, and creates nothing (the organisation and the
mediator included)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bundles.importer import DEFAULT_ORGANISATION_SLUG, BundleInvalid, bundle_import, load_document


class Command(BaseCommand):
    help = "Importe un dossier au format rcd-case-bundle/1 (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="le fichier JSON du dossier")
        parser.add_argument(
            "--organisation",
            default=DEFAULT_ORGANISATION_SLUG,
            help="identifiant (slug) de l'organisation, créée si elle n'existe pas "
            f"(défaut : {DEFAULT_ORGANISATION_SLUG})",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
        try:
            case = bundle_import(
                document=load_document(raw), organisation_slug=options["organisation"]
            )
        except BundleInvalid as exc:
            lines = [f"{path}: dossier non importé, {len(exc.problems)} problème(s) :"]
            lines += [f"  {problem}" for problem in exc.problems]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(case.reference)
