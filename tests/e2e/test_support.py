"""Grace periods in the browser: refused when late, asked in time, agreed by an officer."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import Role
from register.models import Cycle
from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.e2e.conftest import log_in, staff_log_in
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def registrant_ending_in(days: int):
    registrant = make_registrant(joined_on=datetime.date(2024, 5, 10))
    force_update(
        Cycle.objects.filter(registrant=registrant),
        end=timezone.localdate() + datetime.timedelta(days=days),
    )
    return registrant


def ask_for_grace(page: Page) -> None:
    page.get_by_role("link", name="My CPD", exact=True).click()
    page.get_by_role("link", name="Support", exact=True).click()
    page.get_by_label("Reason for the shortfall").fill("A long project took my time.")
    page.get_by_label("Your action plan").fill("Two Gateway courses in January.")
    page.get_by_role("button", name="Ask for a grace period").click()


def test_a_late_grace_request_is_refused_with_the_deadline(page: Page, live_server, shot):
    registrant = registrant_ending_in(5)
    log_in(page, live_server.url, registrant.user.email)
    ask_for_grace(page)
    expect(page.get_by_text(re.compile("the last day to ask was"))).to_be_visible()
    shot("grace-refused")


def test_a_grace_request_in_time_is_agreed_by_an_officer(page: Page, live_server, shot):
    base = live_server.url
    registrant = registrant_ending_in(60)
    log_in(page, base, registrant.user.email)
    ask_for_grace(page)
    expect(page.get_by_text(re.compile("Your request was sent to the IMI"))).to_be_visible()
    expect(page.get_by_test_id("request-status")).to_have_text("Awaiting a decision")
    shot("grace-requested")
    page.get_by_role("button", name="Log out").click()

    officer = grant(UserFactory(), Role.REGISTER_OFFICER)
    page.set_viewport_size({"width": 1600, "height": 900})
    staff_log_in(page, base, officer, PASSWORD)
    page.goto(f"{base}/admin/register/supportrequest/")
    page.get_by_role("link", name=registrant.membership_number).click()
    page.get_by_label("Agree").check()
    page.get_by_label("Decision note").fill("Agreed: keep to your plan.")
    shot("admin-grace-decision", phone=False)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile("was changed successfully"))).to_be_visible()
    page.goto(base)
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page, base, registrant.user.email)
    page.goto(f"{base}/support/")
    expect(page.get_by_test_id("request-status")).to_have_text("Agreed")
    expect(page.get_by_text("Agreed: keep to your plan.")).to_be_visible()
    shot("grace-agreed")
    new_end = registrant.cycles.get().end
    assert new_end > timezone.localdate() + datetime.timedelta(days=60)
