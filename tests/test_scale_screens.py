"""Issue 15 and 16: the main screens scale (their query count does not grow with the rows) and
the clerk's and the supervisor's screens filter, sort, link and export what they show."""

from datetime import UTC, date, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.services import ApplicantData
from documents.models import Document
from documents.services import generated_pdf_file
from fees.models import FeeStatement
from fees.services.statements import statement_document_title

from .factories import make_case
from .pdf import MINIMAL_PDF


def count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries), response


# --- the clerk's list ------------------------------------------------------------------------


def filed(case, *, kind="annual_report", on=date(2026, 3, 1), title="Rapport", **fields):
    return Document.objects.create(
        case=case,
        kind=kind,
        title=title,
        file="cases/x.pdf",
        uploaded_by=case.mediator,
        filed_at=datetime(on.year, on.month, on.day, 10, tzinfo=UTC),
        filed_by=case.mediator,
        filed_division=case.division,
        **fields,
    )


def more_cases(world, n: int, start: int = 100) -> list:
    return [
        make_case(
            organisation=world.org,
            mediator=world.mediator,
            reference=f"NAM-2023-{start + i:04d}",
            role_number=f"23/{start + i}/B",
            applicants=[ApplicantData(last_name=f"Nom{start + i}", first_name="Jean")],
        )
        for i in range(n)
    ]


def test_clerk_list_query_count_is_constant(client, world):
    client.force_login(world.clerk)
    url = reverse("documents:clerk_list")
    filed(world.case)
    small, _ = count_queries(client, url)
    for case in more_cases(world, 6):
        for month in range(1, 10):
            filed(case, kind="taxation_statement", on=date(2026, month, 2))
    large, response = count_queries(client, url)
    assert large == small
    page = response.context["page"]
    assert page.paginator.count == 55 and len(page.object_list) == 50
    last, response = count_queries(client, url + "?page=2")
    assert last == small and len(response.context["page"].object_list) == 5


def test_clerk_filters_sort_and_search_by_role_number(client, world):
    client.force_login(world.clerk)
    world.case.role_number = "22/2610/B"
    world.case.save(update_fields=["role_number"])
    statement = filed(
        world.case,
        kind="taxation_statement",
        on=date(2026, 1, 10),
        period_start=date(2025, 12, 17),
        period_end=date(2026, 12, 3),
    )
    taxed = filed(
        world.case, kind="taxation_statement", on=date(2026, 2, 10), taxed_on=date(2026, 3, 1)
    )
    (other,) = more_cases(world, 1)
    report = filed(other, kind="annual_report", on=date(2026, 5, 5))
    plan = filed(other, kind="plan", on=date(2025, 11, 5))
    filed(world.other_case, kind="plan", on=date(2026, 1, 1))  # liege: never shown
    url = reverse("documents:clerk_list")

    def shown(query: str) -> list:
        response = client.get(url + query)
        assert response.status_code == 200
        return list(response.context["page"].object_list)

    assert shown("") == [report, taxed, statement, plan]  # newest filed first
    assert shown("?sort=date") == [plan, statement, taxed, report]
    assert shown("?kind=plan") == [plan]
    assert shown("?taxation=taxed") == [taxed]
    assert shown("?taxation=awaiting") == [statement]
    assert shown("?case=22%2F2610") == [taxed, statement]
    assert shown("?case=23/100/B") == [report, plan]
    assert shown("?filed_from=01/01/2026&filed_to=10/02/2026") == [taxed, statement]
    assert shown("?sort=kind") == [report, plan, taxed, statement]
    assert [d.case_id for d in shown("?sort=case")] == [world.case.pk] * 2 + [other.pk] * 2
    # a period that ends before it starts is refused next to the field, the list unfiltered
    response = client.get(url + "?filed_from=10/02/2026&filed_to=01/01/2026")
    assert "précède son début" in response.content.decode()
    html = client.get(url).content.decode()
    assert "en attente de taxation" in html and "taxé le 01/03/2026" in html
    assert "période du 17/12/2025 au 03/12/2026" in html


def test_download_name_and_title_of_a_filed_statement(client, world):
    world.case.role_number = "22/2610/B"
    world.case.save(update_fields=["role_number"])
    document = generated_pdf_file(
        case=world.case,
        kind="taxation_statement",
        title="État",
        filename="x.pdf",
        content=MINIMAL_PDF,
        by=world.mediator,
        period_start=date(2025, 12, 17),
        period_end=date(2026, 12, 3),
    )
    assert document.download_name == "RG-22-2610-B_etat-de-frais_2025-12-17_2026-12-03.pdf"
    client.force_login(world.clerk)
    response = client.get(reverse("documents:clerk_download", args=[document.pk]))
    assert response.status_code == 200
    assert (
        'filename="RG-22-2610-B_etat-de-frais_2025-12-17_2026-12-03.pdf"'
        in response["Content-Disposition"]
    )
    client.force_login(world.other_clerk)  # another division: not even its existence
    assert client.get(reverse("documents:clerk_download", args=[document.pk])).status_code == 404
    assert document not in client.get(reverse("documents:clerk_list")).context["page"].object_list


def test_download_name_without_role_number_or_period(world):
    document = filed(world.case, kind="plan", on=date(2026, 4, 2))
    document.case.reference = "NAM 2022/0042 é"
    assert document.download_name == "NAM-2022-0042-e_plan-de-reglement_2026-04-02.pdf"


def test_a_fee_statement_is_titled_as_a_fee_statement_whatever_its_occasion():
    statement = FeeStatement(
        period_from=date(2025, 12, 17), period_to=date(2026, 12, 4), occasion="annual_report"
    )
    title = statement_document_title(statement)
    assert title.startswith("État de frais et honoraires du 17/12/2025 au 03/12/2026")
    assert "Rapport annuel" in title and not title.startswith("Rapport")
