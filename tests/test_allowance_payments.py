"""The living allowance's schedule drives the mediation account's planned payments (issue 6):
each due date of a month is paid by the schedule in force on that date (monthly, twice a month,
standing order), prepared once (the database refuses a second live payment of an installment;
a withdrawn one may be prepared again), all or nothing (overdraft), from the case's page, the
management command and the Celery task."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from banking import selectors, services
from banking.forms import BatchApproveForm
from banking.models import Payment, PaymentStatus
from banking.services import (
    NOTHING_TO_PREPARE,
    PaymentData,
    allowance_payments_prepare,
    allowance_payments_prepare_all,
    batch_execute,
    payment_cancel,
    payment_prepare,
    run_month,
)
from banking.tasks import prepare_allowance_payments
from budget.selectors import allowance_installments
from budget.services import (
    AllowanceData,
    BudgetData,
    ChargeData,
    IncomeData,
    allowance_decide,
    budget_version_create,
)
from ledger.services import EntryData, entry_post

from .test_banking_support import APPLICANT_IBAN, TODAY, approve, open_account

D = Decimal
REF = "NAM-2022-0042"  # world.case


def budget(case, by, on=date(2026, 1, 1)):
    """A single person earning 2.000,00; rent 650,00 paid by the mediator from the account."""
    return budget_version_create(
        case=case,
        data=BudgetData(
            date=on,
            ris_category="single",
            incomes=[IncomeData(kind="earned", amount=D("2000.00"), label="Salaire")],
            charges=[
                ChargeData(kind="rent", amount=D("650.00"), label="Loyer", paid_from_account=True),
                ChargeData(kind="energy", amount=D("120.00"), label="Électricité"),
            ],
        ),
        by=by,
    )


def decide(version, by, amount="1700.00", **fields):
    """1.700,00 of allowance: 1.050,00 paid to the applicant (the rent is paid for them)."""
    return allowance_decide(
        version=version, data=AllowanceData(amount=D(amount), **fields), by=by, today=TODAY
    )


def paid_allowance_in_journal(world, day=date(2026, 2, 28), amount="900.00"):
    """An allowance already paid from the account (before this feature): its account is the
    applicant's."""
    return entry_post(
        case=world.case,
        data=EntryData(
            value_date=day,
            direction="out",
            amount=D(amount),
            category="living_allowance",
            counterparty="DUBOIS Marie",
            counterparty_iban=APPLICANT_IBAN,
            communication="Pécule de médiation 02/2026",
        ),
        by=world.mediator,
        today=TODAY,
    )


@pytest.fixture
def account(world):
    """The case's account: 3.000,00 received, 900,00 of allowance paid to the applicant."""
    account = open_account(world.case, balance="3000.00", by=world.mediator)
    paid_allowance_in_journal(world)
    account.refresh_from_db()
    return account


def prepare_month(world, year=2026, month=4, **kw):
    return allowance_payments_prepare(
        case=world.case, year=year, month=month, by=world.mediator, **kw
    )


def rows(planned):
    return [(p.due_on, p.amount, p.standing_order, p.version_number, p.status) for p in planned]


# The schedule of a month ----------------------------------------------------------------------


def test_monthly_allowance_prepared_once_with_its_due_date(world, account):
    decision = decide(budget(world.case, world.mediator), world.mediator, day_of_month=5)
    planned = selectors.planned_allowance_payments(world.case, 2026, 4)
    assert rows(planned) == [(date(2026, 4, 5), D("1050.00"), False, 1, "to_prepare")]

    [payment] = prepare_month(world)
    assert payment.status == PaymentStatus.PENDING
    assert (payment.due_on, payment.amount, payment.allowance_decision) == (
        date(2026, 4, 5),
        D("1050.00"),
        decision,
    )
    assert payment.category == "living_allowance" and not payment.standing_order
    # the account of the allowance paid before, from the journal
    assert (payment.beneficiary_name, payment.beneficiary_iban) == ("DUBOIS Marie", APPLICANT_IBAN)
    assert payment.beneficiary_bic  # deduced from the Belgian IBAN
    assert payment.communication == f"Pécule de médiation 04/2026 {REF}"
    [row] = selectors.planned_allowance_payments(world.case, 2026, 4)
    assert row.payment == payment and row.status == "pending" and row.status_label == "Préparé"
    assert not row.differs


