"""The end-of-plan checklist (issue 17; ``../shared/domain/README.md``, step 8 « Closure »;
``fees.md`` §8): what must be done before the mediator asks the court to close the case, each
item with its state, what is left and where to do it. Reads only; the plan's arithmetic is
``plans.engine``'s, the account's state the ledger's, the fees' the fees app's."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import router
from django.db.models import (
    BigIntegerField,
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    F,
    IntegerField,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.models import Case
from cases.status import CaseStatus
from contacts.models import INCOME_PAYERS, ThirdParty, ThirdPartyKind
from core.compiled import rows_of
from core.dates import format_date
from core.money import format_eur
from fees import selectors as fee_selectors
from fees.models import FeeStatement, Occasion, StatementState
from ledger.models import Account
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


def _final_statement(case: Case, statements: list["_Statement"]) -> ChecklistItem:
    """The final fee statement (occasion « demande de clôture », fees.md §8) filed and taxed.
    ``statements``: the case's fee statements, the latest period first."""
    label = _("État final de frais et honoraires déposé et taxé")
    filed = [
        s for s in statements if s.occasion == Occasion.CLOSURE and s.state == StatementState.FILED
    ]
    taxed = [s for s in filed if s.allowed_amount is not None]
    if taxed:
        return ChecklistItem(
            "final_fee_statement",
            label,
            True,
            _("Taxé à %(amount)s.") % {"amount": format_eur(taxed[0].allowed_amount)},
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


def _account_items(case: Case, reads: "_Reads") -> list[ChecklistItem]:
    account = reads.account
    url = _url("ledger:entry_create", case)
    # what the ledger allows in fee payments (``ledger.selectors.fee_payment_allowance``)
    unpaid = fee_selectors.unpaid_of(
        taxed=sum(
            (s.allowed_amount for s in reads.statements if s.allowed_amount is not None), ZERO
        ),
        paid_from_account=account.fees_paid if account is not None else ZERO,
        paid_by_state=reads.paid_by_state,
    )
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


def closure_letters_needed(case: Case, *, kinds: set[str] | None = None) -> list[str]:
    """The letters that end this case's procedure: to the creditors always; to the employer
    and benefit payers when the case has any (they paid the income into the account); to the
    bank when the case has one (the mediation account is closed). ``kinds``: the kinds of the
    case's active third parties, when the caller has read them."""
    if kinds is None:
        kinds = set(  # a set: no ordering (the model's joins the case to sort)
            _active_parties(case).values_list("kind", flat=True)
        )
    needed = [LetterKind.CLOSURE_CREDITORS]
    if kinds & INCOME_PAYERS:
        needed.append(LetterKind.CLOSURE_INCOME)
    if ThirdPartyKind.BANK in kinds:
        needed.append(LetterKind.CLOSURE_BANK)
    return [kind for kind in CLOSURE_KINDS if kind in needed]


def _active_parties(case: Case) -> QuerySet[ThirdParty]:
    return ThirdParty.objects.filter(case=case, active=True).order_by()


def _closure_letters(case: Case) -> QuerySet[Letter]:
    return Letter.objects.filter(case=case, kind__in=list(CLOSURE_KINDS))


def closure_letters_sent(case: Case, *, letters: list[Letter] | None = None) -> dict[str, Letter]:
    """The latest letter of each closure kind sent in the case. ``letters``: the case's
    closure letters, when the caller has read them (in any order)."""
    if letters is None:
        letters = list(_closure_letters(case))
    sent: dict[str, Letter] = {}
    for letter in sorted(letters, key=lambda letter: (letter.sent_on, letter.pk)):
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
    reads = _reads(case)
    needed = closure_letters_needed(case, kinds=reads.party_kinds)
    sent = closure_letters_sent(case, letters=reads.letters)
    with plan_selectors.computed_once():  # it only reads: the plan's reads kept for the call
        instalments = _instalments(case, today)
    return Checklist(
        case=case,
        items=(
            instalments,
            _final_statement(case, reads.statements),
            *_account_items(case, reads),
            _final_report(case, reads.reports),
            _letters(case, needed, sent),
        ),
        letters_needed=tuple(needed),
        letters_sent=sent,
        report_period=final_report_period(case, today, reports=reads.reports),
    )


# What the checklist reads of the case besides its plan, in one query (issue 15: eight queries,
# one a table, made the closure tab the page of the most queries) -----------------------------


@dataclass(frozen=True)
class _Statement:
    pk: int
    occasion: str
    state: str
    period_to: date
    allowed_amount: Decimal | None  # its taxation order's, None: not taxed


@dataclass(frozen=True)
class _Account:
    balance: Decimal
    reserve: Decimal
    fees_paid: Decimal  # fees.selectors.fees_paid_from_account


@dataclass(frozen=True)
class _Reads:
    party_kinds: set[str]  # of the case's active third parties
    letters: list[Letter]  # the closure letters sent (their kind and date)
    reports: list[FiledReport]  # the filed reports, the latest filed first
    statements: list[_Statement]  # the fee statements, the latest period first
    account: _Account | None
    paid_by_state: Decimal  # fees.selectors.fees_paid_by_state


_MONEY = DecimalField(max_digits=14, decimal_places=2)
# The columns of the union: a row's slot says which table it comes from, the other columns hold
# what the checklist reads of that table (NULL elsewhere, typed for the database's union).
_COLUMNS = {
    "c_slot": IntegerField(),
    "c_id": BigIntegerField(),
    "c_text": TextField(),
    "c_text2": TextField(),
    "c_day": DateField(),
    "c_day2": DateField(),
    "c_at": DateTimeField(),
    "c_flag": BooleanField(),
    "c_amount": _MONEY,
    "c_amount2": _MONEY,
    "c_amount3": _MONEY,
}
_STATEMENT, _ACCOUNT, _STATE, _PARTY, _LETTER, _REPORT = range(6)


def _rows(queryset: QuerySet, slot: int, **columns) -> QuerySet:
    """``queryset`` as rows of ``_COLUMNS``: ``columns`` name the expressions read, the others
    are typed NULLs."""
    values = {
        name: columns.get(name) or Cast(Value(None), output_field=output)
        for name, output in _COLUMNS.items()
        if name != "c_slot"
    }
    return (
        queryset.order_by()
        .annotate(c_slot=Value(slot, output_field=IntegerField()), **values)
        .values_list(*_COLUMNS)
    )


# The union's SQL is compiled once per process and database (``_fetch``, issue 15: the ORM
# took some 4 ms to build it at each request); the rows are always read afresh.


def _union(case: Case) -> QuerySet:
    """The case's active third parties, closure letters, filed reports, fee statements and
    their taxation orders, account with the fees paid from it, and the fees the SPF Economie
    paid, as rows of ``_COLUMNS`` (``UNION ALL``: one query)."""
    parts = [
        _rows(  # first: its columns type the union's (taxation order: LEFT JOIN, NULL if none)
            FeeStatement.objects.filter(case=case),
            _STATEMENT,
            c_id=F("pk"),
            c_text=F("occasion"),
            c_text2=F("state"),
            c_day=F("period_to"),
            c_amount=F("taxation_order__allowed_amount"),
        ),
        _rows(
            Account.objects.filter(case=case),
            _ACCOUNT,
            c_id=F("pk"),
            c_amount=F("balance"),
            c_amount2=F("reserve"),
            c_amount3=fee_selectors.fees_paid_of_account(),
        ),
        _rows(
            fee_selectors.paid_interventions(case), _STATE, c_id=F("pk"), c_amount=F("amount_paid")
        ),
        _rows(_active_parties(case), _PARTY, c_id=F("pk"), c_text=F("kind")),
        _rows(_closure_letters(case), _LETTER, c_id=F("pk"), c_text=F("kind"), c_day=F("sent_on")),
        _rows(
            FiledReport.objects.filter(case=case),
            _REPORT,
            c_id=F("pk"),
            c_day=F("period_from"),
            c_day2=F("period_to"),
            c_at=F("filed_at"),
            c_flag=F("final"),
        ),
    ]
    return parts[0].union(*parts[1:], all=True)


def _fetch(case: Case) -> list[list]:
    """``_union``'s rows for ``case``, converted as the ORM converts them; its SQL compiled
    once per database (``core.compiled``), the case's id a parameter of each of its 6 parts."""
    return rows_of("closure.union", Case, lambda case: _union(Case(pk=case)), uses=6, case=case.pk)


def _reads(case: Case) -> _Reads:
    """What the checklist reads of the case besides its plan (``_union``): the order and the
    sums are Python's, over a few rows each."""
    rows: dict[int, list[tuple]] = {slot: [] for slot in range(6)}
    for row in _fetch(case):
        rows[row[0]].append(row[1:])
    db = router.db_for_read(Case)
    accounts = [
        _Account(balance=balance, reserve=reserve, fees_paid=fees_paid)
        for _pk, _t, _t2, _d, _d2, _at, _f, balance, reserve, fees_paid in rows[_ACCOUNT]
    ]
    statements = [
        _Statement(pk=pk, occasion=occasion, state=state, period_to=period_to, allowed_amount=a)
        for pk, occasion, state, period_to, _d2, _at, _f, a, _a2, _a3 in rows[_STATEMENT]
    ]
    reports = [
        FiledReport.from_db(
            db,
            ["id", "case_id", "period_from", "period_to", "filed_at", "final"],
            [pk, case.pk, period_from, period_to, filed_at, final],
        )
        for pk, _t, _t2, period_from, period_to, filed_at, final, *_a in rows[_REPORT]
    ]
    return _Reads(
        party_kinds={kind for _pk, kind, *_rest in rows[_PARTY]},
        letters=[
            Letter.from_db(db, ["id", "case_id", "kind", "sent_on"], [pk, case.pk, kind, sent_on])
            for pk, kind, _t2, sent_on, *_rest in rows[_LETTER]
        ],
        reports=sorted(reports, key=lambda r: (r.filed_at, r.pk), reverse=True),
        statements=sorted(statements, key=lambda s: (s.period_to, s.pk), reverse=True),
        account=accounts[0] if accounts else None,
        paid_by_state=sum((row[7] for row in rows[_STATE]), ZERO),
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
