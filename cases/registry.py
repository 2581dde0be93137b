"""What higher apps add to the supervisor's overview (``cases:overview``).

The overview belongs to ``cases``, but some of what a supervisor must see is known only by apps
above it: the plan arrears are the ``plans`` app's, the allowance the ``budget`` app's, the
annual reports overdue the ``reports`` app's (from the duties the agenda recorded), and ``cases``
may import none of them. Such an app registers, from its ``AppConfig.ready()``, a **count**
(``register_supervisor_count``: a filter of cases, counted per mediator in the overview's one
query, whose SQL is compiled once a day: see "Counts per mediator" below for the rule its
filter follows; its list the caseload's ``?flag=<key>``), or a **section**
(``register_supervisor_section``: a template included on the page with the context its
``context(user, today)`` returns; it must read aggregates, never every case).
ARCHITECTURE.md, "Registries".
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


# Counts per mediator ------------------------------------------------------------------------
#
# A number on the supervisor's overview, per mediator, whose cases a higher app knows (issue
# 16, "Supervisor": plan arrears, balances too low for the next allowance, overdue reports). The
# app gives a filter of cases: ``matching(cases, today)`` narrows a queryset of cases to those
# that count, in the database (an ``Exists``, a subquery, a join: never a list built in
# Python). ``cases`` counts them per mediator, and the caseload list shows them
# (``?flag=<key>``): each number links to the list behind it.
#
# The rule (issue 15): all the overview's numbers are ONE query, a ``UNION ALL`` of the counts
# by status and one aggregate per registered count (``cases.selectors._overview_counts``). Its
# SQL is compiled once per day and organisation and kept (the key: database, organisation, day,
# registered keys; only the current day's are kept), then run at every request with its
# parameters: the numbers are never cached. Hence ``matching(cases, today)`` must depend on its
# queryset and ``today`` alone: no other input (a setting, the time of day, the user), no query
# run while it builds the filter (its result would be frozen for the day). Whatever changes
# within a day (the data) stays in the SQL, read when it runs.


@dataclass(frozen=True)
class SupervisorCount:
    key: str
    label: str  # the column's heading (lazy translation)
    matching: Callable[[Any, date], Any]  # (QuerySet[Case], today) -> QuerySet[Case]
    order: int = 100
    help: str = ""  # what the number counts, in a sentence (the column's title)


_counts: dict[str, SupervisorCount] = {}


def register_supervisor_count(
    *,
    key: str,
    label: str,
    matching: Callable[[Any, date], Any],
    order: int = 100,
    help: str = "",
) -> None:
    _counts[key] = SupervisorCount(key=key, label=label, matching=matching, order=order, help=help)


def supervisor_counts() -> list[SupervisorCount]:
    return sorted(_counts.values(), key=lambda c: (c.order, c.key))


def supervisor_count(key: str) -> SupervisorCount | None:
    return _counts.get(key)
