"""Writes of the budget app: a new version of the household budget, the living allowance fixed
on the current version. Keyword-only, atomic; a broken rule raises a ValidationError keyed by
the field at fault, in French, and nothing is saved."""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agenda.services import duties_settle
from cases.models import Case
from core.dates import format_date
from core.money import CENT, MAX_AMOUNT, format_eur
from core.translate import localize
from core.uploads import upload_suffix

from . import selectors
from .allowance import (
    INCOME_RULES,
    MAX_CHILDREN,
    AllowanceCheck,
    AllowanceFloors,
    Household,
    NoRowInForce,
    check_allowance,
    household_problem_phrases,
    negative_allowance,
)
from .allowance import IncomeKind as PureIncomeKind
from .allowance import RisCategory as PureRisCategory
from .models import (
    AllowanceDecision,
    BudgetVersion,
    ChargeKind,
    ChargeLine,
    Frequency,
    IncomeKind,
    IncomeLine,
    RisCategory,
)

MAX_ADULTS = 20
LABEL_LENGTH = 120


@dataclass(frozen=True)
class IncomeData:
    kind: str
    amount: Decimal
    label: str = ""
    person: int | None = None
    outside_case: bool = False  # the income of a partner outside the case (context only)


@dataclass(frozen=True)
class ChargeData:
    kind: str
    amount: Decimal
    label: str = ""
    paid_from_account: bool = False


@dataclass(frozen=True)
class BudgetData:
    date: date
    ris_category: str
    adults: int = 1
    dependent_children: int = 0
    incomes: list[IncomeData] = field(default_factory=list)
    partner_outside_case: bool = False
    charges: list[ChargeData] = field(default_factory=list)
    reason: str = ""
    note: str = ""


def _line_name(kind_label: str, number: int, label: str) -> str:
    name = label.strip() or kind_label
    return _("ligne %(n)s (%(name)s)") % {"n": number, "name": name}


def _amount_errors(amount, where: str) -> list[str]:
    if not isinstance(amount, Decimal):
        return [_("%(where)s : le montant mensuel est obligatoire.") % {"where": where}]
    if amount < 0:
        return [
            _("%(where)s : un montant du budget ne peut être négatif (%(amount)s).")
            % {"where": where, "amount": format_eur(amount)}
        ]
    if amount != amount.quantize(CENT):
        return [_("%(where)s : le montant s'exprime au cent près.") % {"where": where}]
    if amount > MAX_AMOUNT:
        return [_("%(where)s : le montant est trop élevé.") % {"where": where}]
    return []


@dataclass(frozen=True)
class BudgetHistory:
    """What a new version of a case's budget is checked against: the case's applicants (how
    many) and its latest version (its number and date; none yet: 0 and None)."""

    applicants: int
    latest_number: int = 0
    latest_date: date | None = None

    @classmethod
    def of(cls, case: Case) -> "BudgetHistory":
        """The case's, from the database."""
        latest = BudgetVersion.objects.filter(case=case).order_by("-number").first()
        return cls(
            applicants=case.applicants.count(),
            latest_number=latest.number if latest else 0,
            latest_date=latest.date if latest else None,
        )


