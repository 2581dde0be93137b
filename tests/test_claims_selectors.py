"""Claims selectors: the claims table of a case and the creditor counts of the fee engine
(fees.md §3: creditors are counted, not claims; a time-barred creditor counts for 2,1° and not
for 2,3°), shares of the participating total, the directory search and its scoping."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from claims.selectors import (
    claims_table,
    creditor_cases,
    creditor_search,
    distribute_shares,
    representative_search,
)
from claims.services import (
    ClaimData,
    ContactData,
    claim_create,
    creditor_create,
    position_join,
    representative_create,
)

from .factories import make_case


def creditor(world, name, number="", iban="", org=None):
    return creditor_create(
        organisation=org or world.org,
        data=ContactData(name=name, enterprise_number=number, iban=iban),
    )


def claim(case, who, principal="100.00", **extra):
    return claim_create(
        case=case,
        data=ClaimData(
            creditor=who, principal=Decimal(principal), declared_on=date(2022, 7, 1), **extra
        ),
    )


def test_time_barred_creditor_counts_for_2_1_but_not_for_2_3(world):
    claim(world.case, creditor(world, "Proximus"))
    claim(world.case, creditor(world, "CHU (tardif)"), time_barred=True)
    table = claims_table(world.case)
    assert table.declared_creditors == 2
    assert table.participating_creditors == 1
    late = next(r for r in table.rows if r.creditor.name == "CHU (tardif)")
    assert late.all_time_barred and not late.participates
    assert late.share == 0 and late.participating_total == 0
    assert table.total == Decimal("200.00")
    assert table.participating_total == Decimal("100.00")


def test_several_claims_of_one_creditor_count_once(world):
    partena = creditor(world, "Partena")
    for _ in range(3):
        claim(world.case, partena)
    claim(world.case, partena, time_barred=True)  # one late file does not exclude it
    claim(world.case, creditor(world, "Engie"))
    table = claims_table(world.case)
    assert table.claim_count == 5
    assert table.declared_creditors == 2
    assert table.participating_creditors == 2
    row = next(r for r in table.rows if r.creditor == partena)
    assert len(row.claims) == 4 and row.total == Decimal("400.00")
    assert row.participating_total == Decimal("300.00")


def test_shares_sum_to_100_and_follow_the_participating_total(world):
    for name in ("A", "B", "C"):
        claim(world.case, creditor(world, name))
    rejected = creditor(world, "D (rejetée)")
    claim(world.case, rejected, principal="5000.00", status="rejected")
    table = claims_table(world.case)
    assert sum(r.share for r in table.rows) == Decimal("100.0000")
    assert sum(r.share_pct for r in table.rows) == Decimal("100.00")
    assert table.share_total == Decimal("100.00")
    assert sorted(r.share_pct for r in table.rows) == [
        Decimal("0.00"),
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert table.participating_total == Decimal("300.00")
    # a rejected claim is out of the plan, but its creditor did declare (2,1°)
    assert table.declared_creditors == 4


def test_shares_of_unequal_amounts(world):
    claim(world.case, creditor(world, "Grand"), principal="7500.00")
    claim(world.case, creditor(world, "Petit"), principal="2500.00", interest=Decimal("0"))
    shares = {r.creditor.name: r.share_pct for r in claims_table(world.case).rows}
    assert shares == {"Grand": Decimal("75.00"), "Petit": Decimal("25.00")}


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12))
def test_distribute_shares_always_sums_to_exactly_100(cents):
    amounts = [Decimal(c) / 100 for c in cents]
    for places in (2, 4):
        shares = distribute_shares(amounts, places)
        if sum(amounts):
            assert sum(shares) == 100
            exact = [a * 100 / sum(amounts) for a in amounts]
            unit = Decimal(1).scaleb(-places)
            assert all(abs(s - e) < unit for s, e in zip(shares, exact, strict=True))
        else:
            assert all(s == 0 for s in shares)


def test_paid_off_date_is_the_latest_of_the_claims_taking_part(world):
    proximus = creditor(world, "Proximus")
    claim(world.case, proximus, paid_off_on=date(2023, 1, 10))
    claim(world.case, proximus, paid_off_on=date(2023, 5, 2))
    claim(world.case, proximus, time_barred=True)  # out of the plan: not awaited
    engie = creditor(world, "Engie")
    claim(world.case, engie, paid_off_on=date(2023, 1, 10))
    claim(world.case, engie)  # still running
    rows = {r.creditor.name: r for r in claims_table(world.case).rows}
    assert rows["Proximus"].paid_off_on == date(2023, 5, 2)
    assert rows["Engie"].paid_off_on is None


def test_positions_group_their_claims_and_keep_them_visible(world):
    partena = creditor(world, "Partena")
    files = [claim(world.case, partena, creditor_reference=f"D-{n}") for n in range(3)]
    position = position_join(case=world.case, claims=files[:2], label="Plan unique")
    table = claims_table(world.case)
    (row,) = table.rows
    assert len(row.claims) == 3
    joined, alone = row.groups
    assert joined.position == position and joined.claims == files[:2]
    assert joined.total == Decimal("200.00")
    assert alone.position is None and alone.claims == [files[2]]


def test_non_remissible_claims_are_flagged(world):
    spf = creditor(world, "SPF Finances")
    claim(world.case, spf, nature="tax")
    fine = claim(world.case, spf, principal="480.00", nature="criminal_fine")
    table = claims_table(world.case)
    assert fine.non_remissible
    assert table.rows[0].non_remissible
    assert table.non_remissible_total == Decimal("480.00")


def test_directory_search_by_name_enterprise_number_and_iban(world):
    proximus = creditor(world, "Proximus SA", number="0202239951")
    landlord = creditor(world, "M. Lejeune", iban="BE71096123456769")
    creditor(world, "Proximus", number="0202239951", org=world.other_org)
    assert list(creditor_search(world.mediator, "proxi")) == [proximus]
    assert list(creditor_search(world.mediator, "BE 0202.239.951")) == [proximus]
    assert list(creditor_search(world.mediator, "be71 0961 2345")) == [landlord]
    assert set(creditor_search(world.supervisor, "")) == {proximus, landlord}
    assert not creditor_search(world.clerk, "").exists()
    assert creditor_search(world.other_mediator, "").count() == 1


def test_representative_search_is_scoped_too(world):
    bailiff = representative_create(
        organisation=world.org, data=ContactData(name="Étude Delvaux", role="bailiff")
    )
    representative_create(
        organisation=world.other_org, data=ContactData(name="Étude Delvaux", role="bailiff")
    )
    assert list(representative_search(world.mediator, "delvaux")) == [bailiff]


def test_creditor_cases_lists_where_it_declared_with_totals(world):
    proximus = creditor(world, "Proximus")
    second = make_case(organisation=world.org, mediator=world.colleague, reference="NAM-2023-7")
    claim(world.case, proximus)
    claim(world.case, proximus, principal="50.00")
    claim(second, proximus, time_barred=True)
    claim(second, creditor(world, "Engie"))
    rows = {r.case.reference: r for r in creditor_cases(world.supervisor, proximus)}
    assert set(rows) == {"NAM-2022-0042", "NAM-2023-7"}
    assert rows["NAM-2022-0042"].claims == 2
    assert rows["NAM-2022-0042"].total == Decimal("150.00")
    assert rows["NAM-2023-7"].time_barred
    assert creditor_cases(world.other_mediator, proximus) == []
