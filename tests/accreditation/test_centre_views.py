"""The centre pages in the browser's place (Django client): each page renders, each form's
success and refusal, access both ways (another centre's administrator gets a 404, a plain
assessor can't manage, an officer can see), and list pages at a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accreditation import rules, services
from accreditation.models import (
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    CentreMembership,
    CompetenceEvidence,
    Component,
    StaffApproval,
    StatementMapping,
)
from accreditation.selectors import statements_for
from cpd.models import Qualification
from tests.accounts.factories import UserFactory
from tests.accreditation.factories import (
    approved_centre,
    approved_staff,
    centre_admin,
    competent_evidence,
    level,
    route,
)
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def today() -> datetime.date:
    return timezone.localdate()


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def centre():
    return approved_centre()


@pytest.fixture
def admin_client(client, centre):
    client.force_login(centre_admin(centre))
    return client


def seed_003() -> Qualification:
    return Qualification.objects.get(accreditation_number="600/5787/7")


def offer(route_code: str, level_number: int) -> str:
    return f"{route(route_code).pk}-{level_number}"


# --- Apply (R9.2) ------------------------------------------------------------------------------

APPLICATION = {
    "name": "Northfield Motor Academy",
    "email": "centre@northfield.example",
    "phone": "0121 496 0000",
    "address": "1 Garage Lane\nBirmingham",
}


def test_a_visitor_is_asked_to_log_in_before_applying(client):
    response = client.get(reverse("accreditation:centre_apply"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_application_form_shows_a_grid_of_every_route_and_level(client, user):
    client.force_login(user)
    response = client.get(reverse("accreditation:centre_apply"))
    assert response.status_code == 200
    page = body(response)
    assert page.count('type="checkbox" name="offers"') == 4 * 3  # 4 routes x 3 levels
    assert "Knowledge – centre devised assessments" in page


def test_a_user_applies_for_a_centre_and_becomes_its_administrator(client, user):
    client.force_login(user)
    data = APPLICATION | {"offers": [offer("competence-imi", 3), offer("knowledge-imi", 4)]}
    response = client.post(reverse("accreditation:centre_apply"), data, follow=True)
    centre = Centre.objects.get(name="Northfield Motor Academy")
    assert response.redirect_chain[-1][0] == reverse(
        "accreditation:centre_detail", args=[centre.pk]
    )
    assert centre.status == Centre.Status.APPLIED
    assert sorted(centre.approvals.values_list("route__code", "level__number", "status")) == [
        ("competence-imi", 3, "applied"),
        ("knowledge-imi", 4, "applied"),
    ]
    assert centre.memberships.get().user == user
    page = body(response)
    assert "the IMI will review" in page
    assert page.count("badge") >= 3  # the centre and its two approvals, each "Applied"


def test_an_application_without_a_route_is_refused_and_keeps_what_was_typed(client, user):
    client.force_login(user)
    response = client.post(reverse("accreditation:centre_apply"), APPLICATION)
    assert response.status_code == 200
    assert response.context["form"].errors["offers"] == [
        "Choose at least one route and level to apply for."
    ]
    assert 'value="Northfield Motor Academy"' in body(response)
    assert not Centre.objects.exists()


def test_an_application_with_a_bad_email_keeps_the_ticked_routes(client, user):
    client.force_login(user)
    data = APPLICATION | {"email": "not-an-email", "offers": [offer("knowledge-imi", 5)]}
    response = client.post(reverse("accreditation:centre_apply"), data)
    assert "email" in response.context["form"].errors
    ticked = f'value="{offer("knowledge-imi", 5)}" aria-label="{route("knowledge-imi")} at level 5"'
    assert f"{ticked} checked" in body(response)
    assert not Centre.objects.exists()


# --- My centre ---------------------------------------------------------------------------------


def test_someone_without_a_centre_is_invited_to_apply(client, user):
    client.force_login(user)
    response = client.get(reverse("accreditation:my_centre"))
    assert response.status_code == 200
    assert reverse("accreditation:centre_apply") in body(response)
    assert "You don't work for an assessment centre yet" in body(response)


def test_my_centre_links_to_each_of_my_centres(client, centre):
    admin = centre_admin(centre)
    other = approved_centre()
    services.centre_membership_add(
        centre=other, user=admin, role=CentreMembership.CentreRole.ASSESSOR
    )
    client.force_login(admin)
    page = body(client.get(reverse("accreditation:my_centre")))
    for c in (centre, other):
        assert reverse("accreditation:centre_detail", args=[c.pk]) in page


# --- Centre page (R9.2, R9.9) ------------------------------------------------------------------


def test_the_centre_page_shows_approvals_and_eqa_summary(admin_client, centre):
    visit = services.eqa_visit_record(
        centre=centre,
        visited_on=today() - datetime.timedelta(days=30),
        quality_assurer=UserFactory(first_name="Erin", last_name="Quayle"),
        commercial_risk="low",
        assessment_risk="high",
        findings="Assessment records incomplete for two candidates.",
        actions=[("Complete the assessment records", today() + datetime.timedelta(days=14))],
        today=today(),
    )
    centre.external_quality_assurer = visit.quality_assurer
    centre.save()
    response = admin_client.get(reverse("accreditation:centre_detail", args=[centre.pk]))
    page = body(response)
    assert response.status_code == 200
    assert "Competence – IMI assessment tools in the workplace" in page
    assert '<span class="badge badge-approved">Approved</span>' in page
    assert "Erin Quayle" in page
    assert "Assessment records incomplete" in page
    assert "Complete the assessment records" in page
    # R9.9: high risk, visited 30 days ago: next visit three months after it.
    assert f"{centre.next_visit_due:%-d %b %Y}" in page
    assert "Apply for another route and level" in page
    assert reverse("accreditation:centre_people", args=[centre.pk]) in page
    assert reverse("accreditation:cda_list", args=[centre.pk]) in page
    assert reverse("accreditation:centre_qualifications", args=[centre.pk]) in page


def test_an_administrator_applies_for_another_route_and_level(admin_client, centre):
    url = reverse("accreditation:centre_detail", args=[centre.pk])
    response = admin_client.post(
        url, {"route": route("knowledge-centre-devised").pk, "level": level(4).pk}, follow=True
    )
    assert "the IMI will review it" in body(response)
    approval = centre.approvals.get(route__code="knowledge-centre-devised")
    assert (approval.level.number, approval.status) == (4, CentreApproval.Status.APPLIED)


def test_applying_again_for_an_approved_route_is_refused_on_the_form(admin_client, centre):
    url = reverse("accreditation:centre_detail", args=[centre.pk])
    response = admin_client.post(url, {"route": route().pk, "level": level(3).pk})
    assert response.status_code == 200
    assert "already has" in str(response.context["form"].errors["route"])
    assert centre.approvals.count() == 1


def test_an_assessor_sees_the_centre_but_cannot_apply_for_routes(client, centre):
    client.force_login(approved_staff(centre))
    url = reverse("accreditation:centre_detail", args=[centre.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Apply for another route and level" not in body(response)
    assert reverse("accreditation:centre_people", args=[centre.pk]) not in body(response)
    posted = client.post(url, {"route": route("knowledge-imi").pk, "level": level(3).pk})
    assert posted.status_code == 404
    assert centre.approvals.count() == 1


def test_an_officer_sees_any_centre(client, centre, accreditation_officer):
    client.force_login(accreditation_officer)
    for name in ("centre_detail", "centre_people", "cda_list", "centre_qualifications"):
        assert client.get(reverse(f"accreditation:{name}", args=[centre.pk])).status_code == 200


def every_centre_url(centre, person, evidence, assessment, membership) -> list[str]:
    c = centre.pk
    return [
        reverse("accreditation:centre_detail", args=[c]),
        reverse("accreditation:centre_people", args=[c]),
        reverse("accreditation:centre_membership_remove", args=[c, membership.pk]),
        reverse("accreditation:centre_person", args=[c, person.pk]),
        reverse("accreditation:competence_evidence_file", args=[c, person.pk, evidence.pk]),
        reverse("accreditation:centre_qualifications", args=[c]),
        reverse("accreditation:cda_list", args=[c]),
        reverse("accreditation:cda_new", args=[c]),
        reverse("accreditation:cda_detail", args=[c, assessment.pk]),
    ]


@pytest.fixture
def furnished(centre):
    """A centre with a person who has evidence with a file, and a devised assessment."""
    person = approved_staff(centre)
    evidence = services.competence_evidence_add(
        user=person,
        kind="experience",
        title="Service manager",
        dated=today() - datetime.timedelta(days=100),
        level=3,
        upload=SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf"),
        by=centre_admin(centre),
        today=today(),
    )
    assessment = CentreDevisedAssessment.objects.create(
        centre=centre,
        route=route("competence-centre-devised"),
        level=level(3),
        replaces=Component.objects.get(route__code="competence-centre-devised", code="practical"),
        title="Workplace observation",
        assessment_type="workplace",
        description="Observed over two shifts.",
        fee=Decimal("250.00"),
    )
    membership = centre.memberships.get(user=person)
    return person, evidence, assessment, membership


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_centres_administrator_gets_404_for_every_centre_url(
    client, centre, furnished, method
):
    other = approved_centre()
    client.force_login(centre_admin(other))
    for url in every_centre_url(centre, *furnished):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
    assert CentreMembership.objects.filter(pk=furnished[3].pk).exists()


def test_a_plain_assessor_cannot_manage_people(client, centre, furnished):
    person, evidence, assessment, membership = furnished
    client.force_login(approved_staff(centre))  # another assessor at the same centre
    c = centre.pk
    for url in [
        reverse("accreditation:centre_people", args=[c]),
        reverse("accreditation:centre_membership_remove", args=[c, membership.pk]),
        reverse("accreditation:centre_person", args=[c, person.pk]),
        reverse("accreditation:competence_evidence_file", args=[c, person.pk, evidence.pk]),
        reverse("accreditation:cda_new", args=[c]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"confirm": "yes", "action": "add"}).status_code == 404, url
    assert CentreMembership.objects.filter(pk=membership.pk).exists()
    # ...but sees what any member of the centre sees.
    for url in [
        reverse("accreditation:centre_detail", args=[c]),
        reverse("accreditation:cda_list", args=[c]),
        reverse("accreditation:cda_detail", args=[c, assessment.pk]),
        reverse("accreditation:centre_qualifications", args=[c]),
    ]:
        assert client.get(url).status_code == 200, url


# --- People (R9.3, R10.3) ----------------------------------------------------------------------


def test_the_people_page_shows_roles_approvals_evidence_and_register_status(admin_client, centre):
    assessor = approved_staff(centre, user=UserFactory(first_name="Asha", last_name="Patel"))
    competent_evidence(assessor, dated=today() - datetime.timedelta(days=100))
    make_registrant(user=assessor)
    stale = approved_staff(
        centre,
        role=StaffApproval.Role.INTERNAL_QUALITY_ASSURER,
        user=UserFactory(first_name="Ivor", last_name="Old"),
    )
    CompetenceEvidence.objects.create(
        user=stale, kind="cpd", title="CPD log", dated=today() - datetime.timedelta(days=4 * 365)
    )
    response = admin_client.get(reverse("accreditation:centre_people", args=[centre.pk]))
    page = body(response)
    assert response.status_code == 200
    assert "Asha Patel" in page and "Ivor Old" in page
    assert "Assessor: Competence – IMI assessment tools in the workplace, level 3" in page
    assert "Internal quality assurer: Competence" in page
    assert '<span class="badge badge-ok">Current</span>' in page  # R9.3: their own CPD status
    assert "1 out of date" in page  # R10.3
    assert "Not on the register" in page


def test_the_people_page_shows_cpd_not_met_beside_the_approval(admin_client, centre):
    from register.models import Registrant

    assessor = approved_staff(centre)
    registrant = make_registrant(user=assessor)
    registrant.status = Registrant.Status.CPD_NOT_MET
    registrant.save()
    page = body(admin_client.get(reverse("accreditation:centre_people", args=[centre.pk])))
    assert '<span class="badge badge-warn">CPD requirement not met</span>' in page


# The page's own reads plus the session, user, permissions and navigation of every page.
PEOPLE_QUERIES = 12
CDA_LIST_QUERIES = 8
CENTRE_PAGE_QUERIES = 15


def test_the_people_page_is_constant_in_queries(
    admin_client, centre, django_assert_max_num_queries
):
    url = reverse("accreditation:centre_people", args=[centre.pk])
    admin_client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(PEOPLE_QUERIES) as one:
        assert admin_client.get(url).status_code == 200
    for _ in range(20):
        person = approved_staff(centre)
        competent_evidence(person)
        make_registrant(user=person)
    with django_assert_max_num_queries(PEOPLE_QUERIES) as many:
        response = admin_client.get(url)
    assert body(response).count('data-label="Person"') == 21
    assert len(many.captured_queries) == len(one.captured_queries)


def test_an_administrator_adds_a_person_with_a_new_account(admin_client, centre):
    url = reverse("accreditation:centre_people", args=[centre.pk])
    response = admin_client.post(
        url,
        {
            "action": "add",
            "add-email": "new.assessor@example.org",
            "add-first_name": "Nia",
            "add-last_name": "Evans",
            "add-role": "assessor",
        },
        follow=True,
    )
    assert "Added Nia Evans as assessor." in body(response)
    membership = centre.memberships.get(user__email="new.assessor@example.org")
    assert membership.role == "assessor"


def test_adding_someone_twice_in_the_same_role_is_refused_on_the_email(admin_client, centre):
    person = approved_staff(centre)
    url = reverse("accreditation:centre_people", args=[centre.pk])
    response = admin_client.post(
        url,
        {
            "action": "add",
            "add-email": person.email,
            "add-first_name": person.first_name,
            "add-last_name": person.last_name,
            "add-role": "assessor",
        },
    )
    assert response.status_code == 200
    assert response.context["add_form"].errors["email"] == [
        f"{person} is already an assessor at this centre."
    ]
    assert f'value="{person.email}"' in body(response)


def test_a_bad_email_adds_nobody(admin_client, centre):
    before = CentreMembership.objects.count()
    response = admin_client.post(
        reverse("accreditation:centre_people", args=[centre.pk]),
        {"action": "add", "add-email": "nope", "add-first_name": "A", "add-last_name": "B"},
    )
    assert set(response.context["add_form"].errors) == {"email", "role"}
    assert CentreMembership.objects.count() == before


def test_an_administrator_asks_for_an_assessor_approval(admin_client, centre):
    person = UserFactory()
    services.centre_membership_add(centre=centre, user=person, role="assessor")
    response = admin_client.post(
        reverse("accreditation:centre_people", args=[centre.pk]),
        {
            "action": "approval",
            "approval-person": person.pk,
            "approval-role": "assessor",
            "approval-route": route().pk,
            "approval-level": level(3).pk,
        },
        follow=True,
    )
    assert (
        "approval as assessor for Competence – IMI assessment tools in the workplace at level 3"
        in body(response)
    )
    approval = StaffApproval.objects.get(user=person)
    assert (approval.status, approval.route, approval.level.number) == ("requested", route(), 3)


def test_an_approval_for_a_route_the_centre_isnt_approved_for_is_refused(admin_client, centre):
    person = UserFactory()
    services.centre_membership_add(centre=centre, user=person, role="assessor")
    CentreApproval.objects.create(centre=centre, route=route("knowledge-imi"), level=level(3))
    response = admin_client.post(
        reverse("accreditation:centre_people", args=[centre.pk]),
        {
            "action": "approval",
            "approval-person": person.pk,
            "approval-role": "assessor",
            "approval-route": route().pk,
            "approval-level": level(4).pk,  # not a level the centre is approved for
        },
    )
    assert "level" in response.context["approval_form"].errors
    assert not StaffApproval.objects.filter(user=person).exists()


def test_an_assessor_approval_needs_a_route_and_level(admin_client, centre):
    person = UserFactory()
    services.centre_membership_add(centre=centre, user=person, role="assessor")
    response = admin_client.post(
        reverse("accreditation:centre_people", args=[centre.pk]),
        {"action": "approval", "approval-person": person.pk, "approval-role": "iqa"},
    )
    assert response.context["approval_form"].errors["route"] == [
        "Choose the route and level of the approval."
    ]
    assert not StaffApproval.objects.filter(user=person).exists()


def test_removing_a_role_asks_first_then_removes(admin_client, centre):
    person = approved_staff(centre)
    membership = centre.memberships.get(user=person)
    url = reverse("accreditation:centre_membership_remove", args=[centre.pk, membership.pk])
    confirm = admin_client.get(url)
    assert "Remove the role" in body(confirm)
    assert CentreMembership.objects.filter(pk=membership.pk).exists()
    assert admin_client.post(url).status_code == 200  # no confirmation: nothing happens
    assert CentreMembership.objects.filter(pk=membership.pk).exists()
    response = admin_client.post(url, {"confirm": "yes"}, follow=True)
    assert "is no longer assessor" in body(response)
    assert not CentreMembership.objects.filter(pk=membership.pk).exists()


def test_the_last_centre_administrator_cannot_be_removed(admin_client, centre):
    membership = centre.memberships.get(role="centre_administrator")
    url = reverse("accreditation:centre_membership_remove", args=[centre.pk, membership.pk])
    response = admin_client.post(url, {"confirm": "yes"})
    assert "at least one centre administrator" in body(response)
    assert CentreMembership.objects.filter(pk=membership.pk).exists()


# --- One person and their evidence (R9.3, R10.3) -----------------------------------------------


def test_the_person_page_lists_approvals_and_evidence_with_out_of_date_flags(admin_client, centre):
    person = approved_staff(centre)
    CompetenceEvidence.objects.create(
        user=person,
        kind="experience",
        title="Workshop controller",
        dated=today() - datetime.timedelta(days=3 * 366),
        level=3,
    )
    CompetenceEvidence.objects.create(
        user=person, kind="assessor_award", title="CAVA", dated=datetime.date(2012, 5, 1)
    )
    response = admin_client.get(reverse("accreditation:centre_person", args=[centre.pk, person.pk]))
    page = body(response)
    assert "Workshop controller" in page and "CAVA" in page
    assert page.count("Out of date</span>") == 1  # the award doesn't go out of date (R10.3)
    assert "Approved" in page


def test_a_person_sees_their_own_page_but_not_a_colleagues(client, centre):
    me, colleague = approved_staff(centre), approved_staff(centre)
    client.force_login(me)
    own = client.get(reverse("accreditation:centre_person", args=[centre.pk, me.pk]))
    assert own.status_code == 200
    other = client.get(reverse("accreditation:centre_person", args=[centre.pk, colleague.pk]))
    assert other.status_code == 404


def test_an_officer_sees_a_persons_page(client, centre, accreditation_officer):
    person = approved_staff(centre)
    client.force_login(accreditation_officer)
    url = reverse("accreditation:centre_person", args=[centre.pk, person.pk])
    assert client.get(url).status_code == 200


def test_someone_not_at_the_centre_has_no_page_there(admin_client, centre):
    stranger = UserFactory()
    url = reverse("accreditation:centre_person", args=[centre.pk, stranger.pk])
    assert admin_client.get(url).status_code == 404


def test_evidence_is_added_with_a_file_and_a_qualification_and_downloaded(admin_client, centre):
    services.centre_qualifications_set(centre=centre, qualifications=[seed_003()])
    person = approved_staff(centre)
    url = reverse("accreditation:centre_person", args=[centre.pk, person.pk])
    response = admin_client.post(
        url,
        {
            "kind": "qualification",
            "title": "Level 3 Award in Service Improvement",
            "level": "3",
            "dated": (today() - datetime.timedelta(days=10)).isoformat(),
            "qualification": seed_003().pk,
            "file": SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf"),
        },
        follow=True,
    )
    assert "Added the evidence" in body(response)
    evidence = CompetenceEvidence.objects.get(user=person)
    assert (evidence.qualification, evidence.original_name) == (seed_003(), "certificate.pdf")
    assert "certificate.pdf" in body(response)
    download = admin_client.get(
        reverse("accreditation:competence_evidence_file", args=[centre.pk, person.pk, evidence.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_the_person_downloads_their_own_evidence(client, centre):
    person = approved_staff(centre)
    evidence = services.competence_evidence_add(
        user=person,
        kind="cpd",
        title="CPD log",
        dated=today(),
        upload=SimpleUploadedFile("log.pdf", PDF),
        by=person,
        today=today(),
    )
    client.force_login(person)
    url = reverse(
        "accreditation:competence_evidence_file", args=[centre.pk, person.pk, evidence.pk]
    )
    assert client.get(url).status_code == 200


def test_evidence_with_a_bad_file_or_a_future_date_saves_nothing_and_keeps_the_form(
    admin_client, centre
):
    person = approved_staff(centre)
    url = reverse("accreditation:centre_person", args=[centre.pk, person.pk])
    response = admin_client.post(
        url,
        {
            "kind": "experience",
            "title": "Aftersales manager",
            "dated": today().isoformat(),
            "file": SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 60),
        },
    )
    assert response.context["form"].errors["file"] == [
        "“virus.exe” isn't a PDF, PNG, JPEG or Word (.docx) file."
    ]
    assert 'value="Aftersales manager"' in body(response)
    future = admin_client.post(
        url,
        {
            "kind": "experience",
            "title": "Aftersales manager",
            "dated": (today() + datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert future.context["form"].errors["dated"] == ["The date can't be in the future."]
    assert not CompetenceEvidence.objects.filter(user=person).exists()


def test_only_the_centres_qualifications_can_be_linked(admin_client, centre):
    person = approved_staff(centre)
    url = reverse("accreditation:centre_person", args=[centre.pk, person.pk])
    response = admin_client.post(
        url,
        {
            "kind": "qualification",
            "title": "Award",
            "dated": today().isoformat(),
            "qualification": seed_003().pk,  # not delivered by this centre
        },
    )
    assert "qualification" in response.context["form"].errors
    assert not CompetenceEvidence.objects.filter(user=person).exists()


# --- Qualifications delivered (R10.3) ----------------------------------------------------------


def test_an_administrator_ticks_the_qualifications_the_centre_delivers(admin_client, centre):
    url = reverse("accreditation:centre_qualifications", args=[centre.pk])
    page = body(admin_client.get(url))
    assert "Level 3 Award in Service Improvement" in page
    response = admin_client.post(url, {"qualifications": [seed_003().pk]}, follow=True)
    assert "Saved the qualifications" in body(response)
    assert list(centre.qualifications.all()) == [seed_003()]


def test_the_qualifications_page_shows_whose_evidence_is_out_of_date(admin_client, centre):
    services.centre_qualifications_set(centre=centre, qualifications=[seed_003()])
    fresh = approved_staff(centre, user=UserFactory(first_name="Fran", last_name="Fresh"))
    stale = approved_staff(centre, user=UserFactory(first_name="Stan", last_name="Stale"))
    for person, days in ((fresh, 30), (stale, 4 * 365)):
        CompetenceEvidence.objects.create(
            user=person,
            kind="qualification",
            title="Service improvement",
            dated=today() - datetime.timedelta(days=days),
            qualification=seed_003(),
        )
    page = body(admin_client.get(reverse("accreditation:centre_qualifications", args=[centre.pk])))
    fresh_row = page[page.index("Fran Fresh") :].split("</tr>")[0]
    stale_row = page[page.index("Stan Stale") :].split("</tr>")[0]
    assert "In date" in fresh_row
    assert "Out of date" in stale_row


def test_a_plain_assessor_cannot_change_the_qualifications(client, centre):
    client.force_login(approved_staff(centre))
    url = reverse("accreditation:centre_qualifications", args=[centre.pk])
    assert "Choose the qualifications" not in body(client.get(url))
    assert client.post(url, {"qualifications": [seed_003().pk]}).status_code == 404
    assert not centre.qualifications.exists()


# --- Centre devised assessments (R9.8) ---------------------------------------------------------


@pytest.fixture
def cd_centre():
    """A centre that has applied for the centre devised competence route at level 3."""
    centre = approved_centre(route_code="competence-centre-devised", level_number=3)
    CentreApproval.objects.create(centre=centre, route=route("knowledge-imi"), level=level(3))
    return centre


def cda_url(centre, **query) -> str:
    url = reverse("accreditation:cda_new", args=[centre.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def cda_data(centre, *, assessment_type="workplace", skip=0, **overrides) -> dict:
    r, lv = route("competence-centre-devised"), level(3)
    statements = list(statements_for(route=r, level=lv))
    data = {
        "route": r.pk,
        "level": lv.pk,
        "replaces": Component.objects.get(route=r, code="practical").pk,
        "title": "Workplace observation of a team leader",
        "assessment_type": assessment_type,
        "description": "Two observed shifts with a professional discussion.",
        "fee": "250.00",
    }
    for i, s in enumerate(statements):
        data[f"map_{s.pk}"] = "" if i < skip else f"Observation item {i + 1}"
    return data | overrides


def test_step_one_offers_only_the_centre_devised_routes_applied_for(client, cd_centre):
    client.force_login(centre_admin(cd_centre))
    response = client.get(cda_url(cd_centre))
    routes = list(response.context["step_one"].fields["route"].queryset)
    assert routes == [route("competence-centre-devised")]


def test_step_two_has_one_mapping_field_per_statement(client, cd_centre):
    client.force_login(centre_admin(cd_centre))
    r = route("competence-centre-devised")
    response = client.get(cda_url(cd_centre, route=r.pk, level=level(3).pk))
    statements = list(statements_for(route=r, level=level(3)))
    assert len(response.context["form"].mapping_fields()) == len(statements) > 0
    for s in statements:
        assert f'name="map_{s.pk}"' in body(response)


def test_a_route_the_centre_hasnt_applied_for_stays_on_step_one(client, cd_centre):
    client.force_login(centre_admin(cd_centre))
    r = route("knowledge-centre-devised")
    response = client.get(cda_url(cd_centre, route=r.pk, level=level(3).pk))
    assert "route" in response.context["step_one"].errors


def test_a_type_mismatch_is_refused_on_the_type_and_the_mapping_is_kept(client, cd_centre):
    client.force_login(centre_admin(cd_centre))
    data = cda_data(cd_centre, assessment_type="knowledge_test")
    response = client.post(cda_url(cd_centre), data)
    refusal = rules.cda_type_refusal(component_kind="competence", assessment_type="knowledge_test")
    assert response.context["form"].errors["assessment_type"] == [refusal]
    assert "Observation item 3" in body(response)
    assert not CentreDevisedAssessment.objects.exists()


@pytest.mark.parametrize("tool", ["psychometric", "profiling"])
def test_psychometric_and_profiling_tools_are_refused(client, cd_centre, tool):
    client.force_login(centre_admin(cd_centre))
    response = client.post(cda_url(cd_centre), cda_data(cd_centre, assessment_type=tool))
    assert "not a valid and reliable form of assessment" in str(
        response.context["form"].errors["assessment_type"]
    )
    assert not CentreDevisedAssessment.objects.exists()


def test_missing_mappings_are_refused_naming_the_statements(client, cd_centre):
    client.force_login(centre_admin(cd_centre))
    statements = list(statements_for(route=route("competence-centre-devised"), level=level(3)))
    response = client.post(cda_url(cd_centre), cda_data(cd_centre, skip=2))
    form = response.context["form"]
    message = " ".join(form.mapping_errors)
    assert f"Not mapped: {statements[0].code}, {statements[1].code}." in message
    assert f"map_{statements[0].pk}" in form.errors
    assert f"map_{statements[2].pk}" not in form.errors
    assert "Observation item 3" in body(response)
    assert not CentreDevisedAssessment.objects.exists()
    assert not StatementMapping.objects.exists()


def test_a_centre_devised_assessment_is_submitted_with_its_mapping(client, cd_centre):
    client.force_login(centre_admin(cd_centre))
    response = client.post(cda_url(cd_centre), cda_data(cd_centre), follow=True)
    assessment = CentreDevisedAssessment.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "accreditation:cda_detail", args=[cd_centre.pk, assessment.pk]
    )
    assert (assessment.status, assessment.fee) == ("submitted", Decimal("250.00"))
    page = body(response)
    assert "Submitted “Workplace observation of a team leader”" in page
    assert "Observation item 1" in page
    assert "£250.00" in page
    assert assessment.mappings.count() == len(
        statements_for(route=assessment.route, level=assessment.level)
    )


def test_the_decision_note_and_fee_paid_date_show_on_the_assessment(client, cd_centre):
    client.force_login(centre_admin(cd_centre))
    client.post(cda_url(cd_centre), cda_data(cd_centre))
    assessment = CentreDevisedAssessment.objects.get()
    assessment.fee_paid_on = datetime.date(2026, 5, 4)
    assessment.save()
    services.cda_decide(assessment=assessment, approve=True, note="Well mapped.", by=UserFactory())
    page = body(client.get(reverse("accreditation:cda_detail", args=[cd_centre.pk, assessment.pk])))
    assert "4 May 2026" in page
    assert "Well mapped." in page
    assert '<span class="badge badge-approved">Approved</span>' in page


def test_the_devised_assessment_list_is_constant_in_queries(
    client, cd_centre, django_assert_max_num_queries
):
    client.force_login(centre_admin(cd_centre))
    client.post(cda_url(cd_centre), cda_data(cd_centre))
    url = reverse("accreditation:cda_list", args=[cd_centre.pk])
    client.get(url)
    with django_assert_max_num_queries(CDA_LIST_QUERIES) as one:
        assert client.get(url).status_code == 200
    first = CentreDevisedAssessment.objects.get()
    for i in range(19):
        first.pk = None
        first.title = f"Assessment {i}"
        first.save()
    with django_assert_max_num_queries(CDA_LIST_QUERIES) as many:
        response = client.get(url)
    assert body(response).count('data-label="Assessment"') == 20
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_centre_page_is_constant_in_queries(
    admin_client, centre, django_assert_max_num_queries
):
    url = reverse("accreditation:centre_detail", args=[centre.pk])
    admin_client.get(url)
    with django_assert_max_num_queries(CENTRE_PAGE_QUERIES) as one:
        assert admin_client.get(url).status_code == 200
    for number in (4, 5):
        for code in ("knowledge-imi", "competence-centre-devised", "knowledge-centre-devised"):
            CentreApproval.objects.create(centre=centre, route=route(code), level=level(number))
    for _ in range(5):
        services.eqa_visit_record(
            centre=centre,
            visited_on=today(),
            quality_assurer=UserFactory(),
            commercial_risk="low",
            assessment_risk="low",
            findings="Fine.",
            actions=[("Tidy the files", today())],
            today=today(),
        )
    with django_assert_max_num_queries(CENTRE_PAGE_QUERIES) as many:
        response = admin_client.get(url)
    assert body(response).count('data-label="Visited"') == 3  # the three most recent visits
    assert body(response).count("Tidy the files") == 5
    assert len(many.captured_queries) == len(one.captured_queries)


QUALIFICATIONS_QUERIES = 11


def test_the_qualifications_page_is_constant_in_queries(
    admin_client, centre, django_assert_max_num_queries
):
    services.centre_qualifications_set(centre=centre, qualifications=[seed_003()])

    def staff_with_evidence():
        CompetenceEvidence.objects.create(
            user=approved_staff(centre),
            kind="qualification",
            title="Service improvement",
            dated=today(),
            qualification=seed_003(),
        )

    staff_with_evidence()
    url = reverse("accreditation:centre_qualifications", args=[centre.pk])
    admin_client.get(url)
    with django_assert_max_num_queries(QUALIFICATIONS_QUERIES) as one:
        assert admin_client.get(url).status_code == 200
    for _ in range(19):
        staff_with_evidence()
    with django_assert_max_num_queries(QUALIFICATIONS_QUERIES) as many:
        response = admin_client.get(url)
    assert body(response).count('data-label="Staff"') == 20
    assert len(many.captured_queries) == len(one.captured_queries)
