"""An organisation's default letter templates are created with the organisation, wherever it is
created (``accounts.services``, the admin, the bundle importer, the demo data; the data migration
for the organisations created before), and opening a page never writes: the compose page and the
template list only read, and work read-only with the built-in texts should the templates be
missing."""

import ast
import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as accounts_services
from accounts.models import Organisation, User
from accounts.services import (
    on_organisation_created,
    organisation_create,
    organisation_get_or_create,
)
from bundles.importer import bundle_import, load_document
from claims.models import Creditor
from letters.defaults import DEFAULT_TEMPLATES, DUTCH_TEMPLATES
from letters.models import REGISTERED_BY_DEFAULT, Letter, LetterTemplate
from letters.services import TemplateData, letter_template_update

BUNDLES = Path(__file__).parent / "bundles"
# A write, a row lock, or a savepoint (a write service's transaction.atomic inside the test's
# transaction: the only sign of one on SQLite, which drops FOR UPDATE).
WRITE = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT)\b|\bFOR\s+UPDATE\b", re.IGNORECASE
)


def defaults_of(organisation) -> list[tuple[str, str, str, str, bool, str]]:
    return sorted(
        LetterTemplate.objects.filter(organisation=organisation).values_list(
            "kind", "name", "subject", "body", "registered", "language"
        )
    )


# Both sets: the French templates and their Dutch versions (issue 16, Dutch complete).
EXPECTED = sorted(
    [
        (str(t["kind"]), t["name"], t["subject"], t["body"], t["registered"], "fr")
        for t in DEFAULT_TEMPLATES
    ]
    + [
        (
            str(t["kind"]),
            t["name"],
            t["subject"],
            t["body"],
            t["kind"] in REGISTERED_BY_DEFAULT,
            "nl",
        )
        for t in DUTCH_TEMPLATES
    ]
)
EXPECTED_FR = [row for row in EXPECTED if row[-1] == "fr"]
EXPECTED_NL = [row for row in EXPECTED if row[-1] == "nl"]


AUDIT_APPEND = 'INSERT INTO "audit_auditevent"'


def writes(queries) -> list[str]:
    """The writes of the page, less the audit trail's record that it was read (audit.middleware:
    a savepoint and one INSERT into the append-only trail)."""
    sqls = [q["sql"] for q in queries]
    own = [
        sql
        for i, sql in enumerate(sqls)
        if AUDIT_APPEND not in sql
        and not (sql.startswith("SAVEPOINT") and AUDIT_APPEND in "".join(sqls[i + 1 : i + 2]))
    ]
    return [sql for sql in own if WRITE.search(sql)]


# --- created with the organisation ---------------------------------------------------------


def test_an_organisation_is_created_with_the_default_templates(db):
    organisation = organisation_create(name="CPAS d'Andenne", slug="cpas-andenne", kind="cpas")
    assert defaults_of(organisation) == EXPECTED


def test_the_test_organisations_have_them_too(world):
    assert defaults_of(world.org) == EXPECTED
    assert defaults_of(world.other_org) == EXPECTED


def test_get_or_create_gives_them_to_a_new_organisation_only(db):
    organisation, created = organisation_get_or_create(
        slug="cabinet-meuse", defaults={"name": "Cabinet Meuse", "kind": "law_firm"}
    )
    assert created and defaults_of(organisation) == EXPECTED
    bare = Organisation.objects.create(name="Sans modèles", slug="sans-modeles", kind="other")
    same, created = organisation_get_or_create(slug="sans-modeles", defaults={"name": "x"})
    assert (same, created) == (bare, False)
    assert not LetterTemplate.objects.filter(organisation=bare).exists()


def test_a_failing_callback_undoes_the_creation(db, monkeypatch):
    monkeypatch.setattr(accounts_services, "_on_created", list(accounts_services._on_created))

    def fails(organisation):
        raise RuntimeError("boom")

    on_organisation_created(fails)
    with pytest.raises(RuntimeError):
        organisation_create(name="Perdue", slug="perdue", kind="other")
    assert not Organisation.objects.filter(slug="perdue").exists()
    assert not LetterTemplate.objects.exists()


