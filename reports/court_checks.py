"""Nothing contradictory goes to court (issue 12; ``docs/court-documents.md``).

Before a plan, a fee statement or an annual report is filed, it is checked against the case's
data. The rules are pure functions over plain data (``CourtFacts``), each returning the
``documents.registry.Finding`` it makes; ``court_facts`` gathers those facts from the case
(claims, ledger, plan in force, last bank statement) and ``filing_check`` puts both together.
It is registered with ``documents.registry`` (``reports.apps``): the filing services of plans and
fees sit below this app and reach it through that registry, the annual report directly.

The rules:

- **a creditor paid beyond its claim** refuses the filing: a creditor is never paid beyond its
  (admitted) claim (issue 12, art. 1675/13 § 1 C.J.: the creditors share what is distributed
  pro rata of their claims). The ceiling and the dividends are those of the payment page,
  ``ledger.selectors.paid_vs_admitted`` (the claims' part: ``claims.selectors.claim_ceiling``:
  accepted claims that are not time-barred; a contested or pending claim counts for nothing);
- **plan arrears** are a warning: the court must read them (the mediator follows the plan's
  execution and reports on it, art. 1675/17 § 3 C.J.; domain/README.md, step 6), they are not a
  reason not to report;
- **a period not yet ended** (a fee statement whose period runs past today, an annual report
  filed before the anniversary that ends its follow-up year) is refused unless the mediator
  confirms the early filing explicitly (the fees are taxed on services performed, art. 1675/19
  § 2 C.J. and the royal decree of 18 December 1998; the report is filed at each anniversary,
  domain/README.md, step 6);
- **a journal that does not agree with the last bank statement** refuses the filing: the copy
  of the journal goes to the court with the report and is the basis of the taxation
  (domain/README.md, step 6 and "No fee may be collected before the judge has taxed it"). The
  last imported statement's closing balance is compared with the journal's balance at the
  statement's date;
- **a mortgage rank on an asset the applicant does not keep** (plans only; docs/plan-rules.md
  §1): a claim ranked ``mortgage`` secured on an asset sold (``mortgage_asset_sold``) or whose
  sale the court authorised (``mortgage_asset_sale``) refuses the filing: the rank is a
  preference on an asset the applicant keeps (art. 1675/13 §1 C.J.), the creditor secured on an
  asset sold is paid from its price (art. 1675/14bis C.J.); a ``mortgage`` rank that names no
  asset is a warning (``mortgage_asset_unnamed``): the court must be able to see which asset.
  The facts are ``assets.selectors.mortgage_ranks``.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from assets.selectors import MortgageRank, mortgage_ranks
from banking.selectors import last_statement_balance_of_case
from cases.models import Case
from core.dates import add_years, format_date
from core.money import format_eur
from documents.models import DocumentKind
from documents.registry import FilingCheck, Finding
from ledger.selectors import account_of, paid_vs_admitted, position_before
from plans import selectors as plan_selectors

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CreditorPaid:
    """What a creditor was paid in dividends, against the most it may receive."""

    creditor_id: int
    name: str
    ceiling: Decimal
    paid: Decimal

    @property
    def beyond(self) -> Decimal:
        return self.paid - self.ceiling


@dataclass(frozen=True)
class PlanArrears:
    version_number: int
    as_of: date
    shortfall: Decimal


@dataclass(frozen=True)
class BankBalance:
    statement_number: str
    closing_date: date
    closing_balance: Decimal
    journal_balance: Decimal  # the journal's balance at the end of ``closing_date``


@dataclass(frozen=True)
class CourtFacts:
    creditors: tuple[CreditorPaid, ...] = ()
    arrears: PlanArrears | None = None
    bank: BankBalance | None = None
    # the day from which the document's period has ended (exclusive end), when it has one
    period_over_on: date | None = None
    # the claims ranked ``mortgage`` and their assets (a plan's filing only)
    mortgages: tuple[MortgageRank, ...] = ()


# Pure rules ------------------------------------------------------------------------------------


def overpaid_message(c: CreditorPaid) -> str:
    values = {
        "name": c.name,
        "paid": format_eur(c.paid),
        "ceiling": format_eur(c.ceiling),
        "beyond": format_eur(c.beyond),
    }
    if c.ceiling <= ZERO:
        return (
            _(
                "%(name)s n'a aucune créance admise dans ce dossier et a reçu %(paid)s de "
                "dividendes : une créance contestée ou en attente ne reçoit rien tant qu'elle "
                "n'est pas admise. Corrigez les paiements (remboursement, contre-passation) ou "
                "admettez la créance avant de déposer."
            )
            % values
        )
    return (
        _(
            "%(name)s a reçu %(paid)s de dividendes pour %(ceiling)s de créances, soit "
            "%(beyond)s de trop : corrigez les paiements (remboursement, contre-passation) "
            "avant de déposer."
        )
        % values
    )


def overpayments(creditors: tuple[CreditorPaid, ...] | list[CreditorPaid]) -> list[Finding]:
    return [
        Finding(code="overpaid", blocking=True, message=overpaid_message(c))
        for c in creditors
        if c.beyond > ZERO
    ]


def arrears_finding(arrears: PlanArrears | None) -> list[Finding]:
    if arrears is None or arrears.shortfall <= ZERO:
        return []
    return [
        Finding(
            code="arrears",
            message=_(
                "Le plan (version %(n)s) accuse un retard de paiement de %(amount)s au %(date)s : "
                "le document déposé doit le dire."
            )
            % {
                "n": arrears.version_number,
                "amount": format_eur(arrears.shortfall),
                "date": format_date(arrears.as_of),
            },
        )
    ]


def early_finding(period_over_on: date | None, today: date) -> list[Finding]:
    if period_over_on is None or today >= period_over_on:
        return []
    return [
        Finding(
            code="period_not_ended",
            early=True,
            message=_(
                "La période n'est pas terminée (elle l'est le %(date)s) : cochez la confirmation "
                "pour déposer dès maintenant (demande du tribunal, fin du plan…)."
            )
            % {"date": format_date(period_over_on)},
        )
    ]


def reconciliation_finding(bank: BankBalance | None) -> list[Finding]:
    if bank is None or bank.closing_balance == bank.journal_balance:
        return []
    return [
        Finding(
            code="unreconciled",
            blocking=True,
            message=_(
                "Le livre-journal ne concorde pas avec le dernier extrait bancaire : solde de "
                "l'extrait n° %(number)s au %(date)s %(bank)s, solde du journal à cette date "
                "%(journal)s (écart %(gap)s). Importez les extraits manquants ou imputez les "
                "mouvements en attente."
            )
            % {
                "number": bank.statement_number or "—",
                "date": format_date(bank.closing_date),
                "bank": format_eur(bank.closing_balance),
                "journal": format_eur(bank.journal_balance),
                "gap": format_eur(bank.closing_balance - bank.journal_balance),
            },
        )
    ]


def mortgage_findings(mortgages: tuple[MortgageRank, ...] | list[MortgageRank]) -> list[Finding]:
    """A ``mortgage`` rank is a preference on an asset the applicant keeps (docs/plan-rules.md
    §1): refused on an asset sold or to be sold, a warning when no asset is named."""
    findings = []
    for m in mortgages:
        if m.sold_on is not None:
            findings.append(
                Finding(
                    code="mortgage_asset_sold",
                    blocking=True,
                    message=_(
                        "La créance de %(name)s a le rang « hypothèque sur un bien conservé » sur "
                        "%(asset)s, vendu le %(date)s : le créancier est payé sur le prix de vente "
                        "(art. 1675/14bis C.J.). Changez le rang de la créance avant de déposer."
                    )
                    % {"name": m.creditor, "asset": m.asset, "date": format_date(m.sold_on)},
                )
            )
        elif m.sale_authorised_on is not None:
            findings.append(
                Finding(
                    code="mortgage_asset_sale",
                    blocking=True,
                    message=_(
                        "La créance de %(name)s a le rang « hypothèque sur un bien conservé » sur "
                        "%(asset)s, dont la vente est autorisée (ordonnance du %(date)s, %(ref)s) "
                        ": le requérant ne le conserve pas. Changez le rang de la créance avant "
                        "de déposer."
                    )
                    % {
                        "name": m.creditor,
                        "asset": m.asset,
                        "date": format_date(m.sale_authorised_on),
                        "ref": m.sale_reference,
                    },
                )
            )
        elif not m.asset:
            findings.append(
                Finding(
                    code="mortgage_asset_unnamed",
                    message=_(
                        "La créance de %(name)s a le rang « hypothèque sur un bien conservé » sans "
                        "nommer le bien grevé : enregistrez le bien dans l'onglet « Patrimoine » "
                        "et choisissez-le dans la créance (champ « Bien grevé de l'hypothèque »)."
                    )
                    % {"name": m.creditor},
                )
            )
    return findings


def check(facts: CourtFacts, *, today: date) -> FilingCheck:
    """Every finding on ``facts``: refusals first, then what needs a confirmation, then the
    warnings."""
    findings = [
        *overpayments(facts.creditors),
        *reconciliation_finding(facts.bank),
        *early_finding(facts.period_over_on, today),
        *arrears_finding(facts.arrears),
        *mortgage_findings(facts.mortgages),
    ]
    return FilingCheck(tuple(findings))


# The facts of a case ---------------------------------------------------------------------------


def paid_against_ceilings(case: Case, *, before: date | None = None) -> tuple[CreditorPaid, ...]:
    """Per creditor paid a dividend (value-dated before ``before`` when given): the dividends
    paid (not reversed) against its ceiling, read from ``ledger.selectors.paid_vs_admitted``
    (the payment page's comparison: accepted claims that are not time-barred, at their admitted
    amounts; ``claims.selectors.claim_counts_toward_ceiling``). A creditor paid without an
    admitted claim has a ceiling of 0.00: every cent it received is beyond it."""
    return tuple(
        CreditorPaid(
            creditor_id=standing.creditor_id,
            name=standing.name,
            ceiling=standing.admitted,
            paid=standing.paid,
        )
        for standing in sorted(
            paid_vs_admitted(
                case,
                before=before,
                # read once a page with the plan's basis (``plans.selectors.computed_once``)
                claims=plan_selectors.basis_claims(case),
                paid=plan_selectors.dividends_paid_per_creditor(case, before=before),
            ).values(),
            key=lambda s: s.creditor_id,
        )
        if standing.paid > ZERO
    )


def plan_arrears(case: Case, as_of: date) -> PlanArrears | None:
    """The shortfall of the plan in force on ``as_of`` (the court's latest approved version)."""
    version = plan_selectors.approved_as_of(case, as_of)
    if version is None:
        return None
    _view, monitoring = plan_selectors.monitoring(version, as_of)
    if monitoring is None or not monitoring.behind:
        return None
    return PlanArrears(version.number, as_of, monitoring.shortfall)


def bank_balance(case: Case) -> BankBalance | None:
    # the last statement of the account's IBAN in one query; the account only when there is one
    last = last_statement_balance_of_case(case)
    if last is None:
        return None
    account = account_of(case)
    journal = position_before(account, last.closing_date + timedelta(days=1)).balance
    return BankBalance(
        statement_number=last.statement_number,
        closing_date=last.closing_date,
        closing_balance=last.closing_balance,
        journal_balance=journal,
    )


def follow_up_year_end(case: Case, day: date) -> date:
    """The anniversary of the admissibility order that ends the follow-up year holding ``day``
    (domain/README.md, "The life of a case": the admissibility date is the anniversary)."""
    k = 1
    while add_years(case.admissibility_date, k) <= day:
        k += 1
    return add_years(case.admissibility_date, k)


def period_over_on(case: Case, kind: str, period_end: date | None) -> date | None:
    """The day from which the document's period has ended: a fee statement's exclusive end; an
    annual report's follow-up year's end (a shorter report before it is an early one); a plan
    has no period."""
    if period_end is None or kind == DocumentKind.PLAN:
        return None
    if kind == DocumentKind.ANNUAL_REPORT:
        return max(period_end, follow_up_year_end(case, period_end - timedelta(days=1)))
    return period_end


def court_facts(
    case: Case, *, kind: str, today: date, period_end: date | None = None
) -> CourtFacts:
    """The facts the rules read: the arrears of an annual report are those at its period's
    last day (what it reports on), the others' at ``today``."""
    as_of = today
    if kind == DocumentKind.ANNUAL_REPORT and period_end is not None:
        as_of = min(today, period_end - timedelta(days=1))
    return CourtFacts(
        creditors=paid_against_ceilings(case),
        arrears=plan_arrears(case, as_of),
        bank=bank_balance(case),
        period_over_on=period_over_on(case, kind, period_end),
        mortgages=tuple(mortgage_ranks(case, claims=plan_selectors.basis_claims(case)))
        if kind == DocumentKind.PLAN
        else (),
    )


def filing_check(
    *,
    case: Case,
    kind: str,
    today: date,
    period_start: date | None = None,
    period_end: date | None = None,
) -> FilingCheck:
    """What filing a document of ``kind`` for ``[period_start, period_end)`` would meet."""
    facts = court_facts(case, kind=kind, today=today, period_end=period_end)
    return check(facts, today=today)
