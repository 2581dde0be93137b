"""A text stored in one language, shown in the reader's (issue 16).

Some texts are stored as they were written, in the language of the time: a filed document's
title (French before issue 12, the procedure's language since). When such a text was written
from a known message (a gettext msgid with ``%(name)s`` placeholders), :func:`retranslate`
recognises the message and its values in French or Dutch and writes the same message in the
active language. A value that is itself a translated label (an occasion, a kind of plan) is
recognised among its ``choices`` and translated too. A text that matches no message is left to
the caller (None).
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.utils import translation

LANGUAGES = ("fr", "nl")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

Message = tuple[str, Mapping[str, Sequence[Any]]]


@lru_cache(maxsize=256)
def _pattern(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    seen: set[str] = set()
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()].replace("%%", "%")))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        position = match.end()
    parts.append(re.escape(template[position:].replace("%%", "%")))
    return re.compile("".join(parts), re.DOTALL)


def _now(text: Any) -> str:
    """A msgid (str) or a lazy label in the active language."""
    return translation.gettext(text) if isinstance(text, str) else str(text)


def _in(language: str, text: Any) -> str:
    with translation.override(language):
        return _now(text)


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
                    found = [c for c in choices[name] if _in(language, c) == raw]
                    if not found:
                        break
                    values[name] = _now(found[0])
                else:
                    values[name] = raw
            else:
                return translation.gettext(msgid) % values
    return None