def test_a_callback_is_registered_once(monkeypatch):
    monkeypatch.setattr(accounts_services, "_on_created", [])
    calls = []
    for _ in range(2):
        on_organisation_created(calls.append)
    assert len(accounts_services._on_created) == 1


def test_accounts_does_not_import_letters():
    """accounts is a lower layer: letters plugs into it (letters.apps), not the reverse."""
    for path in (Path(settings.BASE_DIR) / "accounts").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            assert not any(n == "letters" or n.startswith("letters.") for n in names), path


def test_the_admin_creates_them(client, db):
    admin = User.objects.create_superuser("root", "root@example.be", "pass-root-123")
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_organisation_add"),
        {"name": "ASBL Médiation", "slug": "asbl-mediation", "kind": "asbl"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert defaults_of(Organisation.objects.get(slug="asbl-mediation")) == EXPECTED
    # Saving it again (a change) creates nothing more.
    organisation = Organisation.objects.get(slug="asbl-mediation")
    client.post(
        reverse("admin:accounts_organisation_change", args=[organisation.pk]),
        {"name": "ASBL Médiation bis", "slug": "asbl-mediation", "kind": "asbl"},
    )
    assert LetterTemplate.objects.filter(organisation=organisation).count() == len(EXPECTED)


def test_a_bundle_imported_into_a_new_organisation_creates_them(db):
    document = load_document((BUNDLES / "minimal-case.json").read_bytes())
    case = bundle_import(document=document, organisation_slug="org-importee")
    assert case.organisation.slug == "org-importee"
    assert defaults_of(case.organisation) == EXPECTED


# --- the organisations that existed before: the data migration ----------------------------


def test_the_data_migration_gives_them_to_organisations_without_any(world):
    migration = importlib.import_module(
        "letters.migrations.0002_default_templates_of_existing_organisations"
    )
    schema_editor = SimpleNamespace(connection=connection)
    bare = Organisation.objects.create(name="Ancienne", slug="ancienne", kind="cpas")
    # world.org's administrator edited a template and deleted another: kept as they are.
    edited = LetterTemplate.objects.filter(
        organisation=world.org, language="fr", kind="other"
    ).get()
    letter_template_update(
        template=edited,
        data=TemplateData(kind="other", name="Mon courrier", subject="Objet", body="Texte"),
        by=world.administrator,
    )
    LetterTemplate.objects.filter(organisation=world.org, language="fr", kind="reminder").delete()
    kept = defaults_of(world.org)

    migration.create_missing(apps, schema_editor)
    # 0002 gave the French set (the Dutch one comes with 0009)
    assert defaults_of(bare) == EXPECTED_FR
    assert defaults_of(world.org) == kept
    assert defaults_of(world.other_org) == EXPECTED

    total = LetterTemplate.objects.count()
    migration.create_missing(apps, schema_editor)  # nothing left to do
    assert LetterTemplate.objects.count() == total


def test_the_data_migration_0009_gives_the_dutch_set_once(world):
    """Organisations created before the Dutch templates get them once (0009): one of each kind,
    never a duplicate, never a change to an edited template or to a name already taken."""
    migration = importlib.import_module("letters.migrations.0009_dutch_default_templates")
    schema_editor = SimpleNamespace(connection=connection)
    # Organisations as they were before: the French set only.
    LetterTemplate.objects.filter(language="nl").delete()
    assert defaults_of(world.org) == EXPECTED_FR
    # world.org's administrator has already written its own Dutch reminder, and a French
    # template carries the name of a Dutch default: both are kept, neither is duplicated.
    own = LetterTemplate.objects.create(
        organisation=world.org,
        kind="reminder",
        language="nl",
        name="Mijn herinnering",
        subject="Herinnering",
        body="Geachte [destinataire]",
    )
    taken = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="other")
    taken.name = "Vrije brief"
    taken.save()

    migration.create_dutch(apps, schema_editor)
    assert defaults_of(world.other_org) == EXPECTED
    dutch = LetterTemplate.objects.filter(organisation=world.org, language="nl")
    # one per kind (its own reminder among them), none of the kind "other": the name is taken
    assert sorted(dutch.values_list("kind", flat=True)) == sorted(
        str(t["kind"]) for t in DUTCH_TEMPLATES if t["kind"] != "other"
    )
    assert dutch.get(kind="reminder") == own
    assert LetterTemplate.objects.get(pk=taken.pk).language == "fr"
    assert LetterTemplate.objects.filter(organisation=world.org, name="Vrije brief").count() == 1

    total = LetterTemplate.objects.count()
    migration.create_dutch(apps, schema_editor)  # run again: nothing added
    assert LetterTemplate.objects.count() == total
    assert defaults_of(world.other_org) == EXPECTED


