"""What schemathesis found in the API, each pinned down by a plain test: schemathesis
(tests/test_api_schemathesis.py) finds such things by chance; these keep them fixed.

- A NUL character in an activity type's slug reached PostgreSQL, which refused it: a 500.
- `?in_audit=maybe` and `?assessed=-1` were quietly ignored: the whole list came back unfiltered.
- A JSON number was taken as text (`"relevance": 0` saved "0").
- The schema documented no refusals (400, 401, 403, 404), and an empty filter (`?cycle=`), which
  DRF and django-filter treat as no filter, was a schema violation.
"""

import datetime

import pytest
from rest_framework.test import APIClient

from cpd.models import Activity, Objective
from tests.cpd.factories import make_activity
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

ACTIVITIES = "/api/v1/activities/"


@pytest.fixture
def registrant():
    return make_registrant(joined_on=datetime.date(2025, 5, 10))


@pytest.fixture
def api(registrant):
    client = APIClient()
    client.force_authenticate(registrant.user)
    return client


def activity_body(**overrides):
    body = {
        "title": "Seminar",
        "activity_type": "seminar",
        "principle": "personal",
        "hours": "1.5",
        "reflection": "Useful.",
        "completed_on": "2026-06-01",
    }
    return body | overrides


@pytest.mark.parametrize("form", ["json", "multipart"])
def test_a_nul_character_in_a_slug_is_a_400_not_a_500(api, form):
    response = api.post(ACTIVITIES, activity_body(activity_type="semi\x00nar"), format=form)

    assert response.status_code == 400
    assert response.json()["activity_type"] == ["Invalid value."]
    assert not Activity.objects.exists()


@pytest.mark.parametrize("query", ["in_audit=maybe", "assessed=-1", "in_audit=True", "assessed=1"])
def test_a_yes_no_filter_takes_only_true_or_false(api, registrant, query):
    make_activity(registrant)

    response = api.get(f"{ACTIVITIES}?{query}")

    assert response.status_code == 400
    assert response.json() == {query.split("=")[0]: ["Use true or false."]}


def test_yes_no_filters_still_filter(api, registrant):
    make_activity(registrant)

    assert api.get(f"{ACTIVITIES}?in_audit=false").json()["count"] == 1
    assert api.get(f"{ACTIVITIES}?in_audit=true").json()["count"] == 0


@pytest.mark.parametrize(
    "query", ["in_audit=", "cycle=", "instalment_group=", "completed_after=", "page=", "principle="]
)
def test_an_empty_filter_is_no_filter(api, registrant, query):
    make_activity(registrant)

    response = api.get(f"{ACTIVITIES}?{query}")

    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("field", ["title", "reflection", "type_description"])
def test_a_number_is_not_text(api, field):
    response = api.post(ACTIVITIES, activity_body(**{field: 12}), format="json")

    assert response.status_code == 400
    assert response.json()[field] == ["Not a valid string."]


def test_an_objective_takes_text_only(api):
    body = {
        "title": "Learn EVs",
        "description": "x",
        "measure": "x",
        "relevance": 0,
        "target_date": "2027-01-01",
    }

    response = api.post("/api/v1/objectives/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"relevance": ["Not a valid string."]}
    assert not Objective.objects.exists()


def test_a_registrant_is_created_from_text_only(db):
    from accounts.roles import Role
    from tests.accounts.factories import UserFactory, grant

    client = APIClient()
    client.force_authenticate(grant(UserFactory(), Role.REGISTER_OFFICER))
    body = {"email": "new@example.org", "first_name": 1, "last_name": "Able"}

    response = client.post("/api/v1/registrants/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {"first_name": ["Not a valid string."]}


def test_the_schema_documents_the_refusals(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listing = schema["paths"]["/api/v1/activities/"]["get"]
    one = schema["paths"]["/api/v1/activities/{id}/"]["patch"]

    assert {"200", "400", "401", "403", "404"} <= set(listing["responses"])
    assert {"200", "400", "401", "403", "404", "409"} <= set(one["responses"])
    assert schema["paths"]["/api/v1/me/"]["get"]["responses"].keys() == {"200", "401", "403"}
    cycle = next(p for p in listing["parameters"] if p["name"] == "cycle")
    assert cycle["allowEmptyValue"] is True
    assert {"type": "string", "maxLength": 0} in cycle["schema"]["anyOf"]
