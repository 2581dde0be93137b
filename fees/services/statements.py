"""Fee statements (états de frais et honoraires, fees.md §8): compute and save a draft,
recompute it, file it (frozen, services taxed, PDF filed for the clerks of the division)."""

from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from agenda.services import duty_record
from cases.models import Case
from core.dates import format_date
from core.divisions import procedure_language
from core.pdf import Progress
from core.translate import localize
from documents.models import DocumentKind
from documents.registry import filing_check
from documents.services import generated_pdf_file
from fees.engine import FeeEngineError, InvalidPeriod
from fees.engine.statement import Statement
from fees.tariffs import TariffRow

from .. import selectors
from ..clocks import taxation_awaited_spec
from ..facts import compute_case_statement
from ..models import (
    FeeStatement,
    Occasion,
    Service,
    StatementLine,
    StatementState,
)
from ..pdf import statement_filename, statement_pdf
from ..presentation import mediator_identity

STATEMENT_TITLE = gettext_noop(
    "État de frais et honoraires du %(start)s au %(end)s (occasion : %(occasion)s)"
)


def title_messages() -> list:
    """The messages of the filed titles, for ``documents.registry.register_title_messages``."""
    return [(STATEMENT_TITLE, {"occasion": [occasion.label for occasion in Occasion]})]


def statement_document_title(statement: FeeStatement) -> str:
    """The filed document's title says what it is: a fee statement, its period, the occasion
    last (issue 16, "Clerk": titled by its occasion alone, a statement filed with the annual
    report read « Rapport annuel » in the clerk's list)."""
    return _(STATEMENT_TITLE) % {
        "start": format_date(statement.period_from),
        "end": format_date(statement.last_day),
        "occasion": Occasion(statement.occasion).label,
    }


def engine_error(exc: FeeEngineError) -> ValidationError:
    """An engine refusal as a form error (its French message names the date or the act)."""
    field = "period_to" if isinstance(exc, InvalidPeriod) else NON_FIELD_ERRORS
    return ValidationError({field: [localize(exc.text or str(exc))]})


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
            texts=line.texts(),
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
def statement_file_check(*, statement: FeeStatement, by: User, confirm_early: bool = False) -> None:
    """Everything :func:`statement_file` checks, nothing written: a long statement is checked
    while the mediator waits, then printed and filed in the background (issue 15), where
    ``statement_file`` checks it all again."""
    _filing_checked(statement, by=by, confirm_early=confirm_early)


def _filing_checked(
    statement: FeeStatement, *, by: User, confirm_early: bool
) -> tuple[FeeStatement, Case]:
    """The draft and its case, locked, once every check of the filing passed."""
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
    filing_check(
        case=case,
        kind=DocumentKind.TAXATION_STATEMENT,
        today=timezone.localdate(),
        period_start=statement.period_from,
        period_end=statement.period_to,
    ).enforce(confirm_early=confirm_early)
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
    return statement, case


@transaction.atomic
def statement_file(
    *,
    statement: FeeStatement,
    by: User,
    confirm_early: bool = False,
    progress: Progress | None = None,
) -> FeeStatement:
    """File a draft with the court: it is frozen (database triggers), the services it bills are
    marked taxed, and its PDF becomes a filed document that the clerks of the case's division
    download.

    The draft is recomputed first: when the facts of the case changed since it was computed
    (a service added, a payment posted, a tariff row entered, another mediator...), filing is
    refused so that what is filed is exactly what the mediator checked.

    Nothing contradictory goes to court (issue 12, ``documents.registry``): a creditor paid
    beyond its claim or a journal that does not agree with the last bank statement refuses the
    filing, so does a period not ended yet unless ``confirm_early``."""
    statement, case = _filing_checked(statement, by=by, confirm_early=confirm_early)
    lines = list(statement.lines.order_by("position"))
    now = timezone.now()
    filed_on = timezone.localdate(now)
    content = statement_pdf(statement, lines, filed_on=filed_on, progress=progress)
    # The filed title is in the language of the procedure, like the document.
    with translation.override(procedure_language(case.division)):
        title = statement_document_title(statement)
    document = generated_pdf_file(
        case=case,
        kind=DocumentKind.TAXATION_STATEMENT,
        title=title,
        filename=statement_filename(statement),
        content=content,
        by=by,
        period_start=statement.period_from,
        period_end=statement.last_day,
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
    # The court's taxation order is now awaited (fees.clocks: 30 days, then overdue).
    duty_record(case=case, spec=taxation_awaited_spec(statement))
    return statement
