"""The pure fee-taxation engine (``../shared/domain/fees.md``).

``compute_statement(case, period_from, period_to, tariffs)`` turns the facts of a case
(:class:`CaseFacts`) and the dated tariff rows (:class:`~fees.tariffs.TariffTable`) into a
:class:`Statement` whose ``to_json()`` is the ``rcd-taxation/1`` document. No ORM, no clock:
frozen value objects in and out, money as ``Decimal``.

Modules: ``facts`` (input), ``years`` (follow-up years, anniversaries), ``creditors``
(counting), ``pricing`` (one strategy per pricing method), ``compute`` (the items),
``statement`` (output), ``errors``.
"""

from core.pricing import PricingMethod
from fees.engine.compute import compute_statement
from fees.engine.errors import (
    DuplicateOnceOnlyService,
    FeeEngineError,
    InvalidFacts,
    InvalidPeriod,
    NoTariffInForce,
    ServiceBeforeAdmissibility,
)
from fees.engine.facts import (
    BILLABLE_PAYMENT_CATEGORIES,
    CaseFacts,
    CreditorFacts,
    PaymentCategory,
    PaymentFacts,
    ServiceFacts,
    ServiceKind,
)
from fees.engine.statement import ARTICLES, TAXATION_FORMAT, Line, Statement

__all__ = [
    "ARTICLES",
    "BILLABLE_PAYMENT_CATEGORIES",
    "TAXATION_FORMAT",
    "CaseFacts",
    "CreditorFacts",
    "DuplicateOnceOnlyService",
    "FeeEngineError",
    "InvalidFacts",
    "InvalidPeriod",
    "Line",
    "NoTariffInForce",
    "PaymentCategory",
    "PaymentFacts",
    "PricingMethod",
    "ServiceBeforeAdmissibility",
    "ServiceFacts",
    "ServiceKind",
    "Statement",
    "compute_statement",
]
