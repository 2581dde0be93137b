"""Placeholders of the letter templates: a documented whitelist, checked when a template (or a
letter's edited text) is saved, rendered with Django's template engine over plain STRINGS only.

The engine used here is a bare ``Engine`` (no loaders, no ``loader_tags``, no app libraries), and
the parsed template is walked node by node: only text, ``{{ champ }}`` with a whitelisted name
(no dotted lookup), a few harmless filters and ``{% if %}`` / ``{% elif %}`` / ``{% else %}`` on
whitelisted fields are accepted. The context holds nothing but ``str`` values, so a template
cannot traverse a relation or call a method of a model.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import IfNode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iban as std_iban

from cases.models import Case
from core.dates import format_date
from core.divisions import Division, tribunal_of

# name -> (description, example). Order = order of the documentation table.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "date": (gettext_lazy("Date d'envoi du courrier"), "15/06/2023"),
    "requerant": (gettext_lazy("Requérant(s) : prénom et NOM"), "Marie DUBOIS"),
    "reference": (gettext_lazy("Référence du dossier chez le médiateur"), "CPN-2022-0042"),
    "role": (gettext_lazy("Numéro de rôle (R.G.)"), "22/1234/B"),
    "tribunal": (
        gettext_lazy("Tribunal du travail compétent"),
        gettext_lazy("tribunal du travail de Liège"),
    ),
    "division": (gettext_lazy("Division du tribunal"), "Namur"),
    "date_admissibilite": (gettext_lazy("Date de l'ordonnance d'admissibilité"), "15/06/2022"),
    "date_homologation": (
        gettext_lazy("Date d'homologation du plan (vide si aucune)"),
        "20/01/2023",
    ),
    "compte_mediation": (gettext_lazy("IBAN du compte de médiation"), "BE68 5390 0754 7034"),
    "mediateur": (gettext_lazy("Médiateur de dettes désigné"), "Sophie Lambert"),
    "organisation": (gettext_lazy("Nom de l'organisation"), "CPAS de Namur"),
    "destinataire": (
        gettext_lazy("Nom du destinataire (créancier ou intermédiaire)"),
        "Huissier Dabin",
    ),
    "creancier": (gettext_lazy("Créancier concerné"), "Partena Professionnel"),
    "reference_creancier": (
        gettext_lazy("Référence du destinataire pour ce dossier"),
        "DOS-2021-5587",
    ),
}
ADDRESSEE_PLACEHOLDERS = frozenset({"destinataire", "creancier", "reference_creancier"})
ALLOWED_FILTERS = frozenset({"upper", "lower", "capfirst", "title", "default"})
STRAY = ("{{", "}}", "{%", "%}", "{#", "#}")

# Labour courts and their divisions (judicial map of 2014). A division not listed here is
# named as a tribunal of its own.

_engine = Engine(
    dirs=[],
    app_dirs=False,
    libraries={},
    builtins=["django.template.defaulttags", "django.template.defaultfilters"],
    autoescape=False,
    string_if_invalid="",
)


class PlaceholderError(ValueError):
    """A template refused by the whitelist; ``messages`` are French sentences."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def _line(message: str) -> str:
    match = re.search(r"on line (\d+)", message)
    return match.group(1) if match else ""


def _syntax_message(exc: TemplateSyntaxError) -> str:
    detail = str(exc)
    line = _line(detail)
    tag = re.search(r"'([^']+)'", detail)
    if detail.startswith("Invalid block tag") and tag:
        if line:
            return _("Ligne %(line)s : la balise « %(tag)s » n'est pas autorisée.") % {
                "line": line,
                "tag": tag.group(1),
            }
        return _("La balise « %(tag)s » n'est pas autorisée.") % {"tag": tag.group(1)}
    if detail.startswith("Unclosed tag") and tag:
        return _(
            "Ligne %(line)s : la balise « %(tag)s » n'est pas fermée (ajoutez {%% end%(tag)s %%})."
        ) % {
            "line": line or "?",
            "tag": tag.group(1),
        }
    if detail.startswith("Empty variable tag"):
        return _("Ligne %(line)s : un champ {{ }} est vide.") % {"line": line or "?"}
    if "is not a registered tag library" in detail:
        return _("La balise « load » n'est pas autorisée.")
    if "Invalid filter" in detail and tag:
        return _("Le filtre « %(name)s » n'est pas autorisé.") % {"name": tag.group(1)}
    return _("Le modèle contient une erreur de syntaxe : %(detail)s") % {"detail": detail}


def _check_variable(var, errors: list[str]) -> None:
    if not isinstance(var, Variable) or var.literal is not None:
        return  # a literal string or number
    name = var.var
    if name not in PLACEHOLDERS:
        errors.append(
            _(
                "Le champ {{ %(name)s }} n'existe pas : seuls les champs de la liste des champs "
                "disponibles sont acceptés."
            )
            % {"name": name}
        )


