"""Filters of the activity list: each narrows the caller's own activities, never widens them."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from cpd.models import Activity
from cpd.rules import Principle
from imi_portal.api_fields import BooleanFilter


class IdFilter(django_filters.Filter):
    """A whole-number id (NumberFilter would take 1.5)."""

    field_class = forms.IntegerField


class ActivityFilter(django_filters.FilterSet):
    activity_type = django_filters.CharFilter(
        field_name="activity_type__slug", help_text="An activity type's slug."
    )
    principle = django_filters.ChoiceFilter(choices=[(p.value, p.value) for p in Principle])
    assessed = BooleanFilter(help_text="Assessed activity (R2.8).")
    in_audit = BooleanFilter()
    completed_after = django_filters.DateFilter(
        field_name="completed_on", lookup_expr="gte", help_text="Completed on or after."
    )
    completed_before = django_filters.DateFilter(
        field_name="completed_on", lookup_expr="lte", help_text="Completed on or before."
    )
    objective = IdFilter(
        field_name="objective_id", help_text="The id of one of your PDP objectives."
    )
    cycle = IdFilter(field_name="cycle_id", help_text="The id of a CPD cycle.")
    instalment_group = django_filters.UUIDFilter(
        help_text="The instalments of one qualification (R2.6)."
    )
    search = django_filters.CharFilter(
        method="filter_search", help_text="Words in the title or the reflection."
    )

    class Meta:
        model = Activity
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Activity], name: str, value: str):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(reflection__icontains=word))
        return queryset
