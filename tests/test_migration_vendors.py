"""Migrations that create database triggers know PostgreSQL and SQLite only: on any other
database they refuse to run, rather than leave it without the guards the application relies on
(the ledger's append-only journal and balance, the freeze of filed fee statements)."""

import importlib
from types import SimpleNamespace

import pytest
from django.db.utils import NotSupportedError

TRIGGER_MIGRATIONS = [
    "ledger.migrations.0002_append_only_triggers",
    "ledger.migrations.0003_sqlite_account_guards",
    "fees.migrations.0005_freeze_filed_statements",
    "audit.migrations.0002_append_only",
]


@pytest.mark.parametrize("module", TRIGGER_MIGRATIONS)
@pytest.mark.parametrize("vendor", ["mysql", "oracle", "microsoft"])
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_migrating_a_database_without_the_triggers_is_refused(module, vendor, direction):
    executed = []
    schema_editor = SimpleNamespace(
        connection=SimpleNamespace(vendor=vendor),
        execute=lambda sql, params=(): executed.append(sql),
    )
    migration = importlib.import_module(module)
    with pytest.raises(NotSupportedError, match=vendor):
        getattr(migration, direction)(None, schema_editor)
    assert executed == []


@pytest.mark.parametrize("module", TRIGGER_MIGRATIONS)
def test_the_supported_databases_migrate(module):
    for vendor in ("postgresql", "sqlite"):
        schema_editor = SimpleNamespace(
            connection=SimpleNamespace(vendor=vendor), execute=lambda sql, params=(): None
        )
        migration = importlib.import_module(module)
        migration.forward(None, schema_editor)
        migration.backward(None, schema_editor)
