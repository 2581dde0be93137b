"""What the engine is told about a case: frozen value objects, no ORM (fees.md §3, §6).

The adapter that reads a case (database, case bundle) builds these; the engine never queries
anything. Kinds and categories use the codes of ``case-bundle.schema.json``.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from core.dates import format_date
from core.money import CENT
from core.phrases import Phrase, gettext_noop
from core.pricing import PricingMethod
from fees.engine.errors import InvalidFacts


class ServiceKind(StrEnum):
    """The mediator's billable acts (``services[].kind`` of the case bundle, fees.md §6)."""

    HOMOLOGATION_REQUEST = "homologation_request"
    FAILURE_REPORT = "failure_report"
    REVISION = "revision"
    REVOCATION = "revocation"
    ASSET_SALE_REQUEST = "asset_sale_request"
    INFORMATION_REQUEST = "information_request"
    HEARING = "hearing"
    LETTER = "letter"
    EMAIL = "email"
    CIRCULAR_LETTER = "circular_letter"
    PHONE_COPIES_FORFAIT = "phone_copies_forfait"
    TRAVEL = "travel"
    ADMIN_COST = "admin_cost"


SERVICE_KIND_LABELS: dict[ServiceKind, Phrase] = {
    ServiceKind.HOMOLOGATION_REQUEST: gettext_noop("Demande d'homologation du plan"),
    ServiceKind.FAILURE_REPORT: gettext_noop("Procès-verbal de carence"),
    ServiceKind.REVISION: gettext_noop("Révision du plan"),
    ServiceKind.REVOCATION: gettext_noop("Révocation"),
    ServiceKind.ASSET_SALE_REQUEST: gettext_noop(
        "Demande d'autorisation de réaliser un élément du patrimoine (art. 1675/14bis C.J.)"
    ),
    ServiceKind.INFORMATION_REQUEST: gettext_noop(
        "Procédure en obtention d'informations (art. 1675/8 C.J.)"
    ),
    ServiceKind.HEARING: gettext_noop("Présence à l'audience publique"),
    ServiceKind.LETTER: gettext_noop("Lettre ordinaire"),
    ServiceKind.EMAIL: gettext_noop("Courriel circonstancié"),
    ServiceKind.CIRCULAR_LETTER: gettext_noop("Lettre circulaire"),
    ServiceKind.PHONE_COPIES_FORFAIT: gettext_noop("Forfait téléphone, courriels et photocopies"),
    ServiceKind.TRAVEL: gettext_noop("Déplacement"),
    ServiceKind.ADMIN_COST: gettext_noop("Frais administratifs"),
}

# fees.md §6: 2,1° is charged once in a case's life (either kind); 4,3° once per mediator.
HOMOLOGATION_KINDS = frozenset({ServiceKind.HOMOLOGATION_REQUEST, ServiceKind.FAILURE_REPORT})
ONCE_ONLY_KINDS = HOMOLOGATION_KINDS | {ServiceKind.PHONE_COPIES_FORFAIT}
# Art. 4: registered-mail postage is added to a letter.
POSTAGE_KINDS = frozenset({ServiceKind.LETTER, ServiceKind.CIRCULAR_LETTER})


class PaymentCategory(StrEnum):
    """Ledger categories (``ledger[].category`` of the case bundle)."""

    INCOME = "income"
    LIVING_ALLOWANCE = "living_allowance"
    PAYMENT_ON_BEHALF = "payment_on_behalf"
    DIVIDEND = "dividend"
    EXCEPTIONAL_EXPENSE = "exceptional_expense"
    FEE_PAYMENT = "fee_payment"
    RESERVE_TRANSFER = "reserve_transfer"
    REFUND = "refund"
    BANK_CHARGE = "bank_charge"
    OTHER = "other"


# fees.md §6 (2,2°): the outgoing entries billable as payments; every other category is not.
BILLABLE_PAYMENT_CATEGORIES = frozenset(
    {
        PaymentCategory.LIVING_ALLOWANCE,
        PaymentCategory.PAYMENT_ON_BEHALF,
        PaymentCategory.DIVIDEND,
        PaymentCategory.EXCEPTIONAL_EXPENSE,
    }
)