def test_twice_monthly_two_installments_the_31st_moves_to_the_month_end(world, account):
    decide(
        budget(world.case, world.mediator),
        world.mediator,
        "1701.01",
        frequency="twice_monthly",
        day_of_month=15,
        second_day_of_month=31,
    )
    planned = selectors.planned_allowance_payments(world.case, 2026, 4)
    assert rows(planned) == [
        (date(2026, 4, 15), D("525.51"), False, 1, "to_prepare"),
        (date(2026, 4, 30), D("525.50"), False, 1, "to_prepare"),
    ]
    assert sum(p.amount for p in planned) == D("1051.01")  # paid_to_applicant, to the cent

    first, second = prepare_month(world)
    assert (first.due_on, first.amount) == (date(2026, 4, 15), D("525.51"))
    assert (second.due_on, second.amount) == (date(2026, 4, 30), D("525.50"))
    assert first.communication == f"Pécule de médiation 04/2026 (1/2) {REF}"
    assert second.communication == f"Pécule de médiation 04/2026 (2/2) {REF}"


def test_two_days_past_the_end_of_a_short_month_are_paid_together(world, account):
    decide(
        budget(world.case, world.mediator),
        world.mediator,
        frequency="twice_monthly",
        day_of_month=30,
        second_day_of_month=31,
    )
    planned = selectors.planned_allowance_payments(world.case, 2026, 2)
    assert rows(planned) == [(date(2026, 2, 28), D("1050.00"), False, 1, "to_prepare")]
    assert len(selectors.planned_allowance_payments(world.case, 2026, 3)) == 2


def test_standing_order_one_payment_a_month_flagged_and_out_of_the_file(world, account):
    decide(
        budget(world.case, world.mediator),
        world.mediator,
        frequency="standing_order",
        day_of_month=3,
    )
    [row] = selectors.planned_allowance_payments(world.case, 2026, 3)
    assert row.standing_order and row.due_on == date(2026, 3, 3)
    [payment] = prepare_month(world, month=3)
    assert payment.standing_order and not payment.in_file
    batch = approve(world, execution_date=date(2026, 3, 3))
    assert not batch.has_file  # the bank executes it itself: no pain.001 line
    [entry] = batch_execute(batch=batch, by=world.mediator, today=TODAY)
    assert entry.standing_order and entry.category == "living_allowance"
    [row] = selectors.planned_allowance_payments(world.case, 2026, 3)
    assert row.status == "posted" and row.status_label == "Comptabilisé"


def test_a_budget_starting_mid_month_takes_over_the_next_month(world, account):
    """One schedule pays a month: the one in force on its 1st; the new budget's allowance
    (twice a month) starts the month after, never twice in April."""
    decide(budget(world.case, world.mediator), world.mediator, day_of_month=5)
    second = budget(world.case, world.mediator, on=date(2026, 4, 10))
    decide(
        second,
        world.mediator,
        "1800.00",
        frequency="twice_monthly",
        day_of_month=1,
        second_day_of_month=20,
    )
    assert rows(selectors.planned_allowance_payments(world.case, 2026, 4)) == [
        (date(2026, 4, 5), D("1050.00"), False, 1, "to_prepare")
    ]
    assert rows(selectors.planned_allowance_payments(world.case, 2026, 5)) == [
        (date(2026, 5, 1), D("575.00"), False, 2, "to_prepare"),
        (date(2026, 5, 20), D("575.00"), False, 2, "to_prepare"),
    ]
    [old] = prepare_month(world)
    assert old.allowance_decision.version.number == 1
    assert [
        p.allowance_decision.version.number for p in Payment.objects.filter(case=world.case)
    ] == [1]


def test_a_budget_change_never_leaves_a_month_without_allowance(world, account):
    """The old schedule pays on the 25th, the new budget (from the 10th) on the 1st: April is
    still paid, on the 25th, by the old one; May by the new one."""
    decide(budget(world.case, world.mediator), world.mediator, day_of_month=25)
    decide(budget(world.case, world.mediator, on=date(2026, 4, 10)), world.mediator)
    assert [
        (i.due_on, i.schedule.version_number) for i in allowance_installments(world.case, 2026, 4)
    ] == [(date(2026, 4, 25), 1)]
    assert [
        (i.due_on, i.schedule.version_number) for i in allowance_installments(world.case, 2026, 5)
    ] == [(date(2026, 5, 1), 2)]


def test_nothing_before_the_first_budget_nor_after_the_closure(world, account):
    decide(budget(world.case, world.mediator, on=date(2026, 4, 10)), world.mediator)
    assert selectors.planned_allowance_payments(world.case, 2026, 4) == []
    assert len(selectors.planned_allowance_payments(world.case, 2026, 5)) == 1
    world.case.closure_date = date(2026, 4, 30)
    assert selectors.planned_allowance_payments(world.case, 2026, 5) == []


