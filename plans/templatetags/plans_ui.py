"""The plan's schedule tables, written in Python (issue 15).

A 7-year monthly plan of ten creditors is 84 rows of 15 amounts: through the template (a
``{{ d|eur }}`` and a loop node a cell) the yearly and the detailed schedule made the plan tab
six times the layout page. ``schedule_table`` writes the same markup as the template did
(``plans/_schedule_table.html`` until then), with the same messages (``{% translate %}``'s output
escaped as the tag does) and every text escaped; an amount is formatted once per table (``eur``,
in the active language).
"""

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import floatformat, linebreaksbr
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, gettext_noop

from core.dates import format_date, format_datetime
from core.money import format_eur
from core.templatetags.fr_be import phrase
from plans.engine import PlanResult
from plans.models import PlanState
from plans.tables import Schedule

register = template.Library()

# Messages written only inside the f-strings below, which xgettext does not read: marked here so
# that makemessages keeps them in the catalogues (tests/test_i18n_extraction.py).
_IN_F_STRINGS = (
    gettext_noop("Non affecté"),
    gettext_noop("Privilégiée"),
    gettext_noop("Payé par le plan"),
    gettext_noop("Non remis (reste dû)"),
    gettext_noop("Évolution du solde restant dû pendant le plan"),
    gettext_noop("Version"),
    gettext_noop("Type"),
    gettext_noop("État"),
    gettext_noop("Établie"),
    gettext_noop("Motif"),
    gettext_noop("Décision du tribunal"),
    gettext_noop("Historique des versions"),
    gettext_noop("remplacée"),
    gettext_noop("en vigueur"),
)


def _translate(message: str) -> str:
    """``{% translate message %}``: translated, then escaped. The tag looks a message up with its
    percent signs doubled (``"%% remboursé"`` in the catalogues) and restores them."""
    return escape(gettext(message.replace("%", "%%")).replace("%%", "%"))


def _kept(owner, key: tuple, write) -> SafeString:
    """What ``write()`` writes of ``owner`` (a plan's result or schedule), kept in the owner's
    ``__dict__`` (outside a dataclass's fields: equality and ``replace`` ignore it) under
    ``key`` and the active language: a plan shown again is the same result (kept by its terms,
    ``plans.selectors._plan_of_terms``, and what is drawn of it, ``plans.tables.drawn``), so
    its tables are written once (issue 15). The markup is the result's alone: no URL, no date
    of the day, nothing of the case or the reader but the language."""
    kept = owner.__dict__.setdefault("_plans_ui_html", {})
    key = (*key, get_language() or "fr")
    html = kept.get(key)
    if html is None:
        html = kept[key] = write()
    return html


@register.simple_tag
def schedule_table(table: Schedule, first_header: str, due_header: str) -> SafeString:
    return _kept(
        table,
        ("schedule", str(first_header), str(due_header)),
        lambda: _schedule_table(table, first_header, due_header),
    )


def _schedule_table(table: Schedule, first_header: str, due_header: str) -> SafeString:
    """``table`` (``plans.tables.Schedule``: per period or per plan year) as a table: the period,
    its due date or months, what is available, the fees, a column per creditor, the dividends'
    total, what is not allocated (when any period has some) and what is still owed."""
    language = get_language() or "fr"
    formatted: dict = {}

    def eur(value) -> str:
        """``{{ value|eur }}``: the same amount is formatted once."""
        text = formatted.get(value)
        if text is None:
            text = formatted[value] = escape(format_eur(value, language))
        return text

    unallocated = table.has_unallocated
    right = '<th scope="col" class="text-end">'
    out = [
        '<table class="table table-sm table-striped mb-0 small">',
        "<thead><tr>",
        f'<th scope="col">{escape(first_header)}</th>',
        f'<th scope="col">{escape(due_header)}</th>',
        f"{right}{_translate('Disponible')}</th>",
        f"{right}{_translate('Honoraires')}</th>",
        *(
            f'<th scope="col" class="text-end creditor-col">{escape(c.name)}</th>'
            for c in table.columns
        ),
        f"{right}{_translate('Total dividendes')}</th>",
    ]
    if unallocated:
        out.append(f"{right}{_translate('Non affecté')}</th>")
    out += [f"{right}{_translate('Reste dû')}</th>", "</tr></thead>", "<tbody>"]
    for row in table.rows:
        cells = "".join(f'<td class="text-end">{eur(d)}</td>' for d in row.dividends)
        out.append(
            f"<tr><td>{escape(row.label)}</td><td>{escape(row.due)}</td>"
            f'<td class="text-end">{eur(row.available)}</td>'
            f'<td class="text-end">{eur(row.fees)}</td>'
            f"{cells}"
            f'<td class="text-end fw-semibold">{eur(row.to_creditors)}</td>'
            + (f'<td class="text-end">{eur(row.unallocated)}</td>' if unallocated else "")
            + f'<td class="text-end">{eur(row.remaining)}</td></tr>'
        )
    totals = "".join(f'<td class="text-end">{eur(t)}</td>' for t in table.totals)
    out += [
        "</tbody>",
        '<tfoot class="fw-bold"><tr>',
        f'<td colspan="2">{_translate("Total")}</td>',
        f'<td class="text-end">{eur(table.available)}</td>',
        f'<td class="text-end">{eur(table.fees)}</td>',
        totals,
        f'<td class="text-end">{eur(table.to_creditors)}</td>',
        f'<td class="text-end">{eur(table.unallocated)}</td>' if unallocated else "",
        "<td></td>",
        "</tr></tfoot>",
        "</table>",
    ]
    return mark_safe("\n".join(out))  # noqa: S308 (every text above is escaped)


