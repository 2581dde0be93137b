"""Access rows of the "Patrimoine" tab (assets app): the tab and the forms of an asset. Another
organisation's case or asset is a 404, never a 403."""

from datetime import date
from decimal import Decimal

from assets.services import AssetData, asset_create

from . import CASE_READ, CASE_WRITE_PAGE
from .budget import OTHER_CASE_READ, OTHER_CASE_WRITE_PAGE


def _asset(case, by):
    return asset_create(
        case=case,
        data=AssetData("vehicle", "Peugeot 208", date(2022, 8, 1), Decimal("8000.00"), "Argus"),
        by=by,
        today=date(2026, 1, 1),
    )


def objects(world) -> dict:
    return {
        "asset": _asset(world.case, world.mediator),
        "asset_other": _asset(world.other_case, world.other_mediator),
    }


def _own(o):
    return [o["case"].pk, o["asset"].pk]


def _other(o):
    return [o["other_case"].pk, o["asset_other"].pk]


def _crossed(o):
    return [o["case"].pk, o["asset_other"].pk]


CROSSED_WRITE = {**CASE_WRITE_PAGE, "mediator": 404, "administrator": 404}

MATRIX = {
    "assets:case_assets": ("get", lambda o: [o["case"].pk], CASE_READ),
    "assets:asset_create": ("get", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    "assets:asset_edit": ("get", _own, CASE_WRITE_PAGE),
    "assets:asset_authorise": ("get", _own, CASE_WRITE_PAGE),
    "assets:asset_sell": ("get", _own, CASE_WRITE_PAGE),
}

EXTRA = [
    ("assets:case_assets", "get", lambda o: [o["other_case"].pk], OTHER_CASE_READ),
    ("assets:asset_edit", "get", _other, OTHER_CASE_WRITE_PAGE),
    ("assets:asset_sell", "get", _other, OTHER_CASE_WRITE_PAGE),
    # organisation B's asset through organisation A's case: never reachable
    ("assets:asset_edit", "get", _crossed, CROSSED_WRITE),
    ("assets:asset_authorise", "post", _crossed, CROSSED_WRITE),
    ("assets:asset_sell", "post", _crossed, CROSSED_WRITE),
    # posting nothing: the form again with its errors (200), nothing saved
    ("assets:asset_create", "post", lambda o: [o["case"].pk], CASE_WRITE_PAGE),
    ("assets:asset_sell", "post", _own, CASE_WRITE_PAGE),
]
