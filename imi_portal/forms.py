"""One look for every form in the portal (allauth's included): label, help, error, input."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def add_service_errors(
    form: forms.Form,
    error: ValidationError,
    rename: Mapping[str, str | None] | None = None,
    fallback: str | None = None,
) -> None:
    """Put a service's refusal on the form: each message on the field it names (or the field
    `rename` shows it on), anything else on `fallback` (None: at the top of the form)."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(fallback, message)
        return
    for name, messages in error.message_dict.items():
        own_field = name if name in form.fields else fallback
        target = rename.get(name, own_field)
        for message in messages:
            form.add_error(target, message)
