"""The arithmetic of a settlement plan (issue 6, ``../shared/domain/README.md`` steps 4-5).

PURE: plain Python over plain data. No ORM, no clock: the dates come in, frozen value objects go
out, each carrying its working. Money is ``Decimal``, rounded explicitly to the cent.

The rules (they are printed, in French, in every plan's working):

1. **Periods.** A plan starts on ``start`` and lasts ``duration_months`` months. Dividends are
   paid every ``frequency_months`` months: period *k* runs from ``start + (k-1) x frequency``
   months to ``start + k x frequency`` months (exclusive), the last one possibly shorter. Months
   are always counted from ``start`` (31/01 + 1 month = 28/02 or 29/02, then 31/03). A period's
   amount is ``monthly_available x its months``; a period's dividends are due on its last day.
2. **Fees first.** The fee provision (expected fees over the plan) is spread over the periods in
   proportion to their months (split rule below: whole cents, ties to the earlier period). In
   every period the fees due so far are served *before* any creditor; if a period cannot cover
   them, the unpaid part is carried to the next period (a ``fee_shortfall`` remains when the
   whole plan cannot). Spreading follows how the fees fall due (a 2,3° forfait per follow-up
   year, a 2,2° fee per payment) and keeps the reserve the mediator builds month after month.
3. **Ranks.** Equality is the rule (art. 1675/13 §1 C.J.; Cass. 27 May 2013; docs/plan-rules.md):
   a non-remissible debt is never remitted but is *not* paid first. What remains of a period
   after the fees goes, in this order, to: (a) the creditors' hand-entered monthly shares when
   the mediator overrides the automatic split (they then replace the ranks); (b) the claims the
   mediator gave a reasoned rank: first the debts whose non-payment endangers the applicant's
   dignity (rent, energy; art. 1675/10 §4, 1675/12 §5, 1675/13 §6 C.J.), then a mortgage on a
   kept asset, then the other legal causes of preference; (c) every claim, *au marc le franc*.
   Inside a rank, the amount is shared in proportion to the claims (or to the shares), each
   claim capped at what it is still owed; what a capped claim cannot take goes to the others of
   the rank, then to the next rank. Nobody is ever paid beyond its claim. (Versions frozen
   before this rule keep their blanket priorities, ``privileged_first`` and
   ``NonRemissibleTreatment.PRIORITY``, so that their figures do not change.)
3bis. **What is distributed.** Each period's ``monthly_available x months``, plus the balance
   on the mediation account when the plan starts (first period) and each one-off sum (tax
   refund, inheritance, sale of an asset) in the period of its date; a one-off sum dated outside
   the plan is refused.
4. **The last cent (largest remainder).** A pro-rata split first gives each claim its exact share
   rounded DOWN to the cent; the cents still missing then go one by one to the largest remainders
   (ties: the larger claim, then the earlier line). The shares therefore add up *exactly* to the
   amount split: the dividends of a period are exactly what is available after the fees, unless
   every claim is already paid in full (the rest is then ``unallocated`` and stays with the
   applicant).
5. **Remission.** At the end of the plan, what a remissible claim is still owed is remitted
   (partial remission; total remission when the plan pays creditors nothing at all). What a
   non-remissible claim is still owed is **not remitted**: it remains due after the plan
   (art. 1675/13, §3 C.J.). For every claim: already paid + paid by the plan + remitted + not
   remitted = admitted amount. The plan's legal basis bounds the remission: amicable (art.
   1675/10 C.J.): what the parties agree; judicial under art. 1675/12 C.J.: no capital is
   remitted (the dividends are imputed to the capital first, interest and costs may be
   remitted; a plan leaving capital unpaid is refused); judicial under art. 1675/13 C.J.:
   capital may be remitted, with the "retour à meilleure fortune" clause; total remission (art.
   1675/13bis C.J.): no plan of payments at all.

Validation (:func:`terms_errors`) returns field-keyed French messages; :func:`compute_plan`
refuses invalid terms with :class:`PlanInputError` carrying them.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal, localcontext
from enum import StrEnum
from functools import cached_property, lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import add_years, format_date
from core.money import CENT, format_eur, round_cents
from core.phrases import Joined, Money, Phrase, gettext_noop, joined

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
FREQUENCIES = (1, 3, 6, 12)
MAX_DURATION_MONTHS = 240  # a sanity bound, even with the legal exception (20 years)
PRECISION = 50  # digits of the exact quotients before the explicit rounding


class PlanInputError(ValueError):
    """Invalid plan terms: ``errors`` maps a field name to its French messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for msgs in errors.values() for m in msgs))
        self.errors = errors


class Rank(StrEnum):
    SHARES = "shares"
    DIGNITY = "dignity"  # art. 1675/10 §4, 1675/12 §5, 1675/13 §6 C.J.
    MORTGAGE = "mortgage"  # a mortgage on a kept asset
    PREFERENCE = "preference"  # another legal cause of preference
    PRIVILEGED = "privileged"  # legacy: privileged_first
    NON_REMISSIBLE = "non_remissible"  # legacy: NonRemissibleTreatment.PRIORITY
    ORDINARY = "ordinary"  # the common rank (claims.models.PlanRank.COMMON)


class NonRemissibleTreatment(StrEnum):
    PRIORITY = "priority"  # legacy (frozen versions): paid before the other chirographic ones
    PRO_RATA = "pro_rata"  # paid au marc le franc with everyone (the rule)


class LegalBasis(StrEnum):
    """Same codes as cases.models.PlanBasis."""

    AMICABLE = "amicable"  # art. 1675/10 C.J.
    JUDICIAL_1675_12 = "judicial_1675_12"  # no remission of capital
    JUDICIAL_1675_13 = "judicial_1675_13"  # remission of capital, "retour à meilleure fortune"
    TOTAL_1675_13BIS = "total_1675_13bis"  # total remission


# The reasoned ranks, in payment order, before the common one (claims.models.PlanRank).
REASONED_RANKS = ("dignity", "mortgage", "preference")


class Outcome(StrEnum):
    FULL = "full"  # every claim paid in full
    PARTIAL = "partial"  # partial remission
    TOTAL = "total"  # nothing for the creditors: total remission
    NOTHING_DUE = "nothing_due"  # no claim in the plan


