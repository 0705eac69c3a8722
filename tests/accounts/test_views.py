from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_cache_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "broker": "not used",  # tests run Celery in-process
    }


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs Redis (REDIS_URL), as in CI")
def test_healthz_checks_the_broker_when_celery_uses_one(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "ok",
        "broker": "down",
    }


def test_healthz_is_503_when_the_database_is_down(client):
    with mock.patch("accounts.views.connection.cursor", side_effect=OSError("db down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["cache"] == "ok"


def test_healthz_is_503_when_the_cache_is_down(client):
    with mock.patch("accounts.views.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "down",
        "broker": "not used",
    }


def test_home_invites_a_visitor_to_sign_up(client):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("account_signup") in response.content.decode()


def test_home_shows_next_steps_to_a_signed_in_user(client, user):
    client.force_login(user)
    body = client.get("/").content.decode()
    assert f"Welcome, {user.first_name}" in body
    assert reverse("account_email") in body


def test_unknown_page_gets_the_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_forbidden_page_gets_the_friendly_403(client, user):
    client.force_login(user)  # not IMI staff
    response = client.get(reverse("register:staff_overview"))
    assert response.status_code == 403
    assert "You can't open this page" in response.content.decode()


def test_server_error_gets_the_friendly_500():
    from django.test import Client

    with mock.patch("accounts.views.render", side_effect=RuntimeError("boom")):
        response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_api_token_can_be_created_used_and_revoked(client, user):
    client.force_login(user)
    client.post(reverse("api_token_create"))
    key = user.auth_token.key
    assert key in client.get(reverse("api_token")).content.decode()

    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").json()["email"] == user.email

    client.post(reverse("api_token_revoke"))
    assert api.get("/api/v1/me/").status_code == 401
