"""Pure rules of CPD credits: the value of an activity, instalments, validation and progress.

No Django, no ORM, no clock (`as_of` is passed in). Credits are `Decimal` with two places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

# R3.3: re-exported so the reading share has one source of truth, shared with reading_cap.
from register.rules import READING_SHARE as READING_SHARE
from register.rules import (
    TWO_PLACES,
    elapsed_days,
    elapsed_fraction,
    long_date,
    reading_cap,
    round_credits,
)


class Principle(StrEnum):
    PERSONAL = "personal"  # R2.1 working principle 1: self-evaluated, by the hour
    SHARED = "shared"  # R2.2 working principle 2: Gateway course or national qualification


BEHAVIOUR_BONUS = Decimal("2")  # R2.3
WORKING_PRACTICE_BONUS = Decimal("4")  # R2.3
END_TEST_BONUS = Decimal("1")  # R2.4
QUALIFICATION_MULTIPLIER = 10  # R2.2: "add a zero" to the QCF/RQF/SCQF/CQFW credit value
RECOMMENDED_PACE_PER_YEAR = Decimal("30")  # R3.5
ASSESSED_SHARE = Decimal("0.20")  # R3.4
MAX_HOURS = Decimal("1000")  # R2.7
DAYS_PER_YEAR = Decimal("365.25")  # average year, leap days included


class CreditRuleError(ValueError):
    """Invalid input for a credit rule; `field` names the form field the message belongs on."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _plain(value: Decimal) -> str:
    """1.5 not 1.50, 430 not 4.3E+2: numbers as a person writes them in an explanation."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class CreditBreakdown:
    base: Decimal
    end_test_bonus: Decimal
    behaviour_bonus: Decimal
    working_practice_bonus: Decimal
    total: Decimal
    base_explanation: str  # how the base was reached: "1.5 h", "10 Gateway", "QCF 43 × 10"

    @property
    def explanation(self) -> str:
        """The sum in words, e.g. '10 Gateway + 2 behaviour + 4 working practice = 16'."""
        parts = [self.base_explanation]
        for amount, label in (
            (self.end_test_bonus, "end test"),
            (self.behaviour_bonus, "behaviour"),
            (self.working_practice_bonus, "working practice"),
        ):
            if amount:
                parts.append(f"{_plain(amount)} {label}")
        return f"{' + '.join(parts)} = {_plain(self.total)}"


# --- R2.7 validation of the inputs -----------------------------------------------------------


def _decimal(value: Decimal | int, *, field: str) -> Decimal:
    # Floats cannot hold 1.1 exactly; a float here is a programming error, not a user's.
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{field} must be a Decimal or an int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise CreditRuleError(field, "Enter a number.")
    return number


def _has_more_than_two_places(value: Decimal) -> bool:
    return value != value.quantize(TWO_PLACES, rounding=ROUND_DOWN)


def validate_hours(hours: Decimal | int) -> Decimal:
    """Hours of learning: more than 0, at most 1000, at most two decimal places (R2.7)."""
    value = _decimal(hours, field="hours")
    if value <= 0:
        raise CreditRuleError("hours", "Hours must be more than 0.")
    if value > MAX_HOURS:
        raise CreditRuleError("hours", f"Hours can be at most {MAX_HOURS}.")
    if _has_more_than_two_places(value):
        raise CreditRuleError(
            "hours", "Hours can have at most two decimal places, for example 1.25."
        )
    return value


def _validate_gateway_credits(gateway_credits: Decimal | int) -> Decimal:
    value = _decimal(gateway_credits, field="gateway_credits")
    if value <= 0:
        raise CreditRuleError(
            "gateway_credits", "The Gateway course's credit value must be more than 0."
        )
    if _has_more_than_two_places(value):
        raise CreditRuleError(
            "gateway_credits",
            "The Gateway course's credit value can have at most two decimal places.",
        )
    return value


def _validate_qualification_credit_value(credit_value: Decimal | int) -> int:
    value = _decimal(credit_value, field="qualification_credit_value")
    if value <= 0:
        raise CreditRuleError(
            "qualification_credit_value", "The qualification's credit value must be more than 0."
        )
    if value != value.to_integral_value():
        raise CreditRuleError(
            "qualification_credit_value",
            "The qualification's credit value is a whole number, for example 43.",
        )
    return int(value)


def _check_principle_inputs(
    *,
    principle: Principle,
    hours: object,
    gateway_credits: object,
    qualification_credit_value: object,
) -> None:
    """Each principle is valued one way only (R2.1, R2.2); say which field is wrong."""
    if principle is Principle.PERSONAL:
        if hours is None:
            raise CreditRuleError("hours", "Enter the hours of learning for a personal activity.")
        if gateway_credits is not None:
            raise CreditRuleError(
                "gateway_credits",
                "A personal activity is valued by its hours; a Gateway course is a shared "
                "activity.",
            )
        if qualification_credit_value is not None:
            raise CreditRuleError(
                "qualification_credit_value",
                "A personal activity is valued by its hours; a nationally recognised "
                "qualification is a shared activity.",
            )
        return
    if hours is not None:
        raise CreditRuleError(
            "hours",
            "A shared activity is valued by its Gateway credits or its qualification credit "
            "value, not by hours.",
        )
    if gateway_credits is None and qualification_credit_value is None:
        raise CreditRuleError(
            "gateway_credits",
            "Enter the Gateway course's credit value or the qualification's credit value.",
        )
    if gateway_credits is not None and qualification_credit_value is not None:
        raise CreditRuleError(
            "qualification_credit_value",
            "Enter either a Gateway credit value or a qualification credit value, not both.",
        )


def _check_instalments(*, instalments: int, instalment_number: int, is_qualification: bool) -> None:
    # R2.6: only a qualification is large enough to be recorded in parts.
    if instalments < 1:
        raise CreditRuleError("instalments", "There must be at least one instalment.")
    if instalments > 1 and not is_qualification:
        raise CreditRuleError(
            "instalments",
            "Only a nationally recognised qualification can be recorded in instalments.",
        )
    if not 1 <= instalment_number <= instalments:
        raise CreditRuleError(
            "instalment_number", f"The instalment must be between 1 and {instalments}."
        )


# --- R2 the credit value of an activity ------------------------------------------------------


def _base_credits(
    *,
    principle: Principle,
    hours: Decimal | int | None,
    gateway_credits: Decimal | int | None,
    qualification_credit_value: Decimal | int | None,
    instalments: int,
    instalment_number: int,
) -> tuple[Decimal, str]:
    """The base (impact on knowledge, R2.5) and how it was reached."""
    if principle is Principle.PERSONAL:
        value = validate_hours(hours)  # R2.1: one credit an hour
        return round_credits(value), f"{_plain(value)} h"
    if gateway_credits is not None:
        value = _validate_gateway_credits(gateway_credits)  # R2.2: pre-determined value
        return round_credits(value), f"{_plain(value)} Gateway"
    credit_value = _validate_qualification_credit_value(qualification_credit_value)
    total = Decimal(credit_value * QUALIFICATION_MULTIPLIER)  # R2.2: QCF 43 gives 430
    text = f"QCF {credit_value} × {QUALIFICATION_MULTIPLIER}"
    if instalments == 1:
        return round_credits(total), text
    share = instalment_amounts(total=total, instalments=instalments)[instalment_number - 1]
    return share, f"{text} ÷ {instalments} (instalment {instalment_number} of {instalments})"


def activity_credits(
    *,
    principle: Principle | str,
    hours: Decimal | int | None = None,
    gateway_credits: Decimal | int | None = None,
    qualification_credit_value: Decimal | int | None = None,
    instalments: int = 1,
    instalment_number: int = 1,
    end_test: bool = False,
    impact_behaviour: bool = False,
    impact_working_practice: bool = False,
) -> CreditBreakdown:
    """The credits an activity (or one instalment of a qualification) claims, R2.1-R2.6.

    Raises `CreditRuleError` naming the field at fault for invalid input (R2.7). For a
    qualification in instalments the base is instalment `instalment_number`'s share of the
    total; whether a bonus was already claimed on another instalment is checked with
    `validate_instalment_bonuses`.
    """
    try:
        principle = Principle(principle)
    except ValueError:
        raise CreditRuleError("principle", "Choose personal activity or shared activity.") from None
    _check_principle_inputs(
        principle=principle,
        hours=hours,
        gateway_credits=gateway_credits,
        qualification_credit_value=qualification_credit_value,
    )
    _check_instalments(
        instalments=instalments,
        instalment_number=instalment_number,
        is_qualification=qualification_credit_value is not None,
    )
    base, base_explanation = _base_credits(
        principle=principle,
        hours=hours,
        gateway_credits=gateway_credits,
        qualification_credit_value=qualification_credit_value,
        instalments=instalments,
        instalment_number=instalment_number,
    )
    zero = Decimal("0.00")
    # R2.4: a principle 2 value already accounts for any assessment, so no end-test bonus.
    end_test_bonus = END_TEST_BONUS if end_test and principle is Principle.PERSONAL else zero
    # R2.3: bonuses are once per activity, whatever its hours.
    behaviour_bonus = BEHAVIOUR_BONUS if impact_behaviour else zero
    working_practice_bonus = WORKING_PRACTICE_BONUS if impact_working_practice else zero
    return CreditBreakdown(
        base=base,
        end_test_bonus=round_credits(end_test_bonus),
        behaviour_bonus=round_credits(behaviour_bonus),
        working_practice_bonus=round_credits(working_practice_bonus),
        total=round_credits(base + end_test_bonus + behaviour_bonus + working_practice_bonus),
        base_explanation=base_explanation,
    )


def validate_instalment_bonuses(
    *,
    impact_behaviour: bool,
    impact_working_practice: bool,
    behaviour_already_claimed: bool,
    working_practice_already_claimed: bool,
) -> None:
    """Each impact bonus at most once across the instalments of one qualification (R2.6)."""
    if impact_behaviour and behaviour_already_claimed:
        raise CreditRuleError(
            "impact_behaviour",
            "The behaviour bonus has already been claimed on another instalment of this "
            "qualification.",
        )
    if impact_working_practice and working_practice_already_claimed:
        raise CreditRuleError(
            "impact_working_practice",
            "The working practice bonus has already been claimed on another instalment of "
            "this qualification.",
        )


def instalment_amounts(*, total: Decimal, instalments: int) -> list[Decimal]:
    """`total` split into `instalments` equal parts of two places that add up exactly (R2.6).

    Each part is rounded down and the last part takes the remainder, so no credit is created or
    lost by rounding: 430 in 3 is 143.33 + 143.33 + 143.34.
    """
    if instalments < 1:
        raise CreditRuleError("instalments", "There must be at least one instalment.")
    if total < 0:
        raise ValueError("total must not be negative")
    share = (total / instalments).quantize(TWO_PLACES, rounding=ROUND_DOWN)
    last = round_credits(total - share * (instalments - 1))
    return [share] * (instalments - 1) + [last]


def validate_completed_on(*, completed_on: date, joined_on: date, as_of: date) -> None:
    """The completion date is not in the future nor before joining the register (R2.7)."""
    if completed_on > as_of:
        raise CreditRuleError("completed_on", "The completion date can't be in the future.")
    if completed_on < joined_on:
        raise CreditRuleError(
            "completed_on",
            "The completion date can't be before you joined the register on "
            f"{long_date(joined_on)}.",
        )


def is_assessed(
    *, principle: Principle | str, end_test: bool, gateway_assessed: bool, is_qualification: bool
) -> bool:
    """R2.8: an end test (principle 1), an assessed Gateway course, or any qualification."""
    if is_qualification:
        return True
    if Principle(principle) is Principle.PERSONAL:
        return end_test
    return gateway_assessed


# --- R3 counting towards the target ----------------------------------------------------------


def counted_credits(
    *, target: Decimal, reading_credits: Decimal, other_credits: Decimal
) -> Decimal:
    """Credits that count: reading only up to its cap, everything else in full (R3.3)."""
    return round_credits(min(reading_credits, reading_cap(target)) + other_credits)


@dataclass(frozen=True)
class Progress:
    recorded_credits: Decimal
    reading_credits: Decimal
    reading_cap: Decimal
    reading_counted: Decimal
    reading_over_cap: bool
    counted_credits: Decimal
    credits_needed: Decimal
    assessed_credits: Decimal
    assessed_recommended: Decimal
    assessed_behind: bool
    elapsed_fraction: Decimal
    expected_by_now: Decimal
    on_track: bool
    days_left: int
    pace_needed_per_year: Decimal
    target_met: bool


def pace_needed_per_year(*, credits_needed: Decimal, days_left: int) -> Decimal:
    """Credits a year still needed to reach the target in time (compare with 30, R3.5).

    Within the final year (and once no time is left) the rate is floored at one year, i.e. it is
    simply everything still needed: a per-year rate over the last few days would grow without
    bound and say nothing useful.
    """
    years_left = max(Decimal(days_left) / DAYS_PER_YEAR, Decimal(1))
    return round_credits(credits_needed / years_left)


def cycle_progress(
    *,
    target: Decimal,
    start: date,
    end: date,
    as_of: date,
    reading_credits: Decimal,
    other_credits: Decimal,
    assessed_credits: Decimal,
) -> Progress:
    """Where a registrant stands in a cycle on `as_of` (R3.2-R3.5).

    `reading_credits` and `other_credits` are the credits of the cycle's activities (auditor
    values where set, R3.2), split by whether the activity type is reading; `assessed_credits`
    is the part of either that is assessed (R2.8).
    """
    cap = reading_cap(target)
    reading_counted = min(reading_credits, cap)  # R3.3: the excess stays recorded, not counted
    counted = round_credits(reading_counted + other_credits)
    elapsed, total_days = elapsed_days(start=start, end=end, as_of=as_of)
    # Computed from whole days, not the four-place fraction, so no rounding creeps in.
    expected = round_credits(target * elapsed / total_days)
    needed = max(round_credits(target - counted), Decimal("0.00"))
    assessed_recommended = round_credits(target * ASSESSED_SHARE)
    days_left = max((end - as_of).days, 0)
    return Progress(
        recorded_credits=round_credits(reading_credits + other_credits),
        reading_credits=round_credits(reading_credits),
        reading_cap=cap,
        reading_counted=round_credits(reading_counted),
        reading_over_cap=reading_credits > cap,
        counted_credits=counted,
        credits_needed=needed,
        assessed_credits=round_credits(assessed_credits),
        assessed_recommended=assessed_recommended,
        # R3.4: advice only; "behind" pro rata like R3.5, so nobody is warned on day one.
        assessed_behind=assessed_credits < assessed_recommended * elapsed / total_days,
        elapsed_fraction=elapsed_fraction(start=start, end=end, as_of=as_of),
        expected_by_now=expected,
        on_track=counted >= expected,  # R3.5
        days_left=days_left,
        pace_needed_per_year=pace_needed_per_year(credits_needed=needed, days_left=days_left),
        target_met=counted >= target,
    )
