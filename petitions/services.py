"""Writes of the petitions app (issue 17): keyword-only, typed, atomic; every check first (a
``ValidationError`` keyed by field, French messages), then all saved or nothing.

- ``petition_draft``: a request drafted (or its draft changed) with what the mediator adds to
  the case's data, by kind (``FIELDS``);
- ``petition_file``: the request rendered as a PDF in the language of the procedure and filed
  with the court (``documents.services.generated_pdf_file``: visible to the clerks of the
  case's division), once. Filing the report of failure (art. 1675/11 §1 C.J.) opens the
  judicial phase: the case's latest amicable plan becomes the mediator's proposal of a judicial
  plan (``plans.conversion.plan_convert_to_judicial``; the amicable versions stay);
- ``petition_record_decision``: the court's answer; a sale granted authorises the sale of the
  asset (``assets.services.asset_authorise``), an expense granted may be paid; a revision
  granted opens the revised plan (``plans.services.plan_revise``: a draft version citing the
  decision); a revocation granted revokes the case, an end of procedure granted closes it
  (``cases.services.case_change_status``, dated the decision's date, under the transitions of
  ``cases.status``);
- ``petition_pay_expense``: the authorised expense paid from the mediation account (category
  ``exceptional_expense``, citing the court's decision, which the ledger requires).
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from assets.models import Asset, AssetDecision
from assets.services import asset_authorise
from audit.services import audit_changes
from cases.models import Case
from cases.services import case_change_status
from cases.status import ACTIVE_STATUSES, CaseStatus, allowed_next
from core.dates import format_date
from core.divisions import procedure_language
from core.money import CENT, MAX_AMOUNT, format_eur
from core.text import forbidden_characters
from documents.models import DocumentKind
from documents.services import generated_pdf_file
from ledger.models import Category, Direction
from ledger.services import EntryData, entry_post
from plans.conversion import conversion_errors, plan_convert_to_judicial
from plans.models import PlanVersion
from plans.selectors import PLAN_STATUSES, latest_version
from plans.services import plan_revise

from . import pdf  # WeasyPrint itself is imported only when a PDF is made
from .models import Decision, Petition, PetitionKind, RevocationGround

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # "text" (several lines), "line", "amount", "date", "ground", "asset"
    required: bool = True


# What the mediator adds to the case's data, by kind of request.
FIELDS: dict[str, tuple[Field, ...]] = {
    PetitionKind.FAILURE_REPORT: (
        Field("reasons", "text"),  # why the amicable settlement failed
        Field("proposal", "text", required=False),  # the proposal's particulars
    ),
    PetitionKind.EXCEPTIONAL_EXPENSE: (
        Field("purpose", "text"),
        Field("amount", "amount"),
        Field("payee", "line"),
    ),
    PetitionKind.ASSET_SALE: (
        Field("asset", "asset"),
        Field("expected_price", "amount"),
        Field("reasons", "text"),
    ),
    PetitionKind.PLAN_REVISION: (
        Field("change_date", "date"),
        Field("circumstances", "text"),
        Field("proposal", "text", required=False),
    ),
    PetitionKind.REVOCATION: (
        Field("ground", "ground"),
        Field("facts", "text"),
    ),
    PetitionKind.CLOSURE: (Field("reasons", "text"),),
}

TEXT_LIMIT = 5000


def _status_errors(case: Case, kind: str) -> list[str]:
    status = CaseStatus(case.status)
    values = {"status": status.label}
    if case.status not in ACTIVE_STATUSES:
        return [
            _("Le dossier est au statut « %(status)s » : plus aucune requête ne se dépose.")
            % values
        ]
    if kind == PetitionKind.FAILURE_REPORT:
        return [m for msgs in conversion_errors(case).values() for m in msgs]
    if kind == PetitionKind.PLAN_REVISION and case.status not in PLAN_STATUSES:
        return [
            _(
                "La révision (art. 1675/14 C.J.) porte sur un plan homologué ou imposé : le "
                "dossier est au statut « %(status)s »."
            )
            % values
        ]
    return []


def _amount(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(" ", "")) if str(value).strip() else None
    except InvalidOperation:
        return None


def _date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def clean_data(*, case: Case, kind: str, data: dict, today: date) -> tuple[dict, Asset | None]:
    """The request's content as it is stored (plain JSON) and its asset, or a
    ``ValidationError`` keyed by the fields of ``FIELDS[kind]``."""
    errors: dict[str, str] = {}
    clean: dict = {}
    asset = None
    for field in FIELDS[kind]:
        value = data.get(field.name)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            if field.required:
                errors[field.name] = _("Ce champ est obligatoire.")
            else:
                clean[field.name] = ""
            continue
        if field.type in ("text", "line"):
            text = str(value).strip()
            limit = 200 if field.type == "line" else TEXT_LIMIT
            if len(text) > limit:
                errors[field.name] = _("%(n)s caractères au plus.") % {"n": limit}
            elif field.type == "line" and forbidden_characters(text):
                errors[field.name] = _("Une seule ligne, sans caractère de contrôle.")
            clean[field.name] = text
        elif field.type == "amount":
            amount = _amount(value)
            if amount is None:
                errors[field.name] = _("Indiquez un montant, par exemple 1.234,56.")
            elif amount <= 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
                errors[field.name] = _("Le montant doit être positif, au cent près.")
            else:
                clean[field.name] = str(amount.quantize(CENT))
        elif field.type == "date":
            day = _date(value)
            if day is None:
                errors[field.name] = _("Indiquez une date.")
            elif day > today:
                errors[field.name] = _("La date ne peut être dans le futur.")
            elif day < case.admissibility_date:
                errors[field.name] = _("La date ne peut précéder l'admissibilité (%(date)s).") % {
                    "date": format_date(case.admissibility_date)
                }
            else:
                clean[field.name] = day.isoformat()
        elif field.type == "ground":
            if value not in RevocationGround.values:
                errors[field.name] = _(
                    "Choisissez le motif de révocation parmi ceux de l'art. 1675/15 § 1 C.J."
                )
            else:
                clean[field.name] = value
        elif field.type == "asset":
            pk = value.pk if isinstance(value, Asset) else value
            asset = Asset.objects.filter(case=case, pk=pk).first() if str(pk).isdigit() else None
            if asset is None:
                errors[field.name] = _("Choisissez un bien du dossier (onglet « Patrimoine »).")
            elif asset.is_sold:
                errors[field.name] = _("Ce bien est déjà vendu.")
            elif asset.decision == AssetDecision.SELL:
                errors[field.name] = _("Le tribunal a déjà autorisé la vente de ce bien.")
            else:
                clean[field.name] = asset.pk
    if errors:
        raise ValidationError(errors)
    return clean, asset


@transaction.atomic
def petition_draft(
    *,
    case: Case,
    kind: str,
    data: dict,
    by: User,
    today: date,
    petition: Petition | None = None,
) -> Petition:
    """Draft a request (``petition`` None) or change a draft not yet filed."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if kind not in PetitionKind.values:
        raise ValidationError({"kind": _("Choisissez le type de requête.")})
    if petition is not None:
        petition = Petition.objects.select_for_update().get(pk=petition.pk, case=case)
        if petition.is_filed:
            raise ValidationError(_("Cette requête est déposée au greffe : elle ne change plus."))
        if petition.kind != kind:
            raise ValidationError({"kind": _("Le type d'une requête ne change pas.")})
    refusals = _status_errors(case, kind)
    try:
        clean, asset = clean_data(case=case, kind=kind, data=data, today=today)
    except ValidationError as exc:
        if refusals:
            exc.error_dict.setdefault("__all__", []).extend(ValidationError(refusals).error_list)
        raise
    if refusals:
        raise ValidationError({"__all__": refusals})
    before = {} if petition is None else {"data": petition.data}
    if petition is None:
        petition = Petition(case=case, kind=kind, created_by=by)
    petition.data = clean
    petition.asset = asset
    petition.full_clean()
    petition.save()
    audit_changes(actor=by, case=case, obj=petition, before=before, after={"data": clean})
    return petition


