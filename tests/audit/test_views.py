"""The registrant's audit page and the auditor's admin: access both ways, and query counts."""

from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from audit import services
from audit.models import AuditCase, AuditDraw, AuditItem
from tests.accounts.factories import UserFactory, grant
from tests.audit.factories import open_case_for, registrant_with_activities
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

# A real 1x1 PNG: evidence images must decode (cpd.services.evidence_check).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0"
    b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)
CASES = reverse("audit:cases")


@pytest.fixture(autouse=True)
def _before_the_due_date(time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00")


@pytest.fixture
def case(auditor):
    return open_case_for(registrant_with_activities(2), auditor=auditor)


def staff_client(client, user):
    # Staff have two-factor authentication, or the admin sends them to set it up.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    return client


def test_the_registrant_sees_their_case_with_its_activities(client, case):
    client.force_login(case.registrant.user)
    response = client.get(CASES)
    assert response.status_code == 200
    assert "Your record is being audited" in response.text
    assert "Seminar 1" in response.text and "Seminar 2" in response.text
    assert "21 December 2026" in response.text


def test_another_registrant_sees_no_case_and_gets_404_on_an_item(client, case):
    other = make_registrant()
    client.force_login(other.user)
    assert "None of your activities is being audited" in client.get(CASES).text
    item = case.items.first()
    for name in ("audit:item_note", "audit:item_evidence"):
        assert client.post(reverse(name, args=[item.pk]), {"note": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.registrant_note == ""


def test_someone_not_on_the_register_is_sent_to_join(client, user):
    client.force_login(user)
    assert client.get(CASES).url == reverse("register:join")


def test_the_registrant_adds_a_note_and_evidence(client, case):
    item = case.items.first()
    client.force_login(case.registrant.user)
    response = client.post(reverse("audit:item_note", args=[item.pk]), {"note": "See file."})
    assert response.url == f"{CASES}#item-{item.pk}"
    response = client.post(
        reverse("audit:item_evidence", args=[item.pk]),
        {"files": SimpleUploadedFile("cert.png", PNG)},
    )
    assert response.status_code == 302
    page = client.get(CASES).text
    assert "See file." in page and "cert.png" in page
    assert item.activity.evidence.count() == 1


def test_the_registrant_sees_the_outcome_with_its_reasons(client, case):
    first, second = case.items.all()
    decider = grant(UserFactory(), Role.AUDITOR)
    services.audit_item_decide(item=first, decision="accepted", decided_by=decider)
    services.audit_item_decide(
        item=second,
        decision="adjusted",
        value=Decimal("1"),
        reason="Only one hour.",
        decided_by=decider,
    )
    client.force_login(case.registrant.user)
    page = client.get(CASES).text
    assert "1 activity accepted, 1 activity with credits changed" in page
    assert "Only one hour." in page
    assert "Save the note" not in page


def test_the_cases_page_takes_the_same_queries_however_many_cases(client, auditor):
    registrant = registrant_with_activities(2)
    open_case_for(registrant, auditor=auditor)
    client.force_login(registrant.user)
    client.get(CASES)  # warm up: the navigation's links are then read from the cache
    with CaptureQueriesContext(connection) as one:
        client.get(CASES)
    AuditCase.objects.update(status=AuditCase.Status.CLOSED)
    for n in range(3):
        from tests.cpd.factories import make_activity

        make_activity(registrant, title=f"More {n}")
    open_case_for(registrant, auditor=auditor)
    assert AuditItem.objects.filter(case__registrant=registrant).count() == 5
    with CaptureQueriesContext(connection) as two:
        client.get(CASES)
    assert len(two) == len(one)


# --- the admin ----------------------------------------------------------------------------------


def test_a_registrant_who_is_not_staff_is_refused_the_admin(client, case):
    client.force_login(case.registrant.user)
    for url in (
        reverse("admin:audit_auditdraw_draw"),
        reverse("admin:audit_audititem_change", args=[case.items.first().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


def test_a_register_officer_cannot_draw(client, register_officer):
    staff_client(client, register_officer)
    assert client.get(reverse("admin:audit_auditdraw_draw")).status_code == 403


def test_an_auditor_draws_in_the_admin(client, auditor):
    registrant_with_activities(1)
    staff_client(client, auditor)
    assert client.get(reverse("admin:audit_auditdraw_draw")).status_code == 200
    response = client.post(
        reverse("admin:audit_auditdraw_draw"),
        {
            "population": "current",
            "number": "1",
            "activities_per_case": "5",
            "due_on": "2026-12-21",
            "seed": "5",
        },
    )
    assert response.status_code == 302
    draw = AuditDraw.objects.get()
    assert (draw.seed, draw.size, draw.drawn_by) == (5, 1, auditor)


def test_the_draw_form_shows_what_is_missing(client, auditor):
    staff_client(client, auditor)
    response = client.post(
        reverse("admin:audit_auditdraw_draw"),
        {"population": "cycle_end", "activities_per_case": "5", "due_on": "2026-12-21"},
    )
    assert response.status_code == 200
    assert "Give either a fraction or a number" in response.text
    assert "Give the range of cycle end dates" in response.text
    assert not AuditDraw.objects.exists()


def decide(client, item, **data):
    return client.post(reverse("admin:audit_audititem_change", args=[item.pk]), data)


def test_an_auditor_adjusts_a_credit_in_the_admin(client, case):
    decider = grant(UserFactory(), Role.AUDITOR)
    staff_client(client, decider)
    item = case.items.first()
    page = client.get(reverse("admin:audit_audititem_change", args=[item.pk]))
    assert page.status_code == 200 and "completed 01 Jun 2026" in page.text
    response = decide(
        client, item, verdict="adjusted", decided_value="3", reason="Three hours in fact."
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.decision, item.decided_value, item.decided_by) == (
        "adjusted",
        Decimal("3"),
        decider,
    )


def test_the_admin_form_asks_for_a_reason(client, case):
    staff_client(client, grant(UserFactory(), Role.AUDITOR))
    item = case.items.first()
    response = decide(client, item, verdict="rejected", reason="")
    assert response.status_code == 200 and "Give the registrant the reason" in response.text
    item.refresh_from_db()
    assert item.decision == "pending"


def test_the_admin_refuses_an_auditor_their_own_record(client, auditor):
    own = registrant_with_activities(1, user=grant(UserFactory(), Role.AUDITOR))
    item = open_case_for(own, auditor=auditor).items.get()
    staff_client(client, own.user)
    response = decide(client, item, verdict="accepted")
    assert response.status_code == 200 and "your own record" in response.text
    item.refresh_from_db()
    assert item.decision == "pending"


def test_a_register_officer_cannot_decide(client, case, register_officer):
    staff_client(client, register_officer)
    item = case.items.first()
    assert decide(client, item, verdict="accepted").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "admin:audit_audititem_changelist",
        "admin:audit_auditcase_changelist",
        "admin:audit_auditdraw_changelist",
    ],
)
def test_admin_lists_take_the_same_queries_however_many_rows(client, auditor, url):
    open_case_for(registrant_with_activities(1), auditor=auditor)
    staff_client(client, auditor)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(url)).status_code == 200
    for _ in range(3):
        open_case_for(registrant_with_activities(2), auditor=auditor)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse(url))
    assert len(more) == len(one)


def test_the_case_admin_shows_its_items(client, case, auditor):
    staff_client(client, auditor)
    page = client.get(reverse("admin:audit_auditcase_change", args=[case.pk]))
    assert page.status_code == 200 and "Seminar 1" in page.text
