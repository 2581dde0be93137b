"""Rows of the access matrix, one module per app.

Each module defines:
- ``MATRIX``: url name -> (method, args builder, {role: expected status}) for every URL of
  the app (``tests/test_access_matrix.py`` fails when a URL has no row);
- optionally ``EXTRA``: a list of (url name, method, args builder, {role: status}) for further
  objects (another organisation's object must be a 404, never a 403);
- optionally ``objects(world) -> dict``: the objects its args builders need (merged into the
  ``o`` mapping passed to the builders).

Roles: see ``ROLES``; ``world`` is the fixture of ``tests/conftest.py``.
"""

ROLES = [
    "anonymous",
    "mediator",
    "colleague",
    "supervisor",
    "administrator",
    "other_mediator",
    "other_supervisor",
    "clerk",
    "other_clerk",
]

LOGIN = 302  # anonymous -> login page

# A page of ``world.case`` (organisation A, division namur), read access.
CASE_READ = {
    "anonymous": LOGIN,
    "mediator": 200,
    "colleague": 200,
    "supervisor": 200,
    "administrator": 200,
    "other_mediator": 404,
    "other_supervisor": 404,
    "clerk": 403,
    "other_clerk": 403,
}
# A form page that changes ``world.case`` (designated mediator and organisation administrator).
CASE_WRITE_PAGE = {
    "anonymous": LOGIN,
    "mediator": 200,
    "colleague": 403,
    "supervisor": 403,
    "administrator": 200,
    "other_mediator": 404,
    "other_supervisor": 403,
    "clerk": 403,
    "other_clerk": 403,
}
# The same, posted (success redirects).
CASE_WRITE_POST = {**CASE_WRITE_PAGE, "mediator": 302, "administrator": 302}
# An organisation-wide page (directory...) readable by every member of an organisation.
ORG_READ = {
    **dict.fromkeys(ROLES, 200),
    "anonymous": LOGIN,
    "clerk": 403,
    "other_clerk": 403,
}
