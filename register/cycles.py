"""End of cycle (R8.1): a daily task closes the cycles that have ended.

Target met: the cycle closes and the next one opens (R1.4). Not met: the cycle closes and the
registrant is marked "CPD requirement not met" for staff review. Every status change is kept in
the history with its reason (R6.4), bulk writes included.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache

from django.db import transaction

from cpd.selectors import progress_by_cycle
from imi_portal.traced import traced_bulk_create, traced_update

from . import rules
from .models import Cycle, Registrant
from .services import cycle_new


@dataclass
class EndOfCycleResult:
    met: list[int] = field(default_factory=list)  # registrant ids with a new cycle
    not_met: list[int] = field(default_factory=list)  # registrant ids for staff review


def cycles_close_ended(*, as_of: date, batch: int = 2000) -> EndOfCycleResult:
    """Close every open cycle whose last day is before `as_of`. Safe to run again and at once
    from two places: each batch locks its cycles and skips those another run holds."""
    result = EndOfCycleResult()
    while _close_batch(as_of=as_of, result=result, batch=batch):
        pass
    return result


@dataclass(frozen=True, slots=True)
class _Ended:
    """What closing a cycle needs of it: read as plain values, no model instances."""

    pk: int
    registrant_id: int
    number: int
    start: date
    end: date
    target: Decimal


@transaction.atomic
def _close_batch(*, as_of: date, result: EndOfCycleResult, batch: int) -> bool:
    cycles = [
        _Ended(*row)
        for row in Cycle.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=Cycle.Status.OPEN, end__lt=as_of, registrant__status=Registrant.Status.CURRENT
        )
        .order_by("end", "pk")
        .values_list("pk", "registrant_id", "number", "start", "end", "target")[:batch]
    ]
    if not cycles:
        return False
    # Progress on the cycle's last day: what counted within it (R3.1).
    progress = _progress_at_ends(cycles)
    met = [cycle for cycle in cycles if progress[cycle.pk].target_met]
    not_met = [cycle for cycle in cycles if not progress[cycle.pk].target_met]
    # Set-based writes, each with its history (R6.4): on 1 April a third of the register's
    # cycles end at once (docs/benchmarks.md).
    reason = "End of cycle (R8.1)"
    traced_update(Cycle, [c.pk for c in met], reason=reason, status=Cycle.Status.MET)
    traced_update(Cycle, [c.pk for c in not_met], reason=reason, status=Cycle.Status.NOT_MET)
    traced_update(
        Registrant,
        [c.registrant_id for c in not_met],
        reason=reason,
        status=Registrant.Status.CPD_NOT_MET,
    )
    next_terms = cache(rules.next_cycle_after)  # cycles end on a few dates only
    opened = [
        cycle_new(registrant_id=c.registrant_id, number=c.number + 1, terms=next_terms(c.end))
        for c in met
    ]
    traced_bulk_create(opened, Cycle, reason=reason)  # R1.4: the next cycle
    result.met.extend(c.registrant_id for c in met)
    result.not_met.extend(c.registrant_id for c in not_met)
    return len(cycles) == batch


def _progress_at_ends(cycles: list[_Ended]):
    # Cycles ending on the same day share one aggregate query.
    by_end: dict[date, list[_Ended]] = {}
    for cycle in cycles:
        by_end.setdefault(cycle.end, []).append(cycle)
    progress = {}
    for end, group in by_end.items():
        progress.update(progress_by_cycle(cycles=group, as_of=end))
    return progress
