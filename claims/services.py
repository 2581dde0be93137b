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
from agenda.services import duties_settle, duty_record
from audit.services import audit_changes, snapshot
from cases.models import Applicant, Case
from cases.services import CaseData
from core.dates import format_date
from core.money import CENT, MAX_AMOUNT, format_eur
from core.uploads import upload_suffix

from . import deadlines, registry, selectors
from .models import (
    Claim,
    ClaimStatus,
    Creditor,
    KnownCreditor,
    PlanRank,
    Position,
    Privilege,
    Representation,
    Representative,
    TimeBarReason,
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
    country: str = "BE"  # creditors only: ISO 3166-1 alpha-2 (claims.deadlines)


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


def _creditor_fields(data: ContactData) -> dict:
    return {**_contact_fields(data), "country": (data.country or "BE").strip().upper()}


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
    _validate_contact(instance, _creditor_fields(data))


@transaction.atomic
def creditor_create(*, organisation: Organisation, data: ContactData) -> Creditor:
    """Add a creditor to the directory; an existing one with the same enterprise number or
    IBAN is offered instead (raises DuplicateContact carrying it)."""
    creditor = Creditor(organisation=organisation)
    _save_contact(creditor, _creditor_fields(data))
    return creditor


@transaction.atomic
def creditor_update(*, creditor: Creditor, data: ContactData) -> Creditor:
    creditor = Creditor.objects.select_for_update().get(pk=creditor.pk)
    _save_contact(creditor, _creditor_fields(data))
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
    # The plan's view of the claim (docs/plan-rules.md): admitted amount and reasoned rank.
    interest_after_admissibility: Decimal = Decimal("0.00")
    admitted_amount: Decimal | None = None  # None: declared less interest after admissibility
    admitted_reason: str = ""
    plan_rank: str = PlanRank.COMMON
    rank_reason: str = ""
    # The asset a ``mortgage`` rank is secured on (a pk of the case's assets; docs/plan-rules.md
    # §1): kept by the assets app above this one, reached through ``claims.registry``. The
    # claim's write sets it as given: ``claim_update`` with None removes the link.
    secured_asset: int | None = None


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


def admission_errors(data: ClaimData) -> dict[str, str]:
    """The admitted amount and the rank (docs/plan-rules.md): interest after admissibility is
    at most the declared interest (interest stops at admissibility, art. 1675/7 §1 C.J.); an
    admitted amount above the declared one needs its reason; a rank above the common one needs
    its reason (equality is the rule, art. 1675/13 §1 C.J.) and a mortgage or preference rank
    a claim that carries that cause of preference."""
    errors: dict[str, str] = {}
    _check_money(errors, "interest_after_admissibility", data.interest_after_admissibility)
    if (
        "interest_after_admissibility" not in errors
        and isinstance(data.interest, Decimal)
        and data.interest_after_admissibility > data.interest
    ):
        errors["interest_after_admissibility"] = _(
            "Les intérêts courus après l'admissibilité ne peuvent dépasser les intérêts "
            "déclarés (%(interest)s)."
        ) % {"interest": format_eur(data.interest)}
    if data.admitted_amount is not None:
        _check_money(errors, "admitted_amount", data.admitted_amount)
        declared = sum(
            (v for v in (data.principal, data.interest, data.costs) if isinstance(v, Decimal)),
            Decimal("0.00"),
        )
        if (
            "admitted_amount" not in errors
            and data.admitted_amount > declared
            and not data.admitted_reason.strip()
        ):
            errors["admitted_amount"] = _(
                "Le montant admis (%(admitted)s) dépasse le montant déclaré (%(declared)s) : "
                "indiquez-en le motif."
            ) % {"admitted": format_eur(data.admitted_amount), "declared": format_eur(declared)}
    if data.plan_rank not in PlanRank.values:
        errors["plan_rank"] = _("Rang inconnu.")
    elif data.plan_rank != PlanRank.COMMON:
        if not data.rank_reason.strip():
            errors["rank_reason"] = _(
                "Un rang avant le rang commun se motive (l'égalité des créanciers est la règle, "
                "art. 1675/13 §1 C.J.) : indiquez le motif."
            )
        if data.plan_rank == PlanRank.MORTGAGE and data.privilege != Privilege.MORTGAGE:
            errors["plan_rank"] = _(
                "Le rang « hypothèque sur un bien conservé » suppose une créance hypothécaire "
                "(champ privilège)."
            )
        elif data.plan_rank == PlanRank.PREFERENCE and data.privilege not in (
            Privilege.GENERAL,
            Privilege.SPECIAL,
        ):
            errors["plan_rank"] = _(
                "Le rang « cause légitime de préférence » suppose un privilège général ou "
                "spécial (champ privilège)."
            )
    return errors


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
    errors.update(admission_errors(data))
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
    if "plan_rank" not in errors:
        # a mortgage rank on an asset the applicant keeps (the assets app's rule)
        errors.update(
            registry.secured_asset_errors(
                case=case, plan_rank=data.plan_rank, asset=data.secured_asset
            )
        )
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
    "interest_after_admissibility",
    "admitted_amount",
    "admitted_reason",
    "plan_rank",
    "rank_reason",
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
    claim.admitted_reason = (claim.admitted_reason or "").strip()
    claim.rank_reason = (claim.rank_reason or "").strip() if claim.plan_rank != "common" else ""


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
    known = _declaration_recorded(case=case, data=data, claim=claim, by=by)
    _save_claim(claim, data.debtors or list(case.applicants.all()), declaration, suffix)
    registry.secured_asset_link(claim=claim, asset=data.secured_asset)
    audit_changes(actor=by, case=case, obj=claim, before={}, after=_audited(claim))
    _after_declaration(case=case, known=known)
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
    known = _declaration_recorded(case=claim.case, data=data, claim=claim, by=None)
    _save_claim(claim, data.debtors or list(claim.case.applicants.all()), declaration, suffix)
    registry.secured_asset_link(claim=claim, asset=data.secured_asset)
    audit_changes(actor=by, case=claim.case, obj=claim, before=before, after=_audited(claim))
    _after_declaration(case=claim.case, known=known)
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


# Declarations and their clocks (art. 1675/9 §§2-3 C.J.; claims.deadlines) ------------------


def _known(case: Case, creditor: Creditor) -> KnownCreditor:
    known, _created = KnownCreditor.objects.select_for_update().get_or_create(
        case=case, creditor=creditor
    )
    return known


def _declaration_recorded(
    *, case: Case, data: ClaimData, claim: Claim, by: User | None
) -> KnownCreditor:
    """A declaration makes its creditor known in the case. Its claim is time-barred when the
    creditor was time-barred on the day of the declaration, or when it is given as late
    (``data.time_barred``: a bundle's ``time_barred``; one late file of a creditor whose other
    claims came in time does not foreclose the creditor). A creditor all of whose claims are
    late gets a forclusion by hand from its first late declaration, when none is recorded.
    An edited claim keeps its flag unless its creditor or date changes."""
    known = _known(case, data.creditor)
    barred = known.time_barred_on is not None and data.declared_on >= known.time_barred_on
    before = (
        Claim.objects.filter(pk=claim.pk)
        .values_list("creditor_id", "declared_on", "time_barred")
        .first()
        if claim.pk is not None
        else None
    )
    if before is not None and before[:2] == (data.creditor.pk, data.declared_on):
        barred = barred or before[2]
    if data.time_barred:
        barred = True
        in_time = (
            Claim.objects.filter(case=case, creditor=data.creditor, time_barred=False)
            .exclude(pk=claim.pk)
            .exists()
        )
        if known.time_barred_on is None and not in_time:
            _time_bar(
                known=known,
                on=data.declared_on,
                reason=TimeBarReason.BY_HAND,
                note=_("Déclaration tardive du %(date)s") % {"date": format_date(data.declared_on)},
                by=by,
            )
    claim.time_barred = barred
    return known


def _after_declaration(*, case: Case, known: KnownCreditor) -> None:
    """The creditor's first declaration settles its declaration clocks (unless it came after
    its forclusion, which settled them already)."""
    first = selectors.first_declaration_of(case, known.creditor_id)
    if first is None:
        return
    if known.time_barred_on is not None and first >= known.time_barred_on:
        return
    note = _("Déclaration du %(date)s") % {"date": format_date(first)}
    for kind in (deadlines.DECLARATION_DEADLINE, deadlines.REMINDER_DEADLINE):
        duties_settle(case=case, kind=kind, subject=known.subject, on=first, note=note)


def _time_bar(
    *, known: KnownCreditor, on: date, reason: str, note: str, by: User | None
) -> KnownCreditor:
    known.time_barred_on = on
    known.time_barred_reason = reason
    known.time_barred_note = note[:255]
    known.time_barred_by = by
    known.time_barred_recorded_at = timezone.now()
    known.save(
        update_fields=[
            "time_barred_on",
            "time_barred_reason",
            "time_barred_note",
            "time_barred_by",
            "time_barred_recorded_at",
        ]
    )
    Claim.objects.filter(
        case_id=known.case_id, creditor_id=known.creditor_id, declared_on__gte=on
    ).update(time_barred=True)
    for kind in (deadlines.DECLARATION_DEADLINE, deadlines.REMINDER_DEADLINE):
        duties_settle(
            case=known.case,
            kind=kind,
            subject=known.subject,
            on=on,
            note=_("Créancier forclos le %(date)s") % {"date": format_date(on)},
        )
    return known


def _record_clocks(*, known: KnownCreditor, today: date) -> None:
    """Record now the creditor's clocks that have started (the daily run looks only at the
    days since its last passage: a date entered late would be missed). A forclusion whose day
    has come is recorded at once (the duty's ``on_created``)."""
    case = known.case
    declared_on = selectors.first_declaration_of(case, known.creditor_id)
    declaration = selectors.declaration_spec(case, known, declared_on)
    if declaration is not None and (declaration.due_date <= today or declared_on is None):
        duty_record(case=case, spec=declaration)
    reminder = selectors.reminder_spec(known)
    if reminder is not None:
        duty_record(case=case, spec=reminder)
    time_bar = selectors.time_bar_spec(known, declared_on)
    if time_bar is not None and time_bar.due_date <= today:
        duty_record(case=case, spec=time_bar)
    _after_declaration(case=case, known=known)


@transaction.atomic
def known_creditor_add(
    *, case: Case, creditor: Creditor, by: User | None = None, today: date | None = None
) -> KnownCreditor:
    """Make a creditor of the directory known in a case (listed in the petition): its
    declaration is awaited from the notification of the admissibility order."""
    if creditor is None:
        raise ValidationError({"creditor": _("Choisissez le créancier.")})
    if creditor.organisation_id != case.organisation_id:
        raise ValidationError(
            {"creditor": _("Ce créancier n'est pas dans l'annuaire de l'organisation.")}
        )
    if KnownCreditor.objects.filter(case=case, creditor=creditor).exists():
        raise ValidationError(
            {
                "creditor": _("« %(name)s » est déjà un créancier connu du dossier.")
                % {"name": creditor.name}
            }
        )
    known = _known(case, creditor)
    _record_clocks(known=known, today=today or timezone.localdate())
    return known


@transaction.atomic
def reminder_record(
    *,
    known: KnownCreditor,
    sent_on: date | None,
    received_on: date | None,
    by: User | None = None,
    today: date | None = None,
) -> KnownCreditor:
    """Record the registered reminder sent to a creditor that has not declared (its receipt
    may come later). Its receipt opens the last days (``claims.deadlines``); when they have
    already passed without a declaration, the creditor is time-barred at once."""
    today = today or timezone.localdate()
    known = (
        KnownCreditor.objects.select_for_update()
        .select_related("case", "creditor")
        .get(pk=known.pk)
    )
    case = known.case
    errors: dict[str, str] = {}
    declared_on = selectors.first_declaration_of(case, known.creditor_id)
    if known.time_barred_on is not None:
        errors["__all__"] = _("Ce créancier est forclos depuis le %(date)s.") % {
            "date": format_date(known.time_barred_on)
        }
    elif declared_on is not None:
        errors["__all__"] = _("Ce créancier a déclaré sa créance le %(date)s : pas de rappel.") % {
            "date": format_date(declared_on)
        }
    elif case.creditors_notified_on is None:
        errors["__all__"] = _(
            "Indiquez d'abord dans le dossier la date de notification de l'ordonnance aux "
            "créanciers : le délai de déclaration en part."
        )
    if sent_on is None:
        errors["sent_on"] = _("Indiquez la date d'envoi du rappel recommandé.")
    elif sent_on > today:
        errors["sent_on"] = _("La date d'envoi ne peut être dans le futur.")
    elif case.creditors_notified_on is not None and "__all__" not in errors:
        last_day = deadlines.declaration_last_day(
            case.creditors_notified_on, known.creditor.country
        )
        if sent_on <= last_day:
            errors["sent_on"] = _(
                "Le délai de déclaration court jusqu'au %(date)s : le rappel ne peut être envoyé "
                "qu'après."
            ) % {"date": format_date(last_day)}
    if received_on is not None:
        if received_on > today:
            errors["received_on"] = _("La date de réception ne peut être dans le futur.")
        elif sent_on is not None and received_on < sent_on:
            errors["received_on"] = _("Le rappel ne peut être reçu avant son envoi.")
    if errors:
        raise ValidationError(errors)
    known.reminder_sent_on = sent_on
    known.reminder_received_on = received_on
    known.save(update_fields=["reminder_sent_on", "reminder_received_on"])
    _record_clocks(known=known, today=today)
    known.refresh_from_db()
    return known


@transaction.atomic
def time_bar_apply(
    *, known: KnownCreditor, on: date, reason: str, note: str = "", by: User | None = None
) -> bool:
    """Record a creditor's forclusion from ``on`` (exactly once: False when it is recorded
    already) and mark its claims declared since time-barred. The daily run calls it when the
    reminder's last days pass (reason ``reminder_expired``); the mediator records one by hand."""
    known = (
        KnownCreditor.objects.select_for_update()
        .select_related("case", "creditor")
        .get(pk=known.pk)
    )
    if known.time_barred_on is not None:
        return False
    _time_bar(known=known, on=on, reason=reason, note=note, by=by)
    return True


@transaction.atomic
def time_bar_record(
    *, known: KnownCreditor, on: date | None, note: str, by: User, today: date | None = None
) -> KnownCreditor:
    """The mediator records a forclusion by hand (e.g. decided before the calendar knew the
    case), with its date and its reason."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if on is None:
        errors["on"] = _("Indiquez la date depuis laquelle le créancier est forclos.")
    elif on > today:
        errors["on"] = _("La date de la forclusion ne peut être dans le futur.")
    elif on < known.case.admissibility_date:
        errors["on"] = _("La forclusion ne peut précéder l'admissibilité (%(date)s).") % {
            "date": format_date(known.case.admissibility_date)
        }
    if not (note or "").strip():
        errors["note"] = _("Indiquez le motif de la forclusion.")
    if known.time_barred_on is not None:
        errors["__all__"] = _("Ce créancier est forclos depuis le %(date)s.") % {
            "date": format_date(known.time_barred_on)
        }
    if errors:
        raise ValidationError(errors)
    time_bar_apply(known=known, on=on, reason=TimeBarReason.BY_HAND, note=note.strip(), by=by)
    known.refresh_from_db()
    return known


@transaction.atomic
def time_bar_lift(*, known: KnownCreditor, by: User) -> KnownCreditor:
    """Undo a forclusion recorded by mistake: its claims take part again."""
    known = KnownCreditor.objects.select_for_update().get(pk=known.pk)
    if known.time_barred_on is None:
        raise ValidationError(_("Ce créancier n'est pas forclos."))
    known.time_barred_on = None
    known.time_barred_reason = ""
    known.time_barred_note = ""
    known.time_barred_by = None
    known.time_barred_recorded_at = None
    known.save()
    Claim.objects.filter(case_id=known.case_id, creditor_id=known.creditor_id).update(
        time_barred=False
    )
    return known
