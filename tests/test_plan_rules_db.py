"""The plan rules of issue 12 with the database (docs/plan-rules.md): services refuse what the
legal basis forbids and save nothing, claims carry an admitted amount and a reasoned rank,
versions frozen before keep their figures, the payment page refuses a dividend beyond the
admitted claim or without a plan, ``manage.py plan_preview`` prints one JSON object without
writing, and the bundle round-trips the new claim keys."""

import copy
import importlib
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from banking.models import Payment
from banking.services.payments import PaymentData
from bundles.exporter import export_case
from bundles.importer import bundle_import
from cases.models import PlanBasis
from claims.models import Claim, ClaimNature, ClaimStatus, Creditor, PlanRank, Privilege
from claims.services import ClaimData, claim_create, claim_update
from ledger.selectors import paid_vs_admitted
from ledger.services import EntryData, entry_post
from plans import selectors, services
from plans.models import NonRemissibleTreatment, PlanOneOff, PlanState, PlanVersion
from plans.services import OneOffData, PlanData

from .test_banking_support import approve, open_account, prepare

D = Decimal
TODAY = date(2023, 3, 1)


@pytest.fixture
def creditors(world):
    """A bank (3.000), a landlord (1.000) and a criminal fine (1.000), accepted, in
    ``world.case`` (admissibility 15/06/2022)."""

    def creditor(name, iban):
        return Creditor.objects.create(
            organisation=world.org, name=name, address=f"Rue {name} 1\n5000 Namur", iban=iban
        )

    def claim(cred, principal, **kw):
        return Claim.objects.create(
            case=world.case,
            creditor=cred,
            principal=D(principal),
            declared_on=date(2022, 7, 1),
            status=ClaimStatus.ACCEPTED,
            **kw,
        )

    bank = creditor("Banque", "BE15068987654330")
    landlord = creditor("Propriétaire", "BE71096123456769")
    fine = creditor("Parquet", "BE62510007547061")
    claim(bank, "3000.00")
    claim(landlord, "1000.00", nature=ClaimNature.RENT)
    claim(fine, "1000.00", nature=ClaimNature.CRIMINAL_FINE)
    return {"bank": bank, "landlord": landlord, "fine": fine}


def data(**kw) -> PlanData:
    values = {
        "kind": "amicable",
        "start_date": date(2022, 9, 1),
        "duration_months": 12,
        "monthly_available": D("100.00"),
    }
    values.update(kw)
    return PlanData(**values)


def dividends(version) -> dict[str, Decimal]:
    view = selectors.compute(version)
    return {c.name: c.first_dividend for c in view.result.creditors}


# --- equality and ranks -------------------------------------------------------------------


