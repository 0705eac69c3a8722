import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cpd.models import Activity, Qualification
from cpd.selectors import cycle_progress
from cpd.services import activity_create, activity_delete, activity_update
from tests.cpd.factories import TODAY, GatewayCourseFactory, activity_input, make_activity
from tests.helpers import force_update

pytestmark = pytest.mark.django_db


def test_it_records_a_principle_one_activity_with_its_credits_and_cycle(registrant):
    activity = make_activity(registrant, impact_behaviour=True, behaviour_statement="Calmer.")
    assert activity.credits == Decimal("3.50")
    assert activity.credits_explanation == "1.5 h + 2 behaviour = 3.5"
    assert activity.cycle == registrant.cycles.get()
    assert activity.assessed is False


def test_a_gateway_course_takes_its_value_and_assessment_from_the_catalogue(registrant):
    course = GatewayCourseFactory(credits=Decimal("10"), assessed=True)
    activity = make_activity(
        registrant,
        principle="shared",
        hours=None,
        gateway_course=course,
        gateway_credits=Decimal("99"),  # ignored: the catalogue fixes the value
        activity_type="vehicle-manufacturer-course",
    )
    assert activity.credits == Decimal("10.00")
    assert activity.assessed is True


def test_a_qualification_in_instalments_becomes_equal_records_with_bonuses_once(registrant):
    activities = activity_create(
        registrant=registrant,
        data=activity_input(
            principle="shared",
            hours=None,
            activity_type="nvq",
            qualification_credit_value=40,
            instalments=4,
            impact_behaviour=True,
            behaviour_statement="More confident.",
        ),
        as_of=TODAY,
    )
    assert [a.credits for a in activities] == [Decimal("102.00")] + [Decimal("100.00")] * 3
    assert {a.instalment_group for a in activities} == {activities[0].instalment_group}
    assert [a.instalment_number for a in activities] == [1, 2, 3, 4]
    assert all(a.assessed for a in activities)  # R2.8: a qualification is assessed


def test_the_seed_003_qualification_counts_one_hundred(registrant):
    qualification = Qualification.objects.get(accreditation_number="600/5787/7")
    activity = make_activity(
        registrant, principle="shared", hours=None, activity_type="vrq", qualification=qualification
    )
    assert activity.credits == Decimal("100.00")  # R10.2


def test_a_second_instalment_cannot_claim_a_bonus_already_claimed(registrant):
    first, second = activity_create(
        registrant=registrant,
        data=activity_input(
            principle="shared",
            hours=None,
            activity_type="nvq",
            qualification_credit_value=40,
            instalments=2,
            impact_behaviour=True,
            behaviour_statement="More confident.",
        ),
        as_of=TODAY,
    )
    with pytest.raises(ValidationError) as error:
        activity_update(
            activity=second,
            data=activity_input(
                principle="shared",
                hours=None,
                activity_type="nvq",
                impact_behaviour=True,
                behaviour_statement="Again.",
            ),
            as_of=TODAY,
        )
    assert "impact_behaviour" in error.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("1000.01")}, "hours"),
        ({"hours": Decimal("1.255")}, "hours"),
        ({"reflection": "  "}, "reflection"),
        ({"title": ""}, "title"),
        ({"impact_working_practice": True}, "working_practice_statement"),
        ({"completed_on": TODAY + datetime.timedelta(days=1)}, "completed_on"),
        ({"completed_on": datetime.date(2025, 5, 9)}, "completed_on"),
        ({"activity_type": "other"}, "type_description"),
        ({"principle": "shared"}, "hours"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(registrant, overrides, field):
    with pytest.raises(ValidationError) as error:
        activity_create(registrant=registrant, data=activity_input(**overrides), as_of=TODAY)
    assert field in error.value.message_dict
    assert not Activity.objects.exists()


def test_an_activity_in_audit_cannot_be_changed_or_deleted(registrant):
    activity = make_activity(registrant)
    force_update(Activity.objects.filter(pk=activity.pk), in_audit=True)
    activity.refresh_from_db()
    with pytest.raises(ValidationError):
        activity_update(activity=activity, data=activity_input(title="New"), as_of=TODAY)
    with pytest.raises(ValidationError):
        activity_delete(activity=activity)
    assert Activity.objects.get(pk=activity.pk).title == "Customer service seminar"


def test_progress_caps_reading_and_uses_the_auditors_value(registrant):
    for _ in range(5):  # 5 x 7.5 = 37.5 reading credits, cap 18 for a 90 target
        make_activity(
            registrant,
            activity_type="reading",
            impact_behaviour=True,
            behaviour_statement="b",
            impact_working_practice=True,
            working_practice_statement="w",
        )
    seminar = make_activity(registrant)  # 1.5
    force_update(Activity.objects.filter(pk=seminar.pk), audited_credits=Decimal("4"))  # R3.2
    result = cycle_progress(cycle=registrant.cycles.get(), as_of=TODAY).progress
    assert result.recorded_credits == Decimal("41.50")
    assert result.reading_counted == Decimal("18.00")
    assert result.counted_credits == Decimal("22.00")
    assert result.reading_over_cap is True


def test_progress_is_one_query_whatever_the_number_of_activities(
    registrant, django_assert_num_queries
):
    cycle = registrant.cycles.get()
    for _ in range(30):
        make_activity(registrant)
    with django_assert_num_queries(1):
        cycle_progress(cycle=cycle, as_of=TODAY)
