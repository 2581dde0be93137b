"""Write services of the plans app: keyword-only, typed, atomic; every mistake is reported at
once as a field-keyed French ``ValidationError`` and nothing is saved.

- ``plan_create`` / ``plan_update``: the first version, and changes to a draft;
- ``plan_revise``: a new version of a plan sent or approved (who, when, why), the old one stays;
- ``plan_approve``: the court's decision (homologation or judicial plan), freezing the version
  and moving the case out of the amicable phase (``cases.services.case_change_status``);
- ``plan_file``: the court version of the plan filed with the court (a filed document of kind
  "plan", which the clerks of the case's division download);
- ``plan_send``: the proposal mailed to the creditors (art. 1675/10, §4 C.J.): the PDF, and the
  billable service through ``fees.services.service_record`` (4.2 circular letter from three
  addressees, ordinary letters 4.1 below: ``letters.services.billable_service_for``).
"""

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from agenda.services import duties_settle
from cases.models import Case, PlanBasis
from cases.services import case_change_status, case_record_plan_basis
from cases.status import CaseStatus
from core.dates import format_date
from core.divisions import procedure_language
from core.money import CENT
from documents.models import DocumentKind
from documents.registry import filing_check
from documents.services import generated_pdf_file
from fees.services import service_record
from letters.services import billable_service_for

from . import (
    clocks,
    engine,
    pdf,  # WeasyPrint itself is imported only when a PDF is made
    selectors,
)
from .models import (
    AmountSource,
    FeeSource,
    NonRemissibleTreatment,
    OneOffKind,
    PlanKind,
    PlanMailing,
    PlanOneOff,
    PlanShare,
    PlanState,
    PlanVersion,
)

logger = logging.getLogger(__name__)


@dataclass
class OneOffData:
    """A one-off sum (tax refund, inheritance, sale of an asset) on its date, inside the plan."""

    received_on: date
    amount: Decimal
    kind: str = OneOffKind.OTHER
    label: str = ""
    row: int = 0  # the form's row number, for the errors (0: its position)


# Which legal bases a kind of plan may have (docs/plan-rules.md).
BASES_OF_KIND = {
    PlanKind.AMICABLE: (PlanBasis.AMICABLE,),
    PlanKind.JUDICIAL: (
        PlanBasis.JUDICIAL_1675_12,
        PlanBasis.JUDICIAL_1675_13,
        PlanBasis.TOTAL_1675_13BIS,
    ),
}


def default_basis(case: Case, kind: str) -> str:
    """The basis of a version that does not name one: an amicable plan's, or for a judicial
    plan the basis the court ordered (``Case.plan_basis``), else art. 1675/13 C.J."""
    if kind != PlanKind.JUDICIAL:
        return PlanBasis.AMICABLE
    if case.plan_basis and case.plan_basis != PlanBasis.AMICABLE:
        return case.plan_basis
    return PlanBasis.JUDICIAL_1675_13


@dataclass
class PlanData:
    kind: str
    start_date: date
    duration_months: int
    monthly_available: Decimal
    fee_provision: Decimal = Decimal("0.00")
    frequency_months: int = 1
    fee_source: str = FeeSource.MANUAL
    fee_estimate_note: str = ""
    available_source: str = AmountSource.MANUAL
    available_note: str = ""  # the budget's explanation when the amount comes from it
    # Legacy blanket priorities: refused for a new or changed version (equality, art. 1675/13
    # §1 C.J.); a priority is a reasoned rank on the claim (claims.models.PlanRank).
    privileged_first: bool = False
    non_remissible_treatment: str = NonRemissibleTreatment.PRO_RATA
    # "" : the kind's usual basis (``default_basis``); the form always sends one.
    legal_basis: str = ""
    opening_balance: Decimal = Decimal("0.00")
    one_offs: list[OneOffData] = field(default_factory=list)
    exception_granted: bool = False
    exception_reason: str = ""
    exception_reference: str = ""
    # The start of the seven years the court set by a reasoned decision (docs/plan-rules.md, 6);
    # None: the date the law sets for the kind.
    court_count_from: date | None = None
    court_count_reason: str = ""
    court_count_reference: str = ""
    note: str = ""
    # Hand-entered monthly shares, creditor pk -> amount; None: the automatic split.
    shares: dict[int, Decimal] | None = None


