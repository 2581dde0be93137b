"""Sentences a pure engine writes, kept translatable (issue 16).

The fee engine and the living-allowance engine explain their figures in words (a statement
line's label and explanation, the allowance's working). They stay free of Django, yet a Dutch
screen and a Dutch court document must show those words in Dutch. So an engine does not write
the sentence: it writes a :class:`Phrase`, the French message (the gettext msgid, with
``%(name)s`` placeholders) and its values. ``str(phrase)`` is the French sentence, exactly the
text the engine used to write (the public JSON outputs carry it unchanged); ``core.translate``
renders it in the active language, with Django's catalogues.

The constructors are named :func:`gettext_noop` and :func:`ngettext` on purpose: ``makemessages``
(xgettext) extracts the msgids from calls with those names, so the messages reach the catalogue.

Values are plain strings and integers (shown as they are: names, notes, quantities already
formatted), dates (``core.dates.format_date``, the same in both languages), :class:`Money`
(``core.money.format_eur`` in the reader's language), nested phrases and :class:`Joined` lists.
A phrase is stored as JSON (:func:`to_json` / :func:`from_json`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from core.dates import format_date
from core.money import format_eur


@dataclass(frozen=True)
class Money:
    """An amount in euros, formatted in the reader's language."""

    amount: Decimal


@dataclass(frozen=True)
class Phrase:
    msgid: str
    params: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return render(self)


@dataclass(frozen=True)
class Plural:
    """``"%(n)s créancier"`` / ``"%(n)s créanciers"`` chosen by ``count`` (``n`` is the count)."""

    singular: str
    plural: str
    count: int
    params: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        return render(self)


@dataclass(frozen=True)
class Joined:
    """Values joined by a separator that needs no translation (" ; ", " + ", ", ")."""

    separator: str
    items: tuple[Any, ...]

    def __str__(self) -> str:
        return render(self)


@dataclass(frozen=True)
class Cased:
    """``value`` lower-cased (``"lower"``) or with a capital first letter (``"sentence"``)."""

    value: Any
    how: str

    def __str__(self) -> str:
        return render(self)


def gettext_noop(msgid: str, /, **params: Any) -> Phrase:
    """A French message and its values (``makemessages`` extracts ``msgid``)."""
    return Phrase(msgid, tuple(params.items()))


def ngettext(singular: str, plural: str, count: int, /, **params: Any) -> Plural:
    """A message with a plural form (``makemessages`` extracts both forms)."""
    return Plural(singular, plural, count, tuple(params.items()))


def joined(separator: str, items: Any) -> Joined:
    return Joined(separator, tuple(items))


@dataclass(frozen=True)
class Translator:
    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    language: str


FRENCH = Translator(
    gettext=lambda msgid: msgid,
    ngettext=lambda singular, plural, count: singular if count == 1 else plural,
    language="fr",
)


def render(value: Any, translator: Translator = FRENCH) -> str:
    """The text of ``value`` in the translator's language (French by default)."""
    if isinstance(value, Phrase):
        template = translator.gettext(value.msgid)
        if not value.params:
            return template
        return template % {name: render(item, translator) for name, item in value.params}
    if isinstance(value, Plural):
        template = translator.ngettext(value.singular, value.plural, value.count)
        values = {"n": value.count}
        values.update({name: render(item, translator) for name, item in value.params})
        return template % values
    if isinstance(value, Joined):
        return value.separator.join(render(item, translator) for item in value.items)
    if isinstance(value, Cased):
        text = render(value.value, translator)
        return text.lower() if value.how == "lower" else text[:1].upper() + text[1:]
    if isinstance(value, Money):
        return format_eur(value.amount, translator.language)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


# --- JSON ------------------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    if isinstance(value, Phrase):
        return {"t": value.msgid, "p": {name: to_json(item) for name, item in value.params}}
    if isinstance(value, Plural):
        return {
            "s": value.singular,
            "pl": value.plural,
            "n": value.count,
            "p": {name: to_json(item) for name, item in value.params},
        }
    if isinstance(value, Joined):
        return {"j": value.separator, "i": [to_json(item) for item in value.items]}
    if isinstance(value, Cased):
        return {"c": value.how, "v": to_json(value.value)}
    if isinstance(value, Money):
        return {"eur": str(value.amount)}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, int | str):
        return value
    return str(value)


def from_json(data: Any) -> Any:
    """The value :func:`to_json` wrote; raises ``ValueError`` (or ``KeyError``) on anything
    else."""
    if isinstance(data, int | str):
        return data
    if not isinstance(data, dict):
        raise ValueError(f"not a phrase: {data!r}")
    if "t" in data:
        return Phrase(data["t"], tuple((k, from_json(v)) for k, v in data.get("p", {}).items()))
    if "s" in data:
        params = tuple((k, from_json(v)) for k, v in data.get("p", {}).items())
        return Plural(data["s"], data["pl"], int(data["n"]), params)
    if "j" in data:
        return Joined(data["j"], tuple(from_json(item) for item in data["i"]))
    if "c" in data:
        return Cased(from_json(data["v"]), data["c"])
    if "eur" in data:
        return Money(Decimal(data["eur"]))
    if "d" in data:
        return date.fromisoformat(data["d"])
    raise ValueError(f"not a phrase: {data!r}")