def filing_title(petition: Petition) -> str:
    title = str(PetitionKind(petition.kind).label)
    if petition.asset_id:
        title = f"{title} — {petition.asset.description}"
    return title[:200]


@transaction.atomic
def petition_file(*, petition: Petition, by: User, today: date) -> Petition:
    """Render the request (dated ``today``, in the language of the procedure) and file it with
    the court, once. The report of failure first turns the case's latest amicable plan into the
    proposal of a judicial plan (see module); nothing is saved if the PDF cannot be made."""
    case = (
        Case.objects.select_for_update()
        .select_related("organisation", "mediator")
        .get(pk=petition.case_id)
    )
    petition = Petition.objects.select_for_update(of=("self",)).get(pk=petition.pk)
    if petition.is_filed:
        raise ValidationError(_("Cette requête est déjà déposée au greffe."))
    refusals = _status_errors(case, petition.kind)
    if refusals:
        raise ValidationError({"__all__": refusals})
    clean_data(case=case, kind=petition.kind, data=petition.data, today=today)
    petition.case = case
    if petition.kind == PetitionKind.FAILURE_REPORT:
        petition.plan_version = plan_convert_to_judicial(
            case=case,
            reason=_("Procès-verbal de carence déposé le %(date)s : proposition de plan judiciaire")
            % {"date": format_date(today)},
            by=by,
        )
    petition.language = procedure_language(case.division)
    try:
        content = pdf.render_petition_pdf(petition, on=today)
    except Exception as exc:  # WeasyPrint, fonts, template: nothing is filed
        logger.exception("petition PDF failed for case %s", case.pk)
        raise ValidationError(
            _("Le PDF de la requête n'a pas pu être produit : rien n'a été déposé.")
        ) from exc
    kind = (
        DocumentKind.FAILURE_REPORT
        if petition.kind == PetitionKind.FAILURE_REPORT
        else DocumentKind.PETITION
    )
    petition.filed_document = generated_pdf_file(
        case=case,
        kind=kind,
        title=filing_title(petition),
        filename=f"{case.reference}-{petition.kind}-{petition.pk}.pdf",
        content=content,
        by=by,
    )
    petition.full_clean()
    petition.save()
    audit_changes(
        actor=by,
        case=case,
        obj=petition,
        before={"filed": False},
        after={"filed": True, "document": petition.filed_document_id},
    )
    return petition


