"""Demo accreditation data for `seed_demo`: an approved centre with its approved staff, an EQA
visit, candidates at different points of the path to an award, a centre devised assessment
awaiting a decision, and a second centre that has only applied (R9, R10).

Everything goes through `accreditation.services`, so the demo obeys the same rules as the portal.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from cpd.models import Qualification

from . import services
from .models import (
    Attempt,
    Candidate,
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    CodeOfConduct,
    Level,
    RiskRating,
    Route,
    StaffApproval,
)
from .selectors import statements_for

# (email local part, first name, last name): the logins `seed_demo` prints.
CENTRE_ADMIN = ("centre-admin", "Cara", "Centre")
ASSESSOR = ("assessor", "Asha", "Assessor")
IQA = ("iqa", "Ian", "Quality")
INVIGILATOR = ("invigilator", "Ivy", "Invigilator")
APPLICANT = ("new-centre", "Nadia", "North")
AWARDED = ("candidate", "Cameron", "Candidate")
IN_WINDOW = ("jordan", "Jordan", "Referred")
JUST_REGISTERED = ("taylor", "Taylor", "Newcomer")

APPROVED_OFFERS = [("competence-imi", 3), ("knowledge-imi", 4)]


@dataclass
class DemoAccreditation:
    centre: Centre
    applied_centre: Centre
    awarded: Candidate
    in_window: Candidate
    just_registered: Candidate
    devised_assessment: CentreDevisedAssessment


def _offer(code: str, number: int) -> tuple[Route, Level]:
    return Route.objects.get(code=code), Level.objects.get(number=number)


def seed_accreditation(
    *, today: datetime.date, password: str, email: Callable[[str], str], officer: User
) -> DemoAccreditation:
    """`officer` is the IMI accreditation officer who decides the approvals and visits."""

    def person(who: tuple[str, str, str]) -> User:
        local, first, last = who
        return user_create(
            email=email(local),
            first_name=first,
            last_name=last,
            password=password,
            email_verified=True,
        )

    admin = person(CENTRE_ADMIN)
    centre = _approved_centre(admin=admin, officer=officer, today=today)
    staff = _approved_staff(centre=centre, admin=admin, officer=officer, today=today, person=person)
    _eqa(centre=centre, officer=officer, today=today)
    candidates = _candidates(centre=centre, admin=admin, staff=staff, today=today, person=person)
    assessment = _devised_assessment(centre=centre, admin=admin, today=today)
    applied = services.centre_apply(  # R9.2: waiting for an officer's decision
        user=person(APPLICANT),
        name="Northern Motor Skills Academy",
        email="admin@northern-motor-skills.test",
        phone="0161 496 0000",
        address="12 Mill Street, Manchester M4 5AB",
        offers=[_offer("competence-imi", 3), _offer("knowledge-imi", 3)],
    )
    return DemoAccreditation(
        centre=centre,
        applied_centre=applied,
        devised_assessment=assessment,
        **candidates,
    )


def _approved_centre(*, admin: User, officer: User, today: datetime.date) -> Centre:
    """Midlands applied fourteen months ago and was approved for two routes and levels (R9.2)."""
    centre = services.centre_apply(
        user=admin,
        name="Midlands Automotive Training",
        email="centre@midlands-automotive.test",
        phone="024 7696 0000",
        address="1 Training Way, Coventry CV1 2AB",
        offers=[_offer(code, number) for code, number in APPROVED_OFFERS],
    )
    approved_on = today - relativedelta(months=14)
    for approval in centre.approvals.all():
        services.centre_approval_decide(
            approval=approval,
            status=CentreApproval.Status.APPROVED,
            by=officer,
            note="Approval visit passed: resources and staff in place.",
            today=approved_on,
        )
    # No service assigns the external quality assurer: officers set it in the admin (R9.9).
    centre.refresh_from_db()
    centre.external_quality_assurer = officer
    centre.save(update_fields=["external_quality_assurer"])
    services.centre_qualifications_set(
        centre=centre,
        qualifications=Qualification.objects.filter(accreditation_number="600/5787/7"),
    )
    return centre


def _approved_staff(*, centre: Centre, admin: User, officer: User, today, person) -> dict:
    """An assessor and an IQA with the evidence their approvals need (R9.3, R10.3), and an
    IMI-approved invigilator (R9.7)."""
    ilm = Qualification.objects.filter(accreditation_number="600/5787/7").first()
    assessor, iqa, invigilator = person(ASSESSOR), person(IQA), person(INVIGILATOR)
    evidence = [
        (assessor, "experience", "Service manager, franchised dealer", 4, 1, None),
        (assessor, "assessor_award", "Level 3 Certificate in Assessing (CAVA)", None, 6, None),
        (assessor, "cpd", "IMI Professional Register CPD record", None, 0, None),
        # Older than three years: shown as out of date (R10.3), beside the current experience.
        (assessor, "experience", "Workshop controller", 3, 5, None),
        (iqa, "qualification", "Level 5 Diploma in Management", 5, 2, ilm),
        (
            iqa,
            "teaching",
            "Level 4 Award in the Internal Quality Assurance of Assessment",
            None,
            7,
            None,
        ),
        (iqa, "cpd", "Standardisation and CPD log", None, 0, ilm),
    ]
    for user, kind, title, level, years_ago, qualification in evidence:
        services.competence_evidence_add(
            user=user,
            kind=kind,
            title=title,
            level=level,
            dated=today - relativedelta(years=years_ago, months=2),
            qualification=qualification,
            by=admin,
            today=today,
        )
    requests = [
        (user, role, *_offer(code, number))
        for user, role in ((assessor, "assessor"), (iqa, "iqa"))
        for code, number in APPROVED_OFFERS
    ]
    requests.append((invigilator, StaffApproval.Role.INVIGILATOR, None, None))
    for user, role, route, level in requests:
        approval = services.staff_approval_request(
            centre=centre, user=user, role=role, route=route, level=level, by=admin
        )
        services.staff_approval_decide(approval=approval, approve=True, by=officer, today=today)
    return {"assessor": assessor, "iqa": iqa, "invigilator": invigilator}


def _eqa(*, centre: Centre, officer: User, today: datetime.date) -> None:
    """A visit two months ago; its ratings set the next one (R9.9)."""
    services.eqa_visit_record(
        centre=centre,
        visited_on=today - relativedelta(months=2),
        quality_assurer=officer,
        commercial_risk=RiskRating.LOW,
        assessment_risk=RiskRating.MEDIUM,
        findings=(
            "Assessment decisions sampled for six candidates: sound and well evidenced. "
            "Standardisation meetings happen but are not minuted."
        ),
        actions=[
            (
                "Minute every standardisation meeting and keep the minutes with the IQA records.",
                today + relativedelta(months=1),
            )
        ],
        today=today,
    )


def _ready(candidate: Candidate, *, admin: User, on: datetime.date, code_accepted: bool = True):
    """The R9.4 gate on `on`: the Awarding Organisation registration, eligibility and (unless
    still waiting) the candidate's acceptance of the Code of Conduct."""
    at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    services.candidate_record_registration(
        candidate=candidate, number=f"AO-{candidate.pk:06d}", registered_on=on, today=on
    )
    services.candidate_confirm_eligibility(
        candidate=candidate,
        note="Service manager at a franchised dealer, supported by the employer.",
        by=admin,
        at=at,
    )
    if code_accepted:
        services.candidate_accept_code(candidate=candidate, user=candidate.user, at=at)


