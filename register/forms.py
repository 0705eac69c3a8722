from django import forms

from .models import Registrant, SupportRequest, TermsVersion


class JoinForm(forms.Form):
    """Joining the register: accept the versions of the terms and code in force (R1.5)."""

    accept_terms = forms.BooleanField(
        label="I have read and accept the Terms and Conditions of the Professional Register",
        error_messages={"required": "You need to accept the Terms and Conditions to join."},
    )
    accept_code = forms.BooleanField(
        label="I have read and agree to keep to the IMI Code of Conduct",
        error_messages={"required": "You need to agree to the Code of Conduct to join."},
    )

    def __init__(self, *args, current: dict[str, TermsVersion], **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def accepted_ids(self) -> set[int]:
        kinds = {"accept_terms": "terms", "accept_code": "code_of_conduct"}
        return {
            self.current[kind].pk
            for name, kind in kinds.items()
            if self.cleaned_data.get(name) and kind in self.current
        }


class ContactForm(forms.ModelForm):
    class Meta:
        model = Registrant
        fields = ["phone", "address", "postcode", "employer", "job_title"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "employer": forms.TextInput(attrs={"autocomplete": "organization"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
        }
        help_texts = {
            "address": "Where we post reminders if you have no email address.",
        }


class SupportForm(forms.Form):
    """Support for challenging circumstances (R7.1)."""

    category = forms.ChoiceField(
        label="What's happening?", choices=SupportRequest.Category.choices, widget=forms.RadioSelect
    )
    explanation = forms.CharField(
        label="Your situation",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What has happened and how it affects your CPD. We treat it in confidence.",
    )


class GraceForm(forms.Form):
    """A three-month grace period for a shortfall (R7.2)."""

    explanation = forms.CharField(
        label="Reason for the shortfall", widget=forms.Textarea(attrs={"rows": 3})
    )
    action_plan = forms.CharField(
        label="Your action plan",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How you will make up the credits within three months.",
    )


class AppealForm(forms.Form):
    statement = forms.CharField(
        label="Your statement of appeal",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Why the removal should be reconsidered, with anything the IMI should know.",
    )
