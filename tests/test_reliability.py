"""Reliability bugs of issue #13: editing a case edits its applicants in place (the claims'
debtor links survive), saving a case without touching its applicants is accepted, and a letter
template nested too deep is refused with a message instead of an HTTP 500."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.services import ApplicantData, CaseData, case_update
from claims.models import Claim
from claims.services import ClaimData, ContactData, claim_create, creditor_create
from letters.models import LetterTemplate
from letters.services import TemplateData, letter_template_create

from .factories import make_case

NN_1 = "85.07.30-033.28"
NN_2 = "90.02.01-997.04"


@pytest.fixture
def couple(world):
    """A couple's case: 11 claims, each owed by both applicants."""
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2023-0005",
        applicants=[
            ApplicantData(last_name="Dubois", first_name="Marie", national_number=NN_1),
            ApplicantData(last_name="Martin", first_name="Paul", national_number=NN_2),
        ],
    )
    both = list(case.applicants.all())
    creditor = creditor_create(organisation=world.org, data=ContactData(name="Banque"))
    for n in range(11):
        claim_create(
            case=case,
            data=ClaimData(
                creditor=creditor,
                principal=Decimal("100.00") + n,
                declared_on=date(2022, 7, 1),
                debtors=both,
            ),
        )
    return case


def debtor_links(case) -> int:
    return Claim.debtors.through.objects.filter(claim__case=case).count()


def edit_page_data(client, case) -> dict[str, str]:
    """What the edit page posts back when the user changes nothing."""
    response = client.get(reverse("cases:edit", args=[case.pk]))
    assert response.status_code == 200
    context = response.context
    data: dict[str, str] = {}
    forms = [context["form"], context["formset"].management_form, *context["formset"].forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False or value == "":
                continue
            shown = field.field.widget.format_value(value)
            data[field.html_name] = str(shown[0] if isinstance(shown, list) else shown)
    return data


def test_changing_a_phone_number_keeps_the_claims_debtor_links(client, world, couple):
    assert debtor_links(couple) == 22
    pks = sorted(couple.applicants.values_list("pk", flat=True))
    client.force_login(world.mediator)
    data = edit_page_data(client, couple)
    data["applicants-1-phone"] = "+32 81 22 33 44"
    response = client.post(reverse("cases:edit", args=[couple.pk]), data)
    assert response.status_code == 302, response.context["formset"].errors
    assert debtor_links(couple) == 22
    assert sorted(couple.applicants.values_list("pk", flat=True)) == pks
    assert couple.applicants.get(position=2).phone == "+32 81 22 33 44"


def test_saving_a_case_without_touching_the_applicants_is_accepted(client, world, couple):
    client.force_login(world.mediator)
    data = edit_page_data(client, couple)
    data["notes"] = "Rien d'autre ne change."
    response = client.post(reverse("cases:edit", args=[couple.pk]), data)
    assert response.status_code == 302, response.context["formset"].errors
    couple.refresh_from_db()
    assert couple.notes == "Rien d'autre ne change."
    assert couple.applicants.count() == 2 and debtor_links(couple) == 22


def test_removing_the_first_applicant_keeps_the_second_and_its_links(world, couple):
    first, second = couple.applicants.order_by("position")
    case_update(
        case=couple,
        data=case_data(couple),
        applicants=[ApplicantData(last_name="Martin", first_name="Paul", pk=second.pk)],
        updated_by=world.mediator,
    )
    (kept,) = couple.applicants.all()
    assert (kept.pk, kept.position) == (second.pk, 1)
    assert debtor_links(couple) == 11


def test_the_service_without_ids_edits_by_position(world, couple):
    """The bundle importer and other callers that give no ids edit the rows in place too."""
    pks = list(couple.applicants.order_by("position").values_list("pk", flat=True))
    case_update(
        case=couple,
        data=case_data(couple),
        applicants=[
            ApplicantData(last_name="Dubois", first_name="Marie", national_number=NN_1),
            ApplicantData(last_name="Martin", first_name="Paul", phone="0470 12 34 56"),
        ],
        updated_by=world.mediator,
    )
    assert list(couple.applicants.order_by("position").values_list("pk", flat=True)) == pks
    assert debtor_links(couple) == 22


def test_an_applicant_of_another_case_is_refused(world, couple):
    stranger = world.other_case.applicants.get()
    with pytest.raises(ValidationError) as error:
        case_update(
            case=couple,
            data=case_data(couple),
            applicants=[ApplicantData(last_name="X", first_name="Y", pk=stranger.pk)],
            updated_by=world.mediator,
        )
    assert "applicants" in error.value.message_dict
    stranger.refresh_from_db()
    assert stranger.case == world.other_case and debtor_links(couple) == 22


def case_data(case) -> CaseData:
    return CaseData(
        reference=case.reference,
        division=case.division,
        admissibility_date=case.admissibility_date,
    )


DEEP = "<<[reference] " * 2000 + "x" + ">>" * 2000


def test_a_template_nested_too_deep_is_refused_with_a_message(client, world):
    """Optional passages do not nest (issue 16: no template code); thousands of them nested
    are one clear message per line, not a RecursionError."""
    with pytest.raises(ValidationError) as error:
        letter_template_create(
            organisation=world.org,
            data=TemplateData(kind="other", name="Profond", subject="Objet", body=DEEP),
            by=world.administrator,
        )
    assert "ne peut en contenir un autre" in error.value.message_dict["body"][0]
    client.force_login(world.administrator)
    response = client.post(
        reverse("letters:template_create"),
        {"kind": "other", "name": "Profond", "subject": "Objet", "body": DEEP},
    )
    assert response.status_code == 200
    assert "ne peut en contenir un autre" in response.content.decode()
    assert not LetterTemplate.objects.filter(name="Profond").exists()
    # passages one after the other stay allowed
    flat = "<<[reference] x>>" * 5
    assert letter_template_create(
        organisation=world.org,
        data=TemplateData(kind="other", name="Court", subject="Objet", body=flat),
        by=world.administrator,
    ).pk
