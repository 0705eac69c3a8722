"""Forms of the CPD pages. They parse what was typed; `services.activity_check` judges it."""

from django import forms
from django.forms.models import ModelChoiceIterator

from .models import ActivityType, GatewayCourse, Objective, Qualification
from .rules import Principle
from .services import ActivityInput


class GroupedTypeIterator(ModelChoiceIterator):
    """Activity types grouped as in the seed 001 listing (R2.9); lazy, like Django's own."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for activity_type in self.queryset:
            groups.setdefault(activity_type.group, []).append(self.choice(activity_type))
        yield from groups.items()


class GroupedTypeChoiceField(forms.ModelChoiceField):
    iterator = GroupedTypeIterator

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", "Choose a type…")
        super().__init__(queryset=ActivityType.objects.order_by("position"), **kwargs)


class ActivityForm(forms.Form):
    SHARED_KINDS = [
        ("gateway", "A course from the IMI CPD Gateway"),
        ("qualification", "A nationally recognised qualification (QCF, RQF, SCQF, CQFW)"),
    ]

    title = forms.CharField(max_length=200, help_text="What was it? e.g. “EV safety course”.")
    activity_type = GroupedTypeChoiceField(label="Type of activity")
    type_description = forms.CharField(
        label="Describe the activity",
        max_length=200,
        required=False,
        help_text="Needed when the type is “Other”.",
    )
    principle = forms.ChoiceField(
        label="How is it valued?",
        widget=forms.RadioSelect,
        choices=[
            (
                Principle.PERSONAL.value,
                "Personal activity: I count the hours (working principle 1)",
            ),
            (
                Principle.SHARED.value,
                "Shared activity: a Gateway course or a qualification (working principle 2)",
            ),
        ],
    )
    hours = forms.DecimalField(
        label="Hours of learning",
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        help_text="One credit an hour; fractions allowed, e.g. 1.5.",
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    end_test = forms.BooleanField(label="It had an end test or exam (+1 credit)", required=False)
    shared_kind = forms.ChoiceField(
        label="What kind of shared activity?",
        widget=forms.RadioSelect,
        choices=SHARED_KINDS,
        required=False,
    )
    gateway_course = forms.ModelChoiceField(
        label="Gateway course",
        required=False,
        queryset=GatewayCourse.objects.filter(active=True).order_by("title"),
        empty_label="Not in the list: I'll enter its credit value",
        help_text="Courses carry the credit value the IMI gave them.",
    )
    gateway_credits = forms.DecimalField(
        label="The course's credit value",
        required=False,
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    assessed = forms.BooleanField(label="The course was formally assessed", required=False)
    qualification = forms.ModelChoiceField(
        label="Qualification",
        required=False,
        queryset=Qualification.objects.filter(active=True).order_by("title"),
        empty_label="Not in the list: I'll enter its credit value",
    )
    qualification_credit_value = forms.IntegerField(
        label="The qualification's credit value",
        required=False,
        min_value=1,
        help_text="Its QCF/RQF credit value; you claim ten times it (QCF 43 gives 430).",
    )
    instalments = forms.IntegerField(
        label="Record it in equal instalments",
        min_value=1,
        max_value=12,
        initial=1,
        required=False,
        help_text="A long qualification can be split, e.g. 4 for evidence every six months.",
    )
    impact_behaviour = forms.BooleanField(
        label="It changed how I behave at work (+2 credits)", required=False
    )
    behaviour_statement = forms.CharField(
        label="How did your behaviour change?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    impact_working_practice = forms.BooleanField(
        label="It changed our working practice (+4 credits)", required=False
    )
    working_practice_statement = forms.CharField(
        label="What changed in your working practice?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reflection = forms.CharField(
        label="Reflective statement",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you learnt and its impact on your knowledge.",
    )
    completed_on = forms.DateField(
        label="Completed on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    objective = forms.ModelChoiceField(
        label="Objective it serves",
        required=False,
        queryset=Objective.objects.none(),
        empty_label="None",
        help_text="Link it to your Personal Development Plan.",
    )

    # Needed or not depending on other answers: the labels don't call them optional.
    CONDITIONAL = (
        "type_description",
        "hours",
        "shared_kind",
        "gateway_course",
        "gateway_credits",
        "qualification",
        "qualification_credit_value",
        "instalments",
        "behaviour_statement",
        "working_practice_statement",
    )

    def __init__(self, *args, registrant, editing_instalment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.CONDITIONAL:
            self.fields[name].hide_optional_label = True
        self.fields["objective"].queryset = registrant.objectives.exclude(status="dropped")
        if editing_instalment:
            # An instalment keeps its qualification and share: only its story can change.
            for name in (
                "principle",
                "shared_kind",
                "qualification",
                "qualification_credit_value",
                "instalments",
                "gateway_course",
                "gateway_credits",
                "assessed",
                "hours",
                "end_test",
            ):
                self.fields[name].disabled = True

    def to_input(self) -> ActivityInput:
        data = self.cleaned_data
        principle = data.get("principle") or ""
        shared_kind = data.get("shared_kind") or ""
        personal = principle == Principle.PERSONAL.value
        gateway = principle == Principle.SHARED.value and shared_kind == "gateway"
        qualification = principle == Principle.SHARED.value and shared_kind == "qualification"
        return ActivityInput(
            title=data.get("title") or "",
            activity_type=data.get("activity_type"),
            type_description=data.get("type_description") or "",
            principle=principle,
            hours=data.get("hours") if personal else None,
            end_test=bool(data.get("end_test")) and personal,
            gateway_course=data.get("gateway_course") if gateway else None,
            gateway_credits=data.get("gateway_credits") if gateway else None,
            assessed=bool(data.get("assessed")) and gateway,
            qualification=data.get("qualification") if qualification else None,
            qualification_credit_value=(
                data.get("qualification_credit_value") if qualification else None
            ),
            instalments=(data.get("instalments") or 1) if qualification else 1,
            impact_behaviour=bool(data.get("impact_behaviour")),
            behaviour_statement=data.get("behaviour_statement") or "",
            impact_working_practice=bool(data.get("impact_working_practice")),
            working_practice_statement=data.get("working_practice_statement") or "",
            reflection=data.get("reflection") or "",
            completed_on=data.get("completed_on"),
            objective=data.get("objective"),
        )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            target = name if name in self.fields else None
            if name == "principle" and "shared_kind" in self.fields and self.data.get("principle"):
                target = "shared_kind"
            for message in messages:
                self.add_error(target, message)

    @classmethod
    def initial_from_activity(cls, activity) -> dict[str, object]:
        initial = {
            name: getattr(activity, name)
            for name in (
                "title",
                "type_description",
                "principle",
                "hours",
                "end_test",
                "gateway_credits",
                "qualification_credit_value",
                "impact_behaviour",
                "behaviour_statement",
                "impact_working_practice",
                "working_practice_statement",
                "reflection",
                "completed_on",
                "instalments",
            )
        }
        initial.update(
            activity_type=activity.activity_type_id,
            gateway_course=activity.gateway_course_id,
            qualification=activity.qualification_id,
            objective=activity.objective_id,
            assessed=activity.gateway_assessed,
            shared_kind=(
                "qualification"
                if activity.qualification_credit_value is not None
                else "gateway"
                if activity.principle == Principle.SHARED.value
                else ""
            ),
        )
        return initial


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class EvidenceForm(forms.Form):
    files = MultipleFileField(
        label="Evidence files",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx"}),
        help_text="Certificates or notes: PDF, PNG, JPEG or Word (.docx), up to 10 MB each.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if self.require_files and not files:
            raise forms.ValidationError("Choose at least one file.")
        return files

    def __init__(self, *args, require_files: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.require_files = require_files


class ObjectiveForm(forms.ModelForm):
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
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 2}),
            "relevance": forms.Textarea(attrs={"rows": 2}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "measure": "How you'll know you've achieved it.",
            "agreed_with": "e.g. your line manager, at your appraisal.",
        }


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    activity_type = forms.ModelChoiceField(
        label="Type",
        required=False,
        queryset=ActivityType.objects.order_by("position"),
        empty_label="Any type",
    )
    principle = forms.ChoiceField(
        label="Principle",
        required=False,
        choices=[("", "Any"), ("personal", "Personal"), ("shared", "Shared")],
    )
    assessed = forms.ChoiceField(
        label="Assessed",
        required=False,
        choices=[("", "Any"), ("yes", "Assessed"), ("no", "Un-assessed")],
    )
    completed_after = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    completed_before = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    objective = forms.ModelChoiceField(
        label="Objective",
        required=False,
        queryset=Objective.objects.none(),
        empty_label="Any objective",
    )

    def __init__(self, *args, registrant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = registrant.objectives.all()
        for field in self.fields.values():
            field.hide_optional_label = True  # every filter is optional; saying so is noise

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            from django.db.models import Q

            queryset = queryset.filter(
                Q(title__icontains=data["q"]) | Q(reflection__icontains=data["q"])
            )
        if data["activity_type"]:
            queryset = queryset.filter(activity_type=data["activity_type"])
        if data["principle"]:
            queryset = queryset.filter(principle=data["principle"])
        if data["assessed"]:
            queryset = queryset.filter(assessed=data["assessed"] == "yes")
        if data["completed_after"]:
            queryset = queryset.filter(completed_on__gte=data["completed_after"])
        if data["completed_before"]:
            queryset = queryset.filter(completed_on__lte=data["completed_before"])
        if data["objective"]:
            queryset = queryset.filter(objective=data["objective"])
        return queryset
