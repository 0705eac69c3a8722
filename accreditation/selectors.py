"""Reads for accreditation, with the query shape decided here."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet

from accounts.models import User

from . import rules
from .models import (
    Attempt,
    Candidate,
    Centre,
    CentreMembership,
    CompetenceEvidence,
    Component,
    Level,
    Route,
    Statement,
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
        "assessor", "invigilator", "component"
    ).prefetch_related("evidence")
    return queryset.select_related("user", "centre", "route", "level", "award").prefetch_related(
        "route__components",
        Prefetch("attempts", queryset=attempts),
        "level_reviews",
        "extensions",
    )


def candidate_list(queryset: QuerySet[Candidate]) -> QuerySet[Candidate]:
    """The shape of a candidate list: one query for the rows, one for their awards' presence."""
    return queryset.select_related("user", "route", "level", "centre", "award")
