"""Reads for the register, with the query shape decided here."""

from datetime import date

from django.db.models import QuerySet

from .models import Cycle, Registrant, TermsVersion


def current_terms(*, as_of: date) -> dict[str, TermsVersion]:
    """The version of each document in force on `as_of`: the latest published (R1.5)."""
    current: dict[str, TermsVersion] = {}
    for version in TermsVersion.objects.filter(published_on__lte=as_of).order_by("-published_on"):
        current.setdefault(version.kind, version)
    return current


def open_cycle(*, registrant: Registrant) -> Cycle | None:
    return registrant.cycles.filter(status=Cycle.Status.OPEN).first()


def cycle_containing(*, registrant: Registrant, day: date) -> Cycle | None:
    """The cycle an activity completed on `day` counts in (R3.1)."""
    return registrant.cycles.filter(start__lte=day, end__gte=day).first()


def cycles_of(*, registrant: Registrant) -> QuerySet[Cycle]:
    return registrant.cycles.order_by("-number")


def registrant_for(user) -> Registrant | None:
    """The signed-in user's place on the register, or None if they haven't joined."""
    if not user.is_authenticated:
        return None
    return Registrant.objects.filter(user=user).first()
