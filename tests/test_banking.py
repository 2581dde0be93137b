"""Bank statements in: CODA and CAMT.053 parsing, stable movement identities, whole-file
rejection of malformed files, matching (case account IBAN, case communication, saved rule),
idempotent re-imports, the unmatched queue, the management command and the upload page."""

import json
import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from coda.parser import Parser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from banking.coda_writer import CodaMovement
from banking.models import MatchingRule, MatchMethod, Movement, MovementStatus, StatementImport
from banking.parsers import StatementFileError, parse_statement_file
from banking.services import (
    AssignData,
    ImportResult,
    case_communication,
    case_communication_set,
    movement_assign,
    movement_ignore,
    statement_import,
)
from ledger.models import Entry

from .factories import make_case
from .test_banking_support import (
    CAMT,
    CASE_COMMUNICATION,
    CASE_IBAN,
    CODA_FIRST,
    CODA_MALFORMED,
    CODA_OVERLAP,
    ENGIE_IBAN,
    import_file,
    make_creditor,
    open_account,
    statement_bytes,
)

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 3, 10)


def summary(result) -> dict:
    return result.statement_import.summary


def movement(**filters) -> Movement:
    return Movement.objects.get(**filters)


# Parsing --------------------------------------------------------------------------------------


def test_coda_sample_parses_with_exact_decimal_amounts():
    content = CODA_FIRST.read_bytes()
    parsed = parse_statement_file(content)
    assert parsed.format == "coda"
    assert [(s.account_iban, s.number) for s in parsed.statements] == [
        (CASE_IBAN, "012"),
        ("BE45000017110089", "031"),
    ]
    first = parsed.statements[0]
    assert first.old_balance == Decimal("1250.00") and first.new_balance == Decimal("2854.32")
    amounts = [m.amount for m in parsed.movements]
    assert amounts == [
        Decimal("1845.32"),
        Decimal("412.50"),
        Decimal("-650.00"),
        Decimal("-3.50"),
        Decimal("120.00"),
        Decimal("75.00"),
        Decimal("-25.00"),
    ]
    assert all(isinstance(a, Decimal) for a in amounts)
    cpas = parsed.movements[1]
    assert cpas.communication == "+++101/2024/00314+++"
    assert cpas.structured_communication == "101202400314"
    assert cpas.value_date == date(2026, 3, 4) and cpas.booking_date == date(2026, 3, 5)
    assert cpas.counterparty_name == "CPAS DE NAMUR"
    assert cpas.counterparty_iban == "BE75068234567851"
    # pycoda reads the same file (it is a valid Febelfin CODA 2 file)
    statements = Parser().parse(content)
    assert [len(s.movements) for s in statements] == [4, 3]
    assert statements[0].acc_number == CASE_IBAN


def test_identity_comes_from_the_bank_data_and_is_stable():
    first = parse_statement_file(CODA_FIRST.read_bytes()).movements
    again = parse_statement_file(CODA_FIRST.read_bytes()).movements
    overlap = parse_statement_file(CODA_OVERLAP.read_bytes()).movements
    assert [m.identity for m in first] == [m.identity for m in again]
    assert first[0].identity == "CODA|BE71096123456769|012|0001.0000|2026-03-05|2026-03-05|1845.32"
    # the overlapping file repeats statement 012: same identities
    assert {m.identity for m in first[:4]} == {m.identity for m in overlap[:4]}
    assert len({m.identity for m in first}) == len(first)


def test_camt053_sample_parses():
    parsed = parse_statement_file(CAMT.read_bytes())
    assert parsed.format == "camt053"
    [statement] = parsed.statements
    assert statement.account_iban == CASE_IBAN and statement.number == "14"
    assert [m.amount for m in parsed.movements] == [
        Decimal("1902.10"),
        Decimal("-650.00"),
        Decimal("120.00"),
    ]
    salary, allowance, mutual = parsed.movements
    assert salary.identity == "CAMT|BE71096123456769|KB260309A0001|2026-03-09|1902.10"
    assert salary.counterparty_iban == "BE48001123456727"
    assert allowance.counterparty_name == "DUBOIS MARIE" and allowance.end_to_end_id == ""
    assert mutual.communication == "+++090/9337/55493+++"
    assert mutual.value_date == date(2026, 3, 8)


