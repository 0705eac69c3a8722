"""Audit sampling (R6.1): pure functions, reproducible from their seed, no clock and no ORM."""

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

# Up to this many activities of a sampled registrant are checked: enough to judge a record,
# few enough for a registrant to find evidence for within the due period.
ACTIVITIES_PER_CASE = 5


class Population(StrEnum):
    CURRENT = "current"  # every current registrant with an open cycle (during the cycle)
    CYCLE_END = "cycle_end"  # those whose cycle ends within a date range (end-of-cycle audits)


class SampleError(ValueError):
    pass


@dataclass(frozen=True)
class Candidate:
    """A registrant who could be sampled: what the draw's parameters look at."""

    registrant_id: int
    joined_on: date
    cycle_end: date


@dataclass(frozen=True)
class SampleParameters:
    population: Population
    fraction: Decimal | None = None  # of the eligible registrants, e.g. 0.05
    number: int | None = None  # or a number of registrants
    cycle_end_from: date | None = None  # Population.CYCLE_END only
    cycle_end_to: date | None = None
    exclude_joined_within_days: int | None = None  # e.g. 183: joined less than six months ago


def validate(parameters: SampleParameters) -> None:
    """Raise SampleError with a message for the auditor if the parameters can't make a draw."""
    if (parameters.fraction is None) == (parameters.number is None):
        raise SampleError("Give either a fraction or a number of registrants, not both.")
    if parameters.fraction is not None and not (0 < parameters.fraction <= 1):
        raise SampleError("The fraction must be more than 0 and at most 1.")
    if parameters.number is not None and parameters.number < 1:
        raise SampleError("The number must be at least 1.")
    if parameters.population is Population.CYCLE_END:
        if parameters.cycle_end_from is None or parameters.cycle_end_to is None:
            raise SampleError("An end-of-cycle audit needs the range of cycle end dates.")
        if parameters.cycle_end_from > parameters.cycle_end_to:
            raise SampleError("The range of cycle end dates ends before it starts.")


def eligible(
    candidates: Iterable[Candidate], parameters: SampleParameters, *, as_of: date
) -> list[Candidate]:
    """The population after its range and exclusions, in registrant order (so the draw doesn't
    depend on the order the database returned them in)."""
    joined_after = None
    if parameters.exclude_joined_within_days:
        joined_after = as_of - timedelta(days=parameters.exclude_joined_within_days)
    chosen = []
    for candidate in candidates:
        if parameters.population is Population.CYCLE_END and not (
            parameters.cycle_end_from <= candidate.cycle_end <= parameters.cycle_end_to
        ):
            continue
        if joined_after is not None and candidate.joined_on > joined_after:
            continue
        chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.registrant_id)


def sample_size(population_size: int, parameters: SampleParameters) -> int:
    """A fraction rounds up, so any fraction of a non-empty population samples someone."""
    if parameters.number is not None:
        return min(parameters.number, population_size)
    return min(population_size, math.ceil(parameters.fraction * population_size))


def draw_sample(
    candidates: Iterable[Candidate], parameters: SampleParameters, *, seed: int, as_of: date
) -> tuple[int, list[int]]:
    """(the eligible population's size, the sampled registrant ids, ascending). The same
    candidates, parameters, seed and day always give the same sample (R6.1)."""
    validate(parameters)
    population = [c.registrant_id for c in eligible(candidates, parameters, as_of=as_of)]
    size = sample_size(len(population), parameters)
    # A seeded PRNG on purpose: the draw must be reproducible; the seed itself comes from secrets.
    return len(population), sorted(random.Random(seed).sample(population, size))  # noqa: S311


def activities_to_check(
    activity_ids: Sequence[int], *, seed: int, registrant_id: int, limit: int = ACTIVITIES_PER_CASE
) -> list[int]:
    """Up to `limit` of a registrant's activities, chosen at random, reproducibly: each
    registrant's choice has its own stream, so it doesn't depend on who else was sampled."""
    ordered = sorted(activity_ids)
    if len(ordered) <= limit:
        return ordered
    return sorted(random.Random(f"{seed}:{registrant_id}").sample(ordered, limit))  # noqa: S311
