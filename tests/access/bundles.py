"""Access rows of the case bundles (bundles app): the JSON export of a case and the import
page. The export carries unmasked national numbers: the designated mediator and the
organisation's administrator only. Another organisation's case is a 404."""

from . import CASE_WRITE_PAGE, LOGIN, ROLES

# The import page: every mediator or administrator imports into their own organisation.
IMPORT_PAGE = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": LOGIN,
    "mediator": 200,
    "colleague": 200,
    "administrator": 200,
    "other_mediator": 200,
}

MATRIX = {
    "bundles:case_export": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "bundles:case_import": ("get", lambda o: [], IMPORT_PAGE),
}

EXTRA = [
    # another organisation's case: 404 for organisation A, never 403
    (
        "bundles:case_export",
        "get",
        lambda o: [o["other_case"].pk],
        {
            **CASE_WRITE_PAGE,
            "mediator": 404,
            "colleague": 404,
            "administrator": 404,
            "other_mediator": 200,
        },
    ),
    # an upload without a file: the form again (nothing created), same roles
    ("bundles:case_import", "post", lambda o: [], IMPORT_PAGE),
]
