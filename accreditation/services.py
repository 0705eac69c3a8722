"""Writes for centres. Each service runs in a transaction."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User

from .models import Centre, CentreMembership


@transaction.atomic
def centre_membership_add(*, centre: Centre, user: User, role: str) -> CentreMembership:
    """Give `user` a role at `centre`, and the role's group for its permissions."""
    membership, _ = CentreMembership.objects.get_or_create(centre=centre, user=user, role=role)
    user.groups.add(Group.objects.get(name=membership.group_name))
    return membership


@transaction.atomic
def centre_membership_remove(*, membership: CentreMembership) -> None:
    """End a role at a centre; the group goes only if no other centre gives the same role."""
    user, role, group_name = membership.user, membership.role, membership.group_name
    membership.delete()
    if not CentreMembership.objects.filter(user=user, role=role).exists():
        user.groups.remove(*Group.objects.filter(name=group_name))
