"""The end-of-plan checklist (issue 17; ``../shared/domain/README.md``, step 8 « Closure »;
``fees.md`` §8): what must be done before the mediator asks the court to close the case, each
item with its state, what is left and where to do it. Reads only; the plan's arithmetic is
``plans.engine``'s, the account's state the ledger's, the fees' the fees app's."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Case
from cases.status import CaseStatus
from contacts.models import INCOME_PAYERS, ThirdParty, ThirdPartyKind
from core.dates import format_date
from core.money import format_eur
from fees.models import FeeStatement, Occasion, StatementState
from ledger.models import Account
from ledger.selectors import fee_payment_allowance
from letters.models import CLOSURE_KINDS, Letter, LetterKind
from plans import engine as plan_engine
from plans import selectors as plan_selectors
from reports import selectors as report_selectors
from reports.models import FiledReport

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool | None  # None: does not apply to this case
    detail: str
    url: str = ""
    action: str = ""

    @property
    def state(self) -> str:
        return {True: "done", False: "todo", None: "na"}[self.done]


@dataclass(frozen=True)
class Checklist:
    case: Case
    items: tuple[ChecklistItem, ...]
    letters_needed: tuple[str, ...] = ()  # closure_letters_needed(case), as the checklist read it
    letters_sent: dict[str, Letter] = field(default_factory=dict)  # closure_letters_sent(case)
    # final_report_period(case, today), from the filed reports the checklist read
    report_period: tuple[date, date] | None = None

    @property
    def complete(self) -> bool:
        return all(item.done is not False for item in self.items)

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.done is False]


def _url(name: str, case: Case, anchor: str = "") -> str:
    return reverse(name, args=[case.pk]) + anchor


def _instalments(case: Case, today: date) -> ChecklistItem:
    """Every instalment of the plan in force paid: each creditor received the dividends the
    plan plans for it in total (``plans.engine.monitor``, within its ``TOLERANCE``)."""
    label = _("Toutes les échéances du plan sont payées")
    version = plan_selectors.version_in_force(case, with_people=False)
    if version is None:
        if case.status == CaseStatus.TOTAL_REMISSION:
            return ChecklistItem("instalments", label, None, _("Remise totale : pas de plan."))
        return ChecklistItem(
            "instalments",
            label,
            False,
            _("Aucun plan approuvé n'est en vigueur."),
            _url("plans:case_plan", case),
            _("Voir le plan"),
        )
    last_day = plan_engine.add_months(version.start_date, version.duration_months)
    as_of = max(today, last_day - timedelta(days=1) + timedelta(days=plan_engine.GRACE_DAYS))
    # the basis (paid before the plan) and the monitoring (paid during it): one query
    plan_selectors.read_once(case, start=version.start_date, end=as_of)
    view, monitoring = plan_selectors.monitoring(version, as_of)
    url = _url("plans:monitoring", case)
    if monitoring is None:
        return ChecklistItem(
            "instalments", label, False, _("Le plan ne peut être calculé."), url, _("Voir")
        )
    unpaid = sum(
        (
            row.planned_total - row.paid
            for row in monitoring.rows
            if row.paid < row.planned_total - plan_engine.TOLERANCE
        ),
        ZERO,
    )
    planned = sum((row.planned_total for row in monitoring.rows), ZERO)
    if unpaid > 0:
        return ChecklistItem(
            "instalments",
            label,
            False,
            _("Reste à payer aux créanciers : %(unpaid)s sur %(planned)s prévus par le plan.")
            % {"unpaid": format_eur(unpaid), "planned": format_eur(planned)},
            url,
            _("Suivi du plan"),
        )
    return ChecklistItem(
        "instalments",
        label,
        True,
        _("Dividendes prévus par le plan (%(planned)s) payés.") % {"planned": format_eur(planned)},
        url,
        _("Suivi du plan"),
    )


def _final_statement(case: Case) -> ChecklistItem:
    """The final fee statement (occasion « demande de clôture », fees.md §8) filed and taxed."""
    label = _("État final de frais et honoraires déposé et taxé")
    statements = FeeStatement.objects.filter(case=case, occasion=Occasion.CLOSURE).order_by(
        "-period_to", "-pk"
    )
    filed = statements.filter(state=StatementState.FILED).select_related("taxation_order")
    taxed = [s for s in filed if hasattr(s, "taxation_order")]
    if taxed:
        order = taxed[0].taxation_order
        return ChecklistItem(
            "final_fee_statement",
            label,
            True,
            _("Taxé à %(amount)s.") % {"amount": format_eur(order.allowed_amount)},
            reverse("fees:statement_detail", args=[case.pk, taxed[0].pk]),
            _("Voir l'état"),
        )
    first = next(iter(filed), None)
    if first is not None:
        return ChecklistItem(
            "final_fee_statement",
            label,
            False,
            _("Déposé, en attente de la taxation du juge."),
            reverse("fees:taxation_order_add", args=[case.pk, first.pk]),
            _("Encoder la taxation"),
        )
    return ChecklistItem(
        "final_fee_statement",
        label,
        False,
        _("Aucun état de frais « demande de clôture » n'est déposé."),
        _url("fees:statement_new", case),
        _("Établir l'état final"),
    )


def _account_items(case: Case) -> list[ChecklistItem]:
    account = Account.objects.filter(case=case).first()
    url = _url("ledger:entry_create", case)
    unpaid = fee_payment_allowance(case)
    fees_paid = ChecklistItem(
        "fees_paid",
        _("Honoraires taxés payés"),
        unpaid <= 0,
        _("Honoraires taxés restant à payer : %(amount)s.") % {"amount": format_eur(unpaid)}
        if unpaid > 0
        else _("Aucun honoraire taxé n'est impayé."),
        url,
        _("Passer une écriture"),
    )
    if account is None:
        na = _("Pas de compte de médiation.")
        return [
            fees_paid,
            ChecklistItem("reserve_released", _("Réserve pour honoraires libérée"), None, na),
            ChecklistItem("balance_returned", _("Solde restitué au requérant"), None, na),
        ]
    return [
        fees_paid,
        ChecklistItem(
            "reserve_released",
            _("Réserve pour honoraires libérée"),
            account.reserve == 0,
            _("Réserve : %(amount)s.") % {"amount": format_eur(account.reserve)},
            url,
            _("Libérer la réserve"),
        ),
        ChecklistItem(
            "balance_returned",
            _("Solde restitué au requérant"),
            account.balance == 0,
            _("Solde du compte de médiation : %(amount)s.")
            % {"amount": format_eur(account.balance)},
            url,
            _("Restituer le solde"),
        ),
    ]


def _filed_reports(case: Case) -> list[FiledReport]:
    """The case's filed reports, the latest filed first (one a year: a few), read once for the
    checklist's final report and the final report's period (issue 15)."""
    return list(FiledReport.objects.filter(case=case).order_by("-filed_at", "-pk"))


def _final_report(case: Case, reports: list[FiledReport]) -> ChecklistItem:
    label = _("Rapport final déposé")
    report = next((r for r in reports if r.final), None)
    if report is None:
        return ChecklistItem(
            "final_report",
            label,
            False,
            _("Le rapport final sur la dernière période n'est pas déposé."),
            _url("closure:case_closure", case, "#rapport-final"),
            _("Déposer le rapport final"),
        )
    return ChecklistItem(
        "final_report",
        label,
        True,
        _("Déposé le %(d)s (période du %(start)s au %(end)s).")
        % {
            "d": format_date(report.filed_at),
            "start": format_date(report.period_from),
            "end": format_date(report.period_to - timedelta(days=1)),
        },
        _url("reports:annual_report", case),
        _("Voir"),
    )


def closure_letters_needed(case: Case) -> list[str]:
    """The letters that end this case's procedure: to the creditors always; to the employer
    and benefit payers when the case has any (they paid the income into the account); to the
    bank when the case has one (the mediation account is closed)."""
    kinds = set(  # a set: no ordering (the model's joins the case to sort)
        ThirdParty.objects.filter(case=case, active=True).order_by().values_list("kind", flat=True)
    )
    needed = [LetterKind.CLOSURE_CREDITORS]
    if kinds & INCOME_PAYERS:
        needed.append(LetterKind.CLOSURE_INCOME)
    if ThirdPartyKind.BANK in kinds:
        needed.append(LetterKind.CLOSURE_BANK)
    return [kind for kind in CLOSURE_KINDS if kind in needed]


def closure_letters_sent(case: Case) -> dict[str, Letter]:
    """The latest letter of each closure kind sent in the case."""
    sent: dict[str, Letter] = {}
    for letter in Letter.objects.filter(case=case, kind__in=list(CLOSURE_KINDS)).order_by(
        "sent_on", "pk"
    ):
        sent[letter.kind] = letter
    return sent


def _letters(case: Case, needed: list[str], sent: dict[str, Letter]) -> ChecklistItem:
    missing = [str(LetterKind(kind).label) for kind in needed if kind not in sent]
    label = _("Courriers de fin de procédure envoyés")
    url = _url("closure:case_closure", case, "#courriers")
    if missing:
        return ChecklistItem(
            "closure_letters",
            label,
            False,
            _("À envoyer : %(kinds)s.") % {"kinds": " ; ".join(missing)},
            url,
            _("Envoyer les courriers"),
        )
    return ChecklistItem(
        "closure_letters",
        label,
        True,
        " ; ".join(
            _("%(kind)s le %(d)s")
            % {"kind": LetterKind(kind).label, "d": format_date(sent[kind].sent_on)}
            for kind in needed
        ),
        _url("letters:case_letters", case),
        _("Voir les courriers"),
    )


def closure_checklist(case: Case, today: date) -> Checklist:
    """The end-of-plan checklist of ``case`` as it stands on ``today``, with the closure
    letters it read (the closure page shows them and offers the missing ones)."""
    needed = closure_letters_needed(case)
    sent = closure_letters_sent(case)
    with plan_selectors.computed_once():  # it only reads: the plan's reads kept for the call
        instalments = _instalments(case, today)
    reports = _filed_reports(case)
    return Checklist(
        case=case,
        items=(
            instalments,
            _final_statement(case),
            *_account_items(case),
            _final_report(case, reports),
            _letters(case, needed, sent),
        ),
        letters_needed=tuple(needed),
        letters_sent=sent,
        report_period=final_report_period(case, today, reports=reports),
    )


def final_report_period(
    case: Case, today: date, *, reports: list[FiledReport] | None = None
) -> tuple[date, date]:
    """The last period of the case, which the final report covers (first and last day, both
    included): from the start of the current follow-up year (the last anniversary of the
    admissibility, ``reports.selectors.anniversary_periods``) or the end of the last report
    filed since, to ``today``. ``reports``: the case's filed reports, already read."""
    periods = report_selectors.anniversary_periods(case, today)  # the most recent first
    start = periods[0].start if periods else case.admissibility_date
    if start >= today and len(periods) > 1:  # an anniversary today: the year that ends
        start = periods[1].start
    if reports is not None:
        covered = max((r.period_to for r in reports if start < r.period_to <= today), default=None)
        return covered or start, today
    covered = (
        FiledReport.objects.filter(case=case, period_to__gt=start, period_to__lte=today)
        .order_by("-period_to")
        .values_list("period_to", flat=True)
        .first()
    )
    return covered or start, today
