"""Write services for creditors, representatives and claims (keyword-only, atomic)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum import iban as std_iban
from stdnum.be import vat as be_vat

from accounts.models import Organisation, User
from cases.models import Applicant, Case

from .models import (
    Claim,
    ClaimStatus,
    Creditor,
    Position,
    Privilege,
    Representation,
    Representative,
)

CENT = Decimal("0.01")


class DuplicateContact(ValidationError):
    """A creditor/representative with the same enterprise number or IBAN already exists: the
    caller offers ``existing`` instead of creating a duplicate."""

    def __init__(self, message, existing):
        super().__init__(message, code="duplicate")
        self.existing = existing


def normalise_enterprise_number(value: str) -> str:
    return be_vat.compact(value)[-10:] if value else ""


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
    return {
        "name": data.name.strip(),
        "enterprise_number": normalise_enterprise_number(data.enterprise_number),
        "address": data.address,
        "email": data.email,
        "phone": data.phone,
        "iban": std_iban.compact(data.iban) if data.iban else "",
        "bic": data.bic.replace(" ", "").upper(),
        "contact_person": data.contact_person,
        "notes": data.notes,
    }


def creditor_find_existing(
    *, organisation: Organisation, enterprise_number: str = "", iban: str = ""
) -> Creditor | None:
    """The directory's creditor with this enterprise number or IBAN, if any."""
    number = normalise_enterprise_number(enterprise_number) if enterprise_number else ""
    account = std_iban.compact(iban) if iban else ""
    qs = Creditor.objects.filter(organisation=organisation)
    if number:
        found = qs.filter(enterprise_number=number).first()
        if found:
            return found
    if account:
        return qs.filter(iban=account).first()
    return None


def _validate_and_save(instance, exclude=("organisation",)) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError:
        raise
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:  # a concurrent duplicate
        raise ValidationError(_("Ce contact existe déjà dans l'annuaire.")) from exc


@transaction.atomic
def creditor_create(*, organisation: Organisation, data: ContactData) -> Creditor:
    """Add a creditor to the directory; an existing one with the same enterprise number or
    IBAN is offered instead (raises DuplicateContact carrying it)."""
    fields = _contact_fields(data)
    existing = creditor_find_existing(
        organisation=organisation,
        enterprise_number=fields["enterprise_number"],
        iban=fields["iban"],
    )
    if existing:
        raise DuplicateContact(
            _("Le créancier « %(name)s » a déjà ce numéro d'entreprise ou cet IBAN.")
            % {"name": existing.name},
            existing,
        )
    creditor = Creditor(organisation=organisation, **fields)
    _validate_and_save(creditor)
    return creditor


@transaction.atomic
def creditor_update(*, creditor: Creditor, data: ContactData) -> Creditor:
    fields = _contact_fields(data)
    existing = creditor_find_existing(
        organisation=creditor.organisation,
        enterprise_number=fields["enterprise_number"],
        iban=fields["iban"],
    )
    if existing and existing.pk != creditor.pk:
        raise DuplicateContact(
            _("Le créancier « %(name)s » a déjà ce numéro d'entreprise ou cet IBAN.")
            % {"name": existing.name},
            existing,
        )
    for name, value in fields.items():
        setattr(creditor, name, value)
    _validate_and_save(creditor)
    return creditor


@transaction.atomic
def representative_create(*, organisation: Organisation, data: ContactData) -> Representative:
    fields = _contact_fields(data)
    if fields["enterprise_number"]:
        existing = Representative.objects.filter(
            organisation=organisation, enterprise_number=fields["enterprise_number"]
        ).first()
        if existing:
            raise DuplicateContact(
                _("L'intermédiaire « %(name)s » a déjà ce numéro d'entreprise.")
                % {"name": existing.name},
                existing,
            )
    representative = Representative(organisation=organisation, role=data.role, **fields)
    _validate_and_save(representative)
    return representative


@transaction.atomic
def representation_add(
    *, case: Case, creditor: Creditor, representative: Representative, file_reference: str = ""
) -> Representation:
    if creditor.organisation_id != case.organisation_id:
        raise ValidationError({"creditor": _("Ce créancier n'est pas dans l'annuaire.")})
    if representative.organisation_id != case.organisation_id:
        raise ValidationError({"representative": _("Cet intermédiaire n'est pas dans l'annuaire.")})
    representation, _created = Representation.objects.get_or_create(
        case=case,
        creditor=creditor,
        representative=representative,
        file_reference=file_reference.strip(),
    )
    return representation


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


