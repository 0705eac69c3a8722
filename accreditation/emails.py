"""Emails to candidates (R9.4, R9.11), sent by `tasks.send_candidate_email` after commit.

"candidate-registered": the centre registered them; the link takes them to the portal to accept
the Code of Conduct. Someone new to the portal has an account without a password, so their link
sets one (allauth's password reset from a key, valid for PASSWORD_RESET_TIMEOUT); after that,
allauth checks their address once as for any new account.

"accreditation-awarded": the award, with its verification code and a link to their page.
"""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from imi_portal.emails import send_templated

from .models import Award, Candidate

TEMPLATES = ("candidate-registered", "accreditation-awarded")


def set_password_path(user) -> str:
    """The portal path where someone with no password yet chooses one."""
    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )


def candidate_email_send(*, candidate_id: int, template: str) -> None:
    if template not in TEMPLATES:
        raise ValueError(f"No candidate email called {template!r}.")
    candidate = (
        Candidate.objects.select_related("user", "centre", "route", "level")
        .filter(pk=candidate_id)
        .first()
    )
    if candidate is None:
        return  # gone since the email was queued: nothing to tell
    user = candidate.user
    context: dict[str, object] = {
        "candidate": candidate,
        "user": user,
        "my_accreditation_path": reverse("accreditation:my_accreditation"),
    }
    if template == "candidate-registered":
        context["set_password_path"] = (
            None if user.has_usable_password() else set_password_path(user)
        )
        context["login_path"] = (
            reverse("account_login") + "?next=" + reverse("accreditation:my_accreditation")
        )
    else:
        award = Award.objects.filter(candidate=candidate).first()
        if award is None:
            return
        context["award"] = award
        context["verify_path"] = reverse(
            "accreditation:verify_code", args=[award.verification_code]
        )
    send_templated(name=template, to=user.email, context=context)
