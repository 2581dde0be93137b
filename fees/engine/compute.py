"""``compute_statement``: the fee statement of a case for a period (fees.md §3–§7).

Pure: the case arrives as :class:`~fees.engine.facts.CaseFacts`, the legislation as a
:class:`~fees.tariffs.TariffTable`; nothing is read from a database or a clock.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from core.dates import format_date
from core.money import round_cents
from fees.engine._format import eur, fr_number, plural
from fees.engine.creditors import (
    CREDITORS_IN_BASE,
    FollowUpCount,
    follow_up_count,
    forfait,
    homologation_count,
)
from fees.engine.errors import (
    DuplicateOnceOnlyService,
    InvalidPeriod,
    NoTariffInForce,
    ServiceBeforeAdmissibility,
)
from fees.engine.facts import (
    HOMOLOGATION_KINDS,
    PAYMENT_CATEGORY_LABELS,
    SERVICE_KIND_LABELS,
    CaseFacts,
    PaymentFacts,
    ServiceFacts,
    ServiceKind,
)
from fees.engine.pricing import Pricer, Segment, pricer_for
from fees.engine.statement import Line, Statement
from fees.engine.years import (
    ONE_DAY,
    FollowUpPart,
    FollowUpYear,
    anniversaries_between,
    follow_up_parts,
    follow_up_year_containing,
)
from fees.tariffs import TariffRow, TariffTable

JUSTRESTART_KEY = "6.justrestart"
JUSTRESTART_RULE = "6 justrestart"  # the rule of its statement lines (line 6)
VAT_KEY = "vat"
# fees.md §6: a circular letter to fewer addressees is a set of ordinary letters.
CIRCULAR_MIN_ADDRESSEES = 3


def compute_statement(
    case: CaseFacts, period_from: date, period_to: date, tariffs: TariffTable
) -> Statement:
    """The fee statement of ``case`` for the taxation period ``[period_from, period_to)``.

    Raises a :class:`~fees.engine.errors.FeeEngineError` (French message naming the date or the
    service at fault) for an invalid period, a service before admissibility, a once-only service
    recorded twice, or a line no tariff row can price.
    """
    _check_period(case, period_from, period_to)
    _check_services(case)
    pricer = pricer_for(
        case.pricing_method,
        tariffs,
        admissibility=case.admissibility_date,
        period_to=period_to,
    )
    ctx = _Context(case, period_from, period_to, tariffs, pricer)
    lines = [
        *_service_lines(ctx),
        *_payment_lines(ctx),
        *_follow_up_lines(ctx),
        *_justrestart_lines(ctx),
    ]
    # fees.md §6: 21 % VAT on fees when the mediator is VAT-registered, at the rate in force on
    # the last day of the period.
    vat_row = ctx.row(VAT_KEY, period_to - ONE_DAY, "TVA") if case.vat_registered else None
    return Statement.assemble(
        reference=case.reference,
        period_from=period_from,
        period_to=period_to,
        pricing_method=case.pricing_method,
        lines=lines,
        vat_row=vat_row,
        reference_anniversary=pricer.reference_anniversary,
    )


# --- checks ---------------------------------------------------------------------------------


def _check_period(case: CaseFacts, period_from: date, period_to: date) -> None:
    if period_to <= period_from:
        raise InvalidPeriod(
            f"Période de taxation invalide : elle commence le {format_date(period_from)} et sa fin "
            f"(exclue) est le {format_date(period_to)} ; la fin doit être postérieure au début."
        )
    if period_to <= case.admissibility_date:
        raise InvalidPeriod(
            f"La période de taxation du {format_date(period_from)} au "
            f"{format_date(period_to - ONE_DAY)} se termine avant la décision d'admissibilité du "
            f"{format_date(case.admissibility_date)} : rien ne peut y être taxé."
        )


def _check_services(case: CaseFacts) -> None:
    """Every service of the case (not only those of the period): a once-only item recorded
    twice is an error to report, not a line to add (fees.md §6)."""
    first_homologation: ServiceFacts | None = None
    first_forfait: dict[str | None, ServiceFacts] = {}
    for service in sorted(case.services, key=_service_order):
        if service.date < case.admissibility_date:
            raise ServiceBeforeAdmissibility(
                f"La prestation {service.describe()} est antérieure à la décision "
                f"d'admissibilité du {format_date(case.admissibility_date)} : corrigez sa date."
            )
        if service.kind in HOMOLOGATION_KINDS:
            if first_homologation is not None:
                raise DuplicateOnceOnlyService(
                    "Le forfait 2,1° (homologation ou carence) ne se taxe qu'une fois par "
                    f"dossier : la prestation {service.describe()} fait double emploi avec "
                    f"{first_homologation.describe()}."
                )
            first_homologation = service
        elif service.kind is ServiceKind.PHONE_COPIES_FORFAIT:
            earlier = first_forfait.setdefault(service.mediator, service)
            if earlier is not service:
                who = service.mediator or "(non précisé)"
                raise DuplicateOnceOnlyService(
                    "Le forfait 4,3° (téléphone, courriels, photocopies) ne se taxe qu'une fois "
                    f"par dossier et par médiateur : la prestation {service.describe()} du "
                    f"médiateur {who} fait double emploi avec {earlier.describe()}."
                )


def _service_order(service: ServiceFacts) -> tuple[date, str]:
    return service.date, str(service.id)


# --- shared helpers -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    case: CaseFacts
    period_from: date
    period_to: date
    tariffs: TariffTable
    pricer: Pricer

    def in_period(self, day: date) -> bool:
        """fees.md §7: a dated item counts when ``from <= date < to``."""
        return self.period_from <= day < self.period_to

    def row(self, key: str, on: date, what: str) -> TariffRow:
        try:
            return self.tariffs.in_force(key, on)
        except NoTariffInForce as exc:
            raise exc.in_context(what) from None

    def rule(self, code: str) -> str:
        return f"{code} {self.case.pricing_method.value}"


def _sentence(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _with_note(label: str, note: str) -> str:
    return f"{label} – {note}" if note else label


def _row_date(row: TariffRow) -> str:
    return format_date(row.effective_from) if row.effective_from else "(début inconnu)"


def _dated_line(
    ctx: _Context,
    *,
    article: str,
    key: str,
    day: date,
    quantity: Decimal,
    label: str,
    code: str | None = None,
    preamble: str = "",
    origin: str | None = None,
) -> Line:
    """A line priced per unit at the row the pricing method picks for ``day`` (fees.md §5)."""
    row = ctx.row(key, ctx.pricer.dated_on(day), label)
    amount = round_cents(quantity * row.amount)
    explanation = (
        f"{preamble}{_sentence(ctx.pricer.dated_basis(day))} (ligne du {_row_date(row)}) : "
        f"{fr_number(quantity)} × {eur(row.amount)} = {eur(amount)}."
    )
    return Line(
        article=article,
        label=label,
        date=day,
        quantity=quantity,
        unit_amount=row.amount,
        amount=amount,
        tariff_rows=(row,),
        rule=ctx.rule(code or article),
        explanation=explanation,
        origin=origin,
    )


def _at_cost_line(
    *,
    article: str,
    day: date,
    quantity: int,
    unit: Decimal,
    label: str,
    rule: str,
    why: str,
    origin: str,
) -> Line:
    """A disbursement at cost (fees.md §6: art. 6 and postage): no tariff row."""
    amount = round_cents(quantity * unit)
    return Line(
        article=article,
        label=label,
        date=day,
        quantity=Decimal(quantity),
        unit_amount=round_cents(unit),
        amount=amount,
        tariff_rows=(),
        rule=rule,
        explanation=f"{why} : {quantity} × {eur(unit)} = {eur(amount)}, hors TVA.",
        origin=origin,
    )


def _forfait_formula(base: TariffRow, supplement: TariffRow, creditors: int) -> str:
    total = forfait(base.amount, supplement.amount, creditors)
    extra = creditors - CREDITORS_IN_BASE
    if extra <= 0:
        return f"{eur(total)} (base, jusqu'à {CREDITORS_IN_BASE} créanciers)"
    return f"{eur(base.amount)} + {extra} × {eur(supplement.amount)} = {eur(total)}"


# --- services (fees.md §6) ------------------------------------------------------------------

ServiceHandler = Callable[[_Context, ServiceFacts], Line]


def _homologation(ctx: _Context, service: ServiceFacts) -> Line:
    """2,1°: once per case, every declared creditor counted, time-barred ones included (§3)."""
    count = homologation_count(ctx.case.creditors)
    label = _with_note(
        f"{SERVICE_KIND_LABELS[service.kind]} du {format_date(service.date)} "
        f"({plural(count.n, 'créancier')})",
        service.note,
    )
    priced_on = ctx.pricer.dated_on(service.date)
    base = ctx.row("2.1.base", priced_on, label)
    supplement = ctx.row("2.1.extra", priced_on, label)
    amount = round_cents(forfait(base.amount, supplement.amount, count.n))
    barred = f", dont {count.time_barred} forclos" if count.time_barred else ""
    explanation = (
        "Forfait unique du dossier (art. 2, 1°) : "
        f"{plural(count.n, 'créancier')} ayant déclaré une créance, forclos compris{barred} ; "
        f"{_forfait_formula(base, supplement, count.n)} ; "
        f"{ctx.pricer.dated_basis(service.date)} (ligne du {_row_date(base)})."
    )
    rows = (base, supplement) if count.n > CREDITORS_IN_BASE else (base,)
    return Line(
        article="2.1",
        label=label,
        date=service.date,
        quantity=Decimal(1),
        unit_amount=amount,
        amount=amount,
        tariff_rows=rows,
        rule=ctx.rule("2.1"),
        explanation=explanation,
        origin=f"service:{service.id}",
    )


def _per_occurrence(article: str) -> ServiceHandler:
    """2,4°, 2,5°, 3, 4,1° and 4,3°: quantity x the unit amount of the article."""

    def handler(ctx: _Context, service: ServiceFacts) -> Line:
        label = _with_note(
            f"{SERVICE_KIND_LABELS[service.kind]} du {format_date(service.date)}", service.note
        )
        return _dated_line(
            ctx,
            article=article,
            key=article,
            day=service.date,
            quantity=Decimal(service.quantity),
            label=label,
            origin=f"service:{service.id}",
        )

    return handler


def _circular_letter(ctx: _Context, service: ServiceFacts) -> Line:
    """4,2° per addressee; with fewer than 3 addressees, ordinary letters at 4,1° (fees.md §6)."""
    per_mailing = service.addressees_per_mailing
    label = _with_note(
        f"Lettre circulaire du {format_date(service.date)} "
        f"({plural(per_mailing, 'destinataire')}"
        + (f", {service.quantity} envois" if service.addressees and service.quantity > 1 else "")
        + ")",
        service.note,
    )
    ordinary = per_mailing < CIRCULAR_MIN_ADDRESSEES
    article = "4.1" if ordinary else "4.2"
    preamble = (
        f"Moins de {CIRCULAR_MIN_ADDRESSEES} destinataires : lettres ordinaires "
        "(art. 4 al. 2, 1°). "
        if ordinary
        else "Lettre circulaire facturée par destinataire (art. 4 al. 2, 2°). "
    )
    return _dated_line(
        ctx,
        article=article,
        key=article,
        day=service.date,
        quantity=Decimal(service.letters),
        label=label,
        code="4.2<3->4.1" if ordinary else "4.2",
        preamble=preamble,
        origin=f"service:{service.id}",
    )


def _travel(ctx: _Context, service: ServiceFacts) -> Line:
    """4,4°: km x rate per km."""
    assert service.km is not None  # checked by ServiceFacts
    km = service.km * service.quantity
    label = _with_note(
        f"Déplacement du {format_date(service.date)} ({fr_number(km)} km)", service.note
    )
    return _dated_line(
        ctx,
        article="4.4",
        key="4.4",
        day=service.date,
        quantity=km,
        label=label,
        origin=f"service:{service.id}",
    )


def _admin_cost(ctx: _Context, service: ServiceFacts) -> Line:
    """Art. 6: administrative costs actually paid, at cost."""
    assert service.amount is not None  # checked by ServiceFacts
    return _at_cost_line(
        article="6",
        day=service.date,
        quantity=service.quantity,
        unit=service.amount,
        label=_with_note(f"Frais administratifs du {format_date(service.date)}", service.note),
        rule="6 at_cost",
        why="Frais administratifs exposés, remboursés au coût réel (art. 6)",
        origin=f"service:{service.id}",
    )


SERVICE_HANDLERS: dict[ServiceKind, ServiceHandler] = {
    ServiceKind.HOMOLOGATION_REQUEST: _homologation,
    ServiceKind.FAILURE_REPORT: _homologation,
    ServiceKind.REVISION: _per_occurrence("2.4"),
    ServiceKind.REVOCATION: _per_occurrence("2.4"),
    ServiceKind.ASSET_SALE_REQUEST: _per_occurrence("2.4"),
    ServiceKind.INFORMATION_REQUEST: _per_occurrence("2.5"),
    ServiceKind.HEARING: _per_occurrence("3"),
    ServiceKind.LETTER: _per_occurrence("4.1"),
    ServiceKind.EMAIL: _per_occurrence("4.1"),
    ServiceKind.CIRCULAR_LETTER: _circular_letter,
    ServiceKind.PHONE_COPIES_FORFAIT: _per_occurrence("4.3"),
    ServiceKind.TRAVEL: _travel,
    ServiceKind.ADMIN_COST: _admin_cost,
}


def _service_lines(ctx: _Context) -> Iterator[Line]:
    for service in sorted(ctx.case.services, key=_service_order):
        if not ctx.in_period(service.date):
            continue
        yield SERVICE_HANDLERS[service.kind](ctx, service)
        if service.registered_postage is not None:
            yield _postage_line(service, service.registered_postage)


def _postage_line(service: ServiceFacts, postage: Decimal) -> Line:
    """Art. 4: registered-mail postage added to each letter sent, at cost (fees.md §6)."""
    return _at_cost_line(
        article="postage",
        day=service.date,
        quantity=service.letters,
        unit=postage,
        label=(
            f"Frais de recommandé – {SERVICE_KIND_LABELS[service.kind].lower()} du "
            f"{format_date(service.date)}"
        ),
        rule="postage at_cost",
        why="Frais de recommandé ajoutés à la lettre, au coût réel (art. 4)",
        origin=f"service:{service.id}",
    )


# --- payments, 2,2° (fees.md §6) -------------------------------------------------------------


def _payment_lines(ctx: _Context) -> Iterator[Line]:
    """Each billable outgoing payment inside the period counts once; living allowances paid by
    standing order count once per follow-up year in which at least one of them falls, dated at
    the first of them (fees.md §6).

    The first standing order of a follow-up year is looked for among *all* the payments of the
    case, and billed only by the period that contains it: consecutive statements never bill a
    year twice, even when a follow-up year straddles two taxation periods. Standing orders dated
    before the follow-up start are grouped by the same yearly grid continued backwards.
    """
    billable = sorted((p for p in ctx.case.payments if p.billable), key=_payment_order)
    for payment in billable:
        if not payment.standing_order_allowance and ctx.in_period(payment.date):
            label = f"{PAYMENT_CATEGORY_LABELS[payment.category]} du {format_date(payment.date)}"
            yield _dated_line(
                ctx,
                article="2.2",
                key="2.2",
                day=payment.date,
                quantity=Decimal(1),
                label=label,
                preamble="Versement sortant compté une fois, quel que soit son montant. ",
                origin=f"payment:{payment.id}",
            )
    start = ctx.case.follow_up_from
    first_of_year: dict[int, tuple[FollowUpYear, PaymentFacts]] = {}
    for payment in billable:
        if payment.standing_order_allowance:
            year = follow_up_year_containing(start, payment.date)
            first_of_year.setdefault(year.index, (year, payment))
    for year, payment in first_of_year.values():
        if not ctx.in_period(payment.date):
            continue
        yield _dated_line(
            ctx,
            article="2.2",
            key="2.2",
            day=payment.date,
            quantity=Decimal(1),
            label=(
                f"Pécule de médiation par ordre permanent, année de suivi "
                f"{format_date(year.start)}–{format_date(year.last_day)}"
            ),
            code="2.2 standing_order",
            preamble=(
                "Pécule versé par ordre permanent : un seul versement compté pour l'année de "
                f"suivi {year.index} ({format_date(year.start)}–{format_date(year.last_day)}), "
                "daté du "
                f"premier versement de l'année ({format_date(payment.date)}). "
            ),
            origin=f"payment:{payment.id}",
        )


def _payment_order(payment: PaymentFacts) -> tuple[date, str]:
    return payment.date, str(payment.id)


# --- follow-up, 2,3° (fees.md §3–§5) ---------------------------------------------------------

_FOLLOW_UP_KEYS = ("2.3.base", "2.3.extra")
# A stretch of a follow-up part with its base row, supplement row and forfait amount.
_Priced = tuple[Segment, TariffRow, TariffRow, Decimal]


def _follow_up_lines(ctx: _Context) -> Iterator[Line]:
    case = ctx.case
    parts = follow_up_parts(case.follow_up_from, case.closure_date, ctx.period_from, ctx.period_to)
    for part in parts:
        yield _follow_up_line(ctx, part)


def _follow_up_line(ctx: _Context, part: FollowUpPart) -> Line:
    """One line per follow-up year (or part) inside the period; a split across tariff rows stays
    inside the line, which is rounded once (fees.md §4)."""
    year = part.year
    count = follow_up_count(ctx.case.creditors, year.start, ctx.case.excludes_paid_off_creditors)
    label = (
        f"Suivi annuel {format_date(part.start)}–{format_date(part.last_day)} "
        f"({plural(count.n, 'créancier')})"
    )
    try:
        segments = ctx.pricer.follow_up_segments(part, _FOLLOW_UP_KEYS)
    except NoTariffInForce as exc:
        raise exc.in_context(label) from None
    priced: list[_Priced] = []
    for segment in segments:
        base = ctx.row("2.3.base", segment.priced_on, label)
        supplement = ctx.row("2.3.extra", segment.priced_on, label)
        priced.append((segment, base, supplement, forfait(base.amount, supplement.amount, count.n)))
    numerator = sum((amount * segment.days for segment, _, _, amount in priced), Decimal(0))
    # Exact proration (fees.md §4): one division, enough digits that only the final half-up
    # rounding to the cent matters (§7).
    with localcontext() as exact:
        exact.prec = 50
        amount = round_cents(numerator / year.days)
    rows: list[TariffRow] = []
    for _, base, supplement, _ in priced:
        for row in (base, supplement) if count.n > CREDITORS_IN_BASE else (base,):
            if row not in rows:
                rows.append(row)
    return Line(
        article="2.3",
        label=label,
        date=None,
        quantity=Decimal(1),
        unit_amount=amount,
        amount=amount,
        tariff_rows=tuple(rows),
        rule=ctx.rule("2.3"),
        explanation=_follow_up_explanation(ctx, part, count, priced, amount),
    )


def _follow_up_explanation(
    ctx: _Context, part: FollowUpPart, count: FollowUpCount, priced: list[_Priced], amount: Decimal
) -> str:
    year = part.year
    excluded = []
    if count.time_barred:
        excluded.append(plural(len(count.time_barred), "créancier forclos", "créanciers forclos"))
    for creditor in count.paid_off:
        assert creditor.paid_off_on is not None
        excluded.append(
            f"{creditor.name}, désintéressé le {format_date(creditor.paid_off_on)} avant le début "
            "de l'année"
        )
    counted = f"{plural(count.n, 'créancier participant', 'créanciers participant')} au plan"
    if excluded:
        counted += f" (exclus : {' ; '.join(excluded)})"
    coverage = (
        "année complète"
        if part.whole_year
        else f"{part.days} j. du {format_date(part.start)} au {format_date(part.last_day)}"
    )
    pieces = [
        f"{segment.days} j. au tarif du {_row_date(base)} "
        f"({_forfait_formula(base, supplement, count.n)})"
        for segment, base, supplement, _ in priced
    ]
    terms = " + ".join(f"{eur(value)} × {segment.days}" for segment, _, _, value in priced)
    if len(priced) > 1:
        result = f" ({terms}) / {year.days} = {eur(amount)}."
    elif part.whole_year:
        result = ""  # one row for the whole year: the forfait itself
    else:
        result = f" {terms} / {year.days} = {eur(amount)}."
    return (
        f"Année de suivi {year.index} ({format_date(year.start)}–{format_date(year.last_day)}, "
        f"{year.days} jours), {coverage} ; {counted}. "
        f"{_sentence(ctx.pricer.follow_up_basis(part))} : {' ; '.join(pieces)}.{result}"
    )


# --- JustRestart fee (fees.md §2, §6) --------------------------------------------------------


def _justrestart_lines(ctx: _Context) -> Iterator[Line]:
    """75,00 EUR at each anniversary with ``from < anniversary <= to`` (not the dated-item bound
    ``from <= date < to``: the fee falls due *at* the anniversary that ends the year, which is
    the ``to`` of an annual report), on or after the fee's first row (2 November 2023), and not
    after the closure date. Priced at the row in force on its own anniversary: it is a cost at
    cost (art. 6), not an indexed barème amount, whatever the pricing method."""
    case = ctx.case
    up_to = ctx.period_to if case.closure_date is None else min(ctx.period_to, case.closure_date)
    first = ctx.tariffs.first_known_start(JUSTRESTART_KEY)
    for day in anniversaries_between(case.admissibility_date, ctx.period_from, up_to):
        if first is not None and day < first:
            continue  # no fee for an anniversary before JustRestart existed
        label = f"Redevance JustRestart – anniversaire de l'admissibilité du {format_date(day)}"
        row = ctx.row(JUSTRESTART_KEY, day, label)
        yield Line(
            article="6",
            label=label,
            date=day,
            quantity=Decimal(1),
            unit_amount=row.amount,
            amount=round_cents(row.amount),
            tariff_rows=(row,),
            rule=JUSTRESTART_RULE,
            explanation=(
                "Redevance JustRestart (AR du 29.03.2024), due à chaque anniversaire de la "
                "décision d'admissibilité compris dans la période (du < anniversaire ≤ au) : "
                f"{eur(row.amount)} (ligne du {_row_date(row)}), hors TVA."
            ),
        )
