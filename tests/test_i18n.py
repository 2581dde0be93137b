"""Translations: the Dutch catalogue is complete, compiled, and actually used.

French is the source language (msgids are French, the ``fr`` catalogue keeps empty
msgstr); ``nl`` is Belgian Dutch. The ``.mo`` files are committed so that a machine
without gettext serves the translations: they must match their ``.po``.
"""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["fr", "nl"]
NL_PO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.po"

# printf-style placeholders (python-format: %(name)s, %s, %d, …; "%%" is a literal percent)
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifeEgGxXorc%]")
# str.format / python-brace-format placeholders: {name}, {0}
BRACE_PLACEHOLDER = re.compile(r"\{[A-Za-z_0-9]*\}")
# lines of a PO entry: keyword "string" or a continuation "string"
KEYWORD_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')
PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[i] for i in sorted(self.msgstr)]

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def _unquote(quoted: str) -> str:
    body = quoted.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m.group(1), m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """A small PO parser: enough for the catalogues makemessages writes (no obsolete)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    current: tuple[str, int] | None = None  # (keyword, plural index)
    seen_keyword = False

    def flush():
        if entry is not None and seen_keyword:
            entries.append(entry)

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            entry, current, seen_keyword = None, None, False
            continue
        if line.startswith("#~"):
            continue  # obsolete entry
        if entry is None:
            entry = Entry(line=lineno)
        if line.startswith("#,"):
            entry.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        match = KEYWORD_LINE.match(line)
        if match:
            keyword, value = match.group(1), _unquote(match.group(2))
            if seen_keyword and keyword in ("msgid", "msgctxt") and current[0].startswith("msgstr"):
                # a new entry without a blank line in between
                flush()
                entry = Entry(line=lineno)
            seen_keyword = True
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                entry.msgstr[index] = value
                current = ("msgstr", index)
            else:
                setattr(entry, keyword, value)
                current = (keyword, 0)
        elif line.startswith('"') and current is not None:
            keyword, index = current
            value = _unquote(line)
            if keyword == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, keyword, getattr(entry, keyword) + value)
        else:
            raise AssertionError(f"{path}:{lineno}: unparsable line {raw!r}")
    flush()
    return entries


def placeholders(text: str, flags: set[str]) -> list[str]:
    """The placeholders of a message, for the formats gettext flagged on it."""
    found = []
    if "python-format" in flags or "%(" in text:
        found += [p for p in PERCENT_PLACEHOLDER.findall(text) if p != "%%"]
    if "python-brace-format" in flags:
        found += BRACE_PLACEHOLDER.findall(text)
    return sorted(found)


def po_catalog(path: Path) -> dict:
    """What msgfmt puts in the .mo: translated, non-fuzzy entries (and the header)."""
    catalog: dict = {}
    for entry in parse_po(path):
        if "fuzzy" in entry.flags or not entry.translated:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.is_header:  # msgfmt leaves out the extraction date
            catalog[key] = re.sub(r"(?m)^POT-Creation-Date: .*\n", "", entry.msgstr[0])
        elif entry.msgid_plural is None:
            catalog[key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                catalog[(key, index)] = text
    return catalog


def mo_catalog(path: Path) -> dict:
    with path.open("rb") as fp:
        return dict(gettext.GNUTranslations(fp)._catalog)


@pytest.fixture(scope="module")
def nl_entries() -> list[Entry]:
    assert NL_PO.exists(), "run makemessages -l nl (see tests/test_i18n.py docstring)"
    return [e for e in parse_po(NL_PO) if not e.is_header]


# (a) the Dutch catalogue --------------------------------------------------------------


def test_nl_catalogue_is_not_empty(nl_entries):
    assert len(nl_entries) > 100
    assert any(e.msgid == "Nouveau dossier" for e in nl_entries)


def test_nl_catalogue_has_no_untranslated_entry(nl_entries):
    untranslated = [str(e) for e in nl_entries if not e.translated]
    assert not untranslated, "untranslated in nl/django.po:\n" + "\n".join(untranslated)


def test_nl_catalogue_has_no_fuzzy_entry():
    fuzzy = [str(e) for e in parse_po(NL_PO) if "fuzzy" in e.flags]  # header included
    assert not fuzzy, "fuzzy in nl/django.po:\n" + "\n".join(fuzzy)


def test_nl_plural_entries_are_complete(nl_entries):
    plurals = [e for e in nl_entries if e.msgid_plural is not None]
    assert plurals, "the catalogue should have plural entries (blocktranslate count)"
    for entry in plurals:
        assert sorted(entry.msgstr) == [0, 1], entry


def test_nl_header_declares_language_and_plural_forms():
    header = next(e for e in parse_po(NL_PO) if e.is_header).msgstr[0]
    assert "Language: nl\n" in header
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header


def test_nl_translations_keep_every_placeholder(nl_entries):
    problems = []
    for entry in nl_entries:
        flags = entry.flags
        if entry.msgid_plural is None:
            expected = placeholders(entry.msgid, flags)
        else:  # each form carries every placeholder of the two source forms
            expected = sorted(
                set(placeholders(entry.msgid, flags) + placeholders(entry.msgid_plural, flags))
            )
        for index, text in enumerate(entry.translations):
            got = placeholders(text, flags)
            if entry.msgid_plural is not None:
                got = sorted(set(got))
                if index == 0:
                    # the singular may leave out the count, as the French singular does
                    # ("en retard d'un jour" / "en retard de %(n)s jours")
                    required = set(placeholders(entry.msgid, flags))
                    if required <= set(got) <= set(expected):
                        continue
            if got != expected:
                problems.append(f"{entry}: {expected} in msgid, {got} in {text!r}")
    assert not problems, "placeholder mismatch:\n" + "\n".join(problems)


def test_fr_catalogue_is_the_source_language():
    entries = parse_po(LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po")
    assert not [str(e) for e in entries if not e.is_header and any(e.msgstr.values())], (
        "French is the source language: fr/django.po keeps empty msgstr"
    )
    nl_msgids = {(e.msgctxt, e.msgid) for e in parse_po(NL_PO)}
    fr_msgids = {(e.msgctxt, e.msgid) for e in entries}
    assert fr_msgids == nl_msgids, "fr and nl catalogues were not extracted together"


# (b) the compiled catalogues ------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_file_matches_po(language):
    """The committed .mo holds exactly the translated entries of the .po."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run manage.py compilemessages --ignore=.venv"
    expected, compiled = po_catalog(po), mo_catalog(mo)
    stale = sorted(
        str(k) for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)
    )
    assert not stale, f"{mo} is out of date with {po.name} (compilemessages):\n" + "\n".join(
        stale[:20]
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_file_matches_msgfmt_output(language, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    fresh = tmp_path / "django.mo"
    # the same options as compilemessages: also validates the python-format strings
    result = subprocess.run(
        [msgfmt, "--check-format", "-o", str(fresh), str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert mo_catalog(fresh) == mo_catalog(po.with_suffix(".mo")), (
        f"locale/{language}/LC_MESSAGES/django.mo is stale: run compilemessages"
    )


# (c) the interface in both languages ---------------------------------------------------


@pytest.fixture
def mediator_client(client, world):
    client.force_login(world.mediator)
    return client


def test_case_list_is_french_by_default(mediator_client):
    response = mediator_client.get(reverse("cases:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "Nouveau dossier" in content
    assert "Nieuw dossier" not in content


def test_case_list_follows_accept_language(mediator_client):
    response = mediator_client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="nl">' in content
    assert "Nieuw dossier" in content
    assert "Nouveau dossier" not in content
    assert "Exporteren (csv)" in content  # template string
    assert "Afdeling" in content  # form label from Python (gettext_lazy)


def test_set_language_switches_to_dutch_and_back(mediator_client):
    url = reverse("cases:list")
    response = mediator_client.post(reverse("set_language"), {"language": "nl", "next": url})
    assert response.status_code == 302
    assert response.url == url
    content = mediator_client.get(url).content.decode()
    assert "Nieuw dossier" in content
    assert "Nouveau dossier" not in content

    mediator_client.post(reverse("set_language"), {"language": "fr", "next": url})
    content = mediator_client.get(url).content.decode()
    assert "Nouveau dossier" in content
    assert "Nieuw dossier" not in content


def test_case_detail_in_dutch_uses_the_legal_vocabulary(mediator_client, world):
    response = mediator_client.get(
        reverse("cases:detail", args=[world.case.pk]), HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Beschikking van toelaatbaarheid" in content
    assert "Arbeidsrechtbank, afdeling" in content
    assert "Namen" in content  # the division of the case, namur
    assert "Rubriekrekening" in content
