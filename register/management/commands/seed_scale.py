"""Fill PostgreSQL with a register of any size for benchmarks (register.scale).

See docs/benchmarks.md.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from register import scale


class Command(BaseCommand):
    help = (
        "Bulk-insert N registrants with their cycles, activities, reminders, audits and centres "
        "(COPY, minutes for 100,000). Refuses a database with people in it unless --force, "
        "which first empties the users and everything that hangs off them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--registrants", type=int, default=100_000)
        parser.add_argument("--activities-per-registrant", type=int, default=20)
        parser.add_argument("--seed", type=int, default=20261123, help="same seed, same data")
        parser.add_argument("--as-of", help="YYYY-MM-DD: the data's today (default today)")
        parser.add_argument("--force", action="store_true", help="empty the people first")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale uses COPY: point DATABASE_URL at PostgreSQL.")
        if options["registrants"] < 2:
            raise CommandError("--registrants must be at least 2 (the two known logins).")
        try:
            as_of = (
                datetime.date.fromisoformat(options["as_of"])
                if options["as_of"]
                else timezone.localdate()
            )
        except ValueError:
            raise CommandError("--as-of must be YYYY-MM-DD.") from None
        if not scale.is_empty():
            if not options["force"]:
                raise CommandError("The database already has users: use --force to empty it first.")
            scale.wipe()
        started = time.perf_counter()
        self.stdout.write(
            f"Seeding {options['registrants']:,} registrants, "
            f"{options['activities_per_registrant']} activities each, as of {as_of}:"
        )
        summary = scale.ScaleSeeder(
            registrants=options["registrants"],
            activities_per_registrant=options["activities_per_registrant"],
            seed=options["seed"],
            as_of=as_of,
            log=self.stdout.write,
        ).run()
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<16} {count:>12,}")
        self.stdout.write(
            f"Logins (password {scale.PASSWORD}): registrant {scale.REGISTRANT_EMAIL}, "
            f"{scale.PDF_ACTIVITIES} activities {scale.PDF_EMAIL}, staff {scale.STAFF_EMAIL} "
            "(staff also need TOTP: the benchmark signs them in with a session)."
        )
