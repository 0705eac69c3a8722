"""Content-Security-Policy (Django's own): enforced on every page, the admin and the API docs.

The policy allows only the portal's own files; an inline script or style runs only with the
request's nonce. Django 6.1's admin puts the nonce on its own tags, django-htmx on htmx's, and
templates/drf_spectacular/swagger_ui.html on the Swagger UI's, so none of them needs a weaker,
report-only policy. tests/test_security_csp_browser.py checks in chromium that nothing is blocked.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse
from django.utils.csp import CSP

from accounts.roles import Role
from tests.accounts.factories import UserFactory, grant
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

ENFORCE = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"


def directives(response) -> dict[str, list[str]]:
    policy = response[ENFORCE]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def nonce_of(response) -> str:
    found = set(re.findall(r"'nonce-([^']+)'", response[ENFORCE]))
    assert len(found) == 1, response[ENFORCE]
    return found.pop()


def test_the_policy_is_strict():
    policy = settings.SECURE_CSP
    assert policy["default-src"] == [CSP.SELF]
    for directive in ("script-src", "style-src"):
        assert CSP.UNSAFE_INLINE not in policy[directive]
        assert CSP.UNSAFE_EVAL not in policy[directive]
    assert policy["style-src-attr"] == [CSP.UNSAFE_INLINE]  # style="...": no script, no selectors
    assert policy["object-src"] == [CSP.NONE]
    assert policy["frame-ancestors"] == [CSP.NONE]
    assert not any(source.startswith(("http", "*")) for v in policy.values() for source in v)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/register/"])
def test_public_pages_carry_the_enforced_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert directives(response)["default-src"] == ["'self'"]
    assert REPORT_ONLY not in response


def test_a_registrants_page_runs_htmx_with_the_nonce_and_nothing_inline_without_it(client):
    registrant = make_registrant()
    client.force_login(registrant.user)

    response = client.get(reverse("cpd:activity_new"))

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    nonce = nonce_of(response)
    assert f"'nonce-{nonce}'" in policy["script-src"]
    body = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag or "src=" in tag for tag in scripts)
    assert re.search(rf'<script src="[^"]*htmx[^"]*"[^>]* nonce="{nonce}"', body)
    assert not re.search(r"\son[a-z]+=", body)  # no inline event handlers: CSP blocks them


def test_the_admin_login_goes_to_the_portals_login_under_the_policy(client):
    response = client.get("/admin/login/", follow=True)

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("account_login")
    assert directives(response)["default-src"] == ["'self'"]


def test_the_admin_runs_under_the_enforced_policy_with_a_nonce(client):
    officer = grant(UserFactory(), Role.REGISTER_OFFICER)
    Authenticator.objects.create(user=officer, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(officer)

    response = client.get("/admin/register/registrant/")

    assert response.status_code == 200
    assert directives(response)["default-src"] == ["'self'"]
    nonce = nonce_of(response)
    assert f'nonce="{nonce}"' in response.content.decode()  # Django's admin tags carry it


def test_the_api_docs_run_under_the_enforced_policy_with_a_nonce(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    nonce = nonce_of(response)
    body = response.content.decode()
    assert f'<style nonce="{nonce}">' in body
    assert f'<script nonce="{nonce}">' in body  # the inline Swagger UI set-up
    assert "swagger-ui-bundle.js" in body
    assert "data:" in directives(response)["img-src"]  # the Swagger UI's icons


def test_each_response_gets_its_own_nonce(client):
    assert nonce_of(client.get("/api/docs/")) != nonce_of(client.get("/api/docs/"))


def test_the_api_carries_the_policy_too(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert directives(response)["default-src"] == ["'self'"]
