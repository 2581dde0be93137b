"""Access matrix rows of the letters app: the case's letters tab, composing, downloading a
letter's PDF, and the organisation's letter templates (administrator only)."""

from django.core.files.base import ContentFile

from letters.models import Letter, LetterTemplate

from ..pdf import MINIMAL_PDF
from . import CASE_READ, CASE_WRITE_PAGE, LOGIN, ROLES

PDF = MINIMAL_PDF

# Template management: the organisation's administrator only; every other role is refused
# the whole page (403), whatever the organisation.
ADMIN_ONLY = {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "administrator": 200}

# A page of the OTHER organisation's case: 404 for organisation A, never 403.
OTHER_CASE_READ = {
    **CASE_READ,
    "mediator": 404,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
    "other_mediator": 200,
    "other_supervisor": 200,
}
OTHER_CASE_WRITE_PAGE = {
    **CASE_WRITE_PAGE,
    "mediator": 404,
    "colleague": 404,
    "administrator": 404,
    "other_mediator": 200,
}


def _letter(case, by) -> Letter:
    letter = Letter.objects.create(
        case=case,
        kind="other",
        subject="Courrier de test",
        body="Madame, Monsieur,",
        sent_on=case.admissibility_date,
        sent_by=by,
        signatory=str(by),
    )
    letter.pdf.save("courrier.pdf", ContentFile(PDF), save=True)
    return letter


def objects(world) -> dict:
    # Both organisations have their default templates since their creation.
    return {
        "letter": _letter(world.case, world.mediator),
        "other_letter": _letter(world.other_case, world.other_mediator),
        "template": LetterTemplate.objects.filter(organisation=world.org).first(),
        "other_template": LetterTemplate.objects.filter(organisation=world.other_org).first(),
    }


MATRIX = {
    "letters:case_letters": ("get", lambda o: [o["case"].pk], CASE_READ),
    "letters:compose": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "letters:download": ("get", lambda o: [o["case"].pk, o["letter"].pk], CASE_READ),
    "letters:template_list": ("get", lambda o: [], ADMIN_ONLY),
    "letters:template_create": ("get", lambda o: [], ADMIN_ONLY),
    "letters:template_edit": ("get", lambda o: [o["template"].pk], ADMIN_ONLY),
    # The editors' live previews (htmx, issue 16): posted, nothing written.
    "letters:compose_preview": ("post", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "letters:template_preview": ("post", lambda o: [], ADMIN_ONLY),
}

EXTRA = [
    # the other organisation's case and letter
    ("letters:case_letters", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("letters:compose", "get", lambda o: [o["other_case"].pk], OTHER_CASE_WRITE_PAGE),
    ("letters:compose_preview", "post", lambda o: [o["other_case"].pk], OTHER_CASE_WRITE_PAGE),
    (
        "letters:download",
        "get",
        lambda o: [o["other_case"].pk, o["other_letter"].pk],
        OTHER_CASE_READ,
    ),
    # the other organisation's letter addressed through world.case's URL: 404 for everyone
    (
        "letters:download",
        "get",
        lambda o: [o["case"].pk, o["other_letter"].pk],
        {
            **CASE_READ,
            "mediator": 404,
            "colleague": 404,
            "supervisor": 404,
            "administrator": 404,
        },
    ),
    # the other organisation's template: 404 for organisation A's administrator
    (
        "letters:template_edit",
        "get",
        lambda o: [o["other_template"].pk],
        {**ADMIN_ONLY, "administrator": 404},
    ),
]
