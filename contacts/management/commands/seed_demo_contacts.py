"""Demo negotiation histories on a few demo cases (run after ``seed_demo``; idempotent).

The first story is seed 000 (``../shared/seeds/000_*.txt``) told in the amicable phase of a
homologated case: a bailiff holding three files of a social insurance fund refuses every plan
proposal; the mediator goes over his head, reaches the creditor by telephone after two
unanswered e-mails, and obtains that the three files be joined into one fixed plan. The
other stories happen now, during the plan, and give the to-do lists overdue, today's and
upcoming follow-ups (two mediators of the CPAS, one lawyer of the firm).

Creditors and representatives are taken from the organisation's directory when present (for
instance created by ``seed_demo_claims``) and created through ``claims.services`` otherwise.
The bailiff, the collection agency and the lawyer are fictitious. A story is skipped when its
creditor already has contacts in the chosen case, so a second run changes nothing.
"""

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from cases.models import Case
from cases.status import CaseStatus
from claims import services as claims_services
from claims.models import Creditor, Position, Representation, Representative, RepresentativeRole
from contacts.models import Channel, ContactEntry, Outcome
from contacts.services import ContactData, contact_record, follow_up_mark_done
from core.demo import refuse_in_production

IN_PLAN = [CaseStatus.AMICABLE_PLAN, CaseStatus.JUDICIAL_PLAN]


@dataclass
class Step:
    """One contact ``days_before`` the story's end; ``follow_up`` in days from that end
    (negative: before it). Each contact answers the creditor's open follow-ups."""

    days_before: int
    channel: str
    outcome: str
    summary: str
    via_representative: bool = False
    interlocutor: str = ""
    follow_up: int | None = None


@dataclass
class Story:
    organisation_slug: str
    mediator_username: str
    creditor: str
    steps: list[Step]
    statuses: list[str] = field(default_factory=lambda: list(IN_PLAN))
    # "today": the story ends today (open follow-ups); "homologation": it ends ten days before
    # the plan's homologation, and its last follow-up was done.
    ends: str = "today"
    representative: tuple[str, str] | None = None  # (name, role)
    file_references: list[str] = field(default_factory=list)
    case_index: int = 0  # which of the mediator's eligible cases
    # seed 000's case: where seed_demo_claims joined Partena's three bailiff files (or the case
    # it will choose: the first running Namur case of the mediator, a couple first)
    showcase: bool = False


