"""The accreditation rules (R9, R10) as pure functions: no database, every edge."""

from datetime import date

import pytest

from accreditation import rules

# --- R9.5 the window -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "end"),
    [
        (date(2026, 3, 1), date(2027, 2, 28)),  # 365 days, no 29 February inside
        (date(2027, 3, 1), date(2028, 2, 29)),  # 366 days: the window holds 29 February 2028
        (date(2028, 2, 29), date(2029, 2, 27)),  # from a leap day: twelve months end 28 Feb
        (date(2026, 1, 31), date(2027, 1, 30)),
        (date(2026, 8, 31), date(2027, 8, 30)),
    ],
)
def test_the_window_is_twelve_calendar_months_from_the_first_attempt(first, end):
    # R9.5
    assert rules.window_end(first) == end


def test_an_attempt_on_day_365_counts_and_on_day_366_is_refused_with_the_date():
    first = date(2026, 3, 1)
    assert (date(2027, 2, 28) - first).days + 1 == 365
    assert rules.window_refusal(attempt_on=date(2027, 2, 28), first_attempt_on=first) is None
    refusal = rules.window_refusal(attempt_on=date(2027, 3, 1), first_attempt_on=first)
    assert "ended on 28 February 2027" in refusal


def test_in_a_leap_year_day_366_still_counts():
    first = date(2027, 3, 1)
    assert (date(2028, 2, 29) - first).days + 1 == 366
    assert rules.window_refusal(attempt_on=date(2028, 2, 29), first_attempt_on=first) is None
    assert rules.window_refusal(attempt_on=date(2028, 3, 1), first_attempt_on=first)


def test_an_extension_moves_the_end_and_only_later():
    first = date(2026, 3, 1)
    assert rules.window_end(first, date(2027, 6, 30)) == date(2027, 6, 30)
    assert (
        rules.window_refusal(
            attempt_on=date(2027, 6, 30), first_attempt_on=first, extended_to=date(2027, 6, 30)
        )
        is None
    )
    refusal = rules.window_refusal(
        attempt_on=date(2027, 7, 1), first_attempt_on=first, extended_to=date(2027, 6, 30)
    )
    assert "ended on 30 June 2027" in refusal
    # An "extension" to before the normal end changes nothing.
    assert rules.window_end(first, date(2026, 12, 31)) == date(2027, 2, 28)


def test_the_first_attempt_opens_the_window_and_nothing_may_be_dated_before_it():
    assert rules.window_refusal(attempt_on=date(2020, 1, 1), first_attempt_on=None) is None
    refusal = rules.window_refusal(attempt_on=date(2026, 2, 28), first_attempt_on=date(2026, 3, 1))
    assert "before the candidate's first attempt on 1 March 2026" in refusal


@pytest.mark.parametrize(
    ("as_of", "left"),
    [(date(2027, 2, 28), 1), (date(2027, 2, 27), 2), (date(2027, 3, 1), 0), (date(2030, 1, 1), 0)],
)
def test_days_left_count_today_and_stop_at_zero(as_of, left):
    assert rules.days_left_in_window(as_of=as_of, end=date(2027, 2, 28)) == left


# --- R9.4 the gate ------------------------------------------------------------------------------


def test_the_gate_is_open_only_with_all_three_confirmations():
    assert (
        rules.assessment_gate_refusals(ao_registered=True, eligible=True, code_accepted=True) == []
    )


@pytest.mark.parametrize(
    ("ao", "eligible", "code", "missing"),
    [
        (False, True, True, "Awarding Organisation registration"),
        (True, False, True, "eligible"),
        (True, True, False, "Code of Conduct"),
    ],
)
def test_each_missing_confirmation_is_named(ao, eligible, code, missing):
    refusals = rules.assessment_gate_refusals(
        ao_registered=ao, eligible=eligible, code_accepted=code
    )
    assert len(refusals) == 1 and missing in refusals[0]


# --- R9.6 the fourth online test ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("unsuccessful", "reviews", "blocked"),
    [(0, 0, False), (2, 0, False), (3, 0, True), (3, 1, False), (5, 1, False), (6, 1, True)],
)
def test_a_fourth_online_attempt_needs_a_level_review(unsuccessful, reviews, blocked):
    refusal = rules.online_attempt_refusal(unsuccessful=unsuccessful, reviews=reviews)
    assert (refusal is not None) is blocked
    assert rules.level_review_due(unsuccessful=unsuccessful, reviews=reviews) is blocked


