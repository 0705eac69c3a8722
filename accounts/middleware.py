"""Staff must set up and use TOTP two-factor authentication before they reach staff pages."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Paths that only staff use. Pages under them are refused until the staff member has TOTP.
STAFF_PATH_PREFIXES = ("/admin/", "/staff/")


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(STAFF_PATH_PREFIXES)
            and user.is_authenticated
            and user.is_staff
            and not has_totp(user)
        ):
            messages.warning(
                request,
                "Staff accounts must use two-factor authentication. Set up an authenticator "
                "app to continue.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
