"""The rules of IMI Accreditation – Management (R9, R10) as pure functions.

They take values and return values: no clock (`as_of` is passed in), no ORM. Services load the
facts, call these, and act on the answer; the messages returned are shown to people as they are.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

WINDOW_MONTHS = 12  # R9.5
ONLINE_ATTEMPTS_BEFORE_REVIEW = 3  # R9.6
EVIDENCE_CURRENT_YEARS = 3  # R10.3
AWARD_YEARS = 3  # R9.11
# R9.9: a higher risk means more frequent monitoring; the higher of the two ratings decides.
VISIT_INTERVAL_MONTHS = {"low": 12, "medium": 6, "high": 3}
RISK_ORDER = ("low", "medium", "high")


def _fmt(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- R9.5 the twelve-month window --------------------------------------------------------------


def window_end(first_attempt_on: date, extended_to: date | None = None) -> date:
    """The last day an attempt counts: twelve calendar months from the first attempt, the day
    before its anniversary (first attempt 1 March 2026: last day 28 February 2027, day 365), or
    the officer's extended date when later (R9.5)."""
    end = first_attempt_on + relativedelta(months=WINDOW_MONTHS) - timedelta(days=1)
    if extended_to is not None and extended_to > end:
        return extended_to
    return end


def window_refusal(
    *, attempt_on: date, first_attempt_on: date | None, extended_to: date | None = None
) -> str | None:
    """Why an attempt on `attempt_on` is outside the window, or None (R9.5)."""
    if first_attempt_on is None:
        return None  # this attempt opens the window
    if attempt_on < first_attempt_on:
        return (
            f"The attempt date is before the candidate's first attempt on {_fmt(first_attempt_on)}."
        )
    end = window_end(first_attempt_on, extended_to)
    if attempt_on > end:
        return (
            f"The twelve-month window ended on {_fmt(end)}: attempts after that date don't count. "
            "An IMI accreditation officer can extend the window in exceptional circumstances."
        )
    return None


def days_left_in_window(*, as_of: date, end: date) -> int:
    """Days left including today; 0 once the window has closed."""
    return max((end - as_of).days + 1, 0)


# --- R9.4 before any assessment ----------------------------------------------------------------


def assessment_gate_refusals(
    *, ao_registered: bool, eligible: bool, code_accepted: bool
) -> list[str]:
    """What is still missing before a candidate can be assessed (R9.4); empty when nothing."""
    missing = []
    if not ao_registered:
        missing.append("The centre hasn't recorded the Awarding Organisation registration.")
    if not eligible:
        missing.append("The centre hasn't confirmed the candidate is eligible for the route.")
    if not code_accepted:
        missing.append("The candidate hasn't accepted the Accreditation Code of Conduct yet.")
    return missing


# --- R9.6 online test attempts -----------------------------------------------------------------


def online_attempt_refusal(*, unsuccessful: int, reviews: int) -> str | None:
    """After three unsuccessful online tests the centre records a level review before the next
    attempt; each review allows three more (R9.6)."""
    allowed = ONLINE_ATTEMPTS_BEFORE_REVIEW * (reviews + 1)
    if unsuccessful >= allowed:
        return (
            f"The candidate has had {unsuccessful} unsuccessful online test attempts. Record a "
            "review of whether they are at the right level, with refresher training, before "
            "another attempt."
        )
    return None


def level_review_due(*, unsuccessful: int, reviews: int) -> bool:
    return online_attempt_refusal(unsuccessful=unsuccessful, reviews=reviews) is not None


# --- R9.3, R9.7, R10.3 centre staff -------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalFacts:
    role: str  # "assessor", "iqa" or "invigilator"
    status: str
    route_id: int | None
    level_number: int | None


def is_approved(
    approvals: Iterable[ApprovalFacts], *, role: str, route_id: int, level_number: int
) -> bool:
    """Whether a person currently holds an approval for this role, route and level (R9.3).
    Invigilators are approved by the IMI for any route (R9.7)."""
    for approval in approvals:
        if approval.role != role or approval.status != "approved":
            continue
        if role == "invigilator":
            return True
        if approval.route_id == route_id and approval.level_number == level_number:
            return True
    return False


@dataclass(frozen=True)
class EvidenceFacts:
    kind: str  # CompetenceEvidence.Kind
    dated: date
    level: int | None = None


# Occupational competence and CPD must be recent; an award or a teaching qualification is not
# something that goes out of date (R10.3).
EXPIRING_KINDS = frozenset({"experience", "qualification", "cpd"})


def evidence_out_of_date(*, kind: str, dated: date, as_of: date) -> bool:
    """Evidence older than three years is out of date (R10.3)."""
    if kind not in EXPIRING_KINDS:
        return False
    return dated <= as_of - relativedelta(years=EVIDENCE_CURRENT_YEARS)