@dataclass
class Checked:
    basis: selectors.Basis
    terms: engine.PlanTerms
    result: engine.PlanResult | None
    errors: dict[str, list[str]] = field(default_factory=dict)


def check_plan(*, case: Case, data: PlanData, basis: selectors.Basis | None = None) -> Checked:
    """Validate the plan's terms against the law and the claims, and compute it. Never raises:
    the errors are in ``Checked.errors`` (field-keyed)."""
    errors: dict[str, list[str]] = {}

    def merge(more: dict[str, list[str]]) -> None:
        for key, messages in more.items():
            errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))

    if not data.legal_basis:
        data = replace(data, legal_basis=default_basis(case, data.kind))
    if data.kind not in PlanKind.values:
        merge({"kind": [_("Type de plan inconnu.")]})
    if data.legal_basis not in PlanBasis.values:
        merge({"legal_basis": [_("Base légale inconnue.")]})
    elif data.kind in PlanKind.values and data.legal_basis not in BASES_OF_KIND[data.kind]:
        merge(
            {
                "legal_basis": [
                    _(
                        "La base « %(basis)s » ne convient pas à un %(kind)s : un plan amiable "
                        "relève de l'art. 1675/10 C.J., un plan judiciaire des art. 1675/12, "
                        "1675/13 ou 1675/13bis C.J."
                    )
                    % {
                        "basis": PlanBasis(data.legal_basis).label,
                        "kind": PlanKind(data.kind).label.lower(),
                    }
                ]
            }
        )
    if data.non_remissible_treatment not in NonRemissibleTreatment.values:
        merge({"non_remissible_treatment": [_("Choix inconnu.")]})
    elif data.non_remissible_treatment == NonRemissibleTreatment.PRIORITY:
        merge(
            {
                "non_remissible_treatment": [
                    _(
                        "Les dettes non remissibles ne sont pas payées en priorité : l'égalité "
                        "des créanciers est la règle (art. 1675/13 §1 C.J. ; Cass. 27 mai "
                        "2013). Donnez un rang motivé à la créance concernée (écran des "
                        "créances)."
                    )
                ]
            }
        )
    if data.privileged_first:
        merge(
            {
                "privileged_first": [
                    _(
                        "Une priorité se motive créance par créance (rang « hypothèque sur un "
                        "bien conservé » ou « cause légitime de préférence », écran des "
                        "créances) : plus de priorité globale des créances privilégiées."
                    )
                ]
            }
        )
    merge(_court_count_errors(case, data))
    merge(
        engine.duration_errors(
            limit=selectors.duration_limit(
                case,
                data.kind,
                None,
                data.start_date,
                court_day=data.court_count_from,
                court_reason=data.court_count_reason,
                court_reference=data.court_count_reference,
            ),
            admissibility=case.admissibility_date,
            start=data.start_date,
            duration_months=data.duration_months,
            exception_granted=data.exception_granted,
            exception_reason=data.exception_reason,
        )
    )
    basis = basis or selectors.live_basis(case, data.start_date)
    lines = basis.lines
    if data.shares is not None:
        unknown = [pk for pk in data.shares if str(pk) not in basis.creditor_ids]
        if unknown:
            merge({"shares": [_("Une part est saisie pour un créancier hors du plan.")]})
        lines = selectors.with_shares(lines, {str(k): v for k, v in data.shares.items()})
    terms = engine.PlanTerms(
        start=data.start_date,
        duration_months=data.duration_months,
        monthly_available=data.monthly_available,
        fee_provision=data.fee_provision,
        frequency_months=data.frequency_months,
        lines=lines,
        legal_basis=engine.LegalBasis(
            data.legal_basis if data.legal_basis in PlanBasis.values else PlanBasis.AMICABLE
        ),
        opening_balance=data.opening_balance,
        one_offs=tuple(
            engine.OneOff(day=o.received_on, amount=o.amount, label=o.label, row=o.row)
            for o in data.one_offs
        ),
    )
    merge(engine.terms_errors(terms))
    result = None
    if not errors:
        try:
            result = engine.compute_plan(terms)
        except engine.PlanInputError as exc:  # a remission the legal basis forbids
            merge(exc.errors)
    return Checked(basis=basis, terms=terms, result=result, errors=errors)


