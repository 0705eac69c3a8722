"""Removal and appeal (R8.2): reasons, the 28-day window, uphold reinstates, all traced."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from register.models import Registrant, Removal
from register.removal import appeal_decide, registrant_remove, removal_appeal
from tests.accounts.factories import UserFactory, grant
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

REMOVED_ON = datetime.date(2026, 5, 1)


@pytest.fixture
def officer():
    return grant(UserFactory(), Role.REGISTER_OFFICER)


@pytest.fixture
def removal(officer, django_capture_on_commit_callbacks):
    registrant = make_registrant()
    with django_capture_on_commit_callbacks(execute=True):
        return registrant_remove(
            registrant=registrant,
            reason="not_eligible",
            details="Fees unpaid since March.",
            removed_by=officer,
            today=REMOVED_ON,
        )


def test_a_removed_registrant_is_told_and_leaves_the_public_register(client, removal):
    registrant = removal.registrant
    registrant.refresh_from_db()
    assert registrant.status == Registrant.Status.REMOVED
    assert registrant.history.first().history_change_reason.startswith("Removed:")
    assert mail.outbox[-1].subject == "You have been removed from the IMI Professional Register"
    assert "29 May 2026" in mail.outbox[-1].body  # appeal within 28 days
    entry = client.get(reverse("register:public_entry", args=[registrant.membership_number]))
    assert entry.status_code == 404


@pytest.mark.parametrize(
    ("on", "accepted"), [(datetime.date(2026, 5, 29), True), (datetime.date(2026, 5, 30), False)]
)
def test_an_appeal_is_accepted_within_28_days_only(removal, on, accepted):
    if accepted:
        assert removal_appeal(removal=removal, statement="Paid now.", today=on).appeal == "pending"
    else:
        with pytest.raises(ValidationError, match="ended on 29 May 2026"):
            removal_appeal(removal=removal, statement="Paid now.", today=on)


def test_an_upheld_appeal_reinstates_and_a_dismissed_one_does_not(
    removal, officer, django_capture_on_commit_callbacks
):
    removal_appeal(removal=removal, statement="Paid now.", today=REMOVED_ON)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_decide(removal=removal, uphold=True, note="Fees received.", decided_by=officer)
    removal.registrant.refresh_from_db()
    assert removal.registrant.status == Registrant.Status.CURRENT
    assert "upheld" in mail.outbox[-1].subject

    other = registrant_remove(
        registrant=make_registrant(),
        reason="breach",
        details="Misled a customer.",
        removed_by=officer,
        today=REMOVED_ON,
    )
    removal_appeal(removal=other, statement="It was a mistake.", today=REMOVED_ON)
    appeal_decide(removal=other, uphold=False, note="The evidence is clear.", decided_by=officer)
    other.registrant.refresh_from_db()
    assert other.registrant.status == Registrant.Status.REMOVED


def test_staff_cannot_remove_themselves(officer):
    own = make_registrant(user=officer)
    with pytest.raises(ValidationError, match="themselves"):
        registrant_remove(
            registrant=own, reason="other", details="x", removed_by=officer, today=REMOVED_ON
        )


def test_the_registrant_appeals_in_the_portal(client, officer):
    from django.utils import timezone

    removal = registrant_remove(
        registrant=make_registrant(),
        reason="not_eligible",
        details="Fees unpaid since March.",
        removed_by=officer,
        today=timezone.localdate(),
    )
    client.force_login(removal.registrant.user)
    page = client.get(reverse("register:appeal"))
    assert "Fees unpaid since March." in page.content.decode()
    response = client.post(reverse("register:appeal"), {"statement": "I have paid."})
    assert response.status_code == 302
    assert Removal.objects.get().appeal == "pending"


def test_someone_never_removed_gets_a_404_for_the_appeal_page(client):
    client.force_login(make_registrant().user)
    assert client.get(reverse("register:appeal")).status_code == 404


def test_an_officer_removes_through_the_admin(client, officer):
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    registrant = make_registrant()
    client.force_login(officer)
    client.post(
        reverse("admin:register_removal_add"),
        {"registrant": registrant.pk, "reason": "breach", "details": "Misled a customer."},
    )
    registrant.refresh_from_db()
    assert registrant.status == Registrant.Status.REMOVED
    assert Removal.objects.get().removed_by == officer
