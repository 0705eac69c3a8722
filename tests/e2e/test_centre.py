"""The centre side in the browser: a centre applies and an officer approves it in the admin; a
centre administrator adds a person, asks for their approval and records their evidence; a centre
devised assessment is refused for a type mismatch, corrected and submitted (R9.2, R9.3, R9.8,
R10.3)."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from accreditation import rules
from accreditation.models import (
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    CompetenceEvidence,
    StaffApproval,
)
from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.accreditation.factories import approved_centre, centre_admin
from tests.e2e.conftest import log_in, log_out, staff_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_centre_applies_and_an_officer_approves_it_in_the_admin(page: Page, live_server, shot):
    base = live_server.url
    applicant = UserFactory(first_name="Dana", last_name="Okafor")
    log_in(page, base, applicant.email)
    page.get_by_role("link", name="Apply as an assessment centre").click()
    expect(page.get_by_role("heading", name="Apply as an assessment centre")).to_be_visible()
    page.get_by_label("Centre name").fill("Northfield Motor Academy")
    page.get_by_label("Centre email").fill("centre@northfield.example")
    page.get_by_label("Phone").fill("0121 496 0000")
    page.get_by_label("Address").fill("1 Garage Lane\nBirmingham B1 1AA")

    # Nothing ticked: refused, and what was typed stays.
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Choose at least one route and level to apply for.")).to_be_visible()
    expect(page.get_by_label("Centre name")).to_have_value("Northfield Motor Academy")
    assert not Centre.objects.exists()
    shot("centre-apply-refused")

    page.get_by_role(
        "checkbox", name="Competence – IMI assessment tools in the workplace at level 3"
    ).check()
    page.get_by_role("checkbox", name="Competence – centre devised assessments at level 3").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text(re.compile("the IMI will review"))).to_be_visible()
    expect(page.get_by_role("heading", name="Northfield Motor Academy")).to_be_visible()
    approvals = page.locator("#approvals-heading + .table-wrap")
    expect(approvals.get_by_text("Applied")).to_have_count(2)
    shot("centre-detail-applied")
    log_out(page, base)

    # An accreditation officer approves one route and level in the admin (R9.2).
    officer = grant(UserFactory(), Role.ACCREDITATION_OFFICER)
    page.set_viewport_size({"width": 1600, "height": 900})
    staff_log_in(page, base, officer, PASSWORD)
    page.goto(f"{base}/admin/accreditation/centreapproval/?status__exact=applied")
    row = page.locator("#result_list tbody tr").filter(has_text="IMI assessment tools")
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(
        label="Approve the selected routes and levels"
    )
    page.get_by_role("button", name=re.compile("^(Go|Run)$")).click()
    expect(page.get_by_text("Approved 1.")).to_be_visible()
    shot("admin-centre-approval-approved", phone=False)
    log_out(page, base)

    centre = Centre.objects.get(name="Northfield Motor Academy")
    assert centre.status == Centre.Status.APPROVED
    assert sorted(centre.approvals.values_list("route__code", "status")) == [
        ("competence-centre-devised", "applied"),
        ("competence-imi", "approved"),
    ]

    # The centre administrator sees the decision.
    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page, base, applicant.email)
    page.get_by_role("link", name="My centre").first.click()
    page.get_by_role("link", name="Northfield Motor Academy").first.click()
    expect(page.locator("#approvals-heading + .table-wrap").get_by_text("Approved")).to_be_visible()
    expect(page.get_by_text("Next visit due")).to_be_visible()
    shot("centre-detail-approved")


def test_a_centre_administrator_adds_a_person_asks_for_an_approval_and_adds_evidence(
    page: Page, live_server, shot, tmp_path
):
    base = live_server.url
    centre = approved_centre(name="Southgate Training")
    admin = centre_admin(centre)
    log_in(page, base, admin.email)
    page.goto(f"{base}/centre/")
    shot("centre-my-centre")
    page.get_by_role("link", name="Open Southgate Training").click()
    page.get_by_role("navigation", name="Southgate Training").get_by_role(
        "link", name="People"
    ).click()
    expect(page.get_by_role("heading", name="People at Southgate Training")).to_be_visible()

    add = page.locator("section", has=page.get_by_role("heading", name="Add a person"))
    add.get_by_label("Email").fill("nia.evans@example.org")
    add.get_by_label("First name").fill("Nia")
    add.get_by_label("Last name").fill("Evans")
    add.get_by_label("Role").select_option(label="Assessor")
    add.get_by_role("button", name="Add the person").click()
    expect(page.get_by_text("Added Nia Evans as assessor.")).to_be_visible()

    ask = page.locator("section", has=page.get_by_role("heading", name="Ask for a staff approval"))
    ask.get_by_label("Person").select_option(label="Nia Evans (nia.evans@example.org)")
    ask.get_by_label("Role").select_option(label="Assessor")
    # A route without a level: refused on the form, the choices kept.
    ask.get_by_label("Route").select_option(
        label="Competence – IMI assessment tools in the workplace"
    )
    ask.get_by_role("button", name="Ask for the approval").click()
    expect(page.get_by_text("Choose the route and level of the approval.")).to_be_visible()
    ask.get_by_label("Level").select_option(label="Level 3 Team Leader")
    ask.get_by_role("button", name="Ask for the approval").click()
    expect(
        page.get_by_text("Asked for Nia Evans's approval as assessor", exact=False)
    ).to_be_visible()
    nia_row = page.locator("tbody tr").filter(has_text="Nia Evans")
    expect(nia_row.get_by_text("Requested")).to_be_visible()
    shot("centre-people")

    # The centre delivers the catalogued seed 003 qualification (R10.1, R10.3).
    page.get_by_role("navigation", name="Southgate Training").get_by_role(
        "link", name="Qualifications"
    ).click()
    page.get_by_label("Level 3 Award in Service Improvement (600/5787/7)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the qualifications the centre delivers.")).to_be_visible()

    page.get_by_role("navigation", name="Southgate Training").get_by_role(
        "link", name="People"
    ).click()
    nia_row.get_by_role("link", name="Nia Evans", exact=True).click()
    expect(page.get_by_role("heading", name="Nia Evans")).to_be_visible()
    certificate = tmp_path / "cava-certificate.pdf"
    certificate.write_bytes(PDF)
    page.get_by_label("Kind of evidence").select_option(label="Assessor award")
    page.get_by_label("Title").fill("CAVA certificate")
    page.get_by_label("Date").fill("2014-06-30")
    page.get_by_label("File").set_input_files(certificate)
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.get_by_text("Added the evidence “CAVA certificate”.")).to_be_visible()
    expect(page.get_by_role("link", name="cava-certificate.pdf")).to_be_visible()

    four_years_ago = datetime.date.today() - datetime.timedelta(days=4 * 365)
    page.get_by_label("Kind of evidence").select_option(label="Occupational experience")
    page.get_by_label("Title").fill("Workshop controller, Southgate Motors")
    page.get_by_role("spinbutton", name=re.compile("^Level")).fill("3")
    page.get_by_label("Date").fill(four_years_ago.isoformat())
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.get_by_text("Out of date", exact=True)).to_be_visible()  # R10.3

    page.get_by_label("Kind of evidence").select_option(label="Occupational qualification")
    page.get_by_label("Title").fill("Level 3 Award in Service Improvement")
    page.get_by_label("Date").fill(
        (datetime.date.today() - datetime.timedelta(days=60)).isoformat()
    )
    page.get_by_label("Supports delivering").select_option(
        label="ILM Level 3 Award in Service Improvement (600/5787/7)"
    )
    page.get_by_role("button", name="Add the evidence").click()
    expect(page.get_by_text("supports ILM Level 3 Award in Service Improvement")).to_be_visible()
    shot("centre-person")

    with page.expect_download() as download:
        page.get_by_role("link", name="cava-certificate.pdf").click()
    assert download.value.suggested_filename == "cava-certificate.pdf"

    nia = StaffApproval.objects.get(status="requested").user
    assert nia.email == "nia.evans@example.org"
    assert CompetenceEvidence.objects.filter(user=nia).count() == 3
    page.goto(f"{base}/centre/{centre.pk}/people/")
    expect(page.locator("tbody tr").filter(has_text="Nia Evans")).to_contain_text("1 out of date")
    page.goto(f"{base}/centre/{centre.pk}/qualifications/")
    row = page.locator("tbody tr").filter(has_text="Nia Evans")
    expect(row).to_contain_text("In date")
    shot("centre-qualifications")


def test_a_centre_devised_assessment_refused_for_a_type_mismatch_then_submitted(
    page: Page, live_server, shot
):
    base = live_server.url
    centre = approved_centre(name="Eastfield College", route_code="competence-centre-devised")
    log_in(page, base, centre_admin(centre).email)
    page.goto(f"{base}/centre/{centre.pk}/")
    page.get_by_role("navigation", name="Eastfield College").get_by_role(
        "link", name="Devised assessments"
    ).click()
    page.get_by_role("link", name="Submit an assessment").click()
    page.get_by_label("Route").select_option(label="Competence – centre devised assessments")
    page.get_by_label("Level").select_option(label="Level 3 Team Leader")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(re.compile("Step 2 of 2"))).to_be_visible()

    page.get_by_label("Component it replaces").select_option(label="Practical assessment")
    page.get_by_label("Title").fill("Team leader knowledge quiz")
    page.get_by_label("Type of assessment").select_option(label="Knowledge test")
    page.get_by_label("Description").fill("A forty-question quiz on leading a team.")
    page.get_by_label("Approval fee (£)").fill("250")
    mappings = page.locator("textarea[name^=map_]")
    count = mappings.count()
    assert count > 0
    for i in range(count):
        mappings.nth(i).fill(f"Question set {i + 1}")
    page.get_by_role("button", name="Submit for approval").click()

    # R9.8: a knowledge test can't replace the practical (competence) assessment.
    refusal = rules.cda_type_refusal(component_kind="competence", assessment_type="knowledge_test")
    expect(page.locator("#id_assessment_type_group")).to_contain_text(refusal)
    expect(mappings.nth(count - 1)).to_have_value(f"Question set {count}")
    assert not CentreDevisedAssessment.objects.exists()
    shot("centre-cda-refused")

    page.get_by_label("Type of assessment").select_option(
        label="Competence assessment in the workplace (observation, role play)"
    )
    page.get_by_label("Title").fill("Team leader workplace observation")
    page.get_by_role("button", name="Submit for approval").click()
    expect(
        page.get_by_text(re.compile("Submitted “Team leader workplace observation”"))
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Question set 1", exact=True)).to_be_visible()
    shot("centre-cda-detail")

    page.get_by_role("link", name="All the centre's devised assessments").click()
    expect(page.get_by_role("link", name="Team leader workplace observation")).to_be_visible()
    shot("centre-cda-list")
    assessment = CentreDevisedAssessment.objects.get()
    assert assessment.status == "submitted"
    assert assessment.mappings.count() == count
    assert CentreApproval.objects.filter(centre=centre).count() == 1
