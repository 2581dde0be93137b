"""Large statement files (issue 14): imported by a Celery task (in-process in tests) while
the page shows a progress bar that htmx refreshes; the result is the same import as at once,
a malformed file fails with its reason and saves nothing, and the task never runs twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from banking.coda_writer import CodaMovement
from banking.models import Movement, StatementImport, StatementUpload
from banking.services import (
    BACKGROUND_FROM_MOVEMENTS,
    movement_estimate,
    statement_import,
    statement_upload_request,
    statement_upload_run,
)

from .test_banking_support import CAMT, CODA_FIRST, statement_bytes

GENERAL_ACCOUNT = "BE45000017110089"
COUNT = BACKGROUND_FROM_MOVEMENTS + 1


@pytest.fixture(scope="module")
def large() -> bytes:
    movements = [
        CodaMovement(
            amount=Decimal("1.00") + index,
            value_date=date(2026, 3, 5),
            counterparty_name=f"PAYER {index}",
            communication=f"VIREMENT {index}",
        )
        for index in range(COUNT)
    ]
    return statement_bytes(movements, iban=GENERAL_ACCOUNT)


def test_the_estimate_counts_movements_without_reading_the_file(large):
    assert movement_estimate(large) == COUNT
    assert movement_estimate(CODA_FIRST.read_bytes()) == 7
    assert movement_estimate(CAMT.read_bytes()) == 3


def upload(client, content: bytes, name="grand.cod"):
    return client.post(reverse("banking:bank"), {"file": SimpleUploadedFile(name, content)})


def test_a_large_upload_is_imported_in_the_background(
    client, world, large, django_capture_on_commit_callbacks
):
    client.force_login(world.mediator)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, large)
    record = StatementUpload.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("banking:upload_status", args=[record.pk])
    assert record.state == StatementUpload.State.DONE and record.content == b""
    assert record.statement_import.summary == {
        "movements": COUNT,
        "posted": 0,
        "duplicates": 0,
        "unmatched": COUNT,
    }
    page = client.get(response.url)  # done: the import's own page
    assert page.status_code == 302
    assert page.url == reverse("banking:import_detail", args=[record.statement_import.pk])
    polled = client.get(response.url, headers={"HX-Request": "true"})
    assert polled.status_code == 204
    assert polled["HX-Redirect"] == page.url


def test_the_progress_bar_polls_while_the_import_waits(client, world, large):
    client.force_login(world.mediator)
    response = upload(client, large)  # no on-commit run: the task has not started
    record = StatementUpload.objects.get()
    page = client.get(response.url)
    text = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in text and 'role="progressbar"' in text
    assert f"{COUNT} mouvements annoncés" in text
    assert not StatementImport.objects.exists()
    fragment = client.get(response.url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert record.state == StatementUpload.State.PENDING


def test_progress_is_reported_and_the_run_happens_once(world, large):
    record = statement_upload_request(
        organisation=world.org,
        content=large,
        file_name="grand.cod",
        by=world.mediator,
        enqueue=lambda pk, task_id: None,
    )
    seen = []
    done = statement_upload_run(upload_id=record.pk, progress=lambda d, t: seen.append((d, t)))
    assert done.state == StatementUpload.State.DONE
    assert seen[0] == (0, COUNT) and seen[-1] == (COUNT, COUNT) and len(seen) >= 6
    again = statement_upload_run(upload_id=record.pk)
    assert again.statement_import == done.statement_import
    assert StatementImport.objects.count() == 1 and Movement.objects.count() == COUNT


def test_the_same_import_as_at_once(world, large):
    at_once = statement_import(organisation=world.org, content=large, file_name="a", by=None)
    record = statement_upload_request(
        organisation=world.org,
        content=large,
        file_name="b",
        by=world.mediator,
        enqueue=lambda pk, task_id: None,
    )
    background = statement_upload_run(upload_id=record.pk).statement_import
    assert at_once.summary["unmatched"] == COUNT
    assert background.summary == {
        "movements": COUNT,
        "posted": 0,
        "duplicates": COUNT,
        "unmatched": 0,
    }


def test_a_malformed_large_file_fails_with_its_reason_and_saves_nothing(
    client, world, large, django_capture_on_commit_callbacks
):
    lines = large.decode("windows-1252").split("\r\n")
    lines[401] = lines[401][:32] + "00000000000X000" + lines[401][47:]  # a record 2.1
    client.force_login(world.mediator)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "\r\n".join(lines).encode("windows-1252"))
    record = StatementUpload.objects.get()
    assert record.state == StatementUpload.State.FAILED
    assert "Ligne 402, enregistrement 2.1 (mouvement) : montant" in record.error
    assert not StatementImport.objects.exists() and not Movement.objects.exists()
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Ligne 402, enregistrement 2.1" in page.content.decode()
    assert 'hx-trigger="every 1s"' not in page.content.decode()  # no more polling


def test_an_unknown_format_is_refused_at_once(client, world):
    client.force_login(world.mediator)
    response = upload(client, b"\n21" * (COUNT + 1), name="x.txt")
    assert response.status_code == 200
    assert "Format de fichier non reconnu" in response.content.decode()
    assert not StatementUpload.objects.exists()


def test_another_organisation_s_upload_is_a_404(client, world, large):
    record = statement_upload_request(
        organisation=world.other_org,
        content=large,
        file_name="b",
        by=world.other_mediator,
        enqueue=lambda pk, task_id: None,
    )
    client.force_login(world.mediator)
    assert client.get(reverse("banking:upload_status", args=[record.pk])).status_code == 404


def _unmatched(count: int) -> bytes:
    return statement_bytes(
        [
            CodaMovement(
                amount=Decimal("2.00") + index,
                value_date=date(2026, 3, 5),
                counterparty_iban="BE48001123456727",
                structured="090933755493" if index % 2 else "",
                communication="" if index % 2 else f"DON {index}",
            )
            for index in range(count)
        ],
        iban=GENERAL_ACCOUNT,
        number=30 + count,
    )


def test_matching_reads_once_per_file_not_once_per_movement(world):
    """Twenty more movements to match cost no query more: the accounts, communications, rules
    and payments are read once for the file, its movements written in one INSERT."""
    counts = []
    for count in (10, 30):
        with CaptureQueriesContext(connection) as queries:
            statement_import(
                organisation=world.org, content=_unmatched(count), file_name="f", by=None
            )
        counts.append(len(queries.captured_queries))
    assert counts[1] == counts[0]


def test_a_large_file_imported_again_says_so_once(
    client, world, large, django_capture_on_commit_callbacks
):
    """Issue #16: a background re-import ends with the same one message as one at once."""
    client.force_login(world.mediator)
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(client, large)
    done = client.get(first.url, follow=True)
    assert [(m.level_tag, m.message) for m in done.context["messages"]] == [
        ("success", "Extrait importé.")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        again = upload(client, large)
    assert again.url != first.url
    done = client.get(again.url, follow=True)
    shown = [(m.level_tag, m.message) for m in done.context["messages"]]
    assert len(shown) == 1, shown
    assert shown[0][0] == "info"
    assert shown[0][1].startswith("Ce fichier a déjà été importé le ")
    assert shown[0][1].endswith("aucun nouveau mouvement.")
