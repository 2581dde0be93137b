"""The plan's basis read as plain rows (``plans.selectors._basis_claims_by_case``, the agenda's
forecast and the daily run, issue 15) equals the basis read from the claims as models
(``live_basis``, the plan page): claim for claim, on claims of every status, time-barred,
paid off, admitted at another amount, with interest run after admissibility, costs, natures
that are never remitted, privileges and reasoned ranks. Both apply ``claims.amounts``, the
rules of ``Claim.total`` and ``Claim.admitted_total``."""

from datetime import date
from decimal import Decimal

import pytest

from claims.amounts import claim_admitted_total, claim_total
from claims.models import Claim, ClaimNature, ClaimStatus, Creditor, PlanRank, Privilege
from plans import selectors
from plans.selectors import BasisClaim

D = Decimal
START = date(2022, 9, 1)


@pytest.fixture
def varied(world):
    def creditor(name):
        return Creditor.objects.create(organisation=world.org, name=name)

    bank, landlord, fine, shop, energy = (
        creditor(name) for name in ("Banque", "propriétaire", "Parquet", "Zèbre SA", "Énergie")
    )

    def claim(cred, principal, case=None, **kw):
        values = {"status": ClaimStatus.ACCEPTED, "declared_on": date(2022, 7, 1)}
        values.update(kw)
        return Claim.objects.create(
            case=case or world.case, creditor=cred, principal=D(principal), **values
        )

    claim(bank, "3000.00", interest=D("412.37"), costs=D("55.10"), creditor_reference="PR-1")
    claim(
        bank,
        "1000.00",
        interest=D("200.00"),
        interest_after_admissibility=D("80.00"),
        declared_on=date(2022, 8, 1),
    )
    claim(bank, "500.00", interest=D("300.00"), interest_after_admissibility=D("900.00"))
    claim(
        bank,
        "1200.00",
        admitted_amount=D("1300.00"),
        admitted_reason="Jugement",
        privilege=Privilege.GENERAL,
    )
    claim(bank, "10.00", admitted_amount=D("0.00"), admitted_reason="Rien")
    claim(
        landlord,
        "1000.00",
        nature=ClaimNature.RENT,
        plan_rank=PlanRank.DIGNITY,
        rank_reason="Loyer",
    )
    claim(
        landlord,
        "400.00",
        nature=ClaimNature.RENT,
        plan_rank=PlanRank.DIGNITY,
        rank_reason="Arriérés",
        costs=D("12.00"),
    )
    claim(fine, "1000.00", nature=ClaimNature.CRIMINAL_FINE, interest=D("33.33"))
    claim(fine, "250.00", nature=ClaimNature.MAINTENANCE, privilege=Privilege.SPECIAL)
    claim(shop, "99.99", status=ClaimStatus.PENDING, interest=D("1.01"))
    claim(shop, "120.00", status=ClaimStatus.CONTESTED, costs=D("15.00"))
    claim(shop, "80.00", status=ClaimStatus.REJECTED)
    claim(energy, "700.00", time_barred=True, interest=D("70.00"))
    claim(energy, "300.00", paid_off_on=date(2022, 8, 15), creditor_reference="E-9")
    claim(energy, "650.00", nature=ClaimNature.ENERGY, interest_after_admissibility=D("0.01"))
    claim(bank, "777.00", case=world.other_case)  # another case's: never in this basis
    return world


def test_each_claim_reads_the_same_as_row_and_as_model(varied):
    """Claim for claim, in the same order (the claims tab's)."""
    case = varied.case
    rows = selectors._basis_claims_by_case([case.pk])[case.pk]
    models = list(selectors.basis_claims(case))
    assert len(rows) == len(models) == 15
    for of_row, claim in zip(rows, models, strict=True):
        assert of_row == BasisClaim.of_claim(claim)
        assert (
            of_row.total == claim.total == claim_total(claim.principal, claim.interest, claim.costs)
        )
        assert of_row.admitted_total == claim.admitted_total
        assert of_row.non_remissible == claim.non_remissible


def test_the_basis_of_rows_equals_the_basis_of_models(varied):
    case = varied.case
    by_rows = selectors.live_bases([(case.pk, START), (case.pk, date(2023, 1, 1))])
    for start in (START, date(2023, 1, 1)):
        assert by_rows[(case.pk, start)] == selectors.live_basis(case, start)
    basis = by_rows[(case.pk, START)]
    assert {o.code for o in basis.out_of_plan} == {
        "pending",
        "contested",
        "rejected",
        "time_barred",
        "paid_off",
    }
    assert any(line.non_remissible for line in basis.lines)
    assert basis.rank_reasons


@pytest.mark.parametrize(
    "principal,interest,costs,admitted,after,expected",
    [
        ("1000.00", "200.00", "0.00", None, "0.00", "1200.00"),
        ("1000.00", "200.00", "5.00", None, "80.00", "1125.00"),
        ("100.00", "10.00", "0.00", None, "500.00", "0.00"),
        ("100.00", "10.00", "0.00", "130.00", "5.00", "130.00"),
        ("100.00", "10.00", "0.00", "0.00", "0.00", "0.00"),
    ],
)
def test_the_admitted_total_is_one_rule(principal, interest, costs, admitted, after, expected):
    amounts = {"principal": D(principal), "interest": D(interest), "costs": D(costs)}
    admitted_amount = None if admitted is None else D(admitted)
    claim = Claim(**amounts, admitted_amount=admitted_amount, interest_after_admissibility=D(after))
    assert claim.admitted_total == D(expected)
    assert claim_admitted_total(
        **amounts, admitted_amount=admitted_amount, interest_after_admissibility=D(after)
    ) == D(expected)
