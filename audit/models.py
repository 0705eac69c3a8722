"""Evidence audit (R6): a recorded random draw, a case per sampled registrant, an item per
sampled activity with the auditor's decision. Every change is kept in the history (R6.4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cpd.models import Activity
from register.models import Registrant

from .rules import ACTIVITIES_PER_CASE, Population


class AuditDraw(models.Model):
    """A random sample and everything needed to draw it again (R6.1): who, when, seed, size."""

    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField()
    drawn_on = models.DateField(help_text="The day the exclusions were counted from.")
    seed = models.BigIntegerField()
    population = models.CharField(
        max_length=20,
        choices=[
            (Population.CURRENT.value, "All current registrants"),
            (Population.CYCLE_END.value, "Registrants whose cycle ends within a range"),
        ],
    )
    cycle_end_from = models.DateField(null=True, blank=True)
    cycle_end_to = models.DateField(null=True, blank=True)
    fraction = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    exclude_joined_within_days = models.PositiveIntegerField(null=True, blank=True)
    activities_per_case = models.PositiveSmallIntegerField(default=ACTIVITIES_PER_CASE)
    due_on = models.DateField(help_text="The last day registrants can add evidence.")
    population_size = models.PositiveIntegerField()
    size = models.PositiveIntegerField(help_text="Registrants sampled.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"Audit draw of {self.drawn_at:%d %b %Y %H:%M} ({self.size} registrants)"


class AuditCase(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    draw = models.ForeignKey(AuditDraw, on_delete=models.PROTECT, related_name="cases")
    registrant = models.ForeignKey(Registrant, on_delete=models.PROTECT, related_name="audit_cases")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField()
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registrant"], condition=Q(status="open"), name="audit_one_open_case"
            )
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"Audit of {self.registrant.membership_number} ({self.get_status_display()})"


class AuditItem(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting a decision"
        ACCEPTED = "accepted", "Accepted"
        ADJUSTED = "adjusted", "Credits changed"
        REJECTED = "rejected", "Rejected"

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="items")
    # An auditor's decision is final (R6.3): an activity is audited at most once.
    activity = models.OneToOneField(Activity, on_delete=models.PROTECT, related_name="audit_item")
    registrant_note = models.TextField(blank=True)
    noted_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    credits_before = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="Calculated credits."
    )
    decided_value = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()  # R6.4

    class Meta:
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return f"{self.activity} ({self.get_decision_display()})"

    @property
    def is_decided(self) -> bool:
        return self.decision != self.Decision.PENDING