def _income_errors(line: IncomeData, number: int, applicants: int) -> dict[str, list[str]]:
    """The rules of one income line (``number``: its place, which names it in the messages)."""
    if line.kind not in IncomeKind.values:
        return {
            "kind": [_("Revenu, ligne %(n)s : choisissez la nature du revenu.") % {"n": number}]
        }
    errors: dict[str, list[str]] = {}
    where = _("Revenu, %(line)s") % {
        "line": _line_name(IncomeKind(line.kind).label, number, line.label)
    }
    amount = _amount_errors(line.amount, where)
    if amount:
        errors["amount"] = amount
    if len(line.label) > LABEL_LENGTH:
        errors["label"] = [_("%(where)s : libellé trop long.") % {"where": where}]
    if line.outside_case and line.person is not None:
        errors["person"] = [
            _(
                "%(where)s : le revenu du conjoint ou partenaire hors procédure n'est pas celui "
                "d'un requérant ; laissez « Requérant » sur « Ménage »."
            )
            % {"where": where}
        ]
    elif line.person is not None and not 1 <= line.person <= applicants:
        errors["person"] = [
            _("%(where)s : ce requérant n'existe pas dans le dossier.") % {"where": where}
        ]
    under_scale = INCOME_RULES[PureIncomeKind(line.kind)].under_scale
    if line.person is None and applicants > 1 and under_scale and not line.outside_case:
        errors["person"] = [
            _(
                "%(where)s : indiquez le requérant qui perçoit ce revenu ; les limites de "
                "l'art. 1409 C.J. s'appliquent à chacun des deux requérants."
            )
            % {"where": where}
        ]
    return errors


def _charge_errors(line: ChargeData, number: int) -> dict[str, list[str]]:
    """The rules of one charge line (``number``: its place, which names it in the messages)."""
    if line.kind not in ChargeKind.values:
        return {
            "kind": [_("Charge, ligne %(n)s : choisissez la nature de la charge.") % {"n": number}]
        }
    errors: dict[str, list[str]] = {}
    where = _("Charge, %(line)s") % {
        "line": _line_name(ChargeKind(line.kind).label, number, line.label)
    }
    amount = _amount_errors(line.amount, where)
    if amount:
        errors["amount"] = amount
    if len(line.label) > LABEL_LENGTH:
        errors["label"] = [_("%(where)s : libellé trop long.") % {"where": where}]
    return errors


def _validate_budget(case: Case | None, data: BudgetData, history: BudgetHistory | None = None):
    """The rules of a new version: field -> messages; a line's messages go to ``incomes`` or
    ``charges`` (they name the line). ``history``: default the case's (``BudgetHistory.of``)."""
    history = history or BudgetHistory.of(case)
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not isinstance(data.date, date):
        add("date", _("Indiquez la date à laquelle ce budget s'applique."))
    elif history.latest_date is not None and data.date < history.latest_date:
        add(
            "date",
            _(
                "Une nouvelle version ne peut être antérieure à la version n° %(n)s du "
                "%(date)s : le budget se révise, il ne se réécrit pas."
            )
            % {"n": history.latest_number, "date": format_date(history.latest_date)},
        )
    if data.ris_category not in RisCategory.values:
        add("ris_category", _("Choisissez la catégorie du revenu d'intégration du ménage."))
    if not isinstance(data.adults, int) or not 1 <= data.adults <= MAX_ADULTS:
        add(
            "adults",
            _("Le ménage compte au moins un adulte (%(max)s au plus).") % {"max": MAX_ADULTS},
        )
    if not isinstance(data.dependent_children, int) or not (
        0 <= data.dependent_children <= MAX_CHILDREN
    ):
        add(
            "dependent_children",
            _("Le nombre d'enfants à charge est compris entre 0 et %(max)s.")
            % {"max": MAX_CHILDREN},
        )
    if (
        not errors.get("adults")
        and not errors.get("dependent_children")
        and not errors.get("ris_category")
    ):
        # The category against the members (art. 14, § 1er, loi du 26.05.2002; the hard floor
        # of art. 1675/9, § 4, C.J. follows it): budget.allowance.household_problems.
        household = Household(
            ris_category=PureRisCategory(data.ris_category),
            dependent_children=data.dependent_children,
            adults=data.adults,
            applicants=max(history.applicants, 1),
            partner_outside_case=bool(data.partner_outside_case),
        )
        for name, message in household_problem_phrases(household).items():
            add(name, localize(message))  # in the reader's language (issue 16)
    for number, line in enumerate(data.incomes, start=1):
        for messages in _income_errors(line, number, history.applicants).values():
            errors.setdefault("incomes", []).extend(messages)
        if line.outside_case and not data.partner_outside_case:
            add(
                "incomes",
                _(
                    "Revenu, ligne %(n)s : un revenu du conjoint ou partenaire hors procédure "
                    "suppose que le ménage compte un tel conjoint ou partenaire (cochez-le)."
                )
                % {"n": number},
            )
    for number, line in enumerate(data.charges, start=1):
        for messages in _charge_errors(line, number).values():
            errors.setdefault("charges", []).extend(messages)
    if len(data.reason) > 255:
        add("reason", _("Le motif est trop long (255 caractères au plus)."))
    return errors


