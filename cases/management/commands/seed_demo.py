"""Demo data: one CPAS service and one law firm, their mediators, a supervisor, a clerk of the
Namur division and a few dozen realistic cases across divisions. Idempotent: a second run only
prints the logins."""

import random
from datetime import date, timedelta

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import ClerkDivision, Organisation, Profession, User
from accounts.services import organisation_create
from cases.models import Case
from cases.services import ApplicantData, CaseData, case_change_status, case_create
from cases.status import CaseStatus
from core.dates import add_years
from core.demo import refuse_in_production
from core.roles import Role

DEMO_PASSWORD = "demo-rcd-2026"
APP_SEEDS = [
    "seed_demo_claims",
    "seed_demo_contacts",
    "seed_demo_third_parties",
    "seed_demo_letters",
    "seed_demo_ledger",
    "seed_demo_budget",
    "seed_demo_plans",
    "seed_demo_fees",
    "seed_demo_reports",
    "seed_demo_petitions",
    "seed_demo_agenda",  # last: the calendar of the cases as the other seeds left them
]

LAST_NAMES = [
    "Dubois",
    "Lambert",
    "Martin",
    "Dupont",
    "Leroy",
    "Renard",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "Jacobs",
    "Maes",
    "Peeters",
    "Hermans",
    "Collignon",
    "Delvaux",
    "Francois",
    "Gilles",
    "Henrard",
    "Jadoul",
    "Lemaire",
    "Masson",
    "Noel",
    "Pirard",
    "Rousseau",
    "Servais",
    "Thiry",
    "Vandenberghe",
    "Warnier",
    "Hubert",
    "Bodart",
    "Closset",
    "Defrance",
    "Etienne",
    "Fontaine",
    "Georges",
]
FIRST_NAMES = [
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sophie",
    "Julie",
    "Sarah",
    "Laura",
    "Céline",
    "Aline",
    "Jean",
    "Michel",
    "Philippe",
    "Thomas",
    "Nicolas",
    "David",
    "Kevin",
    "Olivier",
    "Luc",
    "Patrick",
    "Marc",
    "Fatima",
    "Mehmet",
    "Youssef",
    "Ana",
    "Bogdan",
    "Élodie",
    "Jordan",
]
STREETS = {
    "namur": ("Rue de Fer", "5000 Namur"),
    "dinant": ("Rue Grande", "5500 Dinant"),
    "brabant-wallon": ("Rue de Namur", "1400 Nivelles"),
    "liege": ("Rue Saint-Gilles", "4000 Liège"),
    "charleroi": ("Boulevard Tirou", "6000 Charleroi"),
    "bruxelles-fr": ("Chaussée d'Ixelles", "1050 Ixelles"),
    "huy": ("Quai de Namur", "4500 Huy"),
    "mons": ("Rue de Nimy", "7000 Mons"),
}
HOUSEHOLDS = [
    (1, 0, "Personne isolée"),
    (1, 1, "Parent seul avec un enfant"),
    (1, 2, "Parent seul avec deux enfants"),
    (2, 0, "Couple sans enfant"),
    (2, 2, "Couple avec deux enfants"),
    (2, 3, "Couple avec trois enfants"),
    (1, 0, "Cohabitant(e)"),
]


def national_number(birth: date, sequence: int) -> str:
    """A valid Belgian national register number for a birth date and a sequence number."""
    base = f"{birth:%y%m%d}{sequence:03d}"
    value = int(("2" if birth.year >= 2000 else "") + base)
    return f"{base}{97 - value % 97:02d}"


def belgian_iban(bank_code: str, account: int) -> str:
    """A valid Belgian IBAN (BBAN mod-97 check, then the IBAN check digits)."""
    first = f"{bank_code}{account:07d}"
    check = int(first) % 97 or 97
    bban = f"{first}{check:02d}"
    numeric = int(f"{bban}111400")  # B=11, E=14, then "00"
    return f"BE{98 - numeric % 97:02d}{bban}"


