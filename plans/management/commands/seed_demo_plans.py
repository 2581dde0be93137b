"""Demo settlement plans for the demo cases that have admitted claims (run after ``seed_demo``,
``seed_demo_claims`` and, when present, ``seed_demo_ledger`` / ``seed_demo_budget``).

- a case whose plan is homologated or imposed gets an approved plan starting the month after the
  decision; its monthly amount is what the demo journal pays the creditors each month (so that
  the monitoring compares like with like) plus the fee provision, estimated by the fee engine;
- one of them went through the whole path: proposal sent to the creditors (circular letter,
  4.2 service recorded), filed with the court (the division's clerk downloads it), then
  homologated, then revised two years later (version 2);
- one judicial plan pays the privileged claims first, quarterly;
- a case still in the amicable phase gets a draft, on the budget's figure when there is one.

Idempotent: a case that already has a plan is left alone; cases without admitted claims are
skipped.
"""

from dataclasses import replace
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cases.models import Case
from cases.status import CaseStatus
from claims.models import Claim, ClaimStatus, PlanRank, Privilege
from claims.services import ClaimData, claim_update
from core.demo import refuse_in_production
from core.money import CENT
from ledger.models import Category, Direction, Entry
from plans import estimates, selectors, services
from plans.engine import add_months
from plans.models import FeeSource, PlanKind, PlanVersion

PLAN_STATUSES = {CaseStatus.AMICABLE_PLAN, CaseStatus.JUDICIAL_PLAN}


def first_of_next_month(day: date) -> date:
    return add_months(day.replace(day=1), 1)