def budget_version_validate(
    *, data: BudgetData, case: Case | None = None, history: BudgetHistory | None = None
) -> None:
    """The checks of ``budget_version_create`` without writing: a ``ValidationError`` keyed by
    the fields of ``BudgetData`` (a line's messages under ``incomes`` / ``charges``: check a
    line alone with ``income_validate`` / ``charge_validate``). What the version is checked
    against — the case's applicants and latest version — is read from the database
    (``case``) or given (``history``: a case not created yet)."""
    errors = _validate_budget(case, data, history)
    if errors:
        raise ValidationError(errors)


def income_validate(*, line: IncomeData, applicants: int, number: int = 1) -> None:
    """One income line of a new version (``number``: its place in the version, which names
    it) in a case of ``applicants`` applicants: a ``ValidationError`` keyed by the fields of
    ``IncomeData``."""
    errors = _income_errors(line, number, applicants)
    if errors:
        raise ValidationError(errors)


def charge_validate(*, line: ChargeData, number: int = 1) -> None:
    """One charge line of a new version: a ``ValidationError`` keyed by the fields of
    ``ChargeData``."""
    errors = _charge_errors(line, number)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def budget_version_create(*, case: Case, data: BudgetData, by: User) -> BudgetVersion:
    """Record a new version of the case's budget (the previous ones are kept as they are)."""
    case = Case.objects.select_for_update().get(pk=case.pk)  # one number at a time
    errors = _validate_budget(case, data)
    if errors:
        raise ValidationError(errors)
    latest = BudgetVersion.objects.filter(case=case).order_by("-number").first()
    version = BudgetVersion.objects.create(
        case=case,
        number=(latest.number + 1) if latest else 1,
        date=data.date,
        adults=data.adults,
        dependent_children=data.dependent_children,
        partner_outside_case=bool(data.partner_outside_case),
        ris_category=data.ris_category,
        reason=data.reason.strip(),
        note=data.note.strip(),
        created_by=by,
    )
    IncomeLine.objects.bulk_create(
        IncomeLine(
            version=version,
            position=position,
            kind=line.kind,
            label=line.label.strip(),
            person=line.person,
            amount=line.amount,
            outside_case=bool(line.outside_case),
        )
        for position, line in enumerate(data.incomes, start=1)
    )
    ChargeLine.objects.bulk_create(
        ChargeLine(
            version=version,
            position=position,
            kind=line.kind,
            label=line.label.strip(),
            amount=line.amount,
            paid_from_account=line.paid_from_account,
        )
        for position, line in enumerate(data.charges, start=1)
    )
    return version


# --- the living allowance ------------------------------------------------------------------


@dataclass(frozen=True)
class AllowanceData:
    amount: Decimal
    frequency: str = Frequency.MONTHLY
    day_of_month: int = 1
    second_day_of_month: int | None = None
    agreement_date: date | None = None
    note: str = ""


def agreement_suffix(upload: UploadedFile) -> str:
    """'.pdf', '.png' or '.jpg' from the file's first bytes (agreements are PDFs or scans); a
    ValidationError keyed ``agreement_file`` otherwise (too large, empty, other type)."""
    return upload_suffix(
        upload,
        field="agreement_file",
        refused=_("L'accord doit être un PDF ou une image (PNG ou JPEG)."),
    )


