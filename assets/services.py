"""Writes of the assets app: keyword-only, typed, atomic; every check first (a
``ValidationError`` keyed by field, French messages), then all saved or nothing.

- ``asset_create`` / ``asset_update``: the asset and its valuation (until it is sold);
- ``asset_authorise``: the court's order to sell it or let the applicant keep it (art. 1675/7
  §3 C.J.: no disposal without the court's authorisation);
- ``asset_sell``: the sale of an asset whose sale is authorised: its net proceeds (price less
  costs) are posted into the mediation account through ``ledger.services.entry_post`` in the
  same transaction (issue 17) and offered to the plan (``selectors.sale_proceeds``);
- ``secured_claim_errors`` / ``secured_claim_link``: the asset a claim's mortgage rank is
  secured on (issue 12, docs/plan-rules.md §1), reached by the claim services through
  ``claims.registry`` (``assets.secured``).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_changes, plain
from cases.models import Case
from cases.status import ACTIVE_STATUSES, CaseStatus
from claims.models import Claim, PlanRank
from core.dates import format_date
from core.money import CENT, MAX_AMOUNT, format_eur
from core.text import forbidden_characters
from ledger.models import Category, Direction
from ledger.services import EntryData, entry_post

from .models import Asset, AssetDecision, AssetKind, SecuredClaim


@dataclass
class AssetData:
    kind: str
    description: str
    valuation_date: date | None
    valuation_amount: Decimal | None
    valuation_source: str
    note: str = ""


def _money_error(value: Decimal | None, *, required: bool, positive: bool = False) -> str:
    if value is None:
        return _("Indiquez le montant.") if required else ""
    if value < 0 or (positive and value == 0):
        return _("Le montant doit être positif.")
    if value != value.quantize(CENT):
        return _("Le montant s'exprime au cent près.")
    if value > MAX_AMOUNT:
        return _("Le montant dépasse le maximum admis (%(max)s).") % {"max": format_eur(MAX_AMOUNT)}
    return ""


def _case_open_errors(case: Case) -> dict[str, str]:
    if case.status in ACTIVE_STATUSES:
        return {}
    return {
        "__all__": _("Le dossier est au statut « %(status)s » : son patrimoine ne change plus.")
        % {"status": CaseStatus(case.status).label}
    }


def asset_validate(*, case: Case, data: AssetData, today: date) -> None:
    """The checks of ``asset_create`` / ``asset_update`` without writing."""
    errors: dict[str, str] = dict(_case_open_errors(case))
    if data.kind not in AssetKind.values:
        errors["kind"] = _("Choisissez la nature du bien.")
    for name, label in (("description", _("la description")), ("valuation_source", _("la source"))):
        value = getattr(data, name).strip()
        if not value:
            errors[name] = _("Indiquez %(what)s.") % {"what": label}
        elif len(value) > 200:
            errors[name] = _("200 caractères au plus.")
        elif forbidden_characters(value):
            errors[name] = _("Une seule ligne, sans caractère de contrôle.")
    if data.valuation_date is None:
        errors["valuation_date"] = _("Indiquez la date de l'estimation.")
    elif data.valuation_date > today:
        errors["valuation_date"] = _("La date de l'estimation ne peut être dans le futur.")
    message = _money_error(data.valuation_amount, required=True)
    if message:
        errors["valuation_amount"] = message
    if errors:
        raise ValidationError(errors)


def _apply(asset: Asset, data: AssetData) -> None:
    asset.kind = data.kind
    asset.description = data.description.strip()
    asset.valuation_date = data.valuation_date
    asset.valuation_amount = data.valuation_amount
    asset.valuation_source = data.valuation_source.strip()
    asset.note = data.note.strip()


FIELDS = ["kind", "description", "valuation_date", "valuation_amount", "valuation_source"]


def _state(asset: Asset) -> dict:
    names = [*FIELDS, "decision", "decision_date", "decision_reference", "sale_date"]
    names += ["sale_price", "sale_costs"]
    return {name: plain(getattr(asset, name)) for name in names}


@transaction.atomic
def asset_create(*, case: Case, data: AssetData, by: User, today: date) -> Asset:
    case = Case.objects.select_for_update().get(pk=case.pk)
    asset_validate(case=case, data=data, today=today)
    asset = Asset(case=case, created_by=by)
    _apply(asset, data)
    asset.full_clean()
    asset.save()
    audit_changes(actor=by, case=case, obj=asset, before={}, after=_state(asset))
    return asset


@transaction.atomic
def asset_update(*, asset: Asset, data: AssetData, by: User, today: date) -> Asset:
    """Correct an asset or its valuation; a sold asset is history and does not change."""
    asset = Asset.objects.select_for_update().select_related("case").get(pk=asset.pk)
    if asset.is_sold:
        raise ValidationError(_("Ce bien est vendu : sa fiche ne se modifie plus."))
    asset_validate(case=asset.case, data=data, today=today)
    before = _state(asset)
    _apply(asset, data)
    asset.full_clean()
    asset.save()
    audit_changes(actor=by, case=asset.case, obj=asset, before=before, after=_state(asset))
    return asset


@transaction.atomic
def asset_authorise(
    *,
    asset: Asset,
    decision: str,
    decision_date: date | None,
    decision_reference: str,
    by: User,
    today: date,
) -> Asset:
    """Record the court's order on the asset: sale authorised, or kept (art. 1675/7 §3 C.J.).
    A later order replaces an earlier one until the asset is sold."""
    asset = Asset.objects.select_for_update().select_related("case").get(pk=asset.pk)
    case = asset.case
    errors: dict[str, str] = dict(_case_open_errors(case))
    if asset.is_sold:
        errors["__all__"] = _("Ce bien est déjà vendu.")
    if decision not in AssetDecision.values:
        errors["decision"] = _("Choisissez la décision du tribunal : vendre ou conserver.")
    if decision_date is None:
        errors["decision_date"] = _("Indiquez la date de l'ordonnance.")
    elif decision_date < case.admissibility_date:
        errors["decision_date"] = _("L'ordonnance ne peut précéder l'admissibilité (%(date)s).") % {
            "date": format_date(case.admissibility_date)
        }
    elif decision_date > today:
        errors["decision_date"] = _("La date de l'ordonnance ne peut être dans le futur.")
    reference = decision_reference.strip()
    if not reference:
        errors["decision_reference"] = _(
            "Indiquez la référence de l'ordonnance (n° de répertoire)."
        )
    elif len(reference) > 100 or forbidden_characters(reference):
        errors["decision_reference"] = _("Une seule ligne de 100 caractères au plus.")
    if errors:
        raise ValidationError(errors)
    before = _state(asset)
    asset.decision = decision
    asset.decision_date = decision_date
    asset.decision_reference = reference
    asset.full_clean()
    asset.save()
    audit_changes(actor=by, case=case, obj=asset, before=before, after=_state(asset))
    return asset


@transaction.atomic
def asset_sell(
    *,
    asset: Asset,
    sale_date: date | None,
    sale_price: Decimal | None,
    sale_costs: Decimal | None,
    by: User,
    today: date,
) -> Asset:
    """Record the sale of an asset whose sale the court authorised, and post its net proceeds
    (price less costs) into the mediation account: an entry "in" of category ``other``
    citing the court's order, dated the day of the sale (issue 17). The entry is linked on the
    asset; the ledger's own checks (account open, dates) are reported on ``sale_date``."""
    asset = Asset.objects.select_for_update().select_related("case").get(pk=asset.pk)
    case = asset.case
    errors: dict[str, str] = dict(_case_open_errors(case))
    if asset.is_sold:
        errors["__all__"] = _("Ce bien est déjà vendu (le %(date)s).") % {
            "date": format_date(asset.sale_date)
        }
    elif asset.decision != AssetDecision.SELL:
        errors["__all__"] = _(
            "Le tribunal n'a pas autorisé la vente de ce bien : enregistrez d'abord son "
            "ordonnance (art. 1675/7 § 3 C.J.)."
        )
    if sale_date is None:
        errors["sale_date"] = _("Indiquez la date de la vente.")
    elif sale_date > today:
        errors["sale_date"] = _("La date de la vente ne peut être dans le futur.")
    elif asset.decision_date and sale_date < asset.decision_date:
        errors["sale_date"] = _(
            "La vente ne peut précéder l'ordonnance qui l'autorise (%(date)s)."
        ) % {"date": format_date(asset.decision_date)}
    message = _money_error(sale_price, required=True, positive=True)
    if message:
        errors["sale_price"] = message
    costs = sale_costs if sale_costs is not None else Decimal("0.00")
    message = _money_error(costs, required=False)
    if message:
        errors["sale_costs"] = message
    elif sale_price is not None and "sale_price" not in errors and costs >= sale_price:
        errors["sale_costs"] = _(
            "Les frais de la vente dépassent son prix : aucun produit net à verser au compte."
        )
    if errors:
        raise ValidationError(errors)
    before = _state(asset)
    asset.sale_date = sale_date
    asset.sale_price = sale_price
    asset.sale_costs = costs
    entry_data = EntryData(
        value_date=sale_date,
        direction=Direction.IN,
        amount=asset.net_proceeds,
        category=Category.OTHER,
        counterparty=(_("Vente : %(asset)s") % {"asset": asset.description})[:200],
        authorisation=asset.decision_reference,
        note=_("Produit net de la vente (prix %(price)s, frais %(costs)s)")
        % {"price": format_eur(sale_price), "costs": format_eur(costs)},
    )
    try:
        entry = entry_post(case=case, data=entry_data, by=by, today=today)
    except ValidationError as exc:
        messages = exc.messages
        raise ValidationError({"sale_date": messages}) from exc
    asset.proceeds_entry = entry
    asset.full_clean()
    asset.save()
    audit_changes(actor=by, case=case, obj=asset, before=before, after=_state(asset))
    return asset


