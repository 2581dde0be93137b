"""Issue 17: the closure page (checklist, final report, closure letters, closure), the case's
third parties and the letters addressed to them, the copy of the annual report to the
applicant."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Applicant, Case
from contacts.models import ThirdParty
from contacts.services import ThirdPartyData, third_party_create
from documents.services import generated_pdf_file
from ledger.services import account_open
from letters.models import Letter, LetterAddressee, LetterKind, LetterTemplate
from letters.selectors import resolve_addressees
from letters.services import letter_send
from reports.models import FiledReport
from reports.services import report_copy_send

from .pdf import MINIMAL_PDF


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def employer(world):
    return third_party_create(
        case=world.case,
        data=ThirdPartyData("employer", "Boulangerie Dupont", "Rue du Pain 3\n5000 Namur", "E-7"),
        by=world.mediator,
    )


@pytest.mark.django_db
def test_the_checklist_page_lists_each_item_with_where_to_fix_it(world):
    response = client_for(world.mediator).get(reverse("closure:case_closure", args=[world.case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("instalments", "final_fee_statement", "fees_paid", "final_report"):
        assert f'data-item="{key}"' in html
    assert reverse("fees:statement_new", args=[world.case.pk]) in html
    assert 'value="close"' in html  # the designated mediator may close


@pytest.mark.django_db
def test_closing_with_an_open_checklist_shows_the_error_next_to_the_reason(world):
    case = world.case
    Case.objects.filter(pk=case.pk).update(
        status="amicable_plan", homologation_date=date(2022, 9, 1)
    )
    url = reverse("closure:case_closure", args=[case.pk])
    response = client_for(world.mediator).post(
        url, {"action": "close", "decision_date": "01/10/2023"}
    )
    assert response.status_code == 200
    form = response.context["close_form"]
    assert "reason" in form.errors and "pourquoi" in form.errors["reason"][0]
    assert Case.objects.get(pk=case.pk).status == "amicable_plan"
    response = client_for(world.mediator).post(
        url,
        {"action": "close", "decision_date": "01/10/2023", "reason": "Clôture d'office."},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "closed"
    page = client_for(world.mediator).get(url).content.decode()
    assert 'id="closed-note"' in page and 'value="close"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["colleague", "supervisor"])
@pytest.mark.parametrize("action", ["close", "final_report", "letters", "other"])
def test_only_who_may_write_posts_an_action(world, role, action):
    Case.objects.filter(pk=world.case.pk).update(status="amicable_plan")
    response = client_for(getattr(world, role)).post(
        reverse("closure:case_closure", args=[world.case.pk]),
        {"action": action, "decision_date": "01/10/2023", "reason": "x"},
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=world.case.pk).status == "amicable_plan"


@pytest.mark.django_db
def test_the_other_organisation_does_not_see_the_closure_page(world):
    response = client_for(world.other_mediator).get(
        reverse("closure:case_closure", args=[world.case.pk])
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_ledger_form_asks_the_settlement_reason_once_the_case_is_closed(world):
    account_open(case=world.case, iban="BE71096123456769")
    url = reverse("ledger:entry_create", args=[world.case.pk])
    assert "settlement_reason" not in client_for(world.mediator).get(url).content.decode()
    Case.objects.filter(pk=world.case.pk).update(status="closed", closure_date=date(2023, 1, 1))
    html = client_for(world.mediator).get(url).content.decode()
    assert 'name="settlement_reason"' in html
    response = client_for(world.mediator).post(
        url,
        {
            "operation": "income",
            "value_date": timezone.localdate().strftime("%d/%m/%Y"),
            "amount": "10",
        },
    )
    assert response.status_code == 200
    assert "settlement_reason" in response.context["form"].errors


# Third parties ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,field",
    [
        (ThirdPartyData("", "X", "Rue 1"), "kind"),
        (ThirdPartyData("notary", "X", "Rue 1"), "kind"),
        (ThirdPartyData("bank", "  ", "Rue 1"), "name"),
        (ThirdPartyData("bank", "X", ""), "address"),
        (ThirdPartyData("bank", "X" * 201, "Rue 1"), "name"),
        (ThirdPartyData("bank", "X", "Rue 1", "a\nb"), "reference"),
    ],
)
def test_a_bad_third_party_names_the_field_and_saves_nothing(world, data, field):
    with pytest.raises(ValidationError) as exc:
        third_party_create(case=world.case, data=data, by=world.mediator)
    assert field in exc.value.message_dict
    assert not ThirdParty.objects.exists()


@pytest.mark.django_db
def test_the_third_parties_page_adds_one_and_shows_errors_by_field(world):
    url = reverse("contacts:third_parties", args=[world.case.pk])
    response = client_for(world.mediator).post(url, {"kind": "bank", "name": "Belfius"})
    assert response.status_code == 200 and "address" in response.context["form"].errors
    response = client_for(world.mediator).post(
        url, {"kind": "bank", "name": "Belfius", "address": "Bd Pachéco 44\n1000 Bruxelles"}
    )
    assert response.status_code == 302
    assert ThirdParty.objects.get(case=world.case).name == "Belfius"
    assert client_for(world.colleague).post(url, {"kind": "bank"}).status_code == 403


@pytest.mark.django_db
def test_a_letter_to_a_third_party_and_to_the_applicant(world, employer):
    applicant = Applicant.objects.get(case=world.case)
    applicant.address = "Rue Haute 5\n5000 Namur"
    applicant.save()
    template = LetterTemplate.objects.get(
        organisation=world.org, language="fr", kind=LetterKind.INCOME_NOTICE
    )
    letter = letter_send(
        case=world.case,
        template=template,
        subject=template.subject,
        body=template.body,
        addressee_keys=[f"t{employer.pk}", f"a{applicant.pk}"],
        registered=False,
        postage=None,
        sent_on=date(2023, 1, 10),
        by=world.mediator,
    )
    copies = list(letter.addressees.order_by("position"))
    assert [(c.third_party_id, c.applicant_id, c.creditor_id) for c in copies] == [
        (employer.pk, None, None),
        (None, applicant.pk, None),
    ]
    assert "1675/9" in copies[0].body and "E-7" in copies[0].body
    assert letter.pdf and letter.services.count() == 1  # 2 ordinary letters (4.1)


@pytest.mark.django_db
def test_another_cases_third_party_is_not_an_addressee(world):
    other = third_party_create(
        case=world.other_case,
        data=ThirdPartyData("bank", "ING", "Av. Marnix 24\n1000 Bruxelles"),
        by=world.other_mediator,
    )
    with pytest.raises(ValidationError) as exc:
        resolve_addressees(case=world.case, keys=[f"t{other.pk}"])
    assert "addressees" in exc.value.message_dict


@pytest.mark.django_db
def test_an_addressee_is_one_kind_in_the_database(world, employer):
    letter = Letter.objects.create(
        case=world.case,
        kind="other",
        subject="s",
        body="b",
        sent_on=date(2023, 1, 1),
        sent_by=world.mediator,
        signatory="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LetterAddressee.objects.create(letter=letter, name="n", address="a", subject="s", body="b")


@pytest.mark.django_db
def test_the_copy_of_the_annual_report_is_sent_to_the_applicant_and_recorded(world):
    Applicant.objects.filter(case=world.case).update(address="Rue Haute 5\n5000 Namur")
    document = generated_pdf_file(
        case=world.case,
        kind="annual_report",
        title="Rapport du médiateur",
        filename="rapport.pdf",
        content=MINIMAL_PDF,
        by=world.mediator,
    )
    filed = FiledReport.objects.create(
        case=world.case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        document=document,
        filed_by=world.mediator,
    )
    today = timezone.localdate()
    letter = report_copy_send(filed=filed, sent_on=today, by=world.mediator)
    filed.refresh_from_db()
    assert filed.applicant_copy == letter and letter.kind == LetterKind.ANNUAL_REPORT_COPY
    assert letter.addressees.get().applicant_id is not None
    with pytest.raises(ValidationError):
        report_copy_send(filed=filed, sent_on=today, by=world.mediator)
    assert Letter.objects.filter(case=world.case).count() == 1
    page = client_for(world.mediator).get(reverse("reports:annual_report", args=[world.case.pk]))
    assert "copie envoyée au requérant" in page.content.decode()