# What a granted request does to the case's status (cases.status; domain/README.md, "The life
# of a case"): the revocation (art. 1675/15 C.J.) and the end of the procedure. A revision
# (art. 1675/14 C.J.) keeps the status: it opens the revised plan instead (``_open_revision``).
DECISION_STATUS = {
    PetitionKind.REVOCATION: CaseStatus.REVOKED,
    PetitionKind.CLOSURE: CaseStatus.CLOSED,
}


def _decision_status_refusal(case: Case, kind: str) -> str:
    """Why the court's granting ``kind`` cannot be recorded on ``case`` as it is now (the
    transitions of ``cases.status`` hold for a decision too); empty: it can."""
    to_status = DECISION_STATUS.get(kind)
    values = {"status": CaseStatus(case.status).label}
    if to_status is not None and to_status not in allowed_next(case.status):
        if to_status == CaseStatus.REVOKED:
            return (
                _(
                    "Le dossier est au statut « %(status)s » : il ne peut plus être révoqué. "
                    "Enregistrez la décision comme refusée ou corrigez d'abord le statut."
                )
                % values
            )
        return (
            _(
                "Le dossier est au statut « %(status)s » : la procédure ne peut y être clôturée "
                "(un dossier en phase amiable se clôture après un plan ou une remise totale). "
                "Corrigez d'abord le statut."
            )
            % values
        )
    if kind == PetitionKind.PLAN_REVISION and case.status not in PLAN_STATUSES:
        return (
            _("Le dossier est au statut « %(status)s » : il n'a plus de plan à réviser.") % values
        )
    return ""


