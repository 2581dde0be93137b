"""The JustRestart fee invoices (fees.md §2, §4): recorded with the daily run's duty
``justrestart_fee`` (``fees.duties``), marked paid by the mediator with the journal entry that
paid them, which settles the duty."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from agenda.models import Duty
from agenda.services import duty_settle
from core.dates import format_date, years_between
from core.money import format_eur
from fees.engine.compute import JUSTRESTART_KEY
from ledger.models import Direction, Entry

from .. import selectors
from ..models import JustRestartInvoice


@transaction.atomic
def justrestart_invoice_for_duty(*, duty: Duty) -> JustRestartInvoice:
    """The invoice of the anniversary ``duty.due_date`` (created once, linked to the duty):
    the amount of the JustRestart row in force on the anniversary, its source, payable within
    30 days (the duty's deadline)."""
    case = duty.case
    row = selectors.tariff_table().in_force(JUSTRESTART_KEY, duty.due_date)
    invoice, created = JustRestartInvoice.objects.get_or_create(
        case=case,
        anniversary=duty.due_date,
        defaults={
            "duty": duty,
            "year_index": years_between(case.admissibility_date, duty.due_date),
            "amount": row.amount,
            "tariff_row": row.id,
            "tariff_source": row.source,
            "payable_by": duty.deadline,
        },
    )
    if not created and invoice.duty_id is None:
        invoice.duty = duty
        invoice.save(update_fields=["duty"])
    return invoice


@transaction.atomic
def justrestart_invoice_mark_paid(
    *, invoice: JustRestartInvoice, entry: Entry | None, by: User
) -> JustRestartInvoice:
    """Mark the invoice paid by the outgoing journal entry ``entry`` of the same case (its value
    date is the payment date) and settle its duty. Refused, with nothing saved: an invoice
    already paid, an entry of another case, an incoming entry, an entry that does not cover the
    invoices it would pay."""
    invoice = (
        JustRestartInvoice.objects.select_for_update().select_related("case").get(pk=invoice.pk)
    )
    if invoice.is_paid:
        paid = invoice.paid_entry
        raise ValidationError(
            {
                "entry": _(
                    "Cette redevance JustRestart est déjà payée le %(date)s (écriture n° "
                    "%(number)s) : elle ne se paie pas deux fois."
                )
                % {"date": format_date(invoice.paid_on), "number": paid.sequence}
            }
        )
    if entry is None:
        raise ValidationError(
            {"entry": _("Choisissez l'écriture du journal qui a payé cette redevance.")}
        )
    entry = Entry.objects.select_related("account__case").get(pk=entry.pk)
    other = entry.account.case
    if other.pk != invoice.case_id:
        raise ValidationError(
            {
                "entry": _(
                    "L'écriture n° %(number)s appartient au journal du dossier %(other)s, pas à "
                    "celui du dossier %(case)s : une redevance se paie depuis le compte de "
                    "médiation de son dossier."
                )
                % {
                    "number": entry.sequence,
                    "other": other.reference,
                    "case": invoice.case.reference,
                }
            }
        )
    if entry.direction != Direction.OUT:
        raise ValidationError(
            {
                "entry": _(
                    "L'écriture n° %(number)s est une entrée sur le compte : choisissez la "
                    "sortie qui a payé la redevance."
                )
                % {"number": entry.sequence}
            }
        )
    if entry.reverses_id is not None or Entry.objects.filter(reverses=entry).exists():
        raise ValidationError(
            {
                "entry": _(
                    "L'écriture n° %(number)s est une extourne ou a été extournée : elle ne "
                    "paie rien."
                )
                % {"number": entry.sequence}
            }
        )
    covered = sum(
        (i.amount for i in JustRestartInvoice.objects.filter(paid_entry=entry)), invoice.amount
    )
    if covered > entry.amount:
        raise ValidationError(
            {
                "entry": _(
                    "L'écriture n° %(number)s (%(amount)s) ne couvre pas les redevances qu'elle "
                    "paierait (%(covered)s)."
                )
                % {
                    "number": entry.sequence,
                    "amount": format_eur(entry.amount),
                    "covered": format_eur(covered),
                }
            }
        )
    invoice.paid_entry = entry
    invoice.paid_on = entry.value_date
    invoice.paid_by = by
    invoice.save(update_fields=["paid_entry", "paid_on", "paid_by"])
    if invoice.duty_id is not None and invoice.duty.settled_on is None:
        duty_settle(
            duty=invoice.duty,
            on=invoice.paid_on,
            by=by,
            note=_("Payée par l'écriture n° %(number)s.") % {"number": entry.sequence},
        )
    return invoice
