"""Accreditation services: every refusal of R9 enforced where the write happens, nothing partial
saved, and the award at the end of the path."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accreditation import services
from accreditation.models import (
    Attempt,
    Award,
    Candidate,
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    CentreMembership,
    Component,
    StaffApproval,
    StatementMapping,
)
from accreditation.selectors import candidate_detail, candidate_progress, statements_for
from tests.accounts.factories import UserFactory
from tests.accreditation.factories import (
    CentreFactory,
    approved_centre,
    approved_staff,
    centre_admin,
    competent_evidence,
    level,
    make_candidate,
    route,
)
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
MARCH = datetime.date(2026, 3, 2)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.fixture
def setting():
    """An approved centre with an approved assessor and invigilator and a ready candidate."""
    centre = approved_centre()
    return {
        "centre": centre,
        "admin": centre_admin(centre),
        "assessor": approved_staff(centre),
        "invigilator": approved_staff(centre, role=StaffApproval.Role.INVIGILATOR),
        "candidate": make_candidate(centre),
    }


def component(code: str, route_code: str = "competence-imi") -> Component:
    return Component.objects.get(route__code=route_code, code=code)


def record(s, code="upk-test", *, on=MARCH, outcome="pass", **kwargs):
    values = {
        "candidate": s["candidate"],
        "component": component(code, s["candidate"].route.code),
        "attempted_on": on,
        "assessor": s["assessor"],
        "invigilator": s["invigilator"],
        "outcome": outcome,
        "by": s["admin"],
        "today": TODAY,
    }
    return services.attempt_record(**(values | kwargs))


def refusal_of(call) -> dict:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.message_dict


# --- Centres (R9.2) ----------------------------------------------------------------------------


def test_a_centre_applies_for_routes_and_levels_and_its_applicant_administers_it():
    user = UserFactory()
    centre = services.centre_apply(
        user=user,
        name="Northern Motors Academy",
        email="hello@northern.test",
        phone="0161 000 0000",
        address="1 Road, Leeds",
        offers=[(route("competence-imi"), level(3)), (route("knowledge-imi"), level(4))],
    )
    assert centre.status == Centre.Status.APPLIED
    assert centre.number.startswith("C")
    assert set(centre.approvals.values_list("status", flat=True)) == {"applied"}
    assert centre.approvals.count() == 2
    assert centre.memberships.get().role == CentreMembership.CentreRole.CENTRE_ADMINISTRATOR
    assert user.has_perm("accounts.manage_centre")


def test_an_application_without_a_route_saves_nothing():
    with pytest.raises(ValidationError):
        services.centre_apply(
            user=UserFactory(), name="X", email="", phone="", address="", offers=[]
        )
    assert not Centre.objects.exists()


def test_the_first_approval_approves_the_centre_and_schedules_its_first_eqa_visit(
    accreditation_officer,
):
    centre = CentreFactory(status=Centre.Status.APPLIED, approved_on=None, assessment_risk="high")
    approval = CentreApproval.objects.create(centre=centre, route=route(), level=level())
    services.centre_approval_decide(
        approval=approval, status="approved", by=accreditation_officer, today=TODAY
    )
    centre.refresh_from_db()
    assert centre.status == Centre.Status.APPROVED
    assert centre.approved_on == TODAY
    assert centre.next_visit_due == datetime.date(2027, 2, 23)  # R9.9: high risk, three months
    approval.refresh_from_db()
    assert approval.decided_by == accreditation_officer


def test_candidates_only_for_approved_routes_and_levels(setting):
    centre = setting["centre"]
    with pytest.raises(ValidationError, match="isn't approved for"):
        services.candidate_register(
            centre=centre,
            email="new@example.test",
            first_name="N",
            last_name="Ew",
            route=route("knowledge-imi"),
            level=level(3),
            by=setting["admin"],
        )
    CentreApproval.objects.filter(centre=centre).update(status=CentreApproval.Status.SUSPENDED)
    with pytest.raises(ValidationError, match="isn't approved for"):
        services.candidate_register(
            centre=centre,
            email="new@example.test",
            first_name="N",
            last_name="Ew",
            route=route(),
            level=level(3),
            by=setting["admin"],
        )
    assert not Candidate.objects.filter(user__email="new@example.test").exists()


def test_a_suspended_centre_registers_no_candidates_and_records_no_attempts(setting):
    services.centre_status_set(centre=setting["centre"], status="suspended", today=TODAY)
    errors = refusal_of(lambda: record(setting))
    assert "suspended" in errors["__all__"][0]


def test_registering_creates_the_account_once_and_refuses_a_second_candidacy(setting):
    args = {
        "centre": setting["centre"],
        "email": "Kim@Example.test",
        "first_name": "Kim",
        "last_name": "Lee",
        "route": route(),
        "level": level(3),
        "by": setting["admin"],
    }
    candidate = services.candidate_register(**args)
    assert candidate.user.email == "Kim@example.test"
    with pytest.raises(ValidationError, match="already a candidate"):
        services.candidate_register(**(args | {"email": "kim@example.test"}))


# --- R9.4 the gate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"ao_registration_number": ""}, "Awarding Organisation"),
        ({"eligibility_confirmed_at": None}, "eligible"),
        ({"code_accepted_at": None}, "Code of Conduct"),
    ],
)
def test_no_assessment_before_registration_eligibility_and_the_code(setting, missing, message):
    Candidate.objects.filter(pk=setting["candidate"].pk).update(**missing)
    errors = refusal_of(lambda: record(setting))
    assert any(message in m for m in errors["__all__"])
    assert not Attempt.objects.exists()


def test_the_candidate_accepts_the_code_and_the_centre_records_the_rest(setting):
    centre = setting["centre"]
    candidate = make_candidate(centre, ready=False)
    now = datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError):
        services.candidate_accept_code(candidate=candidate, user=setting["admin"], at=now)
    services.candidate_accept_code(candidate=candidate, user=candidate.user, at=now)
    services.candidate_record_registration(
        candidate=candidate, number="AO-1", registered_on=TODAY, today=TODAY
    )
    with pytest.raises(ValidationError):
        services.candidate_confirm_eligibility(candidate=candidate, note=" ", by=None, at=now)
    services.candidate_confirm_eligibility(
        candidate=candidate, note="Manager for 3 years", by=setting["admin"], at=now
    )
    assert services.candidate_gate_refusals(candidate) == []
    assert candidate.code_version.version == "2026.1"


# --- R9.3, R9.7 who may assess ------------------------------------------------------------------


def test_an_unapproved_assessor_is_refused(setting):
    stranger = UserFactory()
    errors = refusal_of(lambda: record(setting, assessor=stranger))
    assert "isn't currently approved to assess" in errors["assessor"][0]


def test_an_assessor_approved_for_another_level_is_refused(setting):
    other = approved_staff(setting["centre"], level_number=4)
    errors = refusal_of(lambda: record(setting, assessor=other))
    assert "assessor" in errors


def test_a_removed_assessor_is_refused(setting, accreditation_officer):
    approval = StaffApproval.objects.get(user=setting["assessor"])
    services.staff_approval_remove(approval=approval, by=accreditation_officer, reason="Left")
    errors = refusal_of(lambda: record(setting))
    assert "isn't currently approved" in errors["assessor"][0]


def test_an_online_test_needs_an_approved_invigilator(setting):
    errors = refusal_of(lambda: record(setting, invigilator=None))
    assert "invigilated" in errors["invigilator"][0]
    errors = refusal_of(lambda: record(setting, invigilator=UserFactory()))
    assert "IMI-approved invigilator" in errors["invigilator"][0]
    # The practical assessment isn't an online test: no invigilator kept on it.
    attempt = record(setting, "practical", invigilator=None)
    assert attempt.invigilator is None


def test_approval_needs_the_evidence_of_r9_3(setting, accreditation_officer):
    person = UserFactory()
    approval = services.staff_approval_request(
        centre=setting["centre"],
        user=person,
        role="assessor",
        route=route(),
        level=level(3),
        by=setting["admin"],
    )
    with pytest.raises(ValidationError) as error:
        services.staff_approval_decide(
            approval=approval, approve=True, by=accreditation_officer, today=TODAY
        )
    assert "No assessor award is recorded." in error.value.messages
    competent_evidence(person)
    services.staff_approval_decide(
        approval=approval, approve=True, by=accreditation_officer, today=TODAY
    )
    assert approval.status == StaffApproval.Status.APPROVED
    record(setting, assessor=person)


def test_a_current_registrant_counts_as_keeping_cpd(setting, accreditation_officer):
    person = make_registrant().user
    competent_evidence(person, award=True)
    person.competence_evidence.filter(kind="cpd").delete()
    approval = services.staff_approval_request(
        centre=setting["centre"], user=person, role="iqa", route=route(), level=level(3), by=None
    )
    services.staff_approval_decide(
        approval=approval, approve=True, by=accreditation_officer, today=TODAY
    )
    assert approval.status == StaffApproval.Status.APPROVED


def test_staff_approval_only_for_routes_the_centre_is_approved_for(setting):
    with pytest.raises(ValidationError, match="isn't approved for"):
        services.staff_approval_request(
            centre=setting["centre"],
            user=UserFactory(),
            role="assessor",
            route=route("knowledge-imi"),
            level=level(3),
            by=None,
        )


def test_out_of_date_evidence_is_refused_for_approval(setting, accreditation_officer):
    person = UserFactory()
    competent_evidence(person, dated=datetime.date(2023, 11, 23))  # three years old today
    approval = services.staff_approval_request(
        centre=setting["centre"], user=person, role="iqa", route=route(), level=level(3), by=None
    )
    with pytest.raises(ValidationError, match="last three years"):
        services.staff_approval_decide(
            approval=approval, approve=True, by=accreditation_officer, today=TODAY
        )


# --- R9.5 the window ----------------------------------------------------------------------------


def test_the_first_attempt_opens_the_window_and_a_later_one_outside_it_is_refused(setting):
    record(setting, "upk-test", on=datetime.date(2025, 11, 1), outcome="refer")
    candidate = setting["candidate"]
    candidate.refresh_from_db()
    assert candidate.first_attempt_on == datetime.date(2025, 11, 1)
    record(setting, "upk-test", on=datetime.date(2026, 10, 31))  # day 365
    errors = refusal_of(lambda: record(setting, "practical", on=datetime.date(2026, 11, 1)))
    assert "ended on 31 October 2026" in errors["attempted_on"][0]
    assert not Award.objects.exists()


def test_an_officer_extends_the_window_with_a_reason(setting, accreditation_officer):
    record(setting, "upk-test", on=datetime.date(2025, 11, 1))
    candidate = setting["candidate"]
    candidate.refresh_from_db()
    with pytest.raises(ValidationError):
        services.window_extend(
            candidate=candidate, new_end=datetime.date(2026, 12, 31), reason="", by=None
        )
    with pytest.raises(ValidationError, match="already runs to"):
        services.window_extend(
            candidate=candidate,
            new_end=datetime.date(2026, 10, 1),
            reason="Illness",
            by=accreditation_officer,
        )
    services.window_extend(
        candidate=candidate,
        new_end=datetime.date(2026, 12, 31),
        reason="Hospital stay",
        by=accreditation_officer,
    )
    extension = candidate.extensions.get()
    assert extension.previous_end == datetime.date(2026, 10, 31)
    record(setting, "practical", on=datetime.date(2026, 11, 20), today=TODAY)
    assert Award.objects.get().awarded_on == datetime.date(2026, 11, 20)


def test_an_attempt_cannot_be_in_the_future_or_for_another_route(setting):
    errors = refusal_of(lambda: record(setting, on=TODAY + datetime.timedelta(days=1)))
    assert "future" in errors["attempted_on"][0]
    errors = refusal_of(lambda: record(setting, component=component("project", "knowledge-imi")))
    assert "isn't a component" in errors["component"][0]


# --- R9.6 the fourth online test ----------------------------------------------------------------


def test_a_fourth_online_test_is_blocked_until_a_level_review(setting):
    for day in (1, 2, 3):
        record(setting, on=datetime.date(2026, 3, day), outcome="refer")
    errors = refusal_of(lambda: record(setting, on=datetime.date(2026, 3, 10)))
    assert "Record a review" in errors["component"][0]
    review = services.level_review_record(
        candidate=setting["candidate"],
        component=component("upk-test"),
        reviewed_on=datetime.date(2026, 3, 9),
        outcome="Right level; more practice on finance",
        refresher_training="Two sessions on budgets",
        by=setting["admin"],
        today=TODAY,
    )
    assert review.pk
    record(setting, on=datetime.date(2026, 3, 10))


def test_a_level_review_is_refused_when_not_due(setting):
    record(setting, outcome="refer")
    with pytest.raises(ValidationError, match="only after three unsuccessful"):
        services.level_review_record(
            candidate=setting["candidate"],
            component=component("upk-test"),
            reviewed_on=MARCH,
            outcome="x",
            refresher_training="y",
            by=None,
            today=TODAY,
        )


def test_referrals_of_the_practical_assessment_are_not_limited(setting):
    for day in range(1, 6):
        record(setting, "practical", on=datetime.date(2026, 3, day), outcome="refer")
    assert Attempt.objects.count() == 5


# --- R9.10 evidence -----------------------------------------------------------------------------


def test_video_of_role_play_is_kept_and_other_files_checked(setting, settings):
    attempt = record(
        setting,
        "practical",
        uploads=[
            SimpleUploadedFile("role play.mp4", MP4, "video/mp4"),
            SimpleUploadedFile("../../notes.pdf", PDF, "application/pdf"),
        ],
    )
    names = sorted(attempt.evidence.values_list("original_name", "content_type"))
    assert names == [("notes.pdf", "application/pdf"), ("role play.mp4", "video/mp4")]
    settings.ACCREDITATION_VIDEO_MAX_BYTES = 10
    errors = refusal_of(
        lambda: record(setting, "practical", uploads=[SimpleUploadedFile("v.mp4", MP4)])
    )
    assert "at most" in errors["evidence"][0]
    errors = refusal_of(
        lambda: record(setting, "practical", uploads=[SimpleUploadedFile("x.exe", b"MZ" * 50)])
    )
    assert "isn't a PDF" in errors["evidence"][0]
    assert Attempt.objects.count() == 1


# --- R9.11 the award ----------------------------------------------------------------------------


def test_passing_every_component_in_the_window_awards_the_accreditation(
    setting, django_capture_on_commit_callbacks
):
    record(setting, "upk-test", on=MARCH, outcome="refer")
    record(setting, "upk-test", on=datetime.date(2026, 4, 1))
    assert not Award.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:
        record(setting, "practical", on=datetime.date(2026, 5, 1))
    award = Award.objects.get()
    assert award.holder == setting["candidate"].user
    assert award.awarded_on == datetime.date(2026, 5, 1)
    assert award.expires_on == datetime.date(2029, 4, 30)
    assert len(award.verification_code) == 12
    assert "level 3" in award.title
    assert len(callbacks) == 1  # the award email
    # A later pass doesn't award twice.
    record(setting, "practical", on=datetime.date(2026, 6, 1))
    assert Award.objects.count() == 1


def test_progress_shows_passed_and_to_do_and_the_countdown(setting, django_assert_num_queries):
    record(setting, "upk-test", on=datetime.date(2026, 3, 1), outcome="refer")
    record(setting, "upk-test", on=datetime.date(2026, 3, 5))
    candidate = candidate_detail(Candidate.objects.all()).get(pk=setting["candidate"].pk)
    with django_assert_num_queries(0):
        progress = candidate_progress(candidate=candidate, as_of=datetime.date(2027, 2, 27))
    assert [c.component.code for c in progress.passed] == ["upk-test"]
    assert [c.component.code for c in progress.to_do] == ["practical"]
    assert progress.window_end == datetime.date(2027, 2, 28)
    assert progress.days_left == 2
    assert progress.components[0].unsuccessful == 1


def test_renewal_needs_cpd_on_the_register(setting):
    record(setting, "upk-test")
    record(setting, "practical")
    award = Award.objects.get()
    with pytest.raises(ValidationError, match="isn't on the Professional Register"):
        services.award_renew(award=award, today=TODAY)
    make_registrant(user=award.holder)
    old = award.expires_on
    services.award_renew(award=award, today=TODAY)
    assert award.expires_on == datetime.date(old.year + 3, old.month, old.day)
    assert award.renewed_on == TODAY


# --- R9.8 centre devised assessments -------------------------------------------------------------


@pytest.fixture
def cda_centre():
    return approved_centre(route_code="competence-centre-devised", level_number=3)


def cda_args(centre, **overrides):
    cd_route = route("competence-centre-devised")
    statements = statements_for(route=cd_route, level=level(3))
    values = {
        "centre": centre,
        "route": cd_route,
        "level": level(3),
        "replaces": component("practical", "competence-centre-devised"),
        "title": "Workshop observation",
        "assessment_type": "workplace",
        "description": "Observed in the workshop",
        "fee": Decimal("250.00"),
        "mappings": {s.pk: f"Task {s.code}" for s in statements},
        "by": centre_admin(centre),
    }
    return values | overrides


def test_a_centre_devised_assessment_maps_every_statement_of_its_framework_and_level(cda_centre):
    assessment = services.cda_submit(**cda_args(cda_centre))
    expected = statements_for(route=route("competence-centre-devised"), level=level(3))
    # Level 3 has M1-M5 (M6 isn't at level 3); competence statements only.
    assert expected.count() == 10
    assert set(expected.values_list("framework", flat=True)) == {"competence"}
    assert StatementMapping.objects.filter(assessment=assessment).count() == 10


def test_a_type_mismatch_and_psychometric_tools_are_refused(cda_centre):
    errors = refusal_of(
        lambda: services.cda_submit(**cda_args(cda_centre, assessment_type="assignment"))
    )
    assert "competence assessment can only be replaced" in errors["assessment_type"][0]
    errors = refusal_of(
        lambda: services.cda_submit(**cda_args(cda_centre, assessment_type="psychometric"))
    )
    assert "Psychometric" in errors["assessment_type"][0]
    assert not CentreDevisedAssessment.objects.exists()


def test_a_missing_mapping_or_fee_is_refused(cda_centre):
    args = cda_args(cda_centre)
    first = next(iter(args["mappings"]))
    args["mappings"][first] = ""
    errors = refusal_of(lambda: services.cda_submit(**(args | {"fee": Decimal("0")})))
    assert "Not mapped: M1.C1" in errors["mappings"][0]
    assert "fee" in errors


def test_officers_approve_after_the_fee_is_paid_and_reject_with_a_note(
    cda_centre, accreditation_officer
):
    assessment = services.cda_submit(**cda_args(cda_centre))
    with pytest.raises(ValidationError, match="fee was paid"):
        services.cda_decide(assessment=assessment, approve=True, note="", by=accreditation_officer)
    with pytest.raises(ValidationError):
        services.cda_decide(assessment=assessment, approve=False, note="", by=accreditation_officer)
    assessment.fee_paid_on = TODAY
    services.cda_decide(assessment=assessment, approve=True, note="", by=accreditation_officer)
    assert assessment.status == CentreDevisedAssessment.Status.APPROVED
    with pytest.raises(ValidationError, match="already approved"):
        services.cda_decide(assessment=assessment, approve=False, note="x", by=None)


def test_a_centre_devised_route_assesses_with_an_approved_devised_assessment(
    cda_centre, accreditation_officer
):
    s = {
        "centre": cda_centre,
        "admin": centre_admin(cda_centre),
        "assessor": approved_staff(cda_centre, route_code="competence-centre-devised"),
        "invigilator": None,
        "candidate": make_candidate(cda_centre),
    }
    errors = refusal_of(lambda: record(s, "practical"))
    assert "approved centre devised assessment" in errors["devised_assessment"][0]
    assessment = services.cda_submit(**cda_args(cda_centre))
    assessment.fee_paid_on = TODAY
    services.cda_decide(assessment=assessment, approve=True, note="", by=accreditation_officer)
    attempt = record(s, "practical", devised_assessment=assessment)
    assert attempt.devised_assessment == assessment


# --- R9.9 external quality assurance ------------------------------------------------------------


def test_a_visit_sets_the_ratings_and_the_next_visit(setting):
    centre = setting["centre"]
    eqa = UserFactory()
    visit = services.eqa_visit_record(
        centre=centre,
        visited_on=datetime.date(2026, 10, 1),
        quality_assurer=eqa,
        commercial_risk="low",
        assessment_risk="high",
        findings="Sampling plan thin",
        actions=[("Write a sampling plan", datetime.date(2026, 11, 1))],
        today=TODAY,
    )
    centre.refresh_from_db()
    assert centre.last_visit_on == datetime.date(2026, 10, 1)
    assert centre.next_visit_due == datetime.date(2027, 1, 1)
    assert visit.actions.count() == 1
    services.centre_risk_set(centre=centre, commercial_risk="low", assessment_risk="low")
    assert centre.next_visit_due == datetime.date(2027, 10, 1)


# --- R9.3 internal quality assurance ------------------------------------------------------------


def test_an_approved_iqa_quality_assures_an_attempt_once(setting):
    attempt = record(setting, "practical", invigilator=None)
    iqa = approved_staff(setting["centre"], role=StaffApproval.Role.INTERNAL_QUALITY_ASSURER)
    services.attempt_quality_assure(
        attempt=attempt, iqa=iqa, on=MARCH, note="Sampled: sound judgement", today=TODAY
    )
    attempt.refresh_from_db()
    assert attempt.quality_assured_by == iqa
    errors = refusal_of(
        lambda: services.attempt_quality_assure(
            attempt=attempt, iqa=iqa, on=MARCH, note="", today=TODAY
        )
    )
    assert "already been quality assured" in errors["attempt"][0]


def test_quality_assurance_needs_a_current_iqa_approval_and_not_the_assessor(
    setting, accreditation_officer
):
    attempt = record(setting, "practical", invigilator=None)
    errors = refusal_of(
        lambda: services.attempt_quality_assure(
            attempt=attempt, iqa=UserFactory(), on=MARCH, note="", today=TODAY
        )
    )
    assert "isn't currently approved as an internal quality assurer" in errors["iqa"][0]
    # The assessor, even if also an approved IQA, doesn't quality assure their own assessment.
    approved_staff(
        setting["centre"],
        role=StaffApproval.Role.INTERNAL_QUALITY_ASSURER,
        user=setting["assessor"],
    )
    errors = refusal_of(
        lambda: services.attempt_quality_assure(
            attempt=attempt, iqa=setting["assessor"], on=MARCH, note="", today=TODAY
        )
    )
    assert "own assessment" in errors["iqa"][0]
    iqa = approved_staff(setting["centre"], role=StaffApproval.Role.INTERNAL_QUALITY_ASSURER)
    services.staff_approval_remove(
        approval=StaffApproval.objects.get(user=iqa), by=accreditation_officer, reason="Left"
    )
    errors = refusal_of(
        lambda: services.attempt_quality_assure(
            attempt=attempt, iqa=iqa, on=MARCH - datetime.timedelta(days=1), note="", today=TODAY
        )
    )
    assert "iqa" in errors and "before the attempt" in errors["on"][0]
    attempt.refresh_from_db()
    assert attempt.quality_assured_by is None


def test_attempt_evidence_gets_the_checks_of_cpd_evidence(setting):
    """A PDF with web page code inside, or a PDF named .png, is refused as CPD evidence is
    (cpd.services.evidence_check); nothing is saved."""
    polyglot = PDF + b"<script>alert(1)</script>"
    errors = refusal_of(
        lambda: record(
            setting,
            "practical",
            invigilator=None,
            uploads=[SimpleUploadedFile("report.pdf", polyglot, "application/pdf")],
        )
    )
    assert "web page code" in errors["evidence"][0]
    errors = refusal_of(
        lambda: record(
            setting,
            "practical",
            invigilator=None,
            uploads=[SimpleUploadedFile("photo.png", PDF, "image/png")],
        )
    )
    assert "ends in .png" in errors["evidence"][0]
    assert not Attempt.objects.exists()
