"""Pure rules of the Professional Register: membership years, CPD cycles, reminders, deadlines.

No Django, no ORM, no clock: every date the rules depend on is passed in (`as_of`), so the same
inputs always give the same answer and the tests need no database or time travel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

TWO_PLACES = Decimal("0.01")
FULL_TARGET = Decimal("90")
READING_SHARE = Decimal("0.20")  # R3.3
MEMBERSHIP_YEARS_PER_CYCLE = 3  # R1.2, R1.4
GRACE_REQUEST_WORKING_DAYS = 10  # R7.2
APPEAL_DAYS = 28  # R8.2
LATE_NOTICE_MONTHS = 6  # R7.1
FINAL_MONTHS = 6  # R5.1

# English names regardless of the server's locale (strftime("%B") follows the locale).
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def round_credits(value: Decimal) -> Decimal:
    """Credits are shown and stored with two places; half up is what people expect on paper."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def long_date(d: date) -> str:
    """'31 March 2028': the form dates take in messages and emails."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


# --- R1 membership year and cycles -----------------------------------------------------------


def membership_year_start(d: date) -> date:
    """1 April on or before `d`: the membership year runs April to March (R1.1)."""
    year = d.year if d.month >= 4 else d.year - 1
    return date(year, 4, 1)


@dataclass(frozen=True)
class CycleTerms:
    start: date
    end: date
    target: Decimal
    reason: str


def _first_cycle_target(month: int) -> Decimal:
    # R1.3: the full 90 less 10 for each of two stages of the membership year already gone.
    if 4 <= month <= 7:
        return Decimal("90")
    if 8 <= month <= 11:
        return Decimal("80")
    return Decimal("70")


def _band_description(month: int) -> str:
    if 4 <= month <= 7:
        return "between April and July"
    if 8 <= month <= 11:
        return "between August and November"
    return "between December and March"


def first_cycle_for(joined_on: date) -> CycleTerms:
    """The first cycle: from the joining day to 31 March of the third membership year (R1.2).

    The year of joining counts as the first, so joining late in a membership year gives a
    shorter cycle and, in exchange, a pro-rata target (R1.3).
    """
    first_year = membership_year_start(joined_on).year
    end = date(first_year + MEMBERSHIP_YEARS_PER_CYCLE, 3, 31)
    target = _first_cycle_target(joined_on.month)
    if target == FULL_TARGET:
        target_text = f"its target is the full {target} credits"
    else:
        target_text = f"its target is reduced pro rata to {target} credits"
    reason = (
        f"You joined in {MONTH_NAMES[joined_on.month - 1]}, "
        f"{_band_description(joined_on.month)}, so your first cycle runs from "
        f"{long_date(joined_on)} to {long_date(end)} and {target_text}."
    )
    return CycleTerms(start=joined_on, end=end, target=target, reason=reason)


def next_cycle_after(previous_end: date) -> CycleTerms:
    """The cycle after one that ended on `previous_end` (R1.4).

    It starts on the first 1 April after `previous_end` (the next day for a cycle that ended on
    31 March; a later 1 April for a cycle extended past March) and lasts three full membership
    years, with the full target.
    """
    start = membership_year_start(previous_end) + relativedelta(years=1)
    end = date(start.year + MEMBERSHIP_YEARS_PER_CYCLE, 3, 31)
    reason = (
        f"Your new cycle runs for three full membership years, from {long_date(start)} to "
        f"{long_date(end)}, and its target is {FULL_TARGET} credits."
    )
    return CycleTerms(start=start, end=end, target=FULL_TARGET, reason=reason)


def reading_cap(target: Decimal) -> Decimal:
    """At most 20% of the target may come from reading (R3.3): 18 of 90, 16 of 80, 14 of 70."""
    return round_credits(target * READING_SHARE)


# --- R5 reminders ----------------------------------------------------------------------------


class ReminderPhase(StrEnum):
    SIX_MONTHLY = "six_monthly"  # R5.2: to everyone in the cycle
    MONTHLY = "monthly"  # R5.2: final six months, only to those short of target
    GRACE = "grace"  # R5.6: a granted grace period, at its start and monthly

    @property
    def only_if_short(self) -> bool:
        """Whether this reminder goes only to those who haven't reached their target (R5.2)."""
        return self is not ReminderPhase.SIX_MONTHLY


