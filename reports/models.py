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
