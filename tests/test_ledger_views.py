"""Screens of the mediation account: opening the account, the journal tab, the posting form
(every bad input of issue 4 gets the service's clear French message, nothing saved), reversals,
and the journal exports (CSV parsed, PDF generated, the annex's HTML checked)."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from claims.models import Claim, Creditor
from ledger.exports import journal_pdf_html
from ledger.models import Account, Entry
from ledger.services import EntryData, account_open, entry_post, entry_reverse

from .factories import make_case

D = Decimal
IBAN = "BE71096123456769"


@pytest.fixture
def account(world):
    return account_open(case=world.case, iban=IBAN)


@pytest.fixture
def mediator(client, world):
    client.force_login(world.mediator)
    return client


def post_entry(world, day, direction, amount, category, **kw):
    return entry_post(
        case=world.case,
        data=EntryData(
            value_date=day, direction=direction, amount=D(amount), category=category, **kw
        ),
        by=world.mediator,
        today=timezone.localdate(),
    )


def url(name, world, *args):
    return reverse(f"ledger:{name}", args=[world.case.pk, *args])


def form_errors(response) -> dict:
    return response.context["form"].errors


# Opening the account -------------------------------------------------------------------------


def test_tab_without_account_offers_the_opening_form_to_the_mediator(mediator, world):
    world.case.account_iban = IBAN
    world.case.save()
    response = mediator.get(url("journal", world))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Aucun compte de médiation n'est encore ouvert" in content
    assert "Ouvrir le compte" in content and IBAN in content  # default: the case's IBAN


def test_tab_without_account_is_read_only_for_a_supervisor(client, world):
    client.force_login(world.supervisor)
    response = client.get(url("journal", world))
    assert "Ouvrir le compte" not in response.content.decode()


def test_account_open(mediator, world):
    response = mediator.post(
        url("account_open", world), {"iban": "be71 0961 2345 6769", "opened_on": "01/07/2022"}
    )
    assert response.status_code == 302
    account = Account.objects.get(case=world.case)
    assert (account.iban, account.opened_on) == (IBAN, date(2022, 7, 1))


@pytest.mark.parametrize(
    "iban,opened_on,field,message",
    [
        ("BE71096123456760", "15/06/2022", "iban", "n'est pas un IBAN valide"),
        ("", "15/06/2022", "iban", "Indiquez l'IBAN du sous-compte"),
        (IBAN, "01/06/2022", "opened_on", "avant l'ordonnance d'admissibilité"),
        (IBAN, "2022-13-45", "opened_on", "jj/mm/aaaa"),
    ],
)
def test_account_open_refuses_bad_input(mediator, world, iban, opened_on, field, message):
    response = mediator.post(url("account_open", world), {"iban": iban, "opened_on": opened_on})
    assert response.status_code == 200
    assert message in " ".join(form_errors(response)[field])
    assert not Account.objects.exists()


def test_an_iban_serves_one_account_of_the_organisation_only(mediator, world):
    other = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2022-0099")
    account_open(case=other, iban=IBAN)
    response = mediator.post(url("account_open", world), {"iban": IBAN, "opened_on": "15/06/2022"})
    assert (
        "déjà celui du compte de médiation d'un autre dossier" in form_errors(response)["iban"][0]
    )
    assert not Account.objects.filter(case=world.case).exists()


def test_another_organisation_iban_is_neither_consulted_nor_revealed(mediator, world):
    """Organisations do not share their accounts: the same IBAN held by another organisation's
    case (a case moved there with its bundle) does not refuse the account nor tell it exists."""
    account_open(case=world.other_case, iban=IBAN)
    response = mediator.post(url("account_open", world), {"iban": IBAN, "opened_on": "15/06/2022"})
    assert response.status_code == 302
    assert Account.objects.get(case=world.case).iban == IBAN


# The journal tab -----------------------------------------------------------------------------


def test_journal_shows_entries_balances_and_badges(mediator, world, account):
    creditor = Creditor.objects.create(organisation=world.org, name="Proximus SA")
    Claim.objects.create(
        case=world.case, creditor=creditor, principal=D("900"), declared_on=date(2022, 7, 1)
    )
    post_entry(world, date(2022, 7, 1), "in", "1500", "income", counterparty="Solidaris")
    post_entry(world, date(2022, 7, 5), "out", "600", "living_allowance", standing_order=True)
    post_entry(world, date(2022, 7, 6), "out", "50", "dividend", creditor_id=creditor.pk)
    post_entry(
        world,
        date(2022, 7, 7),
        "out",
        "200",
        "exceptional_expense",
        authorisation="Ordonnance du 01/07/2022",
    )
    wrong = post_entry(world, date(2022, 7, 8), "out", "10", "payment_on_behalf")
    entry_reverse(entry=wrong, by=world.mediator, today=date(2022, 7, 9), note="Doublon")
    post_entry(world, date(2022, 7, 10), "in", "100", "reserve_transfer")
    response = mediator.get(url("journal", world))
    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        "ordre permanent",
        "Créancier : Proximus SA",
        "Autorisation : Ordonnance du 01/07/2022",
        "extourne du n° 5",
        "extournée par le n° 6",
        "Doublon",
        "Mise en réserve pour honoraires",
        "650,00\u00a0€",  # balance
        "100,00\u00a0€",  # reserve
        "550,00\u00a0€",  # available
        "BE71 0961 2345 6769",
        "Nouvelle écriture",
        "Extourner",
        "<svg",
    ):
        assert text in content, text
    lines = response.context["journal"].page.object_list
    assert [line.balance for line in lines][:3] == [D("650.00"), D("650.00"), D("640.00")]


def test_journal_filters_by_half_open_period_and_category(mediator, world, account):
    post_entry(world, date(2022, 7, 1), "in", "1000", "income")
    post_entry(world, date(2022, 8, 1), "out", "100", "payment_on_behalf")
    post_entry(world, date(2022, 9, 1), "out", "200", "payment_on_behalf")
    response = mediator.get(url("journal", world), {"start": "01/08/2022", "end": "01/09/2022"})
    lines = response.context["journal"].page.object_list
    assert [line.entry.sequence for line in lines] == [2]
    assert lines[0].balance == D("900.00")
    content = response.content.decode()
    assert "Solde au 01/08/2022 (ouverture)" in content
    assert "Solde au 31/08/2022 (clôture)" in content
    response = mediator.get(url("journal", world), {"category": "income"})
    assert [line.entry.sequence for line in response.context["journal"].page.object_list] == [1]
    # the export buttons follow the period
    response = mediator.get(url("journal", world), {"start": "01/08/2022", "end": "01/09/2022"})
    assert "start=01%2F08%2F2022&amp;end=01%2F09%2F2022" in response.content.decode()


def test_journal_filter_errors_are_shown(mediator, world, account):
    response = mediator.get(url("journal", world), {"start": "01/09/2022", "end": "01/08/2022"})
    assert "doit être postérieure à son début" in response.content.decode()
    response = mediator.get(url("journal", world), {"start": "31/02/2022"})
    assert "jj/mm/aaaa" in response.content.decode()


def test_journal_paginates(mediator, world, account):
    post_entry(world, date(2022, 7, 1), "in", "1000", "income")
    for _n in range(55):
        post_entry(world, date(2022, 7, 2), "out", "1", "bank_charge")
    response = mediator.get(url("journal", world))
    page = response.context["journal"].page
    assert page.paginator.num_pages == 2 and page.object_list[0].entry.sequence == 56
    response = mediator.get(url("journal", world), {"page": 2})
    assert response.context["journal"].page.object_list[-1].entry.sequence == 1


def test_journal_is_read_only_for_a_colleague(client, world, account):
    post_entry(world, date(2022, 7, 1), "in", "1000", "income")
    client.force_login(world.colleague)
    content = client.get(url("journal", world)).content.decode()
    assert "Nouvelle écriture" not in content and "Extourner" not in content
    entry = Entry.objects.get()
    assert client.post(url("entry_reverse", world, entry.pk), {"confirm": "on"}).status_code == 403
    assert Entry.objects.count() == 1


# Posting -------------------------------------------------------------------------------------


def _form(**fields):
    values = {"operation": "income", "value_date": "01/07/2022", "amount": "100,00"}
    values.update(fields)
    return values


def test_entry_form_creditor_list_and_defaults(mediator, world, account):
    ok = Creditor.objects.create(organisation=world.org, name="Proximus SA")
    late = Creditor.objects.create(organisation=world.org, name="Forclos SA")
    Claim.objects.create(
        case=world.case, creditor=ok, principal=D("1"), declared_on=date(2022, 7, 1)
    )
    Claim.objects.create(
        case=world.case,
        creditor=late,
        principal=D("1"),
        declared_on=date(2022, 7, 1),
        time_barred=True,
    )
    response = mediator.get(url("entry_create", world))
    choices = dict(response.context["form"].fields["creditor"].choices)
    assert choices.get(ok.pk) == "Proximus SA" and late.pk not in choices
    assert response.context["form"]["value_date"].value() == timezone.localdate()


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"amount": "10,005"}, "amount", "au plus deux décimales"),
        ({"amount": "10.005"}, "amount", "est ambigu : écrivez 10005,00"),
        ({"amount": "0"}, "amount", "strictement positif"),
        ({"amount": "0,00"}, "amount", "strictement positif"),
        ({"amount": "-5"}, "amount", "strictement positif"),
        ({"amount": "douze"}, "amount", "n'est pas un montant"),
        ({"amount": ""}, "amount", "Le montant est obligatoire"),
        ({"amount": "99999999999"}, "amount", "maximum admis"),
        ({"value_date": "FUTURE"}, "value_date", "ne peut dépasser de plus de 31 jours"),
        ({"value_date": "01/01/2022"}, "value_date", "précède l'ouverture du compte"),
        ({"value_date": "32/01/2022"}, "value_date", "jj/mm/aaaa"),
        ({"operation": "exceptional_expense"}, "authorisation", "autorisation du tribunal"),
        ({"operation": "dividend"}, "creditor", "désigne le créancier payé"),
        ({"operation": "dividend", "creditor": "STRANGER"}, "creditor", "n'a pas déclaré"),
        ({"operation": "dividend", "creditor": "LATE"}, "creditor", "forclos"),
        ({"operation": "dividend", "creditor": "abc"}, "creditor", "dans la liste"),
        ({"operation": "payment_on_behalf", "amount": "5000"}, "amount", "en négatif"),
        ({"operation": "living_allowance", "amount": "950,01"}, "amount", "en négatif"),
        ({"operation": "fee_payment"}, "amount", "Paiement d'honoraires refusé"),
        ({"operation": "reserve_release"}, "amount", "La réserve pour honoraires n'est que"),
        ({"operation": "reserve_set_aside", "amount": "2000"}, "amount", "ne peut dépasser"),
        ({"counterparty_iban": "BE00 1234"}, "counterparty_iban", "IBAN de la contrepartie"),
        ({"operation": "sideways"}, "operation", "dans la liste"),
    ],
)
def test_bad_postings_get_a_clear_message_and_nothing_is_saved(
    mediator, world, account, fields, field, message
):
    post_entry(world, date(2022, 7, 1), "in", "1000", "income")
    post_entry(world, date(2022, 7, 1), "in", "50", "reserve_transfer")
    stranger = Creditor.objects.create(organisation=world.org, name="Inconnu SA")
    late = Creditor.objects.create(organisation=world.org, name="Forclos SA")
    Claim.objects.create(
        case=world.case,
        creditor=late,
        principal=D("1"),
        declared_on=date(2022, 7, 1),
        time_barred=True,
    )
    substitutes = {
        "FUTURE": f"{timezone.localdate() + timedelta(days=45):%d/%m/%Y}",
        "STRANGER": str(stranger.pk),
        "LATE": str(late.pk),
    }
    fields = {k: substitutes.get(v, v) for k, v in fields.items()}
    response = mediator.post(url("entry_create", world), _form(**fields))
    assert response.status_code == 200
    errors = form_errors(response)
    assert message in " ".join(errors.get(field, [])), errors
    assert "L'écriture n'a pas été enregistrée" in response.content.decode()
    assert Entry.objects.count() == 2
    account.refresh_from_db()
    assert (account.balance, account.reserve) == (D("1000.00"), D("50.00"))


def test_every_error_is_reported_at_once(mediator, world, account):
    """A bad date no longer hides the amount's and the IBAN's refusals (issue #16)."""
    response = mediator.post(
        url("entry_create", world),
        _form(value_date="31/02/2023", amount="-5", counterparty_iban="BE00 1234"),
    )
    assert response.status_code == 200
    errors = form_errors(response)
    assert "jj/mm/aaaa" in " ".join(errors["value_date"])
    assert len(errors["value_date"]) == 1  # the form's message only, not the service's too
    assert "strictement positif" in " ".join(errors["amount"])
    assert "IBAN de la contrepartie" in " ".join(errors["counterparty_iban"])
    assert Entry.objects.count() == 0


@pytest.mark.parametrize(
    "typed,amount",
    [
        ("1.234,56", "1234.56"),
        ("1234,5", "1234.50"),
        ("1 234,56 €", "1234.56"),
        ("12.50", "12.50"),
        ("1.234.567", "1234567.00"),
        ("1.234.567,89", "1234567.89"),
    ],
)
def test_amounts_typed_the_belgian_way(mediator, world, account, typed, amount):
    response = mediator.post(url("entry_create", world), _form(amount=typed))
    assert response.status_code == 302, form_errors(response)
    assert Entry.objects.get().amount == D(amount)


def test_post_income_typed_the_belgian_way(mediator, world, account):
    response = mediator.post(
        url("entry_create", world),
        _form(
            amount="1.234,56",
            counterparty="Solidaris",
            communication="+++090/9337/55493+++",
            standing_order="on",  # not a living allowance: ignored
        ),
    )
    assert response.status_code == 302 and response.url == url("journal", world)
    entry = Entry.objects.get()
    assert (entry.amount, entry.direction, entry.category) == (D("1234.56"), "in", "income")
    assert not entry.standing_order and entry.posted_by == world.mediator


def test_post_each_operation(mediator, world, account):
    creditor = Creditor.objects.create(
        organisation=world.org, name="Proximus SA", iban="BE62510007547061"
    )
    Claim.objects.create(
        case=world.case, creditor=creditor, principal=D("900"), declared_on=date(2022, 7, 1)
    )
    postings = [
        _form(amount="2000"),
        _form(operation="living_allowance", amount="700", standing_order="on"),
        _form(operation="payment_on_behalf", amount="450", counterparty="Foyer Namurois"),
        _form(operation="dividend", amount="50", creditor=str(creditor.pk)),
        _form(operation="exceptional_expense", amount="300", authorisation="Ord. 20/06/2022"),
        _form(operation="bank_charge", amount="4,50"),
        _form(operation="refund_in", amount="20"),
        _form(operation="refund_out", amount="20"),
        _form(operation="reserve_set_aside", amount="100"),
        _form(operation="reserve_release", amount="40"),
        _form(operation="other_in", amount="1"),
        _form(operation="other_out", amount="1"),
    ]
    for data in postings:
        response = mediator.post(url("entry_create", world), data)
        assert response.status_code == 302, form_errors(response)
    entries = list(Entry.objects.order_by("sequence"))
    assert [(e.category, e.direction) for e in entries] == [
        ("income", "in"),
        ("living_allowance", "out"),
        ("payment_on_behalf", "out"),
        ("dividend", "out"),
        ("exceptional_expense", "out"),
        ("bank_charge", "out"),
        ("refund", "in"),
        ("refund", "out"),
        ("reserve_transfer", "in"),
        ("reserve_transfer", "out"),
        ("other", "in"),
        ("other", "out"),
    ]
    assert entries[1].standing_order
    dividend = entries[3]
    assert dividend.creditor == creditor
    assert (dividend.counterparty, dividend.counterparty_iban) == ("Proximus SA", creditor.iban)
    assert entries[4].authorisation == "Ord. 20/06/2022"
    account.refresh_from_db()
    assert (account.balance, account.reserve) == (D("495.50"), D("60.00"))


def test_save_and_encode_another(mediator, world, account):
    response = mediator.post(url("entry_create", world), {**_form(), "another": "1"})
    assert response.url == url("entry_create", world)


def test_posting_without_an_account_leads_to_opening_it(mediator, world):
    response = mediator.get(url("entry_create", world))
    assert response.url == url("account_open", world)


# Reversal ------------------------------------------------------------------------------------


def test_reversal_needs_confirmation(mediator, world, account):
    entry = post_entry(world, date(2022, 7, 1), "in", "1000", "income")
    response = mediator.get(url("entry_reverse", world, entry.pk))
    assert "Extourner l'écriture n° 1" in response.content.decode()
    response = mediator.post(url("entry_reverse", world, entry.pk), {"note": "Doublon"})
    assert "Cochez la case pour confirmer" in " ".join(form_errors(response)["confirm"])
    assert Entry.objects.count() == 1
    response = mediator.post(
        url("entry_reverse", world, entry.pk), {"note": "Encodé deux fois", "confirm": "on"}
    )
    assert response.status_code == 302
    reversal = Entry.objects.get(sequence=2)
    assert reversal.reverses == entry and reversal.note == "Encodé deux fois"
    assert reversal.value_date == timezone.localdate()
    account.refresh_from_db()
    assert account.balance == D("0.00")


def test_reversal_refusals_show_the_service_message(mediator, world, account):
    entry = post_entry(world, date(2022, 7, 1), "in", "1000", "income")
    post_entry(world, date(2022, 7, 2), "out", "600", "payment_on_behalf")
    response = mediator.post(url("entry_reverse", world, entry.pk), {"confirm": "on"})
    assert "L'extourne mettrait le compte en négatif" in " ".join(
        response.context["form"].non_field_errors()
    )
    assert Entry.objects.count() == 2
    second = Entry.objects.get(sequence=2)
    reversal = entry_reverse(entry=second, by=world.mediator, today=date(2022, 7, 3))
    for target, text in ((second, "déjà été extournée"), (reversal, "ne s'extourne pas")):
        response = mediator.get(url("entry_reverse", world, target.pk))
        assert text in response.content.decode()
        response = mediator.post(url("entry_reverse", world, target.pk), {"confirm": "on"})
        assert response.status_code == 200
        assert text.split()[-1] in " ".join(response.context["form"].non_field_errors())
    assert Entry.objects.count() == 3


def test_reversing_a_reserve_transfer_that_was_used(mediator, world, account):
    post_entry(world, date(2022, 7, 1), "in", "1000", "income")
    set_aside = post_entry(world, date(2022, 7, 2), "in", "300", "reserve_transfer")
    post_entry(world, date(2022, 7, 3), "out", "250", "reserve_transfer")
    response = mediator.post(url("entry_reverse", world, set_aside.pk), {"confirm": "on"})
    errors = " ".join(response.context["form"].non_field_errors())
    assert "La réserve pour honoraires n'est plus que de 50,00" in errors
    assert Entry.objects.count() == 3


# Exports -------------------------------------------------------------------------------------


@pytest.fixture
def journal(world, account):
    post_entry(world, date(2022, 6, 20), "in", "1000", "income", counterparty="CPAS")
    post_entry(
        world,
        date(2022, 7, 1),
        "in",
        "1500",
        "income",
        counterparty="=HYPERLINK(1)",
        communication="+++090/9337/55493+++",
    )
    post_entry(world, date(2022, 7, 5), "out", "900.50", "living_allowance", standing_order=True)
    post_entry(world, date(2022, 7, 10), "in", "200", "reserve_transfer")
    post_entry(world, date(2022, 8, 1), "out", "50", "payment_on_behalf")  # outside [.., 1/8)
    return account


def _csv_rows(response):
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_of_a_period(mediator, world, journal):
    response = mediator.get(url("export_csv", world), {"start": "01/07/2022", "end": "01/08/2022"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "livre-journal-NAM-2022-0042-20220701-20220801.csv" in response["Content-Disposition"]
    rows = _csv_rows(response)
    header = rows[0]
    col = {name: i for i, name in enumerate(header)}
    assert rows[1][col["Catégorie"]] == "Solde d'ouverture au 01/07/2022"
    assert rows[1][col["Solde"]] == "1000,00"
    entries = rows[2:-1]
    assert [r[col["N°"]] for r in entries] == ["2", "3", "4"]
    income, allowance, reserve = entries
    assert income[col["Date valeur"]] == "01/07/2022"
    assert income[col["Entrée"]] == "1500,00" and income[col["Solde"]] == "2500,00"
    assert income[col["Contrepartie"]] == "'=HYPERLINK(1)"  # never a formula
    assert income[col["Communication"]] == "'+++090/9337/55493+++"
    assert allowance[col["Sortie"]] == "900,50" and allowance[col["Ordre permanent"]] == "oui"
    assert allowance[col["Solde"]] == "1599,50"
    assert reserve[col["Mouvement de la réserve"]] == "200,00"
    assert reserve[col["Entrée"]] == "" and reserve[col["Solde"]] == "1599,50"
    assert reserve[col["Réserve pour honoraires"]] == "200,00"
    assert len(income[col["Empreinte SHA-256"]]) == 64
    assert rows[-1][col["Catégorie"]] == "Solde de clôture au 31/07/2022"
    assert rows[-1][col["Solde"]] == "1599,50"


def test_pdf_export_is_a_pdf(mediator, world, journal):
    response = mediator.get(url("export_pdf", world), {"start": "01/07/2022", "end": "01/08/2022"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "livre-journal-NAM-2022-0042-20220701-20220801.pdf" in response["Content-Disposition"]


def test_exports_default_to_the_whole_journal(mediator, world, journal):
    rows = _csv_rows(mediator.get(url("export_csv", world)))
    assert rows[1][3] == "Solde d'ouverture au 15/06/2022"
    assert [r[0] for r in rows[2:-1]] == ["1", "2", "3", "4", "5"]


def test_export_with_a_wrong_period_goes_back_to_the_journal(mediator, world, journal):
    response = mediator.get(url("export_pdf", world), {"start": "01/08/2022", "end": "01/07/2022"})
    assert response.status_code == 302 and response.url == url("journal", world)
    response = mediator.get(response.url)
    assert "doit être postérieure à son début" in response.content.decode()


def test_pdf_annex_content(world, journal):
    world.case.role_number = "22/1234/B"
    world.case.save()
    html = journal_pdf_html(
        case=world.case,
        account=journal,
        start=date(2022, 7, 1),
        end=date(2022, 8, 1),
        now=timezone.localtime(),
    )
    for text in (
        "Livre-journal du compte de médiation",
        "Période du 01/07/2022 au 31/07/2022",
        "Tribunal du travail, division Namur",
        "22/1234/B",
        "DUBOIS Marie",  # the applicant
        escape(world.mediator.get_full_name()),
        "IBAN BE71 0961 2345 6769",
        "Solde d'ouverture au 01/07/2022",
        "1.000,00\u00a0€",
        "1.599,50\u00a0€",  # closing balance
        "Intégrité du journal : vérifiée",
        "des 5 écritures du compte",
        "ORDRE PERMANENT",
        "Mise en réserve pour honoraires",
        "Page",
    ):
        assert text in html, text
    assert "Paiement pour compte" not in html.split("Totaux de la période")[0]  # 1/8 excluded


def test_pdf_annex_reports_a_broken_chain(world, journal):
    with connection.cursor() as cursor:  # a superuser bypassing the triggers
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("UPDATE ledger_entry SET amount = 1 WHERE sequence = 3")
            cursor.execute("SET session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER ledger_entry_no_update")
            cursor.execute("UPDATE ledger_entry SET amount = 1 WHERE sequence = 3")
    html = journal_pdf_html(
        case=world.case,
        account=journal,
        start=date(2022, 7, 1),
        end=date(2022, 8, 1),
        now=timezone.localtime(),
    )
    assert "Intégrité du journal : ANOMALIE" in html
    assert "les écritures n° 3 ne correspondent pas" in html


def test_no_export_without_an_account(mediator, world):
    response = mediator.get(url("export_csv", world))
    assert response.status_code == 302 and response.url == url("journal", world)
