"""The dashboard is kept in the cache until the record changes (cpd.views.dashboard).

Every kind of change to what it shows must show at once: an activity added, an auditor's value
(a traced bulk write), the cycle, the person's name, an activity type, the next day.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd.models import Activity, ActivityType
from imi_portal.traced import traced_update
from tests.cpd.factories import make_activity
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db


def dashboard(client) -> str:
    response = client.get(reverse("cpd:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def counted(body: str) -> str:
    return re.search(r'data-testid="counted">([^<]+)<', body).group(1)


def reading(registrant, hours: str = "5") -> Activity:
    return make_activity(registrant, activity_type="reading", hours=Decimal(hours))


def test_looking_again_costs_the_version_query_not_the_whole_page(
    owner, registrant, django_assert_num_queries
):
    reading(registrant)
    first = dashboard(owner)
    # session, user, the registrant's id with the record's version: no aggregate, no lists
    with django_assert_num_queries(3):
        again = dashboard(owner)
    assert counted(again) == counted(first) == "5"
    assert "<h1>My CPD progress</h1>" in again  # the cached HTML is not escaped again


def test_a_new_activity_shows_at_once(owner, registrant):
    reading(registrant)
    assert counted(dashboard(owner)) == "5"
    make_activity(registrant, hours=Decimal("3"), title="Brake systems seminar")
    body = dashboard(owner)
    assert counted(body) == "8"
    assert "Brake systems seminar" in body


def test_an_auditors_value_written_in_bulk_shows_at_once(owner, registrant):
    activity = reading(registrant)
    assert counted(dashboard(owner)) == "5"
    traced_update(Activity, [activity.pk], reason="Audit (R6.3)", audited_credits=Decimal("2"))
    assert counted(dashboard(owner)) == "2"


def test_a_deleted_activity_disappears_at_once(owner, registrant):
    activity = reading(registrant)
    assert counted(dashboard(owner)) == "5"
    activity.delete()
    assert counted(dashboard(owner)) == "0"


def test_a_change_to_the_cycle_or_the_name_shows_at_once(owner, registrant):
    dashboard(owner)
    cycle = registrant.cycles.get()
    cycle.target = Decimal("45")
    cycle.save()
    assert "of 45 credits counted" in dashboard(owner)
    user = registrant.user
    user.first_name, user.last_name = "Robin", "Newname"
    user.save()
    assert "Robin Newname" in dashboard(owner)


def test_a_type_no_longer_reading_changes_everyones_progress(owner, registrant):
    for _ in range(5):
        reading(registrant)  # 25 reading credits: the cap counts only part (R3.3)
    capped = counted(dashboard(owner))
    assert Decimal(capped) < 25
    reading_type = ActivityType.objects.get(slug="reading")
    reading_type.is_reading = False
    reading_type.save()
    assert counted(dashboard(owner)) == "25"


def test_the_next_day_is_worked_out_afresh(owner, registrant, monkeypatch):
    days_left = re.compile(r"<dt>Days left</dt><dd>([^<]+)</dd>")
    today = days_left.search(dashboard(owner)).group(1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda: tomorrow)  # the session stays fresh
    tomorrow = days_left.search(dashboard(owner)).group(1)
    assert int(tomorrow.replace(",", "")) == int(today.replace(",", "")) - 1


def test_two_people_with_the_same_record_never_see_each_others_page(client, registrant):
    other = make_registrant(joined_on=datetime.date(2025, 5, 10))
    client.force_login(registrant.user)
    mine = dashboard(client)
    client.force_login(other.user)
    theirs = dashboard(client)
    assert registrant.membership_number in mine and other.membership_number not in mine
    assert other.membership_number in theirs and registrant.membership_number not in theirs


def test_another_cycle_chosen_is_its_own_page(owner, registrant):
    body = dashboard(owner)
    assert "Cycle 1:" in body
    assert owner.get(reverse("cpd:dashboard") + "?cycle=nonsense").status_code == 200
