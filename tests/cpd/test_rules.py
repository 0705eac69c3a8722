"""Pure CPD credit rules (R2, R3) and the activity type listing (R2.9): no database, no clock."""

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpd.activity_types import ACTIVITY_TYPES, activity_type, grouped_choices
from cpd.rules import (
    ASSESSED_SHARE,
    BEHAVIOUR_BONUS,
    END_TEST_BONUS,
    READING_SHARE,
    RECOMMENDED_PACE_PER_YEAR,
    WORKING_PRACTICE_BONUS,
    CreditRuleError,
    Principle,
    activity_credits,
    counted_credits,
    cycle_progress,
    instalment_amounts,
    is_assessed,
    pace_needed_per_year,
    validate_completed_on,
    validate_instalment_bonuses,
)
from register.rules import reading_cap

D = Decimal
PERSONAL = Principle.PERSONAL
SHARED = Principle.SHARED


def test_the_constants_are_the_documented_values():
    assert (BEHAVIOUR_BONUS, WORKING_PRACTICE_BONUS, END_TEST_BONUS) == (2, 4, 1)
    assert RECOMMENDED_PACE_PER_YEAR == 30
    assert ASSESSED_SHARE == READING_SHARE == D("0.20")
    assert Principle("personal") is PERSONAL
    assert Principle("shared") is SHARED


# --- R2.5 the worked examples of seed 001 ----------------------------------------------------

SEMINAR = {"principle": PERSONAL, "hours": D("1")}
READING = {"principle": PERSONAL, "hours": D("1.5")}
GATEWAY = {"principle": SHARED, "gateway_credits": D("10")}
QCF_43 = {"principle": SHARED, "qualification_credit_value": 43}
IMPACTS = [
    {},
    {"impact_behaviour": True},
    {"impact_working_practice": True},
    {"impact_behaviour": True, "impact_working_practice": True},
]


@pytest.mark.parametrize(
    ("activity", "impacts", "total"),
    [
        *[(SEMINAR, i, D(t)) for i, t in zip(IMPACTS, ["1", "3", "5", "7"], strict=True)],
        *[(READING, i, D(t)) for i, t in zip(IMPACTS, ["1.5", "3.5", "5.5", "7.5"], strict=True)],
        *[(GATEWAY, i, D(t)) for i, t in zip(IMPACTS, ["10", "12", "14", "16"], strict=True)],
        *[(QCF_43, i, D(t)) for i, t in zip(IMPACTS, ["430", "432", "434", "436"], strict=True)],
    ],
    ids=[
        f"{name}-{impact}"
        for name in ("seminar-1h", "reading-1.5h", "gateway-10", "qcf-43")
        for impact in ("knowledge", "behaviour", "working-practice", "both")
    ],
)
def test_it_gives_the_credits_of_each_worked_example_in_seed_001(activity, impacts, total):
    breakdown = activity_credits(**activity, **impacts)

    assert breakdown.total == total


def test_one_hour_with_an_end_test_and_both_impacts_is_worth_the_maximum_of_8():
    breakdown = activity_credits(
        principle=PERSONAL,
        hours=D("1"),
        end_test=True,
        impact_behaviour=True,
        impact_working_practice=True,
    )

    assert breakdown.total == D("8")
    assert breakdown.explanation == "1 h + 1 end test + 2 behaviour + 4 working practice = 8"


@pytest.mark.parametrize(
    ("kwargs", "explanation"),
    [
        ({**SEMINAR}, "1 h = 1"),
        ({**READING, "impact_behaviour": True}, "1.5 h + 2 behaviour = 3.5"),
        (
            {**GATEWAY, "impact_behaviour": True, "impact_working_practice": True},
            "10 Gateway + 2 behaviour + 4 working practice = 16",
        ),
        ({**QCF_43}, "QCF 43 × 10 = 430"),
        ({**QCF_43, "impact_working_practice": True}, "QCF 43 × 10 + 4 working practice = 434"),
        ({"principle": PERSONAL, "hours": D("2.25")}, "2.25 h = 2.25"),
    ],
)
def test_the_explanation_shows_the_sum(kwargs, explanation):
    assert activity_credits(**kwargs).explanation == explanation


def test_every_amount_of_a_breakdown_has_two_places():
    b = activity_credits(principle=PERSONAL, hours=D("1.5"), end_test=True, impact_behaviour=True)

    amounts = (b.base, b.end_test_bonus, b.behaviour_bonus, b.working_practice_bonus, b.total)
    assert amounts == (D("1.50"), D("1.00"), D("2.00"), D("0.00"), D("4.50"))
    assert all(a.as_tuple().exponent == -2 for a in amounts)