def _rank_badges(line) -> str:
    """``plans/_rank_badges.html``."""
    out = []
    if line.privileged:
        out.append(f'<span class="badge text-bg-primary">{_translate("Privilégiée")}</span> ')
    if line.non_remissible:
        out.append(f'<span class="badge text-bg-danger">{_translate("Non remissible")}</span> ')
    if not line.privileged and not line.non_remissible:
        out.append(
            f'<span class="badge text-bg-light border">{_translate("Chirographaire")}</span>'
        )
    return "".join(out)


@register.simple_tag
def creditors_table(result: PlanResult) -> SafeString:
    return _kept(result, ("creditors",), lambda: _creditors_table(result))


def _creditors_table(result: PlanResult) -> SafeString:
    """The plan's split per creditor (``plans/_creditors_table.html`` until issue 15): what each
    creditor is admitted for, already paid (when any is), its share, usual dividend, what the
    plan pays it, the percentage repaid, the remission and what is not remitted; a creditor
    with several lines (ranks) has a row for each below its own."""
    language = get_language() or "fr"

    def eur(value) -> str:
        return escape(format_eur(value, language))

    def pct(value) -> str:
        return escape(floatformat(value, 2))

    paid_before = bool(result.already_paid)
    cell = '<td class="text-end text-nowrap">'
    head = '<th scope="col" class="text-end">'
    out = [
        '<div class="table-responsive">',
        '<table class="table table-sm align-middle mb-0" id="plan-creditors">',
        '<thead class="table-light"><tr>',
        f'<th scope="col">{_translate("Créancier")}</th>',
        f"{head}{_translate('Créance admise')}</th>",
    ]
    if paid_before:
        out.append(f"{head}{_translate('Déjà payé')}</th>")
    out += [
        f"{head}{_translate('Part')}</th>",
        f"{head}{_translate('Dividende habituel')}</th>",
        f"{head}{_translate('Payé par le plan')}</th>",
        f"{head}{_translate('% remboursé')}</th>",
        f"{head}{_translate('Remise')}</th>",
        f"{head}{_translate('Non remis (reste dû)')}</th>",
        "</tr></thead>",
        "<tbody>",
    ]
    for c in result.creditors:
        single = len(c.lines) == 1
        badges = f" {_rank_badges(c.lines[0].line)}" if single else ""
        not_remitted = c.not_remitted
        out.append(
            f'<tr><th scope="row" class="fw-normal">{escape(c.name)}{badges}</th>'
            f"{cell}{eur(c.admitted)}</td>"
            + (f"{cell}{eur(c.already_paid)}</td>" if paid_before else "")
            + f"{cell}{pct(c.share_pct)} %</td>"
            f"{cell}{eur(c.usual_dividend)}</td>"
            f'<td class="text-end text-nowrap fw-semibold">{eur(c.paid)}</td>'
            f"{cell}{pct(c.percent_repaid)} %</td>"
            f"{cell}{eur(c.remitted)}</td>"
            f'<td class="text-end text-nowrap {"text-danger fw-semibold" if not_remitted else ""}">'
            f"{eur(not_remitted)}</td></tr>"
        )
        if not single:
            for r in c.lines:
                out.append(
                    '<tr class="small text-muted">'
                    f'<td class="ps-4">{_rank_badges(r.line)}</td>'
                    f"{cell}{eur(r.line.admitted)}</td>"
                    + (f"{cell}{eur(r.line.already_paid)}</td>" if paid_before else "")
                    + f"{cell}{pct(r.share_pct)} %</td>"
                    f"{cell}{eur(r.usual_dividend)}</td>"
                    f"{cell}{eur(r.paid)}</td>"
                    f"{cell}{pct(r.percent_repaid)} %</td>"
                    f"{cell}{eur(r.remitted)}</td>"
                    f"{cell}{eur(r.not_remitted)}</td></tr>"
                )
    total = '<td class="text-end text-nowrap">'
    out += [
        "</tbody>",
        '<tfoot class="table-light fw-bold"><tr>',
        f'<th scope="row">{_translate("Total")}</th>',
        f"{total}{eur(result.admitted)}</td>",
        f"{total}{eur(result.already_paid)}</td>" if paid_before else "",
        f"{total}{'100,00 %' if result.lines else ''}</td>",
        f"{total}{eur(result.usual_to_creditors)}</td>",
        f"{total}{eur(result.paid)}</td>",
        f"{total}{pct(result.percent_repaid)} %</td>",
        f"{total}{eur(result.remitted)}</td>",
        f"{total}{eur(result.not_remitted)}</td>",
        "</tr></tfoot>",
        "</table></div>",
    ]
    return mark_safe("\n".join(out))  # noqa: S308 (every text above is escaped)


