"""Sampling (R6.1): plain functions, no database."""

import datetime
from decimal import Decimal

import pytest

from audit import rules
from audit.rules import Candidate, Population, SampleParameters

TODAY = datetime.date(2026, 11, 23)


def candidates(n: int = 100) -> list[Candidate]:
    return [
        Candidate(
            registrant_id=i,
            joined_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=20 * i),
            cycle_end=datetime.date(2027, 1, 1) + datetime.timedelta(days=i),
        )
        for i in range(1, n + 1)
    ]


def test_the_same_seed_draws_the_same_sample_whatever_the_order_of_candidates():
    params = SampleParameters(population=Population.CURRENT, number=10)
    first = rules.draw_sample(candidates(), params, seed=42, as_of=TODAY)
    again = rules.draw_sample(list(reversed(candidates())), params, seed=42, as_of=TODAY)
    assert first == again
    assert first[0] == 100 and len(first[1]) == 10


def test_another_seed_draws_another_sample():
    params = SampleParameters(population=Population.CURRENT, number=10)
    assert (
        rules.draw_sample(candidates(), params, seed=1, as_of=TODAY)[1]
        != rules.draw_sample(candidates(), params, seed=2, as_of=TODAY)[1]
    )


@pytest.mark.parametrize(
    ("fraction", "population", "expected"),
    [
        (Decimal("0.05"), 100, 5),
        (Decimal("0.05"), 101, 6),  # rounded up
        (Decimal("0.01"), 3, 1),  # any fraction of someone samples someone
        (Decimal("1"), 7, 7),
        (Decimal("0.5"), 0, 0),
    ],
)
def test_a_fraction_of_the_population_rounds_up(fraction, population, expected):
    params = SampleParameters(population=Population.CURRENT, fraction=fraction)
    assert rules.sample_size(population, params) == expected


def test_a_number_is_capped_at_the_population():
    params = SampleParameters(population=Population.CURRENT, number=500)
    size, sampled = rules.draw_sample(candidates(30), params, seed=3, as_of=TODAY)
    assert size == 30 and len(sampled) == 30


def test_it_leaves_out_registrants_who_joined_recently():
    recent = Candidate(3, joined_on=TODAY - datetime.timedelta(days=100), cycle_end=TODAY)
    on_the_day = Candidate(2, joined_on=TODAY - datetime.timedelta(days=183), cycle_end=TODAY)
    old = Candidate(1, joined_on=datetime.date(2020, 1, 1), cycle_end=TODAY)
    params = SampleParameters(
        population=Population.CURRENT, fraction=Decimal("1"), exclude_joined_within_days=183
    )
    size, sampled = rules.draw_sample([recent, on_the_day, old], params, seed=1, as_of=TODAY)
    assert (size, sampled) == (2, [1, 2])


def test_an_end_of_cycle_population_is_those_ending_within_the_range():
    params = SampleParameters(
        population=Population.CYCLE_END,
        fraction=Decimal("1"),
        cycle_end_from=datetime.date(2027, 1, 11),
        cycle_end_to=datetime.date(2027, 1, 20),
    )
    size, sampled = rules.draw_sample(candidates(), params, seed=1, as_of=TODAY)
    assert sampled == list(range(10, 20)) and size == 10


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (SampleParameters(population=Population.CURRENT), "either a fraction or a number"),
        (
            SampleParameters(population=Population.CURRENT, fraction=Decimal("0.1"), number=3),
            "either a fraction or a number",
        ),
        (SampleParameters(population=Population.CURRENT, fraction=Decimal("0")), "more than 0"),
        (SampleParameters(population=Population.CURRENT, fraction=Decimal("1.5")), "at most 1"),
        (SampleParameters(population=Population.CURRENT, number=0), "at least 1"),
        (SampleParameters(population=Population.CYCLE_END, number=3), "range"),
        (
            SampleParameters(
                population=Population.CYCLE_END,
                number=3,
                cycle_end_from=datetime.date(2027, 2, 1),
                cycle_end_to=datetime.date(2027, 1, 1),
            ),
            "ends before it starts",
        ),
    ],
)
def test_it_refuses_parameters_that_cannot_make_a_draw(params, message):
    with pytest.raises(rules.SampleError, match=message):
        rules.draw_sample(candidates(), params, seed=1, as_of=TODAY)


def test_activities_to_check_takes_all_when_few_and_a_reproducible_few_when_many():
    assert rules.activities_to_check([9, 3, 5], seed=1, registrant_id=1) == [3, 5, 9]
    many = list(range(100, 120))
    chosen = rules.activities_to_check(many, seed=1, registrant_id=4, limit=5)
    assert len(chosen) == 5 and set(chosen) <= set(many)
    assert chosen == rules.activities_to_check(
        list(reversed(many)), seed=1, registrant_id=4, limit=5
    )
    assert chosen != rules.activities_to_check(many, seed=1, registrant_id=5, limit=5)
