"""Each role sees its own links in the navigation, and not the others'."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from accounts.navigation import links_for
from accounts.roles import Role
from accreditation.models import CentreMembership
from accreditation.services import centre_membership_add
from tests.accounts.factories import UserFactory, grant
from tests.accreditation.factories import CentreFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = {"Registrants", "Centres", "Staff overview", "Staff admin"}
EVERY_USER = {"Home", "Public register", "API", "Account", "Join the register"}


def labels(user) -> set[str]:
    return {link.label for link in links_for(user)}


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no cached permissions


def test_a_visitor_sees_only_home():
    assert labels(AnonymousUser()) == {"Home", "Public register"}


def test_a_signed_in_user_sees_their_account_and_nothing_for_staff_or_centres():
    assert labels(UserFactory()) == EVERY_USER


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.REGISTER_OFFICER, EVERY_USER | {"Registrants", "Staff overview", "Staff admin"}),
        (Role.AUDITOR, EVERY_USER | {"Staff overview", "Staff admin"}),
        (Role.ACCREDITATION_OFFICER, EVERY_USER | {"Centres", "Staff overview", "Staff admin"}),
    ],
)
def test_each_staff_role_sees_its_links_only(role, expected):
    assert labels(fresh(grant(UserFactory(), role))) == expected


@pytest.mark.parametrize("centre_role", list(CentreMembership.CentreRole))
def test_each_centre_role_sees_my_centre_and_no_staff_links(centre_role):
    user = UserFactory()
    centre_membership_add(centre=CentreFactory(), user=user, role=centre_role)
    assert labels(fresh(user)) == EVERY_USER | {"My centre"}


def test_a_registrant_sees_my_cpd_instead_of_joining():
    from tests.register.factories import make_registrant

    registrant = make_registrant()
    assert labels(fresh(registrant.user)) == (EVERY_USER - {"Join the register"}) | {"My CPD"}


def test_a_candidate_sees_my_accreditation_whatever_else_they_are():
    from tests.accreditation.factories import approved_centre, centre_admin, make_candidate

    centre = approved_centre()
    candidate = make_candidate(centre, ready=False)
    assert labels(fresh(candidate.user)) == EVERY_USER | {"My accreditation"}
    # A centre administrator registered at another centre is also a candidate there.
    admin = centre_admin(centre)
    make_candidate(approved_centre(), user=admin, ready=False)
    assert labels(fresh(admin)) == EVERY_USER | {"My centre", "My accreditation"}


def test_whether_someone_is_a_candidate_is_asked_once_per_request(django_assert_num_queries):
    user = fresh(UserFactory())
    links_for(user)  # permissions and candidacies, each read once
    with django_assert_num_queries(0):
        assert "My accreditation" not in {link.label for link in links_for(user)}


def test_the_page_renders_the_links_of_the_role(client):
    officer = grant(UserFactory(), Role.ACCREDITATION_OFFICER)
    client.force_login(officer)
    body = client.get("/").content.decode()
    assert ">Centres</a>" in body
    assert ">Registrants</a>" not in body


def test_my_centre_lists_its_people_in_constant_queries(client, django_assert_max_num_queries):
    centre = CentreFactory()
    admin = UserFactory()
    centre_membership_add(
        centre=centre, user=admin, role=CentreMembership.CentreRole.CENTRE_ADMINISTRATOR
    )
    client.force_login(admin)
    client.get("/centre/")  # warm up the session and permission caches
    with django_assert_max_num_queries(12):
        one = client.get("/centre/")
    for _ in range(20):
        centre_membership_add(
            centre=centre, user=UserFactory(), role=CentreMembership.CentreRole.ASSESSOR
        )
    with django_assert_max_num_queries(12) as many:
        response = client.get("/centre/")
    assert response.status_code == 200
    assert one.status_code == 200
    assert len(many.captured_queries) <= 12
    assert response.content.decode().count("<tr>") == 22  # header + 21 people
