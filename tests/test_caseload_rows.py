"""The caseload's rows written in Python (``{% case_rows %}``, cases/templatetags/caseload.py,
issue 15) are the markup the row template wrote, in both languages, user text escaped; they
read the listed columns only and the applicants of the page in one query. The reference below
is the template's rows as they were (``tests/data/case_row_reference.html``)."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.selectors import (
    CaseFilters,
    attach_listed_applicants,
    caseload_list,
    caseload_listed,
)
from cases.services import ApplicantData
from cases.status import CaseStatus

from .factories import make_case

ROW_TEMPLATE = (Path(__file__).parent / "data" / "case_row_reference.html").read_text()

EVIL = "<script>\"x\" & 'y'</script>"


def normal(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


@pytest.fixture
def cases(world):
    world.mediator.first_name, world.mediator.last_name = "Anne<i>", "Dupont & fils"
    world.mediator.save()
    world.case.role_number = "22/2610/B"
    world.case.save()
    make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference="NAM-" + EVIL,
        role_number=EVIL,
        division="liege",
        admissibility_date=date(2023, 2, 28),
        applicants=[
            ApplicantData(last_name=EVIL, first_name="Jean"),
            ApplicantData(last_name="Martin", first_name="Zoé"),
        ],
    )
    third = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2020-0001",
        admissibility_date=date(2020, 1, 6),
        applicants=[ApplicantData(last_name="van der Berg", first_name="Lies")],
    )
    third.status = CaseStatus.JUDICIAL_PLAN
    third.save()
    return world


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("sort", ["-admissibility", "applicant"])
def test_case_rows_are_the_template_s_markup(cases, language, sort):
    filters = CaseFilters(sort=sort)
    theirs_cases = list(caseload_list(cases.supervisor, filters))
    ours_cases = attach_listed_applicants(list(caseload_listed(cases.supervisor, filters)))
    assert [c.pk for c in ours_cases] == [c.pk for c in theirs_cases]
    assert len(ours_cases) == 3
    with translation.override(language):
        theirs = Template(ROW_TEMPLATE).render(Context({"page": theirs_cases}))
        ours = Template("{% load caseload %}{% case_rows cases %}").render(
            Context({"cases": ours_cases})
        )
    assert normal(ours) == normal(theirs)
    assert "<script>" not in ours and "&lt;script&gt;" in ours
    assert "<br>" in ours  # a second applicant, a role number: both branches are there


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_no_case_is_the_template_s_empty_row(language):
    with translation.override(language):
        theirs = Template(ROW_TEMPLATE).render(Context({"page": []}))
        ours = Template("{% load caseload %}{% case_rows cases %}").render(Context({"cases": []}))
    assert normal(ours) == normal(theirs)


def test_rows_read_the_listed_columns_and_the_page_s_applicants_in_one_query(cases):
    with CaptureQueriesContext(connection) as captured:
        listed = attach_listed_applicants(list(caseload_listed(cases.supervisor, CaseFilters())))
        html = Template("{% load caseload %}{% case_rows cases %}").render(
            Context({"cases": listed})
        )
    assert len(captured) == 2, [q["sql"] for q in captured]
    page_sql, applicants_sql = (q["sql"] for q in captured)
    assert "national_number" not in page_sql and "national_number" not in applicants_sql
    assert "password" not in page_sql  # the mediator's name only
    assert "MARTIN Zoé" in html and "VAN DER BERG" in html
