"""Writes for the register. Each service runs in a transaction."""

import uuid
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.services import role_grant, user_create

from . import rules
from .models import Cycle, Registrant, TermsAcceptance, TermsVersion
from .reminders import cycle_schedule_reminders
from .selectors import current_terms


def membership_number_for(pk: int) -> str:
    return f"PR{pk:06d}"


@transaction.atomic
def registrant_join(
    *,
    user: User,
    joined_on: date,
    accepted: list[TermsVersion] | None,
    accepted_at: datetime | None,
) -> Registrant:
    """Put `user` on the Professional Register with their first cycle (R1.2, R1.3).

    `accepted` are the versions of the terms and code they accepted (R1.5); staff importing the
    existing register pass None (acceptance happened outside the portal).
    """
    if Registrant.objects.filter(user=user).exists():
        raise ValidationError("This person is already on the Professional Register.")
    registrant = Registrant.objects.create(
        user=user, joined_on=joined_on, membership_number=uuid.uuid4().hex[:12]
    )
    registrant.membership_number = membership_number_for(registrant.pk)
    registrant.save(update_fields=["membership_number"])
    cycle_open(registrant=registrant, number=1, terms=rules.first_cycle_for(joined_on))
    for version in accepted or []:
        TermsAcceptance.objects.create(
            registrant=registrant,
            terms=version,
            occasion=TermsAcceptance.Occasion.JOINING,
            accepted_at=accepted_at,
        )
    role_grant(user=user, role=Role.REGISTRANT)
    return registrant


def cycle_new(*, registrant_id: int, number: int, terms: rules.CycleTerms) -> Cycle:
    """A new open cycle (R1.2-R1.4), not yet saved, with its first reminder scheduled (R5.1)."""
    cycle = Cycle(
        registrant_id=registrant_id,
        number=number,
        start=terms.start,
        end=terms.end,
        scheduled_end=terms.end,
        target=terms.target,
        target_reason=terms.reason,
    )
    cycle_schedule_reminders(cycle)
    return cycle


def cycle_open(*, registrant: Registrant, number: int, terms: rules.CycleTerms) -> Cycle:
    """A new open cycle (R1.2-R1.4), with its first reminder scheduled (R5.1)."""
    cycle = cycle_new(registrant_id=registrant.pk, number=number, terms=terms)
    cycle.registrant = registrant
    cycle.save()
    return cycle


def registrant_join_accepting_current_terms(
    *, user: User, today: date, now: datetime, accepted_ids: set[int]
) -> Registrant:
    """A signed-up user joins from the portal, accepting the terms and code in force (R1.5)."""
    current = current_terms(as_of=today)
    missing = [v for v in current.values() if v.pk not in accepted_ids]
    if missing or len(current) < len(TermsVersion.Kind):
        raise ValidationError("Accept the Terms and Conditions and the Code of Conduct to join.")
    return registrant_join(
        user=user, joined_on=today, accepted=list(current.values()), accepted_at=now
    )


@transaction.atomic
def registrant_add_by_staff(
    *, email: str, first_name: str, last_name: str, joined_on: date, today: date
) -> Registrant:
    """Staff put someone on the register, creating the account if none has that email.

    `joined_on` may be back-dated (importing the existing register) but not in the future.
    """
    if joined_on > today:
        raise ValidationError({"joined_on": "The joining date can't be in the future."})
    user = User.objects.filter(email__lower=email.strip().lower()).first()
    if user is None:
        # No password: they set one with "forgot your password" from the verified address.
        user = user_create(
            email=email, first_name=first_name, last_name=last_name, email_verified=False
        )
    elif Registrant.objects.filter(user=user).exists():
        raise ValidationError({"email": "This person is already on the Professional Register."})
    return registrant_join(user=user, joined_on=joined_on, accepted=None, accepted_at=None)


@transaction.atomic
def registrant_update_contact(*, registrant: Registrant, **fields: str | bool) -> Registrant:
    """Contact details (R8.4); django-simple-history keeps every earlier version."""
    allowed = {"phone", "address", "postcode", "employer", "job_title", "contact_by_post"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Not contact fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(registrant, name, value.strip() if isinstance(value, str) else value)
    registrant.save(update_fields=list(fields))
    return registrant
