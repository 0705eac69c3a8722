from datetime import timedelta

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils import timezone

from .models import AuditDraw, AuditItem
from .rules import ACTIVITIES_PER_CASE, Population

DUE_AFTER_DAYS = 28


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Your note to the auditor",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class DrawForm(forms.Form):
    """The auditor's choices for a draw (R6.1); the service checks them again."""

    population = forms.ChoiceField(
        choices=AuditDraw._meta.get_field("population").choices,
        initial=Population.CURRENT.value,
        widget=forms.RadioSelect,
    )
    cycle_end_from = forms.DateField(
        label="Cycle ends from", required=False, widget=AdminDateWidget
    )
    cycle_end_to = forms.DateField(label="Cycle ends to", required=False, widget=AdminDateWidget)
    fraction = forms.DecimalField(
        label="Fraction of registrants",
        required=False,
        min_value=0,
        max_value=1,
        decimal_places=4,
        help_text="For example 0.05 for 5%.",
    )
    number = forms.IntegerField(label="Or a number of registrants", required=False, min_value=1)
    exclude_joined_within_days = forms.IntegerField(
        label="Leave out registrants who joined within this many days",
        required=False,
        min_value=1,
        help_text="For example 183 for six months.",
    )
    activities_per_case = forms.IntegerField(
        label="Activities to check per registrant",
        initial=ACTIVITIES_PER_CASE,
        min_value=1,
        max_value=50,
    )
    due_on = forms.DateField(label="Evidence due by", widget=AdminDateWidget)
    seed = forms.IntegerField(
        label="Seed",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave empty for a new random draw; give a past draw's seed to repeat it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = timezone.localdate() + timedelta(days=DUE_AFTER_DAYS)

    def clean(self):
        data = super().clean()
        if (data.get("fraction") is None) == (data.get("number") is None):
            self.add_error(None, "Give either a fraction or a number of registrants.")
        if data.get("population") == Population.CYCLE_END and not (
            data.get("cycle_end_from") and data.get("cycle_end_to")
        ):
            self.add_error("cycle_end_from", "Give the range of cycle end dates.")
        return data


class DecisionForm(forms.ModelForm):
    """The auditor decides one sampled activity (R6.3)."""

    auditor = None  # set by the admin to the signed-in user

    # Not the model's `decision`: the admin would write it to the item before the service runs.
    verdict = forms.ChoiceField(
        label="Decision",
        choices=[
            (AuditItem.Decision.ACCEPTED, "Accept the credits"),
            (AuditItem.Decision.ADJUSTED, "Set another credit value"),
            (AuditItem.Decision.REJECTED, "Reject (0 credits)"),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = AuditItem
        fields = ["decided_value", "reason"]
        labels = {"decided_value": "New credit value", "reason": "Reason"}
        help_texts = {
            "decided_value": "Only when setting another value (higher or lower).",
            "reason": "Required to change the value or reject; the registrant sees it.",
        }

    def clean(self):
        # Errors on their fields before anything is saved; the service checks again.
        data = super().clean()
        if self.auditor is not None and self.instance.case.registrant.user_id == self.auditor.pk:
            self.add_error(None, "You can't audit your own record: another auditor must decide.")
        decision = data.get("verdict")
        if (
            decision in (AuditItem.Decision.ADJUSTED, AuditItem.Decision.REJECTED)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Give the registrant the reason for the decision.")
        if decision == AuditItem.Decision.ADJUSTED:
            value = data.get("decided_value")
            if value is None or value < 0:
                self.add_error("decided_value", "Enter the credits, 0 or more.")
            elif value == self.instance.activity.credits:
                self.add_error(
                    "decided_value", "That is the calculated value: accept the activity instead."
                )
        return data
