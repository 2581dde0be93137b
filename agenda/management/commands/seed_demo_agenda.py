"""Demo calendar: the daily run of today over the demo cases, catching up on the last year, so
that the agenda, its badge and the fee tab show what is due and overdue (JustRestart invoices,
annual reports, declaration deadlines, plan instalments…). Idempotent: nothing runs when a run
of today (or later) has succeeded. The digest e-mails of this first run are not sent (the demo
has no one to write to). Run after ``seed_demo`` and the other ``seed_demo_*`` commands."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from django.utils import timezone

from agenda.models import DailyRun
from agenda.services import daily_run
from core.demo import refuse_in_production

CATCH_UP_DAYS = 400


class Command(BaseCommand):
    help = "Run the demo cases' legal calendar for today (a year of catch-up)."

    def handle(self, *args, **options):
        refuse_in_production()
        today = timezone.localdate()
        if DailyRun.objects.filter(state=DailyRun.State.SUCCEEDED, run_date__gte=today).exists():
            self.stdout.write("Demo calendar already run today.")
            return
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            result = daily_run(run_date=today, catch_up_days=CATCH_UP_DAYS)
        created = sum(result.created.values())
        self.stdout.write(
            f"Demo calendar: {created} duties recorded over {result.cases} case(s), "
            f"{len(result.errors)} error(s)."
        )
        for error in result.errors:
            self.stderr.write(f"  {error}")
