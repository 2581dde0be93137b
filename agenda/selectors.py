"""Reads of the case's legal calendar (the agenda screens are built on these)."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.models import Case

from .models import DailyRun, Duty


def last_successful_run() -> DailyRun | None:
    return DailyRun.objects.filter(state=DailyRun.State.SUCCEEDED).order_by("-run_date").first()


def cases_for_run(*, after: date) -> QuerySet[Case]:
    """Every case whose calendar may still hold a date after ``after``: not closed on or before
    it (closure ends every clock: fees.md §2, §4); and a case closed earlier that still has an
    open duty, for its kinds to settle it (a closure is recorded after its decision's date)."""
    open_duty = Duty.objects.filter(case=OuterRef("pk"), settled_on__isnull=True)
    return (
        Case.objects.filter(
            Q(closure_date__isnull=True) | Q(closure_date__gt=after) | Exists(open_duty)
        )
        .select_related("organisation", "mediator")
        .order_by("pk")
    )


def open_duties(*, case: Case, kind: str | None = None) -> list[Duty]:
    duties = Duty.objects.filter(case=case, settled_on__isnull=True)
    if kind is not None:
        duties = duties.filter(kind=kind)
    return list(duties.order_by("deadline", "due_date", "kind", "subject"))


def case_duties(*, case: Case, kind: str | None = None) -> QuerySet[Duty]:
    duties = Duty.objects.filter(case=case)
    if kind is not None:
        duties = duties.filter(kind=kind)
    return duties.order_by("due_date", "kind", "subject")
