"""Dutch complete (issue 16): the engines' working text, the fee statement of a Dutch division,
the filed documents' titles.

The fee engine and the living-allowance engine write phrases (``core.phrases``): their French
text is what the statement and its ``rcd-taxation/1`` JSON always carried (unchanged), and the
screens render them in the reader's language, a court document in the language of the procedure
(``core.divisions.procedure_language``; issue 12, ``docs/court-documents.md``)."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from budget.allowance import (
    Household,
    Income,
    IncomeKind,
    RisCategory,
    check_allowance,
    compute_floors,
    household_problem_phrases,
    household_problems,
    load_default_tables,
)
from budget.models import IntegrationIncomeRecord, SeizureScaleRecord
from budget.services import BudgetData, IncomeData, budget_version_create
from cases.models import Case
from core.phrases import Cased, Money, from_json, gettext_noop, joined, ngettext, to_json
from core.translate import localize, localize_stored
from documents.models import Document
from fees.engine import CaseFacts, CreditorFacts, PricingMethod, ServiceFacts, compute_statement
from fees.models import StatementLine, TariffRowRecord
from fees.services import statement_create, statement_file
from fees.tariffs import load_default_tariffs
from fees.tests.db import creditors_with_claims, income, open_account, post, service
from ledger.models import Category
from reports import pdf as report_pdf
from reports import selectors as report_selectors
from tests.pdf import pdf_text

D = Decimal
FROM, TO = date(2022, 6, 15), date(2023, 6, 15)

# French a Dutch court document or screen must not contain (headings, the engine's words).
FRENCH_IN_A_STATEMENT = (
    "État de frais",
    "Etat de frais",
    "honoraires",
    "Suivi annuel",
    "Année de suivi",
    "créancier",
    "Créancier",
    "Présence à l'audience",
    "Lettre ordinaire",
    "Frais de recommandé",
    "Paiement effectué",
    "tarif en vigueur",
    "ventilation par année",
    "hors TVA",
    "Médiateur",
    "médiateur",
    "Requérant",
    "requérant",
    "Montant",
    "Rapport annuel",
    " du ",
    " au ",
)


# --- phrases (pure) -----------------------------------------------------------------------


def test_a_phrase_is_its_french_text_and_survives_json():
    phrase = gettext_noop(
        "%(what)s du %(date)s (%(creditors)s)",
        what=Cased(gettext_noop("Demande d'homologation du plan"), "lower"),
        date=date(2022, 3, 10),
        creditors=ngettext("%(n)s créancier", "%(n)s créanciers", 5),
    )
    assert str(phrase) == "demande d'homologation du plan du 10/03/2022 (5 créanciers)"
    one = ngettext("%(n)s créancier", "%(n)s créanciers", 1)
    assert str(one) == "1 créancier"
    terms = joined(" + ", [Money(D("1234.5")), Money(D("2"))])
    assert str(terms) == "1.234,50\u00a0€ + 2,00\u00a0€"
    for value in (phrase, one, terms):
        assert from_json(json.loads(json.dumps(to_json(value)))) == value


def test_a_phrase_renders_in_the_active_language_and_money_follows_it():
    phrase = gettext_noop("Frais administratifs du %(date)s", date=date(2023, 2, 1))
    amount = gettext_noop("%(amount)s × %(days)s", amount=Money(D("12.5")), days=3)
    with translation.override("nl"):
        assert localize(phrase) == "Administratieve kosten van 01/02/2023"
        assert localize(amount) == "€\u00a012,50 × 3"
    with translation.override("fr"):
        assert localize(phrase) == "Frais administratifs du 01/02/2023"


def test_an_unreadable_stored_phrase_falls_back_to_the_stored_text():
    assert localize_stored(None, "Suivi annuel") == "Suivi annuel"
    assert localize_stored({"x": 1}, "Suivi annuel") == "Suivi annuel"
    broken = {"t": "%(missing)s", "p": {"other": 1}}
    assert localize_stored(broken, "Suivi annuel") == "Suivi annuel"


# --- the fee engine (pure) ----------------------------------------------------------------


def _statement():
    creditors = tuple(CreditorFacts(f"c{i}", f"Créancier {i}") for i in range(7))
    case = CaseFacts(
        "TEST-1",
        date(2021, 6, 15),
        pricing_method=PricingMethod.BY_YEAR_PRORATA,
        creditors=creditors,
        services=(
            ServiceFacts("s1", date(2022, 12, 20), "hearing"),
            ServiceFacts("s2", date(2023, 2, 1), "letter", registered_postage=D("8.40")),
            ServiceFacts("s3", date(2023, 3, 1), "travel", km=D("12.5")),
        ),
    )
    return compute_statement(case, FROM, TO, load_default_tariffs())


def test_the_engine_keeps_its_french_text_and_renders_it_in_dutch():
    statement = _statement()
    follow_up = next(line for line in statement.lines if line.article == "2.3")
    # The French text and the rcd-taxation/1 JSON are as they always were.
    assert follow_up.label == "Suivi annuel 15/06/2022–14/06/2023 (7 créanciers)"
    (follow_up_json,) = [line for line in statement.to_json()["lines"] if line["article"] == "2.3"]
    assert follow_up_json["label"] == follow_up.label
    assert follow_up_json["explanation"] == follow_up.explanation
    assert str(follow_up.label_text) == follow_up.label
    assert str(follow_up.explanation_text) == follow_up.explanation
    with translation.override("nl"):
        label = localize(follow_up.label_text)
        explanation = localize(follow_up.explanation_text)
        texts = [localize(line.label_text) for line in statement.lines]
        texts += [localize(line.explanation_text) for line in statement.lines]
    assert label == "Jaarlijkse opvolging 15/06/2022–14/06/2023 (7 schuldeisers)"
    assert explanation.startswith("Opvolgingsjaar 2 (15/06/2022–14/06/2023, 365 dagen)")
    assert "opsplitsing per jaar, pro rata temporis" in explanation.lower()
    for text in texts:
        for french in ("créancier", "Suivi", "Année", "tarif en vigueur", "hors TVA", " du "):
            assert french not in text, (french, text)


# --- the living-allowance engine (pure) -------------------------------------------------------


def test_the_allowance_working_and_household_messages_render_in_dutch():
    household = Household(RisCategory.FAMILY, dependent_children=0, adults=1)
    incomes = [Income(IncomeKind.EARNED, D("2100.00")), Income(IncomeKind.GRAPA, D("100.00"))]
    floors = compute_floors(incomes, household, date(2024, 6, 1), load_default_tables())
    assert floors.working == tuple(str(line) for line in floors.working_text)
    assert any("(GRAPA)" in line for line in floors.working)  # no more "(grapa)"
    problem = household_problems(household)["ris_category"]
    assert "enfant mineur" in problem
    check = check_allowance(floors, D("10.00"), agreement_recorded=False)
    with translation.override("nl"):
        working = [localize(line) for line in floors.working_text]
        dutch_problem = localize(household_problem_phrases(household)["ris_category"])
        message = localize(check.text)
    assert working[0].startswith("Schaal van art. 1409 Ger.W. toegepast op 01/06/2024")
    assert any(line.startswith("— schijf ") for line in working)
    assert any("Absolute ondergrens" in line for line in working)
    assert "ongehuwd minderjarig kind" in dutch_problem
    assert message.startswith("Het leefgeld (€\u00a010,00) ligt onder de absolute ondergrens")
    for line in [*working, dutch_problem, message]:
        for french in ("Barème", "tranche", "Plancher", "requérant", "pécule", "Quotité"):
            assert french not in line, (french, line)


# --- fee statements in the database ----------------------------------------------------------


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
    service(case, "admin_cost", date(2023, 3, 1), amount=D("12.00"))
    return case


def _create(case, by):
    return statement_create(
        case=case, period_from=FROM, period_to=TO, occasion="annual_report", by=by
    )


@pytest.mark.django_db
def test_a_dutch_division_files_a_dutch_statement_whatever_the_interface(case, world, tmp_path):
    Case.objects.filter(pk=case.pk).update(division="brugge")
    case = Case.objects.get(pk=case.pk)
    with translation.override("fr"):  # a French-speaking mediator files it
        statement = statement_file(statement=_create(case, world.mediator), by=world.mediator)
    text = pdf_text(statement.document.file.read(), tmp_path)
    flat = " ".join(text.split())
    assert "Staat van kosten en erelonen" in flat
    assert "ARBEIDSRECHTBANK GENT, AFDELING BRUGGE" in flat.upper()
    assert "Jaarlijkse opvolging 15/06/2022–14/06/2023" in flat
    assert "Aanwezigheid op de openbare zitting van 20/12/2022" in flat
    assert "Kosten aangetekende zending – gewone brief van 01/02/2023" in flat
    assert "Pagina 1 / " in flat and "Dagboek nr. " in flat
    # The Moniteur belge notices the tariff rows cite are data, quoted as published.
    words = re.sub(r"(?is)bronnen van de geïndexeerde bedragen.*?voor echt en waar", " ", flat)
    for french in FRENCH_IN_A_STATEMENT:
        assert french not in words, french
    # The stored French text stays (the statement's record), the snapshot too.
    line = statement.lines.get(article="2.3")
    assert line.label.startswith("Suivi annuel")
    assert statement.snapshot["lines"][0]["label"] == statement.lines.get(position=1).label
    # Its filed title is Dutch, and French again on a French screen.
    assert statement.document.title.startswith("Staat van kosten en erelonen van 15/06/2022")
    with translation.override("fr"):
        assert statement.document.display_title.startswith(
            "État de frais et honoraires du 15/06/2022 au 14/06/2023 (occasion : Rapport annuel)"
        )


@pytest.mark.django_db
def test_the_statement_screen_shows_the_lines_in_the_reader_s_language(case, world, client):
    statement = _create(case, world.mediator)
    client.force_login(world.mediator)
    url = reverse("fees:statement_detail", args=[case.pk, statement.pk])
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Jaarlijkse opvolging 15/06/2022–14/06/2023 (6 schuldeisers)" in dutch
    assert "Opvolgingsjaar" in dutch
    assert "Suivi annuel" not in dutch and "Année de suivi" not in dutch
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Suivi annuel 15/06/2022–14/06/2023 (6 créanciers)" in french


@pytest.mark.django_db
def test_a_line_computed_before_phrases_were_kept_is_recognised_or_shown_as_stored(case, world):
    statement = _create(case, world.mediator)  # a draft: its lines may still change
    StatementLine.objects.filter(statement=statement).update(texts=None)
    line = statement.lines.get(article="2.3")
    assert line.label == "Suivi annuel 15/06/2022–14/06/2023 (6 créanciers)"
    hearing = statement.lines.get(article="3")
    with translation.override("nl"):
        # The label is recognised from the engine's message (fees.wording)...
        assert line.shown_label == "Jaarlijkse opvolging 15/06/2022–14/06/2023 (6 schuldeisers)"
        assert hearing.shown_label == "Aanwezigheid op de openbare zitting van 20/12/2022"
        # ... the explanation is shown as stored.
        assert line.shown_explanation == line.explanation
    with translation.override("fr"):
        assert line.shown_label == line.label


# --- titles of filed documents ---------------------------------------------------------------


@pytest.mark.django_db
def test_titles_of_filed_documents_follow_the_reader_s_language(world, client):
    def filed(kind, title):
        return Document.objects.create(
            case=world.case,
            kind=kind,
            title=title,
            file="cases/x.pdf",
            uploaded_by=world.mediator,
            filed_by=world.mediator,
            filed_at="2024-01-10T10:00:00Z",
            filed_division="namur",
        )

    # Older rows: French titles, whatever the division.
    statement = filed(
        "taxation_statement",
        "État de frais et honoraires du 15/06/2022 au 14/06/2023 (occasion : Rapport annuel)",
    )
    report = filed("annual_report", "Rapport du médiateur — période du 15/06/2023 au 14/06/2024")
    plan = filed("plan", "Plan de règlement amiable — version 2 (requête en homologation)")
    petition = filed("petition", "Requête en autorisation de dépense")
    own = filed("annual_report", "Mon rapport à moi")  # a mediator's own title: as written
    with translation.override("nl"):
        assert statement.display_title == (
            "Staat van kosten en erelonen van 15/06/2022 tot 14/06/2023 (aanleiding: Jaarverslag)"
        )
        assert report.display_title == (
            "Verslag van de schuldbemiddelaar — periode van 15/06/2023 tot 14/06/2024"
        )
        assert plan.display_title == (
            "Minnelijke aanzuiveringsregeling — versie 2 (verzoekschrift tot homologatie)"
        )
        assert petition.display_title == "Verzoek tot machtiging van een uitgave"
        assert own.display_title == "Mon rapport à moi"
    # A Dutch title read on a French screen.
    dutch = filed(
        "taxation_statement",
        "Staat van kosten en erelonen van 15/06/2023 tot 14/06/2024 (aanleiding: Jaarverslag)",
    )
    with translation.override("fr"):
        assert dutch.display_title == (
            "État de frais et honoraires du 15/06/2023 au 14/06/2024 (occasion : Rapport annuel)"
        )
    # The clerk's list and the case's documents show them in the reader's language.
    client.force_login(world.clerk)
    page = client.get(reverse("documents:clerk_list"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Staat van kosten en erelonen van 15/06/2022 tot 14/06/2023" in page
    assert "État de frais et honoraires du" not in page
    client.force_login(world.mediator)
    url = reverse("documents:case_documents", args=[world.case.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Verslag van de schuldbemiddelaar — periode van 15/06/2023 tot 14/06/2024" in page
    assert "Rapport du médiateur" not in page


# --- the annual report of a Dutch division, with its budget annex --------------------------------


@pytest.mark.django_db
def test_a_dutch_division_annual_report_has_no_french(world):
    case = world.case
    Case.objects.filter(pk=case.pk).update(division="brugge")
    case = Case.objects.get(pk=case.pk)
    creditors_with_claims(case, 2, declared_on=date(2022, 7, 1), prefix="Schuldeiser")
    open_account(case)
    income(case, date(2023, 7, 1), "1800.00")
    version = budget_version_create(
        case=case,
        data=BudgetData(
            date=date(2024, 6, 1),
            ris_category="single",
            incomes=[IncomeData(kind="earned", label="Loon", amount=D("1900.00"))],
        ),
        by=world.mediator,
    )
    assert version.pk
    period = report_selectors.ReportPeriod(date(2023, 6, 15), date(2024, 6, 15))
    with translation.override("fr"):  # whatever the interface
        html = report_pdf.report_html(
            report_selectors.annual_report(case, period), observations="", on=date(2024, 7, 1)
        )
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    # The legal rows' sources are quoted as published (data).
    for model in (SeizureScaleRecord, IntegrationIncomeRecord, TariffRowRecord):
        for source in model.objects.values_list("source", flat=True):
            text = text.replace(source, " ")
    assert "Arbeidsrechtbank Gent, afdeling Brugge" in text
    assert "Beschikking van toelaatbaarheid" in text  # the opening's status note
    assert "Inkomen (1)" in text  # the journal's categories
    assert "bedraagt € 1.800,00" in text  # the narrative's amounts in Dutch
    for french in FRENCH_IN_A_STATEMENT + ("Barème", "tranche", "Plancher", "pécule", "Quotité"):
        assert french not in text, (french, text[text.find(french) - 80 : text.find(french) + 80])


@pytest.mark.django_db
def test_an_engine_refusal_is_in_the_reader_s_language(case, world):
    # A period that ends before the admissibility order (fees.md §7): nothing to tax.
    def create():
        return statement_create(
            case=case,
            period_from=date(2021, 1, 1),
            period_to=date(2022, 1, 1),
            occasion="annual_report",
            by=world.mediator,
        )

    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        create()
    assert refused.value.message_dict["period_to"] == [
        "De begrotingsperiode van 01/01/2021 tot 31/12/2021 eindigt vóór de beschikking van "
        "toelaatbaarheid van 15/06/2022: er kan niets in begroot worden."
    ]
    with translation.override("fr"), pytest.raises(ValidationError, match="rien ne peut y"):
        create()
