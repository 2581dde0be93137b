"""An ESTIMATE of the fees over the plan, computed by the fee engine (``fees.engine``) on facts
built from the case and from the plan itself. It is only a proposal for the provision: the
mediator's fees are taxed by the judge on the journal, year after year (fees.md).

What is counted over the plan period ``[start, end)``:

- 2,3° follow-up forfait for each follow-up year (or part of it), on the case's creditors
  (time-barred ones excluded by the engine, paid-off ones per the division's policy);
- 2,2° one payment per creditor and per period that the plan pays a dividend (the schedule
  computed without fees: the fees hardly change who is paid when);
- 2,2° the living allowance, paid monthly by transfer, or by standing order (once per follow-up
  year), or not counted;
- the JustRestart fee at each anniversary (art. 6), and VAT when the mediator is registered.

Letters, hearings and other acts cannot be foreseen: they are not in the estimate.
"""

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases.models import Case
from claims.selectors import claims_table
from core.dates import format_date
from core.money import format_eur
from core.pricing import division_policy
from fees.engine import (
    CaseFacts,
    CreditorFacts,
    FeeEngineError,
    PaymentFacts,
    Statement,
    compute_statement,
)
from fees.selectors import tariff_table

from . import engine

ALLOWANCE_MONTHLY = "monthly"
ALLOWANCE_STANDING_ORDER = "standing_order"
ALLOWANCE_NONE = "none"


# What the estimate counted (kept as text by the plan version: plans.wording).
ESTIMATE_NOTE = gettext_noop(
    "Estimation du moteur d'honoraires pour la période du %(start)s au %(end)s "
    "(exclu) : %(dividends)s versements de dividendes, %(allowance)s versements du "
    "pécule ; %(detail)s ; TVA %(vat)s ; total %(total)s. Courriers, audiences et "
    "autres prestations non prévisibles ne sont pas compris."
)


@dataclass(frozen=True)
class FeeEstimate:
    amount: Decimal | None
    statement: Statement | None
    dividend_payments: int
    allowance_payments: int
    error: str = ""

    @property
    def note(self) -> str:
        """What the estimate counted, kept with the plan."""
        if self.statement is None:
            return ""
        by_article = ", ".join(
            f"{article} : {format_eur(amount)}"
            for article, amount in self.statement.subtotals.items()
        )
        return _(ESTIMATE_NOTE) % {
            "start": format_date(self.statement.period_from),
            "end": format_date(self.statement.period_to),
            "dividends": self.dividend_payments,
            "allowance": self.allowance_payments,
            "detail": by_article,
            "vat": format_eur(self.statement.vat),
            "total": format_eur(self.statement.total),
        }


def _dividend_payments(terms: engine.PlanTerms) -> list[PaymentFacts]:
    plain = replace(
        terms,
        fee_provision=Decimal("0.00"),
        lines=tuple(replace(line, share=None) for line in terms.lines),
    )
    result = engine.compute_plan(plain)
    payments = []
    for period in result.periods:
        paid = {}
        for line in terms.lines:
            if period.dividends.get(line.key):
                paid[line.creditor_key] = True
        for creditor_key in paid:
            payments.append(
                PaymentFacts(
                    id=f"plan-{period.period.index}-{creditor_key}",
                    date=period.period.last_day,
                    category="dividend",
                    amount=Decimal("1.00"),
                )
            )
    return payments


def _allowance_payments(terms: engine.PlanTerms, mode: str) -> list[PaymentFacts]:
    if mode == ALLOWANCE_NONE:
        return []
    return [
        PaymentFacts(
            id=f"allowance-{month}",
            date=engine.add_months(terms.start, month),
            category="living_allowance",
            amount=Decimal("1.00"),
            standing_order=mode == ALLOWANCE_STANDING_ORDER,
        )
        for month in range(terms.duration_months)
    ]


def fee_estimate(*, case: Case, terms: engine.PlanTerms, allowance: str) -> FeeEstimate:
    """The fee engine's statement over the plan period, on the plan's own payments."""
    try:
        dividends = _dividend_payments(terms)
    except engine.PlanInputError as exc:
        return FeeEstimate(None, None, 0, 0, error=" ".join(exc.args))
    allowance_payments = _allowance_payments(terms, allowance)
    table = claims_table(case)
    creditors = tuple(
        CreditorFacts(
            key=str(row.creditor.pk),
            name=row.creditor.name,
            all_claims_time_barred=row.all_time_barred,
            paid_off_on=row.paid_off_on,
        )
        for row in table.rows
    )
    facts = CaseFacts(
        reference=case.reference,
        admissibility_date=case.admissibility_date,
        follow_up_start=case.follow_up_start,
        closure_date=None,
        pricing_method=case.effective_pricing_method,
        excludes_paid_off_creditors=division_policy(case.division).excludes_paid_off_creditors,
        vat_registered=case.mediator.vat_registered,
        creditors=creditors,
        services=(),
        payments=(*dividends, *allowance_payments),
    )
    period_from: date = max(terms.start, case.admissibility_date)
    try:
        statement = compute_statement(facts, period_from, terms.end, tariff_table())
    except FeeEngineError as exc:
        return FeeEstimate(None, None, len(dividends), len(allowance_payments), error=str(exc))
    origins = [line.origin or "" for line in statement.lines]
    return FeeEstimate(
        amount=statement.total,
        statement=statement,
        dividend_payments=sum(1 for o in origins if o.startswith("payment:plan-")),
        allowance_payments=sum(1 for o in origins if o.startswith("payment:allowance-")),
    )
