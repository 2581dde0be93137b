"""Legal data reaches deployed databases: releases (``core.legal_data``) applied by migrations,
the shipped files equal to the cumulative releases, and the ``legal_data`` system check.

No sourced 2026 figure is known (living-allowance.md, fees.md: "add them when published"), so
the releases applied here are test-only: synthetic rows, never shipped."""

import dataclasses
import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from budget.models import IntegrationIncomeRecord, SeizureScaleRecord
from core import legal_data
from core.legal_data import (
    RELEASE_FORMAT,
    ReleaseError,
    apply_release_document,
    read_release_file,
    registered_legal_data,
    release_digest,
    release_operations,
    release_problems,
    unreleased,
)
from fees.loading import shipped_tariff_rows
from fees.models import LegalAmount, TariffRowRecord

D = Decimal
BASE_DIR = Path(__file__).resolve().parent.parent


def release(app: str, models: dict) -> dict:
    return {
        "format": RELEASE_FORMAT,
        "app": app,
        "release": "0099_test",
        "description": "Livraison fictive, pour les tests uniquement.",
        "models": models,
    }


def tariff(row_id: str, amount: str, source: str = "Avis fictif (test)", **fields) -> dict:
    key, _, start = row_id.partition("@")
    effective_from = fields.pop("effective_from", start)
    return {
        "row_id": row_id,
        "key": key,
        "effective_from": effective_from,
        "amount": amount,
        "source": source,
        **fields,
    }


def apply_tariffs(*rows: dict):
    document = release("fees", {"TariffRowRecord": {"identity": ["row_id"], "rows": list(rows)}})
    return apply_release_document(document, apps=django_apps)["TariffRowRecord"]


def legal_warnings(**kwargs) -> list[checks.CheckMessage]:
    return checks.run_checks(tags=["legal_data"], **kwargs)


def shipped_source(row_id: str) -> str:
    return next(r["source"] for r in shipped_tariff_rows() if r["row_id"] == row_id)


# --- the shipped files are the cumulative releases --------------------------------------------


@pytest.mark.parametrize("app_label", ["fees", "budget"])
def test_the_shipped_files_are_the_cumulative_releases(app_label):
    data = registered_legal_data()[app_label]
    assert release_problems(data) == []
    difference = unreleased(data)
    assert not difference, (
        "The shipped files differ from the releases: ship the change with "
        f"`manage.py legal_release {app_label} NAME` (README, 'Legal data').\n"
        + "\n".join(difference.describe())
    )


def test_a_row_edited_without_a_release_is_caught():
    data = registered_legal_data()["fees"]
    tariffs = data.dataset("TariffRowRecord")

    def edited():
        rows = shipped_tariff_rows()
        rows[0]["amount"] = D("1.00")  # a correction without a release
        del rows[-1]  # a row removed
        rows.append(tariff("2.2@2027-01-01", "11.40") | {"effective_from": date(2027, 1, 1)})
        return rows

    patched = dataclasses.replace(
        data, datasets=(dataclasses.replace(tariffs, shipped_rows=edited), data.datasets[1])
    )
    difference = unreleased(patched)
    assert [row["__key__"] for row in difference.rows["TariffRowRecord"]] == [
        "2.1.base@until-2017-12-31",
        "2.2@2027-01-01",
    ]
    assert len(difference.problems) == 1 and "vat@2014-01-01" in difference.problems[0]


def test_every_release_file_is_applied_once_with_its_digest():
    operations = {(op.app_label, op.release, op.models) for op in release_operations("fees")}
    assert operations == {
        ("fees", "0001_initial", ("TariffRowRecord",)),
        ("fees", "0001_initial", ("LegalAmount",)),
    }
    assert [(op.release, op.models) for op in release_operations("budget")] == [
        ("0001_initial", None),
        ("0002_ris_2020_2021", None),
        ("0003_ris_2022", None),
        ("0004_ris_2020_2024", None),
        ("0005_art1409_2020", None),
        ("0006_ris_2022_03", None),
    ]


