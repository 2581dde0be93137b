"""State intervention (SPF Economie, art. 1675/19 C.J., fees.md §9): requests for taxed fees the
mediation account cannot pay, and their status."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from core.dates import format_date
from core.money import format_eur
from ledger.models import Account

from .. import selectors
from ..models import (
    InterventionReason,
    InterventionStatus,
    RemissionType,
    StateIntervention,
)
from .billable import money_error


@transaction.atomic
def intervention_prepare(
    *,
    case: Case,
    prepared_on: date,
    reason: str,
    explanation: str,
    remission_type: str,
    amount_requested: Decimal,
    by: User,
    decision_date: date | None = None,
    decision_reference: str = "",
    special_reasoning: str = "",
) -> StateIntervention:
    """Prepare a request to the SPF Economie for taxed fees the account cannot pay.

    Refused: no taxed unpaid fees, an amount beyond the taxed unpaid fees not already asked
    for, a missing explanation, and — without remission of debts — more than the cap per case
    (1.200 EUR, a dated legal amount) unless the judge's specially reasoned decision is
    recorded."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if reason not in InterventionReason.values:
        add("reason", _("Motif inconnu."))
    if not explanation.strip():
        add(
            "explanation",
            _(
                "Expliquez pourquoi la réserve et le disponible du requérant ne permettent pas "
                "de payer les honoraires dans un délai raisonnable."
            ),
        )
    if remission_type not in RemissionType.values:
        add("remission_type", _("Type de remise inconnu."))
    if prepared_on is None:
        add("prepared_on", _("Indiquez la date."))
    elif prepared_on < case.admissibility_date:
        add("prepared_on", _("La demande ne peut précéder l'admissibilité."))
    unpaid = selectors.taxed_unpaid_amount(case)
    pending = selectors.open_intervention_amount(case)
    message = (
        money_error(amount_requested) if amount_requested is not None else _("Indiquez le montant.")
    )
    if message:
        add("amount_requested", message)
    elif amount_requested <= 0:
        add("amount_requested", _("Le montant demandé doit être positif."))
    elif unpaid <= 0:
        add(
            "amount_requested",
            _("Aucun honoraire taxé n'est impayé : l'intervention du SPF Economie est résiduelle."),
        )
    elif amount_requested > unpaid - pending:
        add(
            "amount_requested",
            _(
                "Le montant demandé dépasse les honoraires taxés impayés (%(unpaid)s) diminués des "
                "demandes en cours (%(pending)s)."
            )
            % {"unpaid": format_eur(unpaid), "pending": format_eur(pending)},
        )
    if decision_date is not None and prepared_on is not None and decision_date > prepared_on:
        add("decision_date", _("La décision du juge précède la demande."))
    if special_reasoning.strip() and decision_date is None:
        add("decision_date", _("Indiquez la date de la décision spécialement motivée."))
    cap_amount = None
    if remission_type == RemissionType.NONE and prepared_on is not None and not errors:
        cap = selectors.intervention_cap(prepared_on)
        if cap is None:
            add(
                NON_FIELD_ERRORS,
                _("Aucun plafond d'intervention n'est encodé pour le %(date)s.")
                % {"date": format_date(prepared_on)},
            )
        else:
            cap_amount = cap.amount
            already = selectors.capped_amount_requested(case)
            if already + amount_requested > cap.amount and not special_reasoning.strip():
                add(
                    "amount_requested",
                    _(
                        "Sans remise de dettes, l'intervention est plafonnée à %(cap)s par dossier "
                        "(art. 1675/19 C.J.) ; %(already)s sont déjà demandés. Au-delà, encodez la "
                        "décision spécialement motivée du juge."
                    )
                    % {"cap": format_eur(cap.amount), "already": format_eur(already)},
                )
    if errors:
        raise ValidationError(errors)
    account = Account.objects.filter(case=case).first()
    return StateIntervention.objects.create(
        case=case,
        prepared_on=prepared_on,
        reason=reason,
        explanation=explanation.strip(),
        remission_type=remission_type,
        amount_requested=amount_requested,
        taxed_unpaid=unpaid,
        account_balance=account.balance if account else Decimal("0.00"),
        account_reserve=account.reserve if account else Decimal("0.00"),
        decision_date=decision_date,
        decision_reference=decision_reference.strip(),
        special_reasoning=special_reasoning.strip(),
        cap_amount=cap_amount,
        created_by=by,
    )


