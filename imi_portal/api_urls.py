"""/api/v1/: every API route, in one list (API.md names the fixed ones)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api.views import MeView
from accreditation.api import views as accreditation
from cpd.api import views as cpd
from register.api import views as register

app_name = "api"

router = SimpleRouter(use_regex_path=False)  # <int:pk>: typed in the schema, 404 for "abc"
router.register("registrants", register.RegistrantViewSet, basename="registrant")
router.register("activities", cpd.ActivityViewSet, basename="activity")
router.register("activity-types", cpd.ActivityTypeViewSet, basename="activity-type")
router.register("objectives", cpd.ObjectiveViewSet, basename="objective")
router.register("gateway-courses", cpd.GatewayCourseViewSet, basename="gateway-course")
router.register("qualifications", cpd.QualificationViewSet, basename="qualification")
# The centre API: centres' own systems, their own centres only (accreditation.api).
router.register("centre/centres", accreditation.CentreViewSet, basename="centre-centre")
router.register("centre/candidates", accreditation.CandidateViewSet, basename="centre-candidate")
router.register("centre/attempts", accreditation.AttemptViewSet, basename="centre-attempt")

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("me/progress/", cpd.ProgressView.as_view(), name="me-progress"),
    path("evidence/<int:pk>/", cpd.EvidenceDetailView.as_view(), name="evidence-detail"),
    path(
        "evidence/<int:pk>/download/", cpd.EvidenceDownloadView.as_view(), name="evidence-download"
    ),
    *router.urls,
]
