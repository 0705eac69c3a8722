"""Forget a user's cached navigation (accounts.navigation) when what it depends on changes:
their roles (groups and permissions), their account (staff, active) or their candidacies."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import User
from .navigation import forget_links


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="nav-user-groups")
@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="nav-user-perms")
def user_roles_changed(*, instance, action, pk_set, **kwargs) -> None:
    if not action.startswith(("post_", "pre_clear")):
        return
    if isinstance(instance, User):
        forget_links([instance.pk])
    else:  # group.user_set.add(...), permission.user_set.remove(...), ....clear()
        forget_links(pk_set or instance.user_set.values_list("pk", flat=True))


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="nav-group-perms")
def group_permissions_changed(*, instance, action, pk_set, **kwargs) -> None:
    if not action.startswith(("post_", "pre_clear")):
        return
    groups = [instance.pk] if isinstance(instance, Group) else list(pk_set or ())
    if not isinstance(instance, Group) and action == "pre_clear":
        groups = list(instance.group_set.values_list("pk", flat=True))
    forget_links(User.objects.filter(groups__in=groups).values_list("pk", flat=True).distinct())


@receiver([post_save, post_delete], sender=User, dispatch_uid="nav-user")
def user_changed(*, instance, **kwargs) -> None:
    forget_links([instance.pk])


@receiver([post_save, post_delete], sender="accreditation.Candidate", dispatch_uid="nav-candidate")
def candidacy_changed(*, instance, **kwargs) -> None:
    forget_links([instance.user_id])
