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
from django.template import Context, Template
from django.utils import translation

from accounts.models import User
from fees.models import Service
from fees.tests.db import service

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
