"""CPD in the admin: activities and evidence read-only with history, the catalogues editable."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from cpd import admin as cpd_admin
from cpd.models import Activity, ActivityType, Evidence, GatewayCourse, Qualification
from cpd.services import evidence_add
from register import admin as register_admin
from register.admin import TableCountPaginator
from tests.accounts.factories import UserFactory
from tests.cpd.factories import GatewayCourseFactory, make_activity
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:cpd_activity_changelist")
# Session, user, TOTP check, two permission queries, the paginator's count, the page, and the
# activity types for their filter; on PostgreSQL also the table's row estimate (the paginator):
# the same whatever the number of rows.
CHANGELIST_QUERIES = 9 if connection.vendor == "postgresql" else 8
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def staff_client(client, user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(client, register_officer):
    return staff_client(client, register_officer)


@pytest.fixture
def superuser_client(client):
    return staff_client(client, UserFactory(is_staff=True, is_superuser=True))


def results(response) -> list:
    return list(response.context["cl"].result_list)


def found(client, url=CHANGELIST, **params) -> set[int]:
    response = client.get(url, params)
    assert response.status_code == 200
    return {obj.pk for obj in results(response)}


# --- access ------------------------------------------------------------------------------------


def test_a_non_staff_user_cannot_reach_activities(client, user):
    client.force_login(user)
    assert client.get(CHANGELIST, follow=True).status_code == 403


def test_an_auditor_reads_activities(client, auditor):
    activity = make_activity(make_registrant())
    staff_client(client, auditor)
    assert found(client) == {activity.pk}


# --- the list: a fixed number of queries, no full count ----------------------------------------


def _changelist_sql(client, django_assert_max_num_queries) -> list[str]:
    with (
        django_assert_max_num_queries(CHANGELIST_QUERIES),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_changelist_takes_the_same_queries_for_one_row_and_fifty(
    officer_client, django_assert_max_num_queries
):
    make_activity(make_registrant())
    one = _changelist_sql(officer_client, django_assert_max_num_queries)
    for _ in range(7):
        registrant = make_registrant()
        for activity_type in ("seminar", "reading", "conference", "e-learning", "research"):
            make_activity(registrant, activity_type=activity_type)
        make_activity(registrant, activity_type="reading", hours=Decimal("2"))
        make_activity(registrant, activity_type="seminar", hours=Decimal("2"))
    fifty = _changelist_sql(officer_client, django_assert_max_num_queries)
    assert len(one) == len(fifty)
    assert len(results(officer_client.get(CHANGELIST))) == 50
    counts = [q for q in fifty if "COUNT(" in q.upper()]
    assert len(counts) == 1  # the paginator's own; show_full_result_count is off


def test_the_list_shows_registrant_credits_and_the_auditors_value(officer_client):
    registrant = make_registrant()
    activity = make_activity(registrant, title="Brakes", hours=Decimal("3"))
    force_update(
        Activity.objects.filter(pk=activity.pk), audited_credits=Decimal("1.5"), in_audit=True
    )
    html = officer_client.get(CHANGELIST).content.decode()
    assert "Brakes" in html
    assert registrant.membership_number in html
    assert "3.00" in html
    assert "1.50" in html


# --- search and filters ------------------------------------------------------------------------


@pytest.fixture
def activities(db):
    ada = make_registrant(user=UserFactory(email="ada@example.org"))
    alan = make_registrant(user=UserFactory(email="alan@example.org"))
    course = GatewayCourseFactory(assessed=True)
    return {
        "seminar": make_activity(ada, title="EV safety seminar"),
        "reading": make_activity(
            ada,
            title="Workshop manual",
            activity_type="reading",
            end_test=True,
            completed_on=datetime.date(2026, 11, 20),
        ),
        "gateway": make_activity(
            alan, title="Hybrid systems", principle="shared", hours=None, gateway_course=course
        ),
        "ada": ada,
        "alan": alan,
    }


def test_search_by_membership_number_email_or_title(officer_client, activities):
    ada = activities["ada"]
    ada_ids = {activities["seminar"].pk, activities["reading"].pk}
    assert found(officer_client, q=ada.membership_number) == ada_ids
    assert found(officer_client, q=str(ada.pk)) == ada_ids
    assert found(officer_client, q="ADA@example.org") == ada_ids
    assert found(officer_client, q="hybrid") == {activities["gateway"].pk}
    assert found(officer_client, q=f"{ada.membership_number} manual") == {activities["reading"].pk}


def test_filters(officer_client, activities):
    assert found(officer_client, principle__exact="shared") == {activities["gateway"].pk}
    assert found(officer_client, assessed__exact="1") == {
        activities["reading"].pk,
        activities["gateway"].pk,
    }
    reading = ActivityType.objects.get(slug="reading")
    assert found(officer_client, activity_type__id__exact=reading.pk) == {activities["reading"].pk}
    force_update(Activity.objects.filter(pk=activities["seminar"].pk), in_audit=True)
    assert found(officer_client, in_audit__exact="1") == {activities["seminar"].pk}
    assert found(officer_client, completed_on__gte="2026-11-01", completed_on__lt="2026-12-01") == {
        activities["reading"].pk
    }


# --- CSV export --------------------------------------------------------------------------------


def test_export_the_selected_activities(officer_client, activities):
    seminar = activities["seminar"]
    force_update(Activity.objects.filter(pk=seminar.pk), audited_credits=Decimal("0"))
    response = officer_client.post(
        CHANGELIST, {"action": "export_as_csv", "_selected_action": [seminar.pk]}
    )
    assert response["Content-Disposition"].startswith('attachment; filename="activities-')
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows == [
        [
            "Title",
            "Registrant",
            "Activity type",
            "Principle",
            "Credits",
            "Audited credits",
            "Assessed",
            "Completed on",
            "In audit",
        ],
        [
            "EV safety seminar",
            activities["ada"].membership_number,
            "Seminar",
            "Personal",
            "1.50",
            "0.00",
            "no",
            "2026-06-01",
            "no",
        ],
    ]


# --- one activity: read-only, with history and evidence ----------------------------------------


def test_an_activity_is_read_only_with_its_history_and_evidence(officer_client, monkeypatch):
    registrant = make_registrant()
    activity = make_activity(registrant)
    evidence = evidence_add(
        activity=activity,
        upload=SimpleUploadedFile("certificate.pdf", PDF),
        user=registrant.user,
    )
    url = reverse("admin:cpd_activity_change", args=[activity.pk])
    response = officer_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="title"' not in html  # nothing to edit
    assert "certificate.pdf" in html
    assert reverse("admin:cpd_activity_history", args=[activity.pk]) in html
    assert officer_client.post(url, {"title": "Changed"}).status_code == 403
    assert officer_client.get(reverse("admin:cpd_activity_add")).status_code == 403

    history = officer_client.get(reverse("admin:cpd_activity_history", args=[activity.pk]))
    assert history.status_code == 200
    version = activity.history.first()
    revert = reverse("admin:cpd_activity_simple_history", args=[activity.pk, version.pk])
    assert officer_client.post(revert, {}).status_code == 403

    # The download link appears once cpd:evidence_download is wired, and nothing breaks before.
    try:
        download = reverse("cpd:evidence_download", kwargs={"pk": evidence.pk})
    except NoReverseMatch:
        download = None
    if download:
        assert download in html
    monkeypatch.setattr(
        cpd_admin, "reverse", lambda *a, **k: (_ for _ in ()).throw(NoReverseMatch("no"))
    )
    assert cpd_admin.evidence_download_link(evidence) == "–"
    monkeypatch.setattr(cpd_admin, "reverse", lambda *a, **k: f"/cpd/evidence/{k['kwargs']['pk']}/")
    assert f'href="/cpd/evidence/{evidence.pk}/"' in cpd_admin.evidence_download_link(evidence)


def test_evidence_list(officer_client):
    registrant = make_registrant()
    activity = make_activity(registrant, title="Brakes")
    evidence_add(
        activity=activity,
        upload=SimpleUploadedFile("notes.pdf", PDF),
        user=registrant.user,
    )
    url = reverse("admin:cpd_evidence_changelist")
    with CaptureQueriesContext(connection) as captured:
        response = officer_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "notes.pdf" in html
    assert "Brakes" in html
    assert registrant.membership_number in html
    assert len(captured.captured_queries) <= CHANGELIST_QUERIES
    assert found(officer_client, url, q=registrant.membership_number) == {Evidence.objects.get().pk}
    assert officer_client.get(reverse("admin:cpd_evidence_add")).status_code == 403


def test_objectives_are_listed(officer_client):
    response = officer_client.get(reverse("admin:cpd_objective_changelist"))
    assert response.status_code == 200


# --- catalogues ----------------------------------------------------------------------------------


def test_an_officer_retires_a_gateway_course_from_the_list(officer_client):
    course = GatewayCourseFactory(title="Old course")
    url = reverse("admin:cpd_gatewaycourse_changelist")
    response = officer_client.get(url, {"q": "old"})
    assert [c.pk for c in results(response)] == [course.pk]
    response = officer_client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(course.pk),
            "form-0-active": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.active is False


def test_a_qualification_is_edited_with_its_units(officer_client):
    qualification = Qualification.objects.first()
    url = reverse("admin:cpd_qualification_change", args=[qualification.pk])
    response = officer_client.get(url)
    assert response.status_code == 200
    assert b"units-TOTAL_FORMS" in response.content


def test_activity_types_keep_what_the_rules_depend_on(superuser_client):
    reading = ActivityType.objects.get(slug="reading")
    url = reverse("admin:cpd_activitytype_change", args=[reading.pk])
    html = superuser_client.get(url).content.decode()
    assert 'name="name"' in html
    assert 'name="is_reading"' not in html
    assert superuser_client.get(reverse("admin:cpd_activitytype_add")).status_code == 403


def test_catalogue_lists_render(officer_client):
    GatewayCourseFactory()
    for name in ("gatewaycourse", "qualification", "activitytype"):
        assert officer_client.get(reverse(f"admin:cpd_{name}_changelist")).status_code == 200
    assert GatewayCourse.objects.exists()


# --- the paginator on big tables ---------------------------------------------------------------


def test_the_paginator_counts_exactly_when_filtered_or_small(django_assert_num_queries):
    make_activity(make_registrant())
    paginator = TableCountPaginator(Activity.objects.order_by("pk"), 100)
    assert paginator.count == 1
    filtered = TableCountPaginator(Activity.objects.filter(in_audit=True), 100)
    assert filtered.count == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="uses PostgreSQL's statistics")
def test_an_unfiltered_big_table_uses_the_planners_estimate(monkeypatch):
    make_activity(make_registrant())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cpd_activity")
    monkeypatch.setattr(register_admin, "ESTIMATE_ABOVE", -1)
    with CaptureQueriesContext(connection) as captured:
        count = TableCountPaginator(Activity.objects.order_by("pk"), 100).count
    assert count >= 0
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)
