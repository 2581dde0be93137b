"""The court's decisions on requests change the case (issue 17): a revocation granted revokes
the case (art. 1675/15 C.J.), an end of procedure granted closes it, each dated the decision's
date through ``cases.services.case_change_status`` (the transitions of ``cases.status`` hold:
``domain/README.md``, "The life of a case"); a revision granted (art. 1675/14 C.J.) keeps the
status and opens the revised plan. A refused request changes nothing; a grant the status does
not allow is refused with nothing saved."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Case, StatusChange
from cases.status import CaseStatus
from core.dates import format_date
from petitions.models import Decision, Petition, PetitionKind, RevocationGround
from petitions.services import petition_record_decision
from plans.models import PlanState, PlanVersion
from plans.services import plan_approve, plan_revise

from .life_helpers import admitted_claims, amicable_plan, filed, today


def decide(petition, decision=Decision.GRANTED, reference="Rép. 2026/77", on=None):
    return petition_record_decision(
        petition=petition,
        decision=decision,
        decision_date=on or today(),
        decision_reference=reference,
        by=petition.case.mediator,
        today=today(),
    )


def homologated(world):
    admitted_claims(world)
    version = amicable_plan(world)
    return plan_approve(
        version=version,
        decision_date=today(),
        decision_reference="Rép. 2026/1",
        by=world.mediator,
        today=today(),
    )


def test_a_revocation_granted_revokes_the_case_on_the_decision_date(world):
    petition = filed(
        world.case,
        PetitionKind.REVOCATION,
        {"ground": RevocationGround.INSOLVENCY_ORGANISED, "facts": "Donation de la voiture."},
    )
    decide(petition)
    case = Case.objects.get(pk=world.case.pk)
    assert (case.status, case.closure_date) == (CaseStatus.REVOKED, today())
    change = StatusChange.objects.get(case=case, to_status=CaseStatus.REVOKED)
    assert change.from_status == CaseStatus.AMICABLE_PHASE
    assert change.decision_date == today() and change.recorded_by == world.mediator
    assert change.note.startswith("Révocation (art. 1675/15 C.J.) — décision Rép. 2026/77")
    assert "a organisé son insolvabilité" in change.note
    assert Petition.objects.get(pk=petition.pk).decision == Decision.GRANTED


def test_a_refused_revocation_changes_nothing(world):
    petition = filed(
        world.case,
        PetitionKind.REVOCATION,
        {"ground": RevocationGround.FALSE_STATEMENTS, "facts": "Revenus tus."},
    )
    decide(petition, Decision.REFUSED)
    case = Case.objects.get(pk=world.case.pk)
    assert (case.status, case.closure_date) == (CaseStatus.AMICABLE_PHASE, None)
    assert not StatusChange.objects.filter(case=case, to_status=CaseStatus.REVOKED).exists()


def test_an_end_of_procedure_granted_closes_a_case_under_a_plan(world):
    homologated(world)
    petition = filed(world.case, PetitionKind.CLOSURE, {"reasons": "Le plan est exécuté."})
    decide(petition, reference="Rép. 2026/88")
    case = Case.objects.get(pk=world.case.pk)
    assert (case.status, case.closure_date) == (CaseStatus.CLOSED, today())
    change = StatusChange.objects.get(case=case, to_status=CaseStatus.CLOSED)
    assert change.from_status == CaseStatus.AMICABLE_PLAN
    assert "Fin de la procédure accordée" in change.note and "Rép. 2026/88" in change.note


def test_an_end_of_procedure_the_status_does_not_allow_is_refused_and_nothing_saved(world):
    # cases.status: the amicable phase ends by a plan, a total remission or a revocation,
    # never directly by a closure
    petition = filed(world.case, PetitionKind.CLOSURE, {"reasons": "Le requérant se désiste."})
    with pytest.raises(ValidationError) as exc:
        decide(petition)
    assert list(exc.value.message_dict) == ["__all__"]
    assert "Phase amiable" in exc.value.messages[0]
    assert Petition.objects.get(pk=petition.pk).decision == ""
    assert Case.objects.get(pk=world.case.pk).status == CaseStatus.AMICABLE_PHASE
    # refused by the court, it is recorded (and changes nothing)
    decide(petition, Decision.REFUSED)
    assert Petition.objects.get(pk=petition.pk).decision == Decision.REFUSED


def test_a_revocation_granted_after_the_case_ended_is_refused(world):
    petition = filed(
        world.case,
        PetitionKind.REVOCATION,
        {"ground": RevocationGround.OBLIGATIONS_BREACHED, "facts": "Aucun versement."},
    )
    # another request granted first: the case is revoked already
    other = filed(
        world.case,
        PetitionKind.REVOCATION,
        {"ground": RevocationGround.FALSE_STATEMENTS, "facts": "Revenus tus."},
    )
    decide(other)
    with pytest.raises(ValidationError) as exc:
        decide(petition)
    assert "ne peut plus être révoqué" in exc.value.messages[0]
    assert Petition.objects.get(pk=petition.pk).decision == ""
    assert StatusChange.objects.filter(case=world.case, to_status="revoked").count() == 1


def test_a_revision_granted_opens_the_revised_plan_and_keeps_the_status(world):
    approved = homologated(world)
    petition = filed(
        world.case,
        PetitionKind.PLAN_REVISION,
        {
            "change_date": (today() - timedelta(days=30)).isoformat(),
            "circumstances": "Perte d'emploi du requérant.",
        },
    )
    petition = decide(petition, reference="Rép. 2026/99")
    revised = petition.plan_version
    assert revised is not None and revised.number == approved.number + 1
    assert (revised.state, revised.revision_of_id) == (PlanState.DRAFT, approved.pk)
    assert "Révision du plan accordée (art. 1675/14 C.J.)" in revised.reason
    assert "Rép. 2026/99" in revised.reason
    approved.refresh_from_db()
    assert approved.state == PlanState.APPROVED  # the plan in force stays until the new one
    case = Case.objects.get(pk=world.case.pk)
    assert case.status == CaseStatus.AMICABLE_PLAN
    assert not StatusChange.objects.filter(case=case, from_status=CaseStatus.AMICABLE_PLAN).exists()
    # the revised version is then decided in the "Plan" tab: the status stays
    plan_approve(
        version=revised,
        decision_date=today(),
        decision_reference="Rép. 2026/100",
        by=world.mediator,
        today=today(),
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.AMICABLE_PLAN
    assert PlanVersion.objects.filter(case=case, state=PlanState.APPROVED).count() == 2


def test_a_revision_granted_while_a_draft_is_open_keeps_that_draft(world):
    approved = homologated(world)
    petition = filed(
        world.case,
        PetitionKind.PLAN_REVISION,
        {"change_date": today().isoformat(), "circumstances": "Naissance d'un enfant."},
    )
    draft = plan_revise(version=approved, reason="Révision en préparation", by=world.mediator)
    petition = decide(petition)
    assert petition.plan_version == draft
    assert PlanVersion.objects.filter(case=world.case).count() == 2


def test_the_decision_page_says_what_a_grant_does_and_shows_a_refusal(client, world):
    petition = filed(world.case, PetitionKind.CLOSURE, {"reasons": "Le requérant se désiste."})
    client.force_login(world.mediator)
    url = reverse("petitions:petition_decide", args=[world.case.pk, petition.pk])
    page = client.get(url).content.decode()
    assert "Clôturé" in page and "écritures de liquidation" in page
    response = client.post(
        url,
        {
            "decision": "granted",
            "decision_date": format_date(today()),
            "decision_reference": "Rép. 2026/5",
        },
    )
    assert response.status_code == 200
    assert "Phase amiable" in " ".join(response.context["form"].non_field_errors())
    assert Petition.objects.get(pk=petition.pk).decision == ""
    assert Case.objects.get(pk=world.case.pk).status == CaseStatus.AMICABLE_PHASE