# --- dates ------------------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
    """``start`` + ``months`` calendar months, the day clamped to the month's last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` counted like :func:`add_months` (0 if before)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


# Where the seven years start (art. 1675/10 §5 al. 3 and §6, 1675/12 §2, 1675/13 §2 C.J.) ------

SOURCE_ADMISSIBILITY = "admissibility"
SOURCE_JUDGMENT = "judgment"
SOURCE_PROPOSED_START = "proposed_start"
SOURCE_COURT = "court"


@dataclass(frozen=True)
class SevenYearStart:
    """The day the law counts a plan's seven years from, and why (``source``, ``explanation``:
    the legal event and its article, printed beside the limit on the screens and the plan)."""

    day: date
    source: str  # SOURCE_*
    # A lazy translation: written in the active language when shown (the screen's, or the
    # procedure's inside a court document), never fixed in the language of the computation.
    explanation: str
    reason: str = ""  # the court's reason, for SOURCE_COURT
    reference: str = ""  # the decision that set it, for SOURCE_COURT


def seven_year_start(
    *,
    judicial: bool,
    admissibility: date,
    decision_date: date | None = None,
    proposed_start: date | None = None,
    court_day: date | None = None,
    court_reason: str = "",
    court_reference: str = "",
) -> SevenYearStart:
    """The date the law sets for the plan's kind, never an editable designation date
    (docs/plan-rules.md, 6):

    - an amicable plan takes effect on the admissibility decision (art. 1675/10 §5 al. 3 C.J.,
      law of 26.03.2012; domain/README.md, "The life of a case", 4), its seven years too
      (art. 1675/10 §6 al. 1);
    - a judicial plan has no such rule in the Code: it runs from the judgment that imposes it
      (art. 1675/12 §2, 1675/13 §2 C.J.; C.T. Mons 6.12.2012, R.G. 08/164/B), until then,
      provisionally, from the start the mediator proposes (never before admissibility);
    - the court may set another start by a reasoned decision (art. 1675/10 §5 al. 3, "sauf
      décision motivée"; for a judicial plan e.g. back to admissibility, C.T. Bruxelles
      14.10.2014, R.G. 2014/AB/571): ``court_day`` with its reason (and the decision's
      reference) then wins. Without a reason it is ignored here; the service refuses it."""
    if court_day is not None and court_reason.strip():
        return SevenYearStart(
            day=court_day,
            source=SOURCE_COURT,
            explanation=gettext_lazy(
                "date fixée par décision motivée du tribunal (art. 1675/10 §5 al. 3 C.J.)"
            ),
            reason=court_reason.strip(),
            reference=court_reference.strip(),
        )
    if not judicial:
        return SevenYearStart(
            day=admissibility,
            source=SOURCE_ADMISSIBILITY,
            explanation=gettext_lazy(
                "décision d'admissibilité (plan amiable, art. 1675/10 §5 al. 3 C.J.)"
            ),
        )
    if decision_date is not None:
        return SevenYearStart(
            day=decision_date,
            source=SOURCE_JUDGMENT,
            explanation=gettext_lazy(
                "jugement qui impose le plan judiciaire (art. 1675/12 §2, 1675/13 §2 C.J.)"
            ),
        )
    return SevenYearStart(
        day=max(proposed_start or admissibility, admissibility),
        source=SOURCE_PROPOSED_START,
        explanation=gettext_lazy(
            "début proposé du plan judiciaire, en attendant le jugement qui l'impose "
            "(art. 1675/12 §2, 1675/13 §2 C.J.)"
        ),
    )


@dataclass(frozen=True)
class DurationLimit:
    """The 7-year rule (art. 1675/10 §6, 1675/13 §2 C.J.): the plan ends at the latest
    ``max_years`` after the date the law sets for its kind (``designation``: the day of
    ``start``, a ``SevenYearStart``; plans.selectors.seven_years_from), never an editable
    designation date."""

    designation: date
    max_years: int
    start: SevenYearStart | None = None

    @property
    def latest_end(self) -> date:
        return add_years(self.designation, self.max_years)

    @property
    def source(self) -> str:
        return self.start.explanation if self.start else ""

    def max_months_from(self, start: date) -> int:
        return months_between(start, self.latest_end)


def duration_errors(
    *,
    limit: DurationLimit,
    admissibility: date,
    start: date,
    duration_months: int,
    exception_granted: bool,
    exception_reason: str,
) -> dict[str, list[str]]:
    """The plan's dates against the law: start after admissibility, end within 7 years of the
    designation unless a legal exception is recorded with its reason."""
    errors: dict[str, list[str]] = {}
    if start < admissibility:
        errors["start_date"] = [
            _("Le plan ne peut commencer avant l'ordonnance d'admissibilité (%(date)s).")
            % {"date": format_date(admissibility)}
        ]
        return errors
    if duration_months < 1:
        errors["duration_months"] = [_("La durée est d'au moins 1 mois.")]
        return errors
    if duration_months > MAX_DURATION_MONTHS:
        errors["duration_months"] = [
            _("La durée ne peut dépasser %(n)s mois.") % {"n": MAX_DURATION_MONTHS}
        ]
        return errors
    end = add_months(start, duration_months)
    if exception_granted and not exception_reason.strip():
        errors["exception_reason"] = [
            _("Indiquez le motif de l'exception légale (demande expresse et motivée du requérant).")
        ]
    if end > limit.latest_end and not exception_granted:
        allowed = limit.max_months_from(start)
        errors["duration_months"] = [
            _(
                "Le plan se terminerait le %(end)s, plus de %(years)s ans après le point de "
                "départ que la loi fixe (%(designation)s : %(source)s ; limite le "
                "%(limit)s). Durée maximale à "
                "partir du %(start)s : %(allowed)s mois. Au-delà, il faut une exception légale "
                "enregistrée avec son motif (sauvegarde d'un élément du patrimoine, dignité "
                "humaine)."
            )
            % {
                "end": format_date(end),
                "years": limit.max_years,
                "designation": format_date(limit.designation),
                "source": limit.source
                or _("l'admissibilité pour un plan amiable, le jugement pour un plan judiciaire"),
                "limit": format_date(limit.latest_end),
                "start": format_date(start),
                "allowed": allowed,
            }
        ]
    return errors


# --- splitting --------------------------------------------------------------------------------


def split_largest_remainder(amount: Decimal, weights: Sequence[Decimal | int]) -> list[Decimal]:
    """Split ``amount`` (whole cents, >= 0) in proportion to ``weights`` (>= 0, not all zero).

    Each share is the exact quotient rounded DOWN to the cent; the cents still missing go one by
    one to the largest remainders (ties: the larger weight, then the earlier position). The
    shares add up exactly to ``amount`` and a zero weight gets nothing.
    """
    if amount < 0 or amount != amount.quantize(CENT):
        raise ValueError(f"amount must be whole cents >= 0, got {amount}")
    weights = [Decimal(w) for w in weights]
    if any(w < 0 for w in weights):
        raise ValueError("weights must be >= 0")
    total = sum(weights, Decimal(0))
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        exact = [amount * w / total for w in weights]
    floors = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    missing = int((amount - sum(floors, ZERO)) / CENT)
    order = sorted(
        (i for i, w in enumerate(weights) if w > 0),
        key=lambda i: (-(exact[i] - floors[i]), -weights[i], i),
    )
    for i in order[:missing]:
        floors[i] += CENT
    return floors


@dataclass(frozen=True)
class _Candidate:
    key: str
    weight: Decimal
    cap: Decimal


def allocate(
    amount: Decimal, candidates: Sequence[_Candidate]
) -> tuple[dict[str, Decimal], Decimal]:
    """Share ``amount`` pro rata of the weights, each candidate capped at ``cap``; what a capped
    candidate cannot take is shared among the others. Returns (shares, rest not allocated)."""
    shares = {c.key: ZERO for c in candidates}
    active = [c for c in candidates if c.weight > 0 and c.cap > 0]
    rest = amount
    while rest > 0 and active:
        total = sum((c.weight for c in active), Decimal(0))
        with localcontext() as ctx:
            ctx.prec = PRECISION
            capped = [c for c in active if rest * c.weight / total >= c.cap]
        if capped:  # pay them in full, share the rest among the others
            for c in capped:
                shares[c.key] += c.cap
                rest -= c.cap
            active = [c for c in active if c not in capped]
            continue
        # Every exact share is below its cap (a cent amount): its floor is at most cap - 0,01,
        # so the one cent the largest remainder may add never takes it beyond the cap.
        for c, part in zip(
            active, split_largest_remainder(rest, [c.weight for c in active]), strict=True
        ):
            shares[c.key] += part
        rest = ZERO
    return shares, rest


# --- input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """The admitted claims of one creditor in one rank (a creditor with both an ordinary and a
    non-remissible claim has two lines). ``already_paid``: dividends paid before the plan starts
    (a revised plan continues an earlier one). ``share``: the hand-entered monthly amount when
    the mediator overrides the automatic split (None otherwise)."""

    key: str
    creditor_key: str
    name: str
    admitted: Decimal
    already_paid: Decimal = ZERO
    privileged: bool = False
    non_remissible: bool = False
    share: Decimal | None = None
    rank: Rank = Rank.ORDINARY  # the reasoned rank (DIGNITY, MORTGAGE, PREFERENCE) or common
    capital: Decimal | None = None  # the capital in ``admitted`` (None: all of it)

    @property
    def outstanding(self) -> Decimal:
        return self.admitted - self.already_paid

    @property
    def capital_amount(self) -> Decimal:
        return self.admitted if self.capital is None else self.capital


@dataclass(frozen=True)
class OneOff:
    """A one-off sum the plan distributes on ``day`` (tax refund, inheritance, sale)."""

    day: date
    amount: Decimal
    label: str = ""
    row: int = 0  # the form's row number (errors are keyed one_off_<row>_…); 0: its position


@dataclass(frozen=True)
class PlanTerms:
    start: date
    duration_months: int
    monthly_available: Decimal
    fee_provision: Decimal = ZERO
    frequency_months: int = 1
    privileged_first: bool = False
    non_remissible: NonRemissibleTreatment = NonRemissibleTreatment.PRO_RATA
    lines: tuple[Line, ...] = ()
    legal_basis: LegalBasis = LegalBasis.AMICABLE
    opening_balance: Decimal = ZERO
    one_offs: tuple[OneOff, ...] = ()

    @property
    def legacy_ranks(self) -> bool:
        """Blanket priorities of a version frozen before equality became the rule."""
        return self.privileged_first or self.non_remissible is NonRemissibleTreatment.PRIORITY

    @property
    def extras(self) -> Decimal:
        return self.opening_balance + sum((o.amount for o in self.one_offs), ZERO)

    @property
    def end(self) -> date:
        """The day after the plan (exclusive end)."""
        return add_months(self.start, self.duration_months)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def overrides(self) -> bool:
        return any(line.share is not None for line in self.lines)

    @property
    def monthly_fee(self) -> Decimal:
        """The nominal monthly fee installment (rounded half-up): what hand-entered shares must
        leave to the fees."""
        if self.duration_months < 1:
            return ZERO
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return round_cents(self.fee_provision / self.duration_months)

    @property
    def monthly_for_creditors(self) -> Decimal:
        return max(self.monthly_available - self.monthly_fee, ZERO)


def _money_error(value: Decimal) -> str | None:
    if value < 0:
        return _("Le montant ne peut être négatif.")
    if value != value.quantize(CENT):
        return _("Le montant a au plus deux décimales.")
    return None


def terms_errors(terms: PlanTerms) -> dict[str, list[str]]:
    """Every mistake at once, keyed by form field (``share_<creditor key>`` for a share)."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for key, value in (
        ("monthly_available", terms.monthly_available),
        ("fee_provision", terms.fee_provision),
        ("opening_balance", terms.opening_balance),
    ):
        message = _money_error(value)
        if message:
            add(key, message)
    if terms.duration_months < 1:
        add("duration_months", _("La durée est d'au moins 1 mois."))
    else:
        for position, one_off in enumerate(terms.one_offs, start=1):
            n = one_off.row or position
            message = _money_error(one_off.amount)
            if message or one_off.amount <= 0:
                add(
                    f"one_off_{n}_amount",
                    _("Rentrée ponctuelle n° %(n)s, montant : %(message)s")
                    % {"n": n, "message": message or _("le montant doit être positif.")},
                )
            if not terms.start <= one_off.day < terms.end:
                add(
                    f"one_off_{n}_date",
                    _(
                        "Rentrée ponctuelle n° %(n)s, date : datée du %(day)s, elle est hors du "
                        "plan (du %(start)s au %(last)s) : elle ne peut y être répartie."
                    )
                    % {
                        "n": n,
                        "day": format_date(one_off.day),
                        "start": format_date(terms.start),
                        "last": format_date(terms.last_day),
                    },
                )
    _basis_errors(terms, add)
    if terms.frequency_months not in FREQUENCIES:
        add("frequency_months", _("Périodicité inconnue."))
    for line in terms.lines:
        if line.admitted < 0 or line.already_paid < 0:
            add("__all__", _("%(name)s : montant de créance négatif.") % {"name": line.name})
        elif line.already_paid > line.admitted:
            add(
                "__all__",
                _(
                    "%(name)s a déjà reçu %(paid)s, plus que sa créance admise (%(admitted)s) : "
                    "un créancier ne peut être payé au-delà de sa créance. Corrigez le journal "
                    "ou la créance avant d'établir le plan."
                )
                % {
                    "name": line.name,
                    "paid": format_eur(line.already_paid),
                    "admitted": format_eur(line.admitted),
                },
            )
    if terms.overrides and not errors:
        _share_errors(terms, add)
    return errors