PAYMENT_CATEGORY_LABELS: dict[PaymentCategory, Phrase] = {
    PaymentCategory.LIVING_ALLOWANCE: gettext_noop("Versement du pécule de médiation"),
    PaymentCategory.PAYMENT_ON_BEHALF: gettext_noop("Paiement effectué au nom du requérant"),
    PaymentCategory.DIVIDEND: gettext_noop("Versement d'un dividende à un créancier"),
    PaymentCategory.EXCEPTIONAL_EXPENSE: gettext_noop(
        "Paiement d'une dépense exceptionnelle autorisée"
    ),
}


def _money(value: object, what: str) -> Decimal:
    """A money amount: Decimal (or int), at most two decimals, never a float."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what}: money must be Decimal, got {type(value).__name__}")
    amount = Decimal(value)
    if amount < 0 or amount != amount.quantize(CENT):
        raise InvalidFacts(f"{what} : montant invalide ({amount}) ; attendu un montant en €.")
    return amount


@dataclass(frozen=True)
class CreditorFacts:
    """A creditor that declared at least one claim in the case (fees.md §3).

    ``paid_off_on`` is the latest pay-off date when every claim of it taking part in the plan is
    paid off, else None.
    """

    key: str
    name: str
    all_claims_time_barred: bool = False
    paid_off_on: dt.date | None = None


@dataclass(frozen=True)
class ServiceFacts:
    """One dated act of the mediator (``services[]`` of the case bundle, fees.md §6).

    ``quantity`` is the number of identical occurrences the record stands for (default 1), and
    every other figure is per occurrence: ``km`` per journey, ``amount`` per administrative cost
    (at cost), ``registered_postage`` per letter sent registered. For a circular letter,
    ``quantity`` is the number of addressees (fees.md §6) unless ``addressees`` is given, in which
    case ``addressees`` is the number of addressees of one mailing and ``quantity`` the number of
    identical mailings. 2,1° and 4,3° items stand for one occurrence.
    """

    id: str | int
    date: dt.date
    kind: ServiceKind
    quantity: int = 1
    km: Decimal | None = None
    amount: Decimal | None = None
    registered_postage: Decimal | None = None
    mediator: str | None = None
    addressees: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "kind", ServiceKind(self.kind))
        except ValueError:
            raise InvalidFacts(
                f"Prestation n° {self.id} du {format_date(self.date)} : "
                f"type inconnu « {self.kind} »."
            ) from None
        what = self.describe()
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise InvalidFacts(f"{what} : la quantité doit être un nombre entier.")
        if self.quantity < 1:
            raise InvalidFacts(f"{what} : la quantité doit être au moins 1 ({self.quantity}).")
        if self.kind in ONCE_ONLY_KINDS and self.quantity != 1:
            raise InvalidFacts(f"{what} : un forfait unique a toujours une quantité de 1.")
        if self.kind is ServiceKind.TRAVEL:
            if self.km is None:
                raise InvalidFacts(f"{what} : le nombre de kilomètres est obligatoire.")
            if isinstance(self.km, float) or not isinstance(self.km, Decimal | int):
                raise TypeError(f"{what}: km must be Decimal, got {type(self.km).__name__}")
            if self.km <= 0:
                raise InvalidFacts(f"{what} : le nombre de kilomètres doit être positif.")
            object.__setattr__(self, "km", Decimal(self.km))
        if self.kind is ServiceKind.ADMIN_COST:
            if self.amount is None:
                raise InvalidFacts(f"{what} : le montant des frais exposés est obligatoire.")
            object.__setattr__(self, "amount", _money(self.amount, what))
        if self.registered_postage is not None:
            if self.kind not in POSTAGE_KINDS:
                raise InvalidFacts(
                    f"{what} : des frais de recommandé ne s'ajoutent qu'à une lettre (art. 4)."
                )
            postage = _money(self.registered_postage, what)
            object.__setattr__(self, "registered_postage", postage)
        if self.addressees is not None:
            if self.kind is not ServiceKind.CIRCULAR_LETTER:
                raise InvalidFacts(f"{what} : seule une lettre circulaire a des destinataires.")
            if isinstance(self.addressees, bool) or not isinstance(self.addressees, int):
                raise InvalidFacts(f"{what} : le nombre de destinataires doit être entier.")
            if self.addressees < 1:
                raise InvalidFacts(f"{what} : le nombre de destinataires doit être au moins 1.")

    @property
    def addressees_per_mailing(self) -> int:
        """Circular letter: addressees of one mailing (fees.md §6, < 3 means ordinary letters)."""
        return self.quantity if self.addressees is None else self.addressees

    @property
    def letters(self) -> int:
        """Letters sent in all: ``quantity``, or for a circular letter with ``addressees``,
        mailings x addressees (billed per addressee, Cass. 29.02.2008)."""
        return self.quantity if self.addressees is None else self.quantity * self.addressees

    def describe(self) -> str:
        """« Lettre ordinaire » n° 12 du 03/02/2023 (for messages)."""
        return str(self.describe_text())

    def describe_text(self) -> Phrase:
        return gettext_noop(
            "« %(what)s » n° %(id)s du %(date)s",
            what=SERVICE_KIND_LABELS[self.kind],
            id=str(self.id),
            date=self.date,
        )


@dataclass(frozen=True)
class PaymentFacts:
    """An outgoing entry of the mediation account's journal (fees.md §6, 2,2°)."""

    id: str | int
    date: dt.date
    category: PaymentCategory
    amount: Decimal
    standing_order: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "category", PaymentCategory(self.category))
        except ValueError:
            raise InvalidFacts(
                f"Écriture n° {self.id} du {format_date(self.date)} : "
                f"catégorie inconnue « {self.category} »."
            ) from None
        what = f"Écriture n° {self.id} du {format_date(self.date)}"
        object.__setattr__(self, "amount", _money(self.amount, what))

    @property
    def billable(self) -> bool:
        return self.category in BILLABLE_PAYMENT_CATEGORIES

    @property
    def standing_order_allowance(self) -> bool:
        """A living allowance paid by standing order (counted once per follow-up year)."""
        return self.standing_order and self.category is PaymentCategory.LIVING_ALLOWANCE


