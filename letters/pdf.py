"""The PDF of a letter (WeasyPrint): the organisation's letterhead, one copy per addressee with a
page break between them, the addressee block placed for a window envelope (DL, window on the
right), the "Recommandé" mention, references, place and date, and the mediator's signature.

``render_letter_pdf`` is the single entry point (the tests replace it to simulate a failure)."""

import re

from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import Organisation, Profession
from core.divisions import division_label, tribunal_of
from core.pdf import html_to_pdf

from .models import Letter


def format_enterprise_number(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10:
        return value or ""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def place_of(address: str) -> str:
    """The town of a Belgian postal address: its last line without the postcode."""
    lines = [line.strip() for line in (address or "").splitlines() if line.strip()]
    if not lines:
        return ""
    return re.sub(r"^(?:B-?\s*)?\d{4}\s+", "", lines[-1]).strip()


def signatory_of(mediator) -> str:
    name = mediator.get_full_name() or mediator.username
    return f"Me {name}" if mediator.profession == Profession.LAWYER else name


def letterhead(organisation: Organisation) -> dict:
    return {
        "name": organisation.name,
        "address_lines": [x.strip() for x in organisation.address.splitlines() if x.strip()],
        "phone": organisation.phone,
        "email": organisation.email,
        "enterprise_number": format_enterprise_number(organisation.enterprise_number),
        "place": place_of(organisation.address),
    }


NBSP = "\u00a0"
# French typography: no line break before ":", ";", "?", "!", "»" nor after "«", "§", "n°",
# "R.G." (the stored text keeps ordinary spaces; only the printed copy is adjusted).
_TYPO = [
    (re.compile(r" ([:;?!»])"), NBSP + r"\1"),
    (re.compile(r"« "), "«" + NBSP),
    (re.compile(r"(§|n°|R\.G\.) "), r"\1" + NBSP),
    # a role number (22/176/B) is never split at its slashes
    (re.compile(r"\b(\d{2,4})/(\d+)/([A-Z]{1,3})\b"), "\\1/\u2060\\2/\u2060\\3"),
]


def typography(text: str) -> str:
    for pattern, replacement in _TYPO:
        text = pattern.sub(replacement, text)
    return text


def letter_language(letter: Letter) -> str:
    """The language of the letter's frame (references, date, signature): its template's (a Dutch
    template makes a Dutch letter, issue 16); French for a letter without a template."""
    template = letter.template
    return template.language if template is not None else "fr"


def letter_html(letter: Letter) -> str:
    case = letter.case
    language = letter_language(letter)
    context = {
        "letter": letter,
        "case": case,
        "head": letterhead(case.organisation),
        "tribunal": tribunal_of(case.division, language),
        "language": language,  # <html lang>: the hyphenation's language too
        "addressees": [
            {
                "name": a.name,
                "address_lines": [x.strip() for x in a.address.splitlines() if x.strip()],
                "reference": a.reference,
                "on_behalf_of": a.on_behalf_of,
                "subject": typography(a.subject),
                "body": typography(a.body),
            }
            for a in letter.addressees.order_by("position")
        ],
    }
    # the letter is a document in its template's language, whatever the UI says
    with translation.override(language):
        context["division"] = division_label(case.division, language)
        # The document's title (PDF metadata): the subject as sent, or the letter's kind;
        # never the text with its fields (issue 16).
        context["title"] = letter.title
        return render_to_string("letters/letter_pdf.html", context)


def render_letter_pdf(letter: Letter) -> bytes:
    return html_to_pdf(letter_html(letter))
