"""The fees app's kinds of duty in the case's legal calendar (``agenda.registry``), registered
from ``FeesConfig.ready``:

- ``justrestart_fee``: the JustRestart fee at each anniversary (fees.md §2, §4); recording the
  duty writes the invoice (``on_created``); it is settled when the mediator marks the invoice
  paid (``services.justrestart_invoice_mark_paid``); deadline: payable within 30 days.
- ``taxation_order_awaited``: a fee statement filed with the court awaits the judge's taxation
  order; recorded when the statement is filed (``services.statement_file``; the run also finds
  filings it has not seen), settled when the order is recorded (``services.taxation_order_record``).
- ``fee_statement_draft``: at each anniversary, the draft fee statement of the year ended for
  the mediator to check (``services.fee_statement_draft_for_year``); settled when the statement
  of that year is filed.

``produce`` functions are pure reads (the agenda may call them to forecast)."""

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Duty
from agenda.registry import DutyKind, DutySpec
from cases.models import Case
from core.dates import anniversaries_in

from . import selectors, services
from .clocks import (
    DRAFT_CHECK_DAYS,
    FEE_STATEMENT_DRAFT,
    JUSTRESTART_FEE,
    TAXATION_ORDER_AWAITED,
    taxation_awaited_spec,
)
from .models import FeeStatement, JustRestartInvoice, StatementState


def _fee_tab(case_id: int, anchor: str = "") -> str:
    return reverse("fees:case_services", args=[case_id]) + (f"#{anchor}" if anchor else "")


# --- justrestart_fee ---------------------------------------------------------------------------


def justrestart_produce(case: Case, start: date, end: date) -> list[DutySpec]:
    return [
        DutySpec(
            kind=JUSTRESTART_FEE,
            due_date=due.anniversary,
            deadline=due.payable_by,
            data={"k": due.k, "amount": str(due.row.amount), "row": due.row.id},
        )
        for due in selectors.justrestart_due(case, start, end)
    ]


def justrestart_produce_many(
    cases: Sequence[Case], start: date, end: date
) -> dict[int, list[DutySpec]]:
    """``justrestart_produce`` for many cases: the tariff rows are read once."""
    tariffs = selectors.tariff_table()
    return {
        case.pk: [
            DutySpec(
                kind=JUSTRESTART_FEE,
                due_date=due.anniversary,
                deadline=due.payable_by,
                data={"k": due.k, "amount": str(due.row.amount), "row": due.row.id},
            )
            for due in selectors.justrestart_due(case, start, end, tariffs)
        ]
        for case in cases
    }


def justrestart_on_created(duty: Duty) -> None:
    services.justrestart_invoice_for_duty(duty=duty)


def justrestart_settled(duties: list[Duty]) -> dict[int, date]:
    paid = JustRestartInvoice.objects.filter(duty__in=duties, paid_on__isnull=False).values_list(
        "duty_id", "paid_on"
    )
    return dict(paid)


def justrestart_url(duty: Duty) -> str:
    return _fee_tab(duty.case_id, "justrestart")


# --- taxation_order_awaited ----------------------------------------------------------------


def taxation_produce(case: Case, start: date, end: date) -> list[DutySpec]:
    """The statements filed in ``(start, end]`` whose order is not recorded yet."""
    statements = FeeStatement.objects.filter(
        case=case, state=StatementState.FILED, taxation_order__isnull=True
    )
    specs = [taxation_awaited_spec(statement) for statement in statements]
    return [spec for spec in specs if start < spec.due_date <= end]


def taxation_produce_many(
    cases: Sequence[Case], start: date, end: date
) -> dict[int, list[DutySpec]]:
    """``taxation_produce`` for many cases in one query."""
    statements = FeeStatement.objects.filter(
        case_id__in=[case.pk for case in cases],
        state=StatementState.FILED,
        taxation_order__isnull=True,
    )
    found: dict[int, list[DutySpec]] = {}
    for statement in statements:
        spec = taxation_awaited_spec(statement)
        if start < spec.due_date <= end:
            found.setdefault(statement.case_id, []).append(spec)
    return found


def taxation_settled(duties: list[Duty]) -> dict[int, date]:
    ids = {duty.data.get("statement"): duty.pk for duty in duties}
    statements = FeeStatement.objects.filter(pk__in=[pk for pk in ids if pk]).select_related(
        "taxation_order"
    )
    return {
        ids[statement.pk]: statement.taxation_order.order_date
        for statement in statements
        if hasattr(statement, "taxation_order")
    }


def statement_url(duty: Duty) -> str:
    statement = duty.data.get("statement")
    if statement:
        return reverse("fees:statement_detail", args=[duty.case_id, statement])
    return _fee_tab(duty.case_id)


# --- fee_statement_draft -------------------------------------------------------------------


def draft_produce(case: Case, start: date, end: date) -> list[DutySpec]:
    up_to = end if case.closure_date is None else min(end, case.closure_date)
    return [
        DutySpec(
            kind=FEE_STATEMENT_DRAFT,
            due_date=day,
            deadline=day + timedelta(days=DRAFT_CHECK_DAYS),
            data={"k": k},
        )
        for k, day in anniversaries_in(case.admissibility_date, start, up_to)
    ]


def draft_produce_many(cases: Sequence[Case], start: date, end: date) -> dict[int, list[DutySpec]]:
    return {case.pk: draft_produce(case, start, end) for case in cases}  # no query


def draft_on_created(duty: Duty) -> None:
    """Prepare the draft; when the engine refuses it (e.g. a date no tariff row covers), keep
    the reason with the duty rather than fail the case's run: its other clocks still run."""
    try:
        with transaction.atomic():
            statement, _created = services.fee_statement_draft_for_year(
                case=duty.case, anniversary=duty.due_date
            )
    except ValidationError as exc:
        duty.data = {**duty.data, "error": " ".join(exc.messages)}
    else:
        duty.data = {**duty.data, "statement": statement.pk}
    duty.save(update_fields=["data"])


def draft_settled(duties: list[Duty]) -> dict[int, date]:
    if not duties:
        return {}
    filed = FeeStatement.objects.filter(
        case_id=duties[0].case_id,
        state=StatementState.FILED,
        period_to__in=[duty.due_date for duty in duties],
    ).values_list("period_to", "filed_at")
    filed_on = {period_to: timezone.localdate(at) for period_to, at in filed}
    return {duty.pk: filed_on[duty.due_date] for duty in duties if duty.due_date in filed_on}


KINDS = [
    DutyKind(
        code=JUSTRESTART_FEE,
        label=_("Redevance JustRestart à payer"),
        produce=justrestart_produce,
        produce_many=justrestart_produce_many,
        on_created=justrestart_on_created,
        settled=justrestart_settled,
        url=justrestart_url,
        order=30,
    ),
    DutyKind(
        code=FEE_STATEMENT_DRAFT,
        label=_("État de frais de l'année écoulée à vérifier"),
        produce=draft_produce,
        produce_many=draft_produce_many,
        on_created=draft_on_created,
        settled=draft_settled,
        url=statement_url,
        order=35,
    ),
    DutyKind(
        code=TAXATION_ORDER_AWAITED,
        label=_("Ordonnance de taxation attendue"),
        produce=taxation_produce,
        produce_many=taxation_produce_many,
        settled=taxation_settled,
        url=statement_url,
        order=60,
        forecast=False,  # the day the statement was filed: never in the coming days
    ),
]
