"""POST/GET /api/v1/registrants/: IMI register staff put people on the Professional Register."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from register.models import Registrant
from tests.accounts.factories import UserFactory, grant
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrants/"
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("Europe/London")))


@pytest.fixture
def staff_api(register_officer):
    api = APIClient()
    api.force_authenticate(register_officer)
    return api


def new_person(**overrides) -> dict:
    return {
        "email": "ada@example.org",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "joined_on": "2025-05-10",
        **overrides,
    }


# --- POST: putting someone on the register ------------------------------------------------


def test_staff_put_someone_on_the_register_with_their_first_cycle(staff_api):
    response = staff_api.post(URL, new_person(), format="json")

    assert response.status_code == 201
    registrant = Registrant.objects.get()
    assert response.json() == {
        "id": registrant.pk,
        "membership_number": registrant.membership_number,
        "email": "ada@example.org",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "joined_on": "2025-05-10",
        "status": "current",
        # R1.2: ends 31 March of the third membership year; R1.3: May joins get 90.
        "cycle": {"start": "2025-05-10", "end": "2028-03-31", "target": "90.00"},
    }
    assert registrant.user.email == "ada@example.org"


def test_joining_date_defaults_to_today(staff_api):
    payload = new_person()
    del payload["joined_on"]
    body = staff_api.post(URL, payload, format="json").json()

    assert body["joined_on"] == TODAY.isoformat()
    # R1.3: joining in November gives 80; the cycle ends 31 March 2029 (R1.2).
    assert body["cycle"] == {"start": "2026-11-23", "end": "2029-03-31", "target": "80.00"}


def test_staff_can_back_date_the_joining_date_when_importing_the_register(staff_api):
    body = staff_api.post(URL, new_person(joined_on="2019-01-15"), format="json").json()
    assert body["cycle"] == {"start": "2019-01-15", "end": "2021-03-31", "target": "70.00"}


def test_an_existing_account_joins_without_a_second_user(staff_api):
    person = UserFactory(email="grace@example.org", first_name="Grace", last_name="Hopper")

    response = staff_api.post(
        URL, new_person(email="GRACE@example.org", first_name="G", last_name="H"), format="json"
    )

    assert response.status_code == 201
    assert response.json()["first_name"] == "Grace"  # the account's own name is kept
    assert User.objects.filter(email__iexact="grace@example.org").count() == 1
    assert Registrant.objects.get().user == person


def test_someone_already_on_the_register_is_refused_on_their_email(staff_api):
    make_registrant(user=UserFactory(email="ada@example.org"))

    response = staff_api.post(URL, new_person(), format="json")

    assert response.status_code == 400
    assert response.json() == {"email": ["This person is already on the Professional Register."]}
    assert Registrant.objects.count() == 1


def test_a_future_joining_date_is_refused_and_nothing_is_saved(staff_api):
    response = staff_api.post(URL, new_person(joined_on="2026-11-24"), format="json")

    assert response.status_code == 400
    assert response.json() == {"joined_on": ["The joining date can't be in the future."]}
    assert not Registrant.objects.exists()
    assert not User.objects.filter(email="ada@example.org").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"first_name": ""}, "first_name"),
        ({"last_name": "x" * 151}, "last_name"),
        ({"joined_on": "10/05/2025"}, "joined_on"),
        ({"joined_on": None}, "joined_on"),  # left out means today; null is a mistake
    ],
)
def test_bad_input_is_a_400_on_its_field_and_saves_nothing(staff_api, overrides, field):
    response = staff_api.post(URL, new_person(**overrides), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert isinstance(response.json()[field], list)
    assert not Registrant.objects.exists()


# --- Who may use it ---------------------------------------------------------------------------


def test_anonymous_callers_are_asked_to_sign_in():
    api = APIClient()
    assert api.get(URL).status_code == 401
    assert api.post(URL, new_person(), format="json").status_code == 401
    assert not Registrant.objects.exists()


@pytest.mark.parametrize("role", [None, Role.REGISTRANT, Role.AUDITOR, Role.ACCREDITATION_OFFICER])
def test_people_without_the_register_permission_are_refused(role):
    person = UserFactory()
    if role is not None:
        grant(person, role)
    api = APIClient()
    api.force_authenticate(person)
    registrant = make_registrant()

    assert api.post(URL, new_person(), format="json").status_code == 403
    assert api.get(URL).status_code == 403
    assert api.get(f"{URL}{registrant.pk}/").status_code == 403
    assert Registrant.objects.count() == 1


def test_a_register_officer_can_use_a_token(register_officer):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=register_officer).key}")
    assert api.post(URL, new_person(), format="json").status_code == 201


def test_a_superuser_can_manage_the_register():
    api = APIClient()
    api.force_authenticate(User.objects.create_superuser(email="root@example.org", password="x"))
    assert api.post(URL, new_person(), format="json").status_code == 201


# --- GET: the register, for staff -------------------------------------------------------------


def test_staff_list_the_register_with_each_first_cycle(staff_api):
    older = make_registrant(joined_on=datetime.date(2025, 5, 10))
    newer = make_registrant(joined_on=datetime.date(2026, 1, 15))

    body = staff_api.get(URL).json()

    assert body["count"] == 2
    by_id = {row["id"]: row for row in body["results"]}
    assert by_id[older.pk]["cycle"] == {
        "start": "2025-05-10",
        "end": "2028-03-31",
        "target": "90.00",
    }
    assert by_id[newer.pk]["cycle"] == {
        "start": "2026-01-15",
        "end": "2028-03-31",
        "target": "70.00",
    }


@pytest.mark.parametrize("term", ["Hopper", "grace@exam", "Grace Hopper", "{number}"])
def test_staff_search_the_register_by_name_email_or_membership_number(staff_api, term):
    grace = make_registrant(
        user=UserFactory(email="grace@example.org", first_name="Grace", last_name="Hopper")
    )
    make_registrant(user=UserFactory(email="alan@example.org", first_name="Alan", last_name="T"))

    body = staff_api.get(URL, {"search": term.format(number=grace.membership_number)}).json()

    assert [row["id"] for row in body["results"]] == [grace.pk]


def test_staff_filter_the_register_by_status(staff_api):
    removed = make_registrant()
    force_update(Registrant.objects.filter(pk=removed.pk), status=Registrant.Status.REMOVED)
    make_registrant()

    body = staff_api.get(URL, {"status": "removed"}).json()

    assert [row["id"] for row in body["results"]] == [removed.pk]


@pytest.mark.parametrize("how_many", [1, 30])
def test_the_register_list_takes_the_same_queries_however_long(
    staff_api, how_many, django_assert_max_num_queries
):
    for _ in range(how_many):
        make_registrant()
    # the permission check, the count, the page and the prefetched first cycles
    with django_assert_max_num_queries(5):
        body = staff_api.get(URL).json()
    assert body["count"] == how_many


def test_staff_see_one_registrant(staff_api):
    registrant = make_registrant()

    body = staff_api.get(f"{URL}{registrant.pk}/").json()

    assert body["membership_number"] == registrant.membership_number
    assert body["cycle"]["target"] == "90.00"


def test_an_unknown_registrant_is_a_404(staff_api):
    assert staff_api.get(f"{URL}999999/").status_code == 404
