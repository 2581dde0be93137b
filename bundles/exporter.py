"""Case → ``rcd-case-bundle/1`` document (a dict ready for ``json.dumps``).

Choices (see ``bundles/README.md``):
- ``case.pricing_method`` is the case's *explicit* override, absent when the case follows its
  division's default: re-importing keeps "follows the division" as it was.
- creditor keys are those stored at import (``bundles.CaseCreditorKey``), otherwise made from
  the creditor's name; claim keys are ``Claim.key``, otherwise made from the creditor's key.
- the ledger is written in date order (value date, then entry number); a reversal is written as
  the plain opposite line it is, and ``extensions.ledger.entries`` links it to its original.
- ``creditors[].representative`` is the creditor's first representation in the case; every
  representation (several representatives, or several files of one) is listed in
  ``extensions.creditors[key].representations``.
- ``extensions.budget`` carries every budget version with its lines and allowance decisions
  (not the signed agreement file: documents are not carried).
- ``extensions`` follows the layout ``rcd-workbench/1`` (``extensions.schema.json``).
"""

import json
from collections.abc import Iterable
from decimal import Decimal

from django.utils.text import slugify

from accounts.models import Organisation, User
from budget.models import BudgetVersion
from cases.models import Case
from claims.models import Claim, Creditor, Representation
from ledger.models import Account

from .models import CaseCreditorKey
from .schema import EXTENSIONS_LAYOUT, FORMAT

# A user without a profession is written with the one their organisation implies (the schema
# requires one).
PROFESSION_BY_ORGANISATION_KIND = {
    Organisation.Kind.CPAS: "cpas",
    Organisation.Kind.LAW_FIRM: "lawyer",
    Organisation.Kind.ASBL: "approved_service",
    Organisation.Kind.OTHER: "approved_service",
}


def money(value: Decimal) -> str:
    """Decimal → '1234.56' (two decimals, a dot, never a float)."""
    return f"{value:.2f}"


def km_number(value: Decimal) -> int | float:
    """Kilometres are a JSON number in the schema: 12 or 12.5 (one decimal in the model, so the
    float's shortest representation is exact)."""
    return int(value) if value == value.to_integral_value() else float(value)


def mediator_name(user: User) -> str:
    return " ".join((user.get_full_name() or user.username).split())


def mediator_block(user: User) -> dict:
    organisation_kind = user.organisation.kind if user.organisation_id else "other"
    return {
        "name": mediator_name(user),
        "profession": user.profession
        or PROFESSION_BY_ORGANISATION_KIND.get(organisation_kind, "approved_service"),
        "vat_registered": bool(user.vat_registered),
    }


def _put(target: dict, key: str, value) -> None:
    """Optional members are written only when they carry something."""
    if value not in (None, "", [], {}):
        target[key] = value


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _unique_key(base: str, taken: set[str]) -> str:
    base = (base or "creancier")[:56]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    taken.add(key)
    return key


def _case_creditors(case: Case) -> tuple[list[Creditor], list[Creditor], dict[int, str]]:
    """(creditors with claims, other creditors of the case, creditor pk → key)."""
    stored = {k.creditor_id: k for k in CaseCreditorKey.objects.filter(case=case)}
    ids = set(Claim.objects.filter(case=case).values_list("creditor_id", flat=True))
    with_claims = ids.copy()
    ids |= set(stored)
    ids |= set(Representation.objects.filter(case=case).values_list("creditor_id", flat=True))
    ids |= set(
        case.contact_entries.filter(creditor__isnull=False).values_list("creditor_id", flat=True)
    )
    account = _account(case)
    if account is not None:
        ids |= {c for c in account.entries.values_list("creditor_id", flat=True) if c}
    creditors = list(Creditor.objects.filter(pk__in=ids))

    def order(c: Creditor):
        known = stored.get(c.pk)
        return (0, known.position, known.pk, "", 0) if known else (1, 0, 0, c.name, c.pk)

    creditors.sort(key=order)
    taken = {k.key for k in stored.values()}
    keys: dict[int, str] = {}
    for creditor in creditors:
        keys[creditor.pk] = (
            stored[creditor.pk].key
            if creditor.pk in stored
            else _unique_key(slugify(creditor.name), taken)
        )
    return (
        [c for c in creditors if c.pk in with_claims],
        [c for c in creditors if c.pk not in with_claims],
        keys,
    )


def creditor_keys(case: Case) -> dict[int, str]:
    """Creditor pk -> its key in the case's bundle (``creditors[].key``), made exactly as the
    export makes it (``manage.py plan_preview`` names the creditors by it)."""
    return _case_creditors(case)[2]


