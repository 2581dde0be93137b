"""What is checked before a document goes to court (issue 12, "Nothing contradictory goes to
court"; ``docs/court-documents.md``).

A plan (``plans.services.plan_file``), a fee statement (``fees.services.statements.
statement_file``) and an annual report (``reports.services.report_file``) are checked against
the case's data before they are filed: creditors paid beyond their claim, plan arrears, a period
not yet ended, a journal that does not agree with the last bank statement. The checks read
every module of the case (claims, ledger, plans, banking): they live in ``reports.court_checks``,
above the apps that file, which registers them here (``reports.apps``). The filing services and
the pages before filing call ``filing_check`` and show or raise what it finds.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError

from core.retranslate import Message, retranslate

# The field of the explicit confirmation that a period not yet ended is filed early.
CONFIRM_EARLY = "confirm_early"


@dataclass(frozen=True)
class Finding:
    """One inconsistency found. ``blocking``: the filing is refused; ``early``: refused unless
    the mediator confirms filing a period that has not ended yet; otherwise a warning."""

    code: str
    message: str
    blocking: bool = False
    early: bool = False


@dataclass(frozen=True)
class FilingCheck:
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def refusals(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def early(self) -> list[Finding]:
        return [f for f in self.findings if f.early]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking and not f.early]

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.early)

    def errors(self, *, confirm_early: bool) -> dict[str, list[str]]:
        """The refusals keyed by field (``__all__``, ``confirm_early``): empty when it may be
        filed."""
        errors: dict[str, list[str]] = {}
        if self.refusals:
            errors["__all__"] = [f.message for f in self.refusals]
        if self.early and not confirm_early:
            errors[CONFIRM_EARLY] = [f.message for f in self.early]
        return errors

    def enforce(self, *, confirm_early: bool) -> None:
        """Raise the refusals (a ValidationError keyed by field), or nothing."""
        errors = self.errors(confirm_early=confirm_early)
        if errors:
            raise ValidationError(errors)


FilingChecker = Callable[..., FilingCheck]
_checkers: list[FilingChecker] = []


def register_filing_checker(checker: FilingChecker) -> None:
    """``checker(case=, kind=, today=, period_start=, period_end=) -> FilingCheck``."""
    if checker not in _checkers:
        _checkers.append(checker)


def filing_check(
    *,
    case,
    kind: str,
    today: date,
    period_start: date | None = None,
    period_end: date | None = None,
) -> FilingCheck:
    """What the registered checkers find on filing a document of ``kind`` (a
    ``documents.models.DocumentKind``) covering ``[period_start, period_end)``."""
    findings: list[Finding] = []
    for checker in _checkers:
        findings.extend(
            checker(
                case=case,
                kind=kind,
                today=today,
                period_start=period_start,
                period_end=period_end,
            ).findings
        )
    return FilingCheck(tuple(findings))


# --- titles in the reader's language (issue 16) ---------------------------------------------
#
# A filed document's title is stored in the language of the procedure (French for the older
# ones). The app that files a kind registers the messages its titles are written from; a screen
# shows ``document_title(document)``, the same title in the reader's language, or the stored one
# when it was written otherwise (a mediator's own upload).

_title_messages: dict[str, list[Message]] = {}


def register_title_messages(kind: str, messages: list[Message]) -> None:
    """``messages``: ``(msgid, {placeholder: [translated labels it may hold]})`` pairs."""
    known = _title_messages.setdefault(kind, [])
    for message in messages:
        if message not in known:
            known.append(message)


def document_title(document) -> str:
    """The title of ``document`` in the active language when its message is known."""
    messages = _title_messages.get(document.kind)
    if messages:
        shown = retranslate(document.title, messages)
        if shown:
            return shown
    return document.title


# -- long PDFs made in the background (issue 15) -------------------------------------------


@dataclass(frozen=True)
class PdfJobResult:
    """What a background PDF made: the PDF of a preview (kept on the job until downloaded),
    or the document a filing service filed (its own file)."""

    content: bytes | None = None
    document: object | None = None  # a documents.models.Document


@dataclass(frozen=True)
class PdfJobKind:
    """A kind of PDF an app makes in the background.

    ``run(job=, progress=)`` makes it: ``job`` is the ``documents.models.PdfJob`` (its case,
    params, requester, expected pages), ``progress(phase, percent)`` is told how far it is
    (``core.pdf.Progress``). It raises ``ValidationError`` (French messages) when it is refused;
    a filing is one transaction (the job's, which also records the result): refused or failed,
    nothing is filed. ``back(job)`` is the URL of the page the job was asked from."""

    key: str
    run: Callable[..., PdfJobResult]
    back: Callable[..., str]
    files: bool = False  # a filing (the result is a filed document)


_pdf_jobs: dict[str, PdfJobKind] = {}


def register_pdf_job(kind: PdfJobKind) -> None:
    _pdf_jobs[kind.key] = kind


def pdf_job_kind(key: str) -> PdfJobKind:
    """The registered kind (KeyError for a kind no app registers)."""
    return _pdf_jobs[key]


def background_from_pages() -> int:
    """A PDF expected to have more pages than this is made in the background
    (``settings.PDF_BACKGROUND_FROM_PAGES``)."""
    return int(getattr(settings, "PDF_BACKGROUND_FROM_PAGES", DEFAULT_BACKGROUND_FROM_PAGES))


DEFAULT_BACKGROUND_FROM_PAGES = 30
