"""End of cycle (R8.1): a daily task closes the cycles that have ended.

Target met: the cycle closes and the next one opens (R1.4). Not met: the cycle closes and the
registrant is marked "CPD requirement not met" for staff review. Every status change is kept in
the history with its reason (R6.4), bulk writes included.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from cpd.selectors import progress_by_cycle
from imi_portal.traced import traced_bulk_update

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


@transaction.atomic
def _close_batch(*, as_of: date, result: EndOfCycleResult, batch: int) -> bool:
    cycles = list(
        Cycle.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            status=Cycle.Status.OPEN, end__lt=as_of, registrant__status=Registrant.Status.CURRENT
        )
        .select_related("registrant")
        .order_by("end", "pk")[:batch]
    )
    if not cycles:
        return False
    # Progress on the cycle's last day: what counted within it (R3.1).
    progress = _progress_at_ends(cycles)
    not_met_registrants = []
    for cycle in cycles:
        if progress[cycle.pk].target_met:
            cycle.status = Cycle.Status.MET
        else:
            cycle.status = Cycle.Status.NOT_MET
            cycle.registrant.status = Registrant.Status.CPD_NOT_MET
            not_met_registrants.append(cycle.registrant)
    reason = "End of cycle (R8.1)"
    traced_bulk_update(cycles, Cycle, ["status"], reason=reason)
    traced_bulk_update(not_met_registrants, Registrant, ["status"], reason=reason)
    opened = [
        cycle_new(
            registrant=cycle.registrant,
            number=cycle.number + 1,
            terms=rules.next_cycle_after(cycle.end),
        )
        for cycle in cycles
        if cycle.status == Cycle.Status.MET
    ]
    # The next cycles (R1.4) and their history in one INSERT each, not two per cycle: on 1 April
    # a third of the register opens a new cycle (docs/benchmarks.md).
    bulk_create_with_history(opened, Cycle, default_change_reason=reason)
    for cycle in cycles:
        if cycle.status == Cycle.Status.MET:
            result.met.append(cycle.registrant_id)
        else:
            result.not_met.append(cycle.registrant_id)
    return len(cycles) == batch


def _progress_at_ends(cycles: list[Cycle]):
    # Cycles ending on the same day share one aggregate query.
    by_end: dict[date, list[Cycle]] = {}
    for cycle in cycles:
        by_end.setdefault(cycle.end, []).append(cycle)
    progress = {}
    for end, group in by_end.items():
        progress.update(progress_by_cycle(cycles=group, as_of=end))
    return progress
