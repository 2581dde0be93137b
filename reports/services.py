"""Writing the annual report: check the period, print the report with its annexes, file it.

The report of a follow-up year ``[A + k - 1, A + k)`` is filed at the anniversary ``A + k``
(domain/README.md, step 6); a report at the court's request or at the end of the plan covers a
shorter period. Filing is final (a filed document is frozen and seen by the division's clerks),
so one report is filed per period; everything is undone if the PDF cannot be produced."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from agenda import selectors as agenda_selectors
from agenda.services import duty_settle
from cases.models import Case
from core.dates import add_years, format_date
from core.divisions import procedure_language
from core.pdf import Progress
from core.roles import EDIT_ROLES, Role
from documents.models import DocumentKind
from documents.services import generated_pdf_file
from letters.models import Letter, LetterKind
from letters.selectors import applicant_options, template_for
from letters.services import letter_send

from . import clocks, court_checks, pdf, selectors
from .models import DraftBatch, FiledReport
from .tasks import build_draft_batch

logger = logging.getLogger(__name__)

MAX_OBSERVATIONS = 20_000
# The filed report's title (in the procedure's language; shown in the reader's on screens,
# documents.registry.document_title).
REPORT_TITLE = gettext_noop("Rapport du médiateur — période du %(start)s au %(end)s")
FINAL_REPORT_TITLE = gettext_noop("Rapport final du médiateur — période du %(start)s au %(end)s")


@dataclass(frozen=True)
class ReportData:
    period_from: date | None
    last_day: date | None  # included, as the mediator types it
    observations: str = ""
    # explicit confirmation that a period not yet ended is filed early (court_checks)
    confirm_early: bool = False


def check_report(*, case: Case, data: ReportData, today: date) -> selectors.ReportPeriod:
    """The period of the report, or a ValidationError keyed by field (French messages)."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if data.period_from is None:
        add("period_from", _("Indiquez le premier jour de la période."))
    if data.last_day is None:
        add("last_day", _("Indiquez le dernier jour de la période."))
    if len(data.observations or "") > MAX_OBSERVATIONS:
        add("observations", _("Le texte est trop long (20 000 caractères au plus)."))
    if errors:
        raise ValidationError(errors)
    if data.period_from < case.admissibility_date:
        add(
            "period_from",
            _("La période ne peut commencer avant l'admissibilité (%(date)s).")
            % {"date": format_date(case.admissibility_date)},
        )
    if data.last_day < data.period_from:
        add("last_day", _("Le dernier jour suit le premier."))
    elif data.last_day > today:
        add("last_day", _("Le rapport ne porte pas sur des jours à venir."))
    elif data.last_day >= add_years(data.period_from, 1):
        add("last_day", _("Un rapport porte sur un an au plus (d'un anniversaire à l'autre)."))
    if errors:
        raise ValidationError(errors)
    return selectors.ReportPeriod(data.period_from, data.last_day + timedelta(days=1))


def report_preview(
    *, case: Case, data: ReportData, today: date, now: datetime, progress: Progress | None = None
) -> bytes:
    """The PDF as it would be filed (nothing is saved)."""
    period = check_report(case=case, data=data, today=today)
    report = selectors.annual_report(case, period)
    return pdf.annual_report_pdf(
        report, observations=data.observations or "", on=today, now=now, progress=progress
    )


@transaction.atomic
def report_file_check(
    *, case: Case, data: ReportData, today: date, final: bool = False
) -> selectors.ReportPeriod:
    """Everything :func:`report_file` checks, nothing written: a long report is checked while
    the mediator waits, then printed and filed in the background (issue 15), where
    ``report_file`` checks it all again."""
    return _filing_checked(case=case, data=data, today=today, final=final)[1]


def _filing_checked(
    *, case: Case, data: ReportData, today: date, final: bool
) -> tuple[Case, selectors.ReportPeriod]:
    """The case, locked, and the report's period, once every check of the filing passed."""
    case = (
        Case.objects.select_for_update().select_related("organisation", "mediator").get(pk=case.pk)
    )
    period = check_report(case=case, data=data, today=today)
    existing = FiledReport.objects.filter(
        case=case, period_from=period.start, period_to=period.end
    ).first()
    if existing is not None:
        raise ValidationError(
            {
                "__all__": [
                    _("Le rapport de cette période a déjà été déposé le %(date)s.")
                    % {"date": format_date(existing.filed_at)}
                ]
            }
        )
    # Nothing contradictory goes to court (issue 12): overpaid creditors, a journal that does
    # not agree with the bank, a follow-up year not yet ended without the confirmation.
    court_checks.filing_check(
        case=case,
        kind=DocumentKind.ANNUAL_REPORT,
        today=today,
        period_start=period.start,
        period_end=period.end,
    ).enforce(
        # the final report covers the last months up to the closure: early by nature (issue 17)
        confirm_early=data.confirm_early or final
    )
    return case, period


