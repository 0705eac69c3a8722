"""Staff see every reminder and the postal list (R5.5), and mark postal reminders posted."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.roles import Role
from register.models import Reminder
from register.reminders import reminders_sweep
from tests.accounts.factories import UserFactory, grant
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    officer = grant(UserFactory(), Role.REGISTER_OFFICER)
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(officer)
    return client


def postal_registrant(n: int = 0):
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    registrant.contact_by_post = True
    registrant.address = f"{n} High Street, Hertford"
    registrant.postcode = "SG13 7BX"
    registrant.save()
    return registrant


def test_the_postal_list_shows_addresses_and_marks_them_posted(officer_client):
    registrant = postal_registrant()
    make_registrant(joined_on=datetime.date(2025, 5, 10))  # has email: not on the list
    reminders_sweep(as_of=datetime.date(2025, 11, 10))
    url = reverse("admin:register_postalreminder_changelist")
    body = officer_client.get(url).content.decode()
    assert "0 High Street, Hertford" in body
    assert body.count(registrant.membership_number) == 1
    reminder = Reminder.objects.get(channel="post")
    officer_client.post(url, {"action": "mark_posted", "_selected_action": [reminder.pk]})
    reminder.refresh_from_db()
    assert reminder.status == "posted"
    assert registrant.membership_number not in officer_client.get(url).content.decode()


def test_lists_of_reminders_run_in_constant_queries(officer_client, django_assert_max_num_queries):
    postal_registrant(0)
    reminders_sweep(as_of=datetime.date(2025, 11, 10))
    for name in ("register_reminder_changelist", "register_postalreminder_changelist"):
        officer_client.get(reverse(f"admin:{name}"))
        with django_assert_max_num_queries(12) as one:
            officer_client.get(reverse(f"admin:{name}"))
        Reminder.objects.all().delete()
        for n in range(30):
            postal_registrant(n + 1)
        reminders_sweep(as_of=datetime.date(2025, 11, 10))
        with django_assert_max_num_queries(len(one.captured_queries)):
            response = officer_client.get(reverse(f"admin:{name}"))
        assert response.content.decode().count("High Street") >= 30 or name.startswith(
            "register_reminder"
        )


def test_an_auditor_cannot_see_the_postal_list(client):
    auditor = grant(UserFactory(), Role.AUDITOR)
    Authenticator.objects.create(user=auditor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(auditor)
    assert client.get(reverse("admin:register_postalreminder_changelist")).status_code == 403
