"""The notes a plan version stores as text, shown in the reader's language (issue 12, 16).

A version keeps, as written when the mediator took them, the budget's explanation of the
monthly amount (``available_note``, ``budget.selectors.AvailableForCreditors.explanation``) and
the fee engine's estimate of the provision (``fee_estimate_note``, ``plans.estimates``), in the
language of the interface of that day. The court version of the plan prints them in the language
of the procedure, the screens in the reader's: a note written from one of those messages (French
or Dutch) is recognised (``core.retranslate``) and written again in the active language, its
amounts in that language's form; any other note (typed by hand, or from an older message) is
shown as stored."""

import re

from django.utils import translation

from budget.selectors import AVAILABLE_EXPLANATION
from core.retranslate import Message, retranslate

from .estimates import ESTIMATE_NOTE

NOTE_MESSAGES: list[Message] = [(AVAILABLE_EXPLANATION, {}), (ESTIMATE_NOTE, {})]

_FRENCH_EUR = re.compile(r"(-?\d{1,3}(?:\.\d{3})*,\d{2})\u00a0€")
_DUTCH_EUR = re.compile(r"€\u00a0(-?\d{1,3}(?:\.\d{3})*,\d{2})")


def _amounts_now(text: str) -> str:
    """The amounts of ``text`` written as ``core.money.format_eur`` does in the active
    language ("1.234,50 €" in French, "€ 1.234,50" in Dutch)."""
    if (translation.get_language() or "fr").startswith("nl"):
        return _FRENCH_EUR.sub("€\u00a0\\1", text)
    return _DUTCH_EUR.sub("\\1\u00a0€", text)


def shown_note(note: str) -> str:
    """A stored note in the active language when its message is known, else as stored."""
    if not note:
        return note
    shown = retranslate(note, NOTE_MESSAGES)
    return note if shown is None else _amounts_now(shown)
