from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ..selectors import centres_for_member


@login_required
def my_centre(request: HttpRequest) -> HttpResponse:
    centres = list(centres_for_member(user=request.user))
    if not centres:
        raise PermissionDenied("You don't work for an assessment centre.")
    for centre in centres:
        centre.my_roles = [
            m.get_role_display() for m in centre.people if m.user_id == request.user.pk
        ]
    return render(request, "accreditation/my_centre.html", {"centres": centres})


urlpatterns = [
    path("centre/", my_centre, name="my_centre"),
]
