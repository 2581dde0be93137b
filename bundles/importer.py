"""``rcd-case-bundle/1`` document → a new case, or nothing.

``bundle_import`` validates the WHOLE document first — the schema (``jsonschema``, Draft
2020-12), then its meaning — and lists every problem with its JSON path
(``$.creditors[2].claims[0].declared_on``). This module keeps what is the file format's (JSON,
schema, paths, keys and references, identities, order, members that must agree); the rules
of the domain are the services': their validate-only entry points (``claim_validate``,
``entry_validate``…) check the plan, and each field of their errors is mapped to the JSON
path of the member it came from (the ``*_FIELDS`` tables). Only a document without any
problem is written,
through the other apps' services (``cases.services.case_create``, ``claims.services``,
``fees.services.service_record``, ``ledger.services`` whose database triggers hold,
``budget.services`` for the household budget and the living allowance), in one
transaction: a refusal by one of those services is mapped to its JSON path too, and the whole
import is rolled back. Choices are documented in ``bundles/README.md``.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from stdnum import iban as std_iban

from accounts.models import Organisation, Profession, User
from accounts.services import organisation_get_or_create
from budget import selectors as budget_selectors
from budget.allowance import Verdict
from budget.models import Frequency as AllowanceFrequency
from budget.services import (
    AllowanceData,
    BudgetData,
    BudgetHistory,
    ChargeData,
    IncomeData,
    allowance_decide,
    allowance_validate,
    budget_version_create,
    budget_version_validate,
    charge_validate,
    income_validate,
)
from cases.models import Case
from cases.services import (
    ApplicantData,
    CaseData,
    applicant_validate,
    case_change_status,
    case_create,
    case_update,
    case_validate,
    status_change_validate,
)
from cases.status import CaseStatus
from claims.models import Creditor, Representative, normalise_enterprise_number
from claims.selectors import creditor_find_existing
from claims.services import (
    ClaimData,
    ContactData,
    claim_create,
    claim_validate,
    creditor_create,
    creditor_validate,
    position_join,
    representation_add,
    representative_create,
    representative_validate,
)
from contacts.services import ContactData as LogData
from contacts.services import (
    contact_record,
    contact_validate,
    follow_up_done_validate,
    follow_up_mark_done,
)
from core.dates import format_date
from core.money import format_eur
from core.roles import Role
from fees.services import (
    RecordedServices,
    service_record,
    service_validate,
)
from ledger.services import (
    AccountState,
    EntryData,
    account_open,
    account_validate,
    entry_post,
    entry_reverse,
    entry_validate,
)

from .exporter import mediator_name
from .models import CaseCreditorKey
from .schema import (
    EXTENSIONS_LAYOUT,
    Problem,
    extensions_problems,
    json_path,
    schema_problems,
)

DEFAULT_ORGANISATION_SLUG = "dossiers-importes"
ORGANISATION_KIND_BY_PROFESSION = {
    Profession.CPAS: Organisation.Kind.CPAS,
    Profession.LAWYER: Organisation.Kind.LAW_FIRM,
    Profession.APPROVED_SERVICE: Organisation.Kind.ASBL,
}


class BundleInvalid(Exception):
    """The bundle cannot be imported; ``problems`` lists every problem with its JSON path."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class _Members(dict):
    """A JSON object that remembers the member names it had twice (json keeps the last)."""

    repeated: tuple = ()


def _members(pairs: list[tuple]) -> _Members:
    obj = _Members(pairs)
    if len(obj) != len(pairs):
        names = [name for name, _value in pairs]
        obj.repeated = tuple(dict.fromkeys(n for n in names if names.count(n) > 1))
    return obj


# Sizes a bundle may not exceed: the whole file, one string (an address, a note: the longest
# text member the apps store is a note of a few thousand characters), a member's name, and the
# nesting of the document (the format's deepest path is about ten levels).
MAX_BUNDLE_BYTES = 10 * 2**20
MAX_STRING_CHARS = 10_000
MAX_NAME_CHARS = 200
MAX_DEPTH = 40
MAX_INTEGER_DIGITS = 15


# Dates and amounts in ASCII digits only (the schema's ``\d`` accepts any Unicode digit), and
# dates within what a case can plausibly hold.
ASCII_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ASCII_AMOUNT = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")
EARLIEST_DATE = date(1900, 1, 1)
PLAUSIBLE_YEARS_AHEAD = 50


class _Unreadable:
    """A JSON number the importer refuses to read (kept to name its path)."""

    def __init__(self, message: str):
        self.message = message


def _integer(text: str):
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _Unreadable(
            _("Nombre entier de %(n)s chiffres : %(max)s au plus.")
            % {"n": len(text.lstrip("-")), "max": MAX_INTEGER_DIGITS}
        )
    return int(text)


def _constant(text: str):
    return _Unreadable(_("« %(v)s » n'est pas un nombre.") % {"v": text})


def _writable(text: str) -> bool:
    """False for a string holding a lone surrogate (``"\\ud800"``): no database stores it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text_problems(value, parts: tuple, depth: int = 0):
    """Members repeated inside one object, NUL characters and lone surrogates (no database
    stores them), strings and names too long, numbers that cannot be read."""
    if depth > MAX_DEPTH and isinstance(value, dict | list):
        yield Problem(
            json_path(parts),
            _("Document imbriqué trop profondément : %(max)s niveaux au plus.")
            % {"max": MAX_DEPTH},
        )
    elif isinstance(value, dict):
        for name in getattr(value, "repeated", ()):
            yield Problem(json_path(parts + (name,)), _("Membre répété dans le même objet."))
        for name, item in value.items():
            if not _writable(name):
                yield Problem(
                    json_path(parts + (name,)),
                    _("Nom de membre illisible (caractère Unicode isolé, « surrogate »)."),
                )
                continue
            if len(name) > MAX_NAME_CHARS:
                yield Problem(
                    json_path(parts),
                    _("Nom de membre de %(n)s caractères : %(max)s au plus.")
                    % {"n": len(name), "max": MAX_NAME_CHARS},
                )
                continue
            yield from _text_problems(item, parts + (name,), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_problems(item, parts + (index,), depth + 1)
    elif isinstance(value, _Unreadable):
        yield Problem(json_path(parts), value.message)
    elif isinstance(value, str):
        if "\x00" in value:
            yield Problem(json_path(parts), _("Caractère nul interdit."))
        elif not _writable(value):
            yield Problem(
                json_path(parts),
                _("Texte illisible : caractère Unicode isolé (« surrogate »)."),
            )
        elif len(value) > MAX_STRING_CHARS:
            yield Problem(
                json_path(parts),
                _("Texte de %(n)s caractères : %(max)s au plus.")
                % {"n": len(value), "max": MAX_STRING_CHARS},
            )


def _too_deep(text: str) -> str:
    """The JSON path where ``text`` nests deeper than ``MAX_DEPTH`` (read without ``json``,
    whose parser would exhaust Python's recursion), or ''."""
    stack: list[list] = []  # per open container: [is_object, key or index, expecting a key]
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]', text):
        token = match.group()
        top = stack[-1] if stack else None
        if token in "[{":
            if len(stack) >= MAX_DEPTH:
                return json_path(tuple(frame[1] for frame in stack))
            stack.append([token == "{", None if token == "{" else 0, token == "{"])
        elif token in "]}":
            if stack:
                stack.pop()
        elif token == ",":
            if top is not None:
                if top[0]:
                    top[2] = True
                else:
                    top[1] += 1
        elif token == ":":
            if top is not None:
                top[2] = False
        elif top is not None and top[0] and top[2]:
            try:
                top[1] = json.loads(token)
            except ValueError:
                top[1] = token.strip('"')
    return "$"


