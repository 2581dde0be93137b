"""Display helpers of the negotiation log: ``{{ entry.outcome|outcome_color }}`` gives the
Bootstrap colour of an outcome (badges, timeline border)."""

from django import template

from contacts.models import Outcome

register = template.Library()

OUTCOME_COLORS = {
    Outcome.AGREEMENT: "success",
    Outcome.REFUSAL: "danger",
    Outcome.COUNTER_PROPOSAL: "warning",
    Outcome.NO_ANSWER: "secondary",
}


@register.filter
def outcome_color(outcome: str) -> str:
    return OUTCOME_COLORS.get(outcome, "secondary")