def _coda_lines():
    return CODA_FIRST.read_bytes().decode("windows-1252").split("\r\n")


def _with_line(index: int, line: str | None) -> bytes:
    lines = _coda_lines()
    if line is None:
        del lines[index]
    else:
        lines[index] = line
    return "\r\n".join(lines).encode("windows-1252")


def _replace(index: int, start: int, text: str) -> bytes:
    line = _coda_lines()[index]
    return _with_line(index, line[:start] + text + line[start + len(text) :])


@pytest.mark.parametrize(
    "content,expected",
    [
        (CODA_MALFORMED.read_bytes(), "Ligne 9, enregistrement 2.1 (mouvement) : montant"),
        (_with_line(2, _coda_lines()[2][:100]), "Ligne 3 : un enregistrement CODA compte 128"),
        (_replace(4, 0, "7"), "Ligne 5 : type d'enregistrement CODA inconnu"),
        (_replace(2, 47, "310226"), "Ligne 3, enregistrement 2.1 (mouvement) : date valeur"),
        (_replace(1, 43, "000000001250010"), "Ligne 15, enregistrement 8 (nouveau solde)"),
        (_with_line(2, None), "Ligne 3, enregistrement 2.2 (mouvement, suite) : ne suit pas"),
        (_with_line(15, None), "Ligne 16, enregistrement 0 (en-tête) : l'extrait précédent"),
        (b"\n".join(CODA_FIRST.read_bytes().split(b"\n")[:-3]), "l'enregistrement 9 (fin)"),
        (b"hello", "Format de fichier non reconnu"),
    ],
    ids=[
        "bad-amount",
        "short-line",
        "unknown-record",
        "bad-date",
        "balance-mismatch",
        "orphan-2.2",
        "missing-trailer-mid-file",
        "truncated-file",
        "not-a-statement",
    ],
)
def test_malformed_coda_is_rejected_with_the_record_at_fault(content, expected):
    with pytest.raises(StatementFileError) as exc:
        parse_statement_file(content)
    assert expected in exc.value.messages[0]


@pytest.mark.parametrize(
    "old,new,expected",
    [
        (
            '<Amt Ccy="EUR">650.00</Amt>\n        <CdtDbtInd>DBIT',
            '<Amt Ccy="EUR">65O.00</Amt>\n        <CdtDbtInd>DBIT',
            "Élément <Amt> (ligne 63) : montant invalide",
        ),
        (
            "<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>",
            "<CdtDbtInd>DEBIT</CdtDbtInd>\n        <Sts>",
            "Élément <Ntry> (ligne 61) : indicateur crédit/débit invalide",
        ),
        ("4356.42", "4356.43", "Élément <Stmt> (ligne 8) : le solde de clôture"),
        ("</Stmt>", "", "XML mal formé à la ligne"),
        ("camt.053.001.02", "camt.052.001.02", "n'est pas un relevé CAMT.053"),
        ("<IBAN>BE71096123456769</IBAN>", "<IBAN>BE00</IBAN>", "IBAN du compte invalide"),
    ],
)
def test_malformed_camt_is_rejected_with_the_element_at_fault(old, new, expected):
    content = CAMT.read_bytes().decode("utf-8")
    assert old in content
    with pytest.raises(StatementFileError) as exc:
        parse_statement_file(content.replace(old, new, 1).encode("utf-8"))
    assert expected in exc.value.messages[0]


# Import, matching, idempotence ----------------------------------------------------------------


@pytest.fixture
def account(world):
    return open_account(world.case)


