"""A national-scale dataset in bulk (issue 15, ``manage.py seed_scale``): PostgreSQL ``COPY``,
not the services, so that 74,000 cases and about 20 million journal lines load in minutes.

Realistic distributions: court divisions weighted by the population they serve, organisations
of Zipf-like sizes (a large CPAS sees thousands of cases), 1–2 applicants, 3–25 creditors a
case from the organisation's directory, 0–7 years of life (journal, billable services, filed
annual reports and fee statements, an approved plan for the cases under a plan).

The database's invariants hold (ledger/migrations/0002): each account's entries are numbered
1, 2, … without gaps, the running balance never goes below zero (an outgoing movement is cut
to what the account holds), the account row carries the balance and entry count the posting
trigger would have left, and every entry carries its link of the hash chain (``ledger.chain``,
computed here in Python). Only the per-row posting trigger is switched off, inside each
batch's transaction (``ALTER TABLE … DISABLE TRIGGER`` is transactional: no other session
ever sees the table without it), because a row trigger updating one account row thousands of
times in one transaction costs quadratic time; each batch then checks, in SQL, what the
trigger would have checked, and fails (rolling the batch back) on any breach. The closure
trigger (no entry after a case's closure but final settlements) is switched off and checked
the same way.

Deterministic: the same ``seed`` on an empty database gives the same data (ids excepted when
the database already holds rows). Never for production (``core.demo.refuse_in_production``).
"""

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, models, transaction
from psycopg.types.json import Jsonb

from accounts.models import ClerkDivision, Organisation, Profession, User
from cases.models import Applicant, Case, MediatorAssignment, StatusChange
from cases.services import applicant_sort_names_refresh
from cases.status import CaseStatus
from claims.models import Claim, ClaimNature, ClaimStatus, Creditor
from core.dates import add_years, format_date
from core.divisions import Division
from core.roles import Role
from documents.models import Document, DocumentKind
from fees.models import Service, ServiceKind
from ledger.chain import GENESIS_HASH, entry_hash
from ledger.models import Account, Category, Direction, Entry
from plans.models import PlanKind, PlanState, PlanVersion

CENT = Decimal("0.01")
BATCH = 500  # cases a transaction
# The per-row triggers switched off while a batch's entries are copied (each batch then checks
# in SQL what they check: ``_check_journal``): the posting trigger (numbers, balance, account
# row) and the closure trigger (after a case's closure or revocation, only final settlement
# entries: ledger/migrations/0004), which would otherwise read the account and the case for
# each of the batch's 100,000-odd rows.
ENTRY_ROW_TRIGGERS = ("ledger_entry_post", "ledger_entry_after_closure")

# Inhabitants (thousands, 2023, rounded) of the judicial districts each labour-court division
# serves: the weight of a division among new cases.
POPULATION = {
    Division.ANTWERPEN: 1080,
    Division.MECHELEN: 350,
    Division.TURNHOUT: 470,
    Division.HASSELT: 480,
    Division.TONGEREN: 410,
    Division.LEUVEN: 520,
    Division.BRUSSEL_NL: 330,
    Division.BRUXELLES_FR: 900,
    Division.BRABANT_WALLON: 410,
    Division.GENT: 650,
    Division.BRUGGE: 290,
    Division.KORTRIJK: 310,
    Division.IEPER: 110,
    Division.OOSTENDE: 160,
    Division.VEURNE: 62,
    Division.OUDENAARDE: 125,
    Division.DENDERMONDE: 470,
    Division.LIEGE: 620,
    Division.HUY: 120,
    Division.VERVIERS: 210,
    Division.EUPEN: 80,
    Division.ARLON: 63,
    Division.MARCHE_EN_FAMENNE: 60,
    Division.NEUFCHATEAU: 65,
    Division.NAMUR: 320,
    Division.DINANT: 110,
    Division.MONS: 260,
    Division.CHARLEROI: 430,
    Division.TOURNAI: 230,
    Division.LA_LOUVIERE: 200,
}

