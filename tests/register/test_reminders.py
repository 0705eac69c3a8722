"""Reminders over whole cycles (R5): the right emails on the right days, none twice, catch-up,
nothing in the final months for those who met their target, postal reminders."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from register.models import Cycle, Reminder
from register.reminders import reminder_send, reminders_sweep
from register.rules import cycle_reminder_dates
from tests.cpd.factories import make_activity
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

JOINED = datetime.date(2025, 5, 10)  # cycle: 10 May 2025 to 31 March 2028, target 90


@pytest.fixture
def registrant():
    return make_registrant(joined_on=JOINED)


def run(as_of: datetime.date) -> str:
    out = __import__("io").StringIO()
    call_command("send_reminders", "--date", as_of.isoformat(), stdout=out)
    return out.getvalue()


def days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def test_a_whole_cycle_day_by_day_sends_each_due_reminder_once_on_its_day(registrant):
    cycle = registrant.cycles.get()
    expected = [r.due_on for r in cycle_reminder_dates(start=cycle.start, end=cycle.end)]
    sent_on = []
    for day in days(cycle.start, cycle.end):
        before = len(mail.outbox)
        run(day)
        if len(mail.outbox) > before:
            sent_on.append(day)
            assert len(mail.outbox) == before + 1  # R5.4: one from one sweep
    assert sent_on == expected
    assert expected[-1] == datetime.date(2028, 2, 29)  # month-end clamping in a leap year
    assert Reminder.objects.filter(status="sent").count() == len(expected)


def test_running_the_sweep_again_the_same_day_sends_nothing(registrant):
    first = run(datetime.date(2025, 11, 10))
    again = run(datetime.date(2025, 11, 10))
    assert "1 email(s) sent" in first
    assert "0 email(s) sent" in again
    assert len(mail.outbox) == 1


def test_after_a_gap_only_the_latest_missed_reminder_is_sent(registrant):
    run(datetime.date(2025, 11, 10))
    mail.outbox.clear()
    run(datetime.date(2027, 12, 5))  # missed May 2026 ... 30 Nov 2027
    assert len(mail.outbox) == 1
    reminder = Reminder.objects.get(status="sent", due_on__gt=datetime.date(2025, 11, 10))
    assert reminder.due_on == datetime.date(2027, 11, 30)
    assert reminder.phase == "monthly"
    assert Reminder.objects.count() == 2  # the missed ones are never sent (R5.4)


def test_final_months_reminders_stop_once_the_target_is_met(registrant):
    make_activity(
        registrant,
        principle="shared",
        hours=None,
        activity_type="nvq",
        qualification_credit_value=10,
        completed_on=datetime.date(2026, 1, 10),
    )  # 100 credits
    run(datetime.date(2027, 5, 10))  # the last six-monthly one goes to everyone
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    for day in days(datetime.date(2027, 5, 11), datetime.date(2028, 3, 31)):
        run(day)
    assert mail.outbox == []  # R5.2: the final months' reminders only while short


def test_six_monthly_reminders_go_even_when_the_target_is_met(registrant):
    make_activity(
        registrant,
        principle="shared",
        hours=None,
        activity_type="nvq",
        qualification_credit_value=10,
        completed_on=datetime.date(2025, 10, 1),
    )
    run(datetime.date(2025, 11, 10))
    assert len(mail.outbox) == 1
    assert "target reached" in mail.outbox[0].subject.lower()


def test_the_email_gives_the_figures_in_both_parts(registrant):
    for _ in range(4):
        make_activity(
            registrant,
            activity_type="reading",
            hours=Decimal("2"),
            impact_working_practice=True,
            working_practice_statement="w",
            completed_on=datetime.date(2025, 9, 1),
        )  # 24 reading credits, 18 count
    run(datetime.date(2025, 11, 10))
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert "18" in part and "90" in part  # counted of target
        assert "72" in part  # still needed
        assert "/cpd/" in part  # a link to the CPD record
        assert registrant.membership_number in part
        assert "no longer count" in part  # reading over the cap
    assert message.subject == "Your CPD progress: 18 of 90 credits"
    assert message.to == [registrant.user.email]


def test_registrants_without_email_get_a_postal_reminder_not_an_email(registrant):
    registrant.contact_by_post = True
    registrant.save()
    out = run(datetime.date(2025, 11, 10))
    assert mail.outbox == []
    reminder = Reminder.objects.get()
    assert (reminder.channel, reminder.status) == ("post", "postal_due")
    assert "postal reminder due" in out


def test_a_grace_period_brings_reminders_at_its_start_and_monthly(registrant):
    cycle = registrant.cycles.get()
    run(datetime.date(2028, 2, 29))
    force_update(
        Cycle.objects.filter(pk=cycle.pk),
        end=datetime.date(2028, 6, 30),
        grace_start=datetime.date(2028, 4, 1),
        next_reminder_on=datetime.date(2028, 4, 1),  # what the grace decision service sets
    )
    mail.outbox.clear()
    for day in days(datetime.date(2028, 3, 1), datetime.date(2028, 6, 30)):
        run(day)
    dues = list(
        Reminder.objects.filter(phase="grace", status="sent").values_list("due_on", flat=True)
    )
    assert sorted(dues) == [
        datetime.date(2028, 4, 1),
        datetime.date(2028, 5, 1),
        datetime.date(2028, 6, 1),
    ]


def test_a_reminder_already_sent_is_never_sent_again(registrant):
    result = reminders_sweep(as_of=datetime.date(2025, 11, 10))
    (reminder_id,) = result.emails
    assert reminder_send(reminder_id=reminder_id) is True
    assert reminder_send(reminder_id=reminder_id) is False
    assert len(mail.outbox) == 1


def test_an_older_unsent_reminder_is_superseded_by_a_later_one(registrant):
    first = reminders_sweep(as_of=datetime.date(2025, 11, 10)).emails[0]  # queued, not sent
    reminders_sweep(as_of=datetime.date(2026, 5, 10))
    assert Reminder.objects.get(pk=first).status == "superseded"
    assert reminder_send(reminder_id=first) is False


def test_the_sweep_reads_only_the_cycles_due(registrant, django_assert_max_num_queries):
    for _ in range(30):
        make_registrant(joined_on=datetime.date(2026, 1, 15))  # nothing due on 10 Nov 2025
    with django_assert_max_num_queries(12):
        result = reminders_sweep(as_of=datetime.date(2025, 11, 10))
    assert len(result.emails) == 1


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "10/11/2025")
