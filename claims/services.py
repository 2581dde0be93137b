"""Write services for creditors, representatives and claims (keyword-only, typed, atomic).

Every service validates everything first and raises a ``ValidationError`` keyed by field, in
French, before anything is written; a refused declaration upload leaves no file behind.
"""

import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import iban as std_iban
from stdnum.be import iban as be_iban

from accounts.models import Organisation, User
from audit.services import audit_changes, snapshot
from cases.models import Applicant, Case
from cases.services import CaseData
from core.dates import format_date
from core.money import CENT, MAX_AMOUNT
from core.uploads import upload_suffix

from . import selectors
from .models import (
    Claim,
    ClaimStatus,
    Creditor,
    Position,
    Privilege,
    Representation,
    Representative,
    normalise_bic,
    normalise_enterprise_number,
)


class DuplicateContact(ValidationError):
    """A creditor/representative with the same enterprise number or IBAN already exists: the
    caller offers ``existing`` instead of creating a duplicate. The message is keyed by the
    field that matched (``enterprise_number`` or ``iban``)."""

    def __init__(self, message, existing, field: str = "enterprise_number"):
        super().__init__({field: [ValidationError(message, code="duplicate")]})
        self.existing = existing
        self.field = field


@dataclass
class ContactData:
    name: str
    enterprise_number: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    iban: str = ""
    bic: str = ""
    contact_person: str = ""
    notes: str = ""
    role: str = ""  # representatives only


def _contact_fields(data: ContactData) -> dict:
    account = std_iban.compact(data.iban) if data.iban else ""
    bic = normalise_bic(data.bic)
    if account and not bic and be_iban.is_valid(account):
        bic = be_iban.to_bic(account) or ""  # the NBB register gives a Belgian bank's BIC
    return {
        "name": (data.name or "").strip(),
        "enterprise_number": normalise_enterprise_number(data.enterprise_number),
        "address": (data.address or "").strip(),
        "email": (data.email or "").strip(),
        "phone": (data.phone or "").strip(),
        "iban": account,
        "bic": bic,
        "contact_person": (data.contact_person or "").strip(),
        "notes": data.notes or "",
    }


def _check_bic_country(fields: dict) -> None:
    account, bic = fields["iban"], fields["bic"]
    if account and len(bic) >= 6 and std_iban.is_valid(account) and bic[4:6] != account[:2]:
        raise ValidationError(
            {
                "bic": _("Ce BIC (pays %(bic)s) ne correspond pas à l'IBAN (pays %(iban)s).")
                % {"bic": bic[4:6], "iban": account[:2]}
            }
        )


def _raise_if_duplicate(instance, fields: dict) -> None:
    model = type(instance)
    found, matched = selectors.directory_match(
        model,
        organisation=instance.organisation,
        enterprise_number=fields["enterprise_number"],
        iban=fields["iban"],
    )
    if found is None or found.pk == instance.pk:
        return
    if model is Creditor:
        message = (
            _("Le créancier « %(name)s » de l'annuaire a déjà ce numéro d'entreprise.")
            if matched == "enterprise_number"
            else _("Le créancier « %(name)s » de l'annuaire a déjà cet IBAN.")
        )
    else:
        message = (
            _("L'intermédiaire « %(name)s » de l'annuaire a déjà ce numéro d'entreprise.")
            if matched == "enterprise_number"
            else _("L'intermédiaire « %(name)s » de l'annuaire a déjà cet IBAN.")
        )
    raise DuplicateContact(message % {"name": found.name}, found, field=matched)


def _validate_contact(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)
    # Field validators first (BCE, IBAN, BIC, e-mail...), then the duplicate check, which
    # offers the existing contact instead of the constraints' bare message.
    instance.full_clean(exclude=["organisation"], validate_constraints=False)
    _check_bic_country(fields)
    if instance.organisation_id is not None:
        _raise_if_duplicate(instance, fields)


def _save_contact(instance, fields: dict) -> None:
    _validate_contact(instance, fields)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:  # a concurrent duplicate
        raise ValidationError({"name": _("Ce contact existe déjà dans l'annuaire.")}) from exc


def creditor_validate(
    *,
    data: ContactData,
    organisation: Organisation | None = None,
    creditor: Creditor | None = None,
) -> None:
    """The checks of ``creditor_create`` (or of ``creditor_update`` of ``creditor``) without
    writing: a ``ValidationError`` keyed by the fields of ``ContactData`` (enterprise number,
    IBAN, BIC and its country, e-mail, lengths), or ``DuplicateContact`` when ``organisation``'s
    directory has the same enterprise number or IBAN (None: the directory is not consulted)."""
    instance = copy.copy(creditor) if creditor is not None else Creditor(organisation=organisation)
    _validate_contact(instance, _contact_fields(data))