def _candidates(*, centre: Centre, admin: User, staff: dict, today, person) -> dict:
    # Nothing happens before the Code of Conduct was published (R9.4).
    published = CodeOfConduct.objects.order_by("published_on").first().published_on
    start = max(today - datetime.timedelta(days=210), published)

    def register(who, code: str, number: int) -> Candidate:
        route, level = _offer(code, number)
        user = person(who)
        return services.candidate_register(
            centre=centre,
            email=user.email,
            first_name=user.first_name,
            last_name=user.last_name,
            route=route,
            level=level,
            by=admin,
            notify=False,  # demo addresses: no emails while seeding
        )

    def attempt(candidate: Candidate, component: str, on: datetime.date, outcome: str) -> None:
        component = candidate.route.components.get(code=component)
        services.attempt_record(
            candidate=candidate,
            component=component,
            attempted_on=on,
            assessor=staff["assessor"],
            invigilator=staff["invigilator"] if component.online_test else None,
            outcome=outcome,
            notes="Demo attempt.",
            by=admin,
            today=today,
        )

    # Cameron: every component passed in the window, so awarded (R9.5, R9.11).
    awarded = register(AWARDED, "competence-imi", 3)
    _ready(awarded, admin=admin, on=start)
    attempt(awarded, "upk-test", start + datetime.timedelta(days=14), Attempt.Outcome.REFER)
    attempt(awarded, "upk-test", start + datetime.timedelta(days=35), Attempt.Outcome.PASS)
    attempt(awarded, "practical", start + datetime.timedelta(days=60), Attempt.Outcome.PASS)

    # Jordan: the online test referred, the project passed; the window is running (R9.5).
    in_window = register(IN_WINDOW, "knowledge-imi", 4)
    first_attempt = max(today - datetime.timedelta(days=75), start)
    _ready(in_window, admin=admin, on=first_attempt)
    attempt(in_window, "online-test", first_attempt, Attempt.Outcome.REFER)
    attempt(in_window, "project", today - datetime.timedelta(days=20), Attempt.Outcome.PASS)

    # Taylor: just registered; the centre has done its part, the Code of Conduct waits (R9.4).
    just_registered = register(JUST_REGISTERED, "competence-imi", 3)
    _ready(just_registered, admin=admin, on=today, code_accepted=False)

    for candidate in (awarded, in_window, just_registered):
        candidate.refresh_from_db()
    return {"awarded": awarded, "in_window": in_window, "just_registered": just_registered}


def _devised_assessment(*, centre: Centre, admin: User, today) -> CentreDevisedAssessment:
    """The centre applies for the centre devised competence route at level 3 and submits its
    own practical assessment, mapped to every statement, for the IMI's decision (R9.8)."""
    route, level = _offer("competence-centre-devised", 3)
    services.centre_approval_request(centre=centre, route=route, level=level)
    statements = statements_for(route=route, level=level)
    assessment = services.cda_submit(
        centre=centre,
        route=route,
        level=level,
        replaces=route.components.get(code="practical"),
        title="Workshop role play: resolving a customer complaint",
        assessment_type=CentreDevisedAssessment.AssessmentType.WORKPLACE,
        description=(
            "The candidate leads a filmed role play with a dissatisfied customer and a debrief "
            "with the service team, observed by an approved assessor."
        ),
        fee=Decimal("350.00"),
        mappings={s.pk: f"Role play, observation point for {s.code}" for s in statements},
        by=admin,
    )
    # The fee is recorded as paid (R9.8), so an officer can approve or reject it straight away;
    # there is no service for the payment, officers record it in the admin.
    assessment.fee_paid_on = today - datetime.timedelta(days=3)
    assessment.save(update_fields=["fee_paid_on"])
    return assessment