def _validate_schedule(data: AllowanceData, errors: dict[str, list[str]]) -> None:
    if data.frequency not in Frequency.values:
        errors.setdefault("frequency", []).append(_("Choisissez le rythme de versement."))
        return
    if not isinstance(data.day_of_month, int) or not 1 <= data.day_of_month <= 31:
        errors.setdefault("day_of_month", []).append(
            _("Le jour du versement est compris entre 1 et 31.")
        )
        return
    if data.frequency == Frequency.TWICE_MONTHLY:
        second = data.second_day_of_month
        if second is None:
            errors.setdefault("second_day_of_month", []).append(
                _("Indiquez le jour du second versement du mois.")
            )
        elif not data.day_of_month < second <= 31:
            errors.setdefault("second_day_of_month", []).append(
                _("Le second versement tombe après le premier, au plus tard le 31.")
            )


@dataclass(frozen=True)
class _Checked:
    """What the checks of a decision computed and the decision records."""

    floors: AllowanceFloors
    check: AllowanceCheck
    carried: AllowanceDecision | None
    suffix: str | None
    paid: Decimal


def _check_decision(
    version: BudgetVersion | BudgetData,
    data: AllowanceData,
    agreement: UploadedFile | None,
    today: date,
) -> _Checked | None:
    """Every rule of ``allowance_decide``; raises a ``ValidationError``. A planned version
    (``BudgetData``: not created yet) has no floors yet: only the allowance's own data is
    checked (``None`` returned)."""
    planned = isinstance(version, BudgetData)
    if not planned:
        current = BudgetVersion.objects.filter(case=version.case).order_by("-number").first()
        if current.pk != version.pk:
            raise ValidationError(
                _(
                    "Le pécule se fixe sur la version courante du budget (n° %(n)s du %(date)s) ; "
                    "la version n° %(old)s est conservée pour l'historique."
                )
                % {"n": current.number, "date": format_date(current.date), "old": version.number}
            )
    errors: dict[str, list] = {}
    amount = data.amount
    if not isinstance(amount, Decimal):
        raise ValidationError({"amount": _("Indiquez le montant mensuel du pécule.")})
    if amount != amount.quantize(CENT) or amount > MAX_AMOUNT:
        raise ValidationError({"amount": _("Le pécule s'exprime en euros, au cent près.")})
    _validate_schedule(data, errors)
    if data.agreement_date and data.agreement_date > today:
        errors.setdefault("agreement_date", []).append(
            _("L'accord du requérant ne peut être daté dans le futur.")
        )
    suffix = None
    if agreement is not None:
        try:
            suffix = agreement_suffix(agreement)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    if planned:
        negative = negative_allowance(amount)
        if negative is not None:
            errors.setdefault("amount", []).append(
                ValidationError(localize(negative.text), code=str(negative.verdict))
            )
        if errors:
            raise ValidationError(errors)
        return None
    try:
        floors = selectors.floors_for(version)
    except NoRowInForce as exc:
        errors.setdefault("amount", []).append(localize(exc.text))
        raise ValidationError(errors) from exc
    # The agreement already given on this budget covers a new allowance that retains no more.
    previous = selectors.latest_decision(version)
    carried = (
        previous
        if agreement is None
        and previous is not None
        and previous.has_agreement
        and amount >= previous.amount
        else None
    )
    recorded = bool(data.agreement_date and agreement is not None and suffix) or bool(carried)
    check = check_allowance(floors, amount, agreement_recorded=recorded)
    if not check.accepted:
        # the verdict is the error's code: a caller can tell why (e.g. the agreement missing)
        errors.setdefault("amount", []).append(
            ValidationError(localize(check.text), code=str(check.verdict))
        )
        if check.verdict == "needs_agreement":
            if not data.agreement_date:
                errors.setdefault("agreement_date", []).append(
                    _("Indiquez la date de l'accord exprès du requérant.")
                )
            if agreement is None:
                errors.setdefault("agreement_file", []).append(
                    _("Joignez l'accord signé du requérant (PDF ou image).")
                )
    totals = selectors.totals_of(version)
    paid = amount - totals.charges_paid_from_account
    if check.accepted and paid < 0:
        errors.setdefault("amount", []).append(
            _(
                "Le pécule (%(amount)s) ne couvre pas les charges que le médiateur paie pour "
                "compte du ménage (%(charges)s)."
            )
            % {
                "amount": format_eur(amount),
                "charges": format_eur(totals.charges_paid_from_account),
            }
        )
    if errors:
        raise ValidationError(errors)
    return _Checked(floors=floors, check=check, carried=carried, suffix=suffix, paid=paid)


