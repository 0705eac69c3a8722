import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from kombu import Connection
from rest_framework.authtoken.models import Token

from .selectors import next_steps_for

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    steps = next_steps_for(request.user) if request.user.is_authenticated else []
    return render(request, "accounts/home.html", {"next_steps": steps})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "down"; the reason goes to the log
        logger.warning("healthz: the database does not answer", exc_info=True)
        return False


def _cache_ok() -> bool:
    try:
        cache.set("healthz", "ok", timeout=10)
        return cache.get("healthz") == "ok"
    except Exception:
        logger.warning("healthz: the cache does not answer", exc_info=True)
        return False


def _broker_used() -> bool:
    # Without REDIS_URL (`make run`) tasks run in-process and there is no broker to ask.
    return not (
        settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("memory://")
    )


def _broker_ok() -> bool:
    # A short connect, one quick retry: the load balancer's probe must not hang on a dead broker.
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0.5, timeout=3)
        return True
    except Exception:
        logger.warning("healthz: the Celery broker does not answer", exc_info=True)
        return False


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness for the load balancer: 200 when the database, the cache and the broker answer.

    The broker is "not used" (and not checked) when Celery runs tasks in-process.
    """
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    if _broker_used():
        checks["broker"] = _broker_ok()
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        **{name: "ok" if ok else "down" for name, ok in checks.items()},
    }
    body.setdefault("broker", "not used")
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/api_token.html", {"token": token})


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    # Regenerating replaces the old key: anything still using it stops working.
    Token.objects.filter(user=request.user).delete()
    Token.objects.create(user=request.user)
    messages.success(request, "A new API token was created. Keep it secret.")
    return redirect("api_token")


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    Token.objects.filter(user=request.user).delete()
    messages.success(request, "Your API token was revoked.")
    return redirect("api_token")
