"""Every list page and list endpoint issues the same number of queries at 1 row and at 50 rows
(issue 7): no N+1 anywhere a list grows.

Each endpoint is requested once to warm up, measured with one row of what it lists, then measured
again after 49 more rows were bulk-inserted. The pages of registrants, centres, the public
register, the API and every admin changelist (plus the admin pages whose inlines list rows).
"""

import datetime
import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import User
from accreditation.models import (
    Attempt,
    AttemptEvidence,
    Award,
    Candidate,
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    CentreMembership,
    CodeOfConduct,
    CompetenceEvidence,
    Component,
    EqaAction,
    EqaVisit,
    Level,
    LevelModule,
    Module,
    StaffApproval,
    Statement,
    StatementMapping,
)
from audit.models import AuditCase, AuditDraw, AuditItem
from cpd.models import (
    Activity,
    ActivityType,
    Evidence,
    GatewayCourse,
    Objective,
    Qualification,
    QualificationUnit,
)
from register.models import (
    Cycle,
    Registrant,
    Reminder,
    Removal,
    SupportRequest,
    TermsAcceptance,
    TermsVersion,
)
from tests.accreditation.factories import (
    approved_centre,
    approved_staff,
    centre_admin,
    level,
    make_candidate,
    route,
)
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


@dataclass
class Base:
    """What every endpoint needs before its rows: registrant A with an open cycle, an objective
    and an open audit; centre A with its administrator, an assessor and A as a candidate; a
    superuser with TOTP for the admin."""

    registrant: Registrant
    cycle: Cycle
    objective: Objective
    case: AuditCase
    centre: Centre
    centre_admin: User
    assessor: User
    candidate: Candidate
    superuser: User
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def take(self, n: int) -> list[int]:
        """`n` numbers never used before in this test, for unique fields."""
        return [next(self.numbers) for _ in range(n)]


def build_base() -> Base:
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    superuser = User.objects.create_superuser(email="root@example.org", password="x")
    Authenticator.objects.create(user=superuser, type=Authenticator.Type.TOTP, data={"secret": "x"})
    draw = _draws(superuser, 1)[0]
    centre = approved_centre()
    return Base(
        registrant=registrant,
        cycle=registrant.cycles.get(status=Cycle.Status.OPEN),
        objective=Objective.objects.create(
            registrant=registrant,
            title="Objective",
            description="D",
            measure="M",
            target_date=datetime.date(2027, 6, 1),
        ),
        case=AuditCase.objects.create(
            draw=draw, registrant=registrant, due_on=draw.due_on, opened_at=NOW
        ),
        centre=centre,
        centre_admin=centre_admin(centre),
        assessor=approved_staff(centre),
        candidate=make_candidate(centre, user=registrant.user),
        superuser=superuser,
    )


# --- Rows, bulk-inserted ------------------------------------------------------------------------


def _users(b: Base, n: int) -> list[User]:
    return User.objects.bulk_create(
        User(email=f"bulk{i}@example.org", first_name=f"Bulk{i}", last_name="Bulkley", password="!")
        for i in b.take(n)
    )


def _registrants(b: Base, n: int) -> list[Registrant]:
    registrants = Registrant.objects.bulk_create(
        Registrant(user=user, membership_number=f"PR{900000 + user.pk}", joined_on=TODAY)
        for user in _users(b, n)
    )
    Cycle.objects.bulk_create(
        Cycle(
            registrant=registrant,
            number=1,
            start=TODAY,
            end=TODAY.replace(year=TODAY.year + 3),
            scheduled_end=TODAY.replace(year=TODAY.year + 3),
            target=Decimal("90"),
        )
        for registrant in registrants
    )
    return registrants


def _activities(b: Base, n: int, *, registrant=None, objective=None) -> list[Activity]:
    registrant = registrant or b.registrant
    cycle = registrant.cycles.get(status=Cycle.Status.OPEN)
    types = list(ActivityType.objects.filter(slug__in=["seminar", "reading"]))
    activities = Activity.objects.bulk_create(
        Activity(
            registrant=registrant,
            cycle=cycle,
            title=f"Activity {i}",
            activity_type=types[i % len(types)],
            principle="personal",
            hours=Decimal("1.5"),
            reflection="Learned.",
            completed_on=TODAY - datetime.timedelta(days=i % 300),
            objective=objective,
            credits=Decimal("1.5"),
            credits_explanation="1.5 hours",
        )
        for i in b.take(n)
    )
    _evidence(b, activities)
    return activities


