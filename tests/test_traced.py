"""R6.4: nothing changes without a trace, bulk changes included."""

from decimal import Decimal

import pytest

from cpd.models import Activity
from imi_portal.traced import UntracedChange, traced_bulk_update
from register.models import Cycle, Registrant
from tests.cpd.factories import make_activity
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db


def test_a_bulk_update_of_credits_or_status_without_history_is_refused():
    registrant = make_registrant()
    activity = make_activity(registrant)
    with pytest.raises(UntracedChange, match="audited_credits"):
        Activity.objects.filter(pk=activity.pk).update(audited_credits=Decimal("9"))
    with pytest.raises(UntracedChange, match="status"):
        Registrant.objects.update(status=Registrant.Status.REMOVED)
    with pytest.raises(UntracedChange, match="status"):
        Cycle.objects.bulk_update(list(Cycle.objects.all()), ["status"])
    assert Activity.objects.get().audited_credits is None


def test_the_reminder_sweeps_bookkeeping_may_be_written_in_bulk():
    registrant = make_registrant()
    assert Cycle.objects.filter(registrant=registrant).update(next_reminder_on=None) == 1


def test_a_traced_bulk_update_writes_who_and_why_for_every_row():
    first, second = make_registrant(), make_registrant()
    for registrant in (first, second):
        registrant.status = Registrant.Status.CPD_NOT_MET
    traced_bulk_update(
        [first, second], Registrant, ["status"], user=first.user, reason="End of cycle (R8.1)"
    )
    for registrant in (first, second):
        latest = registrant.history.first()
        assert latest.status == Registrant.Status.CPD_NOT_MET
        assert latest.history_change_reason == "End of cycle (R8.1)"
        assert latest.history_user == first.user
