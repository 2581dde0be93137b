"""A plan sent, approved and filed for many creditors (issue 15: 50 creditors took about
190 s): the queries of ``plan_send``, ``plan_approve`` and ``plan_file`` do not grow with the
number of creditors, and every creditor still gets its own cover letter, the plan behind it,
and the service billed once for the circular letter."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from claims.models import Claim, ClaimStatus, Creditor
from core.pdf import forget_inserts, html_to_pdf, render_pdf_parts, write_pdf
from fees.models import Service
from plans import pdf, selectors, services
from plans.services import PlanData

from .factories import make_case
from .pdf import drawn

pytestmark = pytest.mark.django_db

D = Decimal
TODAY = date(2023, 3, 1)


def plan_for(world, months: int = 24):
    """An amicable plan of the case's claims: ``months`` from 01/09/2022, 900,00 € a month."""
    return services.plan_create(
        case=world.case,
        data=PlanData(
            kind="amicable",
            start_date=date(2022, 9, 1),
            duration_months=months,
            monthly_available=D("900.00"),
        ),
        by=world.mediator,
    )


def mailed(world, version, ids, *, copy_to_applicants: bool):
    """The plan's view and the addressees of a mailing to the creditors ``ids``."""
    view = selectors.compute(version)
    addressees, _errors = selectors.mailing_addressees(
        case=world.case, creditor_ids=ids, copy_to_applicants=copy_to_applicants
    )
    return view, addressees


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
    forget_inserts()  # the annex of an identical plan of another test would not be laid out
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
    # A letter fits one page (templates/plans/pdf_cover.html); an address of many lines (the
    # window grows with it) makes one letter run to a second page, whose footer is checked.
    Creditor.objects.filter(pk=ids[2]).update(
        address="\n".join(f"Service {n}, bureau {n}" for n in range(30)) + "\n5000 Namur"
    )
    version = plan_for(world)
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
    reader = PdfReader(io.BytesIO(mailing.pdf.read()))
    texts = [page.extract_text() for page in reader.pages]
    plan_pages = [text for text in texts if "plan, version 1" in text]
    landscape = [page for page in reader.pages if page.mediabox.width > page.mediabox.height]
    cover_pages = [text for text in texts if "plan, version 1" not in text]
    copies = mailing.addressee_count
    assert copies == 6
    assert len(plan_pages) % copies == 0
    assert len(cover_pages) > copies  # the letter of the long address runs to a second page
    for text in cover_pages:  # a second page has no letterhead: the name is the footer's
        assert "CPAS de Namur" in text, text
    second_pages = [text for text in cover_pages if "Concerne" not in text]
    assert second_pages
    for text in second_pages:  # the signature never stands alone: the closing goes with it
        assert "salutations distinguées" in " ".join(text.replace("\u2010\n", "").split())
    # each cover page once, the plan once (its copies share its pages); the annex's pages
    # twice: with their content, in a document of their own, and empty in the plan's (for
    # its running footer and page numbers: plans.pdf.render_plan_pdf)
    annex_pages = len(landscape) // copies
    assert annex_pages >= 1
    assert len(laid_out) == len(cover_pages) + len(plan_pages) // copies + annex_pages


def texts_of(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def outline_of(content: bytes) -> list[tuple[str, int]]:
    reader = PdfReader(io.BytesIO(content))
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item)))

    walk(reader.outline)
    return found


def orientations(content: bytes) -> list[bool]:
    return [p.mediabox.width > p.mediabox.height for p in PdfReader(io.BytesIO(content)).pages]


@pytest.mark.parametrize("mode", ["proposal", "court"])
def test_the_plan_with_its_annex_laid_out_apart_reads_as_laid_out_in_one(world, mode):
    """The annex (the detailed schedule) is laid out and written in a document of its own and
    set into the plan's empty annex pages (issue 15): the PDF reads page for page as the plan
    laid out in one document, its landscape pages where they were, every page numbered in one
    sequence ("Page k / n") under the plan's running footer, the annex's pages too, and its
    outline lists the annex's tables on their pages."""
    forget_inserts()
    ids = creditors(world, world.case, 12, "Banque")  # two annex tables: 8 and 4 creditors
    assert len(ids) == 12
    version = plan_for(world, months=48)
    view = selectors.compute(version)
    in_one = html_to_pdf(pdf.plan_html(view, on=TODAY, mode=mode))
    apart = pdf.render_plan_pdf(view, on=TODAY, mode=mode)
    expected, got = texts_of(in_one), texts_of(apart)
    assert got == expected
    assert orientations(apart) == orientations(in_one)
    assert outline_of(apart) == outline_of(in_one)
    assert sum("Annexe" in title for title, _page in outline_of(apart)) == 2
    landscape = orientations(apart).count(True)
    assert landscape >= 3, landscape  # two tables, the first over more than one page
    n = len(got)
    for k, text in enumerate(got, 1):
        assert f"Page {k} / {n}" in text, (k, text[-200:])
        assert "plan, version 1" in text
    joined = " ".join(got)
    assert "Annexe — Échéancier détaillé des dividendes par versement (2/2)" in joined
    # the court version has its caption and signature, the proposal its letterhead
    assert ("Le médiateur de dettes," in joined) == (mode == "court")