def _evidence(b: Base, activities: list[Activity]) -> list[Evidence]:
    return Evidence.objects.bulk_create(
        Evidence(
            activity=activity,
            file=f"evidence/bulk/{activity.pk}.pdf",
            original_name=f"certificate-{activity.pk}.pdf",
            content_type="application/pdf",
            extension=".pdf",
            size=100,
            uploaded_by=b.registrant.user,
        )
        for activity in activities
    )


def _one_activitys_evidence(b: Base, n: int) -> None:
    if not hasattr(b, "evidence_activity"):
        b.evidence_activity = _activities(b, 1)[0]
    _evidence(b, [b.evidence_activity] * n)


def _objectives(b: Base, n: int) -> None:
    objectives = Objective.objects.bulk_create(
        Objective(
            registrant=b.registrant,
            title=f"Objective {i}",
            description="D",
            measure="M",
            target_date=datetime.date(2027, 6, 1),
        )
        for i in b.take(n)
    )
    for objective in objectives:
        _activities(b, 1, objective=objective)


def _audit_items(b: Base, n: int) -> None:
    AuditItem.objects.bulk_create(
        AuditItem(case=b.case, activity=activity, credits_before=activity.credits)
        for activity in _activities(b, n)
    )


def _support_requests(b: Base, n: int) -> None:
    SupportRequest.objects.bulk_create(
        SupportRequest(
            registrant=b.registrant,
            cycle=b.cycle,
            kind=SupportRequest.Kind.CIRCUMSTANCES,
            category=SupportRequest.Category.OTHER,
            explanation=f"Request {i}",
            requested_on=TODAY,
        )
        for i in b.take(n)
    )


def _removals(b: Base, n: int) -> None:
    Removal.objects.bulk_create(
        Removal(
            registrant=registrant,
            reason=Removal.Reason.OTHER,
            details="Details",
            removed_on=TODAY,
            appeal_by=TODAY + datetime.timedelta(days=28),
            removed_by=b.superuser,
        )
        for registrant in _registrants(b, n)
    )


def _reminders(b: Base, n: int, *, postal: bool = False) -> None:
    Reminder.objects.bulk_create(
        Reminder(
            cycle=b.cycle,
            due_on=TODAY - datetime.timedelta(days=i),
            phase=Reminder.Phase.SIX_MONTHLY,
            channel=Reminder.Channel.POST if postal else Reminder.Channel.EMAIL,
            status=Reminder.Status.POSTAL_DUE if postal else Reminder.Status.SENT,
        )
        for i in b.take(n)
    )


def _acceptances(b: Base, n: int) -> None:
    terms = TermsVersion.objects.first()
    TermsAcceptance.objects.bulk_create(
        TermsAcceptance(registrant=b.registrant, terms=terms, occasion="renewal", accepted_at=NOW)
        for _ in range(n)
    )


def _draws(user: User, n: int) -> list[AuditDraw]:
    return AuditDraw.objects.bulk_create(
        AuditDraw(
            drawn_by=user,
            drawn_at=NOW,
            drawn_on=TODAY,
            seed=7,
            population="current",
            number=1,
            due_on=TODAY + datetime.timedelta(days=28),
            population_size=1,
            size=1,
        )
        for _ in range(n)
    )


def _audit_cases(b: Base, n: int) -> None:
    draw = b.case.draw
    AuditCase.objects.bulk_create(
        AuditCase(draw=draw, registrant=registrant, due_on=draw.due_on, opened_at=NOW)
        for registrant in _registrants(b, n)
    )


