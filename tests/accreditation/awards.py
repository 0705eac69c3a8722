"""Builders of awards (R9.11) for tests of certificates, verification, the public register and
the admin: written straight to the table, or earned through the services."""

import datetime

from accreditation import rules, services
from accreditation.models import Award, Candidate, Component, StaffApproval
from tests.accreditation.factories import (
    approved_centre,
    approved_staff,
    centre_admin,
    make_candidate,
)

TITLE = "IMI Accreditation – Management, level 3 Team Leader (Competence)"


def make_award(
    *,
    holder=None,
    centre=None,
    awarded_on: datetime.date = datetime.date(2026, 5, 1),
    revoked: bool = False,
    **kwargs,
) -> Award:
    """An award written straight to the table, for tests about what is done with one."""
    candidate = make_candidate(centre or approved_centre(), user=holder)
    values = {
        "candidate": candidate,
        "holder": candidate.user,
        "title": TITLE,
        "awarded_on": awarded_on,
        "expires_on": rules.award_expires_on(awarded_on),
    }
    if revoked:
        values |= {
            "revoked_at": datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC),
            "revoked_reason": "Certificate obtained by a false statement.",
        }
    return Award.objects.create(**(values | kwargs))


def award_through_services(
    *, holder=None, centre=None, first_on=datetime.date(2026, 3, 2), today=None
) -> Award:
    """An award earned the way the portal awards it: an approved centre, an approved assessor
    and invigilator, a candidate past the R9.4 gate, every component of the route passed in the
    window (R9.5, R9.11)."""
    centre = centre or approved_centre()
    assessor = approved_staff(centre)
    invigilator = approved_staff(centre, role=StaffApproval.Role.INVIGILATOR)
    candidate: Candidate = make_candidate(centre, user=holder)
    today = today or first_on + datetime.timedelta(days=60)
    for offset, component in enumerate(Component.objects.filter(route=candidate.route)):
        services.attempt_record(
            candidate=candidate,
            component=component,
            attempted_on=first_on + datetime.timedelta(days=30 * offset),
            assessor=assessor,
            invigilator=invigilator if component.online_test else None,
            outcome="pass",
            by=centre_admin(centre),
            today=today,
        )
    return Award.objects.get(candidate=candidate)