@transaction.atomic
def creditor_create(*, organisation: Organisation, data: ContactData) -> Creditor:
    """Add a creditor to the directory; an existing one with the same enterprise number or
    IBAN is offered instead (raises DuplicateContact carrying it)."""
    creditor = Creditor(organisation=organisation)
    _save_contact(creditor, _contact_fields(data))
    return creditor


@transaction.atomic
def creditor_update(*, creditor: Creditor, data: ContactData) -> Creditor:
    creditor = Creditor.objects.select_for_update().get(pk=creditor.pk)
    _save_contact(creditor, _contact_fields(data))
    return creditor


def representative_validate(
    *,
    data: ContactData,
    organisation: Organisation | None = None,
    representative: Representative | None = None,
) -> None:
    """``creditor_validate`` for a representative (``data.role`` included): the checks of
    ``representative_create`` / ``representative_update`` without writing."""
    if representative is not None:
        instance = copy.copy(representative)
    else:
        instance = Representative(organisation=organisation)
    instance.role = data.role
    _validate_contact(instance, _contact_fields(data))


@transaction.atomic
def representative_create(*, organisation: Organisation, data: ContactData) -> Representative:
    """Add a bailiff, collection agency or lawyer to the directory (same duplicate rule as
    creditors: enterprise number or IBAN)."""
    representative = Representative(organisation=organisation, role=data.role)
    _save_contact(representative, _contact_fields(data))
    return representative


@transaction.atomic
def representative_update(*, representative: Representative, data: ContactData) -> Representative:
    representative = Representative.objects.select_for_update().get(pk=representative.pk)
    representative.role = data.role
    _save_contact(representative, _contact_fields(data))
    return representative


@transaction.atomic
def representation_add(
    *, case: Case, creditor: Creditor, representative: Representative, file_reference: str = ""
) -> Representation:
    """A representative acting for a creditor in the case, under its own file reference (the
    same representative may hold several files of one creditor: seed 000)."""
    errors = {}
    if creditor.organisation_id != case.organisation_id:
        errors["creditor"] = _("Ce créancier n'est pas dans l'annuaire de l'organisation.")
    if representative.organisation_id != case.organisation_id:
        errors["representative"] = _("Cet intermédiaire n'est pas dans l'annuaire.")
    file_reference = (file_reference or "").strip()
    if len(file_reference) > 100:
        errors["file_reference"] = _("La référence du dossier compte au plus 100 caractères.")
    if errors:
        raise ValidationError(errors)
    representation, _created = Representation.objects.get_or_create(
        case=case,
        creditor=creditor,
        representative=representative,
        file_reference=file_reference,
    )
    return representation


@transaction.atomic
def representation_remove(*, representation: Representation) -> None:
    """Remove a representative from the case; its claims simply lose the link."""
    representation.delete()


# Claims ---------------------------------------------------------------------------------


@dataclass
class ClaimData:
    creditor: Creditor
    principal: Decimal
    declared_on: date
    interest: Decimal = Decimal("0.00")
    costs: Decimal = Decimal("0.00")
    nature: str = "other"
    creditor_reference: str = ""
    status: str = ClaimStatus.PENDING
    time_barred: bool = False
    privilege: str = Privilege.NONE
    paid_off_on: date | None = None
    representation: Representation | None = None
    debtors: list[Applicant] = field(default_factory=list)  # empty: every applicant
    key: str = ""


def _check_money(errors: dict, name: str, value: Decimal | None) -> None:
    if value is None:
        errors[name] = _("Montant requis.")
    elif not isinstance(value, Decimal) or not value.is_finite():
        errors[name] = _("Saisissez un montant, par exemple 1.234,56.")
    elif value < 0:
        errors[name] = _("Le montant ne peut être négatif.")
    elif value != value.quantize(CENT):
        errors[name] = _("Le montant a au plus deux décimales.")
    elif value > MAX_AMOUNT:
        errors[name] = _("Ce montant est trop élevé.")


