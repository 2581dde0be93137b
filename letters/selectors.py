"""Read selectors for letters. Scoping: a case comes from ``cases.selectors.case_get_for_user``
(another organisation's case is a 404); letters are looked up inside that case; templates inside
the user's organisation."""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from cases.models import Applicant, Case
from claims.models import Claim, Creditor, Representation
from contacts.models import ThirdParty
from core.divisions import procedure_language
from core.money import format_eur
from ledger.selectors import account_of

from . import pdf
from .defaults import all_default_templates
from .models import Letter, LetterAddressee, LetterTemplate
from .placeholders import (
    AddresseeData,
    PlaceholderError,
    case_context,
    check_source,
    render_source,
    sample_context,
)

logger = logging.getLogger(__name__)


def templates_of_organisation(organisation: Organisation) -> QuerySet[LetterTemplate]:
    return LetterTemplate.objects.filter(organisation=organisation).order_by("kind", "name")


def compose_templates(organisation: Organisation) -> list[LetterTemplate]:
    """The templates offered when composing a letter: the organisation's. It has them from its
    creation; should it have none, the built-in defaults, UNSAVED (no pk: a letter composed
    from one is sent without template), so that the page works without writing anything."""
    stored = list(templates_of_organisation(organisation))
    if stored:
        return stored
    logger.warning("letters: organisation %s has no letter template", organisation.pk)
    builtin = all_default_templates(LetterTemplate, organisation.pk)
    return sorted(builtin, key=lambda template: (template.kind, template.name))


def prefer_language(templates: list[LetterTemplate], case: Case) -> list[LetterTemplate]:
    """``templates`` with those in the case's procedure language first (a stable sort: each
    language keeps its order). The language of the court is that of the letters about its case
    (core.divisions.procedure_language; issue 16, Dutch complete)."""
    language = procedure_language(case.division)
    return sorted(templates, key=lambda template: template.language != language)


def template_for(case: Case, kind: str) -> LetterTemplate | None:
    """The organisation's template of ``kind`` for a letter of ``case``: the first (oldest) in
    the case's procedure language, else the first of the kind in another language; None when
    the organisation has none. Used by the closure letters and the annual report's copy."""
    candidates = LetterTemplate.objects.filter(
        organisation_id=case.organisation_id, kind=kind
    ).order_by("pk")
    return next(iter(prefer_language(list(candidates), case)), None)


def template_key(template: LetterTemplate) -> str:
    """How the compose page designates a template: its pk, or the kind of a built-in one."""
    if template.pk is not None:
        return str(template.pk)
    return template.kind if template.language == "fr" else f"{template.kind}-{template.language}"


def template_get_for_user(user: User, pk: int) -> LetterTemplate:
    """A template of the user's organisation; anything else is a 404."""
    template = (
        LetterTemplate.objects.filter(pk=pk, organisation_id=user.organisation_id).first()
        if user.is_authenticated and user.organisation_id
        else None
    )
    if template is None:
        raise Http404
    return template


def letters_of_case(case: Case) -> QuerySet[Letter]:
    return (
        Letter.objects.filter(case=case)
        .select_related("sent_by", "template")
        .prefetch_related(
            Prefetch("addressees", queryset=LetterAddressee.objects.order_by("position")),
            "services",
        )
        .order_by("-sent_on", "-id")
    )


def letter_get(case: Case, pk: int) -> Letter:
    letter = Letter.objects.filter(pk=pk, case=case).select_related("case").first()
    if letter is None:
        raise Http404
    return letter


def claim_references(case: Case) -> dict[int, str]:
    references: dict[int, list[str]] = {}
    for creditor_id, reference in (
        Claim.objects.filter(case=case)
        .exclude(creditor_reference="")
        .order_by("declared_on", "id")
        .values_list("creditor_id", "creditor_reference")
    ):
        refs = references.setdefault(creditor_id, [])
        if reference not in refs:
            refs.append(reference)
    return {creditor_id: ", ".join(refs) for creditor_id, refs in references.items()}