def _court_count_errors(case: Case, data: PlanData) -> dict[str, list[str]]:
    """A start of the seven years set by the court: a date, not before the admissibility
    decision, with the court's reason (art. 1675/10 §5 al. 3 C.J.: "décision motivée")."""
    errors: dict[str, list[str]] = {}
    day, reason = data.court_count_from, data.court_count_reason.strip()
    if day is None:
        if reason or data.court_count_reference.strip():
            errors["court_count_from"] = [
                _("Indiquez la date que le tribunal a fixée comme point de départ des 7 ans.")
            ]
        return errors
    if day < case.admissibility_date:
        errors["court_count_from"] = [
            _(
                "Le point de départ des 7 ans ne peut précéder la décision d'admissibilité "
                "(%(date)s)."
            )
            % {"date": format_date(case.admissibility_date)}
        ]
    if not reason:
        errors["court_count_reason"] = [
            _("Indiquez le motif de la décision du tribunal qui fixe ce point de départ.")
        ]
    return errors


def _apply(version: PlanVersion, data: PlanData) -> None:
    version.kind = data.kind
    version.legal_basis = data.legal_basis or default_basis(version.case, data.kind)
    version.start_date = data.start_date
    version.duration_months = data.duration_months
    version.frequency_months = data.frequency_months
    version.monthly_available = data.monthly_available
    version.available_source = data.available_source
    version.available_note = (
        data.available_note if data.available_source == AmountSource.BUDGET else ""
    )
    version.fee_provision = data.fee_provision
    version.fee_source = data.fee_source
    version.fee_estimate_note = (
        data.fee_estimate_note if data.fee_source == FeeSource.ESTIMATE else ""
    )
    version.privileged_first = data.privileged_first
    version.non_remissible_treatment = data.non_remissible_treatment
    version.opening_balance = data.opening_balance
    version.override_shares = data.shares is not None
    version.exception_granted = data.exception_granted
    version.exception_reason = data.exception_reason.strip() if data.exception_granted else ""
    version.exception_reference = data.exception_reference.strip() if data.exception_granted else ""
    version.court_count_from = data.court_count_from
    version.court_count_reason = data.court_count_reason.strip() if data.court_count_from else ""
    version.court_count_reference = (
        data.court_count_reference.strip() if data.court_count_from else ""
    )
    version.note = data.note.strip()


def _save_one_offs(version: PlanVersion, data: PlanData) -> None:
    version.one_offs.all().delete()
    PlanOneOff.objects.bulk_create(
        PlanOneOff(
            version=version,
            kind=o.kind,
            received_on=o.received_on,
            amount=o.amount,
            label=o.label.strip(),
        )
        for o in data.one_offs
    )


def _save_shares(version: PlanVersion, data: PlanData) -> None:
    version.shares.all().delete()
    if data.shares is not None:
        PlanShare.objects.bulk_create(
            PlanShare(version=version, creditor_id=pk, monthly_amount=amount)
            for pk, amount in data.shares.items()
        )


def _validated(case: Case, data: PlanData) -> Checked:
    checked = check_plan(case=case, data=data)
    if checked.errors:
        raise ValidationError(checked.errors)
    return checked


@transaction.atomic
def plan_create(*, case: Case, data: PlanData, by: User) -> PlanVersion:
    """The first version of the case's plan (a draft)."""
    Case.objects.select_for_update().get(pk=case.pk)
    if PlanVersion.objects.filter(case=case).exists():
        raise ValidationError(
            _("Ce dossier a déjà un plan : modifiez le projet ou créez une révision.")
        )
    _validated(case, data)
    version = PlanVersion(case=case, number=1, created_by=by, updated_by=by)
    _apply(version, data)
    version.full_clean()
    version.save()
    _save_shares(version, data)
    _save_one_offs(version, data)
    return version


