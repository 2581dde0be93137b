"""The plan rules of issue 12 in the pure engine (docs/plan-rules.md): equality by default,
reasoned ranks, the legal basis' remission, what the plan distributes (opening balance, one-off
sums dated inside the plan)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.engine import (
    LegalBasis,
    Line,
    NonRemissibleTreatment,
    OneOff,
    PlanInputError,
    PlanTerms,
    Rank,
    compute_plan,
    terms_errors,
)

D = Decimal
START = date(2024, 1, 1)


def terms(lines, **kw) -> PlanTerms:
    values = {"start": START, "duration_months": 12, "monthly_available": D("100.00")}
    values.update(kw)
    return PlanTerms(lines=tuple(lines), **values)


FINE = Line(
    key="f",
    creditor_key="fine",
    name="SPF Finances (amende)",
    admitted=D("1000.00"),
    non_remissible=True,
)
BANK = Line(key="b", creditor_key="bank", name="Banque", admitted=D("3000.00"))
LANDLORD = Line(key="l", creditor_key="landlord", name="Propriétaire", admitted=D("1000.00"))


def test_equality_is_the_default_a_fine_is_not_paid_first():
    result = compute_plan(terms([FINE, BANK, LANDLORD]))
    first = result.periods[0].dividends
    # 100 € a month shared 1000/3000/1000: 20 / 60 / 20, nobody waits for the fine
    assert (first["f"], first["b"], first["l"]) == (D("20.00"), D("60.00"), D("20.00"))
    by_key = {r.line.key: r for r in result.lines}
    assert by_key["f"].remitted == 0 and by_key["f"].not_remitted == D("760.00")
    assert by_key["b"].remitted == D("2280.00")
    assert all(r.rank is Rank.ORDINARY for r in result.lines)


def test_the_legacy_priority_still_computes_a_frozen_version_as_before():
    result = compute_plan(terms([FINE, BANK], non_remissible=NonRemissibleTreatment.PRIORITY))
    assert result.periods[0].dividends == {"f": D("100.00"), "b": D("0.00")}


def test_a_reasoned_rank_is_paid_before_the_common_rank_dignity_first():
    rent = Line(key="r", creditor_key="rent", name="Loyer", admitted=D("150.00"), rank=Rank.DIGNITY)
    mortgage = Line(
        key="m",
        creditor_key="m",
        name="Hypothèque",
        admitted=D("100.00"),
        rank=Rank.MORTGAGE,
        privileged=True,
    )
    result = compute_plan(terms([BANK, mortgage, rent]))
    p1, p2, p3 = (p.dividends for p in result.periods[:3])
    assert p1 == {"b": D("0.00"), "m": D("0.00"), "r": D("100.00")}
    assert p2 == {"b": D("0.00"), "m": D("50.00"), "r": D("50.00")}
    assert p3["m"] == D("50.00") and p3["b"] == D("50.00")
    assert {r.line.key: r.rank for r in result.lines}["r"] is Rank.DIGNITY


def test_opening_balance_and_one_off_sums_are_distributed_in_their_period():
    result = compute_plan(
        terms(
            [BANK],
            opening_balance=D("250.00"),
            one_offs=(OneOff(day=date(2024, 3, 15), amount=D("500.00"), label="impôt"),),
        )
    )
    available = [p.available for p in result.periods]
    assert available[0] == D("350.00") and available[2] == D("600.00")
    assert available[1] == D("100.00")
    assert result.to_creditors == D("1200.00") + D("750.00")
    assert any("impôt" in w for w in result.working)


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2025, 1, 1)])
def test_a_one_off_sum_dated_outside_the_plan_is_refused(day):
    errors = terms_errors(terms([BANK], one_offs=(OneOff(day=day, amount=D("10.00")),)))
    assert "one_off_1_date" in errors
    assert "hors du plan" in errors["one_off_1_date"][0]
    with pytest.raises(PlanInputError):
        compute_plan(terms([BANK], one_offs=(OneOff(day=day, amount=D("10.00")),)))


def test_article_1675_12_remits_no_capital():
    line = Line(
        key="b", creditor_key="bank", name="Banque", admitted=D("1500.00"), capital=D("1000.00")
    )
    # 12 × 100 = 1.200 ≥ capital 1.000: interest and costs (300) remitted: allowed
    ok = compute_plan(terms([line], legal_basis=LegalBasis.JUDICIAL_1675_12))
    assert ok.lines[0].remitted == D("300.00")
    assert any("1675/12" in w for w in ok.working)
    # 12 × 50 = 600 < 1.000 of capital: refused on legal_basis
    with pytest.raises(PlanInputError) as exc:
        compute_plan(
            terms([line], monthly_available=D("50.00"), legal_basis=LegalBasis.JUDICIAL_1675_12)
        )
    assert "legal_basis" in exc.value.errors
    assert "400,00" in exc.value.errors["legal_basis"][0]


def test_article_1675_13_remits_capital_with_the_better_fortune_clause():
    result = compute_plan(
        terms([BANK], monthly_available=D("50.00"), legal_basis=LegalBasis.JUDICIAL_1675_13)
    )
    assert result.lines[0].remitted == D("2400.00")
    assert any("retour à meilleure fortune" in w for w in result.working)


def test_a_non_remissible_debt_is_never_remitted_whatever_the_basis():
    for basis in LegalBasis:
        money = D("0.00") if basis is LegalBasis.TOTAL_1675_13BIS else D("10.00")
        result = compute_plan(terms([FINE], monthly_available=money, legal_basis=basis))
        assert result.lines[0].remitted == 0
        assert result.lines[0].not_remitted == D("1000.00") - result.lines[0].paid


def test_total_remission_pays_nothing_and_ranks_nobody():
    rent = Line(key="r", creditor_key="rent", name="Loyer", admitted=D("150.00"), rank=Rank.DIGNITY)
    errors = terms_errors(terms([rent], legal_basis=LegalBasis.TOTAL_1675_13BIS))
    assert len(errors["legal_basis"]) == 2
    result = compute_plan(
        terms([BANK], monthly_available=D("0.00"), legal_basis=LegalBasis.TOTAL_1675_13BIS)
    )
    assert result.lines[0].remitted == D("3000.00")


money = st.integers(min_value=0, max_value=500_000).map(lambda c: D(c) / 100)


@settings(max_examples=60, deadline=None)
@given(
    admitted=st.lists(st.integers(min_value=1, max_value=900_000), min_size=1, max_size=5),
    ranks=st.lists(
        st.sampled_from([Rank.ORDINARY, Rank.DIGNITY, Rank.PREFERENCE]), min_size=5, max_size=5
    ),
    non_remissible=st.lists(st.booleans(), min_size=5, max_size=5),
    monthly=money,
    opening=money,
    months=st.integers(min_value=1, max_value=36),
)
def test_nobody_is_paid_beyond_its_claim_and_everything_adds_up(
    admitted, ranks, non_remissible, monthly, opening, months
):
    lines = [
        Line(
            key=str(i),
            creditor_key=str(i),
            name=f"C{i}",
            admitted=D(a) / 100,
            rank=ranks[i],
            non_remissible=non_remissible[i],
        )
        for i, a in enumerate(admitted)
    ]
    result = compute_plan(
        terms(lines, monthly_available=monthly, opening_balance=opening, duration_months=months)
    )
    for r in result.lines:
        assert 0 <= r.paid <= r.line.admitted
        assert r.paid + r.remitted + r.not_remitted == r.line.admitted
        if r.line.non_remissible:
            assert r.remitted == 0
    assert result.to_creditors + result.unallocated + result.fees == (monthly * months + opening)
    # equality: without a reasoned rank, each claim gets its pro-rata part (a cent per period)
    if all(r.rank is Rank.ORDINARY for r in result.lines) and result.unallocated == 0:
        owed = sum((r.line.admitted for r in result.lines), D(0))
        for r in result.lines:
            exact = result.to_creditors * r.line.admitted / owed
            assert abs(r.paid - exact) <= D("0.01") * len(result.periods)
