import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import CENTRE_ROLES, ROLE_PERMISSIONS, STAFF_ROLES, Role
from accreditation.models import CentreMembership
from accreditation.services import centre_membership_add, centre_membership_remove
from tests.accreditation.factories import CentreFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


@pytest.mark.parametrize("role", list(Role))
def test_each_group_holds_exactly_its_roles_permissions(role):
    held = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role.value).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert held == set(ROLE_PERMISSIONS[role])


def test_every_permission_a_role_names_exists():
    # A role naming a permission of a model whose migration forgot to re-sync roles fails here.
    for names in ROLE_PERMISSIONS.values():
        for name in names:
            app_label, codename = name.split(".")
            assert Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists(), name


def test_staff_and_centre_roles_partition_the_non_registrant_roles():
    assert STAFF_ROLES.isdisjoint(CENTRE_ROLES)
    assert STAFF_ROLES | CENTRE_ROLES | {Role.REGISTRANT} == set(Role)


def test_a_centre_membership_gives_and_takes_the_roles_group(user):
    centre = CentreFactory()
    membership = centre_membership_add(
        centre=centre, user=user, role=CentreMembership.CentreRole.ASSESSOR
    )
    assert user.groups.filter(name=Role.ASSESSOR.value).exists()
    centre_membership_remove(membership=membership)
    assert not user.groups.filter(name=Role.ASSESSOR.value).exists()


def test_the_group_stays_while_another_centre_gives_the_same_role(user):
    role = CentreMembership.CentreRole.INVIGILATOR
    first = centre_membership_add(centre=CentreFactory(), user=user, role=role)
    centre_membership_add(centre=CentreFactory(), user=user, role=role)
    centre_membership_remove(membership=first)
    assert user.groups.filter(name=Role.INVIGILATOR.value).exists()
