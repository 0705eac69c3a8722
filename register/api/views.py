"""The register's API (API.md): IMI staff put people on the Professional Register."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.viewsets import GenericViewSet

from register.models import Cycle, Registrant
from register.services import registrant_add_by_staff

from .serializers import RegistrantCreateSerializer, RegistrantSerializer


class CanManageRegister(BasePermission):
    """Register officers (and superusers): the `accounts.manage_register` permission."""

    message = "Only IMI register staff can manage the Professional Register."

    def has_permission(self, request: Request, view) -> bool:
        return request.user.has_perm("accounts.manage_register")


def registrants_with_first_cycle() -> QuerySet[Registrant]:
    """Registrants with their account and first cycle, in a fixed number of queries."""
    return (
        Registrant.objects.select_related("user")
        .prefetch_related(
            Prefetch("cycles", queryset=Cycle.objects.filter(number=1), to_attr="first_cycles")
        )
        .order_by("membership_number")
    )


@extend_schema_view(
    list=extend_schema(summary="List the Professional Register (staff)"),
    retrieve=extend_schema(summary="One registrant (staff)"),
)
class RegistrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """The Professional Register, for IMI register staff only."""

    permission_classes = [IsAuthenticated, CanManageRegister]
    serializer_class = RegistrantSerializer
    filter_backends = [DjangoFilterBackend, SearchFilter]
    filterset_fields = ["status"]
    search_fields = ["membership_number", "user__email", "user__first_name", "user__last_name"]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Registrant]:
        return registrants_with_first_cycle()

    @extend_schema(
        summary="Put someone on the Professional Register (staff)",
        request=RegistrantCreateSerializer,
        responses={201: RegistrantSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = RegistrantCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            registrant = registrant_add_by_staff(
                **serializer.validated_data, today=timezone.localdate()
            )
        except DjangoValidationError as error:
            raise ValidationError(as_serializer_error(error)) from error
        registrant = self.get_queryset().get(pk=registrant.pk)
        return Response(RegistrantSerializer(registrant).data, status=status.HTTP_201_CREATED)
