"""Forms of the plans app (crispy-forms, Bootstrap 5). They only parse input: the rules (the
7-year limit, amounts, shares adding up, nobody paid beyond its claim) are the services'."""

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import date_field
from claims.forms import MoneyField
from core.dates import format_date

from . import estimates
from .models import AmountSource, FeeSource, Frequency, OneOffKind, PlanBasis, PlanKind
from .services import OneOffData, PlanData

# One-off sums entered on the plan form (tax refund, inheritance, sale): as many rows as the
# mediator needs ("Ajouter une ligne" adds one, a server round trip: no script, CSP-safe), at
# least ``ONE_OFF_ROWS`` on a new form, at most ``MAX_ONE_OFF_ROWS``.
ONE_OFF_ROWS = 3
MAX_ONE_OFF_ROWS = 60
ONE_OFF_PARTS = ("kind", "date", "amount", "label")
_ONE_OFF_KEY = re.compile(r"^one_off_(\d+)_(?:kind|date|amount|label)$")


def _posted_rows(data: Mapping) -> int:
    """How many one-off rows a posted form carries: its ``one_off_count`` and its row keys."""
    try:
        count = int(data.get("one_off_count") or 0)
    except (TypeError, ValueError):
        count = 0
    for key in data:
        match = _ONE_OFF_KEY.match(key)
        if match:
            count = max(count, int(match.group(1)))
    return count


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de plan"), choices=PlanKind.choices)
    start_date = date_field(_("Début du plan (premier mois)"), required=True)
    duration_months = forms.IntegerField(
        label=_("Durée (mois)"), widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    frequency_months = forms.TypedChoiceField(
        label=_("Périodicité des dividendes"),
        choices=Frequency.choices,
        coerce=int,
        help_text=_("Chaque versement est un paiement 2,2° : moins de versements, moins de frais."),
    )
    monthly_available = MoneyField(
        label=_("Montant mensuel disponible (€)"),
        help_text=_("Ce que le budget laisse chaque mois pour les honoraires et les créanciers."),
    )
    fee_provision = MoneyField(
        label=_("Provision pour frais et honoraires sur toute la durée (€)"),
        required=False,
        help_text=_("Prélevée en priorité sur chaque versement, avant tout dividende."),
    )
    fee_source = forms.CharField(widget=forms.HiddenInput, required=False)
    fee_estimate_amount = forms.CharField(widget=forms.HiddenInput, required=False)
    fee_estimate_note = forms.CharField(widget=forms.HiddenInput, required=False)
    allowance = forms.ChoiceField(
        label=_("Pécule de médiation (pour l'estimation)"),
        choices=[
            (estimates.ALLOWANCE_MONTHLY, _("Versé chaque mois par virement")),
            (estimates.ALLOWANCE_STANDING_ORDER, _("Versé par ordre permanent")),
            (estimates.ALLOWANCE_NONE, _("Ne pas compter")),
        ],
        required=False,
        initial=estimates.ALLOWANCE_MONTHLY,
    )
    legal_basis = forms.ChoiceField(
        label=_("Base légale du plan"),
        choices=PlanBasis.choices,
        initial=PlanBasis.AMICABLE,
        help_text=_(
            "Elle fixe ce que le plan peut remettre : plan amiable, ce que les parties acceptent ; "
            "art. 1675/12, pas de remise en capital ; art. 1675/13, remise en capital avec "
            "clause de retour à meilleure fortune ; art. 1675/13bis, remise totale."
        ),
    )
    opening_balance = MoneyField(
        label=_("Solde du compte de médiation au début du plan (€)"),
        required=False,
        help_text=_("Réparti au premier versement."),
    )
    exception_granted = forms.BooleanField(
        label=_(
            "Exception légale : plan de plus de 7 ans à la demande expresse et motivée du requérant"
        ),
        required=False,
    )
    exception_reason = forms.CharField(
        label=_("Motif de l'exception"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sauvegarde d'un élément du patrimoine, respect de la dignité humaine."),
    )
    exception_reference = forms.CharField(
        label=_("Référence de la demande ou de la décision"), max_length=100, required=False
    )
    court_count_from = date_field(
        _("Point de départ des 7 ans fixé par le tribunal (s'il en a fixé un autre)"),
        help_text=_(
            "À défaut, la loi le fixe : la décision d'admissibilité pour un plan amiable "
            "(art. 1675/10 §5 al. 3 C.J.), le jugement pour un plan judiciaire."
        ),
    )
    court_count_reason = forms.CharField(
        label=_("Motif de la décision du tribunal (point de départ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    court_count_reference = forms.CharField(
        label=_("Référence de la décision (point de départ)"), max_length=100, required=False
    )
    one_off_count = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Modalités particulières (imprimées dans le plan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    override_shares = forms.BooleanField(
        label=_("Fixer à la main la part mensuelle de chaque créancier"),
        required=False,
        help_text=_(
            "Les parts doivent totaliser exactement le disponible mensuel moins la provision "
            "mensuelle pour honoraires ; elles remplacent les rangs et le marc le franc."
        ),
    )

    def __init__(
        self,
        *args,
        creditors: list[tuple[str, str]] = (),
        one_off_rows: int | None = None,
        **kwargs,
    ):
        """``creditors``: (creditor key, name) of the plan, one share field each.
        ``one_off_rows``: how many one-off rows to show; by default those posted, or the
        initial ones plus an empty row (at least ``ONE_OFF_ROWS``)."""
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        if one_off_rows is None:
            if self.is_bound:
                one_off_rows = _posted_rows(self.data)
            else:
                one_off_rows = max(_posted_rows(self.initial) + 1, ONE_OFF_ROWS)
        one_off_rows = min(max(one_off_rows, 1), MAX_ONE_OFF_ROWS)
        self.one_off_rows: list[int] = list(range(1, one_off_rows + 1))
        self.initial["one_off_count"] = one_off_rows
        self.fields["one_off_count"].initial = one_off_rows
        for n in self.one_off_rows:
            self.fields[f"one_off_{n}_kind"] = forms.ChoiceField(
                label=_("Nature"), choices=OneOffKind.choices, required=False
            )
            self.fields[f"one_off_{n}_date"] = date_field(_("Date"))
            self.fields[f"one_off_{n}_amount"] = MoneyField(label=_("Montant (€)"), required=False)
            self.fields[f"one_off_{n}_label"] = forms.CharField(
                label=_("Libellé"), max_length=200, required=False
            )
        self.share_fields: list[tuple[str, str]] = []
        for key, name in creditors:
            field_name = f"share_{key}"
            self.fields[field_name] = MoneyField(label=name, required=False)
            self.share_fields.append((field_name, name))

    def share_bound_fields(self):
        return [self[name] for name, _label in self.share_fields]

    def one_off_bound_rows(self):
        return [
            (n, [self[f"one_off_{n}_{part}"] for part in ONE_OFF_PARTS]) for n in self.one_off_rows
        ]

    def clean(self):
        """Each one-off row is complete (date and amount) and positive; the messages name the
        row. Inside the plan's period: ``plans.engine.terms_errors`` (same keys)."""
        cleaned = super().clean()
        for n in self.one_off_rows:
            day, amount = cleaned.get(f"one_off_{n}_date"), cleaned.get(f"one_off_{n}_amount")
            label = (cleaned.get(f"one_off_{n}_label") or "").strip()
            if day is None and (amount is not None or label):
                self.add_error(
                    f"one_off_{n}_date",
                    _("Rentrée ponctuelle n° %(n)s : indiquez sa date.") % {"n": n},
                )
            if amount is None and (day is not None or label):
                self.add_error(
                    f"one_off_{n}_amount",
                    _("Rentrée ponctuelle n° %(n)s : indiquez son montant.") % {"n": n},
                )
            elif amount is not None and amount <= 0:
                self.add_error(
                    f"one_off_{n}_amount",
                    _("Rentrée ponctuelle n° %(n)s : le montant doit être positif.") % {"n": n},
                )
        return cleaned

    def _one_offs(self) -> list[OneOffData]:
        c = self.cleaned_data
        rows = []
        for n in self.one_off_rows:
            day, amount = c.get(f"one_off_{n}_date"), c.get(f"one_off_{n}_amount")
            if day is not None and amount is not None:
                rows.append(
                    OneOffData(
                        received_on=day,
                        amount=amount,
                        kind=c.get(f"one_off_{n}_kind") or OneOffKind.OTHER,
                        label=c.get(f"one_off_{n}_label") or "",
                        row=n,
                    )
                )
        return rows

    def estimate_amount(self) -> Decimal | None:
        try:
            return Decimal(self.cleaned_data.get("fee_estimate_amount") or "")
        except ArithmeticError:
            return None

    def to_data(self, *, budget: Decimal | None, budget_note: str = "") -> PlanData:
        c = self.cleaned_data
        provision = c.get("fee_provision")
        provision = Decimal("0.00") if provision is None else provision
        estimated = self.estimate_amount()
        from_estimate = c.get("fee_source") == FeeSource.ESTIMATE and estimated == provision
        shares = None
        if c.get("override_shares"):
            shares = {
                int(name.removeprefix("share_")): (
                    c.get(name) if c.get(name) is not None else Decimal("0.00")
                )
                for name, _label in self.share_fields
            }
        monthly = c["monthly_available"]
        from_budget = budget is not None and monthly == budget
        return PlanData(
            kind=c["kind"],
            start_date=c["start_date"],
            duration_months=c["duration_months"],
            frequency_months=c["frequency_months"],
            monthly_available=monthly,
            available_source=AmountSource.BUDGET if from_budget else AmountSource.MANUAL,
            available_note=budget_note if from_budget else "",
            fee_provision=provision,
            fee_source=FeeSource.ESTIMATE if from_estimate else FeeSource.MANUAL,
            fee_estimate_note=(c.get("fee_estimate_note") or "") if from_estimate else "",
            legal_basis=c["legal_basis"],
            opening_balance=c.get("opening_balance") or Decimal("0.00"),
            one_offs=self._one_offs(),
            exception_granted=c.get("exception_granted", False),
            exception_reason=c.get("exception_reason") or "",
            exception_reference=c.get("exception_reference") or "",
            court_count_from=c.get("court_count_from"),
            court_count_reason=c.get("court_count_reason") or "",
            court_count_reference=c.get("court_count_reference") or "",
            note=c.get("note") or "",
            shares=shares,
        )

    @classmethod
    def initial_from(cls, version) -> dict:
        initial = {
            name: getattr(version, name)
            for name in (
                "kind",
                "start_date",
                "duration_months",
                "frequency_months",
                "monthly_available",
                "fee_provision",
                "fee_source",
                "fee_estimate_note",
                "legal_basis",
                "opening_balance",
                "exception_granted",
                "exception_reason",
                "exception_reference",
                "court_count_from",
                "court_count_reason",
                "court_count_reference",
                "note",
                "override_shares",
            )
        }
        if version.fee_source == FeeSource.ESTIMATE:
            initial["fee_estimate_amount"] = str(version.fee_provision)
        for share in version.shares.all():
            initial[f"share_{share.creditor_id}"] = share.monthly_amount
        for n, one_off in enumerate(version.one_offs.all()[:MAX_ONE_OFF_ROWS], start=1):
            initial[f"one_off_{n}_kind"] = one_off.kind
            initial[f"one_off_{n}_date"] = one_off.received_on
            initial[f"one_off_{n}_amount"] = one_off.amount
            initial[f"one_off_{n}_label"] = one_off.label
        return initial

    @classmethod
    def values_with_rows(
        cls, data: Mapping, *, extra_rows: int = 0, sums: Iterable[tuple] = ()
    ) -> dict:
        """The posted values as the initial values of a new, unbound form (no error is shown
        while the mediator adds rows), with ``extra_rows`` empty one-off rows and the ``sums``
        (date, amount, label) appended as sale rows, unless a row has them already."""
        values = {
            key: data.get(key) for key in data if key not in ("csrfmiddlewaretoken", "action")
        }
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.BooleanField) and name not in values:
                values[name] = False
        rows = _posted_rows(data)
        present = {_parsed_row(values, n) for n in range(1, rows + 1)}
        # the first empty row receives the first sum
        used = [
            n
            for n in range(1, rows + 1)
            if values.get(f"one_off_{n}_date") or values.get(f"one_off_{n}_amount")
        ]
        rows = max(used) if used else 0
        for day, amount, label in sums:
            if (day, amount) in present:
                continue
            rows += 1
            values[f"one_off_{rows}_kind"] = OneOffKind.ASSET_SALE
            values[f"one_off_{rows}_date"] = _day_text(day)
            values[f"one_off_{rows}_amount"] = _amount_text(amount)
            values[f"one_off_{rows}_label"] = label
            present.add((day, amount))
        values["one_off_count"] = min(
            max(rows + extra_rows, _posted_rows(data) + extra_rows, 1), MAX_ONE_OFF_ROWS
        )
        return values

    @staticmethod
    def sums_initial(sums: Iterable[tuple], first_row: int = 1) -> dict:
        """Initial one-off rows for (date, amount, label) sums (asset sales), from ``first_row``."""
        initial = {}
        for n, (day, amount, label) in enumerate(sums, start=first_row):
            initial[f"one_off_{n}_kind"] = OneOffKind.ASSET_SALE
            initial[f"one_off_{n}_date"] = day
            initial[f"one_off_{n}_amount"] = amount
            initial[f"one_off_{n}_label"] = label
        return initial


def _parsed_row(values: Mapping, n: int) -> tuple[date | None, Decimal | None]:
    """A posted one-off row's (date, amount), None where unreadable."""
    parsed = []
    for field, key in ((date_field(""), "date"), (MoneyField(required=False), "amount")):
        try:
            parsed.append(field.clean(values.get(f"one_off_{n}_{key}") or None))
        except forms.ValidationError:
            parsed.append(None)
    return parsed[0], parsed[1]


def _day_text(day: date) -> str:
    return format_date(day)


def _amount_text(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


class ReviseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la révision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Changement de revenus ou de composition du ménage, héritage, nouvelle dette…"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ApproveForm(forms.Form):
    decision_date = date_field(_("Date de la décision du tribunal"), required=False)
    decision_reference = forms.CharField(
        label=_("Référence de la décision (n° de répertoire, R.G.)"), max_length=100, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class SendForm(forms.Form):
    creditors = forms.TypedMultipleChoiceField(
        label=_("Créanciers destinataires"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    copy_to_applicants = forms.BooleanField(
        label=_("Joindre une copie pour le(s) requérant(s)"), required=False, initial=True
    )
    sent_on = date_field(_("Date d'envoi"), required=True)
    registered = forms.BooleanField(
        label=_("Envoi recommandé (art. 1675/10, § 4 C.J.)"), required=False, initial=True
    )
    postage = MoneyField(label=_("Port recommandé par lettre (€)"), required=False)

    def __init__(self, *args, creditor_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["creditors"].choices = list(creditor_choices)
        self.helper = _helper()
