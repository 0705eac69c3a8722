"""The audit's writes (R6): the draw, the registrant's note and evidence, the decisions."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from audit import services
from audit.models import AuditCase, AuditDraw, AuditItem
from cpd.models import Activity
from cpd.selectors import cycle_progress
from cpd.services import ActivityLocked, activity_delete, activity_update
from tests.accounts.factories import UserFactory, grant
from tests.audit.factories import DUE, TODAY, open_case_for, registrant_with_activities
from tests.cpd.factories import activity_input, make_activity
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

# A real 1x1 PNG: evidence images must decode (cpd.services.evidence_check).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0"
    b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def draw(auditor, **overrides) -> AuditDraw:
    kwargs = {
        "drawn_by": auditor,
        "population": "current",
        "fraction": Decimal("1"),
        "due_on": DUE,
        "today": TODAY,
        "seed": 11,
    }
    kwargs.update(overrides)
    return services.audit_draw(**kwargs)


def test_a_draw_keeps_its_seed_and_parameters_and_opens_a_case_per_registrant(
    auditor, django_capture_on_commit_callbacks
):
    sampled = [registrant_with_activities(2) for _ in range(3)]
    make_registrant()  # no activities: nothing to audit, not eligible
    with django_capture_on_commit_callbacks(execute=True):
        result = draw(auditor, fraction=None, number=2, seed=1234)
    assert (result.seed, result.size, result.population_size) == (1234, 2, 3)
    assert result.drawn_by == auditor and result.due_on == DUE
    cases = list(result.cases.select_related("registrant__user"))
    assert len(cases) == 2 and {c.registrant for c in cases} <= set(sampled)
    for case in cases:
        assert case.status == AuditCase.Status.OPEN and case.items.count() == 2
    # R6.2: each is told by email, with the activities and the due date.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.registrant.user.email for c in cases)
    assert "21 December 2026" in mail.outbox[0].body and "Seminar 1" in mail.outbox[0].body


def test_the_same_seed_on_the_same_population_draws_the_same_registrants(auditor):
    for _ in range(6):
        registrant_with_activities(1)
    first = draw(auditor, fraction=None, number=3, seed=99)
    chosen = set(first.cases.values_list("registrant_id", flat=True))
    # Undo the first draw's effect on eligibility and draw again with its seed.
    AuditItem.objects.all().delete()
    AuditCase.objects.all().delete()
    force_update(Activity.objects, in_audit=False)
    again = draw(auditor, fraction=None, number=3, seed=99)
    assert set(again.cases.values_list("registrant_id", flat=True)) == chosen


def test_it_samples_at_most_the_chosen_number_of_activities_per_registrant(auditor):
    registrant = registrant_with_activities(7)
    case = draw(auditor, activities_per_case=3).cases.get(registrant=registrant)
    assert case.items.count() == 3


def test_sampled_activities_are_locked_with_a_trace_and_unlocked_when_closed(auditor):
    registrant = registrant_with_activities(1)
    case = open_case_for(registrant, auditor=auditor)
    activity = case.items.get().activity
    activity.refresh_from_db()
    assert activity.in_audit
    latest = activity.history.first()
    assert latest.in_audit and latest.history_user == auditor
    assert latest.history_change_reason.startswith("Sampled for audit")
    with pytest.raises(ActivityLocked):
        activity_update(activity=activity, data=activity_input(title="Changed"), as_of=TODAY)
    with pytest.raises(ActivityLocked):
        activity_delete(activity=activity)

    services.audit_item_decide(
        item=case.items.get(), decision="accepted", decided_by=grant(UserFactory(), Role.AUDITOR)
    )
    activity.refresh_from_db()
    assert not activity.in_audit
    assert activity.history.first().history_change_reason == "Audit closed"


def test_registrants_with_an_open_audit_or_joined_recently_are_not_drawn(auditor):
    in_audit = registrant_with_activities(1)
    open_case_for(in_audit, auditor=auditor)
    recent = make_registrant(joined_on=datetime.date(2026, 6, 1))
    make_activity(recent, completed_on=datetime.date(2026, 7, 1))
    old = registrant_with_activities(1)
    result = draw(auditor, exclude_joined_within_days=183)
    assert list(result.cases.values_list("registrant_id", flat=True)) == [old.pk]


def test_an_end_of_cycle_draw_takes_only_cycles_ending_in_the_range(auditor):
    ending = registrant_with_activities(1)
    later = registrant_with_activities(1)
    end = ending.cycles.get().end
    force_update(later.cycles, end=end + datetime.timedelta(days=60))
    result = draw(auditor, population="cycle_end", cycle_end_from=end, cycle_end_to=end)
    assert list(result.cases.values_list("registrant_id", flat=True)) == [ending.pk]


def test_only_auditors_draw(register_officer):
    registrant_with_activities(1)
    with pytest.raises(PermissionDenied):
        draw(register_officer)


def test_a_draw_refuses_a_due_date_not_in_the_future(auditor):
    with pytest.raises(ValidationError):
        draw(auditor, due_on=TODAY)


# --- the registrant's side ----------------------------------------------------------------------


def test_the_registrant_adds_a_note_and_evidence_while_the_activity_is_locked(auditor):
    registrant = registrant_with_activities(1)
    item = open_case_for(registrant, auditor=auditor).items.get()
    services.audit_item_note(
        item=item,
        registrant=registrant,
        note=" Certificate attached. ",
        user=registrant.user,
        today=TODAY,
    )
    evidence = services.audit_item_evidence_add(
        item=item,
        registrant=registrant,
        upload=SimpleUploadedFile("cert.png", PNG),
        user=registrant.user,
        today=TODAY,
    )
    item.refresh_from_db()
    assert item.registrant_note == "Certificate attached."
    assert item.history.first().history_user == registrant.user
    assert evidence.activity_id == item.activity_id


def test_another_registrant_cannot_add_to_an_item(auditor):
    registrant = registrant_with_activities(1)
    item = open_case_for(registrant, auditor=auditor).items.get()
    other = make_registrant()
    with pytest.raises(PermissionDenied):
        services.audit_item_note(
            item=item, registrant=other, note="Mine", user=other.user, today=TODAY
        )


def test_nothing_can_be_added_after_the_due_date(auditor):
    registrant = registrant_with_activities(1)
    item = open_case_for(registrant, auditor=auditor).items.get()
    with pytest.raises(ValidationError, match="has passed"):
        services.audit_item_note(
            item=item,
            registrant=registrant,
            note="Late",
            user=registrant.user,
            today=DUE + datetime.timedelta(days=1),
        )


# --- decisions ----------------------------------------------------------------------------------


@pytest.fixture
def second_auditor(db):
    return grant(UserFactory(), Role.AUDITOR)


@pytest.fixture
def case(auditor):
    return open_case_for(registrant_with_activities(2), auditor=auditor)


def test_accepting_sets_the_calculated_value_as_final(case, second_auditor):
    item = case.items.first()
    services.audit_item_decide(item=item, decision="accepted", decided_by=second_auditor)
    item.refresh_from_db()
    item.activity.refresh_from_db()
    assert item.activity.audited_credits == item.activity.credits == Decimal("1.5")
    assert (item.decision, item.decided_by, item.decided_value) == (
        "accepted",
        second_auditor,
        Decimal("1.5"),
    )
    case.refresh_from_db()
    assert case.status == AuditCase.Status.OPEN  # one item still pending


def test_adjusting_changes_progress_at_once_and_keeps_who_when_old_new_and_why(
    case, second_auditor
):
    item = case.items.first()
    cycle = item.activity.cycle
    before = cycle_progress(cycle=cycle, as_of=TODAY).progress.counted_credits
    services.audit_item_decide(
        item=item,
        decision="adjusted",
        value=Decimal("4"),
        reason="The certificate shows a four-hour course.",
        decided_by=second_auditor,
    )
    after = cycle_progress(cycle=cycle, as_of=TODAY).progress.counted_credits
    assert after - before == Decimal("2.5")  # 1.5 became 4
    # R6.4: the activity's history holds the old and new value, who, when and why.
    new, old = item.activity.history.all()[:2]
    assert (old.audited_credits, new.audited_credits) == (None, Decimal("4"))
    assert new.history_user == second_auditor and new.history_date is not None
    assert new.history_change_reason == (
        "Audit: credits changed: The certificate shows a four-hour course."
    )
    decided = item.history.first()
    assert (decided.decision, decided.decided_value) == ("adjusted", Decimal("4"))
    assert decided.history_user == second_auditor


def test_rejecting_sets_zero_credits_with_the_reason(case, second_auditor):
    item = case.items.first()
    services.audit_item_decide(
        item=item, decision="rejected", reason="No evidence.", decided_by=second_auditor
    )
    item.activity.refresh_from_db()
    assert item.activity.audited_credits == Decimal("0")
    assert item.activity.effective_credits == Decimal("0")


@pytest.mark.parametrize(
    ("decision", "value", "reason", "field"),
    [
        ("adjusted", Decimal("4"), "  ", "reason"),
        ("rejected", None, "", "reason"),
        ("adjusted", None, "Why", "decided_value"),
        ("adjusted", Decimal("-1"), "Why", "decided_value"),
        ("adjusted", Decimal("1.5"), "Why", "decided_value"),  # the calculated value
    ],
)
def test_a_decision_needs_its_reason_and_a_new_value(
    case, second_auditor, decision, value, reason, field
):
    item = case.items.first()
    with pytest.raises(ValidationError) as error:
        services.audit_item_decide(
            item=item, decision=decision, value=value, reason=reason, decided_by=second_auditor
        )
    assert field in error.value.message_dict
    item.activity.refresh_from_db()
    assert item.activity.audited_credits is None


def test_a_decision_is_final(case, second_auditor):
    item = case.items.first()
    services.audit_item_decide(item=item, decision="accepted", decided_by=second_auditor)
    with pytest.raises(ValidationError, match="final"):
        services.audit_item_decide(
            item=item, decision="rejected", reason="No", decided_by=second_auditor
        )


def test_a_staff_member_cannot_audit_their_own_record(auditor):
    # An auditor who is also on the register is sampled like anyone (R6.4: another decides).
    registrant = registrant_with_activities(1, user=grant(UserFactory(), Role.AUDITOR))
    item = open_case_for(registrant, auditor=auditor).items.get()
    with pytest.raises(ValidationError, match="your own record"):
        services.audit_item_decide(item=item, decision="accepted", decided_by=registrant.user)
    item.refresh_from_db()
    assert item.decision == AuditItem.Decision.PENDING


def test_only_auditors_decide(case, register_officer):
    with pytest.raises(PermissionDenied):
        services.audit_item_decide(
            item=case.items.first(), decision="accepted", decided_by=register_officer
        )


def test_the_case_closes_when_every_item_is_decided_and_the_registrant_is_told(
    case, second_auditor, django_capture_on_commit_callbacks
):
    first, second = case.items.all()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_item_decide(item=first, decision="accepted", decided_by=second_auditor)
    assert mail.outbox == []  # not until every item is decided
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_item_decide(
            item=second,
            decision="rejected",
            reason="The date on the certificate is outside the cycle.",
            decided_by=second_auditor,
        )
    case.refresh_from_db()
    assert case.status == AuditCase.Status.CLOSED and case.closed_at is not None
    assert case.outcome == "1 activity accepted, 1 activity rejected"
    assert case.history.first().history_change_reason == "All activities decided"
    (message,) = mail.outbox
    assert message.to == [case.registrant.user.email]
    assert "The date on the certificate is outside the cycle." in message.body
    assert "rejected, 0 credits" in message.body
    html = message.alternatives[0][0]
    assert "The date on the certificate is outside the cycle." in html
