"""One search box for everything a mediator types from a letter or a phone call (issue #16):
a case by its reference, R.G. number or applicant; a creditor or representative (name,
enterprise number, IBAN); a bailiff's or creditor's own file reference; an IBAN seen in a
case's journal; a structured communication (+++123/4567/89012+++).

Every query is scoped by the selectors of the app that owns the data (a mediator never finds
another organisation's case) and bounded (``limit`` per group), so the box stays fast on a
large caseload.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from banking.models import CaseCommunication
from cases.models import Applicant, Case
from cases.selectors import case_queryset_for
from claims.models import Claim, Representation
from claims.selectors import creditor_search, representative_search
from ledger.models import Entry

MIN_LENGTH = 2
LIMIT = 8
IBAN_LIKE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{4,30}$")


@dataclass(frozen=True)
class Hit:
    title: str
    detail: str
    url: str


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # more than the hits shown


@dataclass
class SearchResults:
    query: str
    groups: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)

    @property
    def too_short(self) -> bool:
        return len(self.query) < MIN_LENGTH


def _compact(term: str) -> str:
    return re.sub(r"[\s.\-/+]", "", term).upper()


def _case_hit(case: Case, detail: str = "") -> Hit:
    names = " & ".join(a.full_name for a in case.applicants.all())
    parts = [str(p) for p in (case.role_number and f"R.G. {case.role_number}", names, detail) if p]
    return Hit(
        title=case.reference, detail=" · ".join(parts), url=reverse("cases:detail", args=[case.pk])
    )


def _bounded(qs, limit: int) -> tuple[list, bool]:
    rows = list(qs[: limit + 1])
    return rows[:limit], len(rows) > limit


def _cases(user: User, term: str, limit: int) -> Group:
    group = Group("cases", _("Dossiers"))
    words = term.split()
    condition = Q(reference__icontains=term) | Q(role_number__icontains=term)
    compact = _compact(term)
    if len(compact) >= 3 and compact != term.upper():  # "22/2610/B" typed as "22-2610-B"
        for separator in ("/", "-", "."):
            variant = re.sub(r"[\s.\-/]+", separator, term.strip())
            condition |= Q(role_number__icontains=variant)
    name_match = Applicant.objects.filter(case=OuterRef("pk"))
    for word in words:
        name_match = name_match.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    condition |= Q(Exists(name_match))
    qs = (
        case_queryset_for(user)
        .filter(condition)
        .prefetch_related("applicants")
        .order_by("-admissibility_date", "reference")
    )
    cases, group.more = _bounded(qs, limit)
    group.hits = [_case_hit(case) for case in cases]
    return group


def _contacts(user: User, term: str, limit: int) -> list[Group]:
    creditors = Group("creditors", _("Créanciers"))
    rows, creditors.more = _bounded(creditor_search(user, term), limit)
    creditors.hits = [
        Hit(
            title=c.name,
            detail=" · ".join(p for p in (c.enterprise_number, c.iban) if p),
            url=reverse("claims:creditor_detail", args=[c.pk]),
        )
        for c in rows
    ]
    representatives = Group("representatives", _("Intermédiaires (huissiers, recouvrement)"))
    rows, representatives.more = _bounded(representative_search(user, term), limit)
    representatives.hits = [
        Hit(
            title=r.name,
            detail=" · ".join(p for p in (r.enterprise_number, r.iban) if p),
            url=reverse("claims:representative_detail", args=[r.pk]),
        )
        for r in rows
    ]
    return [creditors, representatives]


def _file_references(user: User, term: str, limit: int) -> Group:
    """A bailiff's or collection agency's file reference, or the creditor's own reference of a
    claim: the case it belongs to."""
    group = Group("file_references", _("Références de dossier des créanciers et huissiers"))
    visible = case_queryset_for(user)
    hits: list[Hit] = []
    representations = (
        Representation.objects.filter(case__in=visible, file_reference__icontains=term)
        .select_related("case", "representative", "creditor")
        .prefetch_related("case__applicants")
        .order_by("case__reference", "pk")
    )
    rows, more = _bounded(representations, limit)
    for r in rows:
        detail = f"{r.representative.name} ({r.creditor.name}) : {r.file_reference}"
        hits.append(_case_hit(r.case, detail))
    claims = (
        Claim.objects.filter(case__in=visible, creditor_reference__icontains=term)
        .select_related("case", "creditor")
        .prefetch_related("case__applicants")
        .order_by("case__reference", "pk")
    )
    claim_rows, claims_more = _bounded(claims, limit)
    for claim in claim_rows:
        hits.append(_case_hit(claim.case, f"{claim.creditor.name} : {claim.creditor_reference}"))
    group.hits = hits[:limit]
    group.more = more or claims_more or len(hits) > limit
    return group


def _ibans(user: User, compact: str, limit: int) -> Group:
    """An IBAN: the case whose mediation account it is, or whose journal shows it."""
    group = Group("ibans", _("Comptes bancaires (IBAN)"))
    visible = case_queryset_for(user)
    in_journal = Entry.objects.filter(
        account__case=OuterRef("pk"), counterparty_iban__contains=compact
    )
    own = Q(account_iban__contains=compact) | Q(account__iban__contains=compact)
    qs = (
        visible.filter(own | Q(Exists(in_journal)))
        .select_related("account")
        .prefetch_related("applicants")
        .order_by("-admissibility_date", "reference")
    )
    cases, group.more = _bounded(qs, limit)
    group.hits = [
        _case_hit(
            case,
            _("compte de médiation") if _is_own(case, compact) else _("vu dans le journal"),
        )
        for case in cases
    ]
    return group


def _is_own(case: Case, compact: str) -> bool:
    account = getattr(case, "account", None)
    return compact in case.account_iban or (account is not None and compact in account.iban)


def _communications(user: User, digits: str, limit: int) -> Group:
    group = Group("communications", _("Communications structurées"))
    rows = (
        CaseCommunication.objects.filter(case__in=case_queryset_for(user), digits__contains=digits)
        .select_related("case")
        .prefetch_related("case__applicants")
        .order_by("case__reference")
    )
    found, group.more = _bounded(rows, limit)
    group.hits = [_case_hit(row.case, row.display) for row in found]
    return group


def search_everything(*, user: User, query: str, limit: int = LIMIT) -> SearchResults:
    """Every kind of thing matching ``query`` that ``user`` may see, grouped by kind; empty
    groups are left out."""
    term = " ".join((query or "").split())[:100]
    results = SearchResults(query=term)
    if results.too_short:
        return results
    groups = [_cases(user, term, limit), *_contacts(user, term, limit)]
    groups.append(_file_references(user, term, limit))
    compact = _compact(term)
    if IBAN_LIKE.match(compact):
        groups.append(_ibans(user, compact, limit))
    digits = re.sub(r"\D", "", term)
    if len(digits) >= 6 and not re.search(r"[A-Za-z]", term):
        groups.append(_communications(user, digits, limit))
    results.groups = [group for group in groups if group.hits]
    return results