def test_a_new_plan_shares_pro_rata_the_fine_is_not_paid_first(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    assert version.non_remissible_treatment == NonRemissibleTreatment.PRO_RATA
    assert version.legal_basis == PlanBasis.AMICABLE
    assert dividends(version) == {
        "Banque": D("60.00"),
        "Parquet": D("20.00"),
        "Propriétaire": D("20.00"),
    }
    fine = next(c for c in selectors.compute(version).result.creditors if c.name == "Parquet")
    assert fine.non_remissible and fine.remitted == 0 and fine.not_remitted == D("760.00")


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"non_remissible_treatment": "priority"}, "non_remissible_treatment"),
        ({"privileged_first": True}, "privileged_first"),
        ({"legal_basis": "judicial_1675_12"}, "legal_basis"),  # an amicable plan
        ({"kind": "judicial", "legal_basis": "amicable"}, "legal_basis"),
        (  # 12 × 100 < 5.000 of capital: art. 1675/12 remits no capital
            {"kind": "judicial", "legal_basis": "judicial_1675_12"},
            "legal_basis",
        ),
        (
            {"one_offs": [OneOffData(received_on=date(2023, 9, 1), amount=D("50"))]},
            "one_off_1_date",
        ),
        ({"opening_balance": D("-1.00")}, "opening_balance"),
    ],
)
def test_what_the_basis_forbids_is_refused_and_nothing_saved(world, creditors, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(case=world.case, data=data(**kwargs), by=world.mediator)
    assert field in exc.value.message_dict
    assert not PlanVersion.objects.exists() and not PlanOneOff.objects.exists()


def test_a_reasoned_dignity_rank_pays_the_rent_first(world, creditors):
    claim = Claim.objects.get(creditor=creditors["landlord"])
    claim_update(
        claim=claim,
        data=ClaimData(
            creditor=claim.creditor,
            principal=claim.principal,
            declared_on=claim.declared_on,
            nature=claim.nature,
            status=claim.status,
            plan_rank=PlanRank.DIGNITY,
            rank_reason="Arriérés de loyer : risque d'expulsion (art. 1675/12 §5 C.J.)",
        ),
        by=world.mediator,
    )
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    assert dividends(version)["Propriétaire"] == D("100.00")


def test_opening_balance_and_one_off_are_saved_and_distributed(world, creditors):
    version = services.plan_create(
        case=world.case,
        data=data(
            opening_balance=D("500.00"),
            one_offs=[
                OneOffData(received_on=date(2023, 5, 10), amount=D("1000.00"), kind="tax_refund")
            ],
        ),
        by=world.mediator,
    )
    assert version.opening_balance == D("500.00")
    assert list(version.one_offs.values_list("amount", flat=True)) == [D("1000.00")]
    result = selectors.compute(version).result
    assert result.periods[0].available == D("600.00")
    assert result.to_creditors == D("2700.00")


def test_approval_records_the_basis_on_the_case(world, creditors):
    version = services.plan_create(
        case=world.case,
        data=data(kind="judicial", legal_basis=PlanBasis.JUDICIAL_1675_13),
        by=world.mediator,
    )
    services.plan_approve(
        version=version,
        decision_date=date(2023, 1, 10),
        decision_reference="R/23/1",
        by=world.mediator,
        today=TODAY,
    )
    world.case.refresh_from_db()
    assert world.case.plan_basis == PlanBasis.JUDICIAL_1675_13


def test_a_version_frozen_with_the_old_priority_keeps_its_figures(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    basis = selectors.live_basis(world.case, version.start_date)
    snapshot = selectors.basis_to_snapshot(basis)
    for line in snapshot["lines"]:  # as frozen before the ranks existed
        del line["rank"], line["capital"]
    PlanVersion.objects.filter(pk=version.pk).update(
        state=PlanState.SENT, snapshot=snapshot, non_remissible_treatment="priority"
    )
    version.refresh_from_db()
    assert dividends(version)["Parquet"] == D("100.00")


def test_the_data_migration_gives_drafts_equality_and_keeps_frozen_versions(world, creditors):
    draft = services.plan_create(case=world.case, data=data(), by=world.mediator)
    PlanVersion.objects.filter(pk=draft.pk).update(
        non_remissible_treatment="priority", privileged_first=True, kind="judicial"
    )
    migration = importlib.import_module("plans.migrations.0003_plan_basis_one_offs_equality")
    migration.equality_for_drafts(apps, None)
    draft.refresh_from_db()
    assert (draft.non_remissible_treatment, draft.privileged_first) == ("pro_rata", False)
    assert draft.legal_basis == "judicial_1675_13"
    PlanVersion.objects.filter(pk=draft.pk).update(
        state=PlanState.SENT, non_remissible_treatment="priority"
    )
    migration.equality_for_drafts(apps, None)
    draft.refresh_from_db()
    assert draft.non_remissible_treatment == "priority"


def test_beyond_seven_years_only_with_the_recorded_exception(world, creditors):
    """Art. 1675/10 §6 al. 1 C.J.: admissibility 15/06/2022, an amicable plan from 01/09/2022
    may last 81 months; 90 months need the exception with its reason, which is recorded."""
    long = {"duration_months": 90, "exception_granted": True}
    with pytest.raises(ValidationError) as exc:
        services.plan_create(case=world.case, data=data(duration_months=90), by=world.mediator)
    assert "15/06/2029" in " ".join(exc.value.message_dict["duration_months"])
    with pytest.raises(ValidationError) as exc:
        services.plan_create(case=world.case, data=data(**long), by=world.mediator)
    assert "exception_reason" in exc.value.message_dict
    assert not PlanVersion.objects.exists()
    version = services.plan_create(
        case=world.case,
        data=data(
            **long,
            exception_reason="Demande expresse et motivée : sauvegarde du logement familial",
            exception_reference="Requête du 01/08/2022",
        ),
        by=world.mediator,
    )
    version.refresh_from_db()
    assert version.duration_months == 90 and version.exception_granted
    assert version.exception_reason.startswith("Demande expresse")
    assert version.exception_reference == "Requête du 01/08/2022"


# --- claims: admitted amount and rank -------------------------------------------------------


def _claim_data(creditor, **kw) -> ClaimData:
    values = {
        "creditor": creditor,
        "principal": D("1000.00"),
        "interest": D("200.00"),
        "declared_on": date(2022, 7, 1),
        "status": ClaimStatus.ACCEPTED,
    }
    values.update(kw)
    return ClaimData(**values)


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"admitted_amount": D("1300.00")}, "admitted_amount"),
        ({"interest_after_admissibility": D("250.00")}, "interest_after_admissibility"),
        ({"plan_rank": PlanRank.DIGNITY}, "rank_reason"),
        ({"plan_rank": PlanRank.MORTGAGE, "rank_reason": "Maison"}, "plan_rank"),
        ({"plan_rank": PlanRank.PREFERENCE, "rank_reason": "Fisc"}, "plan_rank"),
    ],
)
def test_bad_admission_or_rank_names_the_field_and_saves_nothing(world, creditors, kwargs, field):
    before = Claim.objects.count()
    with pytest.raises(ValidationError) as exc:
        claim_create(case=world.case, data=_claim_data(creditors["bank"], **kwargs))
    assert field in exc.value.message_dict
    assert Claim.objects.count() == before


