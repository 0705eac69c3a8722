"""Reads for accreditation, with the query shape decided here."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from register.models import Registrant

from . import rules
from .models import (
    Attempt,
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
    Route,
    StaffApproval,
    Statement,
    StatementMapping,
)


def centres_for_member(*, user: User) -> QuerySet[Centre]:
    """The centres `user` works for, each with its people, in a fixed number of queries."""
    people = CentreMembership.objects.select_related("user").order_by(
        "role", "user__last_name", "user__first_name"
    )
    return (
        Centre.objects.filter(memberships__user=user)
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=people, to_attr="people"))
    )


def evidence_facts_for(*, user: User) -> list[rules.EvidenceFacts]:
    return [
        rules.EvidenceFacts(kind, dated, level)
        for kind, dated, level in CompetenceEvidence.objects.filter(user=user).values_list(
            "kind", "dated", "level"
        )
    ]


def statements_for(*, route: Route, level: Level) -> QuerySet[Statement]:
    """Every statement of the route's framework in the level's modules (R9.1, R9.8)."""
    return (
        Statement.objects.filter(framework=route.framework, module__level_modules__level=level)
        .select_related("module")
        .order_by("module__code", "code")
    )


@dataclass
class ComponentProgress:
    component: Component
    attempts: list[Attempt] = field(default_factory=list)
    passed_on: date | None = None
    unsuccessful: int = 0
    reviews: int = 0

    @property
    def review_due(self) -> bool:  # R9.6
        return self.component.online_test and rules.level_review_due(
            unsuccessful=self.unsuccessful, reviews=self.reviews
        )


@dataclass
class CandidateProgress:
    components: list[ComponentProgress]
    window_end: date | None
    days_left: int | None
    gate: list[str]

    @property
    def attempted(self) -> bool:
        return any(c.attempts for c in self.components)

    @property
    def passed(self) -> list[ComponentProgress]:
        return [c for c in self.components if c.passed_on]

    @property
    def to_do(self) -> list[ComponentProgress]:
        return [c for c in self.components if not c.passed_on]


def candidate_progress(*, candidate: Candidate, as_of: date) -> CandidateProgress:
    """What is passed and what is still to do, and the window's countdown (R9.5, R9.6). The
    candidate's attempts, reviews and route components must be prefetched (`candidate_detail`)."""
    components = [ComponentProgress(c) for c in candidate.route.components.all()]
    by_id = {c.component.pk: c for c in components}
    for attempt in candidate.attempts.all():
        progress = by_id.get(attempt.component_id)
        if progress is None:
            continue
        progress.attempts.append(attempt)
        if attempt.outcome == Attempt.Outcome.PASS:
            progress.passed_on = progress.passed_on or attempt.attempted_on
        else:
            progress.unsuccessful += 1
    for review in candidate.level_reviews.all():
        if review.component_id in by_id:
            by_id[review.component_id].reviews += 1
    end = days = None
    if candidate.first_attempt_on:
        end = rules.window_end(candidate.first_attempt_on, candidate.window_extended_to)
        days = rules.days_left_in_window(as_of=as_of, end=end)
    gate = rules.assessment_gate_refusals(
        ao_registered=bool(candidate.ao_registration_number),
        eligible=candidate.eligibility_confirmed_at is not None,
        code_accepted=candidate.code_accepted_at is not None,
    )
    return CandidateProgress(components, end, days, gate)


