"""An evidence audit in the browser: an auditor draws, the registrant answers, another decides."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from audit.models import AuditItem
from cpd.selectors import cycle_progress
from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.cpd.factories import make_activity
from tests.e2e.conftest import log_in, log_out, staff_log_in
from tests.register.factories import make_registrant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A real 1x1 PNG: evidence images must decode (cpd.services.evidence_check).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0"
    b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_an_audit_from_the_draw_to_the_outcome(page: Page, live_server, shot, tmp_path):
    base = live_server.url
    registrant = make_registrant()
    activity = make_activity(registrant, title="EV safety seminar", as_of=datetime.date.today())

    # An auditor draws a sample of one in the admin.
    auditor = grant(UserFactory(), Role.AUDITOR)
    page.set_viewport_size({"width": 1600, "height": 900})
    staff_log_in(page, base, auditor, PASSWORD)
    page.goto(f"{base}/admin/audit/auditdraw/")
    page.get_by_role("link", name="Draw a sample").click()
    page.get_by_label("Or a number of registrants").fill("1")
    page.get_by_label("Leave out registrants who joined within this many days").fill("183")
    shot("admin-audit-draw", phone=False)
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_text(re.compile(r"Drew 1 of 1 eligible registrants"))).to_be_visible()
    shot("admin-audit-cases", phone=False)
    log_out(page, base)

    # The registrant adds a note and evidence.
    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page, base, registrant.user.email)
    page.goto(f"{base}/audit/")
    expect(page.get_by_role("heading", name="Your record is being audited")).to_be_visible()
    page.get_by_label("Note to the auditor about “EV safety seminar”").fill(
        "The certificate shows four hours, not 1.5."
    )
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("Your note on “EV safety seminar” was saved.")).to_be_visible()
    certificate = tmp_path / "certificate.png"
    certificate.write_bytes(PNG)
    page.get_by_label("Evidence for “EV safety seminar”").set_input_files(certificate)
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("link", name="certificate.png")).to_be_visible()
    shot("audit-registrant-evidence")
    log_out(page, base)

    # Another auditor sets a higher credit value, with a reason.
    decider = grant(UserFactory(), Role.AUDITOR)
    page.set_viewport_size({"width": 1600, "height": 900})
    staff_log_in(page, base, decider, PASSWORD)
    page.goto(f"{base}/admin/audit/audititem/")
    page.get_by_role("link", name="EV safety seminar").click()
    expect(page.get_by_text("The certificate shows four hours, not 1.5.")).to_be_visible()
    page.get_by_label("Set another credit value").check()
    page.get_by_label("New credit value").fill("4")
    page.get_by_label("Reason").fill("The certificate confirms four hours of training.")
    shot("admin-audit-decision", phone=False)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile("was changed successfully"))).to_be_visible()
    log_out(page, base)

    # The registrant sees the outcome and the new credits count at once.
    page.set_viewport_size({"width": 1280, "height": 720})
    log_in(page, base, registrant.user.email)
    page.goto(f"{base}/audit/")
    expect(page.get_by_test_id("case-outcome")).to_contain_text("1 activity with credits changed")
    expect(page.get_by_test_id("item-credits")).to_have_text("4")
    expect(page.get_by_test_id("item-reason")).to_have_text(
        "The certificate confirms four hours of training."
    )
    shot("audit-registrant-outcome")
    item = AuditItem.objects.get()
    assert (item.decision, item.decided_by) == ("adjusted", decider)
    activity.refresh_from_db()
    assert activity.audited_credits == Decimal("4") and not activity.in_audit
    progress = cycle_progress(cycle=activity.cycle, as_of=datetime.date.today()).progress
    assert progress.counted_credits == Decimal("4")
