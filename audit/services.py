"""Writes for the evidence audit (R6), each in a transaction. Emails are queued after commit."""

import secrets
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from cpd.models import Activity, Evidence
from cpd.services import evidence_add
from imi_portal.traced import traced_bulk_update
from register.models import Cycle, Registrant

from . import rules
from .models import AuditCase, AuditDraw, AuditItem

AUDIT_PERMISSION = "accounts.audit_cpd"


def _candidates(*, population: rules.Population) -> list[rules.Candidate]:
    """Current registrants' open cycles with at least one activity that can still be audited,
    whose registrant has no open audit already."""
    auditable = Activity.objects.filter(
        cycle_id=OuterRef("pk"), audited_credits__isnull=True, in_audit=False
    )
    open_case = AuditCase.objects.filter(
        registrant_id=OuterRef("registrant_id"), status=AuditCase.Status.OPEN
    )
    rows = (
        Cycle.objects.filter(status=Cycle.Status.OPEN, registrant__status=Registrant.Status.CURRENT)
        .filter(Exists(auditable))
        .exclude(Exists(open_case))
        .values_list("registrant_id", "registrant__joined_on", "end")
    )
    return [rules.Candidate(registrant_id=r, joined_on=j, cycle_end=e) for r, j, e in rows]


@transaction.atomic
def audit_draw(
    *,
    drawn_by: User,
    population: rules.Population | str,
    due_on: date,
    today: date,
    fraction: Decimal | None = None,
    number: int | None = None,
    seed: int | None = None,
    cycle_end_from: date | None = None,
    cycle_end_to: date | None = None,
    exclude_joined_within_days: int | None = None,
    activities_per_case: int = rules.ACTIVITIES_PER_CASE,
) -> AuditDraw:
    """Draw a random sample (R6.1) and open a case per sampled registrant with the activities to
    check, locked while audited (R6.2). The seed and parameters are kept to draw it again."""
    if not drawn_by.has_perm(AUDIT_PERMISSION):
        raise PermissionDenied("Only auditors draw audit samples.")
    if due_on <= today:
        raise ValidationError({"due_on": "The due date must be after today."})
    if seed is None:
        seed = secrets.randbits(48)
    parameters = rules.SampleParameters(
        population=rules.Population(population),
        fraction=fraction,
        number=number,
        cycle_end_from=cycle_end_from,
        cycle_end_to=cycle_end_to,
        exclude_joined_within_days=exclude_joined_within_days,
    )
    try:
        population_size, sampled = rules.draw_sample(
            _candidates(population=parameters.population), parameters, seed=seed, as_of=today
        )
    except rules.SampleError as error:
        raise ValidationError(str(error)) from error
    now = timezone.now()
    draw = AuditDraw.objects.create(
        drawn_by=drawn_by,
        drawn_at=now,
        drawn_on=today,
        seed=seed,
        population=parameters.population.value,
        cycle_end_from=cycle_end_from,
        cycle_end_to=cycle_end_to,
        fraction=fraction,
        number=number,
        exclude_joined_within_days=exclude_joined_within_days,
        activities_per_case=activities_per_case,
        due_on=due_on,
        population_size=population_size,
        size=len(sampled),
    )
    activities = _auditable_activities(sampled)
    cases = bulk_create_with_history(
        [AuditCase(draw=draw, registrant_id=rid, due_on=due_on, opened_at=now) for rid in sampled],
        AuditCase,
        default_user=drawn_by,
        default_change_reason="Sampled for audit",
    )
    items, locked = [], []
    for case in cases:
        chosen = rules.activities_to_check(
            list(activities.get(case.registrant_id, {})),
            seed=seed,
            registrant_id=case.registrant_id,
            limit=activities_per_case,
        )
        for activity_id in chosen:
            activity = activities[case.registrant_id][activity_id]
            activity.in_audit = True  # R6.2: no edits or deletes while audited
            locked.append(activity)
            items.append(AuditItem(case=case, activity=activity))
    bulk_create_with_history(
        items, AuditItem, default_user=drawn_by, default_change_reason="Sampled for audit"
    )
    traced_bulk_update(
        locked,
        Activity,
        ["in_audit"],
        user=drawn_by,
        reason=f"Sampled for audit (draw {draw.pk})",
    )
    case_ids = [case.pk for case in AuditCase.objects.filter(draw=draw).only("pk")]
    transaction.on_commit(lambda: _queue_emails(case_ids, "audit-opened"))
    return draw


def _auditable_activities(registrant_ids: list[int]) -> dict[int, dict[int, Activity]]:
    """Each sampled registrant's activities in their open cycle not yet audited, by id."""
    found: dict[int, dict[int, Activity]] = {}
    for activity in Activity.objects.filter(
        registrant_id__in=registrant_ids,
        cycle__status=Cycle.Status.OPEN,
        audited_credits__isnull=True,
        in_audit=False,
    ).order_by("pk"):
        found.setdefault(activity.registrant_id, {})[activity.pk] = activity
    return found


def _queue_emails(case_ids: list[int], template: str) -> None:
    from .tasks import send_case_email

    for case_id in case_ids:
        send_case_email.delay(case_id, template)


