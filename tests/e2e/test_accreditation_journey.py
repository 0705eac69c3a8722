"""The whole accreditation path in one browser session per role, from a centre's application to a
certificate anyone can verify (R9.2-R9.11): the applicant, the accreditation officer, the centre
administrator, the candidate and a member of the public each do their part through the pages.

The other browser tests go into each step's refusals; this one checks the steps join up.
Competence evidence is written by a builder (its form is covered in test_centre.py)."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accreditation.models import Award, Candidate, Centre, StaffApproval
from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.accreditation.factories import approved_staff, competent_evidence
from tests.e2e.conftest import log_in, log_out, staff_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROUTE = "Competence – IMI assessment tools in the workplace"


def admin_action(page: Page, base: str, path: str, row_text: str, action: str, done: str) -> None:
    page.goto(f"{base}/admin/accreditation/{path}/")
    page.locator("#result_list tbody tr").filter(has_text=row_text).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()
    expect(page.get_by_text(done, exact=False)).to_be_visible()


def test_from_a_centre_application_to_a_verified_certificate(
    page: Page, live_server, shot, tmp_path
):
    base = live_server.url
    applicant = UserFactory(first_name="Priya", last_name="Shah")
    officer = grant(UserFactory(), Role.ACCREDITATION_OFFICER)
    page.set_viewport_size({"width": 1400, "height": 900})

    # 1. The centre applies (R9.2).
    log_in(page, base, applicant.email)
    page.get_by_role("link", name="Apply as an assessment centre").click()
    page.get_by_label("Centre name").fill("Westway Automotive Academy")
    page.get_by_label("Centre email").fill("hello@westway.example")
    page.get_by_label("Phone").fill("0117 496 0000")
    page.get_by_label("Address").fill("2 Depot Road\nBristol BS1 1AA")
    page.get_by_role("checkbox", name=f"{ROUTE} at level 3").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text(re.compile("the IMI will review"))).to_be_visible()
    centre = Centre.objects.get(name="Westway Automotive Academy")

    # 2. The centre administrator adds an assessor and asks for their approval (R9.3). The
    # approval can only be asked for once the centre holds the route: the officer comes first.
    log_out(page, base)
    staff_log_in(page, base, officer, PASSWORD)
    admin_action(
        page,
        base,
        "centreapproval",
        "Westway",
        "Approve the selected routes and levels",
        "Approved 1.",
    )
    log_out(page, base)

    log_in(page, base, applicant.email)
    page.goto(f"{base}/centre/{centre.pk}/people/")
    add = page.locator("section", has=page.get_by_role("heading", name="Add a person"))
    add.get_by_label("Email").fill("omar.assessor@example.org")
    add.get_by_label("First name").fill("Omar")
    add.get_by_label("Last name").fill("Hassan")
    add.get_by_label("Role").select_option(label="Assessor")
    add.get_by_role("button", name="Add the person").click()
    expect(page.get_by_text("Added Omar Hassan as assessor.")).to_be_visible()
    ask = page.locator("section", has=page.get_by_role("heading", name="Ask for a staff approval"))
    ask.get_by_label("Person").select_option(label="Omar Hassan (omar.assessor@example.org)")
    ask.get_by_label("Role").select_option(label="Assessor")
    ask.get_by_label("Route").select_option(label=ROUTE)
    ask.get_by_label("Level").select_option(label="Level 3 Team Leader")
    ask.get_by_role("button", name="Ask for the approval").click()
    expect(
        page.get_by_text("Asked for Omar Hassan's approval as assessor", exact=False)
    ).to_be_visible()
    log_out(page, base)
    assessor = StaffApproval.objects.get(role="assessor").user
    competent_evidence(assessor)
    invigilator = approved_staff(
        centre,
        role=StaffApproval.Role.INVIGILATOR,
        user=UserFactory(first_name="Ines", last_name="Watch"),
    )

    # 3. The officer approves the assessor on their evidence (R9.3).
    staff_log_in(page, base, officer, PASSWORD)
    admin_action(
        page,
        base,
        "staffapproval",
        "Omar Hassan",
        "Approve the selected requests",
        "Approved 1 request",
    )
    shot("journey-admin-staff-approved", phone=False)
    log_out(page, base)

    # 4. The centre registers the candidate from a CSV file (R9.2).
    log_in(page, base, applicant.email)
    page.goto(f"{base}/centre/{centre.pk}/candidates/import/")
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(
        "email,first_name,last_name,route,level,ao_registration_number\n"
        "lena.novak@example.org,Lena,Novak,competence-imi,3,AO-7001\n"
    )
    page.get_by_label("CSV file").set_input_files(cohort)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Registered 1 candidate")).to_be_visible()
    log_out(page, base)

    # 5. The candidate (who set a password from the email; see test_candidates.py) accepts the
    # Accreditation Code of Conduct (R9.4).
    candidate = Candidate.objects.get(user__email="lena.novak@example.org")
    candidate.user.set_password(PASSWORD)
    candidate.user.save()
    candidate.user.emailaddress_set.update(verified=True)
    log_in(page, base, "lena.novak@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My accreditation").click()
    page.get_by_label("I agree to the Accreditation Code of Conduct").check()
    page.get_by_role("button", name="Accept the Code of Conduct").click()
    expect(page.get_by_text("you have accepted the Code of Conduct")).to_be_visible()
    log_out(page, base)

    # 6. The centre confirms eligibility and records the attempts (R9.4-R9.7).
    log_in(page, base, applicant.email)
    page.goto(f"{base}/centre/{centre.pk}/candidates/{candidate.pk}/")
    page.get_by_label("How the candidate meets the pre-requisites").fill(
        "Service team leader since 2024."
    )
    page.get_by_role("button", name="Confirm eligibility").click()
    expect(page.get_by_text("All three are done: the candidate can be assessed.")).to_be_visible()
    for component, extra in (("UPK test", True), ("Practical assessment", False)):
        page.get_by_role("link", name="Record an attempt").click()
        page.get_by_label("Component").select_option(label=component)
        page.get_by_label("Assessor").select_option(label=f"Omar Hassan ({assessor.email})")
        if extra:
            page.get_by_label("Invigilator (online tests)").select_option(
                label=f"Ines Watch ({invigilator.email})"
            )
        page.get_by_label("Pass", exact=True).check()
        page.get_by_role("button", name="Record the attempt").click()
        expect(page.get_by_text(f"{component}: pass recorded.", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Accreditation awarded"))).to_be_visible()
    shot("journey-centre-awarded")
    log_out(page, base)
    award = Award.objects.get(candidate=candidate)

    # 7. The holder downloads the certificate (R9.11).
    log_in(page, base, "lena.novak@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My accreditation").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("certificate", re.IGNORECASE)).first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    log_out(page, base)

    # 8. Anyone checks the code, typed as printed (R9.11).
    page.goto(f"{base}/verify/")
    page.get_by_label(re.compile("code", re.IGNORECASE)).first.fill(award.display_code.lower())
    page.get_by_role("button", name=re.compile("Check|Verify")).click()
    expect(page.get_by_role("heading", name="Valid accreditation")).to_be_visible()
    expect(page.get_by_text("Lena Novak")).to_be_visible()
    expect(page.get_by_text("lena.novak@example.org")).to_have_count(0)
    shot("journey-verified")
