"""A plan's cover letter (templates/plans/pdf_cover.html) printed as few elements as it can be
(issue 15: 50 letters laid out at once; the references and the figures are lines of text, not
tables): its PDF still carries every reference and every figure the letter gives, each figure
on the line of its label, in French and in Dutch, and what a user typed is printed as typed
(escaped), not read as markup."""

import dataclasses
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.pdf import render_pdf, write_pdf
from plans import pdf, selectors, services

from .pdf import pdf_text
from .test_plan_services import creditors, data  # noqa: F401  (creditors: a fixture)

D = Decimal
SENT_ON = date(2023, 3, 1)

# Every figure a letter may give (plans.pdf.cover_figures), label and amount as printed.
FIGURES = {
    "namur": [
        ("Créance admise", "5.000,00 €"),
        ("Déjà payé avant le plan", "400,00 €"),
        ("Premier dividende, au 30/09/2022", "93,10 €"),
        ("Dividende habituel par versement", "95,25 €"),
        ("Total payé par le plan", "3.400,00 € (68,00 %)"),
        ("Remise de dettes sollicitée", "1.500,00 €"),
        ("Solde non remis, restant dû après le plan", "100,00 €"),
    ],
    "gent": [
        ("Aanvaarde schuldvordering", "€ 5.000,00"),
        ("Reeds betaald vóór de aanzuiveringsregeling", "€ 400,00"),
        ("Eerste dividend, op 30/09/2022", "€ 93,10"),
        ("Gebruikelijk dividend per storting", "€ 95,25"),
        ("Totaal betaald via de aanzuiveringsregeling", "€ 3.400,00 (68,00 %)"),
        ("Gevraagde kwijtschelding", "€ 1.500,00"),
        ("Niet kwijtgescholden saldo, nog verschuldigd na de aanzuiveringsregeling", "€ 100,00"),
    ],
}
NAME = 'Banque <b>"L\'Épargne"</b> & Cie'
REFERENCE = "A-1 <i>&amp;</i>"


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("division", ["namur", "gent"])
def test_a_cover_letter_prints_every_reference_and_figure(world, creditors, division, tmp_path):  # noqa: F811
    case = world.case
    case.division = division
    case.role_number = "22/000123/B"
    case.save(update_fields=["division", "role_number"])
    creditor = creditors["a"]
    creditor.name = NAME
    creditor.address = "Service <contentieux> & recouvrement\nRue Haute 12\n5000 Namur"
    creditor.save()
    creditor.claims.update(creditor_reference=REFERENCE)
    version = services.plan_create(case=case, data=data(), by=world.mediator)
    view = selectors.compute(version)
    # every figure the letter may give, non-zero (a creditor of the plan seldom has them all)
    every = SimpleNamespace(
        creditor_key=str(creditor.pk),
        admitted=D("5000.00"),
        already_paid=D("400.00"),
        first_paid_on=date(2022, 9, 30),
        first_paid=D("93.10"),
        usual_dividend=D("95.25"),
        paid=D("3400.00"),
        percent_repaid=D("68.00"),
        remitted=D("1500.00"),
        not_remitted=D("100.00"),
    )
    view = dataclasses.replace(view, result=SimpleNamespace(creditors=[every]))
    addressees, errors = selectors.mailing_addressees(
        case=case, creditor_ids=[creditor.pk], copy_to_applicants=False
    )
    assert not errors
    html = pdf.cover_html(view, addressee=addressees[0], sent_on=SENT_ON, registered=True)
    # what the user typed is text, escaped: no element of its own
    assert "<b>" not in html and "<i>" not in html and "<contentieux>" not in html
    assert "&lt;b&gt;&quot;L&#x27;Épargne&quot;&lt;/b&gt; &amp; Cie" in html
    document = render_pdf(html)
    assert len(document.pages) == 1
    text = pdf_text(write_pdf(document), tmp_path)
    flat = _flat(text)
    lines = [_flat(line) for line in text.splitlines()]

    assert NAME in flat  # printed as typed
    assert "Service <contentieux> & recouvrement" in flat
    assert "Rue Haute 12" in flat and "5000 Namur" in flat
    assert REFERENCE in flat
    assert case.reference in flat and "22/000123/B" in flat
    for label, amount in FIGURES[division]:
        # the amount on its label's line, right of it
        assert any(line.startswith(label) and line.endswith(amount) for line in lines), (
            label,
            amount,
            text,
        )
    if division == "namur":
        expected = [
            "RECOMMANDÉ",
            f"N/Réf. : {case.reference} — R.G. 22/000123/B",
            "Tribunal : Tribunal du travail de Liège, division Namur",
            f"V/Réf. : {REFERENCE}",
            "01/03/2023",
            "Concerne : projet de plan de règlement amiable",
            "Pour votre créance, le plan prévoit :",
            "Médiateur de dettes",
        ]
    else:
        expected = [
            "AANGETEKEND",
            f"O/Ref.: {case.reference} — A.R. 22/000123/B",
            "Rechtbank: Arbeidsrechtbank Gent, afdeling Gent",
            f"U/Ref.: {REFERENCE}",
            "01/03/2023",
            "Betreft: ontwerp van minnelijke aanzuiveringsregeling",
            "Schuldbemiddelaar",
        ]
    for piece in expected:
        assert piece in flat, (piece, text)
