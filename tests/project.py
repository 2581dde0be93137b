"""The project's own Python packages, as the import contracts name them (``root_packages`` of
``[tool.importlinter]`` in ``pyproject.toml``): the one list the source-scanning tests read."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES: list[str] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "importlinter"
]["root_packages"]
# The Django apps among them (``mediation`` is the project: settings, URLs, Celery).
APPS: list[str] = [name for name in PACKAGES if name != "mediation"]
