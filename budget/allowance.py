"""The floors of the living allowance (pécule de médiation), pure: ``living-allowance.md``.

Art. 1675/9, § 4, C.J.: the mediator leaves the household a living allowance

1. at least equal to the **non-seizable part** of its income (art. 1409–1412 C.J.), computed
   as if the income were seized (:attr:`AllowanceFloors.non_seizable`, the *soft floor*),
2. unless the applicant expressly agrees that more is retained (recorded, dated, with the
   document: checked by the caller, who tells :func:`check_allowance` whether it exists),
3. and never lower than the **integration income** (RIS) of the household's category **plus the
   family allowances** received (:attr:`AllowanceFloors.hard_floor`).

The legal figures are data (``budget/data/living_allowance.json``, loaded into the database by
a migration, extended by an administrator): :class:`LegalTables` answers "which row is in
force on this date". A date before the first row of a table raises :class:`NoRowInForce`; a
date after the newest row uses the newest row (as the fee tariffs do, fees.md §2) and, when
the date falls in a later calendar year than that row, the result's working says so: the
brackets are re-published every December, so the row of the following year may simply not
be encoded yet.

How each income is treated (:data:`INCOME_RULES`, readings documented in the app's README):

- earned income (work): the brackets of art. 1409, § 1er;
- replacement income (unemployment, sickness, pension): art. 1409, § 1erbis (40 % in the
  third bracket instead of 30 %);
- maintenance received (pension alimentaire adjugée): art. 1410, § 1er, 1° — the limits of
  art. 1409 apply; with the replacement-income rates;
- family allowances, integration income and CPAS social aid: entirely non-seizable
  (art. 1410, § 2);
- other income (rent received, one-off receipts…): not protected, entirely seizable.

The limits apply **per debtor** (per applicant of the case), to the **sum** of that debtor's
incomes subject to the brackets (art. 1411 C.J.: the sums are added up); when a debtor has
earned income, the earned-income rates apply to that sum (the cumulation rule of practice:
droitsquotidiens.be, groups.be), otherwise the replacement-income rates.

The seizable part is reduced by the per-child amount for each dependent child (art. 1409,
§ 1er, al. 4, and § 1erbis, al. 4), never below zero. Each child counts once, for one
debtor: in a couple, the children are imputed to the applicants in the way that reduces the
seizable part the most (the declaration a mediator would advise), and the working says how.

Money is ``Decimal``; each debtor's seizable part is computed exactly, then rounded once,
half-up, to the cent (``core.money.round_cents``). No Django, no ORM, no clock.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from core.dates import format_date
from core.money import format_eur, round_cents
from core.phrases import Cased, Money, Phrase, gettext_noop, joined

DATA_FILE = Path(__file__).resolve().parent / "data" / "living_allowance.json"
DATA_FORMAT = "rcd-living-allowance/1"
ZERO = Decimal("0.00")
ONE = Decimal("1")
MAX_CHILDREN = 30


# --- vocabulary ------------------------------------------------------------------------------


class IncomeKind(StrEnum):
    EARNED = "earned"
    REPLACEMENT = "replacement"
    FAMILY_ALLOWANCES = "family_allowances"
    CPAS_AID = "cpas_aid"
    MAINTENANCE_RECEIVED = "maintenance_received"
    # Disability allowances (loi du 27.02.1987): the income replacement allowance (ARR) and the
    # integration allowance (AI); the income guarantee for the elderly (GRAPA, loi du 22.03.2001).
    DISABILITY_REPLACEMENT = "disability_replacement"
    DISABILITY_INTEGRATION = "disability_integration"
    GRAPA = "grapa"
    OTHER = "other"


class Scale(StrEnum):
    """Which rates of art. 1409 apply to a debtor's incomes."""

    EARNED = "earned"  # art. 1409, § 1er
    REPLACEMENT = "replacement"  # art. 1409, § 1erbis


class IncomeRule(StrEnum):
    EARNED_SCALE = "earned_scale"
    REPLACEMENT_SCALE = "replacement_scale"
    EXEMPT = "exempt"
    SEIZABLE = "seizable"


@dataclass(frozen=True)
class KindRule:
    rule: IncomeRule
    label: Phrase
    reference: Phrase

    @property
    def under_scale(self) -> bool:
        return self.rule in (IncomeRule.EARNED_SCALE, IncomeRule.REPLACEMENT_SCALE)


INCOME_RULES: dict[IncomeKind, KindRule] = {
    IncomeKind.EARNED: KindRule(
        IncomeRule.EARNED_SCALE,
        gettext_noop("revenu professionnel"),
        gettext_noop("art. 1409, § 1er, C.J."),
    ),
    IncomeKind.REPLACEMENT: KindRule(
        IncomeRule.REPLACEMENT_SCALE,
        gettext_noop("revenu de remplacement"),
        gettext_noop("art. 1409, § 1erbis, C.J."),
    ),
    IncomeKind.MAINTENANCE_RECEIVED: KindRule(
        IncomeRule.REPLACEMENT_SCALE,
        gettext_noop("pension alimentaire reçue"),
        gettext_noop("art. 1410, § 1er, 1°, C.J. (limites de l'art. 1409)"),
    ),
    IncomeKind.FAMILY_ALLOWANCES: KindRule(
        IncomeRule.EXEMPT,
        gettext_noop("allocations familiales"),
        gettext_noop("art. 1410, § 2, C.J. : insaisissables"),
    ),
    IncomeKind.CPAS_AID: KindRule(
        IncomeRule.EXEMPT,
        gettext_noop("revenu d'intégration ou aide sociale du CPAS"),
        gettext_noop("art. 1410, § 2, C.J. : insaisissables"),
    ),
    # The ARR replaces the income the disabled person cannot earn: a replacement income, under
    # the brackets of art. 1409, § 1erbis, C.J. (docs/budget-rules.md, "Natures de revenus").
    IncomeKind.DISABILITY_REPLACEMENT: KindRule(
        IncomeRule.REPLACEMENT_SCALE,
        gettext_noop("allocation de remplacement de revenus (ARR)"),
        gettext_noop("art. 1409, § 1erbis, C.J. (revenu de remplacement)"),
    ),
    # The AI compensates the extra costs of a loss of autonomy; it is not a resource the
    # creditors may reach: entirely protected like the other social allowances of art. 1410,
    # § 2, C.J. (docs/budget-rules.md).
    IncomeKind.DISABILITY_INTEGRATION: KindRule(
        IncomeRule.EXEMPT,
        gettext_noop("allocation d'intégration (AI)"),
        gettext_noop("art. 1410, § 2, C.J. : insaisissable"),
    ),
    # The GRAPA is social assistance (means-tested, like the integration income): entirely
    # protected (art. 1410, § 2, C.J.; docs/budget-rules.md).
    IncomeKind.GRAPA: KindRule(
        IncomeRule.EXEMPT,
        gettext_noop("garantie de revenus aux personnes âgées (GRAPA)"),
        gettext_noop("art. 1410, § 2, C.J. : insaisissable"),
    ),
    IncomeKind.OTHER: KindRule(
        IncomeRule.SEIZABLE,
        gettext_noop("autre revenu"),
        gettext_noop("non protégé par les art. 1409 et 1410 C.J. : entièrement saisissable"),
    ),
}


