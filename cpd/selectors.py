"""Reads for CPD, with the query shape decided here: progress is aggregated in the database."""

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.db import connection
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from register.models import Cycle, Registrant

from . import rules
from .models import Activity, ActivityType, Evidence, Objective

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
# R3.2: the auditor's value when set, else the calculated one.
EFFECTIVE_CREDITS = Coalesce("audited_credits", "credits")


def _credits_sum(condition: Q | None = None):
    return Coalesce(Sum(EFFECTIVE_CREDITS, filter=condition), ZERO)


@dataclass(frozen=True)
class CycleProgress:
    cycle: Cycle
    progress: rules.Progress


def cycle_progress(*, cycle: Cycle, as_of: date) -> CycleProgress:
    """A cycle's progress in one aggregate query, whatever the number of activities (R3)."""
    totals = Activity.objects.filter(cycle=cycle).aggregate(
        reading=_credits_sum(Q(activity_type__is_reading=True)),
        other=_credits_sum(Q(activity_type__is_reading=False)),
        assessed=_credits_sum(Q(assessed=True)),
    )
    return CycleProgress(
        cycle=cycle,
        progress=rules.cycle_progress(
            target=cycle.target,
            start=cycle.start,
            end=cycle.end,
            as_of=as_of,
            reading_credits=totals["reading"],
            other_credits=totals["other"],
            assessed_credits=totals["assessed"],
        ),
    )


class CycleSpan(Protocol):
    """What progress needs of a cycle: a Cycle, or the plain values the daily tasks read."""

    pk: int
    target: Decimal
    start: date
    end: date


def progress_by_cycle(*, cycles: Sequence[CycleSpan], as_of: date) -> dict[int, rules.Progress]:
    """Progress of many cycles in one grouped aggregate query (the reminder sweep's figures)."""
    totals = {
        row["cycle_id"]: row
        for row in Activity.objects.filter(cycle_id__in=[cycle.pk for cycle in cycles])
        .values("cycle_id")
        .annotate(
            reading=_credits_sum(Q(activity_type__is_reading=True)),
            other=_credits_sum(Q(activity_type__is_reading=False)),
            assessed=_credits_sum(Q(assessed=True)),
        )
        .order_by()
    }
    zero = Decimal("0")
    return {
        cycle.pk: rules.cycle_progress(
            target=cycle.target,
            start=cycle.start,
            end=cycle.end,
            as_of=as_of,
            reading_credits=totals.get(cycle.pk, {}).get("reading", zero),
            other_credits=totals.get(cycle.pk, {}).get("other", zero),
            assessed_credits=totals.get(cycle.pk, {}).get("assessed", zero),
        )
        for cycle in cycles
    }


def activities_for(*, registrant: Registrant) -> QuerySet[Activity]:
    """A registrant's activities with what every list shows, in a fixed number of queries."""
    return (
        Activity.objects.filter(registrant=registrant)
        .select_related("activity_type", "objective", "cycle")
        .prefetch_related("evidence")
        .order_by("-completed_on", "-pk")
    )


def activity_for_owner(*, registrant: Registrant, pk: int) -> Activity:
    """One of the registrant's own activities, or 404 (another's is never revealed)."""
    return get_object_or_404(activities_for(registrant=registrant), pk=pk)


def evidence_for_user(*, user, pk: int) -> Evidence:
    """Evidence its owner or IMI staff may download (R4.4); 404 for anyone else."""
    queryset = Evidence.objects.select_related("activity__registrant")
    if not user.is_staff:
        queryset = queryset.filter(activity__registrant__user=user)
    return get_object_or_404(queryset, pk=pk)


def objectives_for(*, registrant: Registrant) -> QuerySet[Objective]:
    """The plan's objectives with their activities' count and credits (R3.2 values)."""
    credits = Coalesce(Sum(Coalesce("activities__audited_credits", "activities__credits")), ZERO)
    return registrant.objectives.annotate(
        activity_count=Count("activities"), credits=credits
    ).order_by("status", "target_date", "pk")


def record_version(*, user) -> tuple[int, tuple] | None:
    """The user's registrant id and a stamp that changes whenever anything the dashboard shows
    of them changes; None if they aren't on the register.

    Every change to an activity, a cycle, the registrant or their user account writes a
    historical record (R6.4: saves, deletions and the traced bulk writes alike), so the newest
    history id of each, for this registrant, is a version; with the newest change to any
    activity type (a new name, or no longer reading, R3.3). One query on indexes, instead of
    the registrant, the dashboard's aggregate and its lists.
    """
    with connection.cursor() as cursor:
        cursor.execute(_record_version_sql(), [user.pk])
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1:])


@functools.cache
def _record_version_sql() -> str:
    from accounts.models import User

    def newest(model, column: str) -> str:
        table = model.history.model._meta.db_table
        return f"(SELECT MAX(history_id) FROM {table} WHERE {column})"  # noqa: S608

    parts = [
        "r.id",
        newest(Activity, "registrant_id = r.id"),
        newest(Cycle, "registrant_id = r.id"),
        newest(Registrant, "id = r.id"),
        newest(User, "id = r.user_id"),
        newest(ActivityType, "TRUE"),
    ]
    # Table names are ours; the one value, the user's id, is a parameter.
    return f"SELECT {', '.join(parts)} FROM {Registrant._meta.db_table} r WHERE r.user_id = %s"  # noqa: S608