def test_a_shipped_release_never_changes(tmp_path):
    document = release("fees", {"LegalAmount": {"identity": ["key", "effective_from"], "rows": []}})
    document["release"] = "0002_test"
    path = tmp_path / "0002_test.json"
    path.write_text(json.dumps(document, indent=4), encoding="utf-8")
    digest = release_digest(document)
    assert read_release_file(path, digest=digest) == document  # the layout does not matter
    document["description"] = "changed"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ReleaseError, match="a changé depuis que sa migration a été écrite"):
        read_release_file(path, digest=digest)


# --- applying a release -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_release_inserts_corrects_and_leaves_rows_entered_by_hand():
    TariffRowRecord.objects.create(
        row_id="2.2@2027-01-01",
        key="2.2",
        effective_from=date(2027, 1, 1),
        amount=D("11.40"),
        source="Avis saisi à la main",
    )
    TariffRowRecord.objects.create(
        row_id="4.1-main@2027",
        key="4.1",
        effective_from=date(2027, 1, 1),
        amount=D("16.00"),
        source="Avis saisi à la main",
    )
    # An administrator edited a shipped row.
    TariffRowRecord.objects.filter(row_id="2.3.base@2023-01-01").update(amount=D("999.99"))

    result = apply_tariffs(
        tariff("2.1.base@2027-01-01", "700.00"),  # new
        tariff("2.2@2023-01-01", "10.84", "Avis rectificatif fictif (test)"),  # corrected
        tariff("2.3.base@2023-01-01", "260.39", shipped_source("2.3.base@2023-01-01")),
        tariff("2.2@2027-01-01", "11.50"),  # the identity of a row entered by hand
        tariff("4.1@2027-01-01", "16.10"),  # its key and date held by a row entered by hand
        tariff("vat@2014-01-01", "0.21", shipped_source("vat@2014-01-01")),  # unchanged
    )

    assert (result.added, result.corrected, result.unchanged) == (1, 2, 1)
    assert result.left_to_hand_rows == ["2.2@2027-01-01", "4.1@2027-01-01"]
    new = TariffRowRecord.objects.get(row_id="2.1.base@2027-01-01")
    assert (new.amount, new.effective_from, new.shipped) == (D("700.00"), date(2027, 1, 1), True)
    corrected = TariffRowRecord.objects.get(row_id="2.2@2023-01-01")
    assert (corrected.amount, corrected.source) == (D("10.84"), "Avis rectificatif fictif (test)")
    assert TariffRowRecord.objects.get(row_id="2.3.base@2023-01-01").amount == D("260.39")
    by_hand = TariffRowRecord.objects.get(row_id="2.2@2027-01-01")
    assert (by_hand.amount, by_hand.source, by_hand.shipped) == (
        D("11.40"),
        "Avis saisi à la main",
        False,
    )
    assert not TariffRowRecord.objects.filter(row_id="4.1@2027-01-01").exists()
    assert TariffRowRecord.objects.get(row_id="4.1-main@2027").amount == D("16.00")

    again = apply_tariffs(
        tariff("2.1.base@2027-01-01", "700.00"),
        tariff("2.2@2023-01-01", "10.84", "Avis rectificatif fictif (test)"),
        tariff("2.3.base@2023-01-01", "260.39", shipped_source("2.3.base@2023-01-01")),
        tariff("2.2@2027-01-01", "11.50"),
        tariff("4.1@2027-01-01", "16.10"),
        tariff("vat@2014-01-01", "0.21", shipped_source("vat@2014-01-01")),
    )
    assert (again.added, again.corrected, again.unchanged) == (0, 0, 4)
    assert len(again.left_to_hand_rows) == 2


@pytest.mark.django_db
def test_a_release_never_erases_the_start_date_an_administrator_entered():
    TariffRowRecord.objects.filter(row_id="4.1@until-2017-12-31").update(
        effective_from=date(2014, 1, 1)
    )
    result = apply_tariffs(
        tariff(
            "4.1@until-2017-12-31", "11.83", "Avis rectificatif fictif (test)", effective_from=None
        )
    )
    assert result.corrected == 1
    row = TariffRowRecord.objects.get(row_id="4.1@until-2017-12-31")
    assert (row.effective_from, row.amount) == (date(2014, 1, 1), D("11.83"))


