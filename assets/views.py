"""The case's "Patrimoine" tab: the applicant's assets, their valuation, the court's orders and
the sales. Thin: the forms parse, ``assets.services`` decides, ``assets.selectors`` reads
through the case the user may see (``core.case_views``: another organisation's case or asset is
a 404, a reader who may not change the case gets a 403 on the forms)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import role_required
from core.case_views import case_context, case_for_edit, case_for_user
from core.forms import apply_errors
from core.money import format_eur
from core.roles import CASE_ROLES, Role

from . import selectors, services
from .forms import AssetForm, AuthoriseForm, SaleForm

WRITERS = (Role.MEDIATOR, Role.ADMINISTRATOR)


@role_required(*CASE_ROLES)
def case_assets(request, pk: int):
    case = case_for_user(request, pk)
    context = case_context(request, case, "assets")
    context.update(
        {
            "assets": list(selectors.assets_with_mortgages(case)),
            "proceeds": selectors.sale_proceeds(case),
            "total_valuation": selectors.total_valuation(case),
        }
    )
    return render(request, "assets/assets.html", context)


def _form_page(request, case, form, *, title: str, asset=None, intro: str = ""):
    context = case_context(request, case, "assets")
    context.update({"form": form, "title": title, "asset": asset, "intro": intro})
    return render(request, "assets/form.html", context)


@role_required(*WRITERS)
def asset_create(request, pk: int):
    case = case_for_edit(request, pk)
    form = AssetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_create(
                case=case, data=form.to_data(), by=request.user, today=timezone.localdate()
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Bien enregistré."))
            return redirect("assets:case_assets", pk=case.pk)
    return _form_page(request, case, form, title=_("Nouveau bien"))


@role_required(*WRITERS)
def asset_edit(request, pk: int, asset_pk: int):
    case = case_for_edit(request, pk)
    asset = selectors.asset_get(case, asset_pk)
    initial = {
        name: getattr(asset, name)
        for name in ("kind", "description", "valuation_date", "valuation_amount")
    }
    initial.update({"valuation_source": asset.valuation_source, "note": asset.note})
    form = AssetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_update(
                asset=asset, data=form.to_data(), by=request.user, today=timezone.localdate()
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Bien modifié."))
            return redirect("assets:case_assets", pk=case.pk)
    return _form_page(request, case, form, title=_("Modifier le bien"), asset=asset)


@role_required(*WRITERS)
def asset_authorise(request, pk: int, asset_pk: int):
    case = case_for_edit(request, pk)
    asset = selectors.asset_get(case, asset_pk)
    form = AuthoriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_authorise(
                asset=asset,
                by=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(request, _("Ordonnance du tribunal enregistrée."))
            return redirect("assets:case_assets", pk=case.pk)
    intro = _(
        "Depuis l'admissibilité, le requérant ne dispose de ses biens qu'avec l'autorisation "
        "du tribunal (art. 1675/7 § 3 C.J.). La requête se dépose dans l'onglet « Requêtes »."
    )
    return _form_page(
        request, case, form, title=_("Ordonnance du tribunal"), asset=asset, intro=intro
    )


@role_required(*WRITERS)
def asset_sell(request, pk: int, asset_pk: int):
    case = case_for_edit(request, pk)
    asset = selectors.asset_get(case, asset_pk)
    form = SaleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            asset = services.asset_sell(
                asset=asset,
                sale_date=form.cleaned_data["sale_date"],
                sale_price=form.cleaned_data["sale_price"],
                sale_costs=form.cleaned_data.get("sale_costs"),
                by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            apply_errors(exc, form)
        else:
            messages.success(
                request,
                _("Vente enregistrée : %(amount)s versés au compte de médiation.")
                % {"amount": format_eur(asset.net_proceeds)},
            )
            return redirect("assets:case_assets", pk=case.pk)
    intro = _(
        "Le produit net (prix moins frais) est versé au compte de médiation et proposé au plan "
        "comme somme unique datée du jour de la vente (art. 1675/13 § 1 C.J.)."
    )
    return _form_page(request, case, form, title=_("Vente du bien"), asset=asset, intro=intro)
