"""Pure rules of the register (R1, R3.3, R5, R7, R8.2): no database, no clock."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from register.rules import (
    ReminderDue,
    ReminderPhase,
    appeal_deadline,
    elapsed_fraction,
    first_cycle_for,
    grace_reminder_dates,
    grace_request_deadline,
    is_grace_request_in_time,
    is_late_notice,
    is_working_day,
    latest_reminder_due,
    membership_year_start,
    next_cycle_after,
    reading_cap,
    reminder_due_dates,
    working_days_before,
)

SIX = ReminderPhase.SIX_MONTHLY
MONTHLY = ReminderPhase.MONTHLY


def _dates(reminders: list[ReminderDue], phase: ReminderPhase) -> list[date]:
    return [r.due_on for r in reminders if r.phase == phase]


# --- R1.1 membership year --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 4, 1), date(2025, 4, 1)),
        (date(2025, 12, 31), date(2025, 4, 1)),
        (date(2026, 1, 1), date(2025, 4, 1)),
        (date(2026, 3, 31), date(2025, 4, 1)),
        (date(2026, 4, 1), date(2026, 4, 1)),
        (date(2028, 2, 29), date(2027, 4, 1)),
    ],
)
def test_membership_year_starts_on_the_1_april_on_or_before_the_date(d, expected):
    assert membership_year_start(d) == expected


# --- R1.2 / R1.3 first cycle -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("joined_on", "end", "target"),
    [
        # R1.2's own examples.
        (date(2025, 5, 10), date(2028, 3, 31), Decimal("90")),
        (date(2026, 1, 15), date(2028, 3, 31), Decimal("70")),
        # First and last day of each band (R1.3).
        (date(2025, 4, 1), date(2028, 3, 31), Decimal("90")),
        (date(2025, 7, 31), date(2028, 3, 31), Decimal("90")),
        (date(2025, 8, 1), date(2028, 3, 31), Decimal("80")),
        (date(2025, 11, 30), date(2028, 3, 31), Decimal("80")),
        (date(2025, 12, 1), date(2028, 3, 31), Decimal("70")),
        (date(2025, 12, 31), date(2028, 3, 31), Decimal("70")),
        (date(2026, 3, 31), date(2028, 3, 31), Decimal("70")),
        # The next membership year starts a new three-year count.
        (date(2026, 4, 1), date(2029, 3, 31), Decimal("90")),
        # A leap day is in the December-March band of membership year 2027/28.
        (date(2028, 2, 29), date(2030, 3, 31), Decimal("70")),
        (date(2028, 3, 1), date(2030, 3, 31), Decimal("70")),
    ],
)
def test_first_cycle_runs_from_joining_to_the_third_31_march_with_a_pro_rata_target(
    joined_on, end, target
):
    terms = first_cycle_for(joined_on)

    assert (terms.start, terms.end, terms.target) == (joined_on, end, target)


def test_first_cycle_reason_explains_a_pro_rata_target():
    terms = first_cycle_for(date(2026, 1, 15))

    assert terms.reason == (
        "You joined in January, between December and March, so your first cycle runs from "
        "15 January 2026 to 31 March 2028 and its target is reduced pro rata to 70 credits."
    )


def test_first_cycle_reason_says_the_full_target_for_april_to_july():
    terms = first_cycle_for(date(2025, 5, 10))

    assert terms.reason == (
        "You joined in May, between April and July, so your first cycle runs from "
        "10 May 2025 to 31 March 2028 and its target is the full 90 credits."
    )


def test_first_cycle_reason_names_the_august_to_november_band():
    assert "between August and November" in first_cycle_for(date(2025, 9, 3)).reason
    assert "reduced pro rata to 80 credits" in first_cycle_for(date(2025, 9, 3)).reason


def test_cycle_terms_are_frozen():
    terms = first_cycle_for(date(2025, 5, 10))

    with pytest.raises(AttributeError):
        terms.target = Decimal("1")  # type: ignore[misc]


# --- R1.4 later cycles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous_end", "start", "end"),
    [
        (date(2028, 3, 31), date(2028, 4, 1), date(2031, 3, 31)),
        (date(2029, 3, 31), date(2029, 4, 1), date(2032, 3, 31)),
        # Extended past March (R7): the next 1 April after the extended end.
        (date(2028, 6, 30), date(2029, 4, 1), date(2032, 3, 31)),
        (date(2028, 4, 1), date(2029, 4, 1), date(2032, 3, 31)),
    ],
)
def test_next_cycle_starts_on_the_next_1_april_for_three_membership_years(previous_end, start, end):
    terms = next_cycle_after(previous_end)

    assert (terms.start, terms.end, terms.target) == (start, end, Decimal("90"))


def test_next_cycle_has_the_full_target_and_says_so():
    terms = next_cycle_after(date(2028, 3, 31))

    assert terms.target == Decimal("90")
    assert terms.reason == (
        "Your new cycle runs for three full membership years, from 1 April 2028 to "
        "31 March 2031, and its target is 90 credits."
    )


# --- R3.3 reading cap ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "cap"),
    [
        (Decimal("90"), Decimal("18.00")),
        (Decimal("80"), Decimal("16.00")),
        (Decimal("70"), Decimal("14.00")),
        (Decimal("45"), Decimal("9.00")),  # a target adjusted by staff (R7.1)
        (Decimal("33.33"), Decimal("6.67")),
    ],
)
def test_it_caps_reading_at_twenty_percent_of_target(target, cap):
    assert reading_cap(target) == cap
    assert reading_cap(target).as_tuple().exponent == -2


# --- R5.1 reminder schedule ------------------------------------------------------------------


def test_a_full_cycle_has_four_six_monthly_then_six_monthly_reminders():
    reminders = reminder_due_dates(start=date(2028, 4, 1), end=date(2031, 3, 31))

    assert _dates(reminders, SIX) == [
        date(2028, 10, 1),
        date(2029, 4, 1),
        date(2029, 10, 1),
        date(2030, 4, 1),
    ]
    assert _dates(reminders, MONTHLY) == [
        date(2030, 9, 30),
        date(2030, 10, 31),
        date(2030, 11, 30),
        date(2030, 12, 31),
        date(2031, 1, 31),
        date(2031, 2, 28),
    ]
    # Six-monthly first, then monthly, in date order.
    assert [r.due_on for r in reminders] == sorted(r.due_on for r in reminders)
    assert [r.phase for r in reminders] == [SIX] * 4 + [MONTHLY] * 6


def test_a_cycle_ending_in_a_leap_year_has_its_last_reminder_on_29_february():
    reminders = reminder_due_dates(start=date(2025, 5, 10), end=date(2028, 3, 31))

    assert reminders[-1] == ReminderDue(due_on=date(2028, 2, 29), phase=MONTHLY)


@pytest.mark.parametrize(
    ("joined_on", "six_monthly"),
    [
        # April-July band.
        (
            date(2025, 5, 10),
            [date(2025, 11, 10), date(2026, 5, 10), date(2026, 11, 10), date(2027, 5, 10)],
        ),
        # August-November band, from the 31st: clamped each time from the anchor, never drifting
        # to the 28th (31 Aug + 6 = 28 Feb, + 12 = 31 Aug).
        (
            date(2025, 8, 31),
            [date(2026, 2, 28), date(2026, 8, 31), date(2027, 2, 28), date(2027, 8, 31)],
        ),
        # December-March band.
        (date(2025, 12, 31), [date(2026, 6, 30), date(2026, 12, 31), date(2027, 6, 30)]),
        # Last day of the band: S + 18 months is exactly E - 6 months, so it is a monthly one.
        (date(2026, 3, 31), [date(2026, 9, 30), date(2027, 3, 31)]),
    ],
)
def test_first_cycles_have_six_monthly_reminders_from_the_joining_day(joined_on, six_monthly):
    terms = first_cycle_for(joined_on)

    reminders = reminder_due_dates(start=terms.start, end=terms.end)

    assert _dates(reminders, SIX) == six_monthly
    assert _dates(reminders, MONTHLY) == [
        date(2027, 9, 30),
        date(2027, 10, 31),
        date(2027, 11, 30),
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),
    ]


def test_joining_on_a_leap_day_clamps_six_monthly_reminders_to_28_february():
    terms = first_cycle_for(date(2028, 2, 29))

    reminders = reminder_due_dates(start=terms.start, end=terms.end)

    assert _dates(reminders, SIX) == [date(2028, 8, 29), date(2029, 2, 28), date(2029, 8, 29)]
    assert _dates(reminders, MONTHLY) == [
        date(2029, 9, 30),
        date(2029, 10, 31),
        date(2029, 11, 30),
        date(2029, 12, 31),
        date(2030, 1, 31),
        date(2030, 2, 28),
    ]


def test_an_extended_cycle_moves_the_monthly_reminders_with_its_end():
    # A cycle extended from 31 March to 30 June 2031 (R7): the final six months move too.
    reminders = reminder_due_dates(start=date(2028, 4, 1), end=date(2031, 6, 30))

    assert _dates(reminders, SIX) == [
        date(2028, 10, 1),
        date(2029, 4, 1),
        date(2029, 10, 1),
        date(2030, 4, 1),
        date(2030, 10, 1),
    ]
    assert _dates(reminders, MONTHLY) == [
        date(2030, 12, 30),
        date(2031, 1, 30),
        date(2031, 2, 28),
        date(2031, 3, 30),
        date(2031, 4, 30),
        date(2031, 5, 30),
    ]


def test_a_cycle_too_short_for_six_months_gets_no_reminder_before_it_starts():
    reminders = reminder_due_dates(start=date(2028, 1, 15), end=date(2028, 3, 31))

    assert reminders == [
        ReminderDue(due_on=date(2028, 1, 31), phase=MONTHLY),
        ReminderDue(due_on=date(2028, 2, 29), phase=MONTHLY),
    ]


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    length=st.integers(min_value=1, max_value=6 * 366),
)
@settings(database=None)
def test_reminders_are_unique_ordered_and_inside_the_cycle(start, length):
    end = start + timedelta(days=length)

    due = [r.due_on for r in reminder_due_dates(start=start, end=end)]

    assert due == sorted(set(due))
    assert all(start < d < end for d in due)


# --- R5.4 catching up ------------------------------------------------------------------------


CYCLE = {"start": date(2028, 4, 1), "end": date(2031, 3, 31)}


@pytest.mark.parametrize(
    ("as_of", "after", "expected"),
    [
        (date(2028, 9, 30), None, None),
        (date(2028, 10, 1), None, ReminderDue(date(2028, 10, 1), SIX)),
        (date(2029, 12, 15), None, ReminderDue(date(2029, 10, 1), SIX)),
        # Missed 1 April, 30 September and 31 October 2030: only the latest is sent.
        (date(2030, 11, 15), date(2029, 10, 1), ReminderDue(date(2030, 10, 31), MONTHLY)),
        # Already handled: nothing more until the next due date.
        (date(2030, 11, 15), date(2030, 10, 31), None),
        (date(2030, 11, 30), date(2030, 10, 31), ReminderDue(date(2030, 11, 30), MONTHLY)),
        (date(2031, 6, 1), None, ReminderDue(date(2031, 2, 28), MONTHLY)),
        (date(2031, 6, 1), date(2031, 2, 28), None),
    ],
)
def test_a_sweep_sends_only_the_latest_reminder_due_and_not_yet_handled(as_of, after, expected):
    assert latest_reminder_due(**CYCLE, as_of=as_of, after=after) == expected


# --- R5.6 grace period reminders -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (
            date(2028, 4, 1),
            date(2028, 6, 30),
            [date(2028, 4, 1), date(2028, 5, 1), date(2028, 6, 1)],
        ),
        # Strictly before the end: no reminder on the last day.
        (
            date(2028, 4, 1),
            date(2028, 7, 1),
            [date(2028, 4, 1), date(2028, 5, 1), date(2028, 6, 1)],
        ),
        # From the anchor: 31 Jan, 29 Feb, 31 Mar (not 29 Mar).
        (
            date(2028, 1, 31),
            date(2028, 4, 30),
            [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)],
        ),
        (date(2028, 4, 1), date(2028, 4, 1), []),
    ],
)
def test_a_grace_period_has_a_reminder_at_its_start_and_monthly_until_its_end(start, end, expected):
    assert grace_reminder_dates(start=start, end=end) == expected


# --- R7.2 working days and the grace request deadline ----------------------------------------


@pytest.mark.parametrize(
    ("d", "working"),
    [
        (date(2027, 3, 25), True),  # Maundy Thursday
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 3, 27), False),  # Saturday
        (date(2027, 3, 28), False),  # Sunday
        (date(2027, 12, 27), False),  # Christmas Day (observed)
        (date(2027, 12, 28), False),  # Boxing Day (observed)
        (date(2027, 12, 29), True),
        (date(2028, 1, 3), False),  # New Year's Day (observed)
        (date(2023, 5, 8), False),  # a one-off bank holiday (coronation)
        (date(2025, 3, 17), True),  # St Patrick's Day: a bank holiday in Northern Ireland only
    ],
)
def test_working_days_are_weekdays_except_england_and_wales_bank_holidays(d, working):
    assert is_working_day(d) is working


@pytest.mark.parametrize(
    ("cycle_end", "deadline"),
    [
        # 31 March 2027 is a Wednesday after Easter (Good Friday 26, Easter Monday 29):
        # 16, 17, 18, 19, 22, 23, 24, 25, 30, 31 March are the ten working days.
        (date(2027, 3, 31), date(2027, 3, 15)),
        # 31 March 2024 is Easter Sunday; Good Friday 29 March is not counted.
        (date(2024, 3, 31), date(2024, 3, 14)),
        # 31 March 2029 is a Saturday; Good Friday 30 March 2029 is not counted.
        (date(2029, 3, 31), date(2029, 3, 15)),
        # No holiday near 31 March 2028 (a Friday): the deadline falls on a Sunday.
        (date(2028, 3, 31), date(2028, 3, 19)),
        # Christmas 2026: 25 December (Fri) and Boxing Day observed on Monday 28 December.
        (date(2026, 12, 31), date(2026, 12, 15)),
        # Over Christmas and New Year 2027/28: 27, 28 December and 3 January are observed.
        (date(2028, 1, 10), date(2027, 12, 22)),
    ],
)
def test_grace_requests_close_ten_working_days_before_the_cycle_end(cycle_end, deadline):
    assert grace_request_deadline(cycle_end) == deadline
    assert is_grace_request_in_time(requested_on=deadline, cycle_end=cycle_end)
    assert not is_grace_request_in_time(
        requested_on=deadline + timedelta(days=1), cycle_end=cycle_end
    )


def _working_days_after_until(first_excluded: date, last_included: date) -> int:
    days = (last_included - first_excluded).days
    return sum(is_working_day(first_excluded + timedelta(days=n)) for n in range(1, days + 1))


@given(
    end=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    days=st.integers(min_value=1, max_value=30),
)
@settings(database=None)
def test_the_deadline_is_the_last_day_leaving_enough_working_days_up_to_the_end(end, days):
    deadline = working_days_before(deadline_end=end, days=days)

    # The request day is not counted; the last day of the period is (if a working day).
    assert _working_days_after_until(deadline, end) == days
    assert _working_days_after_until(deadline + timedelta(days=1), end) == days - 1


def test_the_last_day_counts_when_it_is_a_working_day():
    # Friday 31 March 2028: one working day before its end leaves Friday itself.
    assert working_days_before(deadline_end=date(2028, 3, 31), days=1) == date(2028, 3, 30)
    # Sunday 2 April 2028: the last working day before it is Friday 31 March.
    assert working_days_before(deadline_end=date(2028, 4, 2), days=1) == date(2028, 3, 30)


def test_working_days_before_needs_at_least_one_day():
    with pytest.raises(ValueError):
        working_days_before(deadline_end=date(2028, 3, 31), days=0)


# --- R7.1 late notice ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested_on", "cycle_end", "late"),
    [
        (date(2027, 4, 1), date(2028, 3, 31), False),
        (date(2027, 9, 30), date(2028, 3, 31), False),
        (date(2027, 10, 1), date(2028, 3, 31), True),
        (date(2028, 3, 31), date(2028, 3, 31), True),
        # An extended end moves the boundary: 30 June - 6 months = 30 December.
        (date(2027, 12, 30), date(2028, 6, 30), False),
        (date(2027, 12, 31), date(2028, 6, 30), True),
        # 31 August - 6 months clamps to 29 February in a leap year.
        (date(2028, 2, 29), date(2028, 8, 31), False),
        (date(2028, 3, 1), date(2028, 8, 31), True),
    ],
)
def test_a_support_request_in_the_last_six_months_is_late_notice(requested_on, cycle_end, late):
    assert is_late_notice(requested_on=requested_on, cycle_end=cycle_end) is late


# --- R8.2 appeal window ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("removed_on", "deadline"),
    [
        (date(2026, 5, 1), date(2026, 5, 29)),
        (date(2027, 2, 15), date(2027, 3, 15)),
        (date(2028, 2, 15), date(2028, 3, 14)),  # 29 February counts as a day
        (date(2027, 12, 20), date(2028, 1, 17)),
    ],
)
def test_an_appeal_is_accepted_up_to_28_days_after_removal(removed_on, deadline):
    assert appeal_deadline(removed_on) == deadline


# --- elapsed fraction ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "as_of", "fraction"),
    [
        (date(2027, 1, 1), date(2027, 1, 11), date(2027, 1, 1), Decimal("0")),
        (date(2027, 1, 1), date(2027, 1, 11), date(2027, 1, 4), Decimal("0.3")),
        (date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 2), Decimal("0.3333")),
        (date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 3), Decimal("0.6667")),
        (date(2027, 1, 1), date(2027, 1, 11), date(2027, 1, 11), Decimal("1")),
        # Clamped outside the cycle.
        (date(2027, 1, 1), date(2027, 1, 11), date(2026, 12, 1), Decimal("0")),
        (date(2027, 1, 1), date(2027, 1, 11), date(2027, 6, 1), Decimal("1")),
        # A full cycle: 365 of 1094 days gone on its first anniversary.
        (date(2028, 4, 1), date(2031, 3, 31), date(2029, 4, 1), Decimal("0.3336")),
        # A one-day cycle is all gone on its day.
        (date(2027, 1, 1), date(2027, 1, 1), date(2026, 12, 31), Decimal("0")),
        (date(2027, 1, 1), date(2027, 1, 1), date(2027, 1, 1), Decimal("1")),
    ],
)
def test_elapsed_fraction_runs_from_0_at_the_start_to_1_at_the_end(start, end, as_of, fraction):
    assert elapsed_fraction(start=start, end=end, as_of=as_of) == fraction


# --- cycle_reminder_dates: R5.1 with a granted grace period (R5.6) ----------------------------


def test_an_extended_cycle_switches_to_grace_reminders_from_the_grace_start():
    from register.rules import ReminderPhase, cycle_reminder_dates

    dues = cycle_reminder_dates(
        start=date(2025, 5, 10), end=date(2028, 6, 30), grace_start=date(2028, 4, 1)
    )
    # Up to the original end, R5.1 as for a cycle ending 31 March 2028...
    assert [d.due_on for d in dues if d.phase is ReminderPhase.MONTHLY][-1] == date(2028, 2, 29)
    # ...then at the grace period's start and monthly until it ends.
    assert [d.due_on for d in dues if d.phase is ReminderPhase.GRACE] == [
        date(2028, 4, 1),
        date(2028, 5, 1),
        date(2028, 6, 1),
    ]
    assert [d.due_on for d in dues] == sorted(d.due_on for d in dues)


def test_without_a_grace_period_the_cycle_follows_r5_1():
    from register.rules import cycle_reminder_dates, reminder_due_dates

    assert cycle_reminder_dates(start=date(2026, 1, 15), end=date(2028, 3, 31)) == (
        reminder_due_dates(start=date(2026, 1, 15), end=date(2028, 3, 31))
    )


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (None, date(2025, 11, 10)),
        (date(2025, 11, 10), date(2026, 5, 10)),
        (date(2027, 5, 10), date(2027, 9, 30)),
        (date(2028, 2, 29), None),
    ],
)
def test_the_next_reminder_follows_the_last_one_handled(after, expected):
    from register.rules import next_cycle_reminder_on

    assert next_cycle_reminder_on(start=date(2025, 5, 10), end=date(2028, 3, 31), after=after) == (
        expected
    )


def test_the_sweep_sends_only_the_latest_missed_due_date():
    from register.rules import ReminderPhase, latest_cycle_reminder_due

    due = latest_cycle_reminder_due(
        start=date(2025, 5, 10),
        end=date(2028, 3, 31),
        as_of=date(2027, 12, 5),
        after=date(2025, 11, 10),
    )
    assert (due.due_on, due.phase) == (date(2027, 11, 30), ReminderPhase.MONTHLY)
    assert ReminderPhase.MONTHLY.only_if_short and ReminderPhase.GRACE.only_if_short
    assert not ReminderPhase.SIX_MONTHLY.only_if_short
