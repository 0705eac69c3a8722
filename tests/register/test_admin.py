"""The register's admin: registrants with their open cycle's progress, add, import and export."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpd.models import Activity
from cpd.selectors import cycle_progress
from register.admin import registrants_with_progress
from register.models import Cycle, Registrant, TermsVersion
from tests.accounts.factories import UserFactory
from tests.cpd.factories import GatewayCourseFactory, make_activity
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
CHANGELIST = reverse("admin:register_registrant_changelist")
IMPORT = reverse("admin:register_registrant_import")
ADD = reverse("admin:register_registrant_add")
# Session, user, TOTP check, two permission queries, the "year joined" filter's first year, the
# paginator's count (on PostgreSQL also the table's row estimate), the page: a fixed number
# whatever the number of rows.
CHANGELIST_QUERIES = 9 if connection.vendor == "postgresql" else 8


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, 0), tick=False):
        yield


def staff_client(client, user):
    # The admin needs two-factor authentication (accounts.middleware).
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(client, register_officer):
    return staff_client(client, register_officer)


@pytest.fixture
def auditor_client(client, auditor):
    return staff_client(client, auditor)


def registrant_named(last_name: str, *, joined_on=datetime.date(2025, 5, 10), **names):
    return make_registrant(joined_on=joined_on, user=UserFactory(last_name=last_name, **names))


def results(response) -> list[Registrant]:
    return list(response.context["cl"].result_list)


def row(response, registrant: Registrant) -> Registrant:
    return next(r for r in results(response) if r.pk == registrant.pk)


# --- access ----------------------------------------------------------------------------------


def test_a_non_staff_user_cannot_reach_the_register_admin(client, user):
    client.force_login(user)
    response = client.get(CHANGELIST, follow=True)
    assert response.status_code == 403
    assert "cl" not in (response.context or {})


def test_an_auditor_sees_the_register_but_can_neither_add_nor_import(auditor_client):
    registrant = make_registrant()
    response = auditor_client.get(CHANGELIST)
    assert response.status_code == 200
    assert row(response, registrant)
    assert IMPORT.encode() not in response.content
    assert ADD.encode() not in response.content
    assert auditor_client.get(IMPORT).status_code == 403
    assert auditor_client.post(IMPORT, {"file": csv_upload("")}).status_code == 403
    assert auditor_client.get(ADD).status_code == 403
    assert auditor_client.post(ADD, add_form_data()).status_code == 403
    assert not Registrant.objects.exclude(pk=registrant.pk).exists()


def test_a_register_officer_sees_the_import_button(officer_client):
    response = officer_client.get(CHANGELIST)
    assert IMPORT.encode() in response.content
    assert ADD.encode() in response.content


def test_a_superuser_can_import(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    staff_client(client, superuser)
    assert client.get(IMPORT).status_code == 200


# --- the list: a fixed number of queries, no full count ----------------------------------------


def _changelist_sql(client, django_assert_max_num_queries) -> list[str]:
    with (
        django_assert_max_num_queries(CHANGELIST_QUERIES),
        CaptureQueriesContext(connection) as captured,
    ):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def _with_activities(registrant: Registrant) -> Registrant:
    make_activity(registrant, activity_type="reading", hours=Decimal("3"))
    make_activity(registrant, hours=Decimal("2"))
    return registrant


def test_the_changelist_takes_the_same_queries_for_one_row_and_fifty(
    officer_client, django_assert_max_num_queries
):
    _with_activities(make_registrant())
    one = _changelist_sql(officer_client, django_assert_max_num_queries)
    for _ in range(49):
        _with_activities(make_registrant())
    fifty = _changelist_sql(officer_client, django_assert_max_num_queries)
    assert len(one) == len(fifty)
    response = officer_client.get(CHANGELIST)
    assert len(results(response)) == 50


def test_the_changelist_counts_only_once_for_the_paginator(
    officer_client, django_assert_max_num_queries
):
    for _ in range(3):
        _with_activities(make_registrant())
    sql = _changelist_sql(officer_client, django_assert_max_num_queries)
    counts = [q for q in sql if "COUNT(" in q.upper()]
    assert len(counts) == 1  # the paginator's; show_full_result_count is off
    # ...of the bare table: no one's credits computed, no join to the open cycle.
    assert "cpd_activity" not in counts[0]
    assert "JOIN" not in counts[0].upper()


def test_a_filtered_changelist_does_not_count_the_whole_table(
    officer_client, django_assert_max_num_queries
):
    _with_activities(make_registrant())
    with CaptureQueriesContext(connection) as captured:
        officer_client.get(CHANGELIST, {"status__exact": "current"})
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "WHERE" in counts[0].upper()


# --- progress columns --------------------------------------------------------------------------


def test_counted_credits_cap_reading_and_use_the_auditors_value(officer_client):
    # Joined May 2025: target 90 (R1.3), reading capped at 18 (R3.3).
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    make_activity(registrant, activity_type="reading", hours=Decimal("25"))  # 25 → 18
    make_activity(registrant, hours=Decimal("5"))  # 5
    course = GatewayCourseFactory(credits=Decimal("10"))
    audited = make_activity(
        registrant, principle="shared", hours=None, gateway_course=course, activity_type="seminar"
    )
    force_update(
        Activity.objects.filter(pk=audited.pk), audited_credits=Decimal("4")
    )  # R3.2: 10 → 4

    shown = row(officer_client.get(CHANGELIST), registrant)

    assert shown.cycle_end == datetime.date(2028, 3, 31)
    assert shown.cycle_target == Decimal("90")
    assert shown.counted_credits == Decimal("27.00")  # 18 + 5 + 4
    progress = cycle_progress(cycle=registrant.cycles.get(), as_of=TODAY).progress
    assert shown.counted_credits == progress.counted_credits
    assert shown.expected_credits == progress.expected_by_now


def test_the_list_shows_target_credits_needed_and_on_track(officer_client):
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    make_activity(registrant, hours=Decimal("50"), completed_on=datetime.date(2026, 6, 1))
    response = officer_client.get(CHANGELIST)
    html = response.content.decode()
    assert "50.00" in html  # counted
    assert "40.00" in html  # needed: 90 - 50
    admin = response.context["cl"].model_admin
    shown = row(response, registrant)
    assert admin.credits_needed(shown) == Decimal("40.00")
    assert admin.on_track(shown) is True  # 50 ≥ 47.90 expected by 23 Nov 2026 (R3.5)


@pytest.mark.parametrize(
    ("joined_on", "reading", "other", "audited"),
    [
        (datetime.date(2025, 5, 10), "0", "0", None),
        (datetime.date(2025, 5, 10), "17.5", "30", None),
        (datetime.date(2025, 9, 1), "16", "0.5", "0"),  # target 80, cap 16 exactly
        (datetime.date(2026, 1, 15), "40", "12.25", "9.5"),  # target 70, cap 14
        (datetime.date(2026, 11, 23), "0", "0", None),  # joined today: nothing expected yet
    ],
)
def test_the_sql_progress_agrees_with_the_rules(joined_on, reading, other, audited):
    registrant = make_registrant(joined_on=joined_on)
    completed_on = max(joined_on, datetime.date(2026, 6, 1))
    if Decimal(reading):
        make_activity(
            registrant, activity_type="reading", hours=Decimal(reading), completed_on=completed_on
        )
    if Decimal(other):
        activity = make_activity(registrant, hours=Decimal(other), completed_on=completed_on)
        if audited is not None:
            force_update(Activity.objects.filter(pk=activity.pk), audited_credits=Decimal(audited))

    shown = registrants_with_progress(Registrant.objects.all(), as_of=TODAY).get(pk=registrant.pk)

    progress = cycle_progress(cycle=registrant.cycles.get(), as_of=TODAY).progress
    assert shown.counted_credits == progress.counted_credits
    assert shown.expected_credits == progress.expected_by_now
    assert (shown.counted_credits >= shown.expected_credits) is progress.on_track


def test_a_registrant_without_an_open_cycle_shows_no_progress(officer_client):
    registrant = make_registrant()
    force_update(Cycle.objects.filter(registrant=registrant), status=Cycle.Status.NOT_MET)
    response = officer_client.get(CHANGELIST)
    shown = row(response, registrant)
    admin = response.context["cl"].model_admin
    assert shown.cycle_end is None
    assert admin.counted_credits(shown) is None
    assert admin.credits_needed(shown) is None
    assert admin.on_track(shown) is None


def test_only_the_open_cycle_counts(officer_client):
    registrant = make_registrant(joined_on=datetime.date(2025, 5, 10))
    make_activity(registrant, hours=Decimal("10"))
    force_update(Cycle.objects.filter(registrant=registrant), status=Cycle.Status.MET)
    Cycle.objects.create(
        registrant=registrant,
        number=2,
        start=datetime.date(2028, 4, 1),
        end=datetime.date(2031, 3, 31),
        scheduled_end=datetime.date(2031, 3, 31),
        target=Decimal("90"),
    )
    shown = row(officer_client.get(CHANGELIST), registrant)
    assert shown.cycle_end == datetime.date(2031, 3, 31)
    assert shown.counted_credits == 0


# --- search and filters ------------------------------------------------------------------------


@pytest.fixture
def three(db):
    return {
        "ada": registrant_named("Lovelace", first_name="Ada", email="Ada.Lovelace@Example.org"),
        "alan": registrant_named("Turing", first_name="Alan", joined_on=datetime.date(2024, 6, 1)),
        "grace": registrant_named(
            "Hopper", first_name="Grace", joined_on=datetime.date(2026, 1, 15)
        ),
    }


def found(client, **params) -> set[int]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {r.pk for r in results(response)}


def test_search_by_membership_number_exact_prefix_or_digits(officer_client, three):
    ada = three["ada"]
    assert found(officer_client, q=ada.membership_number) == {ada.pk}
    assert found(officer_client, q=ada.membership_number.lower()) == {ada.pk}
    assert found(officer_client, q=str(ada.pk)) == {ada.pk}
    assert found(officer_client, q="PR0") == {r.pk for r in three.values()}


def test_search_by_email_ignores_case_and_accepts_the_start(officer_client, three):
    ada = three["ada"]
    assert found(officer_client, q="ada.lovelace@example.org") == {ada.pk}
    assert found(officer_client, q="ADA.LOVELACE@") == {ada.pk}
    assert found(officer_client, q="nobody@example.org") == set()


def test_search_by_the_start_of_a_last_name(officer_client, three):
    assert found(officer_client, q="tur") == {three["alan"].pk}
    assert found(officer_client, q="Hopper") == {three["grace"].pk}
    assert found(officer_client, q="uring") == set()  # a start, not any part


def test_filter_by_status(officer_client, three):
    force_update(Registrant.objects.filter(pk=three["alan"].pk), status=Registrant.Status.REMOVED)
    assert found(officer_client, status__exact="removed") == {three["alan"].pk}
    assert found(officer_client, status__exact="current") == {three["ada"].pk, three["grace"].pk}


def test_filter_by_year_joined(officer_client, three):
    response = officer_client.get(CHANGELIST)
    assert "joined_year=2024" in response.content.decode()
    assert found(officer_client, joined_year="2024") == {three["alan"].pk}
    assert found(officer_client, joined_year="2026") == {three["grace"].pk}


def test_filter_by_open_cycle_ending(officer_client, three):
    # Alan joined June 2024: his cycle ends 31 March 2027, within six months of 23 Nov 2026.
    assert found(officer_client, cycle_ends="6months") == {three["alan"].pk}
    assert found(officer_client, cycle_ends="month") == set()
    force_update(Cycle.objects.filter(registrant=three["ada"]), end=datetime.date(2026, 11, 30))
    assert found(officer_client, cycle_ends="month") == {three["ada"].pk}
    force_update(Cycle.objects.filter(registrant=three["grace"]), end=datetime.date(2026, 11, 1))
    assert found(officer_client, cycle_ends="passed") == {three["grace"].pk}


def test_filter_on_track(officer_client, three):
    # By 23 Nov 2026 Ada (90 from 10 May 2025) is expected to have 47.90; Grace joined in
    # January 2026 (70 to 31 March 2028): 70 × 312/806 = 27.10.
    make_activity(three["ada"], hours=Decimal("48"))
    make_activity(three["grace"], hours=Decimal("27"))
    assert found(officer_client, on_track="yes") == {three["ada"].pk}
    assert found(officer_client, on_track="no") == {three["alan"].pk, three["grace"].pk}


def test_a_bad_year_is_refused_not_a_crash(officer_client, three):
    response = officer_client.get(CHANGELIST, {"joined_year": "soon"})
    assert response.status_code == 302
    assert "e=1" in response["Location"]


# --- CSV export --------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_export_the_selected_registrants_with_the_lists_columns(officer_client, three):
    ada = three["ada"]
    make_activity(ada, activity_type="reading", hours=Decimal("20"))
    make_activity(ada, hours=Decimal("3"))
    response = officer_client.post(
        CHANGELIST,
        {"action": "export_as_csv", "_selected_action": [ada.pk, three["alan"].pk]},
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Membership number",
        "Name",
        "Email",
        "Joined on",
        "Status",
        "Cycle ends",
        "Target",
        "Counted credits",
        "Credits needed",
        "On track",
    ]
    assert len(rows) == 3
    ada_row = next(r for r in rows if r[0] == ada.membership_number)
    assert ada_row == [
        ada.membership_number,
        "Ada Lovelace",
        "Ada.Lovelace@example.org",
        "2025-05-10",
        "Current",
        "2028-03-31",
        "90.00",
        "21.00",  # reading 20 capped at 18, plus 3
        "69.00",
        "no",
    ]


def test_export_defuses_spreadsheet_formulas(officer_client):
    registrant = make_registrant(user=UserFactory(first_name="=HYPERLINK(1)", last_name="X"))
    response = officer_client.post(
        CHANGELIST, {"action": "export_as_csv", "_selected_action": [registrant.pk]}
    )
    assert read_csv(response)[1][1] == "'=HYPERLINK(1) X"


# --- add one registrant -----------------------------------------------------------------------


def add_form_data(**overrides) -> dict[str, str]:
    data = {
        "email": "new.person@example.org",
        "first_name": "New",
        "last_name": "Person",
        "joined_on": "2026-01-15",
    }
    data.update(overrides)
    return data


def test_the_add_form_has_the_services_fields(officer_client):
    response = officer_client.get(ADD)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("email", "first_name", "last_name", "joined_on"):
        assert f'name="{name}"' in html
    assert 'name="membership_number"' not in html


def test_adding_a_registrant_goes_through_the_service_with_a_back_dated_cycle(officer_client):
    response = officer_client.post(ADD, add_form_data())
    registrant = Registrant.objects.get(user__email="new.person@example.org")
    assert response.status_code == 302
    cycle = registrant.cycles.get()
    assert (cycle.start, cycle.end, cycle.target) == (
        datetime.date(2026, 1, 15),
        datetime.date(2028, 3, 31),
        Decimal("70"),
    )  # R1.2, R1.3
    assert registrant.membership_number.startswith("PR")


def test_adding_refuses_a_future_date_and_someone_already_registered(officer_client, three):
    response = officer_client.post(ADD, add_form_data(joined_on="2026-11-24"))
    assert response.status_code == 200
    assert "can&#x27;t be in the future" in response.content.decode()
    response = officer_client.post(ADD, add_form_data(email="ada.lovelace@example.org"))
    assert response.status_code == 200
    assert "already on the Professional Register" in response.content.decode()
    assert Registrant.objects.count() == 3


# --- the change page ---------------------------------------------------------------------------


def test_the_change_page_shows_cycles_progress_and_history_link(officer_client, three):
    ada = three["ada"]
    response = officer_client.get(reverse("admin:register_registrant_change", args=[ada.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "31 March 2028" in html or "March 31, 2028" in html or "2028" in html
    assert reverse("admin:register_registrant_history", args=[ada.pk]) in html
    history = officer_client.get(reverse("admin:register_registrant_history", args=[ada.pk]))
    assert history.status_code == 200


def test_contact_details_saved_in_the_admin_are_kept_in_the_history(
    officer_client, register_officer, three
):
    ada = three["ada"]
    url = reverse("admin:register_registrant_change", args=[ada.pk])
    response = officer_client.post(
        url,
        {
            "phone": "01992 511521",
            "address": "Fanshaws, Brickendon",
            "postcode": "SG13 8PQ",
            "employer": "",
            "job_title": "",
            "cycles-TOTAL_FORMS": "1",
            "cycles-INITIAL_FORMS": "1",
            "acceptances-TOTAL_FORMS": "0",
            "acceptances-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    ada.refresh_from_db()
    assert ada.postcode == "SG13 8PQ"
    latest = ada.history.first()
    assert latest.phone == "01992 511521"
    assert latest.history_user == register_officer
    assert ada.status == Registrant.Status.CURRENT  # not a field of the form


def test_nobody_can_revert_a_registrant_through_the_history(officer_client, three):
    ada = three["ada"]
    version = ada.history.first()
    force_update(Registrant.objects.filter(pk=ada.pk), status=Registrant.Status.REMOVED)
    url = reverse("admin:register_registrant_simple_history", args=[ada.pk, version.pk])
    assert officer_client.get(url).status_code == 200
    assert officer_client.post(url, {}).status_code == 403
    ada.refresh_from_db()
    assert ada.status == Registrant.Status.REMOVED


def test_registrants_are_never_deleted_in_the_admin(client, three):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    staff_client(client, superuser)
    url = reverse("admin:register_registrant_delete", args=[three["ada"].pk])
    assert client.get(url).status_code == 403


# --- import ------------------------------------------------------------------------------------


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("register.csv", text.encode(), content_type="text/csv")


GOOD = (
    "email,first_name,last_name,joined_on\n"
    "grace@example.org,Grace,Hopper,2026-01-15\n"
    "alan@example.org,Alan,Turing,2019-06-01\n"
)


def test_the_import_page_explains_the_format(officer_client):
    response = officer_client.get(IMPORT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "email,first_name,last_name,joined_on" in html
    assert 'type="file"' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_good_file_adds_everyone_with_back_dated_cycles(officer_client):
    response = officer_client.post(IMPORT, {"file": csv_upload(GOOD)}, follow=True)
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert "Imported 2 registrants" in response.content.decode()
    grace = Registrant.objects.get(user__email="grace@example.org")
    cycle = grace.cycles.get()
    assert (cycle.start, cycle.end, cycle.target) == (
        datetime.date(2026, 1, 15),
        datetime.date(2028, 3, 31),
        Decimal("70"),
    )


def test_a_file_with_bad_rows_imports_nobody_and_lists_every_problem(officer_client, three):
    text = (
        "email,first_name,last_name,joined_on\n"
        "ok@example.org,Ok,Person,2025-04-01\n"  # row 2: fine
        "bad.date@example.org,Bad,Date,15/01/2026\n"  # row 3
        "future@example.org,Future,Date,2026-11-24\n"  # row 4
        ",Missing,Email,2025-04-01\n"  # row 5
        "ok@example.org,Same,Again,2025-04-01\n"  # row 6: duplicate of row 2
        "ada.lovelace@example.org,Ada,Lovelace,2025-05-10\n"  # row 7: already registered
    )
    response = officer_client.post(IMPORT, {"file": csv_upload(text)})
    assert response.status_code == 200
    assert Registrant.objects.count() == 3
    errors = response.context["result"].errors
    assert [(e.row, e.field) for e in errors] == [
        (3, "joined_on"),
        (4, "joined_on"),
        (5, "email"),
        (6, "email"),
        (7, "email"),
    ]
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert '<table id="import-errors">' in html
    assert "also on row 2" in html


def test_an_upload_without_a_file_asks_for_one(officer_client):
    response = officer_client.post(IMPORT, {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


# --- cycles, terms, acceptances ----------------------------------------------------------------


def test_cycles_are_listed_read_only(officer_client, three):
    response = officer_client.get(reverse("admin:register_cycle_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 3
    cycle = three["ada"].cycles.get()
    response = officer_client.get(reverse("admin:register_cycle_change", args=[cycle.pk]))
    assert response.status_code == 200
    assert b'name="target"' not in response.content
    assert officer_client.get(reverse("admin:register_cycle_add")).status_code == 403
    found_cycles = officer_client.get(
        reverse("admin:register_cycle_changelist"), {"q": three["ada"].membership_number}
    )
    assert [c.pk for c in found_cycles.context["cl"].result_list] == [cycle.pk]


def test_an_officer_publishes_a_new_terms_version(officer_client):
    response = officer_client.post(
        reverse("admin:register_termsversion_add"),
        {
            "kind": "terms",
            "version": "2099.1",
            "published_on": "2026-12-01",
            "body": "New terms.",
        },
    )
    assert response.status_code == 302
    assert TermsVersion.objects.filter(version="2099.1").exists()


def test_terms_acceptances_are_listed(officer_client):
    response = officer_client.get(reverse("admin:register_termsacceptance_changelist"))
    assert response.status_code == 200
