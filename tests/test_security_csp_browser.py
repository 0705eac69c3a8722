"""In chromium, under the enforced Content-Security-Policy, nothing the portal needs is blocked.

Every page listens for `securitypolicyviolation` events (and the console's CSP errors) from the
first byte; a blocked script, style or image fails the test with what was blocked and where.
The pages are the ones with script: htmx's live preview, the dashboard's cycle switch, the
activity page's draft clean-up, the admin's changelists and forms, the Swagger UI, the TOTP QR.
"""

import datetime
import os
import re
import shutil

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from accounts.roles import Role
from register.cycles import cycles_close_ended
from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.cpd.factories import make_activity
from tests.register.factories import make_registrant

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not shutil.which(CHROMIUM) and not os.environ.get("CI"),
        reason=f"no chromium at {CHROMIUM} (apt-get install -y chromium)",
    ),
]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # As tests/e2e/conftest.py: Debian's chromium, kept off the network.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture
def watched(page: Page):
    """The page, recording every CSP violation; the test fails if there was any."""
    page.set_default_timeout(10_000)
    console: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda m: (
            console.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None
        ),
    )
    seen: list[str] = []

    def collect() -> None:
        seen.extend(page.evaluate("window.__csp || []"))

    yield page, collect
    collect()
    assert not seen and not console, "\n".join(seen + console)


def sign_in(page: Page, live_server, user) -> None:
    """A session made by Django's test client, handed to the browser as its cookie."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_a_registrants_pages_work_under_the_policy(watched, live_server):
    page, collect = watched
    registrant = make_registrant(joined_on=datetime.date(2022, 6, 1))
    make_activity(
        registrant,
        principle="shared",
        hours=None,
        activity_type="nvq",
        qualification_credit_value=10,
        completed_on=datetime.date(2024, 6, 1),
        as_of=datetime.date(2024, 6, 2),
    )
    cycles_close_ended(as_of=datetime.date.today())
    assert registrant.cycles.count() == 2
    sign_in(page, live_server, registrant.user)
    base = live_server.url

    # The dashboard's cycle switch submits itself on change (a nonce'd script, no onchange=).
    page.goto(f"{base}/cpd/")
    page.get_by_label("Cycle", exact=True).select_option(value="1")
    expect(page).to_have_url(re.compile(r"cycle=1"))
    collect()

    # htmx (nonce'd) fetches the live preview as soon as the form loads and as one types.
    page.goto(f"{base}/cpd/activities/new/")
    page.get_by_label("Personal activity").check()
    page.get_by_label("Hours of learning").fill("2")
    expect(page.get_by_test_id("preview-explanation")).to_have_text(re.compile("2 h"))
    collect()

    # The activity page clears the saved draft with a nonce'd inline script.
    activity = registrant.cycles.order_by("number").first().activities.first()
    page.goto(f"{base}/cpd/activities/")
    page.evaluate(f"localStorage.setItem('imi-activity-draft:{registrant.user.pk}:new', '{{}}')")
    page.goto(f"{base}/cpd/activities/{activity.pk}/?saved=new")
    assert (
        page.evaluate(f"localStorage.getItem('imi-activity-draft:{registrant.user.pk}:new')")
        is None
    )


def test_the_admin_works_under_the_policy(watched, live_server):
    page, collect = watched
    officer = grant(UserFactory(is_staff=True), Role.REGISTER_OFFICER)
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    registrant = make_registrant()
    make_activity(registrant)
    sign_in(page, live_server, officer)
    page.set_viewport_size({"width": 1600, "height": 900})
    base = live_server.url

    page.goto(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Staff administration")).to_be_visible()
    collect()
    page.goto(f"{base}/admin/register/registrant/")
    expect(page.get_by_role("link", name=registrant.membership_number)).to_be_visible()
    collect()
    page.get_by_role("link", name=registrant.membership_number).click()
    expect(page.locator("#content-main form")).to_be_visible()
    collect()
    page.goto(f"{base}/admin/cpd/activity/")
    expect(page.locator("#result_list")).to_be_visible()


def test_the_api_docs_work_under_the_policy(watched, live_server):
    page, _ = watched
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("IMI portal API")
    expect(page.locator(".opblock").first).to_be_visible()


def test_the_totp_qr_code_shows_under_the_policy(watched, live_server):
    page, _ = watched
    sign_in(page, live_server, UserFactory())
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate")
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks again before 2FA changes
    page.get_by_role("button", name="Confirm").click()
    qr = page.locator("img[src^='data:image/svg+xml']")
    expect(qr).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())


def test_an_injected_inline_script_is_blocked(page: Page, live_server):
    page.add_init_script(LISTEN)
    page.goto(f"{live_server.url}/register/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }"""
    )
    assert page.evaluate("window.injected") is None
    expect(page.locator("body")).to_be_visible()
    assert any(
        v.startswith("script-src-elem blocked inline") for v in page.evaluate("window.__csp")
    )
