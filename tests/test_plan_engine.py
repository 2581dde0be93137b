"""The pure plan engine (plans.engine) on hand-derived examples. No database.

Every expected figure is derived by hand in the comments, so that a reader can check the rule
without running the code."""

from datetime import date
from decimal import Decimal

import pytest

from plans.engine import (
    DurationLimit,
    Line,
    NonRemissibleTreatment,
    Outcome,
    Payment,
    PlanInputError,
    PlanTerms,
    Rank,
    Standing,
    add_months,
    build_periods,
    compute_plan,
    duration_errors,
    monitor,
    split_largest_remainder,
    terms_errors,
    usual_amount,
)

D = Decimal
START = date(2025, 1, 1)


def line(key, admitted, **kw):
    return Line(
        key=key, creditor_key=kw.pop("creditor", key), name=key.upper(), admitted=D(admitted), **kw
    )


# --- splitting --------------------------------------------------------------------------------


def test_split_equal_weights_gives_the_missing_cent_to_the_earliest():
    # 10,00 / 3 = 3,333… each: floors 3,33 × 3 = 9,99; 1 cent missing; remainders equal
    # (0,00333…), weights equal -> the earliest position gets it.
    assert split_largest_remainder(D("10.00"), [1, 1, 1]) == [D("3.34"), D("3.33"), D("3.33")]


def test_split_goes_to_the_largest_remainder():
    # 1,00 in 2:1 -> 0,6666… and 0,3333…: floors 0,66 + 0,33 = 0,99; remainders 0,0066… and
    # 0,0033… -> the first gets the cent: 0,67 + 0,33.
    assert split_largest_remainder(D("1.00"), [2, 1]) == [D("0.67"), D("0.33")]
    # 0,05 in 1:1:1:1:1:1 (6 shares of 0,00833…): floors 0 each; 5 cents to the first five.
    assert split_largest_remainder(D("0.05"), [1] * 6) == [D("0.01")] * 5 + [D("0.00")]


def test_split_zero_weight_gets_nothing_and_exact_shares_stay_exact():
    assert split_largest_remainder(D("100.00"), [50, 0, 30, 20]) == [
        D("50.00"),
        D("0.00"),
        D("30.00"),
        D("20.00"),
    ]


def test_split_refuses_bad_amounts():
    with pytest.raises(ValueError):
        split_largest_remainder(D("1.005"), [1])
    with pytest.raises(ValueError):
        split_largest_remainder(D("-1.00"), [1])
    with pytest.raises(ValueError):
        split_largest_remainder(D("1.00"), [0, 0])


# --- dates ------------------------------------------------------------------------------------


def test_add_months_counts_from_the_start_and_clamps_the_day():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 31), 2) == date(2025, 3, 31)  # not 28/03: no drift
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


def test_periods_quarterly_with_a_shorter_last_one():
    # 10 months paid quarterly: 3 + 3 + 3 + 1.
    periods = build_periods(date(2025, 1, 1), 10, 3)
    assert [p.months for p in periods] == [3, 3, 3, 1]
    assert periods[0].last_day == date(2025, 3, 31)
    assert periods[-1].start == date(2025, 10, 1)
    assert periods[-1].end == date(2025, 11, 1)


def test_seven_year_limit_from_the_designation():
    # Designation 15/06/2022 -> the plan ends at the latest on 15/06/2029. From 01/09/2022:
    # 01/09/2022 + 81 months = 01/06/2029 <= 15/06/2029; + 82 months = 01/07/2029: too late.
    limit = DurationLimit(designation=date(2022, 6, 15), max_years=7)
    assert limit.latest_end == date(2029, 6, 15)
    assert limit.max_months_from(date(2022, 9, 1)) == 81
    common = {"limit": limit, "admissibility": date(2022, 6, 15), "start": date(2022, 9, 1)}
    ok = duration_errors(duration_months=81, exception_granted=False, exception_reason="", **common)
    assert ok == {}
    too_long = duration_errors(
        duration_months=82, exception_granted=False, exception_reason="", **common
    )
    assert "81 mois" in too_long["duration_months"][0]
    assert "01/07/2029" in too_long["duration_months"][0]
    excepted = duration_errors(
        duration_months=96,
        exception_granted=True,
        exception_reason="Sauvegarde du logement familial",
        **common,
    )
    assert excepted == {}
    without_reason = duration_errors(
        duration_months=96, exception_granted=True, exception_reason=" ", **common
    )
    assert set(without_reason) == {"exception_reason"}


