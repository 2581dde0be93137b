"""The life of a case that ends by revocation (issue 17), through the services as the mediator
uses them, on SQLite and PostgreSQL (``DATABASE_URL``): claims admitted, the amicable plan
homologated, income and dividends posted; the applicant stops paying and hides income, the
mediator files a request for revocation on its legal ground (art. 1675/15 §1 C.J.), the court
grants it: the case is revoked on the decision's date (the decision itself changes the status),
no request is filed any more, the case cannot be closed, and the journal then takes only the
final settlement entries, each with its reason."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case, StatusChange
from cases.status import CaseStatus
from closure import services as closure_services
from documents.selectors import filed_documents_for_clerk
from ledger.models import Account, Category, Direction, Entry
from ledger.services import EntryData, account_open, entry_post
from petitions.models import Decision, Petition, PetitionKind, RevocationGround
from petitions.services import petition_record_decision
from plans.services import plan_approve

from .life_helpers import admitted_claims, amicable_plan, filed, today

D = Decimal


def post(case, day, amount, category, direction=Direction.OUT, reason="", **kw):
    return entry_post(
        case=case,
        data=EntryData(
            value_date=day,
            direction=direction,
            amount=D(amount),
            category=category,
            settlement_reason=reason,
            **kw,
        ),
        by=case.mediator,
        today=max(day, today()),
    )


def test_revocation_on_request_then_only_settlement_entries(world):
    case, mediator = world.case, world.mediator
    creditors = admitted_claims(world)
    plan = amicable_plan(world)
    plan_approve(
        version=plan,
        decision_date=date(2022, 8, 20),
        decision_reference="Rép. 2022/501",
        by=mediator,
        today=date(2022, 8, 25),
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.AMICABLE_PLAN
    account_open(case=case, opened_on=date(2022, 6, 20))
    post(case, date(2022, 9, 1), "1500.00", Category.INCOME, Direction.IN)
    for day in (date(2022, 9, 25), date(2022, 10, 25)):
        for name, amount in (("Banque A", "180.00"), ("Énergie B", "120.00")):
            post(case, day, amount, Category.DIVIDEND, creditor_id=creditors[name].pk)
    assert Account.objects.get(case=case).balance == D("900.00")

    # The request for revocation, on its legal ground, filed with the court.
    petition = filed(
        case,
        PetitionKind.REVOCATION,
        {
            "ground": RevocationGround.OBLIGATIONS_BREACHED,
            "facts": "Plus aucun versement depuis novembre 2022 ; salaire perçu en mains propres.",
        },
    )
    assert petition.filed_document in filed_documents_for_clerk(world.clerk)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.AMICABLE_PLAN  # filed, not decided

    # The court grants it: the decision revokes the case, on its date.
    decision_day = today()
    petition_record_decision(
        petition=petition,
        decision=Decision.GRANTED,
        decision_date=decision_day,
        decision_reference="Rép. 2026/321",
        by=mediator,
        today=decision_day,
    )
    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.closure_date) == (CaseStatus.REVOKED, decision_day)
    history = list(
        StatusChange.objects.filter(case=case)
        .order_by("decision_date", "id")
        .values_list("from_status", "to_status")
    )
    assert history[-2:] == [
        (CaseStatus.AMICABLE_PHASE, CaseStatus.AMICABLE_PLAN),
        (CaseStatus.AMICABLE_PLAN, CaseStatus.REVOKED),
    ]
    note = StatusChange.objects.get(case=case, to_status=CaseStatus.REVOKED).note
    assert "Rép. 2026/321" in note and "ne respecte pas ses obligations" in note
    assert Petition.objects.get(pk=petition.pk).decision == Decision.GRANTED

    # The procedure has ended: no request any more, no closure.
    with pytest.raises(ValidationError) as exc:
        filed(case, PetitionKind.CLOSURE, {"reasons": "x"})
    assert "Révoqué" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        closure_services.case_close(
            case=case,
            data=closure_services.CloseData(decision_date=decision_day, reason="x"),
            by=mediator,
            today=decision_day,
        )
    assert "__all__" in exc.value.message_dict
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVOKED

    # A bank statement received late, valued before the decision, is posted as before.
    post(case, decision_day, "10.00", Category.INCOME, Direction.IN)
    # After the decision: an entry without its reason is refused, nothing posted.
    after = decision_day + timedelta(days=1)
    count = Entry.objects.filter(account__case=case).count()
    with pytest.raises(ValidationError) as exc:
        post(case, after, "910.00", Category.REFUND)
    assert list(exc.value.message_dict) == ["settlement_reason"]
    assert Entry.objects.filter(account__case=case).count() == count
    # The final settlement: the balance returned to the applicant, with its reason.
    entry = post(
        case,
        after,
        "910.00",
        Category.REFUND,
        reason="Restitution du solde au requérant après révocation",
        counterparty="Marie Dubois",
    )
    assert entry.settlement_reason.startswith("Restitution")
    assert Account.objects.get(case=case).balance == D("0.00")