@pytest.mark.parametrize("hours", [D("1"), D("6"), D("40"), D("1000")])
def test_the_end_test_bonus_is_one_credit_whatever_the_hours(hours):
    breakdown = activity_credits(principle=PERSONAL, hours=hours, end_test=True)

    assert breakdown.end_test_bonus == D("1")
    assert breakdown.total == hours + 1


@pytest.mark.parametrize("hours", [D("0.5"), D("1"), D("100")])
def test_impact_bonuses_are_once_per_activity_whatever_the_hours(hours):
    breakdown = activity_credits(
        principle=PERSONAL, hours=hours, impact_behaviour=True, impact_working_practice=True
    )

    assert breakdown.total == hours + 6


@pytest.mark.parametrize("activity", [GATEWAY, QCF_43])
def test_a_shared_activity_gets_no_end_test_bonus(activity):
    breakdown = activity_credits(**activity, end_test=True)

    assert breakdown.end_test_bonus == 0
    assert breakdown.total == breakdown.base


def test_the_principle_may_be_given_as_its_stored_value():
    assert activity_credits(principle="personal", hours=D("2")).total == D("2")
    assert activity_credits(principle="shared", gateway_credits=D("10")).total == D("10")


def test_a_breakdown_is_frozen():
    breakdown = activity_credits(**SEMINAR)

    with pytest.raises(AttributeError):
        breakdown.total = D("99")  # type: ignore[misc]


# --- R2.7 validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "credits"),
    [(D("0.01"), D("0.01")), (D("1000"), D("1000")), (D("999.99"), D("999.99")), (5, D("5"))],
)
def test_it_accepts_hours_from_a_hundredth_to_a_thousand(hours, credits):
    assert activity_credits(principle=PERSONAL, hours=hours).total == credits


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (D("0"), "Hours must be more than 0."),
        (D("-1"), "Hours must be more than 0."),
        (D("1000.01"), "Hours can be at most 1000."),
        (D("1.255"), "Hours can have at most two decimal places, for example 1.25."),
        (D("0.001"), "Hours can have at most two decimal places, for example 1.25."),
        (D("NaN"), "Enter a number."),
        (D("Infinity"), "Enter a number."),
    ],
)
def test_it_refuses_hours_out_of_range_or_too_precise(hours, message):
    with pytest.raises(CreditRuleError) as error:
        activity_credits(principle=PERSONAL, hours=hours)

    assert error.value.field == "hours"
    assert str(error.value) == message


def test_trailing_zeros_are_not_extra_decimal_places():
    assert activity_credits(principle=PERSONAL, hours=D("1.500")).total == D("1.5")


def test_a_float_is_a_programming_error_not_a_user_error():
    with pytest.raises(TypeError):
        activity_credits(principle=PERSONAL, hours=1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"principle": PERSONAL}, "hours"),
        ({"principle": PERSONAL, "hours": D("1"), "gateway_credits": D("10")}, "gateway_credits"),
        (
            {"principle": PERSONAL, "hours": D("1"), "qualification_credit_value": 43},
            "qualification_credit_value",
        ),
        ({"principle": SHARED, "hours": D("1"), "gateway_credits": D("10")}, "hours"),
        ({"principle": SHARED}, "gateway_credits"),
        (
            {"principle": SHARED, "gateway_credits": D("10"), "qualification_credit_value": 43},
            "qualification_credit_value",
        ),
        ({"principle": "both", "hours": D("1")}, "principle"),
    ],
)
def test_each_principle_is_valued_one_way_only(kwargs, field):
    with pytest.raises(CreditRuleError) as error:
        activity_credits(**kwargs)

    assert error.value.field == field
    assert str(error.value).endswith(".")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"gateway_credits": D("0")}, "gateway_credits"),
        ({"gateway_credits": D("-10")}, "gateway_credits"),
        ({"gateway_credits": D("2.555")}, "gateway_credits"),
        ({"qualification_credit_value": 0}, "qualification_credit_value"),
        ({"qualification_credit_value": -43}, "qualification_credit_value"),
        ({"qualification_credit_value": D("43.5")}, "qualification_credit_value"),
    ],
)
def test_it_refuses_a_shared_value_that_is_not_positive(kwargs, field):
    with pytest.raises(CreditRuleError) as error:
        activity_credits(principle=SHARED, **kwargs)

    assert error.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "total"),
    [
        ({"gateway_credits": D("0.01")}, D("0.01")),
        ({"gateway_credits": D("2.5")}, D("2.5")),
        ({"qualification_credit_value": 1}, D("10")),
        ({"qualification_credit_value": D("43")}, D("430")),
        ({"qualification_credit_value": 72}, D("720")),  # seed 001: "QCF 72 equals 720"
    ],
)
def test_it_accepts_positive_shared_values(kwargs, total):
    assert activity_credits(principle=SHARED, **kwargs).total == total