class RisCategory(StrEnum):
    COHABITANT = "cohabitant"
    SINGLE = "single"
    FAMILY = "family"


# Phrases (core.phrases): str() is the French; screens and documents render them in their
# language (issue 16), like the working below.
RIS_LABELS: dict[RisCategory, Phrase] = {
    RisCategory.COHABITANT: gettext_noop("personne cohabitante"),
    RisCategory.SINGLE: gettext_noop("personne isolée"),
    RisCategory.FAMILY: gettext_noop("personne vivant avec une famille à sa charge"),
}


# --- errors ----------------------------------------------------------------------------------


class AllowanceError(ValueError):
    """Base of the errors of this module. Messages are French and shown to users as they are."""


class NoRowInForce(AllowanceError):
    """No legal row covers the date: before the first row of the table (or none encoded)."""

    def __init__(self, message: Any, *, table: str, on: date) -> None:
        super().__init__(str(message))
        self.text = message  # a phrase (core.phrases): the reader's language on screens
        self.table = table
        self.on = on


class LegalDataError(AllowanceError):
    """The legal data itself is inconsistent (an administrator's or a developer's error)."""


class InvalidBudget(AllowanceError):
    """An input of the computation is impossible (negative income, negative children…)."""


# --- formatting ------------------------------------------------------------------------------


def eur(amount: Decimal) -> str:
    return format_eur(amount)


def exact_eur(amount: Decimal) -> str:
    """An exact amount, with more than two decimals only when it has them: 0,002 €."""
    exponent = amount.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    if places == 2:
        return eur(amount)
    integer, _, decimals = f"{abs(amount):.{places}f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return f"{'-' if amount < 0 else ''}{'.'.join(groups)},{decimals}\u00a0€"


def percent(rate: Decimal) -> str:
    text = format((rate * 100).normalize(), "f")
    return f"{text.replace('.', ',')} %"


# --- legal rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleRow:
    """The brackets of art. 1409 C.J. in force from ``effective_from``.

    ``limits`` are the ends of brackets 1 to 4 (net monthly income); nothing is seizable up to
    the first limit, everything above the fourth. ``earned_rates`` and ``replacement_rates``
    are the seizable shares of brackets 2, 3 and 4 (fractions)."""

    id: str
    effective_from: date
    limits: tuple[Decimal, Decimal, Decimal, Decimal]
    earned_rates: tuple[Decimal, Decimal, Decimal]
    replacement_rates: tuple[Decimal, Decimal, Decimal]
    child_reduction: Decimal
    source: str
    note: str = ""

    def rates(self, scale: Scale) -> tuple[Decimal, ...]:
        """The five rates: bracket 1 (nothing), brackets 2–4, above the last limit (all)."""
        middle = self.earned_rates if scale is Scale.EARNED else self.replacement_rates
        return (ZERO, *middle, ONE)

    def describe(self) -> Phrase:
        return gettext_noop(
            "ligne « %(id)s » en vigueur depuis le %(date)s%(note)s : tranches %(limits)s, "
            "%(child)s par enfant à charge — source : %(source)s",
            id=self.id,
            date=self.effective_from,
            note=f" ({self.note})" if self.note else "",
            limits=joined(" / ", (Money(limit) for limit in self.limits)),
            child=Money(self.child_reduction),
            source=self.source,
        )


@dataclass(frozen=True)
class RisRow:
    """The monthly integration income of ``category`` from ``effective_from``.

    ``valid_until`` (optional): the last day the row is known to apply when the row that
    follows it is not encoded (an indexation whose amounts have no source yet): after that
    day and before the next encoded row, no amount is in force and the computation raises
    rather than applying a stale amount."""

    id: str
    category: RisCategory
    effective_from: date
    amount: Decimal
    source: str
    valid_until: date | None = None


@dataclass(frozen=True)
class RowInForce:
    """The row applied on ``on``; ``beyond`` when ``on`` lies in a calendar year after the
    newest row's start (the later row may exist but is not encoded)."""

    row: ScaleRow | RisRow
    on: date
    newest: bool

    @property
    def beyond(self) -> bool:
        return self.newest and self.on.year > self.row.effective_from.year


