"""Candidates in the browser: a centre imports them by CSV (one bad row, then fixed), a candidate
gets in from the email and accepts the Code of Conduct, and the centre records the R9.4 checks
and attempts, a referral then passes, up to the award (R9.4-R9.11)."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accreditation.models import Attempt, Award, Candidate, CodeOfConduct, StaffApproval
from tests.accounts.factories import UserFactory
from tests.accreditation.factories import (
    approved_centre,
    approved_staff,
    centre_admin,
    make_candidate,
)
from tests.e2e.conftest import link_in_last_email, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "email,first_name,last_name,route,level,ao_registration_number\n"


def open_candidates(page: Page, centre) -> None:
    """From the navigation: My centre, the centre, its Candidates."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My centre").click()
    page.get_by_role("link", name=f"Open {centre.name}").click()
    page.get_by_role("navigation", name=centre.name).get_by_role("link", name="Candidates").click()
    expect(page.get_by_role("heading", name="Candidates", exact=True)).to_be_visible()


def test_a_centre_imports_candidates_with_one_bad_row_then_fixes_it(
    page: Page, live_server, shot, tmp_path
):
    base = live_server.url
    centre = approved_centre(name="Northgate Training")
    log_in(page, base, centre_admin(centre).email)
    open_candidates(page, centre)
    shot("candidates-empty")
    page.get_by_role("link", name="Import a CSV file").click()
    shot("candidates-import")

    bad = tmp_path / "cohort.csv"
    bad.write_text(
        HEADER + "sam.jones@example.org,Sam,Jones,competence-imi,3,AO-1001\n"
        "ann.lee@example.org,Ann,Lee,knowledge-imi,3,\n"
        "kim.park@example.org,Kim,Park,competence-imi,3,\n"
    )
    page.get_by_label("CSV file").set_input_files(bad)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    report = page.get_by_test_id("import-errors")
    expect(report.get_by_role("row")).to_have_count(2)  # the header and the one problem
    expect(report).to_contain_text("isn't approved for knowledge-imi at level 3")
    expect(report.get_by_role("cell", name="3", exact=True)).to_be_visible()
    shot("candidates-import-errors")
    assert not Candidate.objects.exists()
    assert mail.outbox == []

    good = tmp_path / "cohort-fixed.csv"
    good.write_text(bad.read_text().replace("knowledge-imi", "competence-imi"))
    page.get_by_label("CSV file").set_input_files(good)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Registered 3 candidates")).to_be_visible()
    expect(page.get_by_text("3 candidates", exact=True)).to_be_visible()
    shot("candidates-list")
    assert Candidate.objects.filter(centre=centre).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ann.lee@example.org",
        "kim.park@example.org",
        "sam.jones@example.org",
    ]

    page.get_by_text("Search and filter").click()
    page.get_by_label("Name or email").fill("lee")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("1 candidate", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Ann Lee")).to_be_visible()
    shot("candidates-search")


def test_a_registered_candidate_gets_in_from_the_email_and_accepts_the_code(
    page: Page, live_server, shot, settings
):
    base = live_server.url
    settings.PORTAL_BASE_URL = base  # the email's links point at this test's server
    centre = approved_centre(name="Northgate Training")
    log_in(page, base, centre_admin(centre).email)
    open_candidates(page, centre)
    page.get_by_role("link", name="Register a candidate").click()
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Email").fill("sam.jones@example.org")
    page.get_by_label("Route and level").select_option(
        label="Competence – IMI assessment tools in the workplace, level 3 Team Leader"
    )
    shot("candidate-add")
    page.get_by_role("button", name="Register the candidate").click()
    expect(page.get_by_text("Sam Jones is registered")).to_be_visible()
    expect(page.get_by_text("Waiting for the candidate")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The email's link lets someone new choose a password; allauth then checks the address.
    page.goto(link_in_last_email("sam.jones@example.org"))
    page.get_by_label("New Password", exact=True).fill("sams-long-passphrase")
    page.get_by_label("New Password (again)").fill("sams-long-passphrase")
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill("sam.jones@example.org")
    page.get_by_label("Password").fill("sams-long-passphrase")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    page.goto(link_in_last_email("sam.jones@example.org"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My accreditation").click()
    expect(page.get_by_role("heading", name="My accreditation")).to_be_visible()
    expect(page.get_by_text("Registered by Northgate Training")).to_be_visible()
    expect(page.get_by_text("Version 2026.1, published")).to_be_visible()
    shot("my-accreditation-code")
    page.get_by_role("button", name="Accept the Code of Conduct").click()
    expect(page.get_by_text("Tick “I agree” to accept the Code of Conduct.")).to_be_visible()
    shot("my-accreditation-code-error")
    page.get_by_label("I agree to the Accreditation Code of Conduct").check()
    page.get_by_role("button", name="Accept the Code of Conduct").click()
    expect(page.get_by_text("you have accepted the Code of Conduct")).to_be_visible()
    expect(page.get_by_text(re.compile(r"You accepted version 2026\.1 on"))).to_be_visible()
    shot("my-accreditation-accepted")
    candidate = Candidate.objects.get(user__email="sam.jones@example.org")
    assert candidate.code_version.version == "2026.1"


def record_attempt(page: Page, *, component: str, assessor, outcome: str, invigilator=None):
    page.get_by_role("link", name="Record an attempt").click()
    page.get_by_label("Component").select_option(label=component)
    page.get_by_label("Assessor").select_option(
        label=f"{assessor.get_full_name()} ({assessor.email})"
    )
    if invigilator is not None:
        page.get_by_label("Invigilator (online tests)").select_option(
            label=f"{invigilator.get_full_name()} ({invigilator.email})"
        )
    page.get_by_label(outcome, exact=True).check()


def test_the_centre_records_the_checks_and_attempts_up_to_the_award(
    page: Page, live_server, shot, tmp_path
):
    base = live_server.url
    centre = approved_centre(name="Northgate Training")
    admin = centre_admin(centre)
    assessor = approved_staff(centre, user=UserFactory(first_name="Ada", last_name="Assessor"))
    invigilator = approved_staff(
        centre,
        role=StaffApproval.Role.INVIGILATOR,
        user=UserFactory(first_name="Ivan", last_name="Invigilator"),
    )
    candidate = make_candidate(
        centre,
        ready=False,
        user=UserFactory(first_name="Rita", last_name="Reddy"),
        # The candidate accepted the code in the portal (the test above shows how).
        code_version=CodeOfConduct.objects.get(version="2026.1"),
        code_accepted_at=timezone.now(),
    )
    log_in(page, base, admin.email)
    open_candidates(page, centre)
    page.get_by_role("link", name="Rita Reddy").click()
    expect(
        page.get_by_text("No assessment can be recorded until all three are done.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Record an attempt")).to_have_count(0)
    shot("candidate-gate")

    page.get_by_label("Registration number").fill("AO-2040")
    page.get_by_role("button", name="Save the registration").click()
    expect(page.get_by_text("Awarding Organisation registration recorded.")).to_be_visible()
    page.get_by_role("button", name="Confirm eligibility").click()
    expect(page.get_by_text("Say how the candidate meets the pre-requisites.")).to_be_visible()
    page.get_by_label("How the candidate meets the pre-requisites").fill(
        "Team leader in the service department for two years."
    )
    page.get_by_role("button", name="Confirm eligibility").click()
    expect(page.get_by_text("All three are done: the candidate can be assessed.")).to_be_visible()
    shot("candidate-gate-done")

    # A referral on the online test, without an invigilator first: refused on that field.
    record_attempt(page, component="UPK test", assessor=assessor, outcome="Refer")
    shot("attempt-form")
    page.get_by_role("button", name="Record the attempt").click()
    expect(
        page.get_by_text("Online tests are invigilated: choose the invigilator.")
    ).to_be_visible()
    expect(page.get_by_label("Refer", exact=True)).to_be_checked()  # the input is kept
    shot("attempt-form-error")
    page.get_by_label("Invigilator (online tests)").select_option(
        label=f"{invigilator.get_full_name()} ({invigilator.email})"
    )
    page.get_by_role("button", name="Record the attempt").click()
    expect(page.get_by_text("UPK test: refer recorded.")).to_be_visible()
    expect(page.get_by_test_id("days-left")).to_have_text("365")  # R9.5: the window starts

    record_attempt(
        page, component="UPK test", assessor=assessor, outcome="Pass", invigilator=invigilator
    )
    page.get_by_role("button", name="Record the attempt").click()
    expect(page.get_by_text("UPK test: pass recorded.")).to_be_visible()

    report = tmp_path / "observation.pdf"
    report.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    record_attempt(page, component="Practical assessment", assessor=assessor, outcome="Pass")
    page.get_by_label("Notes").fill("Observed leading the Monday team briefing.")
    page.get_by_label("Evidence files").set_input_files(report)
    page.get_by_role("button", name="Record the attempt").click()
    expect(page.get_by_text("the accreditation is awarded")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Accreditation awarded"))).to_be_visible()
    shot("candidate-awarded")

    award = Award.objects.get(candidate=candidate)
    assert Attempt.objects.filter(candidate=candidate).count() == 3
    expect(page.get_by_text(award.display_code)).to_be_visible()
    certificate = page.get_by_role("link", name="Certificate (PDF)")
    response = page.request.get(base + certificate.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    with page.expect_download() as download:
        page.get_by_role("link", name="observation.pdf").click()
    assert download.value.suggested_filename == "observation.pdf"
    assert any(award.display_code in m.body for m in mail.outbox)  # R9.11: the holder is told
