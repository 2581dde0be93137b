"""The daily run: every clock of every case, exactly once.

``daily_run`` is called each day by Celery beat (``agenda.run_daily_jobs``, editable in the
admin through django-celery-beat) and by ``manage.py run_daily_jobs``. It handles every duty
whose date falls in (date of the last successful run, run date]; the first run ever starts at the
run date minus the catch-up days. A case entered since the last successful run is looked at
from the catch-up start as well, so that its recent dates are not lost.

Exactly once: each duty is recorded under the unique key (case, kind, due date, subject)
(``Duty`` model). Each case is handled in its own transaction: a case that fails is rolled back,
reported in ``errors`` and does not stop the others; a run killed halfway leaves committed
cases behind and is not "successful", so the next run covers the same period again and creates
only what is missing.
"""

import logging
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Case
from core.dates import format_date
from core.roles import Role

from . import registry, selectors
from .models import CalendarFeed, DailyRun, DigestSent, Duty

logger = logging.getLogger(__name__)
User = get_user_model()

DEFAULT_CATCH_UP_DAYS = 31


@dataclass
class RunResult:
    run_date: date
    from_date: date
    cases: int = 0
    created: dict[str, int] = field(default_factory=dict)
    settled: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The public JSON summary of a run (printed by ``run_daily_jobs``)."""
        return {
            "date": self.run_date.isoformat(),
            "from": self.from_date.isoformat(),
            "cases": self.cases,
            "created": dict(self.created),
            "settled": dict(self.settled),
            **self.extra,
            "errors": list(self.errors),
        }


def _run_window(*, run_date: date, catch_up_days: int) -> tuple[date, DailyRun | None]:
    if catch_up_days < 0:
        raise ValidationError(
            {"catch_up_days": _("Le nombre de jours de rattrapage ne peut être négatif.")}
        )
    last = selectors.last_successful_run()
    if last is not None and run_date < last.run_date:
        raise ValidationError(
            {
                "run_date": _(
                    "Le passage du %(date)s reviendrait en arrière : le dernier passage réussi "
                    "date du %(last)s."
                )
                % {"date": format_date(run_date), "last": format_date(last.run_date)}
            }
        )
    if last is None:
        return run_date - timedelta(days=catch_up_days), None
    return last.run_date, last


def _record(case: Case, spec: registry.DutySpec, run: DailyRun | None) -> bool:
    """Record one duty unless it exists; True when this call created it. The insert runs in a
    savepoint: when another worker recorded the same duty first, the unique key refuses ours
    and nothing else of the case's transaction is lost."""
    if Duty.objects.filter(
        case=case, kind=spec.kind, due_date=spec.due_date, subject=spec.subject
    ).exists():
        return False
    try:
        with transaction.atomic():
            duty = Duty.objects.create(
                case=case,
                kind=spec.kind,
                due_date=spec.due_date,
                subject=spec.subject,
                deadline=spec.deadline or spec.due_date,
                data=spec.data,
                run=run,
            )
            kind = registry.duty_kind(spec.kind)
            if kind is not None and kind.on_created is not None:
                kind.on_created(duty)
    except IntegrityError:
        if Duty.objects.filter(
            case=case, kind=spec.kind, due_date=spec.due_date, subject=spec.subject
        ).exists():
            return False  # another worker was first
        raise
    return True


def _case_run(
    *,
    case: Case,
    start: date,
    end: date,
    run: DailyRun,
    kinds: list[registry.DutyKind],
    produce: bool = True,
    produced: dict[str, list[registry.DutySpec]] | None = None,
    recorded: set | None = None,
) -> tuple[Counter, Counter]:
    """One case's clocks. ``produced`` (kind code -> specs) and ``recorded`` (the keys of its
    duties in the window) may have been read for a batch of cases beforehand (``daily_run``);
    a kind missing from ``produced`` is produced here, inside the case's transaction."""
    created: Counter = Counter()
    settled: Counter = Counter()
    produced = produced or {}
    if recorded is None:
        # What the case already holds is read once, not once per duty or per kind: the run
        # goes over every case every day.
        recorded = set(
            Duty.objects.filter(case=case, due_date__gt=start, due_date__lte=end).values_list(
                "kind", "due_date", "subject"
            )
        )
    for kind in kinds if produce else ():
        specs = produced.get(kind.code)
        if specs is None:
            specs = kind.produce(case, start, end)
        for spec in specs:
            if spec.kind != kind.code or not (start < spec.due_date <= end):
                raise ValueError(f"{kind.code}: produced {spec!r} outside ({start}, {end}]")
            if (spec.kind, spec.due_date, spec.subject) in recorded:
                continue
            if _record(case, spec, run):
                created[kind.code] += 1
    open_by_kind: dict[str, list[Duty]] = {}
    for duty in selectors.open_duties(case=case):
        open_by_kind.setdefault(duty.kind, []).append(duty)
    for kind in kinds:
        if kind.settled is None:
            continue
        duties = open_by_kind.get(kind.code)
        if not duties:
            continue
        done = kind.settled(duties)
        for duty in duties:
            if duty.pk in done:
                Duty.objects.filter(pk=duty.pk, settled_on__isnull=True).update(
                    settled_on=done[duty.pk]
                )
                settled[kind.code] += 1
    return created, settled


