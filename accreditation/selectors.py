"""Reads for centres, with the query shape decided here."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User

from .models import Centre, CentreMembership


def centres_for_member(*, user: User) -> QuerySet[Centre]:
    """The centres `user` works for, each with its people, in a fixed number of queries."""
    people = CentreMembership.objects.select_related("user").order_by(
        "role", "user__last_name", "user__first_name"
    )
    return (
        Centre.objects.filter(memberships__user=user)
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=people, to_attr="people"))
    )
