"""Sections of the supervisor's overview (``cases:overview``) that higher apps provide.

The overview belongs to ``cases``, but some of what a supervisor must see is known only by apps
above it: the annual reports due and overdue are the ``reports`` app's (from the duties the
agenda recorded), and ``cases`` may import neither. Such an app registers a section from its
``AppConfig.ready()``: a template included on the page with the context its ``context(user,
today)`` returns (a dict merged into the page's context). ARCHITECTURE.md, "Registries".
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class SupervisorSection:
    key: str
    template: str
    context: Callable[[Any, date], dict]  # (user, today) -> context of the template
    order: int = 100


_sections: dict[str, SupervisorSection] = {}


def register_supervisor_section(
    *, key: str, template: str, context: Callable[[Any, date], dict], order: int = 100
) -> None:
    _sections[key] = SupervisorSection(key=key, template=template, context=context, order=order)


def supervisor_sections(user, today: date) -> tuple[list[str], dict]:
    """The registered sections' templates, in order, and their merged context."""
    templates, context = [], {}
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        templates.append(section.template)
        context.update(section.context(user, today))
    return templates, context