@pytest.mark.django_db
def test_a_release_of_the_budget_rows():
    document = release(
        "budget",
        {
            "SeizureScaleRecord": {
                "identity": ["row_id"],
                "rows": [
                    {
                        "row_id": "art1409@2027-01-01",
                        "effective_from": "2027-01-01",
                        "limit_1": "1500.00",
                        "limit_2": "1600.00",
                        "limit_3": "1700.00",
                        "limit_4": "1800.00",
                        "earned_rate_2": "0.20",
                        "earned_rate_3": "0.30",
                        "earned_rate_4": "0.40",
                        "replacement_rate_2": "0.20",
                        "replacement_rate_3": "0.40",
                        "replacement_rate_4": "0.40",
                        "child_reduction": "90.00",
                        "note": "",
                        "source": "Barème fictif (test)",
                    }
                ],
            },
            "IntegrationIncomeRecord": {
                "identity": ["row_id"],
                "rows": [
                    {
                        "row_id": "ris-single@2025-02-01",
                        "category": "single",
                        "effective_from": "2025-02-01",
                        "amount": "1314.21",
                        "source": "Montant rectifié fictif (test)",
                    }
                ],
            },
        },
    )
    results = apply_release_document(document, apps=django_apps)
    assert results["SeizureScaleRecord"].added == 1
    assert results["IntegrationIncomeRecord"].corrected == 1
    assert SeizureScaleRecord.objects.get(row_id="art1409@2027-01-01").shipped
    ris = IntegrationIncomeRecord.objects.get(row_id="ris-single@2025-02-01")
    assert (ris.amount, ris.source) == (D("1314.21"), "Montant rectifié fictif (test)")
    again = apply_release_document(document, apps=django_apps)
    assert [r.unchanged for r in again.values()] == [1, 1]


@pytest.mark.django_db
def test_the_release_operation_runs_on_historical_models():
    """0006_load_legal_amounts' operation, with the models as they were at that migration,
    corrects a shipped row an administrator edited (and adds nothing)."""
    (operation,) = [op for op in release_operations("fees") if op.models == ("LegalAmount",)]
    state = MigrationLoader(connection).project_state(("fees", "0006_load_legal_amounts"))
    LegalAmount.objects.update(amount=D("1250.00"))
    operation.code(state.apps, SimpleNamespace(connection=connection))
    assert list(LegalAmount.objects.values_list("amount", "shipped")) == [(D("1200.00"), True)]


def test_a_release_row_must_name_model_fields():
    with pytest.raises(ReleaseError, match="champ inconnu"):
        apply_tariffs(tariff("2.2@2027-01-01", "11.40") | {"start_unknown": False})
    with pytest.raises(ReleaseError, match="ne se livre pas"):
        apply_tariffs(tariff("2.2@2027-01-01", "11.40") | {"shipped": False})


# --- writing the next release -----------------------------------------------------------------