def _keyed(exc: ValidationError, field: str) -> dict[str, list[str]]:
    """Another app's refusal reported on ``field`` (the form's only field it concerns)."""
    return {field: exc.messages}


def decision_note(petition: Petition) -> str:
    """The note of the status change a granted request makes, in the language of the
    procedure (as the court's decision is), citing the decision."""
    values = {
        "ref": petition.decision_reference,
        "date": format_date(petition.decision_date),
    }
    with translation.override(procedure_language(petition.case.division)):
        if petition.kind == PetitionKind.REVOCATION:
            ground = petition.data.get("ground", "")
            values["ground"] = (
                str(RevocationGround(ground).label) if ground in RevocationGround.values else ""
            )
            return (
                _(
                    "Révocation (art. 1675/15 C.J.) — décision %(ref)s du %(date)s : le requérant "
                    "%(ground)s"
                )
                % values
            )
        if petition.kind == PetitionKind.CLOSURE:
            return _("Fin de la procédure accordée sur requête — décision %(ref)s du %(date)s") % (
                values
            )
        return _("Révision du plan accordée (art. 1675/14 C.J.) — décision %(ref)s du %(date)s") % (
            values
        )


def _open_revision(petition: Petition, *, by: User) -> PlanVersion | None:
    """The revision granted (art. 1675/14 C.J.): a new draft version continuing the plan in
    force, its reason citing the decision (``plans.services.plan_revise``; the approved versions
    stay). A draft already open is the revision: it is kept as it is. The mediator then adapts
    the draft and records the court's decision on it in the "Plan" tab."""
    latest = latest_version(petition.case)
    if latest is None:
        return None
    if latest.is_draft:
        return latest
    try:
        return plan_revise(version=latest, reason=decision_note(petition), by=by)
    except ValidationError as exc:
        raise ValidationError({"__all__": exc.messages}) from exc


