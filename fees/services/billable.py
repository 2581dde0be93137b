"""Billable acts (prestations): the rules of fees.md §6 that concern the *recording* of an act
(nothing before admissibility, one 2,1° per case, one 4.3 forfait per mediator, no change once
taxed), with a validate-only entry point for a case not yet in the database."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.services import CaseData
from core.dates import format_date
from core.money import CENT

from ..models import (
    ONCE_PER_CASE_KINDS,
    Service,
    ServiceKind,
)

# Kinds that stand for one occurrence whatever happens (fees.md §6: 2,1° once per case, 4,3°
# once per mediator): the engine refuses any other quantity (fees.engine.facts.ServiceFacts).
SINGLE_OCCURRENCE_KINDS = ONCE_PER_CASE_KINDS | {ServiceKind.PHONE_COPIES_FORFAIT}
# Art. 4: registered-mail postage is added to a letter, never to another act (the engine
# refuses it elsewhere: fees.engine.facts.POSTAGE_KINDS).
POSTAGE_KINDS = frozenset({ServiceKind.LETTER, ServiceKind.CIRCULAR_LETTER})


def money_error(value: Decimal | None) -> str | None:
    """The error message for a bad money amount, or None."""
    if value is None:
        return None
    if value < 0:
        return _("Le montant ne peut être négatif.")
    if value != value.quantize(CENT):
        return _("Le montant a au plus deux décimales.")
    return None


@dataclass(frozen=True)
class RecordedServices:
    """What the once-only rules (fees.md §6) look at: the kinds of the services a case already
    has, and those of the new act's mediator (only the single-occurrence kinds matter)."""

    in_case: frozenset[str] = frozenset()
    by_mediator: frozenset[str] = frozenset()

    @classmethod
    def of(cls, case: Case, mediator: User | None) -> "RecordedServices":
        """The services recorded in the database."""
        services = case.services.filter(kind__in=SINGLE_OCCURRENCE_KINDS)
        return cls(
            in_case=frozenset(services.values_list("kind", flat=True)),
            by_mediator=frozenset(
                services.filter(mediator=mediator).values_list("kind", flat=True)
                if mediator is not None
                else ()
            ),
        )


def _validate(
    *,
    case: Case | CaseData,
    kind: str,
    service_date: date | None,
    mediator: User | None,
    quantity: int,
    km: Decimal | None,
    amount: Decimal | None,
    registered_postage: Decimal | None,
    recorded: RecordedServices | None = None,
) -> dict[str, list[str]]:
    """Every rule at once, so that the form shows every mistake in one go. ``recorded``
    (default: the case's services in the database; none for a planned case) is what the
    once-only rules compare with."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if kind not in ServiceKind.values:
        add("kind", _("Prestation inconnue."))
    adm = case.admissibility_date
    if service_date is not None and adm is not None and service_date < adm:
        add(
            "date",
            _("Une prestation ne peut précéder l'admissibilité (%(date)s).")
            % {"date": format_date(adm)},
        )
    saved = isinstance(case, Case)
    if saved and mediator is not None and mediator.organisation_id != case.organisation_id:
        add("mediator", _("Le médiateur doit appartenir à l'organisation du dossier."))
    if quantity < 1:
        add("quantity", _("La quantité est au moins 1."))
    elif kind in SINGLE_OCCURRENCE_KINDS and quantity != 1:
        add("quantity", _("Un forfait unique (2,1° ou 4.3) a toujours une quantité de 1."))
    for field, value in (("amount", amount), ("registered_postage", registered_postage)):
        message = money_error(value)
        if message:
            add(field, message)
    if kind == ServiceKind.TRAVEL:
        if km is None or km <= 0:
            add("km", _("Indiquez les kilomètres parcourus (plus de 0)."))
    elif km is not None:
        add("km", _("Les kilomètres ne s'indiquent que pour un déplacement (4.4)."))
    if kind == ServiceKind.ADMIN_COST:
        if amount is None or amount <= 0:
            add("amount", _("Indiquez le montant des frais."))
    elif amount is not None:
        add("amount", _("Un montant ne s'indique que pour des frais administratifs (art. 6)."))
    if registered_postage is not None and kind not in POSTAGE_KINDS:
        add(
            "registered_postage",
            _("Le port recommandé ne s'ajoute qu'à une lettre ordinaire ou circulaire (art. 4)."),
        )
    if kind in SINGLE_OCCURRENCE_KINDS:
        if recorded is None:
            recorded = RecordedServices.of(case, mediator) if saved else RecordedServices()
        if kind in ONCE_PER_CASE_KINDS and recorded.in_case & ONCE_PER_CASE_KINDS:
            add(
                "kind",
                _("Le forfait 2,1° (homologation ou carence) est déjà enregistré dans ce dossier."),
            )
        if kind == ServiceKind.PHONE_COPIES_FORFAIT and kind in recorded.by_mediator:
            add("kind", _("Le forfait 4.3 est déjà enregistré pour ce médiateur dans ce dossier."))
    return errors


def service_validate(
    *,
    case: Case | CaseData,
    kind: str,
    service_date: date | None,
    mediator: User | None,
    quantity: int = 1,
    km: Decimal | None = None,
    amount: Decimal | None = None,
    registered_postage: Decimal | None = None,
    note: str = "",
    recorded: RecordedServices | None = None,
) -> None:
    """The checks of ``service_record`` without writing: a ``ValidationError`` keyed by the
    fields of ``Service`` (``date``, ``kind``, ``quantity``, ``km``, ``amount``,
    ``registered_postage``, ``note``). ``case`` may be planned (``CaseData``): ``recorded``
    then says which services it will already have (default: none), and the mediator's
    organisation is the write's to check."""
    errors = _validate(
        case=case,
        kind=kind,
        service_date=service_date,
        mediator=mediator,
        quantity=quantity,
        km=km,
        amount=amount,
        registered_postage=registered_postage,
        recorded=recorded,
    )
    service = Service(
        date=service_date,
        kind=kind,
        quantity=quantity,
        km=km,
        amount=amount,
        registered_postage=registered_postage,
        note=note,
    )
    try:
        # the model's constraints restate the rules above
        service.full_clean(
            exclude=["case", "mediator", "created_by", *errors], validate_constraints=False
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


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
    """Record one billable act of a case.

    Figures are per occurrence, as the engine reads them (fees.engine.facts.ServiceFacts):
    ``quantity`` occurrences, ``km`` per journey, ``amount`` per cost, ``registered_postage``
    per letter (a circular letter to 5 addressees sent registered: quantity 5, postage of one
    letter; the engine bills 5 x postage)."""
    Case.objects.select_for_update().get(pk=case.pk)  # serialise the once-per-case checks
    errors = _validate(
        case=case,
        kind=kind,
        service_date=service_date,
        mediator=mediator,
        quantity=quantity,
        km=km,
        amount=amount,
        registered_postage=registered_postage,
    )
    if errors:
        raise ValidationError(errors)
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
    # ``created_by`` is null=True without blank=True on the model: validating it would refuse
    # every service recorded without ``by`` (imports, ledger), the default of this function.
    service.full_clean(exclude=["created_by"])
    service.save()
    return service


@transaction.atomic
def service_delete(*, service: Service) -> None:
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.taxed:
        raise ValidationError(
            _(
                "Cette prestation est comprise dans un état déposé au greffe : elle ne peut "
                "plus être supprimée."
            )
        )
    service.delete()
