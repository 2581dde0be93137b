"""What the annual report *says* about the plan's execution, derived from the figures (issue 12:
the report must never say "the plan is executed as scheduled" beside a creditor paid beyond its
claim or in arrears; ``docs/court-documents.md``).

Pure: plain facts in (computed by ``reports.selectors.annual_report`` as of the period's last
day), sentences out. "Executed as scheduled" is said only when the plan could be followed and
nothing contradicts it: no arrears, no creditor paid beyond its claim, no dividend outside the
plan.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from core.dates import format_date
from core.money import format_eur as _format_eur

from .court_checks import CreditorPaid


def format_eur(amount: Decimal) -> str:
    """An amount in the language the sentences are written in (€ 1.800,00 in Dutch)."""
    return _format_eur(amount, translation.get_language() or "fr")


ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ExecutionFacts:
    as_of: date
    plan_in_force: bool  # a plan approved by the court by ``as_of``
    monitored: bool  # its schedule could be computed and compared with the payments
    shortfall: Decimal = ZERO  # dividends due and not paid (plans.engine.Monitoring)
    overpaid: tuple[CreditorPaid, ...] = ()
    outside_plan: Decimal = ZERO  # dividends paid to creditors the plan does not include
    closing_balance: Decimal | None = None  # the account's balance on ``as_of``
    reserve: Decimal = ZERO


@dataclass(frozen=True)
class Sentence:
    text: str
    alert: bool = False  # printed in bold: something the court must notice


def execution_sentences(facts: ExecutionFacts) -> list[Sentence]:
    sentences: list[Sentence] = []
    overpaid = [c for c in facts.overpaid if c.beyond > ZERO]
    for creditor in overpaid:
        sentences.append(
            Sentence(
                _(
                    "%(name)s a reçu %(paid)s de dividendes pour une créance de %(ceiling)s : "
                    "%(beyond)s ont été payés au-delà de sa créance."
                )
                % {
                    "name": creditor.name,
                    "paid": format_eur(creditor.paid),
                    "ceiling": format_eur(creditor.ceiling),
                    "beyond": format_eur(creditor.beyond),
                },
                alert=True,
            )
        )
    if facts.plan_in_force:
        if not facts.monitored:
            sentences.append(
                Sentence(
                    _("L'exécution du plan n'a pas pu être vérifiée au %(date)s.")
                    % {"date": format_date(facts.as_of)},
                    alert=True,
                )
            )
        if facts.shortfall > ZERO:
            sentences.append(
                Sentence(
                    _("Le plan accuse un retard de paiement de %(amount)s au %(date)s.")
                    % {"amount": format_eur(facts.shortfall), "date": format_date(facts.as_of)},
                    alert=True,
                )
            )
        if facts.outside_plan > ZERO:
            sentences.append(
                Sentence(
                    _("%(amount)s de dividendes ont été payés à des créanciers hors du plan.")
                    % {"amount": format_eur(facts.outside_plan)},
                    alert=True,
                )
            )
        if facts.monitored and not sentences:
            sentences.append(Sentence(_("Le plan est exécuté conformément à l'échéancier.")))
    if facts.closing_balance is not None:
        if facts.reserve > ZERO:
            text = _(
                "Le solde du compte de médiation au %(date)s est de %(balance)s, dont %(reserve)s "
                "réservés pour les frais et honoraires."
            )
        else:
            text = _("Le solde du compte de médiation au %(date)s est de %(balance)s.")
        sentences.append(
            Sentence(
                text
                % {
                    "date": format_date(facts.as_of),
                    "balance": format_eur(facts.closing_balance),
                    "reserve": format_eur(facts.reserve),
                }
            )
        )
    return sentences
