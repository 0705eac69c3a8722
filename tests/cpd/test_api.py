"""The CPD API (API.md): a registrant's own activities, evidence, objectives and progress."""

import datetime
import struct
import zlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cpd.models import Activity, Evidence, GatewayCourse, Objective, Qualification
from tests.cpd.factories import TODAY, GatewayCourseFactory, make_activity
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

ACTIVITIES = "/api/v1/activities/"
PROGRESS = "/api/v1/me/progress/"
OBJECTIVES = "/api/v1/objectives/"
NOT_JOINED = "Join the Professional Register to keep a CPD record."


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("Europe/London")))
    assert datetime.date.today() == TODAY


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def api(registrant):
    return client_for(registrant.user)


@pytest.fixture
def other():
    """Another registrant: their things are a 404 to `api`, never a 403."""
    return make_registrant(joined_on=datetime.date(2025, 5, 10))


@pytest.fixture
def not_joined(user):
    """Signed in, but not on the Professional Register."""
    return client_for(user)


def seminar(**overrides) -> dict:
    """A valid principle 1 activity: a 1.5 h seminar."""
    return {
        "title": "Customer service seminar",
        "activity_type": "seminar",
        "principle": "personal",
        "hours": "1.5",
        "reflection": "How we communicate matters more than what we say.",
        "completed_on": "2026-06-01",
        **overrides,
    }


def shared(**overrides) -> dict:
    return seminar(principle="shared", hours=None, **overrides)


BEHAVIOUR = {"impact_behaviour": True, "behaviour_statement": "I listen before I answer."}
WORKING_PRACTICE = {
    "impact_working_practice": True,
    "working_practice_statement": "I now check every booking against the job card.",
}
BOTH = BEHAVIOUR | WORKING_PRACTICE


# --- Recording an activity: the worked examples of seed 001 (R2.5) --------------------------