@register.simple_tag
def debt_chart_svg(chart, interactive=False) -> SafeString:
    """The chart of the remaining debt (``plans.charts.DebtChart``) as an inline SVG: the same
    markup as the template did (``plans/_debt_chart.html`` until then), written in Python (issue
    15: a loop node and a few filters a marker, 84 markers for a 7-year plan). ``interactive``:
    with a marker and its tooltip a period (the page; not the PDF)."""
    out = [
        f'<svg class="plan-chart" viewBox="0 0 {chart.width} {chart.height}" role="img"'
        ' aria-labelledby="plan-chart-title" preserveAspectRatio="xMidYMid meet"'
        ' xmlns="http://www.w3.org/2000/svg">\n'
        '  <title id="plan-chart-title">'
        f"{_translate('Évolution du solde restant dû pendant le plan')}</title>\n  "
    ]
    left, right, bottom = chart.left, chart.right, chart.bottom
    for y, label in chart.y_ticks:
        out.append(
            f'\n  <line class="grid" x1="{left}" x2="{right}" y1="{y}" y2="{y}"'
            ' stroke="#e5e7eb"/>\n'
            f'  <text class="axis" x="{left - 8}" y="{y}" text-anchor="end"'
            f' dominant-baseline="middle" font-size="12" fill="#555">{escape(label)}</text>\n  '
        )
    out.append("\n  ")
    for x, label in chart.x_ticks:
        out.append(
            f'\n  <line class="tick" x1="{x}" x2="{x}" y1="{bottom}" y2="{bottom + 5}"'
            ' stroke="#999"/>\n'
            f'  <text class="axis" x="{x}" y="{bottom + 20}" text-anchor="middle" font-size="12"'
            f' fill="#555">{escape(label)}</text>\n  '
        )
    out.append(
        f'\n  <path class="debt-area" d="{escape(chart.debt_area)}" fill="#0d6efd"'
        ' fill-opacity="0.12"/>\n'
        f'  <path class="debt-line" d="{escape(chart.debt_line)}" fill="none" stroke="#0d6efd"'
        ' stroke-width="2.5"/>\n  '
    )
    if chart.non_remissible_line:
        out.append(
            f'<path class="nr-line" d="{escape(chart.non_remissible_line)}" fill="none"'
            ' stroke="#b02a37" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    out.append(
        f'\n  <line class="axis-line" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"'
        ' stroke="#999"/>\n'
        f'  <text class="end-label" x="{right - 4}" y="{chart.end_y}" dy="-6" text-anchor="end"'
        f' font-size="12" fill="#0d6efd">{escape(chart.end_label)}</text>\n  '
    )
    if interactive:
        out.extend(
            f'<circle class="marker" cx="{m.x}" cy="{m.y}" r="5"><title>{escape(m.title)}</title>'
            "</circle>"
            for m in chart.markers
        )
    out.append("\n</svg>")
    return mark_safe("".join(out))


