"""Claims screens: the directory (create, edit, duplicate offered), the claims tab (add/edit a
claim with its declaration, representatives, join/dissolve), and what bad input does on the
page (a French message on the form, nothing saved). Exports: tests/test_claims_exports.py."""

import re
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Applicant
from claims.models import Claim, Creditor, Position, Representation, Representative
from claims.services import (
    ClaimData,
    ContactData,
    claim_create,
    creditor_create,
    position_join,
    representation_add,
    representative_create,
)

from .pdf import MINIMAL_PDF

PDF = MINIMAL_PDF
GIF = b"GIF89a" + b"\x00" * 16


def text(response) -> str:
    """The page as a reader sees it (entities decoded)."""
    return unescape(response.content.decode())


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def mediator(client, world):
    client.force_login(world.mediator)
    return client


@pytest.fixture
def proximus(world):
    return creditor_create(
        organisation=world.org,
        data=ContactData(name="Proximus SA", enterprise_number="0202239951"),
    )


def claim_form(creditor, **extra) -> dict:
    values = {
        "creditor": creditor.pk,
        "creditor_reference": "PRX-1",
        "nature": "telecom",
        "principal": "1.234,56",
        "interest": "10,5",
        "costs": "",
        "declared_on": "01/07/2022",
        "status": "pending",
        "privilege": "none",
    }
    values.update(extra)
    return values


# Directory --------------------------------------------------------------------------------


def test_create_a_creditor(mediator):
    response = mediator.post(
        reverse("claims:creditor_create"),
        {"name": "Engie Electrabel", "enterprise_number": "BE 0403.170.701", "iban": ""},
    )
    creditor = Creditor.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("claims:creditor_detail", args=[creditor.pk])
    assert creditor.enterprise_number == "0403170701"


def test_invalid_iban_and_enterprise_number_are_shown_and_nothing_saved(mediator):
    response = mediator.post(
        reverse("claims:creditor_create"),
        {"name": "Test", "enterprise_number": "0403.170.702", "iban": "BE71 0961 2345 6760"},
    )
    content = text(response)
    assert response.status_code == 200
    assert "n'est pas un numéro d'entreprise (BCE) valide" in content
    assert "n'est pas un IBAN valide" in content
    assert not Creditor.objects.exists()


def test_duplicate_creditor_is_offered_instead_of_created(mediator, world, proximus):
    claim_url = reverse("claims:claim_create", args=[world.case.pk])
    response = mediator.post(
        reverse("claims:creditor_create") + f"?next={claim_url}",
        {"name": "Proximus bis", "enterprise_number": "0202.239.951", "next": claim_url},
    )
    content = text(response)
    assert response.status_code == 200
    assert Creditor.objects.count() == 1
    assert "existe déjà dans l'annuaire" in content
    assert reverse("claims:creditor_detail", args=[proximus.pk]) in content
    assert f"{claim_url}?creditor={proximus.pk}" in content  # "Utiliser celui-ci"
    page = mediator.get(f"{claim_url}?creditor={proximus.pk}").content.decode()
    assert f'<option value="{proximus.pk}" selected>' in page


def test_inline_creation_returns_to_the_claim_form(mediator, world):
    claim_url = reverse("claims:claim_create", args=[world.case.pk])
    response = mediator.post(
        reverse("claims:creditor_create"), {"name": "CHU UCL Namur", "next": claim_url}
    )
    created = Creditor.objects.get()
    assert response.url == f"{claim_url}?creditor={created.pk}"
    evil = mediator.post(
        reverse("claims:creditor_create"), {"name": "Autre", "next": "https://evil.example/"}
    )
    assert evil.url == reverse(
        "claims:creditor_detail", args=[Creditor.objects.get(name="Autre").pk]
    )


def test_edit_a_creditor_and_list_it(mediator, proximus):
    response = mediator.post(
        reverse("claims:creditor_edit", args=[proximus.pk]),
        {"name": "Proximus NV/SA", "enterprise_number": "0202239951", "email": "x@proximus.be"},
    )
    assert response.status_code == 302
    proximus.refresh_from_db()
    assert proximus.name == "Proximus NV/SA" and proximus.email == "x@proximus.be"
    listing = mediator.get(reverse("claims:creditor_list"), {"q": "0202.239"}).content.decode()
    assert "Proximus NV/SA" in listing
    assert (
        "Proximus"
        not in mediator.get(reverse("claims:creditor_list"), {"q": "Engie"})
        .content.decode()
        .split("<tbody>")[1]
    )