def _check_money(errors: dict, name: str, value: Decimal) -> None:
    if value is None:
        errors[name] = _("Montant requis.")
    elif value < 0:
        errors[name] = _("Le montant ne peut être négatif.")
    elif value != value.quantize(CENT):
        errors[name] = _("Le montant a au plus deux décimales.")


def validate_claim(case: Case, data: ClaimData) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("principal", "interest", "costs"):
        _check_money(errors, name, getattr(data, name))
    if data.declared_on and data.declared_on < case.admissibility_date:
        errors["declared_on"] = _(
            "Une créance ne peut être déclarée avant l'admissibilité (%(date)s)."
        ) % {"date": case.admissibility_date.strftime("%d/%m/%Y")}
    if data.paid_off_on and data.declared_on and data.paid_off_on < data.declared_on:
        errors["paid_off_on"] = _("Une créance ne peut être soldée avant sa déclaration.")
    if data.creditor.organisation_id != case.organisation_id:
        errors["creditor"] = _("Ce créancier n'est pas dans l'annuaire de l'organisation.")
    if data.representation and (
        data.representation.case_id != case.pk
        or data.representation.creditor_id != data.creditor.pk
    ):
        errors["representation"] = _("Cet intermédiaire n'agit pas pour ce créancier ici.")
    if any(d.case_id != case.pk for d in data.debtors):
        errors["debtors"] = _("Le débiteur doit être un requérant du dossier.")
    return errors


def _apply_claim(claim: Claim, data: ClaimData) -> None:
    for name in (
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
    ):
        setattr(claim, name, getattr(data, name))


@transaction.atomic
def claim_create(*, case: Case, data: ClaimData, by: User | None = None, declaration=None) -> Claim:
    errors = validate_claim(case, data)
    if errors:
        raise ValidationError(errors)
    claim = Claim(case=case, created_by=by)
    _apply_claim(claim, data)
    claim.full_clean(exclude=["declaration_file", "position", "created_by"])
    if declaration is not None:
        claim.declaration_file.save(declaration.name, declaration, save=False)
    claim.save()
    claim.debtors.set(data.debtors or list(case.applicants.all()))
    return claim


@transaction.atomic
def claim_update(*, claim: Claim, data: ClaimData, declaration=None) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    errors = validate_claim(claim.case, data)
    if claim.position_id and data.creditor.pk != claim.creditor_id:
        errors["creditor"] = _(
            "Cette créance fait partie d'une position jointe : retirez-la d'abord de la position."
        )
    if errors:
        raise ValidationError(errors)
    _apply_claim(claim, data)
    claim.full_clean(exclude=["declaration_file", "position", "created_by"])
    if declaration is not None:
        claim.declaration_file.save(declaration.name, declaration, save=False)
    claim.save()
    claim.debtors.set(data.debtors or list(claim.case.applicants.all()))
    return claim


@transaction.atomic
def position_join(*, case: Case, claims: list[Claim], label: str, note: str = "") -> Position:
    """Join several claims of one creditor into one position; the claims stay visible."""
    claims = list(Claim.objects.select_for_update().filter(pk__in=[c.pk for c in claims]))
    if len(claims) < 2:
        raise ValidationError(_("Une position jointe réunit au moins deux créances."))
    if any(c.case_id != case.pk for c in claims):
        raise ValidationError(_("Toutes les créances doivent appartenir au dossier."))
    creditors = {c.creditor_id for c in claims}
    if len(creditors) > 1:
        raise ValidationError(
            _("Une position jointe ne peut réunir les créances de plusieurs créanciers.")
        )
    if any(c.position_id for c in claims):
        raise ValidationError(_("Une de ces créances fait déjà partie d'une position jointe."))
    position = Position.objects.create(
        case=case, creditor_id=creditors.pop(), label=label.strip(), note=note
    )
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(position=position)
    return position


@transaction.atomic
def position_dissolve(*, position: Position) -> None:
    position.claims.update(position=None)
    position.delete()
