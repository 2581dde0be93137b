"""Conversion of the letter templates written in the old syntax (a whitelisted subset of Django's
template language: ``{{ champ }}``, ``{% if champ %} … {% endif %}``) to the text with fields of
``letters.placeholders`` (issue 16). Used by the data migration ``0007`` and kept for the
organisations' texts found later (a bundle, a backup).

Pure text work: the old source is cut with a regular expression, never given to a template
engine. What converts:

- ``{{ champ }}`` -> ``[champ]``;
- ``{% if champ %}…{% endif %}`` whose passage prints ``{{ champ }}`` -> ``<<…>>`` (an optional
  passage, left out when its field is empty, as the condition did);
- ``{# … #}`` (a comment, never printed) -> nothing;
- a bracket of the text -> doubled (``[`` -> ``[[``), as the new syntax prints it.

Anything else (a filter, ``{% else %}``, nested conditions, a condition whose passage does not
print its field, ``<<`` or ``>>`` in the text) is not converted: the template is kept as it was
and flagged for the administrator's review, with the reasons (``ConversionResult.problems``,
French: they are stored with the template).
"""

import re
from dataclasses import dataclass, field

from .placeholders import FIELDS_BY_NAME

_TAG = re.compile(r"({{.*?}}|{%.*?%}|{#.*?#})")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass
class ConversionResult:
    text: str | None  # None: not convertible
    problems: list[str] = field(default_factory=list)

    @property
    def converted(self) -> bool:
        return self.text is not None


def is_legacy(source: str) -> bool:
    """True when ``source`` holds a mark of the old syntax."""
    return bool(re.search(r"{{.*?}}|{%.*?%}|{#.*?#}", source or ""))


def convert(source: str) -> ConversionResult:
    problems: list[str] = []
    out: list[str] = []
    passage: list[str] | None = None
    condition = ""

    def emit(text: str) -> None:
        (passage if passage is not None else out).append(text)

    for piece in _TAG.split(source or ""):
        if not piece:
            continue
        if piece.startswith("{#"):
            continue
        if piece.startswith("{{"):
            expression = piece[2:-2].strip()
            if "|" in expression:
                problems.append(f"Filtre non converti : « {piece} ».")
            elif _NAME.match(expression) and expression in FIELDS_BY_NAME:
                emit(f"[{expression}]")
            else:
                problems.append(f"Champ inconnu : « {piece} ».")
            continue
        if piece.startswith("{%"):
            words = piece[2:-2].split()
            tag = words[0] if words else ""
            if tag == "if" and len(words) == 2 and words[1] in FIELDS_BY_NAME:
                if passage is not None:
                    problems.append(f"Conditions imbriquées non converties : « {piece} ».")
                    continue
                passage, condition = [], words[1]
            elif tag == "endif" and passage is not None:
                inner = "".join(passage)
                if f"[{condition}]" not in inner:
                    problems.append(
                        f"La condition « {{% if {condition} %}} » encadre un passage qui "
                        f"n'imprime pas le champ {condition} : passage facultatif à revoir."
                    )
                out.append(f"<<{inner}>>")
                passage = None
            else:
                problems.append(f"Balise non convertie : « {piece} ».")
            continue
        if "<<" in piece or ">>" in piece:
            problems.append(
                "Le texte contient « << » ou « >> », réservés aux passages facultatifs."
            )
        emit(piece.replace("[", "[[").replace("]", "]]"))
    if passage is not None:
        problems.append(f"La condition « {{% if {condition} %}} » n'est pas fermée.")
    if problems:
        return ConversionResult(None, list(dict.fromkeys(problems)))
    return ConversionResult("".join(out))


def review_note(problems: list[str]) -> str:
    return (
        "Modèle à revoir : il n'a pas pu être converti automatiquement au texte avec champs. "
        + " ".join(problems)
    )
