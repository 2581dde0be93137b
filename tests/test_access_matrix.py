"""Every URL of the app × every role (anonymous included) → the expected HTTP status.

Object-level rule: another organisation's case (or document) is a 404, never a 403 that would
confirm it exists. A page a whole role may not use is a 403. Anonymous users are sent to the
login page (302). ``test_every_url_is_in_the_matrix`` fails when a view is added without its
row here, so the matrix grows with every later view.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.services import caseload_export_request
from documents.services import document_file, document_upload

from .access import CASE_READ, CASE_WRITE_PAGE, CASE_WRITE_POST, LOGIN, ROLES
from .pdf import MINIMAL_PDF

PDF = MINIMAL_PDF

OWN_EXPORT = {  # an export requested by ``world.mediator``
    "anonymous": LOGIN,
    "mediator": 200,
    "colleague": 404,
    "supervisor": 404,
    "administrator": 404,
    "other_mediator": 404,
    "other_supervisor": 404,
    "clerk": 403,
    "other_clerk": 403,
}

# url name -> (method, args builder, expected status per role)
MATRIX = {
    "core:home": (
        "get",
        lambda o: [],
        {
            **dict.fromkeys(ROLES, 302),
        },
    ),
    "core:healthz": ("get", lambda o: [], dict.fromkeys(ROLES, 200)),
    "accounts:login": (
        "get",
        lambda o: [],
        {
            **dict.fromkeys(ROLES, 302),
            "anonymous": 200,
        },
    ),
    "accounts:logout": ("post", lambda o: [], dict.fromkeys(ROLES, 302)),
    "set_language": ("post", lambda o: [], dict.fromkeys(ROLES, 302)),
    "cases:list": (
        "get",
        lambda o: [],
        {
            **dict.fromkeys(ROLES, 200),
            "anonymous": LOGIN,
            "clerk": 403,
            "other_clerk": 403,
        },
    ),
    "cases:create": (
        "get",
        lambda o: [],
        {
            "anonymous": LOGIN,
            "mediator": 200,
            "colleague": 200,
            "supervisor": 403,
            "administrator": 200,
            "other_mediator": 200,
            "other_supervisor": 403,
            "clerk": 403,
            "other_clerk": 403,
        },
    ),
    "cases:overview": (
        "get",
        lambda o: [],
        {
            "anonymous": LOGIN,
            "mediator": 403,
            "colleague": 403,
            "supervisor": 200,
            "administrator": 200,
            "other_mediator": 403,
            "other_supervisor": 200,
            "clerk": 403,
            "other_clerk": 403,
        },
    ),
    "cases:overview_export": (
        "get",
        lambda o: ["xlsx"],
        {
            "anonymous": LOGIN,
            "mediator": 403,
            "colleague": 403,
            "supervisor": 200,
            "administrator": 200,
            "other_mediator": 403,
            "other_supervisor": 200,
            "clerk": 403,
            "other_clerk": 403,
        },
    ),
    "cases:export_request": (
        "post",
        lambda o: [],
        {
            **dict.fromkeys(ROLES, 302),
            "clerk": 403,
            "other_clerk": 403,
        },
    ),
    "cases:export_status": ("get", lambda o: [o["export"].pk], OWN_EXPORT),
    "cases:export_download": ("get", lambda o: [o["export"].pk], OWN_EXPORT),
    "cases:detail": ("get", lambda o: [o["case"].pk], CASE_READ),
    "cases:tab": ("get", lambda o: [o["case"].pk, "claims"], CASE_READ),
    "cases:edit": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "cases:status": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "cases:replace_mediator": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "documents:case_documents": ("get", lambda o: [o["case"].pk], CASE_READ),
    "documents:case_document_download": (
        "get",
        lambda o: [o["case"].pk, o["draft"].pk],
        CASE_READ,
    ),
    "documents:case_document_file": (
        "post",
        lambda o: [o["case"].pk, o["draft"].pk],
        CASE_WRITE_POST,
    ),
    "documents:case_document_delete": (
        "post",
        lambda o: [o["case"].pk, o["draft"].pk],
        CASE_WRITE_POST,
    ),
    "documents:clerk_list": (
        "get",
        lambda o: [],
        {
            **dict.fromkeys(ROLES, 403),
            "anonymous": LOGIN,
            "clerk": 200,
            "other_clerk": 200,
        },
    ),
    "documents:clerk_download": (
        "get",
        lambda o: [o["filed"].pk],
        {
            **dict.fromkeys(ROLES, 403),
            "anonymous": LOGIN,
            "clerk": 200,
            "other_clerk": 404,
        },
    ),
    "admin:index": ("get", lambda o: [], dict.fromkeys(ROLES, 302)),
}

# Further rows on the same views: objects a role must not reach even when the page is theirs.
EXTRA = [
    # the other organisation's case, seen from organisation A: 404, never 403
    (
        "cases:detail",
        "get",
        lambda o: [o["other_case"].pk],
        {
            **CASE_READ,
            "mediator": 404,
            "colleague": 404,
            "supervisor": 404,
            "administrator": 404,
            "other_mediator": 200,
            "other_supervisor": 200,
        },
    ),
    (
        "cases:edit",
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
    # a document of case A addressed through case B's URL
    (
        "documents:case_document_download",
        "get",
        lambda o: [o["other_case"].pk, o["draft"].pk],
        {
            **CASE_READ,
            "mediator": 404,
            "colleague": 404,
            "supervisor": 404,
            "administrator": 404,
            "other_mediator": 404,
            "other_supervisor": 404,
        },
    ),
    # a document that is not filed is invisible to every clerk
    (
        "documents:clerk_download",
        "get",
        lambda o: [o["draft"].pk],
        {
            **dict.fromkeys(ROLES, 403),
            "anonymous": LOGIN,
            "clerk": 404,
            "other_clerk": 404,
        },
    ),
    (
        "cases:tab",
        "get",
        lambda o: [o["case"].pk, "unknown-tab"],
        {
            **CASE_READ,
            "mediator": 404,
            "colleague": 404,
            "supervisor": 404,
            "administrator": 404,
        },
    ),
]

CORE_EXTRA_COUNT = len(EXTRA)
APP_MODULES = [
    importlib.import_module(f"tests.access.{m.name}")
    for m in pkgutil.iter_modules([str(Path(__file__).parent / "access")])
]
for _module in APP_MODULES:
    MATRIX.update(getattr(_module, "MATRIX", {}))
    EXTRA.extend(getattr(_module, "EXTRA", []))

EXCLUDED_NAMESPACES = {"admin"}  # Django's own admin: only its index is checked here


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    missing = sorted(set(_url_names()) - set(MATRIX))
    assert not missing, f"add these URLs to the access matrix: {missing}"


@pytest.fixture
def objects(world, django_capture_on_commit_callbacks):
    draft = document_upload(
        case=world.case,
        kind="annual_report",
        title="Rapport annuel (brouillon)",
        upload=SimpleUploadedFile("draft.pdf", PDF),
        uploaded_by=world.mediator,
    )
    filed = document_upload(
        case=world.case,
        kind="taxation_statement",
        title="État de frais",
        upload=SimpleUploadedFile("etat.pdf", PDF),
        uploaded_by=world.mediator,
    )
    document_file(document=filed, filed_by=world.mediator)
    with django_capture_on_commit_callbacks(execute=True):  # the export task runs eagerly
        export = caseload_export_request(user=world.mediator)
    result = {
        "case": world.case,
        "other_case": world.other_case,
        "draft": draft,
        "filed": filed,
        "export": export,
    }
    for module in APP_MODULES:
        if hasattr(module, "objects"):
            more = module.objects(world)
            # two modules naming their objects alike would silently point one's URLs at the
            # other's object (found when a fees "batch" hid the banking one)
            clash = sorted(set(more) & set(result))
            assert not clash, f"{module.__name__}: object names already taken: {clash}"
            result.update(more)
    return result


def _groups() -> dict[str, list[tuple]]:
    """The rows, grouped by the module that declares them: (name, method, args, expected)."""
    groups: dict[str, list[tuple]] = {"core": [], "core-extra": []}
    own = {name for module in APP_MODULES for name in getattr(module, "MATRIX", {})}
    for name, (method, args, expected) in MATRIX.items():
        if name not in own:
            groups["core"].append((name, method, args, expected))
    groups["core-extra"].extend(EXTRA[:CORE_EXTRA_COUNT])
    for module in APP_MODULES:
        label = module.__name__.rsplit(".", 1)[-1]
        rows = [(name, *MATRIX[name]) for name in getattr(module, "MATRIX", {})]
        rows += list(getattr(module, "EXTRA", []))
        groups[label] = rows
    return groups


GROUPS = _groups()


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("group", sorted(GROUPS))
def test_access(world, objects, group):
    """One world per group; every (row, role) request runs inside a savepoint rolled back
    afterwards, so that a POST (delete, file…) does not change what the next request sees.
    All mismatches are reported together."""
    failures = []
    for name, method, args, expected in GROUPS[group]:
        url = reverse(name, args=args(objects))
        for role in ROLES:
            client = Client()
            if role != "anonymous":
                client.force_login(getattr(world, role))
            savepoint = transaction.savepoint()
            try:
                response = getattr(client, method)(url)
            except Exception as exc:  # reported with the others
                failures.append(f"{role} {method.upper()} {url} ({name}): raised {exc!r}")
                continue
            finally:
                transaction.savepoint_rollback(savepoint)
            if response.status_code != expected[role]:
                failures.append(
                    f"{role} {method.upper()} {url} ({name}): "
                    f"{response.status_code} != {expected[role]}"
                )
            elif (
                expected[role] == 404
                and role != "anonymous"
                and objects["case"].reference in response.content.decode()
            ):
                # a 404 must not leak the reference of the case that exists
                failures.append(f"{role} {url} ({name}): 404 page leaks the reference")
    assert not failures, "\n".join(failures)
