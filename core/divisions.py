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