def test_import_posts_the_case_account_movements_and_queues_the_rest(world, account):
    case_communication_set(case=world.case, communication="+++090/9337/55493+++")
    result = import_file(world.org, CODA_FIRST, by=world.mediator)
    assert summary(result) == {"movements": 7, "posted": 3, "duplicates": 0, "unmatched": 4}
    salary = movement(amount=Decimal("1845.32"))
    assert salary.status == MovementStatus.POSTED
    assert salary.match_method == MatchMethod.ACCOUNT
    assert salary.entry.category == "income" and salary.entry.direction == "in"
    assert salary.entry.bank_reference == salary.identity
    assert salary.entry.counterparty_iban == "BE48001123456727"
    assert salary.entry.posted_by == world.mediator
    mutual = movement(amount=Decimal("120.00"))  # on the office account, by communication
    assert mutual.match_method == MatchMethod.COMMUNICATION and mutual.case == world.case
    # outgoing movements of the case account wait, with the case suggested
    allowance = movement(amount=Decimal("-650.00"))
    assert allowance.status == MovementStatus.UNMATCHED
    assert allowance.suggested_case == world.case
    assert movement(amount=Decimal("75.00")).suggested_case is None
    account.refresh_from_db()
    assert account.balance == Decimal("2377.82")
    assert Entry.objects.filter(account=account).count() == 3
    record = result.statement_import
    assert (record.format, record.statement_count, record.imported_by) == (
        "coda",
        2,
        world.mediator,
    )
    assert len(record.file_hash) == 64


def test_reimporting_the_same_file_creates_no_duplicate(world, account):
    import_file(world.org, CODA_FIRST)
    entries = Entry.objects.count()
    again = import_file(world.org, CODA_FIRST)
    assert summary(again) == {"movements": 7, "posted": 0, "duplicates": 7, "unmatched": 0}
    assert Entry.objects.count() == entries
    assert Movement.objects.count() == 7
    first = StatementImport.objects.order_by("imported_at").first()
    assert again.already_imported_at == first.imported_at
    # said once, by the caller, not among the warnings (issue 16)
    assert not any("déjà été importé" in w for w in again.warnings)
    assert "déjà été importé" not in again.statement_import.warnings
    assert again.new_movement_count == 0
    message = again.already_imported_message()
    assert message.startswith("Ce fichier a déjà été importé le ")
    assert message.endswith("cet import n'a ajouté aucun nouveau mouvement.")
    assert StatementImport.objects.count() == 2  # both imports are recorded


def test_a_new_file_is_not_said_already_imported(world, account):
    import_file(world.org, CODA_FIRST)
    other = import_file(world.org, CODA_OVERLAP)
    assert other.already_imported_at is None
    assert other.already_imported_message() == ""


def test_already_imported_message_counts_the_new_movements():
    when = timezone.make_aware(datetime(2026, 3, 5, 14, 30))
    record = StatementImport(movement_count=7, duplicate_count=5)
    text = ImportResult(
        statement_import=record, already_imported_at=when
    ).already_imported_message()
    assert text == (
        "Ce fichier a déjà été importé le 05/03/2026 14:30 : cet import a ajouté "
        "2 nouveaux mouvements."
    )
    record.duplicate_count = 6
    text = ImportResult(
        statement_import=record, already_imported_at=when
    ).already_imported_message()
    assert text.endswith("cet import a ajouté 1 nouveau mouvement.")


def test_overlapping_file_posts_only_the_new_movements(world, account):
    import_file(world.org, CODA_FIRST)
    result = import_file(world.org, CODA_OVERLAP)
    assert summary(result) == {"movements": 6, "posted": 1, "duplicates": 4, "unmatched": 1}
    family = movement(amount=Decimal("250.00"))
    assert family.entry.category == "income"
    account.refresh_from_db()
    # 1845.32 + 412.50 + 250.00 (the −650 and −3.50 of statement 012 still wait)
    assert account.balance == Decimal("2507.82")
    # the journal now differs from the bank's balance: the import says so
    assert any("diffère du solde de l'extrait n° 013" in w for w in result.warnings)


def test_malformed_file_is_rejected_whole_and_nothing_is_posted(world, account):
    with pytest.raises(ValidationError) as exc:
        import_file(world.org, CODA_MALFORMED)
    assert "Ligne 9" in exc.value.messages[0]
    assert StatementImport.objects.count() == 0
    assert Movement.objects.count() == 0
    assert Entry.objects.count() == 0


def test_identities_are_per_organisation(world, account):
    import_file(world.org, CODA_FIRST)
    result = import_file(world.other_org, CODA_FIRST)
    assert summary(result)["duplicates"] == 0
    assert summary(result)["posted"] == 0  # no case of the other organisation has the account
    assert Movement.objects.filter(organisation=world.other_org).count() == 7


