"""Support and grace periods (R7): registrants ask, IMI staff decide."""

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cpd.selectors import cycle_progress
from imi_portal.emails import send_templated

from . import rules
from .models import Cycle, Registrant, SupportRequest
from .reminders import cycle_schedule_reminders
from .selectors import open_cycle

GRACE_MONTHS = 3  # R7.2


def _open_cycle_or_refuse(registrant: Registrant) -> Cycle:
    cycle = open_cycle(registrant=registrant)
    if cycle is None:
        raise ValidationError("You have no open CPD cycle.")
    return cycle


@transaction.atomic
def support_request_create(
    *, registrant: Registrant, category: str, explanation: str, today: date
) -> SupportRequest:
    """Support for challenging circumstances (R7.1). A request inside the final six months is
    still accepted, marked late notice."""
    cycle = _open_cycle_or_refuse(registrant)
    if not explanation.strip():
        raise ValidationError({"explanation": "Explain your situation so we can help."})
    return SupportRequest.objects.create(
        registrant=registrant,
        cycle=cycle,
        kind=SupportRequest.Kind.CIRCUMSTANCES,
        category=category,
        explanation=explanation.strip(),
        late_notice=rules.is_late_notice(requested_on=today, cycle_end=cycle.end),
        requested_on=today,
    )


@transaction.atomic
def grace_request_create(
    *, registrant: Registrant, reason: str, action_plan: str, today: date
) -> SupportRequest:
    """A three-month grace period for a shortfall (R7.2): only while short of target, at least
    10 working days before the cycle ends, with a reason and an action plan."""
    cycle = _open_cycle_or_refuse(registrant)
    deadline = rules.grace_request_deadline(cycle.end)
    if not rules.is_grace_request_in_time(requested_on=today, cycle_end=cycle.end):
        raise ValidationError(
            f"A grace period must be requested at least 10 working days before your cycle ends "
            f"on {rules.long_date(cycle.end)}: the last day to ask was "
            f"{rules.long_date(deadline)}. Contact the IMI to discuss your situation."
        )
    if cycle_progress(cycle=cycle, as_of=today).progress.target_met:
        raise ValidationError("You've met your target: you don't need a grace period.")
    if (
        cycle.grace_start
        or cycle.requests.filter(
            kind=SupportRequest.Kind.GRACE, status__in=["pending", "agreed"]
        ).exists()
    ):
        raise ValidationError("You've already asked for a grace period in this cycle.")
    errors = {}
    if not reason.strip():
        errors["explanation"] = "Give the reason for your shortfall."
    if not action_plan.strip():
        errors["action_plan"] = "Set out how you will meet the target within three months."
    if errors:
        raise ValidationError(errors)
    return SupportRequest.objects.create(
        registrant=registrant,
        cycle=cycle,
        kind=SupportRequest.Kind.GRACE,
        explanation=reason.strip(),
        action_plan=action_plan.strip(),
        requested_on=today,
    )


@transaction.atomic
def request_decide(
    *,
    request: SupportRequest,
    agreed: bool,
    note: str,
    decided_by: User,
    adjusted_target: Decimal | None = None,
    new_end: date | None = None,
) -> SupportRequest:
    """Staff decide (R7.1, R7.2). An agreed grace period moves the cycle end three months later;
    agreed support may adjust the target and/or extend the end. Reminders follow the new dates
    (R5.6) and the registrant is told by email."""
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SupportRequest.Status.PENDING:
        raise ValidationError("This request has already been decided.")
    if not note.strip():
        raise ValidationError({"decision_note": "Write a note for the registrant."})
    cycle = Cycle.objects.select_for_update().get(pk=request.cycle_id)
    if agreed:
        _apply(request, cycle, adjusted_target=adjusted_target, new_end=new_end)
    request.status = SupportRequest.Status.AGREED if agreed else SupportRequest.Status.DECLINED
    request.decision_note = note.strip()
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request._change_reason = f"Decided: {request.get_status_display().lower()}"
    request.save()
    transaction.on_commit(lambda: _tell(request))
    return request


def _apply(request: SupportRequest, cycle: Cycle, *, adjusted_target, new_end) -> None:
    if request.kind == SupportRequest.Kind.GRACE:
        grace_start = cycle.end + timedelta(days=1)
        request.new_end = cycle.end + relativedelta(months=GRACE_MONTHS)  # R7.2
        cycle.grace_start = grace_start
        cycle.end = request.new_end
    else:
        if adjusted_target is None and new_end is None:
            raise ValidationError("Agreeing support needs an adjusted target or a new end date.")
        if adjusted_target is not None:
            if adjusted_target <= 0:
                raise ValidationError({"adjusted_target": "The target must be more than 0."})
            request.adjusted_target = adjusted_target
            cycle.target = adjusted_target
        if new_end is not None:
            if new_end <= cycle.end:
                raise ValidationError({"new_end": "The new end must be after the current end."})
            request.new_end = new_end
            cycle.end = new_end
    cycle_schedule_reminders(cycle)  # R5.6: reminders follow the new dates
    cycle._change_reason = f"{request.get_kind_display()} agreed"
    cycle.save()


def _tell(request: SupportRequest) -> None:
    registrant = request.registrant
    send_templated(
        name="support-decision",
        to=registrant.user.email,
        context={
            "registrant": registrant,
            "request": request,
            "cycle": request.cycle,
            "support_path": reverse("register:support"),
        },
    )
