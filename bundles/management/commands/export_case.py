"""``manage.py export_case REFERENCE [--organisation SLUG]``: print the case as an
``rcd-case-bundle/1`` document (UTF-8 JSON, indent 2, stable key order). Exits non-zero with a
clear message when the reference is unknown, or ambiguous without ``--organisation``."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from bundles.exporter import dumps, export_case
from cases.models import Case


class Command(BaseCommand):
    help = "Exporte un dossier au format rcd-case-bundle/1 (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="la référence du dossier")
        parser.add_argument("--organisation", help="identifiant (slug) de l'organisation")

    def handle(self, *args, **options):
        reference = options["reference"]
        cases = Case.objects.filter(reference=reference).select_related("organisation")
        slug = options.get("organisation")
        if slug:
            if not Organisation.objects.filter(slug=slug).exists():
                raise CommandError(f"Organisation inconnue : « {slug} ».")
            cases = cases.filter(organisation__slug=slug)
        found = list(cases.order_by("organisation__slug")[:50])
        if not found:
            where = f" dans l'organisation « {slug} »" if slug else ""
            raise CommandError(f"Aucun dossier n'a la référence « {reference} »{where}.")
        if len(found) > 1:
            slugs = ", ".join(c.organisation.slug for c in found)
            raise CommandError(
                f"La référence « {reference} » existe dans plusieurs organisations ({slugs}) : "
                "précisez --organisation."
            )
        text = dumps(export_case(found[0]))
        out = self.stdout._out
        if hasattr(out, "buffer"):  # a real stream: UTF-8 whatever the locale
            out.flush()
            out.buffer.write(text.encode("utf-8"))
            out.buffer.flush()
        else:
            self.stdout.write(text, ending="")