class LegalTables:
    """The dated rows of the brackets and of the integration income."""

    def __init__(self, scale_rows: Iterable[ScaleRow], ris_rows: Iterable[RisRow]) -> None:
        self._scales = tuple(sorted(scale_rows, key=lambda r: r.effective_from))
        ris = tuple(ris_rows)
        ids: set[str] = set()
        for row in (*self._scales, *ris):
            if row.id in ids:
                raise LegalDataError(f"Ligne {row.id} : identifiant en double.")
            ids.add(row.id)
        for row in self._scales:
            _check_scale_row(row)
        for before, after in zip(self._scales, self._scales[1:], strict=False):
            if before.effective_from == after.effective_from:
                raise LegalDataError(
                    "Barème art. 1409 : deux lignes commencent le "
                    f"{format_date(after.effective_from)} ({before.id}, {after.id})."
                )
        self._ris: dict[RisCategory, tuple[RisRow, ...]] = {}
        for category in RisCategory:
            rows = sorted(
                (r for r in ris if r.category is category), key=lambda r: r.effective_from
            )
            for row in rows:
                if not isinstance(row.amount, Decimal) or row.amount < 0:
                    raise LegalDataError(f"Ligne {row.id} : montant invalide {row.amount!r}.")
                if row.valid_until is not None and row.valid_until < row.effective_from:
                    raise LegalDataError(
                        f"Ligne {row.id} : valid_until précède le début de la ligne."
                    )
            for before, after in zip(rows, rows[1:], strict=False):
                if before.effective_from == after.effective_from:
                    raise LegalDataError(
                        f"Revenu d'intégration « {RIS_LABELS[category]} » : deux lignes "
                        f"commencent le {format_date(after.effective_from)} "
                        f"({before.id}, {after.id})."
                    )
            self._ris[category] = tuple(rows)

    @property
    def scale_rows(self) -> tuple[ScaleRow, ...]:
        return self._scales

    def ris_rows(self, category: RisCategory | None = None) -> tuple[RisRow, ...]:
        if category is not None:
            return self._ris[RisCategory(category)]
        return tuple(row for rows in self._ris.values() for row in rows)

    def scale_in_force(self, on: date) -> RowInForce:
        rows = self._scales
        index = bisect.bisect_right([r.effective_from for r in rows], on) - 1
        if index < 0:
            if not rows:
                message = gettext_noop("Aucune ligne du barème de l'art. 1409 C.J. n'est encodée.")
            else:
                message = gettext_noop(
                    "Aucun barème de l'art. 1409 C.J. n'est encodé pour le %(date)s : la première "
                    "ligne s'applique à partir du %(first)s. Un administrateur peut ajouter la "
                    "ligne manquante avec sa source.",
                    date=on,
                    first=rows[0].effective_from,
                )
            raise NoRowInForce(message, table="seizure_scales", on=on)
        return RowInForce(rows[index], on, newest=index == len(rows) - 1)

    def ris_in_force(self, category: RisCategory, on: date) -> RowInForce:
        category = RisCategory(category)
        rows = self._ris[category]
        index = bisect.bisect_right([r.effective_from for r in rows], on) - 1
        if index >= 0 and rows[index].valid_until is not None and on > rows[index].valid_until:
            row = rows[index]
            following = rows[index + 1].effective_from if index + 1 < len(rows) else None
            raise NoRowInForce(
                gettext_noop(
                    "Aucun montant du revenu d'intégration « %(category)s » n'est encodé pour le "
                    "%(date)s : la ligne « %(id)s » a cessé de s'appliquer après le %(until)s"
                    "%(next)s. Un administrateur peut ajouter le montant en vigueur à cette date "
                    "avec sa source (Moniteur belge).",
                    category=RIS_LABELS[category],
                    date=on,
                    id=row.id,
                    until=row.valid_until,
                    next=gettext_noop(
                        " et la suivante ne s'applique qu'à partir du %(date)s", date=following
                    )
                    if following
                    else "",
                ),
                table="integration_income",
                on=on,
            )
        if index < 0:
            label = RIS_LABELS[category]
            if not rows:
                message = gettext_noop(
                    "Aucun montant du revenu d'intégration « %(category)s » n'est encodé.",
                    category=label,
                )
            else:
                message = gettext_noop(
                    "Aucun montant du revenu d'intégration « %(category)s » n'est encodé pour le "
                    "%(date)s : le premier montant connu s'applique à partir du %(first)s. "
                    "Un administrateur peut ajouter le montant en vigueur à cette date avec sa "
                    "source.",
                    category=label,
                    date=on,
                    first=rows[0].effective_from,
                )
            raise NoRowInForce(message, table="integration_income", on=on)
        return RowInForce(rows[index], on, newest=index == len(rows) - 1)


def _check_scale_row(row: ScaleRow) -> None:
    values = (*row.limits, *row.earned_rates, *row.replacement_rates, row.child_reduction)
    if not all(isinstance(value, Decimal) for value in values):
        raise LegalDataError(f"Ligne {row.id} : montants et taux doivent être décimaux.")
    if len(row.limits) != 4 or len(row.earned_rates) != 3 or len(row.replacement_rates) != 3:
        raise LegalDataError(f"Ligne {row.id} : 4 limites et 3 taux par nature de revenu.")
    if row.limits[0] < 0 or any(a >= b for a, b in zip(row.limits, row.limits[1:], strict=False)):
        raise LegalDataError(f"Ligne {row.id} : les limites des tranches doivent croître.")
    for rate in (*row.earned_rates, *row.replacement_rates):
        if not ZERO <= rate <= ONE:
            raise LegalDataError(f"Ligne {row.id} : taux hors de 0 à 1 ({rate}).")
    if any(e > r for e, r in zip(row.earned_rates, row.replacement_rates, strict=True)):
        # The cumulation rule (earned rates on the whole sum) relies on it.
        raise LegalDataError(
            f"Ligne {row.id} : un taux des revenus professionnels dépasse celui des revenus "
            "de remplacement."
        )
    if row.child_reduction < 0:
        raise LegalDataError(f"Ligne {row.id} : réduction par enfant négative.")


# --- JSON layout -----------------------------------------------------------------------------


def _decimal(raw: Any, where: str) -> Decimal:
    if not isinstance(raw, str):
        raise LegalDataError(f"{where} : les montants et taux sont des chaînes décimales.")
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise LegalDataError(f"{where} : nombre invalide {raw!r}.") from exc


def _date(raw: Any, where: str) -> date:
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError) as exc:
        raise LegalDataError(f"{where} : date invalide {raw!r}.") from exc


def rows_from_json(document: Mapping[str, Any]) -> tuple[list[ScaleRow], list[RisRow]]:
    """Parse the ``rcd-living-allowance/1`` layout into rows (see ``budget/data``)."""
    if document.get("format") != DATA_FORMAT:
        raise LegalDataError(f"Données du pécule : format attendu {DATA_FORMAT!r}.")
    scales: list[ScaleRow] = []
    for position, raw in enumerate(document.get("seizure_scales", [])):
        where = f"seizure_scales[{position}] ({raw.get('id', '?')})"
        required = {"id", "effective_from", "limits", "earned_rates", "replacement_rates"}
        missing = (required | {"child_reduction", "source"}) - set(raw)
        if missing:
            raise LegalDataError(f"{where} : champ(s) manquant(s) {sorted(missing)}.")
        if not raw["source"]:
            raise LegalDataError(f"{where} : la source de la ligne est obligatoire.")
        limits = tuple(_decimal(value, where) for value in raw["limits"])
        earned = tuple(_decimal(value, where) for value in raw["earned_rates"])
        replacement = tuple(_decimal(value, where) for value in raw["replacement_rates"])
        if len(limits) != 4 or len(earned) != 3 or len(replacement) != 3:
            raise LegalDataError(f"{where} : 4 limites et 3 taux par nature de revenu.")
        scales.append(
            ScaleRow(
                id=raw["id"],
                effective_from=_date(raw["effective_from"], where),
                limits=limits,  # type: ignore[arg-type]
                earned_rates=earned,  # type: ignore[arg-type]
                replacement_rates=replacement,  # type: ignore[arg-type]
                child_reduction=_decimal(raw["child_reduction"], where),
                source=raw["source"],
                note=raw.get("note", ""),
            )
        )
    ris: list[RisRow] = []
    for position, raw in enumerate(document.get("integration_income", [])):
        where = f"integration_income[{position}] ({raw.get('id', '?')})"
        missing = {"id", "category", "effective_from", "amount", "source"} - set(raw)
        if missing:
            raise LegalDataError(f"{where} : champ(s) manquant(s) {sorted(missing)}.")
        if not raw["source"]:
            raise LegalDataError(f"{where} : la source de la ligne est obligatoire.")
        try:
            category = RisCategory(raw["category"])
        except ValueError as exc:
            raise LegalDataError(f"{where} : catégorie inconnue {raw['category']!r}.") from exc
        ris.append(
            RisRow(
                id=raw["id"],
                category=category,
                effective_from=_date(raw["effective_from"], where),
                amount=_decimal(raw["amount"], where),
                source=raw["source"],
                valid_until=(_date(raw["valid_until"], where) if raw.get("valid_until") else None),
            )
        )
    return scales, ris


