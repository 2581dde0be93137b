"""``manage.py taxation REFERENCE --from YYYY-MM-DD --to YYYY-MM-DD [--organisation SLUG]
[--format json|pdf] [--output FILE] [--occasion CODE]``

Computes the fee statement of a case for the period ``[from, to)`` from the database and prints
its ``rcd-taxation/1`` JSON (or writes the PDF, marked "PROJET"). Nothing is filed nor saved.
Exits non-zero with a clear message for an unknown case, a reference found in several
organisations without ``--organisation``, an empty period, a date no tariff row covers...
"""

import json
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Case
from fees.engine import FeeEngineError
from fees.facts import compute_case_statement
from fees.models import Occasion
from fees.pdf import statement_filename, statement_pdf
from fees.services import build_statement


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date invalide « {value} » : attendu AAAA-MM-JJ.") from None


# A plan lasts at most seven years (art. 1675/10, § 6 and 1675/13, § 2 C. jud.); fees are taxed
# at the latest seven years after it ends. Without the plan's dates (the plans app is above
# fees), its latest end counts from the homologation, else from the admissibility.
PLAN_MAX_YEARS = 7
AFTER_PLAN_YEARS = 7


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def latest_period_end(case: Case) -> date:
    """The latest ``--to`` (exclusive) of a statement: the day after the case's closure, or
    seven years past the plan's latest end."""
    if case.closure_date:
        return case.closure_date + timedelta(days=1)
    start = case.homologation_date or case.admissibility_date
    return _years_after(start, PLAN_MAX_YEARS + AFTER_PLAN_YEARS)


def latest_reason(case: Case) -> str:
    if case.closure_date:
        return f"lendemain de la clôture du dossier ({case.closure_date.isoformat()})"
    return "sept ans après la fin la plus tardive du plan (sept ans au plus)"


class Command(BaseCommand):
    help = (
        "Calcule l'état de frais et honoraires d'un dossier pour la période [from, to) et "
        "l'imprime au format rcd-taxation/1 (ou écrit le PDF), sans rien enregistrer ni déposer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="Référence du dossier (unique dans l'organisation).")
        parser.add_argument("--from", dest="period_from", required=True, help="AAAA-MM-JJ, inclus")
        parser.add_argument("--to", dest="period_to", required=True, help="AAAA-MM-JJ, exclu")
        parser.add_argument("--organisation", help="Identifiant (slug) de l'organisation.")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument(
            "--output",
            help="Fichier de sortie (défaut : la sortie standard en JSON, "
            "etat-honoraires-<référence>-<du>-<au>.pdf en PDF).",
        )
        parser.add_argument(
            "--occasion",
            choices=Occasion.values,
            default=Occasion.ANNUAL_REPORT,
            help="Occasion imprimée sur le PDF (défaut : annual_report).",
        )

    def _emit(self, text: str) -> None:
        """Standard output in UTF-8 whatever the locale says (the JSON is UTF-8)."""
        stream = getattr(self.stdout, "_out", self.stdout)
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            self.stdout.write(text, ending="")
            return
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()

    def _case(self, reference: str, organisation: str | None) -> Case:
        cases = Case.objects.filter(reference=reference).select_related("organisation", "mediator")
        if organisation:
            cases = cases.filter(organisation__slug=organisation)
        found = list(cases.order_by("organisation__slug"))
        if not found:
            where = f" dans l'organisation « {organisation} »" if organisation else ""
            raise CommandError(f"Dossier inconnu : « {reference} »{where}.")
        if len(found) > 1:
            slugs = ", ".join(case.organisation.slug for case in found)
            raise CommandError(
                f"La référence « {reference} » existe dans plusieurs organisations ({slugs}) : "
                "précisez --organisation."
            )
        return found[0]

    def handle(self, *args, **options):
        case = self._case(options["reference"], options["organisation"])
        period_from = iso_date(options["period_from"])
        period_to = iso_date(options["period_to"])
        if period_to <= period_from:
            raise CommandError(
                f"Période invalide : --to ({period_to.isoformat()}, exclu) doit être postérieur "
                f"à --from ({period_from.isoformat()})."
            )
        latest = latest_period_end(case)
        if period_to > latest:
            raise CommandError(
                f"Période trop longue : --to ({period_to.isoformat()}) dépasse le "
                f"{latest.isoformat()}, {latest_reason(case)}."
            )
        try:
            computed = compute_case_statement(case, period_from, period_to)
        except FeeEngineError as exc:
            raise CommandError(str(exc)) from None
        output = options["output"]
        if options["format"] == "json":
            text = json.dumps(computed.to_json(), ensure_ascii=False, indent=2) + "\n"
            if output:
                Path(output).write_text(text, encoding="utf-8")
                self.stderr.write(f"État écrit dans {output} (rien n'est enregistré).")
            else:
                self._emit(text)
            return
        statement, lines = build_statement(
            case=case,
            computed=computed,
            occasion=options["occasion"],
            reason="",
            by=case.mediator,
        )
        path = Path(output or statement_filename(statement))
        path.write_bytes(statement_pdf(statement, lines))
        self._emit(f"PDF écrit dans {path} (projet, rien n'est enregistré ni déposé).\n")