def test_legal_release_writes_the_release_and_its_migration(tmp_path, monkeypatch, capsys):
    call_command("legal_release", "fees", "2027", "--dry-run")
    assert "nothing to do" in capsys.readouterr().out

    data = registered_legal_data()["fees"]
    tariffs = data.dataset("TariffRowRecord")
    new_row = tariff("2.2@2027-01-01", "11.40")

    def with_a_new_row():
        return shipped_tariff_rows() + [new_row]

    patched = dataclasses.replace(
        data, datasets=(dataclasses.replace(tariffs, shipped_rows=with_a_new_row), data.datasets[1])
    )
    releases = tmp_path / "fees" / "data" / "releases"
    releases.mkdir(parents=True)
    (tmp_path / "fees" / "migrations").mkdir()
    real = legal_data.releases_dir("fees") / "0001_initial.json"
    (releases / "0001_initial.json").write_bytes(real.read_bytes())
    monkeypatch.setitem(legal_data._REGISTRY, "fees", patched)
    monkeypatch.setattr(legal_data, "releases_dir", lambda app_label: releases)
    monkeypatch.setattr(
        "core.management.commands.legal_release.releases_dir", lambda app_label: releases
    )

    call_command("legal_release", "fees", "2027", "--description", "Avis 2027 (test)")

    written = json.loads((releases / "0002_2027.json").read_text(encoding="utf-8"))
    assert written["release"] == "0002_2027"
    assert written["description"] == "Avis 2027 (test)"
    assert written["models"] == {"TariffRowRecord": {"identity": ["row_id"], "rows": [new_row]}}
    (migration,) = (tmp_path / "fees" / "migrations").glob("*.py")
    # the next migration of the app, after its latest one
    from django.db.migrations.loader import MigrationLoader

    (latest,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("fees")
    number = int(latest[1][:4]) + 1
    assert migration.name == f"{number:04d}_legal_release_2027.py"
    text = migration.read_text(encoding="utf-8")
    assert f'dependencies = [("fees", "{latest[1]}")]' in text
    assert f'digest="{release_digest(written)}"' in text
    compile(text, str(migration), "exec")


# --- the system check -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_check_is_silent_on_a_migrated_database():
    assert legal_warnings(databases=["default"]) == []


@pytest.mark.django_db
def test_the_check_warns_when_the_database_differs_from_the_shipped_files():
    TariffRowRecord.objects.filter(row_id="2.2@2023-01-01").update(amount=D("10.84"))
    TariffRowRecord.objects.filter(row_id="4.1@2023-01-01").update(source="corrigé à la main")
    TariffRowRecord.objects.filter(row_id="vat@2014-01-01").delete()
    TariffRowRecord.objects.create(
        row_id="2.2@2027-01-01",
        key="2.2",
        effective_from=date(2027, 1, 1),
        amount=D("11.40"),
        source="x",
        shipped=True,
    )
    # Not differences: the start date of a row whose start the file leaves unknown, and a row
    # entered by hand with the shipped figures.
    TariffRowRecord.objects.filter(row_id="4.1@until-2017-12-31").update(
        effective_from=date(2014, 1, 1)
    )
    IntegrationIncomeRecord.objects.filter(row_id="ris-single@2025-02-01").update(
        shipped=False, source="saisi à la main"
    )
    # A row entered by hand with other figures is one.
    IntegrationIncomeRecord.objects.filter(row_id="ris-family@2025-02-01").update(
        shipped=False, amount=D("1776.00")
    )
    LegalAmount.objects.update(amount=D("1250.00"))

    warnings = legal_warnings(databases=["default"])

    assert {w.id: w.level for w in warnings} == {
        "fees.W001": checks.WARNING,
        "fees.W002": checks.WARNING,
        "budget.W002": checks.WARNING,
    }
    by_id = {w.id: w.msg for w in warnings}
    assert by_id["fees.W001"].splitlines() == [
        "The tariff rows of database 'default' differ from fees/data/tariffs.json "
        "(4 difference(s)):",
        "\t2.2@2023-01-01: amount 10.84 in the database, 10.83 shipped",
        "\t4.1@2023-01-01: source differs",
        "\tvat@2014-01-01: missing",
        "\t2.2@2027-01-01: marked as shipped, not in the shipped file",
    ]
    cap = "state_intervention_cap@2010-01-09: amount 1250.00 in the database, 1200.00 shipped"
    assert cap in by_id["fees.W002"]
    assert by_id["budget.W002"].endswith(
        "ris-family@2025-02-01 (a row entered by hand): amount 1776.00 in the database, "
        "1776.07 shipped"
    )
    assert all("load_" in w.hint for w in warnings)
    # Only when a database is asked for (manage.py check --database default).
    assert legal_warnings() == []


@pytest.mark.django_db
def test_the_check_lists_a_few_differences():
    TariffRowRecord.objects.filter(key="2.2").delete()
    TariffRowRecord.objects.filter(key="4.1").delete()
    (warning,) = legal_warnings(databases=["default"])
    assert "(8 difference(s))" in warning.msg
    assert warning.msg.endswith("… and 3 more")


def test_the_check_says_nothing_before_migrate(tmp_path):
    """On a database without tables (before the first migrate, or while migrate runs its
    checks), `manage.py check --database default` passes silently."""
    environ = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "mediation.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
