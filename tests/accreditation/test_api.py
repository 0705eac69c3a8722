"""The centre API: centres' systems register candidates and record attempts, for their own centres
only (R9.2-R9.7, R9.10, R9.11); officers see every centre."""

import datetime
import struct
import zlib
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accreditation import services
from accreditation.models import (
    Attempt,
    Award,
    Candidate,
    CentreMembership,
    Component,
    StaffApproval,
)
from tests.accounts.factories import UserFactory
from tests.accreditation.factories import (
    approved_centre,
    approved_staff,
    centre_admin,
    make_candidate,
)

pytestmark = pytest.mark.django_db

CANDIDATES = "/api/v1/centre/candidates/"
ATTEMPTS = "/api/v1/centre/attempts/"
CENTRES = "/api/v1/centre/centres/"
TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("Europe/London")))


def token_client(user) -> APIClient:
    """A centre's system: token authentication, as API.md describes it."""
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


@pytest.fixture
def centre():
    return approved_centre()  # competence-imi, level 3


@pytest.fixture
def other_centre():
    return approved_centre()


@pytest.fixture
def api(centre):
    return token_client(centre_admin(centre))


@pytest.fixture
def assessor(centre):
    return approved_staff(centre)


@pytest.fixture
def invigilator(centre):
    return approved_staff(centre, role=StaffApproval.Role.INVIGILATOR)


@pytest.fixture
def candidate(centre):
    return make_candidate(centre)


@pytest.fixture
def theirs(other_centre):
    """Another centre's candidate: a 404 to `api`, never revealed to exist."""
    return make_candidate(other_centre)


def upk(candidate: Candidate) -> Component:
    return candidate.route.components.get(code="upk-test")


def attempt_body(candidate, assessor, invigilator=None, **overrides) -> dict:
    body = {
        "candidate": candidate.pk,
        "component": "upk-test",
        "attempted_on": "2026-06-01",
        "assessor": assessor.email,
        "invigilator": invigilator.email if invigilator else None,
        "outcome": "pass",
        "notes": "Well prepared.",
    }
    return body | overrides


def new_candidate(centre, **overrides) -> dict:
    return {
        "centre": centre.pk,
        "email": "new.candidate@example.org",
        "first_name": "Nia",
        "last_name": "New",
        "route": "competence-imi",
        "level": 3,
        **overrides,
    }


# --- Who may use it ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CANDIDATES, ATTEMPTS, CENTRES])
def test_anonymous_callers_get_401(url):
    assert APIClient().get(url).status_code == 401
    assert APIClient().post(url, {}, format="json").status_code in (401, 405)


def test_a_bad_token_is_401(candidate):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert api.get(CANDIDATES).status_code == 401


def test_someone_who_works_at_no_centre_gets_403(candidate):
    registrant = token_client(UserFactory())

    response = registrant.get(CANDIDATES)

    assert response.status_code == 403
    assert "centre staff" in response.json()["detail"]
    assert registrant.get(f"{CANDIDATES}{candidate.pk}/").status_code == 403
    assert registrant.post(ATTEMPTS, {}, format="json").status_code == 403


def test_a_candidate_without_a_centre_role_can_t_use_it_for_their_own_record(candidate):
    assert token_client(candidate.user).get(CANDIDATES).status_code == 403


# --- Candidates: list and filters --------------------------------------------------------------


def test_a_centre_s_token_lists_only_its_own_candidates(api, candidate, theirs):
    body = api.get(CANDIDATES).json()

    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == candidate.pk
    assert row["email"] == candidate.user.email
    assert row["route"] == "competence-imi" and row["level"] == 3
    assert row["ready_for_assessment"] is True and row["gate"] == []
    assert row["award"] is None


def test_every_member_of_staff_sees_the_centre_s_candidates(centre, candidate, theirs):
    invigilator = approved_staff(centre, role=StaffApproval.Role.INVIGILATOR)

    body = token_client(invigilator).get(CANDIDATES).json()

    assert [row["id"] for row in body["results"]] == [candidate.pk]