@pytest.mark.parametrize(
    ("payload", "credits", "assessed"),
    [
        (seminar(hours="1"), "1.00", False),
        (seminar(hours="1", **BEHAVIOUR), "3.00", False),
        (seminar(hours="1", **WORKING_PRACTICE), "5.00", False),
        (seminar(hours="1", **BOTH), "7.00", False),
        (seminar(hours="1", end_test=True, **BOTH), "8.00", True),  # R2.5: the maximum for 1 h
        (seminar(activity_type="reading"), "1.50", False),
        (seminar(activity_type="reading", **BEHAVIOUR), "3.50", False),
        (seminar(activity_type="reading", **BOTH), "7.50", False),
        (shared(activity_type="e-learning", gateway_credits="10"), "10.00", False),
        (shared(activity_type="e-learning", gateway_credits="10", assessed=True), "10.00", True),
        (shared(activity_type="e-learning", gateway_credits="10", **BOTH), "16.00", False),
        (shared(activity_type="nvq", qualification_credit_value=43), "430.00", True),
        (shared(activity_type="nvq", qualification_credit_value=43, **BOTH), "436.00", True),
    ],
)
def test_recording_an_activity_gives_the_worked_examples_credits(api, payload, credits, assessed):
    response = api.post(ACTIVITIES, payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["credits"] == credits
    assert body["assessed"] is assessed  # R2.8
    assert Activity.objects.get().credits == Decimal(credits)


def test_the_response_has_every_field_of_the_request(api, registrant):
    objective = Objective.objects.create(
        registrant=registrant,
        title="Diagnose EV faults",
        description="d",
        measure="m",
        target_date=datetime.date(2027, 3, 1),
    )
    payload = seminar(end_test=True, objective=objective.pk, **BEHAVIOUR)

    body = api.post(ACTIVITIES, payload, format="json").json()

    activity = Activity.objects.get()
    assert (
        body
        | {
            "id": activity.pk,
            "title": "Customer service seminar",
            "activity_type": "seminar",
            "type_description": "",
            "principle": "personal",
            "hours": "1.50",
            "gateway_course": None,
            "gateway_credits": None,
            "qualification": None,
            "qualification_credit_value": None,
            "instalments": 1,
            "instalment_number": 1,
            "instalment_group": None,
            "end_test": True,
            "assessed": True,
            "gateway_assessed": False,
            "impact_behaviour": True,
            "behaviour_statement": "I listen before I answer.",
            "impact_working_practice": False,
            "working_practice_statement": "",
            "reflection": payload["reflection"],
            "completed_on": "2026-06-01",
            "objective": objective.pk,
            "cycle": registrant.cycles.get().pk,
            "credits": "4.50",
            "credits_explanation": "1.5 h + 1 end test + 2 behaviour = 4.5",
            "audited_credits": None,
            "in_audit": False,
            "evidence": [],
        }
        == body
    )


def test_a_gateway_course_from_the_catalogue_fixes_the_value_and_assessment(api):
    course = GatewayCourseFactory(credits=Decimal("12.5"), assessed=True)

    body = api.post(
        ACTIVITIES,
        shared(activity_type="vehicle-manufacturer-course", gateway_course=course.pk),
        format="json",
    ).json()

    assert body["credits"] == "12.50"
    assert body["gateway_course"] == course.pk
    assert body["assessed"] is True


def test_a_catalogued_qualification_counts_its_credit_value_times_ten(api):
    qualification = Qualification.objects.get(accreditation_number="600/5787/7")

    body = api.post(
        ACTIVITIES, shared(activity_type="vrq", qualification=qualification.pk), format="json"
    ).json()

    assert body["credits"] == "100.00"  # R10.2


def test_a_qualification_in_four_instalments_makes_four_records(api):
    response = api.post(
        ACTIVITIES,
        shared(activity_type="nvq", qualification_credit_value=40, instalments=4, **BOTH),
        format="json",
    )

    assert response.status_code == 201
    first = response.json()
    assert first["instalment_number"] == 1
    assert first["instalments"] == 4
    assert first["credits"] == "106.00"  # R2.6: 400 / 4, bonuses once, on the first
    group = api.get(ACTIVITIES, {"instalment_group": first["instalment_group"]}).json()
    credits = {row["instalment_number"]: row["credits"] for row in group["results"]}
    assert credits == {1: "106.00", 2: "100.00", 3: "100.00", 4: "100.00"}
    assert Activity.objects.count() == 4


# --- Bad input: 400 {field: [messages]}, nothing saved -------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        # R2.1/R2.2: exactly one way of valuing an activity
        (seminar(principle="shared"), "hours"),
        (seminar(gateway_credits="10"), "gateway_credits"),
        (seminar(qualification_credit_value=43), "qualification_credit_value"),
        (shared(), "gateway_credits"),
        (shared(gateway_credits="10", qualification_credit_value=43), "qualification_credit_value"),
        (seminar(principle="both"), "principle"),
        # R2.7
        (seminar(hours="0"), "hours"),
        (seminar(hours="-1"), "hours"),
        (seminar(hours="1000.01"), "hours"),
        (seminar(hours="1.255"), "hours"),
        (seminar(hours="one"), "hours"),
        (shared(gateway_credits="0"), "gateway_credits"),
        (shared(qualification_credit_value=0), "qualification_credit_value"),
        (seminar(completed_on="2026-11-24"), "completed_on"),
        (seminar(completed_on="2025-05-09"), "completed_on"),
        (seminar(completed_on=None), "completed_on"),
        # R4.3
        (seminar(reflection="  "), "reflection"),
        (seminar(impact_behaviour=True), "behaviour_statement"),
        (seminar(impact_working_practice=True), "working_practice_statement"),
        # R2.9
        (seminar(title=""), "title"),
        (seminar(activity_type="juggling"), "activity_type"),
        (seminar(activity_type="other"), "type_description"),
        # R2.6: only a qualification comes in instalments
        (shared(gateway_credits="10", instalments=2), "instalments"),
        (shared(qualification_credit_value=40, instalments=0), "instalments"),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_nothing_is_saved(api, payload, field):
    response = api.post(ACTIVITIES, payload, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    assert all(isinstance(messages, list) and messages for messages in errors.values())
    assert not Activity.objects.exists()


def test_a_mismatch_says_what_is_wrong(api):
    errors = api.post(ACTIVITIES, seminar(principle="shared"), format="json").json()
    assert errors == {
        "hours": [
            "A shared activity is valued by its Gateway credits or its qualification credit "
            "value, not by hours."
        ]
    }


def test_another_registrants_objective_cant_be_linked(api, other):
    theirs = Objective.objects.create(
        registrant=other, title="t", description="d", measure="m", target_date=TODAY
    )

    response = api.post(ACTIVITIES, seminar(objective=theirs.pk), format="json")

    assert response.status_code == 400
    assert "objective" in response.json()
    assert not Activity.objects.exists()


# --- Reading activities: only one's own -------------------------------------------------------


def test_the_list_has_only_the_callers_activities_newest_first(api, registrant, other):
    older = make_activity(registrant, completed_on=datetime.date(2026, 1, 5))
    newer = make_activity(registrant, completed_on=datetime.date(2026, 9, 1))
    make_activity(other)

    body = api.get(ACTIVITIES).json()

    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]


@pytest.fixture
def assorted(registrant):
    objective = Objective.objects.create(
        registrant=registrant, title="EV", description="d", measure="m", target_date=TODAY
    )
    return {
        "reading": make_activity(
            registrant,
            title="Read the EV safety guide",
            activity_type="reading",
            completed_on=datetime.date(2025, 8, 1),
        ),
        "exam": make_activity(
            registrant,
            title="Brakes workshop",
            activity_type="workshop",
            end_test=True,
            reflection="Learnt about regenerative braking.",
            completed_on=datetime.date(2026, 3, 1),
            objective=objective,
        ),
        "gateway": make_activity(
            registrant,
            title="Gateway course",
            activity_type="e-learning",
            principle="shared",
            hours=None,
            gateway_credits=Decimal("10"),
            completed_on=datetime.date(2026, 10, 1),
        ),
        "objective": objective,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"activity_type": "reading"}, ["reading"]),
        ({"principle": "shared"}, ["gateway"]),
        ({"assessed": "true"}, ["exam"]),
        ({"assessed": "false"}, ["gateway", "reading"]),
        ({"completed_after": "2026-01-01"}, ["gateway", "exam"]),
        ({"completed_before": "2026-03-01"}, ["exam", "reading"]),
        ({"completed_after": "2026-01-01", "completed_before": "2026-06-30"}, ["exam"]),
        ({"search": "ev safety"}, ["reading"]),
        ({"search": "regenerative"}, ["exam"]),  # the reflection
    ],
)
def test_the_list_can_be_filtered(api, assorted, params, expected):
    body = api.get(ACTIVITIES, params).json()
    assert [row["id"] for row in body["results"]] == [assorted[name].pk for name in expected]