def test_instalments_are_for_qualifications_only():
    with pytest.raises(CreditRuleError) as gateway:
        activity_credits(**GATEWAY, instalments=2)
    with pytest.raises(CreditRuleError) as personal:
        activity_credits(**SEMINAR, instalments=2)

    assert gateway.value.field == personal.value.field == "instalments"
    assert str(gateway.value) == (
        "Only a nationally recognised qualification can be recorded in instalments."
    )


@pytest.mark.parametrize(
    ("instalments", "instalment_number", "field"),
    [
        (0, 1, "instalments"),
        (-1, 1, "instalments"),
        (4, 0, "instalment_number"),
        (4, 5, "instalment_number"),
    ],
)
def test_it_refuses_an_impossible_instalment(instalments, instalment_number, field):
    with pytest.raises(CreditRuleError) as error:
        activity_credits(**QCF_43, instalments=instalments, instalment_number=instalment_number)

    assert error.value.field == field


def test_credit_rule_error_is_a_value_error_with_a_field():
    error = CreditRuleError("hours", "Hours must be more than 0.")

    assert isinstance(error, ValueError)
    assert (error.field, error.message, str(error)) == (
        "hours",
        "Hours must be more than 0.",
        "Hours must be more than 0.",
    )


@pytest.mark.parametrize(
    ("completed_on", "error"),
    [
        (date(2026, 6, 1), None),  # today
        (date(2025, 5, 10), None),  # the day of joining
        (date(2026, 6, 2), "The completion date can't be in the future."),
        (
            date(2025, 5, 9),
            "The completion date can't be before you joined the register on 10 May 2025.",
        ),
    ],
)
def test_the_completion_date_is_between_joining_and_today(completed_on, error):
    kwargs = {
        "completed_on": completed_on,
        "joined_on": date(2025, 5, 10),
        "as_of": date(2026, 6, 1),
    }

    if error is None:
        validate_completed_on(**kwargs)
    else:
        with pytest.raises(CreditRuleError) as raised:
            validate_completed_on(**kwargs)
        assert (raised.value.field, str(raised.value)) == ("completed_on", error)


# --- R2.6 instalments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "instalments", "parts"),
    [
        (D("400"), 4, [D("100")] * 4),  # seed 001: QCF 40 over two years, six-monthly
        (D("430"), 1, [D("430")]),
        (D("430"), 2, [D("215"), D("215")]),
        (D("430"), 3, [D("143.33"), D("143.33"), D("143.34")]),
        (D("100"), 6, [D("16.66")] * 5 + [D("16.70")]),
        (D("0.05"), 3, [D("0.01"), D("0.01"), D("0.03")]),
    ],
)
def test_instalments_are_equal_parts_with_the_remainder_on_the_last(total, instalments, parts):
    amounts = instalment_amounts(total=total, instalments=instalments)

    assert amounts == parts
    assert sum(amounts) == total


@given(
    total=st.decimals(min_value=0, max_value=100_000, places=2),
    instalments=st.integers(min_value=1, max_value=48),
)
@settings(database=None)
def test_instalments_always_add_up_to_the_total(total, instalments):
    amounts = instalment_amounts(total=total, instalments=instalments)

    assert len(amounts) == instalments
    assert sum(amounts) == total
    assert all(a.as_tuple().exponent == -2 for a in amounts)
    assert len(set(amounts[:-1])) <= 1
    assert amounts[0] <= amounts[-1] < amounts[0] + D("0.01") * instalments


def test_instalment_amounts_need_at_least_one_part():
    with pytest.raises(CreditRuleError):
        instalment_amounts(total=D("400"), instalments=0)


def test_each_instalment_of_a_qualification_claims_its_share_of_the_total():
    second = activity_credits(
        principle=SHARED,
        qualification_credit_value=40,
        instalments=4,
        instalment_number=2,
        impact_behaviour=True,
    )

    assert (second.base, second.total) == (D("100"), D("102"))
    assert second.explanation == "QCF 40 × 10 ÷ 4 (instalment 2 of 4) + 2 behaviour = 102"