def test_staff_don_t_see_their_own_candidacy_at_another_centre(centre, candidate, other_centre):
    admin = centre_admin(centre)
    own = make_candidate(other_centre, user=admin)

    ids = [row["id"] for row in token_client(admin).get(CANDIDATES).json()["results"]]

    assert ids == [candidate.pk] and own.pk not in ids


def test_an_officer_sees_every_centre_s_candidates(accreditation_officer, candidate, theirs):
    body = token_client(accreditation_officer).get(CANDIDATES).json()

    assert {row["id"] for row in body["results"]} == {candidate.pk, theirs.pk}


def test_candidates_filter_by_centre_route_and_level(
    accreditation_officer, centre, candidate, theirs
):
    officer = token_client(accreditation_officer)
    knowledge = approved_centre(route_code="knowledge-imi", level_number=4)
    at_level_4 = make_candidate(knowledge)

    def ids(**params):
        return {row["id"] for row in officer.get(CANDIDATES, params).json()["results"]}

    assert ids(centre=centre.pk) == {candidate.pk}
    assert ids(route="knowledge-imi") == {at_level_4.pk}
    assert ids(level=3) == {candidate.pk, theirs.pk}
    assert ids(level=4, route="knowledge-imi") == {at_level_4.pk}
    assert ids(email=candidate.user.email.upper()) == {candidate.pk}


def test_the_centre_filter_never_widens_what_a_centre_sees(api, candidate, theirs, other_centre):
    assert api.get(CANDIDATES, {"centre": other_centre.pk}).json()["count"] == 0


def test_a_non_numeric_level_filter_is_a_400(api):
    assert api.get(CANDIDATES, {"level": "three"}).status_code == 400


@pytest.mark.parametrize("how_many", [1, 25])
def test_the_candidate_list_takes_the_same_queries_however_long(
    centre, how_many, django_assert_max_num_queries
):
    api = APIClient()
    api.force_authenticate(centre_admin(centre))
    for number in range(how_many):
        candidate = make_candidate(centre, ready=number % 2 == 0)
        if number % 3 == 0:
            Award.objects.create(
                candidate=candidate,
                holder=candidate.user,
                title="IMI Accreditation",
                awarded_on=TODAY,
                expires_on=TODAY.replace(year=2029),
            )
    # permissions (2), the centre check, the count and the page
    with django_assert_max_num_queries(6):
        body = api.get(CANDIDATES).json()
    assert body["count"] == how_many
    assert len(body["results"]) == how_many


# --- Candidates: one, with progress ------------------------------------------------------------


def test_a_candidate_shows_the_gate_the_window_and_what_is_left(api, centre, assessor, invigilator):
    candidate = make_candidate(centre, first_attempt_on=datetime.date(2026, 3, 2))
    Attempt.objects.create(
        candidate=candidate,
        component=upk(candidate),
        attempted_on=datetime.date(2026, 3, 2),
        assessor=assessor,
        invigilator=invigilator,
        outcome=Attempt.Outcome.REFER,
    )
    Attempt.objects.create(
        candidate=candidate,
        component=candidate.route.components.get(code="practical"),
        attempted_on=datetime.date(2026, 4, 2),
        assessor=assessor,
        outcome=Attempt.Outcome.PASS,
    )

    body = api.get(f"{CANDIDATES}{candidate.pk}/").json()

    assert body["gate"] == [] and body["ready_for_assessment"] is True
    progress = body["progress"]
    assert progress["window"] == {
        "first_attempt_on": "2026-03-02",
        "end": "2027-03-01",  # R9.5: twelve months
        "days_left": 260,  # 15 June 2026 to 1 March 2027, both included
        "extended": False,
    }
    assert progress["passed"] == ["practical"]
    assert progress["to_do"] == ["upk-test"]
    upk_row = next(c for c in progress["components"] if c["code"] == "upk-test")
    assert upk_row == {
        "code": "upk-test",
        "name": "UPK test",
        "online_test": True,
        "passed_on": None,
        "attempts": 1,
        "unsuccessful": 1,
        "review_due": False,
    }
    assert body["award"] is None