def candidate_detail(queryset: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """Everything the candidate page and `candidate_progress` read, in a fixed number of queries."""
    attempts = Attempt.objects.select_related(
        "assessor", "invigilator", "component", "quality_assured_by"
    ).prefetch_related("evidence")
    return queryset.select_related("user", "centre", "route", "level", "award").prefetch_related(
        "route__components",
        Prefetch("attempts", queryset=attempts),
        "level_reviews",
        "extensions",
    )


def candidate_list(queryset: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """The shape of a candidate list: one query for the rows, with their awards and how many of
    their route's components each has passed (`passed_count` of `component_count`, R9.5)."""
    passed = (
        Attempt.objects.filter(candidate=OuterRef("pk"), outcome=Attempt.Outcome.PASS)
        .values("candidate")
        .annotate(n=Count("component", distinct=True))
        .values("n")
    )
    components = (
        Component.objects.filter(route=OuterRef("route"))
        .values("route")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.select_related("user", "route", "level", "centre", "award").annotate(
        passed_count=Coalesce(Subquery(passed), 0),
        component_count=Coalesce(Subquery(components), 0),
    )


# --- The centre pages (R9.2, R9.3, R9.8, R9.9, R10.3) ------------------------------------------


def _mark_out_of_date(evidence: list[CompetenceEvidence], as_of: date) -> list[CompetenceEvidence]:
    for item in evidence:
        item.out_of_date = rules.evidence_out_of_date(  # R10.3
            kind=item.kind, dated=item.dated, as_of=as_of
        )
    return evidence


@dataclass
class CentreOverview:
    approvals: list[CentreApproval]
    visits: list[EqaVisit]
    open_actions: list[EqaAction]
    people: int
    candidates: int
    devised_assessments: int


def centre_overview(*, centre: Centre, recent_visits: int = 3) -> CentreOverview:
    """The centre page: its approvals per route and level, and its external quality assurance
    (R9.2, R9.9), in a fixed number of queries."""
    return CentreOverview(
        approvals=list(centre.approvals.select_related("route", "level")),
        visits=list(centre.visits.select_related("quality_assurer")[:recent_visits]),
        open_actions=list(
            EqaAction.objects.filter(visit__centre=centre, completed_on__isnull=True)
            .select_related("visit")
            .order_by("due_on")
        ),
        people=centre.memberships.values("user_id").distinct().count(),
        candidates=centre.candidates.count(),
        devised_assessments=centre.devised_assessments.count(),
    )


@dataclass
class CentrePerson:
    user: User
    memberships: list[CentreMembership] = field(default_factory=list)

    @property
    def approvals(self) -> list[StaffApproval]:
        return self.user.centre_approvals

    @property
    def evidence(self) -> list[CompetenceEvidence]:
        return self.user.evidence

    @property
    def out_of_date(self) -> list[CompetenceEvidence]:
        return [e for e in self.evidence if e.out_of_date]

    @property
    def registrant(self):
        # The Professional Register entry, if any: its CPD status shows beside the approvals.
        return getattr(self.user, "registrant", None)


def centre_people(*, centre: Centre, as_of: date) -> list[CentrePerson]:
    """Each person at the centre with their roles, their approvals at this centre, their
    competence evidence (out of date flagged, R10.3) and their register entry (R9.3): three
    queries, however many people."""
    approvals = StaffApproval.objects.filter(centre=centre).select_related("route", "level")
    memberships = centre.memberships.select_related("user", "user__registrant").prefetch_related(
        Prefetch("user__staff_approvals", queryset=approvals, to_attr="centre_approvals"),
        Prefetch(
            "user__competence_evidence",
            queryset=CompetenceEvidence.objects.order_by("kind", "-dated"),
            to_attr="evidence",
        ),
    )
    people: dict[int, CentrePerson] = {}
    for membership in memberships.order_by("user__last_name", "user__first_name", "user_id"):
        person = people.get(membership.user_id)
        if person is None:  # a person with several roles is one row
            _mark_out_of_date(membership.user.evidence, as_of)
            person = people[membership.user_id] = CentrePerson(membership.user)
        person.memberships.append(membership)
    return list(people.values())


@dataclass
class PersonRecord:
    approvals: list[StaffApproval]
    evidence: list[CompetenceEvidence]
    memberships: list[CentreMembership]
    registrant: Registrant | None


def centre_person_record(*, centre: Centre, person: User, as_of: date) -> PersonRecord:
    """One person's approvals at the centre and all their competence evidence (R9.3, R10.3)."""
    return PersonRecord(
        approvals=list(
            StaffApproval.objects.filter(centre=centre, user=person).select_related(
                "route", "level"
            )
        ),
        evidence=_mark_out_of_date(
            list(
                CompetenceEvidence.objects.filter(user=person)
                .select_related("qualification")
                .order_by("kind", "-dated")
            ),
            as_of,
        ),
        memberships=list(centre.memberships.filter(user=person)),
        registrant=Registrant.objects.filter(user=person).first(),
    )


@dataclass
class StaffCompetence:
    user: User
    in_date: bool
    latest: date


def qualification_staff(*, centre: Centre, as_of: date) -> list[tuple[object, list]]:
    """For each qualification the centre delivers, its staff whose competence evidence supports
    it, in date or not (R10.3: staff can see whose evidence is out of date)."""
    delivered = list(centre.qualifications.order_by("title"))
    evidence = (
        CompetenceEvidence.objects.filter(
            qualification__in=delivered,
            user__in=centre.memberships.values("user_id"),
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "-dated")
    )
    found: dict[int, dict[int, StaffCompetence]] = {q.pk: {} for q in delivered}
    for item in evidence:
        in_date = not rules.evidence_out_of_date(kind=item.kind, dated=item.dated, as_of=as_of)
        row = found[item.qualification_id].get(item.user_id)
        if row is None:
            found[item.qualification_id][item.user_id] = StaffCompetence(
                item.user, in_date, item.dated
            )
        else:
            row.in_date = row.in_date or in_date
            row.latest = max(row.latest, item.dated)
    return [(q, list(found[q.pk].values())) for q in delivered]


def devised_assessment_list(*, centre: Centre) -> QuerySet[CentreDevisedAssessment]:
    return centre.devised_assessments.select_related("route", "level", "replaces")


def devised_assessment_detail(queryset: QuerySet[CentreDevisedAssessment]):
    return queryset.select_related(
        "route", "level", "replaces", "submitted_by", "decided_by"
    ).prefetch_related(
        Prefetch(
            "mappings",
            queryset=StatementMapping.objects.select_related("statement__module").order_by(
                "statement__module__code", "statement__code"
            ),
        )
    )


# --- The candidate pages (R9.2, R9.4, R9.8) ----------------------------------------------------


def registration_offers(*, centre: Centre) -> QuerySet[CentreApproval]:
    """The routes and levels the centre may register candidates for now (R9.2): its approved
    ones, and none while the centre itself isn't approved."""
    if centre.status != Centre.Status.APPROVED:
        return CentreApproval.objects.none()
    return centre.approvals.filter(status=CentreApproval.Status.APPROVED).select_related(
        "route", "level"
    )


def centre_people_choices(*, centre: Centre) -> QuerySet[User]:
    """Everyone working at the centre, to choose an assessor or invigilator from; whether they
    are approved is the service's check (R9.3, R9.7)."""
    return (
        User.objects.filter(centre_memberships__centre=centre)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def devised_assessments_usable(*, candidate: Candidate) -> QuerySet[CentreDevisedAssessment]:
    """The centre's approved centre devised assessments for the candidate's route and level
    (R9.8)."""
    return CentreDevisedAssessment.objects.filter(
        centre_id=candidate.centre_id,
        route_id=candidate.route_id,
        level_id=candidate.level_id,
        status=CentreDevisedAssessment.Status.APPROVED,
    ).select_related("replaces")


def current_code_of_conduct(*, as_of: date) -> CodeOfConduct | None:
    """The Accreditation Code of Conduct a candidate accepts today (R9.4)."""
    return CodeOfConduct.objects.filter(published_on__lte=as_of).first()


def eqa_overdue_q(*, today: date) -> Q:
    """A centre overdue an external quality assurance visit: its next visit was due before
    `today` (R9.9). A withdrawn centre is no longer visited."""
    return Q(next_visit_due__lt=today) & ~Q(status=Centre.Status.WITHDRAWN)


def centres_overdue_for_visit(*, today: date) -> QuerySet[Centre]:
    return Centre.objects.filter(eqa_overdue_q(today=today))
