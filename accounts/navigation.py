"""What each role sees in the navigation: one list, each link with the test that shows it.

Later features add their links here; `tests/accounts/test_navigation.py` checks each role sees
its own links and not the others'.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


def _anyone(user) -> bool:
    return True


def _signed_in(user) -> bool:
    return user.is_authenticated


def _perm(name: str) -> Callable[[object], bool]:
    def check(user) -> bool:
        return user.is_authenticated and user.has_perm(name)

    return check


def _not_registrant(user) -> bool:
    return user.is_authenticated and not user.has_perm("accounts.keep_cpd_record")


def _staff(user) -> bool:
    return user.is_authenticated and user.is_staff


def _centre_member(user) -> bool:
    # Centre roles' permissions come only from a centre membership (accounts.roles).
    return user.is_authenticated and any(
        user.has_perm(p)
        for p in (
            "accounts.manage_centre",
            "accounts.assess_candidates",
            "accounts.quality_assure",
            "accounts.invigilate_tests",
        )
    )


def _candidate(user) -> bool:
    # Anyone a centre has registered as a candidate, whatever else they are (R9.4: they accept
    # the Code of Conduct on that page). Asked once per request: the user object is per request.
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_candidate"):
        user._is_candidate = user.candidacies.exists()
    return user._is_candidate


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    shown_to: Callable[[object], bool]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV_LINKS: tuple[NavLink, ...] = (
    NavLink("Home", "home", _anyone),
    NavLink("Public register", "register:public_register", _anyone),
    NavLink("My CPD", "cpd:dashboard", _perm("accounts.keep_cpd_record")),
    NavLink("Join the register", "register:join", _not_registrant),
    NavLink("My centre", "accreditation:my_centre", _centre_member),
    NavLink("My accreditation", "accreditation:my_accreditation", _candidate),
    NavLink("Registrants", "admin:accounts_user_changelist", _perm("accounts.manage_register")),
    NavLink(
        "Centres", "admin:accreditation_centre_changelist", _perm("accounts.manage_accreditation")
    ),
    NavLink("Staff overview", "register:staff_overview", _staff),
    NavLink("Staff admin", "admin:index", _staff),
    NavLink("API", "api-docs", _signed_in),
    NavLink("Account", "account_email", _signed_in),
)


def links_for(user) -> list[NavLink]:
    return [link for link in NAV_LINKS if link.shown_to(user)]
