import datetime
from decimal import Decimal

import factory

from cpd.models import Activity, ActivityType, GatewayCourse
from cpd.services import ActivityInput, activity_create
from register.models import Registrant

TODAY = datetime.date(2026, 11, 23)


class GatewayCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GatewayCourse

    title = factory.Sequence(lambda n: f"EV technical training {n}")
    provider = "IMI CPD Gateway"
    credits = Decimal("10")
    assessed = True


def activity_input(**overrides) -> ActivityInput:
    """A valid principle-1 input (1.5 h seminar) unless overridden."""
    values = {
        "title": "Customer service seminar",
        "activity_type": ActivityType.objects.get(slug="seminar"),
        "principle": "personal",
        "hours": Decimal("1.5"),
        "reflection": "How we communicate matters more than what we say.",
        "completed_on": datetime.date(2026, 6, 1),
    }
    values.update(overrides)
    if isinstance(values["activity_type"], str):
        values["activity_type"] = ActivityType.objects.get(slug=values["activity_type"])
    return ActivityInput(**values)


def make_activity(registrant: Registrant, *, as_of=TODAY, **overrides) -> Activity:
    return activity_create(registrant=registrant, data=activity_input(**overrides), as_of=as_of)[0]
