"""IMI Accreditation – Management: its structure, approved centres and their people, candidates,
their assessment attempts, centre devised assessments, external quality assurance and awards
(R9, R10)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from accounts.roles import Role
from cpd.storage import private_storage


class Framework(models.TextChoices):  # R9.1
    COMPETENCE = "competence", "Competence"
    KNOWLEDGE = "knowledge", "Knowledge"


class RiskRating(models.TextChoices):  # R9.9
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# --- Structure (R9.1, R9.5) --------------------------------------------------------------------


class Route(models.Model):
    """A framework taken by one method, e.g. Competence by IMI assessment tools (R9.1)."""

    class Method(models.TextChoices):
        IMI = "imi", "IMI assessments"
        CENTRE_DEVISED = "centre_devised", "Centre devised assessments approved by the IMI"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    framework = models.CharField(max_length=20, choices=Framework.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    description = models.TextField(blank=True)
    eligibility = models.TextField(
        "pre-requisites", blank=True, help_text="What a candidate must meet to be eligible (R9.4)."
    )

    class Meta:
        ordering = ["framework", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "method"], name="accreditation_route_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def centre_devised(self) -> bool:
        return self.method == self.Method.CENTRE_DEVISED


class Level(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=100)
    optional_modules_required = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Level {self.number} {self.name}"


class Module(models.Model):
    """A module shared by both frameworks (R9.1), with its competence and knowledge statements."""

    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    levels = models.ManyToManyField(Level, through="LevelModule", related_name="modules")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class LevelModule(models.Model):
    """Whether a module is mandatory or optional at a level (R9.1)."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="level_modules")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="level_modules")
    mandatory = models.BooleanField(default=True)

    class Meta:
        ordering = ["level", "-mandatory", "module"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "module"], name="accreditation_levelmodule_unique"
            )
        ]

    def __str__(self) -> str:
        kind = "mandatory" if self.mandatory else "optional"
        return f"{self.module} ({kind} at level {self.level.number})"


class Statement(models.Model):
    """A competence or knowledge statement of a module; centre devised assessments map to each
    statement of their framework and level (R9.8)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="statements")
    framework = models.CharField(max_length=20, choices=Framework.choices)
    code = models.CharField(max_length=20)
    text = models.TextField()

    class Meta:
        ordering = ["module", "framework", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["module", "code"], name="accreditation_statement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class Component(models.Model):
    """An assessment component of a route, each to be passed in the window (R9.5)."""

    class Kind(models.TextChoices):
        # What type of assessment it is: a centre devised one must match (R9.8).
        COMPETENCE = "competence", "Competence assessment"
        KNOWLEDGE = "knowledge", "Knowledge assessment"

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="components")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    online_test = models.BooleanField(
        default=False, help_text="Invigilated (R9.7); a fourth attempt needs a level review (R9.6)."
    )
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["route", "order"]
        constraints = [
            models.UniqueConstraint(fields=["route", "code"], name="accreditation_component_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CodeOfConduct(models.Model):
    """A published version of the Accreditation Code of Conduct, accepted by candidates (R9.4)."""

    version = models.CharField(max_length=20, unique=True)
    body = models.TextField()
    published_on = models.DateField()

    class Meta:
        ordering = ["-published_on"]
        verbose_name = "Accreditation Code of Conduct"
        verbose_name_plural = "Accreditation Code of Conduct versions"

    def __str__(self) -> str:
        return f"Accreditation Code of Conduct version {self.version}"


# --- Centres and their people (R9.2, R9.3, R9.9, R10.3) ---------------------------------------


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
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # R9.9: external quality assurance.
    external_quality_assurer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="eqa_centres",
    )
    commercial_risk = models.CharField(
        max_length=10, choices=RiskRating.choices, default=RiskRating.MEDIUM
    )
    assessment_risk = models.CharField(
        "assessment/verification risk",
        max_length=10,
        choices=RiskRating.choices,
        default=RiskRating.MEDIUM,
    )
    approved_on = models.DateField(null=True, blank=True)
    last_visit_on = models.DateField(null=True, blank=True)
    next_visit_due = models.DateField(null=True, blank=True, db_index=True)
    qualifications = models.ManyToManyField(
        "cpd.Qualification", blank=True, related_name="centres", help_text="Delivered (R10)."
    )

    history = HistoricalRecords(excluded_fields=["qualifications"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class CentreApproval(models.Model):
    """The IMI's approval of a centre for one route and level (R9.2)."""

    Status = Centre.Status

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="approvals")
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["centre", "route", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "route", "level"], name="accreditation_centreapproval_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.route} level {self.level.number}: {self.get_status_display()}"


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