# Idempotence, withdrawal, the database's guard ----------------------------------------------


def test_a_second_call_prepares_nothing(world, account):
    decide(budget(world.case, world.mediator), world.mediator, day_of_month=5)
    prepare_month(world)
    with pytest.raises(ValidationError, match="déjà préparés : rien à préparer") as exc:
        prepare_month(world)
    assert exc.value.code == NOTHING_TO_PREPARE
    assert Payment.objects.filter(case=world.case).count() == 1


def test_a_withdrawn_installment_is_prepared_again(world, account):
    decide(budget(world.case, world.mediator), world.mediator, day_of_month=5)
    [first] = prepare_month(world)
    payment_cancel(payment=first)
    [row] = selectors.planned_allowance_payments(world.case, 2026, 4)
    assert row.to_prepare and row.status == "cancelled" and row.status_label == "Annulé"
    # the monthly run leaves alone what the mediator withdrew…
    with pytest.raises(ValidationError) as exc:
        prepare_month(world, redo_cancelled=False)
    assert exc.value.code == NOTHING_TO_PREPARE
    # …the button prepares it again
    [again] = prepare_month(world)
    assert again.pk != first.pk and again.due_on == first.due_on
    [row] = selectors.planned_allowance_payments(world.case, 2026, 4)
    assert row.payment == again and row.status == "pending"


