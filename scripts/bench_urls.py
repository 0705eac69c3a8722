"""The portal's URLs plus the two ceilings of `make bench` (scripts/bench).

/bench/one-query runs exactly one small SQL query and renders nothing, through the same middleware
as every page: what a request costs before any view does work. /bench/signed-in does nothing
either, but for someone signed in: what reading their session and their user costs, which every
personal page pays before its own work.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from imi_portal.urls import urlpatterns as portal


def one_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


@login_required
def signed_in(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("bench/one-query", one_query),
    path("bench/signed-in", signed_in),
    *portal,
]