def _account(case: Case):
    return Account.objects.filter(case=case).first()


def _claim_keys(claims: Iterable[Claim], creditor_keys: dict[int, str]) -> dict[int, str]:
    """Stored keys, else '<creditor key>-<n>' (the n-th unkeyed claim of that creditor)."""
    claims = list(claims)
    taken = {c.key for c in claims if c.key}
    counters: dict[str, int] = {}
    keys = {}
    for claim in claims:
        if claim.key:
            keys[claim.pk] = claim.key
            continue
        base = creditor_keys[claim.creditor_id][:56]
        n = counters.get(base, 0)
        while True:
            n += 1
            key = f"{base}-{n}"
            if key not in taken:
                break
        counters[base] = n
        taken.add(key)
        keys[claim.pk] = key
    return keys


def _contact_details(contact, representations: list[Representation]) -> dict:
    details: dict = {}
    # the directory's own ``notes`` stay in the organisation (not the case's data)
    for name in ("address", "email", "phone", "bic", "contact_person"):
        _put(details, name, getattr(contact, name))
    if getattr(contact, "country", "BE") not in ("", "BE"):  # a creditor established abroad
        details["country"] = contact.country
    rows = []
    for representation in representations:
        representative = representation.representative
        row = {"name": representative.name, "role": representative.role}
        _put(row, "enterprise_number", representative.enterprise_number)
        _put(row, "iban", representative.iban)
        _put(row, "file_reference", representation.file_reference)
        rows.append(row)
    _put(details, "representations", rows)
    return details


def _budget(case: Case) -> dict:
    """Every budget version in number order, its lines in their order and its allowance
    decisions oldest first (the importer replays them in that order through the services)."""
    versions = []
    for version in (
        BudgetVersion.objects.filter(case=case)
        .order_by("number")
        .prefetch_related("incomes", "charges", "allowance_decisions")
    ):
        row: dict = {
            "number": version.number,
            "date": version.date.isoformat(),
            "ris_category": version.ris_category,
            "adults": version.adults,
            "dependent_children": version.dependent_children,
        }
        # Optional members added later: written only when set (older readers never see them).
        if version.partner_outside_case:
            row["partner_outside_case"] = True
        _put(row, "reason", version.reason)
        _put(row, "note", version.note)
        incomes = []
        for line in sorted(version.incomes.all(), key=lambda x: (x.position, x.pk)):
            item: dict = {"kind": line.kind}
            _put(item, "label", line.label)
            _put(item, "person", line.person)
            if line.outside_case:
                item["outside_case"] = True
            item["amount"] = money(line.amount)
            incomes.append(item)
        row["incomes"] = incomes
        charges = []
        for line in sorted(version.charges.all(), key=lambda x: (x.position, x.pk)):
            item = {"kind": line.kind}
            _put(item, "label", line.label)
            item["amount"] = money(line.amount)
            item["paid_from_account"] = line.paid_from_account
            charges.append(item)
        row["charges"] = charges
        allowances = []
        for decision in sorted(
            version.allowance_decisions.all(), key=lambda x: (x.decided_at, x.pk)
        ):
            item = {
                "amount": money(decision.amount),
                "paid_to_applicant": money(decision.paid_to_applicant),
                "frequency": decision.frequency,
                "day_of_month": decision.day_of_month,
            }
            _put(item, "second_day_of_month", decision.second_day_of_month)
            _put(item, "agreement_date", _iso(decision.agreement_date))
            _put(item, "note", decision.note)
            allowances.append(item)
        _put(row, "allowances", allowances)
        versions.append(row)
    return {"versions": versions} if versions else {}


