"""Indexed tariff rows of the fee barème, as data (``../shared/domain/fees.md`` §2).

The legal amounts are not code: ``fees/data/tariffs.json`` holds one dated row per key and per
notice (avis / bericht in the Moniteur belge), each with its source. A row is in force from its
``effective_from`` until the next row of the same key starts; the newest row applies to every
later date (fees.md §2: "a line dated after the newest row uses the newest row").

A row whose start date is unknown (``effective_from`` is ``None``; the "until 31.12.2017" column
of fees.md §2) covers *no* date: pricing a date it would cover raises :class:`NoTariffInForce`
saying the row exists but its start is unknown, instead of guessing (fees.md §2). An
administrator can later enter the start date, which turns it into an ordinary dated row.

:class:`TariffTable` is built from a plain list of :class:`TariffRow`, so that the database
layer can build one from its own rows; :func:`rows_from_json` parses the JSON layout for it.
Pure Python: no ORM, no clock.
"""

import bisect
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from core.dates import format_date
from core.money import format_eur

DATA_FILE = Path(__file__).resolve().parent / "data" / "tariffs.json"
TARIFF_FORMAT = "rcd-tariffs/1"

# Short French names of the keys, for the messages shown to mediators.
KEY_LABELS: dict[str, str] = {
    "2.1.base": "2,1° homologation / carence (base)",
    "2.1.extra": "2,1° homologation / carence (supplément par créancier)",
    "2.2": "2,2° versement",
    "2.3.base": "2,3° suivi annuel (base)",
    "2.3.extra": "2,3° suivi annuel (supplément par créancier)",
    "2.4": "2,4° révision / révocation",
    "2.5": "2,5° procédure de renseignements",
    "3": "art. 3 vacation d'audience",
    "4.1": "4,1° lettre ordinaire",
    "4.2": "4,2° lettre circulaire",
    "4.3": "4,3° forfait téléphone, courriels, photocopies",
    "4.4": "4,4° déplacement (par km)",
    "6.justrestart": "art. 6 redevance JustRestart",
    "vat": "taux de TVA",
}


class FeeEngineError(ValueError):
    """Base of every error the fee engine reports. Messages are French and shown to users;
    ``text`` is the message as given: a phrase (``core.phrases``) where the engine wrote one,
    for the reader's language (issue 16)."""

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(str(message), *args)
        self.text = message


class NoTariffInForce(FeeEngineError):
    """No tariff row prices ``key`` on ``on`` (none encoded, or only one of unknown start)."""

    def __init__(self, message: str, *, key: str, on: date) -> None:
        super().__init__(message)
        self.key = key
        self.on = on

    def in_context(self, what: str) -> "NoTariffInForce":
        """The same error, its message prefixed by the line being priced."""
        message = str(self)
        message = f"{what} : {message[:1].lower()}{message[1:]}"
        return NoTariffInForce(message, key=self.key, on=self.on)


class TariffDataError(ValueError):
    """The tariff data itself is inconsistent (an administrator's or a developer's error)."""


@dataclass(frozen=True)
class TariffRow:
    """One indexed amount: ``amount`` for ``key`` from ``effective_from`` (None = start unknown).

    For the key ``vat`` the amount is a rate expressed as a fraction (``0.21`` = 21 %).
    """

    id: str
    key: str
    effective_from: date | None
    amount: Decimal
    source: str

    @property
    def start_unknown(self) -> bool:
        return self.effective_from is None


@dataclass(frozen=True)
class TariffSpan:
    """The part ``[start, end)`` of an interval during which ``row`` is in force."""

    row: TariffRow
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _label(key: str) -> str:
    return f"« {KEY_LABELS.get(key, key)} »"


