"""Reads for the home page: what a signed-in person can do next."""

from dataclasses import dataclass

from django.urls import reverse

from .middleware import has_totp


@dataclass(frozen=True)
class NextStep:
    title: str
    text: str
    url: str
    action: str


def next_steps_for(user) -> list[NextStep]:
    steps: list[NextStep] = []
    if user.has_perm("accounts.keep_cpd_record"):
        steps.append(
            NextStep(
                "Your CPD",
                "See your progress towards your target, record activities and plan ahead.",
                reverse("cpd:dashboard"),
                "Open my CPD",
            )
        )
        steps.append(
            NextStep(
                "Record an activity",
                "A course, some reading, a qualification: the portal works out the credits.",
                reverse("cpd:activity_new"),
                "Record an activity",
            )
        )
    elif not user.is_superuser:
        steps.append(
            NextStep(
                "Join the Professional Register",
                "Show you're professional and keep your skills current with CPD.",
                reverse("register:join"),
                "Join the register",
            )
        )
    if user.is_staff:
        if not has_totp(user):
            steps.append(
                NextStep(
                    "Set up two-factor authentication",
                    "Staff accounts need an authenticator app before they can open staff pages.",
                    reverse("mfa_activate_totp"),
                    "Set up now",
                )
            )
        steps.append(
            NextStep(
                "Staff admin",
                "Registrants, CPD records, audits, centres and reminders.",
                reverse("admin:index"),
                "Open the admin",
            )
        )
    if user.has_perm("accounts.manage_centre") or user.centre_memberships.exists():
        steps.append(
            NextStep(
                "Your centre",
                "See your centre's details and the people who work there.",
                reverse("accreditation:my_centre"),
                "Open your centre",
            )
        )
    steps.append(
        NextStep(
            "Your account",
            "Keep your email address current, change your password and manage sign-in security.",
            reverse("account_email"),
            "Manage account",
        )
    )
    return steps
