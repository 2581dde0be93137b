"""Letter templates without template code (issue 16, "Mediator"): the text with fields and its
renderer (``letters.placeholders``), the editor's forms and live preview (htmx), the conversion
of the templates of the former syntax (``letters.legacy``, migration 0007), the PDF's title, and
the mediation account's IBAN taken from the ledger."""

import importlib
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from claims.models import Claim, Creditor
from ledger.services import account_open
from letters import pdf as letters_pdf
from letters.defaults import DEFAULT_TEMPLATES
from letters.legacy import convert
from letters.models import Letter, LetterTemplate
from letters.placeholders import (
    FIELDS,
    GROUPS,
    PlaceholderError,
    check_source,
    render_source,
    sample_context,
)
from letters.services import TemplateData, letter_send, letter_template_update

from .pdf import pdf_text

SENT_ON = date(2022, 7, 20)
HTMX = {"HTTP_HX_REQUEST": "true"}
# Typed by a user as plain text: printed as typed, never run, never HTML.
HOSTILE = '<script>alert("x")</script> {{ requerant }} {% if role %}R.G.{% endif %} {% load x %}'


@pytest.fixture
def creditor(world):
    creditor = Creditor.objects.create(
        organisation=world.org, name="Banque Ardennaise", address="Rue 1\n5000 Namur"
    )
    Claim.objects.create(
        case=world.case,
        creditor=creditor,
        principal=Decimal("1000.00"),
        interest=Decimal("234.50"),
        declared_on=date(2022, 7, 10),
        creditor_reference="DOS-001",
    )
    return creditor


# --- the renderer --------------------------------------------------------------------------


def test_fields_are_replaced_and_an_optional_passage_goes_when_its_field_is_empty():
    source = "Dossier de [requerant]<< (R.G. [role])>> du [DATE_admissibilite]."
    context = {"requerant": "Marie DUBOIS", "role": "22/1234/B", "date_admissibilite": "15/06/2022"}
    assert render_source(source, context) == (
        "Dossier de Marie DUBOIS (R.G. 22/1234/B) du 15/06/2022."
    )
    assert (
        render_source(source, {**context, "role": ""}) == "Dossier de Marie DUBOIS du 15/06/2022."
    )
    # Doubled brackets print a bracket; a bracket that holds no name is text.
    assert render_source("[[sic]] [1] […] a]b", {}) == "[sic] [1] […] a]b"


def test_unknown_fields_are_all_named_with_their_line():
    with pytest.raises(PlaceholderError) as caught:
        check_source("Bonjour [solde],\n\n[requerant] doit [montant_du].\n<<sans champ>>")
    messages = caught.value.messages
    assert any(m.startswith("Ligne 1 : le champ [solde] n'existe pas") for m in messages)
    assert any(m.startswith("Ligne 3 : le champ [montant_du] n'existe pas") for m in messages)
    assert any("Ligne 4" in m and "ne contient aucun champ" in m for m in messages)
    assert len(messages) == 3


def test_text_typed_by_a_user_is_never_executed():
    """``{{ }}``, ``{% %}`` and ``<script>`` are text: the renderer prints them as typed (no
    template engine sees them), and a value holding them is printed as it is too."""
    assert render_source(HOSTILE, sample_context()) == HOSTILE
    context = {**sample_context(), "requerant": "{{ secret }}<b>Marie</b>"}
    assert render_source("[requerant]", context) == "{{ secret }}<b>Marie</b>"
    with pytest.raises(TypeError):
        render_source("[requerant]", {"requerant": object()})


def test_every_field_has_a_group_a_label_and_an_example():
    assert {field.group for field in FIELDS} == set(GROUPS)
    assert len({field.name for field in FIELDS}) == len(FIELDS)
    for field in FIELDS:
        assert str(field.label) and str(field.description) and field.example
        check_source(f"[{field.name}]")


# --- the conversion of the former syntax ---------------------------------------------------


