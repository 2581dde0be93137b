"""The importer maps each refusal of the owners' services (their validate-only entry points) to
the JSON path of the bundle member it came from; the rules themselves live in the services."""

import copy
from datetime import date

import pytest
from django.apps import apps

from bundles.importer import BundleInvalid, bundle_import
from tests.test_bundles import read

TODAY = date(2026, 11, 24)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def refused(document: dict, slug: str = "org-a") -> dict[str, list[str]]:
    """The problems of a refused bundle by path; nothing may have been written."""
    before = row_counts()
    with pytest.raises(BundleInvalid) as exc:
        bundle_import(document=copy.deepcopy(document), organisation_slug=slug, today=TODAY)
    assert row_counts() == before
    problems: dict[str, list[str]] = {}
    for problem in exc.value.problems:
        problems.setdefault(problem.path, []).append(problem.message)
    return problems


@pytest.mark.django_db
def test_a_service_extension_naming_no_service_is_refused_at_its_index():
    document = read("minimal-case.json")
    document["services"] = [{"date": "2024-09-10", "kind": "letter"}]
    document["extensions"] = {
        "layout": "rcd-workbench/1",
        "services": [{"index": 4, "mediator": {"name": "Anne Autre", "profession": "lawyer"}}],
    }
    problems = refused(document)
    assert list(problems) == ["$.extensions.services[0].index"]
    assert "n° 4" in problems["$.extensions.services[0].index"][0]