def test_admitted_amount_interest_stops_at_admissibility(world, creditors):
    claim = claim_create(
        case=world.case,
        data=_claim_data(creditors["bank"], interest_after_admissibility=D("80.00")),
    )
    assert claim.admitted_total == D("1120.00")
    above = claim_create(
        case=world.case,
        data=_claim_data(
            creditors["bank"], admitted_amount=D("1300.00"), admitted_reason="Jugement du 2/2/2022"
        ),
    )
    assert above.admitted_total == D("1300.00")
    lines = selectors.live_basis(world.case, date(2022, 9, 1)).lines
    bank = [li for li in lines if li.name == "Banque"]
    assert sum(li.admitted for li in bank) == D("3000.00") + D("1120.00") + D("1300.00")


def test_claim_form_shows_the_admission_error_next_to_the_field(client, world, creditors):
    client.force_login(world.mediator)
    url = reverse("claims:claim_create", args=[world.case.pk])
    before = Claim.objects.count()
    response = client.post(
        url,
        {
            "creditor": creditors["bank"].pk,
            "nature": "other",
            "principal": "100,00",
            "declared_on": "01/07/2022",
            "status": "accepted",
            "privilege": "none",
            "plan_rank": "common",
            "admitted_amount": "150,00",
        },
    )
    assert response.status_code == 200
    assert "admitted_amount" in response.context["form"].errors
    assert Claim.objects.count() == before


# --- the plan form ----------------------------------------------------------------------------


def test_plan_form_refuses_a_one_off_outside_the_plan_next_to_its_field(client, world, creditors):
    client.force_login(world.mediator)
    url = reverse("plans:plan_create", args=[world.case.pk])
    assert "one_off_1_date" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "amicable",
            "legal_basis": "amicable",
            "start_date": "01/09/2022",
            "duration_months": "12",
            "frequency_months": "1",
            "monthly_available": "100,00",
            "fee_provision": "0,00",
            "allowance": "monthly",
            "one_off_1_kind": "inheritance",
            "one_off_1_date": "01/10/2023",
            "one_off_1_amount": "500,00",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert "hors du plan" in response.context["form"].errors["one_off_1_date"][0]
    assert not PlanVersion.objects.exists()


# --- dividends: an approved plan, and never beyond the admitted claim ------------------------


def test_no_dividend_without_a_plan_or_an_authorisation(world, creditors):
    open_account(world.case, balance="2000.00", by=world.mediator)
    with pytest.raises(ValidationError) as exc:
        prepare(world, PaymentData(category="dividend", amount=D("10"), creditor=creditors["bank"]))
    assert "authorisation" in exc.value.message_dict
    assert not Payment.objects.exists()


def test_a_dividend_beyond_the_admitted_claim_is_refused(world, creditors):
    open_account(world.case, balance="2000.00", by=world.mediator)
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2026, 2, 28),
            amount=D("950.00"),
            direction="out",
            category="dividend",
            creditor_id=creditors["landlord"].pk,
            counterparty="Propriétaire",
        ),
        by=world.mediator,
        today=date(2026, 3, 1),
    )
    standing = paid_vs_admitted(world.case)[creditors["landlord"].pk]
    assert (standing.admitted, standing.paid, standing.room) == (
        D("1000.00"),
        D("950.00"),
        D("50.00"),
    )
    with pytest.raises(ValidationError) as exc:
        prepare(
            world,
            PaymentData(
                category="dividend",
                amount=D("95.00"),
                creditor=creditors["landlord"],
                authorisation="Ordonnance 2023/1",
            ),
        )
    message = exc.value.message_dict["amount"][0]
    assert "au-delà de sa créance admise" in message and "50,00" in message
    assert not Payment.objects.exists()
    ok = prepare(
        world,
        PaymentData(
            category="dividend",
            amount=D("50.00"),
            creditor=creditors["landlord"],
            authorisation="Ordonnance 2023/1",
        ),
    )
    assert ok.pk


