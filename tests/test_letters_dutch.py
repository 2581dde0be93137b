"""Issue 16 (Dutch complete) and issue 12 (a court is named in the language of the procedure):
the Dutch default letter templates, chosen for the cases of Dutch-language divisions by the
compose page, the closure letters and the annual report's copy; the court named in Dutch
("arbeidsrechtbank Antwerpen, afdeling Mechelen"; law of 15 June 1935 on the use of languages
in judicial matters, art. 2 and 4; Judicial Code art. 186)."""

from datetime import date

import pytest
from django.urls import reverse

from cases.models import Applicant
from closure import services as closure_services
from contacts.services import ThirdPartyData, third_party_create
from core.divisions import DUTCH_DIVISIONS, division_label, tribunal_of
from ledger.services import account_open
from letters.defaults import DEFAULT_TEMPLATES, DUTCH_TEMPLATES
from letters.models import REGISTERED_BY_DEFAULT, LetterKind, LetterTemplate
from letters.pdf import letter_html
from letters.placeholders import check_source, fields_of
from letters.selectors import template_for
from letters.services import letter_send

from .pdf import pdf_text

pytestmark = pytest.mark.django_db

IBAN = "BE71096123456769"


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_dutch_courts_are_named_in_dutch_and_the_french_ones_unchanged():
    assert tribunal_of("antwerpen") == "arbeidsrechtbank Antwerpen"
    assert tribunal_of("mechelen") == "arbeidsrechtbank Antwerpen"
    assert tribunal_of("hasselt") == "arbeidsrechtbank Antwerpen"
    assert tribunal_of("brugge") == "arbeidsrechtbank Gent"
    assert tribunal_of("leuven") == "arbeidsrechtbank Leuven"
    assert tribunal_of("brussel-nl") == "Nederlandstalige arbeidsrechtbank Brussel"
    # every Dutch-language division has a Dutch court name
    assert all("arbeidsrechtbank" in tribunal_of(d) for d in DUTCH_DIVISIONS)
    # asked in French, the French name
    assert tribunal_of("mechelen", "fr") == "tribunal du travail d'Anvers"
    # French divisions: unchanged, whatever the language asked
    assert tribunal_of("namur") == "tribunal du travail de Liège"
    assert tribunal_of("namur", "nl") == "tribunal du travail de Liège"
    assert tribunal_of("bruxelles-fr") == "tribunal du travail francophone de Bruxelles"
    assert tribunal_of("mons") == "tribunal du travail du Hainaut"
    assert tribunal_of("eupen") == "tribunal du travail d'Eupen"
    assert division_label("mechelen") == "Mechelen"
    assert division_label("brugge") == "Brugge"
    assert division_label("namur") == "Namur"


def test_each_default_template_has_its_dutch_version_with_the_same_fields():
    assert [t["kind"] for t in DUTCH_TEMPLATES] == [t["kind"] for t in DEFAULT_TEMPLATES]
    french = {t["kind"]: t for t in DEFAULT_TEMPLATES}
    for template in DUTCH_TEMPLATES:
        check_source(template["subject"])
        check_source(template["body"])
        source = french[template["kind"]]
        assert fields_of(template["subject"]) == fields_of(source["subject"])
        assert fields_of(template["body"]) == fields_of(source["body"]), template["kind"]
    assert {t["name"] for t in DUTCH_TEMPLATES}.isdisjoint(t["name"] for t in DEFAULT_TEMPLATES)


def test_a_new_organisation_has_both_sets(world):
    templates = LetterTemplate.objects.filter(organisation=world.org)
    assert templates.filter(language="fr").count() == len(DEFAULT_TEMPLATES)
    assert templates.filter(language="nl").count() == len(DUTCH_TEMPLATES)
    registered = set(
        templates.filter(language="nl", registered=True).values_list("kind", flat=True)
    )
    assert registered == set(REGISTERED_BY_DEFAULT)


@pytest.fixture
def dutch_case(world):
    """World's case, before the Mechelen division (Antwerp labour court): it proceeds in Dutch."""
    case = world.case
    case.division = "mechelen"
    case.role_number = "22/431/B"
    case.save()
    account_open(case=case, iban=IBAN)
    return case


