"""The caseload's rows, written in Python (issue 15): 25 rows of six cells, rendered node by
node by the template engine, were a third of the page's time. The HTML is the one the template
wrote (``tests/test_caseload_rows.py`` compares them); every text is escaped."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cases.status import CaseStatus
from core.dates import format_date
from core.divisions import Division

register = template.Library()

_PK = 987654321  # a number no case has: its place in the reversed URL


@register.simple_tag
def case_rows(cases) -> SafeString:
    """The table's rows: ``cases`` have the listed columns (``selectors.caseload_listed``) and
    their applicants' names (``selectors.attach_listed_applicants``)."""
    if not cases:
        empty = escape(_("Aucun dossier ne correspond à ces critères."))
        return mark_safe(  # noqa: S308 (an escaped message)
            f'    <tr><td colspan="6" class="text-center text-muted py-4">{empty}</td></tr>\n'
        )
    head, tail = reverse("cases:detail", args=[_PK]).split(str(_PK))
    divisions = {code: escape(label) for code, label in Division.choices}
    statuses = {code: escape(label) for code, label in CaseStatus.choices}
    rows = []
    for case in cases:
        role = case.role_number
        role = f'<br><small class="text-muted">{escape(role)}</small>' if role else ""
        names = "<br>".join(escape(name) for name in case.listed_applicants)
        division = divisions.get(case.division, escape(case.division))
        status = escape(case.status)
        link = f'<a href="{head}{int(case.pk)}{tail}">{escape(case.reference)}</a>'
        rows.append(
            "    <tr>\n"
            f"      <td>{link}{role}</td>\n"
            f"      <td>{names}</td>\n"
            f"      <td>{division}</td>\n"
            f'      <td><span class="badge status-badge status-{status}">'
            f"{statuses.get(case.status, status)}</span></td>\n"
            f"      <td>{escape(format_date(case.admissibility_date))}</td>\n"
            f"      <td>{escape(str(case.mediator))}</td>\n"
            "    </tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every text escaped, numbers, known codes)
