"""Demo creditors, representatives and claims for the demo cases of ``seed_demo``.

Belgian creditors of a typical collective-debt-settlement file (social insurance fund, telecom,
energy, tax office, consumer-credit banks, landlord, hospital…), bailiffs and collection
agencies acting for some of them, and, in one Namur case, seed 000's situation: three files of
a bailiff for Partena joined into one position. Idempotent: the directory is completed, and
only cases without any claim receive claims.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from cases.management.commands.seed_demo import belgian_iban
from cases.models import Case
from cases.status import CaseStatus
from claims.models import (
    ClaimNature,
    ClaimStatus,
    Creditor,
    Position,
    Privilege,
    Representative,
    RepresentativeRole,
)
from claims.services import (
    ClaimData,
    ContactData,
    DuplicateContact,
    claim_create,
    creditor_create,
    position_join,
    representation_add,
    representative_create,
)
from core.dates import format_date
from core.demo import refuse_in_production
from core.money import CENT
from core.pdf import html_to_pdf


def enterprise_number(seed: int) -> str:
    """A valid BCE number (0 + 7 digits + mod-97 check) for a demo organisation."""
    base = 2_000_000 + seed * 7919 % 7_000_000
    first = f"0{base:07d}"
    return f"{first}{97 - int(first) % 97:02d}"


@dataclass
class Contact:
    key: str
    name: str
    nature: str = ""
    enterprise_number: str = ""
    bank: str = "091"
    address: str = ""
    email: str = ""
    phone: str = ""
    contact_person: str = ""
    role: str = ""


CREDITORS = [
    Contact(
        "partena",
        "Partena Professional — Caisse d'assurances sociales",
        ClaimNature.SOCIAL_CONTRIBUTIONS,
        enterprise_number(1),
        "310",
        "Rue des Chartreux 45\n1000 Bruxelles",
        "recouvrement@demo-partena.be",
        "02 549 72 11",
        "Service recouvrement",
    ),
    Contact(
        "proximus",
        "Proximus SA",
        ClaimNature.TELECOM,
        "0202239951",
        "000",
        "Boulevard du Roi Albert II 27\n1030 Bruxelles",
        "contentieux@demo-proximus.be",
        "0800 22 800",
    ),
    Contact(
        "engie",
        "Engie Electrabel SA",
        ClaimNature.ENERGY,
        "0403170701",
        "001",
        "Boulevard Simon Bolivar 34\n1000 Bruxelles",
        "recouvrement@demo-engie.be",
        "078 35 33 33",
    ),
    Contact(
        "spf",
        "SPF Finances — Team Recouvrement Namur",
        ClaimNature.TAX,
        "0308357159",
        "679",
        "Avenue Prince de Liège 3\n5100 Jambes",
        "perception.namur@demo-minfin.be",
        "0257 257 57",
    ),
    Contact(
        "cofidis",
        "Cofidis SA",
        ClaimNature.CONSUMER_CREDIT,
        enterprise_number(2),
        "310",
        "Chaussée de Waterloo 1\n1000 Bruxelles",
        "contentieux@demo-cofidis.be",
    ),
    Contact(
        "beobank",
        "Beobank NV/SA",
        ClaimNature.CONSUMER_CREDIT,
        enterprise_number(3),
        "954",
        "Boulevard Général Jacques 263G\n1050 Ixelles",
        "recouvrement@demo-beobank.be",
    ),
    Contact(
        "logis",
        "Le Logis namurois SCRL (logement social)",
        ClaimNature.RENT,
        enterprise_number(4),
        "068",
        "Rue des Brasseurs 6\n5000 Namur",
        "loyers@demo-logis-namurois.be",
        "081 25 11 11",
    ),
    Contact(
        "chu",
        "CHU UCL Namur ASBL",
        ClaimNature.HEALTH_CARE,
        enterprise_number(5),
        "091",
        "Avenue Docteur G. Thérasse 1\n5530 Yvoir",
        "facturation@demo-chuuclnamur.be",
        "081 42 21 11",
    ),
    Contact(
        "orange",
        "Orange Belgium SA",
        ClaimNature.TELECOM,
        enterprise_number(6),
        "363",
        "Avenue du Bourget 3\n1140 Evere",
    ),
    Contact(
        "swde",
        "SWDE — Société wallonne des eaux",
        ClaimNature.OTHER,
        enterprise_number(7),
        "091",
        "Rue de la Concorde 41\n4800 Verviers",
    ),
    Contact(
        "colin",
        "Mme Sandrine Colin (créancière d'aliments)",
        ClaimNature.MAINTENANCE,
        "",
        "063",
        "Rue Saint-Nicolas 12\n5000 Namur",
    ),
]

REPRESENTATIVES = [
    Contact(
        "bailiff",
        "Étude Delvaux & Pirard, huissiers de justice",
        enterprise_number=enterprise_number(11),
        bank="068",
        address="Rue de l'Ange 18\n5000 Namur",
        email="etude@demo-delvaux-pirard.be",
        phone="081 22 44 66",
        contact_person="Me Delvaux",
        role=RepresentativeRole.BAILIFF,
    ),
    Contact(
        "intrum",
        "Intrum SA",
        enterprise_number=enterprise_number(12),
        bank="310",
        address="Rue de la Fusée 100\n1130 Haren",
        email="dossiers@demo-intrum.be",
        role=RepresentativeRole.COLLECTION_AGENCY,
    ),
    Contact(
        "fairpay",
        "Fairpay SA",
        enterprise_number=enterprise_number(13),
        bank="001",
        address="Quai aux Pierres de Taille 37\n1000 Bruxelles",
        role=RepresentativeRole.COLLECTION_AGENCY,
    ),
    Contact(
        "lawyer",
        "Me Laurence Gérard, avocate",
        enterprise_number=enterprise_number(14),
        bank="063",
        address="Boulevard Frère-Orban 9\n5000 Namur",
        role=RepresentativeRole.LAWYER,
    ),
]

# Who usually acts for whom
ACTS_FOR = {"cofidis": "intrum", "beobank": "fairpay", "logis": "lawyer", "orange": "fairpay"}

DECLARATION_HTML = """<html><body style="font-family: sans-serif; font-size: 11pt">
<p>{creditor}</p><p style="text-align:right">{date}</p>
<h3>Déclaration de créance — règlement collectif de dettes</h3>
<p>Dossier {case} — requérant(s) : {applicants}</p>
<p>Référence : {reference}</p>
<table><tr><td>Principal</td><td>{principal} €</td></tr>
<tr><td>Intérêts</td><td>{interest} €</td></tr><tr><td>Frais</td><td>{costs} €</td></tr></table>
<p>Document de démonstration.</p></body></html>"""


def money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


class Command(BaseCommand):
    help = "Add demo creditors, representatives and claims to the demo cases (idempotent)."

    def handle(self, *args, **options):
        refuse_in_production()
        organisations = list(
            Organisation.objects.filter(slug__in=["cpas-namur", "cabinet-renard-maes"])
        )
        if not organisations:
            raise CommandError("Run `manage.py seed_demo` first.")
        rng = random.Random(20261125)
        today = timezone.localdate()
        added = 0
        for organisation in organisations:
            with transaction.atomic():
                creditors = {c.key: self._contact(organisation, c, Creditor) for c in CREDITORS}
                agents = {
                    r.key: self._contact(organisation, r, Representative) for r in REPRESENTATIVES
                }
                cases = (
                    Case.objects.filter(organisation=organisation)
                    .prefetch_related("applicants")
                    .order_by("admissibility_date", "reference")
                )
                showcase = self._pick_showcase(cases)
                for case in cases:
                    if case.claims.exists():
                        continue
                    if case == showcase and organisation.slug == "cpas-namur":
                        self._showcase(case, creditors, agents, today)
                    else:
                        self._claims(case, creditors, agents, rng, today)
                    added += 1
        shown = Position.objects.select_related("case").first()
        self.stdout.write(self.style.SUCCESS(f"Claims added to {added} case(s)."))
        if shown:
            self.stdout.write(
                f"Showcase (three bailiff files of Partena joined): case {shown.case.reference}, "
                f"/dossiers/{shown.case_id}/creances/"
            )

    def _pick_showcase(self, cases) -> Case | None:
        """A running Namur case of the first demo mediator, a couple if there is one."""
        candidates = [
            c
            for c in cases.filter(division="namur", mediator__username="slambert")
            if c.status != CaseStatus.CLOSED
        ] or list(cases.filter(division="namur"))
        couples = [c for c in candidates if len(c.applicants.all()) == 2]
        return (couples or candidates or [None])[0]

    def _contact(self, organisation, contact: Contact, model):
        existing = model.objects.filter(organisation=organisation, name=contact.name).first()
        if existing:
            return existing
        data = ContactData(
            name=contact.name,
            enterprise_number=contact.enterprise_number,
            address=contact.address,
            email=contact.email,
            phone=contact.phone,
            contact_person=contact.contact_person,
            iban=belgian_iban(contact.bank, 7_000_000 + sum(map(ord, contact.key)) * 131),
            role=contact.role,
        )
        create = creditor_create if model is Creditor else representative_create
        try:
            return create(organisation=organisation, data=data)
        except DuplicateContact as exc:
            return exc.existing

    def _declared(self, case: Case, rng: random.Random, today: date, low=8, high=40) -> date:
        return min(case.admissibility_date + timedelta(days=rng.randint(low, high)), today)

    def _status(self, case: Case, rng: random.Random, today: date) -> str:
        if (today - case.admissibility_date).days < 120:
            return ClaimStatus.PENDING
        return rng.choice([ClaimStatus.ACCEPTED] * 6 + [ClaimStatus.CONTESTED])

    def _claims(self, case, creditors, agents, rng: random.Random, today: date) -> None:
        applicants = list(case.applicants.all())
        keys = rng.sample(
            ["partena", "proximus", "engie", "spf", "cofidis", "beobank", "logis", "chu"]
            + ["orange", "swde", "colin"],
            k=rng.randint(3, 7),
        )
        late = rng.random() < 0.3 and (today - case.admissibility_date).days > 90
        old = (today - case.admissibility_date).days > 3 * 365
        for index, key in enumerate(keys):
            contact = next(c for c in CREDITORS if c.key == key)
            creditor = creditors[key]
            representation = None
            if key in ACTS_FOR and rng.random() < 0.6:
                representation = representation_add(
                    case=case,
                    creditor=creditor,
                    representative=agents[ACTS_FOR[key]],
                    file_reference=f"{rng.randint(21, 24)}/{rng.randint(1000, 9999)}",
                )
            time_barred = late and index == len(keys) - 1
            declared = (
                self._declared(case, rng, today, 70, 110)
                if time_barred
                else self._declared(case, rng, today)
            )
            paid_off = None
            if old and index == 0 and not time_barred:
                paid_off = min(declared + timedelta(days=rng.randint(400, 900)), today)
            principal = {
                ClaimNature.CONSUMER_CREDIT: money(rng, 1500, 14000),
                ClaimNature.TAX: money(rng, 300, 4500),
                ClaimNature.RENT: money(rng, 900, 5200),
                ClaimNature.SOCIAL_CONTRIBUTIONS: money(rng, 800, 6000),
            }.get(contact.nature, money(rng, 80, 1600))
            debtors = (
                [applicants[rng.randrange(len(applicants))]]
                if len(applicants) == 2 and rng.random() < 0.3
                else []
            )
            claim_create(
                case=case,
                data=ClaimData(
                    creditor=creditor,
                    principal=principal,
                    interest=(principal * Decimal(rng.randint(0, 18)) / 100).quantize(CENT),
                    costs=money(rng, 0, 350) if representation else Decimal("0.00"),
                    declared_on=declared,
                    nature=contact.nature,
                    creditor_reference=f"{key.upper()[:3]}-{rng.randint(100000, 999999)}",
                    status=self._status(case, rng, today),
                    time_barred=time_barred,
                    privilege=Privilege.GENERAL if key == "spf" else Privilege.NONE,
                    paid_off_on=paid_off,
                    representation=representation,
                    debtors=debtors,
                ),
                by=case.mediator,
            )

    def _declaration(self, case: Case, creditor, reference: str, data: dict):
        html = DECLARATION_HTML.format(
            creditor=creditor.name,
            date=format_date(data["declared_on"]),
            case=case.reference,
            applicants=case.applicants_display,
            reference=reference,
            principal=f"{data['principal']:.2f}".replace(".", ","),
            interest=f"{data['interest']:.2f}".replace(".", ","),
            costs=f"{data['costs']:.2f}".replace(".", ","),
        )
        return SimpleUploadedFile(
            f"declaration-{reference}.pdf", html_to_pdf(html), "application/pdf"
        )

    def _showcase(self, case: Case, creditors, agents, today: date) -> None:
        """Seed 000: three files of one bailiff for Partena, joined into one payment plan; the
        usual creditors around them, one time-barred, one non-remissible fine."""
        adm = case.admissibility_date
        applicants = list(case.applicants.order_by("position"))
        first = applicants[:1]  # the former self-employed applicant of seed 000
        second = applicants[1:2] or first

        def on(days: int) -> date:
            return min(adm + timedelta(days=days), today)

        accepted = ClaimStatus.ACCEPTED if (today - adm).days > 120 else ClaimStatus.PENDING
        bailiff_files = []
        partena = []
        for number, (reference, principal, interest, costs) in enumerate(
            [
                ("D-21/0456", "3120.40", "412.18", "386.27"),
                ("D-21/0789", "1875.00", "203.66", "298.51"),
                ("D-22/0112", "964.32", "58.10", "241.90"),
            ]
        ):
            representation = representation_add(
                case=case,
                creditor=creditors["partena"],
                representative=agents["bailiff"],
                file_reference=reference,
            )
            bailiff_files.append(representation)
            data = {
                "declared_on": on(12 + number),
                "principal": Decimal(principal),
                "interest": Decimal(interest),
                "costs": Decimal(costs),
            }
            partena.append(
                claim_create(
                    case=case,
                    data=ClaimData(
                        creditor=creditors["partena"],
                        nature=ClaimNature.SOCIAL_CONTRIBUTIONS,
                        creditor_reference=f"COT-2020-T{number + 2}",
                        status=accepted,
                        privilege=Privilege.GENERAL,
                        representation=representation,
                        debtors=first,
                        **data,
                    ),
                    by=case.mediator,
                    declaration=self._declaration(
                        case, creditors["partena"], f"COT-2020-T{number + 2}", data
                    ),
                )
            )
        position_join(
            case=case,
            claims=partena,
            label="Partena — 3 dossiers de l'huissier joints en un plan",
            note="Accord obtenu directement auprès de Partena : un seul plan de paiement.",
        )
        intrum = representation_add(
            case=case,
            creditor=creditors["cofidis"],
            representative=agents["intrum"],
            file_reference="INT-4471902",
        )
        # Proximus was paid in full during the plan
        paid = {"paid_off_on": on(400)} if (today - adm).days > 400 else {}
        others = [
            ("proximus", ClaimNature.TELECOM, "PRX-88120456", "612.75", "38.20", "15.00", 9, paid),
            ("engie", ClaimNature.ENERGY, "ENG-5500123987", "1843.09", "96.45", "0", 15, {}),
            ("spf", ClaimNature.TAX, "IPP-2021-771", "2310.00", "184.80", "0", 20, {}),
            (
                "spf",
                ClaimNature.CRIMINAL_FINE,
                "AP-2019-55812",
                "480.00",
                "0",
                "0",
                20,
                {"debtors": second},
            ),
            (
                "cofidis",
                ClaimNature.CONSUMER_CREDIT,
                "CC-0099812",
                "7420.66",
                "1210.33",
                "312.50",
                25,
                {"representation": intrum},
            ),
            ("logis", ClaimNature.RENT, "LOY-2021-12", "1950.00", "0", "60.00", 18, {}),
            (
                "chu",
                ClaimNature.HEALTH_CARE,
                "HOSP-7781",
                "356.20",
                "0",
                "0",
                96,
                {"time_barred": True},
            ),
        ]
        for key, nature, reference, principal, interest, costs, days, extra in others:
            data = {
                "declared_on": on(days),
                "principal": Decimal(principal),
                "interest": Decimal(interest),
                "costs": Decimal(costs),
            }
            claim_create(
                case=case,
                data=ClaimData(
                    creditor=creditors[key],
                    nature=nature,
                    creditor_reference=reference,
                    status=accepted,
                    privilege=Privilege.GENERAL if key == "spf" else Privilege.NONE,
                    **data,
                    **extra,
                ),
                by=case.mediator,
                declaration=self._declaration(case, creditors[key], reference, data)
                if key in {"proximus", "engie", "cofidis"}
                else None,
            )