def _old_syntax(text: str) -> str:
    """The former wording of a text with fields: ``[x]`` -> ``{{ x }}`` and ``<<…[x]…>>`` ->
    ``{% if x %}…{% endif %}`` (what the default templates were before issue 16)."""

    def passage(match):
        inner = match.group(1)
        name = re.search(r"\[(\w+)\]", inner).group(1)
        return "{% if " + name + " %}" + inner + "{% endif %}"

    text = re.sub(r"<<(.*?)>>", passage, text, flags=re.DOTALL)
    return re.sub(r"\[(\w+)\]", r"{{ \1 }}", text)


def test_the_former_default_templates_convert_to_the_new_ones_exactly():
    for template in DEFAULT_TEMPLATES:
        for field in ("subject", "body"):
            old = _old_syntax(template[field])
            assert "{{" in old
            assert convert(old).text == template[field], (template["kind"], field)


@pytest.mark.parametrize(
    "source,problem",
    [
        ("{{ requerant|upper }}", "Filtre non converti"),
        ("{% if role %}R.G. {{ role }}{% else %}sans rôle{% endif %}", "Balise non convertie"),
        ("{% if role %}{% if date %}{{ date }}{% endif %}{% endif %}", "imbriquées"),
        ("{% if role %}R.G. inconnu{% endif %}", "n'imprime pas le champ role"),
        ("{{ solde }}", "Champ inconnu"),
        ("{% if role %}R.G. {{ role }}", "n'est pas fermée"),
        ("Montant << 100 € {{ date }}", "réservés aux passages facultatifs"),
    ],
)
def test_what_cannot_be_converted_is_reported(source, problem):
    result = convert(source)
    assert result.text is None
    assert any(problem in p for p in result.problems), result.problems


def test_conversion_keeps_literal_brackets_and_drops_comments():
    assert (
        convert("Réf. [interne] {# note #}{{ reference }}").text == "Réf. [[interne]] [reference]"
    )


def test_the_data_migration_converts_or_flags_the_templates(world):
    migration = importlib.import_module("letters.migrations.0007_templates_without_code")
    reminder = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="reminder")
    default_body = reminder.body
    LetterTemplate.objects.filter(pk=reminder.pk).update(
        subject=_old_syntax(reminder.subject), body=_old_syntax(reminder.body)
    )
    edited = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="other")
    LetterTemplate.objects.filter(pk=edited.pk).update(
        subject="Dossier {{ reference }}",
        body="Madame,{% if reference_creancier %} réf. {{ reference_creancier }}{% endif %} [x]",
    )
    odd = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="bank_notice")
    odd_body = "Bonjour {{ requerant|upper }},{% if role %} R.G. {{ role }}{% else %}—{% endif %}"
    LetterTemplate.objects.filter(pk=odd.pk).update(body=odd_body)
    untouched = LetterTemplate.objects.get(
        organisation=world.org, language="fr", kind="closure_bank"
    )
    before = (untouched.subject, untouched.body)

    migration.convert_templates(apps, SimpleNamespace(connection=connection))

    reminder.refresh_from_db()
    assert reminder.body == default_body and not reminder.needs_review
    edited.refresh_from_db()
    assert (edited.subject, edited.body) == (
        "Dossier [reference]",
        "Madame,<< réf. [reference_creancier]>> [[x]]",
    )
    odd.refresh_from_db()
    assert odd.body == odd_body  # kept as it was, not lost
    assert odd.needs_review
    assert "{{ requerant|upper }}" in odd.review_note and "{% else %}" in odd.review_note
    untouched.refresh_from_db()
    assert (untouched.subject, untouched.body) == before
    migration.convert_templates(apps, SimpleNamespace(connection=connection))  # again: no change
    edited.refresh_from_db()
    assert edited.body == "Madame,<< réf. [reference_creancier]>> [[x]]"