def _candidates(b: Base, n: int, *, centre=None, awarded: bool = False) -> list[Candidate]:
    centre = centre or b.centre
    candidates = Candidate.objects.bulk_create(
        Candidate(
            centre=centre,
            user=user,
            route=b.candidate.route,
            level=b.candidate.level,
            ao_registration_number="AO-1",
            ao_registered_on=TODAY,
        )
        for user in _users(b, n)
    )
    _attempts(b, candidates)
    if awarded:
        _awards(candidates)
    return candidates


def _awards(candidates: list[Candidate]) -> None:
    Award.objects.bulk_create(
        Award(
            candidate=candidate,
            holder_id=candidate.user_id,
            title="IMI Accreditation",
            awarded_on=TODAY,
            expires_on=TODAY + datetime.timedelta(days=1000),
            verification_code=f"BULK{candidate.pk:08d}",
        )
        for candidate in candidates
    )


def _attempts(b: Base, candidates: list[Candidate]) -> list[Attempt]:
    component = Component.objects.filter(route=b.candidate.route).first()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            candidate=candidate,
            component=component,
            attempted_on=TODAY - datetime.timedelta(days=10),
            assessor=b.assessor,
            outcome=Attempt.Outcome.REFER,
            recorded_by=b.centre_admin,
        )
        for candidate in candidates
    )
    AttemptEvidence.objects.bulk_create(
        AttemptEvidence(
            attempt=attempt,
            file=f"attempts/bulk/{attempt.pk}.pdf",
            original_name="roleplay.pdf",
            content_type="application/pdf",
            extension=".pdf",
            size=100,
        )
        for attempt in attempts
    )
    return attempts


def _public_registrants(b: Base, n: int) -> None:
    """Registrants on the public register, each holding an accreditation (R8.3)."""
    registrants = _registrants(b, n)
    candidates = Candidate.objects.bulk_create(
        Candidate(centre=b.centre, user=r.user, route=b.candidate.route, level=b.candidate.level)
        for r in registrants
    )
    _awards(candidates)


def _people(b: Base, n: int, *, centre=None) -> list[User]:
    """People at the centre, each an approved assessor with competence evidence."""
    centre = centre or b.centre
    users = _users(b, n)
    CentreMembership.objects.bulk_create(
        CentreMembership(centre=centre, user=user, role=CentreMembership.CentreRole.ASSESSOR)
        for user in users
    )
    StaffApproval.objects.bulk_create(
        StaffApproval(
            centre=centre,
            user=user,
            role=StaffApproval.Role.ASSESSOR,
            route=b.candidate.route,
            level=b.candidate.level,
            status=StaffApproval.Status.APPROVED,
        )
        for user in users
    )
    _competence(users, 1)
    return users


def _competence(users: list[User], per_user: int, qualification=None) -> None:
    CompetenceEvidence.objects.bulk_create(
        CompetenceEvidence(
            user=user,
            kind="experience",
            title="Service manager",
            dated=TODAY - datetime.timedelta(days=30 + i),
            level=3,
            qualification=qualification,
        )
        for user in users
        for i in range(per_user)
    )


def _centres(b: Base, n: int, *, member: User | None = None) -> list[Centre]:
    centres = Centre.objects.bulk_create(
        Centre(
            name=f"Centre {i}",
            number=f"B{i:05d}",
            status=Centre.Status.APPROVED,
            approved_on=TODAY,
            external_quality_assurer=b.superuser,
        )
        for i in b.take(n)
    )
    CentreApproval.objects.bulk_create(
        CentreApproval(
            centre=centre,
            route=b.candidate.route,
            level=b.candidate.level,
            status=CentreApproval.Status.APPROVED,
        )
        for centre in centres
    )
    if member is not None:
        CentreMembership.objects.bulk_create(
            CentreMembership(centre=centre, user=member, role="centre_administrator")
            for centre in centres
        )
    return centres


def _qualifications(b: Base, n: int) -> list[Qualification]:
    qualifications = Qualification.objects.bulk_create(
        Qualification(
            accreditation_number=f"BULK/{i}", title=f"Qualification {i}", level=3, credit_value=10
        )
        for i in b.take(n)
    )
    QualificationUnit.objects.bulk_create(
        QualificationUnit(qualification=q, code="U1", title="Unit", level=3, credit_value=5)
        for q in qualifications
    )
    return qualifications