@transaction.atomic
def plan_update(*, version: PlanVersion, data: PlanData, by: User) -> PlanVersion:
    """Change a draft. A version sent or approved is frozen: revise it instead."""
    version = PlanVersion.objects.select_for_update().select_related("case").get(pk=version.pk)
    if not version.is_draft:
        raise ValidationError(
            _("Cette version est figée (%(state)s) : créez une révision pour la modifier.")
            % {"state": version.state_label}
        )
    _validated(version.case, data)
    _apply(version, data)
    version.updated_by = by
    version.full_clean()
    version.save()
    _save_shares(version, data)
    _save_one_offs(version, data)
    return version


@transaction.atomic
def plan_revise(*, version: PlanVersion, reason: str, by: User) -> PlanVersion:
    """A new draft version continuing ``version`` (the latest, sent or approved), with the reason
    of the revision. The old version stays as it was, readable."""
    case = Case.objects.select_for_update().get(pk=version.case_id)
    version = PlanVersion.objects.get(pk=version.pk)
    errors: dict[str, list[str]] = {}
    latest = PlanVersion.objects.filter(case=case).aggregate(n=Max("number"))["n"]
    if version.number != latest:
        errors["__all__"] = [_("Seule la dernière version du plan peut être révisée.")]
    elif version.is_draft:
        errors["__all__"] = [_("Un projet se modifie directement : il n'y a rien à réviser.")]
    if not reason.strip():
        errors["reason"] = [
            _("Indiquez le motif de la révision (changement de revenus, du ménage, …).")
        ]
    if errors:
        raise ValidationError(errors)
    shares = list(version.shares.all())
    one_offs = list(version.one_offs.all())
    new = PlanVersion.objects.get(pk=version.pk)
    new.pk = None
    new._state.adding = True
    new.number = latest + 1
    new.state = PlanState.DRAFT
    new.revision_of = version
    new.reason = reason.strip()
    new.decision_date = None
    new.decision_reference = ""
    new.decided_by = None
    new.decided_at = None
    new.snapshot = {}
    new.frozen_at = None
    # a new version follows equality (art. 1675/13 §1 C.J.): no blanket priority carried over
    new.privileged_first = False
    new.non_remissible_treatment = NonRemissibleTreatment.PRO_RATA
    # The new version has not been filed: the copy would otherwise link to the filed PDF of
    # the version it revises (issue 12: version 2 showed version 1's filed copy).
    new.filed_document = None
    new.created_by = by
    new.updated_by = by
    new.full_clean()
    new.save()
    PlanShare.objects.bulk_create(
        PlanShare(version=new, creditor_id=s.creditor_id, monthly_amount=s.monthly_amount)
        for s in shares
    )
    PlanOneOff.objects.bulk_create(
        PlanOneOff(
            version=new, kind=o.kind, received_on=o.received_on, amount=o.amount, label=o.label
        )
        for o in one_offs
    )
    return new


def _freeze(version: PlanVersion, decision_date: date | None = None) -> dict[str, list[str]]:
    """Compute the version on the current claims and keep that basis in its snapshot. The
    duration is checked again against the case as it is now (its designation date may have
    been corrected since the draft): a plan longer than 7 years without the recorded exception
    is neither sent, approved nor filed (art. 1675/10, § 6 C.J.; domain/README.md, step 4)."""
    duration = engine.duration_errors(
        limit=selectors.version_limit(version, decision_date),
        admissibility=version.case.admissibility_date,
        start=version.start_date,
        duration_months=version.duration_months,
        exception_granted=version.exception_granted,
        exception_reason=version.exception_reason,
    )
    if duration:
        return {"__all__": [m for messages in duration.values() for m in messages]}
    if version.snapshot:  # sent earlier: approved as the creditors received it
        basis = selectors.basis_from_snapshot(version.snapshot)
    else:
        basis = selectors.live_basis(version.case, version.start_date)
    view = selectors.compute(version, basis)
    if view.result is None:
        return {"__all__": view.errors}
    if not basis.lines:
        return {
            "__all__": [
                _("Le plan ne compte aucune créance admise : admettez les créances d'abord.")
            ]
        }
    if not version.snapshot:
        version.snapshot = selectors.basis_to_snapshot(basis)
        version.frozen_at = timezone.now()
    return {}


