"""Accreditation officers in the admin: every decision through a service, refusals shown for
the row they concern, lists at a fixed number of queries (R9, R10)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accreditation import services
from accreditation.models import (
    Award,
    Candidate,
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    CentreMembership,
    CompetenceEvidence,
    EqaVisit,
    StaffApproval,
    WindowExtension,
)
from tests.accounts.factories import UserFactory
from tests.accreditation.awards import make_award
from tests.accreditation.factories import (
    CentreFactory,
    approved_centre,
    approved_staff,
    competent_evidence,
    level,
    make_candidate,
    route,
)
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


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
def officer_client(client, accreditation_officer):
    return staff_client(client, accreditation_officer)


def url(model, view="changelist", *args) -> str:
    return reverse(f"admin:accreditation_{model._meta.model_name}_{view}", args=args)


def act(client, model, action: str, rows, **extra):
    """Run a changelist action on `rows`, following the redirect to read the messages."""
    data = {"action": action, ACTION_CHECKBOX_NAME: [row.pk for row in rows], **extra}
    return client.post(url(model), data, follow=True)


def shown_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(response) -> dict:
    """What the change form would post back untouched: the main form, then every inline
    formset with its management form."""

    def add(form, data):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    data: dict = {}
    add(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form, data)
        for form in formset.forms:
            add(form, data)
    return data


# --- who may use it ----------------------------------------------------------------------------

ACCREDITATION_MODELS = [
    model for model in admin.site._registry if model._meta.app_label == "accreditation"
]


def test_an_accreditation_officer_opens_every_accreditation_list(officer_client):
    for model in ACCREDITATION_MODELS:
        assert officer_client.get(url(model)).status_code == 200, model


def test_a_register_officer_cannot_open_the_accreditation_admin(client, register_officer):
    staff_client(client, register_officer)
    for model in ACCREDITATION_MODELS:
        assert client.get(url(model)).status_code == 403, model
    award = make_award()
    candidate = award.candidate
    assert client.get(url(Candidate, "extend_window", candidate.pk)).status_code == 403
    response = act(client, Award, "renew", [award])
    assert response.status_code == 403
    assert Award.objects.get(pk=award.pk).renewed_on is None


def test_the_officer_cannot_delete_decisions_or_records(officer_client):
    award = make_award()
    for model, pk in [
        (Centre, award.candidate.centre.pk),
        (Candidate, award.candidate.pk),
        (Award, award.pk),
    ]:
        assert officer_client.get(url(model, "delete", pk)).status_code == 403, model


# --- a fixed number of queries for 1 row and for 20 --------------------------------------------


def _centre_row(i):
    centre = approved_centre(next_visit_due=datetime.date(2026, 10, 1))
    approved_staff(centre)
    return centre


def _staff_row(i):
    centre = approved_centre()
    person = UserFactory()
    competent_evidence(person)
    make_registrant(user=person)
    return StaffApproval.objects.create(
        centre=centre, user=person, role="assessor", route=route(), level=level()
    )


def _evidence_row(i):
    competent_evidence(UserFactory())


def _candidate_row(i):
    make_award() if i % 2 else make_candidate(approved_centre(), first_attempt_on=TODAY)


def _visit_row(i):
    centre = approved_centre()
    services.eqa_visit_record(
        centre=centre,
        visited_on=datetime.date(2026, 6, 1),
        quality_assurer=UserFactory(),
        commercial_risk="low",
        assessment_risk="high",
        findings="Sound records.",
        actions=[("Update the appeals policy", datetime.date(2026, 12, 1))],
        today=TODAY,
    )


def _cda_row(i):
    centre = approved_centre(route_code="competence-centre-devised")
    CentreDevisedAssessment.objects.create(
        centre=centre,
        route=route("competence-centre-devised"),
        level=level(),
        replaces=route("competence-centre-devised").components.get(code="practical"),
        title=f"Workplace observation {i}",
        assessment_type="workplace",
        description="Observed in the workplace.",
        fee=Decimal("250.00"),
    )


@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Centre, _centre_row),
        (CentreApproval, _centre_row),
        (StaffApproval, _staff_row),
        (CompetenceEvidence, _evidence_row),
        (Candidate, _candidate_row),
        (Award, lambda i: make_award()),
        (EqaVisit, _visit_row),
        (CentreDevisedAssessment, _cda_row),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_each_list_takes_the_same_queries_for_one_row_and_twenty(
    officer_client, model, make, django_assert_max_num_queries
):
    make(0)
    officer_client.get(url(model))  # warm the permission and content type caches
    with CaptureQueriesContext(connection) as one:
        assert officer_client.get(url(model)).status_code == 200
    for i in range(1, 20):
        make(i)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = officer_client.get(url(model))
    assert len(response.context["cl"].result_list) >= 19


# --- structure (R9.1, R9.5) --------------------------------------------------------------------


def test_an_officer_makes_a_module_optional_at_a_level(officer_client):
    level_3 = level(3)
    change = url(type(level_3), "change", level_3.pk)
    data = form_data(officer_client.get(change))
    first = level_3.level_modules.filter(mandatory=True).first()
    index = next(
        i for i, lm in enumerate(level_3.level_modules.all()) if lm.pk == first.pk
    )  # the inline lists them in the model's order
    data.pop(f"level_modules-{index}-mandatory")
    response = officer_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    first.refresh_from_db()
    assert first.mandatory is False


def test_an_officer_adds_a_component_to_a_route(officer_client):
    imi = route("knowledge-imi")
    change = url(type(imi), "change", imi.pk)
    data = form_data(officer_client.get(change))
    total = int(data["components-TOTAL_FORMS"])
    data |= {
        "components-TOTAL_FORMS": str(total + 1),
        f"components-{total}-order": "3",
        f"components-{total}-code": "professional-discussion",
        f"components-{total}-name": "Professional discussion",
        f"components-{total}-kind": "knowledge",
    }
    assert officer_client.post(change, data).status_code == 302
    assert imi.components.filter(code="professional-discussion").exists()


# --- centres (R9.2, R9.9) ----------------------------------------------------------------------


def test_the_overdue_filter_and_column_show_centres_past_their_visit(officer_client):
    overdue = approved_centre(name="Late Motors", next_visit_due=datetime.date(2026, 11, 22))
    due_today = approved_centre(name="Today Motors", next_visit_due=TODAY)
    withdrawn = approved_centre(name="Gone Motors", next_visit_due=datetime.date(2026, 1, 1))
    withdrawn.status = Centre.Status.WITHDRAWN
    withdrawn.save()
    response = officer_client.get(url(Centre), {"eqa_overdue": "yes"})
    assert [c.pk for c in response.context["cl"].result_list] == [overdue.pk]
    rows = {c.pk: c for c in officer_client.get(url(Centre)).context["cl"].result_list}
    assert rows[overdue.pk].is_overdue is True
    assert rows[due_today.pk].is_overdue is False


def test_new_risk_ratings_move_the_next_visit_through_the_service(officer_client):
    centre = approved_centre()  # approved 5 January 2026, no visit yet
    change = url(Centre, "change", centre.pk)
    data = form_data(officer_client.get(change))
    data |= {"commercial_risk": "low", "assessment_risk": "high"}
    assert officer_client.post(change, data).status_code == 302
    centre.refresh_from_db()
    assert centre.next_visit_due == datetime.date(2026, 4, 5)  # R9.9: high risk, three months
    data |= {"assessment_risk": "low"}
    officer_client.post(change, data)
    centre.refresh_from_db()
    assert centre.next_visit_due == datetime.date(2027, 1, 5)  # low: twelve months


def test_a_membership_added_in_the_centre_form_gives_the_roles_group(officer_client):
    centre = approved_centre()
    person = UserFactory()
    change = url(Centre, "change", centre.pk)
    data = form_data(officer_client.get(change))
    total = int(data["memberships-TOTAL_FORMS"])
    data |= {
        "memberships-TOTAL_FORMS": str(total + 1),
        f"memberships-{total}-user": str(person.pk),
        f"memberships-{total}-role": "invigilator",
    }
    assert officer_client.post(change, data).status_code == 302
    assert person.groups.filter(name="Invigilator").exists()


def test_a_role_changed_in_the_centre_form_moves_the_group_too(officer_client):
    centre = approved_centre()
    person = approved_staff(centre, role=StaffApproval.Role.INVIGILATOR)
    change = url(Centre, "change", centre.pk)
    response = officer_client.get(change)
    data = form_data(response)
    forms = response.context["inline_admin_formsets"][1].formset.forms
    index = next(i for i, f in enumerate(forms) if f.instance.user_id == person.pk)
    data[f"memberships-{index}-role"] = "assessor"
    assert officer_client.post(change, data).status_code == 302
    roles = set(CentreMembership.objects.filter(user=person).values_list("role", flat=True))
    assert roles == {"assessor"}
    assert set(person.groups.values_list("name", flat=True)) == {"Assessor"}


def test_officers_suspend_withdraw_and_reinstate_whole_centres(officer_client):
    centre = approved_centre()
    act(officer_client, Centre, "suspend_centres", [centre])
    centre.refresh_from_db()
    assert centre.status == Centre.Status.SUSPENDED
    act(officer_client, Centre, "reinstate_centres", [centre])
    centre.refresh_from_db()
    assert centre.status == Centre.Status.APPROVED
    act(officer_client, Centre, "withdraw_centres", [centre])
    centre.refresh_from_db()
    assert centre.status == Centre.Status.WITHDRAWN


def test_reinstating_a_centre_that_only_applied_is_refused_with_a_message(officer_client):
    applied = CentreFactory(status=Centre.Status.APPLIED, approved_on=None, name="New Motors")
    suspended = CentreFactory(status=Centre.Status.SUSPENDED)
    response = act(officer_client, Centre, "reinstate_centres", [applied, suspended])
    texts = shown_messages(response)
    assert any("New Motors" in t and "has only applied" in t for t in texts)
    assert "Reinstated 1 centre." in texts
    applied.refresh_from_db()
    suspended.refresh_from_db()
    assert applied.status == Centre.Status.APPLIED
    assert suspended.status == Centre.Status.APPROVED


# --- centre approvals (R9.2) -------------------------------------------------------------------


def test_approving_a_first_route_approves_the_centre_and_schedules_its_visit(officer_client):
    applicant = UserFactory()
    centre = services.centre_apply(
        user=applicant,
        name="Fresh Start Training",
        email="hello@fresh.example",
        phone="",
        address="",
        offers=[(route(), level(3)), (route("knowledge-imi"), level(4))],
    )
    competence, knowledge = centre.approvals.order_by("route__framework")
    response = officer_client.get(url(CentreApproval), {"status__exact": "applied"})
    assert {a.pk for a in response.context["cl"].result_list} == {competence.pk, knowledge.pk}
    response = act(officer_client, CentreApproval, "approve", [competence])
    assert "Approved 1." in shown_messages(response)
    centre.refresh_from_db()
    assert centre.status == Centre.Status.APPROVED
    assert centre.approved_on == TODAY
    assert centre.next_visit_due == datetime.date(2027, 5, 23)  # medium risk: six months
    competence.refresh_from_db()
    assert competence.decided_by.pk == response.wsgi_request.user.pk
    act(officer_client, CentreApproval, "withdraw", [knowledge])
    act(officer_client, CentreApproval, "suspend", [competence])
    assert set(centre.approvals.values_list("status", flat=True)) == {"withdrawn", "suspended"}


def test_an_approval_is_read_not_edited_on_its_page(officer_client):
    approval = approved_centre().approvals.get()
    response = officer_client.get(url(CentreApproval, "change", approval.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


# --- staff approvals (R9.3, R9.7, R10.3) -------------------------------------------------------


@pytest.fixture
def requests_():
    centre = approved_centre(name="Hilltop Training")
    ready = UserFactory(first_name="Ready", last_name="Assessor")
    competent_evidence(ready)
    no_award = UserFactory(first_name="Noaward", last_name="Person")
    competent_evidence(no_award, award=False)
    made = {}
    for name, person in (("ready", ready), ("no_award", no_award)):
        made[name] = services.staff_approval_request(
            centre=centre, user=person, role="assessor", route=route(), level=level(), by=person
        )
    return made


def test_approving_checks_r9_3_per_row_and_shows_each_refusal(officer_client, requests_):
    response = act(
        officer_client, StaffApproval, "approve", [requests_["ready"], requests_["no_award"]]
    )
    texts = shown_messages(response)
    assert "Approved 1 request." in texts
    refusal = next(t for t in texts if "Noaward Person" in t)
    assert "was not approved" in refusal and "No assessor award is recorded." in refusal
    assert StaffApproval.objects.get(pk=requests_["ready"].pk).status == "approved"
    assert StaffApproval.objects.get(pk=requests_["no_award"].pk).status == "requested"


def test_officers_reject_a_request(officer_client, requests_):
    act(officer_client, StaffApproval, "reject", [requests_["no_award"]])
    assert StaffApproval.objects.get(pk=requests_["no_award"].pk).status == "rejected"


def test_removing_an_approval_asks_for_the_reason_and_keeps_it(officer_client, requests_):
    approval = requests_["ready"]
    services.staff_approval_decide(approval=approval, approve=True, by=approval.user, today=TODAY)
    asked = act(officer_client, StaffApproval, "remove_approval", [approval])
    assert asked.templates[0].name == "admin/accreditation/reason.html"
    assert "Ready Assessor" in asked.content.decode()

    empty = act(officer_client, StaffApproval, "remove_approval", [approval], confirm="yes")
    assert "Give the reason" in empty.content.decode()
    assert StaffApproval.objects.get(pk=approval.pk).status == "approved"

    done = act(
        officer_client,
        StaffApproval,
        "remove_approval",
        [approval],
        confirm="yes",
        reason="Left the centre in October.",
    )
    assert any("Removed 1 approval." in t for t in shown_messages(done))
    approval.refresh_from_db()
    assert approval.status == StaffApproval.Status.REMOVED
    assert approval.note == "Left the centre in October."


def test_removing_an_approval_that_is_only_requested_is_refused(officer_client, requests_):
    response = act(
        officer_client,
        StaffApproval,
        "remove_approval",
        [requests_["ready"]],
        confirm="yes",
        reason="Mistake.",
    )
    assert any("Only a current approval can be removed." in t for t in shown_messages(response))
    assert StaffApproval.objects.get(pk=requests_["ready"].pk).status == "requested"


def test_the_list_shows_evidence_out_of_date_and_the_persons_cpd_status(officer_client):
    centre = approved_centre()
    registrant_assessor = UserFactory()
    competent_evidence(registrant_assessor)
    CompetenceEvidence.objects.create(
        user=registrant_assessor,
        kind="experience",
        title="Workshop controller",
        dated=datetime.date(2023, 11, 23),  # exactly three years ago: out of date (R10.3)
        level=3,
    )
    make_registrant(user=registrant_assessor)
    outsider = UserFactory()
    for person in (registrant_assessor, outsider):
        StaffApproval.objects.create(
            centre=centre, user=person, role="assessor", route=route(), level=level()
        )
    response = officer_client.get(url(StaffApproval))
    body = response.content.decode()
    assert "4 items, 1 out of date" in body
    assert "Professional Register: Current" in body
    assert "None recorded" in body and "Not on the Professional Register" in body


def test_the_approval_page_lists_the_evidence_and_what_stops_approval(officer_client, requests_):
    response = officer_client.get(url(StaffApproval, "change", requests_["no_award"].pk))
    body = response.content.decode()
    assert "Service manager" in body  # the evidence
    assert "No assessor award is recorded." in body


def test_the_evidence_list_filters_what_is_out_of_date(officer_client):
    person = UserFactory()
    stale = CompetenceEvidence.objects.create(
        user=person, kind="cpd", title="Old CPD", dated=datetime.date(2023, 11, 23)
    )
    fresh = CompetenceEvidence.objects.create(
        user=person, kind="cpd", title="Recent CPD", dated=datetime.date(2023, 11, 24)
    )
    award = CompetenceEvidence.objects.create(
        user=person, kind="assessor_award", title="CAVA", dated=datetime.date(2010, 1, 1)
    )
    response = officer_client.get(url(CompetenceEvidence), {"out_of_date": "yes"})
    assert [e.pk for e in response.context["cl"].result_list] == [stale.pk]
    response = officer_client.get(url(CompetenceEvidence), {"out_of_date": "no"})
    assert {e.pk for e in response.context["cl"].result_list} == {fresh.pk, award.pk}


# --- external quality assurance (R9.9) ---------------------------------------------------------


def test_recording_a_visit_sets_the_ratings_and_the_next_visit(officer_client):
    centre = approved_centre()
    assurer = UserFactory()
    add = url(EqaVisit, "add")
    data = form_data(officer_client.get(add, {"centre": centre.pk}))
    assert data["centre"] == str(centre.pk)
    data |= {
        "visited_on": "2026-11-02",
        "quality_assurer": str(assurer.pk),
        "commercial_risk": "high",
        "assessment_risk": "low",
        "findings": "Assessment records incomplete for two candidates.",
        "actions-0-description": "Complete the records",
        "actions-0-due_on": "2026-12-15",
    }
    response = officer_client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    visit = EqaVisit.objects.get()
    assert visit.actions.get().description == "Complete the records"
    centre.refresh_from_db()
    assert (centre.commercial_risk, centre.assessment_risk) == ("high", "low")
    assert centre.last_visit_on == datetime.date(2026, 11, 2)
    assert centre.next_visit_due == datetime.date(2027, 2, 2)  # high: three months


def test_a_visit_in_the_future_is_refused_on_its_field_and_nothing_saved(officer_client):
    centre = approved_centre()
    add = url(EqaVisit, "add")
    data = form_data(officer_client.get(add, {"centre": centre.pk}))
    data |= {
        "visited_on": "2026-12-01",
        "quality_assurer": str(UserFactory().pk),
        "findings": "Planned.",
    }
    response = officer_client.post(add, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["visited_on"] == ["The visit date can't be in the future."]
    assert form["findings"].value() == "Planned."
    assert not EqaVisit.objects.exists()


# --- centre devised assessments (R9.8) ---------------------------------------------------------


@pytest.fixture
def cda():
    _cda_row(0)
    return CentreDevisedAssessment.objects.get()


def decide(client, cda, **changes):
    change = url(CentreDevisedAssessment, "change", cda.pk)
    data = form_data(client.get(change)) | changes
    return client.post(change, data)


def test_approval_needs_the_fee_paid_first(officer_client, cda):
    response = decide(officer_client, cda, decision="approve")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["fee_paid_on"] == [
        "Record when the approval fee was paid first (R9.8)."
    ]
    cda.refresh_from_db()
    assert cda.status == "submitted"
    response = decide(officer_client, cda, decision="approve", fee_paid_on="2026-11-20")
    assert response.status_code == 302
    cda.refresh_from_db()
    assert cda.status == "approved" and cda.fee_paid_on == datetime.date(2026, 11, 20)
    assert cda.decided_by is not None


def test_rejection_needs_a_note(officer_client, cda):
    response = decide(officer_client, cda, decision="reject")
    assert response.context["adminform"].form.errors["decision_note"] == [
        "Say why the assessment is rejected."
    ]
    decide(officer_client, cda, decision="reject", decision_note="Role play isn't mapped to M2.")
    cda.refresh_from_db()
    assert cda.status == "rejected" and cda.decision_note == "Role play isn't mapped to M2."


def test_the_fee_is_recorded_without_a_decision(officer_client, cda):
    decide(officer_client, cda, fee="300.00")
    cda.refresh_from_db()
    assert cda.fee == Decimal("300.00") and cda.status == "submitted"


def test_a_decided_assessment_shows_its_decision_read_only(officer_client, cda):
    services.cda_decide(assessment=cda, approve=False, note="Not mapped.", by=UserFactory())
    response = officer_client.get(url(CentreDevisedAssessment, "change", cda.pk))
    body = response.content.decode()
    assert 'name="decision"' not in body and 'name="decision_note"' not in body
    assert "Not mapped." in body
    decide(officer_client, cda, decision="approve", fee_paid_on="2026-11-20")
    cda.refresh_from_db()
    assert cda.status == "rejected"  # a decision stands


# --- candidates: extending the window (R9.5) ---------------------------------------------------


@pytest.fixture
def candidate():
    return make_candidate(approved_centre(), first_attempt_on=datetime.date(2026, 3, 2))


def test_an_officer_extends_a_window_with_a_reason(officer_client, candidate):
    page = url(Candidate, "extend_window", candidate.pk)
    change = officer_client.get(url(Candidate, "change", candidate.pk))
    assert page in change.content.decode()  # the button on the candidate's page
    assert "1 March 2027" in officer_client.get(page).content.decode()  # the current end
    response = officer_client.post(
        page, {"new_end": "2027-05-31", "reason": "Long illness, with a doctor's letter."}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.window_extended_to == datetime.date(2027, 5, 31)
    extension = WindowExtension.objects.get(candidate=candidate)
    assert extension.previous_end == datetime.date(2027, 3, 1)
    assert extension.reason == "Long illness, with a doctor's letter."


def test_an_extension_that_is_not_later_is_refused_on_its_field(officer_client, candidate):
    page = url(Candidate, "extend_window", candidate.pk)
    response = officer_client.post(page, {"new_end": "2027-03-01", "reason": "Illness."})
    assert response.status_code == 200
    form = response.context["form"]
    assert "already runs to 1 March 2027" in form.errors["new_end"][0]
    assert form["reason"].value() == "Illness."
    response = officer_client.post(page, {"new_end": "2027-05-31", "reason": "  "})
    assert response.context["form"].errors["reason"]
    assert not WindowExtension.objects.exists()


def test_a_window_that_has_not_started_cannot_be_extended(officer_client):
    candidate = make_candidate(approved_centre())
    page = url(Candidate, "extend_window", candidate.pk)
    response = officer_client.post(page, {"new_end": "2027-05-31", "reason": "Illness."})
    assert "there is none yet" in " ".join(response.context["form"].non_field_errors())


def test_the_candidate_list_shows_the_window_end_and_the_award(officer_client):
    award = make_award()
    Candidate.objects.filter(pk=award.candidate.pk).update(
        first_attempt_on=datetime.date(2026, 3, 2), window_extended_to=datetime.date(2027, 4, 30)
    )
    response = officer_client.get(url(Candidate), {"awarded": "yes"})
    (row,) = response.context["cl"].result_list
    admin_ = response.context["cl"].model_admin
    assert admin_.window_ends(row) == "30 Apr 2027"
    assert admin_.awarded(row) is True
    assert officer_client.get(url(Candidate), {"awarded": "no"}).context["cl"].result_count == 0


# --- awards (R9.11) ----------------------------------------------------------------------------


def test_renewal_is_refused_unless_the_holder_is_a_current_registrant(officer_client):
    outsider = make_award()
    registrant = make_award()
    make_registrant(user=registrant.holder)
    response = act(officer_client, Award, "renew", [outsider, registrant])
    texts = shown_messages(response)
    assert any("was not renewed" in t and "isn't on the Professional Register" in t for t in texts)
    assert "Renewed 1 accreditation for three more years." in texts
    outsider.refresh_from_db()
    registrant.refresh_from_db()
    assert outsider.expires_on == datetime.date(2029, 4, 30)
    assert registrant.expires_on == datetime.date(2032, 4, 30)
    assert registrant.renewed_on == TODAY


def test_revoking_needs_a_reason(officer_client):
    award = make_award()
    asked = act(officer_client, Award, "revoke", [award])
    assert asked.templates[0].name == "admin/accreditation/reason.html"
    act(officer_client, Award, "revoke", [award], confirm="yes", reason="")
    assert Award.objects.get(pk=award.pk).revoked_at is None
    act(officer_client, Award, "revoke", [award], confirm="yes", reason="False statement.")
    award.refresh_from_db()
    assert award.revoked_at is not None and award.revoked_reason == "False statement."


def test_the_award_list_shows_each_status_and_finds_a_printed_code(officer_client):
    valid = make_award()
    expired = make_award(awarded_on=datetime.date(2023, 11, 1))  # valid until 31 October 2026
    revoked = make_award(revoked=True)
    response = officer_client.get(url(Award))
    admin_ = response.context["cl"].model_admin
    statuses = {a.pk: admin_.status(a) for a in response.context["cl"].result_list}
    assert statuses == {valid.pk: "Valid", expired.pk: "Expired", revoked.pk: "Revoked"}
    for status, award in (("valid", valid), ("expired", expired), ("revoked", revoked)):
        listed = officer_client.get(url(Award), {"status": status}).context["cl"].result_list
        assert [a.pk for a in listed] == [award.pk]
    found = officer_client.get(url(Award), {"q": valid.display_code.lower()})
    assert [a.pk for a in found.context["cl"].result_list] == [valid.pk]


def test_the_award_page_links_the_certificate_and_the_verification_page(officer_client):
    award = make_award()
    body = officer_client.get(url(Award, "change", award.pk)).content.decode()
    assert reverse("accreditation:certificate", args=[award.pk]) in body
    assert reverse("accreditation:verify_code", args=[award.display_code]) in body
