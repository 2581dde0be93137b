"""``manage.py plan_preview REFERENCE --monthly AMOUNT --months N --start YYYY-MM-DD --basis
amicable|judicial_1675_12|judicial_1675_13 [--organisation SLUG]``: the plan the case's admitted
claims would get, printed as ONE JSON object, without saving anything (docs/plan-rules.md).

It goes through ``plans.services.check_plan``, the check and computation behind the plan
screens (same engine, same rules: equality, reasoned ranks, the legal basis' remission, the
seven years). The fee provision is the fee engine's estimate over the plan
(``plans.estimates.fee_estimate``, the form's "Estimer" button), zero when it cannot be made.
Creditors are named by their key in the case bundle (``bundles.exporter.creditor_keys``).
The net proceeds of the case's asset sales dated inside the plan are its one-off sums
(``plans.selectors.sale_one_offs``); a sale before the start is in the opening balance.

Output::

    {"basis", "months", "distributed", "fees_reserved",
     "creditors": [{"key", "name", "admitted", "rank", "non_remissible", "paid", "remitted"}]}

``distributed``: the dividends the plan pays the creditors; ``fees_reserved``: what it keeps for
the fees; amounts are strings with two decimals. Bad arguments: a message on stderr, exit code
non-zero, no traceback.
"""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from bundles.exporter import creditor_keys
from cases.models import Case, PlanBasis
from core.money import CENT
from plans import engine, estimates, selectors
from plans.models import OneOffKind, PlanKind
from plans.services import OneOffData, PlanData, check_plan

BASES = (PlanBasis.AMICABLE, PlanBasis.JUDICIAL_1675_12, PlanBasis.JUDICIAL_1675_13)


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise CommandError(f"--monthly : montant invalide « {text} » (ex. 450.00).") from None
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise CommandError(f"--monthly : montant invalide « {text} » (>= 0, deux décimales).")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--start : date invalide « {text} » (AAAA-MM-JJ).") from None


def _case(reference: str, slug: str | None) -> Case:
    cases = Case.objects.filter(reference=reference).select_related("organisation")
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
    return found[0]


def _refusal(errors: dict[str, list[str]]) -> CommandError:
    lines = [f"{key} : {message}" for key, messages in errors.items() for message in messages]
    return CommandError("Plan refusé :\n" + "\n".join(lines))


class Command(BaseCommand):
    help = "Aperçu du plan d'un dossier (JSON), sans rien enregistrer."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="la référence du dossier")
        parser.add_argument("--monthly", required=True, help="disponible mensuel (ex. 450.00)")
        parser.add_argument("--months", required=True, type=int, help="durée en mois")
        parser.add_argument("--start", required=True, help="début du plan (AAAA-MM-JJ)")
        parser.add_argument("--basis", required=True, choices=[str(b) for b in BASES])
        parser.add_argument("--organisation", help="identifiant (slug) de l'organisation")

    def handle(self, *args, **options):
        monthly = _amount(options["monthly"])
        start = _day(options["start"])
        months = options["months"]
        if months < 1:
            raise CommandError("--months : au moins 1 mois.")
        basis = options["basis"]
        case = _case(options["reference"], options.get("organisation"))
        # The net proceeds of the asset sales dated inside the plan are one-off sums of it;
        # those posted before the start are already in the account's balance at the start
        # (docs/plan-rules.md, 3): not counted twice.
        end = engine.add_months(start, min(months, engine.MAX_DURATION_MONTHS))
        one_offs = [
            OneOffData(
                received_on=sale.date,
                amount=sale.amount,
                kind=OneOffKind.ASSET_SALE,
                label=sale.label,
            )
            for sale in selectors.sale_one_offs(case, start, end)
        ]
        data = PlanData(
            kind=PlanKind.AMICABLE if basis == PlanBasis.AMICABLE else PlanKind.JUDICIAL,
            start_date=start,
            duration_months=months,
            monthly_available=monthly,
            legal_basis=basis,
            one_offs=one_offs,
        )
        checked = check_plan(case=case, data=data)
        if checked.errors and set(checked.errors) != {"legal_basis"}:
            raise _refusal(checked.errors)
        estimate = estimates.fee_estimate(
            case=case, terms=checked.terms, allowance=estimates.ALLOWANCE_MONTHLY
        )
        if estimate.amount:
            checked = check_plan(case=case, data=replace(data, fee_provision=estimate.amount))
        if checked.errors:
            raise _refusal(checked.errors)
        result = checked.result
        keys = creditor_keys(case)
        ids = checked.basis.creditor_ids
        creditors = []
        for creditor in result.creditors:
            ranks = [r.rank for r in creditor.lines]
            creditors.append(
                {
                    "key": keys.get(ids[creditor.creditor_key], creditor.creditor_key),
                    "name": creditor.name,
                    "admitted": _money(creditor.admitted),
                    "rank": selectors.rank_code(min(ranks, key=list(engine.Rank).index)),
                    "non_remissible": creditor.non_remissible,
                    "paid": _money(creditor.paid),
                    "remitted": _money(creditor.remitted),
                }
            )
        payload = {
            "basis": basis,
            "months": months,
            "distributed": _money(result.to_creditors),
            "fees_reserved": _money(result.fees),
            "creditors": creditors,
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
