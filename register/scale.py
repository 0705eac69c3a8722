"""A register of any size for benchmarks (`seed_scale`): realistic rows, inserted with COPY.

The big tables (users, registrants, cycles, activities, reminders) are streamed into PostgreSQL
with COPY and explicit ids, so nothing waits for RETURNING and a million rows take seconds, not
the hours the services (one registrant at a time, with history) would. The small ones (centres,
candidates, audits) go through bulk_create. History rows are not written: this is made-up data,
not changes anyone made. Everything derived follows the rules: cycle dates and targets
(register.rules), credits and their explanation (cpd.rules), reminders due so far (R5).

What it makes, for N registrants and A activities each (on average):
- users with a verified allauth address and the Registrant role; registrants PR000001... joined
  over the last nine years, so cycles are in every state: closed and met, open (on track, behind,
  in their final months, a granted grace period), and about 1% closed not met (the registrant
  "CPD requirement not met", with no open cycle); the first four registrants are fixed (the two
  known logins, one not met, one in a grace period) so that small seeds have every state;
- about A activities each: personal (some reading, some with an end test), shared (Gateway
  courses, qualifications), with impact bonuses; closed cycles have met their target, open ones
  are ahead or behind of the expected pace;
- the reminders sent so far (by post for the 3% without email);
- two audit draws: one closed (cases closed, items decided) and one open (items pending, the
  activities locked);
- centres with approvals, staff (memberships and approvals), candidates and attempts, awards;
- known logins: a registrant for the dashboard, one with exactly 200 activities for the PDF, and
  a staff member (register officer and auditor, with a TOTP authenticator).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

PASSWORD = "bench-Registrant-2026"  # noqa: S105 (the known logins of made-up data)
DOMAIN = "bench.imi-portal.local"
REGISTRANT_EMAIL = f"registrant@{DOMAIN}"
PDF_EMAIL = f"pdf200@{DOMAIN}"
STAFF_EMAIL = f"staff@{DOMAIN}"
PDF_ACTIVITIES = 200

FIRST_NAMES = (
    "Alex", "Sam", "Jordan", "Riley", "Morgan", "Casey", "Jamie", "Taylor", "Chris", "Pat",
    "Amir", "Priya", "Tom", "Sophie", "Liam", "Olivia", "Noah", "Emma", "Jack", "Grace",
    "Harry", "Mia", "Oscar", "Isla", "Leo", "Ava", "Arjun", "Zara", "Owen", "Ella",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Wood", "Jackson", "Clarke", "Khan", "Lewis", "Hughes", "Edwards", "Turner", "Hill",
    "Moore", "Cooper", "Ward", "Morris", "King", "Baker", "Harris", "Martin", "Scott",
)  # fmt: skip
EMPLOYERS = ("Main dealer", "Independent garage", "Fleet operator", "Bodyshop", "Parts supplier")
TOPICS = (
    "EV high voltage safety", "ADAS calibration", "Diagnostics", "Customer service",
    "Workshop leadership", "Hybrid systems", "Health and safety", "MOT changes",
    "Air conditioning", "Consumer law", "Lean workshop methods", "Tyre technology",
)  # fmt: skip
REFLECTIONS = (
    "What I learnt and how I use it in the workshop.",
    "I now check the procedure with the manufacturer's data before starting.",
    "It changed how I explain work to customers at handover.",
    "I shared the key points with the team at our weekly briefing.",
)


@dataclass(slots=True)
class CycleRow:
    id: int
    registrant_id: int
    number: int
    start: date
    end: date
    scheduled_end: date
    target: Decimal
    reason: str
    status: str
    grace_start: date | None = None
    next_reminder_on: date | None = None
    last_reminder_on: date | None = None
    credits_wanted: Decimal = Decimal(0)
    activities: int = 0


@dataclass(slots=True)
class RegistrantRow:
    id: int
    user_id: int
    joined_on: date
    status: str
    by_post: bool
    cycles: list[CycleRow] = field(default_factory=list)
    activities: int = 0


@dataclass
class Summary:
    counts: dict[str, int]
    phases: list[tuple[str, float]]
    logins: dict[str, str]


# --- COPY -------------------------------------------------------------------------------------


def _default(model: type[models.Model], f: models.Field, now: datetime):
    """The value a column gets when a COPY leaves it out: what the model would have saved."""
    from psycopg.types.json import Jsonb

    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return now
    if f.has_default():
        value = f.get_default()
        return Jsonb(value) if isinstance(f, models.JSONField) else value
    if f.null:
        return None
    if isinstance(f, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{model.__name__}.{f.name} needs a value")


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY `rows` (tuples in the order of `fields`, attnames such as "user_id") into `model`'s
    table; every other column gets its default. Returns the number of rows."""
    now = datetime.now(tz=UTC)
    by_name = {f.attname: f for f in model._meta.concrete_fields}
    rest = [f for name, f in by_name.items() if name not in fields]
    tail = tuple(_default(model, f, now) for f in rest)
    columns = ", ".join(
        connection.ops.quote_name(by_name[name].column) for name in fields
    ) + "".join(f", {connection.ops.quote_name(f.column)}" for f in rest)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((*row, *tail))
            count += 1
    reset_sequences([model])  # the ids were given: the next save() must not reuse one
    return count


