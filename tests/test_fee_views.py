"""The screens of the "Honoraires" tab: compute and preview a statement, save it as a draft,
recompute, file, download its PDF and JSON, record the taxation order, prepare an SPF Economie
request."""

import json
import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fees.models import FeeStatement, Service, StateIntervention, TaxationOrder
from fees.pdf import statement_html
from fees.selectors import taxed_unpaid_amount
from fees.tests.db import creditors_with_claims, income, open_account, post, service
from ledger.models import Category

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    case = world.case
    creditors_with_claims(case, 6, declared_on=date(2022, 7, 1))
    open_account(case)
    income(case, date(2022, 7, 1), "1500.00")
    post(case, date(2022, 9, 1), Category.PAYMENT_ON_BEHALF, "450.00")
    service(case, "hearing", date(2022, 12, 20))
    return case


@pytest.fixture
def mediator(client, world):
    client.force_login(world.mediator)
    return client


PERIOD = {"period_from": "15/06/2022", "period_to": "15/06/2023", "occasion": "annual_report"}


def test_the_form_suggests_the_next_annual_report_period(mediator, case):
    html = mediator.get(reverse("fees:statement_new", args=[case.pk])).content.decode()
    assert 'value="15/06/2022"' in html and 'value="15/06/2023"' in html


def test_preview_shows_every_line_and_saves_nothing(mediator, case):
    response = mediator.get(reverse("fees:statement_new", args=[case.pk]), PERIOD)
    html = response.content.decode()
    assert 'id="statement-preview"' in html
    assert "Art. 2, 3° — Suivi et contrôle" in html
    assert "prorata temporis" in html  # the explanation of the follow-up line
    assert "Avis BS/MB 24.01.2022" in html  # the source of a row used
    assert "Enregistrer comme brouillon" in html
    assert not FeeStatement.objects.exists()


def test_preview_of_a_bad_period_says_why(mediator, case):
    response = mediator.get(
        reverse("fees:statement_new", args=[case.pk]),
        {**PERIOD, "period_to": "15/06/2022"},
    )
    assert "postérieure au début" in response.content.decode()
    assert not FeeStatement.objects.exists()


def test_save_recompute_file_and_download(mediator, case, world):
    response = mediator.post(reverse("fees:statement_new", args=[case.pk]), PERIOD)
    statement = FeeStatement.objects.get()
    detail = reverse("fees:statement_detail", args=[case.pk, statement.pk])
    assert response["Location"] == detail
    html = mediator.get(detail).content.decode()
    assert "Brouillon" in html and "Déposer au greffe" in html
    # the draft's PDF is printed as a draft
    draft_pdf = mediator.get(reverse("fees:statement_pdf", args=[case.pk, statement.pk]))
    assert draft_pdf["Content-Type"] == "application/pdf"
    assert draft_pdf.content.startswith(b"%PDF-")
    # a new service: recompute, then file
    service(case, "letter", date(2023, 2, 1))
    mediator.post(reverse("fees:statement_file", args=[case.pk, statement.pk]))
    statement.refresh_from_db()
    assert statement.state == "draft"  # refused: the facts changed
    mediator.post(reverse("fees:statement_recompute", args=[case.pk, statement.pk]))
    mediator.post(reverse("fees:statement_file", args=[case.pk, statement.pk]))
    statement.refresh_from_db()
    assert statement.state == "filed"
    assert Service.objects.filter(taxed=True).count() == 2
    pdf = mediator.get(reverse("fees:statement_pdf", args=[case.pk, statement.pk]))
    assert b"".join(pdf.streaming_content) == statement.document.file.open("rb").read()
    document = json.loads(
        mediator.get(reverse("fees:statement_json", args=[case.pk, statement.pk])).content
    )
    assert document == statement.snapshot and document["format"] == "rcd-taxation/1"
    tab = mediator.get(reverse("fees:case_services", args=[case.pk])).content.decode()
    assert statement.period_label in tab and "Déposé" in tab


