"""The Professional Register: who is on it, what they agreed to, and their CPD cycles."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from imi_portal.traced import TracedManager


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
    contact_by_post = models.BooleanField(
        "no email: contact by post",
        default=False,
        help_text="They have no email account: reminders are posted to their address (R5.5).",
    )
    job_title = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()  # R8.4, R6.4: every change kept, who and when
    objects = TracedManager()

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
    grace_start = models.DateField(
        null=True, blank=True, help_text="First day of a granted grace period (R7.2, R5.6)."
    )
    # The reminder sweep looks only at cycles whose next reminder is due (R5.1): set-based and
    # indexed, never a loop over every registrant. Kept by register.reminders.
    next_reminder_on = models.DateField(null=True, blank=True)
    last_reminder_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["next_reminder_on", "last_reminder_on"])
    objects = TracedManager()
    # The sweep's bookkeeping, not part of the record: bulk writes allowed without history.
    UNTRACED_FIELDS = ("next_reminder_on", "last_reminder_on")

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
        indexes = [
            models.Index(fields=["status", "end"]),
            models.Index(
                fields=["next_reminder_on"],
                condition=Q(status="open"),
                name="register_cycle_reminder_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Cycle {self.number}: {self.start:%d %b %Y} to {self.end:%d %b %Y}"

    def contains(self, day) -> bool:
        return self.start <= day <= self.end


class SupportRequest(models.Model):
    """A registrant asks for support in challenging circumstances (R7.1) or for a three-month
    grace period for a shortfall (R7.2); IMI staff decide, with a note."""

    class Kind(models.TextChoices):
        CIRCUMSTANCES = "circumstances", "Support for challenging circumstances"
        GRACE = "grace", "Three-month grace period"

    class Category(models.TextChoices):  # R7.1
        FAMILY_CARE = "family_care", "Family care"
        MATERNITY = "maternity", "Maternity leave"
        ILLNESS = "illness", "Long-term illness or hospitalisation"
        UNEMPLOYMENT = "unemployment", "Unemployment or redundancy"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting a decision"
        AGREED = "agreed", "Agreed"
        DECLINED = "declined", "Declined"

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="requests")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    explanation = models.TextField(help_text="Your situation, or the reason for the shortfall.")
    action_plan = models.TextField(blank=True, help_text="How you will meet the target (R7.2).")
    late_notice = models.BooleanField(default=False)  # R7.1: inside the final six months
    requested_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decision_note = models.TextField(blank=True)
    adjusted_target = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    new_end = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.registrant} ({self.get_status_display()})"


class Removal(models.Model):
    """Staff remove a registrant from the register, with a reason; they may appeal within 28
    days, and staff uphold (reinstate) or dismiss the appeal (R8.2)."""

    class Reason(models.TextChoices):
        BREACH = "breach", "Breach of the Code of Conduct"
        NOT_ELIGIBLE = (
            "not_eligible",
            "Not an eligible member or accredited individual (fees unpaid)",
        )
        CPD_NOT_MET = "cpd_not_met", "CPD requirement not met within the cycle"
        OTHER = "other", "Other"

    class Appeal(models.TextChoices):
        NONE = "none", "No appeal"
        PENDING = "pending", "Appeal awaiting a decision"
        UPHELD = "upheld", "Appeal upheld: reinstated"
        DISMISSED = "dismissed", "Appeal dismissed"

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="removals")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(help_text="What the registrant is told.")
    removed_on = models.DateField()
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    appeal_by = models.DateField(help_text="The last day to appeal (28 days).")
    appeal = models.CharField(max_length=10, choices=Appeal.choices, default=Appeal.NONE)
    appeal_statement = models.TextField(blank=True)
    appealed_on = models.DateField(null=True, blank=True)
    appeal_note = models.TextField(blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appeal_decided_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-removed_on", "-pk"]
        indexes = [models.Index(fields=["appeal"])]

    def __str__(self) -> str:
        return f"Removal of {self.registrant} on {self.removed_on:%d %b %Y}"


class Reminder(models.Model):
    """One progress reminder of a cycle for one due date (R5). The unique constraint is what
    makes "at most once" hold whatever runs twice (R5.4)."""

    class Phase(models.TextChoices):
        SIX_MONTHLY = "six_monthly", "Six-monthly"
        MONTHLY = "monthly", "Monthly (final six months)"
        GRACE = "grace", "Grace period"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        POST = "post", "Post"  # R5.5

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SUPERSEDED = "superseded", "Superseded by a later reminder"
        POSTAL_DUE = "postal_due", "To be posted"
        POSTED = "posted", "Posted"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    phase = models.CharField(max_length=20, choices=Phase.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    figures = models.JSONField(default=dict, help_text="The progress the reminder reported.")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-due_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "due_on"], name="register_one_reminder_per_due_date"
            )
        ]
        indexes = [models.Index(fields=["status", "channel"])]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} reminder due {self.due_on:%d %b %Y}"


class PostalReminder(Reminder):
    """The staff list of reminders to post to registrants without email (R5.5)."""

    class Meta:
        proxy = True
        verbose_name = "postal reminder due"
        verbose_name_plural = "postal reminders due"
