"""Errors of the fee engine. Messages are French: they are shown to the mediator as they are,
and name the date or the service at fault."""

from fees.tariffs import FeeEngineError, NoTariffInForce


class InvalidPeriod(FeeEngineError):
    """The taxation period ``[from, to)`` is empty, inverted, or ends before admissibility."""


class InvalidFacts(FeeEngineError):
    """A fact given to the engine is incomplete or inconsistent (e.g. a journey without km)."""


class ServiceBeforeAdmissibility(InvalidFacts):
    """A service is dated before the admissibility order: nothing is billable before it."""


class DuplicateOnceOnlyService(FeeEngineError):
    """A once-only item is recorded twice: a second 2,1° forfait in the case, or a second 4,3°
    forfait by the same mediator (fees.md §6: "an error to report, not a line to add")."""


__all__ = [
    "DuplicateOnceOnlyService",
    "FeeEngineError",
    "InvalidFacts",
    "InvalidPeriod",
    "NoTariffInForce",
    "ServiceBeforeAdmissibility",
]