STORIES = [
    Story(
        organisation_slug="cpas-namur",
        mediator_username="slambert",
        creditor="Partena Professional — Caisse d'assurances sociales",
        showcase=True,
        statuses=[CaseStatus.AMICABLE_PLAN],
        ends="homologation",
        representative=("Étude Delvaux & Pirard, huissiers de justice", RepresentativeRole.BAILIFF),
        file_references=["D-21/0456", "D-21/0789", "D-22/0112"],
        steps=[
            Step(
                120,
                Channel.LETTER,
                Outcome.NO_ANSWER,
                "Notification de l'ordonnance d'admissibilité pour les trois dossiers de "
                "cotisations sociales ; demande de décompte.",
                via_representative=True,
                follow_up=-106,
            ),
            Step(
                105,
                Channel.PHONE,
                Outcome.REFUSAL,
                "Décomptes reçus. L'huissier refuse le projet de plan (300,00 €, 100,00 € et "
                "50,00 € par mois) et réclame le paiement intégral, frais compris.",
                via_representative=True,
                interlocutor="Me Delvaux",
                follow_up=-90,
            ),
            Step(
                90,
                Channel.EMAIL,
                Outcome.REFUSAL,
                "Nouvelle proposition, budget à l'appui et preuve de la régularité des "
                "versements au compte de médiation : nouveau refus.",
                via_representative=True,
                interlocutor="Secrétariat de l'étude",
                follow_up=-75,
            ),
            Step(
                74,
                Channel.LETTER,
                Outcome.REFUSAL,
                "Troisième refus, par écrit. Sans l'accord de ce créancier le plan amiable "
                "échoue : s'adresser directement à Partena.",
                via_representative=True,
            ),
            Step(
                50,
                Channel.EMAIL,
                Outcome.NO_ANSWER,
                "Courriel au service recouvrement de Partena : demande de joindre les trois "
                "dossiers et d'accepter un plan de paiement fixe.",
                follow_up=-43,
            ),
            Step(
                42,
                Channel.EMAIL,
                Outcome.NO_ANSWER,
                "Deuxième courriel, avec le relevé des versements au compte de médiation.",
                follow_up=-36,
            ),
            Step(
                35,
                Channel.PHONE,
                Outcome.AGREEMENT,
                "Service compétent joint par téléphone. Insisté sur la bonne volonté du "
                "requérant et la régularité de ses versements. Accord : les trois dossiers sont "
                "joints en un plan fixe ; Partena demande à son huissier de l'accepter.",
                interlocutor="Service recouvrement, Mme Claes",
                follow_up=-20,
            ),
            Step(
                21,
                Channel.LETTER,
                Outcome.AGREEMENT,
                "Confirmation écrite de l'huissier : les trois dossiers sont joints et le plan "
                "de paiement est accepté.",
                via_representative=True,
            ),
        ],
    ),
    Story(
        organisation_slug="cpas-namur",
        mediator_username="slambert",
        creditor="Engie Electrabel SA",
        representative=("Bureau de recouvrement Meuse SRL", RepresentativeRole.COLLECTION_AGENCY),
        file_references=["BRM-558812"],
        case_index=1,
        steps=[
            Step(
                21,
                Channel.LETTER,
                Outcome.NO_ANSWER,
                "Rappel du plan homologué : les dividendes sont versés par le médiateur. "
                "Demande d'arrêter les relances adressées directement à la requérante.",
                via_representative=True,
                follow_up=-7,
            ),
            Step(
                6,
                Channel.PHONE,
                Outcome.COUNTER_PROPOSAL,
                "Le bureau de recouvrement suspend ses relances mais réclame 80,00 € de frais "
                "de dossier hors plan. Demander l'avis du créancier avant de répondre.",
                via_representative=True,
                interlocutor="M. Wauters",
                follow_up=0,
            ),
        ],
    ),
    Story(
        organisation_slug="cpas-namur",
        mediator_username="slambert",
        creditor="Proximus SA",
        case_index=1,
        steps=[
            Step(
                3,
                Channel.PHONE,
                Outcome.NO_ANSWER,
                "Service contentieux injoignable ; message laissé. Demander le décompte "
                "actualisé pour le rapport annuel.",
                follow_up=5,
            ),
        ],
    ),
    Story(
        organisation_slug="cpas-namur",
        mediator_username="slambert",
        creditor="SWDE — Société wallonne des eaux",
        steps=[
            Step(
                16,
                Channel.EMAIL,
                Outcome.COUNTER_PROPOSAL,
                "La SWDE accepte d'intégrer la facture de régularisation (312,40 €) au plan "
                "moyennant six mensualités. Vérifier l'impact sur le budget du ménage.",
                interlocutor="Service clientèle, dossiers sociaux",
                follow_up=-4,
            ),
        ],
    ),
    Story(
        organisation_slug="cpas-namur",
        mediator_username="jdupont",
        creditor="Belfius Banque SA",
        statuses=[CaseStatus.AMICABLE_PHASE, *IN_PLAN],
        steps=[
            Step(
                30,
                Channel.MEETING,
                Outcome.COUNTER_PROPOSAL,
                "Rencontre à l'agence : la banque accepte de geler les intérêts du crédit à la "
                "consommation si sa part du plan passe à 120,00 € par mois.",
                interlocutor="Service crédits en difficulté",
                follow_up=-12,
            ),
        ],
    ),
    Story(
        organisation_slug="cabinet-renard-maes",
        mediator_username="crenard",
        creditor="Proximus SA",
        representative=("Me Julien Hardy, avocat", RepresentativeRole.LAWYER),
        steps=[
            Step(
                15,
                Channel.EMAIL,
                Outcome.REFUSAL,
                "L'avocat du créancier refuse de renoncer aux frais de recouvrement réclamés en "
                "plus du plan.",
                via_representative=True,
                follow_up=-1,
            ),
        ],
    ),
]


def _prefix(name: str) -> str:
    """'Partena Professional — Caisse…' -> 'Partena'."""
    return name.split()[0]