def test_taxation_order_with_a_line_reduction(mediator, case, world):
    mediator.post(reverse("fees:statement_new", args=[case.pk]), PERIOD)
    statement = FeeStatement.objects.get()
    mediator.post(reverse("fees:statement_file", args=[case.pk, statement.pk]))
    hearing = statement.lines.get(article="3")
    url = reverse("fees:taxation_order_add", args=[case.pk, statement.pk])
    assert mediator.get(url).status_code == 200
    today = timezone.localdate().strftime("%d/%m/%Y")
    too_much = mediator.post(
        url,
        {"order_date": today, "allowed_amount": "9999,00", f"line_{hearing.pk}": "50,00"},
    )
    assert too_much.status_code == 200 and not TaxationOrder.objects.exists()
    assert "ne peut dépasser" in too_much.content.decode()
    done = mediator.post(
        url,
        {
            "order_date": today,
            "allowed_amount": "250,00",
            f"line_{hearing.pk}": "50,00",
            "judge_note": "Vacation réduite.",
        },
    )
    assert done.status_code == 302
    order = TaxationOrder.objects.get()
    assert order.allowed_amount == D("250.00") and order.lines.get().allowed_amount == D("50.00")
    assert taxed_unpaid_amount(case) == D("250.00")
    html = mediator.get(reverse("fees:statement_detail", args=[case.pk, statement.pk]))
    assert "Vacation réduite." in html.content.decode()


def test_intervention_request_from_the_tab(mediator, case, world):
    mediator.post(reverse("fees:statement_new", args=[case.pk]), PERIOD)
    statement = FeeStatement.objects.get()
    mediator.post(reverse("fees:statement_file", args=[case.pk, statement.pk]))
    statement.refresh_from_db()
    TaxationOrder.objects.create(
        statement=statement,
        order_date=timezone.localdate(),
        allowed_amount=statement.total,
        recorded_by=world.mediator,
    )
    post(case, date(2023, 7, 1), Category.FEE_PAYMENT, "300.00")
    url = reverse("fees:intervention_add", args=[case.pk])
    page = mediator.get(url).content.decode()
    assert "1.200,00" in page  # the cap and its source are shown
    response = mediator.post(
        url,
        {
            "prepared_on": "01/08/2023",
            "remission_type": "none",
            "reason": "living_allowance",
            "explanation": "Le solde restant est destiné au pécule de médiation.",
            "amount_requested": "10,00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StateIntervention.objects.get().amount_requested == D("10.00")


def test_dutch_statement_heading_has_no_french_period(mediator, case):
    """Issue #16: the statement's heading in Dutch reads "Staat van kosten en erelonen van
    15/06/2022 tot 14/06/2023", not "… du … au …"; the filed PDF stays French as a whole
    (``fees.pdf`` renders the legal document in French), never half and half."""
    mediator.post(reverse("fees:statement_new", args=[case.pk]), PERIOD)
    statement = FeeStatement.objects.get()
    detail = reverse("fees:statement_detail", args=[case.pk, statement.pk])
    html = mediator.get(detail, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    heading = unescape(re.sub(r"<[^>]+>", " ", re.search(r"<h2.*?</h2>", html, re.S).group(0)))
    heading = " ".join(heading.split())
    assert heading.startswith("Staat van kosten en erelonen van 15/06/2022 tot 14/06/2023")
    assert " du " not in f" {heading} " and " au " not in f" {heading} "
    tab = mediator.get(
        reverse("fees:case_services", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    assert "van 15/06/2022 tot 14/06/2023" in tab and "du 15/06/2022" not in tab
    # French screens and the PDF keep the French wording
    french = mediator.get(detail).content.decode()
    assert "État de frais et honoraires du 15/06/2022 au 14/06/2023" in unescape(french)
    with translation.override("nl"):
        document = statement_html(statement, list(statement.lines.all()))
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", document)).split())
    assert "Période du 15/06/2022 au 14/06/2023" in text
    assert "Staat van kosten" not in text and " van 15/06/2022 tot " not in text
