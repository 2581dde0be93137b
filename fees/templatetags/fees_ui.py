"""Display helpers of the fees app: ``{{ line.quantity|qty }}`` -> 12,5 ; ``{{ rate|pct }}``."""

from decimal import Decimal

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from core.dates import format_date
from core.html_rows import eur as _eur
from core.html_rows import text as _text
from core.html_rows import translated as _translated
from core.html_rows import url_of_rows

register = template.Library()


@register.filter
def qty(value) -> str:
    """A quantity without useless zeros, decimal comma (12,5 ; 3)."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


@register.filter
def pct(rate) -> str:
    """0.21 -> 21 (a fraction as a percentage, decimal comma)."""
    if rate is None or rate == "":
        return ""
    return qty(Decimal(rate) * 100)


@register.filter
def get_item(mapping, key):
    """``{{ reductions|get_item:line.pk }}``: a dict lookup by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


# --- the services' rows of the fee tab, written in Python (issue 15) ---------------------------
# A row of the "Prestations" table was some 30 template nodes (a date filter, three displays, two
# money filters, a URL and a CSRF token): 50 rows made the tab 3.7 × the layout page.
# ``service_rows`` writes the markup the template wrote (tests/data/service_row_reference.html),
# with the same messages and every text of the service escaped.


def _delete_link(case_pk: int):
    """The delete URL of a service of the case, reversed once for the whole table."""
    return url_of_rows("fees:service_delete", case_pk)


def _once(shared: dict, key: tuple, make) -> str:
    """What ``make()`` writes, written once a table for each ``key`` (a kind's or an origin's
    label, a mediator's name: a handful for 50 rows)."""
    found = shared.get(key)
    if found is None:
        found = shared[key] = make()
    return found


def _service_row(s, can_edit: bool, shared: dict) -> str:
    km = "" if s.km is None else _text(s.km)
    origin = _once(shared, ("origin", s.origin), lambda: _text(s.get_origin_display()))
    if s.origin == "letter":
        origin = f'<a href="{shared["letters"]}">{origin}</a>'
    taxed = f' <span class="badge text-bg-success">{shared["taxed"]}</span>' if s.taxed else ""
    note = f'<br><small class="text-muted">{_text(s.note)}</small>' if s.note else ""
    if s.mediator_id is None:  # not saved (a preview): no id to know it by
        mediator = _text(s.mediator)
    else:
        mediator = _once(shared, ("mediator", s.mediator_id), lambda: _text(s.mediator))
    action = ""
    if can_edit and not s.taxed:
        action = (
            f'<form method="post" action="{escape(shared["delete"](s.pk))}" class="d-inline">'
            f"{shared['csrf']}"
            '<button class="btn btn-sm btn-outline-danger" type="submit" '
            f'data-confirm="{shared["question"]}">{shared["label"]}</button></form>'
        )
    return (
        "<tr>"
        f'<td class="text-nowrap">{_text(format_date(s.date))}</td>'
        f"<td>{_once(shared, ('kind', s.kind), lambda: _text(s.get_kind_display()))}{note}</td>"
        f'<td class="text-end">{_text(s.quantity)}</td>'
        f'<td class="text-end">{km}</td>'
        f'<td class="text-end text-nowrap">{_eur(s.amount)}</td>'
        f'<td class="text-end text-nowrap">{_eur(s.registered_postage)}</td>'
        f"<td><small>{origin}</small>{taxed}</td>"
        f"<td><small>{mediator}</small></td>"
        f'<td class="text-end">{action}</td>'
        "</tr>"
    )


@register.simple_tag(takes_context=True)
def service_rows(context, services, case_pk: int, can_edit: bool) -> SafeString:
    """The rows of the fee tab's services (``{% csrf_token %}`` from the context, as the tag)."""
    token = context.get("csrf_token")
    csrf = ""
    if token and token != "NOTPROVIDED":
        csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    shared = {
        "letters": escape(reverse("letters:case_letters", args=[case_pk])),
        "taxed": _translated("dans un état déposé"),
        "question": escape(_translated("Supprimer cette prestation ?")),  # |force_escape
        "label": _translated("Supprimer"),
        "csrf": csrf,
        "delete": _delete_link(case_pk) if can_edit else None,
    }
    return mark_safe(  # noqa: S308
        "".join(_service_row(s, can_edit, shared) for s in services)
    )