# The asset a mortgage rank is secured on (issue 12) ---------------------------------------------

SECURED_FIELD = "secured_asset"


def secured_claim_errors(*, case: Case, plan_rank: str, asset: int | None) -> dict[str, str]:
    """The rule of a mortgage on a kept asset (docs/plan-rules.md §1; art. 1675/13 §1 C.J.: the
    creditors share pro rata "sauf les causes légitimes de préférence"): the plan's rank
    ``mortgage`` is a preference on ONE asset the applicant keeps, not a general privilege.

    - only a claim ranked ``mortgage`` names the asset it is secured on;
    - the asset is one of the case's own (never another case's);
    - it is kept: not sold, and its sale not authorised by the court (art. 1675/7 §3,
      1675/13 §1 C.J.: the creditor secured on an asset that is sold is paid from its price,
      art. 1675/14bis C.J., not by a rank in the monthly distribution);
    - naming it is required when the case has assets recorded (without any, the "Patrimoine"
      tab is still to be filled: the plan's filing check warns, ``mortgage_asset_unnamed``).

    Field -> French message naming the field; empty when valid. Nothing is written here."""
    field = _("Bien grevé de l'hypothèque")
    if asset is None:
        if plan_rank == PlanRank.MORTGAGE and Asset.objects.filter(case=case).exists():
            return {
                SECURED_FIELD: _(
                    "Indiquez le bien grevé de l'hypothèque (champ « %(field)s ») : le rang « "
                    "hypothèque sur un bien conservé » vaut sur un bien du patrimoine que le "
                    "requérant conserve."
                )
                % {"field": field}
            }
        return {}
    if plan_rank != PlanRank.MORTGAGE:
        return {
            SECURED_FIELD: _(
                "Le champ « %(field)s » ne s'indique que pour le rang « hypothèque sur un bien "
                "conservé » : videz-le ou choisissez ce rang."
            )
            % {"field": field}
        }
    chosen = Asset.objects.filter(case=case, pk=asset).first()
    if chosen is None:
        return {
            SECURED_FIELD: _("Champ « %(field)s » : ce bien n'est pas au patrimoine de ce dossier.")
            % {"field": field}
        }
    if chosen.is_sold:
        return {
            SECURED_FIELD: _(
                "Champ « %(field)s » : %(asset)s est vendu (le %(date)s), le requérant ne le "
                "conserve plus ; le créancier hypothécaire est payé sur le prix de vente "
                "(art. 1675/14bis C.J.), pas par le rang « hypothèque sur un bien conservé »."
            )
            % {"field": field, "asset": chosen.description, "date": format_date(chosen.sale_date)}
        }
    if chosen.decision == AssetDecision.SELL:
        return {
            SECURED_FIELD: _(
                "Champ « %(field)s » : la vente de %(asset)s est autorisée (ordonnance du "
                "%(date)s, %(ref)s), le requérant ne le conserve pas ; le rang « hypothèque sur "
                "un bien conservé » ne s'applique pas."
            )
            % {
                "field": field,
                "asset": chosen.description,
                "date": format_date(chosen.decision_date),
                "ref": chosen.decision_reference,
            }
        }
    return {}


@transaction.atomic
def secured_claim_link(*, claim: Claim, asset: int | None) -> SecuredClaim | None:
    """Record the asset ``claim`` is secured on (``asset``: a pk the claim services validated
    with ``secured_claim_errors`` in the same transaction), or remove the link (None). The audit
    trail records the change (``assets.audit_trail``)."""
    current = SecuredClaim.objects.select_for_update().filter(claim=claim).first()
    if asset is None:
        if current is not None:
            current.delete()
        return None
    chosen = Asset.objects.get(case_id=claim.case_id, pk=asset)
    if current is None:
        return SecuredClaim.objects.create(claim=claim, asset=chosen)
    if current.asset_id != chosen.pk:
        current.asset = chosen
        current.save()
    return current
