"""How a fee statement is presented to people (screens and PDF): the articles of the royal
decree of 18 December 1998 grouped with their titles and subtotals, the sources of the tariff
rows used as numbered notes, and the mediator's identity. No computation happens here: the
figures are those the engine produced and the statement stored."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from accounts.models import Profession
from cases.models import Case
from core.dates import format_date
from fees.engine.statement import ARTICLES, DISBURSEMENT_ARTICLES, FEE_ARTICLES

from .models import StatementLine

ZERO = Decimal("0.00")

ARTICLE_TITLES = {
    "2.1": _("Art. 2, 1° — Homologation du plan ou procès-verbal de carence"),
    "2.2": _("Art. 2, 2° — Versements effectués pour le requérant ou en son nom"),
    "2.3": _("Art. 2, 3° — Suivi et contrôle de la procédure et du plan"),
    "2.4": _("Art. 2, 4° — Révision ou révocation du plan"),
    "2.5": _("Art. 2, 5° — Procédure d'information (art. 1675/8 C.J.)"),
    "3": _("Art. 3 — Vacations aux audiences publiques"),
    "4.1": _("Art. 4, al. 2, 1° — Lettres ordinaires et courriels circonstanciés"),
    "4.2": _("Art. 4, al. 2, 2° — Lettres circulaires (par destinataire)"),
    "4.3": _("Art. 4, al. 2, 3° — Forfait téléphone, courriels et photocopies"),
    "4.4": _("Art. 4, al. 2, 4° — Frais de déplacement"),
    "6": _("Art. 6 — Frais administratifs exposés et redevance JustRestart"),
    "postage": _("Art. 4 — Frais de port des envois recommandés"),
}

KEY_SHORT = {
    "2.1.base": _("2,1° base"),
    "2.1.extra": _("2,1° suppl."),
    "2.2": "2,2°",
    "2.3.base": _("2,3° base"),
    "2.3.extra": _("2,3° suppl."),
    "2.4": "2,4°",
    "2.5": "2,5°",
    "3": "art. 3",
    "4.1": "4,1°",
    "4.2": "4,2°",
    "4.3": "4,3°",
    "4.4": "4,4°",
    "6.justrestart": "JustRestart",
}


@dataclass
class PresentedLine:
    line: StatementLine
    notes: list[tuple[str, str, int]]  # (row key, row start dd/mm/yyyy, source note number)
    # A 2,2° payment whose justification is the group's introduction (printed once).
    compact: bool = False
    journal: str = ""  # "n° 12 — La Maison Liégeoise SCRL" for a line from a journal entry
    # The notes printed on the line itself: none when they are its group's (printed once above
    # the group's lines, ``ArticleGroup.notes``).
    own_notes: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class ArticleGroup:
    article: str
    title: str
    lines: list[PresentedLine] = field(default_factory=list)
    subtotal: Decimal = ZERO
    intro: str = ""
    # The tariff rows most of the group's lines share, printed once above them (issue 15: the
    # same "2,2° du 01/01/2023 [1]" on every payment); ``notes_for_all`` when every line's are
    # these, otherwise a line with other rows prints its own.
    notes: list[tuple[str, str, int]] = field(default_factory=list)
    notes_for_all: bool = False

    @property
    def is_fee(self) -> bool:
        return self.article in FEE_ARTICLES


@dataclass
class PresentedStatement:
    groups: list[ArticleGroup]
    sources: list[str]  # note n is sources[n - 1]

    @property
    def fee_groups(self) -> list[ArticleGroup]:
        return [g for g in self.groups if g.article in FEE_ARTICLES]

    @property
    def disbursement_groups(self) -> list[ArticleGroup]:
        return [g for g in self.groups if g.article in DISBURSEMENT_ARTICLES]


def _start(raw: dict) -> str:
    start = raw.get("effective_from")
    if not start:
        return "?"
    year, month, day = start.split("-")
    return f"{day}/{month}/{year}"


def _is_plain_payment(line: StatementLine) -> bool:
    """A 2,2° line for one outgoing payment (not the yearly standing-order line)."""
    return (
        line.article == "2.2"
        and line.origin.startswith("payment:")
        and ("standing_order" not in line.rule)
    )


def payments_intro(pricing_method: str, reference_anniversary) -> str:
    """The justification shared by every plain 2,2° line, printed once above them."""
    if pricing_method == "anniversary" and reference_anniversary:
        basis = _(
            "chacun au tarif en vigueur à l'anniversaire de référence du %(date)s (méthode de la "
            "date anniversaire)"
        ) % {"date": format_date(reference_anniversary)}
    else:
        basis = _("chacun au tarif en vigueur à sa date")
    return _(
        "Chaque versement sortant du compte de médiation (pécule de médiation, paiement pour le "
        "compte du requérant, dividende, dépense exceptionnelle autorisée) est compté une fois, "
        "quel que soit son montant, %(basis)s ; le pécule versé par ordre permanent ne compte "
        "qu'une fois par année de suivi. Le numéro renvoie à l'extrait du livre-journal (III)."
    ) % {"basis": basis}


def present(
    lines: Iterable[StatementLine],
    *,
    pricing_method: str = "",
    reference_anniversary=None,
    entries: dict[int, str] | None = None,
) -> PresentedStatement:
    """Group the lines by article (statement order), number the sources of the rows used.

    ``entries`` (journal number -> counterparty) names the payee of each 2,2° payment."""
    groups: dict[str, ArticleGroup] = {}
    sources: list[str] = []
    entries = entries or {}
    for line in sorted(lines, key=lambda x: (ARTICLES.index(x.article), x.position)):
        group = groups.setdefault(
            line.article, ArticleGroup(line.article, str(ARTICLE_TITLES[line.article]))
        )
        notes = []
        for raw in line.tariff_rows:
            source = raw.get("source", "")
            if source not in sources:
                sources.append(source)
            key = raw.get("key", "")
            notes.append((KEY_SHORT.get(key, key), _start(raw), sources.index(source) + 1))
        presented = PresentedLine(line, notes)
        if line.origin.startswith("payment:"):
            number = line.origin.split(":", 1)[1]
            payee = entries.get(int(number)) if number.isdigit() else ""
            presented.journal = _("n° %(k)s") % {"k": number} + (f" — {payee}" if payee else "")
        if _is_plain_payment(line):
            presented.compact = True
            group.intro = payments_intro(pricing_method, reference_anniversary)
        group.lines.append(presented)
        group.subtotal += line.amount
    for group in groups.values():
        _share_notes(group)
    return PresentedStatement(list(groups.values()), sources)


def _share_notes(group: ArticleGroup) -> None:
    """Print the tariff rows shared by most of the group's lines once for the group: only when
    at least two lines share them and every line has rows of its own (a line without rows is
    never said to use the group's), the lines with other rows printing theirs."""
    counts: dict[tuple, int] = {}
    for presented in group.lines:
        key = tuple(presented.notes)
        counts[key] = counts.get(key, 0) + 1
    common, shared = max(counts.items(), key=lambda item: item[1], default=((), 0))
    if shared < 2 or () in counts:
        for presented in group.lines:
            presented.own_notes = list(presented.notes)
        return
    group.notes = list(common)
    group.notes_for_all = shared == len(group.lines)
    for presented in group.lines:
        presented.own_notes = [] if tuple(presented.notes) == common else list(presented.notes)


@dataclass(frozen=True)
class MediatorIdentity:
    name: str
    profession: str
    organisation: str
    address: str
    enterprise_number: str
    vat_registered: bool

    @property
    def profession_label(self) -> str:
        """« médiateur de CPAS », « avocat » (as it follows a name)."""
        if not self.profession:
            return ""
        label = str(Profession(self.profession).label)
        return label[:1].lower() + label[1:]

    @property
    def display_name(self) -> str:
        return f"Me {self.name}" if self.profession == Profession.LAWYER else self.name

    @property
    def enterprise_number_display(self) -> str:
        digits = "".join(c for c in self.enterprise_number if c.isdigit())
        if len(digits) == 9:
            digits = "0" + digits
        if len(digits) != 10:
            return self.enterprise_number
        return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def mediator_identity(case: Case) -> MediatorIdentity:
    """The designated mediator as the statement names them (frozen with the statement)."""
    mediator = case.mediator
    organisation = case.organisation
    return MediatorIdentity(
        name=mediator.get_full_name() or mediator.username,
        profession=mediator.profession,
        organisation=organisation.name,
        address=organisation.address,
        enterprise_number=organisation.enterprise_number,
        vat_registered=mediator.vat_registered,
    )


def identity_of(statement) -> MediatorIdentity:
    return MediatorIdentity(
        name=statement.mediator_name,
        profession=statement.mediator_profession,
        organisation=statement.mediator_organisation,
        address=statement.mediator_address,
        enterprise_number=statement.mediator_enterprise_number,
        vat_registered=statement.mediator_vat_registered,
    )
