from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from . import removal as removal_services
from . import rules, selectors, services, support
from .forms import AppealForm, ContactForm, GraceForm, JoinForm, SupportForm
from .selectors import current_terms, registrant_for


def registrant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only for people on the register: others are sent to join. Sets request.registrant."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        registrant = registrant_for(request.user)
        if registrant is None:
            return send_to_join(request)
        request.registrant = registrant
        return view(request, *args, **kwargs)

    return wrapper


def send_to_join(request: HttpRequest) -> HttpResponse:
    """Where a page for people on the register sends someone who isn't."""
    messages.info(request, "Join the Professional Register to keep a CPD record.")
    return redirect("register:join")


@login_required
def join(request: HttpRequest) -> HttpResponse:
    if registrant_for(request.user) is not None:
        return redirect("cpd:dashboard")
    today = timezone.localdate()
    current = current_terms(as_of=today)
    form = JoinForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            registrant = services.registrant_join_accepting_current_terms(
                user=request.user,
                today=today,
                now=timezone.now(),
                accepted_ids=form.accepted_ids(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Welcome to the Professional Register. Your membership number is "
                f"{registrant.membership_number}.",
            )
            return redirect("cpd:dashboard")
    preview = rules.first_cycle_for(today)
    return render(
        request,
        "register/join.html",
        {
            "form": form,
            "terms": current.get("terms"),
            "code": current.get("code_of_conduct"),
            "preview": preview,
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    registrant = registrant_for(request.user)
    if registrant is None:
        return redirect("register:join")
    form = ContactForm(request.POST or None, instance=registrant)
    if request.method == "POST" and form.is_valid():
        services.registrant_update_contact(
            registrant=registrant, **{k: form.cleaned_data[k] for k in form.changed_data}
        )
        messages.success(request, "Your contact details were saved.")
        return redirect("register:profile")
    return render(request, "register/profile.html", {"form": form, "registrant": registrant})


def public_register(request: HttpRequest) -> HttpResponse:
    """The public Professional Register (R8.3): anyone can search it, no login."""
    query = request.GET.get("q", "")[:100]
    registrants = selectors.public_register(query=query, as_of=timezone.localdate())
    page = Paginator(registrants, 25).get_page(request.GET.get("page"))
    return render(request, "register/public_register.html", {"page": page, "q": query})


def public_entry(request: HttpRequest, membership_number: str) -> HttpResponse:
    """A registrant's public entry, at a stable address to share with employers and customers."""
    registrant = selectors.public_entry(
        membership_number=membership_number, as_of=timezone.localdate()
    )
    return render(request, "register/public_entry.html", {"registrant": registrant})


@login_required
def support_requests(request: HttpRequest) -> HttpResponse:
    """Ask for support (R7.1) or a grace period (R7.2), and see what was decided."""
    registrant = registrant_for(request.user)
    if registrant is None:
        return redirect("register:join")
    today = timezone.localdate()
    cycle = selectors.open_cycle(registrant=registrant)
    support_form = SupportForm(request.POST if "support" in request.POST else None, prefix="s")
    grace_form = GraceForm(request.POST if "grace" in request.POST else None, prefix="g")
    form = support_form if support_form.is_bound else grace_form if grace_form.is_bound else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if form is support_form:
                made = support.support_request_create(registrant=registrant, today=today, **data)
            else:
                made = support.grace_request_create(
                    registrant=registrant,
                    today=today,
                    reason=data["explanation"],
                    action_plan=data["action_plan"],
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages_ in error.message_dict.items():
                    for message in messages_:
                        form.add_error(field if field in form.fields else None, message)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Your request was sent to the IMI{' (late notice)' if made.late_notice else ''}. "
                "We'll email you when it's decided.",
            )
            return redirect("register:support")
    return render(
        request,
        "register/support.html",
        {
            "cycle": cycle,
            "requests": registrant.requests.select_related("cycle").order_by("-created_at"),
            "support_form": support_form,
            "grace_form": grace_form,
            "grace_deadline": rules.grace_request_deadline(cycle.end) if cycle else None,
            "grace_in_time": cycle is not None
            and rules.is_grace_request_in_time(requested_on=today, cycle_end=cycle.end),
            "late_notice": cycle is not None
            and rules.is_late_notice(requested_on=today, cycle_end=cycle.end),
        },
    )


@login_required
def appeal(request: HttpRequest) -> HttpResponse:
    """A removed registrant sees why and may appeal within 28 days (R8.2)."""
    registrant = registrant_for(request.user)
    removal = registrant.removals.order_by("-removed_on", "-pk").first() if registrant else None
    if removal is None:
        raise Http404("You have not been removed from the register.")
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            removal_services.removal_appeal(
                removal=removal,
                statement=form.cleaned_data["statement"],
                today=timezone.localdate(),
            )
        except ValidationError as error:
            form.add_error(None if not hasattr(error, "error_dict") else "statement", error)
        else:
            messages.success(request, "Your appeal was sent. We'll email you the decision.")
            return redirect("register:appeal")
    return render(
        request,
        "register/appeal.html",
        {
            "removal": removal,
            "form": form,
            "can_appeal": removal.appeal == "none" and timezone.localdate() <= removal.appeal_by,
        },
    )


@login_required
def staff_overview(request: HttpRequest) -> HttpResponse:
    """IMI staff's starting point: what needs acting on, linked to the admin lists (each with
    its CSV export)."""
    if not request.user.is_staff:
        raise PermissionDenied
    items = selectors.staff_overview(today=timezone.localdate(), user=request.user)
    return render(request, "register/staff_overview.html", {"items": items})