def _open_item_of(*, item: AuditItem, registrant: Registrant, today: date) -> AuditItem:
    """The item, locked, if the registrant may still add to it: their own, open, not past due."""
    item = AuditItem.objects.select_for_update().select_related("case").get(pk=item.pk)
    if item.case.registrant_id != registrant.pk:
        raise PermissionDenied
    if item.case.status != AuditCase.Status.OPEN or item.is_decided:
        raise ValidationError("This activity has been decided: nothing more can be added.")
    if today > item.case.due_on:
        raise ValidationError(
            f"The due date, {item.case.due_on:%-d %B %Y}, has passed: contact the IMI."
        )
    return item


@transaction.atomic
def audit_item_note(
    *, item: AuditItem, registrant: Registrant, note: str, user: User, today: date
) -> AuditItem:
    """The registrant's note to the auditor about a sampled activity (R6.2)."""
    item = _open_item_of(item=item, registrant=registrant, today=today)
    if not note.strip():
        raise ValidationError({"note": "Write a note for the auditor."})
    item.registrant_note = note.strip()
    item.noted_at = timezone.now()
    item._history_user = user
    item._change_reason = "Note from the registrant"
    item.save()
    return item


@transaction.atomic
def audit_item_evidence_add(
    *, item: AuditItem, registrant: Registrant, upload: UploadedFile, user: User, today: date
) -> Evidence:
    """Evidence for a sampled activity, added while it is locked (R6.2)."""
    item = _open_item_of(item=item, registrant=registrant, today=today)
    return evidence_add(activity=item.activity, upload=upload, user=user)


def _value_for(item: AuditItem, decision: str, value: Decimal | None, reason: str) -> Decimal:
    """The activity's credits after the decision (R3.2, R6.3)."""
    calculated = item.activity.credits
    if decision == AuditItem.Decision.ACCEPTED:
        return calculated
    if not reason.strip():
        raise ValidationError({"reason": "Give the registrant the reason for the decision."})
    if decision == AuditItem.Decision.REJECTED:
        return Decimal("0")
    if decision != AuditItem.Decision.ADJUSTED:
        raise ValidationError({"decision": "Accept, change the credits or reject."})
    if value is None or value < 0:
        raise ValidationError({"decided_value": "Enter the credits, 0 or more."})
    if value == calculated:
        raise ValidationError(
            {"decided_value": "That is the calculated value: accept the activity instead."}
        )
    return value


@transaction.atomic
def audit_item_decide(
    *,
    item: AuditItem,
    decision: str,
    decided_by: User,
    reason: str = "",
    value: Decimal | None = None,
) -> AuditItem:
    """Accept, change the credits of, or reject a sampled activity (R6.3). Final; the registrant's
    progress counts the new value at once (R3.2). When every item is decided the case closes and
    the registrant is told the outcome with the reasons."""
    item = (
        AuditItem.objects.select_for_update()
        .select_related("case__registrant", "activity")
        .get(pk=item.pk)
    )
    if not decided_by.has_perm(AUDIT_PERMISSION):
        raise PermissionDenied("Only auditors decide audits.")
    if item.case.registrant.user_id == decided_by.pk:
        raise ValidationError("You can't audit your own record: another auditor must decide.")
    if item.is_decided:
        raise ValidationError("This activity has already been decided; decisions are final.")
    new_value = _value_for(item, decision, value, reason)
    activity = Activity.objects.select_for_update().get(pk=item.activity_id)
    why = f"Audit: {AuditItem.Decision(decision).label.lower()}"
    if reason.strip():
        why += f": {reason.strip()}"
    activity.audited_credits = new_value  # R3.2: the auditor's value, final
    activity._history_user = decided_by
    activity._change_reason = why[:100]
    activity.save()

    item.credits_before = activity.credits
    item.decision = decision
    item.decided_value = new_value
    item.reason = reason.strip()
    item.decided_by = decided_by
    item.decided_at = timezone.now()
    item._history_user = decided_by
    item._change_reason = why[:100]
    item.save()
    if not item.case.items.filter(decision=AuditItem.Decision.PENDING).exists():
        _close(item.case, by=decided_by)
    return item


def _close(case: AuditCase, *, by: User) -> None:
    items = list(case.items.select_related("activity").order_by("pk"))
    activities = [item.activity for item in items]
    for activity in activities:
        activity.in_audit = False
    traced_bulk_update(
        activities,
        Activity,
        ["in_audit"],
        user=by,
        reason="Audit closed",
    )
    counts = dict.fromkeys(AuditItem.Decision.labels, 0)
    for item in items:
        counts[item.get_decision_display()] += 1
    case.status = AuditCase.Status.CLOSED
    case.closed_at = timezone.now()
    # "2 activities accepted, 1 activity with credits changed"
    case.outcome = ", ".join(
        f"{n} {'activity' if n == 1 else 'activities'} {label.lower()}"
        if label != "Credits changed"
        else f"{n} {'activity' if n == 1 else 'activities'} with credits changed"
        for label, n in counts.items()
        if n
    )
    case._history_user = by
    case._change_reason = "All activities decided"
    case.save()
    transaction.on_commit(lambda: _queue_emails([case.pk], "audit-outcome"))
