"""End of cycle (R8.1): met opens the next cycle (R1.4); not met goes to staff review."""

import datetime

import pytest

from register.cycles import cycles_close_ended
from register.models import Cycle, Registrant
from tests.cpd.factories import make_activity
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

END = datetime.date(2028, 3, 31)


def qualification(registrant, completed_on=datetime.date(2027, 6, 1)):
    return make_activity(
        registrant,
        principle="shared",
        hours=None,
        activity_type="nvq",
        qualification_credit_value=10,
        completed_on=completed_on,
        as_of=datetime.date(2028, 4, 1),
    )


def test_a_met_cycle_closes_and_the_next_opens_on_1_april_with_target_90():
    registrant = make_registrant(joined_on=datetime.date(2026, 1, 15))  # target 70
    qualification(registrant)  # 100 credits
    result = cycles_close_ended(as_of=END + datetime.timedelta(days=1))
    assert result.met == [registrant.pk]
    first, second = registrant.cycles.order_by("number")
    assert first.status == Cycle.Status.MET
    assert (second.start, second.end, second.target) == (
        datetime.date(2028, 4, 1),
        datetime.date(2031, 3, 31),
        90,
    )
    assert second.status == Cycle.Status.OPEN and second.next_reminder_on is not None
    assert first.history.first().history_change_reason == "End of cycle (R8.1)"


def test_a_cycle_short_of_target_marks_the_registrant_for_review():
    registrant = make_registrant(joined_on=datetime.date(2026, 1, 15))
    make_activity(registrant, completed_on=datetime.date(2027, 6, 1), as_of=END)
    result = cycles_close_ended(as_of=END + datetime.timedelta(days=1))
    assert result.not_met == [registrant.pk]
    registrant.refresh_from_db()
    assert registrant.status == Registrant.Status.CPD_NOT_MET
    assert registrant.cycles.get().status == Cycle.Status.NOT_MET
    assert registrant.history.first().history_change_reason == "End of cycle (R8.1)"


def test_a_cycle_is_not_closed_on_its_last_day_nor_twice():
    registrant = make_registrant(joined_on=datetime.date(2026, 1, 15))
    assert cycles_close_ended(as_of=END).met == []
    qualification(registrant)
    cycles_close_ended(as_of=END + datetime.timedelta(days=1))
    again = cycles_close_ended(as_of=END + datetime.timedelta(days=2))
    assert again.met == [] and again.not_met == []
    assert registrant.cycles.count() == 2


def test_the_end_of_cycle_reads_in_few_queries_whatever_the_number(django_assert_max_num_queries):
    for _ in range(20):
        registrant = make_registrant(joined_on=datetime.date(2026, 1, 15))
        make_activity(registrant, completed_on=datetime.date(2027, 6, 1), as_of=END)
    with django_assert_max_num_queries(10):
        result = cycles_close_ended(as_of=END + datetime.timedelta(days=1))
    assert len(result.not_met) == 20
