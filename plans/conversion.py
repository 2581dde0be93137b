"""Conversion (issue 17): the amicable plan that fails becomes a judicial plan, and no status
says "plan" on a case that has none.

- When the amicable settlement fails, the mediator files a report of failure (procès-verbal de
  carence, art. 1675/11 §1 C.J.) with their proposal of a judicial plan; the ``petitions`` app
  files it and calls ``plan_convert_to_judicial``: a new version of kind "judicial" continues
  the latest amicable one (its terms, its hand-fixed shares), dated from the filing in its
  reason. The amicable versions stay as they were, readable (history). The judge then imposes
  the judicial plan (``services.plan_approve``: the case moves to ``judicial_plan``).
- ``status_check``, registered with ``cases.registry.register_status_check``: a homologation
  (``amicable_plan``) or an imposed judicial plan (``judicial_plan``) on a case with no plan of
  that kind is refused ("Changer le statut" could homologate a case without any plan).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case
from cases.status import CaseStatus

from .models import PlanKind, PlanOneOff, PlanShare, PlanState, PlanVersion

PLAN_KIND_OF_STATUS = {
    CaseStatus.AMICABLE_PLAN: PlanKind.AMICABLE,
    CaseStatus.JUDICIAL_PLAN: PlanKind.JUDICIAL,
}


def status_check(case: Case, to_status: str) -> list[str]:
    """Refusals of moving ``case`` to ``to_status`` for want of a plan (see module)."""
    kind = PLAN_KIND_OF_STATUS.get(to_status)
    if kind is None or PlanVersion.objects.filter(case=case, kind=kind).exists():
        return []
    if kind == PlanKind.AMICABLE:
        return [
            _(
                "Le tribunal homologue un plan : ce dossier n'a aucun plan amiable. Établissez "
                "le plan dans l'onglet « Plan » et enregistrez-y la décision d'homologation."
            )
        ]
    return [
        _(
            "Le tribunal impose un plan judiciaire : ce dossier n'en a aucun. Déposez le "
            "procès-verbal de carence avec votre proposition (onglet « Requêtes »), puis "
            "enregistrez la décision dans l'onglet « Plan »."
        )
    ]


def conversion_errors(case: Case) -> dict[str, list[str]]:
    """Why the case's plan cannot become a judicial plan now (empty: it can)."""
    if case.status != CaseStatus.AMICABLE_PHASE:
        return {
            "__all__": [
                _(
                    "Le dossier n'est plus en phase amiable (statut « %(status)s ») : le "
                    "procès-verbal de carence se dépose pendant la phase amiable."
                )
                % {"status": CaseStatus(case.status).label}
            ]
        }
    latest = PlanVersion.objects.filter(case=case).order_by("-number").first()
    if latest is None:
        return {
            "__all__": [
                _(
                    "Ce dossier n'a aucun plan : établissez d'abord votre proposition de plan "
                    "dans l'onglet « Plan » ; elle accompagne le procès-verbal de carence."
                )
            ]
        }
    if latest.kind == PlanKind.JUDICIAL:
        return {
            "__all__": [
                _("La version %(n)s du plan est déjà une proposition de plan judiciaire.")
                % {"n": latest.number}
            ]
        }
    return {}


@transaction.atomic
def plan_convert_to_judicial(*, case: Case, reason: str, by: User) -> PlanVersion:
    """A draft judicial version continuing the case's latest (amicable) version: same terms and
    shares, ``revision_of`` it, ``reason`` recorded. Nothing of the amicable versions changes."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors = conversion_errors(case)
    if not reason.strip():
        errors.setdefault("reason", []).append(_("Indiquez le motif de la conversion."))
    if errors:
        raise ValidationError(errors)
    latest_number = PlanVersion.objects.filter(case=case).aggregate(n=Max("number"))["n"]
    source = PlanVersion.objects.get(case=case, number=latest_number)
    shares = list(source.shares.all())
    one_offs = list(source.one_offs.all())
    new = PlanVersion.objects.get(pk=source.pk)
    new.pk = None
    new._state.adding = True
    new.number = latest_number + 1
    new.kind = PlanKind.JUDICIAL
    new.state = PlanState.DRAFT
    new.revision_of = source
    new.reason = reason.strip()
    new.decision_date = None
    new.decision_reference = ""
    new.decided_by = None
    new.decided_at = None
    new.filed_document = None
    new.snapshot = {}
    new.frozen_at = None
    # A start of the seven years the court set for the amicable plan does not bind the judicial
    # plan: its own judgment sets it (docs/plan-rules.md, 6).
    new.court_count_from = None
    new.court_count_reason = ""
    new.court_count_reference = ""
    new.created_by = by
    new.updated_by = by
    new.full_clean()
    new.save()
    PlanShare.objects.bulk_create(
        PlanShare(version=new, creditor_id=s.creditor_id, monthly_amount=s.monthly_amount)
        for s in shares
    )
    # the one-off sums are terms of the plan too (docs/plan-rules.md, 3)
    PlanOneOff.objects.bulk_create(
        PlanOneOff(
            version=new, kind=o.kind, received_on=o.received_on, amount=o.amount, label=o.label
        )
        for o in one_offs
    )
    return new
