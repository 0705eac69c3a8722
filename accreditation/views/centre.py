"""The centre side of the accreditation portal: applying as a centre, the centre's approvals and
external quality assurance, its people with their approvals and competence evidence, the
qualifications it delivers and its centre devised assessments (R9.2, R9.3, R9.8, R9.9, R10.3).

Access goes through `accreditation.access`: any member of a centre sees its pages, its centre
administrators (and IMI officers) manage it; everyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone

from accounts.models import User
from imi_portal.downloads import attachment

from .. import access, selectors, services
from ..forms.centre import (
    ApprovalRequestForm,
    CentreApplyForm,
    CentreDevisedAssessmentForm,
    CentreQualificationsForm,
    CompetenceEvidenceForm,
    PersonAddForm,
    RouteLevelForm,
    StaffApprovalRequestForm,
)
from ..models import CentreDevisedAssessment, CentreMembership, StaffApproval


@login_required
def my_centre(request: HttpRequest) -> HttpResponse:
    """The centres the user works for; someone with none is invited to apply."""
    centres = list(selectors.centres_for_member(user=request.user))
    for centre in centres:
        centre.my_roles = [
            m.get_role_display() for m in centre.people if m.user_id == request.user.pk
        ]
    return render(request, "accreditation/my_centre.html", {"centres": centres})


@login_required
def centre_apply(request: HttpRequest) -> HttpResponse:
    """Any signed-in person applies for a centre, for the routes and levels it will offer (R9.2);
    they become its centre administrator."""
    form = CentreApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            centre = services.centre_apply(
                user=request.user,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                address=data["address"],
                offers=form.offers_chosen(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"{centre.name} has applied (centre number {centre.number}); the IMI will "
                "review each route and level it applied for.",
            )
            return redirect("accreditation:centre_detail", centre_id=centre.pk)
    return render(request, "accreditation/centre/apply.html", {"form": form})


@login_required
def centre_detail(request: HttpRequest, centre_id: int) -> HttpResponse:
    """The centre's status, approvals per route and level, and its EQA summary (R9.2, R9.9).
    Its administrators apply here for another route and level."""
    centre = access.centre_for_user(request.user, centre_id)
    can_manage = access.can_manage_centre(request.user, centre)
    form = ApprovalRequestForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise Http404("No such centre.")
        if form.is_valid():
            route, level = form.cleaned_data["route"], form.cleaned_data["level"]
            try:
                services.centre_approval_request(centre=centre, route=route, level=level)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    f"Applied for {route} at level {level.number}; the IMI will review it.",
                )
                return redirect("accreditation:centre_detail", centre_id=centre.pk)
    return render(
        request,
        "accreditation/centre/detail.html",
        {
            "centre": centre,
            "overview": selectors.centre_overview(centre=centre),
            "can_manage": can_manage,
            "form": form,
            "today": timezone.localdate(),
        },
    )


def _people_choices(centre):
    return (
        User.objects.filter(centre_memberships__centre=centre)
        .distinct()
        .order_by("last_name", "first_name")
    )


def _approval_asked(approval: StaffApproval) -> str:
    name = approval.user.get_full_name() or approval.user.email
    role = approval.get_role_display().lower()
    if approval.role == StaffApproval.Role.INVIGILATOR:  # R9.7: the IMI approves invigilators
        return f"Asked for {name}'s approval as {role}. The IMI decides."
    return (
        f"Asked for {name}'s approval as {role} for {approval.route} at level "
        f"{approval.level.number}. The Awarding Organisation decides on their evidence (R9.3)."
    )


@login_required
def centre_people(request: HttpRequest, centre_id: int) -> HttpResponse:
    """The centre administrator's page of people: roles, staff approvals, evidence status and
    register status (R9.3, R10.3); add a person, ask for an approval."""
    centre = access.centre_for_user(request.user, centre_id, manage=True)
    action = request.POST.get("action") if request.method == "POST" else None
    add_form = PersonAddForm(request.POST if action == "add" else None, prefix="add")
    approval_form = StaffApprovalRequestForm(
        request.POST if action == "approval" else None,
        prefix="approval",
        centre=centre,
        people=_people_choices(centre),
    )
    if action == "add" and add_form.is_valid():
        data = add_form.cleaned_data
        try:
            membership = services.centre_person_add(
                centre=centre,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                role=data["role"],
            )
        except ValidationError as error:
            add_form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"Added {membership.user.get_full_name() or membership.user.email} as "
                f"{membership.get_role_display().lower()}.",
            )
            return redirect("accreditation:centre_people", centre_id=centre.pk)
    if action == "approval" and approval_form.is_valid():
        data = approval_form.cleaned_data
        try:
            approval = services.staff_approval_request(
                centre=centre,
                user=data["person"],
                role=data["role"],
                route=data["route"],
                level=data["level"],
                by=request.user,
            )
        except ValidationError as error:
            approval_form.add_service_errors(error)
        else:
            messages.success(request, _approval_asked(approval))
            return redirect("accreditation:centre_people", centre_id=centre.pk)
    return render(
        request,
        "accreditation/centre/people.html",
        {
            "centre": centre,
            "people": selectors.centre_people(centre=centre, as_of=timezone.localdate()),
            "add_form": add_form,
            "approval_form": approval_form,
            "action": action,
        },
    )


@login_required
def centre_membership_remove(request: HttpRequest, centre_id: int, pk: int) -> HttpResponse:
    """Confirm, then end one role of a person at the centre."""
    centre = access.centre_for_user(request.user, centre_id, manage=True)
    membership = (
        CentreMembership.objects.filter(centre=centre, pk=pk).select_related("user").first()
    )
    if membership is None:
        raise Http404("No such membership.")
    error = None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.centre_membership_remove(membership=membership, keep_an_administrator=True)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(
                request,
                f"{membership.user.get_full_name() or membership.user.email} is no longer "
                f"{membership.get_role_display().lower()} at {centre.name}.",
            )
            return redirect("accreditation:centre_people", centre_id=centre.pk)
    return render(
        request,
        "accreditation/centre/membership_remove.html",
        {"centre": centre, "membership": membership, "error": error},
    )


@login_required
def centre_person(request: HttpRequest, centre_id: int, user_id: int) -> HttpResponse:
    """One person's approvals and competence evidence; they, their centre's administrators and
    officers add evidence here (R9.3, R10.3)."""
    centre, person = access.centre_person_for_user(request.user, centre_id, user_id)
    today = timezone.localdate()
    form = CompetenceEvidenceForm(request.POST or None, request.FILES or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence = services.competence_evidence_add(
                user=person,
                kind=data["kind"],
                title=data["title"],
                dated=data["dated"],
                level=data["level"],
                qualification=data["qualification"],
                upload=data["file"],
                by=request.user,
                today=today,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Added the evidence “{evidence.title}”.")
            return redirect("accreditation:centre_person", centre_id=centre.pk, user_id=person.pk)
    return render(
        request,
        "accreditation/centre/person.html",
        {
            "centre": centre,
            "person": person,
            "record": selectors.centre_person_record(centre=centre, person=person, as_of=today),
            "form": form,
            "can_manage": access.can_manage_centre(request.user, centre),
        },
    )


@login_required
def competence_evidence_file(
    request: HttpRequest, centre_id: int, user_id: int, pk: int
) -> FileResponse:
    """Always as an attachment, never rendered inline (imi_portal.downloads)."""
    evidence = access.competence_evidence_for_user(request.user, centre_id, user_id, pk)
    return attachment(
        evidence.file,
        filename=evidence.original_name or "evidence",
        content_type=evidence.content_type,
    )


@login_required
def centre_qualifications(request: HttpRequest, centre_id: int) -> HttpResponse:
    """The catalogued qualifications the centre delivers, and whose competence evidence for each
    is in date (R10.3)."""
    centre = access.centre_for_user(request.user, centre_id)
    can_manage = access.can_manage_centre(request.user, centre)
    form = None
    if can_manage:
        form = CentreQualificationsForm(
            request.POST or None, initial={"qualifications": list(centre.qualifications.all())}
        )
    if request.method == "POST":
        if form is None:
            raise Http404("No such centre.")
        if form.is_valid():
            services.centre_qualifications_set(
                centre=centre, qualifications=form.cleaned_data["qualifications"]
            )
            messages.success(request, "Saved the qualifications the centre delivers.")
            return redirect("accreditation:centre_qualifications", centre_id=centre.pk)
    return render(
        request,
        "accreditation/centre/qualifications.html",
        {
            "centre": centre,
            "form": form,
            "can_manage": can_manage,
            "delivered": selectors.qualification_staff(centre=centre, as_of=timezone.localdate()),
        },
    )


# --- Centre devised assessments (R9.8) ---------------------------------------------------------


@login_required
def cda_list(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre = access.centre_for_user(request.user, centre_id)
    return render(
        request,
        "accreditation/centre/cda_list.html",
        {
            "centre": centre,
            "assessments": selectors.devised_assessment_list(centre=centre),
            "can_manage": access.can_manage_centre(request.user, centre),
        },
    )


@login_required
def cda_new(request: HttpRequest, centre_id: int) -> HttpResponse:
    """Two steps: the route and level (GET), then the assessment with one mapping per statement
    of that route and level (R9.8). A refusal keeps everything typed."""
    centre = access.centre_for_user(request.user, centre_id, manage=True)
    source = request.POST if request.method == "POST" else request.GET
    step_one = RouteLevelForm(source if "route" in source else None, centre=centre)
    if not step_one.is_valid():
        return render(
            request, "accreditation/centre/cda_new.html", {"centre": centre, "step_one": step_one}
        )
    route, level = step_one.cleaned_data["route"], step_one.cleaned_data["level"]
    statements = list(selectors.statements_for(route=route, level=level))
    form = CentreDevisedAssessmentForm(
        request.POST or None,
        initial={"route": route, "level": level},
        route=route,
        level=level,
        statements=statements,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.cda_submit(
                centre=centre,
                route=route,
                level=level,
                replaces=data["replaces"],
                title=data["title"],
                assessment_type=data["assessment_type"],
                description=data["description"],
                fee=data["fee"],
                mappings=form.mappings(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"Submitted “{assessment.title}” with its mapping of {len(statements)} "
                "statements; the IMI will review it once the fee is paid.",
            )
            return redirect("accreditation:cda_detail", centre_id=centre.pk, pk=assessment.pk)
    return render(
        request,
        "accreditation/centre/cda_new.html",
        {"centre": centre, "form": form, "route": route, "level": level},
    )


@login_required
def cda_detail(request: HttpRequest, centre_id: int, pk: int) -> HttpResponse:
    centre = access.centre_for_user(request.user, centre_id)
    assessment = access.devised_assessment_for_user(request.user, centre, pk)
    assessment = selectors.devised_assessment_detail(
        CentreDevisedAssessment.objects.filter(pk=assessment.pk)
    ).get()
    return render(
        request,
        "accreditation/centre/cda_detail.html",
        {
            "centre": centre,
            "assessment": assessment,
            "can_manage": access.can_manage_centre(request.user, centre),
        },
    )


urlpatterns = [
    path("centre/", my_centre, name="my_centre"),
    path("centre/apply/", centre_apply, name="centre_apply"),
    path("centre/<int:centre_id>/", centre_detail, name="centre_detail"),
    path("centre/<int:centre_id>/people/", centre_people, name="centre_people"),
    path(
        "centre/<int:centre_id>/people/roles/<int:pk>/remove/",
        centre_membership_remove,
        name="centre_membership_remove",
    ),
    path("centre/<int:centre_id>/people/<int:user_id>/", centre_person, name="centre_person"),
    path(
        "centre/<int:centre_id>/people/<int:user_id>/evidence/<int:pk>/file/",
        competence_evidence_file,
        name="competence_evidence_file",
    ),
    path(
        "centre/<int:centre_id>/qualifications/",
        centre_qualifications,
        name="centre_qualifications",
    ),
    path("centre/<int:centre_id>/devised/", cda_list, name="cda_list"),
    path("centre/<int:centre_id>/devised/new/", cda_new, name="cda_new"),
    path("centre/<int:centre_id>/devised/<int:pk>/", cda_detail, name="cda_detail"),
]
