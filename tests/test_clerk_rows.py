"""The clerk's rows written in Python (``{% clerk_rows %}``, documents/templatetags/documents_ui.py,
issue 15) are the markup the row template wrote, every branch and both languages, user text
escaped. The reference below is the template's row as it was."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases.services import ApplicantData
from documents.models import Document
from documents.selectors import ClerkFilters, clerk_documents, clerk_listed, clerk_page_rows
from fees.services.statements import STATEMENT_TITLE

from .factories import make_case

ROW_TEMPLATE = (Path(__file__).parent / "data" / "clerk_row_reference.html").read_text()

EVIL = "<script>\"x\" & 'y'</script>"


def normal(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


def filed(case, kind: str, title: str, at: datetime, **fields) -> Document:
    return Document.objects.create(
        case=case,
        kind=kind,
        title=title,
        file="cases/x.pdf",
        uploaded_by=case.mediator,
        filed_at=at,
        filed_by=case.mediator,
        filed_division=case.division,
        **fields,
    )


@pytest.fixture
def documents(world):
    world.mediator.first_name, world.mediator.last_name = "Anne<i>", "Dupont & fils"
    world.mediator.save()
    two = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-" + EVIL,
        role_number="",
        applicants=[
            ApplicantData(last_name=EVIL, first_name="Jean"),
            ApplicantData(last_name="Martin", first_name="Zoé"),
        ],
    )
    world.case.role_number = "22/2610/B"
    world.case.save()
    with translation.override("nl"):  # a title written in Dutch from a known message
        dutch = translation.gettext(STATEMENT_TITLE) % {
            "start": "01/01/2025",
            "end": "31/12/2025",
            "occasion": translation.gettext("Rapport annuel"),
        }
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 2 March in Brussels
    filed(world.case, "annual_report", EVIL, late, period_start=date(2025, 1, 1))
    filed(
        world.case,
        "annual_report",
        "Rapport annuel",
        datetime(2026, 2, 1, 9, tzinfo=UTC),
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    filed(two, "taxation_statement", dutch, datetime(2026, 1, 5, 9, tzinfo=UTC))
    filed(
        two,
        "taxation_statement",
        dutch,
        datetime(2026, 1, 4, 9, tzinfo=UTC),
        taxed_on=date(2026, 2, 3),
    )
    filed(two, "plan", "Plan de règlement", datetime(2026, 1, 3, 9, tzinfo=UTC))
    return list(clerk_documents(world.clerk, ClerkFilters()))


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("rows", ["models", "tuples"])
def test_clerk_rows_are_the_template_s_markup(world, documents, language, rows):
    assert len(documents) == 5
    context = {"documents": documents}
    ours_documents = documents
    if rows == "tuples":  # as the page reads them: columns as tuples, the names in one query
        with CaptureQueriesContext(connection) as captured:
            listed = clerk_listed(clerk_documents(world.clerk, ClerkFilters()))
            ours_documents = clerk_page_rows(listed)
        assert len(captured) == 3  # the divisions, the documents, the applicants' names
        assert [d.pk for d in ours_documents] == [d.pk for d in documents]
    with translation.override(language):
        theirs = Template(ROW_TEMPLATE).render(Context(context))
        ours = Template("{% load documents_ui %}{% clerk_rows documents %}").render(
            Context({"documents": ours_documents})
        )
    assert normal(ours) == normal(theirs)
    assert "<script>" not in ours and "&lt;script&gt;" in ours
    # every branch is there: a period, both taxation badges, a title read back, no R.G. number
    expected = {
        "fr": [
            "période du 01/01/2025",
            "taxé le 03/02/2026",
            "en attente de taxation",
            "État de frais et honoraires du 01/01/2025",
            "02/03/2026",
            "—",
        ],
        "nl": ["31/12/2025", "03/02/2026", "01/01/2025", "02/03/2026", "—"],
    }[language]
    for text in expected:
        assert text in ours


def test_clerk_list_shows_the_rows_and_says_when_there_are_none(client, world, documents):
    client.force_login(world.clerk)
    html = client.get(reverse("documents:clerk_list")).content.decode()
    assert html.count("<tr>") == 5 + 1  # the header's row and one a document
    assert "Aucun document déposé" not in html
    html = client.get(reverse("documents:clerk_list") + "?kind=petition").content.decode()
    assert "Aucun document déposé ne correspond à ces critères." in html
