"""Documents of a case. Taxation statements, annual reports and settlement plans can be *filed*
(déposés) with the court: a filed document is frozen and becomes visible to the clerks of the
division it was filed in (``filed_division``; ``../shared/domain/README.md``, "Who uses the
software": clerks see what is filed, nothing else)."""

import re
import unicodedata
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from core.divisions import Division
from documents.registry import document_title


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


# The kind in a downloaded file's name (``Document.download_name``): fixed, whatever the
# language, so that a clerk's folder sorts the same files the same way.
KIND_SLUGS = {
    "taxation_statement": "etat-de-frais",
    "annual_report": "rapport-annuel",
    "plan": "plan-de-reglement",
    "other": "document",
}

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
    # The period the document covers (a fee statement's, an annual report's; its first and last
    # day, both included), set by the app that produced it: the clerk's filter and the name of
    # the downloaded file (issue 16, "Clerk").
    period_start = models.DateField(_("période du"), null=True, blank=True)
    period_end = models.DateField(_("période au"), null=True, blank=True)
    # A fee statement's taxation by the judge (fees.services.taxation records it here too, so
    # that the clerk's list filters on it without a higher app's table: fees.md §8).
    taxed_on = models.DateField(_("taxé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]
        indexes = [
            # The clerk's list: filed documents of a division, newest first, by kind, by period.
            models.Index(
                fields=["filed_division", "-filed_at"],
                name="document_clerk_filed",
                condition=Q(filed_at__isnull=False),
            ),
            models.Index(
                fields=["filed_division", "kind", "-filed_at"],
                name="document_clerk_kind",
                condition=Q(filed_at__isnull=False),
            ),
            models.Index(
                fields=["filed_division", "period_start"],
                name="document_clerk_period",
                condition=Q(filed_at__isnull=False),
            ),
        ]
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

    @property
    def display_title(self) -> str:
        """The title in the reader's language (``documents.registry.document_title``)."""
        return document_title(self)

    @property
    def download_name(self) -> str:
        """The downloaded file's name, without database id nor space (issue 16, "Clerk"): the
        R.G. number (else the case's reference), the kind, the period covered (else the day it
        was filed or added), e.g. ``RG-22-2610-B_etat-de-frais_2025-12-17_2026-12-03.pdf``."""
        case = self.case
        if case.role_number.strip():
            head = "RG-" + _file_part(case.role_number)
        else:
            head = _file_part(case.reference) or "dossier"
        parts = [head, KIND_SLUGS.get(self.kind, "document")]
        if self.period_start and self.period_end:
            parts += [self.period_start.isoformat(), self.period_end.isoformat()]
        else:
            when = self.filed_at or self.uploaded_at
            if when is not None:
                parts.append(timezone.localdate(when).isoformat())
        return "_".join(part for part in parts if part) + ".pdf"


def _file_part(text: str) -> str:
    """Letters and digits of ``text`` (accents dropped), any other run of characters a dash."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def pdf_job_upload_to(instance: "PdfJob", filename: str) -> str:
    return f"cases/{instance.case_id}/jobs/{uuid.uuid4().hex}.pdf"


class PdfJob(models.Model):
    """A long PDF of a case made in the background (issue 15): a fee statement or an annual
    report too long to be printed while the user waits, previewed (the PDF is kept here until
    downloaded) or filed (the filed document, made by the app's filing service in one
    transaction: filed entirely or not at all). The app that owns the document registers how
    it is made (``documents.registry.register_pdf_job``); the task ``documents.run_pdf_job``
    runs it and reports its progress to Celery's result backend, like the bank import in the
    background (``banking.StatementUpload``)."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pdf_jobs")
    kind = models.CharField(max_length=40)  # a registered kind, e.g. "fees.statement_file"
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(_("intitulé"), max_length=200)
    pages_expected = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    language = models.CharField(max_length=8, default="fr")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    # a preview: the PDF made; a filing: the filed document (its own file)
    file = models.FileField(upload_to=pdf_job_upload_to, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("PDF en préparation")
        verbose_name_plural = _("PDF en préparation")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"PdfJob {self.pk} {self.kind} ({self.state})"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)
