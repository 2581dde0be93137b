"""A CAMT entry the bank gives no reference for (no ``AcctSvcrRef``) is known by what it is
and its rank among the identical entries of its day: the same days downloaded again with new
message and statement ids post nothing twice (issue 14); identities stored before the change
are rewritten by ``banking/migrations/0003`` so that older imports still de-duplicate."""

import importlib
import re
from decimal import Decimal

from django.apps import apps

from banking.models import Movement, StatementImport
from banking.parsers import parse_statement_file
from banking.services import statement_import
from ledger.models import Entry

from .test_banking_support import CAMT, open_account

MIGRATION = importlib.import_module("banking.migrations.0003_camt_content_identity")

THIRD_ENTRY = re.search(r"      <Ntry>\s*<NtryRef>3</NtryRef>.*?</Ntry>\n", CAMT.read_text(), re.S)


def download(message: str, *, twice_120=False, sequence="14") -> bytes:
    """The sample statement without bank references, as another download would give it: other
    message id, statement id and sequence number; optionally the 120.00 entry twice."""
    text = CAMT.read_text(encoding="utf-8")
    text = re.sub(r"\s*<AcctSvcrRef>[^<]*</AcctSvcrRef>", "", text)
    text = text.replace("KB20260309061200BE71096123456769", message)
    text = text.replace("<Id>BE71096123456769-2026-014</Id>", f"<Id>{message}-S</Id>")
    text = text.replace(
        "<ElctrncSeqNb>14</ElctrncSeqNb>", f"<ElctrncSeqNb>{sequence}</ElctrncSeqNb>"
    )
    text = text.replace("<LglSeqNb>14</LglSeqNb>", f"<LglSeqNb>{sequence}</LglSeqNb>")
    if twice_120:
        entry = re.sub(r"\s*<AcctSvcrRef>[^<]*</AcctSvcrRef>", "", THIRD_ENTRY.group())
        text = text.replace("    </Stmt>", entry + "    </Stmt>")
        text = text.replace("4356.42", "4476.42")
    return text.encode("utf-8")


def run(world, content: bytes, name="camt.xml"):
    return statement_import(
        organisation=world.org, content=content, file_name=name, by=world.mediator
    ).summary


def test_the_identity_ignores_message_statement_ids_and_positions():
    first = parse_statement_file(download("MSG-A"))
    second = parse_statement_file(download("MSG-B", sequence="99"))
    assert [m.identity for m in first.movements] == [m.identity for m in second.movements]
    assert all("MSG" not in m.identity for m in first.movements)
    assert len({m.identity for m in first.movements}) == 3


def test_identical_entries_of_a_day_differ_by_their_rank():
    parsed = parse_statement_file(download("MSG-A", twice_120=True))
    same = [m for m in parsed.movements if m.amount == Decimal("120.00")]
    assert len(same) == 2
    assert [m.identity.rsplit("|", 1)[1] for m in same] == ["0", "1"]
    assert same[0].identity.rsplit("|", 1)[0] == same[1].identity.rsplit("|", 1)[0]


def test_a_new_download_of_the_same_days_posts_nothing_twice(world):
    open_account(world.case)
    assert run(world, download("MSG-A", twice_120=True)) == {
        "movements": 4,
        "posted": 3,
        "duplicates": 0,
        "unmatched": 1,
    }
    entries = Entry.objects.count()
    again = run(world, download("MSG-B", twice_120=True, sequence="15"), name="again.xml")
    assert again == {"movements": 4, "posted": 0, "duplicates": 4, "unmatched": 0}
    assert Entry.objects.count() == entries and Movement.objects.count() == 4


def test_identities_stored_before_the_change_are_rewritten(world):
    open_account(world.case)
    run(world, download("MSG-A", twice_120=True))
    new_identities = dict(Movement.objects.values_list("id", "identity"))
    # as the previous version stored them: statement number and entry position
    for number, movement in enumerate(Movement.objects.order_by("id"), start=1):
        Movement.objects.filter(pk=movement.pk).update(
            identity=f"CAMT|{movement.account_iban}|14|{number}|"
            f"{movement.value_date.isoformat()}|{movement.amount:.2f}"
        )
    MIGRATION.rewrite(apps, None)
    assert dict(Movement.objects.values_list("id", "identity")) == new_identities
    MIGRATION.rewrite(apps, None)  # idempotent
    assert dict(Movement.objects.values_list("id", "identity")) == new_identities
    assert run(world, download("MSG-C", twice_120=True))["duplicates"] == 4
    assert StatementImport.objects.count() == 2


def test_entries_with_a_bank_reference_keep_it_as_identity():
    parsed = parse_statement_file(CAMT.read_bytes())
    assert [m.identity.split("|")[2] for m in parsed.movements] == [
        "KB260309A0001",
        "KB260309A0002",
        "KB260309A0003",
    ]
