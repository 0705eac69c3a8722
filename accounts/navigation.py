"""What each role sees in the navigation: one list, each link with the test that shows it.

Later features add their links here; `tests/accounts/test_navigation.py` checks each role sees
its own links and not the others'.
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from imi_portal.cache import cache_delete_many, cache_get, cache_set


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
        return _reverse(self.url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.cache
def _reverse(url_name: str, prefix: str, urlconf: str) -> str:
    # The links take no arguments: the same name, prefix and URLconf give the same URL.
    return reverse(url_name, urlconf=urlconf)


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


_BY_URL_NAME = {link.url_name: link for link in NAV_LINKS}

# A signed-in user's links are kept in the cache: working them out takes the permission and
# candidate queries on every page. Kept at most this long; accounts.signals forgets a user's
# links as soon as their roles, their account or their candidacies change.
NAV_CACHE_SECONDS = 5 * 60


def _cache_key(user_id: int) -> str:
    return f"nav:links:{user_id}"


def links_for(user) -> list[NavLink]:
    if not user.is_authenticated:
        return [link for link in NAV_LINKS if link.shown_to(user)]
    key = _cache_key(user.pk)
    names = cache_get(key)
    if names is None or not all(name in _BY_URL_NAME for name in names):
        names = [link.url_name for link in NAV_LINKS if link.shown_to(user)]
        cache_set(key, names, NAV_CACHE_SECONDS)
    return [_BY_URL_NAME[name] for name in names]


def forget_links(user_ids: Iterable[int]) -> None:
    """Work these users' links out afresh on their next page."""
    cache_delete_many([_cache_key(user_id) for user_id in user_ids])
