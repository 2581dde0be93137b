"""Claims services: the directory (BCE, IBAN, BIC, no duplicates), claims (dates, amounts,
declaration uploads) and joined positions. Bad input: a French message keyed by field, and
nothing saved (no row, no file in MEDIA_ROOT)."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.services import ApplicantData
from claims.models import Claim, Creditor, Position, Representative, normalise_enterprise_number
from claims.services import (
    ClaimData,
    ContactData,
    DuplicateContact,
    claim_create,
    claim_delete,
    claim_update,
    creditor_create,
    creditor_update,
    position_dissolve,
    position_join,
    representation_add,
    representative_create,
    representative_update,
)

from .factories import make_case
from .pdf import MINIMAL_PDF, TINY_JPEG, TINY_PNG

PDF = MINIMAL_PDF
PNG = TINY_PNG
JPEG = TINY_JPEG
GIF = b"GIF89a" + b"\x00" * 32

PROXIMUS_BCE = "0202239951"
ENGIE_BCE = "0403170701"
BELFIUS_IBAN = "BE71096123456769"  # a valid Belgian IBAN (bank code 096: Belfius, GKCCBEBB)
OTHER_IBAN = "BE62510007547061"


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def creditor(world, name="Proximus SA", number=PROXIMUS_BCE, iban="", org=None) -> Creditor:
    return creditor_create(
        organisation=org or world.org,
        data=ContactData(name=name, enterprise_number=number, iban=iban),
    )


def data(who, **extra) -> ClaimData:
    values = {
        "creditor": who,
        "principal": Decimal("1000.00"),
        "declared_on": date(2022, 7, 1),
        "creditor_reference": "REF-1",
    }
    values.update(extra)
    return ClaimData(**values)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# Directory --------------------------------------------------------------------------------


def test_creditor_is_normalised_and_bic_completed_from_a_belgian_iban(world):
    created = creditor(world, number="BE 0202.239.951", iban="be71 0961 2345 6769")
    created.refresh_from_db()
    assert created.enterprise_number == PROXIMUS_BCE
    assert created.enterprise_number_display == "0202.239.951"
    assert created.iban == BELFIUS_IBAN
    assert created.bic == "GKCCBEBB"
    assert created.organisation == world.org


@pytest.mark.parametrize(
    "field,values,message",
    [
        ("enterprise_number", {"enterprise_number": "0202.239.952"}, "numéro d'entreprise"),
        # 12 digits once truncated to their last 10 gave a valid number (0403170701)
        ("enterprise_number", {"enterprise_number": "990403170701"}, "numéro d'entreprise"),
        ("iban", {"iban": "BE71 0961 2345 6760"}, "IBAN valide"),
        ("bic", {"iban": OTHER_IBAN, "bic": "XX"}, "BIC valide"),
        ("bic", {"iban": BELFIUS_IBAN, "bic": "DEUTDEFF"}, "ne correspond pas"),
        ("name", {"name": "  "}, ""),
    ],
)
def test_invalid_contact_data_is_refused_and_nothing_saved(world, field, values, message):
    fields = {"name": "Créancier", **values}
    with pytest.raises(ValidationError) as excinfo:
        creditor_create(organisation=world.org, data=ContactData(**fields))
    assert field in errors_of(excinfo)
    assert message in " ".join(errors_of(excinfo)[field])
    assert not Creditor.objects.exists()


def test_normalise_enterprise_number_never_truncates():
    assert normalise_enterprise_number("BE0403.170.701") == ENGIE_BCE
    assert normalise_enterprise_number("403170701") == ENGIE_BCE  # old 9-digit notation
    assert normalise_enterprise_number("990403170701") != ENGIE_BCE


def test_duplicate_enterprise_number_offers_the_existing_creditor(world):
    existing = creditor(world)
    with pytest.raises(DuplicateContact) as excinfo:
        creditor(world, name="PROXIMUS (bis)", number="BE0202.239.951")
    assert excinfo.value.existing == existing
    assert excinfo.value.field == "enterprise_number"
    assert "Proximus SA" in errors_of(excinfo)["enterprise_number"][0]
    assert Creditor.objects.count() == 1


def test_duplicate_iban_offers_the_existing_creditor(world):
    existing = creditor(world, name="Bailleur", number="", iban=BELFIUS_IBAN)
    with pytest.raises(DuplicateContact) as excinfo:
        creditor(world, name="Bailleur bis", number="", iban="BE71 0961 2345 6769")
    assert excinfo.value.existing == existing
    assert excinfo.value.field == "iban"
    assert Creditor.objects.count() == 1


def test_same_creditor_in_another_organisation_is_not_a_duplicate(world):
    creditor(world)
    creditor(world, org=world.other_org)
    assert Creditor.objects.count() == 2


def test_update_keeps_its_own_numbers_but_refuses_another_creditors(world):
    proximus = creditor(world, iban=BELFIUS_IBAN)
    engie = creditor(world, name="Engie", number=ENGIE_BCE)
    updated = creditor_update(
        creditor=proximus,
        data=ContactData(name="Proximus NV/SA", enterprise_number=PROXIMUS_BCE, iban=BELFIUS_IBAN),
    )
    assert updated.name == "Proximus NV/SA"
    with pytest.raises(DuplicateContact) as excinfo:
        creditor_update(creditor=engie, data=ContactData(name="Engie", iban="BE71 0961 2345 6769"))
    assert excinfo.value.existing == proximus
    engie.refresh_from_db()
    assert engie.iban == ""


def test_representatives_have_the_same_duplicate_rule(world):
    bailiff = representative_create(
        organisation=world.org,
        data=ContactData(name="Étude Delvaux", role="bailiff", iban=OTHER_IBAN),
    )
    with pytest.raises(DuplicateContact) as excinfo:
        representative_create(
            organisation=world.org,
            data=ContactData(name="Delvaux & Pirard", role="bailiff", iban=OTHER_IBAN),
        )
    assert excinfo.value.existing == bailiff
    assert Representative.objects.count() == 1
    updated = representative_update(
        representative=bailiff,
        data=ContactData(name="Étude Delvaux & Pirard", role="bailiff", iban=OTHER_IBAN),
    )
    assert updated.name == "Étude Delvaux & Pirard"
    with pytest.raises(ValidationError) as excinfo:
        representative_create(
            organisation=world.org, data=ContactData(name="Sans qualité", role="pirate")
        )
    assert "role" in errors_of(excinfo)


def test_representation_needs_contacts_of_the_case_organisation(world):
    own = creditor(world)
    foreign = representative_create(
        organisation=world.other_org, data=ContactData(name="Intrum", role="collection_agency")
    )
    with pytest.raises(ValidationError) as excinfo:
        representation_add(case=world.case, creditor=own, representative=foreign)
    assert "representative" in errors_of(excinfo)


# Claims -----------------------------------------------------------------------------------


def test_claim_is_owed_by_every_applicant_unless_chosen(world):
    couple = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2022-0099",
        applicants=[
            ApplicantData(last_name="Dubois", first_name="Marie"),
            ApplicantData(last_name="Lambert", first_name="Jean"),
        ],
    )
    who = creditor(world)
    both = claim_create(case=couple, data=data(who), by=world.mediator)
    first = couple.applicants.get(position=1)
    one = claim_create(case=couple, data=data(who, debtors=[first]))
    assert set(both.debtors.all()) == set(couple.applicants.all())
    assert list(one.debtors.all()) == [first]
    assert both.total == Decimal("1000.00") and both.created_by == world.mediator
    with pytest.raises(ValidationError) as excinfo:
        claim_create(case=world.case, data=data(who, debtors=[first]))
    assert "debtors" in errors_of(excinfo)


@pytest.mark.parametrize(
    "extra,field,message",
    [
        ({"declared_on": date(2022, 6, 14)}, "declared_on", "avant l'admissibilité (15/06/2022)"),
        ({"principal": Decimal("-0.01")}, "principal", "ne peut être négatif"),
        ({"interest": Decimal("-5")}, "interest", "ne peut être négatif"),
        ({"costs": Decimal("12.345")}, "costs", "au plus deux décimales"),
        ({"principal": Decimal("1.001")}, "principal", "au plus deux décimales"),
        ({"paid_off_on": date(2022, 6, 30)}, "paid_off_on", "soldée avant sa déclaration"),
    ],
)
def test_bad_claim_is_refused_with_a_french_message_and_nothing_saved(
    world, settings, extra, field, message
):
    who = creditor(world)
    upload = SimpleUploadedFile("declaration.pdf", PDF)
    with pytest.raises(ValidationError) as excinfo:
        claim_create(case=world.case, data=data(who, **extra), declaration=upload)
    assert message in errors_of(excinfo)[field][0]
    assert not Claim.objects.exists()
    assert media_files(settings) == []


def test_claim_in_the_future_is_refused(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        claim_create(case=world.case, data=data(creditor(world), declared_on=tomorrow))
    assert "futur" in errors_of(excinfo)["declared_on"][0]


def test_claim_needs_a_creditor_and_representative_of_its_own(world):
    own, other = creditor(world), creditor(world, name="Engie", number=ENGIE_BCE)
    foreign = creditor(world, org=world.other_org)
    with pytest.raises(ValidationError) as excinfo:
        claim_create(case=world.case, data=data(foreign))
    assert "creditor" in errors_of(excinfo)
    bailiff = representative_create(
        organisation=world.org, data=ContactData(name="Étude", role="bailiff")
    )
    for_engie = representation_add(case=world.case, creditor=other, representative=bailiff)
    with pytest.raises(ValidationError) as excinfo:
        claim_create(case=world.case, data=data(own, representation=for_engie))
    assert "representation" in errors_of(excinfo)
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "content,name,suffix",
    [(PDF, "declaration.pdf", ".pdf"), (PNG, "scan.png", ".png"), (JPEG, "photo.exe", ".jpg")],
)
def test_declaration_pdf_or_image_is_stored_by_its_content(world, content, name, suffix):
    claim = claim_create(
        case=world.case,
        data=data(creditor(world)),
        declaration=SimpleUploadedFile(name, content),
    )
    assert claim.declaration_file.name.endswith(suffix)
    assert claim.declaration_name == name
    with claim.declaration_file.open("rb") as stored:
        assert stored.read() == content


def test_declaration_that_is_not_a_pdf_or_image_is_refused(world, settings):
    with pytest.raises(ValidationError) as excinfo:
        claim_create(
            case=world.case,
            data=data(creditor(world)),
            declaration=SimpleUploadedFile("declaration.pdf", GIF),
        )
    assert "PDF ou une image" in errors_of(excinfo)["declaration_file"][0]
    assert not Claim.objects.exists()
    assert media_files(settings) == []


def test_oversized_declaration_is_refused(world, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as excinfo:
        claim_create(
            case=world.case,
            data=data(creditor(world)),
            declaration=SimpleUploadedFile("big.pdf", PDF + b"0" * 2048),
        )
    assert "taille maximale" in errors_of(excinfo)["declaration_file"][0]
    assert not Claim.objects.exists()
    assert media_files(settings) == []


def test_a_new_declaration_replaces_the_old_file(
    world, settings, django_capture_on_commit_callbacks
):
    who = creditor(world)
    claim = claim_create(
        case=world.case, data=data(who), declaration=SimpleUploadedFile("a.pdf", PDF)
    )
    old = Path(claim.declaration_file.path)
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_update(
            claim=claim,
            data=data(who, principal=Decimal("1200.50")),
            declaration=SimpleUploadedFile("b.png", PNG),
        )
    assert claim.principal == Decimal("1200.50")
    assert claim.declaration_file.name.endswith(".png")
    assert not old.exists()
    assert media_files(settings) == [Path(claim.declaration_file.path)]


def test_refused_update_changes_nothing(world, settings):
    who = creditor(world)
    claim = claim_create(
        case=world.case, data=data(who), declaration=SimpleUploadedFile("a.pdf", PDF)
    )
    with pytest.raises(ValidationError):
        claim_update(
            claim=claim,
            data=data(who, principal=Decimal("-1")),
            declaration=SimpleUploadedFile("b.pdf", PDF),
        )
    claim.refresh_from_db()
    assert claim.principal == Decimal("1000.00")
    assert media_files(settings) == [Path(claim.declaration_file.path)]


def test_claim_delete_removes_its_file(world, settings, django_capture_on_commit_callbacks):
    claim = claim_create(
        case=world.case, data=data(creditor(world)), declaration=SimpleUploadedFile("a.pdf", PDF)
    )
    with django_capture_on_commit_callbacks(execute=True):
        claim_delete(claim=claim)
    assert not Claim.objects.exists()
    assert media_files(settings) == []


# Joined positions ---------------------------------------------------------------------------


def three_files(world):
    partena = creditor(world, name="Partena", number="")
    return [
        claim_create(case=world.case, data=data(partena, creditor_reference=f"D-{n}"))
        for n in range(3)
    ]


def test_join_claims_of_one_creditor_and_dissolve(world):
    claims = three_files(world)
    position = position_join(case=world.case, claims=claims, label=" Partena — plan unique ")
    assert position.label == "Partena — plan unique"
    assert position.creditor == claims[0].creditor
    assert set(position.claims.all()) == set(claims)  # the originals stay
    assert Claim.objects.count() == 3
    position_dissolve(position=position)
    assert not Position.objects.exists()
    assert Claim.objects.filter(position__isnull=True).count() == 3


def test_a_position_cannot_mix_two_creditors(world):
    partena = three_files(world)[0]
    engie = claim_create(case=world.case, data=data(creditor(world, "Engie", ENGIE_BCE)))
    with pytest.raises(ValidationError) as excinfo:
        position_join(case=world.case, claims=[partena, engie], label="Mélange")
    message = errors_of(excinfo)["claims"][0]
    assert "plusieurs créanciers" in message and "Engie" in message and "Partena" in message
    assert not Position.objects.exists()
    assert not Claim.objects.filter(position__isnull=False).exists()


def test_join_needs_two_claims_of_the_case_a_label_and_free_claims(world):
    claims = three_files(world)
    with pytest.raises(ValidationError) as excinfo:
        position_join(case=world.case, claims=claims[:1], label="Seule")
    assert "au moins deux" in errors_of(excinfo)["claims"][0]
    with pytest.raises(ValidationError) as excinfo:
        position_join(case=world.case, claims=claims[:2], label="  ")
    assert "label" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        position_join(case=world.other_case, claims=claims[:2], label="Autre dossier")
    assert "appartenir au dossier" in errors_of(excinfo)["claims"][0]
    position_join(case=world.case, claims=claims[:2], label="Deux")
    with pytest.raises(ValidationError) as excinfo:
        position_join(case=world.case, claims=claims[1:], label="Encore")
    assert "déjà" in errors_of(excinfo)["claims"][0]
    assert Position.objects.count() == 1


def test_a_joined_claim_keeps_its_creditor_and_is_not_deleted(world):
    claims = three_files(world)
    position_join(case=world.case, claims=claims[:2], label="Deux")
    engie = creditor(world, "Engie", ENGIE_BCE)
    with pytest.raises(ValidationError) as excinfo:
        claim_update(claim=claims[0], data=data(engie))
    assert "position jointe" in errors_of(excinfo)["creditor"][0]
    with pytest.raises(ValidationError):
        claim_delete(claim=claims[0])
    assert Claim.objects.count() == 3
