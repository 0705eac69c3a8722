"""The centre API's shapes. Input serializers only parse and find the objects named; the rules
(R9.2-R9.7) are judged by `accreditation.services`, so the portal's pages and the API can't
disagree. Output serializers are read-only."""

from datetime import date

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from accreditation import access, rules
from accreditation.models import (
    Attempt,
    AttemptEvidence,
    Award,
    Candidate,
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    Level,
    Route,
)
from accreditation.selectors import CandidateProgress, ComponentProgress
from accreditation.services import candidate_gate_refusals
from register.api.serializers import enum_schema

# --- Output ------------------------------------------------------------------------------------


@extend_schema_field(enum_schema(Attempt.Outcome), component_name="AttemptOutcomeEnum")
class OutcomeField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Attempt.Outcome.choices, **kwargs)


@extend_schema_field(enum_schema(CentreApproval.Status), component_name="CentreApprovalStatusEnum")
class ApprovalStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(choices=CentreApproval.Status.choices, **kwargs)


class CentreApprovalSerializer(serializers.ModelSerializer):
    route = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level = serializers.IntegerField(source="level.number", read_only=True)
    status = ApprovalStatusField(read_only=True)

    class Meta:
        model = CentreApproval
        fields = ["route", "level", "status"]
        read_only_fields = fields


class CentreSerializer(serializers.ModelSerializer):
    status = ApprovalStatusField(read_only=True, help_text="The centre's status (R9.2).")
    approvals = CentreApprovalSerializer(
        many=True,
        read_only=True,
        help_text="Per route and level: candidates can be registered only where `approved`.",
    )

    class Meta:
        model = Centre
        fields = ["id", "number", "name", "status", "approvals"]
        read_only_fields = fields


class CentreSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Centre
        fields = ["id", "number", "name"]
        read_only_fields = fields


class CentrePersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "name"]
        read_only_fields = fields


class AwardSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="`valid`, `expired` or `revoked`.")
    verify_url = serializers.SerializerMethodField(
        help_text="The public page where anyone can check the code (R9.11)."
    )

    class Meta:
        model = Award
        fields = [
            "title",
            "verification_code",
            "display_code",
            "awarded_on",
            "expires_on",
            "status",
            "verify_url",
        ]
        read_only_fields = fields

    def get_status(self, award: Award) -> str:
        return rules.award_status(
            expires_on=award.expires_on,
            revoked=award.revoked_at is not None,
            as_of=timezone.localdate(),
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_verify_url(self, award: Award) -> str:
        url = reverse("accreditation:verify_code", args=[award.verification_code])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class CandidateSerializer(serializers.ModelSerializer):
    """A candidate as listed: who, where, on what, and whether they can be assessed yet."""

    centre = CentreSummarySerializer(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    route = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level = serializers.IntegerField(source="level.number", read_only=True)
    gate = serializers.SerializerMethodField(
        help_text="What still stops any assessment (R9.4): the Awarding Organisation "
        "registration, eligibility, the candidate's acceptance of the Code of Conduct. Empty "
        "when the candidate can be assessed."
    )
    ready_for_assessment = serializers.SerializerMethodField(
        help_text="True when `gate` is empty (R9.4)."
    )
    window_end = serializers.SerializerMethodField(
        help_text="The last day of the twelve-month window (R9.5); null before the first attempt."
    )
    award = serializers.SerializerMethodField(help_text="The accreditation, once awarded (R9.11).")

    class Meta:
        model = Candidate
        fields = [
            "id",
            "centre",
            "email",
            "first_name",
            "last_name",
            "route",
            "level",
            "registered_at",
            "ao_registration_number",
            "ao_registered_on",
            "eligibility_confirmed_at",
            "code_accepted_at",
            "gate",
            "ready_for_assessment",
            "first_attempt_on",
            "window_end",
            "award",
        ]
        read_only_fields = fields

    def get_gate(self, candidate: Candidate) -> list[str]:
        return candidate_gate_refusals(candidate)

    def get_ready_for_assessment(self, candidate: Candidate) -> bool:
        return not candidate_gate_refusals(candidate)

    def get_window_end(self, candidate: Candidate) -> date | None:
        if candidate.first_attempt_on is None:
            return None
        return rules.window_end(candidate.first_attempt_on, candidate.window_extended_to)

    @extend_schema_field(AwardSerializer(allow_null=True))
    def get_award(self, candidate: Candidate) -> dict | None:
        # The award is select_related by the view, so a missing one costs no query.
        if not hasattr(candidate, "award"):
            return None
        return AwardSerializer(candidate.award, context=self.context).data


class ComponentProgressSerializer(serializers.Serializer):
    code = serializers.CharField(source="component.code")
    name = serializers.CharField(source="component.name")
    online_test = serializers.BooleanField(
        source="component.online_test", help_text="Invigilated (R9.7); attempts limited (R9.6)."
    )
    passed_on = serializers.DateField(allow_null=True)
    attempts = serializers.SerializerMethodField(help_text="How many attempts are recorded.")
    unsuccessful = serializers.IntegerField(help_text="Referred attempts.")
    review_due = serializers.BooleanField(
        help_text="A level review must be recorded before another online test (R9.6)."
    )

    def get_attempts(self, progress: ComponentProgress) -> int:
        return len(progress.attempts)


class CandidateWindowSerializer(serializers.Serializer):
    first_attempt_on = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True, help_text="The last day an attempt counts.")
    days_left = serializers.IntegerField(
        allow_null=True, help_text="Including today; 0 once the window has closed."
    )
    extended = serializers.BooleanField(help_text="An officer extended the window (R9.5).")


class CandidateProgressSerializer(serializers.Serializer):
    window = serializers.SerializerMethodField()
    components = ComponentProgressSerializer(many=True)
    passed = serializers.SerializerMethodField(help_text="Codes of the components passed.")
    to_do = serializers.SerializerMethodField(help_text="Codes of the components still to pass.")

    @extend_schema_field(CandidateWindowSerializer)
    def get_window(self, progress: CandidateProgress) -> dict:
        candidate = self.context["candidate"]
        return CandidateWindowSerializer(
            {
                "first_attempt_on": candidate.first_attempt_on,
                "end": progress.window_end,
                "days_left": progress.days_left,
                "extended": candidate.window_extended_to is not None,
            }
        ).data

    def get_passed(self, progress: CandidateProgress) -> list[str]:
        return [c.component.code for c in progress.passed]

    def get_to_do(self, progress: CandidateProgress) -> list[str]:
        return [c.component.code for c in progress.to_do]


class CandidateDetailSerializer(CandidateSerializer):
    """A candidate with the countdown of their window and what is passed and still to do."""

    progress = serializers.SerializerMethodField(
        help_text="The twelve-month window from the first attempt (R9.5) and each component."
    )

    class Meta(CandidateSerializer.Meta):
        fields = [*CandidateSerializer.Meta.fields, "progress"]
        read_only_fields = fields

    @extend_schema_field(CandidateProgressSerializer)
    def get_progress(self, candidate: Candidate) -> dict:
        return CandidateProgressSerializer(
            candidate.progress, context={**self.context, "candidate": candidate}
        ).data


class AttemptEvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)

    class Meta:
        model = AttemptEvidence
        fields = ["id", "name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class AttemptSerializer(serializers.ModelSerializer):
    candidate = serializers.PrimaryKeyRelatedField(read_only=True)
    component = serializers.SlugRelatedField(slug_field="code", read_only=True)
    component_name = serializers.CharField(source="component.name", read_only=True)
    assessor = CentrePersonSerializer(read_only=True)
    invigilator = CentrePersonSerializer(read_only=True, allow_null=True)
    devised_assessment = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    outcome = OutcomeField(read_only=True)
    evidence = AttemptEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Attempt
        fields = [
            "id",
            "candidate",
            "component",
            "component_name",
            "attempted_on",
            "assessor",
            "invigilator",
            "devised_assessment",
            "outcome",
            "notes",
            "recorded_at",
            "evidence",
        ]
        read_only_fields = fields


# --- Input -------------------------------------------------------------------------------------


def _user(context: dict) -> User:
    return context["request"].user


@extend_schema_field(OpenApiTypes.INT)
class _RecordingCentreField(serializers.PrimaryKeyRelatedField):
    """A centre where the caller registers candidates; any other reads as "no such centre", so a
    centre the caller doesn't work for is never revealed to exist."""

    default_error_messages = {
        "does_not_exist": "No centre with id {pk_value} where you can register candidates."
    }

    def get_queryset(self) -> QuerySet[Centre]:
        return access.centres_for(_user(self.context), roles=access.RECORDING_ROLES)


@extend_schema_field(OpenApiTypes.INT)
class _RecordingCandidateField(serializers.PrimaryKeyRelatedField):
    """A candidate of a centre where the caller records assessments; else "no such candidate"."""

    default_error_messages = {
        "does_not_exist": "No candidate with id {pk_value} whose assessments you can record."
    }

    def get_queryset(self) -> QuerySet[Candidate]:
        return access.centre_candidates_for(
            _user(self.context), roles=access.RECORDING_ROLES
        ).select_related("centre", "route", "level")


@extend_schema_field(OpenApiTypes.INT)
class _DevisedAssessmentField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        "does_not_exist": "No centre devised assessment with id {pk_value} at your centres."
    }

    def get_queryset(self) -> QuerySet[CentreDevisedAssessment]:
        return access.devised_assessments_for(_user(self.context))