def staff_approval_refusals(
    *,
    role: str,
    level_number: int | None,
    evidence: Iterable[EvidenceFacts],
    as_of: date,
    current_registrant: bool = False,
) -> list[str]:
    """What stops the Awarding Organisation approving this person (R9.3); empty when nothing.

    Assessors: occupational competence at or above the level, in date; the assessor award; CPD in
    date (or being a current member of the Professional Register). IQAs: the same without the
    award. Invigilators need no assessor award (R9.7).
    """
    if role == "invigilator":
        return []
    current = [
        e for e in evidence if not evidence_out_of_date(kind=e.kind, dated=e.dated, as_of=as_of)
    ]
    refusals = []
    competent = [
        e
        for e in current
        if e.kind in ("experience", "qualification")
        and (level_number is None or (e.level or 0) >= level_number)
    ]
    if not competent:
        refusals.append(
            f"No occupational competence evidence at level {level_number} or above from the "
            "last three years."
        )
    if role == "assessor" and not any(e.kind == "assessor_award" for e in current):
        refusals.append("No assessor award is recorded.")
    if not current_registrant and not any(e.kind == "cpd" for e in current):
        refusals.append("No CPD evidence from the last three years.")
    return refusals


# --- R9.8 centre devised assessments -----------------------------------------------------------

VALID_CDA_TYPES = {
    # component kind -> the assessment types that may replace it
    "competence": frozenset({"workplace"}),
    "knowledge": frozenset({"knowledge_test", "assignment"}),
}


def cda_type_refusal(*, component_kind: str, assessment_type: str) -> str | None:
    if assessment_type in ("psychometric", "profiling"):
        return (
            "Psychometric and profiling tools are not a valid and reliable form of assessment, so "
            "they can't be approved."
        )
    if assessment_type not in VALID_CDA_TYPES.get(component_kind, frozenset()):
        if component_kind == "competence":
            return (
                "A competence assessment can only be replaced by another competence assessment, "
                "not by an assignment or a knowledge test."
            )
        return "A knowledge assessment can only be replaced by a knowledge test or an assignment."
    return None


def unmapped_statements(*, required: Iterable[int], mapped: Mapping[int, str]) -> list[int]:
    """The statements with no mapping (R9.8: every statement of the route and level)."""
    return [pk for pk in required if not (mapped.get(pk) or "").strip()]


# --- R9.9 external quality assurance -----------------------------------------------------------


def higher_risk(commercial: str, assessment: str) -> str:
    return max(commercial, assessment, key=RISK_ORDER.index)


def next_visit_due(*, last_visit_on: date, commercial_risk: str, assessment_risk: str) -> date:
    """Low risk: yearly; medium: every six months; high: every three months (R9.9)."""
    months = VISIT_INTERVAL_MONTHS[higher_risk(commercial_risk, assessment_risk)]
    return last_visit_on + relativedelta(months=months)


# --- R9.5, R9.11 the award ---------------------------------------------------------------------


def award_date(
    *,
    component_ids: Iterable[int],
    passes: Mapping[int, date],
    first_attempt_on: date | None,
    extended_to: date | None = None,
) -> date | None:
    """The day the accreditation is achieved: when the last component is passed, provided every
    pass is inside the window (R9.5, R9.11). None while anything is still to pass."""
    needed = list(component_ids)
    if not needed or first_attempt_on is None:
        return None
    end = window_end(first_attempt_on, extended_to)
    days = []
    for pk in needed:
        passed_on = passes.get(pk)
        if passed_on is None or not first_attempt_on <= passed_on <= end:
            return None
        days.append(passed_on)
    return max(days)


def award_expires_on(awarded_on: date) -> date:
    """An accreditation lasts three years: the last valid day is the day before the third
    anniversary (R9.11)."""
    return awarded_on + relativedelta(years=AWARD_YEARS) - timedelta(days=1)


def award_status(*, expires_on: date, revoked: bool, as_of: date) -> str:
    if revoked:
        return "revoked"
    return "valid" if as_of <= expires_on else "expired"


def renewal_refusal(*, registrant_status: str | None) -> str | None:
    """Re-accreditation needs CPD in line with the Professional Register (R9.11): the holder must
    be a current registrant, i.e. meeting their CPD cycles (R1-R3, R8.1)."""
    if registrant_status is None:
        return (
            "The holder isn't on the Professional Register, so there is no CPD record to renew on."
        )
    if registrant_status != "current":
        return "The holder's CPD requirement isn't met on the Professional Register."
    return None


def renewed_expiry(*, expires_on: date) -> date:
    """A renewal adds three years to the current expiry (R9.11)."""
    return award_expires_on(expires_on + timedelta(days=1))
