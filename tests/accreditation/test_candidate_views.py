"""Candidate pages: the centre's list, registering one by one, the R9.4 checklist, recording
attempts to the award, evidence downloads and the candidate's own page; access both ways."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accreditation.models import (
    Attempt,
    AttemptEvidence,
    Award,
    Candidate,
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    Component,
    LevelReview,
    StaffApproval,
    WindowExtension,
)
from tests.accounts.factories import UserFactory
from tests.accreditation.factories import (
    approved_centre,
    approved_staff,
    centre_admin,
    level,
    make_candidate,
    route,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def centre():
    return approved_centre()


@pytest.fixture
def admin(centre):
    return centre_admin(centre)


@pytest.fixture
def other_admin():
    return centre_admin(approved_centre())


def url(name: str, *args) -> str:
    return reverse(f"accreditation:{name}", args=args)


def component(code: str, route_code: str = "competence-imi") -> Component:
    return Component.objects.get(route__code=route_code, code=code)


def body(response) -> str:
    return response.content.decode()


def attempted(candidate, code: str, on: datetime.date, assessor, outcome: str = "pass"):
    """An attempt written straight to the table, to arrange a page's data."""
    return Attempt.objects.create(
        candidate=candidate,
        component=component(code),
        attempted_on=on,
        assessor=assessor,
        outcome=outcome,
    )


# --- The centre's list -------------------------------------------------------------------------


def test_the_list_shows_each_candidates_route_gate_window_and_passes(client, centre, admin):
    waiting = make_candidate(centre, ready=False, user=UserFactory(first_name="Wendy"))
    ready = make_candidate(
        centre,
        user=UserFactory(first_name="Rita"),
        first_attempt_on=datetime.date(2026, 3, 2),
    )
    attempted(ready, "practical", datetime.date(2026, 3, 2), admin)
    client.force_login(admin)
    response = client.get(url("candidate_list", centre.pk))
    assert response.status_code == 200
    page = body(response)
    assert "Wendy" in page and "Rita" in page
    assert "Register a candidate" in page
    # R9.5: window from 2 March 2026 ends 1 March 2027; 99 days left on 23 November 2026.
    assert "Ends 1 Mar 2027" in page
    assert "99 days left" in page
    assert "1 of 2" in page and "0 of 2" in page
    assert "✓ Code accepted" in page  # Rita's gate
    assert waiting.code_accepted_at is None


def test_the_list_searches_and_filters(client, centre, admin):
    make_candidate(centre, ready=False, user=UserFactory(first_name="Wendy", last_name="Wait"))
    rita = make_candidate(centre, user=UserFactory(first_name="Rita", last_name="Ready"))
    awarded = make_candidate(centre, user=UserFactory(first_name="Alma", last_name="Award"))
    Award.objects.create(
        candidate=awarded,
        holder=awarded.user,
        title="IMI Accreditation",
        awarded_on=TODAY,
        expires_on=TODAY,
    )
    client.force_login(admin)

    def names(**query) -> set[str]:
        page = body(client.get(url("candidate_list", centre.pk), query))
        return {n for n in ("Wendy", "Rita", "Alma") if n in page}

    assert names(q="ready") == {"Rita"}
    assert names(q=rita.user.email) == {"Rita"}
    assert names(status="waiting") == {"Wendy"}
    assert names(status="ready") == {"Rita"}
    assert names(status="awarded") == {"Alma"}
    assert names(route=route("knowledge-imi").pk) == set()
    assert names(route=route().pk, level=level(3).pk) == {"Wendy", "Rita", "Alma"}


def test_the_list_takes_the_same_queries_for_one_candidate_or_a_page_of_them(
    client, centre, admin, django_assert_max_num_queries
):
    first = make_candidate(centre)
    attempted(first, "practical", datetime.date(2026, 3, 2), admin)
    client.force_login(admin)
    client.get(url("candidate_list", centre.pk))  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        one = client.get(url("candidate_list", centre.pk))
    for _ in range(24):
        make_candidate(centre, first_attempt_on=datetime.date(2026, 3, 2))
    with django_assert_max_num_queries(12) as many:
        response = client.get(url("candidate_list", centre.pk))
    assert one.status_code == response.status_code == 200
    assert len(many.captured_queries) <= 12
    assert body(response).count('data-label="Candidate"') == 25