def _basis_errors(terms: PlanTerms, add) -> None:
    """What the legal basis forbids before computing (docs/plan-rules.md): a total remission
    (art. 1675/13bis C.J.) pays nothing and ranks nobody."""
    if terms.legal_basis is not LegalBasis.TOTAL_1675_13BIS:
        return
    if terms.monthly_available or terms.extras:
        add(
            "legal_basis",
            _(
                "Une remise totale de dettes (art. 1675/13bis C.J.) ne comporte aucun plan de "
                "paiement : le disponible, le solde de départ et les rentrées ponctuelles sont "
                "nuls."
            ),
        )
    ranked = [li.name for li in terms.lines if li.rank is not Rank.ORDINARY]
    if ranked:
        add(
            "legal_basis",
            _(
                "Une remise totale de dettes (art. 1675/13bis C.J.) ne classe aucune créance "
                "avant les autres : %(names)s."
            )
            % {"names": ", ".join(dict.fromkeys(ranked))},
        )


def remission_errors(result: "PlanResult") -> dict[str, list[str]]:
    """A remission the plan's legal basis does not allow (docs/plan-rules.md). Under art. 1675/12
    C.J. no capital is remitted: the dividends go to the capital first, and a remissible claim
    whose capital would stay unpaid at the end of the plan is refused on ``legal_basis``."""
    if result.terms.legal_basis is not LegalBasis.JUDICIAL_1675_12:
        return {}
    short = []
    total = ZERO
    for r in result.lines:
        if r.line.non_remissible:
            continue  # never remitted: it stays due after the plan
        left = r.line.capital_amount - r.line.already_paid - r.paid
        if left > 0:
            short.append(f"{r.line.name} ({format_eur(left)})")
            total += left
    if not short:
        return {}
    return {
        "legal_basis": [
            _(
                "Un plan judiciaire sous l'art. 1675/12 C.J. ne remet aucun capital : "
                "%(total)s de capital resteraient impayés (%(names)s). Augmentez le disponible "
                "ou la durée, ou choisissez la base de l'art. 1675/13 C.J. si le jugement "
                "l'ordonne."
            )
            % {"total": format_eur(total), "names": "; ".join(short)}
        ]
    }


