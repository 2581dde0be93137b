"""National register numbers are encrypted at rest (issue 13): the column holds a Fernet token,
never the number; a keyed hash beside it serves exact search; the keys come from the settings
(the environment) and rotate with ``manage.py reencrypt_national_numbers``; the migration
encrypts the rows it finds in clear; bundles still carry the clear number."""

import copy
import hashlib
import hmac
import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from bundles.exporter import export_case
from bundles.importer import bundle_import
from cases.models import Applicant
from cases.selectors import CaseFilters, caseload_list
from core.crypto import DecryptionError

NUMBER = "85073003328"  # the number of world.case's applicant (tests/factories.py)


def raw_columns(applicant_pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT national_number, national_number_hash FROM cases_applicant WHERE id = %s",
            [applicant_pk],
        )
        return cursor.fetchone()


def applicant_of(case) -> Applicant:
    return case.applicants.get(position=1)


def test_the_database_holds_a_token_not_the_number(world, settings):
    applicant = applicant_of(world.case)
    stored, stored_hash = raw_columns(applicant.pk)
    assert NUMBER not in stored
    assert stored.startswith("gAAAAA")
    key = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    assert key.decrypt(stored.encode()).decode() == NUMBER
    # the ORM reads it back in clear
    assert Applicant.objects.get(pk=applicant.pk).national_number == NUMBER
    # the hash is an HMAC under the hash key, not a plain (brute-forceable) SHA-256
    expected = hmac.new(
        settings.NATIONAL_NUMBER_HASH_KEY.encode(), NUMBER.encode(), hashlib.sha256
    ).hexdigest()
    assert stored_hash == expected
    assert stored_hash != hashlib.sha256(NUMBER.encode()).hexdigest()


def test_the_encrypted_column_refuses_a_search_on_its_content(world):
    with pytest.raises(FieldError, match="keyed hash"):
        Applicant.objects.filter(national_number=NUMBER).exists()


def test_the_caseload_finds_a_case_by_the_exact_national_number(world):
    for typed in (NUMBER, "85.07.30-033.28"):
        assert list(caseload_list(world.mediator, CaseFilters(q=typed))) == [world.case]
    assert list(caseload_list(world.mediator, CaseFilters(q="90010100123"))) == []
    # another organisation's case with the same applicant: each sees only their own
    assert list(caseload_list(world.other_mediator, CaseFilters(q=NUMBER))) == [world.other_case]


def test_key_rotation_reencrypts_under_the_new_key(world, settings):
    applicant = applicant_of(world.case)
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    settings.NATIONAL_NUMBER_HASH_KEY = "a-new-hash-key"
    out = StringIO()
    call_command("reencrypt_national_numbers", stdout=out)
    assert "re-encrypted" in out.getvalue()

    stored, stored_hash = raw_columns(applicant.pk)
    assert Fernet(new_key.encode()).decrypt(stored.encode()).decode() == NUMBER
    assert stored_hash == hmac.new(b"a-new-hash-key", NUMBER.encode(), hashlib.sha256).hexdigest()
    # the old key can go: the new one alone reads every number, the search still finds it
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert Applicant.objects.get(pk=applicant.pk).national_number == NUMBER
    assert list(caseload_list(world.mediator, CaseFilters(q=NUMBER))) == [world.case]
    # without the right key nothing decrypts
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(DecryptionError):
        Applicant.objects.get(pk=applicant.pk)


def test_the_migration_encrypts_numbers_stored_in_clear(world):
    applicant = applicant_of(world.case)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_applicant SET national_number = %s, national_number_hash = '' "
            "WHERE id = %s",
            [NUMBER, applicant.pk],
        )
    migration = importlib.import_module("cases.migrations.0002_encrypt_national_numbers")
    schema_editor = SimpleNamespace(connection=connection)
    migration.encrypt_existing(None, schema_editor)
    stored, stored_hash = raw_columns(applicant.pk)
    assert stored.startswith("gAAAAA") and NUMBER not in stored
    assert stored_hash
    assert Applicant.objects.get(pk=applicant.pk).national_number == NUMBER
    # and backwards
    migration.decrypt_existing(None, schema_editor)
    assert raw_columns(applicant.pk)[0] == NUMBER


def test_a_bundle_round_trip_keeps_the_number(world):
    document = export_case(world.case)
    assert document["applicants"][0]["national_number"] == NUMBER
    imported = bundle_import(document=copy.deepcopy(document), organisation_slug="bundle-copy")
    copied = applicant_of(imported)
    assert copied.national_number == NUMBER
    stored, stored_hash = raw_columns(copied.pk)
    assert NUMBER not in stored
    assert stored_hash == raw_columns(applicant_of(world.case).pk)[1]


def test_a_corrected_number_is_found_by_the_new_number_only(world):
    """Applicants are edited in place (their claims' links stay): the search hash must follow
    the number it is computed from."""
    from cases.services import ApplicantData, CaseData, case_update

    case = world.case
    data = CaseData(
        reference=case.reference,
        division=case.division,
        admissibility_date=case.admissibility_date,
    )
    applicant = applicant_of(case)
    corrected = "90010110021"
    case_update(
        case=case,
        data=data,
        applicants=[
            ApplicantData(
                last_name=applicant.last_name,
                first_name=applicant.first_name,
                national_number=corrected,
                pk=applicant.pk,
            )
        ],
        updated_by=world.mediator,
    )
    assert applicant_of(case).pk == applicant.pk
    assert list(caseload_list(world.mediator, CaseFilters(q=corrected))) == [case]
    assert list(caseload_list(world.mediator, CaseFilters(q=NUMBER))) == []
