"""A carriage return, a line break or a bidi override in a case reference, a role number or a
name is refused: by the form, by the service (and its validate-only twin), hence by the bundle
importer; nothing is saved."""

import copy
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from bundles.importer import BundleInvalid, bundle_import, load_document
from cases.forms import ApplicantForm, CaseForm
from cases.models import Case
from cases.services import ApplicantData, CaseData, case_update, case_validate
from claims.forms import ContactForm
from claims.models import Creditor
from claims.services import ContactData, creditor_create

from ..factories import make_case
from ..test_bundles import BUNDLES, row_counts

BAD = [
    "NAM-2024\r}@page{}",
    "24/123\nB",
    "R.G.\x0b12",
    "Dupont\u202eexe.pdf",
    "Marie\u2028Dubois",
    "tab\there",
]


def case_data(**fields) -> CaseData:
    values = {"reference": "NAM-2024-0100", "division": "namur"}
    values.update(fields)
    return CaseData(admissibility_date=date(2024, 1, 10), **values)


@pytest.mark.parametrize("bad", BAD)
def test_the_forms_refuse_control_characters(world, bad):
    form = CaseForm(
        {
            "reference": bad,
            "role_number": bad,
            "division": "namur",
            "mediator": world.mediator.pk,
            "admissibility_date": "10/01/2024",
            "household_adults": 1,
            "dependent_children": 0,
        },
        organisation_id=world.org.pk,
    )
    assert not form.is_valid()
    assert "reference" in form.errors and "role_number" in form.errors
    assert "caractère de contrôle" in form.errors["reference"][0]
    applicant = ApplicantForm({"last_name": bad, "first_name": bad})
    assert not applicant.is_valid()
    assert {"last_name", "first_name"} <= set(applicant.errors)
    contact = ContactForm({"name": bad})
    assert not contact.is_valid() and "name" in contact.errors


@pytest.mark.parametrize("bad", BAD)
def test_the_case_services_refuse_control_characters(world, bad):
    before = Case.objects.count()
    with pytest.raises(ValidationError) as error:
        case_validate(data=case_data(reference=bad, role_number=bad), organisation=world.org)
    assert {"reference", "role_number"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        make_case(organisation=world.org, mediator=world.mediator, reference=bad)
    assert "reference" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_case(
            organisation=world.org,
            mediator=world.mediator,
            reference="NAM-2024-0101",
            applicants=[ApplicantData(last_name=bad, first_name="Marie")],
        )
    assert Case.objects.count() == before
    with pytest.raises(ValidationError) as error:
        case_update(
            case=world.case,
            data=case_data(reference=world.case.reference, role_number=bad),
            applicants=[ApplicantData(last_name="Dubois", first_name="Marie")],
            updated_by=world.mediator,
        )
    assert "role_number" in error.value.message_dict
    world.case.refresh_from_db()
    assert world.case.role_number == ""


@pytest.mark.parametrize("bad", BAD[:4])
def test_the_creditor_service_refuses_control_characters(world, bad):
    with pytest.raises(ValidationError) as error:
        creditor_create(organisation=world.org, data=ContactData(name=bad))
    assert "name" in error.value.message_dict
    assert not Creditor.objects.filter(organisation=world.org).exists()


@pytest.mark.django_db
def test_the_bundle_importer_refuses_control_characters_at_their_paths():
    document = load_document((BUNDLES / "minimal-case.json").read_bytes())
    document["case"]["reference"] = "MIN-2024\r0001"
    document["case"]["role_number"] = "24/\n1"
    document["applicants"][0]["first_name"] = "L\u202eéa"
    before = row_counts()
    with pytest.raises(BundleInvalid) as error:
        bundle_import(document=copy.deepcopy(document), organisation_slug="org-cc")
    paths = {problem.path for problem in error.value.problems}
    assert {"$.case.reference", "$.case.role_number", "$.applicants[0].first_name"} <= paths
    assert row_counts() == before
    # the same bundle, cleaned, imports
    document["case"]["reference"] = "MIN-2024-0001"
    document["case"]["role_number"] = "24/1"
    document["applicants"][0]["first_name"] = "Léa"
    case = bundle_import(document=document, organisation_slug="org-cc")
    assert case.reference == "MIN-2024-0001"
