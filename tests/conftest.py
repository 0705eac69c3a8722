"""Fixtures shared by every test: users of each role, a clean cache, the browser's launch args."""

import os
import shutil

import pytest
from django.core.cache import cache

from accounts.roles import Role, assign_role_permissions
from tests.accounts.factories import UserFactory, grant

# Playwright's sync API runs an event loop in the test thread; ORM calls beside it are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clean_cache():
    # allauth keeps rate-limit counters in the cache; no test should see another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    yield
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


def restore_reference_data() -> None:
    """What the data migrations made, for tests that run after a flush.

    Transactional tests (browser, real Celery worker) empty every table when they end; Django's
    post_migrate puts back content types and permissions, this puts back the rest. (Django's
    serialized_rollback can't be used: Playwright runs tests in another context, where the
    connection lacks the serialized snapshot.)
    """
    from django.apps import apps

    from accreditation.reference_data import load_structure
    from cpd.reference_data import load_catalogues
    from register.reference_data import publish_first_terms

    assign_role_permissions(apps)
    load_catalogues(apps)
    publish_first_terms(apps)
    load_structure(apps)


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if transactional or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        restore_reference_data()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def register_officer(db):
    return grant(UserFactory(), Role.REGISTER_OFFICER)


@pytest.fixture
def auditor(db):
    return grant(UserFactory(), Role.AUDITOR)


@pytest.fixture
def accreditation_officer(db):
    return grant(UserFactory(), Role.ACCREDITATION_OFFICER)