def _decision_errors(
    case: Case, decision_date: date | None, today: date, sent_on: date | None = None
) -> list[str]:
    if decision_date is None:
        return [_("Indiquez la date de la décision du tribunal.")]
    if decision_date < case.admissibility_date:
        return [
            _("La décision ne peut précéder l'admissibilité (%(date)s).")
            % {"date": format_date(case.admissibility_date)}
        ]
    if decision_date > today:
        return [_("La date de la décision ne peut être dans le futur.")]
    if sent_on is not None and decision_date < sent_on:
        # The court decides on the proposal the creditors received (art. 1675/10, §§ 4-5 C.J.).
        return [
            _("La décision ne peut précéder l'envoi de la proposition aux créanciers (%(date)s).")
            % {"date": format_date(sent_on)}
        ]
    return []


def _approval_note(version: PlanVersion, reference: str) -> str:
    """The status change's note: which version the court decided on, and its reference."""
    if version.kind == PlanKind.AMICABLE:
        note = _("Homologation du plan amiable (version %(n)s)") % {"n": version.number}
    else:
        note = _("Plan judiciaire imposé (version %(n)s)") % {"n": version.number}
    if reference:
        note = _("%(note)s — décision %(ref)s") % {"note": note, "ref": reference}
    return note


def _errors_of(exc: ValidationError, *, fields: set[str]) -> dict[str, list[str]]:
    """Another app's errors keyed for this app's form: unknown keys go to ``__all__``."""
    mapping = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors: dict[str, list[str]] = {}
    for key, messages in mapping.items():
        errors.setdefault(key if key in fields else "__all__", []).extend(messages)
    return errors


@transaction.atomic
def plan_approve(
    *,
    version: PlanVersion,
    decision_date: date | None,
    decision_reference: str,
    by: User,
    today: date,
) -> PlanVersion:
    """Record the court's decision: the amicable plan homologated, or the judicial plan imposed.
    The version is frozen (its claims kept as they are now, or as they were when it was sent).

    The case follows (cases.status; ../shared/domain/README.md, "The life of a case", 5), in the
    same transaction (``selectors.approval_effect``):

    - in the amicable phase, it moves to ``amicable_plan`` (an amicable version homologated) or
      ``judicial_plan`` (a judicial one imposed) through ``cases.services.case_change_status``:
      a status change citing the version and the decision, and the decision date becomes the
      case's ``homologation_date``. A transition the cases app refuses (a decision before the
      last status change) is reported on ``decision_date``;
    - already under a plan, it keeps its status: the decision revises the plan (art. 1675/14
      C.J.) and is recorded on the version only;
    - in total remission, closed or revoked: refused, there is no plan left to decide.
    """
    case = Case.objects.select_for_update().get(pk=version.case_id)
    version = PlanVersion.objects.select_for_update().select_related("case").get(pk=version.pk)
    errors: dict[str, list[str]] = {}
    if version.state == PlanState.APPROVED:
        errors["__all__"] = [_("Cette version est déjà approuvée par le tribunal.")]
    effect = selectors.approval_effect(version)
    if effect.refusal:
        errors.setdefault("__all__", []).append(effect.refusal)
    first_sent = version.mailings.order_by("sent_on").values_list("sent_on", flat=True).first()
    message = _decision_errors(case, decision_date, today, first_sent)
    if message:
        errors["decision_date"] = message
    if not errors:
        for key, messages in _freeze(version, decision_date).items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    reference = decision_reference.strip()
    if effect.to_status is not None:
        try:
            case = case_change_status(
                case=case,
                to_status=effect.to_status,
                decision_date=decision_date,
                note=_approval_note(version, reference),
                by=by,
            )
        except ValidationError as exc:
            raise ValidationError(_errors_of(exc, fields={"decision_date"})) from exc
    # the case records the basis the court ordered (docs/plan-rules.md)
    case = case_record_plan_basis(case=case, basis=version.legal_basis, by=by)
    version.case = case
    version.state = PlanState.APPROVED
    version.decision_date = decision_date
    version.decision_reference = reference
    version.decided_by = by
    version.decided_at = timezone.now()
    version.full_clean()
    version.save()
    # the amicable phase's clock stops: a plan is approved (plans.clocks)
    duties_settle(
        case=case,
        kind=clocks.AMICABLE_PHASE_OVERDUE,
        on=decision_date,
        by=by,
        note=_approval_note(version, reference),
    )
    return version


