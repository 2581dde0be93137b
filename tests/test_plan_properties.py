"""Properties of the plan engine (Hypothesis). No database.

For any valid terms:
- fees first: a period's fees never exceed what is due so far, and no dividend is paid while
  fees are unpaid in that period;
- each period: fees + dividends + unallocated = the period's amount, exactly to the cent, and
  the dividends add up exactly to the amount after fees unless every claim is already paid;
- nobody is ever paid beyond its claim; dividends are never negative;
- per claim and in total: already paid + paid by the plan + remitted + not remitted = admitted;
- non-remissible claims are never remitted; remissible ones never carry a "not remitted" part;
- shares of the total add up to exactly 100,00 %;
- the largest-remainder split always adds up to the amount split.
"""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from plans.engine import (
    Line,
    NonRemissibleTreatment,
    PlanTerms,
    compute_plan,
    split_largest_remainder,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SETTINGS = settings(max_examples=200, deadline=None)

cents = st.integers(min_value=0, max_value=5_000_000).map(lambda n: Decimal(n) * CENT)
small_cents = st.integers(min_value=0, max_value=300_000).map(lambda n: Decimal(n) * CENT)


@st.composite
def lines(draw):
    count = draw(st.integers(min_value=1, max_value=7))
    result = []
    for i in range(count):
        admitted = draw(
            st.integers(min_value=1, max_value=3_000_000).map(lambda n: Decimal(n) * CENT)
        )
        paid_before = draw(st.integers(min_value=0, max_value=int(admitted / CENT))) * CENT
        paid_before = paid_before if draw(st.booleans()) else ZERO
        result.append(
            Line(
                key=f"l{i}",
                # a few creditors hold two lines (e.g. an ordinary and a non-remissible claim)
                creditor_key=f"c{draw(st.integers(min_value=0, max_value=count - 1))}",
                name=f"Créancier {i}",
                admitted=admitted,
                already_paid=paid_before,
                privileged=draw(st.booleans()),
                non_remissible=draw(st.booleans()),
            )
        )
    return tuple(result)


@st.composite
def terms(draw):
    duration = draw(st.integers(min_value=1, max_value=96))
    return PlanTerms(
        start=date(2024, 1, 1) + timedelta(days=draw(st.integers(min_value=0, max_value=900))),
        duration_months=duration,
        monthly_available=draw(small_cents),
        fee_provision=draw(cents),
        frequency_months=draw(st.sampled_from([1, 3, 6, 12])),
        privileged_first=draw(st.booleans()),
        non_remissible=draw(st.sampled_from(list(NonRemissibleTreatment))),
        lines=draw(lines()),
    )


@SETTINGS
@given(terms())
def test_each_period_adds_up_exactly(t):
    result = compute_plan(t)
    fee_due = ZERO
    fee_paid = ZERO
    for period, fee_part in zip(result.periods, result.fee_schedule, strict=True):
        assert period.available == t.monthly_available * period.period.months
        assert period.fees + period.to_creditors + period.unallocated == period.available
        assert all(d >= 0 for d in period.dividends.values())
        fee_due += fee_part
        assert period.fees <= fee_due - fee_paid
        fee_paid += period.fees
        if fee_paid < fee_due:  # fees first: nothing for the creditors while fees are unpaid
            assert period.to_creditors == ZERO
        if period.unallocated:  # only when every claim is paid in full
            assert period.remaining == ZERO
        else:
            assert period.to_creditors == period.available - period.fees
    assert sum(result.fee_schedule, ZERO) == t.fee_provision
    assert result.fees + result.fee_shortfall == t.fee_provision


@SETTINGS
@given(terms())
def test_nobody_is_paid_beyond_its_claim_and_everything_is_accounted_for(t):
    result = compute_plan(t)
    for r in result.lines:
        assert ZERO <= r.paid <= r.line.outstanding
        assert sum(result.dividends_of(r.line.key), ZERO) == r.paid
        assert r.line.already_paid + r.paid + r.remitted + r.not_remitted == r.line.admitted
        if r.line.non_remissible:
            assert r.remitted == ZERO
        else:
            assert r.not_remitted == ZERO
    assert result.already_paid + result.paid + result.remitted + result.not_remitted == (
        result.admitted
    )
    assert result.paid == result.to_creditors
    assert sum((r.share_pct for r in result.lines), ZERO) in (ZERO, Decimal("100.00"))
    if result.periods:
        assert result.periods[-1].remaining == result.remitted + result.not_remitted


@SETTINGS
@given(
    st.integers(min_value=0, max_value=10_000_000).map(lambda n: Decimal(n) * CENT),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12).filter(any),
)
def test_largest_remainder_adds_up(amount, weights):
    shares = split_largest_remainder(amount, weights)
    assert sum(shares, ZERO) == amount
    assert all(s >= 0 and s == s.quantize(CENT) for s in shares)
    total = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        exact = amount * weight / total
        assert abs(share - exact) < CENT  # never more than one cent from the exact share
        if weight == 0:
            assert share == ZERO


@st.composite
def terms_with_shares(draw):
    base = draw(terms())
    duration = base.duration_months
    with_shares = []
    for li in base.lines:
        most = (li.outstanding / duration).quantize(CENT, rounding="ROUND_DOWN")
        share = draw(st.integers(min_value=0, max_value=int(most / CENT))) * CENT
        with_shares.append(
            Line(
                key=li.key,
                creditor_key=li.key,  # one line per creditor: the share is per creditor
                name=li.name,
                admitted=li.admitted,
                already_paid=li.already_paid,
                privileged=li.privileged,
                non_remissible=li.non_remissible,
                share=share,
            )
        )
    shaped = PlanTerms(
        start=base.start,
        duration_months=duration,
        monthly_available=ZERO,
        fee_provision=base.fee_provision,
        frequency_months=base.frequency_months,
        lines=tuple(with_shares),
    )
    total = sum((li.share for li in with_shares), ZERO)
    return PlanTerms(
        start=base.start,
        duration_months=duration,
        monthly_available=total + shaped.monthly_fee,
        fee_provision=base.fee_provision,
        frequency_months=base.frequency_months,
        lines=tuple(with_shares),
    )


@SETTINGS
@given(terms_with_shares())
def test_hand_entered_shares_add_up_and_never_overpay(t):
    result = compute_plan(t)  # valid by construction: no PlanInputError
    for period in result.periods:
        assert period.fees + period.to_creditors + period.unallocated == period.available
    for r in result.lines:
        assert r.paid <= r.line.outstanding
        assert r.line.already_paid + r.paid + r.remitted + r.not_remitted == r.line.admitted
