"""Write services of the fees app (keyword-only, typed, atomic; French ``ValidationError``s keyed
by field):

- billable acts (prestations): the rules of fees.md §6 that concern the *recording* of an act
  (nothing before admissibility, one 2,1° per case, one 4.3 forfait per mediator, no change once
  taxed);
- fee statements: compute and save a draft, recompute it, file it (frozen, services taxed, PDF
  filed for the clerks of the division);
- taxation orders: the amount the judge allowed, which the ledger then lets the mediator take;
- state intervention (SPF Economie) requests and their status.

The legal computation stays in the pure engine (``fees.engine``); ``fees.facts`` reads its facts.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.services import CaseData
from core.dates import format_date
from core.money import CENT, format_eur, round_cents
from documents.models import DocumentKind
from documents.services import generated_pdf_file
from fees.engine import FeeEngineError, InvalidPeriod
from fees.engine.statement import Statement
from fees.tariffs import TariffRow
from ledger.models import Account

from . import selectors
from .facts import compute_case_statement
from .models import (
    ONCE_PER_CASE_KINDS,
    FeeStatement,
    InterventionReason,
    InterventionStatus,
    Occasion,
    RemissionType,
    Service,
    ServiceKind,
    StateIntervention,
    StatementLine,
    StatementState,
    TaxationOrder,
    TaxationOrderLine,
)
from .pdf import statement_filename, statement_pdf
from .presentation import mediator_identity

# Kinds that stand for one occurrence whatever happens (fees.md §6: 2,1° once per case, 4,3°
# once per mediator): the engine refuses any other quantity (fees.engine.facts.ServiceFacts).
SINGLE_OCCURRENCE_KINDS = ONCE_PER_CASE_KINDS | {ServiceKind.PHONE_COPIES_FORFAIT}
# Art. 4: registered-mail postage is added to a letter, never to another act (the engine
# refuses it elsewhere: fees.engine.facts.POSTAGE_KINDS).
POSTAGE_KINDS = frozenset({ServiceKind.LETTER, ServiceKind.CIRCULAR_LETTER})


def _money(value: Decimal | None) -> str | None:
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
        message = _money(value)
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
        raise ValidationError(_("Cette prestation a été taxée : elle ne peut plus être supprimée."))
    service.delete()


# --- fee statements (états de frais et honoraires), fees.md §8 ------------------------------


def engine_error(exc: FeeEngineError) -> ValidationError:
    """An engine refusal as a form error (its French message names the date or the act)."""
    field = "period_to" if isinstance(exc, InvalidPeriod) else NON_FIELD_ERRORS
    return ValidationError({field: [str(exc)]})


def _row_json(row: TariffRow) -> dict:
    return {
        "id": row.id,
        "key": row.key,
        "effective_from": row.effective_from.isoformat() if row.effective_from else None,
        "amount": str(row.amount),
        "source": row.source,
    }


def build_statement(
    *,
    case: Case,
    computed: Statement,
    occasion: str,
    reason: str,
    by: User,
    instance: FeeStatement | None = None,
) -> tuple[FeeStatement, list[StatementLine]]:
    """The (unsaved) statement and lines for what the engine computed, with the designated
    mediator's identity. ``manage.py taxation`` renders them without saving anything."""
    identity = mediator_identity(case)
    statement = instance or FeeStatement(case=case, created_by=by)
    statement.period_from = computed.period_from
    statement.period_to = computed.period_to
    statement.occasion = occasion
    statement.reason = reason
    statement.pricing_method = computed.pricing_method.value
    statement.reference_anniversary = computed.reference_anniversary
    statement.fees = computed.fees
    statement.vat_rate = computed.vat_rate
    statement.vat = computed.vat
    statement.disbursements = computed.disbursements
    statement.total = computed.total
    statement.snapshot = computed.to_json()
    statement.mediator = case.mediator
    statement.mediator_name = identity.name
    statement.mediator_profession = identity.profession
    statement.mediator_organisation = identity.organisation
    statement.mediator_address = identity.address
    statement.mediator_enterprise_number = identity.enterprise_number
    statement.mediator_vat_registered = identity.vat_registered
    statement.computed_at = timezone.now()
    lines = [
        StatementLine(
            statement=statement,
            position=position,
            article=line.article,
            label=line.label[:300],
            date=line.date,
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            amount=line.amount,
            tariff_rows=[_row_json(row) for row in line.tariff_rows],
            rule=line.rule,
            explanation=line.explanation,
            origin=line.origin or "",
        )
        for position, line in enumerate(computed.lines, start=1)
    ]
    return statement, lines


