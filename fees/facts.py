"""The one place where the facts of a case are read from the database for the fee engine.

``case_facts(case)`` builds the engine's :class:`~fees.engine.CaseFacts` (fees.md §3–§6) from:

- the claims (``claims.selectors.claims_table``): every creditor that declared at least one claim,
  once, with "all its claims time-barred" and its pay-off date (the latest ``paid_off_on`` when
  every claim of it taking part in the plan is paid off, fees.md §3);
- the billable services (``fees.models.Service``), with the mediator who performed each (4,3° is
  once per case *and per mediator*);
- the billable outgoing payments of the mediation account (``ledger.selectors.billable_payments``:
  reversed payments and reversals left out), all of them — the engine filters by period and
  needs the whole list for the standing-order rule of 2,2°;
- the pricing method (the case's own, else its division's default), the division's counting
  rule (Dinant excludes paid-off creditors), the follow-up start, the closure date and whether
  the designated mediator is VAT-registered.

The statement screens, ``manage.py taxation`` and later the plan estimate and the case bundle
all go through here; nothing reads the clock: the engine works on the legal dates of the acts.
"""

from collections import Counter
from datetime import date

from django.db.models import Q

from accounts.models import User
from cases.models import Case
from claims.selectors import claims_table
from core.pricing import division_policy
from fees.engine import CaseFacts, CreditorFacts, PaymentFacts, ServiceFacts, compute_statement
from fees.engine.facts import ONCE_ONLY_KINDS
from fees.engine.statement import Statement

from .models import Service
from .selectors import billable_payments, tariff_table


def creditor_facts(case: Case) -> tuple[CreditorFacts, ...]:
    """Every creditor that declared in the case, counted once (fees.md §3)."""
    return tuple(
        CreditorFacts(
            key=str(row.creditor.pk),
            name=row.creditor.name,
            all_claims_time_barred=row.all_time_barred,
            paid_off_on=row.paid_off_on,
        )
        for row in claims_table(case).rows
    )


def _mediator_names(services: list[Service], case: Case | None = None) -> dict[int, str]:
    """A readable and unique name per mediator (the engine groups the 4,3° forfait by it),
    unique among the mediators of ``services`` or, given ``case``, of all its services."""
    users = {service.mediator_id: service.mediator for service in services}
    if case is not None:
        others = Service.objects.filter(case=case).exclude(mediator_id__in=users)
        users.update(
            {user.pk: user for user in User.objects.filter(pk__in=others.values("mediator_id"))}
        )
    names = {pk: (user.get_full_name() or user.username) for pk, user in users.items()}
    counts = Counter(names.values())
    return {
        pk: name if counts[name] == 1 else f"{name} ({users[pk].username})"
        for pk, name in names.items()
    }


def service_facts(case: Case, period: tuple[date, date] | None = None) -> tuple[ServiceFacts, ...]:
    """Every billable act recorded in the case (the engine keeps those of the period), or,
    given ``period``, those the engine needs for it: the acts of the period, every once-only
    act (checked once per case whatever its date, fees.md §6) and any act dated before the
    admissibility (an error the engine reports). The mediators' names are made unique among
    all the case's mediators either way, so the lines read the same."""
    services = Service.objects.filter(case=case)
    if period is not None:
        services = services.filter(
            Q(date__gte=period[0], date__lt=period[1])
            | Q(kind__in=[str(kind) for kind in ONCE_ONLY_KINDS])
            | Q(date__lt=case.admissibility_date)
        )
    services = list(services.select_related("mediator").order_by("pk"))
    names = _mediator_names(services, case if period is not None else None)
    return tuple(
        ServiceFacts(
            id=service.pk,
            date=service.date,
            kind=service.kind,
            quantity=service.quantity,
            km=service.km,
            amount=service.amount,
            registered_postage=service.registered_postage,
            mediator=names[service.mediator_id],
            note=service.note,
        )
        for service in services
    )


def payment_facts(case: Case, period: tuple[date, date] | None = None) -> tuple[PaymentFacts, ...]:
    """Every billable outgoing payment of the mediation account (all dates, fees.md §6), or,
    given ``period``, those the engine needs for it: the payments of the period and every
    living allowance paid by standing order (the first of each follow-up year is looked for
    among all of them, fees.md §6), in the engine's order."""
    if period is None:
        return tuple(billable_payments(case))
    in_period = billable_payments(case, period[0], period[1])
    standing = [
        payment
        for payment in billable_payments(case, standing_order_allowances=True)
        if not period[0] <= payment.date < period[1]
    ]
    return tuple(sorted(in_period + standing, key=lambda p: (p.date, p.id)))


def case_facts(case: Case, period: tuple[date, date] | None = None) -> CaseFacts:
    """The facts of ``case`` as the fee engine reads them: all of them, or, given ``period``
    (``[from, to)``), only those the engine needs for that period (a 7-year case's statement
    reads one year of services and payments, not seven); the engine's result is the same.
    May raise :class:`~fees.engine.FeeEngineError` (French message) when a recorded fact is
    inconsistent (e.g. a journey without kilometres encoded outside the application)."""
    policy = division_policy(case.division)
    return CaseFacts(
        reference=case.reference,
        admissibility_date=case.admissibility_date,
        follow_up_start=case.follow_up_start,
        closure_date=case.closure_date,
        pricing_method=case.effective_pricing_method,
        excludes_paid_off_creditors=policy.excludes_paid_off_creditors,
        vat_registered=case.mediator.vat_registered,
        creditors=creditor_facts(case),
        services=service_facts(case, period),
        payments=payment_facts(case, period),
    )


def compute_case_statement(case: Case, period_from, period_to) -> Statement:
    """The fee statement of ``case`` for ``[period_from, period_to)`` from the database facts
    and tariff rows, without saving anything. Raises :class:`~fees.engine.FeeEngineError`."""
    facts = case_facts(case, (period_from, period_to))
    return compute_statement(facts, period_from, period_to, tariff_table())
