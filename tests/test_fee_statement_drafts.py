"""The draft fee statement of the year ended (issue #11): one case at a time
(``fee_statement_draft_for_year``, idempotent), from the daily run at each anniversary (duty
``fee_statement_draft``), and in bulk for the user's cases (a Celery task with its progress,
polled by htmx). And the warning on a statement whose line 6 (JustRestart fee) and the case's
JustRestart invoices disagree (screen and draft PDF)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agenda.models import Duty
from agenda.services import daily_run
from fees.models import DraftBatch, FeeStatement, JustRestartInvoice, StatementLine
from fees.pdf import statement_html
from fees.selectors import justrestart_mismatches
from fees.services import (
    draft_batch_build,
    fee_statement_draft_for_year,
    statement_create,
    statement_file,
)

from .factories import make_case

D = Decimal
pytestmark = pytest.mark.django_db
# world.case: admissibility 15/06/2022
YEAR_2_END = date(2024, 6, 15)


def test_the_draft_of_the_year_ended_is_made_once(world):
    statement, created = fee_statement_draft_for_year(case=world.case, anniversary=YEAR_2_END)
    assert created
    assert (statement.period_from, statement.period_to) == (date(2023, 6, 15), YEAR_2_END)
    assert statement.occasion == "annual_report"
    assert statement.state == "draft"
    assert statement.created_by == world.mediator
    again, created = fee_statement_draft_for_year(case=world.case, anniversary=YEAR_2_END)
    assert not created and again.pk == statement.pk
    assert FeeStatement.objects.filter(case=world.case).count() == 1


def test_a_29_february_admissibility_ends_its_years_on_28_february(world):
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2020-0229",
        admissibility_date=date(2020, 2, 29),
    )
    statement, _ = fee_statement_draft_for_year(case=case, anniversary=date(2025, 2, 28))
    assert (statement.period_from, statement.period_to) == (date(2024, 2, 29), date(2025, 2, 28))
    with pytest.raises(ValidationError, match="n'est pas un anniversaire"):
        fee_statement_draft_for_year(case=case, anniversary=date(2025, 3, 1))


def test_refused_after_closure_and_starting_after_a_filed_statement(world):
    with pytest.raises(ValidationError, match="n'est pas un anniversaire"):
        fee_statement_draft_for_year(case=world.case, anniversary=date(2024, 6, 14))
    filed = statement_create(
        case=world.case,
        period_from=date(2023, 6, 15),
        period_to=date(2023, 12, 1),
        occasion="homologation_request",
        by=world.mediator,
    )
    statement_file(statement=filed, by=world.mediator)
    statement, created = fee_statement_draft_for_year(case=world.case, anniversary=YEAR_2_END)
    assert created and statement.period_from == date(2023, 12, 1)
    world.case.closure_date = date(2024, 1, 10)
    world.case.save(update_fields=["closure_date"])
    with pytest.raises(ValidationError, match="clôturé depuis le 10/01/2024"):
        fee_statement_draft_for_year(case=world.case, anniversary=YEAR_2_END)


def test_the_daily_run_prepares_the_draft_at_each_anniversary_once(world):
    result = daily_run(run_date=date(2024, 7, 1), catch_up_days=30)
    assert result.created["fee_statement_draft"] == 2  # world.case and world.other_case
    duty = Duty.objects.get(case=world.case, kind="fee_statement_draft")
    statement = FeeStatement.objects.get(case=world.case)
    assert duty.due_date == YEAR_2_END and duty.data["statement"] == statement.pk
    assert statement.period_to == YEAR_2_END
    daily_run(run_date=date(2024, 7, 2))
    assert FeeStatement.objects.filter(case=world.case).count() == 1
    # filing the statement of that year settles the duty at the next run
    filed = statement_file(statement=statement, by=world.mediator)
    later = daily_run(run_date=date(2024, 7, 3))
    assert later.settled["fee_statement_draft"] == 1  # world.case's only
    duty.refresh_from_db()
    assert duty.settled_on is not None and filed.is_filed


def test_a_refused_draft_is_kept_with_its_duty_and_the_invoice_still_made(world):
    # a filed statement overlapping the year: the draft is refused, the run goes on
    filed = statement_create(
        case=world.case,
        period_from=date(2024, 1, 1),
        period_to=date(2024, 7, 1),
        occasion="provision",
        reason="Provision demandée.",
        by=world.mediator,
    )
    statement_file(statement=filed, by=world.mediator)
    result = daily_run(run_date=date(2024, 7, 1), catch_up_days=30)
    assert result.errors == []
    duty = Duty.objects.get(case=world.case, kind="fee_statement_draft")
    assert "chevauche" in duty.data["error"]
    assert JustRestartInvoice.objects.filter(case=world.case).count() == 1


# --- in bulk ----------------------------------------------------------------------------------


def test_the_bulk_task_prepares_every_case_of_the_user_with_its_progress(
    client, world, django_capture_on_commit_callbacks
):
    own_second = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2021-0001",
        admissibility_date=date(2021, 3, 1),
    )
    make_case(  # not yet at its first anniversary (the page prepares the year ended today)
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2025-0001",
        admissibility_date=timezone.localdate() - timedelta(days=100),
    )
    colleagues = make_case(
        organisation=world.org, mediator=world.colleague, reference="NAM-2022-0100"
    )
    client.force_login(world.mediator)
    page = client.get(reverse("fees:draft_batches"))
    assert reverse("fees:draft_batch_request") in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly
        response = client.post(reverse("fees:draft_batch_request"))
    batch = DraftBatch.objects.get(requested_by=world.mediator)
    assert response.status_code == 302
    assert response["Location"] == reverse("fees:draft_batch_status", args=[batch.pk])
    assert batch.state == "done" and batch.progress == 100
    assert batch.total == 2 and batch.created == 2 and batch.existing == 0
    assert batch.problems == []
    assert FeeStatement.objects.filter(case=own_second).count() == 1
    assert not FeeStatement.objects.filter(case=colleagues).exists()
    # the status page, and its htmx fragment that stops polling once done
    page = client.get(reverse("fees:draft_batch_status", args=[batch.pk]))
    assert "2 brouillons préparés" in page.content.decode()
    fragment = client.get(
        reverse("fees:draft_batch_status", args=[batch.pk]), HTTP_HX_REQUEST="true"
    )
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="draft-batch-progress"') and "hx-get" not in body
    # a second batch makes no second draft
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("fees:draft_batch_request"))
    second = DraftBatch.objects.filter(requested_by=world.mediator).order_by("-pk").first()
    assert (second.created, second.existing) == (0, 2)
    assert FeeStatement.objects.filter(case__organisation=world.org).count() == 2


def test_a_pending_batch_polls_and_the_administrator_covers_the_organisation(client, world):
    make_case(organisation=world.org, mediator=world.colleague, reference="NAM-2022-0100")
    batch = DraftBatch.objects.create(
        organisation=world.org, requested_by=world.administrator, on=date(2024, 7, 1)
    )
    client.force_login(world.administrator)
    fragment = client.get(
        reverse("fees:draft_batch_status", args=[batch.pk]), HTTP_HX_REQUEST="true"
    )
    body = fragment.content.decode()
    assert "hx-get" in body and 'hx-trigger="every 1s"' in body and "0 %" in body
    built = draft_batch_build(batch_id=batch.pk)
    assert (built.total, built.created) == (2, 2)  # world.case and the colleague's case
    # another user's batch is not theirs
    client.force_login(world.mediator)
    assert client.get(reverse("fees:draft_batch_status", args=[batch.pk])).status_code == 404


def test_a_case_refused_is_listed_and_does_not_stop_the_batch(world):
    filed = statement_create(
        case=world.case,
        period_from=date(2024, 1, 1),
        period_to=date(2024, 7, 1),
        occasion="provision",
        reason="Provision demandée.",
        by=world.mediator,
    )
    statement_file(statement=filed, by=world.mediator)
    make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2021-0001",
        admissibility_date=date(2021, 3, 1),
    )
    batch = DraftBatch.objects.create(
        organisation=world.org, requested_by=world.mediator, on=date(2024, 7, 1)
    )
    built = draft_batch_build(batch_id=batch.pk)
    assert built.state == "done" and built.created == 1
    assert [p["case"] for p in built.problems] == [world.case.reference]
    assert "chevauche" in built.problems[0]["error"]


# --- line 6 against the invoices -----------------------------------------------------------


@pytest.fixture
def draft(world):
    return statement_create(
        case=world.case,
        period_from=date(2023, 6, 15),
        period_to=YEAR_2_END,
        occasion="annual_report",
        by=world.mediator,
    )


def line6(statement):
    return StatementLine.objects.get(statement=statement, rule="6 justrestart")


def test_the_statement_warns_when_an_anniversary_has_no_invoice(client, world, draft):
    assert line6(draft).date == YEAR_2_END
    (mismatch,) = justrestart_mismatches(draft)
    assert "aucune facture JustRestart" in mismatch.message and "15/06/2024" in mismatch.message
    client.force_login(world.mediator)
    page = client.get(reverse("fees:statement_detail", args=[world.case.pk, draft.pk]))
    assert 'id="justrestart-mismatch"' in page.content.decode()
    # the draft PDF says it too; a filed one would not
    lines = list(draft.lines.order_by("position"))
    warnings = [m.message for m in justrestart_mismatches(draft, lines)]
    assert "aucune facture JustRestart" in statement_html(draft, lines, warnings=warnings)
    pdf = client.get(reverse("fees:statement_pdf", args=[world.case.pk, draft.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_no_warning_when_they_agree(client, world, draft):
    daily_run(run_date=date(2024, 7, 1), catch_up_days=30)  # the invoice of 15/06/2024
    assert justrestart_mismatches(draft) == []
    client.force_login(world.mediator)
    page = client.get(reverse("fees:statement_detail", args=[world.case.pk, draft.pk]))
    assert 'id="justrestart-mismatch"' not in page.content.decode()
    lines = list(draft.lines.order_by("position"))
    assert "À vérifier" not in statement_html(draft, lines, warnings=[])


def test_the_statement_warns_when_amounts_differ_or_the_line_is_missing(world, draft):
    daily_run(run_date=date(2024, 7, 1), catch_up_days=30)
    JustRestartInvoice.objects.filter(case=world.case).update(amount=D("80.00"))
    (mismatch,) = justrestart_mismatches(draft)
    assert "s'élève à 80,00 €, la ligne 6 de l'état à 75,00 €" in mismatch.message.replace(
        "\xa0", " "
    )
    line6(draft).delete()
    (mismatch,) = justrestart_mismatches(draft)
    assert "n'est pas reprise à la ligne 6" in mismatch.message


def test_the_preview_warns_too(client, world):
    client.force_login(world.mediator)
    response = client.get(
        reverse("fees:statement_new", args=[world.case.pk]),
        {"period_from": "15/06/2023", "period_to": "15/06/2024", "occasion": "annual_report"},
    )
    assert response.status_code == 200
    assert 'id="justrestart-mismatch"' in response.content.decode()
