"""The Professional Register: who is on it, what they agreed to, and their CPD cycles."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class TermsVersion(models.Model):
    """A published version of the Terms and Conditions or the Code of Conduct (R1.5)."""

    class Kind(models.TextChoices):
        TERMS = "terms", "Terms and Conditions"
        CODE_OF_CONDUCT = "code_of_conduct", "Code of Conduct"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.CharField(max_length=20)
    body = models.TextField()
    published_on = models.DateField()

    class Meta:
        ordering = ["kind", "-published_on"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="register_terms_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} version {self.version}"


class Registrant(models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        CPD_NOT_MET = "cpd_not_met", "CPD requirement not met"  # R8.1
        REMOVED = "removed", "Removed"  # R8.2

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrant"
    )
    membership_number = models.CharField(max_length=12, unique=True)
    joined_on = models.DateField(help_text="The day they joined the Professional Register.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    # Contact details (R8.4). A registrant with no email gets postal reminders (R5.5).
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=12, blank=True)
    employer = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()  # R8.4, R6.4: every change kept, who and when

    class Meta:
        ordering = ["membership_number"]
        indexes = [models.Index(fields=["status", "joined_on"])]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.membership_number})"


class TermsAcceptance(models.Model):
    """A registrant agreed to a version of the terms or code: when joining or renewing (R1.5)."""

    class Occasion(models.TextChoices):
        JOINING = "joining", "Joining the register"
        RENEWAL = "renewal", "Annual renewal"

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="acceptances")
    terms = models.ForeignKey(TermsVersion, on_delete=models.PROTECT, related_name="acceptances")
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.registrant} accepted {self.terms} on {self.accepted_at:%d %b %Y}"


class Cycle(models.Model):
    """A three-year CPD cycle (R1.2-R1.4). Exactly one is open per registrant (R1.5)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Closed, target met"
        NOT_MET = "not_met", "Closed, target not met"

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    start = models.DateField()
    end = models.DateField(help_text="The last day, after any extension.")
    scheduled_end = models.DateField(help_text="The last day before any extension.")
    target = models.DecimalField(max_digits=6, decimal_places=2)
    target_reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["registrant", "number"]
        constraints = [
            models.UniqueConstraint(fields=["registrant", "number"], name="register_cycle_number"),
            models.UniqueConstraint(
                fields=["registrant"],
                condition=Q(status="open"),
                name="register_one_open_cycle",  # R1.5
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="register_cycle_dates"
            ),
        ]
        indexes = [models.Index(fields=["status", "end"])]

    def __str__(self) -> str:
        return f"Cycle {self.number}: {self.start:%d %b %Y} to {self.end:%d %b %Y}"

    def contains(self, day) -> bool:
        return self.start <= day <= self.end
