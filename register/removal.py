"""Removal from the register and appeals (R8.2)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from imi_portal.emails import send_templated

from . import rules
from .models import Registrant, Removal


def _set_status(registrant: Registrant, status: str, why: str) -> None:
    registrant.status = status
    registrant._change_reason = why  # kept in the history with who and when (R6.4)
    registrant.save(update_fields=["status"])


@transaction.atomic
def registrant_remove(
    *, registrant: Registrant, reason: str, details: str, removed_by: User, today: date
) -> Removal:
    registrant = Registrant.objects.select_for_update().get(pk=registrant.pk)
    if registrant.status == Registrant.Status.REMOVED:
        raise ValidationError("This registrant has already been removed from the register.")
    if registrant.user_id == removed_by.pk:
        raise ValidationError("Staff can't remove themselves from the register.")
    if not details.strip():
        raise ValidationError({"details": "Explain the removal: the registrant is told this."})
    removal = Removal.objects.create(
        registrant=registrant,
        reason=reason,
        details=details.strip(),
        removed_on=today,
        removed_by=removed_by,
        appeal_by=rules.appeal_deadline(today),
    )
    _set_status(registrant, Registrant.Status.REMOVED, f"Removed: {removal.get_reason_display()}")
    transaction.on_commit(lambda: _tell(removal, "removal"))
    return removal


@transaction.atomic
def removal_appeal(*, removal: Removal, statement: str, today: date) -> Removal:
    """The registrant appeals with a statement, within 28 days (R8.2)."""
    removal = Removal.objects.select_for_update().get(pk=removal.pk)
    if removal.appeal != Removal.Appeal.NONE:
        raise ValidationError("You have already appealed against this removal.")
    if today > removal.appeal_by:
        raise ValidationError(
            f"The time to appeal ended on {rules.long_date(removal.appeal_by)} (28 days after "
            "the removal). Contact the IMI if you think this is wrong."
        )
    if not statement.strip():
        raise ValidationError({"statement": "Write your statement of appeal."})
    removal.appeal = Removal.Appeal.PENDING
    removal.appeal_statement = statement.strip()
    removal.appealed_on = today
    removal._change_reason = "Appealed"
    removal.save()
    return removal


@transaction.atomic
def appeal_decide(*, removal: Removal, uphold: bool, note: str, decided_by: User) -> Removal:
    """Uphold (reinstate on the register) or dismiss an appeal, with a note (R8.2)."""
    removal = Removal.objects.select_for_update().get(pk=removal.pk)
    if removal.appeal != Removal.Appeal.PENDING:
        raise ValidationError("There is no appeal awaiting a decision.")
    if not note.strip():
        raise ValidationError({"appeal_note": "Write a note for the registrant."})
    removal.appeal = Removal.Appeal.UPHELD if uphold else Removal.Appeal.DISMISSED
    removal.appeal_note = note.strip()
    removal.appeal_decided_by = decided_by
    removal.appeal_decided_at = timezone.now()
    removal._change_reason = removal.get_appeal_display()
    removal.save()
    if uphold:
        _set_status(removal.registrant, Registrant.Status.CURRENT, "Appeal upheld: reinstated")
    transaction.on_commit(lambda: _tell(removal, "appeal-decision"))
    return removal


def _tell(removal: Removal, template: str) -> None:
    registrant = removal.registrant
    send_templated(
        name=template,
        to=registrant.user.email,
        context={
            "registrant": registrant,
            "removal": removal,
            "appeal_path": reverse("register:appeal"),
        },
    )