def _share_errors(terms: PlanTerms, add) -> None:
    by_creditor: dict[str, list[Line]] = {}
    for line in terms.lines:
        by_creditor.setdefault(line.creditor_key, []).append(line)
    total = ZERO
    for key, lines in by_creditor.items():
        share = sum((line.share or ZERO for line in lines), ZERO)
        message = _money_error(share) if any(line.share is not None for line in lines) else None
        if message:
            add(f"share_{key}", message)
            continue
        total += share
        outstanding = sum((line.outstanding for line in lines), ZERO)
        over = share * terms.duration_months
        if over > outstanding:
            add(
                f"share_{key}",
                _(
                    "%(name)s serait payé au-delà de sa créance : %(share)s × %(months)s mois = "
                    "%(over)s pour %(due)s dus. Part mensuelle maximale : %(max)s."
                )
                % {
                    "name": lines[0].name,
                    "share": format_eur(share),
                    "months": terms.duration_months,
                    "over": format_eur(over),
                    "due": format_eur(outstanding),
                    "max": format_eur(
                        (outstanding / terms.duration_months).quantize(CENT, rounding=ROUND_DOWN)
                    ),
                },
            )
    expected = terms.monthly_for_creditors
    if total != expected:
        add(
            "shares",
            _(
                "Les parts mensuelles saisies totalisent %(total)s ; elles doivent totaliser "
                "exactement le montant mensuel disponible pour les créanciers, soit %(expected)s "
                "(%(available)s disponibles − %(fee)s de provision mensuelle pour honoraires). "
                "Écart : %(diff)s."
            )
            % {
                "total": format_eur(total),
                "expected": format_eur(expected),
                "available": format_eur(terms.monthly_available),
                "fee": format_eur(terms.monthly_fee),
                "diff": format_eur(total - expected),
            },
        )


# --- output -----------------------------------------------------------------------------------


def usual_amount(values: Sequence[Decimal]) -> Decimal:
    """The amount a creditor usually receives: the most frequent non-zero value (ties: the
    larger); zero when it receives nothing."""
    counts: dict[Decimal, int] = {}
    for value in values:
        if value:
            counts[value] = counts.get(value, 0) + 1
    if not counts:
        return ZERO
    return max(counts, key=lambda v: (counts[v], v))


@dataclass(frozen=True)
class Period:
    index: int  # 1-based
    start: date
    end: date  # exclusive
    months: int

    @property
    def last_day(self) -> date:
        """The day its dividends are due."""
        return self.end - timedelta(days=1)


# Kept for the plans read often (the plan's clocks ask each approved version whether an instalment
# falls in the agenda's week, issue 15): the periods are frozen, a tuple of them is shared safely.
@lru_cache(maxsize=512)
def build_periods(start: date, duration_months: int, frequency_months: int) -> tuple[Period, ...]:
    periods = []
    month = 0
    while month < duration_months:
        months = min(frequency_months, duration_months - month)
        periods.append(
            Period(
                index=len(periods) + 1,
                start=add_months(start, month),
                end=add_months(start, month + months),
                months=months,
            )
        )
        month += months
    return tuple(periods)


@dataclass(frozen=True)
class PeriodResult:
    period: Period
    available: Decimal
    fees: Decimal
    dividends: dict[str, Decimal]  # line key -> dividend
    unallocated: Decimal  # nothing left to pay: stays with the applicant
    remaining: Decimal  # what the plan's claims are still owed after the period
    remaining_non_remissible: Decimal

    @property
    def to_creditors(self) -> Decimal:
        return sum(self.dividends.values(), ZERO)


@dataclass(frozen=True)
class LineResult:
    line: Line
    rank: Rank
    share_pct: Decimal  # part of the total owed at the start, 2 decimals (sum: 100,00)
    paid: Decimal  # by the plan
    remitted: Decimal
    not_remitted: Decimal  # non-remissible balance, still due after the plan
    first_dividend: Decimal  # the first period's dividend (what a creditor receives at first)
    usual_dividend: Decimal = ZERO  # the most frequent non-zero dividend of a period

    @property
    def repaid(self) -> Decimal:
        return self.line.already_paid + self.paid

    @property
    def percent_repaid(self) -> Decimal:
        """Of the admitted claim, paid before and by the plan (2 decimals, half-up)."""
        if not self.line.admitted:
            return ZERO
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return round_cents(self.repaid * HUNDRED / self.line.admitted)


class _LineTotals:
    """What a creditor and the whole plan add up the same way over their ``lines``."""

    lines: tuple[LineResult, ...]

    def _sum(self, attr: str) -> Decimal:
        return sum((getattr(r, attr) for r in self.lines), ZERO)

    @property
    def admitted(self) -> Decimal:
        return sum((r.line.admitted for r in self.lines), ZERO)

    @property
    def already_paid(self) -> Decimal:
        return sum((r.line.already_paid for r in self.lines), ZERO)

    @property
    def outstanding(self) -> Decimal:
        return self.admitted - self.already_paid

    @property
    def paid(self) -> Decimal:
        return self._sum("paid")

    @property
    def remitted(self) -> Decimal:
        return self._sum("remitted")

    @property
    def not_remitted(self) -> Decimal:
        return self._sum("not_remitted")

    @property
    def percent_repaid(self) -> Decimal:
        """Already paid before the plan and paid by it, over the admitted claims."""
        if not self.admitted:
            return ZERO
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return round_cents((self.already_paid + self.paid) * HUNDRED / self.admitted)


