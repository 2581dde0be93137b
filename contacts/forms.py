"""Forms of the negotiation log (crispy-forms, Bootstrap 5). They only parse input: the rules
are checked by ``contacts.services``."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import date_field
from cases.models import Case
from claims.models import Representative

from . import selectors
from .models import Channel, ContactEntry, Outcome, ThirdPartyKind
from .services import ContactData, ThirdPartyData


def _representative_label(representative: Representative, references: list[str]) -> str:
    if len(references) == 1:
        return _("%(name)s · réf. %(ref)s") % {"name": representative.name, "ref": references[0]}
    if references:
        return _("%(name)s · %(n)s dossiers") % {"name": representative.name, "n": len(references)}
    return representative.name


class RepresentativeSelect(forms.Select):
    """Options grouped per creditor, each carrying ``data-creditor`` so that the page can show
    only the representatives of the chosen creditor (the service checks it anyway)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_creditors: dict[str, int] = {}

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        for group_name, options, _index in groups:
            creditor = self.group_creditors.get(str(group_name)) if group_name else None
            for option in options:
                if creditor is not None:
                    option["attrs"] = {**option["attrs"], "data-creditor": str(creditor)}
        return groups


class ContactEntryForm(forms.Form):
    # "<creditor pk>", or "a<applicant pk>": a contact with the applicant (issue 17)
    creditor = forms.ChoiceField(
        label=_("Créancier ou requérant"),
        error_messages={
            "required": _("Choisissez le créancier concerné ou le requérant."),
            "invalid_choice": _("Choisissez un créancier de l'annuaire de l'organisation."),
        },
    )
    representative = forms.TypedChoiceField(
        label=_("Contact pris avec"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=RepresentativeSelect,
        error_messages={
            "invalid_choice": _("Choisissez un intermédiaire qui agit dans ce dossier."),
        },
        help_text=_("Le créancier lui-même, ou l'intermédiaire qui agit pour lui dans ce dossier."),
    )
    date = date_field(_("Date du contact"), required=True)
    channel = forms.ChoiceField(label=_("Moyen"), choices=Channel.choices)
    interlocutor = forms.CharField(
        label=_("Interlocuteur"),
        max_length=200,
        required=False,
        help_text=_("Personne ou service joint, par ex. « service recouvrement, Mme Leclercq »."),
    )
    summary = forms.CharField(
        label=_("Résumé"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Résumez le contact en quelques mots.")},
    )
    outcome = forms.ChoiceField(
        label=_("Résultat"),
        choices=[("", _("— Choisir —"))] + list(Outcome.choices),
        error_messages={"required": _("Choisissez le résultat du contact.")},
    )
    follow_up_on = date_field(
        _("Rappel le"),
        help_text=_(
            "Facultatif : le rappel figure dans la liste « À faire » jusqu'à ce qu'il soit fait."
        ),
    )
    close_open_follow_ups = forms.BooleanField(
        label=_(
            "Ce contact donne suite aux rappels ouverts pour ce créancier : les marquer comme faits"
        ),
        required=False,
        initial=True,
    )

    def __init__(
        self,
        *args,
        case: Case,
        entry: ContactEntry | None = None,
        known: selectors.CaseCreditors | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.case = case
        # The case's creditors, and the one chosen from the directory's search (submitted, preset
        # or the entry's): never the whole directory (issue 15).
        chosen = [self.data.get(self.add_prefix("creditor")), self.initial.get("creditor")]
        if entry is not None:
            chosen.append(entry.creditor_id)
        extra = {int(value) for value in chosen if str(value or "").isdigit()}
        choices = selectors.creditor_choices(case, extra_ids=extra, known=known)
        applicants = list(case.applicants.order_by("position"))
        groups = [(_("Requérant"), [(f"a{a.pk}", a.full_name) for a in applicants])]
        if choices.of_case:
            groups.append(
                (_("Créanciers du dossier"), [(str(c.pk), c.name) for c in choices.of_case])
            )
        if choices.directory:
            groups.append(
                (
                    _("Autre créancier de l'annuaire"),
                    [(str(c.pk), c.name) for c in choices.directory],
                )
            )
        self.fields["creditor"].choices = [("", _("— Choisir le créancier —"))] + groups
        self.has_creditors = bool(
            choices.of_case or choices.directory
        ) or selectors.directory_has_creditors(case)

        # One option per representative and creditor, grouped by creditor: the same bailiff
        # may act for two creditors (same value in two groups, which is harmless).
        per_creditor: dict[int, tuple[str, dict[int, tuple[Representative, list[str]]]]] = {}
        representations = (
            known.representations if known is not None else selectors.representations_of_case(case)
        )
        for r in representations:
            name, reps = per_creditor.setdefault(r.creditor_id, (r.creditor.name, {}))
            rep, refs = reps.setdefault(r.representative_id, (r.representative, []))
            if r.file_reference:
                refs.append(r.file_reference)
        if entry is not None and entry.representative_id:  # a representation removed since
            _name, reps = per_creditor.setdefault(entry.creditor_id, (entry.creditor.name, {}))
            reps.setdefault(entry.representative_id, (entry.representative, []))
        rep_groups = []
        widget = self.fields["representative"].widget
        widget.group_creditors = {}  # the widget copy is shallow: never share this mapping
        for creditor_id, (name, reps) in per_creditor.items():
            label = _("Pour %(creditor)s") % {"creditor": name}
            widget.group_creditors[str(label)] = creditor_id
            rep_groups.append(
                (
                    label,
                    [(pk, _representative_label(rep, refs)) for pk, (rep, refs) in reps.items()],
                )
            )
        self.fields["representative"].choices = [("", _("Le créancier directement"))] + rep_groups
        self.has_representatives = bool(rep_groups)

        editing = entry is not None
        if editing:
            del self.fields["close_open_follow_ups"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "creditor",
            "representative",
            Row(Column("date"), Column("channel")),
            "interlocutor",
            "summary",
            Row(Column("outcome"), Column("follow_up_on")),
            *([] if editing else ["close_open_follow_ups"]),
        )

    def to_data(self) -> ContactData:
        c = self.cleaned_data
        representative = None
        if c.get("representative"):
            representative = Representative.objects.filter(
                organisation_id=self.case.organisation_id, pk=c["representative"]
            ).first()
        party = c["creditor"]
        applicant = None
        creditor = None
        if party.startswith("a"):
            applicant = self.case.applicants.filter(pk=int(party[1:])).first()
            representative = None
        else:
            creditor = selectors.creditor_of_case_organisation(self.case, int(party))
        return ContactData(
            creditor=creditor,
            applicant=applicant,
            representative=representative,
            date=c["date"],
            channel=c["channel"],
            interlocutor=c.get("interlocutor") or "",
            summary=c["summary"],
            outcome=c["outcome"],
            follow_up_on=c.get("follow_up_on"),
        )

    @staticmethod
    def initial_from(entry: ContactEntry) -> dict:
        return {
            "creditor": f"a{entry.applicant_id}" if entry.applicant_id else entry.creditor_id,
            "representative": entry.representative_id,
            "date": entry.date,
            "channel": entry.channel,
            "interlocutor": entry.interlocutor,
            "summary": entry.summary,
            "outcome": entry.outcome,
            "follow_up_on": entry.follow_up_on,
        }


# The filter's choices for a side of the log rather than one creditor (issue 17).
APPLICANT = -1
CREDITORS = -2


class HistoryFilterForm(forms.Form):
    creditor = forms.TypedChoiceField(
        label=_("Créancier"),
        coerce=int,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    outcome = forms.ChoiceField(
        label=_("Résultat"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, case: Case, known: selectors.CaseCreditors | None = None, **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")  # the record form on the same page has id_*
        super().__init__(*args, **kwargs)
        of_case = known.of_case if known is not None else selectors.creditor_choices(case).of_case
        self.fields["creditor"].choices = [
            ("", _("Tous")),
            (APPLICANT, _("Le requérant")),
            (CREDITORS, _("Les créanciers")),
        ] + [(c.pk, c.name) for c in of_case]
        self.fields["outcome"].choices = [("", _("Tous"))] + list(Outcome.choices)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def filters(self) -> selectors.HistoryFilters:
        if not self.is_bound or not self.is_valid():
            return selectors.HistoryFilters()
        chosen = self.cleaned_data.get("creditor") or None
        party = {APPLICANT: "applicant", CREDITORS: "creditors"}.get(chosen, "")
        return selectors.HistoryFilters(
            creditor=None if party else chosen,
            outcome=self.cleaned_data.get("outcome") or "",
            party=party,
        )


class ThirdPartyForm(forms.Form):
    """A third party of the case (issue 17): parsing only, ``contacts.services`` decides."""

    kind = forms.ChoiceField(
        label=_("Qualité"), choices=[("", "—")] + list(ThirdPartyKind.choices), required=False
    )
    name = forms.CharField(label=_("Nom"), max_length=200, required=False)
    reference = forms.CharField(label=_("Référence"), max_length=100, required=False)
    address = forms.CharField(
        label=_("Adresse postale"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("kind"), Column("name")), Row(Column("reference"), Column("address"))
        )

    def to_data(self) -> ThirdPartyData:
        c = self.cleaned_data
        return ThirdPartyData(
            kind=c.get("kind") or "",
            name=c.get("name") or "",
            address=c.get("address") or "",
            reference=c.get("reference") or "",
        )
