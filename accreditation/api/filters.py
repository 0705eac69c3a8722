"""Filters of the centre API's lists: each narrows what the caller may see, never widens it."""

import django_filters

from accreditation.models import Attempt, Candidate
from cpd.api.filters import IdFilter


class CandidateFilter(django_filters.FilterSet):
    centre = IdFilter(field_name="centre_id", help_text="The id of one of your centres.")
    route = django_filters.CharFilter(
        field_name="route__code", help_text="A route code, e.g. `competence-imi`."
    )
    level = IdFilter(field_name="level__number", help_text="A level number, e.g. 3.")
    email = django_filters.CharFilter(
        field_name="user__email", lookup_expr="iexact", help_text="The candidate's email address."
    )
    awarded = django_filters.BooleanFilter(
        field_name="award",
        lookup_expr="isnull",
        exclude=True,
        help_text="Only candidates who have (true) or haven't (false) been awarded (R9.11).",
    )

    class Meta:
        model = Candidate
        fields: list[str] = []


class AttemptFilter(django_filters.FilterSet):
    candidate = IdFilter(field_name="candidate_id", help_text="A candidate's id.")
    component = django_filters.CharFilter(
        field_name="component__code", help_text="A component code, e.g. `upk-test`."
    )
    outcome = django_filters.ChoiceFilter(choices=Attempt.Outcome.choices)
    attempted_after = django_filters.DateFilter(
        field_name="attempted_on", lookup_expr="gte", help_text="Attempted on or after."
    )
    attempted_before = django_filters.DateFilter(
        field_name="attempted_on", lookup_expr="lte", help_text="Attempted on or before."
    )

    class Meta:
        model = Attempt
        fields: list[str] = []