def load_tables(path: Path) -> LegalTables:
    with path.open(encoding="utf-8") as handle:
        return LegalTables(*rows_from_json(json.load(handle)))


@cache
def load_default_tables() -> LegalTables:
    """The rows shipped with the application (``budget/data/living_allowance.json``)."""
    return load_tables(DATA_FILE)


# --- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Income:
    """One monthly net income of the budget. ``person`` is the applicant who receives it (1 or
    2); household incomes that belong to no applicant are given to applicant 1 by the caller.

    ``outside_case``: the income of the applicant's spouse or partner who is **not** a party to
    the case. It is shown as the household's context but is not the applicant's income: it is
    not paid into the mediation account (domain README, step 2: *all income of the applicant*),
    so it counts neither in the resources, nor in the non-seizable amount, nor in what is
    available for the creditors (docs/budget-rules.md)."""

    kind: IncomeKind
    amount: Decimal
    person: int = 1
    label: str = ""
    outside_case: bool = False


@dataclass(frozen=True)
class Household:
    """Who lives in the household: ``adults`` (the applicants included), ``applicants`` (the
    persons party to the case: one, or a couple), ``partner_outside_case`` (the applicant lives
    with a spouse or partner who is not a party to the case), ``dependent_children``."""

    ris_category: RisCategory
    dependent_children: int = 0
    adults: int = 1
    applicants: int = 1
    partner_outside_case: bool = False

    @property
    def ris_multiplier(self) -> int:
        """How many integration incomes of the category make the hard floor: each applicant
        living as a cohabitant has their own (a couple in the case without child: 2 × the
        cohabitant rate); the family rate covers the spouse or partner too (art. 14, § 1er,
        3°, loi du 26.05.2002); a single person has one."""
        if RisCategory(self.ris_category) is RisCategory.COHABITANT:
            return max(self.applicants, 1)
        return 1


# Where each contradiction is reported (the fields of ``budget.services.BudgetData``).
CATEGORY_FIELD = "ris_category"


def household_problems(household: Household) -> dict[str, str]:
    """:func:`household_problem_phrases` in French (the services' messages render the phrases
    in the reader's language)."""
    return {name: str(problem) for name, problem in household_problem_phrases(household).items()}


def household_problem_phrases(household: Household) -> dict[str, Phrase]:
    """The contradictions between the household's members and its integration-income
    category (art. 14, § 1er, loi du 26.05.2002 concernant le droit à l'intégration sociale),
    keyed by the field at fault, in French. Empty: consistent.

    - the household counts the applicants, and the partner outside the case if any;
    - a couple in the case has no other partner outside it;
    - single (1°/2°: *personne isolée*): lives alone — no other adult;
    - cohabitant (1°: lives under the same roof with one or more persons): at least two adults;
    - family in charge (3°: *au moins un enfant mineur non marié*, since the law of
      21.07.2016): at least one dependent child — a couple without child is two cohabitants."""
    problems: dict[str, Phrase] = {}
    adults, children = household.adults, household.dependent_children
    if household.applicants >= 2 and household.partner_outside_case:
        problems["partner_outside_case"] = gettext_noop(
            "Les deux requérants forment le couple du dossier : il n'y a pas d'autre conjoint "
            "ou partenaire hors procédure."
        )
    needed = household.applicants + (1 if household.partner_outside_case else 0)
    if adults < needed:
        if household.applicants >= 2:
            who = gettext_noop("les deux requérants")
        elif household.partner_outside_case:
            who = gettext_noop("le requérant et son conjoint ou partenaire")
        else:
            who = gettext_noop("le requérant")
        problems["adults"] = gettext_noop(
            "Le ménage compte au moins %(n)s adultes : %(who)s.", n=needed, who=who
        )
        return problems
    category = RisCategory(household.ris_category)
    if category is RisCategory.SINGLE and adults > 1:
        problems[CATEGORY_FIELD] = gettext_noop(
            "Catégorie « %(category)s » incompatible avec le ménage : il compte %(n)s adultes. "
            "Une personne qui vit sous le même toit qu'un autre adulte est cohabitante "
            "(art. 14, § 1er, 1°, loi du 26.05.2002).",
            category=RIS_LABELS[category],
            n=adults,
        )
    elif category is RisCategory.COHABITANT and adults < 2:
        problems[CATEGORY_FIELD] = gettext_noop(
            "Catégorie « %(category)s » incompatible avec le ménage : il ne compte qu'un "
            "adulte. La personne qui vit seule est isolée (art. 14, § 1er, 2°, loi du "
            "26.05.2002).",
            category=RIS_LABELS[category],
        )
    elif category is RisCategory.FAMILY and children < 1:
        problems[CATEGORY_FIELD] = gettext_noop(
            "Catégorie « %(category)s » incompatible avec le ménage : aucun enfant à charge. "
            "Ce taux suppose au moins un enfant mineur non marié (art. 14, § 1er, 3°, loi du "
            "26.05.2002) ; un couple sans enfant relève du taux cohabitant, une fois par "
            "requérant.",
            category=RIS_LABELS[category],
        )
    return problems


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BracketPart:
    """The part of a debtor's income inside one bracket and what the scale lets be seized."""

    number: int
    lower: Decimal  # the income above this amount falls in the bracket
    upper: Decimal | None  # None: no upper end (everything above the last limit)
    rate: Decimal
    income: Decimal
    seizable: Decimal  # exact, not rounded

    def describe(self) -> Phrase:
        if self.upper is None:
            span = gettext_noop("au-delà de %(amount)s", amount=Money(self.lower))
        elif self.lower == 0:
            span = gettext_noop("jusqu'à %(amount)s", amount=Money(self.upper))
        else:
            span = gettext_noop(
                "de %(low)s à %(high)s",
                low=Money(self.lower + Decimal("0.01")),
                high=Money(self.upper),
            )
        return gettext_noop(
            "tranche %(n)s (%(span)s) : %(income)s × %(rate)s = %(seizable)s",
            n=self.number,
            span=span,
            income=Money(self.income),
            rate=percent(self.rate),
            seizable=exact_eur(self.seizable),
        )


