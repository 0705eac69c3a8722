"""The public register (R8.3): current registrants only, searchable, nothing private shown."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from register.models import Registrant
from tests.accounts.factories import UserFactory
from tests.accreditation.awards import TITLE, make_award
from tests.accreditation.factories import approved_centre
from tests.cpd.factories import make_activity
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    registrant = make_registrant(
        user=UserFactory(first_name="Ada", last_name="Lovelace", email="ada@private.example"),
        joined_on=datetime.date(2025, 5, 10),
    )
    registrant.address = "1 Secret Lane"
    registrant.phone = "07000 000000"
    registrant.save()
    make_activity(registrant, title="Private activity title")
    return registrant


@pytest.mark.parametrize(
    "query", ["Lovelace", "ada", "ada love", "{number}", "{number_lower}", "{digits}"]
)
def test_anyone_finds_a_current_registrant_by_name_or_number(client, ada, query):
    number = ada.membership_number
    query = query.format(
        number=number, number_lower=number.lower(), digits=str(int(number.removeprefix("PR")))
    )
    body = client.get(reverse("register:public_register"), {"q": query}).content.decode()
    assert "Ada Lovelace" in body
    assert ada.membership_number in body


def test_the_entry_shows_only_what_the_register_allows(client, ada):
    response = client.get(reverse("register:public_entry", args=[ada.membership_number]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace" in body and "10 May 2025" in body
    for private in (
        "ada@private.example",
        "1 Secret Lane",
        "07000",
        "Private activity title",
        "credits",
    ):
        assert private not in body


@pytest.mark.parametrize("status", [Registrant.Status.REMOVED, Registrant.Status.CPD_NOT_MET])
def test_someone_not_current_is_not_listed(client, ada, status):
    force_update(Registrant.objects.filter(pk=ada.pk), status=status)
    assert (
        "Ada Lovelace"
        not in client.get(reverse("register:public_register"), {"q": "Ada"}).content.decode()
    )
    entry = client.get(reverse("register:public_entry", args=[ada.membership_number]))
    assert entry.status_code == 404


def test_the_register_lists_in_constant_queries(client, ada, django_assert_max_num_queries):
    url = reverse("register:public_register")
    with django_assert_max_num_queries(4) as one:
        client.get(url, {"q": "a"})
    for n in range(30):
        make_registrant(user=UserFactory(first_name="Alan", last_name=f"Turing{n}"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(url, {"q": "a"}).content.decode()
    assert body.count("Alan Turing") == 24  # 25 a page: Ada and 24 Alans


# --- accreditations held (R8.3, R9.11) ---------------------------------------------------------


def test_the_entry_shows_the_accreditations_held_with_their_verification(client, ada):
    valid = make_award(holder=ada.user)
    response = client.get(reverse("register:public_entry", args=[ada.membership_number]))
    body = response.content.decode()
    assert valid.title in body
    assert "Valid until 30 April 2029" in body
    assert reverse("accreditation:verify_code", args=[valid.display_code]) in body


def test_the_entry_says_none_without_a_current_accreditation(client, ada):
    make_award(holder=ada.user, revoked=True, title="Revoked accreditation")
    make_award(
        holder=ada.user,
        centre=approved_centre(route_code="knowledge-imi"),  # another candidacy
        awarded_on=datetime.date(2022, 11, 1),  # valid until 31 October 2025
        title="Expired accreditation",
    )
    body = client.get(reverse("register:public_entry", args=[ada.membership_number])).content
    body = body.decode()
    assert "Revoked accreditation" not in body and "Expired accreditation" not in body
    assert '<p data-testid="accreditations">None</p>' in body


@pytest.mark.parametrize(("today", "shown"), [("2029-04-30", True), ("2029-05-01", False)])
def test_an_accreditation_leaves_the_entry_the_day_after_it_expires(client, ada, today, shown):
    award = make_award(holder=ada.user)  # valid until 30 April 2029
    with time_machine.travel(datetime.datetime.fromisoformat(f"{today}T12:00"), tick=False):
        body = client.get(
            reverse("register:public_entry", args=[ada.membership_number])
        ).content.decode()
    assert (award.title in body) is shown


def test_the_register_lists_accreditations_in_constant_queries(
    client, ada, django_assert_max_num_queries
):
    make_award(holder=ada.user)
    url = reverse("register:public_register")
    with django_assert_max_num_queries(4) as one:
        body = client.get(url, {"q": "Lovelace"}).content.decode()
    assert TITLE in body
    for n in range(20):
        make_award(holder=make_registrant(user=UserFactory(last_name=f"Lovelace{n}")).user)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(url, {"q": "Lovelace"}).content.decode()
    assert body.count(TITLE) == 21