def test_a_template_to_review_is_not_sent_until_the_administrator_saves_it(
    world, creditor, monkeypatch
):
    monkeypatch.setattr(letters_pdf, "render_letter_pdf", lambda letter: b"%PDF-1.4\n")
    template = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="other")
    LetterTemplate.objects.filter(pk=template.pk).update(
        body="{{ requerant|upper }}", needs_review=True, review_note="Modèle à revoir : filtre."
    )
    template.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        letter_send(
            case=world.case,
            template=template,
            subject="Objet",
            body="Texte",
            addressee_keys=[f"c{creditor.pk}"],
            registered=False,
            postage=None,
            sent_on=SENT_ON,
            by=world.mediator,
        )
    assert "est à revoir" in caught.value.message_dict["template"][0]
    assert not Letter.objects.exists()
    letter_template_update(
        template=template,
        data=TemplateData(kind="other", name=template.name, subject="Objet", body="[requerant]"),
        by=world.administrator,
    )
    template.refresh_from_db()
    assert (template.needs_review, template.review_note) == (False, "")


# --- forms: every error at once ------------------------------------------------------------


def test_the_template_form_reports_every_error_at_once(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("letters:template_create"),
        {"kind": "other", "name": "", "subject": "Objet [sujet]", "body": "[solde] <<x>>"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors
    assert any("[sujet]" in m for m in form.errors["subject"])
    assert any("[solde]" in m for m in form.errors["body"])
    assert any("aucun champ" in m for m in form.errors["body"])
    assert not LetterTemplate.objects.filter(subject="Objet [sujet]").exists()


def test_the_compose_form_reports_every_error_at_once(client, world, creditor):
    client.force_login(world.mediator)
    response = client.post(
        reverse("letters:compose", args=[world.case.pk]),
        {
            "action": "send",
            "addressees": [f"c{creditor.pk}"],
            "subject": "Objet",
            "body": "Bonjour [solde]",
            "registered": "on",
            "postage": "",
            "sent_on": "31/02/2022",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "sent_on" in errors  # the date the form cannot read
    assert "postage" in errors  # and, at the same time, the service's checks
    assert any("[solde]" in m for m in errors["body"])
    assert not Letter.objects.exists()


# --- the live preview (htmx) ---------------------------------------------------------------


def test_template_preview_over_the_sample_values_and_over_a_case(client, world, creditor):
    client.force_login(world.administrator)
    url = reverse("letters:template_preview")
    sample = client.post(
        url, {"subject": "Objet [reference]", "body": "Bonjour [requerant]"}, **HTMX
    )
    assert sample.status_code == 200
    html = sample.content.decode()
    assert "Bonjour Marie DUBOIS" in html and "CPN-2022-0042" in html
    assert "Avec les valeurs d'exemple." in html
    over_case = client.post(
        url,
        {
            "subject": "[reference]",
            "body": "[destinataire] : [montant_creance]",
            "preview_case": world.case.pk,
        },
        **HTMX,
    )
    html = over_case.content.decode()
    assert world.case.reference in html
    assert "Banque Ardennaise : 1.234,50\u00a0€" in html
    refused = client.post(url, {"subject": "Objet", "body": "[solde]"}, **HTMX)
    assert "le champ [solde] n&#x27;existe pas" in refused.content.decode()


def test_the_preview_escapes_what_the_user_typed(client, world):
    client.force_login(world.administrator)
    response = client.post(
        reverse("letters:template_preview"), {"subject": "Objet", "body": HOSTILE}, **HTMX
    )
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "{{ requerant }}" in html  # printed as typed (and pointed out), not rendered
    assert "seront imprimées telles quelles" in html


def test_template_preview_access(client, world):
    url = reverse("letters:template_preview")
    data = {"subject": "Objet", "body": "[requerant]"}
    for user in (world.mediator, world.clerk, world.supervisor):
        client.force_login(user)
        assert client.post(url, data, **HTMX).status_code == 403
    client.force_login(world.administrator)
    # Another organisation's case: 404, and nothing of it shows.
    other = client.post(url, {**data, "preview_case": world.other_case.pk}, **HTMX)
    assert other.status_code == 404
    assert client.get(url).status_code == 405


def test_another_organisations_template_is_a_404(client, world):
    other = LetterTemplate.objects.filter(organisation=world.other_org).first()
    client.force_login(world.administrator)
    assert client.get(reverse("letters:template_edit", args=[other.pk])).status_code == 404
    client.force_login(world.clerk)
    assert client.get(reverse("letters:template_edit", args=[other.pk])).status_code == 403


def test_compose_preview_over_the_case_and_the_first_addressee(client, world, creditor):
    client.force_login(world.mediator)
    url = reverse("letters:compose_preview", args=[world.case.pk])
    response = client.post(
        url,
        {
            "subject": "Objet",
            "body": "Madame,<< votre référence : [reference_creancier]>> [date]",
            "addressees": [f"c{creditor.pk}"],
            "sent_on": "20/07/2022",
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Madame, votre référence : DOS-001 20/07/2022" in html
    assert "pour Banque Ardennaise" in html
    for user, status in ((world.colleague, 403), (world.clerk, 403), (world.other_mediator, 404)):
        client.force_login(user)
        assert client.post(url, {"subject": "x", "body": "y"}, **HTMX).status_code == status


def test_the_editor_pages_show_the_field_menu(client, world):
    client.force_login(world.administrator)
    template = LetterTemplate.objects.filter(organisation=world.org).first()
    html = client.get(reverse("letters:template_edit", args=[template.pk])).content.decode()
    assert 'data-insert-field="requerant"' in html
    assert 'data-insert-field="compte_mediation"' in html
    assert "data-wrap-optional" in html
    assert 'hx-post="/courriers/modeles/apercu/"' in html
    assert "{%" not in html and "{{" not in html  # no template code shown anywhere
    assert "letter_editor.js" in html


# --- the letter sent: the PDF's title and the mediation account ----------------------------


def test_the_pdf_has_a_title_without_code_and_the_ledgers_iban(world, creditor, tmp_path):
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    world.case.role_number = "22/1234/B"
    world.case.account_iban = "BE68539007547034"  # the case's field, not the account
    world.case.save()
    account_open(case=world.case, iban="BE71096123456769")
    template = LetterTemplate.objects.get(
        organisation=world.org, language="fr", kind="income_notice"
    )
    letter = letter_send(
        case=world.case,
        template=template,
        subject=template.subject,
        body=template.body,
        addressee_keys=[f"c{creditor.pk}"],
        registered=False,
        postage=None,
        sent_on=SENT_ON,
        by=world.mediator,
    )
    content = letter.pdf.read()
    text = pdf_text(content, tmp_path)
    assert "BE71 0961 2345 6769" in text
    assert "BE68 5390 0754 7034" not in text
    assert "[" not in text and "{{" not in text and "<<" not in text
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    title = next(line for line in info.stdout.splitlines() if line.startswith("Title:"))
    assert "Règlement collectif de dettes de Marie DUBOIS – R.G. 22/1234/B" in title
    assert "[" not in title and "{" not in title and "<<" not in title
    assert letter.title.startswith("Règlement collectif de dettes de Marie DUBOIS")


def test_the_compose_page_shows_why_a_template_to_review_is_refused(client, world, creditor):
    template = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="other")
    LetterTemplate.objects.filter(pk=template.pk).update(
        body="{{ requerant|upper }}", needs_review=True, review_note="Modèle à revoir : filtre."
    )
    client.force_login(world.mediator)
    url = reverse("letters:compose", args=[world.case.pk])
    page = client.get(url + f"?modele={template.pk}").content.decode()
    assert "il ne peut pas encore être utilisé pour un envoi" in page
    response = client.post(
        url,
        {
            "action": "send",
            "template": template.pk,
            "addressees": [f"c{creditor.pk}"],
            "subject": "Objet",
            "body": "{{ requerant|upper }}",
            "sent_on": "20/07/2022",
        },
    )
    assert response.status_code == 200
    assert any("est à revoir" in e for e in response.context["form"].non_field_errors())
    assert "Modèle à revoir : filtre." in response.content.decode()
    assert not Letter.objects.exists()
