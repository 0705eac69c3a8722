"""Support and grace periods (R7): asking, the deadlines, deciding, and what follows."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from register.models import Cycle, SupportRequest
from register.reminders import reminders_sweep
from register.rules import cycle_reminder_dates
from register.support import grace_request_create, request_decide, support_request_create
from tests.accounts.factories import UserFactory, grant
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

END = datetime.date(2028, 3, 31)  # a cycle from 10 May 2025; grace deadline 17 March 2028


@pytest.fixture
def registrant():
    return make_registrant(joined_on=datetime.date(2025, 5, 10))


@pytest.fixture
def officer():
    return grant(UserFactory(), Role.REGISTER_OFFICER)


def grace(registrant, on):
    return grace_request_create(
        registrant=registrant, reason="Long project at work.", action_plan="Two courses.", today=on
    )


def test_a_grace_request_is_refused_after_the_deadline_with_the_date(registrant):
    with pytest.raises(ValidationError) as error:
        grace(registrant, datetime.date(2028, 3, 20))
    assert "the last day to ask was 19 March 2028" in error.value.messages[0]
    assert not SupportRequest.objects.exists()


def test_a_grace_request_on_the_last_day_is_accepted(registrant):
    assert grace(registrant, datetime.date(2028, 3, 19)).status == "pending"


def test_a_registrant_who_met_the_target_needs_no_grace_period(registrant):
    from tests.cpd.factories import make_activity

    make_activity(
        registrant,
        principle="shared",
        hours=None,
        activity_type="nvq",
        qualification_credit_value=10,
        as_of=datetime.date(2028, 1, 1),
    )
    with pytest.raises(ValidationError, match="met your target"):
        grace(registrant, datetime.date(2028, 1, 1))


def test_an_agreed_grace_period_moves_the_end_three_months_and_brings_grace_reminders(
    registrant, officer, django_capture_on_commit_callbacks
):
    request = grace(registrant, datetime.date(2028, 2, 1))
    with (
        time_machine.travel(datetime.datetime(2028, 2, 2, 9, 0)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        request_decide(
            request=request, agreed=True, note="Agreed: do the courses.", decided_by=officer
        )
    cycle = registrant.cycles.get()
    assert (cycle.end, cycle.grace_start) == (datetime.date(2028, 6, 30), datetime.date(2028, 4, 1))
    assert mail.outbox[-1].subject == "Your request for a grace period: agreed"
    assert "30 June 2028" in mail.outbox[-1].body
    # R5.6: a reminder at the grace period's start.
    reminders_sweep(as_of=datetime.date(2028, 4, 1))
    assert cycle.reminders.get(due_on=datetime.date(2028, 4, 1)).phase == "grace"
    assert cycle.history.first().history_change_reason == "Three-month grace period agreed"


def test_a_declined_request_changes_nothing_but_is_told(
    registrant, officer, django_capture_on_commit_callbacks
):
    request = grace(registrant, datetime.date(2028, 2, 1))
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(request=request, agreed=False, note="Not this time.", decided_by=officer)
    assert registrant.cycles.get().end == END
    assert "declined" in mail.outbox[-1].subject
    with pytest.raises(ValidationError, match="already been decided"):
        request_decide(request=request, agreed=True, note="Changed my mind", decided_by=officer)


@pytest.mark.parametrize(
    ("on", "late"),
    [(datetime.date(2027, 9, 30), False), (datetime.date(2027, 10, 1), True)],
)
def test_support_requests_in_the_final_six_months_are_marked_late_notice(registrant, on, late):
    request = support_request_create(
        registrant=registrant, category="illness", explanation="In hospital.", today=on
    )
    assert request.late_notice is late


def test_agreed_support_adjusts_the_target_and_extends_the_cycle(registrant, officer):
    request = support_request_create(
        registrant=registrant,
        category="maternity",
        explanation="Baby due.",
        today=datetime.date(2026, 6, 1),
    )
    request_decide(
        request=request,
        agreed=True,
        note="Agreed.",
        decided_by=officer,
        adjusted_target=Decimal("60"),
        new_end=datetime.date(2028, 9, 30),
    )
    cycle = Cycle.objects.get(pk=request.cycle_id)
    assert (cycle.target, cycle.end) == (Decimal("60"), datetime.date(2028, 9, 30))
    # Reminders follow the new end: the last monthly one is a month before it.
    dates = cycle_reminder_dates(start=cycle.start, end=cycle.end)
    assert dates[-1].due_on == datetime.date(2028, 8, 30)


def test_the_registrant_asks_in_the_portal(client, registrant):
    client.force_login(registrant.user)
    response = client.post(
        reverse("register:support"),
        {"support": "1", "s-category": "unemployment", "s-explanation": "Made redundant."},
    )
    assert response.status_code == 302
    assert SupportRequest.objects.get().category == "unemployment"
    page = client.get(reverse("register:support")).content.decode()
    assert "Awaiting a decision" in page


def test_an_officer_decides_in_the_admin_with_the_note_required(client, registrant, officer):
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    request = grace(registrant, datetime.date(2028, 2, 1))
    client.force_login(officer)
    url = reverse("admin:register_supportrequest_change", args=[request.pk])
    refused = client.post(url, {"decision": "agreed", "decision_note": ""})
    assert refused.status_code == 200
    assert "Write a note for the registrant." in refused.content.decode()
    client.post(url, {"decision": "agreed", "decision_note": "Agreed."})
    request.refresh_from_db()
    assert request.status == "agreed" and request.decided_by == officer
