"""The JSON Schema of ``rcd-case-bundle/1`` (a copy of ``shared/domain/case-bundle.schema.json``
shipped with the app, so that it works without ``shared/``) and of this project's own
``extensions`` layout, validated with ``jsonschema`` (Draft 2020-12)."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
FORMAT = "rcd-case-bundle/1"
EXTENSIONS_LAYOUT = "rcd-workbench/1"


@dataclass(frozen=True)
class Problem:
    """One problem of a bundle: where (a JSON path such as ``$.creditors[2].claims[0].key``)
    and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def json_path(parts) -> str:
    """('creditors', 2, 'claims', 0, 'key') -> '$.creditors[2].claims[0].key'."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:  # a name that cannot be written as is (a lone surrogate) is escaped
            printable = part.encode("utf-8", "surrogatepass") == part.encode("utf-8", "replace")
            text += "[" + json.dumps(part, ensure_ascii=not printable) + "]"
    return text


@cache
def bundle_schema() -> dict:
    return json.loads((SCHEMA_DIR / "case-bundle.schema.json").read_text(encoding="utf-8"))


@cache
def extensions_schema() -> dict:
    return json.loads((SCHEMA_DIR / "extensions.schema.json").read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = bundle_schema() if name == "bundle" else extensions_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _problems(validator: Draft202012Validator, document, prefix: tuple) -> list[Problem]:
    problems = []
    for error in validator.iter_errors(document):
        parts = prefix + tuple(error.absolute_path)
        instance = error.instance
        if error.validator == "additionalProperties" and isinstance(instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for extra in sorted(k for k in instance if k not in allowed):
                problems.append(Problem(json_path(parts + (extra,)), "clé inconnue du format"))
            continue
        if error.validator == "required" and isinstance(instance, dict):
            for name in error.validator_value:
                if name not in instance:
                    problems.append(Problem(json_path(parts + (name,)), "champ obligatoire absent"))
            continue
        problems.append(Problem(json_path(parts), error.message))
    # one problem per path and message, in document order of the paths
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: _sort_key(p.path))


def _sort_key(path: str):
    import re

    return [int(t) if t.isdigit() else t for t in re.split(r"\[(\d+)\]", path)]


def schema_problems(document) -> list[Problem]:
    """Every violation of ``case-bundle.schema.json``, each with its JSON path."""
    return _problems(_validator("bundle"), document, ())


def extensions_problems(extensions) -> list[Problem]:
    """Every violation of the project's ``extensions`` layout (``extensions.schema.json``)."""
    return _problems(_validator("extensions"), extensions, ("extensions",))
