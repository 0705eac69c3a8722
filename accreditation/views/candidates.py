"""Centre pages for candidates and their attempts, and the candidate's own page (R9.4-R9.7).

Centre staff reach a candidate through their centre (`access.centre_for_user`, then
`access.candidate_for_user`); recording needs a recording role (`access.can_record_for`). A
candidate sees only their own candidacies. Everything else is a 404.
"""

from collections.abc import Callable
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imi_portal.downloads import attachment
from imi_portal.forms import add_service_errors

from .. import access, imports, rules, selectors, services
from ..forms.candidates import (
    AcceptCodeForm,
    AttemptForm,
    CandidateFilterForm,
    CandidateForm,
    CandidateImportForm,
    EligibilityForm,
    LevelReviewForm,
    QualityAssuranceForm,
    RegistrationForm,
)
from ..models import Candidate, Centre

PAGE_SIZE = 25


def _detail_url(candidate: Candidate) -> str:
    return reverse("accreditation:candidate_detail", args=[candidate.centre_id, candidate.pk])


def _window(candidate: Candidate, today: date) -> tuple[date | None, int | None]:
    """The end of the twelve-month window and the days left in it, once it has started (R9.5)."""
    if candidate.first_attempt_on is None:
        return None, None
    end = rules.window_end(candidate.first_attempt_on, candidate.window_extended_to)
    return end, rules.days_left_in_window(as_of=today, end=end)


# --- The centre's candidates -------------------------------------------------------------------