@dataclass(frozen=True)
class ReminderDue:
    due_on: date
    phase: ReminderPhase


def reminder_due_dates(*, start: date, end: date) -> list[ReminderDue]:
    """Every progress reminder of a cycle from `start` to `end`, in date order (R5.1).

    Six-monthly from the start while earlier than six months before the end, then monthly from
    six months before the end to one month before it. Each date is computed from its anchor
    (start + k months, end - k months) rather than from the previous date, so clamping a 31st to
    a shorter month never drifts the later dates (31 March - 1 month is 28/29 February).
    """
    final_phase_starts = end - relativedelta(months=FINAL_MONTHS)
    due: list[ReminderDue] = []
    k = 1
    while (on := start + relativedelta(months=6 * k)) < final_phase_starts:
        due.append(ReminderDue(due_on=on, phase=ReminderPhase.SIX_MONTHLY))
        k += 1
    for months_before in range(FINAL_MONTHS, 0, -1):
        on = end - relativedelta(months=months_before)
        # A reminder on or before the start would report on a cycle that has not begun yet.
        if on > start:
            due.append(ReminderDue(due_on=on, phase=ReminderPhase.MONTHLY))
    return due


def latest_reminder_due(
    *, start: date, end: date, as_of: date, after: date | None = None
) -> ReminderDue | None:
    """The one reminder a sweep on `as_of` should send, if any (R5.4).

    `after` is the due date of the last reminder already handled for this cycle. A sweep that
    missed due dates sends only the latest one; the older unsent ones are superseded.
    """
    candidates = [
        r
        for r in reminder_due_dates(start=start, end=end)
        if r.due_on <= as_of and (after is None or r.due_on > after)
    ]
    return candidates[-1] if candidates else None


def grace_reminder_dates(*, start: date, end: date) -> list[date]:
    """Reminders during a grace period: on its first day, then monthly while before its end (R5.6).

    Like R5.1, each date is start + k months, not the previous date + 1 month.
    """
    dates: list[date] = []
    k = 0
    while (on := start + relativedelta(months=k)) < end:
        dates.append(on)
        k += 1
    return dates


def cycle_reminder_dates(
    *, start: date, end: date, grace_start: date | None = None
) -> list[ReminderDue]:
    return list(_cycle_reminder_dates(start, end, grace_start))


# Most cycles share their dates (everyone who joined on a day, every cycle ending 31 March):
# the sweep asks for the same schedules thousands of times. ReminderDue is frozen, so sharing
# the cached tuples is safe.
@lru_cache(maxsize=8192)
def _cycle_reminder_dates(
    start: date, end: date, grace_start: date | None
) -> tuple[ReminderDue, ...]:
    """All reminders of a cycle, with a granted grace period if it has one (R5.1, R5.6).

    Before the grace period the cycle follows R5.1 as if it ended the day before the grace
    period starts (its end before the extension); from the grace period's first day, a reminder
    then and monthly until the (extended) end.
    """
    if grace_start is None:
        return tuple(reminder_due_dates(start=start, end=end))
    original_end = grace_start - timedelta(days=1)
    before = [
        r for r in reminder_due_dates(start=start, end=original_end) if r.due_on < grace_start
    ]
    grace = [
        ReminderDue(due_on=on, phase=ReminderPhase.GRACE)
        for on in grace_reminder_dates(start=grace_start, end=end)
    ]
    return tuple(before + grace)


