"""Case forms (crispy-forms, Bootstrap 5). Forms only parse input; the rules are checked again
by the services, which are the single place where a case is written."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.dates import DATE_FORMAT
from core.divisions import Division
from core.forms import ListedModelChoiceField
from core.pricing import PricingMethod
from core.text import validate_single_line

from .registry import supervisor_counts
from .selectors import mediators_of
from .services import MAX_APPLICANTS, ApplicantData, CaseData
from .status import TRANSITION_LABELS, CaseStatus, allowed_next
from .validators import validate_iban, validate_national_number

DATE_WIDGET = forms.DateInput(format=DATE_FORMAT, attrs={"placeholder": "jj/mm/aaaa"})


def date_field(label, required=False, **kwargs):
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, **kwargs)


class CaseForm(forms.Form):
    reference = forms.CharField(
        label=_("Référence du médiateur"), max_length=64, validators=[validate_single_line]
    )
    division = forms.ChoiceField(
        label=_("Division du tribunal du travail"),
        choices=[("", _("— Choisir la division —"))] + list(Division.choices),
    )
    role_number = forms.CharField(
        label=_("Numéro de rôle"), max_length=64, required=False, validators=[validate_single_line]
    )
    mediator = forms.ModelChoiceField(label=_("Médiateur désigné"), queryset=User.objects.none())
    petition_date = date_field(_("Date de la requête"))
    admissibility_date = date_field(_("Date de l'ordonnance d'admissibilité"), required=True)
    mediator_designation_date = date_field(_("Date de désignation du médiateur"))
    creditors_notified_on = date_field(
        _("Notification de l'ordonnance aux créanciers"),
        help_text=_("Point de départ du délai de déclaration des créances (art. 1675/9 C.J.)."),
    )
    follow_up_start = date_field(
        _("Début du suivi (2,3°)"), help_text=_("Vide : la date d'admissibilité.")
    )
    homologation_date = date_field(_("Date d'homologation / du plan"))
    closure_date = date_field(_("Date de clôture"))
    pricing_method = forms.ChoiceField(
        label=_("Méthode de tarification des honoraires"),
        required=False,
        help_text=_("Vide : la méthode appliquée par défaut dans la division."),
    )
    account_iban = forms.CharField(
        label=_("IBAN du compte de médiation"),
        max_length=42,
        required=False,
        validators=[validate_iban],
    )
    household_adults = forms.IntegerField(label=_("Adultes du ménage"), min_value=1, initial=1)
    dependent_children = forms.IntegerField(label=_("Enfants à charge"), min_value=0, initial=0)
    household_note = forms.CharField(
        label=_("Composition du ménage"), max_length=255, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisation_id: int, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators_of(organisation_id)
        self.fields["pricing_method"].choices = [
            ("", _("Par défaut de la division"))
        ] + PricingMethod.choices()
        if editing:
            # The designated mediator changes only through a recorded replacement.
            del self.fields["mediator"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Procédure"),
                Row(Column("reference"), Column("division"), Column("role_number")),
                *([Row(Column("mediator"))] if not editing else []),
                Row(
                    Column("petition_date"),
                    Column("admissibility_date"),
                    Column("mediator_designation_date"),
                ),
                Row(Column("creditors_notified_on")),
                Row(Column("follow_up_start"), Column("homologation_date"), Column("closure_date")),
            ),
            Fieldset(
                _("Compte et honoraires"),
                Row(Column("account_iban"), Column("pricing_method")),
            ),
            Fieldset(
                _("Ménage"),
                Row(
                    Column("household_adults"),
                    Column("dependent_children"),
                    Column("household_note"),
                ),
                "notes",
            ),
        )

    def to_data(self) -> CaseData:
        c = self.cleaned_data
        return CaseData(
            reference=c["reference"],
            division=c["division"],
            admissibility_date=c["admissibility_date"],
            role_number=c.get("role_number") or "",
            petition_date=c.get("petition_date"),
            mediator_designation_date=c.get("mediator_designation_date"),
            creditors_notified_on=c.get("creditors_notified_on"),
            follow_up_start=c.get("follow_up_start"),
            homologation_date=c.get("homologation_date"),
            closure_date=c.get("closure_date"),
            pricing_method=c.get("pricing_method") or "",
            account_iban=c.get("account_iban") or "",
            household_adults=c.get("household_adults") or 1,
            dependent_children=c.get("dependent_children") or 0,
            household_note=c.get("household_note") or "",
            notes=c.get("notes") or "",
        )

    @staticmethod
    def initial_from(case) -> dict:
        return {
            "reference": case.reference,
            "division": case.division,
            "role_number": case.role_number,
            "petition_date": case.petition_date,
            "admissibility_date": case.admissibility_date,
            "mediator_designation_date": case.mediator_designation_date,
            "creditors_notified_on": case.creditors_notified_on,
            "follow_up_start": case.follow_up_start,
            "homologation_date": case.homologation_date,
            "closure_date": case.closure_date,
            "pricing_method": case.pricing_method,
            "account_iban": case.account_iban,
            "household_adults": case.household_adults,
            "dependent_children": case.dependent_children,
            "household_note": case.household_note,
            "notes": case.notes,
        }


class ApplicantForm(forms.Form):
    last_name = forms.CharField(label=_("Nom"), max_length=100, validators=[validate_single_line])
    first_name = forms.CharField(
        label=_("Prénom"), max_length=100, validators=[validate_single_line]
    )
    national_number = forms.CharField(
        label=_("N° de registre national"),
        max_length=20,
        required=False,
        validators=[validate_national_number],
        help_text=_("NN ou BIS, par ex. 85.07.30-033.28"),
    )
    birth_date = date_field(_("Date de naissance"))
    address = forms.CharField(
        label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    # The applicant edited (the service refuses one that is not of the case).
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def to_data(self) -> ApplicantData:
        c = self.cleaned_data
        return ApplicantData(
            pk=c.get("id"),
            last_name=c["last_name"],
            first_name=c["first_name"],
            national_number=c.get("national_number") or "",
            birth_date=c.get("birth_date"),
            address=c.get("address") or "",
            phone=c.get("phone") or "",
            email=c.get("email") or "",
        )

    @staticmethod
    def initial_from(applicant) -> dict:
        return {
            "id": applicant.pk,
            "last_name": applicant.last_name,
            "first_name": applicant.first_name,
            "national_number": applicant.national_number,
            "birth_date": applicant.birth_date,
            "address": applicant.address,
            "phone": applicant.phone,
            "email": applicant.email,
        }


class BaseApplicantFormSet(forms.BaseFormSet):
    def applicants(self) -> list[ApplicantData]:
        return [
            f.to_data()
            for f in self.forms
            # an applicant already saved counts even when its form is left untouched
            if (f.has_changed() or f.initial) and f.is_valid() and not self._should_delete_form(f)
        ]


ApplicantFormSet = formset_factory(
    ApplicantForm,
    formset=BaseApplicantFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_APPLICANTS,
    validate_min=True,
    validate_max=True,
    absolute_max=MAX_APPLICANTS,
    can_delete=True,
)


def applicant_formset(data=None, initial=None) -> forms.BaseFormSet:
    formset = ApplicantFormSet(data=data, initial=initial, prefix="applicants")
    formset.helper = FormHelper()
    formset.helper.form_tag = False
    formset.helper.disable_csrf = True
    return formset


class StatusChangeForm(forms.Form):
    # A CharField (not a ChoiceField) so that a disallowed status reaches the service, whose
    # message names the legal transitions, instead of a generic "invalid choice".
    to_status = forms.CharField(label=_("Nouveau statut"), widget=forms.Select)
    decision_date = date_field(_("Date de la décision"), required=True)
    note = forms.CharField(
        label=_("Remarque"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, current_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = allowed_next(current_status)
        self.fields["to_status"].widget.choices = [
            (s, f"{CaseStatus(s).label} — {TRANSITION_LABELS.get(s, '')}")
            for s in CaseStatus.values
            if s in allowed
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_to_status(self):
        value = self.cleaned_data["to_status"]
        if value not in CaseStatus.values:
            raise forms.ValidationError(_("Statut inconnu."))
        return value


class ReplaceMediatorForm(forms.Form):
    new_mediator = forms.ModelChoiceField(
        label=_("Nouveau médiateur"), queryset=User.objects.none()
    )
    replacement_date = date_field(_("Date du remplacement (ordonnance)"), required=True)
    reason = forms.CharField(label=_("Motif"), max_length=255)

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_mediator"].queryset = mediators_of(organisation_id)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False)
    division = forms.ChoiceField(label=_("Division"), required=False)
    mediator = ListedModelChoiceField(
        label=_("Médiateur"), required=False, queryset=User.objects.none()
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    # A count of the supervisor's overview (plan arrears, overdue reports...): its list.
    flag = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flag"].choices = [("", "")] + [
            (spec.key, spec.label) for spec in supervisor_counts()
        ]
        self.fields["status"].choices = [("", _("Tous"))] + list(CaseStatus.choices)
        self.fields["division"].choices = [("", _("Toutes"))] + list(Division.choices)
        if organisation_id:
            # Their names only: the label is ``str(user)`` (issue 15).
            self.fields["mediator"].queryset = mediators_of(organisation_id).only(
                "id", "username", "first_name", "last_name"
            )
        self.fields["mediator"].empty_label = _("Tous")
        # Written as plain Bootstrap fields in the caseload's filter bar (no crispy layout: the
        # list is the busiest page, issue 15).
        for name in ("status", "division", "mediator"):
            self.fields[name].widget.attrs["class"] = "form-select"
