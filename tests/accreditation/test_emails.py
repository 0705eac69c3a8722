"""Emails to candidates: registered (with a way in to the portal) and awarded (R9.4, R9.11)."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from accreditation import services
from accreditation.emails import candidate_email_send
from accreditation.models import Award, StaffApproval
from tests.accounts.factories import PASSWORD, UserFactory
from tests.accreditation.factories import (
    approved_centre,
    approved_staff,
    centre_admin,
    level,
    make_candidate,
    route,
)

pytestmark = pytest.mark.django_db


def register(centre, email: str, **kwargs):
    return services.candidate_register(
        centre=centre,
        email=email,
        first_name="Sam",
        last_name="Jones",
        route=route(),
        level=level(3),
        by=centre_admin(centre),
        **kwargs,
    )


def links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def test_a_new_candidate_is_emailed_after_commit_with_a_link_to_choose_a_password(
    client, django_capture_on_commit_callbacks, settings
):
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the task runs in the test, after commit
    centre = approved_centre(name="Northgate Training")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        register(centre, "sam@example.org")
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["sam@example.org"]
    assert message.subject == "Northgate Training registered you for IMI Accreditation – Management"
    assert "Competence – IMI assessment tools in the workplace" in message.body
    assert "Level: 3 Team Leader" in message.body
    assert "choose a password" in message.body
    html = message.alternatives[0][0]
    assert "Choose your password" in html and "Northgate Training" in html

    # The link works: allauth asks for the new password, and then they can log in.
    link = links(message.body)[0]
    path = link.removeprefix(settings.PORTAL_BASE_URL.rstrip("/"))
    assert path.startswith("/accounts/password/reset/key/")
    response = client.get(path, follow=True)
    assert "New Password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"},
    )
    assert response.status_code == 302
    candidate_user = centre.candidates.get().user
    candidate_user.refresh_from_db()
    assert candidate_user.check_password("a-long-new-passphrase")


def test_someone_with_an_account_is_sent_to_log_in_instead(django_capture_on_commit_callbacks):
    user = UserFactory(email="ann@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        register(approved_centre(), "ann@example.org")
    [message] = mail.outbox
    assert "choose a password" not in message.body
    assert (
        f"/accounts/login/?next={reverse('accreditation:my_accreditation')}"
        in links(message.body)[0]
    )
    assert user.check_password(PASSWORD)  # untouched


def test_no_email_when_told_not_to(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(approved_centre(), "sam@example.org", notify=False)
    assert mail.outbox == []


def test_the_award_email_has_the_title_the_verification_code_and_a_link_to_the_page(
    django_capture_on_commit_callbacks,
):
    centre = approved_centre()
    candidate = make_candidate(centre, user=UserFactory(first_name="Rita"))
    assessor = approved_staff(centre)
    invigilator = approved_staff(centre, role=StaffApproval.Role.INVIGILATOR)
    today = datetime.date(2026, 11, 23)
    with django_capture_on_commit_callbacks(execute=True):
        for code in ("upk-test", "practical"):
            services.attempt_record(
                candidate=candidate,
                component=candidate.route.components.get(code=code),
                attempted_on=datetime.date(2026, 11, 20),
                assessor=assessor,
                invigilator=invigilator,
                outcome="pass",
                by=centre_admin(centre),
                today=today,
            )
    award = Award.objects.get(candidate=candidate)
    [message] = mail.outbox
    assert message.to == [candidate.user.email]
    assert message.subject == f"You are accredited: {award.title}"
    assert "Dear Rita" in message.body
    assert award.display_code in message.body
    assert "valid until 19 November 2029" in message.body
    assert reverse("accreditation:my_accreditation") in message.body
    assert award.display_code in message.alternatives[0][0]


def test_a_candidate_gone_since_the_email_was_queued_is_skipped_and_a_wrong_name_refused():
    candidate_email_send(candidate_id=999_999, template="candidate-registered")
    assert mail.outbox == []
    with pytest.raises(ValueError, match="No candidate email"):
        candidate_email_send(candidate_id=1, template="welcome")
