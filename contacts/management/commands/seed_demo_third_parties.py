"""Demo third parties and debtor-side contacts (issue 17; run by ``seed_demo``, idempotent).

On the first running cases of each demo organisation: the applicant's employer (or, for a
household living on the integration income, the CPAS that pays it), the bank that keeps the
applicant's current account, and on one case a bailiff who was still enforcing when the case
was admitted. On the same cases, the debtor side of the log: a home visit, the documents the
applicant handed in, a telephone call. The companies, the bailiff's office and their addresses
are fictitious. Nothing is added to a case that already has third parties or applicant
contacts, so a second run changes nothing.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.status import ACTIVE_STATUSES
from contacts.models import Channel, ContactEntry, Outcome, ThirdParty
from contacts.services import (
    ContactData,
    ThirdPartyData,
    contact_record,
    follow_up_mark_done,
    third_party_create,
)
from core.demo import refuse_in_production

ORGANISATIONS = ("cpas-namur", "cabinet-renard-maes")
CASES_PER_ORGANISATION = 4

EMPLOYERS = [
    ("Boulangerie Fontaine SRL", "Rue de Fer 28\n5000 Namur", "Matricule 4471"),
    ("Titres-services Mosane ASBL", "Quai de Meuse 12\n5100 Jambes", "Dossier 2291"),
    ("Transports Lemaire SA", "Rue de l'Industrie 5\n4020 Liège", "Personnel n° 118"),
    ("Clinique Saint-Luc Bouge", "Rue Saint-Luc 8\n5004 Bouge", "Matricule 80571"),
]
BANKS = [
    ("Belfius Banque SA", "Place Rogier 11\n1210 Bruxelles"),
    ("BNP Paribas Fortis SA", "Montagne du Parc 3\n1000 Bruxelles"),
    ("ING Belgique SA", "Avenue Marnix 24\n1000 Bruxelles"),
    ("KBC Bank SA", "Avenue du Port 2\n1080 Bruxelles"),
]
BAILIFF = (
    "Étude Delvaux & Thiry, huissiers de justice",
    "Rue des Carmes 31\n5000 Namur",
    "Dossier DT/21/0872",
)
CPAS_PAYER = ("CPAS de Namur — Service revenu d'intégration", "Rue de Dave 165\n5100 Jambes")


class Command(BaseCommand):
    help = "Tiers de démonstration (employeur, CPAS, banque, huissier) et contacts requérant."

    def handle(self, *args, **options):
        refuse_in_production()
        today = timezone.localdate()
        with transaction.atomic():
            for slug in ORGANISATIONS:
                cases = (
                    Case.objects.filter(organisation__slug=slug, status__in=ACTIVE_STATUSES)
                    .select_related("mediator")
                    .order_by("admissibility_date", "pk")[:CASES_PER_ORGANISATION]
                )
                for index, case in enumerate(cases):
                    self._third_parties(case, index, slug)
                    self._applicant_contacts(case, index, today)

    def _third_parties(self, case: Case, index: int, slug: str) -> None:
        if ThirdParty.objects.filter(case=case).exists():
            return
        parties = []
        if index % 2 == 1 and slug == "cpas-namur":
            parties.append(ThirdPartyData("benefit_payer", *CPAS_PAYER, reference="RIS"))
        else:
            name, address, reference = EMPLOYERS[index % len(EMPLOYERS)]
            parties.append(ThirdPartyData("employer", name, address, reference))
        bank, address = BANKS[(index + len(slug)) % len(BANKS)]
        parties.append(ThirdPartyData("bank", bank, address, "Compte à vue du requérant"))
        if index == 0 and slug == "cpas-namur":
            parties.append(ThirdPartyData("bailiff", *BAILIFF))
        for data in parties:
            third_party_create(case=case, data=data, by=case.mediator)

    def _applicant_contacts(self, case: Case, index: int, today) -> None:
        if ContactEntry.objects.filter(case=case, applicant__isnull=False).exists():
            return
        applicant = case.applicants.order_by("position").first()
        if applicant is None:
            return
        start = case.admissibility_date
        days = max((today - start).days, 1)
        visit = contact_record(
            case=case,
            data=ContactData(
                creditor=None,
                applicant=applicant,
                date=start + timedelta(days=min(12, days)),
                channel=Channel.VISIT,
                summary=(
                    "Visite à domicile : budget du ménage passé en revue, factures en cours "
                    "relevées. Le requérant apporte ses fiches de paie."
                ),
                outcome=Outcome.NOTED,
                follow_up_on=start + timedelta(days=min(26, days)),
            ),
            by=case.mediator,
            today=today,
        )
        contact_record(
            case=case,
            data=ContactData(
                creditor=None,
                applicant=applicant,
                date=start + timedelta(days=min(24, days)),
                channel=Channel.DOCUMENTS,
                interlocutor=applicant.first_name,
                summary=(
                    "Documents reçus : trois dernières fiches de paie, avertissement-extrait "
                    "de rôle, bail et décompte d'énergie."
                ),
                outcome=Outcome.NOTED,
            ),
            by=case.mediator,
            today=today,
        )
        follow_up_mark_done(entry=visit, by=case.mediator)
        if index % 2 == 0 and days > 60:
            contact_record(
                case=case,
                data=ContactData(
                    creditor=None,
                    applicant=applicant,
                    date=today - timedelta(days=10),
                    channel=Channel.PHONE,
                    interlocutor=applicant.first_name,
                    summary=(
                        "Appel du requérant : frais de réparation de la voiture, demande "
                        "comment obtenir l'autorisation d'une dépense exceptionnelle."
                    ),
                    outcome=Outcome.NOTED,
                    follow_up_on=today + timedelta(days=7),
                ),
                by=case.mediator,
                today=today,
            )
