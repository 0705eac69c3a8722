"""A registrant's week: join, record activities watching the credits, evidence, drafts, exports."""

import datetime
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from cpd.models import Activity, Evidence
from register.models import Registrant
from tests.accounts.factories import PASSWORD, UserFactory
from tests.cpd.factories import GatewayCourseFactory
from tests.e2e.conftest import PHONE, SCREENSHOTS, log_in
from tests.register.factories import make_registrant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0"
    b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def preview(page: Page):
    return page.get_by_test_id("preview-explanation")


def test_a_user_joins_the_register_and_sees_their_first_cycle(page: Page, live_server, shot):
    user = UserFactory(first_name="Jo")
    log_in(page, live_server.url, user.email)
    page.get_by_role("link", name="Join the register").first.click()
    expect(page.get_by_role("heading", name="If you join today")).to_be_visible()
    shot("join")
    page.get_by_role("button", name="Join the register").click()
    expect(page.get_by_text("You need to accept the Terms and Conditions to join.")).to_be_visible()
    page.get_by_role("checkbox", name=re.compile("accept the Terms and Conditions")).check()
    page.get_by_role("checkbox", name=re.compile("Code of Conduct")).check()
    page.get_by_role("button", name="Join the register").click()
    expect(page.get_by_text(re.compile("Your membership number is PR"))).to_be_visible()
    expect(page.get_by_role("heading", name="My CPD progress")).to_be_visible()
    shot("dashboard-new-registrant")
    assert Registrant.objects.get(user=user).cycles.count() == 1


def test_recording_activities_updates_the_preview_and_the_dashboard(
    page: Page, live_server, shot, tmp_path
):
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    GatewayCourseFactory(title="EV high voltage safety", credits=Decimal("10"), assessed=True)
    base = live_server.url
    log_in(page, base, registrant.user.email)

    # Principle 1: 1.5 hours of reading, with impact on behaviour, and a certificate.
    page.goto(f"{base}/cpd/activities/new/")
    page.get_by_label("Title").fill("Leadership skills article")
    page.get_by_label("Find a type").fill("reading")
    page.get_by_label("Personal activity").check()
    page.get_by_label("Hours of learning").fill("1.5")
    expect(preview(page)).to_have_text("1.5 h = 1.5")
    page.get_by_label("It changed how I behave at work").check()
    expect(preview(page)).to_have_text("1.5 h + 2 behaviour = 3.5")
    page.get_by_label("How did your behaviour change?").fill("I am more flexible with my team.")
    page.get_by_label("Reflective statement").fill("Good communication matters most.")
    page.get_by_label("Completed on").fill("2026-06-01")
    certificate = tmp_path / "certificate.png"
    certificate.write_bytes(PNG)
    page.get_by_label("Evidence files").set_input_files(str(certificate))
    shot("activity-form-personal")
    page.get_by_role("button", name="Record the activity").click()
    expect(page.get_by_text("Recorded “Leadership skills article”: 3.50 credits.")).to_be_visible()
    expect(page.get_by_role("link", name="certificate.png")).to_be_visible()
    shot("activity-detail")
    assert Evidence.objects.get().original_name == "certificate.png"

    # Principle 2: a Gateway course from the catalogue.
    page.goto(f"{base}/cpd/activities/new/")
    page.get_by_label("Title").fill("EV safety course")
    page.get_by_label("Type of activity").select_option(label="Vehicle manufacturer's course")
    page.get_by_label("Shared activity").check()
    page.get_by_label("A course from the IMI CPD Gateway").check()
    page.get_by_role("combobox", name="Gateway course").select_option(
        label="EV high voltage safety (10 credits)"
    )
    page.get_by_label("It changed our working practice").check()
    page.get_by_label("What changed in your working practice?").fill("New safe-working policy.")
    expect(preview(page)).to_have_text("10 Gateway + 4 working practice = 14")
    page.get_by_label("Reflective statement").fill("High voltage needs respect.")
    page.get_by_label("Completed on").fill("2026-07-01")
    page.get_by_role("button", name="Record the activity").click()
    expect(page.get_by_text(re.compile("14.00 credits"))).to_be_visible()

    # Principle 2: a QCF 40 qualification in four instalments (R2.6).
    page.goto(f"{base}/cpd/activities/new/")
    page.get_by_label("Title").fill("Level 3 Diploma in Accident Repair")
    page.get_by_label("Find a type").fill("NVQ")
    page.get_by_label("Shared activity").check()
    page.get_by_label("A nationally recognised qualification").check()
    page.get_by_label("The qualification's credit value").fill("40")
    page.get_by_label("Record it in equal instalments").fill("4")
    expect(preview(page)).to_have_text("QCF 40 × 10 = 400: 100 + 100 + 100 + 100")
    page.get_by_label("Reflective statement").fill("A big step in my career.")
    page.get_by_label("Completed on").fill("2026-08-01")
    shot("activity-form-qualification")
    page.get_by_role("button", name="Record the activity").click()
    expect(page.get_by_text("in 4 instalments")).to_be_visible()
    assert (
        sorted(Activity.objects.filter(instalments=4).values_list("credits", flat=True))
        == [Decimal("100.00")] * 4
    )

    # The dashboard: 3.5 + 14 + 400 counted; target met.
    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_test_id("counted")).to_have_text("417.5")
    expect(page.get_by_text("Target met")).to_be_visible()
    shot("dashboard-after-recording")
    # On a phone the latest activities stack, each cell labelled: no credits cut off at the edge.
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    expect(page.locator('td[data-label="Credits"]').first).to_have_text("100")
    latest = page.locator("#recent-heading + .table-wrap")
    assert latest.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth")  # nothing to scroll to
    page.set_viewport_size(size)
    page.get_by_role("link", name="My record").click()
    expect(page.get_by_text("6 activities")).to_be_visible()
    shot("activity-list")