def addressee_options(case: Case) -> list[AddresseeData]:
    """The case's creditors (those who declared, or for whom a representative acts in the
    case), each followed by the representatives acting for it in the case."""
    declared = set(Claim.objects.filter(case=case).values_list("creditor_id", flat=True))
    representations = list(
        Representation.objects.filter(case=case)
        .select_related("creditor", "representative")
        .order_by("representative__name", "file_reference", "id")
    )
    creditor_ids = declared | {r.creditor_id for r in representations}
    creditors = Creditor.objects.filter(
        pk__in=creditor_ids, organisation_id=case.organisation_id
    ).order_by("name", "pk")
    references = claim_references(case)
    options: list[AddresseeData] = []
    for creditor in creditors:
        options.append(
            AddresseeData(
                key=f"c{creditor.pk}",
                creditor_id=creditor.pk,
                representative_id=None,
                name=creditor.name,
                address=creditor.address.strip(),
                reference=references.get(creditor.pk, ""),
                creditor_name=creditor.name,
                declared=creditor.pk in declared,
            )
        )
        for representation in representations:
            if representation.creditor_id != creditor.pk:
                continue
            representative = representation.representative
            options.append(
                AddresseeData(
                    key=f"r{representation.pk}",
                    creditor_id=creditor.pk,
                    representative_id=representative.pk,
                    name=representative.name,
                    address=representative.address.strip(),
                    reference=representation.file_reference or references.get(creditor.pk, ""),
                    creditor_name=creditor.name,
                    declared=creditor.pk in declared,
                    role_label=str(representative.get_role_display()),
                )
            )
    return options


def directory_options(case: Case, exclude: set[int]) -> list[AddresseeData]:
    """Creditors of the organisation's directory not yet linked to the case (no declaration):
    the admissibility notification and the reminder of art. 1675/9 §3 are written precisely to
    creditors who have not declared."""
    creditors = (
        Creditor.objects.filter(organisation_id=case.organisation_id)
        .exclude(pk__in=exclude)
        .order_by("name", "pk")
    )
    return [
        AddresseeData(
            key=f"c{creditor.pk}",
            creditor_id=creditor.pk,
            representative_id=None,
            name=creditor.name,
            address=creditor.address.strip(),
            reference="",
            creditor_name=creditor.name,
            declared=False,
            in_case=False,
        )
        for creditor in creditors
    ]


def _third_party_option(party: ThirdParty) -> AddresseeData:
    return AddresseeData(
        key=f"t{party.pk}",
        creditor_id=None,
        representative_id=None,
        name=party.name,
        address=party.address.strip(),
        reference=party.reference,
        creditor_name="",
        role_label=str(party.get_kind_display()),
        third_party_id=party.pk,
    )


def _applicant_option(applicant: Applicant) -> AddresseeData:
    return AddresseeData(
        key=f"a{applicant.pk}",
        creditor_id=None,
        representative_id=None,
        name=f"{applicant.first_name} {applicant.last_name.upper()}".strip(),
        address=applicant.address.strip(),
        reference="",
        creditor_name="",
        role_label=str(Applicant._meta.verbose_name),
        applicant_id=applicant.pk,
    )


def third_party_options(case: Case, kinds=None) -> list[AddresseeData]:
    """The case's third parties (employer, benefit payers, bank, bailiff: issue 17), of the
    ``kinds`` given (default: all), then its applicants when ``kinds`` is None. A deactivated
    third party (``contacts.services.third_party_remove``) receives no new letter."""
    parties = ThirdParty.objects.filter(case=case, active=True).order_by("kind", "name", "pk")
    if kinds is not None:
        parties = parties.filter(kind__in=list(kinds))
    options = [_third_party_option(party) for party in parties]
    if kinds is None:
        options += applicant_options(case)
    return options