@transaction.atomic
def report_file(
    *,
    case: Case,
    data: ReportData,
    by: User,
    today: date,
    now: datetime,
    final: bool = False,
    progress: Progress | None = None,
) -> FiledReport:
    """Print the report of the period with its annexes and file it with the court; ``final``:
    the last report of the case, at the end of the plan (issue 17, « rapport final »).
    ``progress``: a background job's (issue 15), told how far the PDF is."""
    case, period = _filing_checked(case=case, data=data, today=today, final=final)
    report = selectors.annual_report(case, period)
    try:
        content = pdf.annual_report_pdf(
            report,
            observations=data.observations or "",
            on=today,
            now=now,
            final=final,
            progress=progress,
        )
    except Exception as exc:  # WeasyPrint, fonts, template: nothing is filed
        logger.exception("annual report PDF failed for case %s", case.pk)
        raise ValidationError(
            _("Le PDF du rapport n'a pas pu être produit : rien n'a été déposé.")
        ) from exc
    # The filed title is in the language of the procedure, like the document.
    with translation.override(procedure_language(case.division)):
        title = _(FINAL_REPORT_TITLE if final else REPORT_TITLE) % {
            "start": format_date(period.start),
            "end": format_date(period.last_day),
        }
    filename = f"rapport-{case.pk}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}.pdf"
    document = generated_pdf_file(
        case=case,
        kind=DocumentKind.ANNUAL_REPORT,
        title=title,
        filename=filename,
        content=content,
        by=by,
        period_start=period.start,
        period_end=period.last_day,
    )
    try:
        with transaction.atomic():
            filed = FiledReport.objects.create(
                case=case,
                period_from=period.start,
                period_to=period.end,
                observations=(data.observations or "").strip(),
                document=document,
                filed_by=by,
                final=final,
            )
    except IntegrityError as exc:  # the same period filed at the same moment
        raise ValidationError(_("Le rapport de cette période vient d'être déposé.")) from exc
    settle_covered_years(filed=filed, on=today, by=by)
    return filed


@transaction.atomic
def report_copy_send(*, filed: FiledReport, sent_on: date, by: User) -> Letter:
    """Send the applicants the copy of a filed report and record it (issue 17): a letter from
    the organisation's template « Copie du rapport annuel au requérant » to every applicant,
    linked to the report (``FiledReport.applicant_copy``: what was sent, and when). Once per
    report."""
    filed = FiledReport.objects.select_for_update().select_related("case").get(pk=filed.pk)
    case = filed.case
    if filed.applicant_copy_id is not None:
        raise ValidationError(
            {
                "__all__": _("La copie de ce rapport a déjà été envoyée au requérant le %(d)s.")
                % {"d": format_date(filed.applicant_copy.sent_on)}
            }
        )
    if sent_on < filed.filed_at.date():
        raise ValidationError({"sent_on": _("La copie ne peut précéder le dépôt du rapport.")})
    # the template in the case's procedure language when the organisation has one
    template = template_for(case, LetterKind.ANNUAL_REPORT_COPY)
    if template is None:
        raise ValidationError(
            {
                "template": _(
                    "L'organisation n'a pas de modèle « Copie du rapport annuel au requérant »."
                )
            }
        )
    letter = letter_send(
        case=case,
        template=template,
        subject=template.subject,
        body=template.body,
        addressee_keys=[option.key for option in applicant_options(case)],
        registered=False,
        postage=None,
        sent_on=sent_on,
        by=by,
    )
    filed.applicant_copy = letter
    filed.save(update_fields=["applicant_copy"])
    return letter


@transaction.atomic
def settle_covered_years(*, filed: FiledReport, on: date, by: User | None) -> int:
    """Settle the open ``annual_report_due`` duties of the years the filed report covers (its
    year only: ``reports.clocks.covers``); how many."""
    count = 0
    for duty in agenda_selectors.open_duties(case=filed.case, kind=clocks.KIND):
        if clocks.covers(filed.period_from, filed.period_to, clocks.duty_year(duty)):
            duty_settle(duty=duty, on=on, by=by, note=filed.document.title)
            count += 1
    return count


@transaction.atomic
def draft_batch_request(*, user: User, today: date, language: str = "fr") -> DraftBatch:
    """ "Draft all annual reports due this month" (``reports.drafts``): record a batch for the
    reports due in ``today``'s month of the user's cases (a mediator's own, the organisation's
    for an administrator) and have it built in the background once committed."""
    if user.role not in EDIT_ROLES or not user.organisation_id:
        raise PermissionDenied
    batch = DraftBatch.objects.create(
        organisation_id=user.organisation_id,
        requested_by=user,
        month=today.replace(day=1),
        only_mine=user.role == Role.MEDIATOR,
        language=language[:8],
    )
    transaction.on_commit(lambda: build_draft_batch.delay(batch.pk))
    return batch
