"""A text stored in one language, shown in the reader's (issue 16).

Some texts are stored as they were written, in the language of the time: a filed document's
title (French before issue 12, the procedure's language since). When such a text was written
from a known message (a gettext msgid with ``%(name)s`` placeholders), :func:`retranslate`
recognises the message and its values in French or Dutch and writes the same message in the
active language. A value that is itself a translated label (an occasion, a kind of plan) is
recognised among its ``choices`` and translated too (a :class:`~core.phrases.Plural` among
them stands for any count). A text that matches no message is left to the caller (None).
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from django.utils import translation
from django.utils.translation import trans_real

from core.phrases import Cased, Joined, Phrase, Plural
from core.translate import localize

LANGUAGES = ("fr", "nl")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

Message = tuple[str, Mapping[str, Sequence[Any]]]
# Placeholders whose values have a known shape (the others match any text): a date written by
# core.dates.format_date, a count.
_DATE = r"\d{2}/\d{2}/\d{4}"
_SHAPES = {"date": _DATE, "start": _DATE, "end": _DATE, "since": _DATE, "n": r"\d+"}


@lru_cache(maxsize=256)
def _pattern(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    seen: set[str] = set()
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()].replace("%%", "%")))
        name = match.group(1)
        body = _SHAPES.get(name, ".+?")
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{body})")
        seen.add(name)
        position = match.end()
    parts.append(re.escape(template[position:].replace("%%", "%")))
    return re.compile("".join(parts), re.DOTALL)


def _now(text: Any) -> str:
    """A msgid (str), an engine's phrase or a lazy label, in the active language."""
    if isinstance(text, str):
        return translation.gettext(text)
    if isinstance(text, Phrase | Plural | Cased | Joined):
        return localize(text)
    return str(text)


# A msgid in each language, kept per catalog (Django's translation object of the language: a
# new one, hence an empty cache, whenever Django reloads its catalogs). Reading a title back
# tries every message in both languages: the clerk's list of 50 documents switched language
# about 230 times to ask gettext the same few msgids (issue 15).
_msgids: "WeakKeyDictionary[Any, dict[str, str]]" = WeakKeyDictionary()


def _in(language: str, text: Any) -> str:
    if isinstance(text, str):
        known = _msgids.setdefault(trans_real.translation(language), {})
        if text not in known:
            with translation.override(language):
                known[text] = _now(text)
        return known[text]
    with translation.override(language):
        return _now(text)


def _choice(language: str, raw: str, choices: Sequence[Any]) -> str | None:
    """``raw`` (written in ``language``) recognised among ``choices``, in the active language.
    A :class:`~core.phrases.Plural` choice stands for any count: "7 créanciers"."""
    for choice in choices:
        if isinstance(choice, Plural):
            with translation.override(language):
                forms = {
                    translation.ngettext(choice.singular, choice.plural, count)
                    for count in (1, 2, 5)
                }
            for form in forms:
                match = _pattern(form).fullmatch(raw)
                if match is not None and match.groupdict().get("n", "").isdigit():
                    return localize(replace(choice, count=int(match.group("n"))))
        elif _in(language, choice) == raw:
            return _now(choice)
    return None


def retranslate(text: str, messages: Iterable[Message]) -> str | None:
    """``text`` written from one of ``messages`` (French or Dutch), in the active language."""
    for msgid, choices in messages:
        for language in LANGUAGES:
            match = _pattern(_in(language, msgid)).fullmatch(text.strip())
            if match is None:
                continue
            values: dict[str, str] = {}
            for name, raw in match.groupdict().items():
                if name in choices:
                    value = _choice(language, raw, choices[name])
                    if value is None:
                        break
                    values[name] = value
                else:
                    values[name] = raw
            else:
                return translation.gettext(msgid) % values
    return None