def test_the_database_refuses_a_second_live_payment_of_an_installment(world, account):
    decision = decide(budget(world.case, world.mediator), world.mediator, day_of_month=5)
    [payment] = prepare_month(world)
    fields = {
        "case": world.case,
        "category": "living_allowance",
        "amount": D("1.00"),
        "beneficiary_name": "DUBOIS Marie",
        "beneficiary_iban": APPLICANT_IBAN,
        "due_on": payment.due_on,
        "allowance_decision": decision,
        "created_by": world.mediator,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(**fields)
    # a cancelled payment does not block it, nor does a payment prepared by hand
    Payment.objects.create(**fields, status=PaymentStatus.CANCELLED)
    Payment.objects.create(**{**fields, "allowance_decision": None, "due_on": None})
    # an installment without its due date is refused too
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(**{**fields, "due_on": None})
    # through the service (a concurrent request): a clear refusal
    data = PaymentData(
        category="living_allowance",
        amount=D("10.00"),
        beneficiary_iban=APPLICANT_IBAN,
        due_on=payment.due_on,
        allowance_decision=decision,
    )
    with pytest.raises(ValidationError, match="du 05/04/2026 est déjà préparée"):
        payment_prepare(case=world.case, data=data, by=world.mediator)


def test_an_installment_of_another_case_s_decision_is_refused(world, account):
    decision = decide(budget(world.case, world.mediator), world.mediator)
    other_version = budget(world.other_case, world.other_mediator)
    other = decide(other_version, world.other_mediator)
    data = PaymentData(
        category="living_allowance",
        amount=D("10.00"),
        beneficiary_iban=APPLICANT_IBAN,
        due_on=date(2026, 4, 1),
        allowance_decision=other,
    )
    with pytest.raises(ValidationError) as exc:
        payment_prepare(case=world.case, data=data, by=world.mediator)
    assert "allowance_decision" in exc.value.message_dict
    undated = PaymentData(**{**data.__dict__, "allowance_decision": decision, "due_on": None})
    with pytest.raises(ValidationError):
        payment_prepare(case=world.case, data=undated, by=world.mediator)


# Refusals: all or nothing ---------------------------------------------------------------------


def test_overdraft_refuses_the_whole_month_and_saves_nothing(world):
    open_account(world.case, balance="1000.00", by=world.mediator)
    paid_allowance_in_journal(world, amount="100.00")  # 900,00 left
    decide(
        budget(world.case, world.mediator),
        world.mediator,
        frequency="twice_monthly",
        day_of_month=1,
        second_day_of_month=15,
    )  # 525,00 + 525,00: the first would fit, not both
    with pytest.raises(ValidationError, match="mettraient le compte en négatif") as exc:
        prepare_month(world)
    assert "disponible 900,00" in exc.value.messages[0]
    assert "Aucun paiement n'a été préparé" in exc.value.messages[0]
    assert not Payment.objects.filter(case=world.case).exists()


def test_a_refusal_on_a_later_installment_rolls_back_the_earlier_ones(world, account, monkeypatch):
    decide(
        budget(world.case, world.mediator),
        world.mediator,
        frequency="twice_monthly",
        day_of_month=1,
        second_day_of_month=15,
    )
    real = services.payment_prepare
    calls = []

    def second_refused(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise ValidationError("refusé")
        return real(**kwargs)

    monkeypatch.setattr(services.payments, "payment_prepare", second_refused)
    with pytest.raises(ValidationError, match="refusé"):
        prepare_month(world)
    assert len(calls) == 2
    assert not Payment.objects.filter(case=world.case).exists()


def test_no_allowance_fixed_points_to_the_budget_tab(world, account):
    budget(world.case, world.mediator)  # a budget, no allowance yet
    with pytest.raises(ValidationError, match="onglet « Budget et pécule »") as exc:
        prepare_month(world)
    assert exc.value.code != NOTHING_TO_PREPARE


def test_no_known_account_for_the_applicant_asks_for_a_first_payment_by_hand(world):
    open_account(world.case, balance="3000.00", by=world.mediator)
    decide(budget(world.case, world.mediator), world.mediator)
    with pytest.raises(ValidationError, match="premier paiement du pécule à la main"):
        prepare_month(world)
    # once the first allowance is prepared by hand, the schedule follows it
    payment_prepare(
        case=world.case,
        data=PaymentData(
            category="living_allowance",
            amount=D("100.00"),
            beneficiary_name="DUBOIS M.",
            beneficiary_iban="BE48 0011 2345 6727",
        ),
        by=world.mediator,
    )
    [payment] = prepare_month(world)
    assert (payment.beneficiary_name, payment.beneficiary_iban) == (
        "DUBOIS M.",
        "BE48001123456727",
    )


def test_no_account_opened(world):
    decide(budget(world.case, world.mediator), world.mediator)
    with pytest.raises(ValidationError, match="Aucun compte de médiation"):
        prepare_month(world)


# The page and its button ---------------------------------------------------------------------


def _this_month():
    today = timezone.localdate()
    return today.year, today.month


def test_the_card_and_the_button_on_the_payments_page(client, world, account):
    decide(budget(world.case, world.mediator, on=date(2025, 3, 1)), world.mediator, day_of_month=1)
    year, month = _this_month()
    client.force_login(world.mediator)
    page = reverse("banking:case_payments", args=[world.case.pk])
    response = client.get(page)
    html = response.content.decode()
    assert "Pécule de médiation prévu" in html
    assert f"01/{month:02d}/{year}" in html and "1.050,00" in html
    assert "À préparer" in html and "Préparer les paiements du pécule de" in html

    url = reverse("banking:allowance_prepare", args=[world.case.pk, year, month])
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == page
    assert "1 paiement(s) du pécule préparé(s)" in response.content.decode()
    payment = Payment.objects.get(case=world.case, due_on=date(year, month, 1))
    assert payment.created_by == world.mediator
    # a second click: a clear message, nothing more
    response = client.post(url, follow=True)
    assert "déjà préparés" in response.content.decode()
    assert Payment.objects.filter(case=world.case).count() == 1
    html = client.get(page).content.decode()
    assert "Préparé" in html and f"01/{month:02d}/{year}" in html  # the due date in the table


def test_the_button_refusals_and_access(client, world, account):
    year, month = _this_month()
    url = reverse("banking:allowance_prepare", args=[world.case.pk, year, month])
    client.force_login(world.mediator)
    response = client.post(url, follow=True)
    assert "onglet « Budget et pécule »" in response.content.decode()
    far = reverse("banking:allowance_prepare", args=[world.case.pk, year + 2, month])
    assert client.post(far).status_code == 404
    assert client.get(url).status_code == 405
    for user, status in [
        (world.supervisor, 403),
        (world.clerk, 403),
        (world.colleague, 403),
        (world.other_mediator, 404),
    ]:
        client.force_login(user)
        assert client.post(url).status_code == status, user.username
    other = reverse("banking:allowance_prepare", args=[world.other_case.pk, year, month])
    client.force_login(world.mediator)
    assert client.post(other).status_code == 404
    assert not Payment.objects.filter(due_on__isnull=False).exists()


def test_readers_see_the_card_without_the_button(client, world, account):
    decide(budget(world.case, world.mediator, on=date(2025, 3, 1)), world.mediator)
    client.force_login(world.supervisor)
    html = client.get(reverse("banking:case_payments", args=[world.case.pk])).content.decode()
    assert "Pécule de médiation prévu" in html
    assert "Préparer les paiements du pécule" not in html


def test_the_card_without_an_allowance(client, world, account):
    client.force_login(world.mediator)
    html = client.get(reverse("banking:case_payments", args=[world.case.pk])).content.decode()
    assert "Aucun pécule de médiation n'est fixé" in html


def test_the_batch_defaults_to_the_earliest_due_date_to_come(world, account):
    today = timezone.localdate()
    decide(budget(world.case, world.mediator, on=date(2025, 3, 1)), world.mediator, day_of_month=28)
    year, month = selectors.next_month(today.year, today.month)
    prepare_month(world, year=year, month=month)
    form = BatchApproveForm(case=world.case)
    assert form.fields["execution_date"].initial == date(year, month, 28)


def test_the_batch_defaults_to_today_when_an_installment_is_due(world, account):
    today = timezone.localdate()
    decide(budget(world.case, world.mediator, on=date(2025, 3, 1)), world.mediator, day_of_month=1)
    prepare_month(world, year=today.year, month=today.month)
    assert BatchApproveForm(case=world.case).fields["execution_date"].initial == today


def test_journal_payments_outside_the_schedule_are_pointed_out(world, account):
    decide(budget(world.case, world.mediator), world.mediator, day_of_month=1)
    [march] = selectors.allowance_months(world.case, date(2026, 2, 10))[1:]
    assert march.outside_schedule == 0
    paid_allowance_in_journal(world, day=date(2026, 3, 1), amount="50.00")
    [february, march] = selectors.allowance_months(world.case, date(2026, 2, 10))
    assert (february.outside_schedule, march.outside_schedule) == (1, 1)
    # an installment posted from its scheduled payment is not "outside"
    prepare_month(world, month=3)
    batch_execute(
        batch=approve(world, execution_date=date(2026, 3, 2)), by=world.mediator, today=TODAY
    )
    [_february, march] = selectors.allowance_months(world.case, date(2026, 2, 10))
    assert march.outside_schedule == 1
    assert march.installments[0].status == "posted"


# The monthly run: command and task ------------------------------------------------------------


def test_the_management_command(world, account, capsys):
    decide(budget(world.case, world.mediator), world.mediator, day_of_month=5)
    # a second running case whose applicant's account is unknown: reported, not fatal
    open_account(
        world.other_case, iban="BE15001765432130", balance="3000.00", by=world.other_mediator
    )
    decide(budget(world.other_case, world.other_mediator), world.other_mediator)
    call_command("prepare_allowance_payments", "--month", "2026-04")
    out, err = capsys.readouterr()
    assert f"{REF} : 1 paiement(s) préparé(s), 1.050,00" in out
    assert "LIE-2021-0001 : refusé — Le compte du requérant n'est pas connu" in err
    assert "1 paiement(s) préparé(s) dans 1 dossier(s) ; 0 déjà à jour ; 1 refusé(s) sur 2" in out
    payment = Payment.objects.get(case=world.case)
    assert payment.created_by == world.mediator  # in the name of the designated mediator
    call_command("prepare_allowance_payments", "--month", "2026-04")
    out, _err = capsys.readouterr()
    assert "0 paiement(s) préparé(s) dans 0 dossier(s) ; 1 déjà à jour" in out
    assert Payment.objects.filter(case=world.case).count() == 1
    with pytest.raises(CommandError, match="AAAA-MM"):
        call_command("prepare_allowance_payments", "--month", "04/2026")


def test_the_run_skips_closed_cases_and_cases_without_allowance(world, account):
    decide(budget(world.case, world.mediator), world.mediator)
    run = allowance_payments_prepare_all(year=2026, month=4)
    assert list(run.prepared) == [REF]  # world.other_case has no allowance
    world.case.status = "closed"
    world.case.save(update_fields=["status"])
    assert allowance_payments_prepare_all(year=2026, month=5).summary["cases"] == 0


def test_the_celery_task_and_its_beat_schedule(world, account):
    decide(budget(world.case, world.mediator), world.mediator)
    summary = prepare_allowance_payments.delay("2026-04").get()
    assert summary == {"cases": 1, "prepared_cases": 1, "payments": 1, "up_to_date": 0, "failed": 0}
    entry = settings.CELERY_BEAT_SCHEDULE["prepare-allowance-payments"]
    assert entry["task"] == prepare_allowance_payments.name


def test_the_default_month_is_the_next_one():
    assert run_month("", today=date(2026, 12, 20)) == (2027, 1)
    assert run_month("2026-04", today=date(2026, 12, 20)) == (2026, 4)
    with pytest.raises(ValueError):
        run_month("2026-13", today=date(2026, 12, 20))
