"""The agenda's rows written in Python (``{% agenda_rows %}``, agenda/templatetags/agenda_ui.py,
issue 15) are the markup the row template wrote, every branch and every language, every text
escaped. The reference is the template's rows as they were."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.models import User
from agenda.registry import AgendaItem
from cases.models import Case

ROWS_TEMPLATE = (Path(__file__).parent / "data" / "agenda_items_reference.html").read_text()
EVIL = "<script>\"x\" & 'y'</script>"
TODAY = date(2024, 3, 1)


def normal(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


def items() -> list[AgendaItem]:
    mediator = User(username="m", first_name="Anne<i>", last_name="Dupont & fils")
    case = Case(pk=7, reference="NAM-2024-0001<b>", mediator=mediator)
    other = Case(pk=12, reference="LIE-2023-0042", mediator=mediator)

    def item(**fields):
        base = {
            "kind": "k",
            "label": "Rapport annuel à déposer",
            "case": case,
            "due_date": TODAY,
            "deadline": TODAY,
            "url": "/dossiers/7/rapport/?annee=2023-03-01&x=<1>",
            "uid": "u",
        }
        return AgendaItem(**{**base, **fields})

    return [
        item(deadline=date(2023, 12, 20), due_date=date(2023, 11, 20)),  # overdue
        item(label=EVIL, detail=EVIL, case=other),  # due today, with a detail
        item(deadline=date(2024, 3, 5), due_date=date(2024, 3, 5), forecast=True),
        item(deadline=date(2022, 2, 28), forecast=True, detail="Proximus SA"),  # years late
    ]


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize(
    "show_case,show_mediator,read_only",
    [(True, True, False), (True, False, True), (False, False, False), (False, True, True)],
)
def test_agenda_rows_are_the_template_s_markup(language, show_case, show_mediator, read_only):
    context = {
        "items": items(),
        "today": TODAY,
        "show_case": show_case,
        "show_mediator": show_mediator,
        "read_only": read_only,
    }
    with translation.override(language):
        theirs = Template(ROWS_TEMPLATE).render(Context(context))
        ours = Template(
            "{% load agenda_ui %}{% agenda_rows items today show_case show_mediator read_only %}"
        ).render(Context(context))
    assert normal(ours) == normal(theirs)
    assert "<script>" not in ours and "&lt;script&gt;" in ours
    assert ("NAM-2024-0001&lt;b&gt;</a>" in ours) is show_case
    assert ("Dupont &amp; fils" in ours) is (show_case and show_mediator)


def test_the_agenda_s_templates_write_their_rows_in_python():
    templates = Path(__file__).parent.parent / "templates" / "agenda"
    assert "agenda_rows" in (templates / "_items.html").read_text()