def test_a_plan_cannot_start_before_admissibility():
    limit = DurationLimit(designation=date(2022, 6, 15), max_years=7)
    errors = duration_errors(
        limit=limit,
        admissibility=date(2022, 6, 15),
        start=date(2022, 6, 1),
        duration_months=12,
        exception_granted=False,
        exception_reason="",
    )
    assert "15/06/2022" in errors["start_date"][0]


# --- hand-derived plans -----------------------------------------------------------------------


def test_three_creditors_50_30_20_with_fees_first():
    # 1.000,00 €/month for 12 months; fee provision 1.200,00 € -> 100,00 € per month first
    # (1.200 / 12, no cent left over); 900,00 € a month for the creditors.
    # A 50.000 (50 %), B 30.000 (30 %), C 20.000 (20 %): 450 / 270 / 180 each month.
    # Over 12 months: A 5.400, B 3.240, C 2.160 = 10.800 = 12 × 900.
    # Remitted: A 44.600, B 26.760, C 17.840 = 89.200; 10.800 + 89.200 = 100.000.
    terms = PlanTerms(
        start=START,
        duration_months=12,
        monthly_available=D("1000.00"),
        fee_provision=D("1200.00"),
        lines=(line("a", "50000.00"), line("b", "30000.00"), line("c", "20000.00")),
    )
    result = compute_plan(terms)
    assert result.fee_schedule == (D("100.00"),) * 12
    first = result.periods[0]
    assert first.fees == D("100.00")
    assert first.dividends == {"a": D("450.00"), "b": D("270.00"), "c": D("180.00")}
    paid = {r.line.key: r.paid for r in result.lines}
    assert paid == {"a": D("5400.00"), "b": D("3240.00"), "c": D("2160.00")}
    remitted = {r.line.key: r.remitted for r in result.lines}
    assert remitted == {"a": D("44600.00"), "b": D("26760.00"), "c": D("17840.00")}
    assert [r.share_pct for r in result.lines] == [D("50.00"), D("30.00"), D("20.00")]
    assert {r.percent_repaid for r in result.lines} == {D("10.80")}
    assert result.outcome is Outcome.PARTIAL
    assert result.fees == D("1200.00")
    assert result.paid + result.remitted + result.not_remitted == D("100000.00")
    assert any("1.200,00\u00a0€" in w for w in result.working)


def test_fee_provision_cents_go_to_the_earliest_periods():
    # 100,00 € over 3 months: 33,333… each -> 33,34 + 33,33 + 33,33 (largest remainder, ties
    # to the earliest period); the creditor gets 66,66 + 66,67 + 66,67 of 100,00 € a month.
    terms = PlanTerms(
        start=START,
        duration_months=3,
        monthly_available=D("100.00"),
        fee_provision=D("100.00"),
        lines=(line("a", "10000.00"),),
    )
    result = compute_plan(terms)
    assert result.fee_schedule == (D("33.34"), D("33.33"), D("33.33"))
    assert [p.dividends["a"] for p in result.periods] == [D("66.66"), D("66.67"), D("66.67")]


def test_privileged_first_then_non_remissible_then_pro_rata():
    # 500,00 €/month for 10 months, provision 500,00 € -> 50,00 € fees, 450,00 € for creditors.
    # P privileged 900; M maintenance (non-remissible) 1.350; X 6.000; Y 4.000 (ordinary).
    # Months 1-2: P takes 450 + 450 = 900 (paid in full).
    # Months 3-5: M takes 450 × 3 = 1.350 (paid in full).
    # Months 6-10: X 60 % and Y 40 % of 450 = 270 and 180, × 5 = 1.350 and 900.
    # Remitted: X 4.650, Y 3.100; M non remis 0. Total 4.500 + 7.750 = 12.250 admitted.
    terms = PlanTerms(
        start=START,
        duration_months=10,
        monthly_available=D("500.00"),
        fee_provision=D("500.00"),
        privileged_first=True,
        non_remissible=NonRemissibleTreatment.PRIORITY,
        lines=(
            line("p", "900.00", privileged=True),
            line("m", "1350.00", non_remissible=True),
            line("x", "6000.00"),
            line("y", "4000.00"),
        ),
    )
    result = compute_plan(terms)
    by_key = {r.line.key: r for r in result.lines}
    assert result.dividends_of("p") == [D("450.00")] * 2 + [D("0.00")] * 8
    assert result.dividends_of("m") == [D("0.00")] * 2 + [D("450.00")] * 3 + [D("0.00")] * 5
    assert result.dividends_of("x") == [D("0.00")] * 5 + [D("270.00")] * 5
    assert result.dividends_of("y") == [D("0.00")] * 5 + [D("180.00")] * 5
    assert (by_key["x"].remitted, by_key["y"].remitted) == (D("4650.00"), D("3100.00"))
    assert by_key["m"].not_remitted == D("0.00")
    assert by_key["p"].rank is Rank.PRIVILEGED
    assert by_key["m"].rank is Rank.NON_REMISSIBLE
    assert by_key["x"].rank is Rank.ORDINARY
    assert result.remitted == D("7750.00")


