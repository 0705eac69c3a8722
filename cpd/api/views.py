"""The CPD API (API.md): a registrant's own activities, evidence, objectives and progress, and the
catalogues a client needs to fill them in.

Views are thin: an input serializer parses, `cpd.services` judges and writes, `cpd.selectors`
reads and decides who may see what (another registrant's objects are a 404, never a 403).
"""

from functools import cached_property

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from cpd.models import Activity, ActivityType, Evidence, GatewayCourse, Objective, Qualification
from cpd.selectors import (
    activities_for,
    activity_for_owner,
    cycle_progress,
    evidence_for_user,
    objectives_for,
)
from cpd.services import (
    ActivityInput,
    ActivityLocked,
    activity_create,
    activity_delete,
    activity_update,
    evidence_add,
    evidence_delete,
    objective_delete,
    objective_save,
)
from imi_portal.downloads import attachment
from register.models import Registrant
from register.selectors import open_cycle, registrant_for

from .filters import ActivityFilter
from .serializers import (
    ActivityInputSerializer,
    ActivitySerializer,
    ActivityTypeSerializer,
    ActivityUpdateSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    GatewayCourseSerializer,
    ObjectiveInputSerializer,
    ObjectiveSerializer,
    ProgressSerializer,
    QualificationSerializer,
)

NOT_FOUND = OpenApiResponse(description="Not found, or not yours.")
IN_AUDIT = OpenApiResponse(description="The activity is being audited: nothing was changed.")


class ActivityInAudit(APIException):
    """R6.2: a sampled activity is frozen until the audit decides; a state clash, not bad input."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This activity is being audited, so it can't be changed or deleted."
    default_code = "in_audit"


def _bad_input(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF's 400 `{field: [messages]}`."""
    return ValidationError(as_serializer_error(error))


class IsRegistrant(BasePermission):
    message = "Join the Professional Register to keep a CPD record."

    def has_permission(self, request: Request, view) -> bool:
        return view.registrant is not None


class RegistrantAPIMixin:
    """For the caller's own CPD record: signed in (else 401) and on the register (else 403)."""

    permission_classes = [IsAuthenticated, IsRegistrant]
    lookup_value_converter = "int"

    @cached_property
    def registrant(self) -> Registrant | None:
        return registrant_for(self.request.user)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "registrant": self.registrant}


# --- Activities ------------------------------------------------------------------------------


def _activity_input(activity: Activity, changes: dict) -> ActivityInput:
    """The activity as it stands with a PATCH's changes on top, for `activity_update`."""
    current = {
        "title": activity.title,
        "activity_type": activity.activity_type,
        "type_description": activity.type_description,
        "principle": activity.principle,
        "hours": activity.hours,
        "gateway_course": activity.gateway_course,
        "gateway_credits": activity.gateway_credits,
        "assessed": activity.gateway_assessed,
        "qualification": activity.qualification,
        "qualification_credit_value": activity.qualification_credit_value,
        "instalments": activity.instalments,
        "end_test": activity.end_test,
        "impact_behaviour": activity.impact_behaviour,
        "behaviour_statement": activity.behaviour_statement,
        "impact_working_practice": activity.impact_working_practice,
        "working_practice_statement": activity.working_practice_statement,
        "reflection": activity.reflection,
        "completed_on": activity.completed_on,
        "objective": activity.objective,
    }
    return ActivityInput(**(current | changes))


