"""Object-level access for accreditation, in one place (STYLE: one helper per object type).

IMI accreditation officers see everything. Centre staff see their own centres and those centres'
candidates, attempts and assessments. A candidate sees only their own candidacies and awards.
Anything else is a 404, so another centre's objects are never revealed to exist.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User

from .models import (
    Attempt,
    AttemptEvidence,
    Award,
    Candidate,
    Centre,
    CentreDevisedAssessment,
    CentreMembership,
    CompetenceEvidence,
)

OFFICER_PERMISSION = "accounts.manage_accreditation"
# Who at a centre may register candidates and record their assessments: the centre's
# administrators and its assessment staff; an invigilator only sees.
RECORDING_ROLES = (
    CentreMembership.CentreRole.CENTRE_ADMINISTRATOR,
    CentreMembership.CentreRole.ASSESSOR,
    CentreMembership.CentreRole.INTERNAL_QUALITY_ASSURER,
)


def is_officer(user: User) -> bool:
    return user.is_authenticated and user.has_perm(OFFICER_PERMISSION)


def centres_for(user: User, *, roles=None) -> QuerySet[Centre]:
    if is_officer(user):
        return Centre.objects.all()
    if not user.is_authenticated:
        return Centre.objects.none()
    memberships = CentreMembership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return Centre.objects.filter(pk__in=memberships.values("centre_id"))


def centre_for_user(user: User, pk: int, *, manage: bool = False, record: bool = False) -> Centre:
    """The centre, if `user` works there (as its administrator with `manage`, or in a recording
    role with `record`) or is an officer; else 404."""
    roles = None
    if manage:
        roles = [CentreMembership.CentreRole.CENTRE_ADMINISTRATOR]
    elif record:
        roles = RECORDING_ROLES
    centre = centres_for(user, roles=roles).filter(pk=pk).first()
    if centre is None:
        raise Http404("No such centre.")
    return centre


def can_manage_centre(user: User, centre: Centre) -> bool:
    """Whether `user` manages the centre: its administrators, and officers."""
    return (
        is_officer(user)
        or CentreMembership.objects.filter(
            user=user, centre=centre, role=CentreMembership.CentreRole.CENTRE_ADMINISTRATOR
        ).exists()
    )


def centre_person_for_user(user: User, centre_pk: int, person_pk: int) -> tuple[Centre, User]:
    """A person at a centre, seen by the centre's administrators, officers and the person
    themself; else 404 (also when the person doesn't work at the centre)."""
    centre = centre_for_user(user, centre_pk)
    if user.pk != person_pk and not can_manage_centre(user, centre):
        raise Http404("No such person.")
    person = User.objects.filter(pk=person_pk, centre_memberships__centre=centre).first()
    if person is None:
        raise Http404("No such person.")
    return centre, person


def competence_evidence_for_user(
    user: User, centre_pk: int, person_pk: int, pk: int
) -> CompetenceEvidence:
    """One piece of a person's competence evidence, with the access of their page (R10.3)."""
    _, person = centre_person_for_user(user, centre_pk, person_pk)
    evidence = CompetenceEvidence.objects.filter(user=person, pk=pk).first()
    if evidence is None:
        raise Http404("No such evidence.")
    return evidence


def candidates_for(user: User) -> QuerySet[Candidate]:
    if is_officer(user):
        return Candidate.objects.all()
    if not user.is_authenticated:
        return Candidate.objects.none()
    return Candidate.objects.filter(Q(centre__in=centres_for(user)) | Q(user=user))


def candidate_for_user(user: User, pk: int, *, centre: Centre | None = None) -> Candidate:
    queryset = candidates_for(user)
    if centre is not None:
        queryset = queryset.filter(centre=centre)
    candidate = queryset.filter(pk=pk).first()
    if candidate is None:
        raise Http404("No such candidate.")
    return candidate


def own_candidacy_for_user(user: User, pk: int) -> Candidate:
    """One of the user's own candidacies: what only the candidate does (accepting the Code of
    Conduct, R9.4) is refused to everyone else, centre staff and officers included, with a 404."""
    candidate = None
    if user.is_authenticated:
        candidate = Candidate.objects.filter(user=user, pk=pk).first()
    if candidate is None:
        raise Http404("No such candidacy.")
    return candidate


def can_record_for(user: User, candidate: Candidate) -> bool:
    """Whether `user` may record assessments and confirmations for this candidate."""
    if is_officer(user):
        return True
    return CentreMembership.objects.filter(
        user=user, centre_id=candidate.centre_id, role__in=RECORDING_ROLES
    ).exists()


def awards_for(user: User) -> QuerySet[Award]:
    if is_officer(user):
        return Award.objects.all()
    if not user.is_authenticated:
        return Award.objects.none()
    return Award.objects.filter(Q(holder=user) | Q(candidate__centre__in=centres_for(user)))


def award_for_user(user: User, pk: int) -> Award:
    award = awards_for(user).filter(pk=pk).first()
    if award is None:
        raise Http404("No such award.")
    return award


def devised_assessments_for(user: User) -> QuerySet[CentreDevisedAssessment]:
    return CentreDevisedAssessment.objects.filter(centre__in=centres_for(user))


def devised_assessment_for_user(user: User, centre: Centre, pk: int) -> CentreDevisedAssessment:
    assessment = devised_assessments_for(user).filter(centre=centre, pk=pk).first()
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


# --- For centres' own systems (the centre API) --------------------------------------------------


def centre_candidates_for(user: User, *, roles=None) -> QuerySet[Candidate]:
    """The candidates of the centres `user` works for (in one of `roles`, when given); all for
    officers. Unlike `candidates_for`, never the user's own candidacies at another centre: this is
    what a centre's system sees."""
    if is_officer(user):
        return Candidate.objects.all()
    return Candidate.objects.filter(centre__in=centres_for(user, roles=roles))


def attempts_for(user: User) -> QuerySet[Attempt]:
    """The attempts of the candidates of the centres `user` works for; all for officers."""
    if is_officer(user):
        return Attempt.objects.all()
    return Attempt.objects.filter(candidate__centre__in=centres_for(user))


def attempt_evidence_for_user(user: User, pk: int) -> AttemptEvidence:
    """A file kept with an attempt (R9.10): for whoever may see the candidate (their centre's
    staff, the candidate, officers); else 404."""
    evidence = (
        AttemptEvidence.objects.filter(attempt__candidate__in=candidates_for(user), pk=pk)
        .select_related("attempt")
        .first()
    )
    if evidence is None:
        raise Http404("No such file.")
    return evidence
