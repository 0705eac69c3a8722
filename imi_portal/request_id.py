"""One id per request, in every log line the request causes and in the X-Request-ID response header.

A proxy or load balancer in front may already have given the request an id (X-Request-ID): it is
kept when it looks sane, so one id follows the request through every layer; otherwise one is made.
The id lives in a context variable, which a logging filter copies onto every record.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# Letters, digits and a few separators (UUIDs, hex, base64, "Root=1-..." styles), bounded: nothing
# that could break a log line or fill it.
_SANE = re.compile(r"[A-Za-z0-9._:@+/=-]{1,128}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def request_id_from(header: str | None) -> str:
    if header and _SANE.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIDMiddleware:
    """Put first in MIDDLEWARE so that everything after it, redirects included, logs with the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        _request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished, dispatch_uid="imi_portal.request_id.clear")
def _clear_request_id(**kwargs: object) -> None:
    # Cleared only when the response is closed, not when the middleware returns: Django logs
    # "Not Found" and other 4xx/5xx responses after the middleware chain, and those lines need
    # the id too. A thread's next request sets a new one anyway.
    _request_id.set(None)


class RequestIDFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: Celery, management commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True