def test_another_centres_staff_and_candidates_get_404_an_officer_and_an_invigilator_see_it(
    client, centre, other_admin, accreditation_officer
):
    candidate = make_candidate(centre)
    invigilator = approved_staff(centre, role=StaffApproval.Role.INVIGILATOR)
    for user, status in (
        (other_admin, 404),
        (candidate.user, 404),
        (accreditation_officer, 200),
        (invigilator, 200),
    ):
        client.force_login(user)
        assert client.get(url("candidate_list", centre.pk)).status_code == status
    # An invigilator only looks: no registering.
    client.force_login(invigilator)
    assert "Register a candidate" not in body(client.get(url("candidate_list", centre.pk)))
    assert client.get(url("candidate_add", centre.pk)).status_code == 404
    assert client.get(url("candidate_import", centre.pk)).status_code == 404


def test_a_visitor_is_sent_to_log_in(client, centre):
    response = client.get(url("candidate_list", centre.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Registering one candidate (R9.2) ----------------------------------------------------------


def offer_of(centre: Centre, route_code: str = "competence-imi", number: int = 3) -> int:
    return CentreApproval.objects.get(
        centre=centre, route__code=route_code, level__number=number
    ).pk


def register(client, centre, **fields):
    """Post the "Register a candidate" form: Sam Jones on the centre's route, unless told."""
    data = {
        "first_name": "Sam",
        "last_name": "Jones",
        "email": "sam@example.org",
        "offer": offer_of(centre),
    }
    return client.post(url("candidate_add", centre.pk), data | fields)


def test_a_centre_registers_a_candidate_who_is_emailed_a_link_to_set_a_password(
    client, centre, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = register(
            client, centre, ao_registration_number="AO-1", ao_registered_on="2026-11-20"
        )
    candidate = Candidate.objects.get(user__email="sam@example.org")
    assert response.status_code == 302
    assert response["Location"] == url("candidate_detail", centre.pk, candidate.pk)
    assert (candidate.route, candidate.level, candidate.registered_by) == (route(), level(3), admin)
    assert candidate.ao_registration_number == "AO-1"
    assert candidate.ao_registered_on == datetime.date(2026, 11, 20)
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert "/accounts/password/reset/key/" in message.body


def test_only_the_centres_approved_routes_and_levels_are_offered(client, centre, admin):
    CentreApproval.objects.create(
        centre=centre, route=route("knowledge-imi"), level=level(4), status="suspended"
    )
    client.force_login(admin)
    page = body(client.get(url("candidate_add", centre.pk)))
    assert "Competence – IMI assessment tools in the workplace, level 3" in page
    assert "Knowledge – IMI online test and project" not in page
    response = register(client, centre, offer=offer_of(centre, "knowledge-imi", 4))
    assert response.status_code == 400
    assert response.context["form"].errors["offer"]
    assert not Candidate.objects.exists()


def test_a_suspended_centre_is_told_it_cant_register(client, centre, admin):
    Centre.objects.filter(pk=centre.pk).update(status=Centre.Status.SUSPENDED)
    client.force_login(admin)
    page = body(client.get(url("candidate_add", centre.pk)))
    assert "can't register candidates" in page
    assert "<form" not in page.split("<main")[1]


def test_someone_already_a_candidate_for_the_route_is_refused_on_the_email_with_input_kept(
    client, centre, admin
):
    existing = make_candidate(centre, ready=False)
    client.force_login(admin)
    response = register(
        client, centre, first_name="Typed", last_name="Name", email=existing.user.email
    )
    assert response.status_code == 400
    assert "already a candidate" in response.context["form"].errors["email"][0]
    assert 'value="Typed"' in body(response)
    assert Candidate.objects.count() == 1


def test_a_registration_number_needs_its_date(client, centre, admin):
    client.force_login(admin)
    response = register(client, centre, ao_registration_number="AO-1")
    assert response.status_code == 400
    assert response.context["form"].errors["ao_registered_on"]
    assert not Candidate.objects.exists()


def test_another_centres_administrator_cant_register_here(client, centre, other_admin):
    client.force_login(other_admin)
    assert client.get(url("candidate_add", centre.pk)).status_code == 404


# --- Importing (the per-row report; parsing is tested in test_imports) -------------------------


def test_the_import_page_offers_a_template_and_reports_bad_rows_without_importing(
    client, centre, admin
):
    client.force_login(admin)
    template = client.get(url("candidate_import", centre.pk), {"template": 1})
    assert template["Content-Disposition"] == 'attachment; filename="candidates.csv"'
    assert template.content.decode().startswith("email,first_name,last_name,route,level")

    csv = (
        "email,first_name,last_name,route,level\n"
        "a@example.org,Ann,Able,competence-imi,3\n"
        "b@example.org,Ben,Bold,knowledge-imi,3\n"
    )
    response = client.post(
        url("candidate_import", centre.pk),
        {"file": SimpleUploadedFile("c.csv", csv.encode(), content_type="text/csv")},
    )
    assert response.status_code == 400
    page = body(response)
    assert "Nothing was imported" in page
    assert "isn&#x27;t approved for knowledge-imi at level 3" in page
    assert not Candidate.objects.exists()

    fixed = csv.replace("knowledge-imi", "competence-imi")
    response = client.post(
        url("candidate_import", centre.pk),
        {"file": SimpleUploadedFile("c.csv", fixed.encode(), content_type="text/csv")},
    )
    assert response.status_code == 302
    assert Candidate.objects.filter(centre=centre).count() == 2


# --- One candidate: the R9.4 checklist ---------------------------------------------------------


def test_the_centre_records_the_registration_and_eligibility(client, centre, admin):
    candidate = make_candidate(centre, ready=False)
    client.force_login(admin)
    page = body(client.get(url("candidate_detail", centre.pk, candidate.pk)))
    assert "No assessment can be recorded until all three are done." in page
    assert "Pre-requisites: Working in" in page  # the route's eligibility
    assert "Waiting for the candidate" in page

    response = client.post(
        url("candidate_registration", centre.pk, candidate.pk),
        {"ao_registration_number": "AO-77", "ao_registered_on": "2026-11-01"},
    )
    assert response.status_code == 302
    response = client.post(
        url("candidate_eligibility", centre.pk, candidate.pk),
        {"eligibility_note": "Team leader for three years."},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.ao_registration_number == "AO-77"
    assert candidate.eligibility_confirmed_by == admin
    page = body(client.get(url("candidate_detail", centre.pk, candidate.pk)))
    assert "Registration number <strong>AO-77</strong>" in page
    assert "Team leader for three years." in page


def test_a_future_registration_date_and_an_empty_note_are_refused_on_their_fields(
    client, centre, admin
):
    candidate = make_candidate(centre, ready=False)
    client.force_login(admin)
    response = client.post(
        url("candidate_registration", centre.pk, candidate.pk),
        {"ao_registration_number": "AO-77", "ao_registered_on": "2026-12-01"},
    )
    assert response.status_code == 400
    assert (
        "can't be in the future"
        in response.context["registration_form"].errors["ao_registered_on"][0]
    )
    assert 'value="AO-77"' in body(response)
    response = client.post(
        url("candidate_eligibility", centre.pk, candidate.pk), {"eligibility_note": " "}
    )
    assert response.status_code == 400
    assert response.context["eligibility_form"].errors["eligibility_note"]
    candidate.refresh_from_db()
    assert candidate.ao_registration_number == ""
    assert candidate.eligibility_confirmed_at is None


def test_a_candidate_is_a_404_for_another_centre_and_for_other_candidates(
    client, centre, other_admin, accreditation_officer
):
    candidate = make_candidate(centre)
    other = make_candidate(centre)
    detail = url("candidate_detail", centre.pk, candidate.pk)
    for user, status in (
        (other_admin, 404),
        (other.user, 404),
        (candidate.user, 404),  # the candidate's own page is "My accreditation"
        (accreditation_officer, 200),
    ):
        client.force_login(user)
        assert client.get(detail).status_code == status
    # Through another centre's address, even its own administrator can't reach it.
    other_centre = Centre.objects.exclude(pk=centre.pk).get()
    client.force_login(other_admin)
    assert client.get(url("candidate_detail", other_centre.pk, candidate.pk)).status_code == 404
    for name in ("candidate_registration", "candidate_eligibility", "attempt_new"):
        assert client.post(url(name, centre.pk, candidate.pk), {}).status_code == 404


def test_an_invigilator_sees_the_candidate_but_records_nothing(client, centre):
    candidate = make_candidate(centre, ready=False)
    invigilator = approved_staff(centre, role=StaffApproval.Role.INVIGILATOR)
    client.force_login(invigilator)
    page = body(client.get(url("candidate_detail", centre.pk, candidate.pk)))
    assert "Record the registration" not in page
    response = client.post(
        url("candidate_registration", centre.pk, candidate.pk),
        {"ao_registration_number": "AO-77", "ao_registered_on": "2026-11-01"},
    )
    assert response.status_code == 404


# --- Attempts (R9.3-R9.7, R9.10) to the award (R9.11) ------------------------------------------


def attempt(client, centre, candidate, **fields):
    data = {"attempted_on": "2026-11-20", "outcome": "pass", "notes": ""} | fields
    return client.post(url("attempt_new", centre.pk, candidate.pk), data)


def test_no_attempt_form_before_the_r9_4_gate_and_the_service_refuses_anyway(client, centre, admin):
    candidate = make_candidate(centre, ready=False)
    assessor = approved_staff(centre)
    client.force_login(admin)
    response = client.get(url("attempt_new", centre.pk, candidate.pk))
    page = body(response)
    assert "No assessment can be recorded yet" in page
    assert "hasn&#x27;t accepted the Accreditation Code of Conduct" in page
    assert "Record the attempt" not in page
    response = attempt(
        client,
        centre,
        candidate,
        component=component("practical").pk,
        assessor=assessor.pk,
    )
    assert response.status_code == 400
    assert not Attempt.objects.exists()


def test_attempts_refer_then_pass_every_component_and_the_award_shows(
    client, centre, admin, django_capture_on_commit_callbacks
):
    candidate = make_candidate(centre)
    assessor = approved_staff(centre)
    invigilator = approved_staff(centre, role=StaffApproval.Role.INVIGILATOR)
    client.force_login(admin)
    upk, practical = component("upk-test"), component("practical")
    response = attempt(
        client,
        centre,
        candidate,
        component=upk.pk,
        assessor=assessor.pk,
        invigilator=invigilator.pk,
        attempted_on="2026-06-01",
        outcome="refer",
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.first_attempt_on == datetime.date(2026, 6, 1)  # R9.5: the window starts
    attempt(
        client,
        centre,
        candidate,
        component=upk.pk,
        assessor=assessor.pk,
        invigilator=invigilator.pk,
        attempted_on="2026-07-01",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("attempt_new", centre.pk, candidate.pk),
            {
                "component": practical.pk,
                "assessor": assessor.pk,
                "attempted_on": "2026-11-20",
                "outcome": "pass",
                "notes": "Role play filmed.",
                "files": [
                    SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
                    SimpleUploadedFile("role-play.mp4", MP4, content_type="video/mp4"),
                ],
            },
        )
    assert response.status_code == 302
    award = Award.objects.get(candidate=candidate)
    assert award.awarded_on == datetime.date(2026, 11, 20)
    assert [m.subject for m in mail.outbox] == [f"You are accredited: {award.title}"]
    page = body(client.get(url("candidate_detail", centre.pk, candidate.pk)))
    assert url("certificate", award.pk) in page
    assert award.display_code in page
    assert "Refer" in page and "role-play.mp4" in page and "video" in page
    assert "Record an attempt" not in page  # nothing left to assess


def test_an_unapproved_assessor_is_refused_on_the_assessor_field_and_the_input_is_kept(
    client, centre, admin
):
    candidate = make_candidate(centre)
    not_approved = UserFactory(first_name="Nora")
    from accreditation.services import centre_membership_add

    centre_membership_add(centre=centre, user=not_approved, role="assessor")
    client.force_login(admin)
    response = attempt(
        client,
        centre,
        candidate,
        component=component("practical").pk,
        assessor=not_approved.pk,
        notes="Observed at the dealership.",
        files=[SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")],
    )
    assert response.status_code == 400
    assert "isn't currently approved to assess" in response.context["form"].errors["assessor"][0]
    page = body(response)
    assert "Observed at the dealership." in page
    assert "choose the evidence files again" in page
    assert not Attempt.objects.exists()
    assert not AttemptEvidence.objects.exists()


def test_an_online_test_needs_an_invigilator_and_a_bad_file_is_refused_on_the_files(
    client, centre, admin
):
    candidate = make_candidate(centre)
    assessor = approved_staff(centre)
    client.force_login(admin)
    response = attempt(
        client,
        centre,
        candidate,
        component=component("upk-test").pk,
        assessor=assessor.pk,
        files=[SimpleUploadedFile("notes.txt", b"plain text", content_type="text/plain")],
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "invigilated" in errors["invigilator"][0]  # R9.7
    assert "isn't a PDF" in errors["files"][0]  # R9.10
    assert not Attempt.objects.exists()


def test_an_attempt_after_the_window_is_refused_with_the_date(client, centre, admin):
    candidate = make_candidate(centre, first_attempt_on=datetime.date(2025, 10, 1))
    assessor = approved_staff(centre)
    client.force_login(admin)
    response = attempt(
        client, centre, candidate, component=component("practical").pk, assessor=assessor.pk
    )
    assert response.status_code == 400
    assert "ended on 30 September 2026" in response.context["form"].errors["attempted_on"][0]


def test_after_three_referred_online_tests_the_page_asks_for_a_level_review(client, centre, admin):
    candidate = make_candidate(centre, first_attempt_on=datetime.date(2026, 6, 1))
    assessor = approved_staff(centre)
    upk = component("upk-test")
    for day in (1, 2, 3):
        attempted(candidate, "upk-test", datetime.date(2026, 6, day), assessor, outcome="refer")
    client.force_login(admin)
    page = body(client.get(url("candidate_detail", centre.pk, candidate.pk)))
    assert "A level review is due (R9.6)" in page
    response = client.post(
        url("level_review_new", centre.pk, candidate.pk),
        {
            "review-component": upk.pk,
            "review-reviewed_on": "2026-11-01",
            "review-outcome": "Right level; needs revision of finance.",
            "review-refresher_training": "Two sessions on budgets.",
        },
    )
    assert response.status_code == 302
    assert LevelReview.objects.get(candidate=candidate).recorded_by == admin
    assert "A level review is due" not in body(
        client.get(url("candidate_detail", centre.pk, candidate.pk))
    )


def test_a_level_review_with_nothing_filled_in_keeps_the_notice_and_shows_the_errors(
    client, centre, admin
):
    candidate = make_candidate(centre, first_attempt_on=datetime.date(2026, 6, 1))
    assessor = approved_staff(centre)
    for day in (1, 2, 3):
        attempted(candidate, "upk-test", datetime.date(2026, 6, day), assessor, outcome="refer")
    client.force_login(admin)
    response = client.post(
        url("level_review_new", centre.pk, candidate.pk),
        {"review-component": component("upk-test").pk},
    )
    assert response.status_code == 400
    assert set(response.context["review_form"].errors) == {
        "reviewed_on",
        "outcome",
        "refresher_training",
    }
    assert not LevelReview.objects.exists()


# --- Evidence downloads (R9.10) ----------------------------------------------------------------


@pytest.fixture
def evidence(centre, admin):
    from accreditation.services import attempt_record

    candidate = make_candidate(centre)
    recorded = attempt_record(
        candidate=candidate,
        component=component("practical"),
        attempted_on=datetime.date(2026, 11, 20),
        assessor=approved_staff(centre),
        outcome="refer",
        by=admin,
        today=TODAY,
        uploads=[SimpleUploadedFile("role-play.mp4", MP4, content_type="video/mp4")],
    )
    return recorded.evidence.get()


def test_evidence_downloads_as_an_attachment_for_the_centre_the_candidate_and_officers(
    client, evidence, admin, other_admin, accreditation_officer
):
    candidate = evidence.attempt.candidate
    other_candidate = make_candidate(candidate.centre)
    for user, status in (
        (admin, 200),
        (candidate.user, 200),
        (accreditation_officer, 200),
        (other_admin, 404),
        (other_candidate.user, 404),
        (UserFactory(), 404),
    ):
        client.force_login(user)
        response = client.get(url("attempt_evidence", evidence.pk))
        assert response.status_code == status, user
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert "role-play.mp4" in response["Content-Disposition"]
            assert response["Content-Type"] == "video/mp4"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == MP4


# --- The candidate's own page ------------------------------------------------------------------


def test_someone_without_a_candidacy_gets_a_friendly_page(client):
    client.force_login(UserFactory())
    response = client.get(url("my_accreditation"))
    assert response.status_code == 200
    assert "You aren't registered for an IMI accreditation" in body(response)


def test_the_candidate_reads_and_accepts_the_code_of_conduct(client, centre):
    candidate = make_candidate(centre, ready=False)
    client.force_login(candidate.user)
    page = body(client.get(url("my_accreditation")))
    assert centre.name in page
    assert "Version 2026.1" in page
    response = client.post(url("accept_code", candidate.pk), {})
    assert response.status_code == 400
    assert "Tick “I agree”" in body(response)
    candidate.refresh_from_db()
    assert candidate.code_accepted_at is None

    response = client.post(url("accept_code", candidate.pk), {"agree": "on"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.code_version.version == "2026.1"
    page = body(client.get(url("my_accreditation")))
    assert "You accepted version 2026.1 on 23 November 2026 at 10:00" in page


def test_only_the_candidate_can_accept_their_code(client, centre, admin, accreditation_officer):
    candidate = make_candidate(centre, ready=False)
    other = make_candidate(centre, ready=False)
    for user in (other.user, admin, accreditation_officer):
        client.force_login(user)
        assert client.post(url("accept_code", candidate.pk), {"agree": "on"}).status_code == 404
    candidate.refresh_from_db()
    assert candidate.code_accepted_at is None


def test_the_candidate_sees_their_countdown_what_is_passed_and_their_award(client, centre):
    candidate = make_candidate(centre, first_attempt_on=datetime.date(2026, 3, 2))
    attempted(candidate, "practical", datetime.date(2026, 3, 2), approved_staff(centre))
    client.force_login(candidate.user)
    page = body(client.get(url("my_accreditation")))
    assert 'data-testid="days-left">99<' in page
    assert "Passed 2 Mar 2026" in page
    assert "To do" in page
    award = Award.objects.create(
        candidate=candidate,
        holder=candidate.user,
        title="IMI Accreditation – Management, level 3",
        awarded_on=TODAY,
        expires_on=datetime.date(2029, 11, 22),
    )
    page = body(client.get(url("my_accreditation")))
    assert award.display_code in page
    assert url("certificate", award.pk) in page


def test_a_centre_devised_route_records_attempts_against_its_approved_assessment(
    client, admin_devised
):
    centre, admin = admin_devised
    candidate = make_candidate(centre)
    assessor = approved_staff(centre, route_code="competence-centre-devised")
    practical = component("practical", "competence-centre-devised")
    approved = CentreDevisedAssessment.objects.create(
        centre=centre,
        route=route("competence-centre-devised"),
        level=level(3),
        replaces=practical,
        title="Workshop observation",
        assessment_type="workplace",
        description="Observed in the workshop.",
        fee=Decimal("250.00"),
        status=CentreDevisedAssessment.Status.APPROVED,
    )
    client.force_login(admin)
    page = body(client.get(url("attempt_new", centre.pk, candidate.pk)))
    assert "Workshop observation" in page  # R9.8: the centre's approved assessments
    response = attempt(client, centre, candidate, component=practical.pk, assessor=assessor.pk)
    assert response.status_code == 400
    assert (
        "approved centre devised assessment"
        in (response.context["form"].errors["devised_assessment"][0])
    )
    response = attempt(
        client,
        centre,
        candidate,
        component=practical.pk,
        assessor=assessor.pk,
        devised_assessment=approved.pk,
    )
    assert response.status_code == 302
    assert Attempt.objects.get().devised_assessment == approved


@pytest.fixture
def admin_devised():
    centre = approved_centre(route_code="competence-centre-devised")
    return centre, centre_admin(centre)


def test_the_window_shows_an_officers_extension_with_its_reason(client, centre, admin):
    candidate = make_candidate(
        centre,
        first_attempt_on=datetime.date(2025, 10, 1),
        window_extended_to=datetime.date(2026, 12, 31),
    )
    WindowExtension.objects.create(
        candidate=candidate,
        previous_end=datetime.date(2026, 9, 30),
        new_end=datetime.date(2026, 12, 31),
        reason="Long illness, with a doctor's letter.",
    )
    client.force_login(admin)
    page = body(client.get(url("candidate_detail", centre.pk, candidate.pk)))
    assert "from 30 Sep 2026 to 31 Dec 2026: Long illness" in page
    assert 'data-testid="days-left">39<' in page  # 23 November to 31 December, inclusive


# --- Internal quality assurance (R9.3) -----------------------------------------------------------


def test_an_iqa_sampling_is_recorded_on_the_attempt_and_a_refusal_shown_on_its_field(
    client, centre, admin, other_admin
):
    candidate = make_candidate(centre)
    assessor = approved_staff(centre)
    iqa = approved_staff(
        centre,
        role=StaffApproval.Role.INTERNAL_QUALITY_ASSURER,
        user=UserFactory(first_name="Ida", last_name="Quality"),
    )
    done = attempted(candidate, "practical", datetime.date(2026, 11, 2), assessor)
    client.force_login(admin)
    page = client.get(url("candidate_detail", centre.pk, candidate.pk))
    assert "not sampled" in body(page)
    assert "Record internal quality assurance" in body(page)
    target = url("attempt_quality_assure", centre.pk, candidate.pk)
    form = {"iqa-attempt": done.pk, "iqa-on": "2026-11-20", "iqa-note": "Judgement sound"}

    refused = client.post(target, form | {"iqa-iqa": assessor.pk})
    assert refused.status_code == 400
    assert (
        "isn't currently approved as an internal quality assurer"
        in (refused.context["quality_form"].errors["iqa"][0])
    )
    assert "Judgement sound" in body(refused)  # what was typed is kept

    # Another centre's administrator can't reach it (404), and nothing is saved.
    client.force_login(other_admin)
    assert client.post(target, form | {"iqa-iqa": iqa.pk}).status_code == 404
    done.refresh_from_db()
    assert done.quality_assured_by is None

    client.force_login(admin)
    saved = client.post(target, form | {"iqa-iqa": iqa.pk}, follow=True)
    assert "Internal quality assurance recorded." in body(saved)
    assert "Ida Quality, 20 Nov 2026" in body(saved)
    done.refresh_from_db()
    assert done.quality_assured_by == iqa and done.quality_note == "Judgement sound"
