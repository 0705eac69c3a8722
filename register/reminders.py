"""Progress reminders (R5): the daily sweep, sending, and postal reminders.

At most once per cycle and due date (R5.4), whatever runs twice, retries or crashes:
- the sweep looks only at open cycles whose next reminder is due (an indexed date), locks them
  (`select_for_update(skip_locked=True)`: two sweeps never take the same cycle) and records one
  row per cycle and due date, which a unique constraint guards;
- sending first claims the row with a conditional UPDATE; only the claimant sends. A claim left
  by a worker killed mid-send is taken over once stale, so a reminder is never lost;
- rows still waiting (say the broker was down when they were queued) are queued again by the
  next sweep; the claim makes a second delivery harmless.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from cpd.rules import Progress
from cpd.selectors import progress_by_cycle
from imi_portal.emails import send_templated

from . import rules
from .models import Cycle, Registrant, Reminder

# A claim older than this is taken to belong to a worker that died mid-send.
STALE_CLAIM = timedelta(minutes=10)


@dataclass(slots=True)
class _Due:
    """What the sweep needs of a cycle, read as plain values (no model instances: at a month
    end every cycle in its final six months is due, a third of the register)."""

    pk: int
    start: date
    end: date
    target: Decimal
    grace_start: date | None
    last_reminder_on: date | None
    by_post: bool  # R5.5
    next_reminder_on: date | None = None


def cycle_schedule_reminders(cycle: Cycle | _Due) -> None:
    """Set when the sweep next looks at `cycle`; call after creating it or moving its dates."""
    cycle.next_reminder_on = rules.next_cycle_reminder_on(
        start=cycle.start,
        end=cycle.end,
        after=cycle.last_reminder_on,
        grace_start=cycle.grace_start,
    )


def _figures(cycle: _Due, progress: Progress, due: rules.ReminderDue) -> dict[str, object]:
    def text(value: Decimal) -> str:
        return f"{value:.2f}"

    return {
        "due_on": due.due_on.isoformat(),
        "phase": due.phase.value,
        "cycle_start": cycle.start.isoformat(),
        "cycle_end": cycle.end.isoformat(),
        "target": text(cycle.target),
        "counted_credits": text(progress.counted_credits),
        "credits_needed": text(progress.credits_needed),
        "reading_credits": text(progress.reading_credits),
        "reading_counted": text(progress.reading_counted),
        "reading_cap": text(progress.reading_cap),
        "reading_over_cap": progress.reading_over_cap,
        "days_left": progress.days_left,
        "on_track": progress.on_track,
        "expected_by_now": text(progress.expected_by_now),
        "pace_needed_per_year": text(progress.pace_needed_per_year),
        "target_met": progress.target_met,
    }


@dataclass
class SweepResult:
    emails: list[int] = field(default_factory=list)  # reminders created, to be emailed
    postal: list[int] = field(default_factory=list)  # reminders for the staff's postal list
    requeued: list[int] = field(default_factory=list)  # earlier ones still waiting
    target_met: int = 0  # monthly reminders not needed: target already reached (R5.2)


def reminders_sweep(*, as_of: date, now: datetime | None = None, batch: int = 5000) -> SweepResult:
    """Record the reminders due on `as_of` and return what to send. Safe to run any number of
    times, concurrently too. Queue the emails only after this returns (it commits per batch)."""
    now = now or timezone.now()
    result = SweepResult()
    while _sweep_batch(as_of=as_of, result=result, batch=batch):
        pass
    result.requeued = list(
        Reminder.objects.filter(channel=Reminder.Channel.EMAIL)
        .filter(
            Q(status=Reminder.Status.PENDING, created_at__lt=now - STALE_CLAIM)
            | Q(status=Reminder.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .values_list("pk", flat=True)
    )
    return result


@transaction.atomic
def _sweep_batch(*, as_of: date, result: SweepResult, batch: int) -> bool:
    cycles = [
        _Due(*row)
        for row in Cycle.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=Cycle.Status.OPEN, next_reminder_on__lte=as_of)
        .order_by("next_reminder_on", "pk")
        .values_list(
            "pk",
            "start",
            "end",
            "target",
            "grace_start",
            "last_reminder_on",
            "registrant__contact_by_post",
        )[:batch]
    ]
    if not cycles:
        return False
    ids = [cycle.pk for cycle in cycles]
    progress = progress_by_cycle(cycles=cycles, as_of=as_of)
    new: list[Reminder] = []
    for cycle in cycles:
        due = rules.latest_cycle_reminder_due(
            start=cycle.start,
            end=cycle.end,
            as_of=as_of,
            grace_start=cycle.grace_start,
            after=cycle.last_reminder_on,
        )
        if due is not None:
            cycle.last_reminder_on = due.due_on
            if due.phase.only_if_short and progress[cycle.pk].target_met:
                result.target_met += 1  # R5.2: the final months' reminders only while short
            else:
                new.append(_reminder_for(cycle, progress[cycle.pk], due))
        cycle_schedule_reminders(cycle)
    _save_reminder_dates(cycles)
    # The unique constraint is the last word: a row that exists already is left as it is.
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    wanted = {(r.cycle_id, r.due_on) for r in new}
    recorded = Reminder.objects.filter(
        cycle_id__in=ids,
        due_on__in={due_on for _, due_on in wanted},
        status__in=[Reminder.Status.PENDING, Reminder.Status.POSTAL_DUE],
    ).values_list("pk", "cycle_id", "due_on", "channel")
    this_batch = []
    for pk, cycle_id, due_on, channel in recorded:
        if (cycle_id, due_on) in wanted:
            this_batch.append(pk)
            (result.postal if channel == Reminder.Channel.POST else result.emails).append(pk)
    # R5.4: an older reminder of these cycles not yet sent is superseded by the new one.
    Reminder.objects.filter(cycle_id__in=ids, status=Reminder.Status.PENDING).exclude(
        pk__in=this_batch
    ).update(status=Reminder.Status.SUPERSEDED)
    return len(cycles) == batch


def _save_reminder_dates(cycles: list[_Due]) -> None:
    """Write every cycle's two reminder dates in one statement. Django's bulk_update builds a
    CASE with a branch per row, which PostgreSQL checks row by row: quadratic in the batch."""
    if connection.vendor != "postgresql":
        rows = [
            Cycle(pk=c.pk, last_reminder_on=c.last_reminder_on, next_reminder_on=c.next_reminder_on)
            for c in cycles
        ]
        Cycle.objects.bulk_update(rows, ["last_reminder_on", "next_reminder_on"], batch_size=500)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Cycle._meta.db_table} AS c "  # noqa: S608 - the table name is ours
            "SET last_reminder_on = v.last_on, next_reminder_on = v.next_on "
            "FROM unnest(%s::bigint[], %s::date[], %s::date[]) AS v(id, last_on, next_on) "
            "WHERE c.id = v.id",
            [
                [c.pk for c in cycles],
                [c.last_reminder_on for c in cycles],
                [c.next_reminder_on for c in cycles],
            ],
        )


def _reminder_for(cycle: _Due, progress: Progress, due: rules.ReminderDue) -> Reminder:
    by_post = cycle.by_post  # R5.5
    return Reminder(
        cycle_id=cycle.pk,
        due_on=due.due_on,
        phase=due.phase.value,
        channel=Reminder.Channel.POST if by_post else Reminder.Channel.EMAIL,
        status=Reminder.Status.POSTAL_DUE if by_post else Reminder.Status.PENDING,
        figures=_figures(cycle, progress, due),
    )


class ReminderBusy(Exception):
    """Another worker holds a fresh claim on the reminder; try again once it may be stale."""


def reminder_send(*, reminder_id: int, now: datetime | None = None) -> bool:
    """Email one reminder if this call wins the claim. True if it sent it, False if there was
    nothing to send (sent already, superseded, postal). Raises ReminderBusy while another
    worker's claim is fresh, and the mail error if sending fails (the row is left failed)."""
    now = now or timezone.now()
    claimable = Q(status__in=[Reminder.Status.PENDING, Reminder.Status.FAILED]) | Q(
        status=Reminder.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    claimed = (
        Reminder.objects.filter(pk=reminder_id, channel=Reminder.Channel.EMAIL)
        .filter(claimable)
        .update(status=Reminder.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        if Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.SENDING).exists():
            raise ReminderBusy(reminder_id)
        return False
    reminder = Reminder.objects.select_related("cycle__registrant__user").get(pk=reminder_id)
    try:
        _email(reminder)
    except Exception as error:
        Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.SENDING).update(
            status=Reminder.Status.FAILED, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    Reminder.objects.filter(pk=reminder_id).update(
        status=Reminder.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def _email(reminder: Reminder) -> None:
    registrant: Registrant = reminder.cycle.registrant
    figures = reminder.figures
    send_templated(
        name="reminder",
        to=registrant.user.email,
        context={
            "registrant": registrant,
            "reminder": reminder,
            "f": figures,
            "cycle_end": date.fromisoformat(figures["cycle_end"]),
            "dashboard_path": reverse("cpd:dashboard"),
        },
        # One Message-ID per reminder: mail systems drop a copy, should a crash between
        # sending and recording ever make the portal send it again.
        headers={"Message-ID": f"<reminder-{reminder.pk}@imi-portal>"},
    )


@transaction.atomic
def reminders_mark_posted(*, reminders: Iterable[Reminder], user) -> int:
    """Staff have posted these postal reminders (R5.5)."""
    return Reminder.objects.filter(
        pk__in=[r.pk for r in reminders], status=Reminder.Status.POSTAL_DUE
    ).update(status=Reminder.Status.POSTED, sent_at=timezone.now(), posted_by=user)


def reminders_send_now(ids: Iterable[int], *, report: Callable[[Reminder, bool], None]) -> None:
    """Send in this process (the management command), reporting each one."""
    for reminder_id in ids:
        try:
            sent = reminder_send(reminder_id=reminder_id)
        except ReminderBusy:
            continue
        report(Reminder.objects.select_related("cycle__registrant__user").get(pk=reminder_id), sent)
