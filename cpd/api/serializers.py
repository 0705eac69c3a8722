"""The CPD API's shapes (API.md). Input serializers only parse; `cpd.services` judges the values
(R2, R4.3), so the form and the API can't disagree. Output serializers are read-only."""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cpd.models import (
    Activity,
    ActivityType,
    Evidence,
    GatewayCourse,
    Objective,
    Qualification,
    QualificationUnit,
)
from cpd.rules import Principle
from imi_portal.api_fields import TEXT_FIELD_MAPPING, SlugRelatedField, TextField
from register.api.serializers import enum_schema

# The largest values the credit columns can hold; the rules themselves are in cpd.rules (R2.7).
MAX_GATEWAY_CREDITS = Decimal("99999.99")
MAX_QUALIFICATION_CREDIT_VALUE = 99_999
# A guard against one request making thousands of rows, not a rule of R2.6.
MAX_INSTALMENTS = 100


class ActivityTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityType
        fields = ["slug", "name", "group", "is_reading", "is_qualification", "needs_description"]
        read_only_fields = fields


class GatewayCourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = GatewayCourse
        fields = ["id", "title", "provider", "code", "credits", "assessed"]
        read_only_fields = fields


class QualificationUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = QualificationUnit
        fields = ["code", "title", "level", "credit_value", "guided_learning_hours", "mandatory"]
        read_only_fields = fields


class QualificationSerializer(serializers.ModelSerializer):
    units = QualificationUnitSerializer(many=True, read_only=True)

    class Meta:
        model = Qualification
        fields = [
            "id",
            "accreditation_number",
            "title",
            "awarding_body",
            "level",
            "credit_value",
            "guided_learning_hours",
            "duration",
            "induction",
            "tutorial_support",
            "rules_of_combination",
            "units",
        ]
        read_only_fields = fields


# --- Activities ------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class _OwnObjectiveField(serializers.PrimaryKeyRelatedField):
    """Only the caller's objectives can be chosen: another's id reads as "does not exist"."""

    def get_queryset(self):
        registrant = self.context.get("registrant")
        if registrant is None:
            return Objective.objects.none()
        return Objective.objects.filter(registrant=registrant)


def _decimal_field(**kwargs) -> serializers.DecimalField:
    # No max_digits/decimal_places here: R2.7's limits and their messages live in cpd.rules.
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        required=False,
        allow_null=True,
        coerce_to_string=True,
        **kwargs,
    )


class ActivityInputSerializer(serializers.Serializer):
    """An activity as the registrant records it (API.md). Exactly one of `hours` (principle 1) or
    `gateway_credits` / `qualification_credit_value` (principle 2) applies."""

    # The names are those of cpd.services.ActivityInput, so validated_data fills it as it is.

    title = TextField(max_length=200, allow_blank=True)
    activity_type = SlugRelatedField(
        slug_field="slug",
        queryset=ActivityType.objects.all(),
        help_text="A slug from GET /api/v1/activity-types/.",
    )
    type_description = TextField(
        max_length=200, required=False, allow_blank=True, help_text="Needed for type `other`."
    )
    principle = serializers.ChoiceField(
        choices=[(p.value, p.name.title()) for p in Principle],
        help_text="`personal`: working principle 1 (hours); `shared`: working principle 2 "
        "(Gateway course or national qualification).",
    )
    hours = _decimal_field(help_text="Principle 1 only: hours of learning.")
    gateway_course = serializers.PrimaryKeyRelatedField(
        queryset=GatewayCourse.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="Principle 2: a course from GET /api/v1/gateway-courses/; fixes its credits "
        "and whether it is assessed.",
    )
    gateway_credits = _decimal_field(
        max_value=MAX_GATEWAY_CREDITS,
        help_text="Principle 2, a CPD Gateway course: its pre-determined credit value.",
    )
    assessed = serializers.BooleanField(
        required=False, help_text="Principle 2 Gateway course: it was formally assessed."
    )
    qualification = serializers.PrimaryKeyRelatedField(
        queryset=Qualification.objects.filter(active=True),
        required=False,
        allow_null=True,
        help_text="Principle 2: a qualification from GET /api/v1/qualifications/; fixes its "
        "credit value.",
    )
    qualification_credit_value = serializers.IntegerField(
        required=False,
        allow_null=True,
        max_value=MAX_QUALIFICATION_CREDIT_VALUE,
        help_text="Principle 2, a nationally recognised qualification: its credit value "
        "(times 10 = credits).",
    )
    instalments = serializers.IntegerField(
        default=1,
        max_value=MAX_INSTALMENTS,
        help_text="A principle 2 qualification recorded as N equal records (R2.6).",
    )
    end_test = serializers.BooleanField(
        required=False, help_text="Principle 1: had an end test or exam."
    )
    impact_behaviour = serializers.BooleanField(required=False)
    behaviour_statement = TextField(required=False, allow_blank=True)
    impact_working_practice = serializers.BooleanField(required=False)
    working_practice_statement = TextField(required=False, allow_blank=True)
    reflection = TextField(allow_blank=True)
    completed_on = serializers.DateField()
    objective = _OwnObjectiveField(
        required=False, allow_null=True, help_text="One of your PDP objectives."
    )


