"""Removal and appeal in the browser (R8.2): an officer removes, the registrant appeals, the
officer upholds and the registrant is back on the public register."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from register.models import Registrant
from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.e2e.conftest import staff_log_in
from tests.e2e.test_support import log_in
from tests.register.factories import make_registrant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_removal_appeal_and_reinstatement(page: Page, live_server, shot):
    base = live_server.url
    registrant = make_registrant()
    officer = grant(UserFactory(), Role.REGISTER_OFFICER)
    page.set_viewport_size({"width": 1600, "height": 900})
    staff_log_in(page, base, officer, PASSWORD)
    page.goto(f"{base}/admin/register/removal/add/")
    # The registrant field is the admin's autocomplete (select2): open it, search, pick.
    page.locator(".field-registrant .select2-selection").click()
    page.locator(".select2-search__field").fill(registrant.membership_number)
    page.locator(".select2-results__option", has_text=registrant.membership_number).click()
    page.get_by_label("Reason").select_option("not_eligible")
    page.get_by_label("Details").fill("Your membership fees are unpaid since March.")
    shot("admin-removal", phone=False)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile("was added successfully"))).to_be_visible()
    page.goto(base)
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page, base, registrant.user.email)
    page.get_by_role("link", name="My CPD", exact=True).click()
    page.get_by_role("link", name="See why, and how to appeal").click()
    expect(page.get_by_text("Your membership fees are unpaid since March.")).to_be_visible()
    page.get_by_label("Your statement of appeal").fill("I paid in full on 1 April.")
    shot("appeal-form")
    page.get_by_role("button", name="Send my appeal").click()
    expect(page.get_by_test_id("appeal-status")).to_have_text("Appeal awaiting a decision")
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size({"width": 1600, "height": 900})
    staff_log_in(page, base, officer, PASSWORD)
    page.goto(f"{base}/admin/register/removal/")
    page.get_by_role("link", name=registrant.membership_number).click()
    page.get_by_label("Uphold: reinstate on the register").check()
    page.get_by_label("Appeal note").fill("Payment confirmed.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile("was changed successfully"))).to_be_visible()
    assert Registrant.objects.get(pk=registrant.pk).status == Registrant.Status.CURRENT
    page.goto(f"{base}/register/{registrant.membership_number}/")
    expect(page.get_by_text("On the IMI Professional Register")).to_be_visible()
    page.goto(base)
    page.get_by_role("button", name="Log out").click()

    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page, base, registrant.user.email)
    page.goto(f"{base}/appeal/")
    expect(page.get_by_test_id("appeal-status")).to_have_text("Appeal upheld: reinstated")
    shot("appeal-upheld")