def latest_cycle_reminder_due(
    *,
    start: date,
    end: date,
    as_of: date,
    grace_start: date | None = None,
    after: date | None = None,
) -> ReminderDue | None:
    """The one reminder a sweep on `as_of` sends for a cycle, if any: the latest due on or before
    `as_of` and after `after` (the last one already handled); older ones are superseded (R5.4)."""
    due = [
        r
        for r in cycle_reminder_dates(start=start, end=end, grace_start=grace_start)
        if r.due_on <= as_of and (after is None or r.due_on > after)
    ]
    return due[-1] if due else None


def next_cycle_reminder_on(
    *, start: date, end: date, after: date | None, grace_start: date | None = None
) -> date | None:
    """The first due date after `after` (or the first of all): when the sweep next looks at
    this cycle. None once no reminder is left."""
    for r in cycle_reminder_dates(start=start, end=end, grace_start=grace_start):
        if after is None or r.due_on > after:
            return r.due_on
    return None


# --- R7 support and grace period -------------------------------------------------------------


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list of bank holidays; the library files them under ENG.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(d: date) -> bool:
    """Monday to Friday except bank holidays in England and Wales (R7.2)."""
    return d.weekday() < 5 and d not in _bank_holidays(d.year)


def working_days_before(*, deadline_end: date, days: int) -> date:
    """The last date that still leaves `days` working days before the end of `deadline_end`.

    Counting rule (the decision for R7.2's "at least 10 working days before the end"):
    `deadline_end` is the last day of the period and is itself available to work on, so it is
    counted if it is a working day; the day the request is made is not counted, because part of
    it has gone. A request on date R is in time when the working days in (R, deadline_end] -
    after R, up to and including the end - number at least `days`.

    The answer is the day before the `days`-th working day counted back from `deadline_end`, so
    it may fall on a weekend or bank holiday: a request made online that day still leaves the
    full number of working days.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    counted = 0
    d = deadline_end
    while True:
        if is_working_day(d):
            counted += 1
            if counted == days:
                return d - timedelta(days=1)
        d -= timedelta(days=1)


def grace_request_deadline(cycle_end: date) -> date:
    """The last date a grace period request is accepted for a cycle ending `cycle_end` (R7.2)."""
    return working_days_before(deadline_end=cycle_end, days=GRACE_REQUEST_WORKING_DAYS)


def is_grace_request_in_time(*, requested_on: date, cycle_end: date) -> bool:
    """R7.2: a later request is refused (with a message giving `grace_request_deadline`)."""
    return requested_on <= grace_request_deadline(cycle_end)


def is_late_notice(*, requested_on: date, cycle_end: date) -> bool:
    """A support request later than six months before the cycle end is marked late (R7.1).

    Six months before 31 March is 30 September (month arithmetic, R5.1's boundary too): a
    request on 30 September is in time, one on 1 October is late notice. It is still accepted.
    """
    return requested_on > cycle_end - relativedelta(months=LATE_NOTICE_MONTHS)


# --- R8 appeals ------------------------------------------------------------------------------


def appeal_deadline(removed_on: date) -> date:
    """The last day an appeal is accepted: 28 days after the removal (R8.2).

    The removal day is day 0, so a removal on 1 May can be appealed up to and including 29 May.
    """
    return removed_on + timedelta(days=APPEAL_DAYS)


# --- progress --------------------------------------------------------------------------------


def elapsed_days(*, start: date, end: date, as_of: date) -> tuple[int, int]:
    """(days elapsed, days in the cycle), the elapsed days clamped to 0..total.

    Measured from the start to the end date, so a cycle is 0% gone on its first day and 100%
    gone on its last day: on the last day the whole target is expected (R3.5).
    """
    total = (end - start).days
    if total <= 0:
        return (1, 1) if as_of >= end else (0, 1)
    return min(max((as_of - start).days, 0), total), total


def elapsed_fraction(*, start: date, end: date, as_of: date) -> Decimal:
    """How much of the cycle has passed on `as_of`, 0 to 1, four places (for display)."""
    elapsed, total = elapsed_days(start=start, end=end, as_of=as_of)
    return (Decimal(elapsed) / Decimal(total)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
