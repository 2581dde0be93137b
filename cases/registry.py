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


# --- checks of a status change that higher apps provide ---------------------------------------
#
# A status change is a court decision the ``cases`` app records (``services.case_change_status``),
# but whether the decision has what it decides on is known only by apps above it: a homologation
# or an imposed judicial plan needs a plan, which is the ``plans`` app's (issue 17, "Conversion":
# "Changer le statut" homologated without any plan). Such an app registers a check from its
# ``AppConfig.ready()``: ``check(case, to_status)`` returns the refusals (French messages), an
# empty list when the change may go ahead.

StatusCheck = Callable[[Any, str], list[str]]

_status_checks: dict[str, StatusCheck] = {}


def register_status_check(*, key: str, check: StatusCheck) -> None:
    _status_checks[key] = check


def status_check_errors(case, to_status: str) -> list[str]:
    """Every registered check's refusals of moving ``case`` to ``to_status``, in key order."""
    messages: list[str] = []
    for key in sorted(_status_checks):
        messages.extend(_status_checks[key](case, to_status))
    return messages