def test_the_annex_is_laid_out_once_for_the_proposal_and_the_court_version(world, monkeypatch):
    """Sent, approved, filed: the annex, the same in the proposal and in the filed version, is
    laid out once (core.pdf.render_insert); the filed version still has it, numbered in its
    own sequence."""
    import core.pdf

    forget_inserts()
    laid_out = []
    render_pdf = core.pdf.render_pdf

    def spying(html, **kwargs):
        laid_out.append(html)
        return render_pdf(html, **kwargs)

    monkeypatch.setattr(core.pdf, "render_pdf", spying)
    counts = send_approve_file(world, world.case, creditors(world, world.case, 5, "Banque"))
    annexes = [html for html in laid_out if "Échéancier détaillé des dividendes" in html]
    assert len(annexes) == 1
    version = counts["mailing"].version
    version.refresh_from_db()
    filed = texts_of(version.filed_document.file.read())
    n = len(filed)
    assert "Échéancier détaillé des dividendes" in " ".join(filed)
    assert all(f"Page {k} / {n}" in text for k, text in enumerate(filed, 1))
    assert "homologué par le tribunal le 20/08/2022" in " ".join(filed)


def test_the_collector_stays_paused_through_the_whole_proposal_and_court_version(
    world, monkeypatch
):
    """Issue 15: the garbage collector is off from the plan's first layout to the joined
    copies (between two layouts of one proposal it would go over every box still alive and
    find nothing to free: about a tenth of the mailing's time), and on again after."""
    import gc

    seen = []

    def watching(name):
        original = getattr(pdf, name)

        def call(*args, **kwargs):
            seen.append((name, gc.isenabled()))
            return original(*args, **kwargs)

        monkeypatch.setattr(pdf, name, call)

    for name in ("render_insert", "render_pdf", "write_with_insert", "render_pdf_parts"):
        watching(name)
    watching("copies_pdf")
    forget_inserts()
    ids = creditors(world, world.case, 3, "Banque")
    version = plan_for(world)
    view, addressees = mailed(world, version, ids, copy_to_applicants=False)
    assert gc.isenabled()
    content = pdf.render_proposal_pdf(view, addressees=addressees, sent_on=TODAY, registered=False)
    assert gc.isenabled()
    assert [name for name, _on in seen] == [
        "render_insert",
        "render_pdf",
        "write_with_insert",
        "render_pdf_parts",
        "copies_pdf",
    ]
    assert not any(on for _name, on in seen)
    seen.clear()
    pdf.render_court_pdf(view, on=TODAY)
    assert gc.isenabled()
    assert seen and not any(on for _name, on in seen)
    assert len(PdfReader(io.BytesIO(content)).pages) % len(addressees) == 0


def test_the_copies_anchors_on_an_empty_block_change_nothing_drawn(world):
    """Issue 15: each copy's anchor is an empty block opening it (``plans.pdf._one_document``),
    not the copy itself, so that WeasyPrint shares the copies' computed styles: the letters
    are drawn exactly as with the id on the copy, cut into the same copies."""
    ids = creditors(world, world.case, 4, "Banque")
    Creditor.objects.filter(pk=ids[1]).update(  # a letter of two pages
        address="\n".join(f"Service {n}, bureau {n}" for n in range(30)) + "\n5000 Namur"
    )
    version = plan_for(world)
    view, addressees = mailed(world, version, ids, copy_to_applicants=True)
    shared = pdf.cover_context(view, sent_on=TODAY)
    covers = [
        pdf.cover_html(view, addressee=a, sent_on=TODAY, registered=False, shared=shared)
        for a in addressees
    ]
    html = pdf._one_document(covers)
    on_the_copy = re.sub(
        r'<div class="copy"><div id="(copy-\d+)"></div>', r'<div class="copy" id="\1">', html
    )
    assert on_the_copy != html and 'id="copy-0"' in on_the_copy
    anchors = [f"copy-{n}" for n in range(len(covers))]
    document, parts = render_pdf_parts(html, anchors)
    before, parts_before = render_pdf_parts(on_the_copy, anchors)
    assert [len(part) for part in parts] == [len(part) for part in parts_before]
    assert len(document.pages) > len(covers)  # the long address's letter runs to two pages
    assert drawn(write_pdf(document)) == drawn(write_pdf(before))