class Command(BaseCommand):
    help = "Demo settlement plans for the demo cases that have admitted claims (idempotent)."

    def handle(self, *args, **options):
        refuse_in_production()
        today = timezone.localdate()
        created = skipped = 0
        privileged_done = False
        cases = list(
            Case.objects.filter(status__in=[*PLAN_STATUSES, CaseStatus.AMICABLE_PHASE])
            .select_related("mediator", "organisation")
            .order_by("organisation__name", "reference")
        )
        showcase_pk = self._showcase(cases, today)
        showcase_done = showcase_pk is None
        for case in cases:
            if PlanVersion.objects.filter(case=case).exists():
                skipped += 1
                continue
            if not selectors.live_basis(case, today).lines:
                continue  # no admitted claim to put in a plan
            try:
                with transaction.atomic():
                    if case.status in PLAN_STATUSES and case.homologation_date:
                        showcase = not showcase_done and case.pk == showcase_pk
                        privileged = not privileged_done and case.status == CaseStatus.JUDICIAL_PLAN
                        self._approved(case, today, showcase=showcase, privileged=privileged)
                        showcase_done |= showcase
                        privileged_done |= privileged
                    elif case.status == CaseStatus.AMICABLE_PHASE:
                        self._draft(case, today)
                    else:
                        continue
            except ValidationError as exc:
                self.stderr.write(f"{case.reference}: {'; '.join(exc.messages)}")
                continue
            created += 1
        self.stdout.write(
            f"Demo plans: {created} case(s) given a plan, {skipped} case(s) already had one."
        )

    def _showcase(self, cases: list[Case], today: date) -> int | None:
        """The homologated amicable case (without a plan yet) with the most admitted claims,
        homologated more than two years ago: it gets the whole path, revision included."""
        best = None
        for case in cases:
            if (
                case.status != CaseStatus.AMICABLE_PLAN
                or not case.homologation_date
                or add_months(case.homologation_date, 27) > today
                or PlanVersion.objects.filter(case=case).exists()
            ):
                continue
            owed = sum((li.outstanding for li in selectors.live_basis(case, today).lines), 0)
            if best is None or owed > best[0]:
                best = (owed, case.pk)
        return best[1] if best else None

    # --- figures ------------------------------------------------------------------------------

    def _ledger_monthly(self, case: Case, start: date) -> Decimal | None:
        """What the demo journal pays the creditors in the plan's first month."""
        total = Entry.objects.filter(
            account__case=case,
            category=Category.DIVIDEND,
            direction=Direction.OUT,
            reverses__isnull=True,
            reversed_by__isnull=True,
            value_date__gte=start,
            value_date__lt=add_months(start, 1),
        ).aggregate(t=Sum("amount"))["t"]
        return total.quantize(CENT) if total else None

    def _fallback_monthly(self, case: Case) -> Decimal:
        admitted = sum(
            (c.total for c in Claim.objects.filter(case=case, status=ClaimStatus.ACCEPTED)),
            Decimal(0),
        )
        monthly = admitted * Decimal("0.55") / 84
        monthly = (monthly / 5).to_integral_value(rounding=ROUND_CEILING) * 5
        return min(max(monthly, Decimal("50")), Decimal("450")).quantize(CENT)

    def _data(
        self, case: Case, *, start: date, monthly: Decimal, includes_fees: bool, **extra
    ) -> services.PlanData:
        """The plan's terms; the fee provision is the fee engine's estimate, taken out of
        ``monthly`` (``includes_fees``: the budget's figure) or added to it (the journal's
        dividends)."""
        allowed = selectors.duration_limit(case).max_months_from(start)
        duration = max(1, min(84, allowed))
        data = services.PlanData(
            kind=PlanKind.JUDICIAL
            if case.status == CaseStatus.JUDICIAL_PLAN
            else PlanKind.AMICABLE,
            start_date=start,
            duration_months=duration,
            monthly_available=monthly,
            **extra,
        )
        checked = services.check_plan(case=case, data=data)
        if checked.errors:
            raise ValidationError(checked.errors)
        estimate = estimates.fee_estimate(
            case=case, terms=checked.terms, allowance=estimates.ALLOWANCE_STANDING_ORDER
        )
        if estimate.amount is None:
            return data
        fee_monthly = (estimate.amount / duration).quantize(CENT, rounding=ROUND_CEILING)
        return replace(
            data,
            monthly_available=monthly if includes_fees else monthly + fee_monthly,
            fee_provision=estimate.amount,
            fee_source=FeeSource.ESTIMATE,
            fee_estimate_note=estimate.note,
        )

    # --- plans --------------------------------------------------------------------------------

    def _approved(self, case: Case, today: date, *, showcase: bool, privileged: bool) -> None:
        decided = case.homologation_date
        start = first_of_next_month(decided)
        monthly = self._ledger_monthly(case, start) or self._fallback_monthly(case)
        extra = {"frequency_months": 3} if privileged else {}
        if privileged:
            self._rank_privileged(case)
        data = self._data(case, start=start, monthly=monthly, includes_fees=False, **extra)
        by = case.mediator
        version = services.plan_create(case=case, data=data, by=by)
        if showcase:
            proposal_sent = max(case.admissibility_date, add_months(decided, -3))
            creditor_ids = list(selectors.basis_of(version).creditor_ids.values())
            services.plan_send(
                version=version,
                creditor_ids=creditor_ids,
                copy_to_applicants=any(a.address.strip() for a in case.applicants.all()),
                sent_on=proposal_sent,
                registered=True,
                postage=Decimal("8.40"),
                by=by,
                today=today,
            )
            if decided <= today:  # filed with the homologation request, a month before
                services.plan_file(
                    version=version, by=by, today=max(proposal_sent, add_months(decided, -1))
                )
        if decided > today:
            return
        reference = f"R.G. {case.role_number}" if case.role_number else ""
        services.plan_approve(
            version=version,
            decision_date=decided,
            decision_reference=reference,
            by=by,
            today=today,
        )
        if privileged and first_of_next_month(today) < add_months(start, data.duration_months):
            self._draft_revision(case, version, data, today)
        revision_start = first_of_next_month(add_months(start, 24))
        if showcase and revision_start < today:
            revised = services.plan_revise(
                version=version,
                reason=(
                    "Reprise d'un emploi à temps plein par le requérant : le disponible mensuel "
                    "augmente de 60,00 € ; la durée reste limitée à 7 ans depuis l'admissibilité."
                ),
                by=by,
            )
            remaining = selectors.duration_limit(case).max_months_from(revision_start)
            services.plan_update(
                version=revised,
                data=replace(
                    data,
                    start_date=revision_start,
                    duration_months=max(1, min(remaining, data.duration_months - 24)),
                    monthly_available=data.monthly_available + Decimal("60.00"),
                    fee_source=FeeSource.MANUAL,
                    fee_provision=(
                        data.fee_provision * (data.duration_months - 24) / data.duration_months
                    ).quantize(CENT),
                    fee_estimate_note="",
                ),
                by=by,
            )
            decision = add_months(revision_start, -1)
            services.plan_approve(
                version=revised,
                decision_date=min(decision, today),
                decision_reference=f"{reference} — révision".strip(" —"),
                by=by,
                today=today,
            )

    def _rank_privileged(self, case: Case) -> None:
        """Equality is the rule (art. 1675/13 §1 C.J.): the demo's privileged claims are paid
        first only through a reasoned rank recorded on each claim (docs/plan-rules.md)."""
        for claim in Claim.objects.filter(case=case).exclude(privilege=Privilege.NONE):
            if claim.privilege == Privilege.MORTGAGE:
                rank, reason = PlanRank.MORTGAGE, "Hypothèque sur le logement familial conservé."
            else:
                rank, reason = PlanRank.PREFERENCE, "Privilège légal de la créance."
            claim_update(
                claim=claim,
                data=ClaimData(
                    creditor=claim.creditor,
                    principal=claim.principal,
                    interest=claim.interest,
                    costs=claim.costs,
                    declared_on=claim.declared_on,
                    nature=claim.nature,
                    creditor_reference=claim.creditor_reference,
                    status=claim.status,
                    time_barred=claim.time_barred,
                    privilege=claim.privilege,
                    paid_off_on=claim.paid_off_on,
                    representation=claim.representation,
                    debtors=list(claim.debtors.all()),
                    key=claim.key,
                    interest_after_admissibility=claim.interest_after_admissibility,
                    admitted_amount=claim.admitted_amount,
                    admitted_reason=claim.admitted_reason,
                    plan_rank=rank,
                    rank_reason=reason,
                ),
                by=case.mediator,
            )

    def _draft_revision(self, case: Case, version, data, today: date) -> None:
        """A revision in progress (draft): the household's income went down."""
        revised = services.plan_revise(
            version=version,
            reason=(
                "Fin du contrat de travail du requérant : allocations de chômage, disponible "
                "réduit. Projet à soumettre aux créanciers puis au tribunal."
            ),
            by=case.mediator,
        )
        start = first_of_next_month(today)
        remaining = selectors.duration_limit(case).max_months_from(start)
        services.plan_update(
            version=revised,
            data=replace(
                data,
                start_date=start,
                duration_months=max(1, min(remaining, 60)),
                monthly_available=(data.monthly_available * Decimal("0.8")).quantize(CENT),
                fee_provision=(data.fee_provision * Decimal("0.6")).quantize(CENT),
                fee_source=FeeSource.MANUAL,
                fee_estimate_note="",
            ),
            by=case.mediator,
        )

    def _draft(self, case: Case, today: date) -> None:
        start = max(first_of_next_month(today), case.admissibility_date)
        figure = selectors.budget_available(case, start)
        from_budget = figure is not None and figure.amount is not None and figure.amount > 0
        if from_budget:
            data = self._data(case, start=start, monthly=figure.amount, includes_fees=True)
            data = replace(data, available_source="budget", available_note=figure.explanation)
        else:
            data = self._data(
                case, start=start, monthly=self._fallback_monthly(case), includes_fees=False
            )
        services.plan_create(case=case, data=data, by=case.mediator)
