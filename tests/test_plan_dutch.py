"""A plan's working in the language of its reader (issue 16) and of the procedure (issue 12).

The plan engine writes its working as phrases (``core.phrases``): ``PlanResult.working`` is
their French text, as it always was; the plan screens render them in the reader's language and
the court's PDF in the language of the procedure, the division's
(``core.divisions.procedure_language``; ``docs/court-documents.md``), whatever the interface's.
The seven years' source (art. 1675/10 §5 al. 3, 1675/12 §2 C.J.) follows the same way."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from pypdf import PdfReader

from budget.selectors import AVAILABLE_EXPLANATION
from cases.models import Case
from claims.models import Claim, ClaimStatus, Creditor, PlanRank
from core.translate import localize
from documents.models import Document, DocumentKind
from letters.pdf import letterhead
from plans import engine, pdf, selectors, services
from plans.charts import debt_chart
from plans.estimates import ESTIMATE_NOTE
from plans.services import PlanData
from plans.wording import shown_note
from tests.pdf import pdf_text
from tests.test_dutch_audit import french_in

D = Decimal
TODAY = date(2023, 3, 1)

# The French of the plan engine's working and of the seven years' source: none of it may
# reach a Dutch court document.
FRENCH_ENGINE_TEXT = (
    "Durée :",
    "versement(s)",
    "Disponible :",
    "Plan amiable",
    "la remise éventuelle",
    "Frais et honoraires d'abord",
    "Aux créanciers",
    "Rangs motivés",
    "Égalité des créanciers",
    "Répartition au marc le franc",
    "Créances admises",
    "déjà payé",
    "non remis",
    "décision d'admissibilité",
    "plan amiable",
    "créancier",
    "créance",
    " du ",
    " au ",
)


def _terms(**kw) -> engine.PlanTerms:
    lines = (
        engine.Line("a", "a", "Banque A", D("5000.00")),
        engine.Line("b", "b", "Energie B", D("2000.00"), rank=engine.Rank.DIGNITY),
    )
    values = {
        "start": date(2022, 9, 1),
        "duration_months": 12,
        "monthly_available": D("1000.00"),
        "fee_provision": D("1200.00"),
        "lines": lines,
        "opening_balance": D("150.00"),
        "one_offs": (engine.OneOff(date(2023, 1, 10), D("300.00"), "Remboursement d'impôt"),),
    }
    values.update(kw)
    return engine.PlanTerms(**values)


def test_the_working_is_its_french_text_and_renders_in_dutch():
    result = engine.compute_plan(_terms())
    assert result.working == tuple(str(line) for line in result.working_text)
    assert "Aux créanciers : 12.450,00\u00a0€ − 1.200,00\u00a0€ = 11.250,00\u00a0€." in (
        result.working
    )
    assert any("100,00\u00a0€ × 12" in line for line in result.working)  # the fee split
    with translation.override("nl"):
        dutch = [localize(line) for line in result.working_text]
    shown = [line.replace("\u00a0", " ") for line in dutch]
    assert "Aan de schuldeisers: € 12.450,00 − € 1.200,00 = € 11.250,00." in shown
    assert any("€\u00a0100,00 × 12" in line for line in dutch)
    for line in dutch:
        for french in FRENCH_ENGINE_TEXT:
            assert french not in line, (french, line)
    with translation.override("fr"):
        assert [localize(line) for line in result.working_text] == list(result.working)


def test_the_chart_s_amounts_follow_the_language():
    result = engine.compute_plan(_terms())
    with translation.override("nl"):
        dutch = debt_chart(result)
    with translation.override("fr"):
        french = debt_chart(result)
    assert [label for _y, label in dutch.y_ticks][-1] == "€\u00a08.000"
    assert [label for _y, label in french.y_ticks][-1] == "8.000\u00a0€"
    assert dutch.end_label == "€\u00a00" and french.end_label == "0\u00a0€"


def test_the_seven_years_source_is_written_when_shown():
    begin = engine.seven_year_start(judicial=False, admissibility=date(2022, 6, 15))
    with translation.override("nl"):
        dutch = str(begin.explanation)
    with translation.override("fr"):
        french = str(begin.explanation)
    assert french == "décision d'admissibilité (plan amiable, art. 1675/10 §5 al. 3 C.J.)"
    assert dutch != french and "1675/10" in dutch and "admissibilité" not in dutch


# --- the plan of a Dutch division --------------------------------------------------------------


@pytest.fixture
def creditors(world):
    found = {}
    for key, name, principal, rank in (
        ("a", "Bank A", "5000.00", PlanRank.COMMON),
        ("b", "Bank B", "3000.00", PlanRank.COMMON),
        ("c", "Energie C", "2000.00", PlanRank.DIGNITY),
    ):
        creditor = Creditor.objects.create(
            organisation=world.org, name=name, address=f"Straat {name} 1\n8000 Brugge"
        )
        Claim.objects.create(
            case=world.case,
            creditor=creditor,
            principal=D(principal),
            declared_on=date(2022, 7, 1),
            status=ClaimStatus.ACCEPTED,
            plan_rank=rank,
            rank_reason="Energieschuld" if rank == PlanRank.DIGNITY else "",
        )
        found[key] = creditor
    return found


def _plan(world, creditors, **kw):
    data = PlanData(
        kind="amicable",
        start_date=date(2022, 9, 1),
        duration_months=12,
        monthly_available=D("1000.00"),
        fee_provision=D("1200.00"),
        **kw,
    )
    version = services.plan_create(case=world.case, data=data, by=world.mediator)
    services.plan_send(
        version=version,
        creditor_ids=[c.pk for c in creditors.values()],
        copy_to_applicants=False,
        sent_on=date(2022, 8, 1),
        registered=True,
        postage=D("8.40"),
        by=world.mediator,
        today=TODAY,
    )
    return version


@pytest.mark.django_db
def test_a_dutch_division_files_a_plan_without_french_engine_text(world, creditors, tmp_path):
    Case.objects.filter(pk=world.case.pk).update(division="brugge")
    world.case.refresh_from_db()
    with translation.override("fr"):  # a French-speaking mediator files it
        note = _(ESTIMATE_NOTE) % {
            "start": "01/09/2022",
            "end": "01/09/2023",
            "dividends": 24,
            "allowance": 12,
            "detail": "2.2 : 240,00\u00a0€, 2.3 : 960,00\u00a0€",
            "vat": "0,00\u00a0€",
            "total": "1.200,00\u00a0€",
        }
        version = _plan(world, creditors, fee_source="estimate", fee_estimate_note=note)
        version = services.plan_file(version=version, by=world.mediator, today=TODAY)
        view = selectors.compute(version)
    document = Document.objects.get(kind=DocumentKind.PLAN)
    with document.file.open("rb") as handle:
        text = pdf_text(handle.read(), tmp_path)
    flat = " ".join(text.split())
    assert "ARBEIDSRECHTBANK GENT, AFDELING BRUGGE" in flat.upper()
    with translation.override("nl"):
        dutch = [localize(line) for line in view.result.working_text]
        source = str(view.limit.source)
    assert any(line.startswith("Aan de schuldeisers:") for line in dutch)
    for line in [*dutch, source]:
        assert " ".join(line.split()) in flat, line
    # The working's French stays the result's text (the plan screens of a French reader).
    assert any(line.startswith("Aux créanciers :") for line in view.result.working)
    rules = flat[flat.index(dutch[0][:20]) :]
    for french in FRENCH_ENGINE_TEXT:
        assert french not in rules, french
    assert "décision d'admissibilité" not in flat and "Aux créanciers" not in flat
    # The estimate's note the version stored in French is printed in Dutch.
    assert version.fee_estimate_note == note
    assert "Raming door de erelonenmodule voor de periode van 01/09/2022 tot 01/09/2023" in flat
    assert "2.2 : € 240,00, 2.3 : € 960,00" in flat and "totaal € 1.200,00" in flat
    assert "Estimation du moteur" not in flat
    # The court is named in Dutch beside the R.G. too.
    assert "Tribunal du travail" not in flat and "Rechtbank Arbeidsrechtbank Gent" in flat


@pytest.mark.django_db
def test_a_french_division_s_plan_keeps_its_french_working(world, creditors):
    Case.objects.filter(pk=world.case.pk).update(division="namur")
    world.case.refresh_from_db()
    version = _plan(world, creditors)
    with translation.override("nl"):  # a Dutch-speaking reader prints the court version
        view = selectors.compute(version)
        html = pdf.plan_html(view, on=TODAY, mode="court")
    for line in view.result.working:
        assert f"<li>{escape(line)}</li>" in html, line
    assert escape("décision d'admissibilité (plan amiable, art. 1675/10 §5 al. 3 C.J.)") in html


@pytest.mark.django_db
def test_the_plan_page_shows_the_working_in_the_reader_s_language(world, creditors, client):
    version = _plan(world, creditors)
    client.force_login(world.mediator)
    url = reverse("plans:version_detail", args=[world.case.pk, version.number])
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Aan de schuldeisers:" in dutch and "Aux créanciers :" not in dutch
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Aux créanciers :" in french


# --- the notes a version stores as text ------------------------------------------------------


def test_a_stored_note_is_shown_in_the_active_language_or_as_stored():
    with translation.override("fr"):  # written on a French screen
        budget = _(AVAILABLE_EXPLANATION) % {
            "number": 2,
            "date": "01/02/2023",
            "resources": "1.850,00\u00a0€",
            "allowance": "1.100,00\u00a0€",
            "amount": "750,00\u00a0€",
        }
    with translation.override("nl"):
        dutch = shown_note(budget)
        assert shown_note("Montant convenu avec le CPAS") == "Montant convenu avec le CPAS"
    assert dutch == (
        "Budget nr. 2 van 01/02/2023: maandelijkse middelen €\u00a01.850,00 − leefgeld "
        "€\u00a01.100,00 = €\u00a0750,00 per maand, vóór erelonen."
    )
    with translation.override("fr"):  # and back, from a note written on a Dutch screen
        assert shown_note(dutch) == budget
        assert shown_note(budget) == budget  # a French note on a French page: as stored


# --- the proposal mailed to the creditors and its cover letters (issue 12) --------------------


def _proposal_text(version) -> str:
    """The text of the proposal the mailing recorded (its cover letters, then the plan), read
    back with pypdf; a word hyphenated at the end of a line is joined again."""
    mailing = version.mailings.get()
    with mailing.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\u2010\n", "")


def _french_words(text: str, world, creditors) -> list[str]:
    """French left in ``text``, once the names the test data gives are taken out (proper
    names are not translated; tests/test_dutch_audit.py)."""
    applicants = [a.full_name for a in world.case.applicants.all()]
    addresses = [line for c in creditors.values() for line in c.address.splitlines()]
    names = [c.name for c in creditors.values()]
    head = letterhead(world.org)
    data = [
        *applicants,
        *addresses,
        *names,
        head["name"],
        *head["address_lines"],
        world.case.reference,
    ]
    return french_in(text, [d for d in data if d])


@pytest.mark.django_db
def test_a_dutch_division_s_proposal_and_cover_letters_are_dutch(world, creditors):
    Case.objects.filter(pk=world.case.pk).update(division="brugge")
    world.case.refresh_from_db()
    with translation.override("fr"):  # a French-speaking mediator sends it
        version = _plan(world, creditors)
    text = _proposal_text(version)
    flat = " ".join(text.split())
    # Each creditor's cover letter, then the plan, three times, in Dutch.
    assert flat.count("Geachte mevrouw, geachte heer,") == 3
    assert flat.count("Rechtbank: Arbeidsrechtbank Gent, afdeling Brugge") == 3
    assert "arbeidsrechtbank Gent, afdeling Brugge)" in flat  # the cover's first sentence
    assert "Ontwerp van minnelijke aanzuiveringsregeling".upper() in flat.upper()
    assert "Arbeidsrechtbank Gent, afdeling Brugge" in flat  # the plan's court, in full
    # Amounts and dates in the nl-BE style: the euro sign before the amount.
    assert "€ 1.000,00 per maand" in flat.replace("\u00a0", " ")
    assert "01/09/2022" in flat
    assert _french_words(text, world, creditors) == []
    for french in ("Madame", "Tribunal", "tribunal", "Projet de plan", "division Bruges"):
        assert french not in flat, french
    with translation.override("nl"):
        working = [localize(line) for line in selectors.compute(version).result.working_text]
    for line in working:
        assert " ".join(line.split()) in flat, line


@pytest.mark.django_db
def test_a_french_division_s_proposal_stays_french_on_a_dutch_screen(world, creditors):
    Case.objects.filter(pk=world.case.pk).update(division="dinant")
    world.case.refresh_from_db()
    with translation.override("nl"):  # a Dutch-speaking mediator sends it
        version = _plan(world, creditors)
    flat = " ".join(_proposal_text(version).split())
    assert flat.count("RECOMMANDÉ") == 3 and "Madame, Monsieur," in flat
    assert flat.count("Tribunal : Tribunal du travail de Liège, division Dinant") == 3
    assert "(tribunal du travail de Liège, division Dinant)" in flat
    assert "1.000,00 € par mois" in flat.replace("\u00a0", " ")
    assert "Geachte" not in flat and "arbeidsrechtbank" not in flat.lower()
    assert "Aux créanciers :" in flat
