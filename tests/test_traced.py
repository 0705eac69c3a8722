"""R6.4: nothing changes without a trace, bulk changes included."""

from decimal import Decimal

import pytest
from simple_history.models import HistoricalRecords

from cpd.models import Activity
from imi_portal.traced import UntracedChange, traced_bulk_create, traced_bulk_update, traced_update
from register.models import Cycle, Registrant
from register.rules import next_cycle_after
from register.services import cycle_new
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
        assert latest.history_type == "~"


def test_a_traced_update_records_every_tracked_field_as_the_row_now_is():
    registrant = make_registrant()
    registrant.employer = "Acme Motors"
    registrant.save()
    before = registrant.history.count()
    traced_update(Registrant, [registrant.pk], reason="Bulk fix", status=Registrant.Status.REMOVED)
    assert registrant.history.count() == before + 1
    latest = registrant.history.first()
    assert (latest.status, latest.employer, latest.membership_number) == (
        Registrant.Status.REMOVED,
        "Acme Motors",
        registrant.membership_number,
    )
    assert (latest.history_type, latest.history_change_reason) == ("~", "Bulk fix")
    assert latest.history_user is None  # no request: a task did it


def test_a_traced_update_in_a_request_records_the_signed_in_user(rf):
    staff = make_registrant().user
    registrant = make_registrant()
    request = rf.post("/")
    request.user = staff
    HistoricalRecords.context.request = request
    try:
        traced_update(Registrant, [registrant.pk], reason="Staff", status=Registrant.Status.REMOVED)
    finally:
        del HistoricalRecords.context.request
    assert registrant.history.first().history_user == staff


def test_traced_bulk_create_records_each_new_row_as_created_and_no_other(django_assert_num_queries):
    registrants = [make_registrant(), make_registrant()]
    ended = [registrant.cycles.get() for registrant in registrants]
    traced_update(Cycle, [c.pk for c in ended], reason="End of cycle", status=Cycle.Status.MET)
    unrelated = Cycle.history.count()
    terms = next_cycle_after(ended[0].end)
    new = [cycle_new(registrant_id=c.registrant_id, number=2, terms=terms) for c in ended]
    with django_assert_num_queries(2):  # the INSERT and the history's INSERT ... SELECT
        created = traced_bulk_create(new, Cycle, reason="End of cycle (R8.1)")
    assert Cycle.history.count() == unrelated + 2
    for row in created:
        record = row.history.get()
        assert (record.history_type, record.number, record.start) == ("+", row.number, terms.start)
        assert record.history_change_reason == "End of cycle (R8.1)"