def test_the_list_can_be_filtered_by_objective(api, assorted):
    body = api.get(ACTIVITIES, {"objective": assorted["objective"].pk}).json()
    assert [row["id"] for row in body["results"]] == [assorted["exam"].pk]


def test_a_bad_filter_value_is_a_400(api):
    response = api.get(ACTIVITIES, {"completed_after": "last tuesday"})
    assert response.status_code == 400
    assert "completed_after" in response.json()


def test_filtering_by_another_registrants_objective_finds_nothing(api, other):
    theirs = make_activity(other)
    objective = Objective.objects.create(
        registrant=other, title="t", description="d", measure="m", target_date=TODAY
    )
    force_update(Activity.objects.filter(pk=theirs.pk), objective=objective)

    assert api.get(ACTIVITIES, {"objective": objective.pk}).json()["count"] == 0


@pytest.mark.parametrize("how_many", [1, 50])
def test_the_list_takes_the_same_queries_however_long(
    api, registrant, how_many, django_assert_max_num_queries
):
    for number in range(how_many):
        activity = make_activity(registrant)
        if number % 2:
            Evidence.objects.create(
                activity=activity, original_name="c.pdf", content_type="application/pdf", size=1
            )
    # the registrant, the count, the page and the prefetched evidence
    with django_assert_max_num_queries(4):
        body = api.get(ACTIVITIES).json()
    assert len(body["results"]) == how_many


