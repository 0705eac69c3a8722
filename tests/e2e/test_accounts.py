"""Sign up, verify, log in and out, reset a password; staff forced through TOTP setup."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import Role
from tests.accounts.factories import PASSWORD, UserFactory, grant
from tests.e2e.conftest import link_in_last_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_a_visitor_signs_up_verifies_logs_out_and_in_and_resets_the_password(
    page: Page, live_server, shot
):
    base = live_server.url
    page.goto(base)
    shot("home-visitor")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Mechanic")
    page.get_by_label("Email").fill("sam@example.org")
    page.get_by_label("Password", exact=True).fill("a-good-long-passphrase")
    page.get_by_label("Password (again)").fill("a-good-long-passphrase")
    shot("signup-filled")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    shot("signup-verification-sent")

    user = User.objects.get(email="sam@example.org")
    assert (user.first_name, user.last_name) == ("Sam", "Mechanic")

    page.goto(link_in_last_email("sam@example.org"))
    shot("email-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Welcome, Sam")).to_be_visible()
    shot("home-signed-in")

    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()

    log_in(page, base, "sam@example.org", "a-good-long-passphrase")
    expect(page.get_by_role("heading", name="Welcome, Sam")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{base}/accounts/login/")
    shot("login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("sam@example.org")
    shot("password-reset")
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", name="Password Reset")).to_be_visible()

    page.goto(link_in_last_email("sam@example.org"))
    page.get_by_label("New Password", exact=True).fill("another-long-passphrase")
    page.get_by_label("New Password (again)").fill("another-long-passphrase")
    shot("password-reset-new")
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()

    log_in(page, base, "sam@example.org", "another-long-passphrase")
    expect(page.get_by_role("heading", name="Welcome, Sam")).to_be_visible()


def test_a_wrong_password_gets_a_clear_message(page: Page, live_server, shot):
    user = UserFactory()
    log_in(page, live_server.url, user.email, "not-the-password")
    expect(
        page.get_by_text("The email address and/or password you specified are not correct.")
    ).to_be_visible()
    shot("login-error")


def test_a_staff_login_is_forced_through_totp_setup_and_then_asks_for_a_code(
    page: Page, live_server, shot
):
    base = live_server.url
    officer = grant(UserFactory(email="officer@example.org"), Role.REGISTER_OFFICER)
    log_in(page, base, officer.email, PASSWORD)
    page.get_by_role("link", name="Staff admin").click()

    # Not in yet: the admin sends them to set up an authenticator app, after confirming
    # their password again (allauth asks before any change to sign-in security).
    expect(page.get_by_text("Staff accounts must use two-factor authentication")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    shot("mfa-reauthenticate")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    shot("mfa-setup")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp(secret))
    page.get_by_role("button", name="Activate").click()
    shot("mfa-activated")

    page.goto(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Staff administration")).to_be_visible()
    shot("admin-index")

    page.goto(base)
    page.get_by_role("button", name="Log out").click()
    cache.clear()  # as if a later 30-second window: allauth refuses a code used twice
    log_in(page, base, officer.email, PASSWORD)
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    shot("mfa-code-at-login")
    page.get_by_label("Code", exact=True).fill(totp(secret))
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{base}/admin/")
    expect(page.get_by_role("heading", name="Staff administration")).to_be_visible()


def totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
