"""The bulk "prepare all fee statements of the year ended": requested here, built in the
background by the task ``fees.prepare_fee_statement_drafts`` (``drafts.draft_batch_build``)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from .. import tasks  # a module: fees.tasks imports this package's drafts in turn
from ..models import DraftBatch


@transaction.atomic
def draft_batch_request(*, user: User, on: date, language: str = "fr") -> DraftBatch:
    """Record a batch for ``user`` (the year ended on or before ``on``) and have it built in
    the background once committed."""
    if not user.organisation_id:
        raise ValidationError(_("Seul un membre d'une organisation prépare ses états de frais."))
    batch = DraftBatch.objects.create(
        organisation_id=user.organisation_id, requested_by=user, on=on, language=language[:8]
    )
    transaction.on_commit(lambda: tasks.prepare_fee_statement_drafts.delay(batch.pk))
    return batch
