"""Demo letters: the default letter templates of the demo organisations and, in one demo case
whose creditors have declared (``seed_demo_claims``), a circular letter asking for an updated
statement of account, with its PDF and its billable service (4.2 per addressee). Idempotent:
templates are only created for an organisation that has none, and the demo letter is sent once.
Run after ``seed_demo`` (and ``seed_demo_claims`` for the letter)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Max
from django.utils import timezone

from accounts.models import Organisation
from cases.models import Case
from claims.models import Claim, Position
from core.demo import refuse_in_production
from letters.models import Letter, LetterKind
from letters.selectors import addressee_options, template_for
from letters.services import letter_send, letter_templates_ensure_defaults

DEMO_SLUGS = ["cpas-namur", "cabinet-renard-maes"]
MIN_ADDRESSEES = 3


class Command(BaseCommand):
    help = "Default letter templates for the demo organisations, and one demo circular letter."

    def handle(self, *args, **options):
        refuse_in_production()
        organisations = list(Organisation.objects.filter(slug__in=DEMO_SLUGS).order_by("slug"))
        if not organisations:
            raise CommandError("Run `manage.py seed_demo` first.")
        for organisation in organisations:
            created = letter_templates_ensure_defaults(organisation)
            self.stdout.write(f"{organisation.name}: {created} default template(s) created.")
        self._demo_letter(next(o for o in organisations if o.slug == "cpas-namur"))

    def _demo_case(self, organisation: Organisation) -> Case | None:
        """The case of seed 000 (a joined position) if there is one, else the case of the
        organisation with the most creditors who declared."""
        position = Position.objects.filter(case__organisation=organisation).first()
        if position:
            return position.case
        return (
            Case.objects.filter(organisation=organisation)
            .annotate(n=Count("claims__creditor", distinct=True))
            .filter(n__gte=MIN_ADDRESSEES)
            .order_by("-n", "reference")
            .first()
        )

    def _demo_letter(self, organisation: Organisation) -> None:
        if Letter.objects.filter(case__organisation=organisation).exists():
            self.stdout.write("Demo letter already sent.")
            return
        case = self._demo_case(organisation)
        if case is None:
            self.stdout.write("No case with declared creditors (run seed_demo_claims): no letter.")
            return
        options = [o for o in addressee_options(case) if o.declared and o.address]
        creditors = [o for o in options if not o.representative_id]
        if len(creditors) < MIN_ADDRESSEES:
            self.stdout.write(f"Case {case.reference}: fewer than 3 creditors, no letter.")
            return
        # A creditor acting through a representative gets the letter through it, once (seed
        # 000: three files of one bailiff for one creditor, joined: one letter, first file).
        through: dict[int, str] = {}
        for option in options:
            if option.representative_id:
                through.setdefault(option.creditor_id, option.key)
        keys = list(through.values()) + [o.key for o in creditors if o.creditor_id not in through]
        # the template in the case's procedure language (a Dutch-division case: the Dutch one)
        template = template_for(case, LetterKind.STATEMENT_REQUEST)
        last_declaration = Claim.objects.filter(case=case).aggregate(d=Max("declared_on"))["d"]
        sent_on = min(last_declaration + timedelta(days=21), timezone.localdate())
        try:
            letter = letter_send(
                case=case,
                template=template,
                subject=template.subject,
                body=template.body,
                addressee_keys=keys,
                registered=False,
                postage=None,
                sent_on=sent_on,
                by=case.mediator,
            )
        except ValidationError as exc:
            self.stdout.write(f"Case {case.reference}: demo letter not sent ({exc.messages}).")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Circular letter sent in case {case.reference} to "
                f"{letter.addressees.count()} addressees: /dossiers/{case.pk}/courriers/"
            )
        )
