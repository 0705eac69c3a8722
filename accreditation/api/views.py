"""The centre API: centres' own systems register candidates and record their assessments
(R9.2-R9.7, R9.10), and read their candidates' progress and awards (R9.5, R9.11).

For centre staff, of their own centres only; IMI accreditation officers see every centre. Who
sees what is decided in `accreditation.access`; another centre's candidate or attempt is a 404
(or, named in a request body, "no such ..." on its field), never revealed to exist. Views are
thin: an input serializer parses, `accreditation.services` judges and writes.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.viewsets import GenericViewSet

from accreditation import access, services
from accreditation.models import Attempt, Candidate, Centre, CentreApproval
from accreditation.selectors import candidate_detail, candidate_list, candidate_progress

from .filters import AttemptFilter, CandidateFilter
from .serializers import (
    AttemptInputSerializer,
    AttemptSerializer,
    CandidateDetailSerializer,
    CandidateInputSerializer,
    CandidateSerializer,
    CentreSerializer,
)

NOT_FOUND = OpenApiResponse(description="Not found, or not at one of your centres.")
BAD_INPUT = OpenApiResponse(
    description="Refused: `{field: [messages]}`; refusals that concern no single field are under "
    "`non_field_errors`. Nothing is saved."
)


def _bad_input(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF's 400 `{field: [messages]}`."""
    detail = as_serializer_error(error)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return ValidationError(detail)


class IsCentreStaff(BasePermission):
    """People who work at a centre (any role), and IMI accreditation officers."""

    message = "The centre API is for assessment centre staff and IMI accreditation officers."

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        return access.is_officer(user) or access.centres_for(user).exists()


class CentreAPIMixin:
    permission_classes = [IsAuthenticated, IsCentreStaff]
    lookup_value_converter = "int"

    def drawing_schema(self) -> bool:
        return getattr(self, "swagger_fake_view", False)  # no request user then


# --- Centres -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Your centres",
        description="The centres you work for (all, for IMI accreditation officers), with the "
        "routes and levels each is approved for (R9.2): candidates can be registered only for an "
        "`approved` route and level of an `approved` centre.",
    ),
    retrieve=extend_schema(summary="One of your centres", responses={200: CentreSerializer}),
)
class CentreViewSet(
    CentreAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    serializer_class = CentreSerializer

    def get_queryset(self) -> QuerySet[Centre]:
        if self.drawing_schema():
            return Centre.objects.none()
        approvals = CentreApproval.objects.select_related("route", "level")
        return (
            access.centres_for(self.request.user)
            .prefetch_related(Prefetch("approvals", queryset=approvals))
            .order_by("name", "pk")
        )


# --- Candidates (R9.2, R9.4, R9.5, R9.11) -----------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Your centres' candidates",
        description="Paginated. Each candidate with what still stops assessment (R9.4), the end "
        "of their twelve-month window (R9.5) and their award (R9.11).",
    ),
)
class CandidateViewSet(
    CentreAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilter

    def get_queryset(self) -> QuerySet[Candidate]:
        if self.drawing_schema():
            return Candidate.objects.none()
        return candidate_list(access.centre_candidates_for(self.request.user))

    def get_object(self) -> Candidate:
        return self._candidate_with_progress(self.kwargs["pk"])

    def _candidate_with_progress(self, pk: int) -> Candidate:
        queryset = candidate_detail(access.centre_candidates_for(self.request.user))
        candidate = queryset.filter(pk=pk).first()
        if candidate is None:
            raise Http404("No such candidate.")
        candidate.progress = candidate_progress(candidate=candidate, as_of=timezone.localdate())
        return candidate

    @extend_schema(
        summary="One candidate, with their progress",
        description="The R9.4 gate, the twelve-month window's countdown from the first attempt "
        "(R9.5), each component passed or still to do (with R9.6's level review when due), and "
        "the award with its verification code (R9.11).",
        responses={200: CandidateDetailSerializer, 404: NOT_FOUND},
    )
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(
            CandidateDetailSerializer(self.get_object(), context={"request": request}).data
        )

    @extend_schema(
        summary="Register a candidate",
        description="For a route and level the centre is approved for (R9.2); a route or level "
        "it isn't approved for is a 400 on `route`. `centre` must be one where you register "
        "candidates (centre administrator, assessor or IQA): any other centre id is a 400 on "
        "`centre` (“no centre with id ...”), whether or not it exists. The candidate is emailed "
        "to log in and accept the Accreditation Code of Conduct (R9.4).",
        request=CandidateInputSerializer,
        responses={201: CandidateDetailSerializer, 400: BAD_INPUT},
    )
    def create(self, request: Request) -> Response:
        serializer = CandidateInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        today = timezone.localdate()
        try:
            candidate = services.candidate_register(
                **data,
                by=request.user,
                ao_registered_on=today if data["ao_registration_number"] else None,
            )
        except DjangoValidationError as error:
            raise _bad_input(error) from error
        candidate = self._candidate_with_progress(candidate.pk)
        return Response(
            CandidateDetailSerializer(candidate, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


# --- Attempts (R9.3-R9.7, R9.10) ---------------------------------------------------------------


def _attempt_list(queryset: QuerySet[Attempt]) -> QuerySet[Attempt]:
    """Attempts with their people and evidence, in a fixed number of queries."""
    return (
        queryset.select_related("component", "assessor", "invigilator")
        .prefetch_related("evidence")
        .order_by("-attempted_on", "-pk")
    )


@extend_schema_view(
    list=extend_schema(
        summary="Your centres' assessment attempts",
        description="Paginated, newest first; filter by candidate, component or outcome.",
    ),
    retrieve=extend_schema(
        summary="One attempt", responses={200: AttemptSerializer, 404: NOT_FOUND}
    ),
)
class AttemptViewSet(
    CentreAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet
):
    serializer_class = AttemptSerializer
    filterset_class = AttemptFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Attempt]:
        if self.drawing_schema():
            return Attempt.objects.none()
        return _attempt_list(access.attempts_for(self.request.user))

    @extend_schema(
        summary="Record an attempt",
        description="One attempt of one component. Refused with a 400 and the reason on its "
        "field: a candidate not through the R9.4 gate (`non_field_errors`), an assessor not "
        "currently approved for the route and level (R9.3, `assessor`), an online test without "
        "an approved invigilator (R9.7, `invigilator`), a date outside the twelve-month window, "
        "with the window's end (R9.5, `attempted_on`), a fourth online test without a level "
        "review (R9.6, `component`). A candidate not at a centre where you record assessments "
        "is a 400 on `candidate`. Send JSON, or multipart/form-data to attach `evidence` files "
        "(R9.10). When the attempt completes the route in the window, the accreditation is "
        "awarded (R9.11): see the candidate's `award`.",
        request={
            "application/json": AttemptInputSerializer,
            "multipart/form-data": AttemptInputSerializer,
        },
        responses={201: AttemptSerializer, 400: BAD_INPUT},
    )
    def create(self, request: Request) -> Response:
        serializer = AttemptInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            attempt = services.attempt_record(
                candidate=data["candidate"],
                component=data["component"],
                attempted_on=data["attempted_on"],
                assessor=data["assessor"],
                invigilator=data["invigilator"],
                devised_assessment=data.get("devised_assessment"),
                outcome=data["outcome"],
                notes=data["notes"],
                uploads=data["evidence"],
                by=request.user,
                today=timezone.localdate(),
            )
        except DjangoValidationError as error:
            raise _bad_input(error) from error
        attempt = self.get_queryset().get(pk=attempt.pk)
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)
