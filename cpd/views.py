from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from register.selectors import cycles_of
from register.views import registrant_required

from .selectors import cycle_progress


@login_required
@registrant_required
def dashboard(request: HttpRequest) -> HttpResponse:
    registrant = request.registrant
    today = timezone.localdate()
    cycles = list(cycles_of(registrant=registrant))
    current = next((c for c in cycles if c.status == c.Status.OPEN), cycles[0] if cycles else None)
    progress = cycle_progress(cycle=current, as_of=today) if current else None
    return render(
        request,
        "cpd/dashboard.html",
        {"registrant": registrant, "cycles": cycles, "current": current, "progress": progress},
    )