@transaction.atomic
def petition_record_decision(
    *,
    petition: Petition,
    decision: str,
    decision_date: date | None,
    decision_reference: str,
    by: User,
    today: date,
) -> Petition:
    """The court's answer to a filed request. A sale granted authorises the sale of its asset
    (the asset's order is the decision: art. 1675/7 §3 C.J.). A revocation granted revokes the
    case and an end of procedure granted closes it, dated the decision's date (``DECISION_STATUS``;
    refused, with nothing saved, where ``cases.status`` does not allow it); a revision granted
    opens the revised plan (``_open_revision``; the status stays)."""
    petition = (
        Petition.objects.select_for_update(of=("self",))
        .select_related("case", "filed_document", "asset")
        .get(pk=petition.pk)
    )
    errors: dict[str, str] = {}
    if not petition.is_filed:
        errors["__all__"] = _("Déposez d'abord la requête au greffe.")
    elif petition.decision:
        errors["__all__"] = _("La décision du tribunal sur cette requête est déjà enregistrée.")
    if decision not in Decision.values:
        errors["decision"] = _("Indiquez si le tribunal a accordé ou refusé la requête.")
    filed_on = (
        timezone.localtime(petition.filed_document.filed_at).date() if petition.is_filed else None
    )
    if decision_date is None:
        errors["decision_date"] = _("Indiquez la date de la décision.")
    elif decision_date > today:
        errors["decision_date"] = _("La date de la décision ne peut être dans le futur.")
    elif filed_on and decision_date < filed_on:
        errors["decision_date"] = _(
            "La décision ne peut précéder le dépôt de la requête (%(date)s)."
        ) % {"date": format_date(filed_on)}
    reference = decision_reference.strip()
    if not reference:
        errors["decision_reference"] = _("Indiquez la référence de la décision (n° de répertoire).")
    elif len(reference) > 100 or forbidden_characters(reference):
        errors["decision_reference"] = _("Une seule ligne de 100 caractères au plus.")
    if not errors and decision == Decision.GRANTED:
        case = Case.objects.select_for_update().get(pk=petition.case_id)
        refusal = _decision_status_refusal(case, petition.kind)
        if refusal:
            errors["__all__"] = refusal
    if errors:
        raise ValidationError(errors)
    petition.decision = decision
    petition.decision_date = decision_date
    petition.decision_reference = reference
    if decision == Decision.GRANTED and petition.kind in DECISION_STATUS:
        try:
            petition.case = case_change_status(
                case=petition.case,
                to_status=DECISION_STATUS[petition.kind],
                decision_date=decision_date,
                note=decision_note(petition),
                by=by,
            )
        except ValidationError as exc:  # a decision before the case's last status change
            raise ValidationError(_keyed(exc, "decision_date")) from exc
    if petition.kind == PetitionKind.PLAN_REVISION and decision == Decision.GRANTED:
        petition.plan_version = _open_revision(petition, by=by)
    if petition.kind == PetitionKind.ASSET_SALE and decision == Decision.GRANTED:
        try:
            asset_authorise(
                asset=petition.asset,
                decision=AssetDecision.SELL,
                decision_date=decision_date,
                decision_reference=reference,
                by=by,
                today=today,
            )
        except ValidationError as exc:
            raise ValidationError({"__all__": exc.messages}) from exc
    petition.full_clean()
    petition.save()
    audit_changes(
        actor=by,
        case=petition.case,
        obj=petition,
        before={"decision": ""},
        after={"decision": decision, "decision_reference": reference},
    )
    return petition


@transaction.atomic
def petition_pay_expense(
    *, petition: Petition, value_date: date | None, by: User, today: date
) -> Petition:
    """Pay the expense the court authorised from the mediation account, once: an entry "out"
    of category ``exceptional_expense`` citing the decision (the ledger refuses that category
    without it). The ledger's refusals (balance, dates) are reported on ``value_date``."""
    petition = (
        Petition.objects.select_for_update(of=("self",)).select_related("case").get(pk=petition.pk)
    )
    errors: dict[str, str] = {}
    if petition.kind != PetitionKind.EXCEPTIONAL_EXPENSE:
        errors["__all__"] = _("Seule une dépense autorisée se paie depuis une requête.")
    elif not petition.is_granted:
        errors["__all__"] = _(
            "Le tribunal n'a pas autorisé cette dépense : enregistrez d'abord sa décision."
        )
    elif petition.expense_entry_id is not None:
        errors["__all__"] = _("Cette dépense est déjà payée.")
    if value_date is None:
        errors["value_date"] = _("Indiquez la date du paiement.")
    elif petition.decision_date and value_date < petition.decision_date:
        errors["value_date"] = _("Le paiement ne peut précéder l'autorisation (%(date)s).") % {
            "date": format_date(petition.decision_date)
        }
    if errors:
        raise ValidationError(errors)
    amount = Decimal(petition.data["amount"])
    entry_data = EntryData(
        value_date=value_date,
        direction=Direction.OUT,
        amount=amount,
        category=Category.EXCEPTIONAL_EXPENSE,
        counterparty=petition.data["payee"][:200],
        communication=" ".join(petition.data["purpose"].split())[:140],
        authorisation=petition.decision_reference,
        note=(
            _("Dépense autorisée le %(date)s (%(amount)s)")
            % {
                "date": format_date(petition.decision_date),
                "amount": format_eur(amount),
            }
        )[:255],
    )
    try:
        petition.expense_entry = entry_post(case=petition.case, data=entry_data, by=by, today=today)
    except ValidationError as exc:
        raise ValidationError({"value_date": exc.messages}) from exc
    petition.full_clean()
    petition.save()
    return petition
