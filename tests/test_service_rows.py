"""The fee tab's service rows written in Python (``{% service_rows %}``,
fees/templatetags/fees_ui.py, issue 15) are the markup the row template wrote: every branch
(kilometres or none, money or none, a note, a letter's service, a service in a filed statement,
may the reader delete it), in French and Dutch, the user's text escaped. The reference is the
template's loop as it was (tests/data/service_row_reference.html)."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.models import User
from fees.models import Service
from fees.selectors import services_of_case, services_page
from fees.tests.db import service

from .factories import UserFactory

REFERENCE = (Path(__file__).parent / "data" / "service_row_reference.html").read_text()
EVIL = "<script>\"x\" & 'y'</script>"


def normal(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


def rows_of_every_kind(saved: bool = False) -> list[Service]:
    """``saved``: the mediators with their ids (the rows write each one's name once a table)."""
    anne = User(username="anne", first_name="Anne<i>", last_name="Dupont & fils")
    bare = User(username="b&b")  # no name: the username
    if saved:
        anne.pk, bare.pk = 5, 6
    return [
        Service(pk=1, date=date(2024, 3, 1), kind="hearing", quantity=1, mediator=anne),
        Service(
            pk=22,
            date=date(2023, 12, 31),
            kind="travel",
            quantity=3,
            km=Decimal("12.5"),
            amount=Decimal("1234.5"),
            registered_postage=Decimal("0"),
            note=EVIL,
            origin="import",
            mediator=bare,
        ),
        Service(
            pk=333,
            date=date(2022, 1, 9),
            kind="letter",
            quantity=1000,
            km=Decimal("0.0"),
            registered_postage=Decimal("8.9"),
            origin="letter",
            taxed=True,
            mediator=anne,
        ),
        Service(
            pk=4, date=date(2022, 1, 9), kind="revision", origin="ledger", taxed=True, mediator=bare
        ),
    ]


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("can_edit", [True, False])
@pytest.mark.parametrize("csrf_token", ["tok<en>", "NOTPROVIDED", None])
@pytest.mark.parametrize("saved", [False, True])
def test_service_rows_are_the_template_s_markup(language, can_edit, csrf_token, saved):
    rows = rows_of_every_kind(saved)
    context = {
        "services": rows,
        "case": type("C", (), {"pk": 7})(),
        "can_edit": can_edit,
        "csrf_token": csrf_token,
    }
    with translation.override(language):
        theirs = Template(REFERENCE).render(Context(context))
        ours = Template("{% load fees_ui %}{% service_rows services case.pk can_edit %}").render(
            Context(context)
        )
    assert normal(ours) == normal(theirs)
    assert "<script>" not in ours and "&lt;script&gt;" in ours
    assert ours.count("<form") == (2 if can_edit else 0)  # not the two in a filed statement
    assert ("Anne&lt;i&gt; Dupont &amp; fils" in ours) and "b&amp;b" in ours
    if language == "nl":
        assert "Verwijderen" in ours or not can_edit


def test_the_tab_writes_them_and_says_when_there_are_none(client, world):
    client.force_login(world.mediator)
    url = f"/dossiers/{world.case.pk}/honoraires/"
    assert "Aucune prestation enregistrée." in client.get(url).content.decode()
    service(world.case, "hearing", date(2023, 2, 1), note="Audience <b>")
    content = client.get(url).content.decode()
    assert "Aucune prestation enregistrée." not in content
    assert "Audience &lt;b&gt;" in content and 'name="csrfmiddlewaretoken"' in content


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_tab_s_page_of_rows_is_written_as_its_services(world, language):
    """The tab reads its page as tuples (``fees.selectors.ServiceRow``): the same markup as
    the services themselves, the mediator's name or username, the labels of every kind."""
    anne = UserFactory(username="anne", first_name="Anne<i>", last_name="Dupont & fils")
    bare = UserFactory(username="b&b", first_name="", last_name="")
    rows = rows_of_every_kind()
    for row, mediator in zip(rows, (anne, bare, anne, bare), strict=True):
        row.pk, row.case, row.mediator = None, world.case, mediator
        row.km = row.km or None  # the database refuses 0 km
    Service.objects.bulk_create(rows)
    models = list(services_of_case(world.case).order_by("-date", "-id"))
    with CaptureQueriesContext(connection) as queries:
        page = services_page(world.case, 1)
    assert len(queries) == 2  # the count, the page
    assert [r.pk for r in page.object_list] == [m.pk for m in models]
    template = Template("{% load fees_ui %}{% service_rows services 7 True %}")
    with translation.override(language):
        theirs = template.render(Context({"services": models, "csrf_token": "t"}))
        ours = template.render(Context({"services": page.object_list, "csrf_token": "t"}))
    assert ours == theirs
    assert "Anne&lt;i&gt; Dupont &amp; fils" in ours and "b&amp;b" in ours
