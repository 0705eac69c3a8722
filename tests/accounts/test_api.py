import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.roles import Role
from tests.accounts.factories import grant

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_and_lists_the_me_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_interactive_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "swagger-ui" in body
    assert "cdn." not in body and "jsdelivr" not in body


def test_me_needs_a_login():
    assert APIClient().get("/api/v1/me/").status_code in (401, 403)


def test_me_with_session_authentication(user):
    api = APIClient()
    api.force_login(user)
    body = api.get("/api/v1/me/").json()
    assert body["email"] == user.email
    assert body["roles"] == []


def test_me_with_token_authentication_shows_roles(user):
    grant(user, Role.AUDITOR)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    body = api.get("/api/v1/me/").json()
    assert body["roles"] == [Role.AUDITOR.value]
    assert body["is_staff"] is True


def test_a_wrong_token_is_refused():
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert api.get("/api/v1/me/").status_code == 401
