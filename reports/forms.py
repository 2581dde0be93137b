"""The annual report's form: the period (first and last day, both included, as people say it)
and the mediator's account of how the procedure evolved. Parsing only; the rules are
``reports.services.check_report``'s."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import date_field

from .services import ReportData


class AnnualReportForm(forms.Form):
    period_from = date_field(_("Période du"), required=True)
    last_day = date_field(_("au (inclus)"), required=True)
    observations = forms.CharField(
        label=_("État et évolution de la procédure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Faits marquants de la période : revenus, ménage, démarches, difficultés, demandes "
            "au tribunal. Imprimé tel quel dans le rapport."
        ),
    )

    confirm_early = forms.BooleanField(
        label=_(
            "Je dépose ce rapport avant la fin de son année de suivi (demande du tribunal, "
            "fin du plan…)"
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("period_from"), Column("last_day")),
            "observations",
            "confirm_early",
        )

    def to_data(self) -> ReportData:
        c = self.cleaned_data
        return ReportData(
            period_from=c["period_from"],
            last_day=c["last_day"],
            observations=c.get("observations") or "",
            confirm_early=bool(c.get("confirm_early")),
        )
