"""`seed_demo` fills an empty database with a centre, its staff and candidates at different
points of the path to an award, all made through the services (API.md)."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accreditation import rules
from accreditation.models import (
    Award,
    Candidate,
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    StaffApproval,
)
from accreditation.selectors import candidate_detail, candidate_progress

pytestmark = pytest.mark.django_db

DOMAIN = "demo.imi-portal.test"


@pytest.fixture
def output() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def candidate(local: str) -> Candidate:
    return candidate_detail(Candidate.objects.filter(user__email=f"{local}@{DOMAIN}")).get()


def test_the_centre_is_approved_for_two_routes_and_levels(output):
    centre = Centre.objects.get(name="Midlands Automotive Training")

    assert centre.status == Centre.Status.APPROVED
    approved = {
        (a.route.code, a.level.number)
        for a in centre.approvals.filter(status=CentreApproval.Status.APPROVED)
    }
    assert approved == {("competence-imi", 3), ("knowledge-imi", 4)}
    assert centre.external_quality_assurer.email == f"accreditation@{DOMAIN}"
    visit = centre.visits.get()
    assert visit.actions.count() == 1
    assert centre.next_visit_due == rules.next_visit_due(  # R9.9: medium risk, six months
        last_visit_on=visit.visited_on, commercial_risk="low", assessment_risk="medium"
    )


def test_the_centre_staff_are_approved_on_their_evidence(output):
    centre = Centre.objects.get(name="Midlands Automotive Training")
    approved = centre.staff_approvals.filter(status=StaffApproval.Status.APPROVED)

    assert sorted(approved.values_list("user__email", "role")) == sorted(
        [
            (f"assessor@{DOMAIN}", "assessor"),
            (f"assessor@{DOMAIN}", "assessor"),
            (f"iqa@{DOMAIN}", "iqa"),
            (f"iqa@{DOMAIN}", "iqa"),
            (f"invigilator@{DOMAIN}", "invigilator"),
        ]
    )
    assert not centre.staff_approvals.exclude(status=StaffApproval.Status.APPROVED).exists()


def test_candidates_are_at_different_points(output):
    today = timezone.localdate()

    waiting = candidate("taylor")
    assert candidate_progress(candidate=waiting, as_of=today).gate == [
        "The candidate hasn't accepted the Accreditation Code of Conduct yet."
    ]

    running = candidate_progress(candidate=candidate("jordan"), as_of=today)
    assert running.gate == [] and running.days_left > 200
    assert [c.component.code for c in running.to_do] == ["online-test"]
    assert running.to_do[0].unsuccessful == 1

    awarded = candidate("candidate")
    award = Award.objects.get(candidate=awarded)
    assert award.holder.email == f"candidate@{DOMAIN}"
    assert award.expires_on > today


def test_officers_have_decisions_waiting(output):
    applied = Centre.objects.get(status=Centre.Status.APPLIED)
    assert applied.approvals.filter(status=CentreApproval.Status.APPLIED).count() == 2
    assessment = CentreDevisedAssessment.objects.get()
    assert assessment.status == CentreDevisedAssessment.Status.SUBMITTED
    assert assessment.fee_paid_on is not None
    assert assessment.mappings.count() > 0  # R9.8: every statement mapped


def test_it_prints_a_login_for_every_role(output):
    for local in ("accreditation", "centre-admin", "assessor", "iqa", "invigilator", "new-centre"):
        assert f"{local}@{DOMAIN}" in output
    assert f"candidate@{DOMAIN}" in output
    assert User.objects.get(email=f"candidate@{DOMAIN}").check_password("imi-demo-2026")


def test_if_empty_leaves_a_filled_database_alone(output):
    users = User.objects.count()
    out = io.StringIO()

    call_command("seed_demo", "--if-empty", stdout=out)

    assert "demo data not loaded" in out.getvalue()
    assert User.objects.count() == users