class Command(BaseCommand):
    help = "Load demo organisations, users and cases (idempotent)."

    def handle(self, *args, **options):
        refuse_in_production()
        if Organisation.objects.filter(slug="cpas-namur").exists():
            self.stdout.write("Demo data already present.")
        else:
            with transaction.atomic():
                self._seed()
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._platform_superuser()
        # Each module adds its own demo data (all idempotent), in dependency order.
        for command in APP_SEEDS:
            if command in get_commands():
                call_command(command, verbosity=0, stdout=self.stdout, stderr=self.stderr)
        self._print_logins()

    def _user(self, username, first, last, role=Role.MEDIATOR, organisation=None, **extra) -> User:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.rcd.be",
            role=role,
            organisation=organisation,
            **extra,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _platform_superuser(self) -> None:
        """The platform's superuser works in /admin/ and belongs to no organisation: it is no
        organisation's administrator (role "clerk", the one role without an organisation, and
        no division: the application's pages show it nothing). A demo loaded before this rule
        has its superuser detached from the organisation it was put in."""
        detached = {"organisation": None, "role": Role.CLERK}
        existing = User.objects.filter(username="admin", is_superuser=True)
        if existing.exists():
            existing.exclude(organisation=None).update(**detached)
            return
        self._user("admin", "Admin", "Plateforme", is_staff=True, is_superuser=True, **detached)

    def _seed(self) -> None:
        rng = random.Random(20261124)
        today = timezone.localdate()
        cpas = organisation_create(
            name="CPAS de Namur — Service de médiation de dettes",
            slug="cpas-namur",
            kind=Organisation.Kind.CPAS,
            enterprise_number="0212344876",
            address="Rue de Dave 165\n5100 Jambes",
            phone="081 33 70 00",
            email="mediation@demo-cpas-namur.be",
        )
        firm = organisation_create(
            name="Cabinet Renard & Maes, avocats",
            slug="cabinet-renard-maes",
            kind=Organisation.Kind.LAW_FIRM,
            address="Boulevard d'Avroy 38\n4000 Liège",
            phone="04 222 33 44",
            email="secretariat@demo-renard-maes.be",
        )
        cpas_mediators = [
            self._user(
                "slambert", "Sophie", "Lambert", Role.MEDIATOR, cpas, profession=Profession.CPAS
            ),
            self._user(
                "jdupont", "Julien", "Dupont", Role.MEDIATOR, cpas, profession=Profession.CPAS
            ),
            self._user("mkaya", "Merve", "Kaya", Role.MEDIATOR, cpas, profession=Profession.CPAS),
        ]
        self._user("acollard", "Anne", "Collard", Role.SUPERVISOR, cpas)
        self._user("pgodart", "Pierre", "Godart", Role.ADMINISTRATOR, cpas)
        firm_mediators = [
            self._user(
                "crenard",
                "Claire",
                "Renard",
                Role.MEDIATOR,
                firm,
                profession=Profession.LAWYER,
                vat_registered=True,
            ),
            self._user(
                "tmaes",
                "Thomas",
                "Maes",
                Role.MEDIATOR,
                firm,
                profession=Profession.LAWYER,
                vat_registered=True,
            ),
        ]
        self._user(
            "vhenrard",
            "Valérie",
            "Henrard",
            Role.ADMINISTRATOR,
            firm,
            profession=Profession.LAWYER,
            vat_registered=True,
        )
        clerk = self._user("greffe.namur", "Marc", "Gilson", Role.CLERK)
        ClerkDivision.objects.create(clerk=clerk, division="namur")
        self._platform_superuser()

        plans = [
            (cpas, cpas_mediators, ["namur"] * 9 + ["dinant"] * 5 + ["huy"] * 2, "CPN"),
            (
                firm,
                firm_mediators,
                ["liege"] * 6
                + ["namur"] * 3
                + ["brabant-wallon"] * 3
                + ["charleroi"] * 2
                + ["bruxelles-fr"] * 2
                + ["mons"],
                "RM",
            ),
        ]
        sequence = 1
        for organisation, mediators, divisions, prefix in plans:
            for index, division in enumerate(divisions):
                # Spread admissibility over nine years; a few land just before an anniversary.
                if index % 6 == 0:
                    years_back = rng.randint(1, 6)
                    admissibility = add_years(
                        today + timedelta(days=rng.randint(3, 25)), -years_back
                    )
                else:
                    admissibility = today - timedelta(days=rng.randint(60, 9 * 365))
                petition = admissibility - timedelta(days=rng.randint(20, 75))
                mediator = mediators[index % len(mediators)]
                adults, children, note = rng.choice(HOUSEHOLDS)
                street, city = STREETS[division]
                last = LAST_NAMES[(sequence * 7) % len(LAST_NAMES)]
                applicants = []
                for position in range(2 if adults == 2 and rng.random() < 0.6 else 1):
                    birth = date(rng.randint(1958, 2001), rng.randint(1, 12), rng.randint(1, 28))
                    applicants.append(
                        ApplicantData(
                            last_name=last if position == 0 else rng.choice(LAST_NAMES),
                            first_name=rng.choice(FIRST_NAMES),
                            national_number=national_number(birth, rng.randint(1, 996)),
                            birth_date=birth,
                            address=f"{street} {rng.randint(1, 180)}\n{city}",
                            phone="04{} {} {} {}".format(
                                rng.randint(70, 99), *(rng.randint(10, 99) for _ in range(3))
                            ),
                        )
                    )
                data = CaseData(
                    reference=f"{prefix}-{admissibility.year}-{sequence:04d}",
                    division=division,
                    admissibility_date=admissibility,
                    role_number=f"{admissibility:%y}/{rng.randint(100, 2999)}/B",
                    petition_date=petition,
                    account_iban=belgian_iban(rng.choice(["001", "068", "363", "096"]), sequence),
                    mediator_designation_date=admissibility,
                    household_adults=adults,
                    dependent_children=children,
                    household_note=note,
                )
                case = case_create(
                    organisation=organisation,
                    mediator=mediator,
                    data=data,
                    applicants=applicants,
                    created_by=mediator,
                )
                self._advance(case, rng, today, mediator)
                sequence += 1

    def _advance(self, case: Case, rng: random.Random, today: date, by: User) -> None:
        """Move older cases along a legal path so that every status appears."""
        age = (today - case.admissibility_date).days
        if age < 240:
            return
        decision = case.admissibility_date + timedelta(days=rng.randint(150, 230))
        draw = rng.random()
        if draw < 0.55:
            case = case_change_status(
                case=case,
                to_status=CaseStatus.AMICABLE_PLAN,
                decision_date=decision,
                by=by,
                history_replay=True,  # older demo cases: their decisions only, no plan
            )
        elif draw < 0.8:
            case = case_change_status(
                case=case,
                to_status=CaseStatus.JUDICIAL_PLAN,
                decision_date=decision,
                by=by,
                history_replay=True,  # older demo cases: their decisions only, no plan
            )
        elif draw < 0.9:
            case = case_change_status(
                case=case, to_status=CaseStatus.TOTAL_REMISSION, decision_date=decision, by=by
            )
            end = decision + timedelta(days=rng.randint(60, 200))
            if end < today:
                case_change_status(case=case, to_status=CaseStatus.CLOSED, decision_date=end, by=by)
            return
        else:
            if age > 400:
                end = decision + timedelta(days=rng.randint(30, 150))
                case_change_status(
                    case=case, to_status=CaseStatus.REVOKED, decision_date=min(end, today), by=by
                )
            return
        plan_end = add_years(case.admissibility_date, 7)
        if plan_end < today and rng.random() < 0.7:
            case_change_status(
                case=case, to_status=CaseStatus.CLOSED, decision_date=plan_end, by=by
            )

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        rows = [
            ("slambert", "médiatrice, CPAS de Namur"),
            ("jdupont", "médiateur, CPAS de Namur"),
            ("acollard", "superviseuse, CPAS de Namur"),
            ("pgodart", "administrateur, CPAS de Namur (modèles de courriers)"),
            ("crenard", "médiatrice (avocate), Cabinet Renard & Maes"),
            ("vhenrard", "administratrice, Cabinet Renard & Maes"),
            ("greffe.namur", "greffier, division de Namur"),
            ("admin", "superutilisateur de la plateforme (/admin/), d'aucune organisation"),
        ]
        for username, label in rows:
            self.stdout.write(f"  {username:<14} {label}")
