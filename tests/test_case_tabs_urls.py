"""The case page's tabs (``core.case_views.case_tabs``): each tab's URL is reversed once with a
stand-in number and given the case's (issue 15); the same URLs as ``reverse``, whatever the case
and the script prefix."""

from types import SimpleNamespace

from django.urls import get_script_prefix, reverse, set_script_prefix

from core import case_views
from core.case_views import case_tabs


def test_the_tabs_urls_are_reverse_s_for_every_case():
    for pk in (1, 9, 42, 918273645, 91827364, 2_000_000_001):
        tabs = case_tabs(SimpleNamespace(pk=pk))
        assert len(tabs) >= 10
        for key, _label, url in tabs:
            tab = case_views._tabs[key]
            assert url == reverse(tab.url_name, args=[pk]), key


def test_the_script_prefix_is_part_of_the_kept_url():
    case = SimpleNamespace(pk=7)
    before = case_tabs(case)
    saved = get_script_prefix()
    set_script_prefix("/rcd/")
    try:
        moved = case_tabs(case)
    finally:
        set_script_prefix(saved)
    assert [url for _k, _l, url in moved] == ["/rcd" + url for _k, _l, url in before]
    assert case_tabs(case) == before