def load_document(raw: bytes | str) -> dict:
    """Parse a bundle file: UTF-8 JSON whose numbers with a fraction become ``Decimal`` (never
    a float). A file that is not a JSON object, that repeats a member inside one object, that
    is too large or too deep, or that holds what no database stores (NUL, a lone surrogate, an
    integer of thousands of digits, ``NaN``), raises ``BundleInvalid`` naming the JSON path."""
    size = len(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    if size > MAX_BUNDLE_BYTES:
        raise BundleInvalid(
            [
                Problem(
                    "$",
                    _("Le fichier fait %(n)s octets : %(max)s Mo au plus.")
                    % {"n": size, "max": MAX_BUNDLE_BYTES // 2**20},
                )
            ]
        )
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        document = json.loads(
            text,
            parse_float=Decimal,
            parse_int=_integer,
            parse_constant=_constant,
            object_pairs_hook=_members,
        )
    except UnicodeDecodeError:
        raise BundleInvalid([Problem("$", _("Le fichier n'est pas encodé en UTF-8."))]) from None
    except RecursionError:
        raise BundleInvalid(
            [
                Problem(
                    _too_deep(text),
                    _("Document imbriqué trop profondément : %(max)s niveaux au plus.")
                    % {"max": MAX_DEPTH},
                )
            ]
        ) from None
    except json.JSONDecodeError as exc:
        raise BundleInvalid(
            [
                Problem(
                    "$",
                    _("JSON illisible (ligne %(line)s, colonne %(col)s) : %(msg)s")
                    % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg},
                )
            ]
        ) from None
    if not isinstance(document, dict):
        raise BundleInvalid([Problem("$", _("Un dossier est un objet JSON."))])
    problems = list(_text_problems(document, ()))
    if problems:
        raise BundleInvalid(problems)
    return document


# --- a service's refusal at the JSON paths of the bundle ------------------------------------

# Each table maps the fields of a service's ``ValidationError`` to the member of the bundle
# object they came from: relative to the object's path, or absolute (``$…``) for a member
# kept elsewhere (the extensions). A field absent from the table is reported at the object.


def _same(*names: str) -> dict[str, str]:
    """Fields named as the members they come from."""
    return {name: name for name in names}


CASE_FIELDS = _same(
    "reference",
    "division",
    "admissibility_date",
    "role_number",
    "petition_date",
    "mediator_designation_date",
    "follow_up_start",
    "closure_date",
    "pricing_method",
    "account_iban",
    "status",
) | {
    "homologation_date": "$.extensions.case.homologation_date",
    "creditors_notified_on": "$.extensions.case.creditors_notified_on",
    "notes": "$.extensions.case.notes",
    "household_adults": "$.extensions.case.household.adults",
    "dependent_children": "$.extensions.case.household.dependent_children",
    "household_note": "$.extensions.case.household.note",
}
STATUS_FIELDS = {"to_status": "to", "decision_date": "date"}


def applicant_fields(index: int) -> dict[str, str]:
    """``$.applicants[i]`` and its contact details in ``$.extensions.applicants[i]``."""
    return _same("last_name", "first_name", "national_number", "birth_date", "address") | {
        "phone": f"$.extensions.applicants[{index}].phone",
        "email": f"$.extensions.applicants[{index}].email",
    }


def creditor_fields(ext_path: str) -> dict[str, str]:
    """``$.creditors[i]`` (or ``$.extensions.other_creditors[i]``) and its directory details
    in ``$.extensions.creditors[key]`` (``ext_path``)."""
    details = ("address", "email", "phone", "bic", "contact_person", "notes", "country")
    return _same("name", "enterprise_number", "iban") | {
        name: f"{ext_path}.{name}" for name in details
    }


REPRESENTATIVE_FIELDS = _same("name", "role", "enterprise_number", "iban", "file_reference")
CLAIM_FIELDS = _same(
    "principal",
    "interest",
    "costs",
    "declared_on",
    "paid_off_on",
    "status",
    "nature",
    "privilege",
    "time_barred",
    "key",
) | {"creditor_reference": "reference"}
SERVICE_FIELDS = _same("date", "kind", "quantity", "km", "amount", "registered_postage", "note")
ACCOUNT_FIELDS = {"iban": "$.case.account_iban", "opened_on": "opened_on"}
ENTRY_FIELDS = _same(
    "amount",
    "direction",
    "category",
    "counterparty",
    "counterparty_iban",
    "communication",
    "standing_order",
    "authorisation",
) | {"value_date": "date", "creditor_id": "creditor_key"}


def entry_fields(ext_path: str | None) -> dict[str, str]:
    """``$.ledger[i]`` and what ``$.extensions.ledger.entries[k]`` adds to it."""
    if ext_path is None:
        return ENTRY_FIELDS
    return ENTRY_FIELDS | {
        name: f"{ext_path}.{name}" for name in ("bank_reference", "note", "settlement_reason")
    }


CONTACT_FIELDS = _same("date", "channel", "interlocutor", "summary", "outcome", "follow_up_on") | {
    "creditor": "creditor_key",
    "representative": "representation",
}
APPLICANT_CONTACT_FIELDS = _same(
    "date", "channel", "interlocutor", "summary", "outcome", "follow_up_on"
) | {"creditor": "applicant", "applicant": "applicant"}
BUDGET_FIELDS = _same(
    "date",
    "ris_category",
    "adults",
    "dependent_children",
    "partner_outside_case",
    "incomes",
    "charges",
    "reason",
)
INCOME_FIELDS = _same("kind", "amount", "label", "person", "outside_case")
CHARGE_FIELDS = _same("kind", "amount", "label", "paid_from_account")
ALLOWANCE_FIELDS = _same(
    "amount", "frequency", "day_of_month", "second_day_of_month", "agreement_date"
) | {"agreement_file": "agreement_date"}


def member_path(path: str, member: str) -> str:
    """The JSON path of ``member`` of the object at ``path`` (or ``member`` when absolute)."""
    return member if member.startswith("$") else f"{path}.{member}"


def refusal_problems(exc: ValidationError, path: str, fields: Mapping[str, str]) -> list[Problem]:
    """A service's ``ValidationError`` as problems: the messages of each field at the JSON path
    of the member it came from (``fields``), the others at ``path``. Messages without a field
    beside field messages are the model's constraints restating those fields' rules (the
    chronology of a case, amounts not negative): they are not repeated."""
    mapping = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    restated = set(mapping) != {NON_FIELD_ERRORS}
    problems = []
    for name, messages in mapping.items():
        if name == NON_FIELD_ERRORS and restated:
            continue
        member = fields.get(name)
        where = path if member is None else member_path(path, member)
        problems.extend(Problem(where, str(message)) for message in messages)
    return problems


def _text(value) -> str:
    return (value or "").strip()


def _compact_iban(value) -> str:
    """An IBAN as written (spaces allowed), compacted: the services validate it."""
    return std_iban.compact(value or "")


# --- the validated plan of an import -------------------------------------------------------


def _norm(name: str) -> str:
    return " ".join((name or "").split()).casefold()


@dataclass
class MediatorRef:
    name: str
    profession: str
    vat_registered: bool
    user: User | None = None  # an existing user; None: created at import

    @property
    def identity(self):
        return ("user", self.user.pk) if self.user else ("new", _norm(self.name))


@dataclass
class RepresentationPlan:
    path: str
    name: str
    role: str
    enterprise_number: str = ""
    iban: str = ""
    file_reference: str = ""

    def contact_data(self) -> ContactData:
        return ContactData(
            name=self.name, role=self.role, enterprise_number=self.enterprise_number, iban=self.iban
        )


@dataclass
class ClaimPlan:
    path: str
    key: str
    data: ClaimData  # its creditor, representation and debtors are set at creation
    debtors: list[int] = field(default_factory=list)
    representation: int | None = None


@dataclass
class CreditorPlan:
    path: str
    key: str
    ext_path: str  # its directory details: $.extensions.creditors[key]
    data: ContactData
    representations: list[RepresentationPlan]
    claims: list[ClaimPlan]
    existing: Creditor | None = None


@dataclass
class EntryPlan:
    path: str
    data: EntryData
    creditor_key: str = ""
    reverses: int | None = None
    note: str = ""


@dataclass
class AllowancePlan:
    path: str
    data: AllowanceData
    agreement_date: date | None = None  # the bundle's; the signed file is not carried


@dataclass
class BudgetVersionPlan:
    path: str
    data: BudgetData
    allowances: list[AllowancePlan]


@dataclass
class Plan:
    organisation: Organisation | None
    organisation_slug: str
    case: CaseData
    status_steps: list[tuple[str, date, str]]
    status_from_history: bool
    applicants: list[ApplicantData]
    mediator: MediatorRef
    creditors: list[CreditorPlan]
    positions: list[dict]
    services: list[dict]
    open_account: bool
    opened_on: date | None
    entries: list[EntryPlan]
    contacts: list[dict]
    budget: list[BudgetVersionPlan] = field(default_factory=list)
    applicant_contacts: list[dict] = field(default_factory=list)


# --- validation ------------------------------------------------------------------------------


class _Checker:
    """Reads the document into a ``Plan`` and collects every problem of meaning."""

    def __init__(self, document, *, organisation, organisation_slug, uploaded_by, today):
        self.doc = document
        extensions = document.get("extensions") or {}
        self.ext = extensions if extensions.get("layout") == EXTENSIONS_LAYOUT else {}
        self.organisation = organisation
        self.organisation_slug = organisation_slug
        self.uploaded_by = uploaded_by
        self.today = today
        self.problems: list[Problem] = []
        self.mediators: dict[str, MediatorRef] = {}
        # members the importer could not read (not a date, an unknown key): already reported,
        # the services are not asked to report them again
        self.unread: set[str] = set()

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, str(message)))

    def validate(
        self, path: str, fields: Mapping[str, str], validator: Callable[..., None], **kwargs
    ) -> bool:
        """Run a service's validate-only entry point; its refusal becomes problems at the
        JSON paths of the members (``refusal_problems``)."""
        try:
            validator(**kwargs)
        except ValidationError as exc:
            for problem in refusal_problems(exc, path, fields):
                if problem.path not in self.unread and problem not in self.problems:
                    self.problems.append(problem)
            return False
        return True

    # values ----------------------------------------------------------------------------
    def day(self, value, path: str) -> date | None:
        if value is None:
            return None
        try:
            if not (isinstance(value, str) and ASCII_DATE.fullmatch(value)):
                raise ValueError(value)
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            self.add(path, _("« %(value)s » n'est pas une date qui existe.") % {"value": value})
            self.unread.add(path)
            return None
        latest = date(self.today.year + PLAUSIBLE_YEARS_AHEAD, 12, 31)
        if not EARLIEST_DATE <= day <= latest:
            self.add(
                path,
                _("Date %(value)s invraisemblable : entre le %(first)s et le %(last)s.")
                % {
                    "value": format_date(day),
                    "first": format_date(EARLIEST_DATE),
                    "last": format_date(latest),
                },
            )
            self.unread.add(path)
            return None
        return day

    def money(self, value, path: str) -> Decimal | None:
        """A decimal string (the schema: a dot, at most two decimals) as a ``Decimal``."""
        if value is None:
            return None
        try:
            if not (isinstance(value, str) and ASCII_AMOUNT.fullmatch(value)):
                raise TypeError(value)  # Arabic-Indic or other non-ASCII digits included
            return Decimal(value)
        except (InvalidOperation, TypeError):
            self.add(path, _("Montant illisible."))
            self.unread.add(path)
            return None

    # the document -------------------------------------------------------------------------
    def check(self) -> Plan:
        case = self.check_case()
        applicants = self.check_applicants()
        mediator = self.resolve_mediator(self.doc["mediator"], "$.mediator")
        adm = case.admissibility_date
        status_steps = self.check_status(case) if adm else []
        creditors = self.check_creditors(case, len(applicants))
        positions = self.check_positions(creditors)
        services = self.check_services(case, mediator)
        open_account, opened_on, entries = self.check_ledger(case, creditors)
        contacts = self.check_contacts(case, creditors)
        applicant_contacts = self.check_applicant_contacts(case, len(applicants))
        budget = self.check_budget(len(applicants))
        if self.problems:
            raise BundleInvalid(self.problems)
        return Plan(
            organisation=self.organisation,
            organisation_slug=self.organisation_slug,
            case=case,
            status_steps=status_steps,
            status_from_history="status_history" in self.ext,
            applicants=applicants,
            mediator=mediator,
            creditors=creditors,
            positions=positions,
            services=services,
            open_account=open_account,
            opened_on=opened_on,
            entries=entries,
            contacts=contacts,
            budget=budget,
            applicant_contacts=applicant_contacts,
        )

    def check_case(self) -> CaseData:
        block = self.doc["case"]
        ext = self.ext.get("case", {})
        household = ext.get("household", {})
        data = CaseData(
            reference=_text(block["reference"]),
            division=block["division"],
            admissibility_date=self.day(block["admissibility_date"], "$.case.admissibility_date"),
            role_number=_text(block.get("role_number")),
            petition_date=self.day(block.get("petition_date"), "$.case.petition_date"),
            mediator_designation_date=self.day(
                block.get("mediator_designation_date"), "$.case.mediator_designation_date"
            ),
            follow_up_start=self.day(block.get("follow_up_start"), "$.case.follow_up_start"),
            homologation_date=self.day(
                ext.get("homologation_date"), "$.extensions.case.homologation_date"
            ),
            creditors_notified_on=self.day(
                ext.get("creditors_notified_on"), "$.extensions.case.creditors_notified_on"
            ),
            closure_date=self.day(block.get("closure_date"), "$.case.closure_date"),
            pricing_method=block.get("pricing_method", ""),
            account_iban=_compact_iban(block.get("account_iban")),
            household_adults=household.get("adults", 1),
            dependent_children=household.get("dependent_children", 0),
            household_note=household.get("note", ""),
            notes=ext.get("notes", ""),
        )
        self.validate(
            "$.case", CASE_FIELDS, case_validate, data=data, organisation=self.organisation
        )
        return data

    def check_status(self, case: CaseData) -> list[tuple[str, date, str]]:
        """The status changes to replay after the case is opened (in ``amicable_phase``)."""
        target = self.doc["case"].get("status", CaseStatus.AMICABLE_PHASE)
        history = self.ext.get("status_history")
        if history is None:
            return self._reconstructed_steps(case, target)
        steps, current, last = [], CaseStatus.AMICABLE_PHASE, case.admissibility_date
        for k, change in enumerate(history):
            path = f"$.extensions.status_history[{k}]"
            when = self.day(change["date"], f"{path}.date")
            if change.get("from", current) != current:
                self.add(f"{path}.from", _("Le statut précédent est « %(s)s ».") % {"s": current})
            self.validate(
                path,
                STATUS_FIELDS,
                status_change_validate,
                case=case,
                to_status=change["to"],
                decision_date=when,
                from_status=current,
                last_decision_date=last,
            )
            current, last = change["to"], max(last, when) if last and when else (when or last)
            steps.append((change["to"], when, change.get("note", "")))
        if current != target:
            self.add(
                "$.case.status",
                _("Le statut « %(s)s » n'est pas celui où mène l'historique (« %(h)s »).")
                % {"s": target, "h": current},
            )
        return steps

    def _reconstructed_steps(self, case: CaseData, target: str) -> list[tuple[str, date, str]]:
        """A bundle without history: the shortest legal path to its status, dated by the
        bundle's own dates (homologation, closure) or the admissibility order."""
        note = _("Statut repris d'un dossier importé (historique non fourni)")
        plan_date = case.homologation_date or case.admissibility_date
        end_date = case.closure_date or plan_date
        if target == CaseStatus.AMICABLE_PHASE:
            return []
        if target in (
            CaseStatus.AMICABLE_PLAN,
            CaseStatus.JUDICIAL_PLAN,
            CaseStatus.TOTAL_REMISSION,
        ):
            return [(target, plan_date, note)]
        if target == CaseStatus.REVOKED:
            return [(target, end_date, note)]
        return [(CaseStatus.AMICABLE_PLAN, plan_date, note), (CaseStatus.CLOSED, end_date, note)]

    def check_applicants(self) -> list[ApplicantData]:
        result: list[ApplicantData] = []
        extra = self.ext.get("applicants", [])
        for i, row in enumerate(self.doc["applicants"]):
            path = f"$.applicants[{i}]"
            more = extra[i] if i < len(extra) else {}
            data = ApplicantData(
                last_name=_text(row["last_name"]),
                first_name=_text(row["first_name"]),
                national_number=row.get("national_number", ""),
                birth_date=self.day(row.get("birth_date"), f"{path}.birth_date"),
                address=row.get("address", ""),
                phone=more.get("phone", ""),
                email=_text(more.get("email")),
            )
            self.validate(path, applicant_fields(i), applicant_validate, data=data, others=result)
            result.append(data)
        return result

    def resolve_mediator(self, block: dict, path: str) -> MediatorRef:
        """A mediator of the organisation with this name; otherwise one created at import
        (command line), or the uploading user (web). Existing users are never changed."""
        name = " ".join((block.get("name") or "").split())
        if not name:
            self.add(f"{path}.name", _("Le nom du médiateur est requis."))
        known = self.mediators.get(_norm(name))
        if known is not None:
            return known
        ref = MediatorRef(
            name=name[:300],
            profession=block["profession"],
            vat_registered=bool(block.get("vat_registered", False)),
        )
        matches = []
        if self.organisation is not None and name:
            matches = [
                user
                for user in User.objects.filter(
                    organisation=self.organisation, role__in=[Role.MEDIATOR, Role.ADMINISTRATOR]
                )
                if _norm(mediator_name(user)) == _norm(name)
            ]
        if len(matches) > 1:
            self.add(
                f"{path}.name",
                _("Plusieurs médiateurs de l'organisation s'appellent « %(n)s ».") % {"n": name},
            )
        elif matches:
            ref.user = matches[0]
            if ref.user.profession and ref.user.profession != ref.profession:
                self.add(
                    f"{path}.profession",
                    _("%(n)s est enregistré(e) comme « %(p)s » dans l'organisation.")
                    % {"n": name, "p": ref.user.profession},
                )
            if ref.user.vat_registered != ref.vat_registered:
                self.add(
                    f"{path}.vat_registered",
                    _(
                        "%(n)s est enregistré(e) dans l'organisation avec assujetti à la TVA = "
                        "%(v)s."
                    )
                    % {"n": name, "v": "true" if ref.user.vat_registered else "false"},
                )
        elif self.uploaded_by is not None:
            ref.user = self.uploaded_by
        if name:
            self.mediators[_norm(name)] = ref
        return ref

    # creditors and claims -------------------------------------------------------------------
    def check_creditors(self, case: CaseData, applicant_count: int) -> list[CreditorPlan]:
        details_by_key = self.ext.get("creditors", {})
        claims_ext = self.ext.get("claims", {})
        plans: list[CreditorPlan] = []
        keys: dict[str, str] = {}
        claim_keys: dict[str, str] = {}
        identities: dict[tuple, str] = {}
        matched: dict[int, str] = {}
        rows = [(f"$.creditors[{i}]", row) for i, row in enumerate(self.doc["creditors"])]
        rows += [
            (f"$.extensions.other_creditors[{i}]", row | {"claims": []})
            for i, row in enumerate(self.ext.get("other_creditors", []))
        ]
        for path, row in rows:
            key = row["key"]
            if not key.strip():
                self.add(f"{path}.key", _("La clé ne peut être vide."))
            elif len(key) > 64:
                self.add(f"{path}.key", _("Une clé compte au plus 64 caractères."))
            elif key in keys:
                self.add(f"{path}.key", _("Clé répétée (déjà %(p)s).") % {"p": keys[key]})
            keys.setdefault(key, f"{path}.key")
            details = dict(details_by_key.get(key, {}))
            ext_path = json_path(("extensions", "creditors", key))
            data = ContactData(
                name=_text(row["name"]),
                enterprise_number=normalise_enterprise_number(row.get("enterprise_number", "")),
                iban=_compact_iban(row.get("iban")),
                address=details.get("address", ""),
                email=details.get("email", ""),
                phone=details.get("phone", ""),
                bic=details.get("bic", ""),
                contact_person=details.get("contact_person", ""),
                notes=details.get("notes", ""),
                country=details.get("country", "BE"),
            )
            self.validate(path, creditor_fields(ext_path), creditor_validate, data=data)
            name, number, account = data.name, data.enterprise_number, data.iban
            for kind, value in (("enterprise_number", number), ("iban", account), ("name", name)):
                if not value or (kind == "name" and (number or account)):
                    continue
                ident = (kind, value.casefold() if kind == "name" else value)
                if ident in identities:
                    self.add(
                        f"{path}.{kind}",
                        _("Même créancier que %(p)s : un créancier n'apparaît qu'une fois.")
                        % {"p": identities[ident]},
                    )
                identities.setdefault(ident, path)
            representations = self.check_representations(row, details, path, ext_path)
            existing = None
            if self.organisation is not None and name:
                existing = creditor_find_existing(
                    organisation=self.organisation, enterprise_number=number, iban=account
                ) or (
                    Creditor.objects.filter(organisation=self.organisation, name=name)
                    .order_by("pk")
                    .first()
                )
                if existing is not None:
                    if existing.pk in matched:
                        self.add(
                            path,
                            _("Désigne le même créancier de l'annuaire (« %(n)s ») que %(p)s.")
                            % {"n": existing.name, "p": matched[existing.pk]},
                        )
                    matched.setdefault(existing.pk, path)
            claims = [
                self.check_claim(
                    claim,
                    f"{path}.claims[{j}]",
                    case,
                    claim_keys,
                    claims_ext,
                    len(representations),
                    applicant_count,
                    "representations" not in details,
                )
                for j, claim in enumerate(row["claims"])
            ]
            plans.append(
                CreditorPlan(
                    path=path,
                    key=key,
                    ext_path=ext_path,
                    data=data,
                    representations=representations,
                    claims=claims,
                    existing=existing,
                )
            )
        for key in claims_ext:
            if key not in claim_keys:
                self.add(
                    json_path(("extensions", "claims", key)), _("Aucune créance n'a cette clé.")
                )
        for key in details_by_key:
            if key not in keys:
                self.add(
                    json_path(("extensions", "creditors", key)), _("Aucun créancier n'a cette clé.")
                )
        return plans

    def check_representations(self, row, details, path, ext_path) -> list[RepresentationPlan]:
        listed = details.get("representations")
        head = row.get("representative")
        result: list[RepresentationPlan] = []
        if listed is None:
            if head:
                result.append(
                    self.check_representative(head, f"{path}.representative", file_reference="")
                )
            return result
        seen = {}
        for k, item in enumerate(listed):
            where = f"{ext_path}.representations[{k}]"
            plan = self.check_representative(
                item, where, file_reference=_text(item.get("file_reference"))
            )
            ident = (plan.enterprise_number or plan.iban or _norm(plan.name), plan.file_reference)
            if ident in seen:
                self.add(where, _("Représentation répétée (déjà %(p)s).") % {"p": seen[ident]})
            seen.setdefault(ident, where)
            result.append(plan)
        if head and (
            not result
            or (_norm(head["name"]), head["role"]) != (_norm(result[0].name), result[0].role)
        ):
            self.add(
                f"{path}.representative",
                _("Diffère de la première représentation de %(p)s.")
                % {"p": f"{ext_path}.representations"},
            )
        if not head and result and path.startswith("$.creditors"):
            self.add(
                f"{path}.representative",
                _("Absent alors que %(p)s en énumère.") % {"p": f"{ext_path}.representations"},
            )
        return result

    def check_representative(
        self, item: dict, path: str, *, file_reference: str
    ) -> RepresentationPlan:
        plan = RepresentationPlan(
            path=path,
            name=_text(item["name"]),
            role=item["role"],
            enterprise_number=normalise_enterprise_number(item.get("enterprise_number", "")),
            iban=_compact_iban(item.get("iban")),
            file_reference=file_reference,
        )
        self.validate(
            path, REPRESENTATIVE_FIELDS, representative_validate, data=plan.contact_data()
        )
        return plan

    def check_claim(
        self,
        row,
        path,
        case: CaseData,
        claim_keys,
        claims_ext,
        representation_count,
        applicant_count,
        only_representative: bool,
    ) -> ClaimPlan:
        key = row["key"]
        if not key.strip():
            self.add(f"{path}.key", _("La clé ne peut être vide."))
        elif key in claim_keys:
            self.add(
                f"{path}.key", _("Clé de créance répétée (déjà %(p)s).") % {"p": claim_keys[key]}
            )
        claim_keys.setdefault(key, f"{path}.key")
        data = ClaimData(
            creditor=None,  # found in the directory or created at import
            key=key,
            principal=self.money(row["principal"], f"{path}.principal"),
            interest=self.money(row.get("interest", "0"), f"{path}.interest"),
            costs=self.money(row.get("costs", "0"), f"{path}.costs"),
            declared_on=self.day(row["declared_on"], f"{path}.declared_on"),
            nature=row.get("nature", "other"),
            creditor_reference=_text(row.get("reference")),
            status=row.get("status", "pending"),
            time_barred=bool(row.get("time_barred", False)),
            privilege=row.get("privilege", "none"),
            paid_off_on=self.day(row.get("paid_off_on"), f"{path}.paid_off_on"),
        )
        more = claims_ext.get(key, {})
        ext_path = json_path(("extensions", "claims", key))
        # optional keys (docs/plan-rules.md): the admitted amount and the reasoned rank
        data.interest_after_admissibility = self.money(
            more.get("interest_after_admissibility", "0.00"),
            f"{ext_path}.interest_after_admissibility",
        )
        data.admitted_amount = self.money(
            more.get("admitted_amount"), f"{ext_path}.admitted_amount"
        )
        data.admitted_reason = _text(more.get("admitted_reason"))
        data.plan_rank = more.get("plan_rank", "common")
        data.rank_reason = _text(more.get("rank_reason"))
        self.validate(path, CLAIM_FIELDS, claim_validate, case=case, data=data, today=self.today)
        debtors = more.get("debtors", [])
        if any(d > applicant_count for d in debtors):
            self.add(
                json_path(("extensions", "claims", key, "debtors")),
                _("Le dossier ne compte que %(n)s requérant(s).") % {"n": applicant_count},
            )
        representation = more.get("representation")
        if representation is not None and representation >= representation_count:
            self.add(
                json_path(("extensions", "claims", key, "representation")),
                _("Le créancier n'a pas de représentation n° %(i)s.") % {"i": representation},
            )
        elif representation is None and representation_count and only_representative:
            # Only ``creditors[].representative`` names an intermediary (no list of
            # representations in the extensions): it acts for every claim of the creditor.
            representation = 0
        return ClaimPlan(
            path=path, key=key, data=data, debtors=debtors, representation=representation
        )

    def check_positions(self, creditors: list[CreditorPlan]) -> list[dict]:
        owner = {c.key: cr.key for cr in creditors for c in cr.claims}
        used: dict[str, str] = {}
        result = []
        for k, item in enumerate(self.ext.get("positions", [])):
            path = f"$.extensions.positions[{k}]"
            if item["creditor_key"] not in {c.key for c in creditors}:
                self.add(f"{path}.creditor_key", _("Aucun créancier n'a cette clé."))
            for m, key in enumerate(item["claims"]):
                where = f"{path}.claims[{m}]"
                if key not in owner:
                    self.add(where, _("Aucune créance n'a cette clé."))
                elif owner[key] != item["creditor_key"]:
                    self.add(where, _("Cette créance est celle d'un autre créancier."))
                elif key in used:
                    self.add(where, _("Créance déjà jointe (%(p)s).") % {"p": used[key]})
                used.setdefault(key, where)
            result.append(item | {"path": path})
        return result

    # services -------------------------------------------------------------------------------
    def check_services(self, case: CaseData, main: MediatorRef) -> list[dict]:
        rows = self.doc.get("services", [])
        by_index: dict[int, MediatorRef] = {}
        for k, item in enumerate(self.ext.get("services", [])):
            path = f"$.extensions.services[{k}]"
            if item["index"] >= len(rows):
                self.add(
                    f"{path}.index",
                    _("Il n'y a pas de prestation n° %(i)s.") % {"i": item["index"]},
                )
            elif item["index"] in by_index:
                self.add(f"{path}.index", _("Prestation déjà décrite plus haut."))
            else:
                by_index[item["index"]] = self.resolve_mediator(
                    item["mediator"], f"{path}.mediator"
                )
        result = []
        in_case: set[str] = set()
        by_mediator: dict[tuple, set[str]] = {}
        for i, row in enumerate(rows):
            path = f"$.services[{i}]"
            mediator = by_index.get(i, main)
            item = {
                "path": path,
                "kind": row["kind"],
                "service_date": self.day(row["date"], f"{path}.date"),
                "mediator": mediator,
                "quantity": row.get("quantity", 1),
                "km": Decimal(str(row["km"])) if "km" in row else None,
                "amount": self.money(row.get("amount"), f"{path}.amount"),
                "registered_postage": self.money(
                    row.get("registered_postage"), f"{path}.registered_postage"
                ),
                "note": _text(row.get("note")),
            }
            mine = by_mediator.setdefault(mediator.identity, set())
            self.validate(
                path,
                SERVICE_FIELDS,
                service_validate,
                case=case,
                kind=item["kind"],
                service_date=item["service_date"],
                mediator=mediator.user,
                quantity=item["quantity"],
                km=item["km"],
                amount=item["amount"],
                registered_postage=item["registered_postage"],
                note=item["note"],
                recorded=RecordedServices(in_case=frozenset(in_case), by_mediator=frozenset(mine)),
            )
            in_case.add(item["kind"])
            mine.add(item["kind"])
            result.append(item)
        return result

    # ledger -------------------------------------------------------------------------------
    def check_ledger(self, case: CaseData, creditors: list[CreditorPlan]):
        """The lines in date order, each checked by ``ledger.services.entry_validate`` against
        the account as the lines before it leave it (``AccountState.after``): what the
        database triggers will do when they are posted in that order."""
        rows = self.doc.get("ledger", [])
        ext = self.ext.get("ledger")
        open_account = bool(rows) or ext is not None
        opened_on = case.admissibility_date
        if ext and "opened_on" in ext:
            opened_on = self.day(ext["opened_on"], "$.extensions.ledger.opened_on")
        if open_account:
            self.validate(
                "$.extensions.ledger",
                ACCOUNT_FIELDS,
                account_validate,
                case=case,
                opened_on=opened_on,
                organisation=self.organisation,
            )
        more: dict[int, dict] = {}
        for k, item in enumerate((ext or {}).get("entries", [])):
            path = f"$.extensions.ledger.entries[{k}]"
            if item["index"] >= len(rows):
                self.add(
                    f"{path}.index", _("Il n'y a pas d'écriture n° %(i)s.") % {"i": item["index"]}
                )
            elif item["index"] in more:
                self.add(f"{path}.index", _("Écriture déjà décrite plus haut."))
            else:
                more[item["index"]] = item | {"path": path}
        by_key = {c.key: c for c in creditors}
        plans: list[EntryPlan] = []
        # A closed or revoked case takes only final settlement entries after its decision
        # (issue 17): each needs its reason (``extensions.ledger.entries[k].settlement_reason``).
        ended = self.doc["case"].get("status") in (CaseStatus.CLOSED, CaseStatus.REVOKED)
        account = AccountState(
            opened_on=opened_on or case.admissibility_date or date.min,
            ended_on=case.closure_date if ended else None,
        )
        previous: date | None = None
        reversed_by: dict[int, str] = {}
        bank_refs: dict[str, str] = {}
        for i, row in enumerate(rows):
            path = f"$.ledger[{i}]"
            before = len(self.problems)
            extra = more.get(i, {})
            when = self.day(row["date"], f"{path}.date")
            if when and previous and when < previous:
                self.add(
                    f"{path}.date",
                    _(
                        "Le journal est dans l'ordre des dates : cette écriture précède la "
                        "précédente (%(d)s)."
                    )
                    % {"d": previous.isoformat()},
                )
            previous = max(previous, when) if previous and when else (when or previous)
            creditor_key = row.get("creditor_key", "")
            creditor = by_key.get(creditor_key) if creditor_key else None
            if creditor_key and creditor is None:
                self.add(
                    f"{path}.creditor_key",
                    _("Aucun créancier du dossier n'a la clé « %(k)s ».") % {"k": creditor_key},
                )
                self.unread.add(f"{path}.creditor_key")
            bank_reference = _text(extra.get("bank_reference"))
            if bank_reference:
                if bank_reference in bank_refs:
                    self.add(
                        f"{extra['path']}.bank_reference",
                        _("Mouvement bancaire répété (déjà %(p)s).")
                        % {"p": bank_refs[bank_reference]},
                    )
                bank_refs.setdefault(bank_reference, f"{extra['path']}.bank_reference")
            plan = EntryPlan(
                path=path,
                data=EntryData(
                    value_date=when,
                    direction=row["direction"],
                    amount=self.money(row["amount"], f"{path}.amount"),
                    category=row["category"],
                    counterparty=_text(row.get("counterparty")),
                    counterparty_iban=_compact_iban(row.get("counterparty_iban")),
                    communication=_text(row.get("communication")),
                    standing_order=bool(row.get("standing_order", False)),
                    authorisation=_text(row.get("authorisation")),
                    bank_reference=bank_reference,
                    settlement_reason=_text(extra.get("settlement_reason")),
                ),
                creditor_key=creditor_key,
                reverses=extra.get("reverses"),
                note=extra.get("note", ""),
            )
            plans.append(plan)
            if plan.reverses is not None:
                self._check_reversal(plan, i, plans, reversed_by, extra["path"])
            accepted = self.validate(
                path,
                entry_fields(extra.get("path")),
                entry_validate,
                data=replace(plan.data, note=plan.note),
                account=account,
                today=self.today,
                payee_claims=[c.data for c in creditor.claims] if creditor else None,
                reversal=plan.reverses is not None,
            )
            if accepted and len(self.problems) == before:
                account = account.after(plan.data)  # posted: the next line sees it
        return open_account, opened_on, plans

    def _check_reversal(self, plan: EntryPlan, i: int, plans, reversed_by, ext_path) -> None:
        j = plan.reverses
        where = f"{ext_path}.reverses"
        if j >= i:
            self.add(where, _("Une extourne suit l'écriture qu'elle extourne."))
            return
        original = plans[j]
        if original.reverses is not None:
            self.add(where, _("Une extourne ne s'extourne pas."))
        if j in reversed_by:
            self.add(where, _("Écriture déjà extournée (%(p)s).") % {"p": reversed_by[j]})
        reversed_by.setdefault(j, plan.path)
        a, b = original.data, plan.data
        mirrored = (
            a.direction != b.direction
            and a.amount == b.amount
            and a.category == b.category
            and original.creditor_key == plan.creditor_key
            and a.counterparty == b.counterparty
            and a.counterparty_iban == b.counterparty_iban
            and a.communication == b.communication
            and a.authorisation == b.authorisation
            and not b.standing_order
            and not b.bank_reference
        )
        if not mirrored:
            self.add(
                plan.path,
                _(
                    "Une extourne reprend l'écriture %(p)s en sens inverse (même montant, "
                    "catégorie, créancier, contrepartie, communication et autorisation)."
                )
                % {"p": original.path},
            )

    # contact log ---------------------------------------------------------------------------
    def check_contacts(self, case: CaseData, creditors: list[CreditorPlan]) -> list[dict]:
        by_key = {c.key: c for c in creditors}
        result = []
        for k, row in enumerate(self.ext.get("contacts", [])):
            path = f"$.extensions.contacts[{k}]"
            creditor = by_key.get(row["creditor_key"])
            if creditor is None:
                self.add(f"{path}.creditor_key", _("Aucun créancier n'a cette clé."))
            representation = row.get("representation")
            if (
                creditor
                and representation is not None
                and representation >= len(creditor.representations)
            ):
                self.add(f"{path}.representation", _("Ce créancier n'a pas cette représentation."))
            data = LogData(
                creditor=None,  # and its representative: set at creation
                date=self.day(row["date"], f"{path}.date"),
                channel=row["channel"],
                summary=row["summary"],
                outcome=row["outcome"],
                interlocutor=row.get("interlocutor", ""),
                follow_up_on=self.day(row.get("follow_up_on"), f"{path}.follow_up_on"),
            )
            self.validate(
                path, CONTACT_FIELDS, contact_validate, case=case, data=data, today=self.today
            )
            if row.get("follow_up_done") and f"{path}.follow_up_on" not in self.unread:
                self.validate(
                    path, {"follow_up_on": "follow_up_done"}, follow_up_done_validate, entry=data
                )
            result.append(row | {"path": path, "data": data})
        return result

    def check_applicant_contacts(self, case: CaseData, applicant_count: int) -> list[dict]:
        """The debtor side of the log (issue 17): contacts with an applicant, named by its
        position (1 or 2); checked by ``contacts.services.contact_validate`` like the others."""
        result = []
        for k, row in enumerate(self.ext.get("applicant_contacts", [])):
            path = f"$.extensions.applicant_contacts[{k}]"
            if row["applicant"] > applicant_count:
                self.add(
                    f"{path}.applicant",
                    _("Le dossier n'a pas de requérant n° %(n)s.") % {"n": row["applicant"]},
                )
            data = LogData(
                creditor=None,  # the applicant is set at creation
                date=self.day(row["date"], f"{path}.date"),
                channel=row["channel"],
                summary=row["summary"],
                outcome=row["outcome"],
                interlocutor=row.get("interlocutor", ""),
                follow_up_on=self.day(row.get("follow_up_on"), f"{path}.follow_up_on"),
            )
            self.validate(
                path,
                APPLICANT_CONTACT_FIELDS,
                contact_validate,
                case=case,
                data=data,
                today=self.today,
            )
            if row.get("follow_up_done") and f"{path}.follow_up_on" not in self.unread:
                self.validate(
                    path, {"follow_up_on": "follow_up_done"}, follow_up_done_validate, entry=data
                )
            result.append(row | {"path": path, "data": data})
        return result

    # household budget and living allowance -------------------------------------------------
    def check_budget(self, applicant_count: int) -> list[BudgetVersionPlan]:
        """The versions, in number order; each one is created through
        ``budget.services.budget_version_create`` and its allowances through
        ``allowance_decide`` (which check the floors against the legal rows)."""
        result = []
        latest = BudgetHistory(applicants=applicant_count)  # as the versions before leave it
        versions = self.ext.get("budget", {}).get("versions", [])
        for i, row in enumerate(versions):
            path = f"$.extensions.budget.versions[{i}]"
            if "number" in row and row["number"] != i + 1:
                self.add(
                    f"{path}.number",
                    _(
                        "Les versions du budget sont numérotées 1, 2, … dans l'ordre "
                        "(attendu : %(n)s)."
                    )
                    % {"n": i + 1},
                )
            incomes = []
            for k, line in enumerate(row.get("incomes", [])):
                where = f"{path}.incomes[{k}]"
                income = IncomeData(
                    kind=line["kind"],
                    amount=self.money(line["amount"], f"{where}.amount"),
                    label=_text(line.get("label")),
                    person=line.get("person"),
                    outside_case=bool(line.get("outside_case", False)),
                )
                self.validate(
                    where,
                    INCOME_FIELDS,
                    income_validate,
                    line=income,
                    applicants=applicant_count,
                    number=k + 1,
                )
                incomes.append(income)
            charges, charges_accepted = [], True
            for k, line in enumerate(row.get("charges", [])):
                where = f"{path}.charges[{k}]"
                charge = ChargeData(
                    kind=line["kind"],
                    amount=self.money(line["amount"], f"{where}.amount"),
                    label=_text(line.get("label")),
                    paid_from_account=bool(line.get("paid_from_account", False)),
                )
                charges_accepted &= self.validate(
                    where, CHARGE_FIELDS, charge_validate, line=charge, number=k + 1
                )
                charges.append(charge)
            data = BudgetData(
                date=self.day(row["date"], f"{path}.date"),
                ris_category=row["ris_category"],
                adults=row.get("adults", 1),
                dependent_children=row.get("dependent_children", 0),
                partner_outside_case=bool(row.get("partner_outside_case", False)),
                incomes=incomes,
                charges=charges,
                reason=_text(row.get("reason")),
                note=_text(row.get("note")),
            )
            self.validate(  # the lines are checked above, each at its own path
                path,
                BUDGET_FIELDS,
                budget_version_validate,
                data=replace(data, incomes=[], charges=[]),
                history=latest,
            )
            if data.date and (latest.latest_date is None or data.date >= latest.latest_date):
                latest = replace(latest, latest_number=i + 1, latest_date=data.date)
            paid_from_account = (
                sum((c.amount for c in charges if c.paid_from_account), Decimal("0.00"))
                if charges_accepted
                else None  # already reported at the charge
            )
            allowances = [
                self.check_allowance(item, f"{path}.allowances[{k}]", data, paid_from_account)
                for k, item in enumerate(row.get("allowances", []))
            ]
            result.append(BudgetVersionPlan(path=path, data=data, allowances=allowances))
        return result

    def check_allowance(
        self, row: dict, path: str, version: BudgetData, paid_from_account: Decimal | None
    ) -> AllowancePlan:
        data = AllowanceData(
            amount=self.money(row["amount"], f"{path}.amount"),
            frequency=row.get("frequency", AllowanceFrequency.MONTHLY),
            day_of_month=row.get("day_of_month", 1),
            second_day_of_month=row.get("second_day_of_month"),
            agreement_date=self.day(row.get("agreement_date"), f"{path}.agreement_date"),
            note=_text(row.get("note")),
        )
        # the floors are checked when the version exists (``_Builder.budget``)
        accepted = self.validate(
            path,
            ALLOWANCE_FIELDS,
            allowance_validate,
            version=version,
            data=data,
            today=self.today,
        )
        paid = self.money(row.get("paid_to_applicant"), f"{path}.paid_to_applicant")
        if (
            accepted
            and paid is not None
            and paid_from_account is not None
            and paid != data.amount - paid_from_account
        ):  # written by the export: what the service computes
            self.add(
                f"{path}.paid_to_applicant",
                _(
                    "Le montant versé au requérant est le pécule moins les charges payées par le "
                    "médiateur : %(n)s."
                )
                % {"n": f"{max(data.amount - paid_from_account, Decimal('0')):.2f}"},
            )
        if data.frequency != AllowanceFrequency.TWICE_MONTHLY and "second_day_of_month" in row:
            self.add(
                f"{path}.second_day_of_month",
                _("Un second jour ne s'indique que pour deux versements par mois."),
            )
        return AllowancePlan(path=path, data=data, agreement_date=data.agreement_date)


