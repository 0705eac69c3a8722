from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from . import selectors, services
from .forms import ContactForm, JoinForm
from .selectors import current_terms, registrant_for


def registrant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only for people on the register: others are sent to join. Sets request.registrant."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        registrant = registrant_for(request.user)
        if registrant is None:
            messages.info(request, "Join the Professional Register to keep a CPD record.")
            return redirect("register:join")
        request.registrant = registrant
        return view(request, *args, **kwargs)

    return wrapper


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
    from . import rules

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
    page = Paginator(selectors.public_register(query=query), 25).get_page(request.GET.get("page"))
    return render(request, "register/public_register.html", {"page": page, "q": query})


def public_entry(request: HttpRequest, membership_number: str) -> HttpResponse:
    """A registrant's public entry, at a stable address to share with employers and customers."""
    registrant = selectors.public_entry(membership_number=membership_number)
    return render(request, "register/public_entry.html", {"registrant": registrant})
