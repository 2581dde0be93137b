"""``compute_statement``: the fee statement of a case for a period (fees.md §3–§7).

Pure: the case arrives as :class:`~fees.engine.facts.CaseFacts`, the legislation as a
:class:`~fees.tariffs.TariffTable`; nothing is read from a database or a clock.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from core.money import round_cents
from core.phrases import Cased, Money, Phrase, Plural, gettext_noop, joined, ngettext
from fees.engine._format import fr_number
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
            gettext_noop(
                "Période de taxation invalide : elle commence le %(start)s et sa fin (exclue) est "
                "le %(end)s ; la fin doit être postérieure au début.",
                start=period_from,
                end=period_to,
            )
        )
    if period_to <= case.admissibility_date:
        raise InvalidPeriod(
            gettext_noop(
                "La période de taxation du %(start)s au %(end)s se termine avant la décision "
                "d'admissibilité du %(date)s : rien ne peut y être taxé.",
                start=period_from,
                end=period_to - ONE_DAY,
                date=case.admissibility_date,
            )
        )


def _check_services(case: CaseFacts) -> None:
    """Every service of the case (not only those of the period): a once-only item recorded
    twice is an error to report, not a line to add (fees.md §6)."""
    first_homologation: ServiceFacts | None = None
    first_forfait: dict[str | None, ServiceFacts] = {}
    for service in sorted(case.services, key=_service_order):
        if service.date < case.admissibility_date:
            raise ServiceBeforeAdmissibility(
                gettext_noop(
                    "La prestation %(service)s est antérieure à la décision d'admissibilité du "
                    "%(date)s : corrigez sa date.",
                    service=service.describe_text(),
                    date=case.admissibility_date,
                )
            )
        if service.kind in HOMOLOGATION_KINDS:
            if first_homologation is not None:
                raise DuplicateOnceOnlyService(
                    gettext_noop(
                        "Le forfait 2,1° (homologation ou carence) ne se taxe qu'une fois par "
                        "dossier : la prestation %(service)s fait double emploi avec %(first)s.",
                        service=service.describe_text(),
                        first=first_homologation.describe_text(),
                    )
                )
            first_homologation = service
        elif service.kind is ServiceKind.PHONE_COPIES_FORFAIT:
            earlier = first_forfait.setdefault(service.mediator, service)
            if earlier is not service:
                who = service.mediator or gettext_noop("(non précisé)")
                raise DuplicateOnceOnlyService(
                    gettext_noop(
                        "Le forfait 4,3° (téléphone, courriels, photocopies) ne se taxe qu'une "
                        "fois par dossier et par médiateur : la prestation %(service)s du "
                        "médiateur %(who)s fait double emploi avec %(first)s.",
                        service=service.describe_text(),
                        who=who,
                        first=earlier.describe_text(),
                    )
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


# The working text is made of phrases (core.phrases): str() gives the French the statement and
# its rcd-taxation/1 JSON have always carried; the screens and the court documents render them
# in the reader's or the procedure's language (issue 16).
Text = Phrase | str


def _sentence(phrase: Text) -> Cased:
    return Cased(phrase, "sentence")


def _with_note(label: Text, note: str) -> Text:
    return gettext_noop("%(label)s – %(note)s", label=label, note=note) if note else label


def _row_date(row: TariffRow) -> Text:
    return row.effective_from if row.effective_from else gettext_noop("(début inconnu)")


def _creditors(count: int) -> Plural:
    return ngettext("%(n)s créancier", "%(n)s créanciers", count)


def _dated_line(
    ctx: _Context,
    *,
    article: str,
    key: str,
    day: date,
    quantity: Decimal,
    label: Text,
    code: str | None = None,
    preamble: Text = "",
    origin: str | None = None,
) -> Line:
    """A line priced per unit at the row the pricing method picks for ``day`` (fees.md §5)."""
    row = ctx.row(key, ctx.pricer.dated_on(day), str(label))
    amount = round_cents(quantity * row.amount)
    explanation = gettext_noop(
        "%(preamble)s%(basis)s (ligne du %(row)s) : %(quantity)s × %(unit)s = %(amount)s.",
        preamble=preamble,
        basis=_sentence(ctx.pricer.dated_basis(day)),
        row=_row_date(row),
        quantity=fr_number(quantity),
        unit=Money(row.amount),
        amount=Money(amount),
    )
    return Line.of(
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
    label: Text,
    rule: str,
    why: Text,
    origin: str,
) -> Line:
    """A disbursement at cost (fees.md §6: art. 6 and postage): no tariff row."""
    amount = round_cents(quantity * unit)
    return Line.of(
        article=article,
        label=label,
        date=day,
        quantity=Decimal(quantity),
        unit_amount=round_cents(unit),
        amount=amount,
        tariff_rows=(),
        rule=rule,
        explanation=gettext_noop(
            "%(why)s : %(quantity)s × %(unit)s = %(amount)s, hors TVA.",
            why=why,
            quantity=quantity,
            unit=Money(unit),
            amount=Money(amount),
        ),
        origin=origin,
    )


def _forfait_formula(base: TariffRow, supplement: TariffRow, creditors: int) -> Phrase:
    total = forfait(base.amount, supplement.amount, creditors)
    extra = creditors - CREDITORS_IN_BASE
    if extra <= 0:
        return gettext_noop(
            "%(total)s (base, jusqu'à %(n)s créanciers)", total=Money(total), n=CREDITORS_IN_BASE
        )
    return gettext_noop(
        "%(base)s + %(extra)s × %(unit)s = %(total)s",
        base=Money(base.amount),
        extra=extra,
        unit=Money(supplement.amount),
        total=Money(total),
    )


# --- services (fees.md §6) ------------------------------------------------------------------

ServiceHandler = Callable[[_Context, ServiceFacts], Line]


def _homologation(ctx: _Context, service: ServiceFacts) -> Line:
    """2,1°: once per case, every declared creditor counted, time-barred ones included (§3)."""
    count = homologation_count(ctx.case.creditors)
    label = _with_note(
        gettext_noop(
            "%(what)s du %(date)s (%(creditors)s)",
            what=SERVICE_KIND_LABELS[service.kind],
            date=service.date,
            creditors=_creditors(count.n),
        ),
        service.note,
    )
    priced_on = ctx.pricer.dated_on(service.date)
    base = ctx.row("2.1.base", priced_on, str(label))
    supplement = ctx.row("2.1.extra", priced_on, str(label))
    amount = round_cents(forfait(base.amount, supplement.amount, count.n))
    barred = gettext_noop(", dont %(n)s forclos", n=count.time_barred) if count.time_barred else ""
    explanation = gettext_noop(
        "Forfait unique du dossier (art. 2, 1°) : %(creditors)s ayant déclaré une créance, "
        "forclos compris%(barred)s ; %(formula)s ; %(basis)s (ligne du %(row)s).",
        creditors=_creditors(count.n),
        barred=barred,
        formula=_forfait_formula(base, supplement, count.n),
        basis=ctx.pricer.dated_basis(service.date),
        row=_row_date(base),
    )
    rows = (base, supplement) if count.n > CREDITORS_IN_BASE else (base,)
    return Line.of(
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
            gettext_noop(
                "%(what)s du %(date)s", what=SERVICE_KIND_LABELS[service.kind], date=service.date
            ),
            service.note,
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
    mailings = (
        gettext_noop(", %(n)s envois", n=service.quantity)
        if service.addressees and service.quantity > 1
        else ""
    )
    label = _with_note(
        gettext_noop(
            "Lettre circulaire du %(date)s (%(addressees)s%(mailings)s)",
            date=service.date,
            addressees=ngettext("%(n)s destinataire", "%(n)s destinataires", per_mailing),
            mailings=mailings,
        ),
        service.note,
    )
    ordinary = per_mailing < CIRCULAR_MIN_ADDRESSEES
    article = "4.1" if ordinary else "4.2"
    preamble = (
        gettext_noop(
            "Moins de %(n)s destinataires : lettres ordinaires (art. 4 al. 2, 1°). ",
            n=CIRCULAR_MIN_ADDRESSEES,
        )
        if ordinary
        else gettext_noop("Lettre circulaire facturée par destinataire (art. 4 al. 2, 2°). ")
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
        gettext_noop("Déplacement du %(date)s (%(km)s km)", date=service.date, km=fr_number(km)),
        service.note,
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
        label=_with_note(
            gettext_noop("Frais administratifs du %(date)s", date=service.date), service.note
        ),
        rule="6 at_cost",
        why=gettext_noop("Frais administratifs exposés, remboursés au coût réel (art. 6)"),
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
        label=gettext_noop(
            "Frais de recommandé – %(what)s du %(date)s",
            what=Cased(SERVICE_KIND_LABELS[service.kind], "lower"),
            date=service.date,
        ),
        rule="postage at_cost",
        why=gettext_noop("Frais de recommandé ajoutés à la lettre, au coût réel (art. 4)"),
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
            label = gettext_noop(
                "%(what)s du %(date)s",
                what=PAYMENT_CATEGORY_LABELS[payment.category],
                date=payment.date,
            )
            yield _dated_line(
                ctx,
                article="2.2",
                key="2.2",
                day=payment.date,
                quantity=Decimal(1),
                label=label,
                preamble=gettext_noop(
                    "Versement sortant compté une fois, quel que soit son montant. "
                ),
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
            label=gettext_noop(
                "Pécule de médiation par ordre permanent, année de suivi %(start)s–%(end)s",
                start=year.start,
                end=year.last_day,
            ),
            code="2.2 standing_order",
            preamble=gettext_noop(
                "Pécule versé par ordre permanent : un seul versement compté pour l'année de "
                "suivi %(index)s (%(start)s–%(end)s), daté du premier versement de l'année "
                "(%(date)s). ",
                index=year.index,
                start=year.start,
                end=year.last_day,
                date=payment.date,
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
    label = gettext_noop(
        "Suivi annuel %(start)s–%(end)s (%(creditors)s)",
        start=part.start,
        end=part.last_day,
        creditors=_creditors(count.n),
    )
    try:
        segments = ctx.pricer.follow_up_segments(part, _FOLLOW_UP_KEYS)
    except NoTariffInForce as exc:
        raise exc.in_context(str(label)) from None
    priced: list[_Priced] = []
    for segment in segments:
        base = ctx.row("2.3.base", segment.priced_on, str(label))
        supplement = ctx.row("2.3.extra", segment.priced_on, str(label))
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
    return Line.of(
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
) -> Phrase:
    year = part.year
    excluded: list[object] = []
    if count.time_barred:
        excluded.append(
            ngettext("%(n)s créancier forclos", "%(n)s créanciers forclos", len(count.time_barred))
        )
    for creditor in count.paid_off:
        assert creditor.paid_off_on is not None
        excluded.append(
            gettext_noop(
                "%(name)s, désintéressé le %(date)s avant le début de l'année",
                name=creditor.name,
                date=creditor.paid_off_on,
            )
        )
    counted: object = ngettext(
        "%(n)s créancier participant au plan", "%(n)s créanciers participant au plan", count.n
    )
    if excluded:
        counted = gettext_noop(
            "%(counted)s (exclus : %(excluded)s)", counted=counted, excluded=joined(" ; ", excluded)
        )
    coverage = (
        gettext_noop("année complète")
        if part.whole_year
        else gettext_noop(
            "%(days)s j. du %(start)s au %(end)s",
            days=part.days,
            start=part.start,
            end=part.last_day,
        )
    )
    pieces = [
        gettext_noop(
            "%(days)s j. au tarif du %(row)s (%(formula)s)",
            days=segment.days,
            row=_row_date(base),
            formula=_forfait_formula(base, supplement, count.n),
        )
        for segment, base, supplement, _ in priced
    ]
    terms = joined(
        " + ",
        (
            gettext_noop("%(amount)s × %(days)s", amount=Money(value), days=segment.days)
            for segment, _, _, value in priced
        ),
    )
    result: Text
    if len(priced) > 1:
        result = gettext_noop(
            " (%(terms)s) / %(days)s = %(amount)s.",
            terms=terms,
            days=year.days,
            amount=Money(amount),
        )
    elif part.whole_year:
        result = ""  # one row for the whole year: the forfait itself
    else:
        result = gettext_noop(
            " %(terms)s / %(days)s = %(amount)s.", terms=terms, days=year.days, amount=Money(amount)
        )
    return gettext_noop(
        "Année de suivi %(index)s (%(start)s–%(end)s, %(days)s jours), %(coverage)s ; "
        "%(counted)s. %(basis)s : %(pieces)s.%(result)s",
        index=year.index,
        start=year.start,
        end=year.last_day,
        days=year.days,
        coverage=coverage,
        counted=counted,
        basis=_sentence(ctx.pricer.follow_up_basis(part)),
        pieces=joined(" ; ", pieces),
        result=result,
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
        label = gettext_noop(
            "Redevance JustRestart – anniversaire de l'admissibilité du %(date)s", date=day
        )
        row = ctx.row(JUSTRESTART_KEY, day, str(label))
        yield Line.of(
            article="6",
            label=label,
            date=day,
            quantity=Decimal(1),
            unit_amount=row.amount,
            amount=round_cents(row.amount),
            tariff_rows=(row,),
            rule=JUSTRESTART_RULE,
            explanation=gettext_noop(
                "Redevance JustRestart (AR du 29.03.2024), due à chaque anniversaire de la "
                "décision d'admissibilité compris dans la période (du < anniversaire ≤ au) : "
                "%(amount)s (ligne du %(row)s), hors TVA.",
                amount=Money(row.amount),
                row=_row_date(row),
            ),
        )
