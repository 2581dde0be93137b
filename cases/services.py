"""Write services for cases: keyword-only, typed, atomic. They validate everything first and
either save the whole change or nothing (issue 2, "Bad input")."""

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from audit.models import AuditAction
from audit.services import audit_changes, audit_record, diff, plain, snapshot
from core.dates import format_date
from core.roles import Role

from .models import (
    OPENING_NOTE,
    Applicant,
    Case,
    CaseloadExport,
    MediatorAssignment,
    PlanBasis,
    StatusChange,
)
from .registry import status_check_errors
from .status import TRANSITION_LABELS, CaseStatus, allowed_next, is_allowed
from .tasks import build_caseload_export
from .validators import (
    national_number_birth_date,
    national_number_hash,
    normalise_iban,
    normalise_national_number,
)

MAX_APPLICANTS = 2
APPLICANT_FIELDS = [
    "position",
    "last_name",
    "first_name",
    "national_number",
    "birth_date",
    "address",
    "phone",
    "email",
]


@dataclass
class ApplicantData:
    last_name: str
    first_name: str
    national_number: str = ""
    birth_date: date | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    # The applicant of the case this data edits (None: matched by position, else new).
    pk: int | None = None


@dataclass
class CaseData:
    reference: str
    division: str
    admissibility_date: date
    role_number: str = ""
    petition_date: date | None = None
    mediator_designation_date: date | None = None
    creditors_notified_on: date | None = None
    follow_up_start: date | None = None
    homologation_date: date | None = None
    closure_date: date | None = None
    pricing_method: str = ""
    account_iban: str = ""
    household_adults: int = 1
    dependent_children: int = 0
    household_note: str = ""
    notes: str = ""
    extra: dict = field(default_factory=dict)


CASE_FIELDS = [
    "reference",
    "division",
    "admissibility_date",
    "role_number",
    "petition_date",
    "mediator_designation_date",
    "creditors_notified_on",
    "follow_up_start",
    "homologation_date",
    "closure_date",
    "pricing_method",
    "account_iban",
    "household_adults",
    "dependent_children",
    "household_note",
    "notes",
]


def validate_case_dates(data: CaseData) -> dict[str, str]:
    """Chronology of the court acts; returns field -> message (empty when consistent)."""
    errors: dict[str, str] = {}
    adm = data.admissibility_date
    if data.petition_date and adm and adm < data.petition_date:
        errors["admissibility_date"] = _(
            "L'ordonnance d'admissibilité ne peut précéder la requête (%(date)s)."
        ) % {"date": format_date(data.petition_date)}
    checks = [
        (
            "mediator_designation_date",
            _("La désignation du médiateur ne peut précéder l'admissibilité."),
        ),
        (
            "creditors_notified_on",
            _("La notification aux créanciers ne peut précéder l'admissibilité."),
        ),
        ("follow_up_start", _("Le suivi ne peut commencer avant l'admissibilité.")),
        ("homologation_date", _("L'homologation ne peut précéder l'admissibilité.")),
        ("closure_date", _("La clôture ne peut précéder l'admissibilité.")),
    ]
    for name, message in checks:
        value = getattr(data, name)
        if value and adm and value < adm:
            errors[name] = message
    return errors


def _repeats_a_national_number(applicant: ApplicantData, others: Sequence[ApplicantData]) -> bool:
    """Two applicants of one case never share a national number."""
    if not applicant.national_number:
        return False
    number = normalise_national_number(applicant.national_number)
    return any(
        other.national_number and normalise_national_number(other.national_number) == number
        for other in others
    )


def _birth_date_error(applicant: ApplicantData) -> str | None:
    """A birth date that contradicts the one the national number encodes."""
    encoded = national_number_birth_date(applicant.national_number)
    if applicant.birth_date and encoded and encoded != applicant.birth_date:
        return _(
            "La date de naissance de %(name)s ne correspond pas à son numéro de registre "
            "national (%(date)s)."
        ) % {"name": applicant.last_name, "date": format_date(encoded)}
    return None


