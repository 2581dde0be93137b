"""The audit trail (issue 13): who viewed a case, downloaded a document or an export, revealed a
national register number, logged in (or failed to), and who changed what, with the values
before and after.

Append-only: the database refuses every UPDATE and DELETE of ``audit_event`` (triggers of
migration 0002, on PostgreSQL and SQLite alike), and the application's database role may not
TRUNCATE it, disable its triggers nor alter it (README.md, "Database roles").

The rows name users, organisations and cases by id and by a copy of their name or reference,
with no foreign key: the trail outlives what it speaks of, and this app sits below the cases.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Connexion")
    LOGIN_FAILED = "login_failed", _("Échec de connexion")
    LOGOUT = "logout", _("Déconnexion")
    CASE_VIEWED = "case_viewed", _("Consultation d'un dossier")
    NATIONAL_NUMBER_REVEALED = "nn_revealed", _("Numéro de registre national affiché")
    DOWNLOADED = "downloaded", _("Téléchargement (document ou export)")
    CREATED = "created", _("Création")
    CHANGED = "changed", _("Modification")
    DELETED = "deleted", _("Suppression")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("utilisateur"), max_length=150, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    case_reference = models.CharField(_("dossier"), max_length=64, blank=True)
    object_type = models.CharField(_("objet"), max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=255, blank=True)
    # {field: [before, after]} for a change; sensitive values are masked (national numbers).
    changes = models.JSONField(_("changements"), default=dict, blank=True)
    detail = models.CharField(_("détail"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"
