"""Write services for letters and letter templates (keyword-only, typed, atomic).

The letter -> billable service rule (fees.md §1 items 4.1, 4.2 and postage, §6) is
``billable_service_for``; ``letter_send`` applies it through ``fees.services.service_record``
in the same transaction as the letter and its PDF: if anything fails, nothing is saved.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation, User
from cases.models import Case
from claims.models import Creditor, Representative
from contacts.models import Channel, Outcome
from contacts.services import ContactData, contact_record
from core.dates import format_date
from core.money import CENT
from core.roles import Role
from fees.models import ServiceKind
from fees.services import service_record

from . import pdf
from .defaults import all_default_templates
from .models import Letter, LetterAddressee, LetterKind, LetterTemplate, TemplateLanguage
from .placeholders import AddresseeData
from .selectors import RenderedCopy, letter_render, resolve_addressees, text_errors

logger = logging.getLogger(__name__)

CIRCULAR_MIN_ADDRESSEES = 3  # fees.md §6: a circular letter has 3 or more addressees


# --- the rule ------------------------------------------------------------------------------


def billable_service_for(addressees: int) -> tuple[str, int]:
    """(service kind, quantity) recorded for one letter with identical content sent to
    ``addressees`` addressees (fees.md §6; AR 18.12.1998 art. 4 al. 2, 1° and 2°):

    - 1 addressee -> one ordinary letter (``letter``, quantity 1, 4.1);
    - 2 addressees -> two ordinary letters (``letter``, quantity 2, 4.1);
    - 3 or more -> a circular letter billed per addressee (``circular_letter``,
      quantity = addressees, 4.2; Cass. 29.02.2008, C.06.0633.F).

    Only the addressee block and the addressee's references differ from one copy to another
    (mail merge); the content is identical, which is what makes it a circular letter.
    """
    if addressees < 1:
        raise ValueError("a letter has at least one addressee")
    if addressees < CIRCULAR_MIN_ADDRESSEES:
        return ServiceKind.LETTER, addressees
    return ServiceKind.CIRCULAR_LETTER, addressees


# --- templates -----------------------------------------------------------------------------


@dataclass
class TemplateData:
    kind: str
    name: str
    subject: str
    body: str
    registered: bool = False
    language: str = "fr"  # TemplateLanguage: the language the template is written in


def _check_admin(*, organisation: Organisation, by: User) -> None:
    if by.role != Role.ADMINISTRATOR or by.organisation_id != organisation.pk:
        raise ValidationError(
            _("Seul l'administrateur de l'organisation peut modifier les modèles de courrier.")
        )


def template_errors(data: TemplateData) -> dict[str, list[str]]:
    """Every problem of a template at once, keyed by field (the validate-only entry point the
    editor also calls when its form could not read every field)."""
    errors: dict[str, list[str]] = {}
    if data.kind not in LetterKind.values:
        errors["kind"] = [_("Type de courrier inconnu.")]
    if data.language not in TemplateLanguage.values:
        errors["language"] = [_("Langue inconnue.")]
    if not data.name.strip():
        errors["name"] = [_("Ce champ est obligatoire.")]
    for field, messages in text_errors(subject=data.subject, body=data.body).items():
        errors.setdefault(field, []).extend(messages)
    return errors


def _save_template(template: LetterTemplate, data: TemplateData, by: User) -> LetterTemplate:
    errors = template_errors(data)
    duplicate = (
        LetterTemplate.objects.filter(
            organisation_id=template.organisation_id, name=data.name.strip()
        )
        .exclude(pk=template.pk)
        .exists()
    )
    if duplicate:
        errors.setdefault("name", []).append(_("Un modèle de l'organisation porte déjà ce nom."))
    if errors:
        raise ValidationError(errors)
    template.kind = data.kind
    template.name = data.name.strip()
    template.subject = data.subject.strip()
    template.body = data.body.strip().replace("\r\n", "\n")
    template.registered = data.registered
    template.language = data.language
    # Saved by the administrator in the text with fields: reviewed.
    template.needs_review = False
    template.review_note = ""
    template.updated_by = by
    template.full_clean()
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:  # a concurrent save of the same name
        raise ValidationError(
            {"name": _("Un modèle de l'organisation porte déjà ce nom.")}
        ) from exc
    return template


@transaction.atomic
def letter_template_create(
    *, organisation: Organisation, data: TemplateData, by: User
) -> LetterTemplate:
    _check_admin(organisation=organisation, by=by)
    return _save_template(LetterTemplate(organisation=organisation), data, by)


@transaction.atomic
def letter_template_update(
    *, template: LetterTemplate, data: TemplateData, by: User
) -> LetterTemplate:
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    _check_admin(organisation=template.organisation, by=by)
    return _save_template(template, data, by)


@transaction.atomic
def letter_templates_ensure_defaults(organisation: Organisation) -> int:
    """Create the default templates, French and Dutch, for an organisation that has none; return how
    many were created (0 when it already has templates: an administrator's edits are kept).

    Run when an organisation is created (registered with
    ``accounts.services.on_organisation_created`` by ``letters.apps``); organisations that
    existed before got theirs from the data migrations 0002, 0005 and 0009 (Dutch). Never run
    when a page opens."""
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    if LetterTemplate.objects.filter(organisation=organisation).exists():
        return 0
    created = LetterTemplate.objects.bulk_create(
        all_default_templates(LetterTemplate, organisation.pk)
    )
    return len(created)


# --- letters -------------------------------------------------------------------------------


def _letter_errors(
    *, case: Case, registered: bool, postage: Decimal | None, sent_on: date | None, keys: list[str]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not keys:
        errors["addressees"] = [_("Choisissez au moins un destinataire.")]
    if registered:
        if postage is None:
            errors["postage"] = [_("Indiquez le port d'une lettre recommandée.")]
        elif postage <= 0:
            errors["postage"] = [_("Le port recommandé doit être un montant positif.")]
        elif postage != postage.quantize(CENT):
            errors["postage"] = [_("Le montant a au plus deux décimales.")]
    elif postage is not None:
        errors["postage"] = [_("Un port recommandé ne s'indique que pour un envoi recommandé.")]
    if sent_on is None:  # a date the form could not read: its own message says so
        return errors
    if sent_on < case.admissibility_date:
        errors["sent_on"] = [
            _("Un courrier du dossier ne peut précéder l'admissibilité (%(date)s).")
            % {"date": format_date(case.admissibility_date)}
        ]
    elif sent_on > timezone.localdate():
        errors["sent_on"] = [_("La date d'envoi ne peut être dans le futur.")]
    return errors


def _record_in_negotiation_log(*, letter: Letter, copies: list[RenderedCopy], by: User) -> None:
    """A letter sent appears in the negotiation history of each creditor it went to, directly
    or through its representative (issue #16): one contact entry per creditor addressee."""
    creditors = Creditor.objects.in_bulk({c.addressee.creditor_id for c in copies} - {None})
    representatives = Representative.objects.in_bulk(
        {c.addressee.representative_id for c in copies} - {None}
    )
    seen: set[tuple[int, int | None]] = set()
    for copy in copies:
        creditor_id = copy.addressee.creditor_id
        if creditor_id is None or (creditor_id, copy.addressee.representative_id) in seen:
            continue
        seen.add((creditor_id, copy.addressee.representative_id))
        summary = _("Courrier « %(subject)s » envoyé%(registered)s (courrier n° %(n)s).") % {
            "subject": copy.subject or letter.subject,
            "registered": _(" par recommandé") if letter.registered else "",
            "n": letter.pk,
        }
        contact_record(
            case=letter.case,
            data=ContactData(
                creditor=creditors[creditor_id],
                representative=representatives.get(copy.addressee.representative_id),
                date=letter.sent_on,
                channel=Channel.LETTER,
                summary=summary,
                outcome=Outcome.SENT,
            ),
            by=by,
            today=letter.sent_on,
        )


def _template_refusal(template: LetterTemplate) -> str:
    return _(
        "Le modèle « %(name)s » est à revoir par l'administrateur de l'organisation avant "
        "d'être utilisé : %(note)s"
    ) % {"name": template.name, "note": template.review_note}


def letter_check(
    *,
    case: Case,
    template: LetterTemplate | None,
    subject: str,
    body: str,
    addressee_keys: list[str],
    registered: bool,
    postage: Decimal | None,
    sent_on: date | None,
) -> tuple[dict[str, list[str]], list[RenderedCopy]]:
    """Every problem of a letter at once (keyed by field) and, when there is none, its copies:
    the checks of ``letter_send``, without writing. ``sent_on`` None: a date the form could
    not read (its own message says so); the rest is still checked."""
    errors: dict[str, list[str]] = {}
    if template is not None and template.organisation_id != case.organisation_id:
        errors["template"] = [_("Modèle inconnu.")]
    elif template is not None and template.needs_review:
        errors["template"] = [_template_refusal(template)]
    for field, messages in _letter_errors(
        case=case, registered=registered, postage=postage, sent_on=sent_on, keys=addressee_keys
    ).items():
        errors.setdefault(field, []).extend(messages)
    addressees: list[AddresseeData] = []
    if addressee_keys:
        try:
            addressees = resolve_addressees(case=case, keys=addressee_keys)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    for field, messages in text_errors(subject=subject, body=body).items():
        errors.setdefault(field, []).extend(messages)
    if errors or sent_on is None:
        return errors, []
    copies = letter_render(
        case=case,
        subject=subject,
        body=body,
        addressees=addressees,
        sent_on=sent_on,
        # the court in the template's language ("le tribunal du travail d'Anvers" in a French
        # letter, "de arbeidsrechtbank Antwerpen" in a Dutch one); without a template, the
        # procedure's
        language=template.language if template is not None else None,
    )
    return errors, copies


@transaction.atomic
def letter_send(
    *,
    case: Case,
    template: LetterTemplate | None,
    subject: str,
    body: str,
    addressee_keys: list[str],
    registered: bool,
    postage: Decimal | None,
    sent_on: date,
    by: User,
) -> Letter:
    """Send a letter: render it for each addressee, print ONE PDF (a copy per addressee),
    record the letter, its addressees and the billable service (``billable_service_for``),
    all in one transaction: if the PDF cannot be produced, nothing is saved. A template
    flagged for review (``LetterTemplate.needs_review``) is refused."""
    case = Case.objects.select_related("organisation", "mediator").get(pk=case.pk)
    errors, copies = letter_check(
        case=case,
        template=template,
        subject=subject,
        body=body,
        addressee_keys=addressee_keys,
        registered=registered,
        postage=postage,
        sent_on=sent_on,
    )
    if errors:
        raise ValidationError(errors)

    letter = Letter(
        case=case,
        template=template,
        kind=template.kind if template else LetterKind.OTHER,
        subject=" ".join(subject.split())[:255],
        body=body.replace("\r\n", "\n").strip(),
        registered=registered,
        postage=postage if registered else None,
        sent_on=sent_on,
        sent_by=by,
        signatory=pdf.signatory_of(case.mediator),
    )
    letter.full_clean(exclude=["pdf"])
    letter.save()
    LetterAddressee.objects.bulk_create(
        LetterAddressee(
            letter=letter,
            position=position,
            creditor_id=copy.addressee.creditor_id,
            representative_id=copy.addressee.representative_id,
            third_party_id=copy.addressee.third_party_id,
            applicant_id=copy.addressee.applicant_id,
            name=copy.addressee.name,
            address=copy.addressee.address,
            reference=copy.addressee.reference,
            on_behalf_of=copy.addressee.on_behalf_of,
            subject=copy.subject,
            body=copy.body,
        )
        for position, copy in enumerate(copies, start=1)
    )
    kind, quantity = billable_service_for(len(copies))
    service = service_record(
        case=case,
        kind=kind,
        service_date=sent_on,
        # The act is the designated mediator's: the letter goes out under their signature.
        mediator=case.mediator,
        by=by,
        quantity=quantity,
        # Postage of ONE letter: the engine multiplies it by the number of letters
        # (fees.engine.compute._postage_line, quantity = ServiceFacts.letters = quantity).
        registered_postage=postage if registered else None,
        note=(
            ngettext(
                "Courrier « %(name)s » à %(count)s destinataire",
                "Courrier « %(name)s » à %(count)s destinataires",
                len(copies),
            )
            % {
                "name": template.name if template else LetterKind(letter.kind).label,
                "count": len(copies),
            }
        )[:255],
        origin="letter",
    )
    letter.services.add(service)
    _record_in_negotiation_log(letter=letter, copies=copies, by=by)
    try:
        content = pdf.render_letter_pdf(letter)
    except Exception as exc:  # WeasyPrint, fonts, template: the whole sending is undone
        logger.exception("letter PDF rendering failed for case %s", case.pk)
        raise ValidationError(
            _("Le PDF du courrier n'a pas pu être produit : rien n'a été enregistré.")
        ) from exc
    # The file is written last: every database write before it is undone if it fails.
    letter.pdf.save(f"courrier-{letter.pk}.pdf", ContentFile(content), save=True)
    return letter