class TariffTable:
    """All tariff rows, answering "which row prices this key on this date" (fees.md §2)."""

    def __init__(self, rows: Iterable[TariffRow]) -> None:
        self._rows = tuple(rows)
        seen_ids: set[str] = set()
        grouped: dict[str, list[TariffRow]] = {}
        for row in self._rows:
            if not isinstance(row.amount, Decimal) or row.amount < 0:
                raise TariffDataError(f"Ligne de tarif {row.id} : montant invalide {row.amount!r}.")
            if row.id in seen_ids:
                raise TariffDataError(f"Ligne de tarif {row.id} : identifiant en double.")
            seen_ids.add(row.id)
            grouped.setdefault(row.key, []).append(row)
        self._unknown: dict[str, TariffRow] = {}
        self._dated: dict[str, tuple[TariffRow, ...]] = {}
        for key, key_rows in grouped.items():
            unknown = [r for r in key_rows if r.effective_from is None]
            if len(unknown) > 1:
                raise TariffDataError(
                    f"Tarif {key} : plusieurs lignes sans date de début "
                    f"({', '.join(r.id for r in unknown)}) ; une seule est possible."
                )
            if unknown:
                self._unknown[key] = unknown[0]
            dated = sorted((r for r in key_rows if r.effective_from is not None), key=_start)
            for before, after in zip(dated, dated[1:], strict=False):
                if before.effective_from == after.effective_from:
                    raise TariffDataError(
                        f"Tarif {key} : deux lignes commencent le {format_date(_start(after))} "
                        f"({before.id}, {after.id})."
                    )
            self._dated[key] = tuple(dated)
        self._starts = {key: [_start(r) for r in rows] for key, rows in self._dated.items()}

    @property
    def rows(self) -> tuple[TariffRow, ...]:
        return self._rows

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self._dated)

    def __iter__(self) -> Iterator[TariffRow]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def rows_for(self, key: str) -> tuple[TariffRow, ...]:
        """The rows of ``key`` in date order; the one of unknown start (if any) comes first."""
        unknown = (self._unknown[key],) if key in self._unknown else ()
        return unknown + self._dated.get(key, ())

    def first_known_start(self, key: str) -> date | None:
        """The earliest known ``effective_from`` of ``key`` (None when it has no dated row)."""
        starts = self._starts.get(key)
        return starts[0] if starts else None

    def in_force(self, key: str, on: date) -> TariffRow:
        """The row of ``key`` in force on ``on``; raises :class:`NoTariffInForce` otherwise."""
        starts = self._starts.get(key, [])
        index = bisect.bisect_right(starts, on) - 1
        if index >= 0:
            return self._dated[key][index]
        raise NoTariffInForce(self._not_in_force_message(key, on), key=key, on=on)

    def spans(self, key: str, start: date, end: date) -> tuple[TariffSpan, ...]:
        """The rows of ``key`` in force over ``[start, end)``, with the days under each.

        Raises :class:`NoTariffInForce` when a day of the interval is covered by no row.
        """
        if end <= start:
            return ()
        spans: list[TariffSpan] = []
        row = self.in_force(key, start)
        cursor = start
        for later in self._dated[key]:
            later_start = _start(later)
            if cursor < later_start < end:
                spans.append(TariffSpan(row, cursor, later_start))
                row, cursor = later, later_start
        spans.append(TariffSpan(row, cursor, end))
        return tuple(spans)

    def _not_in_force_message(self, key: str, on: date) -> str:
        first = self.first_known_start(key)
        unknown = self._unknown.get(key)
        if unknown is not None:
            before = f"antérieure au {format_date(first)}" if first else "de ce tarif"
            return (
                f"Le tarif {_label(key)} applicable le {format_date(on)} "
                f"est la ligne « {unknown.id} » "
                f"({format_eur(unknown.amount)}), qui existe mais dont la date de début "
                f"d'application est inconnue. Un administrateur doit encoder cette date de début "
                f"avant qu'une prestation {before} puisse être tarifée."
            )
        if first is None:
            return f"Aucune ligne de tarif {_label(key)} n'est encodée."
        return (
            f"Aucun tarif {_label(key)} n'est en vigueur le {format_date(on)} : la première ligne "
            f"encodée s'applique à partir du {format_date(first)}."
        )


def _start(row: TariffRow) -> date:
    assert row.effective_from is not None
    return row.effective_from


def rows_from_json(document: Mapping[str, Any]) -> list[TariffRow]:
    """Parse the ``rcd-tariffs/1`` layout of ``fees/data/tariffs.json`` into rows.

    Each row: ``{"id", "key", "effective_from": "YYYY-MM-DD" | null, "start_unknown": bool,
    "amount": "539.01", "source"}``; ``start_unknown`` must be true exactly when
    ``effective_from`` is null (the marker is explicit so that a reader of the file sees it).
    """
    if document.get("format") != TARIFF_FORMAT:
        raise TariffDataError(f"Fichier de tarifs : format attendu {TARIFF_FORMAT!r}.")
    rows = []
    for position, raw in enumerate(document.get("rows", [])):
        where = f"rows[{position}] ({raw.get('id', '?')})"
        missing = {"id", "key", "effective_from", "start_unknown", "amount", "source"} - set(raw)
        if missing:
            raise TariffDataError(f"{where} : champ(s) manquant(s) {sorted(missing)}.")
        if not isinstance(raw["amount"], str):
            raise TariffDataError(f"{where} : le montant doit être une chaîne décimale.")
        try:
            amount = Decimal(raw["amount"])
            effective_from = (
                None if raw["effective_from"] is None else date.fromisoformat(raw["effective_from"])
            )
        except (InvalidOperation, ValueError, TypeError) as exc:
            raise TariffDataError(f"{where} : {exc}") from exc
        if raw["start_unknown"] is not (effective_from is None):
            raise TariffDataError(
                f"{where} : start_unknown doit valoir true si et seulement si effective_from "
                "est null."
            )
        if not raw["source"]:
            raise TariffDataError(f"{where} : la source de la ligne est obligatoire.")
        rows.append(TariffRow(raw["id"], raw["key"], effective_from, amount, raw["source"]))
    return rows


def load_tariffs(path: Path) -> TariffTable:
    """A :class:`TariffTable` from a JSON file in the ``rcd-tariffs/1`` layout."""
    with path.open(encoding="utf-8") as handle:
        return TariffTable(rows_from_json(json.load(handle)))


@cache
def load_default_tariffs() -> TariffTable:
    """The tariff table shipped with the application (``fees/data/tariffs.json``)."""
    return load_tariffs(DATA_FILE)