# --- creation --------------------------------------------------------------------------------


class _Builder:
    def __init__(self, plan: Plan, *, uploaded_by: User | None, today: date):
        self.plan = plan
        self.uploaded_by = uploaded_by
        self.today = today
        self.problems: list[Problem] = []
        self.representations: dict[str, list] = {}

    def call(self, path: str, fields: dict, function, **kwargs):
        """Run one service in a savepoint; its refusal becomes problems at ``path``."""
        try:
            with transaction.atomic():
                return function(**kwargs)
        except ValidationError as exc:
            self.problems.extend(refusal_problems(exc, path, fields))
            return None

    def user(self, ref: MediatorRef, organisation: Organisation) -> User:
        if ref.user is None:
            parts = ref.name.split()
            base = slugify(ref.name) or "mediateur"
            username, n = base[:140], 2
            while User.objects.filter(username=username).exists():
                username, n = f"{base[:140]}-{n}", n + 1
            user = User(
                username=username,
                first_name=" ".join(parts[:1]) if len(parts) > 1 else "",
                last_name=" ".join(parts[1:]) if len(parts) > 1 else ref.name,
                role=Role.MEDIATOR,
                organisation=organisation,
                profession=ref.profession,
                vat_registered=ref.vat_registered,
            )
            user.set_unusable_password()
            user.save()
            ref.user = user
        return ref.user

    def organisation(self) -> Organisation:
        if self.plan.organisation is not None:
            return self.plan.organisation
        slug = self.plan.organisation_slug
        organisation, _created = organisation_get_or_create(
            slug=slug,
            defaults={
                "name": slug.replace("-", " ").capitalize(),
                "kind": ORGANISATION_KIND_BY_PROFESSION.get(
                    self.plan.mediator.profession, Organisation.Kind.OTHER
                ),
            },
        )
        return organisation

    def build(self) -> Case:
        plan = self.plan
        organisation = self.organisation()
        mediator = self.user(plan.mediator, organisation)
        by = self.uploaded_by or mediator
        case = self.call(
            "$.case",
            CASE_FIELDS,
            case_create,
            organisation=organisation,
            mediator=mediator,
            data=plan.case,
            applicants=plan.applicants,
            created_by=by,
        )
        if case is None:
            raise BundleInvalid(self.problems)
        self.replay_status(case, by)
        keys = self.creditors(case, organisation, by)
        self.services(case, organisation, by)
        self.ledger(case, keys, by)
        self.contacts(case, keys, by)
        self.applicant_contacts(case, by)
        self.budget(case, by)
        if self.problems:
            raise BundleInvalid(self.problems)
        case.refresh_from_db()
        return case

    def replay_status(self, case: Case, by: User) -> None:
        for k, (to_status, when, note) in enumerate(self.plan.status_steps):
            self.call(
                f"$.extensions.status_history[{k}]"
                if self.plan.status_from_history
                else "$.case.status",
                STATUS_FIELDS,
                case_change_status,
                case=case,
                to_status=to_status,
                decision_date=when,
                note=note,
                by=by,
                # a bundle carries no plan: the recorded decisions are replayed as they are
                history_replay=True,
            )
        case.refresh_from_db()
        data = self.plan.case
        if (case.homologation_date, case.closure_date) != (
            data.homologation_date,
            data.closure_date,
        ):
            # the decisions set these dates; the bundle's own values have the last word
            self.call(
                "$.case",
                CASE_FIELDS,
                case_update,
                case=case,
                data=data,
                applicants=self.plan.applicants,
                updated_by=by,
            )

    def creditors(self, case: Case, organisation: Organisation, by: User) -> dict[str, Creditor]:
        keys: dict[str, Creditor] = {}
        applicants = {a.position: a for a in case.applicants.all()}
        claims_by_key = {}
        for position, plan in enumerate(self.plan.creditors):
            creditor = plan.existing
            if creditor is None:
                creditor = self.call(
                    plan.path,
                    creditor_fields(plan.ext_path),
                    creditor_create,
                    organisation=organisation,
                    data=plan.data,
                )
                if creditor is None:
                    continue
            keys[plan.key] = creditor
            CaseCreditorKey.objects.create(
                case=case, creditor=creditor, key=plan.key, position=position
            )
            representations = [
                self.representation(case, organisation, creditor, item)
                for item in plan.representations
            ]
            self.representations[plan.key] = representations
            for claim in plan.claims:
                index = claim.representation
                made = self.call(
                    claim.path,
                    CLAIM_FIELDS,
                    claim_create,
                    case=case,
                    data=replace(
                        claim.data,
                        creditor=creditor,
                        representation=representations[index] if index is not None else None,
                        debtors=[applicants[d] for d in claim.debtors],
                    ),
                    by=by,
                )
                claims_by_key[claim.key] = made
        for item in self.plan.positions:
            members = [claims_by_key.get(key) for key in item["claims"]]
            if None in members:
                continue
            self.call(
                item["path"],
                {"label": "label", "claims": "claims"},
                position_join,
                case=case,
                claims=members,
                label=item["label"],
                note=item.get("note", ""),
            )
        return keys

    def representation(self, case, organisation, creditor, item: RepresentationPlan):
        qs = Representative.objects.filter(organisation=organisation)
        representative = (
            (item.enterprise_number and qs.filter(enterprise_number=item.enterprise_number).first())
            or (item.iban and qs.filter(iban=item.iban).first())
            or qs.filter(name=item.name, role=item.role).order_by("pk").first()
        )
        if not representative:
            representative = self.call(
                item.path,
                REPRESENTATIVE_FIELDS,
                representative_create,
                organisation=organisation,
                data=item.contact_data(),
            )
        if not representative:
            return None
        return self.call(
            item.path,
            REPRESENTATIVE_FIELDS,
            representation_add,
            case=case,
            creditor=creditor,
            representative=representative,
            file_reference=item.file_reference,
        )

    def services(self, case: Case, organisation: Organisation, by: User) -> None:
        for item in self.plan.services:
            self.call(
                item["path"],
                SERVICE_FIELDS,
                service_record,
                case=case,
                kind=item["kind"],
                service_date=item["service_date"],
                mediator=self.user(item["mediator"], organisation),
                by=by,
                quantity=item["quantity"],
                km=item["km"],
                amount=item["amount"],
                registered_postage=item["registered_postage"],
                note=item["note"],
                origin="import",
            )

    def ledger(self, case: Case, keys: dict[str, Creditor], by: User) -> None:
        plan = self.plan
        if not plan.open_account:
            return
        account = self.call(
            "$.extensions.ledger",
            ACCOUNT_FIELDS,
            account_open,
            case=case,
            opened_on=plan.opened_on,
        )
        if account is None:
            return
        posted = []
        for entry in plan.entries:
            if entry.reverses is not None:
                original = posted[entry.reverses]
                made = original and self.call(
                    entry.path,
                    ENTRY_FIELDS,
                    entry_reverse,
                    entry=original,
                    by=by,
                    today=entry.data.value_date,
                    note=entry.note,
                )
            else:
                creditor = keys.get(entry.creditor_key)
                entry.data.creditor_id = creditor.pk if creditor else None
                entry.data.note = entry.note
                made = self.call(
                    entry.path,
                    ENTRY_FIELDS,
                    entry_post,
                    case=case,
                    data=entry.data,
                    by=by,
                    today=self.today,
                )
            posted.append(made)

    def representative_at(self, key: str, index: int | None):
        if index is None:
            return None
        representation = self.representations.get(key, [])[index]
        return representation.representative if representation else None

    def contacts(self, case: Case, keys: dict[str, Creditor], by: User) -> None:
        for row in self.plan.contacts:
            creditor = keys.get(row["creditor_key"])
            if creditor is None:
                continue
            index = row.get("representation")
            entry = self.call(
                row["path"],
                CONTACT_FIELDS,
                contact_record,
                case=case,
                data=replace(
                    row["data"],
                    creditor=creditor,
                    representative=self.representative_at(row["creditor_key"], index),
                ),
                by=by,
                today=self.today,
            )
            if entry is not None and row.get("follow_up_done"):
                self.call(
                    row["path"],
                    {"follow_up_on": "follow_up_done"},
                    follow_up_mark_done,
                    entry=entry,
                    by=by,
                )

    def applicant_contacts(self, case: Case, by: User) -> None:
        applicants = {a.position: a for a in case.applicants.all()}
        for row in self.plan.applicant_contacts:
            entry = self.call(
                row["path"],
                APPLICANT_CONTACT_FIELDS,
                contact_record,
                case=case,
                data=replace(row["data"], applicant=applicants[row["applicant"]]),
                by=by,
                today=self.today,
            )
            if entry is not None and row.get("follow_up_done"):
                self.call(
                    row["path"],
                    {"follow_up_on": "follow_up_done"},
                    follow_up_mark_done,
                    entry=entry,
                    by=by,
                )

    def budget(self, case: Case, by: User) -> None:
        """Each version, then its allowance decisions (``allowance_decide`` only decides on the
        case's current version: the order of the bundle is the order of the decisions)."""
        for plan in self.plan.budget:
            version = self.call(
                plan.path, BUDGET_FIELDS, budget_version_create, case=case, data=plan.data, by=by
            )
            if version is None:
                continue
            for allowance in plan.allowances:
                try:
                    with transaction.atomic():
                        allowance_decide(
                            version=version, data=allowance.data, by=by, today=self.today
                        )
                except ValidationError as exc:
                    self.problems.extend(self.allowance_refused(version, allowance, exc))

    def allowance_refused(self, version, allowance: AllowancePlan, exc: ValidationError):
        """An allowance under the non-seizable amount needs the applicant's signed agreement
        (``allowance_decide``: a date AND the uploaded document). The bundle does not carry
        documents, so such an allowance is refused with the way forward — never recorded
        without its agreement. Other refusals (hard floor, resources, legal rows) are the
        service's own."""
        amount = getattr(exc, "error_dict", {}).get("amount", [])
        needs = [e for e in amount if e.code == Verdict.NEEDS_AGREEMENT]
        if not needs:
            return refusal_problems(exc, allowance.path, ALLOWANCE_FIELDS)
        others = ValidationError(
            {
                name: errors
                for name, errors in exc.error_dict.items()
                if name not in ("amount", "agreement_date", "agreement_file")
            }
        )
        problems = refusal_problems(others, allowance.path, ALLOWANCE_FIELDS)
        if allowance.agreement_date:
            path = f"{allowance.path}.agreement_date"
            message = _(
                "Le pécule (%(amount)s) est inférieur à la quotité insaisissable (%(floor)s) "
                "avec l'accord exprès du requérant du %(date)s, mais le document signé n'est pas "
                "transporté par le fichier (il reste chez le médiateur précédent) : le pécule ne "
                "peut être enregistré sans lui. Retirez ce pécule du fichier, importez le dossier, "
                "puis fixez le pécule dans le budget en joignant l'accord signé."
            ) % {
                "amount": format_eur(allowance.data.amount),
                "floor": format_eur(budget_selectors.floors_for(version).non_seizable),
                "date": format_date(allowance.agreement_date),
            }
        else:
            path = f"{allowance.path}.amount"
            message = _(
                "%(message)s Retirez ce pécule du fichier, importez le dossier, puis fixez le "
                "pécule dans le budget en joignant l'accord signé du requérant."
            ) % {"message": needs[0].messages[0]}
        return [Problem(path, message), *problems]


