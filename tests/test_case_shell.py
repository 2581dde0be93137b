"""The case every case page starts from (``cases.selectors.case_get_for_user``, issue 15): its
statements are compiled once per process with stand-in ids, then run with the user's
organisation and the case's id. The compiled path must answer exactly as the ORM's
``case_queryset_for(user).filter(pk=pk)``: the same case, with the same organisation, mediator
and applicants, or the same 404 (another organisation, a clerk, an inactive user, a user
without an organisation, a case that does not exist, a number no column holds)."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from agenda.services import daily_run
from cases import selectors
from cases.models import Applicant, Case
from cases.services import ApplicantData, case_replace_mediator
from core.compiled import filled, models_of
from core.roles import Role
from fees import selectors as fees

from .factories import UserFactory, make_case


def _reference(user, pk) -> Case | None:
    """What the ORM's access query answers (the rule the compiled path must keep)."""
    return (
        selectors.case_queryset_for(user)
        .select_related("organisation", "mediator")
        .prefetch_related("applicants")
        .filter(pk=pk)
        .first()
    )


def _compiled(user, pk) -> Case | None:
    try:
        return selectors.case_get_for_user(user, pk)
    except Http404:
        return None


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _same(expected: Case | None, got: Case | None) -> None:
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert _fields(got) == _fields(expected)
    assert _fields(got.organisation) == _fields(expected.organisation)
    assert _fields(got.mediator) == _fields(expected.mediator)
    assert [_fields(a) for a in got.applicants.all()] == [
        _fields(a) for a in expected.applicants.all()
    ]
    assert all(a.case is got for a in got.applicants.all())


def _users(world) -> dict:
    inactive = UserFactory(username="inactive", organisation=world.org)
    inactive.is_active = False
    inactive.save()
    # rows the database refuses (an organisation unless a clerk): unsaved users, as a
    # session could still hold them
    no_organisation = User(username="loose", role=Role.MEDIATOR, organisation_id=None)
    superuser = User(
        username="root",
        role=Role.ADMINISTRATOR,
        organisation_id=None,
        is_superuser=True,
        is_staff=True,
    )
    clerk_of_org = User(username="clerk_in_org", role=Role.CLERK, organisation_id=world.org.pk)
    no_role = User(username="nobody", role="", organisation_id=world.org.pk)
    return {
        "anonymous": AnonymousUser(),
        "mediator": world.mediator,
        "colleague": world.colleague,
        "supervisor": world.supervisor,
        "administrator": world.administrator,
        "other_mediator": world.other_mediator,
        "other_supervisor": world.other_supervisor,
        "clerk": world.clerk,
        "other_clerk": world.other_clerk,
        "inactive": inactive,
        "no_organisation": no_organisation,
        "superuser_without_organisation": superuser,
        "clerk_with_an_organisation": clerk_of_org,
        "no_role": no_role,
    }


SEES_THE_CASE = {"mediator", "colleague", "supervisor", "administrator"}


def test_the_compiled_path_answers_as_the_access_query(world):
    two = make_case(
        organisation=world.org,
        mediator=world.colleague,
        reference="NAM-2022-0043",
        applicants=[
            ApplicantData(last_name="Zoet", first_name="Anna", national_number="85073003328"),
            ApplicantData(last_name="Aerts", first_name="Bram", national_number="90020199803"),
        ],
    )
    missing = Case.objects.order_by("-pk").first().pk + 1000
    for name, user in _users(world).items():
        for pk in (world.case.pk, two.pk, world.other_case.pk, missing, 2**63, -(2**63) - 1):
            _same(_reference(user, pk), _compiled(user, pk))
        sees = _compiled(user, world.case.pk) is not None
        assert sees == (name in SEES_THE_CASE), name
        sees_other = _compiled(user, world.other_case.pk) is not None
        assert sees_other == (name in {"other_mediator", "other_supervisor"}), name
    # two applicants, in their order
    got = selectors.case_get_for_user(world.mediator, two.pk)
    assert [a.last_name for a in got.applicants.all()] == ["Zoet", "Aerts"]