def overpaid_landlord(world, creditors):
    """The landlord (1.000,00 € admitted) already paid 950,00 €: 50,00 € of room."""
    open_account(world.case, balance="2000.00", by=world.mediator)
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2026, 2, 28),
            amount=D("950.00"),
            direction="out",
            category="dividend",
            creditor_id=creditors["landlord"].pk,
            counterparty="Propriétaire",
        ),
        by=world.mediator,
        today=date(2026, 3, 1),
    )


def test_the_payment_page_refuses_a_dividend_beyond_the_admitted_claim(client, world, creditors):
    """The page itself (issue 12: "the payment page refuses it"), not only the service: the
    95 € dividend comes back with its message on the amount, nothing prepared."""
    overpaid_landlord(world, creditors)
    client.force_login(world.mediator)
    url = reverse("banking:case_payments", args=[world.case.pk])
    form = {
        "category": "dividend",
        "amount": "95,00",
        "creditor": creditors["landlord"].pk,
        "authorisation": "Ordonnance 2023/1",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    errors = response.context["payment_form"].errors["amount"]
    assert "au-delà de sa créance admise" in errors[0] and "50,00" in errors[0]
    assert not Payment.objects.exists()
    response = client.post(url, {**form, "amount": "50,00"})
    assert response.status_code == 302
    assert Payment.objects.get().amount == D("50.00")


def test_the_batch_approval_refuses_a_dividend_the_journal_overtook(world, creditors):
    """Prepared within the room, then a dividend posted in the journal (a bank statement, a
    manual entry) used it: the approval refuses, nothing is approved."""
    overpaid_landlord(world, creditors)
    payment = prepare(
        world,
        PaymentData(
            category="dividend",
            amount=D("50.00"),
            creditor=creditors["landlord"],
            authorisation="Ordonnance 2023/1",
        ),
    )
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2026, 3, 1),
            amount=D("10.00"),
            direction="out",
            category="dividend",
            creditor_id=creditors["landlord"].pk,
            counterparty="Propriétaire",
        ),
        by=world.mediator,
        today=date(2026, 3, 1),
    )
    with pytest.raises(ValidationError) as exc:
        approve(world, payments=[payment])
    assert "au-delà de sa créance admise" in exc.value.message_dict["payments"][0]
    payment.refresh_from_db()
    assert payment.batch_id is None and payment.status == "pending"


def test_a_total_remission_ranks_no_claim_and_pays_nothing(world, creditors):
    """Art. 1675/13bis C.J.: a reasoned rank, or an amount to distribute, is refused on
    ``legal_basis`` with nothing saved; without them the version is saved."""
    total = {"kind": "judicial", "legal_basis": "total_1675_13bis", "monthly_available": D("0")}
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            case=world.case,
            data=data(**{**total, "monthly_available": D("10.00")}),
            by=world.mediator,
        )
    assert "aucun plan de paiement" in exc.value.message_dict["legal_basis"][0]
    claim = Claim.objects.get(creditor=creditors["landlord"])
    Claim.objects.filter(pk=claim.pk).update(
        plan_rank=PlanRank.DIGNITY, rank_reason="Arriérés de loyer"
    )
    with pytest.raises(ValidationError) as exc:
        services.plan_create(case=world.case, data=data(**total), by=world.mediator)
    assert "Propriétaire" in exc.value.message_dict["legal_basis"][0]
    assert not PlanVersion.objects.exists()
    Claim.objects.filter(pk=claim.pk).update(plan_rank=PlanRank.COMMON, rank_reason="")
    version = services.plan_create(case=world.case, data=data(**total), by=world.mediator)
    assert version.legal_basis == PlanBasis.TOTAL_1675_13BIS
    assert selectors.compute(version).result.to_creditors == 0


# --- manage.py plan_preview -----------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def preview(*args) -> dict:
    out = StringIO()
    call_command("plan_preview", *args, stdout=out)
    text = out.getvalue().strip()
    assert text.count("\n") == 0
    return json.loads(text)