@dataclass(frozen=True)
class CreditorResult(_LineTotals):
    """The lines of one creditor, added up (the plan's table shows creditors)."""

    creditor_key: str
    name: str
    lines: tuple[LineResult, ...]
    usual_dividend: Decimal = ZERO  # most frequent non-zero sum of its lines in a period
    first_paid: Decimal = ZERO  # its first non-zero dividend …
    first_paid_on: date | None = None  # … and the day it is due

    @property
    def share_pct(self) -> Decimal:
        return self._sum("share_pct")

    @property
    def first_dividend(self) -> Decimal:
        return self._sum("first_dividend")

    @property
    def privileged(self) -> bool:
        return any(r.line.privileged for r in self.lines)

    @property
    def non_remissible(self) -> bool:
        return any(r.line.non_remissible for r in self.lines)


@dataclass(frozen=True)
class PlanResult(_LineTotals):
    terms: PlanTerms
    periods: tuple[PeriodResult, ...]
    lines: tuple[LineResult, ...]
    fee_schedule: tuple[Decimal, ...]
    fee_shortfall: Decimal
    outcome: Outcome
    paid_off_in: Period | None  # every claim paid in full at the end of this period
    working: tuple[str, ...] = field(default_factory=tuple)  # French (the phrases' text)
    # The working as phrases (core.phrases): rendered in the reader's language on a screen, in
    # the procedure's in a court document (issue 12, 16).
    working_text: tuple[Phrase, ...] = field(default_factory=tuple)

    # The result is frozen: what is derived from it is computed once (a page, its tables and its
    # monitoring read the creditors many times; issue 15). ``cached_property`` stores it in the
    # instance's ``__dict__``, outside the dataclass's fields (equality and ``replace`` ignore it).
    @cached_property
    def creditors(self) -> tuple[CreditorResult, ...]:
        grouped: dict[str, list[LineResult]] = {}
        for result in self.lines:
            grouped.setdefault(result.line.creditor_key, []).append(result)
        creditors = []
        for key, results in grouped.items():
            dividends = self.creditor_dividends(key)
            first = next((i for i, d in enumerate(dividends) if d), None)
            creditors.append(
                CreditorResult(
                    creditor_key=key,
                    name=results[0].line.name,
                    lines=tuple(results),
                    usual_dividend=usual_amount(dividends),
                    first_paid=dividends[first] if first is not None else ZERO,
                    first_paid_on=self.periods[first].period.last_day
                    if first is not None
                    else None,
                )
            )
        return tuple(creditors)

    @property
    def usual_to_creditors(self) -> Decimal:
        return usual_amount([p.to_creditors for p in self.periods])

    @property
    def available(self) -> Decimal:
        return sum((p.available for p in self.periods), ZERO)

    @property
    def fees(self) -> Decimal:
        return sum((p.fees for p in self.periods), ZERO)

    @property
    def to_creditors(self) -> Decimal:
        return sum((p.to_creditors for p in self.periods), ZERO)

    @property
    def unallocated(self) -> Decimal:
        return sum((p.unallocated for p in self.periods), ZERO)

    def dividends_of(self, line_key: str) -> list[Decimal]:
        return [p.dividends.get(line_key, ZERO) for p in self.periods]

    def creditor_dividends(self, creditor_key: str) -> list[Decimal]:
        return list(self._creditor_dividends.get(creditor_key, [ZERO] * len(self.periods)))

    @cached_property
    def _creditor_dividends(self) -> dict[str, tuple[Decimal, ...]]:
        """Each creditor's dividends per period (its lines added up), computed once."""
        keys: dict[str, list[str]] = {}
        for r in self.lines:
            keys.setdefault(r.line.creditor_key, []).append(r.line.key)
        return {
            creditor: tuple(
                sum((p.dividends.get(k, ZERO) for k in line_keys), ZERO) for p in self.periods
            )
            for creditor, line_keys in keys.items()
        }


# --- computation ------------------------------------------------------------------------------


def _rank_of(line: Line, terms: PlanTerms) -> Rank:
    if terms.overrides:
        return Rank.SHARES
    if not terms.legacy_ranks:
        return line.rank
    if terms.privileged_first and line.privileged:
        return Rank.PRIVILEGED
    if terms.non_remissible is NonRemissibleTreatment.PRIORITY and line.non_remissible:
        return Rank.NON_REMISSIBLE
    return Rank.ORDINARY


def _ranks(terms: PlanTerms) -> list[tuple[Rank, list[tuple[Line, Decimal]]]]:
    """Each rank with its (line, weight), in payment order. The last rank, ``ORDINARY``, holds
    every line (au marc le franc of what it was owed at the start): it only receives money once
    the earlier ranks are paid in full, or their claims capped."""
    ranks: list[tuple[Rank, list[tuple[Line, Decimal]]]] = []
    if terms.overrides:
        ranks.append((Rank.SHARES, [(line, line.share or ZERO) for line in terms.lines]))
    elif not terms.legacy_ranks:
        for rank in (Rank.DIGNITY, Rank.MORTGAGE, Rank.PREFERENCE):
            ranks.append((rank, [(li, li.outstanding) for li in terms.lines if li.rank is rank]))
    else:
        if terms.privileged_first:
            ranks.append(
                (Rank.PRIVILEGED, [(li, li.outstanding) for li in terms.lines if li.privileged])
            )
        if terms.non_remissible is NonRemissibleTreatment.PRIORITY:
            ranks.append(
                (
                    Rank.NON_REMISSIBLE,
                    [
                        (li, li.outstanding)
                        for li in terms.lines
                        if li.non_remissible and not (terms.privileged_first and li.privileged)
                    ],
                )
            )
    ranks.append((Rank.ORDINARY, [(li, li.outstanding) for li in terms.lines]))
    return [(rank, members) for rank, members in ranks if members]


