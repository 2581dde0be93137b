"""Duties of the case's legal calendar, and the daily runs that record them.

A duty is recorded once under its identity ``(case, kind, due_date, subject)`` (a database
unique constraint), so that a second run, two workers at once or a rerun after a crash create
nothing twice. Domain: ``../shared/domain/README.md`` (the life of a case), ``fees.md`` §2, §4.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class DailyRun(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("en cours")
        SUCCEEDED = "succeeded", _("réussi")
        FAILED = "failed", _("échoué")

    run_date = models.DateField(_("date du passage"))
    from_date = models.DateField(_("depuis le (exclu)"))
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(_("commencé à"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé à"), null=True, blank=True)
    summary = models.JSONField(_("résumé"), default=dict, blank=True)

    class Meta:
        verbose_name = _("passage quotidien")
        verbose_name_plural = _("passages quotidiens")
        ordering = ["-run_date", "-started_at"]
        indexes = [models.Index(fields=["state", "run_date"])]

    def __str__(self) -> str:
        return f"{self.run_date} ({self.get_state_display()})"


class Duty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duties")
    kind = models.CharField(_("type"), max_length=40)
    due_date = models.DateField(_("échéance légale"))
    subject = models.CharField(_("objet"), max_length=64, blank=True, default="")
    deadline = models.DateField(_("à régler pour le"))
    data = models.JSONField(_("détails"), default=dict, blank=True)
    run = models.ForeignKey(
        DailyRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="duties"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    settled_on = models.DateField(_("réglé le"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_note = models.CharField(_("remarque"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéances")
        ordering = ["deadline", "due_date", "case_id", "kind", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due_date", "subject"], name="uniq_duty_identity"
            ),
        ]
        indexes = [
            models.Index(
                fields=["case", "deadline"], name="duty_open_by_case", condition=Q(settled_on=None)
            ),
            models.Index(fields=["kind", "due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.kind} · {self.due_date}"

    @property
    def is_open(self) -> bool:
        return self.settled_on is None


class CalendarFeed(models.Model):
    """A user's secret iCalendar address. Only a SHA-256 of its random token is stored: the
    address is shown once, when it is made; a new one revokes the old (issue 11)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement iCalendar")
        verbose_name_plural = _("abonnements iCalendar")

    def __str__(self) -> str:
        return str(self.user)


class DigestSent(models.Model):
    """The daily digest e-mail of one user for one day: the row is written in the same
    transaction as the sending, so a rerun or a second worker never sends it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    items = models.PositiveIntegerField(_("éléments"), default=0)
    sent_at = models.DateTimeField(_("envoyé à"), auto_now_add=True)

    class Meta:
        verbose_name = _("résumé quotidien envoyé")
        verbose_name_plural = _("résumés quotidiens envoyés")
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="uniq_digest_per_user_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.date}"
