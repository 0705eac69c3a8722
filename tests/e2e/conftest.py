"""Browser tests: Playwright drives Debian's chromium against pytest-django's live_server."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core import mail

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE = {"width": 375, "height": 812}


def pytest_collection_modifyitems(config, items):
    # CI installs chromium and must run these; elsewhere say clearly why they are skipped.
    if shutil.which(CHROMIUM) or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"no chromium at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright can't download its own browsers here; these flags keep chromium off the network.
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


@pytest.fixture(autouse=True)
def _quick_failures(request):
    # A locator that can't be found fails in 10 s, not Playwright's default 30 s.
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(10_000)


@pytest.fixture
def shot(page):
    """Save a screenshot of the page, at desktop and at phone width, to look at afterwards."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str, *, phone: bool = True) -> None:
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        if phone:
            size = page.viewport_size
            page.set_viewport_size(PHONE)
            page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
            page.set_viewport_size(size)

    return take


def link_in_last_email(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    return re.search(r"https?://\S+", message.body).group(0)


def staff_log_in(page, base: str, user, password: str) -> None:
    """Log a staff member in through allauth, answering the TOTP step with a known secret."""
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )
    from django.core.cache import cache

    secret = generate_totp_secret()
    # A fresh authenticator each time, so the test knows its secret.
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(user, secret)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    cache.clear()  # a code is refused twice within its window; tests may log in repeatedly
    page.get_by_label("Code", exact=True).fill(
        format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    )
    page.get_by_role("button", name="Sign In").click()


def log_in(page, base: str, email: str, password: str | None = None) -> None:
    """Log in through the portal's login page and land on the home page."""
    from playwright.sync_api import expect

    from tests.accounts.factories import PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()


def log_out(page, base: str) -> None:
    page.goto(base)
    page.get_by_role("button", name="Log out").click()
