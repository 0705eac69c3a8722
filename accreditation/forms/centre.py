"""Forms of the centre pages. They parse what was typed; `accreditation.services` judges it and
its refusals are put back on the right field with `add_service_errors`."""

from django import forms
from django.core.exceptions import ValidationError

from cpd.models import Qualification
from imi_portal.forms import add_service_errors

from .. import rules
from ..models import (
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    CentreMembership,
    CompetenceEvidence,
    Component,
    Level,
    Route,
    StaffApproval,
    Statement,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrorsMixin:
    """Put a service's `ValidationError` on the form: each message on its field when the form has
    it, else at the top (or on `fallback_field`)."""

    fallback_field: str | None = None
    # A service's field name shown elsewhere on this form (None: at the top).
    error_targets: dict[str, str | None] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, self.error_targets, self.fallback_field)


def offer_value(route: Route, level: Level) -> str:
    return f"{route.pk}-{level.number}"


class CentreApplyForm(ServiceErrorsMixin, forms.Form):
    """A centre's application: who it is and the routes and levels it wants to offer (R9.2)."""

    name = forms.CharField(label="Centre name", max_length=200)
    email = forms.EmailField(label="Centre email", help_text="Where the IMI writes to the centre.")
    phone = forms.CharField(label="Phone", max_length=40)
    address = forms.CharField(label="Address", widget=forms.Textarea(attrs={"rows": 3}))
    # Rendered by the template as a grid of routes (rows) by levels (columns).
    offers = forms.MultipleChoiceField(
        label="Routes and levels to offer",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one route and level to apply for."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.routes = list(Route.objects.all())
        self.levels = list(Level.objects.all())
        self.fields["offers"].choices = [
            (offer_value(r, lv), f"{r} at level {lv.number}")
            for r in self.routes
            for lv in self.levels
        ]

    def grid(self) -> list[tuple[Route, list[tuple[Level, str, bool]]]]:
        """Each route with, per level, the checkbox value and whether it is ticked."""
        chosen = set(self.data.getlist("offers")) if self.is_bound else set()
        return [
            (
                r,
                [(lv, offer_value(r, lv), offer_value(r, lv) in chosen) for lv in self.levels],
            )
            for r in self.routes
        ]

    def offers_chosen(self) -> list[tuple[Route, Level]]:
        routes = {r.pk: r for r in self.routes}
        levels = {lv.number: lv for lv in self.levels}
        chosen = []
        for value in self.cleaned_data["offers"]:
            route_pk, number = value.split("-")
            chosen.append((routes[int(route_pk)], levels[int(number)]))
        return chosen


class ApprovalRequestForm(ServiceErrorsMixin, forms.Form):
    """An approved centre asks to offer one more route and level (R9.2)."""

    fallback_field = "route"
    route = forms.ModelChoiceField(queryset=Route.objects.all(), empty_label="Choose a route…")
    level = forms.ModelChoiceField(queryset=Level.objects.all(), empty_label="Choose a level…")


class PersonAddForm(ServiceErrorsMixin, forms.Form):
    fallback_field = "email"
    email = forms.EmailField()
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=[("", "Choose a role…"), *CentreMembership.CentreRole.choices])


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user.get_full_name() or user.email} ({user.email})"


class StaffApprovalRequestForm(ServiceErrorsMixin, forms.Form):
    """Ask for a person's approval as assessor or IQA for a route and level, or as an invigilator
    for any (R9.3, R9.7)."""

    fallback_field = "route"
    person = PersonChoiceField(queryset=None, empty_label="Choose a person…")
    role = forms.ChoiceField(choices=[("", "Choose a role…"), *StaffApproval.Role.choices])
    route = forms.ModelChoiceField(
        queryset=Route.objects.none(),
        required=False,
        empty_label="Choose a route…",
        help_text="Not needed for an invigilator: they are approved for any route (R9.7).",
    )
    level = forms.ModelChoiceField(
        queryset=Level.objects.all(), required=False, empty_label="Choose a level…"
    )

    def __init__(self, *args, centre: Centre, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        approved = centre.approvals.filter(status=CentreApproval.Status.APPROVED)
        self.fields["route"].queryset = Route.objects.filter(
            pk__in=approved.values("route_id")
        ).order_by("framework", "method")
        self.fields["level"].queryset = Level.objects.filter(pk__in=approved.values("level_id"))
        for name in ("route", "level"):
            self.fields[name].hide_optional_label = True


class QualificationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, qualification) -> str:
        return f"{qualification.title} ({qualification.accreditation_number})"