def test_non_remissible_paid_pro_rata_keeps_its_balance_due():
    # 450,00 € for creditors (500 − 50 fees), 10 months; M maintenance 2.000 (20 %), X 5.000
    # (50 %), Y 3.000 (30 %), all au marc le franc: 90 / 225 / 135 a month.
    # After 10 months: M 900 paid, 1.100 NOT remitted (remains due); X 2.250 paid, 2.750
    # remitted; Y 1.350 paid, 1.650 remitted. 4.500 + 4.400 + 1.100 = 10.000.
    terms = PlanTerms(
        start=START,
        duration_months=10,
        monthly_available=D("500.00"),
        fee_provision=D("500.00"),
        non_remissible=NonRemissibleTreatment.PRO_RATA,
        lines=(
            line("m", "2000.00", non_remissible=True),
            line("x", "5000.00"),
            line("y", "3000.00"),
        ),
    )
    result = compute_plan(terms)
    by_key = {r.line.key: r for r in result.lines}
    assert result.periods[0].dividends == {"m": D("90.00"), "x": D("225.00"), "y": D("135.00")}
    assert (by_key["m"].paid, by_key["m"].remitted, by_key["m"].not_remitted) == (
        D("900.00"),
        D("0.00"),
        D("1100.00"),
    )
    assert (by_key["x"].remitted, by_key["y"].remitted) == (D("2750.00"), D("1650.00"))
    assert result.not_remitted == D("1100.00")
    assert result.periods[-1].remaining_non_remissible == D("1100.00")


def test_total_remission_when_the_fees_take_everything():
    # 100,00 €/month, 12 months, provision 1.200,00 € = 100,00 € a month: nothing left for the
    # creditors. The ordinary claim is remitted in full; the fine (non-remissible) stays due.
    terms = PlanTerms(
        start=START,
        duration_months=12,
        monthly_available=D("100.00"),
        fee_provision=D("1200.00"),
        lines=(line("x", "3000.00"), line("f", "500.00", non_remissible=True)),
    )
    result = compute_plan(terms)
    assert result.outcome is Outcome.TOTAL
    assert result.paid == D("0.00")
    assert result.remitted == D("3000.00")
    assert result.not_remitted == D("500.00")


def test_a_claim_is_capped_and_the_rest_goes_to_the_others_then_stays_unallocated():
    # One month of 500,00 €, A 100, B 300 (no fees). Exact shares 125 and 375 exceed both
    # claims: A takes 100, then B takes 300; 100,00 € are not needed (unallocated).
    terms = PlanTerms(
        start=START,
        duration_months=1,
        monthly_available=D("500.00"),
        lines=(line("a", "100.00"), line("b", "300.00")),
    )
    result = compute_plan(terms)
    period = result.periods[0]
    assert period.dividends == {"a": D("100.00"), "b": D("300.00")}
    assert period.unallocated == D("100.00")
    assert result.outcome is Outcome.FULL
    assert result.paid_off_in.index == 1


def test_fee_shortfall_is_carried_then_reported():
    # Provision 300,00 € over 3 months (100 a month) but only 50,00 € a month: fees take the 50
    # each month, the unpaid 50 is carried forward; 150,00 € remain uncovered at the end.
    terms = PlanTerms(
        start=START,
        duration_months=3,
        monthly_available=D("50.00"),
        fee_provision=D("300.00"),
        lines=(line("a", "1000.00"),),
    )
    result = compute_plan(terms)
    assert [p.fees for p in result.periods] == [D("50.00")] * 3
    assert result.fee_shortfall == D("150.00")


def test_prior_dividends_reduce_the_claim_and_count_as_repaid():
    # Admitted 1.000, already paid 400 before the plan: the plan owes 600; 2 months of 100.
    terms = PlanTerms(
        start=START,
        duration_months=2,
        monthly_available=D("100.00"),
        lines=(line("a", "1000.00", already_paid=D("400.00")),),
    )
    result = compute_plan(terms)
    (a,) = result.lines
    assert (a.paid, a.remitted) == (D("200.00"), D("400.00"))
    assert a.percent_repaid == D("60.00")  # (400 + 200) / 1.000


