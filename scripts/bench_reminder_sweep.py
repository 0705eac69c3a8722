r"""Time the daily reminder sweep (R5) on a register of 100,000 registrants.

Run from the project root. DATABASE_URL names any database of the PostgreSQL server; it is used
only to create and drop a throwaway one (imi_bench_reminders):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python scripts/bench_reminder_sweep.py --registrants 100000

Options: --as-of YYYY-MM-DD (default today), --activity-share 0.3, --seed, --profile (cProfile
of the catch-up), --keep (leave the database for a look with psql).

What it does: creates and migrates the database; bulk-inserts users, registrants (joining dates
spread evenly over the last three years, 3% contacted by post, 1% with a granted grace period),
their cycles (the closed ones and the open one, so open cycles are in every phase: first and
second cycles, six-monthly and final monthly), the reminders sent so far, and about five
activities each for a share of registrants (a tenth of those past their target). Then it times
`reminders_sweep(as_of=...)` and counts its SQL queries:

- normal day: the sweep ran every day up to yesterday; today's run, then the same day again;
- month end: the next last day of a month, when every cycle in its final six months is due
  (cycles end on 31 March, so their monthly reminders fall on the same day);
- catch-up: the first run ever (go-live): no reminder yet, every cycle's next_reminder_on its
  first due date, so every cycle with a date due is due; then the same day again.
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "imi_bench_reminders"
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrants", type=int, default=100_000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    parser.add_argument("--activity-share", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--profile", action="store_true", help="cProfile the catch-up")
    parser.add_argument("--keep", action="store_true", help="don't drop the database")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1/postgres"
        )
    recreate_database(server)
    try:
        setup_django(with_database(server, BENCH_DB))
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"\nKept the database {BENCH_DB}.")
        else:
            drop_database(server)


# --- the throwaway database ------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(server: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")


def drop_database(server: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "imi_portal.settings.test"  # no mail, eager Celery
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Migrated {BENCH_DB} in {time.perf_counter() - started:.1f} s.")


# --- the register ----------------------------------------------------------------------------


def populate(*, registrants: int, as_of: date, activity_share: float, rng: random.Random):
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import connection, transaction

    from accounts.models import User
    from cpd.models import Activity, ActivityType
    from register import rules
    from register.models import Cycle, Registrant, Reminder

    started = time.perf_counter()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench{i:06d}@example.org",
                    first_name="Bench",
                    last_name=f"Registrant {i}",
                    password=UNUSABLE_PASSWORD_PREFIX,  # nobody logs in
                )
                for i in range(registrants)
            ],
            batch_size=BATCH,
        )
        people = Registrant.objects.bulk_create(
            [
                Registrant(
                    user=user,
                    membership_number=f"B{i:07d}",
                    joined_on=as_of - timedelta(days=rng.randrange(3 * 365)),
                    contact_by_post=rng.random() < 0.03,  # R5.5
                )
                for i, user in enumerate(users)
            ],
            batch_size=BATCH,
        )
        cycles: list[Cycle] = []
        for person in people:
            terms = [rules.first_cycle_for(person.joined_on)]
            while terms[-1].end < as_of:
                terms.append(rules.next_cycle_after(terms[-1].end))
            for number, term in enumerate(terms, start=1):
                is_open = number == len(terms)
                cycle = Cycle(
                    registrant=person,
                    number=number,
                    start=term.start,
                    end=term.end,
                    scheduled_end=term.end,
                    target=term.target,
                    target_reason=term.reason,
                    status=Cycle.Status.OPEN if is_open else Cycle.Status.MET,
                )
                if is_open and rng.random() < 0.01:  # R7.2: three months more
                    cycle.grace_start = term.end + timedelta(days=1)
                    cycle.end = term.end + relativedelta(months=3)
                if is_open:
                    schedule(cycle, swept_until=as_of - timedelta(days=1))
                cycles.append(cycle)
        Cycle.objects.bulk_create(cycles, batch_size=BATCH)
        by_post = {p.pk for p in people if p.contact_by_post}
        sent = [
            reminder
            for cycle in cycles
            for reminder in sent_reminders(
                cycle,
                until=cycle.end if cycle.status != Cycle.Status.OPEN else as_of - timedelta(1),
                by_post=cycle.registrant_id in by_post,
            )
        ]
        Reminder.objects.bulk_create(sent, batch_size=BATCH)

        types = list(ActivityType.objects.filter(is_qualification=False, needs_description=False))
        activities = []
        for cycle in cycles:
            if cycle.status != Cycle.Status.OPEN or rng.random() >= activity_share:
                continue
            hours = 20 if rng.random() < 0.1 else None  # a tenth already past their target
            for n in range(5):
                spent = Decimal(hours or rng.choice([1, 1.5, 2, 3, 4, 6]))
                activities.append(
                    Activity(
                        registrant_id=cycle.registrant_id,
                        cycle=cycle,
                        title=f"Activity {n}",
                        activity_type=rng.choice(types),
                        principle="personal",
                        hours=spent,
                        reflection="What I learnt and how I use it.",
                        completed_on=cycle.start
                        + timedelta(days=rng.randrange(max(1, (as_of - cycle.start).days))),
                        credits=spent,
                        credits_explanation=f"{spent} hours",
                    )
                )
        Activity.objects.bulk_create(activities, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics, as autovacuum would have by now
    print(
        f"Inserted {len(users):,} users and registrants, {len(cycles):,} cycles "
        f"({registrants:,} open), {len(sent):,} reminders sent before, "
        f"{len(activities):,} activities in {time.perf_counter() - started:.1f} s."
    )


def schedule(cycle, *, swept_until: date | None) -> None:
    """The cycle as the sweep leaves it when it has run every day up to `swept_until` (None:
    never run)."""
    from register import rules
    from register.reminders import cycle_schedule_reminders

    due = (
        rules.latest_cycle_reminder_due(
            start=cycle.start, end=cycle.end, as_of=swept_until, grace_start=cycle.grace_start
        )
        if swept_until
        else None
    )
    cycle.last_reminder_on = due.due_on if due else None
    cycle_schedule_reminders(cycle)


def sent_reminders(cycle, *, until: date, by_post: bool):
    """A reminder for each date due up to `until`, sent (or posted) on the day."""
    from django.utils import timezone

    from register import rules
    from register.models import Reminder

    for due in rules.cycle_reminder_dates(
        start=cycle.start, end=cycle.end, grace_start=cycle.grace_start
    ):
        if due.due_on > until:
            break
        yield Reminder(
            cycle=cycle,
            due_on=due.due_on,
            phase=due.phase.value,
            channel=Reminder.Channel.POST if by_post else Reminder.Channel.EMAIL,
            status=Reminder.Status.POSTED if by_post else Reminder.Status.SENT,
            sent_at=timezone.make_aware(datetime.combine(due.due_on, datetime.min.time())),
            attempts=0 if by_post else 1,
        )


def go_live() -> None:
    """Back to before the first sweep: no reminder, each open cycle due from its first date."""
    from django.db import connection, transaction

    from register.models import Cycle, Reminder

    with transaction.atomic():
        Reminder.objects.all()._raw_delete(Reminder.objects.db)
        cycles = list(Cycle.objects.filter(status=Cycle.Status.OPEN))
        for cycle in cycles:
            schedule(cycle, swept_until=None)
        # One statement; bulk_update's CASE per row would take minutes here (see the report).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE register_cycle AS c SET last_reminder_on = v.last_on, "
                "next_reminder_on = v.next_on FROM unnest(%s::bigint[], %s::date[], %s::date[]) "
                "AS v(id, last_on, next_on) WHERE c.id = v.id",
                [
                    [c.pk for c in cycles],
                    [c.last_reminder_on for c in cycles],
                    [c.next_reminder_on for c in cycles],
                ],
            )


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    as_of: date
    due: int
    seconds: float
    sql_seconds: float
    queries: int
    emails: int
    postal: int
    target_met: int
    slowest: list[tuple[float, int, str]]


def sweep(label: str, as_of: date, *, profile: bool = False) -> Run:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from register.models import Cycle
    from register.reminders import reminders_sweep

    due = Cycle.objects.filter(status=Cycle.Status.OPEN, next_reminder_on__lte=as_of).count()
    profiler = cProfile.Profile() if profile else None
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = reminders_sweep(as_of=as_of)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    by_statement: dict[str, list[float]] = {}
    for query in captured.captured_queries:
        statement = " ".join(query["sql"].split()[:6])[:60]
        by_statement.setdefault(statement, []).append(float(query["time"]))
    slowest = sorted(((sum(t), len(t), s) for s, t in by_statement.items()), reverse=True)
    run = Run(
        label=label,
        as_of=as_of,
        due=due,
        seconds=seconds,
        sql_seconds=sum(total for total, _, _ in slowest),
        queries=len(captured),
        emails=len(result.emails),
        postal=len(result.postal),
        target_met=result.target_met,
        slowest=slowest[:5],
    )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(f"\ncProfile of '{label}' (cumulative):\n{out.getvalue()}")
    return run


def report(runs: list[Run]) -> None:
    print()
    header = (
        f"{'sweep':<22} {'as of':<10} {'cycles due':>10} {'seconds':>8} {'(SQL)':>7} "
        f"{'queries':>7} {'emails':>7} {'postal':>6} {'skipped':>7}"
    )
    print(header)
    print("-" * len(header))
    for r in runs:
        print(
            f"{r.label:<22} {r.as_of.isoformat():<10} {r.due:>10,} {r.seconds:>8.2f} "
            f"{r.sql_seconds:>7.2f} {r.queries:>7} {r.emails:>7,} {r.postal:>6,} "
            f"{r.target_met:>7,}"
        )
    print(
        "\nseconds: wall time of reminders_sweep; (SQL): the part spent in the database; "
        "skipped: final-months reminders not needed (target met, R5.2)."
    )
    for r in runs:
        if r.queries:
            print(f"\nWhere '{r.label}' spends its SQL time (total s, count, statement):")
            for total, count, statement in r.slowest:
                print(f"  {total:7.2f} {count:5}  {statement}")


def run(args: argparse.Namespace) -> None:
    from register.models import Reminder

    rng = random.Random(args.seed)  # noqa: S311 (made-up data, not secrets)
    as_of: date = args.as_of
    populate(
        registrants=args.registrants,
        as_of=as_of,
        activity_share=args.activity_share,
        rng=rng,
    )
    month_end = as_of + relativedelta(day=31)
    if month_end == as_of:
        month_end = as_of + relativedelta(months=1, day=31)
    before = Reminder.objects.count()
    runs = [
        sweep("normal day", as_of),
        sweep("normal day, again", as_of),
        sweep("month end", month_end),
    ]
    print(f"\nReminders recorded by the daily runs: {Reminder.objects.count() - before:,}")
    go_live()
    runs += [
        sweep("catch-up (go-live)", as_of, profile=args.profile),
        sweep("catch-up, again", as_of),
    ]
    print(f"Reminders recorded by the catch-up: {Reminder.objects.count():,}")
    report(runs)


if __name__ == "__main__":
    main()
