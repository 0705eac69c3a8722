"""The audit's emails to registrants: the case is opened (R6.2) and its outcome (R6.3)."""

from django.urls import reverse

from imi_portal.emails import send_templated

from .models import AuditCase

TEMPLATES = {"audit-opened", "audit-outcome"}


def case_email_send(*, case_id: int, template: str) -> None:
    if template not in TEMPLATES:
        raise ValueError(template)
    case = (
        AuditCase.objects.select_related("registrant__user")
        .prefetch_related("items__activity")
        .get(pk=case_id)
    )
    email = case.registrant.user.email
    if not email:
        return
    send_templated(
        name=template,
        to=email,
        context={
            "registrant": case.registrant,
            "case": case,
            "items": list(case.items.all()),
            "audit_path": reverse("audit:cases"),
        },
    )
