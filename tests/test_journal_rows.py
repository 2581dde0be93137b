"""The journal's rows written in Python (``{% journal_rows %}``, ledger/templatetags/ledger_ui.py,
issue 15) are the markup the row template wrote, every branch and every language, user text
escaped. The reference below is the template's row as it was."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.models import User
from claims.models import Creditor
from ledger.models import Entry
from ledger.selectors import JournalLine

ROW_TEMPLATE = (Path(__file__).parent / "data" / "journal_row_reference.html").read_text()

EVIL = "<script>\"x\" & 'y'</script>"


def normal(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


def entries() -> list[JournalLine]:
    user = User(username="u", first_name="Anne<i>", last_name="Dupont & fils")
    creditor = Creditor(name=EVIL)
    at = datetime(2024, 3, 1, 23, 30, tzinfo=UTC)
    base = {"value_date": date(2024, 3, 1), "booked_at": at, "amount": Decimal("1234.5")}
    plain = Entry(pk=1, sequence=1, direction="in", category="income", counterparty=EVIL, **base)
    full = Entry(
        pk=2,
        sequence=1002,
        direction="out",
        category="dividend",
        counterparty="X",
        counterparty_iban="BE71096123456769",
        communication=EVIL,
        standing_order=True,
        creditor=creditor,
        authorisation=EVIL,
        bank_reference="SEPA|" + EVIL,
        note=EVIL,
        settlement_reason=EVIL,
        posted_by=user,
        **base,
    )
    reversal = Entry(
        pk=3, sequence=3, direction="in", category="dividend", reverses=full, posted_by=user, **base
    )
    full.reversed_by = reversal
    statement = Entry(
        pk=4, sequence=4, direction="out", category="income", bank_reference="CODA 12", **base
    )
    reserve_in = Entry(pk=5, sequence=5, direction="in", category="reserve_transfer", **base)
    reserve_out = Entry(pk=6, sequence=6, direction="out", category="reserve_transfer", **base)
    for entry in (plain, reversal, statement, reserve_in, reserve_out):  # none reverses them
        Entry._meta.get_field("reversed_by").set_cached_value(entry, None)
    return [
        JournalLine(plain, Decimal("10"), None),
        JournalLine(full, Decimal("-5.5"), Decimal("0")),
        JournalLine(reversal, Decimal("0"), Decimal("12.3")),
        JournalLine(statement, Decimal("7"), None),
        JournalLine(reserve_in, Decimal("7"), Decimal("1234.5")),
        JournalLine(reserve_out, Decimal("7"), Decimal("0.01")),
    ]


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("can_edit", [True, False])
def test_journal_rows_are_the_template_s_markup(language, can_edit):
    lines = entries()
    context = {"lines": lines, "case": type("C", (), {"pk": 7})(), "can_edit": can_edit}
    with translation.override(language):
        theirs = Template(ROW_TEMPLATE).render(Context(context))
        ours = Template("{% load ledger_ui %}{% journal_rows lines case.pk can_edit %}").render(
            Context(context)
        )
    assert normal(ours) == normal(theirs)
    assert "<script>" not in ours and "&lt;script&gt;" in ours
    assert ("extourner" in ours) is can_edit
