"""Letters (issue 3, "Letters"): templates and their placeholder whitelist, the letter -> billable
service rule (fees.md §1 items 4.1 / 4.2 / postage, §6), the PDF, and "nothing saved" when the
PDF cannot be produced."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Creditor, Representation, Representative
from contacts.models import ContactEntry
from core.roles import Role
from fees.engine import CaseFacts, CreditorFacts, ServiceFacts, compute_statement
from fees.models import Service
from fees.tariffs import load_default_tariffs
from letters import pdf as letters_pdf
from letters.defaults import DEFAULT_TEMPLATES, DUTCH_TEMPLATES
from letters.models import Letter, LetterAddressee, LetterTemplate
from letters.placeholders import (
    ADDRESSEE_PLACEHOLDERS,
    PLACEHOLDERS,
    PlaceholderError,
    case_context,
    check_source,
    render_source,
)
from letters.services import (
    TemplateData,
    billable_service_for,
    letter_send,
    letter_template_create,
    letter_template_update,
    letter_templates_ensure_defaults,
)

from .factories import UserFactory
from .pdf import pdf_text

FAKE_PDF = b"%PDF-1.4\n% fake\n"
SENT_ON = date(2022, 7, 20)
CREDITOR_NAMES = ["Banque Ardennaise", "Énergie Wallonne", "Mobistar Telecom", "SWDE", "Cofidis"]


@pytest.fixture
def creditors(world):
    """Five creditors who declared in world.case; a bailiff acts for the first one."""
    result = []
    for index, name in enumerate(CREDITOR_NAMES):
        creditor = Creditor.objects.create(
            organisation=world.org, name=name, address=f"Rue du Créancier {index + 1}\n5000 Namur"
        )
        Claim.objects.create(
            case=world.case,
            creditor=creditor,
            principal=Decimal("1000.00"),
            declared_on=date(2022, 7, 10),
            creditor_reference=f"DOS-{index + 1:03d}",
        )
        result.append(creditor)
    return result


@pytest.fixture
def bailiff_representation(world, creditors):
    bailiff = Representative.objects.create(
        organisation=world.org,
        name="Étude Dabin, huissiers de justice",
        role="bailiff",
        address="Avenue de la Gare 12\n5000 Namur",
    )
    return Representation.objects.create(
        case=world.case, creditor=creditors[0], representative=bailiff, file_reference="DAB-77"
    )


@pytest.fixture
def fake_pdf(monkeypatch):
    monkeypatch.setattr(letters_pdf, "render_letter_pdf", lambda letter: FAKE_PDF)


def send(world, keys, *, registered=False, postage=None, subject=None, body=None, **kwargs):
    return letter_send(
        case=world.case,
        template=None,
        subject=subject or "Règlement collectif de dettes de [requerant]",
        body=body or "Madame, Monsieur,\n\nVotre référence : [reference_creancier].",
        addressee_keys=keys,
        registered=registered,
        postage=postage,
        sent_on=kwargs.pop("sent_on", SENT_ON),
        by=kwargs.pop("by", world.mediator),
    )


def keys_of(creditors, n):
    return [f"c{c.pk}" for c in creditors[:n]]


def nothing_saved():
    return not (
        Letter.objects.exists()
        or LetterAddressee.objects.exists()
        or Service.objects.exists()
        or ContactEntry.objects.exists()
    )


# --- the letter -> service rule ------------------------------------------------------------


@pytest.mark.parametrize(
    "addressees,kind,quantity",
    [(1, "letter", 1), (2, "letter", 2), (3, "circular_letter", 3), (5, "circular_letter", 5)],
)
def test_rule(addressees, kind, quantity):
    assert billable_service_for(addressees) == (kind, quantity)


@pytest.mark.parametrize(
    "addressees,kind,quantity",
    [(1, "letter", 1), (2, "letter", 2), (3, "circular_letter", 3), (5, "circular_letter", 5)],
)
def test_sending_records_the_service(world, creditors, fake_pdf, addressees, kind, quantity):
    letter = send(world, keys_of(creditors, addressees))
    service = Service.objects.get()
    assert (service.kind, service.quantity) == (kind, quantity)
    assert service.date == SENT_ON
    assert service.origin == "letter"
    assert service.mediator == world.case.mediator
    assert service.created_by == world.mediator
    assert service.registered_postage is None
    assert list(letter.services.all()) == [service]
    assert letter.addressees.count() == addressees
    assert letter.pdf.read() == FAKE_PDF


def test_registered_postage_is_per_letter_and_the_engine_multiplies_it(world, creditors, fake_pdf):
    letter = send(world, keys_of(creditors, 5), registered=True, postage=Decimal("8.40"))
    service = letter.services.get()
    assert service.kind == "circular_letter"
    assert service.quantity == 5
    assert service.registered_postage == Decimal("8.40")
    assert letter.postage == Decimal("8.40")
    # The engine reads the recorded service as 5 letters at 4.2 plus 5 x 8,40 € of postage.
    facts = CaseFacts(
        "NAM-2022-0042",
        world.case.admissibility_date,
        creditors=tuple(CreditorFacts(f"c{i}", f"C{i}") for i in range(5)),
        services=(
            ServiceFacts(
                service.pk,
                service.date,
                service.kind,
                quantity=service.quantity,
                registered_postage=service.registered_postage,
            ),
        ),
    )
    statement = compute_statement(
        facts, date(2022, 6, 15), date(2023, 6, 15), load_default_tariffs()
    )
    lines = {line.article: line for line in statement.lines if line.origin}
    assert lines["4.2"].quantity == 5
    assert lines["postage"].amount == Decimal("42.00")


def test_two_registered_letters(world, creditors, fake_pdf):
    letter = send(world, keys_of(creditors, 2), registered=True, postage=Decimal("7.95"))
    service = letter.services.get()
    assert (service.kind, service.quantity, service.registered_postage) == (
        "letter",
        2,
        Decimal("7.95"),
    )


def test_creditor_and_its_bailiff_are_two_addressees(
    world, creditors, bailiff_representation, fake_pdf
):
    letter = send(world, [f"c{creditors[0].pk}", f"r{bailiff_representation.pk}"])
    first, second = letter.addressees.all()
    assert (first.name, first.reference, first.representative) == (
        "Banque Ardennaise",
        "DOS-001",
        None,
    )
    assert second.name == "Étude Dabin, huissiers de justice"
    assert second.reference == "DAB-77"
    assert second.on_behalf_of == "Banque Ardennaise"
    assert second.creditor == creditors[0]
    assert "Votre référence : DAB-77." in second.body
    assert letter.services.get().kind == "letter"


def test_a_letter_sent_appears_in_each_addressee_negotiation_history(
    world, creditors, bailiff_representation, fake_pdf
):
    """Issue #16: one contact entry per creditor addressee (through its bailiff: with it)."""
    letter = send(
        world,
        [f"c{creditors[0].pk}", f"r{bailiff_representation.pk}", f"c{creditors[1].pk}"],
        registered=True,
        postage=Decimal("8.40"),
    )
    bailiff = bailiff_representation.representative_id
    entries = ContactEntry.objects.filter(case=world.case).order_by("creditor__name", "pk")
    got = [(e.creditor, e.representative_id, e.channel, e.outcome, e.date) for e in entries]
    assert sorted(got, key=lambda row: (row[0].pk, row[1] or 0)) == sorted(
        [
            (creditors[0], None, "letter", "sent", letter.sent_on),
            (creditors[0], bailiff, "letter", "sent", letter.sent_on),
            (creditors[1], None, "letter", "sent", letter.sent_on),
        ],
        key=lambda row: (row[0].pk, row[1] or 0),
    )
    assert all("par recommandé" in e.summary and f"n° {letter.pk}" in e.summary for e in entries)


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"registered": True, "postage": None}, "postage"),
        ({"registered": True, "postage": Decimal("-1.00")}, "postage"),
        ({"registered": True, "postage": Decimal("8.405")}, "postage"),
        ({"registered": False, "postage": Decimal("8.40")}, "postage"),
        ({"sent_on": date(2022, 6, 14)}, "sent_on"),
        ({"sent_on": timezone.localdate() + timedelta(days=1)}, "sent_on"),
        ({"body": "Bonjour [solde]"}, "body"),
        ({"subject": "<<R.G. [role]"}, "subject"),
    ],
)
def test_bad_input_saves_nothing(world, creditors, fake_pdf, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        send(world, keys_of(creditors, 3), **kwargs)
    assert field in caught.value.message_dict
    assert nothing_saved()


def test_no_addressee(world, creditors, fake_pdf):
    with pytest.raises(ValidationError) as caught:
        send(world, [])
    assert "Choisissez au moins un destinataire." in caught.value.message_dict["addressees"]
    assert nothing_saved()


def test_addressee_of_another_organisation_or_case_is_refused(world, creditors, fake_pdf):
    stranger = Creditor.objects.create(
        organisation=world.other_org, name="Autre", address="Rue 1\n4000 Liège"
    )
    other_rep = Representation.objects.create(
        case=world.other_case,
        creditor=Creditor.objects.create(
            organisation=world.other_org, name="B", address="Rue 2\n4000 Liège"
        ),
        representative=Representative.objects.create(
            organisation=world.other_org, name="Huissier", role="bailiff", address="x\n4000 Liège"
        ),
    )
    for key in (f"c{stranger.pk}", f"r{other_rep.pk}", "x12", "c"):
        with pytest.raises(ValidationError) as caught:
            send(world, [f"c{creditors[0].pk}", key])
        assert "addressees" in caught.value.message_dict
    assert nothing_saved()


def test_addressee_without_address_is_refused(world, creditors, fake_pdf):
    Creditor.objects.filter(pk=creditors[1].pk).update(address="")
    with pytest.raises(ValidationError) as caught:
        send(world, keys_of(creditors, 3))
    assert "Énergie Wallonne" in caught.value.message_dict["addressees"][0]
    assert nothing_saved()


def test_pdf_failure_saves_nothing(world, creditors, monkeypatch, settings):
    def broken(letter):
        raise RuntimeError("WeasyPrint exploded")

    monkeypatch.setattr(letters_pdf, "render_letter_pdf", broken)
    with pytest.raises(ValidationError) as caught:
        send(world, keys_of(creditors, 5), registered=True, postage=Decimal("8.40"))
    assert "rien n'a été enregistré" in caught.value.messages[0]
    assert nothing_saved()
    letters_dir = settings.MEDIA_ROOT / "cases" / str(world.case.pk) / "letters"
    assert not letters_dir.exists() or not any(letters_dir.iterdir())


def test_pdf_failure_in_the_view_shows_a_message(client, world, creditors, monkeypatch):
    monkeypatch.setattr(
        letters_pdf, "render_letter_pdf", lambda letter: (_ for _ in ()).throw(OSError("font"))
    )
    client.force_login(world.mediator)
    response = client.post(
        reverse("letters:compose", args=[world.case.pk]),
        {
            "action": "send",
            "addressees": keys_of(creditors, 3),
            "subject": "Objet",
            "body": "Texte",
            "sent_on": "20/07/2022",
        },
    )
    assert response.status_code == 200
    assert "rien n&#x27;a été enregistré" in response.content.decode()
    assert nothing_saved()


# --- the PDF -------------------------------------------------------------------------------


def test_pdf_is_generated_with_one_letter_per_addressee(
    world, creditors, bailiff_representation, tmp_path
):
    world.org.address = "Rue de Fer 25\n5000 Namur"
    world.org.enterprise_number = "0212344876"
    world.org.phone = "081 24 86 11"
    world.org.save()
    world.case.role_number = "22/1234/B"
    world.case.save()
    letter_templates_ensure_defaults(world.org)
    template = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="reminder")
    letter = letter_send(
        case=world.case,
        template=template,
        subject=template.subject,
        body=template.body,
        addressee_keys=[f"c{creditors[1].pk}", f"r{bailiff_representation.pk}"],
        registered=True,
        postage=Decimal("8.40"),
        sent_on=SENT_ON,
        by=world.mediator,
    )
    content = letter.pdf.read()
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert "Énergie Wallonne" in text
    assert "Étude Dabin, huissiers de justice" in text
    assert "Namur, le 20/07/2022" in text
    assert "RECOMMANDÉ AVEC ACCUSÉ DE RÉCEPTION" in text
    assert "R.G. 22/1234/B" in text
    assert "0212.344.876" in text
    assert "dernier délai de quinze jours" in text
    assert text.count("\f") >= 2  # one page per addressee (page break between them)
    assert letter.kind == "reminder"
    assert letter.template == template