def export_case(case: Case) -> dict:
    """The whole case as an ``rcd-case-bundle/1`` document (validates against the schema)."""
    case = Case.objects.select_related("organisation", "mediator__organisation").get(pk=case.pk)
    extensions: dict = {"layout": EXTENSIONS_LAYOUT}

    # case ------------------------------------------------------------------------------
    block: dict = {"reference": case.reference, "division": case.division}
    _put(block, "role_number", case.role_number)
    _put(block, "account_iban", case.account_iban)
    _put(block, "pricing_method", case.pricing_method)
    for name in ("petition_date", "admissibility_date", "mediator_designation_date"):
        _put(block, name, _iso(getattr(case, name)))
    _put(block, "follow_up_start", _iso(case.follow_up_start))
    _put(block, "closure_date", _iso(case.closure_date))
    block["status"] = case.status
    case_ext: dict = {}
    _put(case_ext, "homologation_date", _iso(case.homologation_date))
    _put(case_ext, "creditors_notified_on", _iso(case.creditors_notified_on))
    _put(case_ext, "notes", case.notes)
    household = {"adults": case.household_adults, "dependent_children": case.dependent_children}
    _put(household, "note", case.household_note)
    case_ext["household"] = household
    extensions["case"] = case_ext
    history = [
        {"date": s.decision_date.isoformat(), "from": s.from_status, "to": s.to_status}
        | ({"note": s.note} if s.note else {})
        for s in case.status_changes.exclude(from_status="").order_by("decision_date", "id")
    ]
    _put(extensions, "status_history", history)

    # applicants -----------------------------------------------------------------------
    applicants, applicant_ext = [], []
    positions_of = {}
    for applicant in case.applicants.order_by("position"):
        positions_of[applicant.pk] = applicant.position
        row = {"last_name": applicant.last_name, "first_name": applicant.first_name}
        _put(row, "national_number", applicant.national_number)
        _put(row, "birth_date", _iso(applicant.birth_date))
        _put(row, "address", applicant.address)
        applicants.append(row)
        more: dict = {}
        _put(more, "phone", applicant.phone)
        _put(more, "email", applicant.email)
        applicant_ext.append(more)
    if any(applicant_ext):
        extensions["applicants"] = applicant_ext

    # creditors and claims ---------------------------------------------------------------
    with_claims, others, creditor_keys = _case_creditors(case)
    representations: dict[int, list[Representation]] = {}
    for representation in (
        Representation.objects.filter(case=case).select_related("representative").order_by("id")
    ):
        representations.setdefault(representation.creditor_id, []).append(representation)
    claims = list(Claim.objects.filter(case=case).prefetch_related("debtors").order_by("id"))
    claim_keys = _claim_keys(claims, creditor_keys)
    all_positions = sorted(positions_of.values())
    creditors, creditor_ext, claim_ext = [], {}, {}
    for creditor in with_claims:
        key = creditor_keys[creditor.pk]
        row: dict = {"key": key, "name": creditor.name}
        _put(row, "enterprise_number", creditor.enterprise_number)
        _put(row, "iban", creditor.iban)
        own = representations.get(creditor.pk, [])
        if own:
            first = own[0].representative
            row["representative"] = {"name": first.name, "role": first.role}
        rows = []
        for claim in (c for c in claims if c.creditor_id == creditor.pk):
            item: dict = {"key": claim_keys[claim.pk]}
            _put(item, "reference", claim.creditor_reference)
            item["nature"] = claim.nature
            item["principal"] = money(claim.principal)
            item["interest"] = money(claim.interest)
            item["costs"] = money(claim.costs)
            item["declared_on"] = claim.declared_on.isoformat()
            item["time_barred"] = claim.time_barred
            item["status"] = claim.status
            item["privilege"] = claim.privilege
            _put(item, "paid_off_on", _iso(claim.paid_off_on))
            rows.append(item)
            more = {}
            debtors = sorted(positions_of[d.pk] for d in claim.debtors.all())
            if debtors != all_positions:
                more["debtors"] = debtors
            if claim.representation_id:
                more["representation"] = [r.pk for r in own].index(claim.representation_id)
            # the plan's view of the claim (docs/plan-rules.md), optional: absent = defaults
            if claim.interest_after_admissibility:
                more["interest_after_admissibility"] = money(claim.interest_after_admissibility)
            if claim.admitted_amount is not None:
                more["admitted_amount"] = money(claim.admitted_amount)
            _put(more, "admitted_reason", claim.admitted_reason)
            if claim.plan_rank != "common":
                more["plan_rank"] = claim.plan_rank
            _put(more, "rank_reason", claim.rank_reason)
            _put(claim_ext, claim_keys[claim.pk], more)
        row["claims"] = rows
        creditors.append(row)
        _put(creditor_ext, key, _contact_details(creditor, own))
    other_rows = []
    for creditor in others:
        key = creditor_keys[creditor.pk]
        row = {"key": key, "name": creditor.name}
        _put(row, "enterprise_number", creditor.enterprise_number)
        _put(row, "iban", creditor.iban)
        other_rows.append(row)
        _put(creditor_ext, key, _contact_details(creditor, representations.get(creditor.pk, [])))
    _put(extensions, "creditors", creditor_ext)
    _put(extensions, "other_creditors", other_rows)
    _put(extensions, "claims", claim_ext)
    joined = []
    for position in case.positions.order_by("id"):
        members = [claim_keys[c.pk] for c in claims if c.position_id == position.pk]
        item = {"creditor_key": creditor_keys[position.creditor_id], "label": position.label}
        _put(item, "note", position.note)
        item["claims"] = members
        joined.append(item)
    _put(extensions, "positions", joined)

    # services -------------------------------------------------------------------------
    services, service_ext = [], []
    for index, service in enumerate(
        case.services.select_related("mediator__organisation").order_by("date", "id")
    ):
        row = {"date": service.date.isoformat(), "kind": service.kind}
        row["quantity"] = service.quantity
        if service.km is not None:
            row["km"] = km_number(service.km)
        if service.amount is not None:
            row["amount"] = money(service.amount)
        if service.registered_postage is not None:
            row["registered_postage"] = money(service.registered_postage)
        _put(row, "note", service.note)
        services.append(row)
        if service.mediator_id != case.mediator_id:
            service_ext.append({"index": index, "mediator": mediator_block(service.mediator)})
    _put(extensions, "services", service_ext)

    # ledger ---------------------------------------------------------------------------
    ledger, entry_ext = [], []
    account = _account(case)
    if account is not None:
        entries = list(account.entries.order_by("value_date", "sequence"))
        index_of = {entry.pk: i for i, entry in enumerate(entries)}
        for index, entry in enumerate(entries):
            row = {
                "date": entry.value_date.isoformat(),
                "direction": entry.direction,
                "amount": money(entry.amount),
                "category": entry.category,
            }
            if entry.creditor_id:
                row["creditor_key"] = creditor_keys[entry.creditor_id]
            _put(row, "counterparty", entry.counterparty)
            _put(row, "counterparty_iban", entry.counterparty_iban)
            _put(row, "communication", entry.communication)
            if entry.standing_order:
                row["standing_order"] = True
            _put(row, "authorisation", entry.authorisation)
            ledger.append(row)
            more: dict = {}
            if entry.reverses_id:
                more["reverses"] = index_of[entry.reverses_id]
            _put(more, "note", entry.note)
            _put(more, "bank_reference", entry.bank_reference)
            # after the closure or revocation: the final settlement entry's reason (issue 17)
            _put(more, "settlement_reason", entry.settlement_reason)
            if more:
                entry_ext.append({"index": index} | more)
        ledger_ext = {"opened_on": account.opened_on.isoformat()}
        _put(ledger_ext, "entries", entry_ext)
        extensions["ledger"] = ledger_ext

    # contact log ------------------------------------------------------------------------
    contacts = []
    # The contacts with the applicant (issue 17) are in ``applicant_contacts`` (below).
    for entry in case.contact_entries.filter(creditor__isnull=False).order_by("date", "id"):
        row = {"creditor_key": creditor_keys[entry.creditor_id]}
        if entry.representative_id:
            own = [r.representative_id for r in representations.get(entry.creditor_id, [])]
            if entry.representative_id in own:
                row["representation"] = own.index(entry.representative_id)
        row["date"] = entry.date.isoformat()
        row["channel"] = entry.channel
        _put(row, "interlocutor", entry.interlocutor)
        row["summary"] = entry.summary
        row["outcome"] = entry.outcome
        _put(row, "follow_up_on", _iso(entry.follow_up_on))
        if entry.follow_up_done_at:
            row["follow_up_done"] = True
        contacts.append(row)
    _put(extensions, "contacts", contacts)
    # The debtor side of the log (issue 17): contacts with an applicant, by position.
    _put(extensions, "applicant_contacts", _applicant_contacts(case))

    # household budget and living allowance ----------------------------------------------
    _put(extensions, "budget", _budget(case))

    bundle = {
        "format": FORMAT,
        "case": block,
        "mediator": mediator_block(case.mediator),
        "applicants": applicants,
        "creditors": creditors,
        "services": services,
        "ledger": ledger,
        "extensions": extensions,
    }
    return bundle


def _applicant_contacts(case: Case) -> list[dict]:
    rows = []
    entries = case.contact_entries.filter(applicant__isnull=False).select_related("applicant")
    for entry in entries.order_by("date", "id"):
        row = {"applicant": entry.applicant.position, "date": entry.date.isoformat()}
        row["channel"] = entry.channel
        _put(row, "interlocutor", entry.interlocutor)
        row["summary"] = entry.summary
        row["outcome"] = entry.outcome
        _put(row, "follow_up_on", _iso(entry.follow_up_on))
        if entry.follow_up_done_at:
            row["follow_up_done"] = True
        rows.append(row)
    return rows


def dumps(bundle: dict) -> str:
    """The bundle as text: UTF-8 JSON, indent 2, keys in the order the exporter writes them
    (the schema's order), so that two exports of the same case are byte-identical."""
    return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