# status -> the statuses it may move to
INTERVENTION_TRANSITIONS = {
    InterventionStatus.DRAFT: {InterventionStatus.SUBMITTED},
    InterventionStatus.SUBMITTED: {InterventionStatus.GRANTED, InterventionStatus.REFUSED},
    InterventionStatus.GRANTED: {InterventionStatus.PAID},
    InterventionStatus.REFUSED: set(),
    InterventionStatus.PAID: set(),
}


@transaction.atomic
def intervention_set_status(
    *,
    intervention: StateIntervention,
    status: str,
    on: date,
    by: User,
    amount: Decimal | None = None,
    platform_reference: str = "",
) -> StateIntervention:
    """Move a request along: submitted on DebtMediation (its reference), granted (the amount)
    or refused by the SPF, paid (the amount received). Dates follow each other."""
    intervention = StateIntervention.objects.select_for_update().get(pk=intervention.pk)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    current = InterventionStatus(intervention.status)
    if status not in INTERVENTION_TRANSITIONS[current]:
        raise ValidationError(
            {
                "status": [
                    _("Une demande « %(current)s » ne peut passer à « %(next)s ».")
                    % {
                        "current": current.label,
                        "next": InterventionStatus(status).label
                        if status in InterventionStatus.values
                        else status,
                    }
                ]
            }
        )
    previous = {
        InterventionStatus.SUBMITTED: intervention.prepared_on,
        InterventionStatus.GRANTED: intervention.submitted_on,
        InterventionStatus.REFUSED: intervention.submitted_on,
        InterventionStatus.PAID: intervention.decided_on,
    }[InterventionStatus(status)]
    if on is None:
        add("on", _("Indiquez la date."))
    elif previous and on < previous:
        add(
            "on",
            _("Cette date précède l'étape précédente (%(date)s).")
            % {"date": format_date(previous)},
        )
    if status in (InterventionStatus.GRANTED, InterventionStatus.PAID):
        message = money_error(amount) if amount is not None else _("Indiquez le montant.")
        ceiling = (
            intervention.amount_requested
            if status == InterventionStatus.GRANTED
            else intervention.amount_granted
        )
        if message:
            add("amount", message)
        elif amount <= 0:
            add("amount", _("Le montant doit être positif."))
        elif amount > ceiling:
            add(
                "amount",
                _("Le montant ne peut dépasser %(max)s.") % {"max": format_eur(ceiling)},
            )
        elif status == InterventionStatus.PAID:
            unpaid = selectors.taxed_unpaid_amount(intervention.case)
            if amount > unpaid:
                add(
                    "amount",
                    _(
                        "Les honoraires taxés encore impayés ne sont plus que de %(unpaid)s "
                        "(des honoraires ont été payés par le compte depuis la demande) : le SPF "
                        "ne peut payer davantage ; remboursez d'abord le compte de médiation."
                    )
                    % {"unpaid": format_eur(unpaid)},
                )
    if errors:
        raise ValidationError(errors)
    intervention.status = status
    if status == InterventionStatus.SUBMITTED:
        intervention.submitted_on = on
        intervention.platform_reference = platform_reference.strip()
    elif status in (InterventionStatus.GRANTED, InterventionStatus.REFUSED):
        intervention.decided_on = on
        intervention.amount_granted = amount if status == InterventionStatus.GRANTED else None
    else:
        intervention.paid_on = on
        intervention.amount_paid = amount
    intervention.save()
    return intervention