@dataclass(frozen=True)
class PersonFloor:
    """One debtor (applicant): the income under the scale, the brackets, the child reduction."""

    person: int
    earned: Decimal
    replacement: Decimal
    maintenance: Decimal
    scale: Scale
    brackets: tuple[BracketPart, ...]
    seizable_exact: Decimal
    seizable_before_children: Decimal
    children: int
    child_reduction: Decimal
    seizable: Decimal
    non_seizable: Decimal

    @property
    def base(self) -> Decimal:
        return self.earned + self.replacement + self.maintenance

    @property
    def scale_rule(self) -> str:
        return str(self.scale_rule_text)

    @property
    def scale_rule_text(self) -> Phrase:
        """Which rates applied, as a phrase (core.phrases)."""
        if self.scale is Scale.EARNED and (self.replacement or self.maintenance):
            return gettext_noop(
                "revenus cumulés (art. 1411 C.J.) : les taux des revenus professionnels "
                "(art. 1409, § 1er) s'appliquent au total"
            )
        if self.scale is Scale.EARNED:
            return gettext_noop("taux des revenus professionnels (art. 1409, § 1er, C.J.)")
        return gettext_noop("taux des revenus de remplacement (art. 1409, § 1erbis, C.J.)")


@dataclass(frozen=True)
class NonSeizable:
    """The non-seizable amount of the household (the soft floor), with its working."""

    on: date
    scale: RowInForce
    persons: tuple[PersonFloor, ...]
    resources: Decimal
    family_allowances: Decimal
    cpas_aid: Decimal
    other_income: Decimal
    dependent_children: int
    unused_children: int
    amount: Decimal
    working: tuple[str, ...]
    warnings: tuple[str, ...]
    # The other entirely protected allowances (AI, GRAPA: art. 1410, § 2, C.J.).
    other_exempt: Decimal = ZERO
    # The income of a partner outside the case: context, not the applicant's resources.
    outside_case: Decimal = ZERO
    # The working and warnings as phrases (core.phrases; ``working`` is their French), for the
    # screens and documents to render in their language (issue 16).
    working_text: tuple[Any, ...] = ()
    warnings_text: tuple[Any, ...] = ()

    @property
    def scale_row(self) -> ScaleRow:
        return self.scale.row  # type: ignore[return-value]

    @property
    def seizable(self) -> Decimal:
        return self.resources - self.amount


@dataclass(frozen=True)
class AllowanceFloors:
    """Both floors of the living allowance for a budget, side by side, with their working."""

    household: Household
    non_seizable_part: NonSeizable
    ris: RowInForce
    hard_floor: Decimal
    working: tuple[str, ...]
    warnings: tuple[str, ...]
    ris_multiplier: int = 1
    working_text: tuple[Any, ...] = ()
    warnings_text: tuple[Any, ...] = ()

    @property
    def on(self) -> date:
        return self.non_seizable_part.on

    @property
    def resources(self) -> Decimal:
        return self.non_seizable_part.resources

    @property
    def non_seizable(self) -> Decimal:
        """The soft floor: under it only with the applicant's express agreement."""
        return self.non_seizable_part.amount

    @property
    def seizable(self) -> Decimal:
        return self.non_seizable_part.seizable

    @property
    def family_allowances(self) -> Decimal:
        return self.non_seizable_part.family_allowances

    @property
    def ris_row(self) -> RisRow:
        return self.ris.row  # type: ignore[return-value]

    @property
    def ris_rate(self) -> Decimal:
        """The monthly amount of the category's row (one person's)."""
        return self.ris_row.amount

    @property
    def ris_amount(self) -> Decimal:
        """The integration income in the hard floor: the row's amount × how many persons it
        is due to (:attr:`Household.ris_multiplier`)."""
        return round_cents(self.ris_row.amount * self.ris_multiplier)

    @property
    def scale_row(self) -> ScaleRow:
        return self.non_seizable_part.scale_row

    @property
    def effective_hard_floor(self) -> Decimal:
        """The hard floor, or all the resources when they do not reach it (nothing can be
        left to the household beyond what comes in)."""
        return min(self.hard_floor, self.resources)

    @property
    def minimum_without_agreement(self) -> Decimal:
        return max(self.non_seizable, self.effective_hard_floor)

    def to_json(self) -> dict[str, Any]:
        """A snapshot kept with a decision (figures as strings)."""
        return {
            "on": self.on.isoformat(),
            "resources": str(self.resources),
            "non_seizable": str(self.non_seizable),
            "seizable": str(self.seizable),
            "family_allowances": str(self.family_allowances),
            "ris": str(self.ris_amount),
            "ris_rate": str(self.ris_rate),
            "ris_multiplier": self.ris_multiplier,
            "ris_category": str(self.household.ris_category),
            "outside_case": str(self.non_seizable_part.outside_case),
            "hard_floor": str(self.hard_floor),
            "scale_row": self.scale_row.id,
            "ris_row": self.ris_row.id,
            "working": list(self.working),
            "warnings": list(self.warnings),
        }


# --- computation -----------------------------------------------------------------------------


