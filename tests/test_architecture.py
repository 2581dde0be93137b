"""The layers of ARCHITECTURE.md hold, and the contracts that enforce them do fail on a breach.

``make test`` runs ``lint-imports`` on the project; these tests run it on a copy of the project
with one bad import added, to show that each contract catches what it is there for.
"""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .project import PACKAGES as APPS
from .project import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project_copy(tmp_path):
    """The project's Python packages and its import-linter configuration, in a scratch folder."""
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_line(root: Path, module: str, line: str) -> None:
    path = root / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_project_keeps_its_import_contracts():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers(project_copy):
    # the ledger (a lower layer) reaching for the plans (a higher one)
    _add_line(project_copy, "ledger/selectors.py", "from plans.models import PlanVersion  # noqa")
    result = _lint(project_copy)
    assert result.returncode == 1
    assert "Apps are layered: a lower app never imports a higher one BROKEN" in result.stdout
    assert "ledger.selectors -> plans.models" in result.stdout


def test_core_importing_any_app_breaks_the_layers(project_copy):
    _add_line(project_copy, "core/money.py", "import cases.models  # noqa")
    result = _lint(project_copy)
    assert result.returncode == 1
    assert "core.money -> cases.models" in result.stdout


def test_importing_another_apps_views_breaks_a_contract(project_copy):
    _add_line(project_copy, "plans/selectors.py", "from claims.views import case_claims  # noqa")
    result = _lint(project_copy)
    assert result.returncode == 1
    assert "No app imports another app's views BROKEN" in result.stdout
    assert "plans.selectors -> claims.views" in result.stdout


def test_importing_another_apps_private_name_breaks_a_contract(project_copy):
    _add_line(project_copy, "plans/selectors.py", "from claims.selectors import _norm  # noqa")
    result = _lint(project_copy)
    assert result.returncode == 1
    assert "No app imports another app's private modules or names (_name) BROKEN" in result.stdout
    # lint-imports wraps its long lines: read the report with its whitespace collapsed
    assert "from claims.selectors import _norm" in " ".join(result.stdout.split())


def _function_level_imports():
    """First-party imports written inside a function, but for ``AppConfig.ready`` (Django loads
    models only then)."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if path.name == "apps.py" and function.name == "ready":
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.ImportFrom):
                        module = node.module or ""
                        if node.level or module.split(".")[0] in APPS:
                            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                    elif isinstance(node, ast.Import) and any(
                        alias.name.split(".")[0] in APPS for alias in node.names
                    ):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_import_of_the_project_hides_inside_a_function():
    """Such imports dodge a circle between modules; the layers leave none to dodge."""
    assert _function_level_imports() == []
