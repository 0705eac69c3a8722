import datetime
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.roles import Role
from accreditation.models import CentreApproval, CentreDevisedAssessment, StaffApproval
from register.support import support_request_create
from tests.accounts.factories import UserFactory, grant
from tests.accreditation.factories import approved_centre, level, route
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db


def test_staff_see_counts_that_link_to_the_admin_lists(client, django_assert_max_num_queries):
    officer = grant(UserFactory(), Role.REGISTER_OFFICER)
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    for _ in range(3):
        support_request_create(
            registrant=make_registrant(),
            category="illness",
            explanation="In hospital.",
            today=datetime.date(2026, 1, 5),
        )
    client.force_login(officer)
    client.get(reverse("register:staff_overview"))
    with django_assert_max_num_queries(14):
        body = client.get(reverse("register:staff_overview")).content.decode()
    assert "Support and grace requests awaiting a decision" in body
    assert 'data-testid="count">3<' in body
    assert "/admin/register/supportrequest/?status__exact=pending" in body


def test_the_overview_is_refused_to_registrants_and_visitors(client):
    assert client.get(reverse("register:staff_overview")).status_code == 302
    client.force_login(make_registrant().user)
    assert client.get(reverse("register:staff_overview")).status_code == 403


def _accreditation_work():
    """One of each thing an accreditation officer acts on (R9.2, R9.3, R9.8, R9.9)."""
    centre = approved_centre(next_visit_due=datetime.date(2026, 1, 4))  # overdue on 5 Jan
    approved_centre(next_visit_due=datetime.date(2026, 1, 5))  # due today: not overdue
    CentreApproval.objects.create(centre=centre, route=route("knowledge-imi"), level=level(4))
    StaffApproval.objects.create(
        centre=centre, user=UserFactory(), role="assessor", route=route(), level=level()
    )
    devised = route("competence-centre-devised")
    CentreDevisedAssessment.objects.create(
        centre=centre,
        route=devised,
        level=level(),
        replaces=devised.components.get(code="practical"),
        title="Observation",
        assessment_type="workplace",
        description="Observed.",
        fee=Decimal("250.00"),
    )


@time_machine.travel(datetime.datetime(2026, 1, 5, 12, 0), tick=False)
def test_accreditation_officers_see_their_counts_linked_to_the_filtered_lists(
    client, accreditation_officer, django_assert_max_num_queries
):
    Authenticator.objects.create(
        user=accreditation_officer, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    _accreditation_work()
    client.force_login(accreditation_officer)
    client.get(reverse("register:staff_overview"))
    with django_assert_max_num_queries(10) as one:
        response = client.get(reverse("register:staff_overview"))
    queries = len(one.captured_queries)  # read now: the next request clears the log
    items = {item["label"]: item for item in response.context["items"]}
    expected = {
        "Centre applications awaiting a decision": (
            1,
            "/admin/accreditation/centreapproval/?status__exact=applied",
        ),
        "Staff approvals requested": (
            1,
            "/admin/accreditation/staffapproval/?status__exact=requested",
        ),
        "Centre devised assessments submitted": (
            1,
            "/admin/accreditation/centredevisedassessment/?status__exact=submitted",
        ),
        "Centres overdue an EQA visit": (1, "/admin/accreditation/centre/?eqa_overdue=yes"),
    }
    assert {label: (i["count"], i["url"]) for label, i in items.items()} == expected
    body = response.content.decode()
    assert "/admin/accreditation/centre/?eqa_overdue=yes" in body
    # Each link opens the list it counts.
    for count, url in expected.values():
        listed = client.get(url).context["cl"].result_count
        assert listed == count, url
    _accreditation_work()
    with django_assert_max_num_queries(queries):
        response = client.get(reverse("register:staff_overview"))
    assert response.context["items"][0]["count"] == 2


def test_staff_see_only_the_lists_they_may_open(client):
    officer = grant(UserFactory(), Role.REGISTER_OFFICER)
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(officer)
    labels = [
        item["label"] for item in client.get(reverse("register:staff_overview")).context["items"]
    ]
    assert "Support and grace requests awaiting a decision" in labels
    assert "Staff approvals requested" not in labels
    assert "Audits open" not in labels  # the auditors' list