def _check_inputs(incomes: Sequence[Income], household: Household) -> None:
    for position, income in enumerate(incomes, start=1):
        if not isinstance(income.amount, Decimal):
            raise TypeError(f"income amount must be Decimal, got {type(income.amount).__name__}")
        if income.amount < 0:
            raise InvalidBudget(
                f"Revenu {position}{f' ({income.label})' if income.label else ''} : "
                "un montant ne peut être négatif."
            )
        if income.person < 1:
            raise InvalidBudget(f"Revenu {position} : requérant {income.person} inconnu.")
        IncomeKind(income.kind)
    if not 0 <= household.dependent_children <= MAX_CHILDREN:
        raise InvalidBudget("Le nombre d'enfants à charge doit être compris entre 0 et 30.")
    if household.adults < 1:
        raise InvalidBudget("Le ménage compte au moins un adulte.")
    if household.applicants < 1:
        raise InvalidBudget("Le dossier compte au moins un requérant.")
    RisCategory(household.ris_category)


def _brackets(base: Decimal, row: ScaleRow, scale: Scale) -> tuple[BracketPart, ...]:
    lowers = (ZERO, *row.limits)
    uppers: tuple[Decimal | None, ...] = (*row.limits, None)
    parts = []
    for number, (lower, upper, rate) in enumerate(
        zip(lowers, uppers, row.rates(scale), strict=True), start=1
    ):
        top = base if upper is None else min(base, upper)
        income = max(top - lower, ZERO)
        if income <= 0:
            break
        parts.append(BracketPart(number, lower, upper, rate, income, income * rate))
    return tuple(parts)


@dataclass(frozen=True)
class _Debtor:
    person: int
    earned: Decimal
    replacement: Decimal
    maintenance: Decimal
    scale: Scale
    brackets: tuple[BracketPart, ...]
    seizable_exact: Decimal
    seizable: Decimal


def _debtor(person: int, incomes: Sequence[Income], row: ScaleRow) -> _Debtor:
    def total(kind: IncomeKind) -> Decimal:
        return sum((i.amount for i in incomes if i.kind is kind), ZERO)

    earned = total(IncomeKind.EARNED)
    # replacement incomes: unemployment, sickness, pension, and the ARR (art. 1409, § 1erbis)
    replacement = total(IncomeKind.REPLACEMENT) + total(IncomeKind.DISABILITY_REPLACEMENT)
    maintenance = total(IncomeKind.MAINTENANCE_RECEIVED)
    scale = Scale.EARNED if earned > 0 else Scale.REPLACEMENT
    brackets = _brackets(earned + replacement + maintenance, row, scale)
    exact = sum((part.seizable for part in brackets), Decimal(0))
    return _Debtor(
        person, earned, replacement, maintenance, scale, brackets, exact, round_cents(exact)
    )


def _allocate_children(
    seizables: Sequence[Decimal], children: int, per_child: Decimal
) -> tuple[int, ...]:
    """How many children to impute to each debtor so that the total reduction is the
    largest (each child counts once). Ties keep the children on the first debtors."""
    if not seizables:
        return ()
    if per_child <= 0:
        return (children,) + (0,) * (len(seizables) - 1)
    best: tuple[Decimal, tuple[int, ...]] | None = None

    def explore(index: int, left: int, taken: tuple[int, ...], value: Decimal) -> None:
        nonlocal best
        if index == len(seizables) - 1:
            option = taken + (left,)
            total = value + min(seizables[index], left * per_child)
            if best is None or total > best[0]:
                best = (total, option)
            return
        for count in range(left, -1, -1):
            explore(
                index + 1,
                left - count,
                taken + (count,),
                value + min(seizables[index], count * per_child),
            )

    explore(0, children, (), ZERO)
    assert best is not None
    return best[1]


def compute_non_seizable(
    incomes: Sequence[Income],
    household: Household,
    on: date,
    tables: LegalTables,
    names: Mapping[int, str] | None = None,
) -> NonSeizable:
    """The non-seizable part of the household's monthly income on ``on`` (the soft floor).

    Raises :class:`NoRowInForce` when no bracket row covers ``on``."""
    incomes = tuple(incomes)
    _check_inputs(incomes, household)
    outside = tuple(i for i in incomes if i.outside_case)
    incomes = tuple(i for i in incomes if not i.outside_case)
    in_force = tables.scale_in_force(on)
    row: ScaleRow = in_force.row  # type: ignore[assignment]
    working: list[Any] = [
        gettext_noop(
            "Barème de l'art. 1409 C.J. appliqué le %(date)s : %(row)s.",
            date=on,
            row=row.describe(),
        )
    ]
    warnings: list[Any] = []
    if in_force.beyond:
        warnings.append(
            gettext_noop(
                "Aucun barème de l'art. 1409 n'est encodé pour %(year)s : la ligne la plus "
                "récente (en vigueur depuis le %(date)s) est appliquée. À vérifier dès la "
                "publication du barème %(year)s au Moniteur belge.",
                year=on.year,
                date=row.effective_from,
            )
        )
        working.append(warnings[-1])

    persons = sorted({i.person for i in incomes if INCOME_RULES[i.kind].under_scale})
    debtors = [
        _debtor(p, [i for i in incomes if i.person == p and INCOME_RULES[i.kind].under_scale], row)
        for p in persons
    ]
    children = household.dependent_children
    allocation = _allocate_children([d.seizable for d in debtors], children, row.child_reduction)
    floors: list[PersonFloor] = []
    for debtor, count in zip(debtors, allocation, strict=True):
        reduction = min(debtor.seizable, count * row.child_reduction)
        seizable = debtor.seizable - reduction
        base = debtor.earned + debtor.replacement + debtor.maintenance
        floor = PersonFloor(
            person=debtor.person,
            earned=debtor.earned,
            replacement=debtor.replacement,
            maintenance=debtor.maintenance,
            scale=debtor.scale,
            brackets=debtor.brackets,
            seizable_exact=debtor.seizable_exact,
            seizable_before_children=debtor.seizable,
            children=count,
            child_reduction=reduction,
            seizable=seizable,
            non_seizable=base - seizable,
        )
        floors.append(floor)
        working.extend(_person_working(floor, row, (names or {}).get(floor.person, "")))
    unused = children - sum(allocation)
    if children and not debtors:
        working.append(
            gettext_noop(
                "%(n)s enfant(s) à charge : aucun revenu n'est soumis au barème, la réduction "
                "par enfant est sans objet.",
                n=children,
            )
        )

    def total(kind: IncomeKind) -> Decimal:
        return sum((i.amount for i in incomes if i.kind is kind), ZERO)

    family = total(IncomeKind.FAMILY_ALLOWANCES)
    cpas = total(IncomeKind.CPAS_AID)
    other = total(IncomeKind.OTHER)
    if family or cpas:
        working.append(
            gettext_noop(
                "Allocations familiales %(family)s et revenu d'intégration ou aide sociale du "
                "CPAS %(cpas)s : entièrement insaisissables (art. 1410, § 2, C.J.).",
                family=Money(family),
                cpas=Money(cpas),
            )
        )
    # The other allowances the law protects entirely (AI, GRAPA).
    other_exempt = ZERO
    for kind in (IncomeKind.DISABILITY_INTEGRATION, IncomeKind.GRAPA):
        value = total(kind)
        if value:
            other_exempt += value
            rule = INCOME_RULES[kind]
            working.append(
                gettext_noop(
                    "%(label)s %(amount)s : %(reference)s.",
                    label=Cased(rule.label, "sentence"),
                    amount=Money(value),
                    reference=rule.reference,
                )
            )
    if other:
        working.append(
            gettext_noop(
                "Autres revenus %(amount)s : non protégés par les art. 1409 et 1410 C.J., "
                "entièrement saisissables.",
                amount=Money(other),
            )
        )
    outside_total = sum((i.amount for i in outside), ZERO)
    if outside:
        working.append(
            gettext_noop(
                "Revenus du conjoint ou partenaire hors procédure %(amount)s : contexte du "
                "ménage, ce ne sont pas les revenus du requérant (ils ne sont pas versés sur le "
                "compte de médiation) ; ils ne comptent ni dans les ressources ni dans les "
                "planchers.",
                amount=Money(outside_total),
            )
        )
    amount = sum((f.non_seizable for f in floors), ZERO) + family + cpas + other_exempt
    resources = sum((i.amount for i in incomes), ZERO)
    working.append(
        gettext_noop(
            "Quotité insaisissable du ménage : %(amount)s sur %(resources)s de ressources "
            "mensuelles (quotité saisissable : %(seizable)s).",
            amount=Money(amount),
            resources=Money(resources),
            seizable=Money(resources - amount),
        )
    )
    return NonSeizable(
        on=on,
        scale=in_force,
        persons=tuple(floors),
        resources=round_cents(resources),
        family_allowances=round_cents(family),
        cpas_aid=round_cents(cpas),
        other_income=round_cents(other),
        dependent_children=children,
        unused_children=unused,
        amount=round_cents(amount),
        working=tuple(str(line) for line in working),
        warnings=tuple(str(line) for line in warnings),
        other_exempt=round_cents(other_exempt),
        outside_case=round_cents(outside_total),
        working_text=tuple(working),
        warnings_text=tuple(warnings),
    )


