"""Property-based tests (Hypothesis) over what users upload (issue 14): the CODA and CAMT
parsers and the case-bundle importer, on mutated real samples and on arbitrary input. Whatever
the input, the only exception is the application's own validation error, and a refused file
leaves every table as it was (row counts before and after)."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from banking.parsers import StatementFileError, parse_statement_file
from banking.services import statement_import
from bundles.importer import BundleInvalid, bundle_import, load_document

from .test_banking_support import CAMT, CODA_FIRST, open_account
from .test_bundles_hardening import BUNDLES

CODA_TEXT = CODA_FIRST.read_bytes().decode("windows-1252")
CODA_LINES = CODA_TEXT.split("\r\n")
CAMT_TEXT = CAMT.read_text(encoding="utf-8")
MINIMAL = (BUNDLES / "minimal-case.json").read_text(encoding="utf-8")

DB = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PURE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to the formats: digits, signs, spaces, record codes, XML syntax,
# accents, control characters, lone surrogates are not encodable and so not in files.
text_char = st.characters(blacklist_categories=["Cs"])
snippet = st.text(
    alphabet=st.sampled_from("0123456789 +-.,/<>&;\"'=:AaZzéÉ€\t\r\n\x00\x1a") | text_char,
    max_size=12,
)


@st.composite
def mutated_coda(draw) -> bytes:
    lines = list(CODA_LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["overwrite", "delete", "duplicate", "swap"]))
        line = lines[index]
        if action == "overwrite":
            start = draw(st.integers(0, max(0, len(line))))
            piece = draw(snippet)
            lines[index] = line[:start] + piece + line[start + len(piece) :]
        elif action == "delete":
            del lines[index]
            if not lines:
                lines = [""]
        elif action == "duplicate":
            lines.insert(index, line)
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
    encoding = draw(st.sampled_from(["windows-1252", "utf-8"]))
    return "\r\n".join(lines).encode(encoding, "replace")


@st.composite
def mutated_camt(draw) -> bytes:
    text = CAMT_TEXT
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["overwrite", "cut", "drop-element", "value"]))
        if action == "overwrite":
            start = draw(st.integers(0, len(text)))
            piece = draw(snippet)
            text = text[:start] + piece + text[start + len(piece) :]
        elif action == "cut":
            start = draw(st.integers(0, len(text)))
            text = text[:start] + text[start + draw(st.integers(1, 200)) :]
        elif action == "drop-element":
            name = draw(
                st.sampled_from(
                    [
                        "Amt",
                        "CdtDbtInd",
                        "ValDt",
                        "BookgDt",
                        "IBAN",
                        "Bal",
                        "Ntry",
                        "Acct",
                        "TxDtls",
                        "Sts",
                        "Ccy",
                        "Stmt",
                        "AcctSvcrRef",
                        "RmtInf",
                        "Dt",
                    ]
                )
            )
            start = text.find(f"<{name}")
            end = text.find(f"</{name}>", start)
            if start >= 0 and end >= 0:
                text = text[:start] + text[end + len(name) + 3 :]
        else:
            start = text.find(">", draw(st.integers(0, len(text) - 1)))
            end = text.find("<", start)
            if 0 <= start < end:
                text = text[: start + 1] + draw(snippet).replace("<", "") + text[end:]
    return text.encode("utf-8", "replace")


def assert_parses_or_refuses(content: bytes) -> None:
    try:
        parsed = parse_statement_file(content)
    except StatementFileError as exc:
        assert exc.messages and all(isinstance(m, str) and m for m in exc.messages)
        return
    for movement in parsed.movements:  # what is accepted is well-formed
        assert movement.amount == movement.amount.quantize(Decimal("0.01"))
        assert movement.currency == "EUR"
        assert len(movement.identity) <= 200 and movement.identity


@PURE
@given(mutated_coda())
def test_the_coda_parser_only_raises_its_own_error(content):
    assert_parses_or_refuses(content)


@PURE
@given(mutated_camt())
def test_the_camt_parser_only_raises_its_own_error(content):
    assert_parses_or_refuses(content)


@PURE
@given(st.binary(max_size=600))
def test_arbitrary_bytes(content):
    assert_parses_or_refuses(content)
    assert_parses_or_refuses(b"0000005032600005" + content)
    assert_parses_or_refuses(b"<?xml version='1.0'?>" + content)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "banking",
            "ledger",
            "cases",
            "claims",
            "accounts",
            "bundles",
            "fees",
            "contacts",
            "budget",
        }
    }


class Rollback(Exception):
    pass


@pytest.mark.django_db
@DB
@given(content=st.one_of(mutated_coda(), mutated_camt()))
def test_a_refused_statement_leaves_every_table_as_it_was(world, content):
    try:
        with transaction.atomic():
            open_account(world.case)
            before = row_counts()
            try:
                statement_import(
                    organisation=world.org, content=content, file_name="x", by=world.mediator
                )
            except ValidationError:
                assert row_counts() == before
            raise Rollback
    except Rollback:
        pass


# Bundles ---------------------------------------------------------------------------------------

json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.text(max_size=20)
    | st.sampled_from(["9999-12-31", "2023-02-30", "١٢.٠٠", "12.001", "-1", "\u202etxet"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated_bundle(draw) -> dict:
    document = load_document(MINIMAL)
    for _ in range(draw(st.integers(1, 3))):
        node = document
        path = []
        while isinstance(node, (dict, list)) and node and draw(st.booleans()):
            key = draw(
                st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node)))
            )
            path.append(key)
            if not isinstance(node[key], (dict, list)):
                break
            node = node[key]
        if isinstance(node, dict) and node:
            node[draw(st.sampled_from(sorted(node)))] = draw(json_value)
        elif isinstance(node, list) and node:
            node[draw(st.integers(0, len(node) - 1))] = draw(json_value)
    return document


@PURE
@given(st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "replace")))
def test_load_document_only_raises_bundle_invalid(raw):
    try:
        document = load_document(raw)
    except BundleInvalid as exc:
        assert exc.problems and all(p.path.startswith(("$", "--")) for p in exc.problems)
    else:
        assert isinstance(document, dict)


@pytest.mark.django_db
@DB
@given(document=mutated_bundle())
def test_the_importer_creates_the_case_or_nothing(document):
    try:
        with transaction.atomic():
            before = row_counts()
            try:
                bundle_import(
                    document=document, organisation_slug="prop-org", today=date(2026, 11, 24)
                )
            except BundleInvalid as exc:
                assert exc.problems
                assert row_counts() == before
            raise Rollback
    except Rollback:
        pass