def third_parties(case, by):
    employer = third_party_create(
        case=case,
        data=ThirdPartyData("employer", "Bakkerij Peeters", "Bruul 3\n2800 Mechelen", "W-7"),
        by=by,
    )
    bank = third_party_create(
        case=case,
        data=ThirdPartyData("bank", "KBC Bank", "Havenlaan 2\n1080 Brussel", "K-12"),
        by=by,
    )
    return employer, bank


def test_the_closure_letters_of_a_dutch_case_are_dutch(world, dutch_case, tmp_path):
    third_parties(dutch_case, world.mediator)
    letters = closure_services.closure_letters_send(
        case=dutch_case,
        data=closure_services.ClosureLettersData(
            kinds=[LetterKind.CLOSURE_INCOME, LetterKind.CLOSURE_BANK], sent_on=date(2023, 9, 20)
        ),
        by=world.mediator,
    )
    assert [letter.template.language for letter in letters] == ["nl", "nl"]
    income = one_line(pdf_text(letters[0].pdf.read(), tmp_path))
    assert "Collectieve schuldenregeling van Marie DUBOIS – A.R. 22/431/B" in income
    assert (
        "collectieve schuldenregeling van Marie DUBOIS (beschikking van toelaatbaarheid van "
        "15/06/2022, arbeidsrechtbank Antwerpen, afdeling Mechelen, A.R. 22/431/B) is beëindigd"
    ) in income
    assert "niet langer op de rubriekrekening BE71 0961 2345 6769 worden gestort" in income
    assert "(uw referentie: W-7)" in income
    bank = one_line(pdf_text(letters[1].pdf.read(), tmp_path))
    assert "Gelieve de rubriekrekening BE71 0961 2345 6769 die op mijn naam" in bank
    for text in (income, bank):
        assert "[" not in text and "<<" not in text
        assert "médiation" not in text and "tribunal du travail" not in text


def test_the_closure_letters_of_a_french_case_are_unchanged(world, tmp_path):
    account_open(case=world.case, iban=IBAN)
    third_parties(world.case, world.mediator)
    letters = closure_services.closure_letters_send(
        case=world.case,
        data=closure_services.ClosureLettersData(
            kinds=[LetterKind.CLOSURE_INCOME], sent_on=date(2023, 9, 20)
        ),
        by=world.mediator,
    )
    assert letters[0].template.language == "fr"
    text = one_line(pdf_text(letters[0].pdf.read(), tmp_path))
    assert (
        "règlement collectif de dettes de Marie DUBOIS (ordonnance d'admissibilité du "
        "15/06/2022, tribunal du travail de Liège, division Namur) a pris fin"
    ) in text
    assert "ne doivent plus être versées sur le compte de médiation BE71 0961 2345 6769" in text
    assert "rubriekrekening" not in text
    assert "Tribunal : Tribunal du travail de Liège, division Namur" in text
    assert "Concerne : Règlement collectif de dettes de Marie DUBOIS" in text


