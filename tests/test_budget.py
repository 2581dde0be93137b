"""The budget app: versions never overwritten, refused inputs (negative line, allowance under
the hard floor, under the non-seizable amount without the applicant's agreement, bad upload),
the selectors read by the plan and the ledger, the legal rows in the database, the screens and
the exports (CSV parsed, XLSX opened, PDF)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from budget import selectors
from budget.allowance import load_default_tables
from budget.models import (
    AllowanceDecision,
    BudgetVersion,
    IntegrationIncomeRecord,
    SeizureScaleRecord,
)
from budget.selectors import BudgetNotReady
from budget.services import (
    AllowanceData,
    BudgetData,
    ChargeData,
    IncomeData,
    allowance_decide,
    budget_version_create,
)
from cases.services import ApplicantData

from .factories import make_case
from .pdf import MINIMAL_PDF, TINY_PNG

D = Decimal
PDF = MINIMAL_PDF
PNG = TINY_PNG
TODAY = date(2025, 3, 10)


def budget(case, by, *, on=date(2025, 3, 1), incomes=None, charges=None, **fields):
    """A single person earning 2.000,00 in 2025: non-seizable 1.671,40, hard floor 1.314,20."""
    data = BudgetData(
        date=on,
        ris_category=fields.pop("ris_category", "single"),
        incomes=incomes
        if incomes is not None
        else [IncomeData(kind="earned", amount=D("2000.00"), label="Salaire")],
        charges=charges
        if charges is not None
        else [
            ChargeData(kind="rent", amount=D("650.00"), label="Loyer", paid_from_account=True),
            ChargeData(kind="energy", amount=D("120.00"), label="Électricité"),
        ],
        **fields,
    )
    return budget_version_create(case=case, data=data, by=by)


def decide(version, by, amount, **fields):
    agreement = fields.pop("agreement", None)
    return allowance_decide(
        version=version,
        data=AllowanceData(amount=D(amount), **fields),
        agreement=agreement,
        by=by,
        today=TODAY,
    )


# --- versions --------------------------------------------------------------------------------


def test_versions_are_numbered_and_never_overwritten(world):
    first = budget(world.case, world.mediator, reason="Budget initial")
    second = budget(
        world.case,
        world.mediator,
        on=date(2025, 6, 1),
        incomes=[IncomeData(kind="replacement", amount=D("1500.00"), label="Chômage")],
        reason="Perte d'emploi",
    )
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert [(li.kind, li.amount) for li in first.incomes.all()] == [("earned", D("2000.00"))]
    assert selectors.current_version(world.case) == second
    assert selectors.version_in_force(world.case, date(2025, 5, 31)) == first
    assert selectors.version_in_force(world.case, date(2025, 6, 1)) == second
    assert selectors.version_in_force(world.case, date(2025, 2, 28)) is None
    assert [v.number for v in selectors.versions_of(world.case)] == [2, 1]


def test_a_new_version_cannot_predate_the_current_one(world):
    budget(world.case, world.mediator, on=date(2025, 6, 1))
    with pytest.raises(ValidationError) as error:
        budget(world.case, world.mediator, on=date(2025, 5, 1))
    assert "antérieure à la version n° 1" in error.value.message_dict["date"][0]
    assert BudgetVersion.objects.count() == 1


def test_a_negative_line_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as error:
        budget(
            world.case,
            world.mediator,
            incomes=[IncomeData(kind="earned", amount=D("-10.00"), label="Salaire")],
            charges=[ChargeData(kind="rent", amount=D("-1.00"), label="Loyer")],
        )
    messages = error.value.message_dict
    assert "Salaire" in messages["incomes"][0] and "négatif" in messages["incomes"][0]
    assert "Loyer" in messages["charges"][0]
    assert not BudgetVersion.objects.exists()


def test_other_bad_budget_inputs(world):
    with pytest.raises(ValidationError) as error:
        budget(
            world.case,
            world.mediator,
            incomes=[
                IncomeData(kind="salary", amount=D("1")),
                IncomeData(kind="earned", amount=D("1.005")),
                IncomeData(kind="earned", amount=D("1"), person=2),
            ],
            adults=0,
            dependent_children=-1,
            ris_category="couple",
        )
    messages = error.value.message_dict
    assert set(messages) == {"incomes", "adults", "dependent_children", "ris_category"}
    assert len(messages["incomes"]) == 3


def test_two_applicants_must_say_who_receives_a_wage(world):
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2025-0002",
        applicants=[
            ApplicantData(last_name="Dubois", first_name="Marie"),
            ApplicantData(last_name="Dubois", first_name="Paul"),
        ],
    )
    with pytest.raises(ValidationError, match="indiquez le requérant"):
        budget(case, world.mediator)
    version = budget(
        case,
        world.mediator,
        incomes=[
            IncomeData(kind="earned", amount=D("1500"), person=1),
            IncomeData(kind="replacement", amount=D("1900"), person=2),
            IncomeData(kind="family_allowances", amount=D("400")),
        ],
        dependent_children=4,
        adults=2,
        ris_category="family",
    )
    floors = selectors.floors_for(version)
    # each applicant has their brackets; see tests/test_allowance.py for the arithmetic
    assert floors.non_seizable == D("3800.00")
    assert [p.person for p in floors.non_seizable_part.persons] == [1, 2]
    assert any(line.startswith("Requérant 2 (DUBOIS Paul)") for line in floors.working)


# --- the living allowance --------------------------------------------------------------------


def test_allowance_at_or_above_both_floors(world):
    version = budget(world.case, world.mediator)
    decision = decide(
        version, world.mediator, "1800.00", frequency="standing_order", day_of_month=3
    )
    assert decision.non_seizable == D("1671.40")
    assert decision.hard_floor == D("1314.20")
    assert decision.paid_to_applicant == D("1150.00")  # 1.800 − rent paid by the mediator 650
    assert decision.scale_row_id == "art1409@2025-01-01"
    assert decision.working["ris_row"] == "ris-single@2025-02-01"
    assert not decision.agreement_file


def test_allowance_under_the_hard_floor_is_refused(world):
    version = budget(world.case, world.mediator)
    with pytest.raises(ValidationError) as error:
        decide(
            version,
            world.mediator,
            "1300.00",
            agreement_date=date(2025, 3, 1),
            agreement=SimpleUploadedFile("accord.pdf", PDF),
        )
    message = error.value.message_dict["amount"][0]
    assert "plancher absolu de 1.314,20" in message and "même avec l'accord" in message
    assert not AllowanceDecision.objects.exists()


def test_allowance_under_the_non_seizable_amount_needs_the_agreement(world):
    version = budget(world.case, world.mediator)
    with pytest.raises(ValidationError) as error:
        decide(version, world.mediator, "1600.00")
    messages = error.value.message_dict
    assert "quotité insaisissable (1.671,40" in messages["amount"][0]
    assert "accord exprès du requérant est requis" in messages["amount"][0]
    assert set(messages) == {"amount", "agreement_date", "agreement_file"}
    # a date without the document is not a recorded agreement either
    with pytest.raises(ValidationError) as error:
        decide(version, world.mediator, "1600.00", agreement_date=date(2025, 3, 1))
    assert set(error.value.message_dict) == {"amount", "agreement_file"}
    assert not AllowanceDecision.objects.exists()
    decision = decide(
        version,
        world.mediator,
        "1600.00",
        agreement_date=date(2025, 3, 1),
        agreement=SimpleUploadedFile("accord signé.png", PNG),
    )
    assert decision.has_agreement and decision.agreement_file.name.endswith(".png")
    assert decision.agreement_size == len(PNG) and len(decision.agreement_sha256) == 64


def test_the_agreement_covers_a_later_allowance_that_retains_no_more(world):
    version = budget(world.case, world.mediator)
    first = decide(
        version,
        world.mediator,
        "1600.00",
        agreement_date=date(2025, 3, 1),
        agreement=SimpleUploadedFile("accord.pdf", PDF),
    )
    # a change of schedule, or a higher allowance: the agreement already given still applies
    later = decide(version, world.mediator, "1620.00", frequency="standing_order")
    assert later.has_agreement and later.agreement_file.name == first.agreement_file.name
    assert later.agreement_date == date(2025, 3, 1)
    # retaining more than agreed needs a new agreement
    with pytest.raises(ValidationError, match="accord exprès"):
        decide(version, world.mediator, "1550.00")
    # above the non-seizable amount no agreement is kept with the decision
    assert not decide(version, world.mediator, "1700.00").has_agreement


@pytest.mark.parametrize(
    "content,message",
    [
        (b"GIF89a......", "PDF ou une image"),
        (b"<html>%PDF-</html>", "PDF ou une image"),
        (b"", "vide"),
    ],
)
def test_a_bad_agreement_upload_is_refused(world, content, message):
    version = budget(world.case, world.mediator)
    with pytest.raises(ValidationError) as error:
        decide(
            version,
            world.mediator,
            "1600.00",
            agreement_date=date(2025, 3, 1),
            agreement=SimpleUploadedFile("accord.pdf", content),
        )
    assert message in " ".join(error.value.message_dict["agreement_file"])
    assert not AllowanceDecision.objects.exists()


def test_an_agreement_over_the_size_limit_is_refused(world, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
    version = budget(world.case, world.mediator)
    with pytest.raises(ValidationError) as error:
        decide(
            version,
            world.mediator,
            "1600.00",
            agreement_date=date(2025, 3, 1),
            agreement=SimpleUploadedFile("accord.pdf", PDF + b"x" * 200),
        )
    assert "taille maximale" in error.value.message_dict["agreement_file"][0]


def test_other_allowance_rules(world):
    version = budget(world.case, world.mediator)
    with pytest.raises(ValidationError) as error:
        decide(version, world.mediator, "2000.01")
    assert "dépasse les ressources" in error.value.message_dict["amount"][0]
    with pytest.raises(ValidationError) as error:
        decide(
            version,
            world.mediator,
            "1700",
            frequency="twice_monthly",
            day_of_month=15,
            second_day_of_month=1,
        )
    assert "second_day_of_month" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        decide(
            version,
            world.mediator,
            "1600",
            agreement_date=date(2025, 4, 1),
            agreement=SimpleUploadedFile("a.pdf", PDF),
        )
    assert "futur" in error.value.message_dict["agreement_date"][0]
    # the charges the mediator pays are part of the allowance: it must cover them
    heavy = budget(
        world.case,
        world.mediator,
        charges=[ChargeData(kind="rent", amount=D("1900.00"), paid_from_account=True)],
    )
    with pytest.raises(ValidationError, match="ne couvre pas les charges"):
        decide(heavy, world.mediator, "1700")
    # an older version is history: its allowance is not changed any more
    with pytest.raises(ValidationError, match="version courante"):
        decide(version, world.mediator, "1700")


def test_no_integration_income_row_for_the_date_is_said_not_guessed(world):
    version = budget(world.case, world.mediator, on=date(2023, 8, 1))
    with pytest.raises(ValidationError) as error:
        decide(version, world.mediator, "1700")
    assert "revenu d'intégration" in error.value.message_dict["amount"][0]
    assert "01/11/2023" in error.value.message_dict["amount"][0]


# --- selectors read by the plan and the ledger -----------------------------------------------


def test_available_for_creditors(world):
    with pytest.raises(BudgetNotReady, match="Aucun budget"):
        selectors.available_for_creditors(world.case, date(2025, 3, 1))
    version = budget(world.case, world.mediator)
    with pytest.raises(BudgetNotReady, match="n'est pas encore fixé"):
        selectors.available_for_creditors(world.case, date(2025, 3, 1))
    decide(version, world.mediator, "1750.00")
    decide(version, world.mediator, "1720.00")  # the latest decision of the version applies
    # resources 2.000 − allowance 1.720 (rent paid by the mediator included) = 280, before fees
    assert selectors.available_for_creditors(world.case, date(2025, 3, 1)) == D("280.00")
    detail = selectors.available_for_creditors_detail(world.case, date(2025, 12, 31))
    assert (detail.version_number, detail.resources, detail.allowance) == (
        1,
        D("2000.00"),
        D("1720.00"),
    )
    assert "avant honoraires" in detail.explanation
    # a new budget whose allowance is not fixed yet: the plan is told, not given a stale figure
    budget(world.case, world.mediator, on=date(2025, 9, 1))
    assert selectors.available_for_creditors(world.case, date(2025, 8, 31)) == D("280.00")
    with pytest.raises(BudgetNotReady, match="budget n° 2"):
        selectors.available_for_creditors(world.case, date(2025, 9, 1))


def test_living_allowance_schedule_for_the_ledger(world):
    assert selectors.living_allowance_schedule(world.case, date(2025, 3, 1)) is None
    version = budget(world.case, world.mediator)
    decide(
        version,
        world.mediator,
        "1701.01",
        frequency="twice_monthly",
        day_of_month=1,
        second_day_of_month=31,
    )
    schedule = selectors.living_allowance_schedule(world.case, date(2025, 4, 1))
    assert schedule.paid_to_applicant == D("1051.01")  # 1.701,01 − rent 650
    assert not schedule.standing_order
    assert [(i.day, i.amount) for i in schedule.installments] == [
        (1, D("525.51")),
        (31, D("525.50")),
    ]
    assert schedule.payments_in_month(2025, 2) == []  # before the budget's date
    assert schedule.payments_in_month(2025, 4) == [
        (date(2025, 4, 1), D("525.51")),
        (date(2025, 4, 30), D("525.50")),
    ]
    # a new budget without an allowance yet: the previous allowance goes on being paid
    second = budget(world.case, world.mediator, on=date(2025, 6, 1))
    assert selectors.living_allowance_schedule(world.case, date(2025, 7, 1)).version_number == 1
    decide(second, world.mediator, "1680", frequency="standing_order", day_of_month=5)
    schedule = selectors.living_allowance_schedule(world.case, date(2025, 7, 1))
    assert schedule.standing_order and schedule.starts_on == date(2025, 6, 1)
    assert [(i.day, i.amount) for i in schedule.installments] == [(5, D("1030.00"))]


# --- legal rows in the database --------------------------------------------------------------


def test_the_migration_loaded_the_shipped_rows(db):
    shipped = load_default_tables()
    assert SeizureScaleRecord.objects.filter(shipped=True).count() == len(shipped.scale_rows)
    assert IntegrationIncomeRecord.objects.filter(shipped=True).count() == len(shipped.ris_rows())
    tables = selectors.legal_tables()
    for on in (date(2021, 11, 1), date(2023, 2, 1), date(2025, 3, 1)):
        assert tables.scale_in_force(on).row == shipped.scale_in_force(on).row
    assert tables.ris_in_force("single", date(2025, 3, 1)).row.amount == D("1314.20")


def test_load_allowance_rows_is_idempotent(db, capsys):
    before = SeizureScaleRecord.objects.count() + IntegrationIncomeRecord.objects.count()
    call_command("load_allowance_rows")
    assert SeizureScaleRecord.objects.count() + IntegrationIncomeRecord.objects.count() == before
    assert "0 legal row(s) added" in capsys.readouterr().out


def test_an_administrator_adds_the_2026_brackets(world):
    version = budget(world.case, world.mediator, on=date(2026, 3, 1))
    assert any("2026" in w for w in selectors.floors_for(version).warnings)
    SeizureScaleRecord.objects.create(
        row_id="art1409@2026-01-01",
        effective_from=date(2026, 1, 1),
        limit_1=D("1420.00"),
        limit_2=D("1526.00"),
        limit_3=D("1684.00"),
        limit_4=D("1842.00"),
        child_reduction=D("88.00"),
        source="AR (exemple de test)",
    )
    floors = selectors.floors_for(version)
    assert floors.scale_row.id == "art1409@2026-01-01"
    # 2.000 earned: 106 × 20 % + 158 × 30 % + 158 × 40 % + 158 = 21,20 + 47,40 + 63,20 + 158
    assert floors.non_seizable == D("2000.00") - D("289.80")


def test_a_scale_row_with_a_rate_over_one_is_refused_by_the_admin_form(db):
    record = SeizureScaleRecord(
        row_id="x",
        effective_from=date(2027, 1, 1),
        limit_1=D("1"),
        limit_2=D("2"),
        limit_3=D("3"),
        limit_4=D("4"),
        earned_rate_2=D("20"),
        child_reduction=D("0"),
        source="x",
    )
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "earned_rate_2" in error.value.message_dict


# --- screens ---------------------------------------------------------------------------------


def _post_version(client, case, **overrides):
    data = {
        "date": "01/03/2025",
        "reason": "Budget initial",
        "adults": "1",
        "dependent_children": "0",
        "ris_category": "single",
        "note": "",
        "incomes-TOTAL_FORMS": "2",
        "incomes-INITIAL_FORMS": "0",
        "incomes-0-kind": "earned",
        "incomes-0-label": "Salaire",
        "incomes-0-amount": "2.000,00",
        "incomes-1-kind": "",
        "incomes-1-label": "",
        "incomes-1-amount": "",
        "charges-TOTAL_FORMS": "1",
        "charges-INITIAL_FORMS": "0",
        "charges-0-kind": "rent",
        "charges-0-label": "Loyer",
        "charges-0-amount": "650,00",
        "charges-0-paid_from_account": "on",
    }
    data.update(overrides)
    return client.post(reverse("budget:version_create", args=[case.pk]), data)


def test_the_tab_before_any_budget(client, world):
    client.force_login(world.supervisor)
    response = client.get(reverse("budget:case_budget", args=[world.case.pk]))
    assert "Aucun budget" in response.content.decode()
    assert "Établir le budget" not in response.content.decode()  # read-only role


def test_create_a_version_from_the_screen_then_fix_the_allowance(client, world):
    client.force_login(world.mediator)
    response = _post_version(client, world.case)
    assert response.status_code == 302
    version = BudgetVersion.objects.get()
    assert [(li.label, li.amount) for li in version.incomes.all()] == [("Salaire", D("2000.00"))]
    assert version.charges.get().paid_from_account
    page = client.get(reverse("budget:case_budget", args=[world.case.pk])).content.decode()
    assert "1.671,40" in page and "1.314,20" in page  # both floors side by side
    url = reverse("budget:allowance_decide", args=[world.case.pk, version.pk])
    response = client.post(url, {"amount": "1.600,00", "frequency": "monthly", "day_of_month": "2"})
    assert response.status_code == 200
    assert "accord exprès du requérant est requis" in response.content.decode()
    assert not AllowanceDecision.objects.exists()
    response = client.post(url, {"amount": "1.250,00", "frequency": "monthly", "day_of_month": "2"})
    assert "plancher absolu" in response.content.decode()
    response = client.post(
        url, {"amount": "1.700,00", "frequency": "standing_order", "day_of_month": "2"}
    )
    assert response.status_code == 302
    assert AllowanceDecision.objects.get().amount == D("1700.00")


def test_a_negative_line_on_the_screen(client, world):
    client.force_login(world.mediator)
    response = _post_version(client, world.case, **{"incomes-0-amount": "-2.000,00"})
    assert response.status_code == 200
    assert "ne peut être négatif" in response.content.decode()
    assert not BudgetVersion.objects.exists()


def test_the_new_version_form_copies_the_current_one(client, world):
    budget(world.case, world.mediator)
    client.force_login(world.administrator)
    page = client.get(reverse("budget:version_create", args=[world.case.pk])).content.decode()
    assert 'value="Salaire"' in page and "2000,00" in page
    response = _post_version(
        client,
        world.case,
        **{
            "date": "01/06/2025",
            "incomes-TOTAL_FORMS": "1",
            "incomes-INITIAL_FORMS": "1",
            "incomes-0-amount": "2.100,00",
        },
    )
    assert response.status_code == 302
    assert [v.number for v in BudgetVersion.objects.order_by("number")] == [1, 2]


def test_uploading_the_agreement_on_the_screen(client, world):
    version = budget(world.case, world.mediator)
    client.force_login(world.mediator)
    url = reverse("budget:allowance_decide", args=[world.case.pk, version.pk])
    data = {
        "amount": "1.600,00",
        "frequency": "monthly",
        "day_of_month": "1",
        "agreement_date": "01/03/2025",
    }
    response = client.post(url, {**data, "agreement_file": SimpleUploadedFile("a.pdf", b"MZ")})
    assert "PDF ou une image" in response.content.decode()
    response = client.post(url, {**data, "agreement_file": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 302
    decision = AllowanceDecision.objects.get()
    download = client.get(reverse("budget:agreement_download", args=[world.case.pk, decision.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


# --- exports ---------------------------------------------------------------------------------


@pytest.fixture
def decided(world):
    version = budget(world.case, world.mediator)
    decide(version, world.mediator, "1750.00", frequency="standing_order", day_of_month=5)
    return version


def test_csv_export(client, world, decided):
    client.force_login(world.supervisor)
    response = client.get(reverse("budget:export_csv", args=[world.case.pk, decided.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "budget-NAM-2022-0042-v1-20250301.csv" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Rubrique", "Nature", "Libellé", "Requérant", "Montant mensuel"]
    by_label = {(row[0], row[1]): row for row in rows[1:]}
    assert by_label[("Revenus", "Revenu professionnel (salaire, traitement)")][4] == "2000,00"
    assert by_label[("Total des charges", "")][4] == "770,00"
    assert by_label[("Pécule de médiation", "Quotité insaisissable")][4] == "1671,40"
    assert by_label[("Pécule de médiation", "Plancher absolu")][4] == "1314,20"
    assert by_label[("Pécule de médiation", "Pécule fixé")][4] == "1750,00"
    assert by_label[("Pécule de médiation", "Disponible pour le plan (avant honoraires)")][4] == (
        "250,00"
    )


def test_xlsx_export(client, world, decided):
    from openpyxl import load_workbook

    client.force_login(world.mediator)
    response = client.get(reverse("budget:export_xlsx", args=[world.case.pk, decided.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Budget"]
    assert "NAM-2022-0042" in sheet["A2"].value
    values = {(row[0], row[1]): row[4] for row in sheet.iter_rows(min_row=6, values_only=True)}
    assert values[("Total des revenus", None)] == 2000
    assert values[("Pécule de médiation", "Pécule fixé")] == 1750
    working = [row[0] for row in workbook["Calcul du pécule"].iter_rows(values_only=True)]
    assert any("tranche 5" in (line or "") for line in working)


def test_pdf_export(client, world, decided):
    client.force_login(world.colleague)
    response = client.get(reverse("budget:export_pdf", args=[world.case.pk, decided.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from budget.exports import budget_section_html

    html = budget_section_html(decided, now=__import__("datetime").datetime(2025, 3, 10, 9, 0))
    assert "Annexe au rapport annuel" in html and "NAM-2022-0042" in html
    assert "1.671,40" in html and "1.750,00" in html
