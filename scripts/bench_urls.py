"""The portal's URLs plus /bench/one-query: the ceiling of `make bench` (scripts/bench).

A page that runs exactly one small SQL query and renders nothing, through the same middleware as
every page: what a request costs before any view does work.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from imi_portal.urls import urlpatterns as portal


def one_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/one-query", one_query), *portal]
