"""The fee statement (état de frais et honoraires) and its ``rcd-taxation/1`` JSON twin
(``../shared/domain/case-bundle.md``, fees.md §6–§8)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.dates import format_date
from core.money import round_cents
from core.phrases import Phrase
from core.phrases import to_json as phrase_json
from core.pricing import PricingMethod
from fees.tariffs import TariffRow

TAXATION_FORMAT = "rcd-taxation/1"

# Statement order of the articles (fees.md §1).
ARTICLES = ("2.1", "2.2", "2.3", "2.4", "2.5", "3", "4.1", "4.2", "4.3", "4.4", "6", "postage")
# fees.md §6: fees are 2.x, 3 and 4.x; disbursements are 6 and postage.
FEE_ARTICLES = frozenset(ARTICLES[:10])
DISBURSEMENT_ARTICLES = frozenset({"6", "postage"})
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    """One line of the statement: ``amount`` is computed exactly, then rounded once, half-up
    (fees.md §7). ``date`` is None for a follow-up (2,3°) line."""

    article: str
    label: str
    date: dt.date | None
    quantity: Decimal
    unit_amount: Decimal
    amount: Decimal
    tariff_rows: tuple[TariffRow, ...]
    rule: str
    explanation: str
    origin: str | None = None  # "service:<id>" or "payment:<id>" when the line comes from one
    # The label and explanation as phrases (core.phrases), for the screens and the court
    # documents to render in their language (issue 16); ``label`` and ``explanation`` are their
    # French text, the one the rcd-taxation/1 JSON carries.
    label_text: Any = field(default=None, compare=False)
    explanation_text: Any = field(default=None, compare=False)

    @classmethod
    def of(cls, *, label: Any, explanation: Any, **fields: Any) -> "Line":
        """A line whose label and explanation are phrases (or plain French strings)."""
        return cls(
            label=str(label),
            explanation=str(explanation),
            label_text=label,
            explanation_text=explanation,
            **fields,
        )

    def texts(self) -> dict[str, Any] | None:
        """The phrases as JSON (stored with the line), or None for plain strings."""
        if not isinstance(self.label_text, Phrase) and not isinstance(
            self.explanation_text, Phrase
        ):
            return None
        return {
            "label": phrase_json(self.label_text or self.label),
            "explanation": phrase_json(self.explanation_text or self.explanation),
        }

    @property
    def is_fee(self) -> bool:
        return self.article in FEE_ARTICLES

    @property
    def tariff_from(self) -> list[dt.date]:
        """The effective dates of the rows used (each once, in order)."""
        dates: list[dt.date] = []
        for row in self.tariff_rows:
            if row.effective_from is not None and row.effective_from not in dates:
                dates.append(row.effective_from)
        return dates

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "label": self.label,
            "date": self.date.isoformat() if self.date else None,
            "quantity": format(self.quantity.normalize(), "f"),
            "unit_amount": _money(self.unit_amount),
            "amount": _money(self.amount),
            "tariff_from": [day.isoformat() for day in self.tariff_from],
            "explanation": self.explanation,
        }


def _money(amount: Decimal) -> str:
    return str(round_cents(amount))


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


@dataclass(frozen=True)
class Statement:
    """The fee statement of one case for the taxation period ``[period_from, period_to)``.

    Subtotals and totals are sums of rounded lines; VAT is rounded half-up on the fee total
    (fees.md §7).
    """

    reference: str
    period_from: dt.date
    period_to: dt.date
    pricing_method: PricingMethod
    lines: tuple[Line, ...]
    subtotals: Mapping[str, Decimal]
    fees: Decimal
    vat: Decimal
    disbursements: Decimal
    total: Decimal
    vat_row: TariffRow | None = None
    reference_anniversary: dt.date | None = None

    @classmethod
    def assemble(
        cls,
        *,
        reference: str,
        period_from: dt.date,
        period_to: dt.date,
        pricing_method: PricingMethod,
        lines: Iterable[Line],
        vat_row: TariffRow | None,
        reference_anniversary: dt.date | None = None,
    ) -> "Statement":
        """Order the lines by article then date, and add them up."""
        ordered = tuple(
            sorted(lines, key=lambda line: (ARTICLES.index(line.article), line.date or dt.date.min))
        )
        subtotals = {
            article: _sum(line.amount for line in ordered if line.article == article)
            for article in ARTICLES
            if any(line.article == article for line in ordered)
        }
        fees = _sum(amount for article, amount in subtotals.items() if article in FEE_ARTICLES)
        disbursements = _sum(
            amount for article, amount in subtotals.items() if article in DISBURSEMENT_ARTICLES
        )
        # fees.md §6: VAT on fees only, never on disbursements; rounded once on the total (§7).
        vat = round_cents(fees * vat_row.amount) if vat_row is not None else ZERO
        return cls(
            reference=reference,
            period_from=period_from,
            period_to=period_to,
            pricing_method=pricing_method,
            lines=ordered,
            subtotals=subtotals,
            fees=fees,
            vat=vat,
            disbursements=disbursements,
            total=fees + vat + disbursements,
            vat_row=vat_row,
            reference_anniversary=reference_anniversary,
        )

    @property
    def last_day(self) -> dt.date:
        return self.period_to - dt.timedelta(days=1)

    @property
    def period_label(self) -> str:
        """fees.md §7: the period ``[from, to)`` is shown as "du <from> au <to - 1 day>"."""
        return f"du {format_date(self.period_from)} au {format_date(self.last_day)}"

    @property
    def vat_rate(self) -> Decimal | None:
        return self.vat_row.amount if self.vat_row is not None else None

    def to_json(self) -> dict[str, Any]:
        """The ``rcd-taxation/1`` document (case-bundle.md), amounts as two-decimal strings."""
        return {
            "format": TAXATION_FORMAT,
            "case": self.reference,
            "period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
            "pricing_method": self.pricing_method.value,
            "lines": [line.to_json() for line in self.lines],
            "subtotals": {article: _money(amount) for article, amount in self.subtotals.items()},
            "fees": _money(self.fees),
            "vat": _money(self.vat),
            "disbursements": _money(self.disbursements),
            "total": _money(self.total),
        }