def test_camt053_import_and_reimport(world, account):
    case_communication_set(case=world.case, communication=CASE_COMMUNICATION)
    result = import_file(world.org, CAMT)
    assert summary(result) == {"movements": 3, "posted": 2, "duplicates": 0, "unmatched": 1}
    assert movement(amount=Decimal("120.00")).match_method == MatchMethod.ACCOUNT
    again = import_file(world.org, CAMT)
    assert summary(again) == {"movements": 3, "posted": 0, "duplicates": 3, "unmatched": 0}


def test_account_matching_falls_back_to_the_case_iban_and_opens_the_journal(world):
    other = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2023-0007",
        account_iban=CASE_IBAN,
    )
    result = import_file(world.org, CODA_FIRST)
    assert summary(result)["posted"] == 2
    assert other.account.iban == CASE_IBAN
    assert movement(amount=Decimal("1845.32")).case == other


def test_a_saved_rule_matches_the_next_statements(world, account):
    import_file(world.org, CODA_FIRST)
    engie = movement(amount=Decimal("75.00"))
    movement_assign(
        movement=engie,
        data=AssignData(case=world.case, category="refund", rule_on="iban"),
        by=world.mediator,
        today=TODAY,
    )
    rule = MatchingRule.objects.get()
    assert (rule.counterparty_iban, rule.case, rule.direction) == (ENGIE_IBAN, world.case, "in")
    later = statement_bytes(
        [
            CodaMovement(
                Decimal("42.10"),
                date(2026, 3, 8),
                counterparty_name="ENGIE ELECTRABEL",
                counterparty_iban=ENGIE_IBAN,
                communication="REMBOURSEMENT ACOMPTE",
            )
        ],
        iban="BE45000017110089",
        number=32,
        old="5170.00",
    )
    result = statement_import(organisation=world.org, content=later, file_name="b.cod", by=None)
    assert summary(result) == {"movements": 1, "posted": 1, "duplicates": 0, "unmatched": 0}
    refund = movement(amount=Decimal("42.10"))
    assert (refund.match_method, refund.rule, refund.entry.category) == (
        MatchMethod.RULE,
        rule,
        "refund",
    )


def test_a_rule_saved_from_the_queue_also_posts_the_waiting_movements(world, account):
    waiting = statement_bytes(
        [
            CodaMovement(
                Decimal("30.00"), date(2026, 3, 5), "ENGIE", ENGIE_IBAN, communication="A"
            ),
            CodaMovement(
                Decimal("31.00"), date(2026, 3, 6), "ENGIE", ENGIE_IBAN, communication="B"
            ),
        ],
        iban="BE45000017110089",
    )
    statement_import(organisation=world.org, content=waiting, file_name="w.cod", by=None)
    first = movement(amount=Decimal("30.00"))
    _moved, applied = movement_assign(
        movement=first,
        data=AssignData(case=world.case, category="refund", rule_on="iban"),
        by=world.mediator,
        today=TODAY,
    )
    assert applied == 1
    assert movement(amount=Decimal("31.00")).match_method == MatchMethod.RULE


def test_the_rule_for_the_case_gives_the_category_of_an_account_movement(world, account):
    MatchingRule.objects.create(
        organisation=world.org,
        case=world.case,
        direction="out",
        communication="FRAIS DE GESTION",
        category="bank_charge",
    )
    import_file(world.org, CODA_FIRST)
    charge = movement(amount=Decimal("-3.50"))
    assert charge.status == MovementStatus.POSTED
    assert charge.entry.category == "bank_charge"


def test_queue_assignment_posts_and_ignore_sets_aside(world, account):
    import_file(world.org, CODA_FIRST)
    charge = movement(amount=Decimal("-3.50"))
    moved, _applied = movement_assign(
        movement=charge,
        data=AssignData(case=world.case, category="bank_charge"),
        by=world.mediator,
        today=TODAY,
    )
    assert moved.status == MovementStatus.POSTED and moved.match_method == MatchMethod.MANUAL
    assert moved.entry.direction == "out" and moved.entry.amount == Decimal("3.50")
    with pytest.raises(ValidationError):  # posted once only
        movement_assign(
            movement=charge,
            data=AssignData(case=world.case, category="bank_charge"),
            by=world.mediator,
            today=TODAY,
        )
    office = movement(amount=Decimal("-25.00"))
    movement_ignore(movement=office, by=world.mediator, note="Frais du compte général")
    office.refresh_from_db()
    assert office.status == MovementStatus.IGNORED and office.entry is None