class StaffApproval(models.Model):
    """Approval of a centre's assessor or IQA for a route and level by the Awarding
    Organisation, or of an invigilator by the IMI (any route, R9.3, R9.7)."""

    class Role(models.TextChoices):
        ASSESSOR = "assessor", "Assessor"
        INTERNAL_QUALITY_ASSURER = "iqa", "Internal quality assurer"
        INVIGILATOR = "invigilator", "Invigilator"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        REMOVED = "removed", "Approval removed"

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="staff_approvals")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_approvals"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    route = models.ForeignKey(Route, on_delete=models.PROTECT, null=True, blank=True)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["centre", "role", "user"]
        constraints = [
            # Assessors and IQAs are approved for a route and level; invigilators for any.
            models.CheckConstraint(
                condition=Q(role="invigilator", route__isnull=True, level__isnull=True)
                | (~Q(role="invigilator") & Q(route__isnull=False, level__isnull=False)),
                name="accreditation_staffapproval_scope",
            ),
            models.UniqueConstraint(
                fields=["centre", "user", "role", "route", "level"],
                condition=Q(status__in=["requested", "approved"]),
                nulls_distinct=False,
                name="accreditation_staffapproval_live",
            ),
        ]
        indexes = [models.Index(fields=["user", "role", "status"])]

    def __str__(self) -> str:
        scope = f" for {self.route} level {self.level.number}" if self.route_id else ""
        return f"{self.user} – {self.get_role_display()}{scope}: {self.get_status_display()}"


class CompetenceEvidence(models.Model):
    """Occupational competence, assessor award and CPD evidence of centre staff (R9.3, R10.3)."""

    class Kind(models.TextChoices):
        EXPERIENCE = "experience", "Occupational experience"
        QUALIFICATION = "qualification", "Occupational qualification"
        ASSESSOR_AWARD = "assessor_award", "Assessor award"
        TEACHING = "teaching", "Teaching or assessment qualification"
        CPD = "cpd", "CPD"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competence_evidence"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The level this evidence shows competence at (R9.3)."
    )
    dated = models.DateField(help_text="When it was gained or last done.")
    qualification = models.ForeignKey(
        "cpd.Qualification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The catalogued qualification this evidence supports delivering (R10.3).",
    )
    file = models.FileField(storage=private_storage, upload_to="competence/%Y/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "kind", "-dated"]
        verbose_name_plural = "competence evidence"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title} ({self.dated:%d %b %Y})"


