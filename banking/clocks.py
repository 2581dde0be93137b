"""The banking app's kind of duty in the case's calendar (``agenda.registry``), registered from
``BankingConfig.ready``: ``payment_approval_pending``, one duty per day on which payments were
prepared and wait for the mediator's approval; settled when none of that day's payments waits
any more (approved in a batch, or withdrawn)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agenda.registry import DutyKind, register_duty_kind

from . import selectors


def payments_url(duty) -> str:
    return reverse("banking:case_payments", args=[duty.case_id])


def register() -> None:
    register_duty_kind(
        DutyKind(
            code=selectors.PAYMENT_APPROVAL_PENDING,
            label=_("Paiements à approuver"),
            produce=selectors.payment_approval_specs,
            produce_many=selectors.payment_approval_specs_many,
            settled=selectors.payment_approvals_done,
            url=payments_url,
            order=60,
            forecast=False,  # the day the payments were prepared: never in the coming days
        )
    )
