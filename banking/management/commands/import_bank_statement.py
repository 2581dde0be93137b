"""Import a CODA or CAMT.053 bank statement file.

Prints exactly one JSON object on stdout: ``{"movements": n, "posted": n, "duplicates": n,
"unmatched": n}`` (public interface). A malformed file is rejected whole: non-zero exit status,
the record (line) or element at fault on stderr, nothing saved.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from banking.parsers import parse_statement_file
from banking.services import statement_import


class Command(BaseCommand):
    help = "Importe un extrait bancaire CODA ou CAMT.053 et affiche un résumé JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CODA ou CAMT.053")
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="Organisation destinataire (par défaut : celle du compte de l'extrait).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Impossible de lire {path} : {exc.strerror or exc}") from exc
        try:
            parsed = parse_statement_file(content)
            organisation = self._organisation(options.get("organisation"), parsed)
            result = statement_import(
                organisation=organisation, content=content, file_name=path.name, by=None
            )
        except ValidationError as exc:
            raise CommandError(f"{path.name} refusé : {' '.join(exc.messages)}") from exc
        if result.already_imported_at is not None:
            self.stderr.write(result.already_imported_message())
        for warning in result.warnings:
            self.stderr.write(warning)
        self.stdout.write(json.dumps(result.summary))

    def _organisation(self, slug: str | None, parsed) -> Organisation:
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise CommandError(f"Organisation inconnue : {slug}")
            return organisation
        ibans = {s.account_iban for s in parsed.statements}
        found = set(
            Organisation.objects.filter(cases__account__iban__in=ibans).values_list("pk", flat=True)
        ) | set(
            Organisation.objects.filter(cases__account_iban__in=ibans).values_list("pk", flat=True)
        )
        if len(found) == 1:
            return Organisation.objects.get(pk=found.pop())
        if not found and Organisation.objects.count() == 1:
            return Organisation.objects.get()
        raise CommandError(
            "Précisez l'organisation (--organisation SLUG) : le compte de l'extrait ne la "
            "désigne pas à lui seul."
        )