def _batch_reads(
    batch: list[tuple[Case, date, bool]], end: date, kinds: list[registry.DutyKind]
) -> tuple[dict[int, dict[str, list[registry.DutySpec]]], dict[int, set]]:
    """For a batch of cases (each with its window's start and whether it produces): each
    kind's specs per case, read in a few queries per kind (``produce_many``), and the keys of
    the duties they already hold in their windows. Pure reads, before the cases' transactions:
    recording stays exactly once (the unique key, ``_record``) whatever changed since. A kind
    whose batch fails is left out: each case then produces it in its own transaction, where a
    case's bad data is reported as before."""
    produced: dict[int, dict[str, list[registry.DutySpec]]] = {}
    by_start: dict[date, list[Case]] = {}
    for case, start, produce in batch:
        produced[case.pk] = {}
        if produce:
            by_start.setdefault(start, []).append(case)
    for start, cases in by_start.items():
        with registry.shared_reads():  # the kinds reading the same rows read them once
            for kind in kinds:
                found = selectors.produce_batch(kind, cases, start, end)
                if found is None:
                    continue
                for case in cases:
                    produced[case.pk][kind.code] = found[case.pk]
    recorded: dict[int, set] = {case.pk: set() for case, _start, _produce in batch}
    if batch:
        first = min(start for _case, start, _produce in batch)
        rows = Duty.objects.filter(
            case_id__in=list(recorded), due_date__gt=first, due_date__lte=end
        ).values_list("case_id", "kind", "due_date", "subject")
        for case_id, kind, due_date, subject in rows:
            recorded[case_id].add((kind, due_date, subject))
    return produced, recorded


def daily_run(*, run_date: date, catch_up_days: int = DEFAULT_CATCH_UP_DAYS) -> RunResult:
    """Run every clock of every case up to ``run_date`` (see the module docstring)."""
    from_date, last = _run_window(run_date=run_date, catch_up_days=catch_up_days)
    catch_up_start = min(from_date, run_date - timedelta(days=catch_up_days))
    kinds = registry.duty_kinds()
    result = RunResult(
        run_date=run_date,
        from_date=from_date,
        created={kind.code: 0 for kind in kinds},
        settled={kind.code: 0 for kind in kinds},
    )
    run = DailyRun.objects.create(run_date=run_date, from_date=from_date)
    try:
        cases = selectors.cases_for_run(after=catch_up_start).iterator(
            chunk_size=registry.BATCH_SIZE
        )
        for chunk in selectors.chunks(cases, registry.BATCH_SIZE):
            batch = []
            for case in chunk:
                start = from_date
                if last is not None and timezone.localdate(case.created_at) > last.run_date:
                    start = catch_up_start  # entered since the last run: its recent past too
                # closed on or before the window: nothing falls due, but its open duties may
                # be settled by the closure itself (recorded after its date)
                produce = case.closure_date is None or case.closure_date > start
                batch.append((case, start, produce))
            produced, recorded = _batch_reads(batch, run_date, kinds)
            for case, start, produce in batch:
                if produce:
                    result.cases += 1
                try:
                    with transaction.atomic():
                        created, settled = _case_run(
                            case=case,
                            start=start,
                            end=run_date,
                            run=run,
                            kinds=kinds,
                            produce=produce,
                            produced=produced[case.pk],
                            recorded=recorded[case.pk],
                        )
                except Exception as exc:  # one case's bad data never stops the others
                    logger.exception("Daily run %s, case %s", run_date, case.pk)
                    result.errors.append(
                        {"case": case.reference, "case_id": case.pk, "error": str(exc)}
                    )
                    continue
                for code, count in created.items():
                    result.created[code] = result.created.get(code, 0) + count
                for code, count in settled.items():
                    result.settled[code] = result.settled.get(code, 0) + count
        for hook in registry.after_run_hooks():
            try:
                result.extra.update(hook(run_date))
            except Exception as exc:
                logger.exception("Daily run %s, after-run hook %s", run_date, hook)
                result.errors.append(
                    {"hook": getattr(hook, "__name__", str(hook)), "error": str(exc)}
                )
    except BaseException:
        DailyRun.objects.filter(pk=run.pk).update(
            state=DailyRun.State.FAILED, finished_at=timezone.now()
        )
        raise
    DailyRun.objects.filter(pk=run.pk).update(
        state=DailyRun.State.SUCCEEDED, finished_at=timezone.now(), summary=result.as_json()
    )
    return result


