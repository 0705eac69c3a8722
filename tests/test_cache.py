"""What is cached only to go faster never takes a page down: with the cache unreachable, the
dashboard, the navigation and the PDF are worked out afresh (imi_portal.cache)."""

import os

import pytest
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.urls import reverse

from tests.cpd.factories import make_activity
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db


class UnreachableCache(BaseCache):
    """Every call fails, as Redis does when it is down."""

    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("Redis is down")

    add = get = set = touch = delete = clear = get_many = set_many = delete_many = _down
    has_key = incr = decr = _down


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UnreachableCache"}}
    # The settings fixture puts the real cache back afterwards.


def test_with_the_cache_down_the_dashboard_and_the_pdf_still_work(client, cache_down, caplog):
    registrant = make_registrant()
    make_activity(registrant, title="Hybrid systems course")
    client.force_login(registrant.user)
    page = client.get(reverse("cpd:dashboard"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Hybrid systems course" in body
    assert ">My CPD</a>" in body  # the navigation, worked out afresh
    pdf = client.get(reverse("cpd:record_pdf"))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert "cache read failed" in caplog.text


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL")
def test_the_redis_cache_keeps_one_client_per_pool():
    client = caches["default"]._cache.get_client
    assert client() is client()
    caches["default"].set("one-client", 1, 5)
    assert caches["default"].get("one-client") == 1