def compute_plan(terms: PlanTerms) -> PlanResult:
    """The schedule of the plan, per period and per claim, with its remission.

    Raises :class:`PlanInputError` for invalid terms (see :func:`terms_errors`)."""
    errors = terms_errors(terms)
    if errors:
        raise PlanInputError(errors)
    periods = build_periods(terms.start, terms.duration_months, terms.frequency_months)
    fee_schedule = (
        split_largest_remainder(terms.fee_provision, [p.months for p in periods])
        if terms.fee_provision
        else [ZERO] * len(periods)
    )
    ranks = _ranks(terms)
    balance = {line.key: line.outstanding for line in terms.lines}
    non_remissible = {line.key for line in terms.lines if line.non_remissible}
    fee_due = fee_paid = ZERO
    results: list[PeriodResult] = []
    paid_off_in: Period | None = None
    for period, fee_part in zip(periods, fee_schedule, strict=True):
        available = terms.monthly_available * period.months
        if period.index == 1:
            available += terms.opening_balance
        available += sum(
            (o.amount for o in terms.one_offs if period.start <= o.day < period.end), ZERO
        )
        fee_due += fee_part
        fees = min(fee_due - fee_paid, available)
        fee_paid += fees
        rest = available - fees
        dividends = dict.fromkeys(balance, ZERO)
        for _rank, members in ranks:
            if rest <= 0:
                break
            shares, rest = allocate(
                rest, [_Candidate(li.key, w, balance[li.key]) for li, w in members]
            )
            for key, amount in shares.items():
                dividends[key] += amount
                balance[key] -= amount
        remaining = sum(balance.values(), ZERO)
        if paid_off_in is None and remaining == 0 and terms.lines:
            paid_off_in = period
        results.append(
            PeriodResult(
                period=period,
                available=available,
                fees=fees,
                dividends=dividends,
                unallocated=rest,
                remaining=remaining,
                remaining_non_remissible=sum((balance[k] for k in non_remissible), ZERO),
            )
        )
    shares_pct = _share_percentages(terms.lines)
    line_results = []
    for line, pct in zip(terms.lines, shares_pct, strict=True):
        paid = sum((p.dividends[line.key] for p in results), ZERO)
        left = line.outstanding - paid
        line_results.append(
            LineResult(
                line=line,
                rank=_rank_of(line, terms),
                share_pct=pct,
                paid=paid,
                remitted=ZERO if line.non_remissible else left,
                not_remitted=left if line.non_remissible else ZERO,
                first_dividend=results[0].dividends[line.key] if results else ZERO,
                usual_dividend=usual_amount([p.dividends[line.key] for p in results]),
            )
        )
    to_creditors = sum((r.paid for r in line_results), ZERO)
    owed = sum((line.outstanding for line in terms.lines), ZERO)
    if not terms.lines or owed == 0:
        outcome = Outcome.NOTHING_DUE
    elif to_creditors == 0:
        outcome = Outcome.TOTAL
    elif to_creditors == owed:
        outcome = Outcome.FULL
    else:
        outcome = Outcome.PARTIAL
    result = PlanResult(
        terms=terms,
        periods=tuple(results),
        lines=tuple(line_results),
        fee_schedule=tuple(fee_schedule),
        fee_shortfall=terms.fee_provision - fee_paid,
        outcome=outcome,
        paid_off_in=paid_off_in,
    )
    errors = remission_errors(result)
    if errors:
        raise PlanInputError(errors)
    return _with_working(result)


def _share_percentages(lines: Sequence[Line]) -> list[Decimal]:
    """Each line's part of what the plan's claims are owed at the start, in percent with two
    decimals adding up to exactly 100,00 (largest remainder, as for money)."""
    owed = [max(line.outstanding, ZERO) for line in lines]
    if not sum(owed, ZERO):
        return [ZERO for _ in lines]
    return split_largest_remainder(HUNDRED.quantize(CENT), owed)


# --- working ----------------------------------------------------------------------------------
#
# The working is written as phrases (core.phrases, issue 16): ``PlanResult.working`` is their
# French text (what it always was), ``PlanResult.working_text`` the phrases, which a screen
# renders in the reader's language and the court's PDF in the procedure's (``|phrase``).


def _basis_text(basis: LegalBasis) -> Phrase:
    """What the plan's legal basis allows to remit (printed in the working and the PDF)."""
    if basis is LegalBasis.JUDICIAL_1675_12:
        return gettext_noop(
            "Plan judiciaire (art. 1675/12 C.J.) : aucune remise en capital ; les dividendes "
            "s'imputent d'abord sur le capital, les intérêts et frais peuvent être remis."
        )
    if basis is LegalBasis.JUDICIAL_1675_13:
        return gettext_noop(
            "Plan judiciaire avec remise en capital (art. 1675/13 C.J.), sous la clause de "
            "retour à meilleure fortune : la remise est acquise sauf retour à meilleure fortune "
            "du requérant avant la fin du plan."
        )
    if basis is LegalBasis.TOTAL_1675_13BIS:
        return gettext_noop(
            "Remise totale de dettes (art. 1675/13bis C.J.) : aucun plan de paiement."
        )
    return gettext_noop(
        "Plan amiable (art. 1675/10 C.J.) : la remise éventuelle est celle que les parties "
        "acceptent."
    )


def _installments(schedule: Sequence[Decimal]) -> Joined:
    """'28,58 € × 48 + 28,57 € × 36' (the periods grouped by amount, in order of appearance)."""
    counts: dict[Decimal, int] = {}
    for amount in schedule:
        counts[amount] = counts.get(amount, 0) + 1
    return joined(" + ", (joined(" × ", (Money(amount), n)) for amount, n in counts.items()))


def _equal_split() -> Phrase:
    return gettext_noop(
        "Répartition au marc le franc des créances admises : chaque part est arrondie au "
        "cent inférieur, puis les cents manquants vont aux plus grands restes, de sorte "
        "que les dividendes de chaque versement totalisent exactement le montant à "
        "répartir ; nul n'est payé au-delà de sa créance."
    )


