"""The assets app (issue 17): an asset and its valuation, the court's order, the sale and its
net proceeds in the mediation account and in ``sale_proceeds``; bad input names its field and
saves nothing; the "Patrimoine" tab and its forms."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assets.models import Asset, AssetDecision
from assets.selectors import sale_proceeds
from assets.services import AssetData, asset_authorise, asset_create, asset_sell, asset_update
from ledger.models import Entry
from ledger.services import account_open

from .life_helpers import house, today

D = Decimal


def authorised(world, asset, decision=AssetDecision.SELL):
    return asset_authorise(
        asset=asset,
        decision=decision,
        decision_date=date(2023, 3, 1),
        decision_reference="Rép. 2023/55",
        by=world.mediator,
        today=today(),
    )


def sell(world, asset, **kw):
    values = {
        "sale_date": date(2023, 4, 1),
        "sale_price": D("9000.00"),
        "sale_costs": D("500.00"),
        "by": world.mediator,
        "today": today(),
    }
    values.update(kw)
    return asset_sell(asset=asset, **values)


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"kind": "yacht"}, "kind"),
        ({"description": "  "}, "description"),
        ({"description": "Maison\nrue"}, "description"),
        ({"valuation_date": None}, "valuation_date"),
        ({"valuation_amount": D("-1.00")}, "valuation_amount"),
        ({"valuation_amount": D("1.001")}, "valuation_amount"),
        ({"valuation_source": ""}, "valuation_source"),
    ],
)
def test_bad_asset_names_its_field_and_saves_nothing(world, changes, field):
    values = {
        "kind": "vehicle",
        "description": "Peugeot 208",
        "valuation_date": date(2022, 8, 1),
        "valuation_amount": D("8000.00"),
        "valuation_source": "Cote Argus",
    }
    values.update(changes)
    with pytest.raises(ValidationError) as exc:
        asset_create(case=world.case, data=AssetData(**values), by=world.mediator, today=today())
    assert field in exc.value.message_dict
    assert not Asset.objects.exists()


def test_future_valuation_is_refused(world):
    data = AssetData("savings", "Livret", today() + timedelta(days=2), D("10.00"), "Extrait")
    with pytest.raises(ValidationError) as exc:
        asset_create(case=world.case, data=data, by=world.mediator, today=today())
    assert "futur" in exc.value.message_dict["valuation_date"][0]


def test_no_sale_without_the_courts_authorisation(world):
    account_open(case=world.case, opened_on=date(2022, 6, 20))
    asset = house(world)
    with pytest.raises(ValidationError) as exc:
        sell(world, asset)
    assert "autorisé" in exc.value.messages[0]
    authorised(world, asset, AssetDecision.KEEP)
    with pytest.raises(ValidationError):
        sell(world, asset)
    asset.refresh_from_db()
    assert asset.sale_date is None and not Entry.objects.exists()


def test_authorisation_checks_its_fields(world):
    asset = house(world)
    with pytest.raises(ValidationError) as exc:
        asset_authorise(
            asset=asset,
            decision="give",
            decision_date=date(2022, 1, 1),
            decision_reference="",
            by=world.mediator,
            today=today(),
        )
    assert set(exc.value.message_dict) == {"decision", "decision_date", "decision_reference"}
    asset.refresh_from_db()
    assert asset.decision == ""


def test_sale_posts_the_net_proceeds_and_offers_them_to_the_plan(world):
    account_open(case=world.case, opened_on=date(2022, 6, 20))
    asset = authorised(world, house(world))
    asset = sell(world, asset)
    assert asset.net_proceeds == D("8500.00")
    entry = asset.proceeds_entry
    assert (entry.amount, entry.value_date, entry.authorisation) == (
        D("8500.00"),
        date(2023, 4, 1),
        "Rép. 2023/55",
    )
    assert sale_proceeds(world.case) == [
        (date(2023, 4, 1), D("8500.00"), entry.counterparty + " (ordonnance Rép. 2023/55)")
    ]
    assert sale_proceeds(world.other_case) == []
    # a sold asset is history
    with pytest.raises(ValidationError):
        sell(world, asset)
    with pytest.raises(ValidationError):
        asset_update(
            asset=asset,
            data=AssetData("real_estate", "x", date(2022, 8, 1), D("1.00"), "y"),
            by=world.mediator,
            today=today(),
        )


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"sale_date": None}, "sale_date"),
        ({"sale_date": date(2023, 2, 1)}, "sale_date"),  # before the order
        ({"sale_price": None}, "sale_price"),
        ({"sale_price": D("0.00")}, "sale_price"),
        ({"sale_costs": D("9000.00")}, "sale_costs"),  # nothing left
        ({"sale_costs": D("-1.00")}, "sale_costs"),
    ],
)
def test_bad_sale_names_its_field_and_posts_nothing(world, kw, field):
    account_open(case=world.case, opened_on=date(2022, 6, 20))
    asset = authorised(world, house(world))
    with pytest.raises(ValidationError) as exc:
        sell(world, asset, **kw)
    assert field in exc.value.message_dict
    asset.refresh_from_db()
    assert asset.sale_date is None and not Entry.objects.exists()


def test_sale_without_an_account_is_reported_on_the_date(world):
    asset = authorised(world, house(world))
    with pytest.raises(ValidationError) as exc:
        sell(world, asset)
    assert "compte" in exc.value.message_dict["sale_date"][0]
    asset.refresh_from_db()
    assert asset.sale_date is None


def test_tab_and_forms(client, world):
    client.force_login(world.mediator)
    url = reverse("assets:asset_create", args=[world.case.pk])
    response = client.post(
        url,
        {
            "kind": "vehicle",
            "description": "Peugeot 208",
            "valuation_date": "01/08/2022",
            "valuation_amount": "8.000,00",
            "valuation_source": "Cote Argus",
        },
    )
    assert response.status_code == 302
    asset = Asset.objects.get()
    assert asset.valuation_amount == D("8000.00")
    page = client.get(reverse("assets:case_assets", args=[world.case.pk])).content.decode()
    assert "Peugeot 208" in page and "8.000,00" in page
    # bad input: the form again with the error next to the field, nothing saved
    response = client.post(
        reverse("assets:asset_sell", args=[world.case.pk, asset.pk]),
        {"sale_date": "01/04/2023", "sale_price": "1.000,00"},
    )
    assert response.status_code == 200
    assert "pas autorisé la vente" in response.content.decode()
    asset.refresh_from_db()
    assert asset.sale_date is None
