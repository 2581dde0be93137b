from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, settings

from accounts.models import User
from cases.models import Case
from core.roles import Role

from .factories import OrganisationFactory, UserFactory, make_case, make_clerk

# Property tests search for failing inputs; they do not time them. A machine busy with other
# work (a CI runner, two xdist workers) must not fail them on Hypothesis's speed checks.
settings.register_profile(
    "rcd", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile("rcd")


@dataclass
class World:
    """Two organisations, every role, and one case of each organisation."""

    org: object
    other_org: object
    mediator: User  # designated mediator of ``case``
    colleague: User  # another mediator of the same organisation
    supervisor: User
    administrator: User
    other_mediator: User  # mediator of the other organisation
    other_supervisor: User
    clerk: User  # clerk of the case's division (namur)
    other_clerk: User  # clerk of another division (liege)
    case: Case
    other_case: Case  # belongs to the other organisation, division liege


@pytest.fixture
def world(db) -> World:
    org = OrganisationFactory(name="CPAS de Namur", slug="cpas-namur")
    other_org = OrganisationFactory(name="Cabinet Liège", slug="cabinet-liege")
    mediator = UserFactory(username="mediator", organisation=org)
    colleague = UserFactory(username="colleague", organisation=org)
    supervisor = UserFactory(username="supervisor", organisation=org, role=Role.SUPERVISOR)
    administrator = UserFactory(username="orgadmin", organisation=org, role=Role.ADMINISTRATOR)
    other_mediator = UserFactory(username="other_mediator", organisation=other_org)
    other_supervisor = UserFactory(
        username="other_supervisor", organisation=other_org, role=Role.SUPERVISOR
    )
    clerk = make_clerk("namur", username="clerk_namur")
    other_clerk = make_clerk("liege", username="clerk_liege")
    case = make_case(organisation=org, mediator=mediator)
    other_case = make_case(
        organisation=other_org, mediator=other_mediator, reference="LIE-2021-0001", division="liege"
    )
    return World(
        org=org,
        other_org=other_org,
        mediator=mediator,
        colleague=colleague,
        supervisor=supervisor,
        administrator=administrator,
        other_mediator=other_mediator,
        other_supervisor=other_supervisor,
        clerk=clerk,
        other_clerk=other_clerk,
        case=case,
        other_case=other_case,
    )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Fast hashing for test users (production keeps Django's default PBKDF2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_tasks_in_process(request):
    """Tasks run in-process in tests, even when a broker is configured (CI's PostgreSQL + Redis
    pass), so that no test depends on a worker; except the real-worker test (``worker``)."""
    from mediation.celery import app

    if request.node.get_closest_marker("worker"):
        yield
        return
    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture(autouse=True)
def _french_by_default():
    """Every test starts in French (the source language); a test that switches to Dutch (a
    request with Accept-Language: nl activates it in the thread) does not leak it."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()


def _empty_append_only_tables(*tables: str) -> None:
    """Django empties the tables after a committing test: TRUNCATE on PostgreSQL (row triggers
    do not fire), but DELETE on SQLite, which the append-only triggers (ledger, audit trail)
    refuse. Empty those tables first, as the database's owner would: triggers dropped, rows
    deleted, the same triggers back."""
    if connection.vendor != "sqlite":
        return
    names = ", ".join(f"'{table}'" for table in tables)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({names})"
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')
        for _name, sql in triggers:
            cursor.execute(sql)


@pytest.fixture
def ledger_emptied_after(transactional_db):
    """A committing test that posts journal entries: the journal is emptied before Django's
    flush (see ``_empty_append_only_tables``)."""
    yield
    _empty_append_only_tables("ledger_entry", "ledger_account")


@pytest.fixture(autouse=True)
def _audit_emptied_after_committing_tests(request):
    """The audit trail is append-only (audit migration 0002): after every committing test it is
    emptied before Django's flush (see ``_empty_append_only_tables``)."""
    marker = request.node.get_closest_marker("django_db")
    committing = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not committing:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    _empty_append_only_tables("audit_auditevent")


@pytest.fixture
def legal_rows(transactional_db):
    """A committing test starts from tables emptied by the previous one (Django flushes them):
    put back the legal rows the release migrations load (tariffs, legal amounts, allowance
    rows), as a release does."""
    call_command("load_tariffs", stdout=StringIO())
    call_command("load_allowance_rows", stdout=StringIO())
