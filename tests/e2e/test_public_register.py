"""Anyone searches the public register and opens an entry (R8.3)."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.factories import UserFactory
from tests.register.factories import make_registrant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_searches_the_register_and_opens_an_entry(page: Page, live_server, shot):
    registrant = make_registrant(
        user=UserFactory(first_name="Grace", last_name="Hopper"),
        joined_on=datetime.date(2024, 6, 3),
    )
    make_registrant(user=UserFactory(first_name="Alan", last_name="Turing"))
    page.goto(live_server.url)
    page.get_by_role("link", name="Public register").click()
    page.get_by_label("Search by name or membership number").fill("hopper")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 registrant found for “hopper”.")).to_be_visible()
    expect(page.get_by_role("link", name="Alan Turing")).to_have_count(0)
    shot("public-register-search")
    page.get_by_role("link", name="Grace Hopper").click()
    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()
    expect(page.get_by_text(registrant.membership_number, exact=True)).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/register/{registrant.membership_number}/")
    shot("public-register-entry")