class ActivityUpdateSerializer(ActivityInputSerializer):
    """A change to an activity: any of its fields. The split into instalments is decided when
    the activity is recorded, so it can't be changed."""

    instalments = None


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "uploaded_at", "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, evidence: Evidence) -> str:
        url = reverse("api:evidence-download", kwargs={"pk": evidence.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,  # the service says what is wrong with the file (R4.4)
        help_text="PDF, PNG, JPEG or Word (.docx), checked from its content; at most 10 MB.",
    )


class ActivitySerializer(serializers.ModelSerializer):
    activity_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    credits = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        read_only=True,
        help_text="The calculated value (R2), two places.",
    )
    assessed = serializers.BooleanField(
        read_only=True,
        help_text="Assessed activity (R2.8): an end test, an assessed Gateway "
        "course, or a qualification.",
    )
    gateway_assessed = serializers.BooleanField(
        read_only=True, help_text="The Gateway course was formally assessed (the `assessed` input)."
    )
    audited_credits = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="An auditor's value; when set it is the one that counts (R3.2).",
    )
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "activity_type",
            "type_description",
            "principle",
            "hours",
            "gateway_course",
            "gateway_credits",
            "qualification",
            "qualification_credit_value",
            "instalments",
            "instalment_number",
            "instalment_group",
            "end_test",
            "assessed",
            "gateway_assessed",
            "impact_behaviour",
            "behaviour_statement",
            "impact_working_practice",
            "working_practice_statement",
            "reflection",
            "completed_on",
            "objective",
            "cycle",
            "credits",
            "credits_explanation",
            "audited_credits",
            "in_audit",
            "evidence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- Progress --------------------------------------------------------------------------------


def _credits(source: str, help_text: str = "") -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=10, decimal_places=2, source=source, read_only=True, help_text=help_text
    )


class ProgressSerializer(serializers.Serializer):
    """Progress in the open cycle (R3), from `cpd.selectors.cycle_progress`."""

    cycle_start = serializers.DateField(source="cycle.start", read_only=True)
    cycle_end = serializers.DateField(source="cycle.end", read_only=True)
    target = _credits("cycle.target")
    recorded_credits = _credits("progress.recorded_credits", "Everything recorded.")
    counted_credits = _credits(
        "progress.counted_credits", "What counts towards the target (R3.2, R3.3)."
    )
    reading_credits = _credits("progress.reading_credits", "Recorded reading.")
    reading_cap = _credits("progress.reading_cap", "20% of the target (R3.3).")
    reading_counted = _credits("progress.reading_counted", "Reading up to the cap (R3.3).")
    assessed_credits = _credits("progress.assessed_credits", "Assessed activity (R2.8).")
    assessed_recommended = _credits(
        "progress.assessed_recommended", "Recommended assessed share, 20% (R3.4, advice only)."
    )
    credits_needed = _credits("progress.credits_needed", "Still needed to reach the target.")
    expected_by_now = _credits(
        "progress.expected_by_now", "The target times the elapsed fraction of the cycle (R3.5)."
    )
    pace_needed_per_year = _credits(
        "progress.pace_needed_per_year", "Credits a year still needed (30 recommended, R3.5)."
    )
    on_track = serializers.BooleanField(source="progress.on_track", read_only=True)
    target_met = serializers.BooleanField(source="progress.target_met", read_only=True)
    days_left = serializers.IntegerField(source="progress.days_left", read_only=True)


# --- PDP objectives --------------------------------------------------------------------------


@extend_schema_field(enum_schema(Objective.Status), component_name="ObjectiveStatusEnum")
class ObjectiveStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Objective.Status.choices, **kwargs)


class ObjectiveInputSerializer(serializers.ModelSerializer):
    serializer_field_mapping = TEXT_FIELD_MAPPING
    status = ObjectiveStatusField(required=False)

    class Meta:
        model = Objective
        fields = [
            "title",
            "description",
            "measure",
            "agreed_with",
            "relevance",
            "target_date",
            "status",
        ]


class ObjectiveSerializer(serializers.ModelSerializer):
    status = ObjectiveStatusField(read_only=True)
    activity_count = serializers.IntegerField(read_only=True, help_text="Activities linked to it.")
    credits = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text="Credits of the activities linked to it.",
    )

    class Meta:
        model = Objective
        fields = [
            "id",
            "title",
            "description",
            "measure",
            "agreed_with",
            "relevance",
            "target_date",
            "status",
            "activity_count",
            "credits",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
