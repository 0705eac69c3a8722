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


# --- the links are kept in the cache, and forgotten as soon as what they depend on changes ---


def test_a_users_links_are_worked_out_once_then_read_from_the_cache(django_assert_num_queries):
    user = UserFactory()
    labels(fresh(user))  # permissions (two queries) and candidacies
    with django_assert_num_queries(0):
        assert labels(fresh_without_query(user)) == EVERY_USER


def fresh_without_query(user: User) -> User:
    # A new instance of the same user, as the next request has: nothing cached on it.
    return User(pk=user.pk, email=user.email, is_active=True)


def test_a_role_granted_or_ended_shows_on_the_next_page():
    user = UserFactory()
    assert "My centre" not in labels(fresh(user))
    membership = centre_membership_add(
        centre=CentreFactory(), user=user, role=CentreMembership.CentreRole.ASSESSOR
    )
    assert "My centre" in labels(fresh(user))
    from accreditation.services import centre_membership_remove

    centre_membership_remove(membership=membership)
    assert "My centre" not in labels(fresh(user))


def test_joining_the_register_swaps_join_for_my_cpd_at_once():
    from tests.register.factories import make_registrant

    user = UserFactory()
    assert "Join the register" in labels(fresh(user))
    make_registrant(user=user)
    assert labels(fresh(user)) == (EVERY_USER - {"Join the register"}) | {"My CPD"}


def test_becoming_a_candidate_or_staff_shows_at_once():
    from tests.accreditation.factories import approved_centre, make_candidate

    user = UserFactory()
    assert labels(fresh(user)) == EVERY_USER
    make_candidate(approved_centre(), user=user, ready=False)
    assert "My accreditation" in labels(fresh(user))
    user.is_staff = True
    user.save()
    assert {"Staff overview", "Staff admin"} <= labels(fresh(user))


def test_a_permission_taken_from_a_role_leaves_its_members_links_at_once():
    from django.contrib.auth.models import Group, Permission

    officer = grant(UserFactory(), Role.REGISTER_OFFICER)
    assert "Registrants" in labels(fresh(officer))
    group = Group.objects.get(name=Role.REGISTER_OFFICER.value)
    group.permissions.remove(Permission.objects.get(codename="manage_register"))
    assert "Registrants" not in labels(fresh(officer))