def _with_working(result: PlanResult) -> PlanResult:
    terms = result.terms
    n = len(result.periods)
    lines: list[Phrase] = [
        gettext_noop(
            "Durée : %(months)s mois, du %(start)s au %(last)s ; %(n)s versement(s) "
            "(périodicité : %(freq)s mois).",
            months=terms.duration_months,
            start=terms.start,
            last=terms.end - timedelta(days=1),
            n=n,
            freq=terms.frequency_months,
        ),
        gettext_noop(
            "Disponible : %(monthly)s × %(months)s mois = %(total)s.",
            monthly=Money(terms.monthly_available),
            months=terms.duration_months,
            total=Money(terms.monthly_available * terms.duration_months),
        ),
    ]
    if terms.opening_balance:
        lines.append(
            gettext_noop(
                "Solde du compte de médiation au début du plan, réparti au 1er versement : %(a)s.",
                a=Money(terms.opening_balance),
            )
        )
    for one_off in terms.one_offs:
        lines.append(
            gettext_noop(
                "Rentrée ponctuelle du %(day)s%(label)s : %(a)s, répartie au versement qui suit.",
                day=one_off.day,
                label=f" ({one_off.label})" if one_off.label else "",
                a=Money(one_off.amount),
            )
        )
    lines.append(_basis_text(terms.legal_basis))
    if terms.fee_provision:
        lines.append(
            gettext_noop(
                "Frais et honoraires d'abord : provision de %(provision)s répartie sur les "
                "versements au prorata de leurs mois, au cent près (plus grand reste, égalité au "
                "versement le plus ancien) : %(split)s.",
                provision=Money(terms.fee_provision),
                split=_installments(result.fee_schedule),
            )
        )
    if result.fee_shortfall:
        lines.append(
            gettext_noop(
                "Le disponible ne couvre pas toute la provision : %(amount)s restent non couverts.",
                amount=Money(result.fee_shortfall),
            )
        )
    lines.append(
        gettext_noop(
            "Aux créanciers : %(available)s − %(fees)s = %(creditors)s.",
            available=Money(result.available),
            fees=Money(result.fees),
            creditors=Money(result.to_creditors + result.unallocated),
        )
    )
    if terms.overrides:
        lines.append(
            gettext_noop(
                "Parts mensuelles fixées par le médiateur (total %(total)s par mois) : elles "
                "remplacent la répartition automatique ; chaque versement est partagé au prorata "
                "de ces parts.",
                total=Money(terms.monthly_for_creditors),
            )
        )
    elif not terms.legacy_ranks:
        ranked = [li for li in terms.lines if li.rank is not Rank.ORDINARY]
        if ranked:
            lines.append(
                gettext_noop(
                    "Rangs motivés, payés avant le rang commun : d'abord les dettes dont le "
                    "non-paiement menace la dignité du requérant (art. 1675/10 §4, 1675/12 §5, "
                    "1675/13 §6 C.J.), puis l'hypothèque sur un bien conservé, puis les autres "
                    "causes légitimes de préférence : %(names)s.",
                    names=joined(", ", dict.fromkeys(li.name for li in ranked)),
                )
            )
        lines.append(
            gettext_noop(
                "Égalité des créanciers (art. 1675/13 §1 C.J.) : les dettes non remissibles ne "
                "sont pas payées en priorité ; elles sont payées au marc le franc avec les "
                "autres et leur solde reste dû après le plan (non remis)."
            )
        )
        lines.append(_equal_split())
    else:
        if terms.privileged_first:
            lines.append(
                gettext_noop("Les créances privilégiées sont payées en priorité, avant les autres.")
            )
        if terms.non_remissible is NonRemissibleTreatment.PRIORITY:
            lines.append(
                gettext_noop(
                    "Les dettes non remissibles sont payées en priorité sur les autres créances "
                    "chirographaires ; leur solde éventuel reste dû après le plan (non remis)."
                )
            )
        else:
            lines.append(
                gettext_noop(
                    "Les dettes non remissibles sont payées au marc le franc avec les autres ; "
                    "leur solde reste dû après le plan (non remis)."
                )
            )
        lines.append(_equal_split())
    if result.already_paid:
        lines.append(
            gettext_noop(
                "Dividendes déjà versés avant le début du plan : %(amount)s (déduits des "
                "créances).",
                amount=Money(result.already_paid),
            )
        )
    lines.append(
        gettext_noop(
            "Créances admises %(admitted)s = déjà payé %(before)s + payé par le plan %(paid)s + "
            "remis %(remitted)s + non remis %(kept)s.",
            admitted=Money(result.admitted),
            before=Money(result.already_paid),
            paid=Money(result.paid),
            remitted=Money(result.remitted),
            kept=Money(result.not_remitted),
        )
    )
    if result.paid_off_in is not None and result.paid_off_in.index < n:
        lines.append(
            gettext_noop(
                "Toutes les créances sont payées au versement n° %(index)s (%(date)s) : "
                "%(amount)s ne sont pas nécessaires aux créanciers ; la durée peut être réduite.",
                index=result.paid_off_in.index,
                date=result.paid_off_in.last_day,
                amount=Money(result.unallocated),
            )
        )
    return replace(result, working=tuple(str(line) for line in lines), working_text=tuple(lines))


# --- monitoring -------------------------------------------------------------------------------

GRACE_DAYS = 15  # a dividend counts as due 15 days after its period's last day
TOLERANCE = Decimal("1.00")  # rounding differences between the plan and the bank


@dataclass(frozen=True)
class Payment:
    """A dividend actually paid (a ledger entry, not reversed)."""

    creditor_key: str
    day: date
    amount: Decimal


@dataclass(frozen=True)
class PaidTotal:
    """The dividends paid to one creditor over a span: how many, how much, the first and the
    last day (what the monitoring needs; the database sums them: ``plans.selectors``)."""

    creditor_key: str
    count: int
    amount: Decimal
    first_day: date
    last_day: date


def paid_totals(payments: Sequence[Payment], start: date, end: date) -> list[PaidTotal]:
    """The payments of ``[start, end]`` summed per creditor (sorted by creditor key)."""
    grouped: dict[str, list[Payment]] = {}
    for payment in payments:
        if start <= payment.day <= end:
            grouped.setdefault(payment.creditor_key, []).append(payment)
    return [
        PaidTotal(
            creditor_key=key,
            count=len(items),
            amount=sum((p.amount for p in items), ZERO),
            first_day=min(p.day for p in items),
            last_day=max(p.day for p in items),
        )
        for key, items in sorted(grouped.items())
    ]