def test_creditor_detail_lists_the_cases_where_it_declared(mediator, world, proximus):
    claim_create(
        case=world.case,
        data=ClaimData(creditor=proximus, principal=Decimal("99.90"), declared_on=date(2022, 7, 1)),
    )
    content = mediator.get(reverse("claims:creditor_detail", args=[proximus.pk])).content.decode()
    assert world.case.reference in content
    assert "99,90" in content


def test_supervisor_reads_but_cannot_write_the_directory(client, world, proximus):
    client.force_login(world.supervisor)
    assert client.get(reverse("claims:creditor_detail", args=[proximus.pk])).status_code == 200
    response = client.post(reverse("claims:creditor_create"), {"name": "Sneaky"})
    assert response.status_code == 403
    assert Creditor.objects.count() == 1


def test_representative_create_and_edit(mediator):
    response = mediator.post(
        reverse("claims:representative_create"),
        {"name": "Étude Delvaux", "role": "bailiff", "iban": "BE71 0961 2345 6769"},
    )
    bailiff = Representative.objects.get()
    assert response.status_code == 302 and bailiff.bic == "GKCCBEBB"
    mediator.post(
        reverse("claims:representative_edit", args=[bailiff.pk]),
        {"name": "Étude Delvaux & Pirard", "role": "bailiff"},
    )
    bailiff.refresh_from_db()
    assert bailiff.name == "Étude Delvaux & Pirard" and bailiff.iban == ""


# The claims tab ------------------------------------------------------------------------------


def test_add_a_claim_with_its_declaration(mediator, world, proximus, settings):
    response = mediator.post(
        reverse("claims:claim_create", args=[world.case.pk]),
        claim_form(proximus, declaration_file=SimpleUploadedFile("decl.pdf", PDF)),
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.principal == Decimal("1234.56")
    assert claim.interest == Decimal("10.50") and claim.costs == Decimal("0.00")
    assert claim.created_by == world.mediator
    assert list(claim.debtors.all()) == list(world.case.applicants.all())
    download = mediator.get(reverse("claims:claim_declaration", args=[world.case.pk, claim.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"declared_on": "14/06/2022"}, "avant l'admissibilité (15/06/2022)"),
        ({"principal": "-10,00"}, "ne peut être négatif"),
        ({"interest": "1,005"}, "au plus deux décimales"),
        ({"costs": "douze"}, "n'est pas un montant"),
        ({"principal": "1.500"}, "est ambigu : écrivez 1500,00"),
        ({"declaration_file": SimpleUploadedFile("x.pdf", GIF)}, "PDF ou une image"),
    ],
)
def test_bad_claim_input_shows_a_message_and_saves_nothing(
    mediator, world, proximus, settings, extra, message
):
    response = mediator.post(
        reverse("claims:claim_create", args=[world.case.pk]), claim_form(proximus, **extra)
    )
    content = text(response)
    assert response.status_code == 200
    assert message in content
    assert "La créance n'a pas été enregistrée" in content
    assert Claim.objects.count() == 0
    assert media_files(settings) == []


