"""The demo shows no internal names (issue #16): what a visitor reads is what a mediator would
write, never a developer's label such as "(seed 000)"."""

import ast
import re
from pathlib import Path

from tests.project import PACKAGES

BASE_DIR = Path(__file__).resolve().parent.parent
INTERNAL = re.compile(r"\(seed \d+\)|seed \d{3}", re.IGNORECASE)


def _string_literals_outside_comments(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None and node.body and isinstance(node.body[0], ast.Expr):
                docstrings.add(id(node.body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_demo_commands_write_no_internal_names():
    offenders = []
    for package in PACKAGES:
        for path in (BASE_DIR / package).glob("management/commands/seed_demo*.py"):
            for text in _string_literals_outside_comments(path):
                if INTERNAL.search(text):
                    offenders.append(f"{path.relative_to(BASE_DIR)}: {text!r}")
    assert offenders == []