# The filed plan's titles (documents.registry.register_title_messages, issue 16).
TITLE_MESSAGES = (
    gettext_noop("%(kind)s — version %(n)s (homologué le %(date)s)"),
    gettext_noop("%(kind)s — version %(n)s (imposé le %(date)s)"),
    gettext_noop("%(kind)s — version %(n)s (proposition au tribunal)"),
    gettext_noop("%(kind)s — version %(n)s (requête en révision)"),
    gettext_noop("%(kind)s — version %(n)s (requête en homologation)"),
)


def title_messages() -> list:
    kinds = {"kind": [kind.label for kind in PlanKind]}
    return [(message, kinds) for message in TITLE_MESSAGES]


def filing_title(version: PlanVersion) -> str:
    """The filed document's title, as the clerk reads it in the list of filed documents."""
    values = {"kind": version.get_kind_display(), "n": version.number}
    if version.state == PlanState.APPROVED:
        values["date"] = format_date(version.decision_date)
        if version.kind == PlanKind.AMICABLE:
            return _("%(kind)s — version %(n)s (homologué le %(date)s)") % values
        return _("%(kind)s — version %(n)s (imposé le %(date)s)") % values
    if version.kind == PlanKind.JUDICIAL:
        return _("%(kind)s — version %(n)s (proposition au tribunal)") % values
    if version.revision_of_id:
        return _("%(kind)s — version %(n)s (requête en révision)") % values
    return _("%(kind)s — version %(n)s (requête en homologation)") % values