@extend_schema_field(OpenApiTypes.INT)
class _LevelField(serializers.SlugRelatedField):
    def __init__(self, **kwargs) -> None:
        super().__init__(slug_field="number", queryset=Level.objects.all(), **kwargs)


class CandidateInputSerializer(serializers.Serializer):
    """A candidate registered by the centre (R9.2). The account is made if no one has the email;
    the candidate is emailed to log in and accept the Code of Conduct (R9.4)."""

    centre = _RecordingCentreField(
        help_text="The id of a centre where you register candidates (GET /api/v1/centre/centres/)."
    )
    email = serializers.EmailField(max_length=254)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    route = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Route.objects.all(),
        help_text="A route code the centre is approved for, e.g. `competence-imi` (R9.2).",
    )
    level = _LevelField(help_text="A level number the centre is approved for, e.g. 3 (R9.2).")
    ao_registration_number = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="The Awarding Organisation registration number, if already known (R9.4); "
        "recorded as registered today.",
    )


class AttemptInputSerializer(serializers.Serializer):
    """One attempt of one component (R9.3-R9.7, R9.10)."""

    candidate = _RecordingCandidateField(help_text="The candidate's id.")
    component = serializers.CharField(
        max_length=40, help_text="A component code of the candidate's route, e.g. `upk-test`."
    )
    attempted_on = serializers.DateField(
        help_text="Inside the twelve-month window from the first attempt (R9.5)."
    )
    assessor = serializers.CharField(
        max_length=254,
        help_text="The assessor's user id or email; currently approved for the route and level "
        "at the candidate's centre (R9.3).",
    )
    invigilator = serializers.CharField(
        max_length=254,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Online tests: the IMI-approved invigilator's user id or email (R9.7).",
    )
    devised_assessment = _DevisedAssessmentField(
        required=False,
        allow_null=True,
        help_text="Centre devised routes: the id of the centre's approved assessment (R9.8).",
    )
    outcome = OutcomeField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        help_text="multipart/form-data only: evidence files (PDF, PNG, JPEG, Word) and video of "
        "role play (MP4, MOV, WebM, MKV; R9.10).",
    )

    def validate(self, data: dict) -> dict:
        candidate: Candidate = data["candidate"]
        errors = {}
        code = data["component"]
        component = candidate.route.components.filter(code=code).first()
        if component is None:
            codes = ", ".join(candidate.route.components.values_list("code", flat=True))
            errors["component"] = [f"{candidate.route} has no component “{code}”: one of {codes}."]
        data["component"] = component
        for name in ("assessor", "invigilator"):
            key = (data.get(name) or "").strip()
            data[name] = None
            if key:
                data[name] = _person_at(candidate.centre, key)
                if data[name] is None:
                    errors[name] = [f"No one at {candidate.centre.name} has the id or email {key}."]
        if errors:
            raise serializers.ValidationError(errors)
        return data


def _person_at(centre: Centre, key: str) -> User | None:
    """Someone who works at the centre, by user id or email: only the centre's people can be
    named, so the API reveals no other account."""
    people = User.objects.filter(centre_memberships__centre=centre).distinct()
    if key.isdigit():
        return people.filter(pk=int(key)).first()
    return people.filter(email__iexact=key).first()