def test_the_last_instalment_takes_the_rounding_remainder():
    shares = [
        activity_credits(**QCF_43, instalments=3, instalment_number=n).base for n in (1, 2, 3)
    ]

    assert shares == [D("143.33"), D("143.33"), D("143.34")]


@pytest.mark.parametrize(
    ("claims", "already", "field"),
    [
        ({"impact_behaviour": True}, {"behaviour_already_claimed": True}, "impact_behaviour"),
        (
            {"impact_working_practice": True},
            {"working_practice_already_claimed": True},
            "impact_working_practice",
        ),
        ({"impact_behaviour": True}, {"working_practice_already_claimed": True}, None),
        ({"impact_working_practice": True}, {"behaviour_already_claimed": True}, None),
        ({}, {"behaviour_already_claimed": True, "working_practice_already_claimed": True}, None),
    ],
)
def test_each_impact_bonus_is_claimed_once_across_instalments(claims, already, field):
    kwargs = {
        "impact_behaviour": False,
        "impact_working_practice": False,
        "behaviour_already_claimed": False,
        "working_practice_already_claimed": False,
        **claims,
        **already,
    }

    if field is None:
        validate_instalment_bonuses(**kwargs)
    else:
        with pytest.raises(CreditRuleError) as error:
            validate_instalment_bonuses(**kwargs)
        assert error.value.field == field


# --- R2.8 assessed or not --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principle", "end_test", "gateway_assessed", "is_qualification", "assessed"),
    [
        (PERSONAL, False, False, False, False),
        (PERSONAL, True, False, False, True),
        (PERSONAL, False, True, False, False),  # the Gateway flag means nothing for principle 1
        (PERSONAL, False, False, True, True),  # e.g. a university degree valued by hours
        (SHARED, False, False, False, False),
        (SHARED, True, False, False, False),  # the end test flag means nothing for principle 2
        (SHARED, False, True, False, True),
        (SHARED, False, False, True, True),
    ],
)
def test_an_activity_is_assessed_by_end_test_gateway_assessment_or_qualification(
    principle, end_test, gateway_assessed, is_qualification, assessed
):
    assert (
        is_assessed(
            principle=principle,
            end_test=end_test,
            gateway_assessed=gateway_assessed,
            is_qualification=is_qualification,
        )
        is assessed
    )


# --- R3.3 counting with the reading cap ------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "cap"), [(D("90"), D("18")), (D("80"), D("16")), (D("70"), D("14"))]
)
def test_it_caps_reading_at_twenty_percent_of_target(target, cap):
    over = counted_credits(target=target, reading_credits=D("25"), other_credits=D("10"))
    exact = counted_credits(target=target, reading_credits=cap, other_credits=D("10"))
    under = counted_credits(target=target, reading_credits=cap - D("0.01"), other_credits=D("10"))

    assert over == exact == cap + 10
    assert under == cap + D("9.99")


@given(
    target=st.sampled_from([D("90"), D("80"), D("70")])
    | st.decimals(min_value=1, max_value=200, places=2),
    reading=st.decimals(min_value=0, max_value=1000, places=2),
    other=st.decimals(min_value=0, max_value=1000, places=2),
)
@settings(database=None)
def test_counted_credits_never_exceed_recorded_credits(target, reading, other):
    counted = counted_credits(target=target, reading_credits=reading, other_credits=other)

    assert counted <= reading + other


@given(
    target=st.sampled_from([D("90"), D("80"), D("70")])
    | st.decimals(min_value=1, max_value=200, places=2),
    reading=st.decimals(min_value=0, max_value=1000, places=2),
    other=st.decimals(min_value=0, max_value=1000, places=2),
    as_of=st.dates(min_value=date(2028, 1, 1), max_value=date(2031, 12, 31)),
)
@settings(database=None)
def test_reading_never_counts_beyond_its_cap(target, reading, other, as_of):
    progress = cycle_progress(
        target=target,
        start=date(2028, 4, 1),
        end=date(2031, 3, 31),
        as_of=as_of,
        reading_credits=reading,
        other_credits=other,
        assessed_credits=D("0"),
    )

    assert progress.reading_counted <= reading_cap(target)
    assert progress.counted_credits - other <= reading_cap(target)
    assert progress.counted_credits <= progress.recorded_credits
    assert progress.reading_over_cap is (reading > reading_cap(target))


# --- R3.2-R3.5 progress ----------------------------------------------------------------------

