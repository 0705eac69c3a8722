"""The registrant's side of an audit (R6.2): see the case, add a note or evidence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cpd.forms import EvidenceForm
from register.views import registrant_required

from . import services
from .forms import NoteForm
from .selectors import cases_for, item_for_owner


def _back_to(pk: int) -> HttpResponse:
    return redirect(f"{reverse('audit:cases')}#item-{pk}")


@login_required
@registrant_required
def cases(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "audit/cases.html",
        {
            "cases": cases_for(registrant=request.registrant),
            "today": timezone.localdate(),
            "note_form": NoteForm(),
            "evidence_form": EvidenceForm(),
        },
    )


@require_POST
@login_required
@registrant_required
def item_note(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for_owner(registrant=request.registrant, pk=pk)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a note for the auditor.")
        return _back_to(item.pk)
    try:
        services.audit_item_note(
            item=item,
            registrant=request.registrant,
            note=form.cleaned_data["note"],
            user=request.user,
            today=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Your note on “{item.activity.title}” was saved.")
    return _back_to(item.pk)


@require_POST
@login_required
@registrant_required
def item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for_owner(registrant=request.registrant, pk=pk)
    form = EvidenceForm(request.POST, request.FILES, require_files=True)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("files", ["Choose a file."])))
        return _back_to(item.pk)
    try:
        with transaction.atomic():  # a bad file among several saves none
            for upload in form.cleaned_data["files"]:
                services.audit_item_evidence_add(
                    item=item,
                    registrant=request.registrant,
                    upload=upload,
                    user=request.user,
                    today=timezone.localdate(),
                )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Evidence added to “{item.activity.title}”.")
    return _back_to(item.pk)
