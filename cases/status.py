"""The legal life of a case as a state machine (``../shared/domain/README.md``, "The life of a
case"; issue 2): amicable phase -> amicable plan (homologation) | failure report -> judicial plan
| total remission -> closed; revocation from any running state. Pure Python.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    # Codes are those of case-bundle.schema.json (public interface).
    AMICABLE_PHASE = "amicable_phase", _("Phase amiable")
    AMICABLE_PLAN = "amicable_plan", _("Plan amiable homologué")
    JUDICIAL_PLAN = "judicial_plan", _("Plan judiciaire")
    TOTAL_REMISSION = "total_remission", _("Remise totale de dettes")
    CLOSED = "closed", _("Clôturé")
    REVOKED = "revoked", _("Révoqué")


ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.AMICABLE_PHASE: frozenset(
        {
            CaseStatus.AMICABLE_PLAN,
            CaseStatus.JUDICIAL_PLAN,
            CaseStatus.TOTAL_REMISSION,
            CaseStatus.REVOKED,
        }
    ),
    CaseStatus.AMICABLE_PLAN: frozenset({CaseStatus.CLOSED, CaseStatus.REVOKED}),
    CaseStatus.JUDICIAL_PLAN: frozenset({CaseStatus.CLOSED, CaseStatus.REVOKED}),
    CaseStatus.TOTAL_REMISSION: frozenset({CaseStatus.CLOSED, CaseStatus.REVOKED}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.REVOKED: frozenset(),
}

ACTIVE_STATUSES = frozenset(
    {
        CaseStatus.AMICABLE_PHASE,
        CaseStatus.AMICABLE_PLAN,
        CaseStatus.JUDICIAL_PLAN,
        CaseStatus.TOTAL_REMISSION,
    }
)

# What the decision that moves the case into a status is called (shown on the form).
TRANSITION_LABELS = {
    CaseStatus.AMICABLE_PLAN: _("Homologation du plan amiable"),
    CaseStatus.JUDICIAL_PLAN: _("Plan judiciaire imposé (après procès-verbal de carence)"),
    CaseStatus.TOTAL_REMISSION: _("Remise totale de dettes (après procès-verbal de carence)"),
    CaseStatus.CLOSED: _("Clôture de la procédure"),
    CaseStatus.REVOKED: _("Révocation"),
}


def allowed_next(status: str) -> frozenset[str]:
    return ALLOWED_TRANSITIONS.get(status, frozenset())


def is_allowed(from_status: str, to_status: str) -> bool:
    return to_status in allowed_next(from_status)