@extend_schema_view(
    list=extend_schema(summary="Your CPD activities"),
    retrieve=extend_schema(
        summary="One of your activities", responses={200: ActivitySerializer, 404: NOT_FOUND}
    ),
)
class ActivityViewSet(
    RegistrantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    """The caller's own CPD activities (R2, R4)."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def get_queryset(self) -> QuerySet[Activity]:
        if getattr(self, "swagger_fake_view", False):  # drawing the schema: no request user
            return Activity.objects.none()
        return activities_for(registrant=self.registrant)

    def get_object(self) -> Activity:
        return activity_for_owner(registrant=self.registrant, pk=self.kwargs["pk"])

    @extend_schema(
        summary="Record an activity",
        description="A qualification in `instalments` N becomes N records (R2.6); the response "
        "is the first.",
        request=ActivityInputSerializer,
        responses={201: ActivitySerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = ActivityInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        try:
            created = activity_create(
                registrant=self.registrant,
                data=ActivityInput(**serializer.validated_data),
                as_of=timezone.localdate(),
                user=request.user,
            )
        except DjangoValidationError as error:
            raise _bad_input(error) from error
        return Response(self.get_serializer(created[0]).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an activity",
        description="Send only what changes. An activity in an audit can't be changed (409).",
        request=ActivityUpdateSerializer,
        responses={200: ActivitySerializer, 404: NOT_FOUND, 409: IN_AUDIT},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        activity = self.get_object()
        serializer = ActivityUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        try:
            activity_update(
                activity=activity,
                data=_activity_input(activity, serializer.validated_data),
                as_of=timezone.localdate(),
                user=request.user,
            )
        except ActivityLocked as error:
            raise ActivityInAudit(" ".join(error.messages)) from error
        except DjangoValidationError as error:
            raise _bad_input(error) from error
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Delete an activity",
        description="An activity in an audit can't be deleted (409).",
        responses={204: None, 404: NOT_FOUND, 409: IN_AUDIT},
    )
    def destroy(self, request: Request, pk: int) -> Response:
        try:
            activity_delete(activity=self.get_object())
        except ActivityLocked as error:
            raise ActivityInAudit(" ".join(error.messages)) from error
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        summary="An activity's evidence",
        responses={200: EvidenceSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach an evidence file to an activity",
        description="PDF, PNG, JPEG or Word (.docx), checked from the file's content (R4.4).",
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer, 404: NOT_FOUND},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        url_path="evidence",
        url_name="evidence",
        filterset_class=None,
    )
    def evidence(self, request: Request, pk: int) -> Response:
        activity = self.get_object()
        if request.method == "POST":
            return self._add_evidence(request, activity)
        page = self.paginate_queryset(activity.evidence.all())
        return self.get_paginated_response(
            EvidenceSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    def _add_evidence(self, request: Request, activity: Activity) -> Response:
        serializer = EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            evidence = evidence_add(
                activity=activity, upload=serializer.validated_data["file"], user=request.user
            )
        except DjangoValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        return Response(
            EvidenceSerializer(evidence, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


# --- Evidence --------------------------------------------------------------------------------


class EvidenceDetailView(RegistrantAPIMixin, APIView):
    """One of the caller's evidence files."""

    @extend_schema(
        summary="Delete an evidence file",
        responses={204: None, 404: NOT_FOUND, 409: IN_AUDIT},
    )
    def delete(self, request: Request, pk: int) -> Response:
        evidence = get_object_or_404(
            Evidence.objects.select_related("activity"), pk=pk, activity__registrant=self.registrant
        )
        try:
            evidence_delete(evidence=evidence)
        except ActivityLocked as error:
            raise ActivityInAudit(" ".join(error.messages)) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceDownloadView(APIView):
    """An evidence file, for its owner or IMI staff (R4.4); 404 for anyone else."""

    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # The answer is the file, whatever its type: an Accept of application/pdf mustn't be a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Download an evidence file",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        evidence = evidence_for_user(user=request.user, pk=pk)
        return attachment(
            evidence.file, filename=evidence.original_name, content_type=evidence.content_type
        )


# --- Progress --------------------------------------------------------------------------------


class ProgressView(RegistrantAPIMixin, APIView):
    @extend_schema(
        summary="Your progress in your open CPD cycle (R3)",
        responses={200: ProgressSerializer, 404: OpenApiResponse(description="No open cycle.")},
        operation_id="me_progress_retrieve",
    )
    def get(self, request: Request) -> Response:
        cycle = open_cycle(registrant=self.registrant)
        if cycle is None:
            raise NotFound("You have no open CPD cycle.")
        progress = cycle_progress(cycle=cycle, as_of=timezone.localdate())
        return Response(ProgressSerializer(progress).data)


# --- PDP objectives --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Your PDP objectives"),
    retrieve=extend_schema(summary="One of your PDP objectives"),
)
class ObjectiveViewSet(
    RegistrantAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    """The caller's Personal Development Plan (R4.1)."""

    serializer_class = ObjectiveSerializer
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[Objective]:
        if getattr(self, "swagger_fake_view", False):
            return Objective.objects.none()
        return objectives_for(registrant=self.registrant)

    @extend_schema(
        summary="Add an objective",
        request=ObjectiveInputSerializer,
        responses={201: ObjectiveSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = ObjectiveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objective = objective_save(
            registrant=self.registrant, objective=None, **serializer.validated_data
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=objective.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Change an objective",
        request=ObjectiveInputSerializer,
        responses={200: ObjectiveSerializer, 404: NOT_FOUND},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        objective = self.get_object()
        serializer = ObjectiveInputSerializer(objective, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        objective_save(registrant=self.registrant, objective=objective, **serializer.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Delete an objective",
        description="Its activities stay, unlinked.",
        responses={204: None, 404: NOT_FOUND},
    )
    def destroy(self, request: Request, pk: int) -> Response:
        objective_delete(objective=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Catalogues, for any signed-in client -----------------------------------------------------


@extend_schema_view(list=extend_schema(summary="Every activity type (R2.9)"))
class ActivityTypeViewSet(mixins.ListModelMixin, GenericViewSet):
    """The seed 001 listing: `reading` is the reading type (R3.3), `other` needs a description."""

    queryset = ActivityType.objects.order_by("position")
    serializer_class = ActivityTypeSerializer
    pagination_class = None  # one short, fixed listing: every type in one answer


@extend_schema_view(list=extend_schema(summary="Active CPD Gateway courses (R2.2)"))
class GatewayCourseViewSet(mixins.ListModelMixin, GenericViewSet):
    queryset = GatewayCourse.objects.filter(active=True).order_by("title", "pk")
    serializer_class = GatewayCourseSerializer


@extend_schema_view(list=extend_schema(summary="The qualifications catalogue (R10.1)"))
class QualificationViewSet(mixins.ListModelMixin, GenericViewSet):
    queryset = (
        Qualification.objects.filter(active=True).prefetch_related("units").order_by("title", "pk")
    )
    serializer_class = QualificationSerializer
