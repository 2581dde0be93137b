"""The text of a letter template: plain text with insertable fields, rendered by a small renderer
of our own (issue 16, "Letter templates without template code"). No template engine ever sees
the text a user typed: it is never executed, and what it renders is plain text that the pages
and the PDF escape like any other value.

The language (documented for the users in ``docs/letters.md``):

- ``[requerant]``: a field, replaced by its value (the names are in ``FIELDS``; the editor
  inserts them from a menu). A name in brackets that is not a field (``[solde]``) is refused
  with a message naming it.
- ``<< … >>``: an optional passage, left out when one of the fields it holds has no value
  (``<< (R.G. [role])>>`` prints nothing for a case without a role number). A passage holds at
  least one field; passages are not nested.
- ``[[`` and ``]]`` print ``[`` and ``]`` (``[[sic]]`` prints ``[sic]``). Anything else is text,
  printed as typed: ``{{ requerant }}``, ``{% if %}``, ``<script>`` included.

``check_source`` reports every problem of a text at once (``PlaceholderError.messages``, in
the user's language); ``render_source`` renders a checked text over a context of strings.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iban as std_iban

from cases.models import Case
from core.dates import format_date
from core.divisions import division_label, tribunal_of

# --- the fields ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str  # what the text holds: [name]
    group: str  # a key of GROUPS
    label: str  # the menu's button (lazy: translated when shown)
    description: str  # what it prints (lazy)
    example: str  # or a lazy translation (a court's name reads in the reader's language)


# The groups of the editor's menu, in their order.
GROUPS: dict[str, str] = {
    "applicant": gettext_lazy("Requérant"),
    "addressee": gettext_lazy("Destinataire et créancier"),
    "amounts": gettext_lazy("Montants"),
    "dates": gettext_lazy("Dates"),
    "court": gettext_lazy("Dossier et tribunal"),
    "mediator": gettext_lazy("Médiateur"),
}

FIELDS: tuple[Field, ...] = (
    Field(
        "requerant",
        "applicant",
        gettext_lazy("Nom du requérant"),
        gettext_lazy("Requérant(s) : prénom et NOM"),
        "Marie DUBOIS",
    ),
    Field(
        "adresse_requerant",
        "applicant",
        gettext_lazy("Adresse du requérant"),
        gettext_lazy("Adresse du (premier) requérant, sur une ligne"),
        "Rue de Fer 12, 5000 Namur",
    ),
    Field(
        "destinataire",
        "addressee",
        gettext_lazy("Destinataire"),
        gettext_lazy("Nom du destinataire (créancier, intermédiaire ou tiers)"),
        "Étude Dabin",
    ),
    Field(
        "creancier",
        "addressee",
        gettext_lazy("Créancier"),
        gettext_lazy("Créancier concerné"),
        "Partena Professionnel",
    ),
    Field(
        "reference_creancier",
        "addressee",
        gettext_lazy("Référence du destinataire"),
        gettext_lazy("Référence du destinataire pour ce dossier"),
        "DOS-2021-5587",
    ),
    Field(
        "montant_creance",
        "amounts",
        gettext_lazy("Montant déclaré"),
        gettext_lazy("Montant déclaré par le créancier concerné (principal, intérêts, frais)"),
        "2.450,00\u00a0€",
    ),
    Field(
        "total_creances",
        "amounts",
        gettext_lazy("Total des créances"),
        gettext_lazy("Total des créances déclarées dans le dossier"),
        "18.732,15\u00a0€",
    ),
    Field(
        "date",
        "dates",
        gettext_lazy("Date du courrier"),
        gettext_lazy("Date d'envoi du courrier"),
        "15/06/2023",
    ),
    Field(
        "date_admissibilite",
        "dates",
        gettext_lazy("Date d'admissibilité"),
        gettext_lazy("Date de l'ordonnance d'admissibilité"),
        "15/06/2022",
    ),
    Field(
        "date_homologation",
        "dates",
        gettext_lazy("Date d'homologation"),
        gettext_lazy("Date d'homologation du plan (vide si aucune)"),
        "20/01/2023",
    ),
    Field(
        "reference",
        "court",
        gettext_lazy("Notre référence"),
        gettext_lazy("Référence du dossier chez le médiateur"),
        "CPN-2022-0042",
    ),
    Field(
        "role",
        "court",
        gettext_lazy("N° de rôle (R.G.)"),
        gettext_lazy("Numéro de rôle (R.G.)"),
        "22/1234/B",
    ),
    Field(
        "tribunal",
        "court",
        gettext_lazy("Tribunal"),
        gettext_lazy("Tribunal du travail compétent"),
        gettext_lazy("tribunal du travail de Liège"),
    ),
    Field(
        "division", "court", gettext_lazy("Division"), gettext_lazy("Division du tribunal"), "Namur"
    ),
    Field(
        "mediateur",
        "mediator",
        gettext_lazy("Médiateur"),
        gettext_lazy("Médiateur de dettes désigné"),
        "Sophie Lambert",
    ),
    Field(
        "organisation",
        "mediator",
        gettext_lazy("Organisation"),
        gettext_lazy("Nom de l'organisation"),
        "CPAS de Namur",
    ),
    Field(
        "compte_mediation",
        "mediator",
        gettext_lazy("Compte de médiation"),
        gettext_lazy("IBAN du compte de médiation"),
        "BE68 5390 0754 7034",
    ),
)
FIELDS_BY_NAME: dict[str, Field] = {field.name: field for field in FIELDS}
# name -> (description, example): the table of the documentation and the pages.
PLACEHOLDERS: dict[str, tuple[str, str]] = {f.name: (f.description, f.example) for f in FIELDS}
ADDRESSEE_PLACEHOLDERS = frozenset(
    {"destinataire", "creancier", "reference_creancier", "montant_creance"}
)

OPTIONAL_OPEN, OPTIONAL_CLOSE = "<<", ">>"
MAX_LENGTH = 50_000

# One pass over the text: escapes first, then the passage marks, then a bracketed word.
_TOKEN = re.compile(
    r"(?P<open_escape>\[\[)|(?P<close_escape>\]\])|(?P<open><<)|(?P<close>>>)"
    r"|\[(?P<name>[A-Za-z][A-Za-z0-9_]*)\]"
)


class PlaceholderError(ValueError):
    """A text refused by the checker; ``messages`` are sentences in the user's language."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Field:
    name: str