def _delivered_qualifications(b: Base, n: int) -> None:
    qualifications = _qualifications(b, n)
    b.centre.qualifications.add(*qualifications)
    for qualification in qualifications:
        _competence([b.assessor], 1, qualification=qualification)


def _visits(b: Base, n: int) -> None:
    visits = EqaVisit.objects.bulk_create(
        EqaVisit(
            centre=b.centre,
            visited_on=TODAY - datetime.timedelta(days=i),
            quality_assurer=b.superuser,
            commercial_risk="low",
            assessment_risk="low",
            findings="Fine.",
        )
        for i in b.take(n)
    )
    EqaAction.objects.bulk_create(
        EqaAction(visit=visit, description="Do it.", due_on=TODAY) for visit in visits
    )


def _visit_actions(b: Base, n: int) -> None:
    if not hasattr(b, "visit"):
        _visits(b, 1)
        b.visit = EqaVisit.objects.filter(centre=b.centre).first()
    EqaAction.objects.bulk_create(
        EqaAction(visit=b.visit, description="Do it.", due_on=TODAY) for _ in range(n)
    )


def _devised(b: Base, n: int) -> None:
    practical = Component.objects.get(route__code="competence-centre-devised", code="practical")
    CentreDevisedAssessment.objects.bulk_create(
        CentreDevisedAssessment(
            centre=b.centre,
            route=route("competence-centre-devised"),
            level=level(3),
            replaces=practical,
            title=f"Assessment {i}",
            assessment_type="workplace",
            description="Observed.",
            fee=Decimal("250.00"),
            submitted_by=b.centre_admin,
        )
        for i in b.take(n)
    )


def _candidate_attempts(b: Base, n: int) -> None:
    _attempts(b, [b.candidate] * n)


def _staff_approvals(b: Base, n: int) -> None:
    _people(b, n)


def _centre_approvals(b: Base, n: int) -> None:
    _centres(b, n)


def _memberships(b: Base, n: int) -> None:
    _people(b, n)


def _tokens(b: Base, n: int) -> None:
    Token.objects.bulk_create(Token(key=Token.generate_key(), user=user) for user in _users(b, n))


def _email_addresses(b: Base, n: int) -> None:
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, primary=True, verified=True)
        for user in _users(b, n)
    )


