"""Display helpers of the mediation account: ``{{ iban|iban }}`` -> BE71 0961 2345 6769."""

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from core.dates import format_date, format_datetime
from core.html_rows import eur as _eur
from core.html_rows import text as _text
from core.html_rows import translated as _translate
from core.html_rows import url_of_rows
from ledger.exports import iban_display

register = template.Library()


@register.filter
def iban(value):
    return iban_display(value or "")


# --- the journal's rows, written in Python (issue 15) --------------------------------------
# A row of the journal is some 40 template nodes (four translations, six conditions, a URL):
# 50 rows made the tab 4 to 5 × the layout page. ``journal_rows`` writes the same markup as the
# template did, with the same messages (``{% translate %}``'s output escaped as the tag does,
# ``{% blocktranslate %}``'s values escaped) and every text of the entry escaped.


def _reversed_by(entry):
    try:
        return entry.reversed_by
    except ObjectDoesNotExist:
        return None


def _reverse_link(case_pk: int):
    """The reversal link of an entry of the case, reversed once for the whole table."""
    return url_of_rows("ledger:entry_reverse", case_pk)


def _row(line, case_pk: int, can_edit: bool, reverse_link) -> str:
    e = line.entry
    reverses, reversed_by = e.reverses, _reversed_by(e)
    reserve = e.category == "reserve_transfer"
    out = [
        f'<tr id="entry-{_text(e.sequence)}" class="{"ledger-reversed" if reversed_by else ""}">',
        f'<td class="text-end text-muted">{_text(e.sequence)}</td>',
        f'<td class="text-nowrap">{_text(format_date(e.value_date))}</td>',
        "<td>",
    ]
    if reserve:
        out.append(
            _translate(
                "Mise en réserve pour honoraires"
                if e.direction == "in"
                else "Libération de la réserve pour honoraires"
            )
        )
    else:
        out.append(_text(e.get_category_display()))
    if e.standing_order:
        out.append(f' <span class="badge text-bg-info">{_translate("ordre permanent")}</span>')
    if reverses:
        n = _text(reverses.sequence)
        label = gettext("extourne du n° %(n)s") % {"n": n}
        out.append(
            f' <span class="badge text-bg-secondary"><a class="link-light" '
            f'href="#entry-{n}">{label}</a></span>'
        )
    if reversed_by:
        label = gettext("extournée par le n° %(n)s") % {"n": _text(reversed_by.sequence)}
        out.append(f' <span class="badge text-bg-warning">{label}</span>')
    if e.bank_reference:
        label = _translate(
            "virement SEPA exécuté" if e.bank_reference[:5] == "SEPA|" else "extrait bancaire"
        )
        out.append(
            f' <span class="badge text-bg-light border" title="{_text(e.bank_reference)}">'
            f"{label}</span>"
        )
    out.append('<div class="text-muted">')
    if e.creditor:
        label = gettext("Créancier : %(name)s") % {"name": _text(e.creditor.name)}
        out.append(f"<div>{label}</div>")
    if e.authorisation:
        label = gettext("Autorisation : %(ref)s") % {"ref": _text(e.authorisation)}
        out.append(f"<div>{label}</div>")
    if e.note:
        out.append(f'<div class="fst-italic">{_text(e.note)}</div>')
    if e.settlement_reason:
        out.append(
            f'<div class="small">{_translate("Règlement final :")} '
            f"{_text(e.settlement_reason)}</div>"
        )
    when = _text(format_datetime(template_localtime(e.booked_at)))
    if e.posted_by:
        posted = gettext("saisie le %(when)s par %(who)s") % {
            "when": when,
            "who": _text(e.posted_by),
        }
    else:
        posted = gettext("importée le %(when)s") % {"when": when}
    out.append(f'<div class="ledger-posted">{posted}</div></div></td>')
    out.append(f"<td>{_text(e.counterparty)}")
    if e.counterparty_iban:
        out.append(
            f'<div class="text-muted font-monospace">{_text(iban(e.counterparty_iban))}</div>'
        )
    if e.communication:
        out.append(f'<div class="text-muted">{_text(e.communication)}</div>')
    out.append("</td>")
    amount = _eur(e.amount)
    cell = '<td class="text-end text-nowrap ledger-amount">'
    out.append(f"{cell}{amount if e.direction == 'in' and not reserve else ''}</td>")
    out.append(f"{cell}{amount if e.direction == 'out' and not reserve else ''}</td>")
    sign = ("+" if e.direction == "in" else "−") + amount if reserve else ""
    out.append(f'<td class="text-end text-nowrap text-muted ledger-amount">{sign}</td>')
    out.append(f'<td class="text-end text-nowrap fw-semibold">{_eur(line.balance)}')
    if line.reserve:
        label = gettext("dont rés. %(r)s") % {"r": _eur(line.reserve)}
        out.append(
            f'<div class="fw-normal text-muted" '
            f'title="{_translate("dont réserve pour honoraires")}">{label}</div>'
        )
    out.append("</td>")
    if can_edit:
        out.append('<td class="text-end">')
        if not reverses and not reversed_by:
            href = reverse_link(e.pk)
            title = gettext("Extourner l'écriture n° %(n)s") % {"n": _text(e.sequence)}
            out.append(
                f'<a class="btn btn-sm btn-outline-secondary py-0" href="{escape(href)}" '
                f'title="{title}">{_translate("Extourner")}</a>'
            )
        out.append("</td>")
    out.append("</tr>")
    return "".join(out)


@register.simple_tag
def journal_rows(lines, case_pk: int, can_edit: bool) -> SafeString:
    """The journal table's rows (``JournalLine``: the entry, the balance and reserve after it)."""
    link = _reverse_link(case_pk) if can_edit else None
    return mark_safe("\n".join(_row(line, case_pk, can_edit, link) for line in lines))  # noqa: S308