def validate_claim(
    case: Case | CaseData, data: ClaimData, today: date | None = None
) -> dict[str, str]:
    """The rules of a claim; field -> message (empty when valid). ``today`` (default: today)
    bounds the dates. A planned case (``CaseData``, not in the database yet) has no rows to
    check the creditor, representation and debtors against: the write checks them."""
    errors: dict[str, str] = {}
    for name in ("principal", "interest", "costs"):
        _check_money(errors, name, getattr(data, name))
    today = today or timezone.localdate()
    if data.declared_on is None:
        errors["declared_on"] = _("Indiquez la date de la déclaration.")
    elif case.admissibility_date and data.declared_on < case.admissibility_date:
        errors["declared_on"] = _(
            "Une créance ne peut être déclarée avant l'admissibilité (%(date)s)."
        ) % {"date": format_date(case.admissibility_date)}
    elif data.declared_on > today:
        errors["declared_on"] = _("La date de la déclaration ne peut être dans le futur.")
    if data.paid_off_on:
        if data.declared_on and data.paid_off_on < data.declared_on:
            errors["paid_off_on"] = _("Une créance ne peut être soldée avant sa déclaration.")
        elif data.paid_off_on > today:
            errors["paid_off_on"] = _("La date de solde ne peut être dans le futur.")
    if not isinstance(case, Case):
        return errors
    if data.creditor is None:
        errors["creditor"] = _("Choisissez le créancier.")
    elif data.creditor.organisation_id != case.organisation_id:
        errors["creditor"] = _("Ce créancier n'est pas dans l'annuaire de l'organisation.")
    if data.representation and (
        data.representation.case_id != case.pk
        or data.creditor is None
        or data.representation.creditor_id != data.creditor.pk
    ):
        errors["representation"] = _("Cet intermédiaire n'agit pas pour ce créancier ici.")
    if any(d.case_id != case.pk for d in data.debtors):
        errors["debtors"] = _("Le débiteur doit être un requérant du dossier.")
    return errors


def declaration_suffix(upload: UploadedFile) -> str:
    """'.pdf', '.png' or '.jpg' from the file's first bytes and size (declarations are PDFs or
    scans); a ValidationError keyed ``declaration_file`` otherwise. Nothing is stored here."""
    return upload_suffix(
        upload,
        field="declaration_file",
        refused=_("La déclaration doit être un PDF ou une image (PNG ou JPEG)."),
    )


CLAIM_FIELDS = (
    "creditor",
    "principal",
    "interest",
    "costs",
    "nature",
    "creditor_reference",
    "status",
    "time_barred",
    "privilege",
    "paid_off_on",
    "representation",
    "declared_on",
    "key",
)


def _audited(claim: Claim) -> dict:
    """What the audit trail compares before and after a change of a claim."""
    values = snapshot(claim, CLAIM_FIELDS)
    values["declaration"] = claim.declaration_file.name or ""
    if claim.pk:
        values["debtors"] = sorted(claim.debtors.values_list("position", flat=True))
    return values


def _apply_claim(claim: Claim, data: ClaimData) -> None:
    for name in CLAIM_FIELDS:
        setattr(claim, name, getattr(data, name))
    claim.creditor_reference = (claim.creditor_reference or "").strip()


# The fields of a claim that are rows (or files): left to ``validate_claim`` and the write.
_CLAIM_ROWS = [
    "case",
    "creditor",
    "representation",
    "position",
    "created_by",
    "declaration_file",
    "declaration_name",
]