def test_download(client, world, creditors, fake_pdf):
    letter = send(world, keys_of(creditors, 1))
    client.force_login(world.supervisor)
    response = client.get(reverse("letters:download", args=[world.case.pk, letter.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FAKE_PDF
    assert response["Content-Type"] == "application/pdf"


# --- compose page --------------------------------------------------------------------------


def test_compose_preview_then_send(client, world, creditors, fake_pdf):
    client.force_login(world.mediator)
    url = reverse("letters:compose", args=[world.case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert LetterTemplate.objects.filter(organisation=world.org).count() == len(
        DEFAULT_TEMPLATES + DUTCH_TEMPLATES
    )
    template = LetterTemplate.objects.get(
        organisation=world.org, language="fr", kind="statement_request"
    )
    data = {
        "template": template.pk,
        "addressees": keys_of(creditors, 3),
        "subject": template.subject,
        "body": template.body,
        "sent_on": "20/07/2022",
    }
    preview = client.post(url, {**data, "action": "preview"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "(votre référence : DOS-002)" in html
    assert "Lettre circulaire (4.2), quantité 3" in html
    assert nothing_saved()
    sent = client.post(url, {**data, "action": "send"})
    assert sent.status_code == 302
    letter = Letter.objects.get()
    assert letter.template == template
    assert letter.kind == "statement_request"
    assert letter.services.get().quantity == 3


def test_compose_refused_to_a_colleague(client, world, creditors, fake_pdf):
    client.force_login(world.colleague)
    response = client.post(
        reverse("letters:compose", args=[world.case.pk]),
        {
            "action": "send",
            "addressees": keys_of(creditors, 1),
            "subject": "x",
            "body": "y",
            "sent_on": "20/07/2022",
        },
    )
    assert response.status_code == 403
    assert nothing_saved()


def test_compose_offers_directory_creditors_without_declaration(client, world, creditors):
    Creditor.objects.create(organisation=world.org, name="Proximus", address="Bd 1\n1030 Bxl")
    Creditor.objects.create(organisation=world.other_org, name="Concurrent SA", address="x")
    client.force_login(world.mediator)
    html = client.get(reverse("letters:compose", args=[world.case.pk])).content.decode()
    assert "Proximus" in html
    assert "Concurrent SA" not in html


# --- templates and placeholders ------------------------------------------------------------


def test_default_templates_use_only_whitelisted_placeholders():
    kinds = {t["kind"] for t in DEFAULT_TEMPLATES}
    assert kinds == {
        "admissibility_notification",
        "reminder",
        "statement_request",
        "plan_proposal",
        "homologation_notification",
        # letters to third parties and letters that end the procedure (issue 17)
        "income_notice",
        "bank_notice",
        "enforcement_suspension",
        "annual_report_copy",
        "closure_creditors",
        "closure_income",
        "closure_bank",
        "other",
    }
    for template in DEFAULT_TEMPLATES:
        check_source(template["subject"])
        check_source(template["body"])
    registered = {t["kind"] for t in DEFAULT_TEMPLATES if t["registered"]}
    assert registered == {"reminder", "plan_proposal"}


def test_ensure_defaults_keeps_edits(world):
    # The organisation got the defaults when it was created (tests/test_letters_defaults.py).
    assert LetterTemplate.objects.filter(organisation=world.org).count() == len(
        DEFAULT_TEMPLATES + DUTCH_TEMPLATES
    )
    template = LetterTemplate.objects.filter(organisation=world.org).first()
    letter_template_update(
        template=template,
        data=TemplateData(kind="other", name="Mon modèle", subject="Objet", body="Texte"),
        by=world.administrator,
    )
    assert letter_templates_ensure_defaults(world.org) == 0
    assert LetterTemplate.objects.filter(organisation=world.org).count() == len(
        DEFAULT_TEMPLATES + DUTCH_TEMPLATES
    )
    assert LetterTemplate.objects.get(pk=template.pk).name == "Mon modèle"


@pytest.mark.parametrize(
    "body,expected",
    [
        ("[solde]", "le champ [solde] n'existe pas"),
        ("Bonjour\n\n[Requerant_Adresse]", "Ligne 3 : le champ [Requerant_Adresse] n'existe pas"),
        ("<< (R.G. [role]) sans fin", "n'est pas fermé par « >> »"),
        ("fin >> sans début", "« >> » ferme un passage facultatif qui n'est pas ouvert"),
        ("<<[role] <<[date]>> >>", "ne peut en contenir un autre"),
        ("<< sans champ >>", "ne contient aucun champ"),
        ("[sic]", "doublez-les : [[sic]]"),
    ],
)
def test_template_refused_when_saved(world, body, expected):
    with pytest.raises(ValidationError) as caught:
        letter_template_create(
            organisation=world.org,
            data=TemplateData(kind="other", name="Essai", subject="Objet", body=body),
            by=world.administrator,
        )
    assert any(expected in m for m in caught.value.message_dict["body"]), caught.value
    assert not LetterTemplate.objects.filter(name="Essai").exists()


def test_template_accepts_whitelist_conditions_and_filters(world):
    body = "<<R.G. [role]>> [[sic]] [reference] {{ date }} [1] […] [DATE]"
    template = letter_template_create(
        organisation=world.org,
        data=TemplateData(kind="other", name="Essai", subject="[requerant]", body=body),
        by=world.administrator,
    )
    assert template.pk


def test_every_placeholder_is_documented_and_rendered_as_string(world):
    context = case_context(case=world.case, sent_on=SENT_ON, mediator_name="Sophie Lambert")
    assert all(isinstance(v, str) for v in context.values())
    assert set(context) | ADDRESSEE_PLACEHOLDERS == set(PLACEHOLDERS)
    assert context["tribunal"] == "tribunal du travail de Liège"
    assert context["requerant"] == "Marie DUBOIS"
    with pytest.raises(TypeError):
        render_source("[requerant]", {"requerant": world.case})
    with pytest.raises(PlaceholderError):
        render_source("[requerant_applicants]", context)


def test_only_the_administrator_edits_templates(world):
    letter_templates_ensure_defaults(world.org)
    template = LetterTemplate.objects.filter(organisation=world.org).first()
    data = TemplateData(kind="other", name="Piraté", subject="x", body="y")
    other_admin = UserFactory(organisation=world.other_org, role=Role.ADMINISTRATOR)
    for user in (world.mediator, world.supervisor, other_admin):
        with pytest.raises(ValidationError):
            letter_template_update(template=template, data=data, by=user)
        with pytest.raises(ValidationError):
            letter_template_create(organisation=world.org, data=data, by=user)
    assert not LetterTemplate.objects.filter(name="Piraté").exists()


def test_template_views(client, world):
    letter_templates_ensure_defaults(world.org)
    template = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="other")
    url = reverse("letters:template_edit", args=[template.pk])
    post = {"kind": "other", "name": "Courrier libre", "subject": "Objet", "body": "[x]"}
    for user in (world.mediator, world.supervisor):
        client.force_login(user)
        assert client.post(url, post).status_code == 403
    client.force_login(world.administrator)
    refused = client.post(url, post)
    assert refused.status_code == 200
    assert "le champ [x] n&#x27;existe pas" in refused.content.decode()
    assert LetterTemplate.objects.get(pk=template.pk).body != "[x]"
    accepted = client.post(url, {**post, "body": "Bonjour [destinataire]", "registered": "on"})
    assert accepted.status_code == 302
    template.refresh_from_db()
    assert (template.body, template.registered, template.updated_by) == (
        "Bonjour [destinataire]",
        True,
        world.administrator,
    )
    created = client.post(
        reverse("letters:template_create"),
        {"kind": "reminder", "name": "Rappel bis", "subject": "Rappel", "body": "[date]"},
    )
    assert created.status_code == 302
    assert LetterTemplate.objects.get(name="Rappel bis").organisation == world.org


def test_preview_warns_when_a_reminder_goes_to_a_creditor_who_declared(client, world, creditors):
    letter_templates_ensure_defaults(world.org)
    template = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="reminder")
    stranger = Creditor.objects.create(organisation=world.org, name="Proximus", address="x\n1030")
    client.force_login(world.mediator)
    response = client.post(
        reverse("letters:compose", args=[world.case.pk]),
        {
            "action": "preview",
            "template": template.pk,
            "addressees": [f"c{creditors[0].pk}", f"c{stranger.pk}"],
            "subject": template.subject,
            "body": template.body,
            "registered": "on",
            "postage": "8,40",
            "sent_on": "20/07/2022",
        },
    )
    html = response.content.decode()
    assert "Déjà une déclaration de créance dans ce dossier : Banque Ardennaise." in html
    assert "Lettre ordinaire (4.1), quantité 2 + port recommandé de 8,40 € par lettre" in html
    assert nothing_saved()


def test_seed_demo_letters_is_idempotent(world, creditors, bailiff_representation, fake_pdf):
    from django.core.management import call_command

    call_command("seed_demo_letters", verbosity=0)  # world.org is the demo slug "cpas-namur"
    assert LetterTemplate.objects.filter(organisation=world.org).count() == len(
        DEFAULT_TEMPLATES + DUTCH_TEMPLATES
    )
    letter = Letter.objects.get()
    assert letter.addressees.count() == 5  # the bailiff instead of its creditor
    assert letter.services.get().kind == "circular_letter"
    call_command("seed_demo_letters", verbosity=0)
    assert Letter.objects.count() == 1
    assert Service.objects.count() == 1