class Standing(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    AHEAD = "ahead"


@dataclass(frozen=True)
class MonitoringRow:
    creditor_key: str
    name: str
    planned: Decimal  # dividends due by ``as_of``
    paid: Decimal  # dividends paid from the plan's start to ``as_of``
    planned_total: Decimal
    owed: Decimal  # what the plan may pay at most (outstanding at its start)

    @property
    def difference(self) -> Decimal:
        return self.paid - self.planned

    @property
    def standing(self) -> Standing:
        if self.paid < self.planned - TOLERANCE:
            return Standing.BEHIND
        if self.paid > self.planned + TOLERANCE:
            return Standing.AHEAD
        return Standing.ON_TRACK

    @property
    def beyond_claim(self) -> bool:
        return self.paid > self.owed


@dataclass(frozen=True)
class Monitoring:
    as_of: date
    due_through: Period | None  # the last period whose dividends are due
    rows: tuple[MonitoringRow, ...]
    outside: tuple[PaidTotal, ...]  # dividends to creditors that are not in the plan

    @property
    def planned(self) -> Decimal:
        return sum((r.planned for r in self.rows), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((r.paid for r in self.rows), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.paid - self.planned

    @property
    def outside_by_creditor(self) -> list[tuple[str, int, Decimal, date, date]]:
        """(creditor key, payments, total, first day, last day) of the dividends paid outside
        the plan, by first day."""
        return [
            (total.creditor_key, total.count, total.amount, total.first_day, total.last_day)
            for total in self.outside
        ]

    @property
    def behind(self) -> bool:
        return any(r.standing is Standing.BEHIND for r in self.rows)

    @property
    def shortfall(self) -> Decimal:
        return sum((-r.difference for r in self.rows if r.standing is Standing.BEHIND), ZERO)


def monitor(result: PlanResult, payments: Sequence[Payment], as_of: date) -> Monitoring:
    """Planned dividends due by ``as_of`` (a period is due ``GRACE_DAYS`` after its last day)
    against the dividends actually paid from the plan's start to ``as_of``, per creditor. A
    creditor falls behind when paid < planned − ``TOLERANCE``."""
    return monitor_totals(result, paid_totals(payments, result.terms.start, as_of), as_of)


def monitor_totals(result: PlanResult, totals: Sequence[PaidTotal], as_of: date) -> Monitoring:
    """:func:`monitor` on the dividends already summed per creditor over the plan's start to
    ``as_of`` (``paid_totals``, or the database's sums): the work does not grow with the number
    of payments."""
    due = [p for p in result.periods if p.period.last_day + timedelta(days=GRACE_DAYS) <= as_of]
    keys = {c.creditor_key for c in result.creditors}
    paid: dict[str, Decimal] = {}
    outside: list[PaidTotal] = []
    for total in totals:
        if total.creditor_key in keys:
            paid[total.creditor_key] = paid.get(total.creditor_key, ZERO) + total.amount
        else:
            outside.append(total)
    rows = []
    for creditor in result.creditors:
        line_keys = [r.line.key for r in creditor.lines]
        planned = sum((p.dividends.get(k, ZERO) for p in due for k in line_keys), ZERO)
        rows.append(
            MonitoringRow(
                creditor_key=creditor.creditor_key,
                name=creditor.name,
                planned=planned,
                paid=paid.get(creditor.creditor_key, ZERO),
                planned_total=creditor.paid,
                owed=creditor.outstanding,
            )
        )
    return Monitoring(
        as_of=as_of,
        due_through=due[-1].period if due else None,
        rows=tuple(rows),
        outside=tuple(sorted(outside, key=lambda t: (t.first_day, t.creditor_key))),
    )


# The plan's clocks (plans.clocks): a missed instalment and the day it was caught up -----------


def instalment_due_day(period: Period) -> date:
    """The day the dividends of ``period`` count as due (and missed when unpaid)."""
    return period.last_day + timedelta(days=GRACE_DAYS)


@lru_cache(maxsize=512)
def instalment_due_days(
    start: date, duration_months: int, frequency_months: int
) -> tuple[date, ...]:
    """The due days of the periods of :func:`build_periods`, in order (ascending)."""
    return tuple(
        instalment_due_day(p) for p in build_periods(start, duration_months, frequency_months)
    )


@dataclass(frozen=True)
class InstalmentSchedule:
    """What the monitoring of the instalments reads of a computed plan: its start, its periods
    and, through each period, the dividends planned to each creditor. A few kilobytes where the
    whole :class:`PlanResult` takes hundreds, so that the plan's clocks may keep the schedules
    of the plans they read often (``plans.selectors.instalment_schedules``, issue 15)."""

    start: date
    periods: tuple[Period, ...]
    creditor_keys: tuple[str, ...]
    # planned[i][j]: what the plan pays creditor j through periods[i], cumulated; in cents (an
    # int) when it is a whole number of cents written to two places (always, as the dividends
    # are), else the Decimal itself
    planned: tuple[tuple[int | Decimal, ...], ...]

    def planned_through(self, index: int) -> dict[str, Decimal]:
        """Each creditor's dividends planned for the periods 1 to ``index``."""
        done = sum(1 for period in self.periods if period.index <= index)
        if not done:
            return dict.fromkeys(self.creditor_keys, ZERO)
        return {
            key: Decimal(amount).scaleb(-2) if isinstance(amount, int) else amount
            for key, amount in zip(self.creditor_keys, self.planned[done - 1], strict=True)
        }


def instalment_schedule(result: PlanResult) -> InstalmentSchedule:
    """The schedule of ``result``: what :func:`planned_through` gives, period by period, to
    the cent and to the exponent."""
    keys: dict[str, list[str]] = {}  # creditor key -> its line keys, as ``result.creditors``
    for line_result in result.lines:
        keys.setdefault(line_result.line.creditor_key, []).append(line_result.line.key)
    running = dict.fromkeys(keys, ZERO)
    planned = []
    for period_result in result.periods:
        row: list[int | Decimal] = []
        for creditor_key, line_keys in keys.items():
            amount = running[creditor_key] + sum(
                (period_result.dividends.get(k, ZERO) for k in line_keys), ZERO
            )
            running[creditor_key] = amount
            row.append(int(amount.scaleb(2)) if amount.as_tuple().exponent == -2 else amount)
        planned.append(tuple(row))
    return InstalmentSchedule(
        start=result.terms.start,
        periods=tuple(period_result.period for period_result in result.periods),
        creditor_keys=tuple(keys),
        planned=tuple(planned),
    )


def _schedule(plan: "PlanResult | InstalmentSchedule") -> InstalmentSchedule:
    return plan if isinstance(plan, InstalmentSchedule) else instalment_schedule(plan)


def planned_through(plan: "PlanResult | InstalmentSchedule", index: int) -> dict[str, Decimal]:
    """Each creditor's dividends planned for the periods 1 to ``index``."""
    return _schedule(plan).planned_through(index)


def _paid_by(start: date, payments: Sequence[Payment], day: date) -> dict[str, Decimal]:
    paid: dict[str, Decimal] = {}
    for payment in payments:
        if start <= payment.day <= day:
            paid[payment.creditor_key] = paid.get(payment.creditor_key, ZERO) + payment.amount
    return paid


def instalment_shortfall(
    plan: "PlanResult | InstalmentSchedule", payments: Sequence[Payment], index: int, as_of: date
) -> Decimal:
    """What the creditors behind were short of, on ``as_of``, of the dividends planned through
    period ``index`` (zero: the instalment is not missed). A creditor is behind when paid <
    planned − ``TOLERANCE``, as in :func:`monitor`."""
    schedule = _schedule(plan)
    paid = _paid_by(schedule.start, payments, as_of)
    shortfall = ZERO
    for key, planned in schedule.planned_through(index).items():
        got = paid.get(key, ZERO)
        if got < planned - TOLERANCE:
            shortfall += planned - got
    return shortfall


def caught_up_on(
    plan: "PlanResult | InstalmentSchedule", payments: Sequence[Payment], index: int
) -> date | None:
    """The first day on which every creditor had been paid what the plan planned through period
    ``index`` (within ``TOLERANCE``), or None while it is not caught up."""
    schedule = _schedule(plan)
    planned = schedule.planned_through(index)
    paid: dict[str, Decimal] = {}

    def caught_up() -> bool:
        return all(paid.get(k, ZERO) >= v - TOLERANCE for k, v in planned.items())

    days = sorted({p.day for p in payments if p.day >= schedule.start})
    for day in days:
        for payment in payments:
            if payment.day == day:
                paid[payment.creditor_key] = paid.get(payment.creditor_key, ZERO) + payment.amount
        if caught_up():
            return day
    return None
