"""The register's API shapes (API.md): input and output kept apart, no rules in here."""

from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from imi_portal.api_fields import TextField
from register.models import Cycle, Registrant


def enum_schema(choices: type[models.TextChoices]) -> dict:
    """An enum's schema, for a component named after its model rather than its field: several
    models have a `status`, and drf-spectacular would otherwise name them by a hash."""
    return {
        "type": "string",
        "enum": list(choices.values),
        "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.choices),
    }


@extend_schema_field(enum_schema(Registrant.Status), component_name="RegistrantStatusEnum")
class RegistrantStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Registrant.Status.choices, **kwargs)


class RegistrantCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    first_name = TextField(max_length=150)
    last_name = TextField(max_length=150)
    # Staff may back-date it when importing the existing register; the service refuses the future.
    joined_on = serializers.DateField(default=timezone.localdate)


class CycleSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = ["start", "end", "target"]
        read_only_fields = fields


class RegistrantSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    status = RegistrantStatusField(read_only=True)
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    cycle = serializers.SerializerMethodField(
        help_text="The first cycle, the one that starts on joined_on (R1.2, R1.3)."
    )

    class Meta:
        model = Registrant
        fields = [
            "id",
            "membership_number",
            "email",
            "first_name",
            "last_name",
            "joined_on",
            "status",
            "cycle",
        ]
        read_only_fields = fields

    @extend_schema_field(CycleSummarySerializer)
    def get_cycle(self, registrant: Registrant) -> dict:
        # `first_cycles` is prefetched by the view's queryset, so a list costs no extra queries;
        # every registrant has one (registrant_join makes it).
        return CycleSummarySerializer(registrant.first_cycles[0]).data
