"""Draft fee statements of the year ended (issue #11): at each anniversary, a draft of the
statement of the year that ends there, for the mediator to check before the annual report.

Drafts come two ways, both through ``fee_statement_draft_for_year`` (idempotent: never two
statements for one year): the daily run's duty ``fee_statement_draft`` (``fees.duties``) at each
anniversary, and the bulk "prepare all fee statements of the year ended" (a ``DraftBatch`` built
in the background by the task ``fees.prepare_fee_statement_drafts``, its progress polled by the
page, like the caseload export of ``cases.exports``)."""

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from core.dates import anniversary as anniversary_of
from core.dates import format_date, years_between

from .. import selectors
from ..models import DraftBatch, FeeStatement, Occasion
from .statements import statement_create

logger = logging.getLogger(__name__)


def year_ended_at(case: Case, anniversary: date) -> tuple[date, date]:
    """The period ``[start, anniversary)`` of the year that ends at ``anniversary``: from the
    previous anniversary, or from the end of a statement filed inside that year. Refused when
    ``anniversary`` is no anniversary (k >= 1) of the case or falls after its closure."""
    k = years_between(case.admissibility_date, anniversary)
    if k < 1 or anniversary_of(case.admissibility_date, k) != anniversary:
        raise ValidationError(
            {
                "anniversary": _(
                    "Le %(date)s n'est pas un anniversaire de l'admissibilité du dossier "
                    "(%(admissibility)s)."
                )
                % {
                    "date": format_date(anniversary),
                    "admissibility": format_date(case.admissibility_date),
                }
            }
        )
    if case.closure_date is not None and anniversary > case.closure_date:
        raise ValidationError(
            {
                "anniversary": _(
                    "Le dossier est clôturé depuis le %(date)s : l'état de cette année se "
                    "prépare pour la clôture."
                )
                % {"date": format_date(case.closure_date)}
            }
        )
    start = anniversary_of(case.admissibility_date, k - 1)
    filed_end = selectors.last_filed_end_within(case, start, anniversary)
    return filed_end or start, anniversary


@transaction.atomic
def fee_statement_draft_for_year(
    *, case: Case, anniversary: date, by: User | None = None
) -> tuple[FeeStatement, bool]:
    """The statement of the year ended at ``anniversary``: the one already there (draft or
    filed: never two for one year), or a new draft computed now (``created`` is True), made in
    the name of ``by`` (default: the designated mediator). Refused like ``statement_create``
    (a date no tariff row covers, a period overlapping a filed statement...)."""
    case = Case.objects.select_for_update().select_related("mediator").get(pk=case.pk)
    start, end = year_ended_at(case, anniversary)
    existing = selectors.statement_of_year(case, end)
    if existing is not None:
        return existing, False
    statement = statement_create(
        case=case,
        period_from=start,
        period_to=end,
        occasion=Occasion.ANNUAL_REPORT,
        by=by or case.mediator,
    )
    return statement, True


# --- the bulk preparation -------------------------------------------------------------------


def draft_batch_build(*, batch_id: int) -> DraftBatch:
    """Prepare the draft of the year ended for every case of the batch (each in its own
    transaction: a case refused is listed with its reason and does not stop the others)."""
    batch = DraftBatch.objects.select_related("requested_by").get(pk=batch_id)
    with translation.override(batch.language):
        return _build(batch)


def _build(batch: DraftBatch) -> DraftBatch:
    batch.state = DraftBatch.State.RUNNING
    batch.save(update_fields=["state"])
    try:
        targets = selectors.cases_for_draft_batch(batch.requested_by, batch.on)
        batch.total = len(targets)
        DraftBatch.objects.filter(pk=batch.pk).update(total=batch.total)
        for index, (case, year_end) in enumerate(targets, start=1):
            try:
                _statement, created = fee_statement_draft_for_year(
                    case=case, anniversary=year_end, by=batch.requested_by
                )
            except ValidationError as exc:
                batch.problems.append(
                    {"case": case.reference, "case_id": case.pk, "error": " ".join(exc.messages)}
                )
            else:
                if created:
                    batch.created += 1
                else:
                    batch.existing += 1
            DraftBatch.objects.filter(pk=batch.pk).update(
                progress=int(index * 100 / max(batch.total, 1)),
                created=batch.created,
                existing=batch.existing,
                problems=batch.problems,
            )
        batch.state = DraftBatch.State.DONE
        batch.progress = 100
    except Exception:  # the user sees a plain message; the worker's log has the traceback
        logger.exception("fee statement drafts %s failed", batch.pk)
        batch.state = DraftBatch.State.FAILED
        batch.error = _("Erreur interne lors de la préparation des états.")
        batch.finished_at = timezone.now()
        batch.save()
        raise
    batch.finished_at = timezone.now()
    batch.save()
    return batch
