"""Display helpers of the mediation account: ``{{ iban|iban }}`` -> BE71 0961 2345 6769."""

from decimal import Decimal
from html import escape as _escape  # what django.utils.html.escape writes, without its wrapper

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

from core.dates import format_date, format_datetime
from core.html_rows import text as _text
from core.html_rows import translated as _translate
from core.html_rows import url_of_rows
from core.money import format_eur
from ledger.exports import iban_display
from ledger.models import Entry
from ledger.selectors import JournalRow, journal_row

register = template.Library()


@register.filter
def iban(value):
    return iban_display(value or "")


# --- the journal's rows, written in Python (issue 15) --------------------------------------
# A row of the journal is some 40 template nodes (four translations, six conditions, a URL):
# 50 rows made the tab 4 to 5 × the layout page. ``journal_rows`` writes the same markup as the
# template did, with the same messages (``{% translate %}``'s output escaped as the tag does,
# ``{% blocktranslate %}``'s values escaped) and every text of the entry escaped. The messages
# are translated once for the whole table, not once a row (``_Messages``), and the rows are
# plain values (``ledger.selectors.JournalRow``), not models.


class _Messages:
    """The rows' messages in the active language: ``{% translate %}``'s escaped, the
    ``{% blocktranslate %}`` ones as they are (their values are escaped)."""

    def __init__(self):
        self.language = get_language() or "fr"
        self.reserve_in = _translate("Mise en réserve pour honoraires")
        self.reserve_out = _translate("Libération de la réserve pour honoraires")
        self.standing_order = _translate("ordre permanent")
        self.reverses = gettext("extourne du n° %(n)s")
        self.reversed_by = gettext("extournée par le n° %(n)s")
        self.sepa = _translate("virement SEPA exécuté")
        self.statement = _translate("extrait bancaire")
        self.creditor = gettext("Créancier : %(name)s")
        self.authorisation = gettext("Autorisation : %(ref)s")
        self.settlement = _translate("Règlement final :")
        self.posted = gettext("saisie le %(when)s par %(who)s")
        self.imported = gettext("importée le %(when)s")
        self.reserve = gettext("dont rés. %(r)s")
        self.reserve_title = _translate("dont réserve pour honoraires")
        self.reverse_title = gettext("Extourner l'écriture n° %(n)s")
        self.reverse = _translate("Extourner")
        self._choices = _category_choices()
        self._categories: dict[str, str] = {}

    def category(self, code: str) -> str:
        """``{{ entry.get_category_display }}``: its label in the active language, escaped."""
        label = self._categories.get(code)
        if label is None:
            label = self._categories[code] = _escape(str(self._choices.get(code, code)))
        return label


def _category_choices() -> dict:
    return dict(Entry._meta.get_field("category").flatchoices)


def _money(value, language: str) -> str:
    """``{{ value|eur }}`` (``core.html_rows.eur``) of an amount: its text has nothing to
    escape (digits, signs, separators, the euro sign)."""
    if value is None or value == "":
        return ""
    return format_eur(value if type(value) is Decimal else Decimal(str(value)), language)


def _row(line, can_edit: bool, reverse_link, m: _Messages) -> str:
    e = line.entry
    if type(e) is not JournalRow:
        e = journal_row(e)
    reverses, reversed_by = e.reverses_sequence, e.reversed_by_sequence
    reserve = e.category == "reserve_transfer"
    number = _text(e.sequence)
    out = [
        f'<tr id="entry-{number}" class="{"ledger-reversed" if reversed_by is not None else ""}">',
        f'<td class="text-end text-muted">{number}</td>',
        f'<td class="text-nowrap">{_escape(format_date(e.value_date))}</td>',
        "<td>",
    ]
    if reserve:
        out.append(m.reserve_in if e.direction == "in" else m.reserve_out)
    else:
        out.append(m.category(e.category))
    if e.standing_order:
        out.append(f' <span class="badge text-bg-info">{m.standing_order}</span>')
    if reverses is not None:
        n = _text(reverses)
        label = m.reverses % {"n": n}
        out.append(
            f' <span class="badge text-bg-secondary"><a class="link-light" '
            f'href="#entry-{n}">{label}</a></span>'
        )
    if reversed_by is not None:
        label = m.reversed_by % {"n": _text(reversed_by)}
        out.append(f' <span class="badge text-bg-warning">{label}</span>')
    if e.bank_reference:
        label = m.sepa if e.bank_reference[:5] == "SEPA|" else m.statement
        out.append(
            f' <span class="badge text-bg-light border" title="{_escape(e.bank_reference)}">'
            f"{label}</span>"
        )
    out.append('<div class="text-muted">')
    if e.creditor_name is not None:
        out.append(f"<div>{m.creditor % {'name': _escape(e.creditor_name)}}</div>")
    if e.authorisation:
        out.append(f"<div>{m.authorisation % {'ref': _escape(e.authorisation)}}</div>")
    if e.note:
        out.append(f'<div class="fst-italic">{_escape(e.note)}</div>')
    if e.settlement_reason:
        out.append(f'<div class="small">{m.settlement} {_escape(e.settlement_reason)}</div>')
    when = _escape(format_datetime(template_localtime(e.booked_at)))
    if e.posted_by is not None:
        posted = m.posted % {"when": when, "who": _escape(e.posted_by)}
    else:
        posted = m.imported % {"when": when}
    out.append(f'<div class="ledger-posted">{posted}</div></div></td>')
    out.append(f"<td>{_escape(e.counterparty)}")
    if e.counterparty_iban:
        out.append(
            f'<div class="text-muted font-monospace">{_escape(iban(e.counterparty_iban))}</div>'
        )
    if e.communication:
        out.append(f'<div class="text-muted">{_escape(e.communication)}</div>')
    out.append("</td>")
    amount = _money(e.amount, m.language)
    cell = '<td class="text-end text-nowrap ledger-amount">'
    out.append(f"{cell}{amount if e.direction == 'in' and not reserve else ''}</td>")
    out.append(f"{cell}{amount if e.direction == 'out' and not reserve else ''}</td>")
    sign = ("+" if e.direction == "in" else "−") + amount if reserve else ""
    out.append(f'<td class="text-end text-nowrap text-muted ledger-amount">{sign}</td>')
    out.append(f'<td class="text-end text-nowrap fw-semibold">{_money(line.balance, m.language)}')
    if line.reserve:
        label = m.reserve % {"r": _money(line.reserve, m.language)}
        out.append(f'<div class="fw-normal text-muted" title="{m.reserve_title}">{label}</div>')
    out.append("</td>")
    if can_edit:
        out.append('<td class="text-end">')
        if reverses is None and reversed_by is None:
            href = reverse_link(e.pk)
            title = m.reverse_title % {"n": number}
            out.append(
                f'<a class="btn btn-sm btn-outline-secondary py-0" href="{_escape(href)}" '
                f'title="{title}">{m.reverse}</a>'
            )
        out.append("</td>")
    out.append("</tr>")
    return "".join(out)


@register.simple_tag
def journal_rows(lines, case_pk: int, can_edit: bool) -> SafeString:
    """The journal table's rows (``JournalLine``: the entry, the balance and reserve after it)."""
    link = url_of_rows("ledger:entry_reverse", case_pk) if can_edit else None
    messages = _Messages()
    return mark_safe("\n".join(_row(line, can_edit, link, messages) for line in lines))  # noqa: S308
