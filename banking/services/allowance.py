"""The living allowance's planned payments (issue 6): one payment per installment of the
schedule in force on the month's first day, prepared through ``payments.payment_prepare``."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from budget.models import AllowanceDecision
from budget.selectors import living_allowance_schedule
from cases.models import Case
from cases.status import ACTIVE_STATUSES
from core.money import format_eur
from ledger.models import Account

from .. import selectors
from ..models import (
    Payment,
    PaymentCategory,
)
from . import payments

NOTHING_TO_PREPARE = "nothing_to_prepare"


def _month_name(year: int, month: int) -> str:
    return date_format(date(year, month, 1), "F Y")


@transaction.atomic
def allowance_payments_prepare(
    *, case: Case, year: int, month: int, by: User, redo_cancelled: bool = True
) -> list[Payment]:
    """Prepare the living-allowance payments of a month from the allowance's schedule: one
    payment per due date not prepared yet, from the schedule that pays the month
    (``selectors.planned_allowance_payments``, ``budget.selectors.allowance_installments``),
    through ``payment_prepare``'s checks, with its due date and the decision it executes. All
    or nothing: when one is refused (the overdraft above all), none is saved.

    The allowance is paid monthly, twice a month or by standing order (domain README,
    "Execution"; living-allowance.md). A standing order is executed by the bank itself: it still
    gets its payment of the month, flagged ``standing_order`` — approved in a batch without a
    pain.001 line, posted once when the batch is marked executed or when the statement brings
    it back (the fee barème counts such payments once a year, fees.md §6, 2.2).

    ``redo_cancelled=False`` (the monthly run) leaves alone an installment whose payment the
    mediator withdrew; the button on the page prepares it again."""
    account = Account.objects.select_for_update().filter(case=case).first()
    if account is None:
        raise ValidationError(_("Aucun compte de médiation n'est ouvert pour ce dossier."))
    name = _month_name(year, month)
    planned = selectors.planned_allowance_payments(case, year, month)
    if not planned:
        last = date(year, month, monthrange(year, month)[1])
        if living_allowance_schedule(case, last) is None:
            raise ValidationError(
                _(
                    "Aucun pécule de médiation n'est fixé pour %(month)s : fixez-le dans "
                    "l'onglet « Budget et pécule » du dossier."
                )
                % {"month": name}
            )
        raise ValidationError(
            _("Le pécule de médiation ne prévoit aucun versement au requérant en %(month)s.")
            % {"month": name},
            code=NOTHING_TO_PREPARE,
        )
    todo = [p for p in planned if p.to_prepare and (redo_cancelled or not p.cancelled)]
    if not todo:
        raise ValidationError(
            _("Les paiements du pécule de %(month)s sont déjà préparés : rien à préparer.")
            % {"month": name},
            code=NOTHING_TO_PREPARE,
        )
    beneficiary = selectors.allowance_beneficiary(case)
    if beneficiary is None:
        raise ValidationError(
            _(
                "Le compte du requérant n'est pas connu : préparez le premier paiement du pécule "
                "à la main (« Préparer un paiement », nature « Pécule de médiation ») avec "
                "l'IBAN du requérant ; les suivants iront sur ce compte."
            )
        )
    total = sum((p.amount for p in todo), Decimal("0.00"))
    committed = selectors.committed_amount(case)
    available = account.balance - account.reserve - committed
    if total > available:
        raise ValidationError(
            _(
                "Les paiements du pécule de %(month)s (%(total)s) mettraient le compte en "
                "négatif : disponible %(available)s (solde %(balance)s, dont réserve pour "
                "honoraires %(reserve)s, paiements en attente %(pending)s). Aucun paiement n'a "
                "été préparé."
            )
            % {
                "month": name,
                "total": format_eur(total),
                "available": format_eur(max(available, Decimal("0.00"))),
                "balance": format_eur(account.balance),
                "reserve": format_eur(account.reserve),
                "pending": format_eur(committed),
            }
        )
    decisions = AllowanceDecision.objects.select_related("version").in_bulk(
        {p.decision_id for p in todo}
    )
    wanted = {p.due_on for p in todo}  # one installment per due date
    prepared = []
    for number, item in enumerate(planned, start=1):
        if item.due_on not in wanted:
            continue
        label = f"{month:02d}/{year}"
        if len(planned) > 1:  # twice a month: "12/2026 (1/2)", "12/2026 (2/2)"
            label += f" ({number}/{len(planned)})"
        data = payments.PaymentData(
            category=PaymentCategory.LIVING_ALLOWANCE,
            amount=item.amount,
            beneficiary_name=beneficiary.name,
            beneficiary_iban=beneficiary.iban,
            beneficiary_bic=beneficiary.bic,
            communication=_("Pécule de médiation %(month)s %(reference)s")
            % {"month": label, "reference": case.reference},
            standing_order=item.standing_order,
            due_on=item.due_on,
            allowance_decision=decisions[item.decision_id],
        )
        prepared.append(payments.payment_prepare(case=case, data=data, by=by))
    return prepared


@dataclass
class AllowanceRun:
    """What the monthly run did: per case reference, the payments prepared, the cases already
    up to date, and the refusals (reported, not fatal)."""

    year: int
    month: int
    prepared: dict[str, list[Payment]] = field(default_factory=dict)
    up_to_date: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "cases": len(self.prepared) + len(self.up_to_date) + len(self.failed),
            "prepared_cases": len(self.prepared),
            "payments": sum(len(p) for p in self.prepared.values()),
            "up_to_date": len(self.up_to_date),
            "failed": len(self.failed),
        }


def run_month(value: str | None, *, today: date) -> tuple[int, int]:
    """The month of a run: ``YYYY-MM``, or the month after ``today`` when empty. Raises
    ``ValueError``."""
    if not value:
        return selectors.next_month(today.year, today.month)
    year, sep, month = value.strip().partition("-")
    if not sep or len(year) != 4 or not year.isdigit() or not month.isdigit():
        raise ValueError(f"Mois attendu au format AAAA-MM, pas « {value} ».")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"Mois invalide : « {value} ».")
    return int(year), int(month)


def allowance_payments_prepare_all(*, year: int, month: int) -> AllowanceRun:
    """Prepare the month's allowance payments of every running case whose allowance is fixed,
    in the name of each case's designated mediator; each case in its own transaction, a refusal
    is recorded and the run goes on. Withdrawn installments are not prepared again."""
    run = AllowanceRun(year=year, month=month)
    cases = (
        Case.objects.filter(
            status__in=ACTIVE_STATUSES,
            budget_versions__allowance_decisions__isnull=False,
        )
        .distinct()
        .select_related("mediator")
        .order_by("organisation_id", "reference")
    )
    for case in cases:
        try:
            payments = allowance_payments_prepare(
                case=case, year=year, month=month, by=case.mediator, redo_cancelled=False
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == NOTHING_TO_PREPARE:
                run.up_to_date.append(case.reference)
            else:
                run.failed[case.reference] = " ".join(exc.messages)
        else:
            run.prepared[case.reference] = payments
    return run