def test_a_new_candidate_shows_what_stops_assessment(api, centre):
    candidate = make_candidate(centre, ready=False)

    body = api.get(f"{CANDIDATES}{candidate.pk}/").json()

    assert body["ready_for_assessment"] is False
    assert len(body["gate"]) == 3  # R9.4: registration, eligibility, Code of Conduct
    assert any("Code of Conduct" in reason for reason in body["gate"])
    assert body["progress"]["window"]["end"] is None
    assert body["progress"]["to_do"] == ["upk-test", "practical"]


def test_an_awarded_candidate_shows_the_verification_code(api, candidate):
    award = Award.objects.create(
        candidate=candidate,
        holder=candidate.user,
        title="IMI Accreditation – Management, level 3",
        awarded_on=datetime.date(2026, 5, 1),
        expires_on=datetime.date(2029, 4, 30),
    )

    body = api.get(f"{CANDIDATES}{candidate.pk}/").json()

    assert body["award"]["verification_code"] == award.verification_code
    assert body["award"]["status"] == "valid"
    assert body["award"]["verify_url"].endswith(f"/verify/{award.verification_code}/")


def test_another_centre_s_candidate_is_a_404(api, theirs):
    assert api.get(f"{CANDIDATES}{theirs.pk}/").status_code == 404
    assert api.get(f"{CANDIDATES}999999/").status_code == 404


def test_an_officer_can_read_any_candidate(accreditation_officer, theirs):
    response = token_client(accreditation_officer).get(f"{CANDIDATES}{theirs.pk}/")

    assert response.status_code == 200
    assert response.json()["centre"]["id"] == theirs.centre_id


# --- Candidates: registration (R9.2) -----------------------------------------------------------


