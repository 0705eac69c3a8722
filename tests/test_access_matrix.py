"""Every staff page is refused to registrants and to visitors; staff pages need MFA."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.urls import reverse

from accounts.roles import Role
from tests.accounts.factories import UserFactory, grant
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db


def staff_urls() -> list[str]:
    urls = [reverse("admin:index"), reverse("register:staff_overview")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
    urls.append(reverse("admin:register_registrant_import"))
    return urls


@pytest.mark.parametrize("who", ["visitor", "registrant", "user"])
def test_no_staff_url_opens_for_non_staff(client, who):
    if who == "registrant":
        client.force_login(make_registrant().user)
    elif who == "user":
        client.force_login(UserFactory())
    for url in staff_urls():
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        assert response.status_code == 403 or "/accounts/login/" in final, (who, url)


def test_staff_without_mfa_are_sent_to_set_it_up_from_every_staff_url(client):
    client.force_login(grant(UserFactory(), Role.REGISTER_OFFICER))
    for url in staff_urls():
        response = client.get(url)
        assert response.status_code == 302 and "/2fa/totp/activate/" in response["Location"], url


def test_an_auditor_is_refused_the_registers_officer_pages(client):
    auditor = grant(UserFactory(), Role.AUDITOR)
    Authenticator.objects.create(user=auditor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(auditor)
    for name in (
        "register_supportrequest_changelist",
        "register_removal_changelist",
        "register_postalreminder_changelist",
        "register_registrant_import",
    ):
        assert client.get(reverse(f"admin:{name}")).status_code == 403, name
