"""Fee statements: a draft is computed and saved, recomputed, then filed — filing freezes it (in
the database too), marks its services taxed and files its PDF as a document that the clerks of
the case's division, and only them, download. Bad input is refused with a clear message and
nothing saved or filed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse

from cases.models import Case
from documents.models import Document
from documents.selectors import filed_documents_for_clerk
from fees.facts import compute_case_statement
from fees.models import FeeStatement, Service, StatementLine
from fees.services import (
    service_delete,
    statement_create,
    statement_delete,
    statement_file,
    statement_recompute,
)
from fees.tests.db import creditors_with_claims, income, open_account, post, service
from ledger.models import Category
from tests.factories import make_case

D = Decimal
pytestmark = pytest.mark.django_db
FROM, TO = date(2022, 6, 15), date(2023, 6, 15)


@pytest.fixture
def case(world):
    case = world.case
    creditors_with_claims(case, 6, declared_on=date(2022, 7, 1))
    open_account(case)
    income(case, date(2022, 7, 1), "3000.00")
    post(case, date(2022, 9, 1), Category.PAYMENT_ON_BEHALF, "450.00")
    service(case, "hearing", date(2022, 12, 20))
    service(case, "letter", date(2023, 2, 1), quantity=3, registered_postage=D("8.40"))
    service(case, "phone_copies_forfait", date(2022, 7, 1))
    return case


def create(case, by, **kwargs):
    params = {"period_from": FROM, "period_to": TO, "occasion": "annual_report", **kwargs}
    return statement_create(case=case, by=by, **params)


def test_a_draft_keeps_every_line_and_the_json(case, world):
    statement = create(case, world.mediator)
    computed = compute_case_statement(case, FROM, TO)
    assert statement.state == "draft"
    assert statement.snapshot == computed.to_json()
    assert statement.total == computed.total
    lines = list(statement.lines.order_by("position"))
    assert [line.article for line in lines] == [line.article for line in computed.lines]
    follow_up = next(line for line in lines if line.article == "2.3")
    assert [row["effective_from"] for row in follow_up.tariff_rows] == [
        "2022-01-01",
        "2022-01-01",
        "2023-01-01",
        "2023-01-01",
    ]
    assert all(row["source"] for row in follow_up.tariff_rows)
    assert "prorata" in follow_up.explanation
    assert statement.mediator_name == world.mediator.get_full_name()
    assert statement.mediator_organisation == world.org.name
    assert not Service.objects.filter(taxed=True).exists()


def test_a_draft_is_recomputed_on_the_current_facts(case, world):
    statement = create(case, world.mediator)
    before = statement.total
    service(case, "hearing", date(2023, 1, 10))  # 108.47
    statement = statement_recompute(statement=statement, by=world.mediator)
    assert statement.total == before + D("108.47")
    assert statement.lines.filter(article="3").count() == 2


def test_filing_freezes_taxes_the_services_and_files_the_pdf(case, world, client):
    outside = service(case, "hearing", date(2023, 6, 15))  # next period: not taxed
    statement = statement_file(statement=create(case, world.mediator), by=world.mediator)
    statement.refresh_from_db()
    assert statement.state == "filed" and statement.filed_by == world.mediator
    document = statement.document
    assert document.kind == "taxation_statement" and document.filed_at is not None
    assert document.file.read().startswith(b"%PDF-")
    taxed = set(Service.objects.filter(taxed=True).values_list("pk", flat=True))
    assert taxed == set(
        Service.objects.filter(date__gte=FROM, date__lt=TO).values_list("pk", flat=True)
    )
    assert outside.pk not in taxed
    # a taxed service can no longer be removed
    taxed_service = Service.objects.filter(taxed=True).first()
    with pytest.raises(ValidationError, match="état déposé"):
        service_delete(service=taxed_service)
    # nor the filed statement recomputed, deleted or filed again
    for action in (
        lambda: statement_recompute(statement=statement, by=world.mediator),
        lambda: statement_delete(statement=statement),
        lambda: statement_file(statement=statement, by=world.mediator),
    ):
        with pytest.raises(ValidationError, match="déposé"):
            action()
    # the clerk of the Namur division sees it and downloads it; the Liège clerk does not
    assert document in filed_documents_for_clerk(world.clerk)
    assert document not in filed_documents_for_clerk(world.other_clerk)
    url = reverse("documents:clerk_download", args=[document.pk])
    client.force_login(world.clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(world.other_clerk)
    assert client.get(url).status_code == 404
    # the clerk never reaches the mediator's screens
    client.force_login(world.clerk)
    detail = reverse("fees:statement_detail", args=[case.pk, statement.pk])
    assert client.get(detail).status_code == 403


def test_the_database_refuses_to_change_a_filed_statement(case, world):
    statement = statement_file(statement=create(case, world.mediator), by=world.mediator)
    line = statement.lines.first()
    attempts = [
        lambda: StatementLine.objects.filter(pk=line.pk).update(amount=D("1.00")),
        lambda: StatementLine.objects.filter(pk=line.pk).delete(),
        lambda: StatementLine.objects.create(
            statement=statement,
            position=999,
            article="3",
            label="Ajout",
            quantity=1,
            unit_amount=D("1.00"),
            amount=D("1.00"),
            rule="x",
            explanation="x",
        ),
        lambda: FeeStatement.objects.filter(pk=statement.pk).update(total=D("1.00")),
        lambda: FeeStatement.objects.filter(pk=statement.pk).delete(),
        lambda: Service.objects.filter(taxed=True).update(quantity=5),
        lambda: Service.objects.filter(taxed=True).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    line.refresh_from_db()
    assert statement.lines.count() == len(statement.snapshot["lines"])


def test_a_draft_stays_editable_in_the_database(case, world):
    statement = create(case, world.mediator)
    StatementLine.objects.filter(statement=statement).update(explanation="modifiable")
    statement_delete(statement=statement)
    assert not FeeStatement.objects.exists() and not StatementLine.objects.exists()


def test_filing_is_refused_when_the_facts_changed_since_the_draft(case, world):
    statement = create(case, world.mediator)
    service(case, "hearing", date(2023, 1, 10))
    with pytest.raises(ValidationError, match="recalculez"):
        statement_file(statement=statement, by=world.mediator)
    statement.refresh_from_db()
    assert statement.state == "draft"
    assert not Document.objects.exists() and not Service.objects.filter(taxed=True).exists()


def test_a_period_overlapping_a_filed_statement_is_refused(case, world):
    statement_file(statement=create(case, world.mediator), by=world.mediator)
    with pytest.raises(ValidationError) as exc:
        create(case, world.mediator, period_from=date(2023, 1, 1), period_to=date(2023, 12, 1))
    assert "déjà déposé du 15/06/2022 au 14/06/2023" in str(exc.value.message_dict["period_from"])
    # the next period is fine
    create(case, world.mediator, period_from=TO, period_to=date(2024, 6, 15))


def _refused(case, by, **kwargs) -> dict:
    with pytest.raises(ValidationError) as exc:
        create(case, by, **kwargs)
    assert not FeeStatement.objects.exists()
    assert not Document.objects.exists()
    return exc.value.message_dict


def test_bad_periods_are_refused(case, world):
    errors = _refused(case, world.mediator, period_to=FROM)
    assert "postérieure à son début" in errors["period_to"][0]
    errors = _refused(case, world.mediator, period_from=TO, period_to=FROM)
    assert "period_to" in errors
    errors = _refused(case, world.mediator, occasion="provision")
    assert "motivée" in errors["reason"][0]
    create(case, world.mediator, occasion="provision", reason="Requête du 12/06/2023.")


def test_a_date_no_tariff_covers_is_refused(world):
    old = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2017-0001",
        admissibility_date=date(2017, 3, 1),
    )
    errors = _refused(old, world.mediator, period_from=date(2017, 3, 1), period_to=date(2018, 3, 1))
    assert "date de début d'application est inconnue" in errors["__all__"][0]


def test_a_second_homologation_fee_is_refused(case, world):
    service(case, "homologation_request", date(2023, 3, 1))
    # recorded around the service's own check (an import, the admin)
    Service.objects.create(
        case=case, date=date(2023, 4, 1), kind="failure_report", mediator=world.mediator
    )
    errors = _refused(case, world.mediator)
    assert "ne se taxe qu'une fois par dossier" in errors["__all__"][0]


def test_a_second_phone_forfait_by_the_same_mediator_is_refused(case, world):
    Service.objects.create(
        case=case, date=date(2023, 4, 1), kind="phone_copies_forfait", mediator=world.mediator
    )
    errors = _refused(case, world.mediator)
    assert "par dossier et par médiateur" in errors["__all__"][0]


def test_a_service_before_admissibility_is_refused(case, world):
    # the admissibility date was corrected after the services were recorded
    Case.objects.filter(pk=case.pk).update(admissibility_date=date(2022, 7, 15))
    case.refresh_from_db()
    errors = _refused(case, world.mediator)
    assert "antérieure à la décision d'admissibilité" in errors["__all__"][0]
