"""Object-level access in one place (accreditation.access): a centre sees only its own, a
candidate only themself, an officer everything; anything else is a 404."""

import pytest
from django.http import Http404

from accreditation import access
from accreditation.models import Award, StaffApproval
from tests.accounts.factories import UserFactory
from tests.accreditation.factories import (
    approved_centre,
    approved_staff,
    centre_admin,
    make_candidate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_centres():
    a, b = approved_centre(), approved_centre()
    return {
        "a": a,
        "b": b,
        "candidate_a": make_candidate(a),
        "candidate_b": make_candidate(b),
    }


def test_a_centre_administrator_sees_only_their_centre_and_its_candidates(two_centres):
    admin_a = centre_admin(two_centres["a"])
    assert access.centre_for_user(admin_a, two_centres["a"].pk, manage=True) == two_centres["a"]
    with pytest.raises(Http404):
        access.centre_for_user(admin_a, two_centres["b"].pk)
    assert list(access.candidates_for(admin_a)) == [two_centres["candidate_a"]]
    with pytest.raises(Http404):
        access.candidate_for_user(admin_a, two_centres["candidate_b"].pk)


def test_a_candidate_seen_through_another_centre_is_a_404_even_if_visible_elsewhere(two_centres):
    admin_a = centre_admin(two_centres["a"])
    with pytest.raises(Http404):
        access.candidate_for_user(admin_a, two_centres["candidate_a"].pk, centre=two_centres["b"])


def test_an_invigilator_sees_the_centre_but_neither_manages_nor_records(two_centres):
    invigilator = approved_staff(two_centres["a"], role=StaffApproval.Role.INVIGILATOR)
    assert access.centre_for_user(invigilator, two_centres["a"].pk) == two_centres["a"]
    with pytest.raises(Http404):
        access.centre_for_user(invigilator, two_centres["a"].pk, manage=True)
    with pytest.raises(Http404):
        access.centre_for_user(invigilator, two_centres["a"].pk, record=True)
    assert not access.can_record_for(invigilator, two_centres["candidate_a"])
    assessor = approved_staff(two_centres["a"])
    assert access.can_record_for(assessor, two_centres["candidate_a"])
    assert not access.can_record_for(assessor, two_centres["candidate_b"])


def test_a_candidate_sees_only_their_own_candidacy_and_award(two_centres):
    mine = two_centres["candidate_a"]
    assert list(access.candidates_for(mine.user)) == [mine]
    with pytest.raises(Http404):
        access.candidate_for_user(mine.user, two_centres["candidate_b"].pk)
    with pytest.raises(Http404):
        access.centre_for_user(mine.user, two_centres["a"].pk)
    award = Award.objects.create(
        candidate=two_centres["candidate_b"],
        holder=two_centres["candidate_b"].user,
        title="T",
        awarded_on="2026-01-01",
        expires_on="2028-12-31",
    )
    with pytest.raises(Http404):
        access.award_for_user(mine.user, award.pk)
    assert access.award_for_user(two_centres["candidate_b"].user, award.pk) == award
    assert access.award_for_user(centre_admin(two_centres["b"]), award.pk) == award


def test_an_officer_sees_every_centre_and_candidate(two_centres, accreditation_officer):
    assert access.centre_for_user(accreditation_officer, two_centres["b"].pk, manage=True)
    assert access.candidates_for(accreditation_officer).count() == 2


def test_anonymous_and_unrelated_users_see_nothing(two_centres):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), UserFactory()):
        assert not access.centres_for(user).exists()
        assert not access.candidates_for(user).exists()
        assert not access.awards_for(user).exists()