# --- the service -------------------------------------------------------------------------


def bundle_import(
    *,
    document: dict,
    organisation: Organisation | None = None,
    organisation_slug: str = "",
    uploaded_by: User | None = None,
    today: date | None = None,
) -> Case:
    """Create the case a bundle describes, or nothing (``BundleInvalid`` lists every problem).

    Command line: ``organisation_slug`` (created if absent); the bundle's mediators are found
    by name among the organisation's mediators, or created. Web: ``organisation`` and
    ``uploaded_by``; a mediator the organisation does not have is replaced by the uploader.
    ``today`` (default: the import date) bounds the dates as in the app: declarations and
    contacts not in the future, ledger entries at most 31 days ahead."""
    today = today or timezone.localdate()
    problems = schema_problems(document)
    extensions = document.get("extensions") if isinstance(document, dict) else None
    if (
        not problems
        and isinstance(extensions, dict)
        and extensions.get("layout") == EXTENSIONS_LAYOUT
    ):
        problems = extensions_problems(extensions)
    if problems:
        raise BundleInvalid(problems)
    if organisation is None:
        organisation_slug = organisation_slug or DEFAULT_ORGANISATION_SLUG
        if slugify(organisation_slug) != organisation_slug:
            raise BundleInvalid(
                [
                    Problem(
                        "--organisation",
                        _("« %(s)s » n'est pas un identifiant (slug).") % {"s": organisation_slug},
                    )
                ]
            )
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
    plan = _Checker(
        document,
        organisation=organisation,
        organisation_slug=organisation_slug,
        uploaded_by=uploaded_by,
        today=today,
    ).check()
    with transaction.atomic():
        return _Builder(plan, uploaded_by=uploaded_by, today=today).build()
