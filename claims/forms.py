"""Forms of the claims app (crispy-forms, Bootstrap 5). They only parse input: the rules (BCE,
IBAN, duplicates, dates, amounts, upload type and size, joining) are the services'."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import validate_enterprise_number
from cases.forms import date_field
from cases.models import Applicant, Case
from cases.validators import validate_iban
from core.forms import MoneyField, parse_amount  # noqa: F401 (re-exported)
from core.text import validate_single_line

from . import registry
from .models import (
    ClaimNature,
    ClaimStatus,
    Creditor,
    PlanRank,
    Privilege,
    Representation,
    Representative,
    RepresentativeRole,
    validate_bic,
    validate_country,
)
from .selectors import claims_of_case
from .services import ClaimData, ContactData


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


# Directory ------------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200, validators=[validate_single_line])
    enterprise_number = forms.CharField(
        label=_("Numéro d'entreprise (BCE)"),
        max_length=20,
        required=False,
        validators=[validate_enterprise_number],
        help_text=_("Par exemple 0202.239.951"),
    )
    contact_person = forms.CharField(label=_("Personne de contact"), max_length=200, required=False)
    address = forms.CharField(
        label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=32, required=False)
    iban = forms.CharField(
        label=_("IBAN"), max_length=42, required=False, validators=[validate_iban]
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=14,
        required=False,
        validators=[validate_bic],
        help_text=_("Vide pour un IBAN belge : complété d'après la banque."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.layout = Layout(*self._layout())

    def _layout(self):
        return [
            Row(Column("name", css_class="col-md-8"), Column("enterprise_number")),
            Row(Column("contact_person"), Column("email"), Column("phone")),
            "address",
            Row(Column("iban", css_class="col-md-8"), Column("bic")),
            "notes",
        ]

    def to_data(self) -> ContactData:
        c = self.cleaned_data
        return ContactData(
            name=c["name"],
            enterprise_number=c.get("enterprise_number") or "",
            address=c.get("address") or "",
            email=c.get("email") or "",
            phone=c.get("phone") or "",
            iban=c.get("iban") or "",
            bic=c.get("bic") or "",
            contact_person=c.get("contact_person") or "",
            notes=c.get("notes") or "",
            role=c.get("role") or "",
        )

    @classmethod
    def initial_from(cls, contact) -> dict:
        return {name: getattr(contact, name) for name in cls.base_fields}


class CreditorForm(ContactForm):
    country = forms.CharField(
        label=_("Pays (code ISO)"),
        max_length=2,
        required=False,
        initial="BE",
        validators=[validate_country],
        help_text=_("BE, FR, NL, DE… : un créancier établi à l'étranger a des délais plus longs."),
    )

    def _layout(self):
        first, *rest = super()._layout()
        return [
            Row(
                Column("name", css_class="col-md-6"),
                Column("enterprise_number"),
                Column("country", css_class="col-md-2"),
            ),
            *rest,
        ]

    def clean_country(self):
        return (self.cleaned_data.get("country") or "BE").strip().upper()

    def to_data(self) -> ContactData:
        data = super().to_data()
        data.country = self.cleaned_data.get("country") or "BE"
        return data


class RepresentativeForm(ContactForm):
    role = forms.ChoiceField(label=_("Qualité"), choices=RepresentativeRole.choices)

    def _layout(self):
        return [
            Row(Column("name", css_class="col-md-6"), Column("role"), Column("enterprise_number")),
            *super()._layout()[1:],
        ]


# Claims ---------------------------------------------------------------------------------


class ApplicantChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Applicant) -> str:
        return obj.full_name


class RepresentationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Representation) -> str:
        label = f"{obj.representative.name} — {obj.creditor.name}"
        return f"{label} ({obj.file_reference})" if obj.file_reference else label


class ClaimForm(forms.Form):
    creditor = forms.ModelChoiceField(
        label=_("Créancier"),
        queryset=Creditor.objects.none(),
        empty_label=_("— Choisir dans l'annuaire —"),
    )
    creditor_reference = forms.CharField(
        label=_("Référence du créancier"), max_length=100, required=False
    )
    nature = forms.ChoiceField(
        label=_("Nature"), choices=[("", _("— Choisir la nature —"))] + ClaimNature.choices
    )
    principal = MoneyField(label=_("Principal (€)"))
    interest = MoneyField(label=_("Intérêts (€)"), required=False)
    costs = MoneyField(label=_("Frais (€)"), required=False)
    declared_on = date_field(_("Déclarée le"), required=True)
    status = forms.ChoiceField(label=_("Statut"), choices=ClaimStatus.choices)
    privilege = forms.ChoiceField(label=_("Privilège"), choices=Privilege.choices)
    interest_after_admissibility = MoneyField(
        label=_("Intérêts courus après l'admissibilité (€, non admis)"), required=False
    )
    admitted_amount = MoneyField(
        label=_("Montant admis (€)"),
        required=False,
        # Empty means "the declared amount": a "0,00" placeholder would suggest nothing admitted.
        widget=forms.TextInput(attrs={"placeholder": _("Montant déclaré")}),
        help_text=_("Vide : le montant déclaré, sans les intérêts postérieurs à l'admissibilité."),
    )
    admitted_reason = forms.CharField(
        label=_("Motif du montant admis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire si le montant admis dépasse le montant déclaré."),
    )
    plan_rank = forms.ChoiceField(
        label=_("Rang dans le plan"),
        choices=PlanRank.choices,
        initial=PlanRank.COMMON,
        required=False,
    )
    rank_reason = forms.CharField(
        label=_("Motif du rang"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un rang avant le rang commun (l'égalité est la règle)."),
    )
    # the case's assets (claims.registry: the assets app above this one provides them)
    secured_asset = forms.TypedChoiceField(
        label=_("Bien grevé de l'hypothèque"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Pour le rang « hypothèque sur un bien conservé » : le bien du patrimoine que le "
            "requérant conserve et sur lequel porte l'hypothèque."
        ),
    )
    debtors = ApplicantChoiceField(
        label=_("Débiteur(s)"),
        queryset=Applicant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : tous les requérants."),
    )
    paid_off_on = date_field(_("Soldée le"))
    representation = RepresentationChoiceField(
        label=_("Intermédiaire (huissier, bureau de recouvrement…)"),
        queryset=Representation.objects.none(),
        required=False,
        empty_label=_("— Aucun : le créancier lui-même —"),
    )
    declaration_file = forms.FileField(
        label=_("Déclaration (PDF ou image)"),
        required=False,
        widget=forms.FileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"}
        ),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["creditor"].queryset = Creditor.objects.filter(
            organisation_id=case.organisation_id
        ).order_by("name")
        self.fields["debtors"].queryset = case.applicants.order_by("position")
        self.fields["representation"].queryset = (
            Representation.objects.filter(case=case)
            .select_related("representative", "creditor")
            .order_by("creditor__name", "representative__name")
        )
        self.fields["secured_asset"].choices = [
            ("", _("— Aucun —")),
            *registry.secured_asset_choices(case),
        ]
        self.helper = _helper()  # laid out in claims/claim_form.html (links beside fields)

    def clean_interest(self):
        value = self.cleaned_data.get("interest")
        return Decimal("0.00") if value is None else value

    def clean_costs(self):
        value = self.cleaned_data.get("costs")
        return Decimal("0.00") if value is None else value

    def clean_interest_after_admissibility(self):
        value = self.cleaned_data.get("interest_after_admissibility")
        return Decimal("0.00") if value is None else value

    def to_data(self) -> ClaimData:
        c = self.cleaned_data
        return ClaimData(
            creditor=c["creditor"],
            principal=c["principal"],
            interest=c["interest"],
            costs=c["costs"],
            declared_on=c["declared_on"],
            nature=c["nature"],
            creditor_reference=c.get("creditor_reference") or "",
            status=c["status"],
            privilege=c["privilege"],
            paid_off_on=c.get("paid_off_on"),
            representation=c.get("representation"),
            debtors=list(c.get("debtors") or []),
            interest_after_admissibility=c.get("interest_after_admissibility") or Decimal("0.00"),
            admitted_amount=c.get("admitted_amount"),
            admitted_reason=c.get("admitted_reason") or "",
            plan_rank=c.get("plan_rank") or PlanRank.COMMON,
            rank_reason=c.get("rank_reason") or "",
            secured_asset=c.get("secured_asset"),
        )

    @staticmethod
    def initial_from(claim) -> dict:
        return {
            "creditor": claim.creditor_id,
            "creditor_reference": claim.creditor_reference,
            "nature": claim.nature,
            "principal": claim.principal,
            "interest": claim.interest,
            "costs": claim.costs,
            "declared_on": claim.declared_on,
            "status": claim.status,
            "privilege": claim.privilege,
            "debtors": list(claim.debtors.all()),
            "paid_off_on": claim.paid_off_on,
            "representation": claim.representation_id,
            "interest_after_admissibility": claim.interest_after_admissibility,
            "admitted_amount": claim.admitted_amount,
            "admitted_reason": claim.admitted_reason,
            "plan_rank": claim.plan_rank,
            "rank_reason": claim.rank_reason,
            "secured_asset": registry.secured_asset_of(claim),
        }


class RepresentationForm(forms.Form):
    creditor = forms.ModelChoiceField(
        label=_("Pour le créancier"),
        queryset=Creditor.objects.none(),
        empty_label=_("— Choisir dans l'annuaire —"),
    )
    representative = forms.ModelChoiceField(
        label=_("Intermédiaire"),
        queryset=Representative.objects.none(),
        empty_label=_("— Choisir dans l'annuaire —"),
    )
    file_reference = forms.CharField(
        label=_("Référence du dossier chez l'intermédiaire"), max_length=100, required=False
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        org = case.organisation_id
        self.fields["creditor"].queryset = Creditor.objects.filter(organisation_id=org).order_by(
            "name"
        )
        self.fields["representative"].queryset = Representative.objects.filter(
            organisation_id=org
        ).order_by("name")
        self.helper = _helper()
        self.helper.layout = Layout(
            Row(Column("creditor"), Column("representative"), Column("file_reference"))
        )


class ClaimChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.creditor.name} {obj.creditor_reference}".strip()


class JoinForm(forms.Form):
    claims = ClaimChoiceField(
        label=_("Créances à joindre"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    label = forms.CharField(
        label=_("Intitulé de la position jointe"),
        max_length=200,
        required=False,
        help_text=_("Par exemple : Partena — 3 dossiers de l'huissier joints en un plan"),
    )
    note = forms.CharField(
        label=_("Remarque"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = claims_of_case(case)
        self.helper = _helper()


# Declarations and their clocks ----------------------------------------------------------


class KnownCreditorForm(forms.Form):
    creditor = forms.ModelChoiceField(
        label=_("Créancier connu (requête, annuaire)"),
        queryset=Creditor.objects.none(),
        empty_label=_("— Choisir dans l'annuaire —"),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["creditor"].queryset = Creditor.objects.filter(
            organisation_id=case.organisation_id
        ).order_by("name")


class ReminderForm(forms.Form):
    sent_on = date_field(_("Rappel recommandé envoyé le"), required=True)
    received_on = date_field(
        _("Reçu le"), help_text=_("La réception ouvre le dernier délai (15, 30 ou 50 jours).")
    )


class TimeBarForm(forms.Form):
    on = date_field(_("Forclos depuis le"), required=True)
    note = forms.CharField(label=_("Motif"), max_length=255)