def test_the_other_organisation_sees_its_own_case_only(world):
    for user in (world.other_mediator, world.other_supervisor):
        assert selectors.case_get_for_user(user, world.other_case.pk).pk == world.other_case.pk
        with pytest.raises(Http404):
            selectors.case_get_for_user(user, world.case.pk)


def test_a_replaced_mediator_reads_as_before_and_no_longer_edits(world, client):
    case_replace_mediator(
        case=world.case,
        new_mediator=world.colleague,
        replacement_date=date(2023, 9, 1),
        reason="Ordonnance de remplacement",
        by=world.administrator,
    )
    _same(_reference(world.mediator, world.case.pk), _compiled(world.mediator, world.case.pk))
    case = selectors.case_get_for_user(world.mediator, world.case.pk)
    assert case.mediator_id == world.colleague.pk
    assert not selectors.can_edit_case(world.mediator, case)
    client.force_login(world.mediator)
    assert client.get(reverse("cases:edit", args=[world.case.pk])).status_code == 403


def test_a_case_moved_to_another_organisation_is_refused_at_once(world):
    assert selectors.case_get_for_user(world.mediator, world.case.pk)  # compiled and kept
    Case.objects.filter(pk=world.case.pk).update(organisation=world.other_org)
    with pytest.raises(Http404):
        selectors.case_get_for_user(world.mediator, world.case.pk)


def test_a_case_that_is_not_a_number_fails_as_the_orm_does(world):
    with pytest.raises(ValueError):
        _reference(world.mediator, "abc")
    with pytest.raises(ValueError):
        selectors.case_get_for_user(world.mediator, "abc")
    assert selectors.case_get_for_user(world.mediator, str(world.case.pk)).pk == world.case.pk


def test_two_queries_no_join_for_the_applicants(world):
    selectors.case_get_for_user(world.mediator, world.case.pk)
    with CaptureQueriesContext(connection) as captured:
        case = selectors.case_get_for_user(world.mediator, world.case.pk)
        list(case.applicants.all())
        case.organisation.name, case.mediator.last_name  # noqa: B018
    assert len(captured) == 2
    applicants_sql = captured[1]["sql"]
    assert "cases_case" not in applicants_sql


def test_a_huge_case_number_in_the_url_is_a_404(client, world):
    client.force_login(world.mediator)
    assert client.get(f"/dossiers/{2**70}/").status_code == 404


def test_a_compiled_read_needs_each_id_as_one_parameter(world):
    with pytest.raises(AssertionError):
        models_of("tests.no_id", Case, lambda case: Case.objects.filter(pk__gt=0), case=1)
    with pytest.raises(AssertionError):  # values(): no instances to make
        models_of("tests.values", Case, lambda c: Case.objects.filter(pk=c).values(), c=1)


def test_a_filled_queryset_reads_its_rows_once_and_filters_afresh(world):
    applicants = models_of(
        "tests.applicants",
        Applicant,
        lambda case: Applicant.objects.filter(case_id=case).order_by("position"),
        case=world.case.pk,
    )
    queryset = filled(Applicant.objects.filter(case_id=world.case.pk), applicants)
    with CaptureQueriesContext(connection) as captured:
        assert list(queryset) == applicants and len(queryset) == 1 and queryset[0].last_name
    assert len(captured) == 0
    assert not queryset.filter(last_name="Nobody").exists()


def test_the_fee_tab_s_compiled_reads_answer_as_the_orm(world):
    """Statements, SPF requests and JustRestart invoices of the fee tab (compiled once) as
    their querysets read them."""
    daily_run(run_date=date(2024, 7, 1), catch_up_days=30)  # JustRestart invoices
    assert fees.justrestart_invoices_listed(world.case)
    for compiled, plain in (
        (fees.statements_of_case, fees._statements_of),
        (fees.interventions_of_case, fees._interventions_of),
        (fees.justrestart_invoices_listed, fees._invoices_listed),
    ):
        for case in (world.case, world.other_case):
            got = list(compiled(case))
            expected = list(plain(case.pk))
            assert [_fields_read(g) for g in got] == [_fields_read(e) for e in expected]


def _fields_read(instance) -> dict:
    deferred = instance.get_deferred_fields()
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in deferred
    }
