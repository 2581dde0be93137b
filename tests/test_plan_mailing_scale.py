"""A plan sent, approved and filed for many creditors (issue 15: 50 creditors took about
190 s): the queries of ``plan_send``, ``plan_approve`` and ``plan_file`` do not grow with the
number of creditors, and every creditor still gets its own cover letter, the plan behind it,
and the service billed once for the circular letter."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from claims.models import Claim, ClaimStatus, Creditor
from fees.models import Service
from plans import services
from plans.services import PlanData

from .factories import make_case

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2023, 3, 1)


def creditors(world, case, count: int, tag: str) -> list[int]:
    made = Creditor.objects.bulk_create(
        Creditor(organisation=world.org, name=f"{tag} {n:02d}", address=f"Rue {n} 1\n5000 Namur")
        for n in range(count)
    )
    Claim.objects.bulk_create(
        Claim(
            case=case,
            creditor=creditor,
            principal=D("1000.00") + n,
            declared_on=date(2022, 7, 1),
            status=ClaimStatus.ACCEPTED,
            creditor_reference=f"REF-{n}",
        )
        for n, creditor in enumerate(made)
    )
    return [c.pk for c in made]


def queries_of(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured), result


def send_approve_file(world, case, creditor_ids: list[int]) -> dict:
    version = services.plan_create(
        case=case,
        data=PlanData(
            kind="amicable",
            start_date=date(2022, 9, 1),
            duration_months=24,
            monthly_available=D("900.00"),
        ),
        by=world.mediator,
    )
    counts = {}
    counts["send"], mailing = queries_of(
        lambda: services.plan_send(
            version=version,
            creditor_ids=creditor_ids,
            copy_to_applicants=False,
            sent_on=date(2022, 8, 1),
            registered=False,
            postage=None,
            by=world.mediator,
            today=TODAY,
        )
    )
    counts["approve"], version = queries_of(
        lambda: services.plan_approve(
            version=version,
            decision_date=date(2022, 8, 20),
            decision_reference="RG 22/1",
            by=world.mediator,
            today=TODAY,
        )
    )
    counts["file"], version = queries_of(
        lambda: services.plan_file(version=version, by=world.mediator, today=TODAY)
    )
    counts["mailing"] = mailing
    return counts


def test_send_approve_and_file_queries_do_not_grow_with_the_creditors(world):
    other = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2022-0043")
    few = send_approve_file(world, world.case, creditors(world, world.case, 5, "Petit"))
    mailing = few.pop("mailing")
    many = send_approve_file(world, other, creditors(world, other, 20, "Grand"))
    big_mailing = many.pop("mailing")
    assert many == few, (few, many)
    # every creditor still has its copy: its cover letter, then the plan
    assert (mailing.addressee_count, big_mailing.addressee_count) == (5, 20)
    reader = PdfReader(io.BytesIO(big_mailing.pdf.read()))
    assert len(reader.pages) % 20 == 0
    per_copy = len(reader.pages) // 20
    for n in range(20):  # each copy opens on its own creditor's letter (by name)
        text = reader.pages[n * per_copy].extract_text()
        assert f"Grand {n:02d}" in text and f"REF-{n}" in text
    service = Service.objects.get(case=other)  # one circular letter, billed once
    assert (service.kind, service.quantity) == ("circular_letter", 20)


def test_each_cover_page_is_laid_out_once_and_keeps_the_organisation_footer(world, monkeypatch):
    """The cover letters of one mailing are laid out together with one running footer (the
    organisation's line): no page is laid out twice (one footer per copy made WeasyPrint lay
    out again every page where a new copy's footer appeared), and every page of every cover
    letter, its second page too, still carries that footer."""
    import weasyprint.layout.page

    laid_out = []
    make_page = weasyprint.layout.page.make_page

    def counting(*args, **kwargs):
        laid_out.append(1)
        return make_page(*args, **kwargs)

    monkeypatch.setattr(weasyprint.layout.page, "make_page", counting)
    ids = creditors(world, world.case, 6, "Banque")
    version = services.plan_create(
        case=world.case,
        data=PlanData(
            kind="amicable",
            start_date=date(2022, 9, 1),
            duration_months=24,
            monthly_available=D("900.00"),
        ),
        by=world.mediator,
    )
    mailing = services.plan_send(
        version=version,
        creditor_ids=ids,
        copy_to_applicants=False,
        sent_on=date(2022, 8, 1),
        registered=False,
        postage=None,
        by=world.mediator,
        today=TODAY,
    )
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(mailing.pdf.read())).pages]
    plan_pages = [text for text in texts if "plan, version 1" in text]
    cover_pages = [text for text in texts if "plan, version 1" not in text]
    copies = mailing.addressee_count
    assert copies == 6
    assert len(plan_pages) % copies == 0
    assert len(cover_pages) > copies  # some letters run to a second page
    for text in cover_pages:  # a second page has no letterhead: the name is the footer's
        assert "CPAS de Namur" in text, text
    second_pages = [text for text in cover_pages if "Concerne" not in text]
    assert second_pages
    for text in second_pages:  # the signature never stands alone: the closing goes with it
        assert "salutations distinguées" in " ".join(text.replace("\u2010\n", "").split())
    # each cover page once, the plan once (its copies share its pages)
    assert len(laid_out) == len(cover_pages) + len(plan_pages) // copies
