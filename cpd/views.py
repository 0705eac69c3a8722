"""The registrant's CPD pages: dashboard, record, the activity form, evidence and the plan."""

import functools
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imi_portal.cache import cache_get, cache_set
from imi_portal.downloads import attachment
from register.selectors import cycles_of, registrant_for
from register.views import registrant_required, send_to_join

from . import rules, services
from .forms import ActivityFilterForm, ActivityForm, EvidenceForm, ObjectiveForm
from .models import ActivityDraft, Evidence
from .selectors import (
    activities_for,
    activity_for_owner,
    cycle_progress,
    evidence_for_user,
    objectives_for,
    record_version,
)

# How long a rendered dashboard is kept: its key changes with the record and the day anyway.
DASHBOARD_CACHE_SECONDS = 24 * 60 * 60


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The registrant's progress (R3). Its content is kept in the cache under the record's
    version (cpd.selectors.record_version) and the day: looking again, or the page reloading,
    costs one query instead of the registrant, the aggregate, the lists and the rendering
    (docs/benchmarks.md). Any change to what it shows makes a new key."""
    found = record_version(user=request.user)
    if found is None:
        return send_to_join(request)
    registrant_id, version = found
    today = timezone.localdate()
    chosen = request.GET.get("cycle", "")
    key = "cpd:dashboard:" + ":".join(
        str(part)
        for part in (
            registrant_id,
            chosen if chosen.isdigit() else "",
            today.isoformat(),
            _template_version("cpd/_dashboard_body.html"),
            *version,
        )
    )
    body = cache_get(key)
    if body is None:
        registrant = registrant_for(request.user)
        registrant.user = request.user  # shown by name: no second read of the user
        body = _dashboard_body(registrant=registrant, chosen=chosen, today=today)
        cache_set(key, body, DASHBOARD_CACHE_SECONDS)
    return render(request, "cpd/dashboard.html", {"body": body})


def _dashboard_body(*, registrant, chosen: str, today) -> str:
    cycles = list(cycles_of(registrant=registrant))
    current = next((c for c in cycles if str(c.number) == chosen), None) or next(
        (c for c in cycles if c.status == c.Status.OPEN), cycles[0]
    )
    progress = cycle_progress(cycle=current, as_of=today).progress
    # The list shows no evidence: skip the selector's evidence prefetch.
    recent = activities_for(registrant=registrant).filter(cycle=current).prefetch_related(None)
    return render_to_string(
        "cpd/_dashboard_body.html",
        {
            "registrant": registrant,
            "cycles": cycles,
            "cycle": current,
            "is_open": current.status == current.Status.OPEN,
            "p": progress,
            "recent": recent[:5],
            "today": today,
        },
    )


@functools.cache
def _template_version(name: str) -> str:
    """A digest of a cached fragment's template: a deployment that changes it makes new keys."""
    source = get_template(name).template.source
    return hashlib.sha256(source.encode()).hexdigest()[:12]