def next_id(model: type[models.Model]) -> int:
    top = model._base_manager.aggregate(top=models.Max("pk"))["top"]
    return (top or 0) + 1


def reset_sequences(model_list: Iterable[type[models.Model]]) -> None:
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(model_list)):
            cursor.execute(statement)


# --- the builder ------------------------------------------------------------------------------


class ScaleSeeder:
    def __init__(
        self,
        *,
        registrants: int,
        activities_per_registrant: int,
        seed: int,
        as_of: date,
        log: Callable[[str], None] = print,
    ) -> None:
        self.n = registrants
        self.per = activities_per_registrant
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.as_of = as_of
        self.log = log
        self.counts: dict[str, int] = {}
        self.phases: list[tuple[str, float]] = []
        self.registrants: list[RegistrantRow] = []
        self.audit_open: set[int] = set()
        self.audit_closed: set[int] = set()
        self.audit_items: dict[int, list[tuple[int, Decimal, Decimal | None, str]]] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        self.phases.append((name, seconds))
        self.log(f"  {name:<40} {seconds:7.1f} s")

    def run(self) -> Summary:
        with transaction.atomic():
            with self.phase("reference data"):
                self._reference()
            with self.phase("users, addresses, roles"):
                self._users()
            with self.phase("registrants, cycles, terms accepted"):
                self._registrants()
            with self.phase("activities"):
                self._activities()
            with self.phase("reminders sent"):
                self._reminders()
            with self.phase("audits"):
                self._audits()
            with self.phase("staff, centres, candidates, attempts"):
                self._staff()
                self._centres()
        if not connection.in_atomic_block:  # VACUUM can't run in a transaction (tests)
            with self.phase("vacuum analyze"), connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        return Summary(
            counts=self.counts,
            phases=self.phases,
            logins={"registrant": REGISTRANT_EMAIL, "pdf": PDF_EMAIL, "staff": STAFF_EMAIL},
        )

    # --- reference -----------------------------------------------------------------------------

    def _reference(self) -> None:
        from django.contrib.auth.models import Group

        from accounts.roles import Role
        from cpd.models import ActivityType, GatewayCourse
        from register.demo import GATEWAY_COURSES
        from register.models import TermsVersion

        for title, provider, credits, assessed in GATEWAY_COURSES:
            GatewayCourse.objects.get_or_create(
                title=title,
                defaults={"provider": provider, "credits": credits, "assessed": assessed},
            )
        self.courses = list(GatewayCourse.objects.filter(active=True))
        types = list(ActivityType.objects.filter(needs_description=False))
        self.reading_types = [t for t in types if t.is_reading]
        self.reading_ids = {t.pk for t in self.reading_types}
        self.qualification_types = [t for t in types if t.is_qualification]
        self.course_types = [
            t for t in types if not t.is_reading and not t.is_qualification and "course" in t.slug
        ] or [t for t in types if not t.is_reading and not t.is_qualification]
        self.other_types = [t for t in types if not t.is_reading and not t.is_qualification]
        self.groups = {g.name: g.pk for g in Group.objects.all()}
        self.registrant_group = self.groups[Role.REGISTRANT.value]
        self.terms = list(TermsVersion.objects.order_by("kind", "-published_on"))
        self.password = make_password(PASSWORD)

    # --- users ---------------------------------------------------------------------------------

    def _users(self) -> None:
        from allauth.account.models import EmailAddress

        from accounts.models import User

        rng = self.rng
        self.first_user = next_id(User)
        self.names: list[tuple[str, str]] = []
        emails: list[str] = []
        for i in range(self.n):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            self.names.append((first, last))
            if i == 0:
                emails.append(REGISTRANT_EMAIL)
            elif i == 1 and self.n > 1:
                emails.append(PDF_EMAIL)
            else:
                emails.append(f"{first}.{last}.{i:06d}@example.org".lower())
        self.emails = emails
        known = {REGISTRANT_EMAIL, PDF_EMAIL}
        self.counts["users"] = copy_rows(
            User,
            ["id", "email", "first_name", "last_name", "password"],
            (
                (
                    self.first_user + i,
                    email,
                    *self.names[i],
                    self.password if email in known else UNUSABLE_PASSWORD_PREFIX,
                )
                for i, email in enumerate(emails)
            ),
        )
        first_address = next_id(EmailAddress)
        copy_rows(
            EmailAddress,
            ["id", "user_id", "email", "verified", "primary"],
            (
                (first_address + i, self.first_user + i, email, True, True)
                for i, email in enumerate(emails)
            ),
        )
        through = User.groups.through
        first_link = next_id(through)
        copy_rows(
            through,
            ["id", "user_id", "group_id"],
            ((first_link + i, self.first_user + i, self.registrant_group) for i in range(self.n)),
        )

    # --- registrants and cycles -----------------------------------------------------------------

    def _joined_on(self, i: int) -> date:
        if i == 0:  # the dashboard's registrant: mid-way through a first cycle
            return self.as_of - relativedelta(years=1, months=4)
        if i == 1:  # the PDF's: early in a second cycle
            return self.as_of - relativedelta(years=4, months=1)
        if i == 2:  # at least one "CPD requirement not met" (a first cycle ended short)
            return self.as_of - relativedelta(years=4, months=8)
        if i == 3:  # at least one grace period: a first cycle ending on the next 31 March
            next_end = date(self.as_of.year + (self.as_of.month > 3), 3, 31)
            return date(next_end.year - 3, 4, 2)
        return self.as_of - timedelta(days=self.rng.randrange(9 * 365))

    def _registrants(self) -> None:
        from register import rules
        from register.models import Cycle, Registrant, TermsAcceptance

        rng, as_of = self.rng, self.as_of
        first_registrant = next_id(Registrant)
        cycle_id = next_id(Cycle)
        for i in range(self.n):
            joined_on = self._joined_on(i)
            person = RegistrantRow(
                id=first_registrant + i,
                user_id=self.first_user + i,
                joined_on=joined_on,
                status=Registrant.Status.CURRENT,
                by_post=i > 1 and rng.random() < 0.03,  # R5.5
            )
            terms = [rules.first_cycle_for(joined_on)]
            while terms[-1].end < as_of:
                terms.append(rules.next_cycle_after(terms[-1].end))
            not_met = i == 2 or (i > 3 and len(terms) > 1 and rng.random() < 0.02)
            if not_met:  # R8.1: the last cycle closed short; no new one opened
                terms.pop()
                person.status = Registrant.Status.CPD_NOT_MET
            for number, term in enumerate(terms, start=1):
                is_last = number == len(terms)
                cycle = CycleRow(
                    id=cycle_id,
                    registrant_id=person.id,
                    number=number,
                    start=term.start,
                    end=term.end,
                    scheduled_end=term.end,
                    target=term.target,
                    reason=term.reason,
                    status=Cycle.Status.MET,
                )
                cycle_id += 1
                if is_last and not_met:
                    cycle.status = Cycle.Status.NOT_MET
                    cycle.credits_wanted = term.target * Decimal(rng.uniform(0.3, 0.9))
                elif is_last:
                    self._open(cycle, grace=i == 3)
                else:
                    cycle.credits_wanted = term.target * Decimal(rng.uniform(1.0, 1.3))
                person.cycles.append(cycle)
            self._share_activities(person, total=PDF_ACTIVITIES if i == 1 else self.per)
            self.registrants.append(person)

        self.counts["registrants"] = copy_rows(
            Registrant,
            [
                "id",
                "user_id",
                "membership_number",
                "joined_on",
                "status",
                "contact_by_post",
                "employer",
                "postcode",
            ],
            (
                (
                    p.id,
                    p.user_id,
                    f"PR{p.id:06d}",  # as registrant_join numbers them
                    p.joined_on,
                    p.status,
                    p.by_post,
                    EMPLOYERS[p.id % len(EMPLOYERS)],
                    f"CV{p.id % 40 + 1} {p.id % 9 + 1}AB",
                )
                for p in self.registrants
            ),
        )
        self.counts["cycles"] = copy_rows(
            Cycle,
            [
                "id",
                "registrant_id",
                "number",
                "start",
                "end",
                "scheduled_end",
                "target",
                "target_reason",
                "status",
                "grace_start",
                "next_reminder_on",
                "last_reminder_on",
            ],
            (
                (
                    c.id,
                    c.registrant_id,
                    c.number,
                    c.start,
                    c.end,
                    c.scheduled_end,
                    c.target,
                    c.reason,
                    c.status,
                    c.grace_start,
                    c.next_reminder_on,
                    c.last_reminder_on,
                )
                for p in self.registrants
                for c in p.cycles
            ),
        )
        acceptance_id = next_id(TermsAcceptance)
        self.counts["terms accepted"] = copy_rows(
            TermsAcceptance,
            ["id", "registrant_id", "terms_id", "occasion", "accepted_at"],
            (
                (
                    acceptance_id + k * len(self.terms) + j,
                    p.id,
                    version.pk,
                    TermsAcceptance.Occasion.JOINING,
                    datetime.combine(p.joined_on, datetime.min.time(), tzinfo=UTC),
                )
                for k, p in enumerate(self.registrants)
                for j, version in enumerate(self.terms)
            ),
        )

    def _open(self, cycle: CycleRow, *, grace: bool) -> None:
        """The open cycle: ahead or behind the expected pace (R3.5), 2% in final months with a
        granted grace period (R7.2), its reminders as the daily sweep has left them (R5)."""
        from register import rules
        from register.models import Cycle
        from register.reminders import cycle_schedule_reminders

        rng, as_of = self.rng, self.as_of
        cycle.status = Cycle.Status.OPEN
        final_months = cycle.end - as_of <= timedelta(days=183)
        if grace or (final_months and rng.random() < 0.02):
            cycle.grace_start = cycle.end + timedelta(days=1)
            cycle.end = cycle.end + relativedelta(months=3)
        elapsed, total = rules.elapsed_days(start=cycle.start, end=cycle.end, as_of=as_of)
        expected = cycle.target * elapsed / total
        cycle.credits_wanted = expected * Decimal(rng.uniform(0.3, 1.6))
        due = rules.latest_cycle_reminder_due(
            start=cycle.start,
            end=cycle.end,
            as_of=as_of - timedelta(days=1),
            grace_start=cycle.grace_start,
        )
        cycle.last_reminder_on = due.due_on if due else None
        cycle_schedule_reminders(cycle)  # type: ignore[arg-type] (reads and sets dates only)

    def _share_activities(self, person: RegistrantRow, *, total: int) -> None:
        """`total` activities over the registrant's cycles, in proportion to their credits."""
        wanted = [max(c.credits_wanted, Decimal("0.5")) for c in person.cycles]
        whole = sum(wanted)
        given = 0
        for cycle, amount in zip(person.cycles, wanted, strict=True):
            cycle.activities = int(total * amount / whole)
            given += cycle.activities
        # What rounding left goes to the cycles with the most credits wanted.
        for cycle in sorted(person.cycles, key=lambda c: -c.credits_wanted)[: total - given]:
            cycle.activities += 1
        # A cycle closed as met needs an activity to have met its target: take one from the
        # cycle with the most.
        for cycle in person.cycles:
            richest = max(person.cycles, key=lambda c: c.activities)
            if cycle.status == "met" and not cycle.activities and richest.activities > 1:
                richest.activities -= 1
                cycle.activities = 1
        person.activities = total

    # --- activities ----------------------------------------------------------------------------

    ACTIVITY_FIELDS = (
        "id",
        "registrant_id",
        "cycle_id",
        "title",
        "activity_type_id",
        "principle",
        "hours",
        "gateway_course_id",
        "gateway_credits",
        "qualification_credit_value",
        "end_test",
        "gateway_assessed",
        "assessed",
        "impact_behaviour",
        "behaviour_statement",
        "impact_working_practice",
        "working_practice_statement",
        "reflection",
        "completed_on",
        "credits",
        "credits_explanation",
        "audited_credits",
        "in_audit",
    )
    # Indexes into a row of ACTIVITY_FIELDS, for the audits.
    _CREDITS = ACTIVITY_FIELDS.index("credits")
    _AUDITED = ACTIVITY_FIELDS.index("audited_credits")
    _IN_AUDIT = ACTIVITY_FIELDS.index("in_audit")

    def _activities(self) -> None:
        from cpd.models import Activity

        rng = self.rng
        # Audits: 1% in the open draw, 0.5% in a closed one, among the current registrants.
        current = [p for p in self.registrants[4:] if p.status == "current" and p.activities]
        chosen = rng.sample(current, k=min(len(current), max(2, len(current) * 3 // 200)))
        split = max(1, len(chosen) * 2 // 3)
        self.audit_open = {p.id for p in chosen[:split]}
        self.audit_closed = {p.id for p in chosen[split:]}
        self.first_activity = next_id(Activity)
        self.counts["activities"] = copy_rows(Activity, self.ACTIVITY_FIELDS, self._activity_rows())

    def _activity_rows(self) -> Iterator[tuple]:
        next_pk = self.first_activity
        for person in self.registrants:
            rows: list[list] = []
            for cycle in person.cycles:
                if not cycle.activities:
                    continue
                average = cycle.credits_wanted / cycle.activities
                last_day = min(cycle.end, self.as_of)
                first_day = max(cycle.start, person.joined_on)
                days = max(1, (last_day - first_day).days)
                made = []
                for _ in range(cycle.activities):
                    row = [next_pk, person.id, cycle.id, *self._activity(average)]
                    row.append(first_day + timedelta(days=self.rng.randrange(days)))
                    row.extend([*_credits(*row[5:11], row[13], row[15]), None, False])
                    made.append(row)
                    next_pk += 1
                if cycle.status == "met":
                    self._top_up(cycle, made)
                rows.extend(made)
            if person.id in self.audit_open or person.id in self.audit_closed:
                self._audit_pick(person, rows)
            yield from (tuple(row) for row in rows)

    def _top_up(self, cycle: CycleRow, rows: list[list]) -> None:
        """A cycle closed as met has counted its target (R3.3: reading only up to its cap):
        the hours of its last personal, non-reading activity make up any shortfall."""
        from cpd.rules import counted_credits

        reading = sum((r[self._CREDITS] for r in rows if r[4] in self.reading_ids), Decimal(0))
        other = sum((r[self._CREDITS] for r in rows if r[4] not in self.reading_ids), Decimal(0))
        short = cycle.target - counted_credits(
            target=cycle.target, reading_credits=reading, other_credits=other
        )
        if short <= 0:
            return
        row = next(
            (r for r in reversed(rows) if r[5] == "personal" and r[4] not in self.reading_ids),
            None,
        )
        if row is None:  # only reading or shared ones: the last becomes a personal activity
            row = rows[-1]
            kind = self.other_types[0].pk
            row[4:13] = [kind, "personal", Decimal(0), None, None, None, False, False, False]
            short += row[self._CREDITS]
        half_hours = (short * 2).to_integral_value(rounding=ROUND_CEILING)
        row[6] = (row[6] + half_hours / 2).quantize(Decimal("0.01"))
        row[self._CREDITS : self._CREDITS + 2] = _credits(*row[5:11], row[13], row[15])

    def _activity(self, average: Decimal) -> list:
        """One activity's values, from title to reflection (ACTIVITY_FIELDS[3:18])."""
        rng = self.rng
        topic = rng.choice(TOPICS)
        roll = rng.random()
        end_test = False
        hours = course = gateway = qualification = None
        if roll < 0.10:
            kind = rng.choice(self.reading_types)
            principle = "personal"
        elif roll < 0.17 and self.courses:
            kind = rng.choice(self.course_types)
            principle = "shared"
            chosen = rng.choice(self.courses)
            course, gateway, topic = chosen.pk, chosen.credits, chosen.title
        elif roll < 0.175 and average >= 20:
            kind = rng.choice(self.qualification_types)
            principle = "shared"
            qualification = rng.randrange(2, max(3, int(average / 10)) + 1)
        else:
            kind = rng.choice(self.other_types)
            principle = "personal"
            end_test = rng.random() < 0.15
        if principle == "personal":
            base = max(float(average) - 0.9, 0.5) * rng.uniform(0.4, 1.6)
            hours = Decimal(max(1, min(2000, round(base * 2)))) / 2
        behaviour = rng.random() < 0.2
        practice = rng.random() < 0.1
        gateway_assessed = course is not None and any(
            c.pk == course and c.assessed for c in self.courses
        )
        assessed = qualification is not None or (
            end_test if hours is not None else gateway_assessed
        )
        return [
            f"{topic} ({kind.name})"[:200],
            kind.pk,
            principle,
            hours,
            course,
            gateway,
            qualification,
            end_test,
            gateway_assessed,
            assessed,
            behaviour,
            "I now lead the team's safety briefing." if behaviour else "",
            practice,
            "We changed the workshop's check-in procedure." if practice else "",
            rng.choice(REFLECTIONS),
        ]

    def _audit_pick(self, person: RegistrantRow, rows: list[list]) -> None:
        from audit.rules import ACTIVITIES_PER_CASE

        rng = self.rng
        items = []
        # Both draws sampled the current cycle (Population.CURRENT).
        open_cycle = next(c.id for c in person.cycles if c.status == "open")
        pool = [row for row in rows if row[2] == open_cycle]
        if person.id in self.audit_open:  # R6.2: locked while audited
            for row in rng.sample(pool, k=min(ACTIVITIES_PER_CASE, len(pool))):
                row[self._IN_AUDIT] = True
                items.append((row[0], row[self._CREDITS], None, "pending"))
        else:  # decided: the auditor's value counts (R3.2)
            for row in rng.sample(pool, k=min(ACTIVITIES_PER_CASE, len(pool))):
                roll = rng.random()
                credits = row[self._CREDITS]
                if roll < 0.7:
                    items.append((row[0], credits, None, "accepted"))
                    continue
                value = Decimal("0.00") if roll > 0.9 else (credits / 2).quantize(Decimal("0.01"))
                row[self._AUDITED] = value
                items.append((row[0], credits, value, "rejected" if roll > 0.9 else "adjusted"))
        self.audit_items[person.id] = items

    # --- reminders -----------------------------------------------------------------------------

    def _reminders(self) -> None:
        from register import rules
        from register.models import Reminder

        yesterday = self.as_of - timedelta(days=1)
        first = next_id(Reminder)

        def rows() -> Iterator[tuple]:
            pk = first
            for person in self.registrants:
                channel = Reminder.Channel.POST if person.by_post else Reminder.Channel.EMAIL
                status = Reminder.Status.POSTED if person.by_post else Reminder.Status.SENT
                attempts = 0 if person.by_post else 1
                for cycle in person.cycles:
                    until = yesterday if cycle.status == "open" else min(cycle.end, yesterday)
                    for due in rules.cycle_reminder_dates(
                        start=cycle.start, end=cycle.end, grace_start=cycle.grace_start
                    ):
                        if due.due_on > until:
                            break
                        sent = datetime.combine(due.due_on, datetime.min.time(), tzinfo=UTC)
                        yield (
                            pk,
                            cycle.id,
                            due.due_on,
                            due.phase.value,
                            channel,
                            status,
                            sent,
                            sent + timedelta(hours=6),
                            attempts,
                        )
                        pk += 1

        self.counts["reminders"] = copy_rows(
            Reminder,
            [
                "id",
                "cycle_id",
                "due_on",
                "phase",
                "channel",
                "status",
                "created_at",
                "sent_at",
                "attempts",
            ],
            rows(),
        )

    # --- audits --------------------------------------------------------------------------------

    def _audits(self) -> None:
        from audit.models import AuditCase, AuditDraw, AuditItem

        self.staff = self._user(STAFF_EMAIL, "Stella", "Staff", password=self.password)
        now = datetime.combine(self.as_of, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
        cases = items = 0
        for label, people, drawn_at in (
            ("closed", sorted(self.audit_closed), now - timedelta(days=200)),
            ("open", sorted(self.audit_open), now - timedelta(days=10)),
        ):
            if not people:
                continue
            draw = AuditDraw.objects.create(
                drawn_by=self.staff,
                drawn_at=drawn_at,
                drawn_on=drawn_at.date(),
                seed=self.rng.randrange(2**31),
                population="current",
                number=len(people),
                due_on=drawn_at.date() + timedelta(days=28),
                population_size=self.counts["registrants"],
                size=len(people),
            )
            closed = label == "closed"
            made = AuditCase.objects.bulk_create(
                [
                    AuditCase(
                        draw=draw,
                        registrant_id=pk,
                        status=AuditCase.Status.CLOSED if closed else AuditCase.Status.OPEN,
                        due_on=draw.due_on,
                        opened_at=drawn_at,
                        closed_at=drawn_at + timedelta(days=40) if closed else None,
                        outcome="Evidence reviewed." if closed else "",
                    )
                    for pk in people
                ]
            )
            rows = [
                AuditItem(
                    case=case,
                    activity_id=activity,
                    decision=decision,
                    credits_before=before if decision != "pending" else None,
                    decided_value=value,
                    reason="Evidence supports fewer hours." if value is not None else "",
                    decided_by=self.staff if decision != "pending" else None,
                    decided_at=drawn_at + timedelta(days=35) if decision != "pending" else None,
                )
                for case in made
                for activity, before, value, decision in self.audit_items.get(
                    case.registrant_id, []
                )
            ]
            AuditItem.objects.bulk_create(rows, batch_size=2000)
            cases += len(made)
            items += len(rows)
        self.counts["audit cases"] = cases
        self.counts["audit items"] = items

    # --- staff and accreditation ----------------------------------------------------------------

    def _user(self, email: str, first: str, last: str, *, password: str | None = None):
        from allauth.account.models import EmailAddress

        from accounts.models import User

        user = User.objects.create(
            email=email,
            first_name=first,
            last_name=last,
            password=password or UNUSABLE_PASSWORD_PREFIX,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def _staff(self) -> None:
        from allauth.mfa.models import Authenticator

        from accounts.roles import Role

        staff = self.staff
        staff.is_staff = True
        staff.save(update_fields=["is_staff"])
        staff.groups.add(self.groups[Role.REGISTER_OFFICER.value], self.groups[Role.AUDITOR.value])
        # The StaffMFARequired middleware looks for a TOTP authenticator (not usable: made up).
        Authenticator.objects.create(
            user=staff, type=Authenticator.Type.TOTP, data={"secret": "bench-not-a-secret"}
        )

    def _centres(self) -> None:
        from accounts.roles import Role
        from accreditation.models import (
            Attempt,
            Award,
            Candidate,
            Centre,
            CentreApproval,
            CentreMembership,
            CodeOfConduct,
            Level,
            Route,
            StaffApproval,
        )

        rng, as_of = self.rng, self.as_of
        routes = list(Route.objects.filter(method="imi").prefetch_related("components"))
        levels = list(Level.objects.order_by("number"))
        code = CodeOfConduct.objects.order_by("-published_on").first()
        if not routes or not levels:
            return
        per_centre = max(1, min(300, self.n // 200))
        people = iter(self.registrants[2:])  # candidates are registrants too
        candidates = attempts = awards = 0
        for c in range(5):
            centre = Centre.objects.create(
                name=f"Bench Training Centre {c + 1}",
                number=f"BC{c + 1:04d}",
                status=Centre.Status.APPROVED,
                email=f"centre{c + 1}@{DOMAIN}",
                approved_on=as_of - timedelta(days=400 + 30 * c),
                next_visit_due=as_of + timedelta(days=30 * c),
            )
            scopes = [(r, lv) for r in routes for lv in levels[:2]]
            CentreApproval.objects.bulk_create(
                [
                    CentreApproval(
                        centre=centre,
                        route=route,
                        level=level,
                        status=CentreApproval.Status.APPROVED,
                        decided_by=self.staff,
                        decided_at=datetime.combine(centre.approved_on, datetime.min.time(), UTC),
                    )
                    for route, level in scopes
                ]
            )
            team = {}
            for role, group in (
                ("centre_administrator", Role.CENTRE_ADMINISTRATOR),
                ("assessor", Role.ASSESSOR),
                ("iqa", Role.INTERNAL_QUALITY_ASSURER),
                ("invigilator", Role.INVIGILATOR),
            ):
                user = self._user(f"centre{c + 1}-{role}@{DOMAIN}", "Centre", role.title())
                user.groups.add(self.groups[group.value])
                CentreMembership.objects.create(centre=centre, user=user, role=role)
                team[role] = user
            approvals = [
                StaffApproval(
                    centre=centre,
                    user=team[role],
                    role=role,
                    route=route,
                    level=level,
                    status=StaffApproval.Status.APPROVED,
                    requested_by=team["centre_administrator"],
                    decided_by=self.staff,
                )
                for role in ("assessor", "iqa")
                for route, level in scopes
            ]
            approvals.append(
                StaffApproval(
                    centre=centre,
                    user=team["invigilator"],
                    role="invigilator",
                    status=StaffApproval.Status.APPROVED,
                    requested_by=team["centre_administrator"],
                    decided_by=self.staff,
                )
            )
            StaffApproval.objects.bulk_create(approvals)
            made = []
            for _ in range(per_centre):
                person = next(people, None)
                if person is None:
                    break
                route, level = rng.choice(scopes)
                registered = as_of - timedelta(days=rng.randrange(30, 330))
                made.append(
                    Candidate(
                        centre=centre,
                        user_id=person.user_id,
                        route=route,
                        level=level,
                        registered_by=team["centre_administrator"],
                        ao_registration_number=f"AO{person.id:07d}",
                        ao_registered_on=registered,
                        eligibility_confirmed_at=datetime.combine(
                            registered, datetime.min.time(), UTC
                        ),
                        eligibility_confirmed_by=team["centre_administrator"],
                        eligibility_note="Manages a workshop team.",
                        code_version=code,
                        code_accepted_at=datetime.combine(registered, datetime.min.time(), UTC),
                        first_attempt_on=registered + timedelta(days=20),
                    )
                )
            Candidate.objects.bulk_create(made)
            tries, prizes = [], []
            for candidate in made:
                passed_all = True
                day = candidate.first_attempt_on
                for component in candidate.route.components.all():
                    outcomes = ["refer", "pass"] if rng.random() < 0.25 else ["pass"]
                    if rng.random() < 0.15:
                        outcomes = ["refer"]
                        passed_all = False
                    for outcome in outcomes:
                        tries.append(
                            Attempt(
                                candidate=candidate,
                                component=component,
                                attempted_on=day,
                                assessor=team["assessor"],
                                invigilator=team["invigilator"] if component.online_test else None,
                                outcome=outcome,
                                recorded_by=team["assessor"],
                            )
                        )
                        day += timedelta(days=rng.randrange(7, 40))
                if passed_all and day <= as_of:
                    prizes.append(
                        Award(
                            candidate=candidate,
                            holder_id=candidate.user_id,
                            title=f"IMI Accreditation – Management, level {candidate.level.number}",
                            awarded_on=day,
                            expires_on=day + relativedelta(years=3),
                            verification_code="".join(
                                rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(12)
                            ),
                        )
                    )
            Attempt.objects.bulk_create(tries, batch_size=2000)
            Award.objects.bulk_create(prizes)
            candidates += len(made)
            attempts += len(tries)
            awards += len(prizes)
        self.counts["centres"] = 5
        self.counts["candidates"] = candidates
        self.counts["attempts"] = attempts
        self.counts["awards"] = awards


@lru_cache(maxsize=65536)
def _credits(
    principle: str,
    hours: Decimal | None,
    gateway_course: int | None,
    gateway_credits: Decimal | None,
    qualification_credit_value: int | None,
    end_test: bool,
    behaviour: bool,
    practice: bool,
) -> tuple[Decimal, str]:
    """The credits and their explanation (R2), as the activity service computes them."""
    from cpd import rules

    breakdown = rules.activity_credits(
        principle=principle,
        hours=hours,
        gateway_credits=gateway_credits,
        qualification_credit_value=qualification_credit_value,
        end_test=end_test,
        impact_behaviour=behaviour,
        impact_working_practice=practice,
    )
    return breakdown.total, breakdown.explanation[:200]


def wipe() -> None:
    """Empty the people and everything that hangs off them (reference data stays)."""
    from accounts.models import User

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a test's transaction
        cursor.execute(f"TRUNCATE {connection.ops.quote_name(User._meta.db_table)} CASCADE")


def is_empty() -> bool:
    from accounts.models import User
    from register.models import Registrant

    return not Registrant.objects.exists() and not User.objects.exists()
