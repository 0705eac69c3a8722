"""Approved assessment centres and the people who work for them (R9.2, R9.3)."""

from django.conf import settings
from django.db import models

from accounts.roles import Role


class Centre(models.Model):
    class Status(models.TextChoices):  # R9.2
        APPLIED = "applied", "Applied"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"
        WITHDRAWN = "withdrawn", "Withdrawn"

    name = models.CharField(max_length=200)
    number = models.CharField("centre number", max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class CentreMembership(models.Model):
    """A person's role at one centre. The matching group gives the role's permissions;
    `accreditation.services` keeps the two in step."""

    class CentreRole(models.TextChoices):
        CENTRE_ADMINISTRATOR = "centre_administrator", Role.CENTRE_ADMINISTRATOR.value
        ASSESSOR = "assessor", Role.ASSESSOR.value
        INTERNAL_QUALITY_ASSURER = "iqa", Role.INTERNAL_QUALITY_ASSURER.value
        INVIGILATOR = "invigilator", Role.INVIGILATOR.value

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="centre_memberships"
    )
    role = models.CharField(max_length=30, choices=CentreRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["centre", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "user", "role"], name="accreditation_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.centre}"

    @property
    def group_name(self) -> str:
        return self.CentreRole(self.role).label