def test_plan_preview_prints_the_plan_as_json_and_writes_nothing(world, creditors):
    before = row_counts()
    result = preview(
        world.case.reference,
        "--monthly",
        "100.00",
        "--months",
        "12",
        "--start",
        "2022-09-01",
        "--basis",
        "judicial_1675_13",
        "--organisation",
        world.org.slug,
    )
    assert row_counts() == before
    assert set(result) == {"basis", "months", "distributed", "fees_reserved", "creditors"}
    assert (result["basis"], result["months"]) == ("judicial_1675_13", 12)
    assert D(result["distributed"]) + D(result["fees_reserved"]) == D("1200.00")
    keys = {c["key"] for c in export_case(world.case)["creditors"]}
    assert {c["key"] for c in result["creditors"]} == keys
    fine = next(c for c in result["creditors"] if c["name"] == "Parquet")
    assert fine["non_remissible"] is True and fine["remitted"] == "0.00"
    assert fine["rank"] == "common" and fine["admitted"] == "1000.00"
    assert sum(D(c["paid"]) for c in result["creditors"]) == D(result["distributed"])
    for c in result["creditors"]:
        assert set(c) == {"key", "name", "admitted", "rank", "non_remissible", "paid", "remitted"}
        assert all(len(c[k].split(".")[1]) == 2 for k in ("admitted", "paid", "remitted"))


@pytest.mark.parametrize(
    "args,message",
    [
        (["--monthly", "abc"], "--monthly"),
        (["--start", "2022-13-01"], "--start"),
        (["--basis", "judicial_1675_12"], "1675/12"),  # would remit capital
        (["--months", "200"], "duration_months"),
        (["--organisation", "nope"], "Organisation inconnue"),
    ],
)
def test_plan_preview_refuses_bad_input_with_a_message(world, creditors, args, message):
    values = {
        "--monthly": "100.00",
        "--months": "12",
        "--start": "2022-09-01",
        "--basis": "amicable",
    }
    extra = []
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag in values:
            values[flag] = value
        else:
            extra += [flag, value]
    flat = [x for pair in values.items() for x in pair]
    before = row_counts()
    with pytest.raises(CommandError) as exc:
        call_command("plan_preview", world.case.reference, *flat, *extra, stdout=StringIO())
    assert message in str(exc.value)
    assert row_counts() == before


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["--basis", "nope"], 2, "invalid choice"),  # argparse: before any query
        (["--basis", "amicable", "--monthly", "abc"], 1, "--monthly"),  # before any query
    ],
)
def test_plan_preview_on_the_command_line_exits_non_zero_without_traceback(args, code, message):
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    values = ["--monthly", "1", "--months", "1", "--start", "2024-01-01"]
    done = subprocess.run(
        [sys.executable, str(manage), "plan_preview", "NOPE-1", *values, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == code
    assert done.stdout == ""
    assert "Traceback" not in done.stderr and message in done.stderr


# --- the bundle keeps the new claim keys ----------------------------------------------------


def test_bundle_round_trips_the_admitted_amount_and_rank(world, creditors):
    claim_create(
        case=world.case,
        data=_claim_data(
            creditors["bank"],
            interest_after_admissibility=D("40.00"),
            admitted_amount=D("1250.00"),
            admitted_reason="Décompte du jugement",
            privilege=Privilege.GENERAL,
            plan_rank=PlanRank.PREFERENCE,
            rank_reason="Privilège général du fisc",
        ),
    )
    for claim in Claim.objects.filter(case=world.case):
        claim.debtors.set(world.case.applicants.all())
    document = export_case(world.case)
    ext = document["extensions"]["claims"]
    ranked = [v for v in ext.values() if v.get("plan_rank") == "preference"]
    assert ranked == [
        {
            "interest_after_admissibility": "40.00",
            "admitted_amount": "1250.00",
            "admitted_reason": "Décompte du jugement",
            "plan_rank": "preference",
            "rank_reason": "Privilège général du fisc",
        }
    ]
    again = copy.deepcopy(document)
    again["case"]["reference"] = "COPY-1"
    case = bundle_import(document=again, organisation_slug=world.other_org.slug)
    claim = Claim.objects.get(case=case, plan_rank=PlanRank.PREFERENCE)
    assert (claim.admitted_amount, claim.interest_after_admissibility) == (D("1250.00"), D("40.00"))
    second = export_case(case)
    second["case"]["reference"] = document["case"]["reference"]
    assert second["extensions"]["claims"] == document["extensions"]["claims"]