def _check_statement_input(
    *,
    case: Case,
    period_from: date | None,
    period_to: date | None,
    occasion: str,
    reason: str,
    exclude_pk: int | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if occasion not in Occasion.values:
        errors["occasion"] = [_("Occasion inconnue.")]
    elif occasion == Occasion.PROVISION and not reason.strip():
        errors["reason"] = [
            _(
                "Une provision ne se demande que sur requête expresse et motivée : indiquez "
                "la motivation."
            )
        ]
    if period_from is None:
        errors["period_from"] = [_("Indiquez le début de la période.")]
    if period_to is None:
        errors["period_to"] = [_("Indiquez la fin de la période.")]
    if period_from and period_to:
        if period_to <= period_from:
            errors["period_to"] = [
                _(
                    "La fin de la période (exclue) doit être postérieure à son début : la période "
                    "court du premier jour inclus au dernier jour exclu."
                )
            ]
        else:
            overlap = selectors.filed_overlapping(
                case, period_from, period_to, exclude_pk=exclude_pk
            )
            if overlap is not None:
                errors["period_from"] = [
                    _(
                        "Cette période chevauche celle de l'état déjà déposé %(period)s : une "
                        "prestation ne se taxe qu'une fois."
                    )
                    % {"period": overlap.period_label}
                ]
    if errors:
        raise ValidationError(errors)


def _compute(case: Case, period_from: date, period_to: date) -> Statement:
    try:
        return compute_case_statement(case, period_from, period_to)
    except FeeEngineError as exc:
        raise engine_error(exc) from None


def _save_lines(statement: FeeStatement, lines: list[StatementLine]) -> None:
    statement.lines.all().delete()
    StatementLine.objects.bulk_create(lines)


@transaction.atomic
def statement_create(
    *,
    case: Case,
    period_from: date,
    period_to: date,
    occasion: str,
    by: User,
    reason: str = "",
) -> FeeStatement:
    """Compute the statement of ``[period_from, period_to)`` and save it as a draft.

    Refused, with nothing saved: an empty or inverted period, a period overlapping a filed
    statement, a provision without its reasoning, and whatever the engine refuses (a date no
    tariff row covers, a second 2,1°, a second 4,3° by the same mediator, a service dated before
    admissibility...)."""
    case = (
        Case.objects.select_for_update().select_related("mediator", "organisation").get(pk=case.pk)
    )
    _check_statement_input(
        case=case, period_from=period_from, period_to=period_to, occasion=occasion, reason=reason
    )
    computed = _compute(case, period_from, period_to)
    statement, lines = build_statement(
        case=case, computed=computed, occasion=occasion, reason=reason.strip(), by=by
    )
    statement.save()
    _save_lines(statement, lines)
    return statement


def _draft_for_update(statement: FeeStatement) -> FeeStatement:
    statement = (
        FeeStatement.objects.select_for_update()
        .select_related("case", "case__mediator", "case__organisation")
        .get(pk=statement.pk)
    )
    if statement.state != StatementState.DRAFT:
        raise ValidationError(_("Cet état est déposé : il ne se modifie plus."))
    return statement


@transaction.atomic
def statement_recompute(*, statement: FeeStatement, by: User) -> FeeStatement:
    """Recompute a draft from the current facts of the case (its lines are replaced)."""
    statement = _draft_for_update(statement)
    case = statement.case
    _check_statement_input(
        case=case,
        period_from=statement.period_from,
        period_to=statement.period_to,
        occasion=statement.occasion,
        reason=statement.reason,
        exclude_pk=statement.pk,
    )
    computed = _compute(case, statement.period_from, statement.period_to)
    statement, lines = build_statement(
        case=case,
        computed=computed,
        occasion=statement.occasion,
        reason=statement.reason,
        by=by,
        instance=statement,
    )
    statement.save()
    _save_lines(statement, lines)
    return statement


@transaction.atomic
def statement_delete(*, statement: FeeStatement) -> None:
    """Delete a draft; a filed statement stays (the database refuses it too)."""
    statement = _draft_for_update(statement)
    statement.delete()


def _identity_fields(statement: FeeStatement) -> tuple:
    return (
        statement.mediator_id,
        statement.mediator_name,
        statement.mediator_profession,
        statement.mediator_organisation,
        statement.mediator_address,
        statement.mediator_enterprise_number,
        statement.mediator_vat_registered,
    )


@transaction.atomic
def statement_file(*, statement: FeeStatement, by: User) -> FeeStatement:
    """File a draft with the court: it is frozen (database triggers), the services it bills are
    marked taxed, and its PDF becomes a filed document that the clerks of the case's division
    download.

    The draft is recomputed first: when the facts of the case changed since it was computed
    (a service added, a payment posted, a tariff row entered, another mediator...), filing is
    refused so that what is filed is exactly what the mediator checked."""
    statement = _draft_for_update(statement)
    case = (
        Case.objects.select_for_update()
        .select_related("mediator", "organisation")
        .get(pk=statement.case_id)
    )
    _check_statement_input(
        case=case,
        period_from=statement.period_from,
        period_to=statement.period_to,
        occasion=statement.occasion,
        reason=statement.reason,
        exclude_pk=statement.pk,
    )
    computed = _compute(case, statement.period_from, statement.period_to)
    fresh, _lines = build_statement(
        case=case,
        computed=computed,
        occasion=statement.occasion,
        reason=statement.reason,
        by=by,
        instance=FeeStatement(case=case, created_by=by),
    )
    if fresh.snapshot != statement.snapshot or _identity_fields(fresh) != _identity_fields(
        statement
    ):
        raise ValidationError(
            _(
                "Les données du dossier ont changé depuis le calcul de ce brouillon (prestations, "
                "paiements, créanciers, tarifs ou médiateur) : recalculez-le, vérifiez-le, puis "
                "déposez-le."
            )
        )
    lines = list(statement.lines.order_by("position"))
    now = timezone.now()
    filed_on = timezone.localdate(now)
    content = statement_pdf(statement, lines, filed_on=filed_on)
    document = generated_pdf_file(
        case=case,
        kind=DocumentKind.TAXATION_STATEMENT,
        title=_("%(occasion)s — période %(period)s")
        % {"occasion": Occasion(statement.occasion).label, "period": statement.period_label},
        filename=statement_filename(statement),
        content=content,
        by=by,
    )
    service_ids = {
        int(line.origin.split(":", 1)[1]) for line in lines if line.origin.startswith("service:")
    }
    Service.objects.filter(case=case, pk__in=service_ids, taxed=False).update(taxed=True)
    statement.state = StatementState.FILED
    statement.filed_at = document.filed_at
    statement.filed_by = by
    statement.document = document
    statement.save(update_fields=["state", "filed_at", "filed_by", "document"])
    return statement


# --- taxation orders (fees.md §8) ------------------------------------------------------------


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
    message = _money(allowed_amount) if allowed_amount is not None else _("Indiquez le montant.")
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
        message = _money(value)
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
    return order


# --- state intervention (SPF Economie, art. 1675/19 C.J., fees.md §9) --------------------------


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
        _money(amount_requested) if amount_requested is not None else _("Indiquez le montant.")
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
        message = _money(amount) if amount is not None else _("Indiquez le montant.")
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
