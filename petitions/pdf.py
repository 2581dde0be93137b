"""The requests as court documents (WeasyPrint through ``core.pdf``, A4): the court's caption,
the case's references and parties, the request itself by kind, the signature. Written in the
language of the procedure (``Petition.language``, the division's: ``core.divisions``), one
template per kind and language (``petitions/pdf/<language>/<kind>.html``); the labels the
templates take from the application (status, division, ground) are translated under
``translation.override``."""

from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from core.dates import format_date
from core.divisions import Division, procedure_language, tribunal_of
from core.money import format_eur
from core.pdf import html_to_pdf
from letters.pdf import letterhead, signatory_of
from plans import selectors as plan_selectors

from .models import Petition, PetitionKind, RevocationGround

# The Dutch-speaking labour courts, as named in a caption (the French names: core.divisions).
DUTCH_TRIBUNALS = {
    "tribunal du travail d'Anvers": "Arbeidsrechtbank Antwerpen",
    "tribunal du travail de Louvain": "Arbeidsrechtbank Leuven",
    "tribunal du travail néerlandophone de Bruxelles": "Nederlandstalige arbeidsrechtbank Brussel",
    "tribunal du travail de Gand": "Arbeidsrechtbank Gent",
}
DUTCH_DIVISIONS = {
    "antwerpen": "Antwerpen",
    "mechelen": "Mechelen",
    "turnhout": "Turnhout",
    "hasselt": "Hasselt",
    "tongeren": "Tongeren",
    "leuven": "Leuven",
    "brussel-nl": "Brussel",
    "gent": "Gent",
    "brugge": "Brugge",
    "kortrijk": "Kortrijk",
    "ieper": "Ieper",
    "oostende": "Oostende",
    "veurne": "Veurne",
    "oudenaarde": "Oudenaarde",
    "dendermonde": "Dendermonde",
}


# The grounds of art. 1675/15 §1 and the kinds of asset as a Dutch request writes them.
DUTCH_GROUNDS = {
    "inaccurate_documents": "onjuiste documenten heeft verstrekt om de procedure te verkrijgen "
    "of te behouden (art. 1675/15, § 1, 1°)",
    "obligations_breached": "zijn verplichtingen niet nakomt zonder dat zich nieuwe feiten "
    "voordoen die de aanpassing of herziening van de regeling rechtvaardigen (art. 1675/15, "
    "§ 1, 2°)",
    "liabilities_increased": "zijn passief foutief heeft vergroot of zijn actief heeft verminderd "
    "(art. 1675/15, § 1, 3°)",
    "insolvency_organised": "zijn onvermogen heeft bewerkstelligd (art. 1675/15, § 1, 4°)",
    "false_statements": "bewust valse verklaringen heeft afgelegd (art. 1675/15, § 1, 5°)",
}
DUTCH_ASSET_KINDS = {
    "real_estate": "Onroerend goed",
    "vehicle": "Voertuig",
    "savings": "Spaargelden, beleggingen",
    "inheritance": "Verwachte nalatenschap",
    "other": "Ander goed",
}


def court_of(division: str, language: str) -> tuple[str, str]:
    """(labour court, division) as the caption names them in ``language``."""
    tribunal = tribunal_of(division, "fr")
    if language == "nl":
        return (
            DUTCH_TRIBUNALS.get(tribunal, tribunal),
            DUTCH_DIVISIONS.get(division, division),
        )
    label = Division(division).label if division in Division.values else division
    return tribunal[0].upper() + tribunal[1:], str(label)


def _proposal(petition: Petition) -> dict | None:
    """The judicial plan proposed with the report of failure: its terms and, when it can be
    computed on the admitted claims, what each creditor would receive."""
    # before filing (the preview), the latest version: the one the filing will convert
    version = petition.plan_version or plan_selectors.latest_version(petition.case)
    if version is None:
        return None
    view = plan_selectors.compute(version)
    return {"version": version, "view": view, "result": view.result}


def document_context(petition: Petition, *, on: date) -> dict:
    case = petition.case
    language = petition.language or procedure_language(case.division)
    tribunal, division = court_of(case.division, language)
    data = dict(petition.data)
    for name in ("amount", "expected_price"):
        if data.get(name):
            data[name] = format_eur(Decimal(data[name]), language)
    if data.get("change_date"):
        data["change_date"] = format_date(date.fromisoformat(data["change_date"]))
    if data.get("ground"):
        data["ground_label"] = (
            DUTCH_GROUNDS[data["ground"]]
            if language == "nl"
            else str(RevocationGround(data["ground"]).label)
        )
        data["ground_number"] = RevocationGround.values.index(data["ground"]) + 1
    asset = petition.asset
    asset_kind = ""
    if asset is not None:
        asset_kind = (
            DUTCH_ASSET_KINDS[asset.kind] if language == "nl" else str(asset.get_kind_display())
        )
    return {
        "petition": petition,
        "case": case,
        "data": data,
        "language": language,
        "applicants": list(case.applicants.order_by("position")),
        "tribunal": tribunal,
        # in a sentence: "au tribunal du travail de Liège", "bij de arbeidsrechtbank Gent"
        "tribunal_in_text": tribunal
        if tribunal.startswith("Nederlandstalige")
        else tribunal[0].lower() + tribunal[1:],
        "division": division,
        "head": letterhead(case.organisation),
        "signatory": signatory_of(case.mediator),
        "on": on,
        "asset": asset,
        "asset_kind": asset_kind,
        "proposal": _proposal(petition) if petition.kind == PetitionKind.FAILURE_REPORT else None,
    }


def petition_html(petition: Petition, *, on: date) -> str:
    context = document_context(petition, on=on)
    language = context["language"]
    with translation.override(language):
        context["status"] = str(petition.case.get_status_display())
        return render_to_string(f"petitions/pdf/{language}/{petition.kind}.html", context)


def render_petition_pdf(petition: Petition, *, on: date) -> bytes:
    return html_to_pdf(petition_html(petition, on=on))
