"""Labour-court divisions (the list of ``case-bundle.schema.json`` ``$defs.division``).

The codes are a public interface (case bundles, exports): keep them exactly as written.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Division(models.TextChoices):
    ANTWERPEN = "antwerpen", _("Anvers")
    MECHELEN = "mechelen", _("Malines")
    TURNHOUT = "turnhout", _("Turnhout")
    HASSELT = "hasselt", _("Hasselt")
    TONGEREN = "tongeren", _("Tongres")
    LEUVEN = "leuven", _("Louvain")
    BRUSSEL_NL = "brussel-nl", _("Bruxelles (néerlandophone)")
    BRUXELLES_FR = "bruxelles-fr", _("Bruxelles (francophone)")
    BRABANT_WALLON = "brabant-wallon", _("Brabant wallon")
    GENT = "gent", _("Gand")
    BRUGGE = "brugge", _("Bruges")
    KORTRIJK = "kortrijk", _("Courtrai")
    IEPER = "ieper", _("Ypres")
    OOSTENDE = "oostende", _("Ostende")
    VEURNE = "veurne", _("Furnes")
    OUDENAARDE = "oudenaarde", _("Audenarde")
    DENDERMONDE = "dendermonde", _("Termonde")
    LIEGE = "liege", _("Liège")
    HUY = "huy", _("Huy")
    VERVIERS = "verviers", _("Verviers")
    EUPEN = "eupen", _("Eupen")
    ARLON = "arlon", _("Arlon")
    MARCHE_EN_FAMENNE = "marche-en-famenne", _("Marche-en-Famenne")
    NEUFCHATEAU = "neufchateau", _("Neufchâteau")
    NAMUR = "namur", _("Namur")
    DINANT = "dinant", _("Dinant")
    MONS = "mons", _("Mons")
    CHARLEROI = "charleroi", _("Charleroi")
    TOURNAI = "tournai", _("Tournai")
    LA_LOUVIERE = "la-louviere", _("La Louvière")
    OTHER = "other", _("Autre")


# The labour court (tribunal du travail) each division belongs to, as named in letters and in
# the captions of documents filed with the court.
TRIBUNALS = {
    "tribunal du travail d'Anvers": {"antwerpen", "mechelen", "turnhout", "hasselt", "tongeren"},
    "tribunal du travail de Louvain": {"leuven"},
    "tribunal du travail néerlandophone de Bruxelles": {"brussel-nl"},
    "tribunal du travail francophone de Bruxelles": {"bruxelles-fr"},
    "tribunal du travail du Brabant wallon": {"brabant-wallon"},
    "tribunal du travail de Gand": {
        "gent",
        "brugge",
        "kortrijk",
        "ieper",
        "oostende",
        "veurne",
        "oudenaarde",
        "dendermonde",
    },
    "tribunal du travail de Liège": {
        "liege",
        "huy",
        "verviers",
        "arlon",
        "marche-en-famenne",
        "neufchateau",
        "namur",
        "dinant",
    },
    "tribunal du travail d'Eupen": {"eupen"},
    "tribunal du travail du Hainaut": {"mons", "charleroi", "tournai", "la-louviere"},
}


# The same courts in Dutch (their official names, Judicial Code art. 186 and the annex on the
# judicial districts), for the divisions that proceed in Dutch (``DUTCH_DIVISIONS`` below).
DUTCH_TRIBUNALS = {
    "tribunal du travail d'Anvers": "arbeidsrechtbank Antwerpen",
    "tribunal du travail de Louvain": "arbeidsrechtbank Leuven",
    "tribunal du travail néerlandophone de Bruxelles": "Nederlandstalige arbeidsrechtbank Brussel",
    "tribunal du travail de Gand": "arbeidsrechtbank Gent",
}


def tribunal_of(division: str, language: str | None = None) -> str:
    """The labour court of the division, as named within a sentence ("tribunal du travail de
    Liège", "arbeidsrechtbank Gent"): in ``language``, by default the language of the
    procedure (issue 12: a court is named in the language of the procedure). A Dutch-speaking
    court has no French-speaking counterpart and the other way round: only a court of a
    Dutch-language division has a Dutch name."""
    language = language or procedure_language(division)
    for tribunal, divisions in TRIBUNALS.items():
        if division in divisions:
            if language == "nl" and tribunal in DUTCH_TRIBUNALS:
                return DUTCH_TRIBUNALS[tribunal]
            return tribunal
    label = Division(division).label if division in Division.values else division
    return f"tribunal du travail de {label}"


def division_label(division: str, language: str | None = None) -> str:
    """The division's name: Dutch ("Mechelen") for a Dutch-language division in Dutch (by
    default the language of the procedure), otherwise the label of ``Division``."""
    language = language or procedure_language(division)
    if language == "nl" and division in _NL_DIVISION_NAMES:
        return _NL_DIVISION_NAMES[division]
    if division not in Division.values:
        return division
    with translation.override("fr"):  # the French name, whatever the interface's language
        return str(Division(division).label)


# The language of the procedure (law of 15 June 1935 on the use of languages in judicial
# matters, art. 2 and 4): Dutch before the divisions of the Dutch-speaking region and the
# Dutch-speaking labour court of Brussels, French before the others. Eupen proceeds in German,
# which the application does not write: its documents stay French (docs/court-documents.md).
DUTCH_DIVISIONS = frozenset(
    {
        "antwerpen",
        "mechelen",
        "turnhout",
        "hasselt",
        "tongeren",
        "leuven",
        "brussel-nl",
        "gent",
        "brugge",
        "kortrijk",
        "ieper",
        "oostende",
        "veurne",
        "oudenaarde",
        "dendermonde",
    }
)


def procedure_language(division: str) -> str:
    """``"nl"`` or ``"fr"``: the language every document filed in the division is written in,
    whatever the language of the interface."""
    return "nl" if division in DUTCH_DIVISIONS else "fr"


# The court's full name, in the language of the procedure (proper names: not translated by
# gettext). A court with several divisions is named with the division ("Tribunal du travail de
# Liège, division Dinant"; Judicial Code, art. 186 and the annex on the judicial districts).
_FR_DIVISION_NAMES = {
    "liege": "Liège",
    "huy": "Huy",
    "verviers": "Verviers",
    "arlon": "Arlon",
    "marche-en-famenne": "Marche-en-Famenne",
    "neufchateau": "Neufchâteau",
    "namur": "Namur",
    "dinant": "Dinant",
    "mons": "Mons",
    "charleroi": "Charleroi",
    "tournai": "Tournai",
    "la-louviere": "La Louvière",
}
_FR_COURTS = {
    **dict.fromkeys(TRIBUNALS["tribunal du travail de Liège"], "Tribunal du travail de Liège"),
    **dict.fromkeys(TRIBUNALS["tribunal du travail du Hainaut"], "Tribunal du travail du Hainaut"),
}
_FR_SINGLE = {
    "bruxelles-fr": "Tribunal du travail francophone de Bruxelles",
    "brabant-wallon": "Tribunal du travail du Brabant wallon",
    "eupen": "Tribunal du travail d'Eupen",
}
_NL_DIVISION_NAMES = {
    "antwerpen": "Antwerpen",
    "mechelen": "Mechelen",
    "turnhout": "Turnhout",
    "hasselt": "Hasselt",
    "tongeren": "Tongeren",
    "gent": "Gent",
    "brugge": "Brugge",
    "kortrijk": "Kortrijk",
    "ieper": "Ieper",
    "oostende": "Oostende",
    "veurne": "Veurne",
    "oudenaarde": "Oudenaarde",
    "dendermonde": "Dendermonde",
    "leuven": "Leuven",
    "brussel-nl": "Brussel",
}
_NL_COURTS = {
    **dict.fromkeys(TRIBUNALS["tribunal du travail d'Anvers"], "Arbeidsrechtbank Antwerpen"),
    **dict.fromkeys(TRIBUNALS["tribunal du travail de Gand"], "Arbeidsrechtbank Gent"),
}
_NL_SINGLE = {
    "leuven": "Arbeidsrechtbank Leuven",
    "brussel-nl": "Nederlandstalige arbeidsrechtbank Brussel",
}


def court_name(division: str) -> str:
    """The court in full, in the language of the procedure: "Tribunal du travail de Liège,
    division Dinant", "Arbeidsrechtbank Gent, afdeling Brugge", "Tribunal du travail
    francophone de Bruxelles"."""
    if division in _NL_SINGLE:
        return _NL_SINGLE[division]
    if division in _NL_COURTS:
        return f"{_NL_COURTS[division]}, afdeling {_NL_DIVISION_NAMES[division]}"
    if division in _FR_SINGLE:
        return _FR_SINGLE[division]
    if division in _FR_COURTS:
        return f"{_FR_COURTS[division]}, division {_FR_DIVISION_NAMES[division]}"
    return "Tribunal du travail"