def claim_validate(*, case: Case | CaseData, data: ClaimData, today: date | None = None) -> None:
    """The checks of ``claim_create`` without writing: a ``ValidationError`` keyed by the
    fields of ``ClaimData`` — amounts, dates (declared between the admissibility and ``today``,
    default: today), the model's fields (lengths, choices) and, for a case in the database,
    its creditor, representation and debtors. ``case`` may be planned (``CaseData``)."""
    errors = {name: [message] for name, message in validate_claim(case, data, today).items()}
    claim = Claim()
    _apply_claim(claim, data)
    try:
        # the model's constraints restate the rules above; the key's uniqueness is per case
        claim.full_clean(exclude=[*_CLAIM_ROWS, *errors], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def _validate_all(case: Case, data: ClaimData, declaration) -> str | None:
    errors = validate_claim(case, data)
    suffix = None
    if declaration is not None:
        try:
            suffix = declaration_suffix(declaration)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return suffix


def _save_claim(claim: Claim, debtors: list[Applicant], declaration, suffix) -> None:
    """Store the declaration (if any) then the row; a failure after the file was written
    removes the file so that nothing of a refused claim stays in MEDIA_ROOT."""
    claim.full_clean(exclude=["declaration_file", "position", "created_by", "declaration_name"])
    old_name = claim.declaration_file.name if declaration is not None else ""
    if declaration is not None:
        claim.declaration_name = (declaration.name or "")[-255:]
        claim.declaration_file.save(f"declaration{suffix}", declaration, save=False)
    try:
        claim.save()
        claim.debtors.set(debtors)
    except Exception:
        if declaration is not None:
            claim.declaration_file.storage.delete(claim.declaration_file.name)
        raise
    if old_name and old_name != claim.declaration_file.name:
        storage = claim.declaration_file.storage
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def claim_create(*, case: Case, data: ClaimData, by: User | None = None, declaration=None) -> Claim:
    """Record a claim declaration (and its document, a PDF or an image)."""
    suffix = _validate_all(case, data, declaration)
    claim = Claim(case=case, created_by=by)
    _apply_claim(claim, data)
    _save_claim(claim, data.debtors or list(case.applicants.all()), declaration, suffix)
    audit_changes(actor=by, case=case, obj=claim, before={}, after=_audited(claim))
    return claim


@transaction.atomic
def claim_update(
    *, claim: Claim, data: ClaimData, declaration=None, by: User | None = None
) -> Claim:
    """Change a claim; a new declaration document replaces the previous one. The audit trail
    records the change, with ``by``."""
    claim = Claim.objects.select_for_update().select_related("case").get(pk=claim.pk)
    before = _audited(claim)
    try:
        suffix = _validate_all(claim.case, data, declaration)
        errors = {}
    except ValidationError as exc:
        errors = {k: v[0] for k, v in exc.message_dict.items()}
        suffix = None
    if claim.position_id and data.creditor and data.creditor.pk != claim.creditor_id:
        errors["creditor"] = _(
            "Cette créance fait partie d'une position jointe : dissolvez d'abord la position."
        )
    if errors:
        raise ValidationError(errors)
    _apply_claim(claim, data)
    _save_claim(claim, data.debtors or list(claim.case.applicants.all()), declaration, suffix)
    audit_changes(actor=by, case=claim.case, obj=claim, before=before, after=_audited(claim))
    return claim


@transaction.atomic
def claim_delete(*, claim: Claim, by: User | None = None) -> None:
    """Delete a claim recorded by mistake (and its declaration document); the audit trail
    keeps what it was, with ``by``."""
    claim = Claim.objects.select_for_update().select_related("case").get(pk=claim.pk)
    if claim.position_id:
        raise ValidationError(
            {
                "position": _(
                    "Cette créance fait partie d'une position jointe : dissolvez d'abord la "
                    "position."
                )
            }
        )
    name = claim.declaration_file.name
    storage = claim.declaration_file.storage
    audit_changes(actor=by, case=claim.case, obj=claim, before=_audited(claim), after={})
    claim.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def position_join(*, case: Case, claims: list[Claim], label: str, note: str = "") -> Position:
    """Join several claims of ONE creditor into one position (seed 000: three bailiff files of
    one creditor joined into one payment plan); the claims stay visible under it."""
    claims = list(
        Claim.objects.select_for_update()
        .filter(pk__in=[c.pk for c in claims])
        .select_related("creditor")
    )
    errors: dict[str, str] = {}
    label = (label or "").strip()
    if not label:
        errors["label"] = _("Donnez un intitulé à la position jointe.")
    elif len(label) > 200:
        errors["label"] = _("L'intitulé compte au plus 200 caractères.")
    creditors = {c.creditor_id for c in claims}
    if len(claims) < 2:
        errors["claims"] = _("Une position jointe réunit au moins deux créances.")
    elif any(c.case_id != case.pk for c in claims):
        errors["claims"] = _("Toutes les créances doivent appartenir au dossier.")
    elif len(creditors) > 1:
        names = sorted({c.creditor.name for c in claims})
        errors["claims"] = _(
            "Une position jointe ne peut réunir les créances de plusieurs créanciers "
            "(%(names)s) : cochez les créances d'un seul créancier."
        ) % {"names": ", ".join(names)}
    elif any(c.position_id for c in claims):
        errors["claims"] = _("Une de ces créances fait déjà partie d'une position jointe.")
    if errors:
        raise ValidationError(errors)
    position = Position.objects.create(
        case=case, creditor_id=creditors.pop(), label=label, note=(note or "").strip()
    )
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(position=position)
    return position


@transaction.atomic
def position_dissolve(*, position: Position) -> None:
    """Undo a joining: the claims become separate again."""
    position.claims.update(position=None)
    position.delete()
