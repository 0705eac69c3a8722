from django import forms
from django.contrib.auth.forms import AdminUserCreationForm as DjangoAdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm

from .models import User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: a person's name, used on the register (R8.3)."""

    first_name = forms.CharField(
        label="First name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])


class AdminUserCreationForm(DjangoAdminUserCreationForm):
    """The admin's add-user form, keyed on email (the portal has no usernames)."""

    class Meta(DjangoAdminUserCreationForm.Meta):
        model = User
        fields = ("email", "first_name", "last_name")
        field_classes = {}


class AdminUserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes = {}