LAST_NAMES = str.split(
    "Dubois Lambert Martin Dupont Leroy Peeters Janssens Maes Jacobs Mertens Willems Claes Goossens"
    " Wouters DeSmet Dumont Lemaire Laurent Simon Renard Collard Mathieu Fontaine Hermans Michiels"
    " Lejeune Denis Gilson Henrard Bertrand Pauwels Vermeulen Smets Aerts Lenaerts Kaya Yilmaz"
    " ElAmrani Benali Nowak Kowalski Rossi Ferrari Diallo Mbala Ndiaye Costa Silva Garcia Lopez"
)
FIRST_NAMES = str.split(
    "Marie Sophie Julie Laura Sarah Emma Nathalie Isabelle Fatima Aïcha Anne Els An Lotte Jean"
    " Pierre Luc Marc Thomas Nicolas Kevin Mohamed Youssef Jan Pieter Bart Tom Wim Ahmed Mehmet"
)
CREDITOR_STEMS = str.split(
    "Banque Crédit Finance Énergie Telecom Mutualité Logement Assurances Hôpital Huissiers"
    " Leasing Cetelem Proximus Engie Luminus Orange Telenet Belfius ING BNP KBC Argenta Beobank"
    " Cofidis Record Buy-Way Santander Vivium Ethias Partena Acerta SPF-Finances Région Commune"
)
NATURES = [
    (ClaimNature.CONSUMER_CREDIT, 34),
    (ClaimNature.ENERGY, 15),
    (ClaimNature.TELECOM, 14),
    (ClaimNature.HEALTH_CARE, 10),
    (ClaimNature.RENT, 6),
    (ClaimNature.TAX, 8),
    (ClaimNature.SOCIAL_CONTRIBUTIONS, 4),
    (ClaimNature.MORTGAGE_CREDIT, 2),
    (ClaimNature.MAINTENANCE, 1),
    (ClaimNature.CRIMINAL_FINE, 1),
    (ClaimNature.OTHER, 5),
]
INCOME_SOURCES = ["SPF Pensions", "ONEM", "CPAS", "Mutualité", "Employeur SA", "Famiwal"]
SERVICE_KINDS = [
    (ServiceKind.LETTER, 45),
    (ServiceKind.EMAIL, 30),
    (ServiceKind.CIRCULAR_LETTER, 6),
    (ServiceKind.HEARING, 4),
    (ServiceKind.TRAVEL, 5),
    (ServiceKind.INFORMATION_REQUEST, 2),
]


# -- PostgreSQL plumbing -------------------------------------------------------------------


@dataclass
class Table:
    """COPY rows into a model's table: the columns given, every other column its default
    (``auto_now``/``auto_now_add`` columns: the seed's clock)."""

    model: type[models.Model]
    fields: Sequence[str]  # attnames, in the order of the rows given
    now: datetime
    with_id: bool = True
    _rest: list[str] = field(default_factory=list)
    _rest_values: tuple = ()

    def __post_init__(self) -> None:
        given = set(self.fields)
        rest, values = [], []
        for f in self.model._meta.concrete_fields:
            if f.primary_key or f.attname in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = self.now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            else:
                value = ""
            if isinstance(value, dict | list):
                value = Jsonb(value)
            rest.append(f.column)
            values.append(value)
        self._rest, self._rest_values = rest, tuple(values)

    def columns(self) -> list[str]:
        given = [_field_by_attname(self.model._meta, a).column for a in self.fields]
        return (["id"] if self.with_id else []) + given + self._rest

    def copy(self, cursor, rows: Iterable[tuple]) -> int:
        names = ", ".join(f'"{c}"' for c in self.columns())
        count = 0
        with cursor.copy(f'COPY "{self.model._meta.db_table}" ({names}) FROM STDIN') as copy:
            rest = self._rest_values
            for row in rows:
                copy.write_row(row + rest)
                count += 1
        return count


def _field_by_attname(meta, attname: str):
    for f in meta.concrete_fields:
        if f.attname == attname:
            return f
    raise LookupError(attname)


def reserve_ids(cursor, model: type[models.Model], count: int) -> int:
    """The first of ``count`` consecutive ids taken from the table's identity sequence."""
    if count <= 0:
        return 0
    table = model._meta.db_table
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
        "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
        [table, table, count],
    )
    return cursor.fetchone()[0] - count + 1