# --- R9.3, R9.7 approvals -----------------------------------------------------------------------

ASSESSOR_L3 = rules.ApprovalFacts("assessor", "approved", route_id=1, level_number=3)


def test_an_approved_assessor_is_approved_for_their_route_and_level_only():
    assert rules.is_approved([ASSESSOR_L3], role="assessor", route_id=1, level_number=3)
    assert not rules.is_approved([ASSESSOR_L3], role="assessor", route_id=1, level_number=4)
    assert not rules.is_approved([ASSESSOR_L3], role="assessor", route_id=2, level_number=3)
    assert not rules.is_approved([ASSESSOR_L3], role="iqa", route_id=1, level_number=3)


@pytest.mark.parametrize("status", ["requested", "rejected", "removed"])
def test_a_requested_rejected_or_removed_approval_does_not_count(status):
    facts = rules.ApprovalFacts("assessor", status, route_id=1, level_number=3)
    assert not rules.is_approved([facts], role="assessor", route_id=1, level_number=3)


def test_an_invigilator_is_approved_for_any_route():
    facts = rules.ApprovalFacts("invigilator", "approved", None, None)
    assert rules.is_approved([facts], role="invigilator", route_id=9, level_number=5)


# --- R10.3 evidence out of date, R9.3 approval conditions ----------------------------------------

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("kind", "dated", "out"),
    [
        ("experience", date(2023, 11, 24), False),
        ("experience", date(2023, 11, 23), True),  # exactly three years old
        ("cpd", date(2020, 1, 1), True),
        ("qualification", date(2023, 11, 22), True),
        ("assessor_award", date(2001, 1, 1), False),  # awards don't go out of date
        ("teaching", date(2001, 1, 1), False),
    ],
)
def test_evidence_older_than_three_years_is_out_of_date(kind, dated, out):
    assert rules.evidence_out_of_date(kind=kind, dated=dated, as_of=TODAY) is out


def _evidence(*kinds, dated=date(2025, 1, 1), level=3):
    return [rules.EvidenceFacts(kind, dated, level) for kind in kinds]


def test_an_assessor_with_competence_award_and_cpd_can_be_approved():
    evidence = _evidence("experience", "assessor_award", "cpd")
    assert (
        rules.staff_approval_refusals(
            role="assessor", level_number=3, evidence=evidence, as_of=TODAY
        )
        == []
    )


def test_an_assessor_needs_the_assessor_award_but_an_iqa_does_not():
    evidence = _evidence("experience", "cpd")
    refusals = rules.staff_approval_refusals(
        role="assessor", level_number=3, evidence=evidence, as_of=TODAY
    )
    assert refusals == ["No assessor award is recorded."]
    assert (
        rules.staff_approval_refusals(role="iqa", level_number=3, evidence=evidence, as_of=TODAY)
        == []
    )


def test_competence_must_be_at_or_above_the_level_and_in_date():
    low = _evidence("experience", "assessor_award", "cpd", level=3)
    assert rules.staff_approval_refusals(role="assessor", level_number=4, evidence=low, as_of=TODAY)
    old = _evidence("experience", "assessor_award", "cpd", dated=date(2020, 1, 1), level=5)
    refusals = rules.staff_approval_refusals(
        role="assessor", level_number=3, evidence=old, as_of=TODAY
    )
    assert any("last three years" in r for r in refusals)


def test_a_current_registrant_needs_no_separate_cpd_evidence():
    evidence = _evidence("experience", "assessor_award")
    assert rules.staff_approval_refusals(
        role="assessor", level_number=3, evidence=evidence, as_of=TODAY
    ) == ["No CPD evidence from the last three years."]
    assert (
        rules.staff_approval_refusals(
            role="assessor", level_number=3, evidence=evidence, as_of=TODAY, current_registrant=True
        )
        == []
    )


def test_an_invigilator_needs_no_evidence():
    assert (
        rules.staff_approval_refusals(
            role="invigilator", level_number=None, evidence=[], as_of=TODAY
        )
        == []
    )


# --- R9.8 centre devised assessments ------------------------------------------------------------


