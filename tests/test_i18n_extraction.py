"""Every message the code translates is in the compiled Dutch catalogue.

The tables written in Python (issue 15) translate through small helpers (``_translate("…")``,
``_translated("…")``, ``_t("…")``) and often inside f-strings, which xgettext does not read: a
message left only there was dropped from the catalogues by ``makemessages`` (made obsolete), and
a Dutch reader saw it in French. ``core/management/commands/makemessages.py`` adds the helpers as
keywords; a message inside an f-string is marked with ``gettext_noop`` beside it. This test
reads the code as the translation does at run time: each literal message passed to ``gettext``,
``_``, ``gettext_lazy`` or one of those helpers must be a key of ``locale/nl/…/django.mo``.
"""

import ast
import gettext
from pathlib import Path

from django.conf import settings

from core.management.commands.makemessages import ROW_HELPERS

ROOT = Path(settings.BASE_DIR)
SKIP = {".venv", "node_modules", "tests", "migrations", "staticfiles", "test-artifacts"}
TRANSLATING = {"gettext", "_", "gettext_lazy", "gettext_noop", *ROW_HELPERS}


def _name(func) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _messages():
    for path in sorted(ROOT.rglob("*.py")):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _name(node.func) in TRANSLATING and node.args):
                continue
            first = node.args[0]
            literals = [first] if isinstance(first, ast.Constant) else []
            if isinstance(first, ast.IfExp):
                literals = [a for a in (first.body, first.orelse) if isinstance(a, ast.Constant)]
            for literal in literals:
                if isinstance(literal.value, str) and literal.value.strip():
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", literal.value


def test_every_message_of_the_code_is_in_the_dutch_catalogue():
    with (ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.mo").open("rb") as fp:
        catalogue = gettext.GNUTranslations(fp)._catalog
    # a template's {% translate %} looks a message up with its percent signs doubled
    missing = [
        f"{where}: {message!r}"
        for where, message in _messages()
        if message not in catalogue and message.replace("%", "%%") not in catalogue
    ]
    assert missing == []


def test_the_scan_sees_messages_inside_f_strings():
    """The scan itself: a helper call inside an f-string is found (the five plan-tab messages
    that had gone French were all written so)."""
    found = {message: where for where, message in _messages()}
    assert "Évolution du solde restant dû pendant le plan" in found
    assert found["Évolution du solde restant dû pendant le plan"].startswith("plans/")
