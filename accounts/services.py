"""Writes for people and roles. Each service runs in a transaction."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import STAFF_ROLES, Role


@transaction.atomic
def user_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str | None = None,
    email_verified: bool = False,
) -> User:
    """An account, with its address known to allauth (verified when staff vouch for it)."""
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    return user


@transaction.atomic
def role_grant(*, user: User, role: Role) -> None:
    """Give `user` a role. IMI staff roles also open the admin (and so require MFA)."""
    user.groups.add(Group.objects.get(name=role.value))
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
