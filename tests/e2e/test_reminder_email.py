"""The reminder email as a person sees it, at desktop and phone width."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.cpd.factories import make_activity
from tests.register.factories import make_registrant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_reminder_email_reads_well(page: Page, shot):
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    for _ in range(4):
        make_activity(
            registrant,
            activity_type="reading",
            hours=Decimal("2"),
            impact_working_practice=True,
            working_practice_statement="w",
            completed_on=datetime.date(2026, 9, 1),
        )
    call_command("send_reminders", "--date", "2027-11-30", stdout=open("/dev/null", "w"))  # noqa: SIM115
    (message,) = mail.outbox
    page.set_content(message.alternatives[0][0])
    expect(page.get_by_text("monthly CPD progress reminder")).to_be_visible()
    expect(page.get_by_role("link", name="See your CPD record")).to_have_attribute(
        "href", "http://127.0.0.1:8000/cpd/"
    )
    expect(page.get_by_text("Behind pace")).to_be_visible()
    shot("reminder-email")