def test_the_owner_sees_one_activity(api, registrant):
    activity = make_activity(registrant)

    body = api.get(f"{ACTIVITIES}{activity.pk}/").json()

    assert body["id"] == activity.pk
    assert body["credits"] == "1.50"


def test_another_registrants_activity_is_a_404_whatever_the_method(api, other):
    theirs = make_activity(other)
    url = f"{ACTIVITIES}{theirs.pk}/"

    assert api.get(url).status_code == 404
    assert api.patch(url, {"title": "Mine now"}, format="json").status_code == 404
    assert api.delete(url).status_code == 404
    assert Activity.objects.get(pk=theirs.pk).title == "Customer service seminar"


def test_an_unknown_or_malformed_id_is_a_404(api):
    assert api.get(f"{ACTIVITIES}999999/").status_code == 404
    assert api.get(f"{ACTIVITIES}abc/").status_code == 404


# --- Changing and deleting --------------------------------------------------------------------


def test_a_patch_changes_only_what_it_sends(api, registrant):
    activity = make_activity(registrant, end_test=True)

    response = api.patch(f"{ACTIVITIES}{activity.pk}/", {"title": "Tyre safety"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Tyre safety"
    assert body["end_test"] is True
    assert body["credits"] == "2.50"
    activity.refresh_from_db()
    assert (activity.title, activity.hours, activity.credits) == (
        "Tyre safety",
        Decimal("1.50"),
        Decimal("2.50"),
    )


def test_a_patch_recalculates_the_credits(api, registrant):
    activity = make_activity(registrant)

    body = api.patch(f"{ACTIVITIES}{activity.pk}/", WORKING_PRACTICE, format="json").json()

    assert body["credits"] == "5.50"
    assert body["credits_explanation"] == "1.5 h + 4 working practice = 5.5"


def test_a_patch_can_change_the_principle_when_it_sends_the_matching_value(api, registrant):
    activity = make_activity(registrant)
    url = f"{ACTIVITIES}{activity.pk}/"

    mismatch = api.patch(url, {"principle": "shared", "gateway_credits": "10"}, format="json")
    assert mismatch.status_code == 400
    assert "hours" in mismatch.json()  # still has hours: a mismatch

    body = api.patch(
        url, {"principle": "shared", "gateway_credits": "10", "hours": None}, format="json"
    ).json()
    assert (body["principle"], body["hours"], body["credits"]) == ("shared", None, "10.00")


def test_a_bad_patch_is_a_400_and_changes_nothing(api, registrant):
    activity = make_activity(registrant)

    response = api.patch(
        f"{ACTIVITIES}{activity.pk}/", {"title": "New", "reflection": ""}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["reflection"]
    assert Activity.objects.get(pk=activity.pk).title == "Customer service seminar"


def test_an_instalment_cant_claim_a_bonus_another_instalment_claimed(api):
    first = api.post(
        ACTIVITIES,
        shared(activity_type="nvq", qualification_credit_value=40, instalments=2, **BEHAVIOUR),
        format="json",
    ).json()
    second = Activity.objects.get(instalment_group=first["instalment_group"], instalment_number=2)

    response = api.patch(f"{ACTIVITIES}{second.pk}/", BEHAVIOUR, format="json")

    assert response.status_code == 400
    assert "impact_behaviour" in response.json()  # R2.6
    assert Activity.objects.get(pk=second.pk).credits == Decimal("200.00")


def test_replacing_a_whole_activity_with_put_is_not_offered(api, registrant):
    activity = make_activity(registrant)
    assert api.put(f"{ACTIVITIES}{activity.pk}/", seminar(), format="json").status_code == 405


def test_the_owner_deletes_an_activity(api, registrant):
    activity = make_activity(registrant)

    assert api.delete(f"{ACTIVITIES}{activity.pk}/").status_code == 204
    assert not Activity.objects.exists()


def test_an_activity_in_an_audit_cant_be_changed_or_deleted(api, registrant):
    activity = make_activity(registrant)
    force_update(Activity.objects.filter(pk=activity.pk), in_audit=True)
    url = f"{ACTIVITIES}{activity.pk}/"

    patched = api.patch(url, {"title": "New"}, format="json")
    deleted = api.delete(url)

    assert patched.status_code == deleted.status_code == 409
    assert "being audited" in patched.json()["detail"]
    assert "being audited" in deleted.json()["detail"]
    assert Activity.objects.get(pk=activity.pk).title == "Customer service seminar"


# --- Who may use the CPD endpoints ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", ACTIVITIES),
        ("post", ACTIVITIES),
        ("get", f"{ACTIVITIES}1/"),
        ("get", f"{ACTIVITIES}1/evidence/"),
        ("get", PROGRESS),
        ("get", OBJECTIVES),
        ("post", OBJECTIVES),
        ("get", "/api/v1/activity-types/"),
        ("get", "/api/v1/gateway-courses/"),
        ("get", "/api/v1/qualifications/"),
        ("delete", "/api/v1/evidence/1/"),
        ("get", "/api/v1/evidence/1/download/"),
    ],
)
def test_anonymous_callers_are_asked_to_sign_in(method, url):
    assert getattr(APIClient(), method)(url).status_code == 401


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", ACTIVITIES),
        ("post", ACTIVITIES),
        ("get", f"{ACTIVITIES}1/"),
        ("get", PROGRESS),
        ("get", OBJECTIVES),
        ("post", OBJECTIVES),
        ("delete", "/api/v1/evidence/1/"),
    ],
)
def test_someone_not_on_the_register_is_told_to_join(not_joined, method, url):
    response = getattr(not_joined, method)(url, seminar(), format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": NOT_JOINED}


def test_a_registrant_can_use_a_token(registrant):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=registrant.user).key}")

    assert api.post(ACTIVITIES, seminar(), format="json").status_code == 201
    assert api.get(ACTIVITIES).json()["count"] == 1


