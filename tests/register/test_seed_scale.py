"""seed_scale on a small register: the counts asked for, and every state a benchmark needs."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import User
from accreditation.models import Attempt, Candidate, CentreApproval, StaffApproval
from audit.models import AuditCase, AuditItem
from cpd.models import Activity
from cpd.selectors import progress_by_cycle
from register import scale
from register.models import Cycle, Registrant, Reminder

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 23)


def seed(**options) -> str:
    out = StringIO()
    call_command(
        "seed_scale",
        registrants=30,
        activities_per_registrant=3,
        as_of=AS_OF.isoformat(),
        stdout=out,
        **options,
    )
    return out.getvalue()


def test_it_makes_the_registrants_and_activities_asked_for():
    output = seed()

    assert Registrant.objects.count() == 30
    # Three each, and the PDF's registrant exactly 200.
    assert Activity.objects.count() == 29 * 3 + scale.PDF_ACTIVITIES
    assert Activity.objects.filter(registrant__user__email=scale.PDF_EMAIL).count() == 200
    assert list(Registrant.objects.values_list("membership_number", flat=True)[:2]) == [
        f"PR{pk:06d}" for pk in Registrant.objects.values_list("pk", flat=True)[:2]
    ]
    assert "activities" in output and "Done in" in output


def test_it_makes_cycles_in_every_state():
    seed()

    statuses = set(Cycle.objects.values_list("status", flat=True))
    assert statuses == {Cycle.Status.OPEN, Cycle.Status.MET, Cycle.Status.NOT_MET}
    assert Cycle.objects.filter(status=Cycle.Status.OPEN, grace_start__isnull=False).exists()
    assert Registrant.objects.filter(status=Registrant.Status.CPD_NOT_MET).exists()
    # R1.5: exactly one open cycle per current registrant, none for those not met.
    assert (
        Cycle.objects.filter(status=Cycle.Status.OPEN).count()
        == Registrant.objects.filter(status=Registrant.Status.CURRENT).count()
    )
    open_cycles = list(Cycle.objects.filter(status=Cycle.Status.OPEN))
    on_track = {p.on_track for p in progress_by_cycle(cycles=open_cycles, as_of=AS_OF).values()}
    assert on_track == {True, False}
    closed = list(Cycle.objects.filter(status=Cycle.Status.MET))
    assert all(p.target_met for p in progress_by_cycle(cycles=closed, as_of=AS_OF).values())


def test_it_makes_the_mix_audits_reminders_and_centres():
    seed()

    assert Activity.objects.filter(principle="shared").exists()
    assert Activity.objects.filter(activity_type__is_reading=True).exists()
    assert Activity.objects.filter(assessed=True).exists()
    assert Reminder.objects.filter(status=Reminder.Status.SENT).exists()
    assert AuditCase.objects.filter(status=AuditCase.Status.OPEN).exists()
    assert AuditItem.objects.filter(activity__in_audit=True).exists()
    assert CentreApproval.objects.exists() and StaffApproval.objects.exists()
    assert Candidate.objects.exists() and Attempt.objects.exists()


def test_the_known_logins_work():
    seed()

    assert authenticate(username=scale.REGISTRANT_EMAIL, password=scale.PASSWORD) is not None
    staff = User.objects.get(email=scale.STAFF_EMAIL)
    assert staff.is_staff and staff.authenticator_set.exists()


def test_it_refuses_a_database_with_people_unless_forced():
    seed()

    with pytest.raises(CommandError, match="--force"):
        seed()
    seed(force=True)
    assert Registrant.objects.count() == 30


def test_the_same_seed_gives_the_same_data():
    seed()
    first = list(Activity.objects.order_by("pk").values_list("title", "credits", "completed_on"))
    seed(force=True)
    again = list(Activity.objects.order_by("pk").values_list("title", "credits", "completed_on"))

    assert first == again
