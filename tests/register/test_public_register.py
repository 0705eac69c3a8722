"""The public register (R8.3): current registrants only, searchable, nothing private shown."""

import datetime

import pytest
from django.urls import reverse

from register.models import Registrant
from tests.accounts.factories import UserFactory
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
