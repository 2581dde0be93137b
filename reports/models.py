"""The annual reports filed with the court: the period each covers and the filed PDF (a
``documents.Document`` of kind ``annual_report``, frozen once filed, seen by the division's
clerks)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.dates import format_date


class FiledReport(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="filed_reports")
    period_from = models.DateField(_("du"))
    period_to = models.DateField(_("au (exclu)"))
    observations = models.TextField(_("évolution et observations du médiateur"), blank=True)
    document = models.OneToOneField(
        "documents.Document", on_delete=models.PROTECT, related_name="annual_report"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    # The last report of the case, over its last period, filed at the end of the plan
    # (issue 17: « rapport final »; ``closure.services.final_report_file``).
    final = models.BooleanField(_("rapport final"), default=False)
    # The copy sent to the applicant (issue 17): the letter records what was sent when.
    applicant_copy = models.ForeignKey(
        "letters.Letter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copie envoyée au requérant"),
    )

    class Meta:
        verbose_name = _("rapport annuel déposé")
        verbose_name_plural = _("rapports annuels déposés")
        ordering = ["-period_from", "-filed_at"]
        constraints = [
            models.CheckConstraint(
                name="filed_report_period_not_empty", condition=Q(period_to__gt=F("period_from"))
            ),
            models.UniqueConstraint(
                fields=["case", "period_from", "period_to"], name="uniq_filed_report_period"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.case.reference} {format_date(self.period_from)}–{format_date(self.period_to)}"
        )


class DraftBatch(models.Model):
    """ "Draft all annual reports due this month": a batch built in the background (Celery) for
    its requester, its progress recorded so that the page can show it. Each draft is an
    unfiled document of kind « Rapport annuel » on the case (the mediator checks it, then files
    the report from the annual report page)."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    month = models.DateField(_("mois"))  # its first day
    only_mine = models.BooleanField(_("mes dossiers seulement"), default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    language = models.CharField(max_length=8, default="fr")
    progress = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    drafted = models.PositiveIntegerField(default=0)
    # one line per report of the month: case, period, the draft document or why there is none
    items = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lot de projets de rapports")
        verbose_name_plural = _("lots de projets de rapports")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"DraftBatch {self.pk} ({self.state})"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)
