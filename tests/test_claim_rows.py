"""The claims tab's rows written in Python (``{% claim_row %}``, claims/templatetags/claims_ui.py,
issue 15) are the markup the row's include wrote (tests/data/claim_row_reference.html): every
branch (a reference or none, a declaration in PDF or image or none, non remissible, an admitted
amount, each status, time-barred, a privilege and a rank, the debtors, paid off, a
representative with a file reference or none; in a position or not; may the reader edit), in
French and Dutch, the user's text escaped."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from cases.models import Applicant
from claims.models import Claim
from claims.selectors import claims_of_case
from claims.services import (
    ClaimData,
    ContactData,
    claim_create,
    creditor_create,
    representation_add,
    representative_create,
)

REFERENCE = (Path(__file__).parent / "data" / "claim_row_reference.html").read_text()
EVIL = "<script>\"x\" & 'y'</script>"


def normal(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html)).strip()
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


@pytest.fixture
def claims(world):
    case = world.case
    first = case.applicants.get()
    second = Applicant.objects.create(case=case, position=2, last_name="Dubois", first_name="J&J")
    creditor = creditor_create(organisation=world.org, data=ContactData(name=EVIL))
    agent = representative_create(
        organisation=world.org, data=ContactData(name="Étude <Delvaux>", role="bailiff")
    )
    with_file = representation_add(
        case=case, creditor=creditor, representative=agent, file_reference=EVIL
    )
    without_file = representation_add(case=case, creditor=creditor, representative=agent)

    def claim(**fields):
        made = claim_create(
            case=case,
            data=ClaimData(
                creditor=creditor, principal=Decimal("1234.5"), declared_on=date(2022, 7, 1)
            ),
        )
        debtors = fields.pop("debtors", None)
        Claim.objects.filter(pk=made.pk).update(**fields)
        if debtors is not None:
            made.debtors.set(debtors)
        return made

    claim()  # no reference, no document, both debtors
    claim(
        creditor_reference=EVIL,
        declaration_file="claims/x.PDF",
        declaration_name=EVIL,
        nature="criminal_fine",
        interest=Decimal("10.05"),
        costs=Decimal("0"),
        admitted_amount=Decimal("1000"),
        admitted_reason=EVIL,
        status="contested",
        time_barred=True,
        privilege="special",
        plan_rank="dignity",
        rank_reason=EVIL,
        paid_off_on=date(2024, 2, 29),
        representation=with_file,
        debtors=[second],
    )
    claim(
        creditor_reference="0",
        declaration_file="claims/scan.jpg",
        declaration_name="scan.jpg",
        status="rejected",
        representation=without_file,
        debtors=[],
    )
    claim(status="accepted", privilege="mortgage", plan_rank="mortgage", debtors=[first])
    return list(claims_of_case(case))


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("can_edit", [True, False])
@pytest.mark.parametrize("in_position", [True, False])
@pytest.mark.parametrize("show_debtors", [True, False])
def test_claim_rows_are_the_include_s_markup(
    world, claims, language, can_edit, in_position, show_debtors
):
    ours_template = Template(
        "{% load claims_ui %}{% for claim in claims %}{% claim_row claim case.pk can_edit"
        " in_position show_debtors applicant_count %}{% endfor %}"
    )
    theirs_template = Template(
        "{% for claim in claims %}{% include reference %}{% endfor %}".replace(
            "{% include reference %}", REFERENCE
        )
    )
    context = {
        "claims": claims,
        "case": world.case,
        "can_edit": can_edit,
        "in_position": in_position,
        "show_debtors": show_debtors,
        "applicant_count": 2,
    }
    with translation.override(language):
        theirs = theirs_template.render(Context(context))
        ours = ours_template.render(Context(context))
    assert normal(ours) == normal(theirs)
    assert "<script>" not in ours and "&lt;script&gt;" in ours
    assert ours.count("<tr") == theirs.count("<tr") == 4
    assert ("J&amp;J" in ours) is show_debtors


def test_the_tab_writes_them(client, world, claims):
    client.force_login(world.mediator)
    content = client.get(f"/dossiers/{world.case.pk}/creances/").content.decode()
    assert content.count('class="claim-row') == 4
    assert "<script>" not in content and "Étude &lt;Delvaux&gt;" in content