def test_a_letter_composed_from_a_dutch_template(client, world, dutch_case, tmp_path):
    """The compose page of a Dutch case opens on a Dutch template; sent, its PDF is Dutch with
    the fields filled."""
    client.force_login(world.mediator)
    response = client.get(reverse("letters:compose", args=[dutch_case.pk]))
    assert response.status_code == 200
    assert response.context["chosen"].language == "nl"
    assert response.context["form"].initial["subject"].startswith("Collectieve schuldenregeling")

    employer, _bank = third_parties(dutch_case, world.mediator)
    applicant = Applicant.objects.get(case=dutch_case)
    applicant.address = "Bruul 12\n2800 Mechelen"
    applicant.save()
    template = template_for(dutch_case, LetterKind.INCOME_NOTICE)
    assert template.language == "nl"
    letter = letter_send(
        case=dutch_case,
        template=template,
        subject=template.subject,
        body=template.body,
        addressee_keys=[f"t{employer.pk}", f"a{applicant.pk}"],
        registered=False,
        postage=None,
        sent_on=date(2023, 1, 10),
        by=world.mediator,
    )
    text = one_line(pdf_text(letter.pdf.read(), tmp_path))
    assert (
        "Als schuldbemiddelaar aangesteld in de collectieve schuldenregeling van Marie DUBOIS "
        "(beschikking van toelaatbaarheid van 15/06/2022, arbeidsrechtbank Antwerpen, afdeling "
        "Mechelen, A.R. 22/431/B)"
    ) in text
    assert "artikel 1675/9, § 1, 4°, Ger.W." in text
    assert "(uw referentie: W-7)" in text
    assert "rubriekrekening: BE71 0961 2345 6769" in text
    assert "[" not in text and "<<" not in text
    assert '<html lang="nl">' in letter_html(letter)  # hyphenated as Dutch
    # the letter's frame is Dutch too, naming the court in Dutch
    assert "Rechtbank: Arbeidsrechtbank Antwerpen, afdeling Mechelen" in text
    assert "Betreft: Collectieve schuldenregeling van Marie DUBOIS" in text
    assert "Concerne" not in text and "Médiateur de dettes" not in text


def test_the_template_in_the_procedure_language_else_the_other(world, dutch_case):
    """template_for: the case's procedure language first; without a template in it, the one
    the organisation has (a letter is never refused for want of a translation)."""
    report_copy = template_for(dutch_case, LetterKind.ANNUAL_REPORT_COPY)
    assert (report_copy.language, report_copy.name) == (
        "nl",
        "Afschrift van het jaarverslag aan de verzoeker",
    )
    assert template_for(world.other_case, LetterKind.ANNUAL_REPORT_COPY).language == "fr"
    LetterTemplate.objects.filter(organisation=world.org, language="nl").delete()
    assert template_for(dutch_case, LetterKind.ANNUAL_REPORT_COPY).language == "fr"
    LetterTemplate.objects.filter(organisation=world.org).delete()
    assert template_for(dutch_case, LetterKind.ANNUAL_REPORT_COPY) is None


def test_a_french_template_names_the_court_in_french_even_for_a_dutch_case(world, dutch_case):
    """The fields follow the template's language: a French letter about a Mechelen case says
    « tribunal du travail d'Anvers, division Malines », never « le arbeidsrechtbank »."""
    employer, _bank = third_parties(dutch_case, world.mediator)
    template = LetterTemplate.objects.get(
        organisation=world.org, language="fr", kind=LetterKind.INCOME_NOTICE
    )
    letter = letter_send(
        case=dutch_case,
        template=template,
        subject=template.subject,
        body=template.body,
        addressee_keys=[f"t{employer.pk}"],
        registered=False,
        postage=None,
        sent_on=date(2023, 1, 10),
        by=world.mediator,
    )
    body = one_line(letter.addressees.get().body)
    assert "tribunal du travail d'Anvers, division Malines, R.G. 22/431/B" in body
    assert "arbeidsrechtbank" not in body


def test_the_live_previews_name_the_court_in_the_templates_language(client, world, dutch_case):
    client.force_login(world.mediator)
    dutch = template_for(dutch_case, LetterKind.OTHER)
    french = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="other")
    url = reverse("letters:compose_preview", args=[dutch_case.pk])
    text = {"subject": "Objet", "body": "[tribunal], [division]"}
    assert "arbeidsrechtbank Antwerpen, Mechelen" in client.post(
        url, {**text, "template": dutch.pk}
    ).content.decode("utf-8")
    assert "tribunal du travail d&#x27;Anvers, Malines" in client.post(
        url, {**text, "template": french.pk}
    ).content.decode("utf-8")
    client.force_login(world.administrator)
    url = reverse("letters:template_preview")
    over = {**text, "preview_case": dutch_case.pk}
    assert "arbeidsrechtbank Antwerpen, Mechelen" in client.post(
        url, {**over, "language": "nl"}
    ).content.decode("utf-8")
    assert "tribunal du travail d&#x27;Anvers, Malines" in client.post(
        url, {**over, "language": "fr"}
    ).content.decode("utf-8")