def _authenticators(b: Base, n: int) -> None:
    Authenticator.objects.bulk_create(
        Authenticator(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        for user in _users(b, n)
    )


def _simple(model, **values) -> Callable[[Base, int], None]:
    """Rows of a catalogue: `values` may use {i} for a unique number."""

    def add(b: Base, n: int) -> None:
        model.objects.bulk_create(
            model(**{k: v.format(i=i) if isinstance(v, str) else v for k, v in values.items()})
            for i in b.take(n)
        )

    return add


def _levels(b: Base, n: int) -> None:
    Level.objects.bulk_create(Level(number=100 + i, name=f"Level {i}") for i in b.take(n))


def _module(b: Base) -> Module:
    if not hasattr(b, "module"):
        b.module = Module.objects.create(code="BULKMOD", title="Bulk module")
    return b.module


def _statements(b: Base, n: int) -> list[Statement]:
    return Statement.objects.bulk_create(
        Statement(module=_module(b), framework="competence", code=f"S{i}", text=f"Statement {i}")
        for i in b.take(n)
    )


def _mappings(b: Base, n: int) -> None:
    """Statement mappings of one centre devised assessment (R9.8)."""
    if not hasattr(b, "devised"):
        _devised(b, 1)
        b.devised = CentreDevisedAssessment.objects.get(centre=b.centre)
    StatementMapping.objects.bulk_create(
        StatementMapping(assessment=b.devised, statement=statement, covered_by="Observation")
        for statement in _statements(b, n)
    )


def _units(b: Base, n: int) -> None:
    if not hasattr(b, "qualification"):
        b.qualification = _qualifications(b, 1)[0]
    QualificationUnit.objects.bulk_create(
        QualificationUnit(
            qualification=b.qualification, code=f"U{i}", title="Unit", level=3, credit_value=5
        )
        for i in b.take(n)
    )


def _level_modules(b: Base, n: int) -> None:
    if not hasattr(b, "level"):
        _levels(b, 1)
        b.level = Level.objects.order_by("-number").first()
    modules = Module.objects.bulk_create(
        Module(code=f"BULK{i}", title=f"Module {i}") for i in b.take(n)
    )
    LevelModule.objects.bulk_create(LevelModule(level=b.level, module=m) for m in modules)


def _components(b: Base, n: int) -> None:
    Component.objects.bulk_create(
        Component(
            route=b.candidate.route, code=f"bulk-{i}", name=f"Component {i}", kind="competence"
        )
        for i in b.take(n)
    )


# --- The endpoints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    url: Callable[[Base], str]
    rows: Callable[[Base, int], None]
    viewer: str | None  # an attribute of Base, or None for a visitor


def page(name: str, *args: Callable[[Base], object]) -> Callable[[Base], str]:
    return lambda b: reverse(name, args=[arg(b) for arg in args])


ADMIN_COURSES = _simple(GatewayCourse, title="Course {i}", credits=Decimal("10"))
ADMIN_TYPES = _simple(ActivityType, slug="bulk-{i}", name="Type {i}", group="Bulk", position=99)
CENTRE = lambda b: b.centre.pk  # noqa: E731
CANDIDATE = lambda b: b.candidate.pk  # noqa: E731
A = "registrant.user"
CENTRE_ADMIN = "centre_admin"
SUPERUSER = "superuser"

ENDPOINTS: dict[str, Endpoint] = {
    # registrant A's pages and API
    "cpd dashboard": Endpoint(page("cpd:dashboard"), _activities, A),
    "cpd activity list": Endpoint(page("cpd:activity_list"), _activities, A),
    "cpd objectives": Endpoint(page("cpd:objective_list"), _objectives, A),
    "cpd record pdf": Endpoint(page("cpd:record_pdf"), _activities, A),
    "cpd data json": Endpoint(page("cpd:data_json"), _activities, A),
    "audit cases": Endpoint(page("audit:cases"), _audit_items, A),
    "support requests": Endpoint(page("register:support"), _support_requests, A),
    "my accreditation": Endpoint(page("accreditation:my_accreditation"), _candidate_attempts, A),
    "api activities": Endpoint(page("api:activity-list"), _activities, A),
    "api objectives": Endpoint(page("api:objective-list"), _objectives, A),
    "api progress": Endpoint(page("api:me-progress"), _activities, A),
    "api activity evidence": Endpoint(
        lambda b: reverse("api:activity-evidence", args=[b.evidence_activity.pk]),
        _one_activitys_evidence,
        A,
    ),
    # the public register
    "public register": Endpoint(page("register:public_register"), _public_registrants, None),
    "public register search": Endpoint(
        lambda b: reverse("register:public_register") + "?q=Bulkley", _public_registrants, None
    ),
    # centre A's pages and the centre API, as its administrator
    "my centre": Endpoint(page("accreditation:my_centre"), _people, CENTRE_ADMIN),
    "centre detail": Endpoint(page("accreditation:centre_detail", CENTRE), _visits, CENTRE_ADMIN),
    "centre people": Endpoint(page("accreditation:centre_people", CENTRE), _people, CENTRE_ADMIN),
    "centre person": Endpoint(
        page("accreditation:centre_person", CENTRE, lambda b: b.assessor.pk),
        lambda b, n: _competence([b.assessor], n),
        CENTRE_ADMIN,
    ),
    "centre qualifications": Endpoint(
        page("accreditation:centre_qualifications", CENTRE),
        _delivered_qualifications,
        CENTRE_ADMIN,
    ),
    "devised assessments": Endpoint(page("accreditation:cda_list", CENTRE), _devised, CENTRE_ADMIN),
    "candidates": Endpoint(
        page("accreditation:candidate_list", CENTRE),
        lambda b, n: _candidates(b, n, awarded=True),
        CENTRE_ADMIN,
    ),
    "candidate detail": Endpoint(
        page("accreditation:candidate_detail", CENTRE, CANDIDATE),
        _candidate_attempts,
        CENTRE_ADMIN,
    ),
    "attempt form": Endpoint(
        page("accreditation:attempt_new", CENTRE, CANDIDATE), _people, CENTRE_ADMIN
    ),
    "api centres": Endpoint(
        page("api:centre-centre-list"),
        lambda b, n: _centres(b, n, member=b.centre_admin),
        CENTRE_ADMIN,
    ),
    "api candidates": Endpoint(
        page("api:centre-candidate-list"),
        lambda b, n: _candidates(b, n, awarded=True),
        CENTRE_ADMIN,
    ),
    "api candidate detail": Endpoint(
        page("api:centre-candidate-detail", CANDIDATE), _candidate_attempts, CENTRE_ADMIN
    ),
    "api attempts": Endpoint(page("api:centre-attempt-list"), _candidate_attempts, CENTRE_ADMIN),
    "devised assessment": Endpoint(
        lambda b: reverse("accreditation:cda_detail", args=[b.centre.pk, b.devised.pk]),
        _mappings,
        CENTRE_ADMIN,
    ),
    # the catalogues, for any signed-in client
    "api activity types": Endpoint(page("api:activity-type-list"), ADMIN_TYPES, A),
    "api gateway courses": Endpoint(page("api:gateway-course-list"), ADMIN_COURSES, A),
    "api qualifications": Endpoint(page("api:qualification-list"), _qualifications, A),
    # IMI staff
    "api registrants": Endpoint(page("api:registrant-list"), _registrants, SUPERUSER),
    "staff overview": Endpoint(page("register:staff_overview"), _support_requests, SUPERUSER),
}

# Rows for each model's admin changelist. Routes are the exception: one per framework and
# method (a unique pair), so there are never 50 of them.
ADMIN_ROWS: dict[str, Callable[[Base, int], None]] = {
    "auth.group": _simple(Group, name="Bulk group {i}"),
    "account.emailaddress": _email_addresses,
    "mfa.authenticator": _authenticators,
    "authtoken.tokenproxy": _tokens,
    "accounts.user": _users,
    "register.registrant": _registrants,
    "register.cycle": _registrants,
    "register.termsversion": _simple(
        TermsVersion, kind="terms", version="bulk-{i}", body="Terms.", published_on=TODAY
    ),
    "register.termsacceptance": _acceptances,
    "register.reminder": _reminders,
    "register.postalreminder": lambda b, n: _reminders(b, n, postal=True),
    "register.supportrequest": _support_requests,
    "register.removal": _removals,
    "cpd.activity": _activities,
    "cpd.evidence": _activities,
    "cpd.objective": _objectives,
    "cpd.gatewaycourse": ADMIN_COURSES,
    "cpd.qualification": _qualifications,
    "cpd.activitytype": ADMIN_TYPES,
    "accreditation.level": _levels,
    "accreditation.module": _simple(Module, code="BULK{i}", title="Module {i}"),
    "accreditation.codeofconduct": _simple(
        CodeOfConduct, version="bulk-{i}", body="Code.", published_on=TODAY
    ),
    "accreditation.centre": _centres,
    "accreditation.centremembership": _memberships,
    "accreditation.centreapproval": _centre_approvals,
    "accreditation.staffapproval": _staff_approvals,
    "accreditation.competenceevidence": lambda b, n: _competence([b.assessor], n),
    "accreditation.eqavisit": _visits,
    "accreditation.centredevisedassessment": _devised,
    "accreditation.candidate": _candidates,
    "accreditation.award": lambda b, n: _candidates(b, n, awarded=True),
    "audit.auditdraw": lambda b, n: _draws(b.superuser, n),
    "audit.auditcase": _audit_cases,
    "audit.audititem": _audit_items,
}
UNCOUNTED_ADMIN = {"accreditation.route"}


def _changelist(label: str) -> Callable[[Base], str]:
    app_label, model_name = label.split(".")
    return lambda b: reverse(f"admin:{app_label}_{model_name}_changelist")


def _change(label: str, obj: Callable[[Base], object]) -> Callable[[Base], str]:
    app_label, model_name = label.split(".")
    return lambda b: reverse(f"admin:{app_label}_{model_name}_change", args=[obj(b).pk])


for _label, _rows in ADMIN_ROWS.items():
    ENDPOINTS[f"admin {_label}"] = Endpoint(_changelist(_label), _rows, SUPERUSER)

# Admin pages whose inlines list rows.
ENDPOINTS |= {
    "admin registrant page": Endpoint(
        _change("register.registrant", lambda b: b.registrant), _acceptances, SUPERUSER
    ),
    "admin centre page": Endpoint(
        _change("accreditation.centre", lambda b: b.centre),
        lambda b, n: (_people(b, n), _visits(b, n)),
        SUPERUSER,
    ),
    "admin candidate page": Endpoint(
        _change("accreditation.candidate", lambda b: b.candidate), _candidate_attempts, SUPERUSER
    ),
    "admin audit case page": Endpoint(
        _change("audit.auditcase", lambda b: b.case), _audit_items, SUPERUSER
    ),
    "admin activity page": Endpoint(
        _change("cpd.activity", lambda b: b.evidence_activity), _one_activitys_evidence, SUPERUSER
    ),
    "admin EQA visit page": Endpoint(
        _change("accreditation.eqavisit", lambda b: b.visit), _visit_actions, SUPERUSER
    ),
    "admin devised assessment page": Endpoint(
        _change("accreditation.centredevisedassessment", lambda b: b.devised), _mappings, SUPERUSER
    ),
    "admin qualification page": Endpoint(
        _change("cpd.qualification", lambda b: b.qualification), _units, SUPERUSER
    ),
    "admin module page": Endpoint(
        _change("accreditation.module", lambda b: b.module), _statements, SUPERUSER
    ),
    "admin level page": Endpoint(
        _change("accreditation.level", lambda b: b.level), _level_modules, SUPERUSER
    ),
    "admin route page": Endpoint(
        _change("accreditation.route", lambda b: b.candidate.route), _components, SUPERUSER
    ),
}


def test_every_admin_changelist_is_counted():
    labels = {model._meta.label_lower for model in admin.site._registry}
    missing = labels - set(ADMIN_ROWS) - UNCOUNTED_ADMIN
    assert not missing, f"add rows for these admin lists to ADMIN_ROWS: {sorted(missing)}"


# --- Measuring ----------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return [query["sql"] for query in captured.captured_queries]


def _shape(sql: str) -> str:
    """A query without its literal values, to see which one repeats."""
    sql = re.sub(r'"_django_curs_\w+"', "cursor", sql)  # a server-side cursor's own name
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)[:300]