def test_staff_keep_no_record_here_unless_they_are_registrants(register_officer):
    # API.md: activities are the registrant's own; staff read records in the admin.
    assert client_for(register_officer).get(ACTIVITIES).status_code == 403


# --- Catalogues -------------------------------------------------------------------------------


def test_every_activity_type_is_listed_for_any_signed_in_user(not_joined):
    body = not_joined.get("/api/v1/activity-types/").json()

    assert len(body) == 39
    assert body[0] == {
        "slug": "vrq",
        "name": "Vocationally Related Qualification (VRQ)",
        "group": "Nationally recognised qualifications",
        "is_reading": False,
        "is_qualification": True,
        "needs_description": False,
    }
    assert [row["slug"] for row in body if row["is_reading"]] == ["reading"]
    assert [row["slug"] for row in body if row["needs_description"]] == ["other"]


def test_only_active_gateway_courses_are_listed(not_joined):
    course = GatewayCourseFactory(title="EV level 2", credits=Decimal("7.5"))
    GatewayCourseFactory(title="Retired", active=False)

    body = not_joined.get("/api/v1/gateway-courses/").json()

    assert body["results"] == [
        {
            "id": course.pk,
            "title": "EV level 2",
            "provider": "IMI CPD Gateway",
            "code": "",
            "credits": "7.50",
            "assessed": True,
        }
    ]
    assert GatewayCourse.objects.count() == 2


