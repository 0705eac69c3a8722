"""Forms of the candidate pages. They parse what was typed; `accreditation.services` judges it
and its refusals are put back on the field they concern (`add_service_errors`)."""

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.models import User
from cpd.forms import MultipleFileField, MultipleFileInput

from ..models import (
    Attempt,
    Candidate,
    CentreApproval,
    CentreDevisedAssessment,
    Component,
    Level,
    Route,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


# --- The centre's list of candidates -----------------------------------------------------------


class CandidateFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", "Any status"),
        ("waiting", "Waiting for the R9.4 checks"),
        ("ready", "Ready to be assessed, or being assessed"),
        ("awarded", "Awarded"),
    ]

    q = forms.CharField(label="Name or email", required=False, max_length=100)
    route = forms.ModelChoiceField(
        queryset=Route.objects.all(), required=False, empty_label="Any route"
    )
    level = forms.ModelChoiceField(
        queryset=Level.objects.all(), required=False, empty_label="Any level"
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.hide_optional_label = True  # every filter is optional

    def filter(self, queryset: QuerySet[Candidate]) -> QuerySet[Candidate]:
        if not self.is_bound or not self.is_valid():
            return queryset
        data = self.cleaned_data
        for word in data["q"].split():
            queryset = queryset.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(user__email__icontains=word)
            )
        if data["route"]:
            queryset = queryset.filter(route=data["route"])
        if data["level"]:
            queryset = queryset.filter(level=data["level"])
        # R9.4: the three confirmations before any assessment.
        gate_missing = (
            Q(ao_registration_number="")
            | Q(eligibility_confirmed_at__isnull=True)
            | Q(code_accepted_at__isnull=True)
        )
        if data["status"] == "waiting":
            queryset = queryset.filter(gate_missing)
        elif data["status"] == "ready":
            queryset = queryset.exclude(gate_missing).filter(award__isnull=True)
        elif data["status"] == "awarded":
            queryset = queryset.filter(award__isnull=False)
        return queryset


# --- Registering candidates (R9.2) -------------------------------------------------------------


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CentreApproval) -> str:
        return f"{obj.route.name}, level {obj.level.number} {obj.level.name}"


class CandidateForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        help_text="They get an email with a link to the portal. An existing account is used."
    )
    offer = OfferChoiceField(
        label="Route and level",
        queryset=CentreApproval.objects.none(),
        empty_label="Choose…",
        help_text="Only the routes and levels the IMI has approved the centre for (R9.2).",
    )
    ao_registration_number = forms.CharField(
        label="Awarding Organisation registration number",
        max_length=40,
        required=False,
        help_text="If they are registered already; you can record it later.",
    )
    ao_registered_on = forms.DateField(
        label="Registered with the Awarding Organisation on", required=False, widget=DATE_INPUT
    )

    def __init__(self, *args, offers: QuerySet[CentreApproval], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers

    def clean(self):
        data = super().clean()
        if data.get("ao_registration_number") and not data.get("ao_registered_on"):
            self.add_error("ao_registered_on", "Enter the date of the registration.")
        return data


class CandidateImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="Saved from a spreadsheet as “CSV UTF-8”, with the header row.",
    )


# --- The R9.4 gate -----------------------------------------------------------------------------


class RegistrationForm(forms.Form):
    ao_registration_number = forms.CharField(
        label="Registration number",
        max_length=40,
        error_messages={"required": "Enter the registration number."},
    )
    ao_registered_on = forms.DateField(
        label="Registered on",
        widget=DATE_INPUT,
        error_messages={"required": "Enter the date of the registration."},
    )


class EligibilityForm(forms.Form):
    eligibility_note = forms.CharField(
        label="How the candidate meets the pre-requisites",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say how the candidate meets the pre-requisites."},
    )


class AcceptCodeForm(forms.Form):
    agree = forms.BooleanField(
        label="I agree to the Accreditation Code of Conduct",
        error_messages={"required": "Tick “I agree” to accept the Code of Conduct."},
    )


# --- Attempts (R9.3-R9.7, R9.10) and level reviews (R9.6) ------------------------------------


class AttemptForm(forms.Form):
    component = forms.ModelChoiceField(queryset=Component.objects.none(), empty_label="Choose…")
    attempted_on = forms.DateField(label="Date of the attempt", widget=DATE_INPUT)
    assessor = PersonChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose…",
        help_text="They must be approved to assess the candidate's route and level (R9.3).",
    )
    invigilator = PersonChoiceField(
        label="Invigilator (online tests)",
        queryset=User.objects.none(),
        required=False,
        empty_label="None",
        help_text="Online tests only: an IMI-approved invigilator (R9.7).",
    )
    devised_assessment = forms.ModelChoiceField(
        label="Centre devised assessment",
        queryset=CentreDevisedAssessment.objects.none(),
        required=False,
        empty_label="Choose…",
        help_text="The centre's approved assessment for this component (R9.8).",
    )
    outcome = forms.ChoiceField(choices=Attempt.Outcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    files = MultipleFileField(
        label="Evidence files",
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.mp4,.mov,.webm,video/*"}
        ),
    )

    def __init__(
        self,
        *args,
        candidate: Candidate,
        people: QuerySet[User],
        devised: QuerySet[CentreDevisedAssessment],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = candidate.route.components.all()
        self.fields["assessor"].queryset = people
        self.fields["invigilator"].queryset = people
        self.fields["invigilator"].hide_optional_label = True  # required for online tests
        if candidate.route.centre_devised:
            self.fields["devised_assessment"].queryset = devised
        else:
            del self.fields["devised_assessment"]
        video_mb = settings.ACCREDITATION_VIDEO_MAX_BYTES // 1_048_576
        document_mb = settings.EVIDENCE_MAX_BYTES // 1_048_576
        self.fields["files"].help_text = (
            f"PDF, PNG, JPEG or Word (.docx) up to {document_mb} MB each; video of role play "
            f"(MP4, MOV, WebM) up to {video_mb} MB (R9.10). Choose several at once if needed."
        )

    SERVICE_FIELDS = {"evidence": "files"}


class LevelReviewForm(forms.Form):
    component = forms.ModelChoiceField(queryset=Component.objects.none(), widget=forms.HiddenInput)
    reviewed_on = forms.DateField(label="Date of the review", widget=DATE_INPUT)
    outcome = forms.CharField(
        label="Is the candidate at the right level? What was decided?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    refresher_training = forms.CharField(
        label="Refresher training", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = candidate.route.components.filter(online_test=True)


class AttemptChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Attempt) -> str:
        return (
            f"{obj.component.name}, {obj.attempted_on:%d %b %Y} "
            f"({obj.get_outcome_display().lower()}, assessed by {obj.assessor})"
        )


class QualityAssuranceForm(forms.Form):
    """An internal quality assurer's sampling of one attempt (R9.3)."""

    attempt = AttemptChoiceField(queryset=Attempt.objects.none(), empty_label="Choose…")
    iqa = PersonChoiceField(
        label="Internal quality assurer",
        queryset=User.objects.none(),
        empty_label="Choose…",
        help_text="Approved as an IQA for the route and level; not the assessor (R9.3).",
    )
    on = forms.DateField(label="Sampled on", widget=DATE_INPUT)
    note = forms.CharField(
        label="Findings", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, candidate: Candidate, people: QuerySet[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attempt"].queryset = candidate.attempts.filter(
            quality_assured_by__isnull=True
        ).select_related("component", "assessor")
        self.fields["iqa"].queryset = people