def applicant_options(case: Case) -> list[AddresseeData]:
    return [_applicant_option(a) for a in Applicant.objects.filter(case=case).order_by("position")]


def resolve_addressees(*, case: Case, keys: list[str]) -> list[AddresseeData]:
    """The addressees chosen by their keys: ``c<creditor pk>`` (a creditor of the case's
    organisation), ``r<representation pk>`` (a representative acting in this case),
    ``t<third party pk>`` (a third party of this case) or ``a<applicant pk>`` (an applicant).
    Unknown keys are refused; an addressee without a postal address too."""
    errors: list[str] = []
    creditor_ids: list[int] = []
    representation_ids: list[int] = []
    party_ids: list[int] = []
    applicant_ids: list[int] = []
    wanted = {"c": creditor_ids, "r": representation_ids, "t": party_ids, "a": applicant_ids}
    for key in dict.fromkeys(keys):
        prefix, digits = key[:1], key[1:]
        if prefix not in wanted or not digits.isdigit():
            errors.append(_("Destinataire inconnu."))
        else:
            wanted[prefix].append(int(digits))
    parties = {p.pk: p for p in ThirdParty.objects.filter(pk__in=party_ids, case=case)}
    applicants = {a.pk: a for a in Applicant.objects.filter(pk__in=applicant_ids, case=case)}
    if len(parties) != len(party_ids) or len(applicants) != len(applicant_ids):
        errors.append(_("Un destinataire choisi n'appartient pas à ce dossier."))
    creditors = {
        c.pk: c
        for c in Creditor.objects.filter(pk__in=creditor_ids, organisation_id=case.organisation_id)
    }
    representations = {
        r.pk: r
        for r in Representation.objects.filter(pk__in=representation_ids, case=case).select_related(
            "creditor", "representative"
        )
    }
    if len(creditors) != len(creditor_ids) or len(representations) != len(representation_ids):
        errors.append(_("Un destinataire choisi n'appartient pas à ce dossier."))
    if errors:
        raise ValidationError({"addressees": list(dict.fromkeys(errors))})
    references = claim_references(case)
    result: list[AddresseeData] = []
    for creditor_id in creditor_ids:
        creditor = creditors[creditor_id]
        result.append(
            AddresseeData(
                key=f"c{creditor.pk}",
                creditor_id=creditor.pk,
                representative_id=None,
                name=creditor.name,
                address=creditor.address.strip(),
                reference=references.get(creditor.pk, ""),
                creditor_name=creditor.name,
            )
        )
    for representation_id in representation_ids:
        representation = representations[representation_id]
        representative = representation.representative
        result.append(
            AddresseeData(
                key=f"r{representation.pk}",
                creditor_id=representation.creditor_id,
                representative_id=representative.pk,
                name=representative.name,
                address=representative.address.strip(),
                reference=representation.file_reference
                or references.get(representation.creditor_id, ""),
                creditor_name=representation.creditor.name,
            )
        )
    result.sort(key=lambda a: (a.creditor_name.lower(), a.representative_id is not None, a.name))
    result += [_third_party_option(parties[pk]) for pk in party_ids]
    result += [_applicant_option(applicants[pk]) for pk in applicant_ids]
    missing = [a.name for a in result if not a.address]
    if missing:
        raise ValidationError(
            {
                "addressees": _(
                    "Adresse postale manquante pour : %(names)s. Complétez-la dans l'annuaire "
                    "avant d'envoyer le courrier."
                )
                % {"names": ", ".join(missing)}
            }
        )
    return result


@dataclass(frozen=True)
class RenderedCopy:
    addressee: AddresseeData
    subject: str
    body: str


def claim_amounts(case: Case) -> dict[int, Decimal]:
    """Per creditor of the case: the total it declared (principal, interest and costs)."""
    amounts: dict[int, Decimal] = {}
    for claim in Claim.objects.filter(case=case).only(
        "creditor_id", "principal", "interest", "costs"
    ):
        amounts[claim.creditor_id] = amounts.get(claim.creditor_id, Decimal("0")) + claim.total
    return amounts