@login_required
def candidate_list(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre = access.centre_for_user(request.user, centre_id)
    today = timezone.localdate()
    filters = CandidateFilterForm(request.GET or None)
    candidates = filters.filter(selectors.candidate_list(centre.candidates.all()))
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    for candidate in page.object_list:
        candidate.window_end, candidate.days_left = _window(candidate, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accreditation/candidates/list.html",
        {
            "centre": centre,
            "can_manage": access.can_manage_centre(request.user, centre),
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_record": access.centres_for(request.user, roles=access.RECORDING_ROLES)
            .filter(pk=centre.pk)
            .exists(),
        },
    )


@login_required
def candidate_add(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre = access.centre_for_user(request.user, centre_id, record=True)
    offers = selectors.registration_offers(centre=centre)
    form = CandidateForm(request.POST or None, offers=offers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidate = services.candidate_register(
                centre=centre,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                route=data["offer"].route,
                level=data["offer"].level,
                by=request.user,
                ao_registration_number=data["ao_registration_number"].strip(),
                ao_registered_on=data["ao_registered_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error, {"route": "offer"})
        else:
            messages.success(
                request,
                f"{candidate.user.get_full_name() or candidate.user.email} is registered; "
                "we've emailed them a link to the portal to accept the Code of Conduct.",
            )
            return redirect(_detail_url(candidate))
    return render(
        request,
        "accreditation/candidates/add.html",
        {
            "centre": centre,
            "can_manage": access.can_manage_centre(request.user, centre),
            "form": form,
            "has_offers": offers.exists(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def candidate_import(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre = access.centre_for_user(request.user, centre_id, record=True)
    if request.GET.get("template"):
        response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="candidates.csv"'
        return response
    form = CandidateImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.candidate_import_csv(
            centre=centre, file=form.cleaned_data["file"], by=request.user
        )
        if result.ok:
            messages.success(
                request,
                f"Registered {result.added} candidate{'s' if result.added != 1 else ''}; "
                "each has been emailed a link to the portal.",
            )
            return redirect("accreditation:candidate_list", centre_id=centre.pk)
    return render(
        request,
        "accreditation/candidates/import.html",
        {
            "centre": centre,
            "can_manage": access.can_manage_centre(request.user, centre),
            "form": form,
            "result": result,
            "columns": imports.COLUMNS,
            "optional_columns": imports.OPTIONAL_COLUMNS,
            "max_rows": imports.MAX_ROWS,
            "offers": selectors.registration_offers(centre=centre),
        },
        status=400 if form.errors or (result and not result.ok) else 200,
    )


# --- One candidate, for the centre (R9.4-R9.7) -------------------------------------------------


def _candidate_at_centre(request: HttpRequest, centre_id: int, pk: int) -> tuple[Centre, Candidate]:
    centre = access.centre_for_user(request.user, centre_id)
    candidate = access.candidate_for_user(request.user, pk, centre=centre)
    return centre, selectors.candidate_detail(Candidate.objects.filter(pk=candidate.pk)).get()


def _attempt_form(candidate: Candidate, data=None, files=None) -> AttemptForm:
    return AttemptForm(
        data,
        files,
        candidate=candidate,
        people=selectors.centre_people_choices(centre=candidate.centre),
        devised=selectors.devised_assessments_usable(candidate=candidate),
        initial={"attempted_on": timezone.localdate()},
    )


def _render_detail(request: HttpRequest, centre: Centre, candidate: Candidate, **page_forms):
    today = timezone.localdate()
    can_record = access.can_record_for(request.user, candidate)
    progress = selectors.candidate_progress(candidate=candidate, as_of=today)
    page_forms.setdefault(
        "registration_form",
        RegistrationForm(
            initial={
                "ao_registration_number": candidate.ao_registration_number,
                "ao_registered_on": candidate.ao_registered_on or today,
            }
        ),
    )
    page_forms.setdefault("eligibility_form", EligibilityForm())
    page_forms.setdefault("quality_form", _quality_form(request, candidate))
    reviews_due = [c for c in progress.components if c.review_due]
    if reviews_due and "review_form" not in page_forms:
        page_forms["review_form"] = LevelReviewForm(
            candidate=candidate,
            prefix="review",
            initial={"component": reviews_due[0].component.pk, "reviewed_on": today},
        )
    bad = any(form.errors for form in page_forms.values())
    return render(
        request,
        "accreditation/candidates/detail.html",
        {
            "centre": centre,
            "can_manage": access.can_manage_centre(request.user, centre),
            "candidate": candidate,
            "progress": progress,
            "can_record": can_record,
            "reviews_due": reviews_due,
            "award": getattr(candidate, "award", None),
            "today": today,
            **page_forms,
        },
        status=400 if bad else 200,
    )


@login_required
def candidate_detail(request: HttpRequest, centre_id: int, pk: int) -> HttpResponse:
    centre, candidate = _candidate_at_centre(request, centre_id, pk)
    return _render_detail(request, centre, candidate)


def _recording(request: HttpRequest, centre_id: int, pk: int) -> tuple[Centre, Candidate]:
    centre, candidate = _candidate_at_centre(request, centre_id, pk)
    if not access.can_record_for(request.user, candidate):
        raise Http404("Only the centre's administrators and assessment staff record this.")
    return centre, candidate


def _post_on_detail(
    request: HttpRequest,
    centre_id: int,
    pk: int,
    *,
    name: str,
    form: Callable[[Candidate], forms.Form],
    save: Callable[[Candidate, dict], object],
    done: str,
) -> HttpResponse:
    """A form of the candidate's page: saved through its service and back to the page, or the
    page again with the form's errors (the service's on the field they concern)."""
    centre, candidate = _recording(request, centre_id, pk)
    bound = form(candidate)
    if bound.is_valid():
        try:
            save(candidate, bound.cleaned_data)
        except ValidationError as error:
            add_service_errors(bound, error)
        else:
            messages.success(request, done)
            return redirect(_detail_url(candidate))
    return _render_detail(request, centre, candidate, **{name: bound})


@login_required
@require_POST
def candidate_registration(request: HttpRequest, centre_id: int, pk: int) -> HttpResponse:
    """The Awarding Organisation registration (R9.4)."""
    return _post_on_detail(
        request,
        centre_id,
        pk,
        name="registration_form",
        form=lambda candidate: RegistrationForm(request.POST),
        save=lambda candidate, data: services.candidate_record_registration(
            candidate=candidate,
            number=data["ao_registration_number"],
            registered_on=data["ao_registered_on"],
            today=timezone.localdate(),
        ),
        done="Awarding Organisation registration recorded.",
    )


@login_required
@require_POST
def candidate_eligibility(request: HttpRequest, centre_id: int, pk: int) -> HttpResponse:
    """The centre confirms the candidate meets the route's pre-requisites (R9.4)."""
    return _post_on_detail(
        request,
        centre_id,
        pk,
        name="eligibility_form",
        form=lambda candidate: EligibilityForm(request.POST),
        save=lambda candidate, data: services.candidate_confirm_eligibility(
            candidate=candidate, note=data["eligibility_note"], by=request.user, at=timezone.now()
        ),
        done="Eligibility confirmed.",
    )


@login_required
@require_POST
def level_review_new(request: HttpRequest, centre_id: int, pk: int) -> HttpResponse:
    """The review of the candidate's level after three unsuccessful online tests (R9.6)."""
    return _post_on_detail(
        request,
        centre_id,
        pk,
        name="review_form",
        form=lambda candidate: LevelReviewForm(request.POST, candidate=candidate, prefix="review"),
        save=lambda candidate, data: services.level_review_record(
            candidate=candidate,
            component=data["component"],
            reviewed_on=data["reviewed_on"],
            outcome=data["outcome"],
            refresher_training=data["refresher_training"],
            by=request.user,
            today=timezone.localdate(),
        ),
        done="Level review recorded: the candidate may sit the test again.",
    )


def _quality_form(request: HttpRequest, candidate: Candidate, data=None) -> QualityAssuranceForm:
    return QualityAssuranceForm(
        data,
        candidate=candidate,
        people=selectors.centre_people_choices(centre=candidate.centre),
        prefix="iqa",
        initial={"on": timezone.localdate()},
    )


@login_required
@require_POST
def attempt_quality_assure(request: HttpRequest, centre_id: int, pk: int) -> HttpResponse:
    """An internal quality assurer's sampling of an attempt (R9.3)."""
    return _post_on_detail(
        request,
        centre_id,
        pk,
        name="quality_form",
        form=lambda candidate: _quality_form(request, candidate, request.POST),
        save=lambda candidate, data: services.attempt_quality_assure(
            attempt=data["attempt"],
            iqa=data["iqa"],
            on=data["on"],
            note=data["note"],
            today=timezone.localdate(),
        ),
        done="Internal quality assurance recorded.",
    )


@login_required
def attempt_new(request: HttpRequest, centre_id: int, pk: int) -> HttpResponse:
    """Record one attempt of one component (R9.3-R9.7, R9.10); the service refuses what the
    rules don't allow and awards the accreditation when the route is complete (R9.11)."""
    centre, candidate = _recording(request, centre_id, pk)
    gate = services.candidate_gate_refusals(candidate)  # R9.4: no form until all three
    form = _attempt_form(candidate, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attempt = services.attempt_record(
                candidate=candidate,
                component=data["component"],
                attempted_on=data["attempted_on"],
                assessor=data["assessor"],
                invigilator=data["invigilator"],
                devised_assessment=data.get("devised_assessment"),
                outcome=data["outcome"],
                notes=data["notes"],
                uploads=data["files"],
                by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as error:
            add_service_errors(form, error, AttemptForm.SERVICE_FIELDS)
        else:
            awarded = Candidate.objects.filter(pk=candidate.pk, award__isnull=False).exists()
            messages.success(
                request,
                f"{attempt.component}: {attempt.get_outcome_display().lower()} recorded."
                + (" Every component is passed: the accreditation is awarded." if awarded else ""),
            )
            return redirect(_detail_url(candidate))
    return render(
        request,
        "accreditation/candidates/attempt_form.html",
        {
            "centre": centre,
            "can_manage": access.can_manage_centre(request.user, centre),
            "candidate": candidate,
            "form": form,
            "gate": gate,
            "files_lost": bool(request.FILES) and bool(form.errors),
            "progress": selectors.candidate_progress(
                candidate=candidate, as_of=timezone.localdate()
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def attempt_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The candidate's centre, the candidate and officers only; always as an attachment, never
    rendered inline (R9.10)."""
    evidence = access.attempt_evidence_for_user(request.user, pk)
    return attachment(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


# --- The candidate's own page (R9.4, R9.5, R9.11) ---------------------------------------------


def _render_mine(request: HttpRequest, *, accept_form=None, form_for: int | None = None):
    today = timezone.localdate()
    candidacies = list(
        selectors.candidate_detail(
            access.candidates_for(request.user).filter(user=request.user)
        ).order_by("registered_at")
    )
    for candidate in candidacies:
        candidate.progress = selectors.candidate_progress(candidate=candidate, as_of=today)
        bound = accept_form is not None and form_for == candidate.pk
        candidate.accept_form = (
            accept_form if bound else AcceptCodeForm(auto_id=f"id_code_{candidate.pk}_%s")
        )
    return render(
        request,
        "accreditation/candidates/mine.html",
        {
            "candidacies": candidacies,
            "code": selectors.current_code_of_conduct(as_of=today),
            "today": today,
        },
        status=400 if accept_form is not None and accept_form.errors else 200,
    )


@login_required
def my_accreditation(request: HttpRequest) -> HttpResponse:
    return _render_mine(request)


@login_required
@require_POST
def accept_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate agrees to the Accreditation Code of Conduct (R9.4)."""
    candidate = access.own_candidacy_for_user(request.user, pk)
    form = AcceptCodeForm(request.POST, auto_id=f"id_code_{candidate.pk}_%s")
    if form.is_valid():
        try:
            services.candidate_accept_code(
                candidate=candidate, user=request.user, at=timezone.now()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: you have accepted the Code of Conduct.")
            return redirect("accreditation:my_accreditation")
    return _render_mine(request, accept_form=form, form_for=candidate.pk)


urlpatterns = [
    path("centre/<int:centre_id>/candidates/", candidate_list, name="candidate_list"),
    path("centre/<int:centre_id>/candidates/add/", candidate_add, name="candidate_add"),
    path("centre/<int:centre_id>/candidates/import/", candidate_import, name="candidate_import"),
    path("centre/<int:centre_id>/candidates/<int:pk>/", candidate_detail, name="candidate_detail"),
    path(
        "centre/<int:centre_id>/candidates/<int:pk>/registration/",
        candidate_registration,
        name="candidate_registration",
    ),
    path(
        "centre/<int:centre_id>/candidates/<int:pk>/eligibility/",
        candidate_eligibility,
        name="candidate_eligibility",
    ),
    path(
        "centre/<int:centre_id>/candidates/<int:pk>/review/",
        level_review_new,
        name="level_review_new",
    ),
    path(
        "centre/<int:centre_id>/candidates/<int:pk>/attempts/new/", attempt_new, name="attempt_new"
    ),
    path(
        "centre/<int:centre_id>/candidates/<int:pk>/quality-assurance/",
        attempt_quality_assure,
        name="attempt_quality_assure",
    ),
    path("centre/evidence/<int:pk>/", attempt_evidence, name="attempt_evidence"),
    path("accreditation/", my_accreditation, name="my_accreditation"),
    path("accreditation/<int:pk>/code/", accept_code, name="accept_code"),
]