def test_queue_assignment_is_refused_as_the_journal_would(world, account):
    import_file(world.org, CODA_FIRST)
    allowance = movement(amount=Decimal("-650.00"))
    with pytest.raises(ValidationError) as exc:  # a dividend names its creditor
        movement_assign(
            movement=allowance,
            data=AssignData(case=world.case, category="dividend"),
            by=world.mediator,
            today=TODAY,
        )
    assert "creditor" in exc.value.message_dict
    creditor = make_creditor(world)
    with pytest.raises(ValidationError) as exc:  # a rule cannot post dividends
        movement_assign(
            movement=allowance,
            data=AssignData(
                case=world.case, category="dividend", creditor=creditor, rule_on="iban"
            ),
            by=world.mediator,
            today=TODAY,
        )
    assert "rule_on" in exc.value.message_dict
    allowance.refresh_from_db()
    assert allowance.status == MovementStatus.UNMATCHED


def test_case_communication_is_a_valid_structured_communication(world):
    record = case_communication(case=world.case)
    from stdnum.be import ogm_vcs

    assert ogm_vcs.is_valid(record.digits)
    assert case_communication(case=world.case) == record
    with pytest.raises(ValidationError) as exc:
        case_communication_set(case=world.case, communication="+++090/9337/55494+++")
    assert "modulo 97" in exc.value.messages[0]
    other = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2023-9")
    case_communication_set(case=other, communication="090/9337/55493")
    with pytest.raises(ValidationError) as exc:
        case_communication_set(case=world.case, communication="+++090/9337/55493+++")
    assert "NAM-2023-9" in exc.value.messages[0]


# The management command -----------------------------------------------------------------------


def test_command_prints_exactly_the_json_summary(world, account):
    out, err = StringIO(), StringIO()
    call_command(
        "import_bank_statement",
        str(CODA_FIRST),
        "--organisation",
        "cpas-namur",
        stdout=out,
        stderr=err,
    )
    assert json.loads(out.getvalue()) == {
        "movements": 7,
        "posted": 2,
        "duplicates": 0,
        "unmatched": 5,
    }
    assert out.getvalue().strip() == (
        '{"movements": 7, "posted": 2, "duplicates": 0, "unmatched": 5}'
    )
    out = StringIO()
    call_command("import_bank_statement", str(CODA_OVERLAP), stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue()) == {
        "movements": 6,
        "posted": 1,
        "duplicates": 4,
        "unmatched": 1,
    }


def test_command_rejects_a_malformed_file(world, account):
    with pytest.raises(CommandError) as exc:
        call_command("import_bank_statement", str(CODA_MALFORMED), stdout=StringIO())
    assert "Ligne 9" in str(exc.value)
    assert Movement.objects.count() == 0


def test_command_needs_the_organisation_when_the_file_does_not_tell(world):
    with pytest.raises(CommandError) as exc:
        call_command("import_bank_statement", str(CODA_FIRST), stdout=StringIO())
    assert "--organisation" in str(exc.value)


