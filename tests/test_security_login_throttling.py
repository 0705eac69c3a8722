"""Login throttling: the portal's login and the admin's slow down repeated failures.

The admin has no login form of its own: `secure_admin_login` (imi_portal/urls.py) sends every
visitor to allauth's login, so one set of limits (ACCOUNT_RATE_LIMITS) covers both. Failed
logins: 5 in five minutes for one email address, 10 a minute from one IP address, then the form
says "Too many failed login attempts" even to the right password. Any login POST: 30 a minute
from one IP address, then 429. The counters live in the cache (cleared around each test).
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory, grant

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
TOO_MANY = "Too many failed login attempts"


def log_in(client, email: str, password: str, *, path: str = LOGIN):
    return client.post(path, {"login": email, "password": password})


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_five_wrong_passwords_lock_the_address_even_against_the_right_one(client, user):
    for _ in range(5):
        response = log_in(client, user.email, "wrong password")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()

    response = log_in(client, user.email, PASSWORD)

    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)


def test_the_lock_is_per_address(client, user):
    other = UserFactory()
    for _ in range(5):
        log_in(client, user.email, "wrong password")

    response = log_in(client, other.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_ten_failures_from_one_address_lock_every_account_from_it(client, user):
    for n in range(10):
        assert TOO_MANY not in log_in(client, f"nobody{n}@example.org", "guess").content.decode()

    response = log_in(client, user.email, PASSWORD)

    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)


def test_thirty_login_posts_a_minute_from_one_address_get_429(client):
    for n in range(30):
        assert log_in(client, f"nobody{n}@example.org", "guess").status_code == 200

    assert log_in(client, "nobody@example.org", "guess").status_code == 429


def test_a_good_login_works_before_the_limit(client, user):
    for _ in range(4):
        log_in(client, user.email, "wrong password")

    assert log_in(client, user.email, PASSWORD).status_code == 302
    assert signed_in(client)


# --- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def officer(db):
    return grant(UserFactory(), Role.REGISTER_OFFICER)


def test_the_admin_login_never_checks_a_password_itself(client, officer):
    """A POST to /admin/login/ is sent to the portal's login: no second, unthrottled form."""
    response = log_in(client, officer.email, PASSWORD, path="/admin/login/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not signed_in(client)


def test_repeated_failures_on_the_admins_way_in_are_throttled(client, officer):
    way_in = client.get("/admin/login/?next=/admin/")["Location"]  # /accounts/login/?next=...
    assert way_in.startswith(LOGIN)
    for _ in range(5):
        response = log_in(client, officer.email, "wrong password", path=way_in)
        assert TOO_MANY not in response.content.decode()

    response = log_in(client, officer.email, PASSWORD, path=way_in)

    assert TOO_MANY in response.content.decode()
    assert not signed_in(client)
    assert client.get("/admin/", follow=True).request["PATH_INFO"] == LOGIN


def test_thirty_posts_on_the_admins_way_in_get_429(client, officer):
    way_in = client.get("/admin/login/?next=/admin/")["Location"]
    for n in range(30):
        log_in(client, f"nobody{n}@example.org", "guess", path=way_in)

    assert log_in(client, officer.email, PASSWORD, path=way_in).status_code == 429
    assert not signed_in(client)
