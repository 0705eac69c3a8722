"""The registrant's CPD pages: access, forms, preview, drafts, evidence, and constant queries."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from cpd.models import Activity, ActivityDraft, ActivityType, Evidence
from register.models import Registrant, TermsAcceptance
from tests.accounts.factories import UserFactory
from tests.cpd.factories import make_activity
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0"
    b"\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def form_data(**overrides):
    data = {
        "title": "Leadership article",
        "activity_type": ActivityType.objects.get(slug="reading").pk,
        "principle": "personal",
        "hours": "1.5",
        "reflection": "Good communication matters.",
        "completed_on": "2026-06-01",
        "instalments": "1",
    }
    data.update(overrides)
    return data


def test_a_signed_up_user_joins_accepting_the_current_terms(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("register:join"))
    assert "your first cycle" in page.content.decode().lower()
    refused = client.post(reverse("register:join"), {"accept_terms": "on"})
    assert refused.status_code == 200
    assert not Registrant.objects.exists()
    response = client.post(reverse("register:join"), {"accept_terms": "on", "accept_code": "on"})
    assert response.status_code == 302
    registrant = Registrant.objects.get(user=user)
    assert registrant.membership_number.startswith("PR")
    assert TermsAcceptance.objects.filter(registrant=registrant).count() == 2  # R1.5
    assert registrant.cycles.get().status == "open"


def test_pages_send_a_user_not_on_the_register_to_join(client):
    client.force_login(UserFactory())
    response = client.get(reverse("cpd:dashboard"))
    assert response["Location"] == reverse("register:join")


def test_the_dashboard_shows_progress_and_the_reading_cap(owner, registrant):
    for _ in range(3):
        make_activity(
            registrant,
            activity_type="reading",
            hours=Decimal("5"),
            impact_working_practice=True,
            working_practice_statement="w",
        )
    body = owner.get(reverse("cpd:dashboard")).content.decode()
    assert 'data-testid="counted">18<' in body  # 27 reading credits, 18 count (R3.3)
    assert 'data-testid="reading-cap"' in body


def test_recording_an_activity_shows_its_credits_and_clears_the_draft(owner, registrant):
    owner.post(reverse("cpd:draft_save", args=["new"]), {"title": "half"})
    response = owner.post(
        reverse("cpd:activity_new"),
        form_data(impact_behaviour="on", behaviour_statement="More flexible with the team."),
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert activity.credits == Decimal("3.50")
    assert not ActivityDraft.objects.exists()


def test_bad_input_keeps_what_was_typed_and_saves_nothing(owner):
    response = owner.post(reverse("cpd:activity_new"), form_data(hours="0", title="Kept title"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hours must be more than 0." in body
    assert 'value="Kept title"' in body
    assert not Activity.objects.exists()


def test_a_bad_evidence_file_saves_nothing(owner):
    fake = io.BytesIO(b"just text pretending to be a pdf")
    fake.name = "certificate.pdf"
    response = owner.post(reverse("cpd:activity_new"), {**form_data(), "files": fake})
    assert response.status_code == 200
    assert "a PDF, PNG, JPEG or Word (.docx) file" in response.content.decode()
    assert not Activity.objects.exists()


def test_the_preview_explains_the_credits(owner):
    response = owner.post(
        reverse("cpd:activity_preview"),
        form_data(impact_behaviour="on", impact_working_practice="on", end_test="on", hours="1"),
    )
    assert "1 h + 1 end test + 2 behaviour + 4 working practice = 8" in response.content.decode()


def test_a_draft_is_kept_and_offered_back(owner):
    owner.post(reverse("cpd:draft_save", args=["new"]), {"title": "Half written", "hours": "2"})
    body = owner.get(reverse("cpd:activity_new")).content.decode()
    assert 'value="Half written"' in body
    assert "We restored the draft" in body


def test_another_registrants_activity_and_evidence_are_404(client, registrant):
    activity = make_activity(registrant)
    evidence = Evidence(
        activity=activity,
        original_name="c.png",
        content_type="image/png",
        extension=".png",
        size=len(PNG),
    )
    from django.core.files.base import ContentFile

    evidence.file.save("x", ContentFile(PNG), save=False)
    evidence.save()
    other = make_registrant()
    client.force_login(other.user)
    for name in ("cpd:activity_detail", "cpd:activity_edit", "cpd:activity_delete"):
        assert client.get(reverse(name, args=[activity.pk])).status_code == 404
    assert client.get(reverse("cpd:evidence_download", args=[evidence.pk])).status_code == 404
    assert client.post(reverse("cpd:draft_save", args=[str(activity.pk)])).status_code == 404


def test_the_owner_and_staff_download_evidence_as_an_attachment(client, owner, registrant):
    activity = make_activity(registrant)
    upload = io.BytesIO(PNG)
    upload.name = "../../certificate.png"
    owner.post(reverse("cpd:evidence_upload", args=[activity.pk]), {"files": upload})
    evidence = Evidence.objects.get()
    assert evidence.original_name == "certificate.png"
    response = owner.get(reverse("cpd:evidence_download", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("cpd:evidence_download", args=[evidence.pk])).status_code == 200


@pytest.mark.parametrize("name", ["cpd:dashboard", "cpd:activity_list", "cpd:objective_list"])
def test_pages_run_in_constant_queries(owner, registrant, name, django_assert_max_num_queries):
    make_activity(registrant)
    owner.get(reverse(name))
    with django_assert_max_num_queries(14) as one:
        assert owner.get(reverse(name)).status_code == 200
    template = Activity.objects.get()
    copy = {
        f.attname: getattr(template, f.attname)
        for f in Activity._meta.concrete_fields
        if f.name != "id"
    }
    Activity.objects.bulk_create([Activity(**copy) for _ in range(199)])
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert owner.get(reverse(name)).status_code == 200