def _person_working(floor: PersonFloor, row: ScaleRow, name: str = "") -> list[Any]:
    parts = []
    if floor.earned:
        parts.append(gettext_noop("revenus professionnels %(amount)s", amount=Money(floor.earned)))
    if floor.replacement:
        parts.append(
            gettext_noop("revenus de remplacement %(amount)s", amount=Money(floor.replacement))
        )
    if floor.maintenance:
        parts.append(
            gettext_noop("pension alimentaire reçue %(amount)s", amount=Money(floor.maintenance))
        )
    lines = [
        gettext_noop(
            "Requérant %(person)s%(name)s : revenus soumis au barème %(base)s (%(parts)s) ; "
            "%(rule)s.",
            person=floor.person,
            name=f" ({name})" if name else "",
            base=Money(floor.base),
            parts=joined(", ", parts),
            rule=floor.scale_rule_text,
        )
    ]
    # A sub-line starts with "— " (the screens indent it).
    lines.extend(gettext_noop("— %(part)s", part=part.describe()) for part in floor.brackets)
    pieces: list[Any] = [
        gettext_noop(
            "— quotité saisissable : %(exact)s, arrondie à %(rounded)s",
            exact=exact_eur(floor.seizable_exact),
            rounded=Money(floor.seizable_before_children),
        )
    ]
    if floor.children:
        pieces.append(
            gettext_noop(
                " ; réduction pour %(n)s enfant(s) à charge : %(n)s × %(unit)s",
                n=floor.children,
                unit=Money(row.child_reduction),
            )
        )
        if floor.child_reduction < floor.children * row.child_reduction:
            pieces.append(
                gettext_noop(
                    ", limitée à la quotité saisissable (%(amount)s)",
                    amount=Money(floor.child_reduction),
                )
            )
        else:
            pieces.append(gettext_noop(" = %(amount)s", amount=Money(floor.child_reduction)))
    pieces.append(
        gettext_noop(
            " ; quotité saisissable retenue %(seizable)s, quotité insaisissable %(non_seizable)s.",
            seizable=Money(floor.seizable),
            non_seizable=Money(floor.non_seizable),
        )
    )
    lines.append(joined("", pieces))
    return lines


def compute_floors(
    incomes: Sequence[Income],
    household: Household,
    on: date,
    tables: LegalTables,
    names: Mapping[int, str] | None = None,
) -> AllowanceFloors:
    """The non-seizable amount and the hard floor (RIS of the category + family allowances)
    of a budget on its date. Raises :class:`NoRowInForce` when a table has no row for ``on``."""
    part = compute_non_seizable(incomes, household, on, tables, names)
    category = RisCategory(household.ris_category)
    ris = tables.ris_in_force(category, on)
    ris_row: RisRow = ris.row  # type: ignore[assignment]
    working = list(part.working_text)
    warnings = list(part.warnings_text)
    for problem in household_problem_phrases(household).values():
        # A version recorded before the check (services refuse new ones): said, not hidden.
        warnings.append(gettext_noop("Composition du ménage : %(problem)s", problem=problem))
        working.append(warnings[-1])
    working.append(
        gettext_noop(
            "Revenu d'intégration, catégorie « %(category)s », le %(date)s : %(amount)s "
            "(ligne « %(id)s » en vigueur depuis le %(since)s — source : %(source)s).",
            category=RIS_LABELS[category],
            date=on,
            amount=Money(ris_row.amount),
            id=ris_row.id,
            since=ris_row.effective_from,
            source=ris_row.source,
        )
    )
    if ris.beyond:
        warnings.append(
            gettext_noop(
                "Aucun montant du revenu d'intégration n'est encodé pour %(year)s : le montant "
                "le plus récent (en vigueur depuis le %(date)s) est appliqué. À vérifier dès la "
                "publication au Moniteur belge des montants %(year)s : le revenu d'intégration "
                "suit l'indice des prix.",
                year=on.year,
                date=ris_row.effective_from,
            )
        )
        working.append(warnings[-1])
    multiplier = household.ris_multiplier
    ris_total = round_cents(ris_row.amount * multiplier)
    if multiplier > 1:
        working.append(
            gettext_noop(
                "Revenu d'intégration du ménage : %(n)s requérants cohabitants, chacun au taux "
                "cohabitant (droit individuel, art. 14, § 1er, 1°, loi du 26.05.2002) : "
                "%(n)s × %(rate)s = %(total)s.",
                n=multiplier,
                rate=Money(ris_row.amount),
                total=Money(ris_total),
            )
        )
    hard_floor = round_cents(ris_total + part.family_allowances)
    working.append(
        gettext_noop(
            "Plancher absolu (art. 1675/9, § 4, C.J.) : revenu d'intégration %(ris)s "
            "+ allocations familiales %(family)s = %(floor)s.",
            ris=Money(ris_total),
            family=Money(part.family_allowances),
            floor=Money(hard_floor),
        )
    )
    if hard_floor > part.resources:
        working.append(
            gettext_noop(
                "Les ressources du ménage (%(resources)s) n'atteignent pas ce plancher : tout "
                "doit être laissé au ménage, rien n'est disponible pour les créanciers.",
                resources=Money(part.resources),
            )
        )
    return AllowanceFloors(
        household=household,
        non_seizable_part=part,
        ris=ris,
        hard_floor=hard_floor,
        working=tuple(str(line) for line in working),
        warnings=tuple(str(line) for line in warnings),
        ris_multiplier=multiplier,
        working_text=tuple(working),
        warnings_text=tuple(warnings),
    )