def test_a_centre_registers_a_candidate(api, centre, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(
            CANDIDATES, new_candidate(centre, ao_registration_number="AO-777"), format="json"
        )

    assert response.status_code == 201, response.json()
    body = response.json()
    candidate = Candidate.objects.get(pk=body["id"])
    assert candidate.centre == centre and candidate.user.email == "new.candidate@example.org"
    assert candidate.ao_registration_number == "AO-777" and candidate.ao_registered_on == TODAY
    assert candidate.registered_by == centre_admin(centre)
    assert body["gate"] == [
        "The centre hasn't confirmed the candidate is eligible for the route.",
        "The candidate hasn't accepted the Accreditation Code of Conduct yet.",
    ]
    assert len(callbacks) == 1  # the candidate's email, queued after commit


def test_a_route_the_centre_isn_t_approved_for_is_refused_on_route(api, centre):
    response = api.post(CANDIDATES, new_candidate(centre, level=4), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "route": [
            "The centre isn't approved for Competence – IMI assessment tools in the workplace "
            "at level 4."
        ]
    }
    assert not Candidate.objects.exists()


def test_another_centre_is_refused_on_centre_as_if_it_didn_t_exist(api, other_centre):
    response = api.post(CANDIDATES, new_candidate(other_centre), format="json")

    assert response.status_code == 400
    assert response.json() == {
        "centre": [f"No centre with id {other_centre.pk} where you can register candidates."]
    }
    missing = api.post(CANDIDATES, new_candidate(other_centre) | {"centre": 999999}, format="json")
    assert missing.json()["centre"] == [
        "No centre with id 999999 where you can register candidates."
    ]
    assert not Candidate.objects.exists()


def test_an_invigilator_can_t_register_candidates(centre, invigilator):
    response = token_client(invigilator).post(CANDIDATES, new_candidate(centre), format="json")

    assert response.status_code == 400
    assert "centre" in response.json()


def test_the_same_person_twice_on_a_route_and_level_is_refused_on_email(api, centre, candidate):
    response = api.post(
        CANDIDATES, new_candidate(centre, email=candidate.user.email.upper()), format="json"
    )

    assert response.status_code == 400
    assert "already a candidate" in response.json()["email"][0]
    assert Candidate.objects.count() == 1


def test_registration_input_is_checked_field_by_field(api, centre):
    response = api.post(
        CANDIDATES,
        {"centre": centre.pk, "email": "not-an-email", "route": "no-such-route", "level": 9},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"email", "first_name", "last_name", "route", "level"}


def test_an_officer_registers_a_candidate_at_any_centre(accreditation_officer, other_centre):
    response = token_client(accreditation_officer).post(
        CANDIDATES, new_candidate(other_centre), format="json"
    )

    assert response.status_code == 201
    assert response.json()["centre"]["id"] == other_centre.pk


# --- Attempts: recording (R9.3-R9.7) -----------------------------------------------------------


def test_a_centre_records_an_attempt(api, candidate, assessor, invigilator):
    response = api.post(ATTEMPTS, attempt_body(candidate, assessor, invigilator), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["component"] == "upk-test" and body["outcome"] == "pass"
    assert body["assessor"]["id"] == assessor.pk
    assert body["invigilator"]["email"] == invigilator.email
    attempt = Attempt.objects.get(pk=body["id"])
    assert attempt.recorded_by == centre_admin(candidate.centre)
    candidate.refresh_from_db()
    assert candidate.first_attempt_on == datetime.date(2026, 6, 1)  # R9.5: the window opens


def test_people_can_be_named_by_id_too(api, candidate, assessor, invigilator):
    body = attempt_body(candidate, assessor, invigilator)
    body |= {"assessor": str(assessor.pk), "invigilator": invigilator.pk}

    assert api.post(ATTEMPTS, body, format="json").status_code == 201


def test_passing_every_component_awards_the_accreditation(api, candidate, assessor, invigilator):
    api.post(ATTEMPTS, attempt_body(candidate, assessor, invigilator), format="json")
    response = api.post(
        ATTEMPTS,
        attempt_body(candidate, assessor, component="practical", attempted_on="2026-06-10"),
        format="json",
    )

    assert response.status_code == 201
    award = api.get(f"{CANDIDATES}{candidate.pk}/").json()["award"]
    assert award["awarded_on"] == "2026-06-10"  # R9.11
    assert award["verification_code"] == Award.objects.get(candidate=candidate).verification_code


def test_a_candidate_not_through_the_gate_is_refused(api, centre, assessor, invigilator):
    candidate = make_candidate(centre, ready=False)

    response = api.post(ATTEMPTS, attempt_body(candidate, assessor, invigilator), format="json")

    assert response.status_code == 400
    errors = response.json()["non_field_errors"]  # R9.4
    assert "The candidate hasn't accepted the Accreditation Code of Conduct yet." in errors
    assert not Attempt.objects.exists()


def test_an_assessor_without_a_current_approval_is_refused(api, centre, candidate, invigilator):
    iqa = approved_staff(centre, role=StaffApproval.Role.INTERNAL_QUALITY_ASSURER)

    response = api.post(ATTEMPTS, attempt_body(candidate, iqa, invigilator), format="json")

    assert response.status_code == 400
    assert "isn't currently approved to assess" in response.json()["assessor"][0]  # R9.3
    assert not Attempt.objects.exists()


def test_an_assessor_whose_approval_was_removed_is_refused(api, candidate, assessor, invigilator):
    approval = StaffApproval.objects.get(user=assessor)
    services.staff_approval_remove(approval=approval, by=centre_admin(candidate.centre), reason="x")

    response = api.post(ATTEMPTS, attempt_body(candidate, assessor, invigilator), format="json")

    assert response.status_code == 400
    assert "assessor" in response.json()


def test_someone_from_another_centre_can_t_be_named(api, candidate, other_centre, invigilator):
    elsewhere = approved_staff(other_centre)

    response = api.post(ATTEMPTS, attempt_body(candidate, elsewhere, invigilator), format="json")

    assert response.status_code == 400
    assert response.json()["assessor"] == [
        f"No one at {candidate.centre.name} has the id or email {elsewhere.email}."
    ]


def test_an_online_test_needs_an_approved_invigilator(api, candidate, assessor):
    response = api.post(ATTEMPTS, attempt_body(candidate, assessor), format="json")

    assert response.status_code == 400
    assert response.json()["invigilator"] == [
        "Online tests are invigilated: choose the invigilator."  # R9.7
    ]


def test_an_attempt_outside_the_window_is_refused_with_the_date(api, centre, assessor, invigilator):
    candidate = make_candidate(centre, first_attempt_on=datetime.date(2025, 6, 1))

    response = api.post(
        ATTEMPTS,
        attempt_body(candidate, assessor, invigilator, attempted_on="2026-06-01"),
        format="json",
    )

    assert response.status_code == 400
    message = response.json()["attempted_on"][0]
    assert message.startswith("The twelve-month window ended on 31 May 2026")  # R9.5
    assert not Attempt.objects.exists()


def test_a_fourth_online_test_needs_a_level_review(api, candidate, assessor, invigilator):
    for day in (1, 8, 15):
        Attempt.objects.create(
            candidate=candidate,
            component=upk(candidate),
            attempted_on=datetime.date(2026, 5, day),
            assessor=assessor,
            invigilator=invigilator,
            outcome=Attempt.Outcome.REFER,
        )
    Candidate.objects.filter(pk=candidate.pk).update(first_attempt_on=datetime.date(2026, 5, 1))

    response = api.post(ATTEMPTS, attempt_body(candidate, assessor, invigilator), format="json")

    assert response.status_code == 400
    assert "Record a review" in response.json()["component"][0]  # R9.6
    assert Attempt.objects.count() == 3


def test_an_unknown_component_is_refused_with_the_route_s_codes(
    api, candidate, assessor, invigilator
):
    response = api.post(
        ATTEMPTS, attempt_body(candidate, assessor, invigilator, component="essay"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["component"] == [
        "Competence – IMI assessment tools in the workplace has no component “essay”: "
        "one of upk-test, practical."
    ]


def test_another_centre_s_candidate_can_t_be_assessed(api, theirs, assessor, invigilator):
    response = api.post(ATTEMPTS, attempt_body(theirs, assessor, invigilator), format="json")

    assert response.status_code == 400
    assert response.json()["candidate"] == [
        f"No candidate with id {theirs.pk} whose assessments you can record."
    ]
    assert not Attempt.objects.exists()


def test_an_invigilator_can_t_record_attempts(centre, candidate, assessor, invigilator):
    response = token_client(invigilator).post(
        ATTEMPTS, attempt_body(candidate, assessor, invigilator), format="json"
    )

    assert response.status_code == 400
    assert "candidate" in response.json()


def test_an_officer_records_an_attempt_at_any_centre(accreditation_officer, other_centre, theirs):
    assessor = approved_staff(other_centre)
    invigilator = approved_staff(other_centre, role=StaffApproval.Role.INVIGILATOR)

    response = token_client(accreditation_officer).post(
        ATTEMPTS, attempt_body(theirs, assessor, invigilator), format="json"
    )

    assert response.status_code == 201


def test_evidence_files_can_be_sent_with_the_attempt(api, candidate, assessor, invigilator):
    body = attempt_body(candidate, assessor, invigilator)
    body["evidence"] = [SimpleUploadedFile("role-play.png", png_bytes(), "image/png")]

    response = api.post(ATTEMPTS, body, format="multipart")

    assert response.status_code == 201, response.json()
    evidence = response.json()["evidence"]
    assert [(e["name"], e["content_type"]) for e in evidence] == [("role-play.png", "image/png")]


def test_a_file_of_the_wrong_type_is_refused_and_nothing_saved(
    api, candidate, assessor, invigilator
):
    body = attempt_body(candidate, assessor, invigilator)
    body["evidence"] = [SimpleUploadedFile("notes.txt", b"just text", "text/plain")]

    response = api.post(ATTEMPTS, body, format="multipart")

    assert response.status_code == 400
    assert "isn't a PDF, PNG, JPEG, Word (.docx) or video" in response.json()["evidence"][0]
    assert not Attempt.objects.exists()


# --- Attempts: reading -------------------------------------------------------------------------


def _attempt(candidate, assessor, **kwargs) -> Attempt:
    values = {
        "candidate": candidate,
        "component": candidate.route.components.get(code="practical"),
        "attempted_on": datetime.date(2026, 6, 1),
        "assessor": assessor,
        "outcome": Attempt.Outcome.PASS,
    }
    return Attempt.objects.create(**(values | kwargs))


def test_a_centre_lists_only_its_own_attempts(api, candidate, assessor, theirs, other_centre):
    mine = _attempt(candidate, assessor)
    not_mine = _attempt(theirs, approved_staff(other_centre))

    body = api.get(ATTEMPTS).json()

    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert api.get(f"{ATTEMPTS}{mine.pk}/").status_code == 200
    assert api.get(f"{ATTEMPTS}{not_mine.pk}/").status_code == 404


def test_an_officer_lists_every_attempt(accreditation_officer, candidate, assessor, theirs):
    _attempt(candidate, assessor)
    _attempt(theirs, assessor)

    assert token_client(accreditation_officer).get(ATTEMPTS).json()["count"] == 2


def test_attempts_filter_by_candidate(api, centre, candidate, assessor):
    other = make_candidate(centre)
    mine = _attempt(candidate, assessor)
    _attempt(other, assessor)

    body = api.get(ATTEMPTS, {"candidate": candidate.pk}).json()

    assert [row["id"] for row in body["results"]] == [mine.pk]


@pytest.mark.parametrize("how_many", [1, 25])
def test_the_attempt_list_takes_the_same_queries_however_long(
    centre, assessor, invigilator, how_many, django_assert_max_num_queries
):
    api = APIClient()
    api.force_authenticate(centre_admin(centre))
    for _ in range(how_many):
        candidate = make_candidate(centre)
        _attempt(candidate, assessor, component=upk(candidate), invigilator=invigilator)
    # permissions (2), the centre check, the count, the page and the prefetched evidence
    with django_assert_max_num_queries(7):
        body = api.get(ATTEMPTS).json()
    assert body["count"] == how_many


# --- Centres -----------------------------------------------------------------------------------


def test_a_centre_s_system_sees_its_centre_and_approvals(api, centre, other_centre):
    body = api.get(CENTRES).json()

    assert [row["id"] for row in body["results"]] == [centre.pk]
    assert body["results"][0]["approvals"] == [
        {"route": "competence-imi", "level": 3, "status": "approved"}
    ]
    assert api.get(f"{CENTRES}{other_centre.pk}/").status_code == 404


def test_memberships_are_what_makes_centre_staff(centre):
    person = UserFactory()
    services.centre_membership_add(
        centre=centre, user=person, role=CentreMembership.CentreRole.ASSESSOR
    )

    assert token_client(person).get(CENTRES).json()["count"] == 1


# --- The schema -------------------------------------------------------------------------------


def test_the_schema_documents_the_centre_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    paths = response.json()["paths"]
    assert {
        "/api/v1/centre/centres/": {"get"},
        "/api/v1/centre/centres/{id}/": {"get"},
        "/api/v1/centre/candidates/": {"get", "post"},
        "/api/v1/centre/candidates/{id}/": {"get"},
        "/api/v1/centre/attempts/": {"get", "post"},
        "/api/v1/centre/attempts/{id}/": {"get"},
    } == {
        path: set(paths[path]) - {"parameters"}
        for path in paths
        if path.startswith("/api/v1/centre/")
    }
    create = paths["/api/v1/centre/attempts/"]["post"]
    assert "twelve-month window" in create["description"]
    assert set(create["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    detail = paths["/api/v1/centre/candidates/{id}/"]["get"]
    assert detail["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/CandidateDetail"
    )
    assert "404" in detail["responses"]
    filters = {p["name"] for p in paths["/api/v1/centre/candidates/"]["get"]["parameters"]}
    assert {"centre", "route", "level", "page"} <= filters


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
