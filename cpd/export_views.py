"""Take it away (R8.5): the CPD record as a PDF and all of a registrant's data as JSON."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from register.views import registrant_required


@never_cache  # personal data: no copy in any cache
@login_required
@registrant_required
def record_pdf(request: HttpRequest) -> HttpResponse:
    from .exports import record_pdf_bytes

    registrant = request.registrant
    today = timezone.localdate()
    response = HttpResponse(
        record_pdf_bytes(registrant=registrant, as_of=today), content_type="application/pdf"
    )
    filename = f"cpd-record-{registrant.membership_number}-{today:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@registrant_required
def data_json(request: HttpRequest) -> HttpResponse:
    from .exports import registrant_data

    registrant = request.registrant
    today = timezone.localdate()
    body = json.dumps(registrant_data(registrant=registrant, as_of=today), indent=2, default=str)
    response = HttpResponse(body, content_type="application/json")
    filename = f"imi-portal-data-{registrant.membership_number}-{today:%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
