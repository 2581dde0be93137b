"""Write services for billable acts (prestations). The rules of fees.md §6 that concern the
*recording* of an act are checked here: nothing before admissibility, one 2,1° per case, one
4.3 forfait per mediator, no change once taxed."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case

from .models import ONCE_PER_CASE_KINDS, Service, ServiceKind

CENT = Decimal("0.01")


def _money(value: Decimal | None, field: str) -> None:
    if value is None:
        return
    if value < 0:
        raise ValidationError({field: _("Le montant ne peut être négatif.")})
    if value != value.quantize(CENT):
        raise ValidationError({field: _("Le montant a au plus deux décimales.")})


@transaction.atomic
def service_record(
    *,
    case: Case,
    kind: str,
    service_date: date,
    mediator: User,
    by: User | None = None,
    quantity: int = 1,
    km: Decimal | None = None,
    amount: Decimal | None = None,
    registered_postage: Decimal | None = None,
    note: str = "",
    origin: str = "manual",
) -> Service:
    """Record one billable act of a case."""
    Case.objects.select_for_update().get(pk=case.pk)  # serialise the once-per-case checks
    if kind not in ServiceKind.values:
        raise ValidationError({"kind": _("Prestation inconnue.")})
    if service_date < case.admissibility_date:
        raise ValidationError(
            {
                "date": _("Une prestation ne peut précéder l'admissibilité (%(date)s).")
                % {"date": case.admissibility_date.strftime("%d/%m/%Y")}
            }
        )
    if quantity < 1:
        raise ValidationError({"quantity": _("La quantité est au moins 1.")})
    _money(amount, "amount")
    _money(registered_postage, "registered_postage")
    if kind == ServiceKind.TRAVEL and (km is None or km <= 0):
        raise ValidationError({"km": _("Indiquez les kilomètres parcourus.")})
    if kind == ServiceKind.ADMIN_COST and (amount is None or amount <= 0):
        raise ValidationError({"amount": _("Indiquez le montant des frais.")})
    if kind in ONCE_PER_CASE_KINDS and case.services.filter(kind__in=ONCE_PER_CASE_KINDS).exists():
        raise ValidationError(
            {
                "kind": _(
                    "Le forfait 2,1° (homologation ou carence) est déjà enregistré dans ce dossier."
                )
            }
        )
    if (
        kind == ServiceKind.PHONE_COPIES_FORFAIT
        and case.services.filter(kind=kind, mediator=mediator).exists()
    ):
        raise ValidationError(
            {"kind": _("Le forfait 4.3 est déjà enregistré pour ce médiateur dans ce dossier.")}
        )
    service = Service(
        case=case,
        date=service_date,
        kind=kind,
        quantity=quantity,
        km=km,
        amount=amount,
        registered_postage=registered_postage,
        note=note,
        mediator=mediator,
        origin=origin,
        created_by=by,
    )
    service.full_clean()
    service.save()
    return service


@transaction.atomic
def service_delete(*, service: Service) -> None:
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.taxed:
        raise ValidationError(_("Cette prestation a été taxée : elle ne peut plus être supprimée."))
    service.delete()