@transaction.atomic
def duty_record(*, case: Case, spec: registry.DutySpec) -> bool:
    """Record one duty now, outside the daily run, when a user's act starts a clock (e.g. a fee
    statement filed with the court starts waiting for the taxation order): the same exactly-once
    insert as the run (its ``on_created`` included); True when this call created it. The run's
    window (last run, run date] would miss an act done after the day's run."""
    return _record(case, spec, None)


@transaction.atomic
def duty_settle(*, duty: Duty, on: date, by: User | None = None, note: str = "") -> Duty:
    """Mark an open duty settled (by hand, or by the app that owns what settles it)."""
    duty = Duty.objects.select_for_update().get(pk=duty.pk)
    if duty.settled_on is not None:
        raise ValidationError(
            _("Cette échéance est déjà réglée depuis le %(date)s.")
            % {"date": format_date(duty.settled_on)}
        )
    duty.settled_on = on
    duty.settled_by = by
    duty.settled_note = note[:255]
    duty.save(update_fields=["settled_on", "settled_by", "settled_note"])
    return duty


@transaction.atomic
def duties_settle(
    *,
    case: Case,
    kind: str,
    on: date,
    due_on_or_before: date | None = None,
    subject: str | None = None,
    by: User | None = None,
    note: str = "",
) -> int:
    """Settle the open duties of ``kind`` of a case (those due on or before a date, or of one
    subject); returns how many. Used by the apps that own what settles a duty."""
    duties = Duty.objects.filter(case=case, kind=kind, settled_on__isnull=True)
    if due_on_or_before is not None:
        duties = duties.filter(due_date__lte=due_on_or_before)
    if subject is not None:
        duties = duties.filter(subject=subject)
    return duties.update(settled_on=on, settled_by=by, settled_note=note[:255])


# --- the iCalendar address -------------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, user: User) -> str:
    """Make the user's secret calendar address (revoking the previous one) and return its
    token: only its SHA-256 is kept, so the address is shown once."""
    if not user.is_authenticated or user.role not in (Role.MEDIATOR, Role.ADMINISTRATOR):
        raise ValidationError(_("Seuls les médiateurs et les administrateurs ont un agenda."))
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        user=user, defaults={"token_hash": selectors.token_hash(token)}
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> bool:
    """Revoke the user's calendar address; True when there was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


# --- the daily digest e-mail -----------------------------------------------------------------


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if settings.SITE_URL else url


def digest_send(*, user: User, run_date: date) -> bool:
    """Send ``user`` the digest of ``run_date`` (overdue and due today) unless it was sent:
    the ``DigestSent`` row is written in the transaction that sends, under a unique key
    (user, date), so a rerun or a second worker sends nothing twice; if sending fails, the
    row is rolled back and the next run tries again. False when nothing was sent (already
    sent, or nothing to tell)."""
    if DigestSent.objects.filter(user=user, date=run_date).exists():
        return False
    items = selectors.digest_items(user, run_date)
    if not items:
        return False
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, date=run_date, items=len(items))
            with translation.override(settings.LANGUAGE_CODE):
                overdue = [i for i in items if i.deadline < run_date]
                today = [i for i in items if i.deadline >= run_date]
                context = {
                    "user": user,
                    "run_date": run_date,
                    "overdue": [(i, _absolute(i.url)) for i in overdue],
                    "today": [(i, _absolute(i.url)) for i in today],
                    "agenda_url": _absolute(reverse("agenda:agenda")),
                }
                subject = _(
                    "Agenda du %(date)s : %(overdue)d en retard, %(today)d pour aujourd'hui"
                ) % {"date": format_date(run_date), "overdue": len(overdue), "today": len(today)}
                body = render_to_string("agenda/digest_email.txt", context)
            send_mail(subject, body, None, [user.email])
    except IntegrityError:
        return False  # another worker was first
    return True


def send_daily_digests(run_date: date) -> dict[str, int]:
    """The after-run hook of the daily run: each mediator's digest, once a day."""
    sent = 0
    for user in selectors.digest_recipients():
        try:
            if digest_send(user=user, run_date=run_date):
                sent += 1
        except Exception:  # one mailbox's failure never stops the others' digests
            logger.exception("Daily digest of %s for %s", user.pk, run_date)
    return {"digests": sent}