# -- values -------------------------------------------------------------------------------


def be_iban(number: int) -> str:
    """A valid Belgian IBAN (bank code and account check digits, then the IBAN's own)."""
    body = number % 10**10
    bban = f"{body:010d}{(body % 97) or 97:02d}"
    check = 98 - int(f"{bban}111400") % 97  # B=11, E=14, then "00"
    return f"BE{check:02d}{bban}"


def money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 2))).quantize(CENT)


def weighted(rng: random.Random, pairs) -> Callable[[], object]:
    values = [v for v, _w in pairs]
    weights = [w for _v, w in pairs]
    return lambda: rng.choices(values, weights)[0]


@dataclass(slots=True)
class EntryRow:
    """The content ``ledger.chain.entry_hash`` covers, before the row is written."""

    value_date: date
    direction: str
    amount: Decimal
    category: str
    counterparty: str
    counterparty_iban: str
    communication: str = ""
    standing_order: bool = False
    creditor_id: int | None = None
    authorisation: str = ""
    bank_reference: str = ""


@dataclass
class Org:
    id: int
    weight: float
    mediators: list[int] = field(default_factory=list)
    creditors: list[tuple[int, str, str]] = field(default_factory=list)  # id, name, iban


@dataclass
class Stats:
    cases: int = 0
    applicants: int = 0
    claims: int = 0
    entries: int = 0
    services: int = 0
    documents: int = 0
    plans: int = 0

    def add(self, other: "Stats") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


# -- the generator ------------------------------------------------------------------------


