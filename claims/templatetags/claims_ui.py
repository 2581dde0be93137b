"""The claims tab's rows, written in Python (issue 15).

A claim's row was an include of some 60 template nodes (a dozen translations and conditions, three
URLs, five money filters): ``{% claim_row %}`` writes the markup the include wrote
(tests/data/claim_row_reference.html), with the same messages (``{% translate %}``'s output
escaped as the tag does, ``{% blocktranslate %}``'s value escaped) and every text of the claim
escaped."""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.dates import format_date
from core.html_rows import eur as _eur
from core.html_rows import text as _text
from core.html_rows import translated as _t

register = template.Library()

_STATUS_BADGES = {
    "accepted": "text-bg-success",
    "contested": "text-bg-warning",
    "rejected": "text-bg-dark",
}


def _debtors(claim, applicant_count: int) -> str:
    debtors = list(claim.debtors.all())
    if len(debtors) == applicant_count:
        return _t("Les deux")
    return "<br>".join(_text(a.full_name) for a in debtors) or "—"


@register.simple_tag
def claim_row(
    claim, case_pk: int, can_edit: bool, in_position: bool, show_debtors: bool, applicant_count
) -> SafeString:
    """One claim's row of the claims tab (``in_position``: under its joined position)."""
    out = [
        f'<tr class="claim-row{" text-body-secondary" if claim.time_barred else ""}'
        f'{" in-position" if in_position else ""}" id="claim-{_text(claim.pk)}">',
        "<td>",
    ]
    if can_edit and not claim.position_id:
        ref = _text(claim.creditor_reference or claim.pk)
        label = gettext("Sélectionner la créance %(ref)s") % {"ref": ref}
        out.append(
            f'<input class="form-check-input" type="checkbox" name="claims" '
            f'value="{_text(claim.pk)}" form="join-form" aria-label="{label}">'
        )
    out.append(f'</td><td class="text-nowrap{" ps-3" if in_position else ""}">')
    if in_position:
        out.append('<span class="text-muted" aria-hidden="true">↳ </span>')
    out.append(_text(claim.creditor_reference or "—"))
    if claim.declaration_file:
        href = escape(reverse("claims:claim_declaration", args=[case_pk, claim.pk]))
        kind = _t("Déclaration (PDF)" if claim.declaration_is_pdf else "Déclaration (image)")
        out.append(
            f'<br><a class="small" href="{href}" target="_blank" rel="noopener" '
            f'title="{_text(claim.declaration_name)}">{kind}</a>'
        )
    else:
        out.append(f'<br><span class="small text-muted">{_t("Sans document")}</span>')
    out.append(f"</td><td>{_text(claim.get_nature_display())}")
    if claim.non_remissible:
        title = _t(
            "Dette non remissible (art. 1675/13, §3 du Code judiciaire) : aucune remise possible."
        )
        out.append(
            f' <span class="badge text-bg-danger" title="{title}">{_t("Non remissible")}</span>'
        )
    cell = '<td class="text-end text-nowrap">'
    total = claim.total
    out.append(
        f"</td>{cell}{_eur(claim.principal)}</td>{cell}{_eur(claim.interest)}</td>"
        f"{cell}{_eur(claim.costs)}</td>"
        f'<td class="text-end text-nowrap fw-semibold">{_eur(total)}'
    )
    admitted = claim.admitted_total
    if admitted != total:
        out.append(
            f'<br><span class="small fw-normal" title="{_text(claim.admitted_reason)}">'
            f"{_t('admis')} {_eur(admitted)}</span>"
        )
    badge = _STATUS_BADGES.get(claim.status, "text-bg-secondary")
    out.append(
        f'</td><td class="text-nowrap">{_text(format_date(claim.declared_on))}</td>'
        f'<td><span class="badge {badge}">{_text(claim.get_status_display())}</span>'
    )
    if claim.time_barred:
        title = _t("Déclaration tardive : comptée pour le 2,1°, hors du plan.")
        out.append(f' <span class="badge text-bg-warning" title="{title}">{_t("Forclose")}</span>')
    out.append(f"</td><td>{_text(claim.get_privilege_display())}")
    if claim.plan_rank != "common":
        out.append(
            f'<br><span class="badge text-bg-info" title="{_text(claim.rank_reason)}">'
            f"{_text(claim.get_plan_rank_display())}</span>"
        )
    out.append("</td>")
    if show_debtors:
        out.append(f'<td class="small">{_debtors(claim, applicant_count)}</td>')
    out.append('<td class="text-nowrap">')
    if claim.paid_off_on:
        out.append(
            f'<span class="badge text-bg-success">{_text(format_date(claim.paid_off_on))}</span>'
        )
    else:
        out.append("—")
    out.append('</td><td class="small">')
    representation = claim.representation
    if representation:
        representative = representation.representative
        href = escape(
            reverse("claims:representative_detail", args=[representation.representative_id])
        )
        out.append(
            f'<a href="{href}" title="{_text(representative.get_role_display())}">'
            f"{_text(representative.name)}</a>"
        )
        if representation.file_reference:
            out.append(
                f'<br><span class="text-muted">{_t("réf.")} '
                f"{_text(representation.file_reference)}</span>"
            )
    else:
        out.append("—")
    out.append('</td><td class="text-end">')
    if can_edit:
        href = escape(reverse("claims:claim_edit", args=[case_pk, claim.pk]))
        out.append(f'<a class="text-nowrap" href="{href}">{_t("Modifier")}</a>')
    out.append("</td></tr>")
    return mark_safe("".join(out))  # noqa: S308