# --- the chosen amount -----------------------------------------------------------------------


class Verdict(StrEnum):
    OK = "ok"
    AGREED_BELOW_NON_SEIZABLE = "agreed_below_non_seizable"
    NEEDS_AGREEMENT = "needs_agreement"
    BELOW_HARD_FLOOR = "below_hard_floor"
    ABOVE_RESOURCES = "above_resources"
    NEGATIVE = "negative"

    @property
    def accepted(self) -> bool:
        return self in (Verdict.OK, Verdict.AGREED_BELOW_NON_SEIZABLE)


@dataclass(frozen=True)
class AllowanceCheck:
    """``message`` is French; ``text`` the same as a phrase (``core.phrases``), for the
    reader's language (issue 16). Build one with :meth:`of`."""

    amount: Decimal
    verdict: Verdict
    message: str
    text: Any = None

    @classmethod
    def of(cls, amount: Decimal, verdict: Verdict, text: Phrase) -> AllowanceCheck:
        return cls(amount, verdict, str(text), text)

    @property
    def accepted(self) -> bool:
        return self.verdict.accepted

    @property
    def needs_agreement(self) -> bool:
        return self.verdict in (Verdict.NEEDS_AGREEMENT, Verdict.AGREED_BELOW_NON_SEIZABLE)


def negative_allowance(amount: Decimal) -> AllowanceCheck | None:
    """A negative allowance is refused whatever the floors (None: it is not negative)."""
    amount = round_cents(amount)
    if amount < 0:
        return AllowanceCheck.of(
            amount, Verdict.NEGATIVE, gettext_noop("Le pécule ne peut être négatif.")
        )
    return None


def check_allowance(
    floors: AllowanceFloors, amount: Decimal, *, agreement_recorded: bool
) -> AllowanceCheck:
    """The rule of art. 1675/9, § 4, on a chosen monthly allowance: refused under the hard
    floor (or over the resources), accepted under the non-seizable amount only with the
    applicant's recorded express agreement."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be Decimal, got {type(amount).__name__}")
    amount = round_cents(amount)
    negative = negative_allowance(amount)
    if negative is not None:
        return negative
    if amount > floors.resources:
        return AllowanceCheck.of(
            amount,
            Verdict.ABOVE_RESOURCES,
            gettext_noop(
                "Le pécule (%(amount)s) dépasse les ressources mensuelles du ménage "
                "(%(resources)s) : il ne peut être versé.",
                amount=Money(amount),
                resources=Money(floors.resources),
            ),
        )
    if amount < floors.effective_hard_floor:
        if floors.hard_floor > floors.resources:
            message = gettext_noop(
                "Le pécule (%(amount)s) est inférieur au plancher absolu : les ressources du "
                "ménage (%(resources)s) n'atteignent pas le revenu d'intégration majoré des "
                "allocations familiales (%(floor)s), elles doivent donc lui être laissées "
                "entièrement (art. 1675/9, § 4, C.J.).",
                amount=Money(amount),
                resources=Money(floors.resources),
                floor=Money(floors.hard_floor),
            )
        else:
            message = gettext_noop(
                "Le pécule (%(amount)s) est inférieur au plancher absolu de %(floor)s : revenu "
                "d'intégration « %(category)s » (%(ris)s) majoré des allocations familiales "
                "(%(family)s). La loi l'interdit, même avec l'accord du requérant "
                "(art. 1675/9, § 4, C.J.).",
                amount=Money(amount),
                floor=Money(floors.hard_floor),
                category=RIS_LABELS[RisCategory(floors.household.ris_category)],
                ris=Money(floors.ris_amount),
                family=Money(floors.family_allowances),
            )
        return AllowanceCheck.of(amount, Verdict.BELOW_HARD_FLOOR, message)
    if amount < floors.non_seizable:
        if agreement_recorded:
            return AllowanceCheck.of(
                amount,
                Verdict.AGREED_BELOW_NON_SEIZABLE,
                gettext_noop(
                    "Le pécule (%(amount)s) est inférieur à la quotité insaisissable "
                    "(%(non_seizable)s) avec l'accord exprès du requérant.",
                    amount=Money(amount),
                    non_seizable=Money(floors.non_seizable),
                ),
            )
        return AllowanceCheck.of(
            amount,
            Verdict.NEEDS_AGREEMENT,
            gettext_noop(
                "Le pécule (%(amount)s) est inférieur à la quotité insaisissable "
                "(%(non_seizable)s) : l'accord exprès du requérant est requis (date et document "
                "signé), sinon le médiateur ne peut retenir davantage (art. 1675/9, § 4, C.J.).",
                amount=Money(amount),
                non_seizable=Money(floors.non_seizable),
            ),
        )
    return AllowanceCheck.of(
        amount,
        Verdict.OK,
        gettext_noop(
            "Le pécule (%(amount)s) respecte la quotité insaisissable (%(non_seizable)s) et le "
            "plancher absolu (%(floor)s).",
            amount=Money(amount),
            non_seizable=Money(floors.non_seizable),
            floor=Money(floors.hard_floor),
        ),
    )