@pytest.mark.parametrize(
    ("component", "kind", "refused"),
    [
        ("competence", "workplace", None),
        ("competence", "knowledge_test", "competence assessment can only be replaced"),
        ("competence", "assignment", "competence assessment can only be replaced"),
        ("knowledge", "knowledge_test", None),
        ("knowledge", "assignment", None),
        ("knowledge", "workplace", "knowledge assessment can only be replaced"),
        ("competence", "psychometric", "Psychometric and profiling tools"),
        ("knowledge", "profiling", "Psychometric and profiling tools"),
    ],
)
def test_a_centre_devised_assessment_must_match_the_type_it_replaces(component, kind, refused):
    refusal = rules.cda_type_refusal(component_kind=component, assessment_type=kind)
    if refused is None:
        assert refusal is None
    else:
        assert refused in refusal


def test_every_statement_must_be_mapped():
    assert rules.unmapped_statements(required=[1, 2, 3], mapped={1: "Task 1", 2: "  ", 4: "x"}) == [
        2,
        3,
    ]
    assert rules.unmapped_statements(required=[1], mapped={1: "Task 1"}) == []


# --- R9.9 external quality assurance ------------------------------------------------------------


@pytest.mark.parametrize(
    ("commercial", "assessment", "due"),
    [
        ("low", "low", date(2027, 1, 31)),
        ("low", "medium", date(2026, 7, 31)),
        ("medium", "low", date(2026, 7, 31)),
        ("high", "low", date(2026, 4, 30)),
        ("low", "high", date(2026, 4, 30)),
    ],
)
def test_the_higher_risk_decides_how_soon_the_next_visit_is(commercial, assessment, due):
    assert (
        rules.next_visit_due(
            last_visit_on=date(2026, 1, 31),
            commercial_risk=commercial,
            assessment_risk=assessment,
        )
        == due
    )


# --- R9.11 the award ----------------------------------------------------------------------------


def test_the_award_comes_with_the_last_pass_inside_the_window():
    first = date(2026, 3, 1)
    passes = {1: date(2026, 3, 1), 2: date(2027, 2, 28)}
    assert rules.award_date(component_ids=[1, 2], passes=passes, first_attempt_on=first) == date(
        2027, 2, 28
    )


def test_no_award_while_a_component_is_still_to_pass_or_passed_outside_the_window():
    first = date(2026, 3, 1)
    assert rules.award_date(component_ids=[1, 2], passes={1: first}, first_attempt_on=first) is None
    late = {1: first, 2: date(2027, 3, 1)}
    assert rules.award_date(component_ids=[1, 2], passes=late, first_attempt_on=first) is None
    # ...unless an officer extended the window past it.
    assert rules.award_date(
        component_ids=[1, 2], passes=late, first_attempt_on=first, extended_to=date(2027, 3, 31)
    ) == date(2027, 3, 1)
    assert rules.award_date(component_ids=[], passes={}, first_attempt_on=first) is None


@pytest.mark.parametrize(
    ("awarded", "last_day"),
    [(date(2026, 11, 23), date(2029, 11, 22)), (date(2028, 2, 29), date(2031, 2, 27))],
)
def test_an_accreditation_lasts_three_years(awarded, last_day):
    assert rules.award_expires_on(awarded) == last_day


def test_the_status_is_valid_to_the_last_day_then_expired_and_revocation_wins():
    expires = date(2029, 11, 22)
    assert rules.award_status(expires_on=expires, revoked=False, as_of=expires) == "valid"
    assert rules.award_status(expires_on=expires, revoked=False, as_of=date(2029, 11, 23)) == (
        "expired"
    )
    assert rules.award_status(expires_on=expires, revoked=True, as_of=date(2027, 1, 1)) == "revoked"


def test_renewal_needs_a_current_registrant_and_adds_three_years():
    assert rules.renewal_refusal(registrant_status="current") is None
    assert "isn't on the Professional Register" in rules.renewal_refusal(registrant_status=None)
    assert "isn't met" in rules.renewal_refusal(registrant_status="cpd_not_met")
    assert rules.renewed_expiry(expires_on=date(2029, 11, 22)) == date(2032, 11, 22)
    # Valid to the day before 1 March 2032 — a leap year, so to 29 February.
    assert rules.renewed_expiry(expires_on=date(2029, 2, 28)) == date(2032, 2, 29)
