"""Forms of the fees app (crispy-forms, Bootstrap 5). They only parse input: the rules (fees.md
§6–§9) are checked by ``fees.services``."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.forms import date_field
from core.dates import format_date
from core.forms import ListedModelChoiceField, MoneyField
from core.money import format_eur

from .models import InterventionReason, Occasion, RemissionType, ServiceKind


class ServiceForm(forms.Form):
    """A billable act recorded by hand: a letter or a substantive e-mail sent outside the app,
    a hearing, a homologation request, a failure report, a revision, travel, a cost..."""

    kind = forms.ChoiceField(
        label=_("Prestation"), choices=[("", _("— Choisir la prestation —"))] + ServiceKind.choices
    )
    date = date_field(_("Date"), required=True)
    quantity = forms.IntegerField(
        label=_("Quantité"),
        initial=1,
        help_text=_(
            "Nombre de lettres ou de courriels, de destinataires d'une circulaire, de trajets "
            "identiques."
        ),
    )
    km = forms.DecimalField(
        label=_("Kilomètres"),
        required=False,
        max_digits=8,
        decimal_places=1,
        localize=True,
        help_text=_("Déplacement : kilomètres d'un trajet."),
    )
    amount = MoneyField(
        label=_("Montant des frais (€)"),
        required=False,
        help_text=_("Frais administratifs : montant payé."),
    )
    registered_postage = MoneyField(label=_("Port recommandé par lettre (€)"), required=False)
    mediator = ListedModelChoiceField(label=_("Médiateur"), queryset=User.objects.none())
    note = forms.CharField(label=_("Remarque"), max_length=255, required=False)

    def __init__(self, *args, mediators, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators
        # Laid out in fees/case_services.html with ``{% bs_field %}`` (issue 15: crispy's
        # templates cost some 1.4 ms a field on the case's tab).


class StatementForm(forms.Form):
    """The period ``[from, to)`` and the occasion of a fee statement (fees.md §7, §8)."""

    period_from = date_field(_("Du (inclus)"), required=True)
    period_to = date_field(
        _("Jusqu'au (exclu)"),
        required=True,
        help_text=_(
            "Premier jour qui n'est plus compris : pour un rapport annuel, la date anniversaire "
            "de l'admissibilité."
        ),
    )
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    reason = forms.CharField(
        label=_("Motivation (provision)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Une provision ne se demande que sur requête expresse et motivée."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("period_from"), Column("period_to"), Column("occasion")), "reason"
        )


def money_field(label, required=True, **kwargs) -> MoneyField:
    return MoneyField(label=label, required=required, **kwargs)


class TaxationOrderForm(forms.Form):
    """The judge's taxation: overall amount (required) and, optionally, the amount allowed for
    each line the order reduces."""

    order_date = date_field(_("Date de l'ordonnance"), required=True)
    reference = forms.CharField(label=_("Référence"), max_length=100, required=False)
    allowed_amount = money_field(
        _("Montant taxé, TVA et frais compris (€)"),
        help_text=_("Ce que le médiateur peut prélever sur le compte de médiation."),
    )
    judge_note = forms.CharField(
        label=_("Motivation ou remarque du juge"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = money_field(
                line.label, required=False, help_text=_("Vide : ligne admise telle quelle.")
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def line_amounts(self) -> dict[int, object]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") for line in self.lines}

    def line_fields(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]


class InterventionForm(forms.Form):
    prepared_on = date_field(_("Date de la demande"), required=True)
    remission_type = forms.ChoiceField(label=_("Remise de dettes"), choices=RemissionType.choices)
    reason = forms.ChoiceField(
        label=_("Pourquoi le compte ne peut payer"), choices=InterventionReason.choices
    )
    explanation = forms.CharField(
        label=_("Explication"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Pourquoi la réserve constituée et le disponible du requérant ne suffisent pas à payer "
            "les honoraires dans un délai raisonnable."
        ),
    )
    amount_requested = money_field(_("Montant demandé (€)"))
    decision_date = date_field(_("Date de la décision du juge"))
    decision_reference = forms.CharField(
        label=_("Référence de la décision"), max_length=100, required=False
    )
    special_reasoning = forms.CharField(
        label=_("Motivation spéciale (au-delà du plafond)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sans remise de dettes, l'intervention est plafonnée par dossier sauf décision "
            "spécialement motivée du juge : reprenez-en la motivation."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("prepared_on"), Column("amount_requested")),
            Row(Column("remission_type"), Column("reason")),
            "explanation",
            Row(Column("decision_date"), Column("decision_reference")),
            "special_reasoning",
        )


class InterventionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=())
    on = date_field(_("Date"), required=True)
    amount = money_field(_("Montant (accordé ou payé)"), required=False)
    platform_reference = forms.CharField(
        label=_("Référence DebtMediation"), max_length=100, required=False
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = list(choices)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("status"), Column("on")), Row(Column("amount"), Column("platform_reference"))
        )


class JustRestartPaymentForm(forms.Form):
    """The journal entry that paid a JustRestart invoice. The list offers the case's outgoing
    entries; the service checks whatever is posted (another case's entry is refused plainly)."""

    entry = forms.IntegerField(
        label=_("Écriture du journal qui a payé la redevance"),
        widget=forms.Select(),
        error_messages={"required": _("Choisissez l'écriture du journal.")},
    )

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].widget.choices = [("", _("— Choisir l'écriture —"))] + [
            (
                entry.pk,
                f"n° {entry.sequence} · {format_date(entry.value_date)} · "
                f"{format_eur(entry.amount)} · {entry.get_category_display()}"
                + (f" · {entry.counterparty}" if entry.counterparty else ""),
            )
            for entry in entries
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
