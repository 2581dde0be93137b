"""The case-scoped view plumbing every app uses: one way to fetch "the case, if this user may
see it" or "…may edit it", the case page's tabs and overview sections, and the context every
case page shares.

``core`` is the lowest layer: it knows no ``Case`` model. The ``cases`` app registers how a
case is looked up and who may edit it (``register_case_access``, from its ``AppConfig.ready``);
every app that has a tab on the case page or a section on its overview registers it here the
same way (``register_tab``, ``register_overview_section``). A higher app plugs into a lower one;
the lower one never imports it (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class CaseTab:
    key: str
    label: Any  # a lazy translation
    url_name: str  # a URL taking the case's pk
    order: int


@dataclass(frozen=True)
class OverviewSection:
    """A card on the case overview: ``template`` is included with the context ``context``
    returns (a dict merged into the page's context)."""

    key: str
    template: str
    context: Callable[[Any, date], dict]
    order: int


@dataclass(frozen=True)
class CaseAccess:
    get_for_user: Callable[[Any, int], Any]  # (user, pk) -> case, or Http404
    can_edit: Callable[[Any, Any], bool]  # (user, case) -> bool
    context: Callable[[Any, Any], dict]  # (user, case) -> what every case page shows


_access: CaseAccess | None = None
_tabs: dict[str, CaseTab] = {}
_sections: dict[str, OverviewSection] = {}


def register_case_access(
    *,
    get_for_user: Callable[[Any, int], Any],
    can_edit: Callable[[Any, Any], bool],
    context: Callable[[Any, Any], dict],
) -> None:
    global _access
    _access = CaseAccess(get_for_user=get_for_user, can_edit=can_edit, context=context)


def register_tab(*, key: str, label, url_name: str, order: int) -> None:
    _tabs[key] = CaseTab(key=key, label=label, url_name=url_name, order=order)


def register_overview_section(
    *, key: str, template: str, context: Callable[[Any, date], dict], order: int
) -> None:
    _sections[key] = OverviewSection(key=key, template=template, context=context, order=order)


def _registered() -> CaseAccess:
    if _access is None:
        raise ImproperlyConfigured("No case access registered: is the 'cases' app installed?")
    return _access


# --- what views call -------------------------------------------------------------------------


def case_for_user(request, pk: int):
    """The case ``pk`` if the user may see it; 404 otherwise (the same answer whether the case
    does not exist or belongs to someone else). The request remembers it (``case_read``): the
    audit trail records who read which case and downloaded what of it (``audit.middleware``)."""
    case = _registered().get_for_user(request.user, pk)
    request.case_read = case
    return case


def user_can_edit(request, case) -> bool:
    return _registered().can_edit(request.user, case)


def require_edit(request, case) -> None:
    """403 unless the user may change ``case``."""
    if not user_can_edit(request, case):
        raise PermissionDenied


def case_for_edit(request, pk: int):
    """The case ``pk`` if the user may change it: 404 if they may not see it, 403 if they may
    see it but not change it."""
    case = case_for_user(request, pk)
    require_edit(request, case)
    return case


def case_tabs(case) -> list[tuple[str, str, str]]:
    """(key, label, url) of the case page's tabs, in their order. Each tab's URL is reversed
    once (``_tab_url``, with a stand-in number for the case), then given the case's: every case
    page shows some fifteen tabs, and a ``reverse`` costs some 0.1 ms (issue 15)."""
    where = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    pk = str(case.pk)
    tabs = []
    for tab in sorted(_tabs.values(), key=lambda t: (t.order, t.key)):
        url = _tab_url(tab.url_name, *where)
        url = url.replace(_STAND_IN, pk, 1) if url else reverse(tab.url_name, args=[case.pk])
        tabs.append((tab.key, tab.label, url))
    return tabs


_STAND_IN = "918273645"


@lru_cache(maxsize=256)
def _tab_url(url_name: str, prefix: str, urlconf: str) -> str:
    """The tab's URL for the case numbered ``_STAND_IN`` ("" if that number shows elsewhere in
    the URL too: then reversed for each case); the script prefix and the URL configuration,
    which ``reverse`` reads, are part of the key."""
    url = reverse(url_name, args=[int(_STAND_IN)])
    return url if url.count(_STAND_IN) == 1 else ""


def overview_sections(case, today: date) -> tuple[list[str], dict]:
    """The templates of the overview's registered sections, in order, and their context."""
    templates, context = [], {}
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        templates.append(section.template)
        context.update(section.context(case, today))
    return templates, context


def case_context(request, case, tab: str) -> dict:
    """The context every case page shares: the case, its tabs, the current tab, and what the
    ``cases`` app adds (may the user edit, the national number shown in full, next statuses)."""
    access = _registered()
    context = {"case": case, "tab": tab, "tabs": case_tabs(case)}
    context.update(access.context(request.user, case))
    context.setdefault("can_edit", access.can_edit(request.user, case))
    return context
