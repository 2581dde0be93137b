"""Taxation orders (fees.md §8): the amount the judge allowed, which the ledger then lets the
mediator take."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agenda.services import duties_settle
from core.dates import format_date
from core.money import format_eur, round_cents
from documents.services import document_record_taxation

from ..clocks import TAXATION_ORDER_AWAITED, statement_subject
from ..models import (
    FeeStatement,
    StatementState,
    TaxationOrder,
    TaxationOrderLine,
)
from .billable import money_error


def implied_total(statement: FeeStatement, line_amounts: dict[int, Decimal]) -> Decimal:
    """The statement's total once the lines in ``line_amounts`` (line pk -> allowed HTVA) are
    reduced: VAT recomputed on the allowed fees at the statement's rate, half-up (fees.md §7)."""
    fees_total = disbursements = Decimal("0.00")
    for line in statement.lines.all():
        amount = line_amounts.get(line.pk, line.amount)
        if line.is_fee:
            fees_total += amount
        else:
            disbursements += amount
    vat = round_cents(fees_total * statement.vat_rate) if statement.vat_rate else Decimal("0.00")
    return fees_total + vat + disbursements


@transaction.atomic
def taxation_order_record(
    *,
    statement: FeeStatement,
    order_date: date,
    allowed_amount: Decimal,
    by: User,
    reference: str = "",
    judge_note: str = "",
    line_amounts: dict[int, Decimal] | None = None,
) -> TaxationOrder:
    """Record the judge's taxation of a filed statement.

    ``allowed_amount`` (required, VAT and costs included) is what may be paid to the mediator
    from the mediation account; ``line_amounts`` (optional, line pk -> allowed amount HTVA) keeps
    the reductions the order makes line by line. Reductions by line cannot be undone by the
    overall amount: it may not exceed the total they imply."""
    statement = FeeStatement.objects.select_for_update().get(pk=statement.pk)
    line_amounts = {pk: value for pk, value in (line_amounts or {}).items() if value is not None}
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if statement.state != StatementState.FILED:
        add(NON_FIELD_ERRORS, _("Seul un état déposé au greffe peut être taxé."))
    elif TaxationOrder.objects.filter(statement=statement).exists():
        add(NON_FIELD_ERRORS, _("L'ordonnance de taxation de cet état est déjà enregistrée."))
    if order_date is None:
        add("order_date", _("Indiquez la date de l'ordonnance."))
    elif statement.filed_at and order_date < timezone.localdate(statement.filed_at):
        add(
            "order_date",
            _("L'ordonnance ne peut précéder le dépôt de l'état (%(date)s).")
            % {"date": format_date(timezone.localdate(statement.filed_at))},
        )
    message = (
        money_error(allowed_amount) if allowed_amount is not None else _("Indiquez le montant.")
    )
    if message:
        add("allowed_amount", message)
    elif allowed_amount > statement.total:
        add(
            "allowed_amount",
            _("Le montant taxé ne peut dépasser le total de l'état (%(total)s).")
            % {"total": format_eur(statement.total)},
        )
    lines = {line.pk: line for line in statement.lines.all()}
    reductions: dict[int, Decimal] = {}
    for pk, value in line_amounts.items():
        line = lines.get(pk)
        field = f"line_{pk}"
        if line is None:
            add(NON_FIELD_ERRORS, _("Ligne inconnue dans cet état."))
            continue
        message = money_error(value)
        if message:
            add(field, message)
        elif value > line.amount:
            add(
                field,
                _("Le montant admis ne peut dépasser celui de la ligne (%(amount)s).")
                % {"amount": format_eur(line.amount)},
            )
        elif value != line.amount:
            reductions[pk] = value
    if not errors and reductions:
        ceiling = implied_total(statement, reductions)
        if allowed_amount > ceiling:
            add(
                "allowed_amount",
                _(
                    "Après les réductions par ligne, l'état s'élève à %(ceiling)s (TVA comprise) : "
                    "le montant taxé ne peut dépasser ce total."
                )
                % {"ceiling": format_eur(ceiling)},
            )
    if errors:
        raise ValidationError(errors)
    order = TaxationOrder.objects.create(
        statement=statement,
        order_date=order_date,
        reference=reference.strip(),
        allowed_amount=allowed_amount,
        judge_note=judge_note.strip(),
        recorded_by=by,
    )
    TaxationOrderLine.objects.bulk_create(
        TaxationOrderLine(order=order, line_id=pk, allowed_amount=value)
        for pk, value in reductions.items()
    )
    if statement.document_id:  # the clerk's list shows and filters the taxation (issue 16)
        document_record_taxation(document=statement.document, taxed_on=order_date)
    duties_settle(
        case=statement.case,
        kind=TAXATION_ORDER_AWAITED,
        subject=statement_subject(statement),
        on=order_date,
        by=by,
    )
    return order
