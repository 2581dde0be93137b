"""The claims app's kinds of duty in the case's calendar (``agenda.registry``), registered from
``ClaimsConfig.ready``:

- ``declaration_deadline`` (subject ``creditor:<id>``): a known creditor's declaration period
  is over and it has not declared: the mediator sends the registered reminder. Due on the last
  day of the period (``claims.deadlines``); settled by the creditor's declaration (a late one
  too) or its forclusion.
- ``declaration_reminder_deadline``: the reminder was received; due on its receipt, overdue
  after the last day; settled by the declaration or the forclusion.
- ``creditor_time_barred``: the day after the reminder's last day, for a creditor that has not
  declared. Recording it forecloses the creditor (``on_created``, in the duty's transaction):
  the unique key of the duty makes it exactly once, whatever the number of runs, and the
  forclusion is kept with its date and reason on the known creditor. The duty is a record:
  it is settled on its own date.
"""

from collections.abc import Sequence
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda.registry import DutyKind, DutySpec, register_duty_kind, shared
from cases.models import Case
from core.dates import format_date

from . import deadlines, selectors, services
from .models import KnownCreditor, TimeBarReason


def _in(spec: DutySpec | None, start: date, end: date) -> bool:
    return spec is not None and start < spec.due_date <= end


def produce_declarations(case: Case, start: date, end: date) -> list[DutySpec]:
    if case.creditors_notified_on is None:
        return []
    first = selectors.first_declarations(case)
    specs = []
    for known in selectors.known_creditors_of(case):
        spec = selectors.declaration_spec(case, known, first.get(known.creditor_id))
        if _in(spec, start, end):
            specs.append(spec)
    return specs


def produce_reminders(case: Case, start: date, end: date) -> list[DutySpec]:
    specs = []
    for known in selectors.known_creditors_of(case):
        spec = selectors.reminder_spec(known)
        if _in(spec, start, end):
            specs.append(spec)
    return specs


def produce_time_bars(case: Case, start: date, end: date) -> list[DutySpec]:
    first = selectors.first_declarations(case)
    specs = []
    for known in selectors.known_creditors_of(case):
        spec = selectors.time_bar_spec(known, first.get(known.creditor_id))
        if _in(spec, start, end):
            specs.append(spec)
    return specs


# The batch forms (``DutyKind.produce_many``): one query for any number of cases (the known
# creditors with their first declarations), shared by the three kinds within the agenda's
# ``shared_reads`` (the forecast, the daily run).


def _known_by_case(cases: Sequence[Case]) -> dict[int, list[KnownCreditor]]:
    ids = [case.pk for case in cases]
    return shared(
        ("claims.known_creditors", tuple(ids)),
        lambda: selectors.known_creditors_by_case(ids, first_declared=True),
    )


def produce_declarations_many(
    cases: Sequence[Case], start: date, end: date
) -> dict[int, list[DutySpec]]:
    notified = [case for case in cases if case.creditors_notified_on is not None]
    if not notified:
        return {}
    known_by_case = _known_by_case(cases)  # every case's: the read the kinds share
    found = {}
    for case in notified:
        specs = [
            selectors.declaration_spec(case, known, known.first_declared)
            for known in known_by_case.get(case.pk, ())
        ]
        found[case.pk] = [spec for spec in specs if _in(spec, start, end)]
    return found


def produce_reminders_many(
    cases: Sequence[Case], start: date, end: date
) -> dict[int, list[DutySpec]]:
    found = {}
    for case_id, knowns in _known_by_case(cases).items():
        specs = [selectors.reminder_spec(known) for known in knowns]
        found[case_id] = [spec for spec in specs if _in(spec, start, end)]
    return found


def produce_time_bars_many(
    cases: Sequence[Case], start: date, end: date
) -> dict[int, list[DutySpec]]:
    found = {}
    for case_id, knowns in _known_by_case(cases).items():
        specs = [selectors.time_bar_spec(known, known.first_declared) for known in knowns]
        found[case_id] = [spec for spec in specs if _in(spec, start, end)]
    return found


def _known_of(duty) -> KnownCreditor | None:
    creditor_id = duty.subject.removeprefix("creditor:")
    if not creditor_id.isdigit():
        return None
    return KnownCreditor.objects.filter(case_id=duty.case_id, creditor_id=int(creditor_id)).first()


def time_bar_on_created(duty) -> None:
    """Foreclose the creditor from the duty's date, with the reason; the duty is settled."""
    known = _known_of(duty)
    if known is None:
        raise ValueError(f"{duty.subject}: not a known creditor of case {duty.case_id}")
    last_day = date.fromisoformat(duty.data["last_day"])
    received_on = date.fromisoformat(duty.data["received_on"])
    services.time_bar_apply(
        known=known,
        on=duty.due_date,
        reason=TimeBarReason.REMINDER_EXPIRED,
        note=_(
            "Rappel recommandé reçu le %(received)s ; aucune déclaration au %(last)s, dernier "
            "jour du délai."
        )
        % {"received": format_date(received_on), "last": format_date(last_day)},
    )
    duty.settled_on = duty.due_date
    duty.settled_note = _("Créancier forclos")
    duty.save(update_fields=["settled_on", "settled_note"])


def settled_by_declaration(duties: list) -> dict[int, date]:
    """A duty of a creditor is settled by its declaration (on its date) or its forclusion."""
    if not duties:
        return {}
    case = duties[0].case
    first = selectors.first_declarations(case)
    barred = {
        known.subject: known.time_barred_on
        for known in selectors.known_creditors_of(case)
        if known.time_barred_on is not None
    }
    done: dict[int, date] = {}
    for duty in duties:
        creditor_id = duty.subject.removeprefix("creditor:")
        declared_on = first.get(int(creditor_id)) if creditor_id.isdigit() else None
        when = [d for d in (declared_on, barred.get(duty.subject)) if d is not None]
        if when:
            done[duty.pk] = min(when)
    return done


def declarations_url(duty) -> str:
    return reverse("claims:declarations", args=[duty.case_id])


def register() -> None:
    register_duty_kind(
        DutyKind(
            code=deadlines.DECLARATION_DEADLINE,
            label=gettext_lazy("Délai de déclaration de créance expiré : rappel recommandé"),
            produce=produce_declarations,
            produce_many=produce_declarations_many,
            settled=settled_by_declaration,
            url=declarations_url,
            order=30,
        )
    )
    register_duty_kind(
        DutyKind(
            code=deadlines.REMINDER_DEADLINE,
            label=gettext_lazy("Dernier délai après le rappel recommandé"),
            produce=produce_reminders,
            produce_many=produce_reminders_many,
            settled=settled_by_declaration,
            url=declarations_url,
            order=31,
        )
    )
    register_duty_kind(
        DutyKind(
            code=deadlines.TIME_BAR,
            label=gettext_lazy("Créancier forclos"),
            produce=produce_time_bars,
            produce_many=produce_time_bars_many,
            on_created=time_bar_on_created,
            url=declarations_url,
            order=32,
        )
    )
