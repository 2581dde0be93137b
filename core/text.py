"""Text typed by people that ends up in documents and files (case references, role numbers,
names): one line of visible characters. A control character (carriage return, tab, NUL…), a
line or paragraph separator or a bidirectional override (which shows "fdp.exe" as "exe.pdf")
is refused with one message, by the model field (so every service and its validate-only twin,
hence the bundle importer) and by the form."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bidi embeddings, overrides and isolates, and the invisible marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def forbidden_characters(value: str) -> list[str]:
    """The characters of ``value`` a single line of text may not hold, in order."""
    return [
        char
        for char in value or ""
        if unicodedata.category(char) in {"Cc", "Zl", "Zp", "Cs"} or char in BIDI_CONTROLS
    ]


def validate_single_line(value: str) -> None:
    found = forbidden_characters(value)
    if found:
        raise ValidationError(
            _(
                "Ce champ ne peut contenir ni saut de ligne, ni caractère de contrôle, ni "
                "caractère d'inversion du sens du texte (%(codes)s)."
            ),
            params={"codes": ", ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(found))},
            code="control_character",
        )