@transaction.atomic
def plan_file(*, version: PlanVersion, by: User, today: date) -> PlanVersion:
    """File the court version of the plan (``pdf.render_court_pdf``, dated ``today``) with the
    court: it becomes a document of kind "plan", filed (``documents.services.document_file``:
    frozen, downloadable by the clerks of the case's division; ../shared/domain/README.md, "Who
    uses the software") and linked on the version (``filed_document``).

    Which versions: a frozen one, each once.

    - sent to the creditors: the amicable plan goes to the court with the homologation request
      once the creditors had it (art. 1675/10, §§ 4-5 C.J.), a judicial plan proposed to the
      court (art. 1675/11 to 1675/13 C.J.);
    - approved: the plan as the court homologated or imposed it (a judicial plan is imposed by
      the court: its filed version is the decision's plan).

    A draft is refused: it can still change, and what is filed must stay what the court
    received. A plan that cannot be computed or has no admitted claim is refused (``_freeze``,
    as for sending and approving), so is a case in total remission, closed or revoked. If the
    PDF cannot be made nothing is saved (it is rendered before anything is written)."""
    case = (
        Case.objects.select_for_update()
        .select_related("organisation", "mediator")
        .get(pk=version.case_id)
    )
    version = (
        # Only the version's row is locked: PostgreSQL refuses FOR UPDATE on the nullable side
        # of the outer join to the filed document.
        PlanVersion.objects.select_for_update(of=("self",))
        .select_related("case", "filed_document")
        .get(pk=version.pk)
    )
    errors: dict[str, list[str]] = {}
    if version.filed_document_id is not None:
        errors["__all__"] = [
            _("Cette version est déjà déposée au greffe (le %(date)s).")
            % {"date": format_date(timezone.localtime(version.filed_document.filed_at))}
        ]
    elif version.is_draft:
        errors["__all__"] = [
            _(
                "Un projet ne se dépose pas : envoyez d'abord la proposition aux créanciers, ou "
                "enregistrez la décision du tribunal ; la version est alors figée."
            )
        ]
    if case.status not in selectors.PLAN_OPEN_STATUSES:
        errors.setdefault("__all__", []).append(
            _("Le dossier est au statut « %(status)s » : aucun plan ne se dépose plus.")
            % {"status": CaseStatus(case.status).label}
        )
    if not errors:
        # Nothing contradictory goes to court (issue 12, documents.registry): a creditor paid
        # beyond its claim, a journal that does not agree with the last bank statement. A plan
        # has no period: nothing to confirm.
        errors = filing_check(case=case, kind=DocumentKind.PLAN, today=today).errors(
            confirm_early=True
        )
    if not errors:
        errors = _freeze(version)
    if errors:
        raise ValidationError(errors)
    version.case = case
    view = selectors.compute(version)
    try:
        content = pdf.render_court_pdf(view, on=today)
    except Exception as exc:  # WeasyPrint, fonts, template: nothing is filed
        logger.exception("plan court PDF failed for case %s", case.pk)
        raise ValidationError(
            _("Le PDF du plan n'a pas pu être produit : rien n'a été déposé.")
        ) from exc
    # The filed title is in the language of the procedure, like the document.
    with translation.override(procedure_language(case.division)):
        title = filing_title(version)
    document = generated_pdf_file(
        case=case,
        kind=DocumentKind.PLAN,
        title=title,
        filename=f"{case.reference}-plan-v{version.number}.pdf",
        content=content,
        by=by,
    )
    version.filed_document = document
    version.updated_by = by
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def plan_send(
    *,
    version: PlanVersion,
    creditor_ids: list[int],
    copy_to_applicants: bool,
    sent_on: date,
    registered: bool,
    postage: Decimal | None,
    by: User,
    today: date,
) -> PlanMailing:
    """Send the plan proposal to the chosen creditors (one copy each, identical content: a
    circular letter from three addressees). Freezes the version (sent), stores the exact PDF and
    records the billable service; if anything fails nothing is saved."""
    version = PlanVersion.objects.select_for_update().select_related("case").get(pk=version.pk)
    case = Case.objects.select_related("organisation", "mediator").get(pk=version.case_id)
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if version.state == PlanState.APPROVED:
        add(
            "__all__",
            _("Cette version est déjà approuvée par le tribunal : elle ne s'envoie plus."),
        )
    if registered:
        if postage is None:
            add("postage", _("Indiquez le port d'une lettre recommandée."))
        elif postage <= 0:
            add("postage", _("Le port recommandé doit être un montant positif."))
        elif postage != postage.quantize(CENT):
            add("postage", _("Le montant a au plus deux décimales."))
    elif postage is not None:
        add("postage", _("Un port recommandé ne s'indique que pour un envoi recommandé."))
    if sent_on < case.admissibility_date:
        add(
            "sent_on",
            _("L'envoi ne peut précéder l'admissibilité (%(date)s).")
            % {"date": format_date(case.admissibility_date)},
        )
    elif sent_on > today:
        add("sent_on", _("La date d'envoi ne peut être dans le futur."))
    addressees, more = selectors.mailing_addressees(
        case=case, creditor_ids=creditor_ids, copy_to_applicants=copy_to_applicants
    )
    for key, messages in more.items():
        for message in messages:
            add(key, message)
    if not errors:
        for key, messages in _freeze(version).items():
            for message in messages:
                add(key, message)
    if errors:
        raise ValidationError(errors)

    if version.is_draft:
        version.state = PlanState.SENT
    version.updated_by = by
    version.save()
    kind, quantity = billable_service_for(len(addressees))
    service = service_record(
        case=case,
        kind=kind,
        service_date=sent_on,
        mediator=case.mediator,  # the proposal goes out under the designated mediator's name
        by=by,
        quantity=quantity,
        registered_postage=postage if registered else None,
        note=(_("Proposition de plan (version %(n)s)") % {"n": version.number})[:255],
        origin="letter",
    )
    mailing = PlanMailing.objects.create(
        version=version,
        sent_on=sent_on,
        registered=registered,
        postage=postage if registered else None,
        addressees=[a.as_json() for a in addressees],
        addressee_count=len(addressees),
        service=service,
        sent_by=by,
    )
    view = selectors.compute(version)
    try:
        content = pdf.render_proposal_pdf(
            view, addressees=addressees, sent_on=sent_on, registered=registered
        )
    except Exception as exc:  # WeasyPrint, fonts, template: the whole sending is undone
        logger.exception("plan proposal PDF failed for case %s", case.pk)
        raise ValidationError(
            _("Le PDF de la proposition n'a pas pu être produit : rien n'a été enregistré.")
        ) from exc
    mailing.pdf.save(f"plan-{case.pk}-v{version.number}.pdf", ContentFile(content), save=True)
    return mailing