@pytest.fixture
def base():
    with time_machine.travel(NOW, tick=False):
        yield build_base()


@pytest.mark.parametrize("name", ENDPOINTS)
def test_same_number_of_queries_at_1_and_at_50_rows(base, name):
    endpoint = ENDPOINTS[name]
    client = Client()
    if endpoint.viewer is not None:
        viewer = base
        for attr in endpoint.viewer.split("."):
            viewer = getattr(viewer, attr)
        client.force_login(viewer)
    endpoint.rows(base, 1)
    url = endpoint.url(base)
    _queries(client, url)  # warm up: sessions, content types, caches
    at_1 = _queries(client, url)
    endpoint.rows(base, 49)
    at_50 = _queries(client, url)
    if len(at_1) != len(at_50):
        more = Counter(map(_shape, at_50)) - Counter(map(_shape, at_1))
        repeated = "\n".join(f"  +{count}: {sql}" for sql, count in more.most_common(5))
        pytest.fail(
            f"{name} ({url}): {len(at_1)} queries at 1 row, {len(at_50)} at 50. "
            f"Repeated:\n{repeated}",
            pytrace=False,
        )


def test_the_centre_admin_page_names_the_person_of_each_membership(base):
    """The inline's autocomplete labels its rows from one query (LabelledAutocomplete)."""
    people = _people(base, 3)
    client = Client()
    client.force_login(base.superuser)
    page = client.get(reverse("admin:accreditation_centre_change", args=[base.centre.pk]))
    html = page.content.decode()
    for person in [*people, base.assessor, base.centre_admin]:
        assert f'<option value="{person.pk}" selected>{person}</option>' in html
