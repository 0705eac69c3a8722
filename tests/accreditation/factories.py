"""Factories and builders for accreditation tests: an approved centre with approved staff, and a
candidate who has passed the R9.4 gate, in one call each."""

import datetime

import factory
from django.utils import timezone

from accreditation import services
from accreditation.models import (
    Candidate,
    Centre,
    CentreApproval,
    CentreMembership,
    CodeOfConduct,
    CompetenceEvidence,
    Level,
    Route,
    StaffApproval,
)
from tests.accounts.factories import UserFactory


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Training Centre {n}")
    number = factory.Sequence(lambda n: f"C{2000 + n}")
    status = Centre.Status.APPROVED
    approved_on = datetime.date(2026, 1, 5)


def route(code: str = "competence-imi") -> Route:
    return Route.objects.get(code=code)


def level(number: int = 3) -> Level:
    return Level.objects.get(number=number)


def approved_centre(
    *, route_code: str = "competence-imi", level_number: int = 3, **kwargs
) -> Centre:
    """A centre approved for one route and level (R9.2), with a centre administrator."""
    centre = CentreFactory(**kwargs)
    CentreApproval.objects.create(
        centre=centre,
        route=route(route_code),
        level=level(level_number),
        status=CentreApproval.Status.APPROVED,
    )
    services.centre_membership_add(
        centre=centre, user=UserFactory(), role=CentreMembership.CentreRole.CENTRE_ADMINISTRATOR
    )
    return centre


def centre_admin(centre: Centre):
    return (
        centre.memberships.filter(role=CentreMembership.CentreRole.CENTRE_ADMINISTRATOR)
        .first()
        .user
    )


def approved_staff(
    centre: Centre,
    *,
    role: str = StaffApproval.Role.ASSESSOR,
    route_code: str = "competence-imi",
    level_number: int = 3,
    user=None,
):
    """A person approved at `centre` for a role (R9.3, R9.7), written straight to the table."""
    user = user or UserFactory()
    scoped = role != StaffApproval.Role.INVIGILATOR
    StaffApproval.objects.create(
        centre=centre,
        user=user,
        role=role,
        route=route(route_code) if scoped else None,
        level=level(level_number) if scoped else None,
        status=StaffApproval.Status.APPROVED,
    )
    services.centre_membership_add(centre=centre, user=user, role=role)
    return user


def competent_evidence(user, *, dated=datetime.date(2025, 6, 1), level_number=3, award=True):
    """Evidence enough for an assessor's approval (R9.3)."""
    CompetenceEvidence.objects.create(
        user=user, kind="experience", title="Service manager", dated=dated, level=level_number
    )
    CompetenceEvidence.objects.create(user=user, kind="cpd", title="CPD log", dated=dated)
    if award:
        CompetenceEvidence.objects.create(
            user=user, kind="assessor_award", title="CAVA", dated=datetime.date(2015, 1, 1)
        )


def make_candidate(centre: Centre, *, ready: bool = True, user=None, **kwargs) -> Candidate:
    """A candidate at `centre` on its approved route; `ready` passes the R9.4 gate."""
    approval = centre.approvals.filter(status=CentreApproval.Status.APPROVED).first()
    values = {
        "centre": centre,
        "user": user or UserFactory(),
        "route": approval.route,
        "level": approval.level,
    }
    if ready:
        values |= {
            "ao_registration_number": "AO-12345",
            "ao_registered_on": datetime.date(2026, 1, 10),
            "eligibility_confirmed_at": timezone.now(),
            "eligibility_note": "Service manager for five years",
            "code_version": CodeOfConduct.objects.first(),
            "code_accepted_at": timezone.now(),
        }
    return Candidate.objects.create(**(values | kwargs))
