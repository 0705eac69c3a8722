"""R8.4: a new email address is used only once verified, and every change is kept."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_new_email_is_used_only_after_it_is_verified(client, user):
    old = user.email
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new@example.org"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == old  # not yet
    assert EmailAddress.objects.get(email="new@example.org").verified is False

    link = re.search(r"https?://testserver(\S+)", mail.outbox[-1].body).group(1)
    client.post(link)
    user.refresh_from_db()
    assert user.email == "new@example.org"
    history = list(User.history.filter(id=user.pk).values_list("email", flat=True))
    assert old in history and "new@example.org" in history