def _manage(*args, db: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


SETUP = """
from datetime import date
from accounts.models import User
from accounts.services import organisation_create
from cases.services import ApplicantData, CaseData, case_create
from ledger.services import account_open
org = organisation_create(name="CPAS de Namur", slug="cpas-namur", kind="cpas")
user = User.objects.create(username="m", organisation=org, role="mediator")
case = case_create(organisation=org, mediator=user, data=CaseData(reference="NAM-1",
    division="namur", admissibility_date=date(2022, 6, 15)),
    applicants=[ApplicantData(last_name="Dubois", first_name="Marie")], created_by=user)
account_open(case=case, iban="BE71096123456769")
"""


def test_command_in_a_subprocess(tmp_path):
    db = tmp_path / "cli.sqlite3"
    bad = _manage("import_bank_statement", str(CODA_MALFORMED), db=db)
    assert bad.returncode != 0
    assert bad.stdout == ""
    assert "Ligne 9, enregistrement 2.1 (mouvement)" in bad.stderr
    assert _manage("migrate", "-v", "0", db=db).returncode == 0
    setup = _manage("shell", "-c", SETUP, db=db)
    assert setup.returncode == 0, setup.stderr
    first = _manage("import_bank_statement", str(CODA_FIRST), db=db)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {
        "movements": 7,
        "posted": 2,
        "duplicates": 0,
        "unmatched": 5,
    }
    again = _manage("import_bank_statement", str(CODA_FIRST), "--organisation", "cpas-namur", db=db)
    assert json.loads(again.stdout) == {
        "movements": 7,
        "posted": 0,
        "duplicates": 7,
        "unmatched": 0,
    }
    assert "déjà été importé" in again.stderr


# Screens ----------------------------------------------------------------------------------------


def test_upload_page_imports_and_shows_the_summary(client, world, account):
    client.force_login(world.mediator)
    upload = SimpleUploadedFile("coda_20260305.cod", CODA_FIRST.read_bytes())
    response = client.post(reverse("banking:bank"), {"file": upload})
    record = StatementImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("banking:import_detail", args=[record.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "coda_20260305.cod" in text and "BOULANGERIE HENRARD SRL" in text
    assert page.context["imp"].summary == {
        "movements": 7,
        "posted": 2,
        "duplicates": 0,
        "unmatched": 5,
    }
    queue = client.get(reverse("banking:queue"))
    assert len(queue.context["movements"]) == 5


def test_reupload_shows_one_message_saying_already_imported(client, world, account):
    client.force_login(world.mediator)
    first = client.post(
        reverse("banking:bank"),
        {"file": SimpleUploadedFile("coda.cod", CODA_FIRST.read_bytes())},
        follow=True,
    )
    shown = [(m.level_tag, m.message) for m in first.context["messages"]]
    assert shown == [("success", "Extrait importé.")]
    again = client.post(
        reverse("banking:bank"),
        {"file": SimpleUploadedFile("coda.cod", CODA_FIRST.read_bytes())},
        follow=True,
    )
    shown = [(m.level_tag, m.message) for m in again.context["messages"]]
    assert len(shown) == 1, shown
    level, text = shown[0]
    assert level == "info"
    assert text.startswith("Ce fichier a déjà été importé le ")
    assert "aucun nouveau mouvement" in text
    page = again.content.decode()
    assert "Extrait importé." not in page
    assert page.count("déjà été importé") == 1


def test_upload_of_a_malformed_file_shows_the_line_and_saves_nothing(client, world, account):
    client.force_login(world.mediator)
    upload = SimpleUploadedFile("bad.cod", CODA_MALFORMED.read_bytes())
    response = client.post(reverse("banking:bank"), {"file": upload})
    assert response.status_code == 200
    assert "Ligne 9, enregistrement 2.1 (mouvement)" in response.content.decode()
    assert StatementImport.objects.count() == 0


def test_supervisors_read_but_do_not_import(client, world, account):
    client.force_login(world.supervisor)
    assert client.get(reverse("banking:bank")).status_code == 200
    upload = SimpleUploadedFile("coda.cod", CODA_FIRST.read_bytes())
    assert client.post(reverse("banking:bank"), {"file": upload}).status_code == 403
    assert StatementImport.objects.count() == 0


def test_assign_page_posts_to_own_cases_only(client, world, account):
    import_file(world.org, CODA_FIRST)
    engie = movement(amount=Decimal("75.00"))
    url = reverse("banking:movement_detail", args=[engie.pk])
    data = {"case": world.case.pk, "category": "refund", "rule_on": "iban"}
    client.force_login(world.colleague)  # not the designated mediator of the case
    response = client.post(url, data)
    assert response.status_code == 200  # the case is not among the colleague's choices
    assert "case" in response.context["form"].errors
    client.force_login(world.mediator)
    response = client.post(url, data)
    assert response.status_code == 302
    engie.refresh_from_db()
    assert engie.status == MovementStatus.POSTED and engie.entry.category == "refund"
    rules = client.get(reverse("banking:rules"))
    assert "BE84 6792 0000 0559" in rules.content.decode()
