"""One way to show a date (``core.dates.format_date`` / ``format_datetime`` and the template
filters ``|dmy`` / ``|dmy_hm`` built on them), and a scan of the sources so that it stays the
only one."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone

from core.dates import DATE_FORMAT, format_date, format_datetime

from .project import PACKAGES as APPS
from .project import ROOT

# Where a display format may be written: the helper itself, and Django's locale format modules
# (the input formats a date field accepts, read by Django, not a date shown).
ALLOWED = {
    Path("core/dates.py"),
    Path("mediation/formats/fr/formats.py"),
    Path("mediation/formats/nl/formats.py"),
}
INLINE_PY = re.compile(r"%d/%m|%m/%Y")
INLINE_HTML = re.compile(r"\|\s*date\s*:\s*[\"'](?:[^\"']*d/m|SHORT_DATE)")


def test_format_date():
    assert format_date(date(2023, 6, 15)) == "15/06/2023"
    assert format_date(datetime(2023, 6, 15, 23, 59)) == "15/06/2023"  # its date, as given
    assert format_date(None) == ""
    assert format_date(None, empty="—") == "—"
    assert format_date(date(2023, 6, 5), "month") == "06/2023"
    assert format_date(date(2023, 6, 5), "day_month") == "05/06"
    assert date(2023, 6, 15).strftime(DATE_FORMAT) == "15/06/2023"  # the date widgets' format


def test_format_datetime():
    assert format_datetime(datetime(2023, 6, 15, 9, 5)) == "15/06/2023 09:05"
    assert format_datetime(None) == ""
    assert format_datetime(None, empty="?") == "?"


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_template_filters_show_local_time_like_django_date(language, settings):
    settings.LANGUAGE_CODE = language
    late = datetime(2023, 6, 14, 22, 30, tzinfo=UTC)  # 15/06/2023 00:30 in Brussels
    template = Template(
        '{% load fr_be %}{{ d|dmy }}|{{ t|dmy }}|{{ t|dmy_hm }}|{{ t|date:"d/m/Y H:i" }}|'
        "{{ none|dmy }}|{{ none|dmy|default:'—' }}"
    )
    with timezone.override("Europe/Brussels"):
        rendered = template.render(Context({"d": date(2023, 6, 15), "t": late, "none": None}))
    assert rendered == "15/06/2023|15/06/2023|15/06/2023 00:30|15/06/2023 00:30||—"


def _python_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            yield relative


def test_no_module_formats_a_date_inline():
    """Dates are shown through ``core.dates`` (file-name stamps such as ``%Y%m%d``, ISO dates
    and the CODA ``%d%m%y`` fields are not a date shown, and are left to their modules)."""
    offenders = [
        f"{path}:{number}"
        for path in _python_sources()
        if path not in ALLOWED
        for number, line in enumerate((ROOT / path).read_text("utf-8").splitlines(), 1)
        if INLINE_PY.search(line)
    ]
    assert offenders == []


def test_no_template_formats_a_date_inline():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if INLINE_HTML.search(line)
    ]
    assert offenders == []


def test_the_scan_sees_an_inline_format():
    assert INLINE_PY.search('f"{on:%d/%m/%Y}"') and INLINE_PY.search('d.strftime("%m/%Y")')
    assert INLINE_HTML.search('{{ x|date:"d/m/Y H:i" }}') and INLINE_HTML.search(
        "{{ x|date:'SHORT_DATE_FORMAT' }}"
    )
    assert not INLINE_HTML.search('{{ now|date:"H:i" }}{{ m|date:"F Y" }}')
    assert all((ROOT / path).exists() for path in ALLOWED)