class CompetenceEvidenceForm(ServiceErrorsMixin, forms.Form):
    """Occupational competence, assessor award, teaching qualification or CPD (R9.3, R10.3)."""

    fallback_field = "file"
    kind = forms.ChoiceField(label="Kind of evidence", choices=CompetenceEvidence.Kind.choices)
    title = forms.CharField(
        max_length=200, help_text="e.g. “Service manager, Smith Motors” or “CAVA certificate”."
    )
    level = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=8,
        help_text="The level it shows competence at, for occupational evidence (R9.3).",
    )
    dated = forms.DateField(
        label="Date",
        widget=DATE_WIDGET,
        help_text="When it was gained or last done. Experience, qualifications and CPD older "
        "than three years are out of date (R10.3).",
    )
    qualification = QualificationChoiceField(
        label="Supports delivering",
        queryset=Qualification.objects.none(),
        required=False,
        empty_label="No catalogued qualification",
        help_text="A qualification the centre delivers that this evidence supports (R10.3).",
    )
    file = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx"}),
        help_text="A certificate or record: PDF, PNG, JPEG or Word (.docx), up to 10 MB.",
    )

    def __init__(self, *args, centre: Centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualification"].queryset = centre.qualifications.all()


class CentreQualificationsForm(forms.Form):
    qualifications = forms.ModelMultipleChoiceField(
        label="Qualifications the centre delivers",
        queryset=Qualification.objects.filter(active=True).order_by("title"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="From the IMI's qualifications catalogue (R10.1). Untick one the centre no "
        "longer delivers.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualifications"].hide_optional_label = True


# --- Centre devised assessments (R9.8) ---------------------------------------------------------


class RouteLevelForm(forms.Form):
    """Step one of a centre devised assessment: the route and level, which decide the statements
    to map. Only centre devised routes the centre has applied for (and not withdrawn)."""

    route = forms.ModelChoiceField(queryset=Route.objects.none(), empty_label="Choose a route…")
    level = forms.ModelChoiceField(queryset=Level.objects.none(), empty_label="Choose a level…")

    def __init__(self, *args, centre: Centre, **kwargs):
        super().__init__(*args, **kwargs)
        offered = centre.approvals.exclude(status=CentreApproval.Status.WITHDRAWN).filter(
            route__method=Route.Method.CENTRE_DEVISED
        )
        self.offered = set(offered.values_list("route_id", "level_id"))
        self.fields["route"].queryset = Route.objects.filter(
            pk__in={route_id for route_id, _ in self.offered}
        )
        self.fields["level"].queryset = Level.objects.filter(
            pk__in={level_id for _, level_id in self.offered}
        )

    def clean(self):
        data = super().clean()
        route, level = data.get("route"), data.get("level")
        if route and level and (route.pk, level.pk) not in self.offered:
            self.add_error(
                "level", f"The centre hasn't applied for {route} at level {level.number}."
            )
        return data


class CentreDevisedAssessmentForm(ServiceErrorsMixin, forms.Form):
    """Step two: the assessment and one mapping per statement of the route and level (R9.8)."""

    MAPPING_PREFIX = "map_"
    error_targets = {"route": None, "level": None}

    route = forms.ModelChoiceField(queryset=Route.objects.none(), widget=forms.HiddenInput)
    level = forms.ModelChoiceField(queryset=Level.objects.none(), widget=forms.HiddenInput)
    replaces = forms.ModelChoiceField(
        label="Component it replaces",
        queryset=Component.objects.none(),
        empty_label="Choose a component…",
    )
    title = forms.CharField(max_length=200)
    assessment_type = forms.ChoiceField(
        label="Type of assessment",
        choices=[("", "Choose a type…"), *CentreDevisedAssessment.AssessmentType.choices],
        help_text="A competence assessment can only be replaced by a competence assessment; "
        "psychometric and profiling tools are not valid (R9.8).",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How the assessment is carried out and judged.",
    )
    fee = forms.DecimalField(
        label="Approval fee (£)",
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text="The IMI's fee for approving the assessment (R9.8).",
    )

    def __init__(self, *args, route: Route, level: Level, statements: list[Statement], **kwargs):
        super().__init__(*args, **kwargs)
        self.route, self.level, self.statements = route, level, statements
        self.fields["route"].queryset = Route.objects.filter(pk=route.pk)
        self.fields["level"].queryset = Level.objects.filter(pk=level.pk)
        self.fields["replaces"].queryset = route.components.all()
        self.mapping_errors: list[str] = []
        for statement in statements:
            field = forms.CharField(
                label=f"{statement.code} {statement.text}",
                max_length=300,
                required=False,  # the service refuses blanks, naming every missing statement
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            field.hide_optional_label = True
            field.statement = statement
            self.fields[self.mapping_name(statement)] = field

    @classmethod
    def mapping_name(cls, statement: Statement) -> str:
        return f"{cls.MAPPING_PREFIX}{statement.pk}"

    def mapping_fields(self):
        return [self[self.mapping_name(s)] for s in self.statements]

    def main_fields(self):
        return [self[name] for name in ("replaces", "title", "assessment_type", "description")]

    def mappings(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data.get(self.mapping_name(s)) or "" for s in self.statements}

    def add_service_errors(self, error: ValidationError) -> None:
        errors = getattr(error, "error_dict", None) and error.message_dict
        if errors and "mappings" in errors:
            # R9.8: the refusal names the statements; mark each blank one where it is typed.
            self.mapping_errors = errors.pop("mappings")
            mapped = {s.pk: (self.data.get(self.mapping_name(s)) or "") for s in self.statements}
            missing = rules.unmapped_statements(required=mapped, mapped=mapped)
            for statement in self.statements:
                if statement.pk in missing:
                    self.add_error(
                        self.mapping_name(statement), "Say where the assessment covers this."
                    )
            error = ValidationError(errors) if errors else None
        if error is not None:
            super().add_service_errors(error)
