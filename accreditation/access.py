"""Object-level access for accreditation, in one place (STYLE: one helper per object type).

IMI accreditation officers see everything. Centre staff see their own centres and those centres'
candidates, attempts and assessments. A candidate sees only their own candidacies and awards.
Anything else is a 404, so another centre's objects are never revealed to exist.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User

from .models import (
    Award,
    Candidate,
    Centre,
    CentreDevisedAssessment,
    CentreMembership,
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