# What ``plans/_result.html`` reads of the version shown, besides the result and what is drawn
# of it: the markup is kept under these values (and the note shown, and the language).
_RESULT_PART_FIELDS = (
    "monthly_available",
    "available_source",
    "duration_months",
    "start_date",
    "fee_source",
    "frequency_months",
)


@register.simple_tag(takes_context=True)
def result_part(context) -> SafeString:
    """The plan tab's figures, alerts, creditors, chart and schedules of ``result``
    (``plans/_result.html``, rendered in the page's context), written once per result, figures
    of the version shown (``_RESULT_PART_FIELDS``), note shown (``available_note``) and
    language, and kept with the result (``_kept``; issue 15: some 60 nodes and 20 messages a
    request). The part shows nothing of the case or the reader but the language: no URL, no
    date of the day."""
    version, result = context["version"], context["result"]
    key = (
        "result part",
        *(getattr(version, name) for name in _RESULT_PART_FIELDS),
        str(context.get("available_note") or ""),
    )
    template = context.template.engine.get_template("plans/_result.html")
    return _kept(result, key, lambda: mark_safe(template.render(context)))


def _shown_user(user) -> str:
    """``{{ user.get_full_name|default:user }}``, escaped (no user: "None", as the template)."""
    return escape((user.get_full_name() if user is not None else "") or user)


@register.simple_tag(takes_context=True)
def plan_history(context) -> SafeString:
    """The versions of the case's plan (``versions``, the one shown ``version``, the one in
    force ``in_force``) as the table ``plans/_history.html`` wrote (issue 15: some 40 nodes and
    filters a version), every text escaped."""
    case, shown, in_force = context["case"], context.get("version"), context.get("in_force")
    out = [
        '<div class="card shadow-sm mb-3"><div class="card-header">'
        f"{_translate('Historique des versions')}</div>\n"
        '<div class="table-responsive"><table class="table table-sm mb-0 small"'
        ' id="plan-history">\n  <thead class="table-light"><tr>',
        *(
            f"<th>{_translate(header)}</th>"
            for header in ("Version", "Type", "État", "Établie", "Motif", "Décision du tribunal")
        ),
        "</tr></thead>\n  <tbody>",
    ]
    for v in context["versions"]:
        url = reverse("plans:version_detail", args=[case.pk, v.number])
        state = escape(v.state_label)
        if in_force and v.state == PlanState.APPROVED and v.number < in_force.number:
            state += f' <span class="badge text-bg-light border">{_translate("remplacée")}</span>'
        elif in_force and v.pk == in_force.pk:
            state += f' <span class="badge text-bg-success">{_translate("en vigueur")}</span>'
        if v.filed_document:
            filed = gettext("déposé au greffe le %(d)s") % {
                "d": escape(format_date(template_localtime(v.filed_document.filed_at)))
            }
            state += f'<br><span class="text-muted">{filed}</span>'
        if v.decision_date:
            decision = escape(format_date(v.decision_date))
            if v.decision_reference:
                decision += f" · {escape(v.decision_reference)}"
            by = gettext("encodée par %(who)s") % {"who": _shown_user(v.decided_by)}
            decision += f'<br><span class="text-muted">{by}</span>'
        else:
            decision = "—"
        active = ' class="table-active"' if shown and v.pk == shown.pk else ""
        out.append(
            f"\n    <tr{active}>\n"
            f'      <td><a href="{escape(url)}">v{escape(localize(v.number))}</a></td>\n'
            f"      <td>{escape(v.get_kind_display())}</td>\n"
            f"      <td>{state}</td>\n"
            f"      <td>{escape(format_datetime(template_localtime(v.created_at)))}<br>"
            f'<span class="text-muted">{_shown_user(v.created_by)}</span></td>\n'
            f"      <td>{linebreaksbr(v.reason or '—', autoescape=True)}</td>\n"
            f"      <td>{decision}</td>\n"
            "    </tr>\n  "
        )
    out.append("</tbody>\n</table></div></div>\n")
    return mark_safe("".join(out))


@register.simple_tag(takes_context=True)
def working_text(context, result: PlanResult) -> SafeString:
    """The engine's working of ``result``, a line an item (``{{ w|phrase }}``, escaped), as the
    template wrote it: written once per result and language (``_kept``; issue 15)."""

    def write() -> SafeString:
        items = "".join(
            f"<li>{render_value_in_context(phrase(w), context)}</li>" for w in result.working_text
        )
        return mark_safe(f'<ul class="plan-working mb-0">{items}</ul>')

    return _kept(result, ("working",), write)
