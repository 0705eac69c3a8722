"""Staff must set up and use TOTP before staff pages open to them."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.roles import Role
from tests.accounts.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return grant(UserFactory(), Role.REGISTER_OFFICER)


def test_staff_without_totp_are_sent_to_set_it_up(client, staff):
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_totp_reach_the_admin(client, staff):
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_non_staff_are_refused_the_admin(client, user):
    client.force_login(user)
    assert client.get("/admin/", follow=True).status_code == 403


def test_anonymous_admin_visitors_sign_in_through_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"], follow=True)
    assert login.request["PATH_INFO"] == reverse("account_login")


def test_the_admin_login_form_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_non_staff_pages_do_not_ask_for_totp(client, staff):
    client.force_login(staff)
    assert client.get("/").status_code == 200
