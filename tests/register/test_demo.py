import datetime

import pytest
from django.core.management import call_command

from cpd.selectors import cycle_progress
from register.models import Registrant

pytestmark = pytest.mark.django_db


def test_seed_demo_shows_registrants_at_different_points_of_their_cycles():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    today = datetime.date.today()
    states = {}
    for registrant in Registrant.objects.select_related("user"):
        cycle = registrant.cycles.get(status="open")
        states[registrant.user.first_name] = cycle_progress(cycle=cycle, as_of=today).progress
    assert not states["Riley"].on_track and states["Riley"].reading_over_cap
    assert states["Sam"].on_track
    assert states["Morgan"].target_met
    casey = Registrant.objects.get(user__first_name="Casey")
    assert casey.cycles.count() == 2
