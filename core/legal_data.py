"""Legal data shipped with the application, shipped by *data releases* (migrations), and the
system check that tells when a database no longer holds what the shipped files say.

- A **dataset** is one model whose rows are dated legal figures with their source (the fee
  tariff rows, the art. 1409 C.J. brackets…), shipped in a JSON file of its app (the *shipped
  file*, which the application and the tests read) and completed by administrators in the
  admin. Each row has an **identity** (its ``row_id``, or a natural key) and a ``shipped`` flag
  (false: a row an administrator entered by hand).
- A **release** is a file ``<app>/data/releases/NNNN_name.json`` (``rcd-legal-release/1``): per
  model, its identity fields and the rows the release brings, as model field values. A
  migration applies it with :class:`ApplyLegalRelease`, which pins the digest of its content: a
  migration gives the same result whenever it runs, so **a shipped release never changes**; a
  correction is a new release. The shipped files are the cumulative result of the releases,
  in migration order (``tests/test_legal_data.py`` proves it); ``manage.py legal_release APP
  NAME`` writes the next release and its migration from the difference.

Applying a release (:func:`apply_rows`), row by row:

- no row has its identity: the row is **inserted** (``shipped=True``), unless a row entered by
  hand already holds one of the model's unique values (the same key and date): then it is left
  out, and the check reports the shipped row as missing;
- a shipped row has it: the row is **corrected** to the release's values, source included,
  even when an administrator edited it (the check reported that edit until then) — except that
  a value the release leaves null never erases one (the unknown start date of a row, which an
  administrator may enter: fees.md §2);
- a row entered by hand has it: **never touched**.

A release only inserts and corrects: it never deletes a row, and unapplying its migration
leaves the rows in place.

``core`` imports no other app: an app declares its datasets with :func:`register_legal_data`
from its ``AppConfig.ready``, which also registers its system check (tags ``database`` and
``legal_data``: it runs with ``manage.py check --database default`` and before ``manage.py
migrate``, never with a plain ``manage.py check``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, migrations, models, router

RELEASE_FORMAT = "rcd-legal-release/1"
RELEASES_DIR = Path("data") / "releases"  # inside the app's folder
RELEASE_NAME = re.compile(r"^\d{4}_[a-z0-9_]+$")
SHOWN_DIFFERENCES = 5

Key = tuple[Any, ...]
Rows = dict[Key, dict[str, Any]]


class ReleaseError(Exception):
    """A release file or its application is inconsistent (a developer's error)."""


# --- datasets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegalDataset:
    """One model of legal rows and the shipped file its rows come from."""

    model: str  # the model's name in its app: "TariffRowRecord"
    identity: tuple[str, ...]  # the fields naming a row across releases: ("row_id",)
    label: str  # for messages: "tariff rows"
    shipped_file: Path
    # The rows of the shipped file as model field values (``shipped`` and the primary key
    # excepted), parsed and validated by the app.
    shipped_rows: Callable[[], list[dict[str, Any]]]
    check_id: str  # "fees.W001"
    # Free text, compared for shipped rows only: a row entered by hand that holds a shipped
    # row's identity differs when its figures differ, not because its source is worded otherwise.
    text_fields: tuple[str, ...] = ("source", "note")


@dataclass(frozen=True)
class LegalData:
    """The datasets of one app, and the command that re-applies its shipped files."""

    app_label: str
    datasets: tuple[LegalDataset, ...]
    load_command: str  # "load_tariffs"

    def dataset(self, model: str) -> LegalDataset:
        for dataset in self.datasets:
            if dataset.model == model:
                return dataset
        raise KeyError(model)


_REGISTRY: dict[str, LegalData] = {}


def register_legal_data(data: LegalData) -> None:
    """Declare an app's datasets (from its ``AppConfig.ready``) and register its check."""
    first = data.app_label not in _REGISTRY
    _REGISTRY[data.app_label] = data
    if first:
        label = data.app_label

        def legal_data_check(app_configs=None, databases=None, **kwargs):
            return legal_data_warnings(_REGISTRY[label], app_configs, databases)

        legal_data_check.__name__ = f"{label}_legal_data_check"
        checks.register(legal_data_check, checks.Tags.database, "legal_data")


def registered_legal_data() -> dict[str, LegalData]:
    return dict(_REGISTRY)


# --- values -----------------------------------------------------------------------------------


def _model_fields(model: type[models.Model], raw: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` (JSON values or Python values) as the model's Python values."""
    values = {}
    for name, value in raw.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ReleaseError(f"{model.__name__} : champ inconnu {name!r}.") from None
        if name == "shipped" or model_field.primary_key or not model_field.concrete:
            raise ReleaseError(f"{model.__name__} : le champ {name!r} ne se livre pas.")
        try:
            values[name] = None if value is None else model_field.to_python(value)
        except ValidationError as exc:
            raise ReleaseError(f"{model.__name__}.{name} : {value!r} : {exc.messages}") from exc
    return values


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _shown(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        if len(text.partition(".")[2]) < 2:
            text = format(value.quantize(Decimal("0.01")), "f")
        return text
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def _key_label(key: Key) -> str:
    return "@".join(_shown(part) if not isinstance(part, str) else part for part in key)


def _keyed(
    model: type[models.Model], identity: Sequence[str], raw_rows: Iterable[Mapping[str, Any]]
) -> Rows:
    rows: Rows = {}
    for raw in raw_rows:
        values = _model_fields(model, raw)
        if any(values.get(name) is None for name in identity):
            raise ReleaseError(f"{model.__name__} : ligne sans identité complète {dict(raw)!r}.")
        key = tuple(values[name] for name in identity)
        if key in rows:
            raise ReleaseError(f"{model.__name__} : ligne {_key_label(key)} en double.")
        rows[key] = values
    return rows


# --- release files ----------------------------------------------------------------------------


def releases_dir(app_label: str) -> Path:
    return Path(global_apps.get_app_config(app_label).path) / RELEASES_DIR


def release_digest(document: Mapping[str, Any]) -> str:
    """The SHA-256 of a release's content (its JSON canonically written: neither the layout of
    the file nor its line endings matter)."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def release_text(document: Mapping[str, Any]) -> str:
    """A release document as written to its file: one row per line, like the shipped files."""
    lines = ["{"]
    for name in ("format", "app", "release", "description"):
        lines.append(f"  {json.dumps(name)}: {json.dumps(document[name], ensure_ascii=False)},")
    lines.append('  "models": {')
    parts = list(document["models"].items())
    for index, (model_name, part) in enumerate(parts):
        rows = [json.dumps(row, ensure_ascii=False) for row in part["rows"]]
        lines += [
            f"    {json.dumps(model_name)}: {{",
            f'      "identity": {json.dumps(part["identity"])},',
            '      "rows": [',
            *(f"        {row}{',' if i < len(rows) - 1 else ''}" for i, row in enumerate(rows)),
            "      ]",
            "    }" + ("," if index < len(parts) - 1 else ""),
        ]
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def read_release_file(path: Path, *, digest: str | None = None) -> dict[str, Any]:
    """A release document, checked; ``digest``: the one its migration pinned."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("format") != RELEASE_FORMAT:
        raise ReleaseError(f"{path.name} : format attendu {RELEASE_FORMAT!r}.")
    if document.get("release") != path.stem:
        raise ReleaseError(f"{path.name} : « release » doit valoir {path.stem!r}.")
    if not isinstance(document.get("models"), dict):
        raise ReleaseError(f"{path.name} : « models » manque.")
    if digest is not None and release_digest(document) != digest:
        raise ReleaseError(
            f"La livraison {path} a changé depuis que sa migration a été écrite (empreinte "
            f"{release_digest(document)}, attendue {digest}). Une livraison publiée ne change "
            "plus : une correction est une nouvelle livraison (manage.py legal_release)."
        )
    return document


def read_release(app_label: str, release: str, *, digest: str | None = None) -> dict[str, Any]:
    document = read_release_file(releases_dir(app_label) / f"{release}.json", digest=digest)
    if document.get("app") != app_label:
        raise ReleaseError(f"{release}.json : « app » doit valoir {app_label!r}.")
    return document


# --- applying rows ----------------------------------------------------------------------------


@dataclass
class ReleaseResult:
    added: int = 0
    corrected: int = 0
    unchanged: int = 0
    # Rows of the release left out because a row entered by hand holds their identity or one
    # of their unique values.
    left_to_hand_rows: list[str] = field(default_factory=list)


def _unique_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    sets = [(f.name,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    sets += [tuple(names) for names in model._meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in model._meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields and c.condition is None
    ]
    return sets


def _unique_conflict(manager, model, values: Mapping[str, Any], exclude_pk) -> models.Model | None:
    for names in _unique_sets(model):
        if any(values.get(name) is None for name in names):
            continue  # NULL never collides
        found = manager.filter(**{name: values[name] for name in names})
        if exclude_pk is not None:
            found = found.exclude(pk=exclude_pk)
        row = found.first()
        if row is not None:
            return row
    return None


def apply_rows(
    model: type[models.Model],
    identity: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> ReleaseResult:
    """Apply release rows to ``model`` (a historical model in a migration): insert the new
    rows, correct the shipped ones, never touch a row entered by hand (module docstring)."""
    manager = model._default_manager.db_manager(using)
    result = ReleaseResult()
    for key, values in _keyed(model, identity, rows).items():
        current = manager.filter(**dict(zip(identity, key, strict=True))).first()
        if current is not None and not current.shipped:
            result.left_to_hand_rows.append(_key_label(key))
            continue
        if current is None:
            changes = values
            target = values
        else:
            changes = {
                name: value
                for name, value in values.items()
                if value is not None and getattr(current, name) != value
            }
            if not changes:
                result.unchanged += 1
                continue
            target = {name: getattr(current, name) for name in values} | changes
        blocker = _unique_conflict(manager, model, target, current.pk if current else None)
        if blocker is not None:
            if blocker.shipped:
                raise ReleaseError(
                    f"{model.__name__} {_key_label(key)} : une autre ligne livrée ({blocker}) "
                    "occupe les mêmes valeurs uniques."
                )
            result.left_to_hand_rows.append(_key_label(key))
            continue
        if current is None:
            manager.create(**values, shipped=True)
            result.added += 1
        else:
            manager.filter(pk=current.pk).update(**changes)
            result.corrected += 1
    return result


def apply_release_document(
    document: Mapping[str, Any],
    *,
    apps,
    using: str = DEFAULT_DB_ALIAS,
    models_: Sequence[str] | None = None,
) -> dict[str, ReleaseResult]:
    """Apply a release document with the models of ``apps`` (a migration's historical apps,
    or ``django.apps.apps``); ``models_`` restricts it to some of its models."""
    results = {}
    for model_name, part in document["models"].items():
        if models_ is not None and model_name not in models_:
            continue
        model = apps.get_model(document["app"], model_name)
        results[model_name] = apply_rows(model, part["identity"], part["rows"], using=using)
    return results


class ApplyLegalRelease(migrations.RunPython):
    """The migration operation of a release: applies ``<app>/data/releases/<release>.json``
    after checking that its content is the one the migration was written for (``digest``).
    ``models``: only these models of the release (the migrations that shipped the first
    release loaded its models at different points of the schema's history)."""

    def __init__(
        self,
        app_label: str,
        release: str,
        *,
        digest: str,
        models: Sequence[str] | None = None,
    ) -> None:
        self.app_label = app_label
        self.release = release
        self.digest = digest
        self.models = tuple(models) if models else None
        super().__init__(self._apply, migrations.RunPython.noop)

    def _apply(self, apps, schema_editor) -> None:
        document = read_release(self.app_label, self.release, digest=self.digest)
        apply_release_document(
            document, apps=apps, using=schema_editor.connection.alias, models_=self.models
        )

    def deconstruct(self):
        kwargs: dict[str, Any] = {"digest": self.digest}
        if self.models:
            kwargs["models"] = list(self.models)
        return (self.__class__.__name__, [self.app_label, self.release], kwargs)

    def describe(self) -> str:
        which = f" ({', '.join(self.models)})" if self.models else ""
        return f"Apply legal data release {self.app_label}/{self.release}{which}"


# --- releases against the shipped files -------------------------------------------------------


def release_operations(app_label: str) -> list[ApplyLegalRelease]:
    """The release operations of the app's migrations (on disk), in migration order."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    nodes: list[tuple[str, str]] = []
    for leaf in graph.leaf_nodes(app_label):
        for node in graph.forwards_plan(leaf):
            if node[0] == app_label and node not in nodes:
                nodes.append(node)
    return [
        operation
        for node in nodes
        for operation in graph.nodes[node].operations
        if isinstance(operation, ApplyLegalRelease)
    ]


def release_problems(data: LegalData) -> list[str]:
    """What is wrong with the app's release files and their migrations (empty: nothing)."""
    problems = []
    folder = releases_dir(data.app_label)
    files = {path.stem for path in folder.glob("*.json")}
    applied: dict[tuple[str, str], int] = {}
    for operation in release_operations(data.app_label):
        if operation.release not in files:
            problems.append(f"{operation.describe()} : fichier {operation.release}.json absent.")
            continue
        try:
            document = read_release(data.app_label, operation.release, digest=operation.digest)
        except ReleaseError as exc:
            problems.append(str(exc))
            continue
        for model_name in operation.models or document["models"]:
            applied[(operation.release, model_name)] = (
                applied.get((operation.release, model_name), 0) + 1
            )
    for release in sorted(files):
        if not RELEASE_NAME.match(release):
            problems.append(f"{folder / release}.json : nom attendu NNNN_nom.json.")
            continue
        try:
            document = read_release(data.app_label, release)
        except ReleaseError as exc:
            problems.append(str(exc))
            continue
        for model_name, part in document["models"].items():
            count = applied.get((release, model_name), 0)
            if count != 1:
                problems.append(
                    f"{release}.json, {model_name} : appliqué par {count} migration(s) au lieu "
                    "d'une."
                )
            try:
                dataset = data.dataset(model_name)
            except KeyError:
                problems.append(f"{release}.json : {model_name} n'est pas une donnée légale.")
                continue
            if tuple(part["identity"]) != dataset.identity:
                problems.append(
                    f"{release}.json, {model_name} : identité {part['identity']} au lieu de "
                    f"{list(dataset.identity)}."
                )
    return problems


def released_rows(data: LegalData) -> dict[str, Rows]:
    """Per model, the rows the app's releases ship, folded in migration order as
    :func:`apply_rows` would apply them on an empty table."""
    released: dict[str, Rows] = {dataset.model: {} for dataset in data.datasets}
    for operation in release_operations(data.app_label):
        document = read_release(data.app_label, operation.release, digest=operation.digest)
        for model_name, part in document["models"].items():
            if operation.models is not None and model_name not in operation.models:
                continue
            model = global_apps.get_model(data.app_label, model_name)
            rows = released.setdefault(model_name, {})
            for key, values in _keyed(model, part["identity"], part["rows"]).items():
                before = rows.get(key, {})
                rows[key] = before | {
                    k: v for k, v in values.items() if v is not None or not before
                }
    return released


def shipped_rows(data: LegalData, dataset: LegalDataset) -> Rows:
    model = global_apps.get_model(data.app_label, dataset.model)
    return _keyed(model, dataset.identity, dataset.shipped_rows())


@dataclass(frozen=True)
class Unreleased:
    """How the shipped files differ from the cumulative releases, per model."""

    rows: dict[str, list[dict[str, Any]]]  # new or changed rows of the shipped files
    problems: list[str]  # what no release can do (a row removed, a value erased)

    def __bool__(self) -> bool:
        return bool(self.rows) or bool(self.problems)

    def describe(self) -> list[str]:
        lines = list(self.problems)
        for model_name, rows in self.rows.items():
            lines += [f"{model_name} : ligne {row['__key__']} non livrée" for row in rows]
        return lines


def unreleased(data: LegalData) -> Unreleased:
    released = released_rows(data)
    rows: dict[str, list[dict[str, Any]]] = {}
    problems = []
    for dataset in data.datasets:
        before = released.get(dataset.model, {})
        now = shipped_rows(data, dataset)
        file = dataset.shipped_file.name
        for key in before.keys() - now.keys():
            problems.append(
                f"{dataset.model} {_key_label(key)} : livrée, absente de {file} (une livraison "
                "ne supprime pas de ligne)."
            )
        for key, values in now.items():
            old = before.get(key)
            if old == values:
                continue
            erased = [n for n, v in values.items() if v is None and old and old.get(n) is not None]
            if erased:
                problems.append(
                    f"{dataset.model} {_key_label(key)} : {', '.join(erased)} vide dans {file} "
                    "mais renseigné par une livraison (une livraison n'efface pas de valeur)."
                )
                continue
            rows.setdefault(dataset.model, []).append({"__key__": _key_label(key), **values})
    return Unreleased(rows, problems)


def next_release_document(data: LegalData, name: str) -> dict[str, Any] | None:
    """The release that would bring the releases up to the shipped files (None: nothing to
    release); raises :class:`ReleaseError` when no release can."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ReleaseError(f"Nom de livraison {name!r} : lettres minuscules, chiffres et _.")
    problems = release_problems(data)
    difference = unreleased(data)
    problems += difference.problems
    if problems:
        raise ReleaseError("\n".join(problems))
    if not difference:
        return None
    numbers = [int(p.stem[:4]) for p in releases_dir(data.app_label).glob("*.json")]
    release = f"{max(numbers, default=0) + 1:04d}_{name}"
    parts = {}
    for model_name, rows in difference.rows.items():
        dataset = data.dataset(model_name)
        parts[model_name] = {
            "identity": list(dataset.identity),
            "rows": [{k: _json_value(v) for k, v in row.items() if k != "__key__"} for row in rows],
        }
    return {
        "format": RELEASE_FORMAT,
        "app": data.app_label,
        "release": release,
        "description": "",
        "models": parts,
    }


def apply_shipped_files(
    data: LegalData, *, using: str = DEFAULT_DB_ALIAS
) -> list[tuple[LegalDataset, ReleaseResult]]:
    """Apply the shipped files now, as one release (``manage.py load_tariffs``…)."""
    results = []
    for dataset in data.datasets:
        model = global_apps.get_model(data.app_label, dataset.model)
        rows = dataset.shipped_rows()
        results.append((dataset, apply_rows(model, dataset.identity, rows, using=using)))
    return results


# --- the system check -------------------------------------------------------------------------


def _migrations_pending(app_label: str, alias: str) -> bool:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    return any(
        node[0] == app_label and node not in loader.applied_migrations
        for node in loader.graph.nodes
    )


def _describe(name: str, database: Any, shipped: Any, text_fields: Sequence[str]) -> str:
    if name in text_fields:
        return f"{name} differs"
    return f"{name} {_shown(database)} in the database, {_shown(shipped)} shipped"


def database_differences(dataset: LegalDataset, model, using: str, shipped: Rows) -> list[str]:
    """How the rows of ``model`` in database ``using`` differ from the shipped ones."""
    database = {
        tuple(getattr(row, name) for name in dataset.identity): row
        for row in model._default_manager.using(using).order_by("pk")
    }
    differences = []
    for key, values in shipped.items():
        row = database.get(key)
        if row is None:
            differences.append(f"{_key_label(key)}: missing")
            continue
        # A value the file leaves empty (an unknown start date) is the administrator's to enter.
        names = [n for n, v in values.items() if v is not None and getattr(row, n) != v]
        if not row.shipped:
            names = [n for n in names if n not in dataset.text_fields]
        if names:
            by_hand = " (a row entered by hand)" if not row.shipped else ""
            details = "; ".join(
                _describe(n, getattr(row, n), values[n], dataset.text_fields) for n in names
            )
            differences.append(f"{_key_label(key)}{by_hand}: {details}")
    for key, row in database.items():
        if row.shipped and key not in shipped:
            differences.append(f"{_key_label(key)}: marked as shipped, not in the shipped file")
    return differences


def legal_data_warnings(data: LegalData, app_configs=None, databases=None) -> list[checks.Warning]:
    """One warning per dataset whose rows differ from its shipped file, in each database asked
    for. Silent while the app has migrations to apply (``migrate`` runs the checks before
    applying them, and a release migration may be among them), hence before the first
    ``migrate`` too."""
    if app_configs is not None and data.app_label not in {c.label for c in app_configs}:
        return []
    warnings = []
    for alias in databases or ():
        if _migrations_pending(data.app_label, alias):
            continue
        for dataset in data.datasets:
            model = global_apps.get_model(data.app_label, dataset.model)
            if not router.allow_migrate_model(alias, model):
                continue
            differences = database_differences(dataset, model, alias, shipped_rows(data, dataset))
            if not differences:
                continue
            shown = differences[:SHOWN_DIFFERENCES]
            if len(differences) > len(shown):
                shown.append(f"… and {len(differences) - len(shown)} more")
            app_path = Path(global_apps.get_app_config(data.app_label).path)
            file = dataset.shipped_file.relative_to(app_path.parent)
            warnings.append(
                checks.Warning(
                    f"The {dataset.label} of database {alias!r} differ from {file} "
                    f"({len(differences)} difference(s)):\n\t" + "\n\t".join(shown),
                    hint=(
                        "An administrator's edit, or rows changed outside a release. A release "
                        f"migration overwrites the shipped rows it ships; manage.py "
                        f"{data.load_command} applies the shipped files now (adds the missing "
                        "rows, overwrites edited shipped rows). Neither touches a row entered "
                        "by hand nor deletes a row."
                    ),
                    obj=model,
                    id=dataset.check_id,
                )
            )
    return warnings
