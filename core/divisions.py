"""Labour-court divisions (the list of ``case-bundle.schema.json`` ``$defs.division``).

The codes are a public interface (case bundles, exports): keep them exactly as written.
"""

from django.db import models
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


def tribunal_of(division: str) -> str:
    for tribunal, divisions in TRIBUNALS.items():
        if division in divisions:
            return tribunal
    label = Division(division).label if division in Division.values else division
    return f"tribunal du travail de {label}"


# The language of the procedure is the division's (law of 15 June 1935 on the use of languages
# in judicial matters): Dutch in the Flemish divisions and at the Dutch-speaking Brussels
# court, French elsewhere. Eupen's procedure is in German, which the application does not
# write: its documents are in French, which the court of Eupen also accepts on request.
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
    """ "nl" or "fr": the language documents filed in ``division`` are written in."""
    return "nl" if division in DUTCH_DIVISIONS else "fr"
