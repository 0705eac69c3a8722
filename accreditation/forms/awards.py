"""The public verification form (R9.11): a code as people type it, dashes and case optional."""

from django import forms

from ..certificates import CODE_LENGTH, verification_code_from


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        max_length=40,
        help_text="The 12 letters and digits on the certificate, e.g. ABCD-EFGH-JK23. Dashes, "
        "spaces and small letters are fine.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": "Type the verification code from the certificate."},
    )

    def clean_code(self) -> str:
        code = verification_code_from(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                f"A verification code has {CODE_LENGTH} letters and digits; this has {len(code)}."
            )
        return code
