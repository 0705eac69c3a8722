"""schemathesis against /api/schema/, in-process (the WSGI app, no server), every check.

Each operation of the published schema is called with generated requests, as a registrant with
a token and as nobody, and every built-in check runs on each response: no server error, status
codes, content types, headers and bodies as the schema says, bad input refused, authentication
not ignored (`ignored_auth` re-sends without and with a wrong token and expects a refusal).
Few examples per operation, so the whole file runs in well under a minute.
"""

import datetime
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from imi_portal.wsgi import application
from tests.cpd.factories import make_activity
from tests.register.factories import make_registrant

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            # A schema-valid activity can rightly be refused: R2's rules across fields and the
            # slugs and ids that exist aren't expressible in the schema. Every other check runs.
            "positive_data_acceptance": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

# CI: a few examples, the same every run (a failure is reproducible). To search deeper, run with
# SCHEMATHESIS_EXAMPLES=200 (random examples each time).
DEEPER = os.environ.get("SCHEMATHESIS_EXAMPLES")
FEW = settings(
    max_examples=int(DEEPER or 8),
    deadline=None,
    derandomize=not DEEPER,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_the_tests_connection():
    """As Django's test client does: the WSGI handler would otherwise close the connection that
    holds the test's transaction at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token():
    """A registrant with a little data, and their API token."""
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    make_activity(registrant)
    return Token.objects.create(user=registrant.user).key


@schema.parametrize()
@FEW
def test_the_api_as_a_registrant(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"})


@schema.parametrize()
@FEW
def test_the_api_as_nobody(case, db):
    case.call_and_validate()