def test_qualifications_are_listed_with_their_units(not_joined):
    body = not_joined.get("/api/v1/qualifications/").json()

    seed = next(q for q in body["results"] if q["accreditation_number"] == "600/5787/7")
    assert seed["credit_value"] == 10
    assert [unit["code"] for unit in seed["units"]] == ["8752-300"]


def test_the_catalogues_take_the_same_queries_however_long(
    not_joined, django_assert_max_num_queries
):
    for number in range(10):
        qualification = Qualification.objects.create(
            accreditation_number=f"600/0000/{number}", title=f"Q{number}", level=3, credit_value=5
        )
        qualification.units.create(code=f"U{number}", title="Unit", level=3, credit_value=5)
    with django_assert_max_num_queries(3):  # the count, the page, the units
        assert not_joined.get("/api/v1/qualifications/").json()["count"] == 11


# --- Progress (R3) ----------------------------------------------------------------------------


def test_progress_counts_reading_only_up_to_its_cap(api, registrant):
    for _ in range(5):  # 5 x 7.5 = 37.5 reading credits; the cap is 18 of 90 (R3.3)
        make_activity(registrant, activity_type="reading", **BOTH)
    make_activity(registrant, end_test=True)  # 2.5, assessed

    response = api.get(PROGRESS)

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in API_MD_PROGRESS_KEYS} == {
        "cycle_start": "2025-05-10",
        "cycle_end": "2028-03-31",
        "target": "90.00",
        "recorded_credits": "40.00",
        "counted_credits": "20.50",
        "reading_credits": "37.50",
        "reading_cap": "18.00",
        "assessed_credits": "2.50",
        "credits_needed": "69.50",
        "on_track": False,
    }
    assert body["reading_counted"] == "18.00"


API_MD_PROGRESS_KEYS = [
    "cycle_start",
    "cycle_end",
    "target",
    "recorded_credits",
    "counted_credits",
    "reading_credits",
    "reading_cap",
    "assessed_credits",
    "credits_needed",
    "on_track",
]


def test_progress_uses_the_auditors_value_and_says_when_on_track(api, registrant):
    course = make_activity(
        registrant,
        activity_type="e-learning",
        principle="shared",
        hours=None,
        gateway_credits=Decimal("10"),
    )
    force_update(Activity.objects.filter(pk=course.pk), audited_credits=Decimal("60"))  # R3.2

    body = api.get(PROGRESS).json()

    assert body["counted_credits"] == "60.00"
    assert body["credits_needed"] == "30.00"
    assert Decimal(body["expected_by_now"]) < Decimal("60")
    assert body["on_track"] is True  # R3.5
    assert body["days_left"] == (datetime.date(2028, 3, 31) - TODAY).days


def test_progress_counts_only_the_callers_cycle(api, other):
    make_activity(other)
    assert api.get(PROGRESS).json()["recorded_credits"] == "0.00"


def test_progress_without_an_open_cycle_is_a_404(api, registrant):
    force_update(registrant.cycles, status="not_met")
    response = api.get(PROGRESS)
    assert response.status_code == 404
    assert response.json() == {"detail": "You have no open CPD cycle."}


# --- PDP objectives (R4.1) --------------------------------------------------------------------


def objective_payload(**overrides) -> dict:
    return {
        "title": "Diagnose high-voltage faults",
        "description": "Become the workshop's EV diagnostic lead.",
        "measure": "Pass the IMI level 3 EV award.",
        "agreed_with": "Service manager",
        "relevance": "Half our work will be electric by 2028.",
        "target_date": "2027-06-30",
        **overrides,
    }