class EqaVisit(models.Model):
    """An external quality assurance visit with its findings (R9.9)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    quality_assurer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    commercial_risk = models.CharField(max_length=10, choices=RiskRating.choices)
    assessment_risk = models.CharField(
        "assessment/verification risk", max_length=10, choices=RiskRating.choices
    )
    findings = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["centre", "-visited_on"]
        verbose_name = "EQA visit"

    def __str__(self) -> str:
        return f"Visit to {self.centre} on {self.visited_on:%d %b %Y}"


class EqaAction(models.Model):
    visit = models.ForeignKey(EqaVisit, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "due_on"]
        verbose_name = "EQA action"

    def __str__(self) -> str:
        return self.description[:80]


# --- Centre devised assessments (R9.8) ---------------------------------------------------------


class CentreDevisedAssessment(models.Model):
    class AssessmentType(models.TextChoices):
        # Only the first three are valid types; the refusal is in rules.cda_type_refusal (R9.8).
        WORKPLACE = "workplace", "Competence assessment in the workplace (observation, role play)"
        KNOWLEDGE_TEST = "knowledge_test", "Knowledge test"
        ASSIGNMENT = "assignment", "Assignment or project"
        PSYCHOMETRIC = "psychometric", "Psychometric test"
        PROFILING = "profiling", "Profiling tool"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="devised_assessments")
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    replaces = models.ForeignKey(
        Component,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The component it replaces.",
    )
    title = models.CharField(max_length=200)
    assessment_type = models.CharField(max_length=20, choices=AssessmentType.choices)
    description = models.TextField()
    fee = models.DecimalField(max_digits=8, decimal_places=2)
    fee_paid_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return self.title


class StatementMapping(models.Model):
    """Where a centre devised assessment covers one statement (R9.8)."""

    assessment = models.ForeignKey(
        CentreDevisedAssessment, on_delete=models.CASCADE, related_name="mappings"
    )
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="+")
    covered_by = models.CharField(max_length=300)

    class Meta:
        ordering = ["assessment", "statement"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "statement"], name="accreditation_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.statement.code}: {self.covered_by}"


# --- Candidates, attempts and awards (R9.4-R9.7, R9.10, R9.11) ---------------------------------


class Candidate(models.Model):
    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="candidates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidacies"
    )
    route = models.ForeignKey(Route, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # R9.4: the three confirmations before any assessment.
    ao_registration_number = models.CharField(
        "Awarding Organisation registration number", max_length=40, blank=True
    )
    ao_registered_on = models.DateField(null=True, blank=True)
    eligibility_confirmed_at = models.DateTimeField(null=True, blank=True)
    eligibility_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    eligibility_note = models.TextField(blank=True)
    code_version = models.ForeignKey(
        CodeOfConduct, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code_accepted_at = models.DateTimeField(null=True, blank=True)
    # R9.5: set by the first attempt; an officer may extend the end (the latest extension wins).
    first_attempt_on = models.DateField(null=True, blank=True)
    window_extended_to = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "route", "level"], name="accreditation_candidate_unique"
            )
        ]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.email
        return f"{name} – {self.route} level {self.level.number}"


class WindowExtension(models.Model):
    """An officer's extension of a candidate's twelve-month window, with the reason (R9.5)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="extensions")
    previous_end = models.DateField()
    new_end = models.DateField()
    reason = models.TextField()
    extended_at = models.DateTimeField(auto_now_add=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["candidate", "extended_at"]

    def __str__(self) -> str:
        return f"Window extended to {self.new_end:%d %b %Y}"


class LevelReview(models.Model):
    """The centre's review, after three unsuccessful online tests, of whether the candidate is at
    the right level, with refresher training (R9.6). It allows three more attempts."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="level_reviews")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    outcome = models.TextField(help_text="Is the candidate at the right level? What was decided?")
    refresher_training = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["candidate", "reviewed_on"]

    def __str__(self) -> str:
        return f"Level review on {self.reviewed_on:%d %b %Y}"


class Attempt(models.Model):
    class Outcome(models.TextChoices):
        PASS = "pass", "Pass"
        REFER = "refer", "Refer"

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="attempts")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="attempts")
    attempted_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessed_attempts"
    )
    invigilator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invigilated_attempts",
    )
    devised_assessment = models.ForeignKey(
        CentreDevisedAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    # R9.3: the internal quality assurer who sampled this assessment, if any.
    quality_assured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quality_assured_attempts",
    )
    quality_assured_on = models.DateField(null=True, blank=True)
    quality_note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["candidate", "attempted_on", "pk"]
        indexes = [models.Index(fields=["candidate", "component"])]

    def __str__(self) -> str:
        return f"{self.component} on {self.attempted_on:%d %b %Y}: {self.get_outcome_display()}"


def attempt_evidence_path(instance, filename: str) -> str:
    return f"attempts/{secrets.token_hex(1)}/{secrets.token_hex(16)}{instance.extension}"


class AttemptEvidence(models.Model):
    """A file kept with an attempt, including video of role play (R9.10)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(
        storage=private_storage, upload_to=attempt_evidence_path, max_length=200
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["attempt", "uploaded_at", "pk"]
        verbose_name_plural = "attempt evidence"

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


def new_verification_code() -> str:
    # 12 characters from an alphabet without look-alikes: easy to read aloud and type.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


class Award(models.Model):
    """The accreditation awarded when every component is passed in the window (R9.11)."""

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="award")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="awards"
    )
    title = models.CharField(max_length=200)
    awarded_on = models.DateField()
    expires_on = models.DateField(db_index=True)
    verification_code = models.CharField(max_length=12, unique=True, default=new_verification_code)
    renewed_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-awarded_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} – {self.holder}"

    @property
    def display_code(self) -> str:
        code = self.verification_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
