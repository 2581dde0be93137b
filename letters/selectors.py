"""Read selectors for letters. Scoping: a case comes from ``cases.selectors.case_get_for_user``
(another organisation's case is a 404); letters are looked up inside that case; templates inside
the user's organisation."""

import logging

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import Organisation, User
from cases.models import Case
from claims.models import Claim, Creditor, Representation

from .defaults import default_templates
from .models import Letter, LetterAddressee, LetterTemplate
from .placeholders import AddresseeData

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
    builtin = default_templates(LetterTemplate, organisation.pk)
    return sorted(builtin, key=lambda template: (template.kind, template.name))


def template_key(template: LetterTemplate) -> str:
    """How the compose page designates a template: its pk, or the kind of a built-in one."""
    return str(template.pk) if template.pk is not None else template.kind


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
