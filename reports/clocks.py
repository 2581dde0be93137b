"""The annual report's clock in the case's legal calendar (``agenda``): the duty kind
``annual_report_due``.

At each anniversary ``A + k`` of the admissibility order (k >= 1; 29 February falls on 28
February: ``core.dates``), not after the closure date, the report of the follow-up year
``[A + k - 1, A + k)`` is due (``../shared/domain/README.md``, "The life of a case", step 6). It is
recorded once by the daily run, stays *due* for ``GRACE_DAYS`` and is *overdue* afterwards,
until a report covering that year is filed: ``reports.services.report_file`` settles it at once,
and the kind's ``settled`` hook settles it at the next run when the report was filed otherwise
(a bundle import, the admin).

A filed report *covers* a follow-up year when its period includes the year's last day (the day
before the anniversary): the year's report, or a report at the court's request that runs up to
the anniversary. A report of one year never settles another year.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.registry import DutyKind, DutySpec
from cases.models import Case
from core.dates import anniversaries_in, anniversary

from .models import FiledReport
from .selectors import ReportPeriod

KIND = "annual_report_due"
# The report is filed at the anniversary; the month after it is the mediator's margin before
# the report counts as overdue (the JustRestart invoice's 30 days, for the same date).
GRACE_DAYS = 30


def year_of(admissibility: date, k: int) -> ReportPeriod:
    """The follow-up year ``k`` (k >= 1): ``[A + k - 1, A + k)``."""
    return ReportPeriod(anniversary(admissibility, k - 1), anniversary(admissibility, k))


def covers(period_from: date, period_to: date, year: ReportPeriod) -> bool:
    """A filed report ``[period_from, period_to)`` covers ``year`` when it includes the year's
    last day."""
    return period_from <= year.last_day < period_to


def produce(case: Case, start: date, end: date) -> Iterable[DutySpec]:
    """The anniversaries in ``(start, end]``, not after the closure date (a pure read)."""
    for k, when in anniversaries_in(case.admissibility_date, start, end):
        if case.closure_date is not None and when > case.closure_date:
            break
        year = year_of(case.admissibility_date, k)
        yield DutySpec(
            kind=KIND,
            due_date=when,
            deadline=when + timedelta(days=GRACE_DAYS),
            data={"k": k, "period_from": year.start.isoformat(), "period_to": year.end.isoformat()},
        )


def produce_many(cases, start: date, end: date) -> dict[int, list[DutySpec]]:
    return {case.pk: list(produce(case, start, end)) for case in cases}  # no query


def duty_year(duty) -> ReportPeriod:
    return ReportPeriod(
        date.fromisoformat(duty.data["period_from"]), date.fromisoformat(duty.data["period_to"])
    )


def settled(duties: list) -> dict[int, date]:
    """The open duties of one case whose year a filed report covers: settled on the day the
    report was filed."""
    if not duties:
        return {}
    filed = list(
        FiledReport.objects.filter(case_id=duties[0].case_id)
        .order_by("filed_at")
        .values_list("period_from", "period_to", "filed_at")
    )
    done: dict[int, date] = {}
    for duty in duties:
        year = duty_year(duty)
        for period_from, period_to, filed_at in filed:
            if covers(period_from, period_to, year):
                done[duty.pk] = timezone.localdate(filed_at)
                break
    return done


def url_for(case_id: int, year: ReportPeriod) -> str:
    """The annual report page, on the follow-up year ``year``."""
    return reverse("reports:annual_report", args=[case_id]) + "?annee=" + year.start.isoformat()


def url(duty) -> str:
    return url_for(duty.case_id, duty_year(duty))


DUTY_KIND = DutyKind(
    code=KIND,
    label=_("Rapport annuel à déposer"),
    produce=produce,
    produce_many=produce_many,
    settled=settled,
    url=url,
    order=20,
)