def _at(day: date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class Command(BaseCommand):
    help = "Add demo negotiation histories to a few demo cases (idempotent; after seed_demo)."

    def handle(self, *args, **options):
        refuse_in_production()
        today = timezone.localdate()
        added = 0
        for story in STORIES:
            with transaction.atomic():
                added += self._play(story, today)
        self.stdout.write(self.style.SUCCESS(f"Demo contacts: {added} added."))

    def _end(self, story: Story, case: Case, today: date) -> date | None:
        """The story's last day, when the case leaves it enough room after admissibility."""
        if story.ends == "homologation":
            if case.homologation_date is None:
                return None
            end = case.homologation_date - timedelta(days=10)
        else:
            end = today
        span = max(s.days_before for s in story.steps) + 15
        return end if (end - case.admissibility_date).days >= span else None

    def _showcase_cases(self, organisation, mediator, creditor_prefix: str) -> list[Case]:
        joined = Position.objects.filter(
            case__organisation=organisation, creditor__name__istartswith=creditor_prefix
        ).select_related("case")
        running = (
            Case.objects.filter(organisation=organisation, division="namur", mediator=mediator)
            .exclude(status=CaseStatus.CLOSED)
            .prefetch_related("applicants")
            .order_by("admissibility_date", "reference")
        )
        couples = [c for c in running if len(c.applicants.all()) == 2]
        return [p.case for p in joined] + couples + [c for c in running if c not in couples]

    def _case(self, story: Story, organisation, mediator, today: date) -> tuple[Case, date] | None:
        candidates = list(
            Case.objects.filter(
                organisation=organisation, mediator=mediator, status__in=story.statuses
            ).order_by("reference")
        )
        if story.showcase:
            preferred = self._showcase_cases(organisation, mediator, _prefix(story.creditor))
            for case in preferred[:1]:
                end = self._end(story, case, today)
                if end is not None and case.status in story.statuses:
                    return case, end
        eligible = [(c, e) for c in candidates if (e := self._end(story, c, today)) is not None]
        return eligible[story.case_index] if len(eligible) > story.case_index else None

    def _play(self, story: Story, today: date) -> int:
        organisation = Organisation.objects.filter(slug=story.organisation_slug).first()
        mediator = User.objects.filter(username=story.mediator_username).first()
        if organisation is None or mediator is None:
            self.stdout.write(f"  {story.creditor}: run seed_demo first, skipped.")
            return 0
        found = self._case(story, organisation, mediator, today)
        if found is None:
            self.stdout.write(f"  {story.creditor}: no suitable case, skipped.")
            return 0
        case, end = found
        creditor = self._creditor(organisation, story.creditor)
        if ContactEntry.objects.filter(case=case, creditor=creditor).exists():
            return 0
        representative = None
        acting = (
            Representation.objects.filter(case=case, creditor=creditor)
            .select_related("representative")
            .first()
        )
        if acting is not None:  # e.g. the bailiff files recorded by seed_demo_claims
            representative = acting.representative
        elif story.representative:
            name, role = story.representative
            representative = self._representative(organisation, name, role)
            for reference in story.file_references or [""]:
                claims_services.representation_add(
                    case=case,
                    creditor=creditor,
                    representative=representative,
                    file_reference=reference,
                )
        entry = None
        for step in sorted(story.steps, key=lambda s: -s.days_before):
            on = end - timedelta(days=step.days_before)
            open_before = list(
                ContactEntry.objects.filter(
                    case=case,
                    creditor=creditor,
                    follow_up_on__isnull=False,
                    follow_up_done_at__isnull=True,
                ).values_list("pk", flat=True)
            )
            entry = contact_record(
                case=case,
                data=ContactData(
                    creditor=creditor,
                    representative=representative if step.via_representative else None,
                    date=on,
                    channel=step.channel,
                    interlocutor=step.interlocutor,
                    summary=step.summary,
                    outcome=step.outcome,
                    follow_up_on=None
                    if step.follow_up is None
                    else end + timedelta(days=step.follow_up),
                ),
                by=mediator,
                close_open_follow_ups=True,
                today=today,
            )
            # demo realism: the follow-ups were done on the day of the answering contact
            ContactEntry.objects.filter(pk__in=open_before).update(follow_up_done_at=_at(on))
        if story.ends != "today" and entry is not None and entry.follow_up_open:
            follow_up_mark_done(entry=entry, by=mediator)
            ContactEntry.objects.filter(pk=entry.pk).update(
                follow_up_done_at=_at(entry.follow_up_on)
            )
        self.stdout.write(f"  {case.reference} ({mediator.username}): {creditor.name}")
        return len(story.steps)

    def _creditor(self, organisation: Organisation, name: str) -> Creditor:
        """The directory's creditor of that name (or whose name starts like it: "Proximus"
        finds "Proximus SA"), else a new one with the same name as seed_demo_claims uses."""
        directory = Creditor.objects.filter(organisation=organisation)
        existing = (
            directory.filter(name__iexact=name).first()
            or directory.filter(name__istartswith=_prefix(name)).order_by("pk").first()
        )
        if existing:
            return existing
        return claims_services.creditor_create(
            organisation=organisation, data=claims_services.ContactData(name=name)
        )

    def _representative(self, organisation: Organisation, name: str, role: str) -> Representative:
        existing = Representative.objects.filter(
            organisation=organisation, name__iexact=name
        ).first()
        if existing:
            return existing
        return claims_services.representative_create(
            organisation=organisation, data=claims_services.ContactData(name=name, role=role)
        )
