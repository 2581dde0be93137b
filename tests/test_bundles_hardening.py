"""Case bundles that used to crash the importer or slip through it: each is refused with a
clear message at its JSON path, and nothing is created (issue 14)."""

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from bundles.importer import (
    MAX_BUNDLE_BYTES,
    MAX_DEPTH,
    MAX_STRING_CHARS,
    BundleInvalid,
    bundle_import,
    load_document,
)
from cases.models import Case

BUNDLES = Path(__file__).parent / "bundles"
TODAY = date(2026, 11, 24)


def problems(raw) -> dict[str, str]:
    with pytest.raises(BundleInvalid) as exc:
        load_document(raw)
    return {p.path: p.message for p in exc.value.problems}


def minimal() -> dict:
    return load_document((BUNDLES / "minimal-case.json").read_bytes())


def import_problems(document: dict) -> dict[str, str]:
    before = Case.objects.count()
    with pytest.raises(BundleInvalid) as exc:
        bundle_import(document=document, organisation_slug="test-org", today=TODAY)
    assert Case.objects.count() == before
    return {p.path: p.message for p in exc.value.problems}


def test_a_lone_surrogate_in_a_value_is_named_by_its_path():
    raw = json.dumps(minimal()["applicants"][0], default=str).replace(
        '"last_name": "', '"last_name": "\\ud800', 1
    )
    found = problems('{"applicants": [' + raw + "]}")
    assert "surrogate" in found["$.applicants[0].last_name"]


def test_a_lone_surrogate_in_a_member_name():
    found = problems(b'{"case": {"\\udfff": "x"}}')
    assert list(found) == ['$.case["\\udfff"]']
    assert "surrogate" in found['$.case["\\udfff"]']
    str(next(iter(found)))  # printable: the path is escaped


def test_json_nested_5000_levels_deep():
    found = problems(b'{"notes": ' + b"[" * 5000 + b"]" * 5000 + b"}")
    ((path, message),) = found.items()
    # the root object is a level
    assert path.startswith("$.notes[0][0]") and path.count("[") == MAX_DEPTH - 1
    assert "trop profondément" in message


def test_json_nested_deeper_than_the_limit_but_parsable():
    found = problems(b'{"a": ' + b"[" * 60 + b"]" * 60 + b"}")
    ((path, message),) = found.items()
    assert path.startswith("$.a[0]") and "trop profondément" in message


def test_an_integer_of_5000_digits():
    found = problems(b'{"case": {"number": ' + b"9" * 5000 + b"}}")
    assert found == {"$.case.number": "Nombre entier de 5000 chiffres : 15 au plus."}


def test_nan_is_not_a_number():
    assert "$.x" in problems(b'{"x": NaN}')


def test_sizes_per_string_and_for_the_whole_file():
    found = problems(json.dumps({"case": {"note": "x" * (MAX_STRING_CHARS + 1)}}))
    assert found == {"$.case.note": "Texte de 10001 caractères : 10000 au plus."}
    found = problems(b" " * (MAX_BUNDLE_BYTES + 1))
    assert "Mo au plus" in found["$"]


@pytest.mark.django_db
def test_a_date_far_outside_a_plausible_range():
    document = minimal()
    document["case"]["admissibility_date"] = "9999-12-31"
    found = import_problems(document)
    assert "invraisemblable" in found["$.case.admissibility_date"]


@pytest.mark.django_db
def test_dates_and_amounts_in_non_ascii_digits_are_refused():
    document = minimal()
    claim_path = None
    for i, creditor in enumerate(document.get("creditors", [])):
        for j, claim in enumerate(creditor.get("claims", [])):
            claim["principal"] = "١٢.٠٠"  # Arabic-Indic digits: Decimal() would read 12.00
            claim_path = f"$.creditors[{i}].claims[{j}].principal"
            break
        if claim_path:
            break
    document["case"]["admissibility_date"] = "٢٠٢٣-٠١-٠١"
    found = import_problems(copy.deepcopy(document))
    assert "$.case.admissibility_date" in found
    if claim_path:
        assert found[claim_path] == "Montant illisible."
