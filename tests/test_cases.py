"""Cases: creation, editing, status path, replacement, and every bad input of issue 2 (a clear
message on the form, nothing saved)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.models import Applicant, Case, MediatorAssignment, StatusChange
from cases.services import ApplicantData, CaseData, case_change_status, case_replace_mediator
from cases.status import CaseStatus
from core.pricing import PricingMethod
from plans.services import PlanData, plan_create

from .factories import UserFactory, make_case

VALID_NN = "85.07.30-033.28"  # checksum valid, born 30/07/1985
VALID_NN_2 = "90.02.01-997.04"


def form_data(**overrides):
    data = {
        "reference": "NAM-2024-0101",
        "division": "namur",
        "role_number": "24/123/B",
        "petition_date": "02/01/2024",
        "admissibility_date": "15/02/2024",
        "mediator_designation_date": "15/02/2024",
        "follow_up_start": "",
        "homologation_date": "",
        "closure_date": "",
        "pricing_method": "",
        "account_iban": "BE71 0961 2345 6769",
        "household_adults": "1",
        "dependent_children": "2",
        "household_note": "Parent seul",
        "notes": "",
        "applicants-TOTAL_FORMS": "1",
        "applicants-INITIAL_FORMS": "0",
        "applicants-MIN_NUM_FORMS": "1",
        "applicants-MAX_NUM_FORMS": "2",
        "applicants-0-last_name": "Dubois",
        "applicants-0-first_name": "Marie",
        "applicants-0-national_number": VALID_NN,
        "applicants-0-birth_date": "30/07/1985",
        "applicants-0-address": "Rue de Fer 12\n5000 Namur",
    }
    data.update(overrides)
    return data


@pytest.fixture
def mediator_client(client, world):
    client.force_login(world.mediator)
    return client


def test_create_case_through_the_form(mediator_client, world):
    response = mediator_client.post(reverse("cases:create"), form_data(mediator=world.mediator.pk))
    assert response.status_code == 302
    case = Case.objects.get(reference="NAM-2024-0101")
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.organisation == world.org
    assert case.admissibility_date == date(2024, 2, 15)
    assert case.account_iban == "BE71096123456769"
    assert case.status == CaseStatus.AMICABLE_PHASE
    applicant = case.applicants.get()
    assert applicant.national_number == "85073003328"
    assert applicant.birth_date == date(1985, 7, 30)
    assignment = MediatorAssignment.objects.get(case=case)
    assert assignment.mediator == world.mediator and assignment.end_date is None
    assert StatusChange.objects.get(case=case).to_status == CaseStatus.AMICABLE_PHASE
    # the new case is in the caseload
    listing = mediator_client.get(reverse("cases:list"), {"q": "NAM-2024-0101"})
    assert "NAM-2024-0101" in listing.content.decode()


def test_create_with_two_applicants(mediator_client, world):
    data = form_data(
        mediator=world.mediator.pk,
        **{
            "applicants-TOTAL_FORMS": "2",
            "applicants-1-last_name": "Martin",
            "applicants-1-first_name": "Paul",
            "applicants-1-national_number": VALID_NN_2,
        },
    )
    response = mediator_client.post(reverse("cases:create"), data)
    assert response.status_code == 302
    case = Case.objects.get(reference="NAM-2024-0101")
    assert [a.last_name for a in case.applicants.all()] == ["Dubois", "Martin"]


def _assert_refused(response, message, count_before):
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Case.objects.count() == count_before


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"reference": "NAM-2022-0042"}, "existe déjà dans l&#x27;organisation"),
        ({"applicants-0-national_number": "85.07.30-033.29"}, "registre national valide"),
        ({"closure_date": "01/01/2024"}, "La clôture ne peut précéder l&#x27;admissibilité"),
        (
            {"petition_date": "01/03/2024"},
            "L&#x27;ordonnance d&#x27;admissibilité ne peut précéder la requête",
        ),
        ({"admissibility_date": "31/02/2024"}, "Saisissez une date valide"),
        ({"account_iban": "BE71 0961 2345 6760"}, "n&#x27;est pas un IBAN valide"),
        (
            {"applicants-0-birth_date": "01/01/1990"},
            "ne correspond pas à son numéro de registre national",
        ),
    ],
    ids=[
        "duplicate-reference",
        "invalid-national-number",
        "closure-before-admissibility",
        "admissibility-before-petition",
        "impossible-date",
        "invalid-iban",
        "birth-date-mismatch",
    ],
)
def test_bad_input_is_refused_with_a_clear_message(mediator_client, world, overrides, message):
    before = Case.objects.count()
    applicants_before = Applicant.objects.count()
    response = mediator_client.post(
        reverse("cases:create"), form_data(mediator=world.mediator.pk, **overrides)
    )
    _assert_refused(response, message, before)
    assert Applicant.objects.count() == applicants_before


def test_a_third_applicant_is_refused(mediator_client, world):
    before = Case.objects.count()
    extra = {"applicants-TOTAL_FORMS": "3"}
    for i, (last, nn) in enumerate([("Martin", VALID_NN_2), ("Leroy", "")], start=1):
        extra[f"applicants-{i}-last_name"] = last
        extra[f"applicants-{i}-first_name"] = "X"
        extra[f"applicants-{i}-national_number"] = nn
    response = mediator_client.post(
        reverse("cases:create"), form_data(mediator=world.mediator.pk, **extra)
    )
    assert response.status_code == 200
    assert Case.objects.count() == before
    assert "au plus 2" in response.content.decode() or "2 formulaires" in response.content.decode()


def test_the_service_refuses_three_applicants(world):
    applicants = [ApplicantData(last_name=n, first_name="A") for n in ("A", "B", "C")]
    with pytest.raises(ValidationError) as exc:
        make_case(
            organisation=world.org, mediator=world.mediator, reference="X-1", applicants=applicants
        )
    assert "au plus deux requérants" in str(exc.value)
    assert not Case.objects.filter(reference="X-1").exists()


def test_the_database_refuses_a_third_applicant(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Applicant.objects.create(case=world.case, position=3, last_name="C", first_name="C")


def test_the_database_refuses_a_closure_before_admissibility(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=world.case.pk).update(closure_date=date(2020, 1, 1))


def test_the_database_refuses_a_duplicate_reference(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            organisation=world.org,
            mediator=world.mediator,
            reference=world.case.reference,
            division="namur",
            admissibility_date=date(2022, 1, 1),
        )


def test_the_same_reference_is_allowed_in_another_organisation(world):
    case = make_case(
        organisation=world.other_org, mediator=world.other_mediator, reference=world.case.reference
    )
    assert case.pk != world.case.pk


def test_edit_keeps_history_and_validates(mediator_client, world):
    url = reverse("cases:edit", args=[world.case.pk])
    data = form_data(
        reference=world.case.reference,
        admissibility_date="15/06/2022",
        petition_date="01/05/2022",
        mediator_designation_date="15/06/2022",
    )
    data["applicants-INITIAL_FORMS"] = "1"
    response = mediator_client.post(url, {**data, "closure_date": "01/01/2022"})
    assert response.status_code == 200
    world.case.refresh_from_db()
    assert world.case.closure_date is None
    response = mediator_client.post(url, {**data, "role_number": "22/999/B"})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.role_number == "22/999/B"


def test_illegal_status_jump_is_refused_on_the_form(mediator_client, world):
    url = reverse("cases:status", args=[world.case.pk])
    response = mediator_client.post(
        url, {"to_status": CaseStatus.CLOSED, "decision_date": "01/02/2023"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Passage interdit de « Phase amiable » à « Clôturé »" in body
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.AMICABLE_PHASE
    assert world.case.status_changes.count() == 1


def test_legal_status_path(mediator_client, world):
    url = reverse("cases:status", args=[world.case.pk])
    plan_create(
        case=world.case,
        data=PlanData(
            kind="amicable",
            start_date=date(2022, 9, 1),
            duration_months=12,
            monthly_available=Decimal("500.00"),
        ),
        by=world.mediator,
    )
    response = mediator_client.post(
        url, {"to_status": CaseStatus.AMICABLE_PLAN, "decision_date": "10/01/2023"}
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.AMICABLE_PLAN
    assert world.case.homologation_date == date(2023, 1, 10)
    # no going back to the amicable phase, and no decision dated before the previous one
    with pytest.raises(ValidationError):
        case_change_status(
            case=world.case,
            to_status=CaseStatus.AMICABLE_PHASE,
            decision_date=date(2023, 2, 1),
            by=world.mediator,
        )
    with pytest.raises(ValidationError):
        case_change_status(
            case=world.case,
            to_status=CaseStatus.CLOSED,
            decision_date=date(2022, 12, 1),
            by=world.mediator,
        )
    case = case_change_status(
        case=world.case,
        to_status=CaseStatus.CLOSED,
        decision_date=date(2029, 6, 15),
        by=world.mediator,
    )
    assert case.closure_date == date(2029, 6, 15)
    assert list(case.status_changes.values_list("to_status", flat=True)) == [
        "amicable_phase",
        "amicable_plan",
        "closed",
    ]
    with pytest.raises(ValidationError):  # closed is final
        case_change_status(
            case=case,
            to_status=CaseStatus.REVOKED,
            decision_date=date(2029, 7, 1),
            by=world.mediator,
        )


@pytest.mark.parametrize(
    "path",
    [
        ["judicial_plan", "closed"],
        ["total_remission", "closed"],
        ["revoked"],
        ["amicable_plan", "revoked"],
    ],
)
def test_every_legal_path(world, path):
    case = world.case
    for day, status in enumerate(path, start=1):
        case = case_change_status(
            case=case,
            to_status=status,
            decision_date=date(2023, 1, day),
            by=world.mediator,
            history_replay=True,  # the legal path only: the plans' check is tested elsewhere
        )
    assert case.status == path[-1]


def test_replacement_of_the_mediator_keeps_the_history(mediator_client, world):
    url = reverse("cases:replace_mediator", args=[world.case.pk])
    response = mediator_client.post(
        url,
        {
            "new_mediator": world.colleague.pk,
            "replacement_date": "01/09/2023",
            "reason": "Ordonnance de remplacement du 01/09/2023",
        },
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.mediator == world.colleague
    history = list(world.case.assignments.order_by("start_date"))
    assert [(a.mediator, a.end_date) for a in history] == [
        (world.mediator, date(2023, 9, 1)),
        (world.colleague, None),
    ]
    # the former mediator no longer edits the case
    assert mediator_client.get(reverse("cases:edit", args=[world.case.pk])).status_code == 403


def test_replacement_by_a_mediator_of_another_organisation_is_refused(world):
    with pytest.raises(ValidationError):
        case_replace_mediator(
            case=world.case,
            new_mediator=world.other_mediator,
            replacement_date=date(2023, 9, 1),
            reason="x",
            by=world.mediator,
        )
    world.case.refresh_from_db()
    assert world.case.mediator == world.mediator
    assert world.case.assignments.count() == 1


def test_pricing_method_defaults_from_the_division_and_can_be_overridden(world):
    assert world.case.effective_pricing_method == PricingMethod.BY_YEAR_PRORATA  # namur
    dinant = make_case(
        organisation=world.org, mediator=world.mediator, reference="DIN-1", division="dinant"
    )
    assert dinant.effective_pricing_method == PricingMethod.BY_YEAR_NEW_FORFAIT
    bw = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="BW-1",
        division="brabant-wallon",
    )
    assert bw.effective_pricing_method == PricingMethod.ANNIVERSARY
    judge_a = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-A",
        pricing_method="anniversary",
    )
    assert judge_a.effective_pricing_method == PricingMethod.ANNIVERSARY


def test_national_number_is_masked_except_for_the_mediator(client, world):
    url = reverse("cases:detail", args=[world.case.pk])
    client.force_login(world.mediator)
    assert "85.07.30-033.28" in client.get(url).content.decode()
    for user in (world.colleague, world.supervisor, world.administrator):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "85.07.30-033.28" not in body and "85073003328" not in body
        assert "••.••.••-•••.28" in body


def test_a_mediator_cannot_designate_a_supervisor(world):
    with pytest.raises(ValidationError):
        make_case(organisation=world.org, mediator=world.supervisor, reference="S-1")


def test_dates_and_amounts_in_fr_be_format(mediator_client, world):
    body = mediator_client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "15/06/2022" in body


def test_other_organisation_users_never_see_the_case_in_lists(client, world):
    client.force_login(world.other_mediator)
    body = client.get(reverse("cases:list")).content.decode()
    assert world.case.reference not in body
    assert world.other_case.reference in body
    # a name no other user of the world has (Faker's names can coincide across organisations)
    world.mediator.last_name = "Vanderzwalm-Quoilin"
    world.mediator.save(update_fields=["last_name"])
    client.force_login(world.other_supervisor)
    body = client.get(reverse("cases:overview")).content.decode()
    assert world.mediator.last_name not in body
    assert f"mediator={world.mediator.pk}&" not in body
    assert f'mediator={world.mediator.pk}"' not in body


def test_inactive_mediator_is_not_offered(world):
    UserFactory(organisation=world.org, username="gone", is_active=False, last_name="Parti")
    from cases.selectors import mediators_of

    assert "gone" not in [u.username for u in mediators_of(world.org.pk)]


def test_case_data_defaults():
    data = CaseData(reference="R", division="namur", admissibility_date=date(2024, 1, 1))
    assert data.household_adults == 1 and data.pricing_method == ""


def test_the_default_status_note_follows_the_reader_s_language(mediator_client, world):
    """Issue #16: the decision's name recorded as the status change's note is shown in Dutch
    on a Dutch screen; a note the mediator wrote stays as written."""
    case_change_status(
        case=world.case,
        to_status=CaseStatus.AMICABLE_PLAN,
        decision_date=date(2024, 6, 25),
        by=world.mediator,
        history_replay=True,  # the note is the point here, not the plan a homologation needs
    )
    change = StatusChange.objects.filter(case=world.case).latest("id")
    assert change.note == "Homologation du plan amiable"
    url = reverse("cases:detail", args=[world.case.pk])
    dutch = mediator_client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Homologatie van de minnelijke aanzuiveringsregeling" in dutch
    assert "Homologation du plan amiable" not in dutch
    assert "Homologation du plan amiable" in mediator_client.get(url).content.decode()
    change.note = "Jugement prononcé à l'audience"
    change.save()
    assert change.shown_note == "Jugement prononcé à l'audience"