@dataclass(frozen=True)
class _Optional:
    parts: tuple  # of _Text and _Field


def _line_of(source: str, position: int) -> int:
    return source.count("\n", 0, position) + 1


def parse(source: str) -> list:
    """The text as a list of ``_Text``, ``_Field`` and ``_Optional`` parts; raise
    ``PlaceholderError`` listing every problem found."""
    errors: list[str] = []
    if len(source) > MAX_LENGTH:
        raise PlaceholderError(
            [_("Le texte est trop long (%(max)s caractères au plus).") % {"max": MAX_LENGTH}]
        )
    parts: list = []
    passage: list | None = None
    passage_line = 0
    position = 0

    def add(part) -> None:
        (passage if passage is not None else parts).append(part)

    for match in _TOKEN.finditer(source):
        if match.start() > position:
            add(_Text(source[position : match.start()]))
        position = match.end()
        line = _line_of(source, match.start())
        if match.group("open_escape"):
            add(_Text("["))
        elif match.group("close_escape"):
            add(_Text("]"))
        elif match.group("open"):
            if passage is not None:
                errors.append(
                    _(
                        "Ligne %(line)s : un passage facultatif << … >> ne peut en contenir un "
                        "autre."
                    )
                    % {"line": line}
                )
                continue
            passage, passage_line = [], line
        elif match.group("close"):
            if passage is None:
                errors.append(
                    _("Ligne %(line)s : « >> » ferme un passage facultatif qui n'est pas ouvert.")
                    % {"line": line}
                )
                continue
            if not any(isinstance(part, _Field) for part in passage):
                errors.append(
                    _(
                        "Ligne %(line)s : le passage facultatif << … >> ne contient aucun champ ; "
                        "il est omis quand un de ses champs est vide."
                    )
                    % {"line": passage_line}
                )
            parts.append(_Optional(tuple(passage)))
            passage = None
        else:
            name = match.group("name")
            if name.lower() in FIELDS_BY_NAME:
                add(_Field(name.lower()))
            else:
                errors.append(
                    _(
                        "Ligne %(line)s : le champ [%(name)s] n'existe pas. Insérez un champ de "
                        "la liste ; pour imprimer des crochets, doublez-les : [[%(name)s]]."
                    )
                    % {"line": line, "name": name}
                )
    if position < len(source):
        add(_Text(source[position:]))
    if passage is not None:
        errors.append(
            _("Ligne %(line)s : le passage facultatif « << » n'est pas fermé par « >> ».")
            % {"line": passage_line}
        )
    if errors:
        raise PlaceholderError(list(dict.fromkeys(errors)))
    return parts