FULL_CYCLE = {"target": D("90"), "start": date(2028, 4, 1), "end": date(2031, 3, 31)}
FIRST_ANNIVERSARY = date(2029, 4, 1)  # 365 of the cycle's 1094 days gone, 729 left


def _progress(as_of=FIRST_ANNIVERSARY, reading="0", other="0", assessed="0"):
    return cycle_progress(
        **FULL_CYCLE,
        as_of=as_of,
        reading_credits=D(reading),
        other_credits=D(other),
        assessed_credits=D(assessed),
    )


def test_progress_reports_every_figure_a_reminder_needs():
    progress = _progress(reading="20", other="12", assessed="5")

    assert progress.recorded_credits == D("32")
    assert progress.reading_credits == D("20")
    assert progress.reading_cap == D("18")
    assert progress.reading_counted == D("18")
    assert progress.reading_over_cap is True
    assert progress.counted_credits == D("30")
    assert progress.credits_needed == D("60")
    assert progress.assessed_credits == D("5")
    assert progress.assessed_recommended == D("18")
    assert progress.elapsed_fraction == D("0.3336")
    assert progress.expected_by_now == D("30.03")  # 90 × 365 / 1094
    assert progress.days_left == 729
    assert progress.pace_needed_per_year == D("30.06")  # 60 / (729 / 365.25)
    assert progress.target_met is False


@pytest.mark.parametrize(("other", "on_track"), [("12", False), ("12.02", False), ("12.03", True)])
def test_on_track_means_counted_credits_at_least_the_elapsed_share_of_target(other, on_track):
    # 18 counted from reading + other against 30.03 expected by now (R3.5).
    assert _progress(reading="20", other=other).on_track is on_track


def test_everyone_is_on_track_on_the_first_day():
    progress = _progress(as_of=date(2028, 4, 1))

    assert (progress.expected_by_now, progress.on_track) == (D("0"), True)
    assert progress.assessed_behind is False
    assert progress.days_left == 1094
    assert progress.pace_needed_per_year == D("30.05")  # 90 / (1094 / 365.25)


@pytest.mark.parametrize(("assessed", "behind"), [("6", True), ("6.01", False)])
def test_it_warns_when_assessed_credits_fall_behind_twenty_percent_pro_rata(assessed, behind):
    # 18 recommended × 365 / 1094 = 6.005 by the first anniversary (R3.4: advice, not a rule).
    assert _progress(assessed=assessed).assessed_behind is behind


def test_meeting_the_target_needs_nothing_more():
    progress = _progress(reading="18", other="72")

    assert progress.target_met is True
    assert progress.credits_needed == D("0")
    assert progress.pace_needed_per_year == D("0")
    assert progress.on_track is True


def test_reading_over_the_cap_does_not_meet_the_target():
    progress = _progress(reading="30", other="70")

    assert progress.recorded_credits == D("100")
    assert progress.counted_credits == D("88")
    assert progress.credits_needed == D("2")
    assert progress.target_met is False


@pytest.mark.parametrize("as_of", [date(2031, 3, 31), date(2031, 4, 10)])
def test_at_and_after_the_end_the_whole_target_is_expected_and_no_days_are_left(as_of):
    progress = _progress(as_of=as_of, other="80")

    assert progress.elapsed_fraction == D("1")
    assert progress.expected_by_now == D("90")
    assert progress.on_track is False
    assert progress.days_left == 0
    assert progress.pace_needed_per_year == D("10")  # everything still needed, now


def test_before_the_start_nothing_is_expected_yet():
    progress = _progress(as_of=date(2028, 3, 31))

    assert (progress.elapsed_fraction, progress.expected_by_now) == (D("0"), D("0"))
    assert progress.days_left == 1095


@pytest.mark.parametrize(
    ("credits_needed", "days_left", "pace"),
    [
        (D("120"), 1461, D("30")),  # four years of 365.25 days
        (D("60"), 730, D("30.02")),
        (D("30"), 365, D("30")),  # just under a year: floored at one year
        (D("20"), 100, D("20")),
        (D("10"), 0, D("10")),
        (D("0"), 0, D("0")),
    ],
)
def test_the_pace_needed_is_credits_a_year_and_everything_in_the_final_year(
    credits_needed, days_left, pace
):
    result = pace_needed_per_year(credits_needed=credits_needed, days_left=days_left)

    assert result == pace
    assert result.as_tuple().exponent == -2