def test_hand_entered_shares_replace_the_automatic_split():
    # 1.000,00 €/month, provision 1.200 over 12 months = 100 a month: the shares must add up
    # to 900,00 €. A 600 and B 300 (instead of 50/50 of equal claims).
    terms = PlanTerms(
        start=START,
        duration_months=12,
        monthly_available=D("1000.00"),
        fee_provision=D("1200.00"),
        lines=(
            line("a", "20000.00", share=D("600.00")),
            line("b", "20000.00", share=D("300.00")),
        ),
    )
    result = compute_plan(terms)
    assert result.periods[0].dividends == {"a": D("600.00"), "b": D("300.00")}
    assert {r.rank for r in result.lines} == {Rank.SHARES}


def test_shares_that_do_not_add_up_are_refused():
    terms = PlanTerms(
        start=START,
        duration_months=12,
        monthly_available=D("1000.00"),
        fee_provision=D("1200.00"),
        lines=(
            line("a", "20000.00", share=D("600.00")),
            line("b", "20000.00", share=D("200.00")),
        ),
    )
    errors = terms_errors(terms)
    assert "800,00\u00a0€" in errors["shares"][0] and "900,00\u00a0€" in errors["shares"][0]
    with pytest.raises(PlanInputError) as exc:
        compute_plan(terms)
    assert "shares" in exc.value.errors


def test_a_share_paying_beyond_the_claim_is_refused():
    # 500,00 € × 12 months = 6.000 > 1.000 owed: the largest share is 1.000 / 12 = 83,33.
    terms = PlanTerms(
        start=START,
        duration_months=12,
        monthly_available=D("1000.00"),
        lines=(
            line("a", "1000.00", share=D("500.00")),
            line("b", "50000.00", share=D("500.00")),
        ),
    )
    errors = terms_errors(terms)
    assert "83,33\u00a0€" in errors["share_a"][0]
    assert "share_b" not in errors


def test_negative_and_overpaid_inputs_are_refused():
    terms = PlanTerms(
        start=START,
        duration_months=0,
        monthly_available=D("-1.00"),
        fee_provision=D("1.001"),
        lines=(line("a", "100.00", already_paid=D("150.00")),),
    )
    errors = terms_errors(terms)
    assert set(errors) == {"monthly_available", "fee_provision", "duration_months", "__all__"}
    assert "au-delà de sa créance" in errors["__all__"][0]


def test_usual_dividend_is_the_most_frequent_non_zero_amount():
    assert usual_amount([D("0"), D("41.74"), D("41.74"), D("21.61")]) == D("41.74")
    assert usual_amount([D("0"), D("0")]) == D("0.00")


# --- monitoring -------------------------------------------------------------------------------


def test_monitoring_flags_a_creditor_behind():
    # 300 €/month, A and B 50/50 -> 150 each a month from 01/01/2025. On 20/04/2025 three
    # periods are due (31/01, 28/02, 31/03, each + 15 days <= 20/04; 30/04 + 15 is not):
    # 450 each planned. A was paid 3 × 150 = 450 (on track), B 2 × 150 = 300 (behind by 150).
    # A dividend to C (not in the plan) is reported apart; one before the start is ignored.
    terms = PlanTerms(
        start=START,
        duration_months=12,
        monthly_available=D("300.00"),
        lines=(line("a", "10000.00"), line("b", "10000.00")),
    )
    result = compute_plan(terms)
    payments = [Payment("a", date(2025, m, 25), D("150.00")) for m in (1, 2, 3)]
    payments += [Payment("b", date(2025, m, 25), D("150.00")) for m in (1, 2)]
    payments += [Payment("c", date(2025, 2, 25), D("20.00"))]
    payments += [Payment("a", date(2024, 12, 24), D("99.00"))]
    follow = monitor(result, payments, date(2025, 4, 20))
    rows = {r.creditor_key: r for r in follow.rows}
    assert follow.due_through.index == 3
    assert (rows["a"].planned, rows["a"].paid, rows["a"].standing) == (
        D("450.00"),
        D("450.00"),
        Standing.ON_TRACK,
    )
    assert (rows["b"].planned, rows["b"].paid, rows["b"].standing) == (
        D("450.00"),
        D("300.00"),
        Standing.BEHIND,
    )
    assert follow.behind and follow.shortfall == D("150.00")
    assert [p.creditor_key for p in follow.outside] == ["c"]


def test_monitoring_tolerates_rounding_cents():
    terms = PlanTerms(
        start=START, duration_months=12, monthly_available=D("100.00"), lines=(line("a", "9999"),)
    )
    result = compute_plan(terms)
    follow = monitor(result, [Payment("a", date(2025, 1, 31), D("99.50"))], date(2025, 2, 20))
    assert follow.rows[0].standing is Standing.ON_TRACK
    assert not follow.behind