def check_source(source: str) -> None:
    """Raise ``PlaceholderError`` (every problem at once) unless ``source`` is a valid text."""
    parse(source)


def fields_of(source: str) -> set[str]:
    """The names of the fields a valid text uses."""
    names: set[str] = set()
    for part in parse(source):
        inner = part.parts if isinstance(part, _Optional) else (part,)
        names |= {p.name for p in inner if isinstance(p, _Field)}
    return names


def _render_parts(parts, context: dict[str, str]) -> str:
    return "".join(p.text if isinstance(p, _Text) else context.get(p.name, "") for p in parts)


def render_source(source: str, context: dict[str, str]) -> str:
    """Render a text over a context of strings (nothing else may reach it): the fields are
    replaced by their values, an optional passage one of whose fields is empty is left out.
    The result is plain text: whoever shows it escapes it."""
    if any(not isinstance(value, str) for value in context.values()):
        raise TypeError("letter fields are strings only")
    out: list[str] = []
    for part in parse(source):
        if isinstance(part, _Optional):
            names = [p.name for p in part.parts if isinstance(p, _Field)]
            if all(context.get(name, "").strip() for name in names):
                out.append(_render_parts(part.parts, context))
        else:
            out.append(_render_parts((part,), context))
    return "".join(out)


LEGACY_MARKS = re.compile(r"{{.*?}}|{%.*?%}")


def legacy_marks(source: str) -> list[str]:
    """The old template marks (``{{ … }}``, ``{% … %}``) a text still holds: they are printed as
    typed; the editor points them out (a hint, not an error)."""
    return list(dict.fromkeys(m.group(0) for m in LEGACY_MARKS.finditer(source)))[:5]


# --- building the context ------------------------------------------------------------------


def format_iban(value: str) -> str:
    return std_iban.format(value) if value else ""


def applicants_names(case: Case) -> str:
    names = [f"{a.first_name} {a.last_name.upper()}".strip() for a in case.applicants.all()]
    return " et ".join(names)


def applicant_address(case: Case) -> str:
    first = case.applicants.order_by("position").first()
    if first is None:
        return ""
    return ", ".join(line.strip() for line in first.address.splitlines() if line.strip())


def case_context(
    *,
    case: Case,
    sent_on: date,
    mediator_name: str,
    account_iban: str = "",
    claims_total: str = "",
    language: str | None = None,
) -> dict[str, str]:
    """The fields common to every addressee of a letter. ``account_iban`` is the IBAN of the
    ledger's mediation account, ``claims_total`` the formatted total of the declared claims
    (``letters.selectors.letter_context`` reads both)."""
    # The court and its division in ``language`` (the template's), by default the language of
    # the procedure (issue 12), that of the case's default templates (selectors.template_for).
    division = division_label(case.division, language) if case.division else ""
    return {
        "date": format_date(sent_on),
        "requerant": applicants_names(case),
        "adresse_requerant": applicant_address(case),
        "reference": case.reference,
        "role": case.role_number,
        "tribunal": tribunal_of(case.division, language),
        "division": str(division),
        "date_admissibilite": format_date(case.admissibility_date),
        "date_homologation": format_date(case.homologation_date),
        "compte_mediation": format_iban(account_iban),
        "mediateur": mediator_name,
        "organisation": case.organisation.name,
        "total_creances": claims_total,
    }


@dataclass(frozen=True)
class AddresseeData:
    """What a letter needs about one addressee (snapshot values, strings)."""

    key: str  # "c<creditor pk>", "r<representation pk>", "t<third party pk>", "a<applicant pk>"
    creditor_id: int | None
    representative_id: int | None
    name: str
    address: str
    reference: str
    creditor_name: str
    declared: bool = True  # the creditor declared a claim in the case
    in_case: bool = True  # False: taken from the directory, not (yet) linked to the case
    role_label: str = ""  # representative's capacity (huissier de justice...)
    third_party_id: int | None = None
    applicant_id: int | None = None

    @property
    def on_behalf_of(self) -> str:
        return self.creditor_name if self.representative_id else ""

    def context(self) -> dict[str, str]:
        return {
            "destinataire": self.name,
            "creancier": self.creditor_name,
            "reference_creancier": self.reference,
        }


def sample_context() -> dict[str, str]:
    return {field.name: str(field.example) for field in FIELDS}
