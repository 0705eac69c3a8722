"""Run the reminder sweep in this process, as of a date, and send what is due (API.md)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from register.models import Reminder
from register.reminders import reminders_send_now, reminders_sweep


class Command(BaseCommand):
    help = (
        "Run the daily reminder sweep as of --date (default today) and send the emails before "
        "returning. Safe to run any number of times: nothing is ever sent twice (R5.4)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD: sweep as of this day (catch-up).")

    def handle(self, *args, date: str | None = None, **options):
        try:
            as_of = datetime.date.fromisoformat(date) if date else datetime.date.today()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from None
        result = reminders_sweep(as_of=as_of)
        sent = 0

        def report(reminder: Reminder, was_sent: bool) -> None:
            nonlocal sent
            if was_sent:
                sent += 1
                registrant = reminder.cycle.registrant
                self.stdout.write(
                    f"sent {reminder.get_phase_display().lower()} reminder due "
                    f"{reminder.due_on} to {registrant.user.email} ({registrant.membership_number})"
                )

        reminders_send_now([*result.emails, *result.requeued], report=report)
        for reminder in Reminder.objects.filter(pk__in=result.postal).select_related(
            "cycle__registrant__user"
        ):
            registrant = reminder.cycle.registrant
            self.stdout.write(
                f"postal reminder due {reminder.due_on} for {registrant.user.get_full_name()} "
                f"({registrant.membership_number}): see the admin's postal reminders"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{as_of}: {sent} email(s) sent, {len(result.postal)} postal, "
                f"{result.target_met} not needed (target met)."
            )
        )