@login_required
@registrant_required
def activity_list(request: HttpRequest) -> HttpResponse:
    registrant = request.registrant
    filters = ActivityFilterForm(request.GET or None, registrant=registrant)
    activities = filters.filter(activities_for(registrant=registrant))
    page = Paginator(activities, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cpd/activity_list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


def _detail_url(pk: int, *, draft_key: str) -> str:
    # ?saved= tells the page to drop the copy of the draft kept in the browser.
    return f"{reverse('cpd:activity_detail', args=[pk])}?saved={draft_key}"


def _draft(user, key: str) -> ActivityDraft | None:
    return ActivityDraft.objects.filter(user=user, key=key).first()


def _save_activity_with_evidence(request, form, evidence_form, save) -> list | None:
    """Run `save` and attach the evidence in one transaction: a bad file saves nothing."""
    files = request.FILES.getlist("files")
    try:
        with transaction.atomic():
            activities = save(form.to_input())
            for upload in files:
                services.evidence_add(activity=activities[0], upload=upload, user=request.user)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            form.add_service_errors(error.message_dict)
        else:
            evidence_form.add_error("files", error)
        return None
    return activities


@login_required
@registrant_required
def activity_new(request: HttpRequest) -> HttpResponse:
    registrant = request.registrant
    today = timezone.localdate()
    draft = _draft(request.user, "new")
    if request.method == "POST":
        form = ActivityForm(request.POST, registrant=registrant)
        evidence_form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            saved = _save_activity_with_evidence(
                request,
                form,
                evidence_form,
                lambda data: services.activity_create(
                    registrant=registrant, data=data, as_of=today, user=request.user
                ),
            )
            if saved:
                count = len(saved)
                messages.success(
                    request,
                    f"Recorded “{saved[0].title}”"
                    + (
                        f" in {count} instalments."
                        if count > 1
                        else f": {saved[0].credits} credits."
                    ),
                )
                return redirect(_detail_url(saved[0].pk, draft_key="new"))
    else:
        initial = {"instalments": 1, "completed_on": today}
        if draft:
            initial.update(draft.data)
        form = ActivityForm(initial=initial, registrant=registrant)
        evidence_form = EvidenceForm()
    return render(
        request,
        "cpd/activity_form.html",
        {
            "form": form,
            "evidence_form": evidence_form,
            "draft": draft,
            "draft_key": "new",
            "editing": None,
        },
    )


@login_required
@registrant_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    registrant = request.registrant
    activity = activity_for_owner(registrant=registrant, pk=pk)
    if activity.in_audit:
        messages.error(request, "This activity is being audited, so it can't be changed.")
        return redirect("cpd:activity_detail", pk=pk)
    key = str(activity.pk)
    draft = _draft(request.user, key)
    instalment = activity.instalment_group is not None
    if request.method == "POST":
        form = ActivityForm(
            request.POST,
            registrant=registrant,
            editing_instalment=instalment,
            initial=ActivityForm.initial_from_activity(activity),
        )
        evidence_form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            saved = _save_activity_with_evidence(
                request,
                form,
                evidence_form,
                lambda data: [
                    services.activity_update(
                        activity=activity, data=data, as_of=timezone.localdate(), user=request.user
                    )
                ],
            )
            if saved:
                messages.success(request, f"Saved “{saved[0].title}”: {saved[0].credits} credits.")
                return redirect(_detail_url(pk, draft_key=key))
    else:
        initial = ActivityForm.initial_from_activity(activity)
        if draft:
            initial.update(draft.data)
        form = ActivityForm(initial=initial, registrant=registrant, editing_instalment=instalment)
        evidence_form = EvidenceForm()
    return render(
        request,
        "cpd/activity_form.html",
        {
            "form": form,
            "evidence_form": evidence_form,
            "draft": draft,
            "draft_key": key,
            "editing": activity,
        },
    )


@login_required
@registrant_required
@require_POST
def activity_preview(request: HttpRequest) -> HttpResponse:
    """The live preview of the credits while the form is filled in (htmx)."""
    form = ActivityForm(request.POST, registrant=request.registrant)
    form.is_valid()  # parse what can be parsed; the preview judges only the credits
    data = form.to_input()
    check = services.activity_check(
        registrant=request.registrant, data=data, as_of=timezone.localdate(), for_preview=True
    )
    split = None
    if check.breakdown and data.instalments > 1:
        # R2.6: show the whole qualification and how it is split, not just the first part.
        parts = [
            rules.activity_credits(
                principle=data.principle,
                qualification_credit_value=data.qualification_credit_value,
                instalments=data.instalments,
                instalment_number=number,
                impact_behaviour=data.impact_behaviour and number == 1,
                impact_working_practice=data.impact_working_practice and number == 1,
            ).total
            for number in range(1, data.instalments + 1)
        ]
        split = {
            "total": sum(parts),
            "parts": parts,
            "credit_value": data.qualification_credit_value,
        }
    return render(
        request, "cpd/_credit_preview.html", {"check": check, "form": form, "split": split}
    )


@login_required
@registrant_required
@require_POST
def draft_save(request: HttpRequest, key: str) -> JsonResponse:
    """Autosave of the activity form: what was typed, kept until the activity is saved."""
    if key != "new":
        activity_for_owner(registrant=request.registrant, pk=int(key) if key.isdigit() else 0)
    skip = {"csrfmiddlewaretoken", "files"}
    data = {name: request.POST.get(name) for name in request.POST if name not in skip}
    draft = services.draft_save(user=request.user, key=key, data=data)
    return JsonResponse({"saved_at": draft.updated_at.isoformat()})


@login_required
@registrant_required
@require_POST
def draft_discard(request: HttpRequest, key: str) -> HttpResponse:
    services.draft_discard(user=request.user, key=key)
    messages.info(request, "The draft was discarded.")
    if key == "new":
        return redirect("cpd:activity_new")
    return redirect("cpd:activity_edit", pk=int(key))


@login_required
@registrant_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_owner(registrant=request.registrant, pk=pk)
    return render(
        request, "cpd/activity_detail.html", {"activity": activity, "evidence_form": EvidenceForm()}
    )


@login_required
@registrant_required
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_owner(registrant=request.registrant, pk=pk)
    if request.method == "POST":
        try:
            services.activity_delete(activity=activity)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("cpd:activity_detail", pk=pk)
        messages.success(request, f"Deleted “{activity.title}”.")
        return redirect("cpd:activity_list")
    return render(request, "cpd/activity_confirm_delete.html", {"activity": activity})


@login_required
@registrant_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_owner(registrant=request.registrant, pk=pk)
    form = EvidenceForm(request.POST, request.FILES, require_files=True)
    if form.is_valid():
        try:
            with transaction.atomic():
                for upload in form.cleaned_data["files"]:
                    services.evidence_add(activity=activity, upload=upload, user=request.user)
        except ValidationError as error:
            form.add_error("files", error)
        else:
            messages.success(request, "Evidence added.")
            return redirect("cpd:activity_detail", pk=pk)
    return render(
        request,
        "cpd/activity_detail.html",
        {"activity": activity, "evidence_form": form},
        status=400,
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Owner or IMI staff only (R4.4); always as an attachment, never rendered inline."""
    evidence = evidence_for_user(user=request.user, pk=pk)
    return attachment(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
@registrant_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("activity"), pk=pk, activity__registrant=request.registrant
    )
    try:
        services.evidence_delete(evidence=evidence)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Removed “{evidence.original_name}”.")
    return redirect("cpd:activity_detail", pk=evidence.activity_id)


@login_required
@registrant_required
def objective_list(request: HttpRequest) -> HttpResponse:
    objectives = objectives_for(registrant=request.registrant)
    return render(request, "cpd/objective_list.html", {"objectives": objectives})


@login_required
@registrant_required
def objective_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    objective = get_object_or_404(request.registrant.objectives, pk=pk) if pk is not None else None
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and form.is_valid():
        saved = services.objective_save(
            registrant=request.registrant,
            objective=objective,
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        )
        messages.success(request, f"Saved the objective “{saved.title}”.")
        return redirect("cpd:objective_list")
    return render(request, "cpd/objective_form.html", {"form": form, "objective": objective})
