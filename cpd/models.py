"""CPD: activity types, catalogues, the activities registrants record, their evidence and plans."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from imi_portal.traced import TracedManager
from register.models import Cycle, Registrant

from .rules import Principle
from .storage import evidence_path, private_storage


class ActivityType(models.Model):
    """The seed 001 listing (R2.9), made by a data migration from `cpd.activity_types`."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    group = models.CharField(max_length=80)
    is_reading = models.BooleanField(default=False)  # R3.3
    is_qualification = models.BooleanField(default=False)  # R2.8
    needs_description = models.BooleanField(default=False)  # "other"
    position = models.PositiveSmallIntegerField(default=0)
    # Staff may rename a type or change whether it is reading, which changes everyone's
    # progress (R3.3): kept with who and when (R6.4), and a version of what dashboards show.
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class GatewayCourse(models.Model):
    """A course from the IMI CPD Gateway with its pre-determined credit value (R2.2)."""

    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=40, blank=True)
    credits = models.DecimalField(max_digits=7, decimal_places=2)
    assessed = models.BooleanField(default=False, help_text="Formally assessed (R2.8).")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(credits__gt=0), name="cpd_gateway_credits_positive")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.credits.normalize():f} credits)"


class Qualification(models.Model):
    """The qualifications catalogue (R10.1); logged as principle-2 CPD at credit value x 10."""

    accreditation_number = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    awarding_body = models.CharField(max_length=100, blank=True)
    level = models.PositiveSmallIntegerField()
    credit_value = models.PositiveIntegerField()
    guided_learning_hours = models.PositiveIntegerField(null=True, blank=True)
    duration = models.CharField(max_length=100, blank=True)
    induction = models.CharField(max_length=100, blank=True)
    tutorial_support = models.CharField(max_length=100, blank=True)
    rules_of_combination = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.accreditation_number})"


class QualificationUnit(models.Model):
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField()
    credit_value = models.PositiveIntegerField()
    guided_learning_hours = models.PositiveIntegerField(null=True, blank=True)
    mandatory = models.BooleanField(default=True)

    class Meta:
        ordering = ["qualification", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Objective(models.Model):
    """A SMART objective of a registrant's Personal Development Plan (R4.1)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "No longer relevant"

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What you want to achieve.")
    measure = models.TextField("how it will be measured")
    agreed_with = models.CharField("agreed with", max_length=200, blank=True)
    relevance = models.TextField("relevance to your role", blank=True)
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_date", "pk"]
        indexes = [models.Index(fields=["registrant", "status"])]

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    """A CPD activity and its credits under the working principles (R2)."""

    registrant = models.ForeignKey(Registrant, on_delete=models.CASCADE, related_name="activities")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="activities")  # R3.1
    title = models.CharField(max_length=200)
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="+")
    type_description = models.CharField(max_length=200, blank=True)  # for "other" (R2.9)
    principle = models.CharField(
        max_length=10, choices=[(p.value, p.name.title()) for p in Principle]
    )
    hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    gateway_course = models.ForeignKey(
        GatewayCourse, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gateway_credits = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    qualification = models.ForeignKey(
        Qualification, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qualification_credit_value = models.PositiveIntegerField(null=True, blank=True)
    # R2.6: a qualification split into equal instalments shares one group.
    instalment_group = models.UUIDField(null=True, blank=True, db_index=True)
    instalment_number = models.PositiveSmallIntegerField(default=1)
    instalments = models.PositiveSmallIntegerField(default=1)
    end_test = models.BooleanField(default=False)
    gateway_assessed = models.BooleanField(default=False)
    assessed = models.BooleanField(default=False)  # R2.8, derived when saved
    impact_behaviour = models.BooleanField(default=False)
    behaviour_statement = models.TextField(blank=True)
    impact_working_practice = models.BooleanField(default=False)
    working_practice_statement = models.TextField(blank=True)
    reflection = models.TextField()
    completed_on = models.DateField()
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    credits = models.DecimalField(max_digits=8, decimal_places=2)  # the calculated value, R2
    credits_explanation = models.CharField(max_length=200)
    # R3.2: an auditor's value, when set, is the one that counts; it is final (R6.3).
    audited_credits = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    in_audit = models.BooleanField(default=False)  # no edits or deletes while audited (R6.2)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])  # R6.4
    objects = TracedManager()

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["registrant", "-completed_on"]),
            models.Index(fields=["cycle", "activity_type"]),
            models.Index(fields=["completed_on"]),  # the admin's date filter and ordering
            models.Index(fields=["id"], condition=Q(in_audit=True), name="cpd_activity_in_audit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        principle="personal",
                        hours__isnull=False,
                        gateway_credits__isnull=True,
                        qualification_credit_value__isnull=True,
                    )
                    | Q(principle="shared", hours__isnull=True)
                ),
                name="cpd_activity_principle_inputs",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_credits(self):
        return self.audited_credits if self.audited_credits is not None else self.credits

    @property
    def is_qualification_instalment(self) -> bool:
        return self.instalments > 1


class Evidence(models.Model):
    """A file attached to an activity (R4.4): private, type checked from its content."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


class ActivityDraft(models.Model):
    """What a registrant has typed into the activity form but not saved: kept server-side so a
    session timeout or a re-login loses nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)  # "new", or the id of the activity being edited
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="cpd_one_draft_per_form")
        ]

    def __str__(self) -> str:
        return f"Draft {self.key} of {self.user}"
