"""Write services for the negotiation log: keyword-only, typed, atomic. They validate
everything first and either save the whole change or nothing."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.tracking import acting_as
from cases.models import Applicant, Case
from cases.services import CaseData
from claims.models import Creditor, Representation, Representative
from core.dates import format_date

from .models import Channel, ContactEntry, Outcome, ThirdParty, ThirdPartyKind


@dataclass
class ContactData:
    creditor: Creditor | None
    date: date
    channel: str
    summary: str
    outcome: str
    representative: Representative | None = None
    interlocutor: str = ""
    follow_up_on: date | None = None
    # The debtor side (issue 17): a contact with this applicant of the case, not a creditor.
    applicant: Applicant | None = None


def validate_contact(
    case: Case | CaseData, data: ContactData, today: date, unchanged: ContactEntry | None = None
) -> dict[str, str]:
    """The rules of a contact entry; returns field -> message (empty when valid).

    - the creditor is in the organisation's directory (it need not have declared yet: the
      mediator contacts creditors to obtain their declaration);
    - the representative, when given, acts for that creditor in this case (when a contact is
      corrected without changing whom it was with, a representation removed since is kept);
    - the contact is dated between the admissibility order (the order designates the mediator:
      there is no mediator's contact before it) and today;
    - the follow-up date does not precede the contact.

    A planned case (``CaseData``, not in the database yet) has no directory nor
    representations to check the creditor and the representative against: the write does.
    """
    errors: dict[str, str] = {}
    saved = isinstance(case, Case)
    if data.applicant is not None:
        # the debtor-side log (issue 17): one of the case's applicants, alone
        if data.creditor is not None or data.representative is not None:
            errors["creditor"] = _(
                "Un contact concerne un créancier ou le requérant, pas les deux."
            )
        elif saved and data.applicant.case_id != case.pk:
            errors["creditor"] = _("Choisissez un requérant de ce dossier.")
    elif saved and (data.creditor is None or data.creditor.organisation_id != case.organisation_id):
        errors["creditor"] = _("Choisissez un créancier de l'annuaire de l'organisation.")
    elif (
        saved
        and data.representative is not None
        and not (
            unchanged is not None
            and unchanged.creditor_id == data.creditor.pk
            and unchanged.representative_id == data.representative.pk
        )
        and not Representation.objects.filter(
            case=case, creditor=data.creditor, representative=data.representative
        ).exists()
    ):
        errors["representative"] = _(
            "%(representative)s n'agit pas pour %(creditor)s dans ce dossier : enregistrez "
            "d'abord la représentation dans l'onglet Créances, ou choisissez le créancier seul."
        ) % {"representative": data.representative.name, "creditor": data.creditor.name}
    if data.date is None:
        errors["date"] = _("Indiquez la date du contact.")
    elif data.date > today:
        errors["date"] = _(
            "La date du contact ne peut être dans le futur (aujourd'hui : %(d)s)."
        ) % {"d": format_date(today)}
    elif case.admissibility_date and data.date < case.admissibility_date:
        errors["date"] = _(
            "Un contact ne peut précéder l'ordonnance d'admissibilité du %(d)s, qui désigne le "
            "médiateur."
        ) % {"d": format_date(case.admissibility_date)}
    if data.follow_up_on and data.date and data.follow_up_on < data.date:
        errors["follow_up_on"] = _(
            "La date de rappel ne peut précéder la date du contact (%(d)s)."
        ) % {"d": format_date(data.date)}
    if data.channel not in Channel.values:
        errors["channel"] = _("Choisissez le moyen de contact.")
    if data.outcome not in Outcome.values:
        errors["outcome"] = _("Choisissez le résultat du contact.")
    if not (data.summary or "").strip():
        errors["summary"] = _("Résumez le contact en quelques mots.")
    return errors


def contact_validate(
    *, case: Case | CaseData, data: ContactData, today: date | None = None
) -> None:
    """The checks of ``contact_record`` without writing: a ``ValidationError`` keyed by the
    fields of ``ContactData`` (``validate_contact``, and the model's fields: lengths,
    choices). ``today`` (default: today) bounds the contact's date; ``case`` may be planned
    (``CaseData``)."""
    errors = {
        name: [message]
        for name, message in validate_contact(case, data, today or timezone.localdate()).items()
    }
    entry = ContactEntry()
    _apply(entry, data)
    try:
        # the model's constraints restate the rules of validate_contact
        entry.full_clean(exclude=[*_ENTRY_ROWS, *errors], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


# The fields of a contact entry that are rows: left to ``validate_contact`` and the write.
_ENTRY_ROWS = [
    "case",
    "creditor",
    "applicant",
    "representative",
    "recorded_by",
    "follow_up_done_by",
]


def _apply(entry: ContactEntry, data: ContactData) -> None:
    entry.creditor = data.creditor
    entry.applicant = data.applicant
    entry.representative = data.representative
    entry.date = data.date
    entry.channel = data.channel
    entry.interlocutor = (data.interlocutor or "").strip()
    entry.summary = data.summary.strip()
    entry.outcome = data.outcome
    entry.follow_up_on = data.follow_up_on


def _save(entry: ContactEntry) -> None:
    entry.full_clean(exclude=["case", "recorded_by", "follow_up_done_by"])
    entry.save()


@transaction.atomic
def contact_record(
    *,
    case: Case,
    data: ContactData,
    by: User,
    close_open_follow_ups: bool = False,
    today: date | None = None,
) -> ContactEntry:
    """Record a contact. With ``close_open_follow_ups`` the follow-ups still open for the same
    creditor in the case are marked done: this contact is the follow-up they asked for."""
    errors = validate_contact(case, data, today or timezone.localdate())
    if errors:
        raise ValidationError(errors)
    with acting_as(by):  # the audit trail records each change as ``by``'s (audit.tracking)
        if close_open_follow_ups:
            for done in ContactEntry.objects.select_for_update().filter(
                case=case,
                creditor=data.creditor,
                applicant=data.applicant,
                follow_up_on__isnull=False,
                follow_up_done_at__isnull=True,
            ):
                done.follow_up_done_at = timezone.now()
                done.follow_up_done_by = by
                done.save(update_fields=["follow_up_done_at", "follow_up_done_by", "updated_at"])
        entry = ContactEntry(case=case, recorded_by=by)
        _apply(entry, data)
        _save(entry)
    return entry


@transaction.atomic
def contact_update(
    *, entry: ContactEntry, data: ContactData, today: date | None = None, by: User | None = None
) -> ContactEntry:
    """Correct a contact. Moving or removing its follow-up date reopens the follow-up (a new
    date is a new reminder); keeping the date keeps it done or open as it was. The audit trail
    records the correction, with ``by`` (audit.tracking)."""
    entry = ContactEntry.objects.select_for_update().select_related("case").get(pk=entry.pk)
    errors = validate_contact(entry.case, data, today or timezone.localdate(), unchanged=entry)
    if errors:
        raise ValidationError(errors)
    if data.follow_up_on != entry.follow_up_on:
        entry.follow_up_done_at = None
        entry.follow_up_done_by = None
    _apply(entry, data)
    with acting_as(by):
        _save(entry)
    return entry


def follow_up_done_validate(*, entry: ContactEntry | ContactData) -> None:
    """The checks of ``follow_up_mark_done`` without writing (a ``ContactData``: a contact not
    recorded yet, whose follow-up is not done): only a dated follow-up can be done, once."""
    if entry.follow_up_on is None:
        raise ValidationError({"follow_up_on": _("Ce contact n'a pas de date de rappel.")})
    if isinstance(entry, ContactEntry) and entry.follow_up_done_at is not None:
        raise ValidationError({"follow_up_on": _("Ce rappel est déjà marqué comme fait.")})


@transaction.atomic
def follow_up_mark_done(*, entry: ContactEntry, by: User) -> ContactEntry:
    entry = ContactEntry.objects.select_for_update().get(pk=entry.pk)
    follow_up_done_validate(entry=entry)
    entry.follow_up_done_at = timezone.now()
    entry.follow_up_done_by = by
    with acting_as(by):
        entry.save(update_fields=["follow_up_done_at", "follow_up_done_by", "updated_at"])
    return entry


@transaction.atomic
def follow_up_reopen(*, entry: ContactEntry) -> ContactEntry:
    """Undo ``follow_up_mark_done``: the follow-up is back in the to-do list."""
    entry = ContactEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.follow_up_done_at is None:
        raise ValidationError({"follow_up_on": _("Ce rappel n'est pas marqué comme fait.")})
    entry.follow_up_done_at = None
    entry.follow_up_done_by = None
    entry.save(update_fields=["follow_up_done_at", "follow_up_done_by", "updated_at"])
    return entry


# --- the case's third parties (issue 17) ----------------------------------------------------


@dataclass
class ThirdPartyData:
    kind: str
    name: str
    address: str
    reference: str = ""


def third_party_validate(*, data: ThirdPartyData) -> None:
    """The checks of ``third_party_create``: a ``ValidationError`` keyed by field."""
    errors: dict[str, list[str]] = {}
    if data.kind not in ThirdPartyKind.values:
        errors["kind"] = [_("Choisissez la qualité du tiers.")]
    if not (data.name or "").strip():
        errors["name"] = [_("Indiquez le nom du tiers.")]
    if not (data.address or "").strip():
        errors["address"] = [
            _("Indiquez l'adresse postale du tiers : les courriers y sont envoyés.")
        ]
    party = ThirdParty(
        kind=data.kind,
        name=(data.name or "").strip(),
        address=(data.address or "").strip(),
        reference=(data.reference or "").strip(),
    )
    try:
        party.full_clean(exclude=["case", *errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    for field in ("name", "reference"):
        if "\n" in (getattr(data, field) or "").strip():
            errors.setdefault(field, []).append(_("Ce champ tient sur une seule ligne."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def third_party_create(*, case: Case, data: ThirdPartyData, by: User) -> ThirdParty:
    """Record a third party of the case (employer, benefit payer, bank, bailiff), the
    addressee of the letters to third parties."""
    third_party_validate(data=data)
    with acting_as(by):  # recorded in the audit trail as ``by``'s (contacts/audit_trail.py)
        party = ThirdParty.objects.create(
            case=case,
            kind=data.kind,
            name=data.name.strip(),
            address=data.address.strip().replace("\r\n", "\n"),
            reference=data.reference.strip(),
        )
    return party


@transaction.atomic
def third_party_update(*, party: ThirdParty, data: ThirdPartyData, by: User) -> ThirdParty:
    """Change a third party of the case (same checks as ``third_party_create``). The letters
    already sent keep the name and address they were sent to (snapshots); the change is in the
    audit trail, with ``by``."""
    third_party_validate(data=data)
    party = ThirdParty.objects.select_for_update().get(pk=party.pk)
    party.kind = data.kind
    party.name = data.name.strip()
    party.address = data.address.strip().replace("\r\n", "\n")
    party.reference = data.reference.strip()
    with acting_as(by):
        party.save()
    return party


@transaction.atomic
def third_party_remove(*, party: ThirdParty, by: User) -> bool:
    """Remove a third party from the case: deleted if no letter was sent to it; otherwise
    (the letters keep their addressee) deactivated: no new letter and no closure letter goes
    to it. Returns True if deleted, False if deactivated."""
    party = ThirdParty.objects.select_for_update().get(pk=party.pk)
    try:
        with transaction.atomic(), acting_as(by):  # a savepoint: the refusal undoes nothing else
            party.delete()
    except ProtectedError:  # letters.LetterAddressee.third_party is PROTECT
        if party.active:
            party.active = False
            with acting_as(by):
                party.save(update_fields=["active"])
        return False
    return True


@transaction.atomic
def third_party_reactivate(*, party: ThirdParty, by: User) -> ThirdParty:
    """A deactivated third party concerns the case again (a new employer that is the old one)."""
    party = ThirdParty.objects.select_for_update().get(pk=party.pk)
    if party.active:
        raise ValidationError({"__all__": _("Ce tiers est déjà actif.")})
    party.active = True
    with acting_as(by):
        party.save(update_fields=["active"])
    return party
