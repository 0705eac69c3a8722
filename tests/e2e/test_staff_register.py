"""A register officer in the admin: the registrant list with progress, and the CSV import."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from register.models import Registrant
from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.cpd.factories import make_activity
from tests.e2e.conftest import staff_log_in
from tests.register.factories import make_registrant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_imports_the_register_and_sees_progress(page: Page, live_server, shot, tmp_path):
    base = live_server.url
    officer = grant(UserFactory(email="officer@example.org"), Role.REGISTER_OFFICER)
    existing = make_registrant(joined_on=datetime.date(2025, 5, 10))
    make_activity(existing, activity_type="reading")
    page.set_viewport_size({"width": 1600, "height": 900})  # the admin's wide tables
    staff_log_in(page, base, officer, PASSWORD)

    page.goto(f"{base}/admin/register/registrant/")
    expect(page.get_by_role("link", name=existing.membership_number)).to_be_visible()
    shot("admin-registrants", phone=False)

    page.get_by_role("link", name=re.compile("Import", re.I)).click()
    bad = tmp_path / "register.csv"
    bad.write_text(
        "email,first_name,last_name,joined_on\n"
        "ann@example.org,Ann,Able,2026-01-15\n"
        "bob@example.org,Bob,Baker,2031-01-01\n"
    )
    page.get_by_label(re.compile("CSV file|File", re.I)).set_input_files(str(bad))
    page.get_by_role("button", name=re.compile("Import", re.I)).click()
    expect(page.get_by_text(re.compile("future", re.I)).first).to_be_visible()
    shot("admin-import-errors", phone=False)
    assert not Registrant.objects.filter(user__email="ann@example.org").exists()

    good = tmp_path / "register-fixed.csv"
    good.write_text(
        "email,first_name,last_name,joined_on\n"
        "ann@example.org,Ann,Able,2026-01-15\n"
        "bob@example.org,Bob,Baker,2021-09-01\n"
    )
    page.get_by_label(re.compile("CSV file|File", re.I)).set_input_files(str(good))
    page.get_by_role("button", name=re.compile("Import", re.I)).click()
    expect(page.get_by_text(re.compile("Imported 2 registrants")).first).to_be_visible()
    shot("admin-import-done", phone=False)
    ann = Registrant.objects.get(user__email="ann@example.org")
    cycle = ann.cycles.get()
    assert (cycle.end, cycle.target) == (datetime.date(2028, 3, 31), 70)
