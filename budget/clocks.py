"""The budget app's kind of duty in the case's calendar (``agenda.registry``), registered from
``BudgetConfig.ready``: ``allowance_review``, the living allowance to review when a new legal
row (art. 1409 C.J. brackets, integration income) takes effect — one per case and date, for the
running cases whose allowance was computed under the older row; settled when the allowance is
fixed again on a budget version dated on or after that date."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agenda.registry import DutyKind, register_duty_kind

from . import selectors


def budget_url(duty) -> str:
    return reverse("budget:case_budget", args=[duty.case_id])


def register() -> None:
    register_duty_kind(
        DutyKind(
            code=selectors.ALLOWANCE_REVIEW,
            label=_("Pécule de médiation à revoir (nouveau barème)"),
            produce=selectors.allowance_review_specs,
            produce_many=selectors.allowance_review_specs_many,
            settled=selectors.allowance_reviews_done,
            url=budget_url,
            order=70,
        )
    )
