"""Issue 12, what remained (docs/plan-rules.md, 3 and 6):

- the seven years run from the date the law sets for the plan's kind (the admissibility
  decision for an amicable plan, art. 1675/10 §5 al. 3 C.J.; the judgment for a judicial plan,
  art. 1675/12 §2, 1675/13 §2), never from the editable designation date, or from the start
  the court set by a reasoned decision, recorded with its reason and reference; the plan's
  checks, the ``seven_year_limit`` duty and the supervisor's count use it;
- the plan form takes any number of one-off rows, each checked with a message naming its row;
- asset sale proceeds dated inside the plan are its one-off sums (form and ``plan_preview``),
  those before its start are in the opening balance and not counted twice."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from assets.models import AssetDecision
from assets.services import asset_authorise, asset_sell
from cases.models import Case
from core.dates import add_years
from ledger.services import account_open
from plans import clocks, conversion, engine, selectors, services
from plans.models import OneOffKind, PlanOneOff, PlanState, PlanVersion
from plans.selectors import over_seven_years, seven_years_over
from plans.services import OneOffData, PlanData

from .factories import make_case
from .life_helpers import house, today
from .test_plan_rules_db import creditors  # noqa: F401 (fixture)

D = Decimal
ADMISSIBILITY = date(2022, 6, 15)  # the world's case


# --- the rule (pure) ----------------------------------------------------------------------------


def test_an_amicable_plan_counts_from_admissibility_whatever_its_start():
    begin = engine.seven_year_start(
        judicial=False, admissibility=ADMISSIBILITY, proposed_start=date(2023, 1, 1)
    )
    assert (begin.day, begin.source) == (ADMISSIBILITY, engine.SOURCE_ADMISSIBILITY)
    assert "1675/10 §5" in begin.explanation


def test_a_judicial_plan_counts_from_its_judgment_and_until_then_from_its_start():
    judged = engine.seven_year_start(
        judicial=True,
        admissibility=ADMISSIBILITY,
        decision_date=date(2023, 3, 20),
        proposed_start=date(2023, 1, 1),
    )
    assert (judged.day, judged.source) == (date(2023, 3, 20), engine.SOURCE_JUDGMENT)
    assert "1675/12" in judged.explanation
    pending = engine.seven_year_start(
        judicial=True, admissibility=ADMISSIBILITY, proposed_start=date(2022, 1, 1)
    )
    # never before admissibility
    assert (pending.day, pending.source) == (ADMISSIBILITY, engine.SOURCE_PROPOSED_START)


def test_the_start_the_court_set_wins_only_with_its_reason():
    common = {"judicial": True, "admissibility": ADMISSIBILITY, "decision_date": date(2023, 3, 20)}
    court = engine.seven_year_start(
        **common,
        court_day=ADMISSIBILITY,
        court_reason="Retard de fixation non imputable au requérant",
        court_reference="Rép. 2023/120",
    )
    assert (court.day, court.source, court.reference) == (
        ADMISSIBILITY,
        engine.SOURCE_COURT,
        "Rép. 2023/120",
    )
    unreasoned = engine.seven_year_start(**common, court_day=ADMISSIBILITY, court_reason=" ")
    assert unreasoned.source == engine.SOURCE_JUDGMENT


def test_the_refusal_names_the_legal_start_and_its_source():
    begin = engine.seven_year_start(judicial=False, admissibility=ADMISSIBILITY)
    limit = engine.DurationLimit(designation=begin.day, max_years=7, start=begin)
    errors = engine.duration_errors(
        limit=limit,
        admissibility=ADMISSIBILITY,
        start=date(2022, 9, 1),
        duration_months=82,
        exception_granted=False,
        exception_reason="",
    )
    message = errors["duration_months"][0]
    assert "15/06/2022" in message and "décision d'admissibilité" in message
    assert "81 mois" in message


# --- with the database ----------------------------------------------------------------------


def plan_data(**kw) -> PlanData:
    values = {
        "kind": "amicable",
        "start_date": date(2022, 9, 1),
        "duration_months": 12,
        "monthly_available": D("100.00"),
        "legal_basis": "amicable",
    }
    values.update(kw)
    return PlanData(**values)


def test_the_designation_date_no_longer_moves_the_limit(world, creditors):  # noqa: F811
    # designated a year after admissibility: the amicable plan still ends 7 years after the
    # admissibility decision (15/06/2029); 01/09/2022 + 82 months = 01/07/2029 is refused
    Case.objects.filter(pk=world.case.pk).update(mediator_designation_date=date(2023, 6, 15))
    world.case.refresh_from_db()
    checked = services.check_plan(case=world.case, data=plan_data(duration_months=82))
    assert "duration_months" in checked.errors
    assert "15/06/2022" in checked.errors["duration_months"][0]
    assert not services.check_plan(case=world.case, data=plan_data(duration_months=81)).errors


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"court_count_from": date(2022, 9, 1)}, "court_count_reason"),
        ({"court_count_reason": "Motif", "court_count_reference": "Rép. 1"}, "court_count_from"),
        ({"court_count_from": date(2022, 1, 1), "court_count_reason": "Motif"}, "court_count_from"),
    ],
)
def test_a_court_start_without_reason_or_before_admissibility_is_refused(
    world,
    creditors,  # noqa: F811
    changes,
    field,
):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(case=world.case, data=plan_data(**changes), by=world.mediator)
    assert field in exc.value.message_dict
    assert not PlanVersion.objects.exists()


def test_a_court_start_is_recorded_and_counts(world, creditors):  # noqa: F811
    # the court set the start on 01/09/2022: 84 months from then are allowed
    version = services.plan_create(
        case=world.case,
        data=plan_data(
            duration_months=84,
            court_count_from=date(2022, 9, 1),
            court_count_reason="Phase amiable prolongée à la demande du tribunal",
            court_count_reference="Rép. 2022/77",
        ),
        by=world.mediator,
    )
    version.refresh_from_db()
    assert version.court_count_reference == "Rép. 2022/77"
    limit = selectors.version_limit(version)
    assert limit.designation == date(2022, 9, 1) and limit.start.source == engine.SOURCE_COURT
    assert limit.latest_end == date(2029, 9, 1)


def approve(version, on: date) -> None:
    PlanVersion.objects.filter(pk=version.pk).update(state=PlanState.APPROVED, decision_date=on)


def test_the_duty_counts_from_the_judgment_or_the_courts_start(world, creditors):  # noqa: F811
    case = world.case
    # the amicable phase: admissibility
    assert clocks.seven_year_limit(case) == date(2029, 6, 15)
    version = services.plan_create(
        case=case,
        data=plan_data(
            kind="judicial", legal_basis="judicial_1675_13", start_date=date(2023, 4, 1)
        ),
        by=world.mediator,
    )
    approve(version, date(2023, 3, 20))
    begin = selectors.case_seven_year_start(case)
    assert (begin.day, begin.source) == (date(2023, 3, 20), engine.SOURCE_JUDGMENT)
    assert clocks.seven_year_limit(case) == date(2030, 3, 20)
    [spec] = clocks.produce_seven_years(case, date(2030, 3, 1), date(2030, 4, 1))
    assert spec.due_date == date(2030, 3, 20) and spec.data["source"] == "judgment"
    # the judgment made the plan start back at admissibility: recorded, it counts
    PlanVersion.objects.filter(pk=version.pk).update(
        court_count_from=ADMISSIBILITY, court_count_reason="Prise de cours rétroactive"
    )
    assert clocks.seven_year_limit(case) == date(2029, 6, 15)


def test_a_duty_whose_limit_moved_is_settled_on_the_decision(world, creditors):  # noqa: F811
    case = world.case
    agenda_duty = case.duties.create(
        kind=clocks.SEVEN_YEAR_LIMIT,
        due_date=date(2029, 6, 15),
        deadline=date(2029, 6, 15),
        data={"from": "2022-06-15"},
    )
    assert clocks.settled_seven_years([agenda_duty]) == {}
    version = services.plan_create(
        case=case,
        data=plan_data(
            kind="judicial", legal_basis="judicial_1675_13", start_date=date(2023, 4, 1)
        ),
        by=world.mediator,
    )
    approve(version, date(2023, 3, 20))
    assert clocks.settled_seven_years([agenda_duty]) == {agenda_duty.pk: date(2023, 3, 20)}


def test_the_supervisors_count_ignores_the_designation_date(world):
    on = date(2026, 2, 1)
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="OLD-2019",
        admissibility_date=date(2019, 1, 10),
        mediator_designation_date=date(2020, 6, 1),
    )
    assert seven_years_over(case, on)
    assert over_seven_years(Case.objects.all(), on).filter(pk=case.pk).exists()
    assert add_years(date(2019, 1, 10), 7) == date(2026, 1, 10)
    assert not seven_years_over(case, date(2026, 1, 9))
    assert not over_seven_years(Case.objects.all(), date(2026, 1, 9)).filter(pk=case.pk).exists()
    # a judicial plan counts from its judgment (the decision of that status)
    Case.objects.filter(pk=case.pk).update(
        status="judicial_plan", homologation_date=date(2020, 3, 1)
    )
    case.refresh_from_db()
    assert not seven_years_over(case, on)
    assert not over_seven_years(Case.objects.all(), on).filter(pk=case.pk).exists()


# --- the plan form: any number of one-off rows ---------------------------------------------------

FORM = {
    "kind": "amicable",
    "legal_basis": "amicable",
    "start_date": "01/09/2022",
    "duration_months": "12",
    "frequency_months": "1",
    "monthly_available": "100,00",
    "fee_provision": "0,00",
    "allowance": "monthly",
    "action": "save",
}


def one_off_rows(*rows) -> dict:
    values = {"one_off_count": str(len(rows))}
    for n, (day, amount, label) in enumerate(rows, start=1):
        values.update(
            {
                f"one_off_{n}_kind": "other",
                f"one_off_{n}_date": day,
                f"one_off_{n}_amount": amount,
                f"one_off_{n}_label": label,
            }
        )
    return values


def test_the_form_shows_the_legal_start_with_its_source(client, world, creditors):  # noqa: F811
    client.force_login(world.mediator)
    body = client.get(reverse("plans:plan_create", args=[world.case.pk])).content.decode()
    assert 'id="seven-years"' in body
    assert "15/06/2022" in body and "décision d&#x27;admissibilité" in body


def test_five_one_off_rows_are_saved(client, world, creditors):  # noqa: F811
    client.force_login(world.mediator)
    rows = [(f"0{n}/10/2022", f"{n}0,00", f"Rentrée {n}") for n in range(1, 6)]
    response = client.post(
        reverse("plans:plan_create", args=[world.case.pk]), {**FORM, **one_off_rows(*rows)}
    )
    assert response.status_code == 302
    saved = list(PlanOneOff.objects.order_by("received_on").values_list("amount", "label"))
    assert saved == [(D(f"{n}0.00"), f"Rentrée {n}") for n in range(1, 6)]


@pytest.mark.parametrize(
    "row,field,words",
    [
        (("01/10/2023", "50,00", "Héritage"), "one_off_4_date", "hors du plan"),
        (("01/10/2022", "-5,00", "Erreur"), "one_off_4_amount", "positif"),
        (("01/10/2022", "0,00", "Rien"), "one_off_4_amount", "positif"),
        (("", "50,00", "Sans date"), "one_off_4_date", "date"),
        (("01/10/2022", "", "Sans montant"), "one_off_4_amount", "montant"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_saved(client, world, creditors, row, field, words):  # noqa: F811
    client.force_login(world.mediator)
    rows = [("01/10/2022", "10,00", "a"), ("", "", ""), ("01/11/2022", "20,00", "b"), row]
    response = client.post(
        reverse("plans:plan_create", args=[world.case.pk]), {**FORM, **one_off_rows(*rows)}
    )
    assert response.status_code == 200
    message = response.context["form"].errors[field][0]
    assert "n° 4" in message and words in message
    assert not PlanVersion.objects.exists() and not PlanOneOff.objects.exists()


def test_add_a_row_saves_and_checks_nothing(client, world, creditors):  # noqa: F811
    client.force_login(world.mediator)
    posted = {**FORM, "monthly_available": "", **one_off_rows(("01/10/2022", "10,00", "a"))}
    posted["action"] = "add_one_off"
    response = client.post(reverse("plans:plan_create", args=[world.case.pk]), posted)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.one_off_rows == [1, 2] and not form.is_bound and not form.errors
    body = response.content.decode()
    assert 'name="one_off_2_date"' in body and 'value="10,00"' in body
    assert not PlanVersion.objects.exists()


# --- asset sale proceeds -------------------------------------------------------------------------


@pytest.fixture
def sold(world):
    """The house sold on 01/04/2023 for 9.000 € less 500 € of costs: 8.500 € in the account."""
    account_open(case=world.case, opened_on=date(2022, 6, 20))
    asset = asset_authorise(
        asset=house(world),
        decision=AssetDecision.SELL,
        decision_date=date(2023, 3, 1),
        decision_reference="Rép. 2023/55",
        by=world.mediator,
        today=today(),
    )
    return asset_sell(
        asset=asset,
        sale_date=date(2023, 4, 1),
        sale_price=D("9000.00"),
        sale_costs=D("500.00"),
        by=world.mediator,
        today=today(),
    )


def test_sales_inside_the_plan_are_one_offs_and_earlier_ones_are_not(world, sold):
    assert [s.amount for s in selectors.sale_one_offs(world.case, date(2023, 1, 1))] == [
        D("8500.00")
    ]
    assert selectors.sale_one_offs(world.case, date(2023, 5, 1)) == []
    assert selectors.sale_one_offs(world.case, date(2022, 1, 1), date(2023, 4, 1)) == []
    assert [s.amount for s in selectors.sales_in_opening_balance(world.case, date(2023, 5, 1))] == [
        D("8500.00")
    ]


def test_the_form_offers_the_sale_proceeds(client, world, creditors, sold):  # noqa: F811
    client.force_login(world.mediator)
    url = reverse("plans:plan_create", args=[world.case.pk])
    posted = {**FORM, "start_date": "01/01/2023", **one_off_rows(("", "", ""))}
    posted["action"] = "sale_proceeds"
    response = client.post(url, posted)
    form = response.context["form"]
    assert form.initial["one_off_1_kind"] == OneOffKind.ASSET_SALE
    assert (form.initial["one_off_1_date"], form.initial["one_off_1_amount"]) == (
        "01/04/2023",
        "8500,00",
    )
    assert "Rép. 2023/55" in form.initial["one_off_1_label"]
    # a second click does not add it twice
    again = client.post(url, {**form.initial, "action": "sale_proceeds"})
    assert again.context["form"].one_off_rows == [1]
    # a plan starting after the sale: the proceeds are in the opening balance, listed as such
    later = client.post(url, {**FORM, "start_date": "01/05/2023", "action": "sale_proceeds"})
    assert later.context["form"].initial.get("one_off_1_date") in (None, "")
    assert 'id="sales-before-start"' in later.content.decode()
    # saved as the plan's one-off sum
    saved = client.post(url, {**form.initial, "action": "save"})
    assert saved.status_code == 302
    one_off = PlanOneOff.objects.get()
    assert (one_off.kind, one_off.amount, one_off.received_on) == (
        OneOffKind.ASSET_SALE,
        D("8500.00"),
        date(2023, 4, 1),
    )


def preview(world, start: str) -> dict:
    out = StringIO()
    call_command(
        "plan_preview",
        world.case.reference,
        "--monthly",
        "100.00",
        "--months",
        "12",
        "--start",
        start,
        "--basis",
        "amicable",
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_plan_preview_includes_the_sales_dated_inside_the_plan(world, creditors, sold):  # noqa: F811
    inside = preview(world, "2023-01-01")
    # 12 × 100 € and the 8.500 € sale: the 5.000 € of claims are paid in full
    assert D(inside["distributed"]) == D("5000.00")
    after = preview(world, "2023-05-01")  # the sale is in the opening balance, not a one-off
    assert D(after["distributed"]) + D(after["fees_reserved"]) == D("1200.00")


def test_conversion_keeps_the_one_offs_and_not_the_amicable_court_start(world, creditors):  # noqa: F811
    services.plan_create(
        case=world.case,
        data=plan_data(
            one_offs=[OneOffData(received_on=date(2022, 10, 1), amount=D("50.00"), label="x")],
            court_count_from=date(2022, 9, 1),
            court_count_reason="Phase amiable prolongée",
        ),
        by=world.mediator,
    )
    new = conversion.plan_convert_to_judicial(
        case=world.case, reason="Procès-verbal de carence", by=world.mediator
    )
    assert list(new.one_offs.values_list("amount", "label")) == [(D("50.00"), "x")]
    assert new.court_count_from is None and new.court_count_reason == ""


def test_the_version_page_and_pdf_show_the_start_its_source_and_the_courts_reason(
    client,
    world,
    creditors,  # noqa: F811
):
    version = services.plan_create(
        case=world.case,
        data=plan_data(
            court_count_from=date(2022, 9, 1),
            court_count_reason="Phase amiable prolongée",
            court_count_reference="Rép. 2022/77",
        ),
        by=world.mediator,
    )
    client.force_login(world.mediator)
    body = client.get(
        reverse("plans:version_detail", args=[world.case.pk, version.number])
    ).content.decode()
    assert 'id="seven-years"' in body
    assert "01/09/2022" in body and "01/09/2029" in body
    assert "Phase amiable prolongée" in body and "Rép. 2022/77" in body
    pdf = client.get(reverse("plans:proposal_pdf", args=[world.case.pk, version.number]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
