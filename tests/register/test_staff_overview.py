import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.roles import Role
from register.support import support_request_create
from tests.accounts.factories import UserFactory, grant
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