# --- opening a page never writes -----------------------------------------------------------


def compose_url(world, **query):
    url = reverse("letters:compose", args=[world.case.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_compose_page_writes_nothing(client, world):
    client.force_login(world.mediator)
    before = LetterTemplate.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(compose_url(world))
    assert response.status_code == 200
    assert writes(queries) == []
    assert LetterTemplate.objects.count() == before
    # a French case: the first French template
    first = LetterTemplate.objects.filter(organisation=world.org, language="fr").order_by(
        "kind", "name"
    )[0]
    assert response.context["chosen"] == first
    chosen = LetterTemplate.objects.get(organisation=world.org, language="fr", kind="reminder")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(compose_url(world, modele=chosen.pk))
    assert writes(queries) == []
    assert response.context["chosen"] == chosen
    assert response.context["form"].initial["template"] == chosen.pk


def test_the_template_list_writes_nothing(client, world):
    client.force_login(world.administrator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("letters:template_list"))
    assert response.status_code == 200
    assert writes(queries) == []
    assert len(response.context["templates"]) == len(DEFAULT_TEMPLATES + DUTCH_TEMPLATES)


def test_without_templates_the_compose_page_offers_the_built_in_texts(client, world):
    """Should an organisation have no template (it gets them at creation), composing still
    works, read-only: the built-in texts are offered unsaved, and nothing is created."""
    LetterTemplate.objects.filter(organisation=world.org).delete()
    client.force_login(world.mediator)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(compose_url(world))
    assert response.status_code == 200
    assert writes(queries) == []
    assert not LetterTemplate.objects.filter(organisation=world.org).exists()
    html = response.content.decode()
    assert 'value="admissibility_notification" selected' in html
    assert 'value="reminder"' in html
    notification = next(t for t in DEFAULT_TEMPLATES if t["kind"] == "admissibility_notification")
    assert response.context["form"].initial["subject"] == notification["subject"]
    assert response.context["form"].initial["template"] is None

    response = client.get(compose_url(world, modele="reminder"))
    reminder = next(t for t in DEFAULT_TEMPLATES if t["kind"] == "reminder")
    assert response.context["form"].initial["body"] == reminder["body"]
    assert response.context["form"].initial["registered"] is True

    # A built-in text previews as any other (a letter sent from it has no template).
    creditor = Creditor.objects.create(organisation=world.org, name="SWDE", address="Rue 1\n5000")
    preview = client.post(
        compose_url(world),
        {
            "action": "preview",
            "template": "",
            "subject": reminder["subject"],
            "body": reminder["body"],
            "sent_on": "20/07/2022",
            "addressees": [f"c{creditor.pk}"],
        },
    )
    assert preview.status_code == 200
    assert "Lettre ordinaire (4.1), quantité 1" in preview.content.decode()
    assert not Letter.objects.exists()
    assert not LetterTemplate.objects.filter(organisation=world.org).exists()
