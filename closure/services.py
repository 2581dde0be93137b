"""Closing a case (issue 17; ``../shared/domain/README.md`` step 8, art. 1675/14 C.J.): the final
report, the letters that end the procedure, and the closure itself through the case's status
service. Keyword-only, typed, atomic; every check first, then all or nothing."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.services import case_change_status
from cases.status import CaseStatus, allowed_next
from contacts.models import INCOME_PAYERS, ThirdPartyKind
from core.dates import format_date
from letters.models import CLOSURE_KINDS, Letter, LetterKind
from letters.selectors import addressee_options, template_for, third_party_options
from letters.services import letter_send
from reports.models import FiledReport
from reports.services import ReportData, report_file

from . import selectors

MAX_REASON = 2000


@transaction.atomic
def final_report_file(
    *, case: Case, data: ReportData, by: User, today: date, now: datetime
) -> FiledReport:
    """File the final report over the case's last period (the annual report's machinery,
    ``reports.services.report_file``, titled « Rapport final »). One final report per case."""
    existing = FiledReport.objects.filter(case=case, final=True).first()
    if existing is not None:
        raise ValidationError(
            {
                "__all__": _("Le rapport final a déjà été déposé le %(d)s.")
                % {"d": format_date(existing.filed_at)}
            }
        )
    return report_file(case=case, data=data, by=by, today=today, now=now, final=True)


def _addressee_keys(case: Case, kind: str) -> list[str]:
    """Who receives each letter that ends the procedure: the creditors that declared a claim
    (not their representatives: the procedure is over for the creditor itself); the employer
    and benefit payers; the bank."""
    if kind == LetterKind.CLOSURE_CREDITORS:
        return [o.key for o in addressee_options(case) if o.declared and not o.representative_id]
    if kind == LetterKind.CLOSURE_INCOME:
        return [o.key for o in third_party_options(case, INCOME_PAYERS)]
    return [o.key for o in third_party_options(case, {ThirdPartyKind.BANK})]


@dataclass(frozen=True)
class ClosureLettersData:
    kinds: list[str]
    sent_on: date | None


@transaction.atomic
def closure_letters_send(*, case: Case, data: ClosureLettersData, by: User) -> list[Letter]:
    """Send the letters that end the procedure (``letters.models.CLOSURE_KINDS``), each from
    the organisation's template of its kind, through ``letters.services.letter_send`` (PDF,
    billable service, negotiation log). All or none."""
    errors: dict[str, list[str]] = {}
    kinds = list(dict.fromkeys(data.kinds))
    if not kinds:
        errors["kinds"] = [_("Choisissez au moins un courrier.")]
    if any(kind not in CLOSURE_KINDS for kind in kinds):
        errors.setdefault("kinds", []).append(_("Courrier de clôture inconnu."))
    if data.sent_on is None:
        errors["sent_on"] = [_("Indiquez la date d'envoi.")]
    if errors:
        raise ValidationError(errors)
    templates = {}
    for kind in kinds:
        # the template in the case's procedure language when the organisation has one
        template = template_for(case, kind)
        label = LetterKind(kind).label
        if template is None:
            errors.setdefault("kinds", []).append(
                _("L'organisation n'a pas de modèle « %(kind)s ».") % {"kind": label}
            )
        elif not _addressee_keys(case, kind):
            errors.setdefault("kinds", []).append(
                _("« %(kind)s » : aucun destinataire dans le dossier (tiers ou créanciers).")
                % {"kind": label}
            )
        templates[kind] = template
    if errors:
        raise ValidationError(errors)
    return [
        letter_send(
            case=case,
            template=templates[kind],
            subject=templates[kind].subject,
            body=templates[kind].body,
            addressee_keys=_addressee_keys(case, kind),
            registered=False,
            postage=None,
            sent_on=data.sent_on,
            by=by,
        )
        for kind in kinds
    ]


@dataclass(frozen=True)
class CloseData:
    decision_date: date | None
    reason: str = ""


@transaction.atomic
def case_close(*, case: Case, data: CloseData, by: User, today: date) -> Case:
    """Close the case on the court's decision (``cases.services.case_change_status``). Refused
    while the end-of-plan checklist (``closure.selectors.closure_checklist``) is not complete,
    unless the mediator gives the reason for closing all the same (kept in the status
    history)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, str] = {}
    if CaseStatus.CLOSED not in allowed_next(case.status):
        errors["__all__"] = _("Un dossier « %(status)s » ne peut être clôturé.") % {
            "status": CaseStatus(case.status).label
        }
    if data.decision_date is None:
        errors["decision_date"] = _("Indiquez la date de la décision de clôture.")
    elif data.decision_date > today:
        errors["decision_date"] = _("La décision de clôture ne peut être dans le futur.")
    reason = (data.reason or "").strip()
    if len(reason) > MAX_REASON:
        errors["reason"] = _("Le motif est trop long (%(n)s caractères au plus).") % {
            "n": MAX_REASON
        }
    checklist = selectors.closure_checklist(case, today)
    if not checklist.complete and not reason and "__all__" not in errors:
        errors["reason"] = _(
            "La liste de fin de plan n'est pas complète (%(missing)s) : indiquez pourquoi vous "
            "clôturez malgré tout."
        ) % {"missing": " ; ".join(item.label for item in checklist.missing)}
    if errors:
        raise ValidationError(errors)
    note = _("Clôture de la procédure")
    if reason and not checklist.complete:
        note = _("Clôture de la procédure (liste de fin de plan incomplète : %(reason)s)") % {
            "reason": reason
        }
    elif reason:
        note = f"{note} : {reason}"
    return case_change_status(
        case=case,
        to_status=CaseStatus.CLOSED,
        decision_date=data.decision_date,
        note=note,
        by=by,
    )
