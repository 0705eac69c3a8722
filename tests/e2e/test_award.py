"""The award in the browser (R9.11): the holder downloads the certificate, anyone verifies its
code, the public register shows it, an officer extends a window and renews an award."""

import datetime
import re
import shutil
import subprocess

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accreditation.models import Award, Candidate, WindowExtension
from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.accreditation.awards import award_through_services
from tests.accreditation.factories import approved_centre, make_candidate
from tests.e2e.conftest import SCREENSHOTS, log_in, log_out, staff_log_in
from tests.register.factories import make_registrant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def award() -> Award:
    holder = UserFactory(first_name="Katherine", last_name="Johnson")
    make_registrant(user=holder)  # on the Professional Register, keeping CPD (R9.11)
    return award_through_services(
        holder=holder, centre=approved_centre(name="Riverside Motor Academy")
    )


def test_the_holder_downloads_the_certificate_and_anyone_verifies_it(
    page: Page, live_server, shot, award, tmp_path
):
    base = live_server.url
    log_in(page, base, award.holder.email)
    page.goto(f"{base}/accreditation/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        # For people to look at: tests/e2e/screenshots/award-certificate.png
        SCREENSHOTS.mkdir(exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf)]
            + [str(SCREENSHOTS / "award-certificate")],
            check=True,
        )
    log_out(page, base)

    # Anyone, without logging in, types the code as they like: small letters, no dashes.
    page.goto(f"{base}/verify/")
    page.get_by_label("Verification code").fill(award.verification_code.lower())
    shot("award-verify-form")
    page.get_by_role("button", name="Check the code").click()
    expect(page).to_have_url(f"{base}/verify/{award.verification_code}/")
    expect(page.get_by_test_id("award-status")).to_have_text("Valid")
    expect(page.get_by_test_id("holder")).to_have_text("Katherine Johnson")
    expect(page.get_by_text(award.holder.email)).to_have_count(0)
    shot("award-verify-valid")

    page.goto(f"{base}/verify/ABCD-EFGH-JKLM/")
    expect(page.get_by_role("heading", name="No accreditation with this code")).to_be_visible()
    shot("award-verify-unknown")


def test_the_public_register_entry_shows_the_accreditation(page: Page, live_server, shot, award):
    base = live_server.url
    registrant = award.holder.registrant
    page.goto(f"{base}/register/?q=johnson")
    expect(page.get_by_role("link", name=award.title)).to_be_visible()
    shot("award-public-register-list")
    page.get_by_role("link", name="Katherine Johnson").click()
    expect(page).to_have_url(f"{base}/register/{registrant.membership_number}/")
    expect(page.get_by_test_id("accreditations")).to_contain_text(award.title)
    expect(page.get_by_test_id("accreditations")).to_contain_text(
        f"Valid until {award.expires_on.day} {award.expires_on:%B %Y}"
    )
    shot("award-public-register-entry")
    page.get_by_role("link", name=award.title).click()
    expect(page.get_by_test_id("award-status")).to_have_text("Valid")


def test_an_officer_extends_a_window_and_renews_an_award(page: Page, live_server, shot, award):
    base = live_server.url
    waiting = make_candidate(
        award.candidate.centre,
        user=UserFactory(first_name="Dorothy", last_name="Vaughan"),
        first_attempt_on=datetime.date(2026, 3, 2),  # the window ends on 1 March 2027
    )
    officer = grant(UserFactory(), Role.ACCREDITATION_OFFICER)
    page.set_viewport_size({"width": 1400, "height": 900})
    staff_log_in(page, base, officer, PASSWORD)

    page.goto(f"{base}/admin/accreditation/candidate/")
    page.get_by_role("link", name=re.compile("Dorothy Vaughan")).click()
    page.get_by_role("link", name="Extend the window").click()
    expect(page.get_by_text("The window now ends on 1 March 2027.")).to_be_visible()
    page.get_by_label("New last day of the window").fill("2027-01-31")
    page.get_by_label("Exceptional circumstances").fill("Long illness, with a doctor's letter.")
    page.get_by_role("button", name="Extend the window").click()
    expect(page.get_by_text(re.compile("already runs to 1 March 2027"))).to_be_visible()
    shot("admin-extend-window-refused", phone=False)
    page.get_by_label("New last day of the window").fill("2027-05-31")
    page.get_by_role("button", name="Extend the window").click()
    expect(page.get_by_text("now ends on 31 May 2027")).to_be_visible()
    expect(page.get_by_text("Long illness, with a doctor's letter.")).to_be_visible()
    shot("admin-window-extended", phone=False)
    assert Candidate.objects.get(pk=waiting.pk).window_extended_to == datetime.date(2027, 5, 31)
    assert WindowExtension.objects.get().extended_by == officer

    page.goto(f"{base}/admin/accreditation/award/")
    old_expiry = award.expires_on
    page.get_by_role("row", name=re.compile("Katherine Johnson")).get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label="Renew with CPD (three more years)")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("Renewed 1 accreditation for three more years.")).to_be_visible()
    shot("admin-award-renewed", phone=False)
    award.refresh_from_db()
    assert award.expires_on == old_expiry.replace(year=old_expiry.year + 3)