def test_a_registrant_adds_an_objective(api, registrant):
    response = api.post(OBJECTIVES, objective_payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    objective = Objective.objects.get()
    assert objective.registrant == registrant
    assert body | {"id": objective.pk, "status": "planned", "activity_count": 0} == body
    assert body["credits"] == "0.00"
    assert body["title"] == "Diagnose high-voltage faults"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"target_date": "soon"}, "target_date"),
        ({"status": "abandoned"}, "status"),
        ({"measure": None}, "measure"),
    ],
)
def test_a_bad_objective_is_a_400_and_saves_nothing(api, overrides, field):
    response = api.post(OBJECTIVES, objective_payload(**overrides), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Objective.objects.exists()


def test_objectives_list_only_ones_own_with_their_linked_credits(api, registrant, other):
    mine = api.post(OBJECTIVES, objective_payload(), format="json").json()
    client_for(other.user).post(OBJECTIVES, objective_payload(), format="json")
    api.post(ACTIVITIES, seminar(objective=mine["id"], **BEHAVIOUR), format="json")

    body = api.get(OBJECTIVES).json()

    assert [row["id"] for row in body["results"]] == [mine["id"]]
    assert body["results"][0]["activity_count"] == 1
    assert body["results"][0]["credits"] == "3.50"


def test_a_registrant_changes_and_deletes_an_objective(api, registrant):
    objective = api.post(OBJECTIVES, objective_payload(), format="json").json()
    activity = make_activity(registrant)
    force_update(Activity.objects.filter(pk=activity.pk), objective_id=objective["id"])
    url = f"{OBJECTIVES}{objective['id']}/"

    changed = api.patch(url, {"status": "achieved"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["status"] == "achieved"
    assert changed.json()["title"] == "Diagnose high-voltage faults"

    assert api.delete(url).status_code == 204
    assert not Objective.objects.exists()
    assert Activity.objects.get(pk=activity.pk).objective is None  # the activity stays


def test_another_registrants_objective_is_a_404(api, other):
    theirs = client_for(other.user).post(OBJECTIVES, objective_payload(), format="json").json()
    url = f"{OBJECTIVES}{theirs['id']}/"

    assert api.get(url).status_code == 404
    assert api.patch(url, {"status": "dropped"}, format="json").status_code == 404
    assert api.delete(url).status_code == 404
    assert Objective.objects.get().status == "planned"


# --- Evidence (R4.4) --------------------------------------------------------------------------


def png_bytes() -> bytes:
    """A real 1x1 greyscale PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def upload(api, activity, name: str, content: bytes, content_type="application/octet-stream"):
    return api.post(
        f"{ACTIVITIES}{activity.pk}/evidence/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


@pytest.fixture
def activity(registrant):
    return make_activity(registrant)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("certificate.png", png_bytes(), "image/png"), ("notes.pdf", PDF, "application/pdf")],
)
def test_the_owner_uploads_evidence_checked_from_its_content(
    api, activity, name, content, content_type
):
    response = upload(api, activity, name, content)

    assert response.status_code == 201, response.json()
    body = response.json()
    evidence = Evidence.objects.get()
    assert (
        body
        | {
            "id": evidence.pk,
            "name": name,
            "content_type": content_type,
            "size": len(content),
        }
        == body
    )
    assert body["download_url"] == f"http://testserver/api/v1/evidence/{evidence.pk}/download/"
    assert api.get(f"{ACTIVITIES}{activity.pk}/").json()["evidence"][0]["id"] == evidence.pk


def test_a_text_file_renamed_pdf_is_refused(api, activity):
    response = upload(api, activity, "certificate.pdf", b"Certificate of attendance", "text/plain")

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert "isn't a PDF, PNG, JPEG or Word" in response.json()["file"][0]
    assert not Evidence.objects.exists()


def test_a_file_over_the_size_limit_is_refused(api, activity, settings):
    settings.EVIDENCE_MAX_BYTES = 1024

    response = upload(api, activity, "big.pdf", PDF + b"%" * 2048)

    assert response.status_code == 400
    assert "at most" in response.json()["file"][0]
    assert not Evidence.objects.exists()


def test_an_upload_without_a_file_is_a_400(api, activity):
    response = api.post(f"{ACTIVITIES}{activity.pk}/evidence/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_the_owner_lists_an_activitys_evidence(api, activity):
    upload(api, activity, "a.png", png_bytes())
    upload(api, activity, "b.pdf", PDF)

    body = api.get(f"{ACTIVITIES}{activity.pk}/evidence/").json()

    assert [row["name"] for row in body["results"]] == ["a.png", "b.pdf"]


def test_another_registrants_activity_takes_no_evidence_and_shows_none(activity, other):
    theirs = client_for(other.user)

    assert upload(theirs, activity, "c.png", png_bytes()).status_code == 404
    assert theirs.get(f"{ACTIVITIES}{activity.pk}/evidence/").status_code == 404
    assert not Evidence.objects.exists()


@pytest.fixture
def evidence(api, activity):
    body = upload(api, activity, "Certificate – Mai 2026.pdf", PDF).json()
    return Evidence.objects.get(pk=body["id"])


def download(api, evidence):
    return api.get(f"/api/v1/evidence/{evidence.pk}/download/")


def test_the_owner_downloads_evidence_as_an_attachment(api, evidence):
    response = download(api, evidence)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Certificate%20%E2%80%93%20Mai%202026.pdf" in response["Content-Disposition"]


def test_a_download_asking_for_the_files_type_is_served(api, evidence):
    response = api.get(f"/api/v1/evidence/{evidence.pk}/download/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200


def test_another_registrant_cant_download_evidence(evidence, other):
    assert download(client_for(other.user), evidence).status_code == 404


def test_someone_not_on_the_register_cant_download_evidence(not_joined, evidence):
    assert download(not_joined, evidence).status_code == 404


@pytest.mark.parametrize("staff", ["register_officer", "auditor"])
def test_staff_can_download_evidence(request, evidence, staff):
    response = download(client_for(request.getfixturevalue(staff)), evidence)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_the_owner_deletes_evidence(api, evidence):
    assert api.delete(f"/api/v1/evidence/{evidence.pk}/").status_code == 204
    assert not Evidence.objects.exists()


def test_another_registrant_cant_delete_evidence(evidence, other):
    response = client_for(other.user).delete(f"/api/v1/evidence/{evidence.pk}/")

    assert response.status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_staff_cant_delete_a_registrants_evidence(register_officer, evidence):
    response = client_for(register_officer).delete(f"/api/v1/evidence/{evidence.pk}/")
    assert response.status_code == 403  # staff aren't registrants; the record is the owner's
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_evidence_of_an_activity_in_an_audit_cant_be_deleted_but_can_be_added(
    api, activity, evidence
):
    force_update(Activity.objects.filter(pk=activity.pk), in_audit=True)

    assert api.delete(f"/api/v1/evidence/{evidence.pk}/").status_code == 409
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert upload(api, activity, "more.png", png_bytes()).status_code == 201  # R6.2


# --- The schema -------------------------------------------------------------------------------


def test_the_schema_documents_every_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    paths = response.json()["paths"]
    assert {
        "/api/v1/registrants/": {"get", "post"},
        "/api/v1/registrants/{id}/": {"get"},
        "/api/v1/activities/": {"get", "post"},
        "/api/v1/activities/{id}/": {"get", "patch", "delete"},
        "/api/v1/activities/{id}/evidence/": {"get", "post"},
        "/api/v1/activity-types/": {"get"},
        "/api/v1/me/progress/": {"get"},
        "/api/v1/objectives/": {"get", "post"},
        "/api/v1/objectives/{id}/": {"get", "patch", "delete"},
        "/api/v1/evidence/{id}/": {"delete"},
        "/api/v1/evidence/{id}/download/": {"get"},
        "/api/v1/gateway-courses/": {"get"},
        "/api/v1/qualifications/": {"get"},
    } == {
        path: set(paths[path]) - {"parameters"}
        for path in paths
        # the centre API is checked in tests/accreditation/test_api.py
        if path != "/api/v1/me/" and not path.startswith("/api/v1/centre/")
    }
    create = paths["/api/v1/activities/"]["post"]
    schema = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert schema.endswith("/ActivityInputRequest")
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Activity"
    )