def test_progress_is_frozen_and_in_two_places():
    progress = _progress(reading="20", other="12", assessed="5")
    amounts = [
        progress.recorded_credits,
        progress.reading_credits,
        progress.reading_cap,
        progress.reading_counted,
        progress.counted_credits,
        progress.credits_needed,
        progress.assessed_credits,
        progress.assessed_recommended,
        progress.expected_by_now,
        progress.pace_needed_per_year,
    ]

    assert all(a.as_tuple().exponent == -2 for a in amounts)
    with pytest.raises(AttributeError):
        progress.on_track = True  # type: ignore[misc]


# --- R2.9 activity types ---------------------------------------------------------------------

# Every entry of seed 001's "Types of CPD Activity Listing", deduplicated.
SEED_LISTING = {
    "Vocationally Related Qualification (VRQ)": "vrq",
    "National Vocational Qualification (NVQ)": "nvq",
    "Scottish Vocational Qualification (SVQ)": "svq",
    "Vocational Competence Qualification (VCQ)": "vcq",
    "National Certificates": "national-certificate",
    "Higher National Certificates": "higher-national-certificate",
    "Higher National Diplomas": "higher-national-diploma",
    "Diplomas": "university-diploma",
    "Foundation Degrees": "foundation-degree",
    "Undergraduate Degrees": "undergraduate-degree",
    "Honours Degrees": "honours-degree",
    "Post Graduate Degrees": "postgraduate-degree",
    "Doctorates": "doctorate",
    "E-learning": "e-learning",
    "Open and distance learning": "open-and-distance-learning",
    "Vehicle manufacturer's courses": "vehicle-manufacturer-course",
    "Component manufacturer courses": "component-manufacturer-course",
    "Update courses – technical, compliance, managerial etc": "update-course",
    "Study visits": "study-visit",
    "Seminars": "seminar",
    "Workshops": "workshop",
    "Conferences": "conference",
    "Demonstrations": "demonstration",
    "Reading": "reading",
    "Accreditation schemes (ATA and AMA)": "accreditation-scheme",
    "Briefings": "briefing",
    "Business development/improvement": "business-development",
    "Expert working groups/consultations": "expert-working-group",
    "Meetings": "meeting",
    "Presentations": "presentation",
    "Policy development/improvement": "policy-development",
    "Reflective learning": "reflective-learning",
    "Research": "research",
    "Writing articles": "writing-articles",
    "Peer review": "peer-review",
    "Critical incident analysis and rectification": "critical-incident-analysis",
    "Secondments": "secondment",
    "Consulting": "consulting",
}
QUALIFICATION_GROUPS = {"Nationally recognised qualifications", "University awarded qualifications"}


@pytest.mark.parametrize(("seed_name", "slug"), SEED_LISTING.items())
def test_every_type_in_the_seed_listing_is_offered(seed_name, slug):
    assert activity_type(slug).slug == slug


def test_the_listing_is_the_seed_types_plus_other_each_once():
    slugs = [t.slug for t in ACTIVITY_TYPES]

    assert len(slugs) == len(set(slugs))
    assert set(slugs) == set(SEED_LISTING.values()) | {"other"}


def test_slugs_are_kebab_case():
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", t.slug) for t in ACTIVITY_TYPES)


def test_reading_is_the_one_reading_type_and_covers_every_format():
    reading = activity_type("reading")

    assert [t.slug for t in ACTIVITY_TYPES if t.is_reading] == ["reading"]
    assert all(word in reading.name for word in ("books", "journals", "articles", "web pages"))


def test_other_is_the_one_type_that_needs_a_description():
    assert [t.slug for t in ACTIVITY_TYPES if t.needs_description] == ["other"]


def test_qualifications_are_the_nationally_recognised_and_university_ones():
    qualifications = {t.slug for t in ACTIVITY_TYPES if t.is_qualification}

    assert qualifications == {t.slug for t in ACTIVITY_TYPES if t.group in QUALIFICATION_GROUPS}
    assert len(qualifications) == 13


def test_grouped_choices_offer_every_type_once_under_its_group():
    choices = grouped_choices()

    assert [slug for _, options in choices for slug, _ in options] == [
        t.slug for t in ACTIVITY_TYPES
    ]
    assert [group for group, _ in choices] == [
        "Nationally recognised qualifications",
        "University awarded qualifications",
        "Courses and learning",
        "Events",
        "Self-directed learning",
        "Work-based learning",
        "Other",
    ]


def test_an_unknown_slug_is_an_error():
    with pytest.raises(KeyError):
        activity_type("knitting")