def test_the_pdf_and_json_downloads(page: Page, live_server, tmp_path):
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    from tests.cpd.factories import make_activity

    make_activity(registrant, title="Customer service seminar")
    log_in(page, live_server.url, registrant.user.email)
    page.goto(f"{live_server.url}/cpd/")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="your CPD record (PDF)").click()
    pdf = tmp_path / "record.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(SCREENSHOTS / "record-download"),
            ],
            check=True,
        )
    with page.expect_download() as json_download:
        page.get_by_role("link", name="all your data (JSON)").click()
    data = tmp_path / "data.json"
    json_download.value.save_as(data)
    assert "Customer service seminar" in data.read_text()


def test_a_draft_survives_a_forced_logout(page: Page, live_server, shot):
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    base = live_server.url
    log_in(page, base, registrant.user.email)
    page.goto(f"{base}/cpd/activities/new/")
    page.get_by_label("Title").fill("Half-written workshop notes")
    page.get_by_label("Reflective statement").fill("I learnt that...")
    expect(page.get_by_text(re.compile("Draft saved"))).to_be_visible()

    page.context.clear_cookies()  # the session is gone, as after a timeout
    page.get_by_label("Reflective statement").fill("I learnt that lean methods cut waste.")
    expect(page.get_by_text(re.compile("Draft kept on this device"))).to_be_visible()

    page.goto(f"{base}/cpd/activities/new/")  # sent to log in first
    page.get_by_label("Email").fill(registrant.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile("/cpd/activities/new/"))
    expect(page.get_by_label("Title")).to_have_value("Half-written workshop notes")
    expect(page.get_by_label("Reflective statement")).to_have_value(
        "I learnt that lean methods cut waste."
    )
    shot("activity-form-draft-restored")


def test_plan_an_objective_link_change_and_delete_an_activity_and_update_details(
    page: Page, live_server, shot
):
    from tests.cpd.factories import make_activity

    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    activity = make_activity(registrant, title="Toolbox talk on HV safety")
    base = live_server.url
    log_in(page, base, registrant.user.email)

    page.goto(f"{base}/cpd/plan/")
    page.get_by_role("link", name="Add an objective").click()
    page.get_by_label("Title").fill("Become EV qualified")
    page.get_by_label("Description").fill("Work safely on high-voltage vehicles.")
    page.get_by_label("How it will be measured").fill("Level 3 EV award passed.")
    page.get_by_label("Agreed with").fill("Workshop manager")
    page.get_by_label("Target date").fill("2027-06-30")
    shot("objective-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the objective “Become EV qualified”.")).to_be_visible()
    shot("objective-list")

    page.goto(f"{base}/cpd/activities/{activity.pk}/")
    page.get_by_role("link", name="Change").click()
    page.get_by_label("Objective it serves").select_option(label="Become EV qualified")
    page.get_by_label("Hours of learning").fill("2")
    expect(preview(page)).to_have_text("2 h = 2")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved “Toolbox talk on HV safety”: 2.00 credits.")).to_be_visible()

    page.goto(f"{base}/cpd/plan/")
    expect(page.get_by_role("link", name="1 (2 credits)")).to_be_visible()

    page.goto(f"{base}/cpd/activities/?principle=personal")
    shot("activity-list-filtered")
    page.get_by_role("link", name="Toolbox talk on HV safety").click()
    page.get_by_role("link", name="Delete").click()
    shot("activity-delete")
    page.get_by_role("button", name="Delete it").click()
    expect(page.get_by_text("Deleted “Toolbox talk on HV safety”.")).to_be_visible()
    assert not Activity.objects.exists()

    page.get_by_role("link", name="Contact details").click()
    page.get_by_label("Phone").fill("01992 511521")
    page.get_by_label("Employer").fill("Hertford Motors")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.get_by_text("Your contact details were saved.")).to_be_visible()
    shot("profile")
    registrant.refresh_from_db()
    assert registrant.employer == "Hertford Motors"
    # R8.4: every change kept, newest first.
    assert list(registrant.history.values_list("employer", flat=True))[:2] == [
        "Hertford Motors",
        "",
    ]
