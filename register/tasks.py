"""Celery tasks: thin, they take ids and call a service (register.reminders)."""

import logging
from smtplib import SMTPException

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.utils import timezone

from .reminders import STALE_CLAIM, ReminderBusy, reminder_send, reminders_sweep

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def sweep_reminders() -> dict[str, int]:
    """Daily (beat): record the reminders due today and queue their emails (R5)."""
    result = reminders_sweep(as_of=timezone.localdate())
    for reminder_id in [*result.emails, *result.requeued]:
        send_reminder.delay(reminder_id)
    log.info(
        "reminder sweep: %d to email, %d postal, %d requeued, %d skipped (target met)",
        len(result.emails),
        len(result.postal),
        len(result.requeued),
        result.target_met,
    )
    return {
        "emails": len(result.emails),
        "postal": len(result.postal),
        "requeued": len(result.requeued),
    }


@shared_task(
    bind=True,
    acks_late=True,  # a worker killed mid-task leaves the message to be delivered again
    max_retries=6,
    retry_backoff=60,  # 1, 2, 4 ... minutes between attempts after a mail error
    retry_backoff_max=60 * 60,
    retry_jitter=True,
)
def send_reminder(self, reminder_id: int) -> bool:
    try:
        return reminder_send(reminder_id=reminder_id)
    except ReminderBusy:
        # Another worker claimed it; if that worker died, its claim goes stale and we take over.
        # (Not counted against the mail-error retries: one more each time.)
        raise self.retry(
            countdown=STALE_CLAIM.total_seconds() + 5, max_retries=self.request.retries + 1
        ) from None
    except (SMTPException, OSError) as error:
        # The row is left "failed" with the error; it stays visible if every retry fails.
        # retry_backoff applies only with autoretry_for: an explicit retry needs its countdown.
        countdown = get_exponential_backoff_interval(
            factor=self.retry_backoff,
            retries=self.request.retries,
            maximum=self.retry_backoff_max,
            full_jitter=self.retry_jitter,
        )
        raise self.retry(exc=error, countdown=countdown) from error


@shared_task(acks_late=True)
def close_ended_cycles() -> dict[str, int]:
    """Daily (beat): close the cycles that ended yesterday or before (R8.1)."""
    from .cycles import cycles_close_ended

    result = cycles_close_ended(as_of=timezone.localdate())
    log.info("end of cycle: %d met, %d not met", len(result.met), len(result.not_met))
    return {"met": len(result.met), "not_met": len(result.not_met)}
