"""The validate-only entry points of the services (``*_validate``): the same checks as the
write next to them, a ``ValidationError`` keyed by the data's fields, and no write at all.
The bundle importer calls them on its plan before anything exists (``bundles.importer``)."""

from contextlib import contextmanager
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.services import ApplicantData, CaseData, applicant_validate, case_validate

WRITES = ("insert", "update", "delete", "create", "drop", "alter")


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@contextmanager
def refused(*fields: str):
    """The block raises a ``ValidationError`` keyed by exactly ``fields``, and writes nothing
    (no write statement sent to the database, no row more or less)."""
    before = row_counts()
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as exc:
        yield exc
    written = [q["sql"] for q in queries if q["sql"].lstrip().lower().startswith(WRITES)]
    assert written == []
    assert set(exc.value.message_dict) == set(fields)
    assert row_counts() == before


# --- cases ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_validate_checks_a_new_case_without_writing(world):
    data = CaseData(
        reference=world.case.reference,  # already used in the organisation
        division="namur",
        admissibility_date=date(2024, 3, 1),
        closure_date=date(2024, 2, 1),
        account_iban="BE00 1234",
    )
    with refused("reference", "closure_date", "account_iban", "__all__") as exc:
        case_validate(data=data, organisation=world.org)
    assert "existe déjà" in exc.value.message_dict["reference"][0]
    # another organisation, or one not created yet: the reference is free
    data.closure_date, data.account_iban = None, ""
    case_validate(data=data, organisation=world.other_org)
    case_validate(data=data)


@pytest.mark.django_db
def test_case_validate_checks_an_edit_and_its_applicants(world):
    data = CaseData(
        reference=world.case.reference, division="namur", admissibility_date=date(2022, 6, 15)
    )
    case_validate(data=data, case=world.case, applicants=[ApplicantData("Dubois", "Marie")])
    with refused("applicants"):
        case_validate(data=data, case=world.case, applicants=[])
    world.case.refresh_from_db()
    assert world.case.reference == data.reference


@pytest.mark.django_db
def test_applicant_validate_keys_each_rule_by_the_applicant_field():
    first = ApplicantData(last_name="Dufour", first_name="Marc", national_number="85073003328")
    applicant_validate(data=first)
    with refused("national_number", "birth_date", "last_name", "email") as exc:
        applicant_validate(
            data=ApplicantData(
                last_name=" ",
                first_name="Julie",
                national_number="85.07.30-033.28",  # the first applicant's
                birth_date=date(1985, 7, 31),
                email="julie@",
            ),
            others=[first],
        )
    assert "même numéro" in exc.value.message_dict["national_number"][0]
    assert "30/07/1985" in exc.value.message_dict["birth_date"][0]
    with refused("national_number"):
        applicant_validate(data=ApplicantData("Dufour", "Marc", national_number="85073003329"))
