"""Documents of a case. Taxation statements, annual reports and settlement plans can be *filed*
(déposés) with the court: a filed document is frozen and becomes visible to the clerks of the
division it was filed in (``filed_division``; ``../shared/domain/README.md``, "Who uses the
software": clerks see what is filed, nothing else)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.divisions import Division


def document_upload_to(instance: "Document", filename: str) -> str:
    # Never trust the uploaded name in the storage path.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}.pdf"


class DocumentKind(models.TextChoices):
    TAXATION_STATEMENT = "taxation_statement", _("État de frais et honoraires")
    ANNUAL_REPORT = "annual_report", _("Rapport annuel")
    # The plan filed with the homologation request (amicable) or the plan the court imposed
    # (judicial): plans.services.plan_file.
    PLAN = "plan", _("Plan de règlement")
    # Requests to the court (petitions.services.petition_file; issue 17): the report of failure
    # of the amicable phase (art. 1675/11 C.J.) and the other requests (expense, sale of an
    # asset, revision, revocation, end of the procedure).
    FAILURE_REPORT = "failure_report", _("Procès-verbal de carence")
    PETITION = "petition", _("Requête au tribunal")
    OTHER = "other", _("Autre document")


FILEABLE_KINDS = frozenset(
    {
        DocumentKind.TAXATION_STATEMENT,
        DocumentKind.ANNUAL_REPORT,
        DocumentKind.PLAN,
        DocumentKind.FAILURE_REPORT,
        DocumentKind.PETITION,
    }
)
# The same, as plain sorted values for the database constraint (stable in migrations).
FILEABLE_KIND_VALUES = sorted(str(kind) for kind in FILEABLE_KINDS)


def fileable_kinds_label() -> str:
    """The fileable kinds for a message, in the order of ``DocumentKind``: « État de frais et
    honoraires », « Rapport annuel », « Plan de règlement »."""
    return ", ".join(
        f"« {label} »" for value, label in DocumentKind.choices if value in FILEABLE_KINDS
    )


class Document(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("type"), max_length=24, choices=DocumentKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    file = models.FileField(_("fichier PDF"), upload_to=document_upload_to)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filed_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The court division the document was filed in (the case's at filing time). The clerks of
    # that division keep it, those of a division the case later moves to do not (issue 13).
    filed_division = models.CharField(
        _("division du dépôt"), max_length=32, choices=Division.choices, blank=True
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                name="document_only_fileable_kinds_filed",
                condition=Q(filed_at__isnull=True) | Q(kind__in=FILEABLE_KIND_VALUES),
            ),
            models.CheckConstraint(
                name="document_filed_has_division",
                condition=Q(filed_at__isnull=True) | ~Q(filed_division=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_filed(self) -> bool:
        return self.filed_at is not None