def test_oversized_declaration_on_the_form(mediator, world, proximus, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    response = mediator.post(
        reverse("claims:claim_create", args=[world.case.pk]),
        claim_form(proximus, declaration_file=SimpleUploadedFile("x.pdf", PDF + b"0" * 4096)),
    )
    assert "taille maximale" in text(response)
    assert Claim.objects.count() == 0
    assert media_files(settings) == []


def test_edit_a_claim(mediator, world, proximus):
    claim = claim_create(
        case=world.case,
        data=ClaimData(creditor=proximus, principal=Decimal("10"), declared_on=date(2022, 7, 1)),
    )
    page = mediator.get(reverse("claims:claim_edit", args=[world.case.pk, claim.pk]))
    assert 'value="10,00"' in page.content.decode()
    response = mediator.post(
        reverse("claims:claim_edit", args=[world.case.pk, claim.pk]),
        claim_form(proximus, status="accepted", time_barred="on", principal="20"),
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "accepted" and claim.principal == Decimal("20")
    # issue #11: no "late declaration" checkbox any more; the forclusion is recorded with its
    # date and reason on the declarations screen (tests/test_declaration_deadlines.py)
    assert not claim.time_barred


def test_only_the_designated_mediator_and_the_administrator_write(client, world, proximus):
    for user in (world.colleague, world.supervisor):
        client.force_login(user)
        response = client.post(
            reverse("claims:claim_create", args=[world.case.pk]), claim_form(proximus)
        )
        assert response.status_code == 403
        page = client.get(reverse("claims:case_claims", args=[world.case.pk])).content.decode()
        assert reverse("claims:claim_create", args=[world.case.pk]) not in page
    assert not Claim.objects.exists()
    client.force_login(world.administrator)
    response = client.post(
        reverse("claims:claim_create", args=[world.case.pk]), claim_form(proximus)
    )
    assert response.status_code == 302 and Claim.objects.count() == 1


def test_claims_tab_shows_the_table_counts_and_flags(mediator, world, proximus):
    spf = creditor_create(organisation=world.org, data=ContactData(name="SPF Finances"))
    chu = creditor_create(organisation=world.org, data=ContactData(name="CHU Namur"))
    for who, extra in (
        (proximus, {}),
        (proximus, {}),
        (spf, {"nature": "criminal_fine"}),
        (chu, {"time_barred": True}),
    ):
        claim_create(
            case=world.case,
            data=ClaimData(
                creditor=who, principal=Decimal("100"), declared_on=date(2022, 7, 1), **extra
            ),
        )
    content = mediator.get(reverse("claims:case_claims", args=[world.case.pk])).content.decode()
    assert "Créanciers déclarants (2,1°)" in content
    assert "Créanciers participant au plan (2,3°)" in content
    assert '<div class="fs-3 fw-semibold" id="count-declared">3</div>' in content
    assert '<div class="fs-3 fw-semibold" id="count-participating">2</div>' in content
    assert "Non remissible" in content
    assert "Créancier forclos : hors plan" in content
    assert "66,67 %" in content and "33,33 %" in content  # shares of 300 € participating
    assert "400,00\u00a0€" in content  # overall total


def test_join_from_the_tab_and_dissolve(mediator, world, proximus):
    claims = [
        claim_create(
            case=world.case,
            data=ClaimData(
                creditor=proximus,
                principal=Decimal("100"),
                declared_on=date(2022, 7, 1),
                creditor_reference=f"F-{n}",
            ),
        )
        for n in range(3)
    ]
    url = reverse("claims:position_join", args=[world.case.pk])
    response = mediator.post(url, {"claims": [c.pk for c in claims], "label": "Proximus joint"})
    assert response.status_code == 302
    position = Position.objects.get()
    tab = mediator.get(reverse("claims:case_claims", args=[world.case.pk])).content.decode()
    assert "Position jointe" in tab and "Proximus joint" in tab
    assert all(f"F-{n}" in tab for n in range(3))  # the originals stay visible
    response = mediator.post(reverse("claims:position_dissolve", args=[world.case.pk, position.pk]))
    assert response.status_code == 302
    assert not Position.objects.exists() and Claim.objects.count() == 3


def test_join_mixing_two_creditors_is_refused_on_the_page(mediator, world, proximus):
    engie = creditor_create(organisation=world.org, data=ContactData(name="Engie"))
    claims = [
        claim_create(
            case=world.case,
            data=ClaimData(creditor=who, principal=Decimal("1"), declared_on=date(2022, 7, 1)),
        )
        for who in (proximus, engie)
    ]
    response = mediator.post(
        reverse("claims:position_join", args=[world.case.pk]),
        {"claims": [c.pk for c in claims], "label": "Mélange"},
    )
    content = text(response)
    assert response.status_code == 200
    assert "Aucune position n'a été créée" in content
    assert "plusieurs créanciers" in content
    assert not Position.objects.exists()
    assert not Claim.objects.filter(position__isnull=False).exists()


def test_join_cannot_take_a_claim_of_another_case(mediator, world, proximus):
    own = claim_create(
        case=world.case,
        data=ClaimData(creditor=proximus, principal=Decimal("1"), declared_on=date(2022, 7, 1)),
    )
    foreign_creditor = creditor_create(organisation=world.other_org, data=ContactData(name="X"))
    foreign = claim_create(
        case=world.other_case,
        data=ClaimData(
            creditor=foreign_creditor, principal=Decimal("1"), declared_on=date(2022, 7, 1)
        ),
    )
    response = mediator.post(
        reverse("claims:position_join", args=[world.case.pk]),
        {"claims": [own.pk, foreign.pk], "label": "Intrusion"},
    )
    assert response.status_code == 200
    assert not Position.objects.exists()


def test_add_a_representative_acting_for_a_creditor(mediator, world, proximus):
    bailiff = representative_create(
        organisation=world.org, data=ContactData(name="Étude Delvaux", role="bailiff")
    )
    claim_url = reverse("claims:claim_create", args=[world.case.pk])
    response = mediator.post(
        reverse("claims:representation_create", args=[world.case.pk]),
        {
            "creditor": proximus.pk,
            "representative": bailiff.pk,
            "file_reference": "D-21/0456",
            "next": claim_url,
        },
    )
    representation = Representation.objects.get()
    assert response.url == f"{claim_url}?representation={representation.pk}"
    response = mediator.post(claim_url, claim_form(proximus, representation=representation.pk))
    assert response.status_code == 302
    tab = mediator.get(reverse("claims:case_claims", args=[world.case.pk])).content.decode()
    assert "Étude Delvaux" in tab and "D-21/0456" in tab
    mediator.post(reverse("claims:representation_delete", args=[world.case.pk, representation.pk]))
    assert not Representation.objects.exists()
    assert Claim.objects.get().representation is None


def test_delete_a_claim_but_not_one_in_a_position(mediator, world, proximus):
    claims = [
        claim_create(
            case=world.case,
            data=ClaimData(creditor=proximus, principal=Decimal("1"), declared_on=date(2022, 7, 1)),
        )
        for _ in range(3)
    ]
    position_join(case=world.case, claims=claims[:2], label="Deux")
    refused = mediator.post(reverse("claims:claim_delete", args=[world.case.pk, claims[0].pk]))
    assert refused.status_code == 302 and Claim.objects.count() == 3
    mediator.post(reverse("claims:claim_delete", args=[world.case.pk, claims[2].pk]))
    assert Claim.objects.count() == 2


def test_tab_of_the_case_points_to_the_claims_view(mediator, world):
    page = mediator.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert reverse("claims:case_claims", args=[world.case.pk]) in page


def test_representation_of_another_organisation_cannot_be_used(mediator, world, proximus):
    other = representative_create(
        organisation=world.other_org, data=ContactData(name="Intrum", role="collection_agency")
    )
    response = mediator.post(
        reverse("claims:representation_create", args=[world.case.pk]),
        {"creditor": proximus.pk, "representative": other.pk},
    )
    assert response.status_code == 200
    assert not Representation.objects.exists()
    foreign_representation = representation_add(
        case=world.other_case,
        creditor=creditor_create(organisation=world.other_org, data=ContactData(name="Y")),
        representative=other,
    )
    response = mediator.post(
        reverse("claims:claim_create", args=[world.case.pk]),
        claim_form(proximus, representation=foreign_representation.pk),
    )
    assert response.status_code == 200 and not Claim.objects.exists()


def test_the_debtors_are_read_only_when_the_case_has_two_applicants(mediator, world, proximus):
    """One applicant: every claim is theirs, the tab neither shows nor reads the claims' debtors
    (issue 15: a query less); two: the column, and the debtors read in one query."""
    for _ in range(2):
        claim_create(
            case=world.case,
            data=ClaimData(
                creditor=proximus, principal=Decimal("100"), declared_on=date(2022, 7, 1)
            ),
        )
    url = reverse("claims:case_claims", args=[world.case.pk])

    def read():
        with CaptureQueriesContext(connection) as ctx:
            content = mediator.get(url).content.decode()
        debtors = [q for q in ctx.captured_queries if "claims_claim_debtors" in q["sql"]]
        return content, len(debtors)

    content, debtors = read()
    assert debtors == 0 and "Débiteur(s)" not in content
    first = world.case.applicants.get()
    Applicant.objects.create(case=world.case, position=2, last_name="Dubois", first_name="Jean")
    content, debtors = read()
    assert debtors == 1 and "Débiteur(s)" in content
    assert content.count(f'<td class="small">{first.full_name}</td>') == 2


def test_the_admitted_amount_suggests_the_declared_amount_not_zero(mediator, world):
    # Empty means "the declared amount": a "0,00" placeholder read as "nothing admitted".
    page = mediator.get(reverse("claims:claim_create", args=[world.case.pk])).content.decode()
    field = re.search(r'<input[^>]*name="admitted_amount"[^>]*>', page).group(0)
    assert 'placeholder="Montant déclaré"' in field
    principal = re.search(r'<input[^>]*name="principal"[^>]*>', page).group(0)
    assert 'placeholder="0,00"' in principal
