"""API input that means what the schema says: text is a JSON string, a yes/no filter is true or
false. DRF and django-filter are lenient by default (12 becomes "12"; `?in_audit=maybe` is quietly
ignored), so a client's mistake would pass unnoticed; these refuse it with a 400. And a slug with
a NUL character is refused before PostgreSQL sees it (it can't, and DRF let it through: a 500).
"""

import django_filters
from django import forms
from django.db import models
from rest_framework import serializers


class TextField(serializers.CharField):
    """A CharField that takes only strings (DRF's own also takes numbers)."""

    default_error_messages = {"invalid": "Not a valid string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's, refusing a NUL character (PostgreSQL can't compare text containing one)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


# For ModelSerializers: `serializer_field_mapping = TEXT_FIELD_MAPPING`.
TEXT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.CharField: TextField,
    models.TextField: TextField,
}


class _TrueOrFalse(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None  # not given: the list isn't filtered
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError("Use true or false.", code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    """`true` or `false`; anything else is refused rather than ignored."""

    field_class = _TrueOrFalse