def validate_applicants(applicants: list[ApplicantData]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not applicants:
        errors.setdefault("applicants", []).append(_("Un dossier compte au moins un requérant."))
    if len(applicants) > MAX_APPLICANTS:
        errors.setdefault("applicants", []).append(
            _("Un dossier compte au plus deux requérants (un couple).")
        )
    if any(_repeats_a_national_number(a, applicants[:i]) for i, a in enumerate(applicants)):
        errors.setdefault("applicants", []).append(
            _("Les deux requérants ne peuvent avoir le même numéro de registre national.")
        )
    for applicant in applicants:
        message = _birth_date_error(applicant)
        if message:
            errors.setdefault("applicants", []).append(message)
    return errors


def applicant_validate(*, data: ApplicantData, others: Sequence[ApplicantData] = ()) -> None:
    """One applicant as ``case_create`` / ``case_update`` would save it, writing nothing; a
    ``ValidationError`` keyed by the fields of ``ApplicantData``: the model's fields (names,
    national number and its checksum, e-mail, lengths), a birth date that contradicts the
    national number, a national number already one of ``others`` (the applicants before it)."""
    errors: dict[str, list[str]] = {}
    try:
        _applicant(None, len(others) + 1, data).full_clean(exclude=["case"])
    except ValidationError as exc:
        errors = {name: list(messages) for name, messages in exc.message_dict.items()}
    message = _birth_date_error(data)
    if message:
        errors.setdefault("birth_date", []).append(message)
    if _repeats_a_national_number(data, others):
        errors.setdefault("national_number", []).append(
            _("Les deux requérants ne peuvent avoir le même numéro de registre national.")
        )
    if errors:
        raise ValidationError(errors)


def _check_mediator(*, organisation: Organisation, mediator: User) -> None:
    if mediator.organisation_id != organisation.pk or mediator.role not in (
        Role.MEDIATOR,
        Role.ADMINISTRATOR,
    ):
        raise ValidationError(
            {"mediator": _("Le médiateur désigné doit être un médiateur de l'organisation.")}
        )


def _applicant(case: Case | None, position: int, data: ApplicantData) -> Applicant:
    number = normalise_national_number(data.national_number)
    return Applicant(
        case=case,
        position=position,
        last_name=data.last_name.strip(),
        first_name=data.first_name.strip(),
        national_number=number,
        national_number_hash=national_number_hash(number),
        birth_date=data.birth_date or national_number_birth_date(data.national_number),
        address=data.address,
        phone=data.phone,
        email=data.email,
    )


def _matched_applicants(
    case: Case, applicants: list[ApplicantData]
) -> list[tuple[Applicant | None, ApplicantData]]:
    """Each applicant's data with the row it edits: the case's applicant of its ``pk``, else
    the one at its position that no other data names, else None (a new applicant). A ``pk``
    that is not an applicant of the case is refused."""
    existing = {a.pk: a for a in case.applicants.all()}
    by_position = {a.position: a for a in existing.values()}
    named = {data.pk for data in applicants if data.pk is not None}
    if named - existing.keys():
        raise ValidationError({"applicants": _("Ce requérant n'est pas un requérant du dossier.")})
    matched: list[tuple[Applicant | None, ApplicantData]] = []
    used: set[int] = set()
    for position, data in enumerate(applicants, start=1):
        current = existing.get(data.pk) if data.pk is not None else None
        if data.pk is None:
            candidate = by_position.get(position)
            if candidate is not None and candidate.pk not in named | used:
                current = candidate
        if current is not None:
            used.add(current.pk)
        matched.append((current, data))
    return matched


def _save_applicants(case: Case, applicants: list[ApplicantData]) -> None:
    """Edit the applicants in place (their links, e.g. the debtors of claims, stay): the rows
    no data names are deleted, the others updated, the new ones created. The applicants kept
    keep their order; a new one comes after them."""
    matched = _matched_applicants(case, applicants)
    kept = sorted((row for row, _data in matched if row is not None), key=lambda a: a.position)
    case.applicants.exclude(pk__in=[row.pk for row in kept]).delete()
    data_of = {id(row): data for row, data in matched if row is not None}
    saved: list[Applicant] = []
    for position, row in enumerate(kept, start=1):
        updated = _applicant(case, position, data_of[id(row)])
        # the keyed search hash goes with the (encrypted) national number it is computed from
        fields = [*APPLICANT_FIELDS, "national_number_hash"]
        for name in fields:
            setattr(row, name, getattr(updated, name))
        row.full_clean(exclude=["case"], validate_constraints=False)
        row.save(update_fields=fields)
        saved.append(row)
    for position, data in enumerate(
        (data for row, data in matched if row is None), start=len(kept) + 1
    ):
        applicant = _applicant(case, position, data)
        applicant.full_clean(exclude=["case"])
        applicant.save()
        saved.append(applicant)
    _keep_applicant_sort_name(case, saved[0].last_name if saved else None)


def _first_applicant_name(applicants: list[ApplicantData]) -> str | None:
    """The last name of the first applicant of a new case (``_applicant`` strips it)."""
    return applicants[0].last_name.strip() if applicants else None


def _keep_applicant_sort_name(case: Case, name: str | None) -> None:
    """``Case.applicant_sort_name`` (the caseload's sort by applicant) follows the first
    applicant's last name: written when it changes, without saving the rest of the case."""
    if case.applicant_sort_name != name:
        Case.objects.filter(pk=case.pk).update(applicant_sort_name=name)
        case.applicant_sort_name = name


@transaction.atomic
def applicant_sort_names_refresh(*, cases: QuerySet[Case]) -> int:
    """Write ``applicant_sort_name`` of ``cases`` from their applicants, in one query: for the
    rows written without ``case_create`` / ``case_update`` (the scale seed's bulk copy, the
    admin's inline forms). Returns the number of cases."""
    first = Applicant.objects.filter(case_id=OuterRef("pk"), position=1).values("last_name")
    return cases.update(applicant_sort_name=Subquery(first[:1]))


def _audited(case: Case) -> dict:
    """What the audit trail compares before and after a change of the case: its data and its
    applicants' (``applicant1.national_number``...; the national numbers masked)."""
    values = snapshot(case, CASE_FIELDS)
    for applicant in case.applicants.order_by("position"):
        fields = snapshot(applicant, APPLICANT_FIELDS, secret=["national_number"])
        values.update({f"applicant{applicant.position}.{k}": v for k, v in fields.items()})
    return values


def _apply(case: Case, data: CaseData) -> None:
    for name in CASE_FIELDS:
        setattr(case, name, getattr(data, name))
    case.reference = case.reference.strip()
    case.account_iban = normalise_iban(case.account_iban)


def _validate_all(case: Case, data: CaseData, applicants: list[ApplicantData] | None) -> None:
    errors: dict[str, list[str]] = {}
    for name, message in validate_case_dates(data).items():
        errors.setdefault(name, []).append(message)
    if applicants is not None:
        for name, messages in validate_applicants(applicants).items():
            errors.setdefault(name, []).extend(messages)
    duplicate = (
        case.organisation_id is not None
        and Case.objects.filter(
            organisation_id=case.organisation_id, reference=data.reference.strip()
        )
        .exclude(pk=case.pk)
        .exists()
    )
    if duplicate:
        errors.setdefault("reference", []).append(
            _("La référence « %(ref)s » existe déjà dans l'organisation.") % {"ref": data.reference}
        )
    try:
        case.full_clean(exclude=["mediator", "organisation", "created_by"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    if errors:
        raise ValidationError(errors)


def case_validate(
    *,
    data: CaseData,
    applicants: list[ApplicantData] | None = None,
    organisation: Organisation | None = None,
    case: Case | None = None,
) -> None:
    """The checks of ``case_create`` (``case`` None) or of ``case_update`` (``case``: the case
    edited), writing nothing: a ``ValidationError`` keyed by the fields of ``CaseData`` (and
    ``applicants``). The reference must be new in ``organisation`` (the edited case's own;
    None: not checked, e.g. an organisation not created yet). ``applicants`` None leaves them
    to ``applicant_validate``, whose errors carry the applicant's own fields."""
    planned = copy.copy(case) if case is not None else Case(organisation=organisation)
    if case is None:
        planned.status = CaseStatus.AMICABLE_PHASE
    _apply(planned, data)
    _validate_all(planned, data, applicants)


def _save(case: Case) -> None:
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:  # a concurrent insert of the same reference
        raise ValidationError(
            {"reference": _("La référence existe déjà dans l'organisation.")}
        ) from exc


@transaction.atomic
def case_create(
    *,
    organisation: Organisation,
    mediator: User,
    data: CaseData,
    applicants: list[ApplicantData],
    created_by: User,
) -> Case:
    """Open a case: the case, its applicants, the mediator's designation and the first status."""
    _check_mediator(organisation=organisation, mediator=mediator)
    case = Case(organisation=organisation, mediator=mediator, created_by=created_by)
    _apply(case, data)
    case.status = CaseStatus.AMICABLE_PHASE
    _validate_all(case, data, applicants)
    case.applicant_sort_name = _first_applicant_name(applicants)  # saved with the case
    _save(case)
    _save_applicants(case, applicants)
    MediatorAssignment.objects.create(
        case=case,
        mediator=mediator,
        start_date=case.mediator_designation_date or case.admissibility_date,
        reason=_("Désignation dans l'ordonnance d'admissibilité"),
        recorded_by=created_by,
    )
    StatusChange.objects.create(
        case=case,
        from_status="",
        to_status=CaseStatus.AMICABLE_PHASE,
        decision_date=case.admissibility_date,
        note=OPENING_NOTE,  # French, shown in the reader's language (shown_note)
        recorded_by=created_by,
    )
    audit_record(
        action=AuditAction.CREATED,
        actor=created_by,
        case=case,
        obj=case,
        changes=diff({}, _audited(case)),
    )
    return case


@transaction.atomic
def case_update(
    *, case: Case, data: CaseData, applicants: list[ApplicantData], updated_by: User
) -> Case:
    """Edit a case's data and applicants (status and mediator change through their own
    services, which keep their history)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = _audited(case)
    _apply(case, data)
    _validate_all(case, data, applicants)
    _save(case)
    _save_applicants(case, applicants)
    audit_changes(actor=updated_by, case=case, obj=case, before=before, after=_audited(case))
    return case


def _status_change_errors(
    *,
    from_status: str,
    to_status: str,
    decision_date: date | None,
    admissibility_date: date | None,
    last_decision_date: date | None,
) -> dict[str, str]:
    """The rules of a status change, field -> message, in the order ``case_change_status``
    applies them: the legal path (cases.status), then the decision's date."""
    errors: dict[str, str] = {}
    if not is_allowed(from_status, to_status):
        allowed = ", ".join(str(CaseStatus(s).label) for s in sorted(allowed_next(from_status)))
        errors["to_status"] = _(
            "Passage interdit de « %(from)s » à « %(to)s ». Statuts possibles : %(allowed)s."
        ) % {
            "from": CaseStatus(from_status).label,
            "to": CaseStatus(to_status).label if to_status in CaseStatus.values else to_status,
            "allowed": allowed or _("aucun (dossier terminé)"),
        }
    if decision_date is not None:
        if admissibility_date and decision_date < admissibility_date:
            errors["decision_date"] = _("La décision ne peut précéder l'admissibilité.")
        elif last_decision_date and decision_date < last_decision_date:
            errors["decision_date"] = _(
                "La décision ne peut précéder le dernier changement de statut (%(date)s)."
            ) % {"date": format_date(last_decision_date)}
    return errors


def _last_decision_date(case: Case) -> date | None:
    last = case.status_changes.order_by("-decision_date").first()
    return last.decision_date if last else None


def status_change_validate(
    *,
    case: Case | CaseData,
    to_status: str,
    decision_date: date | None,
    from_status: str = CaseStatus.AMICABLE_PHASE,
    last_decision_date: date | None = None,
) -> None:
    """The checks of ``case_change_status`` without writing, every one of them: a
    ``ValidationError`` keyed ``to_status`` or ``decision_date``. A saved case's status and
    last decision are read from the database; a planned case (``CaseData``) is in
    ``from_status`` since ``last_decision_date`` (default: opened, at the admissibility)."""
    if isinstance(case, Case):
        case = Case.objects.get(pk=case.pk)  # as the write reads it
        from_status, last_decision_date = case.status, _last_decision_date(case)
    errors = _status_change_errors(
        from_status=from_status,
        to_status=to_status,
        decision_date=decision_date,
        admissibility_date=case.admissibility_date,
        last_decision_date=last_decision_date or case.admissibility_date,
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_change_status(
    *,
    case: Case,
    to_status: str,
    decision_date: date,
    note: str = "",
    by: User,
    history_replay: bool = False,
) -> Case:
    """Move a case along its legal path (cases.status); an illegal jump is refused.

    The checks higher apps register (``registry.register_status_check``) apply too: a
    homologation or a judicial plan without any plan of that kind is refused (the ``plans``
    app's check; issue 17, "Conversion"), reported on ``to_status``. ``history_replay``: a
    history recorded elsewhere is replayed (a case bundle, which carries no plan; the demo's
    older cases), those checks are skipped; the legal path and the dates are still checked."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors = _status_change_errors(
        from_status=case.status,
        to_status=to_status,
        decision_date=decision_date,
        admissibility_date=case.admissibility_date,
        last_decision_date=_last_decision_date(case),
    )
    if not errors and not history_replay:
        refusals = status_check_errors(case, to_status)
        if refusals:
            errors["to_status"] = " ".join(refusals)
    if errors:  # the first refusal, as this service always reported it
        name, message = next(iter(errors.items()))
        raise ValidationError({name: message})
    from_status = case.status
    case.status = to_status
    if to_status in (CaseStatus.AMICABLE_PLAN, CaseStatus.JUDICIAL_PLAN):
        case.homologation_date = decision_date
    if to_status in (CaseStatus.CLOSED, CaseStatus.REVOKED):
        case.closure_date = decision_date
    case.save()
    StatusChange.objects.create(
        case=case,
        from_status=from_status,
        to_status=to_status,
        decision_date=decision_date,
        note=note or str(TRANSITION_LABELS.get(to_status, "")),
        recorded_by=by,
    )
    audit_changes(
        actor=by,
        case=case,
        obj=case,
        before={"status": from_status},
        after={"status": to_status, "decision_date": plain(decision_date)},
    )
    return case


@transaction.atomic
def case_record_plan_basis(*, case: Case, basis: str, by: User) -> Case:
    """Record the legal basis of the plan the court ordered (``PlanBasis``: amicable, art.
    1675/12, 1675/13 or 1675/13bis C.J.; docs/plan-rules.md). Called with the court's decision
    on a plan (plans.services.plan_approve)."""
    if basis not in PlanBasis.values:
        raise ValidationError({"plan_basis": _("Base légale du plan inconnue.")})
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = case.plan_basis
    if before == basis:
        return case
    case.plan_basis = basis
    case.save(update_fields=["plan_basis", "updated_at"])
    audit_changes(
        actor=by, case=case, obj=case, before={"plan_basis": before}, after={"plan_basis": basis}
    )
    return case


@transaction.atomic
def case_replace_mediator(
    *, case: Case, new_mediator: User, replacement_date: date, reason: str, by: User
) -> Case:
    """Record the court's replacement of the mediator; the history keeps every designation."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_mediator(organisation=case.organisation, mediator=new_mediator)
    if new_mediator.pk == case.mediator_id:
        raise ValidationError({"new_mediator": _("Ce médiateur est déjà désigné dans le dossier.")})
    current = case.assignments.filter(end_date__isnull=True).first()
    if replacement_date < case.admissibility_date or (
        current and replacement_date < current.start_date
    ):
        raise ValidationError(
            {
                "replacement_date": _(
                    "Le remplacement ne peut précéder la désignation en cours ni l'admissibilité."
                )
            }
        )
    if current:
        current.end_date = replacement_date
        current.save(update_fields=["end_date"])
    MediatorAssignment.objects.create(
        case=case,
        mediator=new_mediator,
        start_date=replacement_date,
        reason=reason,
        recorded_by=by,
    )
    previous_mediator = case.mediator
    case.mediator = new_mediator
    case.save(update_fields=["mediator", "updated_at"])
    audit_changes(
        actor=by,
        case=case,
        obj=case,
        before={"mediator": previous_mediator.get_username()},
        after={
            "mediator": new_mediator.get_username(),
            "replacement_date": plain(replacement_date),
        },
    )
    return case


@transaction.atomic
def caseload_export_request(*, user: User, language: str = "fr") -> CaseloadExport:
    """Record a caseload export and have it built in the background once committed."""
    export = CaseloadExport.objects.create(
        organisation_id=user.organisation_id, requested_by=user, language=language[:8]
    )
    transaction.on_commit(lambda: build_caseload_export.delay(export.pk))
    return export


@transaction.atomic
def national_numbers_reencrypt() -> int:
    """Encrypt every applicant's national number again under the first key of
    ``FIELD_ENCRYPTION_KEYS`` and recompute its hash under ``NATIONAL_NUMBER_HASH_KEY``: the
    step of a key rotation (README.md) after which the old keys can be dropped. Returns how many
    numbers were rewritten."""
    count = 0
    applicants = Applicant.objects.select_for_update().only("pk", "national_number")
    for applicant in applicants.order_by("pk").iterator(chunk_size=500):
        if not applicant.national_number:
            continue
        applicant.national_number_hash = national_number_hash(applicant.national_number)
        applicant.save(update_fields=["national_number", "national_number_hash"])
        count += 1
    return count