def allowance_validate(
    *,
    version: BudgetVersion | BudgetData,
    data: AllowanceData,
    agreement: UploadedFile | None = None,
    today: date | None = None,
) -> None:
    """The checks of ``allowance_decide`` without writing: a ``ValidationError`` keyed by the
    fields of ``AllowanceData`` (and ``agreement_file``); a refusal by the floors carries the
    verdict (``budget.allowance.Verdict``) as the code of its ``amount`` error. The floors are
    the version's: a planned version (``BudgetData``, not created yet) checks only the
    allowance's own data (amount — not negative, to the cent —, schedule, agreement date),
    the floors are the write's."""
    _check_decision(version, data, agreement, today or timezone.localdate())


@transaction.atomic
def allowance_decide(
    *,
    version: BudgetVersion,
    data: AllowanceData,
    by: User,
    agreement: UploadedFile | None = None,
    today: date | None = None,
) -> AllowanceDecision:
    """Fix the living allowance on the case's current budget version (art. 1675/9, § 4, C.J.):
    refused under the hard floor (integration income of the category + family allowances) or
    over the resources; under the non-seizable amount only with the applicant's express
    agreement, dated and uploaded (PDF or image)."""
    today = today or timezone.localdate()
    version = BudgetVersion.objects.select_for_update().select_related("case").get(pk=version.pk)
    checked = _check_decision(version, data, agreement, today)
    floors, check, carried, suffix = checked.floors, checked.check, checked.carried, checked.suffix
    amount, paid = data.amount, checked.paid
    decision = AllowanceDecision(
        version=version,
        amount=amount,
        paid_to_applicant=paid,
        resources=floors.resources,
        non_seizable=floors.non_seizable,
        hard_floor=floors.hard_floor,
        ris_amount=floors.ris_amount,
        family_allowances=floors.family_allowances,
        scale_row_id=floors.scale_row.id,
        ris_row_id=floors.ris_row.id,
        working={**floors.to_json(), "verdict": str(check.verdict), "message": check.message},
        agreement_date=data.agreement_date if agreement is not None else None,
        frequency=data.frequency,
        day_of_month=data.day_of_month,
        second_day_of_month=(
            data.second_day_of_month if data.frequency == Frequency.TWICE_MONTHLY else None
        ),
        note=data.note.strip()[:255],
        decided_by=by,
    )
    if agreement is not None and data.agreement_date:
        content = agreement.read()
        agreement.seek(0)
        decision.agreement_name = (agreement.name or "")[:255]
        decision.agreement_size = len(content)
        decision.agreement_sha256 = hashlib.sha256(content).hexdigest()
        decision.agreement_file.save(f"accord{suffix}", agreement, save=False)
    elif carried is not None and check.needs_agreement:
        decision.agreement_date = carried.agreement_date
        decision.agreement_file.name = carried.agreement_file.name
        decision.agreement_name = carried.agreement_name
        decision.agreement_size = carried.agreement_size
        decision.agreement_sha256 = carried.agreement_sha256
    else:
        decision.agreement_date = None
    decision.save()
    # The allowance fixed on a version dated on or after a new legal row reviews it (agenda).
    duties_settle(
        case=version.case,
        kind=selectors.ALLOWANCE_REVIEW,
        on=max(today, version.date),
        due_on_or_before=version.date,
        by=by,
        note=_("Pécule revu"),
    )
    return decision