class ScaleSeeder:
    def __init__(self, *, cases: int, seed: int, today: date, log: Callable[[str], None]):
        self.total = cases
        self.seed = seed
        self.today = today
        self.log = log
        self.rng = random.Random(seed)
        self.now = datetime.combine(today, time(12), tzinfo=UTC)
        self.prefix = f"scale{seed}"
        self.orgs: list[Org] = []
        self.divisions = list(POPULATION)
        self.division_weights = [POPULATION[d] for d in self.divisions]

    # The directory: organisations, their members and creditors, one clerk per division.
    def setup(self) -> None:
        rng = self.rng
        if Organisation.objects.filter(slug__startswith=f"{self.prefix}-").exists():
            raise ValueError(f"seed {self.seed} already loaded in this database")
        n_orgs = max(2, round(self.total / 1500))
        weights = [1 / (k + 1) for k in range(n_orgs)]
        share = [w / sum(weights) for w in weights]
        with transaction.atomic(), connection.cursor() as cursor:
            first = reserve_ids(cursor, Organisation, n_orgs)
            rows = []
            for k in range(n_orgs):
                kind = Organisation.Kind.CPAS if k % 3 != 1 else Organisation.Kind.LAW_FIRM
                name = f"{'CPAS' if kind == 'cpas' else 'Cabinet'} échelle {self.seed}-{k + 1}"
                rows.append((first + k, name, f"{self.prefix}-{k + 1}", kind))
                self.orgs.append(Org(id=first + k, weight=share[k]))
            Table(Organisation, ["name", "slug", "kind"], self.now).copy(cursor, rows)

            user_fields = ["username", "password", "first_name", "last_name", "role"]
            user_fields += ["organisation_id", "profession", "is_active", "date_joined"]
            users: list[tuple] = []
            for k, org in enumerate(self.orgs):
                expected = self.total * org.weight
                n_mediators = max(1, round(expected / 60))
                for m in range(n_mediators):
                    users.append(
                        (f"{self.prefix}-o{k + 1}-m{m + 1}", Role.MEDIATOR, org, Profession.CPAS)
                    )
                users.append((f"{self.prefix}-o{k + 1}-supervisor", Role.SUPERVISOR, org, ""))
                users.append((f"{self.prefix}-o{k + 1}-admin", Role.ADMINISTRATOR, org, ""))
            for division in self.divisions:
                users.append((f"{self.prefix}-clerk-{division}", Role.CLERK, None, ""))
            first = reserve_ids(cursor, User, len(users))
            rows, clerks = [], []
            for i, (username, role, org, profession) in enumerate(users):
                pk = first + i
                if role == Role.MEDIATOR:
                    org.mediators.append(pk)
                if role == Role.CLERK:
                    clerks.append((pk, username.rsplit("-clerk-", 1)[1]))
                rows.append(
                    (pk, username, "!", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), role)
                    + (org.id if org else None, profession, True, self.now)
                )
            Table(User, user_fields, self.now).copy(cursor, rows)
            Table(ClerkDivision, ["clerk_id", "division"], self.now, with_id=False).copy(
                cursor, clerks
            )

            for org in self.orgs:
                n = min(3000, 150 + round(self.total * org.weight / 4))
                first = reserve_ids(cursor, Creditor, n)
                rows = []
                for i in range(n):
                    name = f"{rng.choice(CREDITOR_STEMS)} {rng.choice(LAST_NAMES)} {i + 1}"
                    iban = be_iban(org.id * 1_000_003 + i * 7919 + 11)
                    org.creditors.append((first + i, name, iban))
                    country = "BE" if rng.random() < 0.95 else rng.choice(["FR", "NL", "LU"])
                    street = f"{rng.choice(['Rue', 'Avenue', 'Straat'])} {rng.choice(LAST_NAMES)}"
                    address = f"{street} {rng.randint(1, 300)}\n{rng.randint(1000, 9990)} Belgique"
                    rows.append((first + i, org.id, name, iban, country, address))
                fields = ["organisation_id", "name", "iban", "country", "address"]
                Table(Creditor, fields, self.now).copy(cursor, rows)

    def run(self) -> Stats:
        total = Stats()
        org_weights = [o.weight for o in self.orgs]
        for start in range(0, self.total, BATCH):
            count = min(BATCH, self.total - start)
            plan = [
                self._case_plan(start + i, self.rng.choices(self.orgs, org_weights)[0])
                for i in range(count)
            ]
            total.add(self._write(plan))
            self.log(
                f"  {start + count:>7} cases, {total.entries:>10} journal lines, "
                f"{total.documents:>8} documents"
            )
        # VACUUM as well, as autovacuum would have by the time anyone reads these pages: the
        # rows copied in sit in the trigram indexes' pending lists (GIN ``fastupdate``), which
        # every name search then reads whole, and no page is all-visible for an index-only
        # count (issue 15's benchmark). VACUUM cannot run in a transaction (the tests'): there,
        # ANALYZE alone.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for model in (Case, Applicant, Claim, Entry, Account, Service, Document, PlanVersion):
                cursor.execute(f'{command} "{model._meta.db_table}"')
        return total

    # One case's facts, drawn before anything is written.
    def _case_plan(self, index: int, org: Org) -> dict:
        rng = self.rng
        today = self.today
        age = rng.randint(0, 7 * 365 + 180)
        admissibility = today - timedelta(days=age)
        division = rng.choices(self.divisions, self.division_weights)[0]
        if age < 300:
            status = CaseStatus.AMICABLE_PHASE
        else:
            status = rng.choices(
                [
                    CaseStatus.AMICABLE_PLAN,
                    CaseStatus.JUDICIAL_PLAN,
                    CaseStatus.AMICABLE_PHASE,
                    CaseStatus.TOTAL_REMISSION,
                    CaseStatus.CLOSED,
                    CaseStatus.REVOKED,
                ],
                [45, 33, 10, 4, 6, 2],
            )[0]
        homologation = closure = None
        if status in (CaseStatus.AMICABLE_PLAN, CaseStatus.JUDICIAL_PLAN, CaseStatus.CLOSED):
            homologation = min(today, admissibility + timedelta(days=rng.randint(150, 400)))
        if status in (CaseStatus.CLOSED, CaseStatus.REVOKED):
            closure = today - timedelta(days=rng.randint(0, max(0, age - 300)))
        return {
            "index": index,
            "org": org,
            "mediator": rng.choice(org.mediators),
            "division": division,
            "age": age,
            "admissibility": admissibility,
            "status": status,
            "homologation": homologation,
            "closure": closure,
            "couple": rng.random() < 0.3,
            "n_claims": min(25, max(3, round(rng.triangular(3, 25, 7)))),
            "income": money(rng, 1100, 2600),
            "rent": money(rng, 380, 780) if rng.random() < 0.4 else None,
            "energy": money(rng, 60, 190) if rng.random() < 0.5 else None,
        }

    def _write(self, plans: list[dict]) -> Stats:
        stats = Stats(cases=len(plans))
        rng = self.rng
        with transaction.atomic(), connection.cursor() as cursor:
            first_case = reserve_ids(cursor, Case, len(plans))
            for i, p in enumerate(plans):
                p["id"] = first_case + i
            self._cases(cursor, plans)
            stats.applicants = self._applicants(cursor, plans)
            # the caseload's sort by applicant, as cases.services keeps it
            applicant_sort_names_refresh(
                cases=Case.objects.filter(pk__range=(first_case, first_case + len(plans) - 1))
            )
            stats.claims = self._claims(cursor, plans)
            stats.plans = self._plans(cursor, plans)
            stats.services = self._services(cursor, plans)
            stats.documents = self._documents(cursor, plans)
            with_account = [p for p in plans if p["age"] >= 30]
            first_account = reserve_ids(cursor, Account, len(with_account))
            journals = []
            for i, p in enumerate(with_account):
                p["account"] = first_account + i
                journals.append(self._journal(rng, p))
            account_rows = []
            for p, lines in zip(with_account, journals, strict=True):
                balance = sum(
                    (e.amount if e.direction == Direction.IN else -e.amount for e in lines),
                    Decimal("0.00"),
                )
                account_rows.append(
                    (p["account"], p["id"], p["iban"], balance, len(lines))
                    + (p["admissibility"] + timedelta(days=7),)
                )
            Table(
                Account, ["case_id", "iban", "balance", "entry_count", "opened_on"], self.now
            ).copy(cursor, account_rows)
            for trigger in ENTRY_ROW_TRIGGERS:
                cursor.execute(f"ALTER TABLE ledger_entry DISABLE TRIGGER {trigger}")
            stats.entries = self._entries(cursor, with_account, journals)
            # the deferred foreign-key checks of the rows copied, before the table is altered
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for trigger in ENTRY_ROW_TRIGGERS:
                cursor.execute(f"ALTER TABLE ledger_entry ENABLE TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            if with_account:
                self._check_journal(cursor, first_account, first_account + len(with_account) - 1)
        return stats

    def _cases(self, cursor, plans: list[dict]) -> None:
        rng = self.rng
        fields = ["organisation_id", "reference", "division", "role_number", "status"]
        fields += ["petition_date", "admissibility_date", "mediator_designation_date"]
        fields += ["creditors_notified_on", "follow_up_start", "homologation_date"]
        fields += ["closure_date", "mediator_id", "account_iban", "household_adults"]
        fields += ["dependent_children", "created_by_id"]
        rows, assignments, changes = [], [], []
        for p in plans:
            adm = p["admissibility"]
            year = adm.year
            p["iban"] = (
                be_iban(900_000_000 + self.seed * 7_000_001 + p["index"])
                if (p["age"] >= 30)
                else ""
            )
            notified = adm + timedelta(days=rng.randint(3, 20))
            rows.append(
                (
                    p["id"],
                    p["org"].id,
                    f"{p['division'][:3].upper()}-{year}-{self.seed}-{p['index'] + 1:06d}",
                    p["division"],
                    f"{year % 100:02d}/{p['index'] + 1:06d}/B",
                    p["status"],
                    adm - timedelta(days=rng.randint(10, 60)),
                    adm,
                    adm,
                    notified if notified <= self.today else None,
                    adm,
                    p["homologation"],
                    p["closure"],
                    p["mediator"],
                    p["iban"],
                    2 if p["couple"] else 1,
                    rng.choice([0, 0, 0, 1, 1, 2, 3]),
                    p["mediator"],
                )
            )
            assignments.append((p["id"], p["mediator"], adm, p["mediator"]))
            decided = p["homologation"] or p["closure"]
            if p["status"] != CaseStatus.AMICABLE_PHASE and decided:
                changes.append((p["id"], CaseStatus.AMICABLE_PHASE, p["status"], decided))
        Table(Case, fields, self.now).copy(cursor, rows)
        Table(
            MediatorAssignment,
            ["case_id", "mediator_id", "start_date", "recorded_by_id"],
            self.now,
            with_id=False,
        ).copy(cursor, assignments)
        Table(
            StatusChange,
            ["case_id", "from_status", "to_status", "decision_date"],
            self.now,
            with_id=False,
        ).copy(cursor, changes)

    def _applicants(self, cursor, plans: list[dict]) -> int:
        rng = self.rng
        rows = []
        for p in plans:
            last = rng.choice(LAST_NAMES)
            p["applicant"] = f"{last.upper()} {rng.choice(FIRST_NAMES)}"
            for position in (1, 2) if p["couple"] else (1,):
                birth = date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
                rows.append(
                    (p["id"], position, last, rng.choice(FIRST_NAMES), birth)
                    + (f"Rue {rng.choice(LAST_NAMES)} {rng.randint(1, 250)}\n5000 Namur",)
                )
        fields = ["case_id", "position", "last_name", "first_name", "birth_date", "address"]
        return Table(Applicant, fields, self.now, with_id=False).copy(cursor, rows)

    def _claims(self, cursor, plans: list[dict]) -> int:
        rng = self.rng
        nature = weighted(rng, NATURES)
        rows = []
        for p in plans:
            p["creditors"] = rng.sample(p["org"].creditors, p["n_claims"])
            declared = min(self.today, p["admissibility"] + timedelta(days=rng.randint(10, 60)))
            status = ClaimStatus.PENDING if p["age"] < 200 else ClaimStatus.ACCEPTED
            for n, (creditor_id, _name, _iban) in enumerate(p["creditors"]):
                principal = Decimal(str(round(rng.lognormvariate(7.3, 1.1), 2))).quantize(CENT)
                rows.append(
                    (p["id"], creditor_id, f"{p['index']}-{n}", nature(), principal)
                    + (money(rng, 0, float(principal) / 5), money(rng, 0, 150), declared, status)
                )
        fields = ["case_id", "creditor_id", "creditor_reference", "nature", "principal"]
        fields += ["interest", "costs", "declared_on", "status"]
        return Table(Claim, fields, self.now, with_id=False).copy(cursor, rows)

    def _plans(self, cursor, plans: list[dict]) -> int:
        rng = self.rng
        rows = []
        for p in plans:
            if p["homologation"] is None:
                continue
            judicial = p["status"] == CaseStatus.JUDICIAL_PLAN
            p["dividend"] = money(rng, 40, 160)
            rows.append(
                (p["id"], 1, PlanKind.JUDICIAL if judicial else PlanKind.AMICABLE)
                + (PlanState.APPROVED, p["homologation"], rng.choice([60, 72, 84]))
                + (money(rng, 150, 600), p["homologation"], self.now, p["mediator"])
            )
        fields = ["case_id", "number", "kind", "state", "start_date", "duration_months"]
        fields += ["monthly_available", "decision_date", "frozen_at", "created_by_id"]
        return Table(PlanVersion, fields, self.now, with_id=False).copy(cursor, rows)

    def _services(self, cursor, plans: list[dict]) -> int:
        rng = self.rng
        kind = weighted(rng, SERVICE_KINDS)
        rows = []
        for p in plans:
            adm = p["admissibility"]
            n = max(1, round(p["age"] / 365 * rng.uniform(6, 16)))
            for _ in range(n):
                day = adm + timedelta(days=rng.randint(0, p["age"]))
                k = kind()
                quantity = rng.randint(2, 20) if k == ServiceKind.CIRCULAR_LETTER else 1
                km = Decimal(rng.randint(4, 60)) if k == ServiceKind.TRAVEL else None
                rows.append((p["id"], day, k, quantity, km, p["mediator"], p["mediator"]))
            if p["status"] == CaseStatus.AMICABLE_PLAN:
                day = p["homologation"] - timedelta(days=30)
                day = max(day, adm)
                rows.append((p["id"], day, ServiceKind.HOMOLOGATION_REQUEST, 1, None))
                rows[-1] += (p["mediator"], p["mediator"])
        fields = ["case_id", "date", "kind", "quantity", "km", "mediator_id", "created_by_id"]
        return Table(Service, fields, self.now, with_id=False).copy(cursor, rows)

    def _documents(self, cursor, plans: list[dict]) -> int:
        rng = self.rng
        rows = []

        def doc(p, kind, title, day, filed):
            at = datetime.combine(day, time(10), tzinfo=UTC)
            rows.append(
                (p["id"], kind, title, f"scale/{p['id']}/{len(rows)}.pdf", f"{kind}.pdf")
                + (rng.randint(40_000, 900_000), p["mediator"], at)
                + ((at, p["mediator"], p["division"]) if filed else (None, None, ""))
            )

        for p in plans:
            adm = p["admissibility"]
            years = p["age"] // 365
            for year in range(1, years + 1):
                day = min(self.today, add_years(adm, year) + timedelta(days=rng.randint(0, 30)))
                doc(p, DocumentKind.ANNUAL_REPORT, f"Rapport annuel {year}", day, True)
                if year % 2 == 0 or year == years:
                    title = f"État de frais et honoraires {year}"
                    doc(p, DocumentKind.TAXATION_STATEMENT, title, day, True)
            if p["homologation"]:
                doc(p, DocumentKind.PLAN, "Plan de règlement", p["homologation"], True)
            for k in range(rng.randint(0, 2)):
                day = adm + timedelta(days=rng.randint(0, p["age"]))
                doc(p, DocumentKind.OTHER, f"Pièce {k + 1}", day, False)
        fields = ["case_id", "kind", "title", "file", "original_name", "size", "uploaded_by_id"]
        fields += ["uploaded_at", "filed_at", "filed_by_id", "filed_division"]
        return Table(Document, fields, self.now, with_id=False).copy(cursor, rows)

    # The journal: month by month, income in, then what the account can pay out.
    def _journal(self, rng: random.Random, p: dict) -> list[EntryRow]:
        lines: list[EntryRow] = []
        balance = Decimal("0.00")
        start = p["admissibility"] + timedelta(days=7)
        end = min(self.today, p["closure"] or self.today)
        applicant_iban = be_iban(500_000_000 + p["index"] * 13 + self.seed)
        creditors = p["creditors"]
        dividend = p.get("dividend")
        income_from = rng.choice(INCOME_SOURCES)
        income_iban = be_iban(700_000_000 + INCOME_SOURCES.index(income_from))
        month = date(start.year, start.month, 1)
        m = 0

        def out(day, amount, category, counterparty, iban, creditor_id=None):
            nonlocal balance
            amount = min(amount, balance)
            if amount <= 0 or day > end:
                return
            balance -= amount
            lines.append(
                EntryRow(day, Direction.OUT, amount, category, counterparty, iban, "", False)
            )
            lines[-1].creditor_id = creditor_id

        while month <= end:
            day = month + timedelta(days=rng.randint(0, 4))
            if start <= day <= end:
                amount = (p["income"] * Decimal(str(rng.uniform(0.95, 1.05)))).quantize(CENT)
                balance += amount
                communication = f"Allocation {format_date(month, 'month')}"
                lines.append(
                    EntryRow(day, Direction.IN, amount, Category.INCOME, income_from, income_iban)
                )
                lines[-1].communication = communication
                allowance = (amount * Decimal("0.62")).quantize(CENT)
                out(
                    day + timedelta(days=2),
                    allowance,
                    Category.LIVING_ALLOWANCE,
                    p["applicant"],
                    applicant_iban,
                )
                if p["rent"]:
                    out(day + timedelta(days=3), p["rent"], Category.PAYMENT_ON_BEHALF, "Loyer", "")
                if p["energy"]:
                    out(
                        day + timedelta(days=4),
                        p["energy"],
                        Category.PAYMENT_ON_BEHALF,
                        "Engie",
                        "",
                    )
                if dividend and p["homologation"] and day >= p["homologation"]:
                    for k in range(min(len(creditors), rng.randint(2, 7))):
                        creditor_id, name, iban = creditors[(m + k) % len(creditors)]
                        out(
                            day + timedelta(days=5),
                            dividend,
                            Category.DIVIDEND,
                            name,
                            iban,
                            creditor_id,
                        )
                if m % 3 == 2:
                    out(
                        day + timedelta(days=6), Decimal("2.50"), Category.BANK_CHARGE, "Banque", ""
                    )
            m += 1
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        lines.sort(key=lambda e: e.value_date)  # the journal in value-date order
        return lines if self._never_negative(lines) else []

    @staticmethod
    def _never_negative(lines: list[EntryRow]) -> bool:
        running = Decimal("0.00")
        for e in lines:
            running += e.amount if e.direction == Direction.IN else -e.amount
            if running < 0:
                return False
        return True

    def _entries(self, cursor, accounts: list[dict], journals: list[list[EntryRow]]) -> int:
        fields = ["account_id", "sequence", "value_date", "booked_at", "direction", "amount"]
        fields += ["category", "counterparty", "counterparty_iban", "communication"]
        fields += ["standing_order", "creditor_id", "authorisation", "bank_reference"]
        fields += ["previous_hash", "hash", "posted_by_id"]
        table = Table(Entry, fields, self.now, with_id=False)

        def rows():
            for p, lines in zip(accounts, journals, strict=True):
                account_id = p["account"]
                previous = GENESIS_HASH
                for sequence, e in enumerate(lines, start=1):
                    digest = entry_hash(previous, account_id, sequence, e)
                    booked = datetime.combine(e.value_date, time(9), tzinfo=UTC)
                    yield (
                        account_id,
                        sequence,
                        e.value_date,
                        booked,
                        e.direction,
                        e.amount,
                        e.category,
                        e.counterparty,
                        e.counterparty_iban,
                        e.communication,
                        e.standing_order,
                        e.creditor_id,
                        e.authorisation,
                        e.bank_reference,
                        previous,
                        digest,
                        p["mediator"],
                    )
                    previous = digest

        return table.copy(cursor, rows())

    @staticmethod
    def _check_journal(cursor, first: int, last: int) -> None:
        """What the posting trigger checks, over the batch: numbers 1, 2, … without gaps, the
        running balance never below zero, the account's balance and count those of its
        entries."""
        cursor.execute(
            """
            WITH running AS (
                SELECT account_id, sequence,
                       ROW_NUMBER() OVER w AS rn,
                       SUM(CASE WHEN direction = 'in' THEN amount ELSE -amount END) OVER w AS bal
                  FROM ledger_entry WHERE account_id BETWEEN %s AND %s
                WINDOW w AS (PARTITION BY account_id ORDER BY sequence)
            ), per_account AS (
                SELECT account_id, COUNT(*) AS n, MIN(bal) AS low,
                       BOOL_AND(rn = sequence) AS gapless
                  FROM running GROUP BY account_id
            )
            SELECT COUNT(*) FROM ledger_account a
              LEFT JOIN per_account p ON p.account_id = a.id
              LEFT JOIN LATERAL (
                  SELECT SUM(CASE WHEN direction = 'in' THEN amount ELSE -amount END) AS total
                    FROM ledger_entry WHERE account_id = a.id
              ) s ON TRUE
             WHERE a.id BETWEEN %s AND %s
               AND (COALESCE(p.n, 0) <> a.entry_count OR COALESCE(p.low, 0) < 0
                    OR NOT COALESCE(p.gapless, TRUE) OR COALESCE(s.total, 0) <> a.balance)
            """,
            [first, last, first, last],
        )
        broken = cursor.fetchone()[0]
        if broken:
            raise RuntimeError(f"{broken} accounts break the journal's invariants")
        cursor.execute(
            """
            SELECT COUNT(*) FROM ledger_entry e
              JOIN ledger_account a ON a.id = e.account_id
              JOIN cases_case c ON c.id = a.case_id
             WHERE a.id BETWEEN %s AND %s AND c.status IN ('closed', 'revoked')
               AND e.value_date > c.closure_date AND btrim(e.settlement_reason) = ''
            """,
            [first, last],
        )
        late = cursor.fetchone()[0]
        if late:
            raise RuntimeError(f"{late} entries after their case's closure without a reason")