@dataclass(frozen=True)
class CaseFacts:
    """Everything the engine needs about one case. ``services`` and ``payments`` are all those
    of the case: the engine filters them by period and checks the once-only items."""

    reference: str
    admissibility_date: dt.date
    follow_up_start: dt.date | None = None
    closure_date: dt.date | None = None
    # fees.md §5: by_year_prorata is the default of every division without its own rule.
    pricing_method: PricingMethod = PricingMethod.BY_YEAR_PRORATA
    excludes_paid_off_creditors: bool = False
    vat_registered: bool = False
    creditors: tuple[CreditorFacts, ...] = field(default_factory=tuple)
    services: tuple[ServiceFacts, ...] = field(default_factory=tuple)
    payments: tuple[PaymentFacts, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pricing_method", PricingMethod(self.pricing_method))
        for name in ("creditors", "services", "payments"):
            values: Iterable[object] = getattr(self, name)
            object.__setattr__(self, name, tuple(values))
        counts = Counter(creditor.key for creditor in self.creditors)
        duplicates = sorted(key for key, count in counts.items() if count > 1)
        if duplicates:
            raise InvalidFacts(
                f"Dossier {self.reference} : créancier(s) repris deux fois "
                f"({', '.join(duplicates)}) ; un créancier compte une fois, "
                "quel que soit le nombre de ses créances."
            )
        if self.closure_date is not None and self.closure_date < self.admissibility_date:
            raise InvalidFacts(
                f"Dossier {self.reference} : la clôture ({format_date(self.closure_date)}) précède "
                f"l'admissibilité ({format_date(self.admissibility_date)})."
            )

    @property
    def follow_up_from(self) -> dt.date:
        """Start of the follow-up (fees.md §4: default the admissibility date)."""
        return self.follow_up_start or self.admissibility_date