def letter_context(*, case: Case, sent_on: date, language: str | None = None) -> dict[str, str]:
    """The fields common to every addressee of a letter of ``case``. The mediation account's
    IBAN is the ledger's account (``ledger.selectors.account_of``), the account the
    statements and payments go through. ``language``: that of the court's name (the
    template's; by default the procedure's)."""
    account = account_of(case)
    amounts = claim_amounts(case)
    return case_context(
        case=case,
        sent_on=sent_on,
        mediator_name=pdf.signatory_of(case.mediator),
        account_iban=account.iban if account is not None else "",
        claims_total=format_eur(sum(amounts.values(), Decimal("0"))) if amounts else "",
        language=language,
    )


def addressee_context(addressee: AddresseeData, amounts: dict[int, Decimal]) -> dict[str, str]:
    amount = amounts.get(addressee.creditor_id) if addressee.creditor_id else None
    return {**addressee.context(), "montant_creance": format_eur(amount) if amount else ""}


def text_errors(*, subject: str, body: str) -> dict[str, list[str]]:
    """Every problem of a subject and a body at once, keyed by field."""
    errors: dict[str, list[str]] = {}
    for field, source in (("subject", subject), ("body", body)):
        if not source.strip():
            errors.setdefault(field, []).append(_("Ce champ est obligatoire."))
            continue
        try:
            check_source(source)
        except PlaceholderError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    if "\n" in subject.strip():
        errors.setdefault("subject", []).append(_("L'objet tient sur une seule ligne."))
    return errors


@dataclass(frozen=True)
class Preview:
    """The live preview of the editor: the text rendered over a case (or the sample values),
    or the problems that keep it from rendering."""

    subject: str = ""
    body: str = ""
    errors: dict | None = None
    addressee: str = ""


def preview_render(
    *,
    subject: str,
    body: str,
    case: Case | None = None,
    addressee: AddresseeData | None = None,
    sent_on: date | None = None,
    language: str | None = None,
) -> Preview:
    """Render ``subject`` and ``body`` for the editor's preview: over ``case`` and
    ``addressee`` (the first one chosen; sample values for the addressee's fields when none
    is), or over the sample values of ``letters.placeholders.FIELDS`` without a case.
    ``language``: the template's (the court's name), by default the procedure's."""
    errors = text_errors(subject=subject, body=body)
    if errors:
        return Preview(errors=errors)
    context = sample_context()
    name = ""
    if case is not None:
        context.update(
            letter_context(case=case, sent_on=sent_on or timezone.localdate(), language=language)
        )
        if addressee is not None:
            context.update(addressee_context(addressee, claim_amounts(case)))
            name = addressee.name
    return Preview(
        subject=" ".join(render_source(subject, context).split()),
        body=render_source(body.replace("\r\n", "\n"), context).strip(),
        addressee=name,
    )


def letter_render(
    *,
    case: Case,
    subject: str,
    body: str,
    addressees: list[AddresseeData],
    sent_on: date,
    language: str | None = None,
) -> list[RenderedCopy]:
    """Render the composed text for each addressee (fields over strings only).
    Raises ValidationError keyed ``subject`` / ``body`` listing every problem of the text."""
    errors = text_errors(subject=subject, body=body)
    if errors:
        raise ValidationError(errors)
    common = letter_context(case=case, sent_on=sent_on, language=language)
    amounts = claim_amounts(case)
    copies = []
    for addressee in addressees:
        context = {**common, **addressee_context(addressee, amounts)}
        copies.append(
            RenderedCopy(
                addressee=addressee,
                subject=" ".join(render_source(subject, context).split()),
                body=render_source(body.replace("\r\n", "\n"), context).strip(),
            )
        )
    return copies