def _check_expression(expression: FilterExpression, errors: list[str]) -> None:
    _check_variable(expression.var, errors)
    for func, args in expression.filters:
        name = getattr(func, "_filter_name", getattr(func, "__name__", "?"))
        if name not in ALLOWED_FILTERS:
            errors.append(
                _("Le filtre « %(name)s » n'est pas autorisé (filtres permis : %(allowed)s).")
                % {"name": name, "allowed": ", ".join(sorted(ALLOWED_FILTERS))}
            )
        for is_lookup, arg in args:
            if is_lookup:
                _check_variable(arg, errors)


def _check_condition(condition, errors: list[str]) -> None:
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        _check_expression(value, errors)
        return
    for side in ("first", "second"):
        operand = getattr(condition, side, None)
        if operand is not None:
            _check_condition(operand, errors)


def _check_nodes(nodes: list[Node], errors: list[str]) -> None:
    for node in nodes:
        if isinstance(node, TextNode):
            if any(mark in node.s for mark in STRAY):
                errors.append(
                    _(
                        "Accolades mal formées : un champ s'écrit {{ nom }} sur une seule ligne, "
                        "une condition {% if nom %} … {% endif %}."
                    )
                )
        elif isinstance(node, VariableNode):
            _check_expression(node.filter_expression, errors)
        elif isinstance(node, IfNode):
            for condition, nodelist in node.conditions_nodelists:
                _check_condition(condition, errors)
                _check_nodes(list(nodelist), errors)
        else:
            token = getattr(node, "token", None)
            tag = token.contents.split()[0] if token is not None and token.contents else "?"
            errors.append(
                _(
                    "La balise « %(tag)s » n'est pas autorisée : seuls les champs {{ … }} et "
                    "les conditions {%% if … %%} … {%% endif %%} le sont."
                )
                % {"tag": tag}
            )


MAX_NESTING = 20  # conditions inside conditions (the parser recurses once per level)
_BLOCK_TAG = re.compile(r"{%-?\s*(end)?(\w+)")


def _nesting_depth(source: str) -> int:
    depth = deepest = 0
    for match in _BLOCK_TAG.finditer(source):
        if match.group(2) in ("if", "for", "with", "block", "filter", "spaceless", "autoescape"):
            depth += -1 if match.group(1) else 1
            deepest = max(deepest, depth)
    return deepest


def check_source(source: str) -> None:
    """Raise ``PlaceholderError`` (French messages) unless ``source`` only uses the
    whitelisted placeholders and constructs, its conditions nested at most ``MAX_NESTING``
    deep."""
    if _nesting_depth(source) > MAX_NESTING:
        raise PlaceholderError(
            [
                _(
                    "Les conditions {%% if %%} sont imbriquées trop profondément (au plus "
                    "%(max)s niveaux)."
                )
                % {"max": MAX_NESTING}
            ]
        )
    errors: list[str] = []
    try:
        template = _engine.from_string(source)
        _check_nodes(list(template.nodelist), errors)
    except TemplateSyntaxError as exc:
        raise PlaceholderError([_syntax_message(exc)]) from None
    except RecursionError:
        raise PlaceholderError([_("Le modèle est trop complexe.")]) from None
    if errors:
        raise PlaceholderError(list(dict.fromkeys(errors)))


def render_source(source: str, context: dict[str, str]) -> str:
    """Render a checked source over a context of strings (nothing else may reach it)."""
    check_source(source)
    if any(not isinstance(value, str) for value in context.values()):
        raise TypeError("letter placeholders are strings only")
    return _engine.from_string(source).render(Context(context, autoescape=False))


# --- building the context ------------------------------------------------------------------


def format_iban(value: str) -> str:
    return std_iban.format(value) if value else ""


def applicants_names(case: Case) -> str:
    names = [f"{a.first_name} {a.last_name.upper()}".strip() for a in case.applicants.all()]
    return " et ".join(names)


def case_context(*, case: Case, sent_on: date, mediator_name: str) -> dict[str, str]:
    """The placeholders common to every addressee of a letter."""
    division = Division(case.division).label if case.division in Division.values else ""
    return {
        "date": format_date(sent_on),
        "requerant": applicants_names(case),
        "reference": case.reference,
        "role": case.role_number,
        "tribunal": tribunal_of(case.division),
        "division": str(division),
        "date_admissibilite": format_date(case.admissibility_date),
        "date_homologation": format_date(case.homologation_date),
        "compte_mediation": format_iban(case.account_iban),
        "mediateur": mediator_name,
        "organisation": case.organisation.name,
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
    return {name: str(example) for name, (_label, example) in PLACEHOLDERS.items()}
