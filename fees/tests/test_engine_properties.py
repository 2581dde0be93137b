"""Properties of the fee engine (Hypothesis). No database.

Which invariants really hold when a period ``[a, c)`` is split at ``b``:

- Dated items (2.1, 2.2, 2.4, 2.5, 3, 4.x, postage) count when ``from <= date < to`` and are
  priced at their own date under ``by_year_prorata`` and ``by_year_new_forfait``: their
  subtotals add up exactly. Under ``anniversary`` they are priced at the reference anniversary,
  which depends on ``to``: only *which* items are counted adds up, not their amounts.
- Art. 6 adds up under every method: admin costs are at cost on their own date, and the
  JustRestart fee falls on anniversaries with ``from < anniversary <= to``, a bound that
  partitions too, priced at its own anniversary.
- 2.2 standing orders: the first standing order of each follow-up year is found over the whole
  case, so the split never bills a year twice or loses one.
- 2.3 under ``by_year_prorata``: the exact amounts add up (days x row / year length), but the
  split year becomes two lines rounded separately: the sum differs by at most one cent.
  Under ``by_year_new_forfait`` the first part is priced at an earlier (never higher) row, and
  under ``anniversary`` at an earlier reference: no equality holds, so none is asserted beyond
  the non-increase (the published rows only ever went up).
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from fees.engine import (
    CaseFacts,
    CreditorFacts,
    PaymentFacts,
    PricingMethod,
    ServiceFacts,
    Statement,
    compute_statement,
)
from fees.engine.creditors import follow_up_count
from fees.engine.statement import DISBURSEMENT_ARTICLES, FEE_ARTICLES
from fees.engine.years import follow_up_year
from fees.tariffs import load_default_tariffs

TARIFFS = load_default_tariffs()
CENT = Decimal("0.01")
SPAN_DAYS = 2600  # about 7 years: a whole plan
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)

REPEATABLE_KINDS = (
    "revision",
    "revocation",
    "asset_sale_request",
    "information_request",
    "hearing",
    "letter",
    "email",
    "circular_letter",
    "travel",
    "admin_cost",
)
CATEGORIES = (
    "income",
    "living_allowance",
    "payment_on_behalf",
    "dividend",
    "exceptional_expense",
    "fee_payment",
    "reserve_transfer",
    "refund",
    "bank_charge",
    "other",
)
D_SO = Decimal("850.00")
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)


def day_after(start: date, max_days: int = SPAN_DAYS) -> st.SearchStrategy[date]:
    return st.integers(0, max_days).map(lambda n: start + timedelta(days=n))


@st.composite
def creditor_facts(draw: st.DrawFn, admissibility: date, key: str) -> CreditorFacts:
    paid_off = draw(st.none() | day_after(admissibility))
    return CreditorFacts(key, f"Créancier {key}", draw(st.booleans()), paid_off)


@st.composite
def service_facts(draw: st.DrawFn, admissibility: date, ident: int) -> ServiceFacts:
    kind = draw(st.sampled_from(REPEATABLE_KINDS))
    extra: dict[str, object] = {}
    if kind == "travel":
        extra["km"] = draw(st.decimals(min_value=Decimal("0.1"), max_value=300, places=1))
    if kind == "admin_cost":
        extra["amount"] = draw(money)
    if kind in ("letter", "circular_letter") and draw(st.booleans()):
        extra["registered_postage"] = draw(money)
    if kind == "circular_letter" and draw(st.booleans()):
        extra["addressees"] = draw(st.integers(1, 40))
    return ServiceFacts(
        ident,
        draw(day_after(admissibility)),
        kind,
        quantity=draw(st.integers(1, 5)),
        **extra,
    )


@st.composite
def cases(draw: st.DrawFn, method: PricingMethod | None = None) -> CaseFacts:
    # Every date from 2018 on: the pre-2018 row has no known start (tested elsewhere).
    admissibility = draw(st.dates(date(2018, 1, 1), date(2024, 12, 31)))
    follow_up_start = draw(st.none() | day_after(admissibility, 400))
    closure = draw(st.none() | day_after(admissibility + timedelta(days=200), SPAN_DAYS))
    n_creditors = draw(st.integers(0, 10))
    creditors = tuple(draw(creditor_facts(admissibility, f"c{i}")) for i in range(n_creditors))
    services = [draw(service_facts(admissibility, i)) for i in range(draw(st.integers(0, 12)))]
    if draw(st.booleans()):
        kind = draw(st.sampled_from(("homologation_request", "failure_report")))
        services.append(ServiceFacts("h", draw(day_after(admissibility)), kind))
    for mediator in draw(st.sets(st.sampled_from(("A", "B", None)), max_size=3)):
        day = draw(day_after(admissibility))
        services.append(
            ServiceFacts(f"f{mediator}", day, "phone_copies_forfait", mediator=mediator)
        )
    payments: tuple[PaymentFacts, ...] = tuple(
        PaymentFacts(
            i,
            draw(day_after(admissibility)),
            draw(st.sampled_from(CATEGORIES)),
            draw(money),
            draw(st.booleans()),
        )
        for i in range(draw(st.integers(0, 25)))
    )
    if draw(st.booleans()):
        # The usual pattern: a monthly living allowance paid by standing order (2.2 rule).
        first = draw(day_after(admissibility, 60))
        months = draw(st.integers(1, 84))
        payments += tuple(
            PaymentFacts(f"so{m}", first + timedelta(days=30 * m), "living_allowance", D_SO, True)
            for m in range(months)
        )
    return CaseFacts(
        "PROP-1",
        admissibility,
        follow_up_start=follow_up_start,
        closure_date=closure,
        pricing_method=method or draw(st.sampled_from(list(PricingMethod))),
        excludes_paid_off_creditors=draw(st.booleans()),
        vat_registered=draw(st.booleans()),
        creditors=creditors,
        services=tuple(services),
        payments=payments,
    )


@st.composite
def split_periods(draw: st.DrawFn, case: CaseFacts) -> tuple[date, date, date]:
    """a < b < c with b after the admissibility, so that both parts are valid periods."""
    start = case.admissibility_date
    b = draw(day_after(start + timedelta(days=1), SPAN_DAYS))
    a = b - timedelta(days=draw(st.integers(1, SPAN_DAYS)))
    c = b + timedelta(days=draw(st.integers(1, SPAN_DAYS)))
    return a, b, c


Split = tuple[CaseFacts, tuple[date, date, date]]


@st.composite
def case_and_split(draw: st.DrawFn, method: PricingMethod | None = None) -> Split:
    case = draw(cases(method))
    return case, draw(split_periods(case))


def subtotal(statement: Statement, article: str) -> Decimal:
    return statement.subtotals.get(article, Decimal("0.00"))


def three(case: CaseFacts, a: date, b: date, c: date) -> tuple[Statement, Statement, Statement]:
    return (
        compute_statement(case, a, c, TARIFFS),
        compute_statement(case, a, b, TARIFFS),
        compute_statement(case, b, c, TARIFFS),
    )


DATED_ARTICLES = sorted((FEE_ARTICLES | DISBURSEMENT_ARTICLES) - {"2.3"})


@PROPERTY_SETTINGS
@given(
    st.sampled_from([PricingMethod.BY_YEAR_PRORATA, PricingMethod.BY_YEAR_NEW_FORFAIT]).flatmap(
        case_and_split
    )
)
def test_split_period_keeps_dated_subtotals(drawn: Split) -> None:
    case, (a, b, c) = drawn
    whole, first, second = three(case, a, b, c)
    for article in DATED_ARTICLES:
        assert subtotal(whole, article) == subtotal(first, article) + subtotal(second, article)


@PROPERTY_SETTINGS
@given(case_and_split(PricingMethod.ANNIVERSARY))
def test_split_period_under_anniversary_keeps_what_is_counted(drawn: Split) -> None:
    case, (a, b, c) = drawn
    whole, first, second = three(case, a, b, c)

    def counted(*statements: Statement) -> list[tuple[str, date | None, Decimal]]:
        return sorted(
            (line.article, line.date, line.quantity)
            for statement in statements
            for line in statement.lines
            if line.article != "2.3"
        )

    assert counted(whole) == counted(first, second)
    # At cost or at its own anniversary: art. 6 and postage add up whatever the method.
    for article in ("6", "postage"):
        assert subtotal(whole, article) == subtotal(first, article) + subtotal(second, article)


@PROPERTY_SETTINGS
@given(case_and_split(PricingMethod.BY_YEAR_PRORATA))
def test_split_period_prorata_follow_up_within_a_cent(drawn: Split) -> None:
    case, (a, b, c) = drawn
    whole, first, second = three(case, a, b, c)
    difference = subtotal(whole, "2.3") - subtotal(first, "2.3") - subtotal(second, "2.3")
    assert abs(difference) <= CENT


@PROPERTY_SETTINGS
@given(case_and_split(PricingMethod.BY_YEAR_NEW_FORFAIT))
def test_split_period_new_forfait_never_bills_more(drawn: Split) -> None:
    case, (a, b, c) = drawn
    whole, first, second = three(case, a, b, c)
    # The cut part before b is priced at the row of b - 1, never above the row of the end.
    assert subtotal(first, "2.3") + subtotal(second, "2.3") <= subtotal(whole, "2.3") + CENT


@PROPERTY_SETTINGS
@given(cases(), st.data())
def test_adding_a_creditor_never_lowers_any_fee(case: CaseFacts, data: st.DataObject) -> None:
    a, _, c = data.draw(split_periods(case))
    extra = data.draw(creditor_facts(case.admissibility_date, "added"))
    richer = replace(case, creditors=(*case.creditors, extra))
    before = compute_statement(case, a, c, TARIFFS)
    after = compute_statement(richer, a, c, TARIFFS)
    for article in FEE_ARTICLES:
        assert subtotal(after, article) >= subtotal(before, article)
    assert after.fees >= before.fees
    assert after.total >= before.total


@PROPERTY_SETTINGS
@given(cases(), st.data())
def test_totals_are_sums_of_rounded_lines(case: CaseFacts, data: st.DataObject) -> None:
    a, _, c = data.draw(split_periods(case))
    statement = compute_statement(case, a, c, TARIFFS)
    for article, amount in statement.subtotals.items():
        assert amount == sum(
            (line.amount for line in statement.lines if line.article == article), Decimal(0)
        )
    assert statement.fees == sum(
        (line.amount for line in statement.lines if line.article in FEE_ARTICLES), Decimal(0)
    )
    assert statement.disbursements == sum(
        (line.amount for line in statement.lines if line.article in DISBURSEMENT_ARTICLES),
        Decimal(0),
    )
    expected_vat = (statement.fees * Decimal("0.21")).quantize(CENT, rounding=ROUND_HALF_UP)
    assert statement.vat == (expected_vat if case.vat_registered else Decimal("0.00"))
    assert statement.total == statement.fees + statement.vat + statement.disbursements


@PROPERTY_SETTINGS
@given(cases(), st.data())
def test_every_amount_has_exactly_two_decimals(case: CaseFacts, data: st.DataObject) -> None:
    a, _, c = data.draw(split_periods(case))
    statement = compute_statement(case, a, c, TARIFFS)
    amounts = [
        *(line.amount for line in statement.lines),
        *(line.unit_amount for line in statement.lines),
        *statement.subtotals.values(),
        statement.fees,
        statement.vat,
        statement.disbursements,
        statement.total,
    ]
    assert all(amount.as_tuple().exponent == -2 for amount in amounts)
    document = statement.to_json()
    strings = [
        *(line[field] for line in document["lines"] for field in ("amount", "unit_amount")),
        *document["subtotals"].values(),
        *(document[field] for field in ("fees", "vat", "disbursements", "total")),
    ]
    assert all(text.count(".") == 1 and len(text.split(".")[1]) == 2 for text in strings)


@PROPERTY_SETTINGS
@given(cases(PricingMethod.BY_YEAR_PRORATA), st.integers(1, 7))
def test_prorata_whole_year_lies_between_the_rows_of_its_first_and_last_day(
    case: CaseFacts, k: int
) -> None:
    year = follow_up_year(case.follow_up_from, k)
    if case.closure_date is not None and case.closure_date < year.end:
        return
    statement = compute_statement(case, year.start, year.end, TARIFFS)
    (line,) = [line for line in statement.lines if line.article == "2.3"]
    n = follow_up_count(case.creditors, year.start, case.excludes_paid_off_creditors).n

    def forfait_on(day: date) -> Decimal:
        base = TARIFFS.in_force("2.3.base", day).amount
        return base + max(0, n - 5) * TARIFFS.in_force("2.3.extra", day).amount

    # A weighted average of the forfaits in force during the year (fees.md §5, prorata).
    assert forfait_on(year.start) <= line.amount <= forfait_on(year.last_day)
