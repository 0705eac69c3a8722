"""Reads for the register, with the query shape decided here."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Cycle, Registrant, Reminder, Removal, SupportRequest, TermsVersion


def current_terms(*, as_of: date) -> dict[str, TermsVersion]:
    """The version of each document in force on `as_of`: the latest published (R1.5)."""
    current: dict[str, TermsVersion] = {}
    for version in TermsVersion.objects.filter(published_on__lte=as_of).order_by("-published_on"):
        current.setdefault(version.kind, version)
    return current


def open_cycle(*, registrant: Registrant) -> Cycle | None:
    return registrant.cycles.filter(status=Cycle.Status.OPEN).first()


def cycle_containing(*, registrant: Registrant, day: date) -> Cycle | None:
    """The cycle an activity completed on `day` counts in (R3.1)."""
    return registrant.cycles.filter(start__lte=day, end__gte=day).first()


def cycles_of(*, registrant: Registrant) -> QuerySet[Cycle]:
    return registrant.cycles.order_by("-number")


def registrant_for(user) -> Registrant | None:
    """The signed-in user's place on the register, or None if they haven't joined."""
    if not user.is_authenticated:
        return None
    return Registrant.objects.filter(user=user).first()


def public_register(*, query: str = "") -> QuerySet[Registrant]:
    """Current registrants only, with what R8.3 allows to show: no email, address or CPD."""
    registrants = (
        Registrant.objects.filter(status=Registrant.Status.CURRENT)
        .select_related("user")
        .only("membership_number", "joined_on", "user__first_name", "user__last_name")
        .order_by("user__last_name", "user__first_name", "membership_number")
    )
    query = query.strip()
    if not query:
        return registrants
    if query.isdigit():  # "123" is PR000123
        return registrants.filter(membership_number=f"PR{int(query):06d}")
    if query.upper().startswith("PR"):
        return registrants.filter(membership_number__startswith=query.upper())
    for word in query.split():
        registrants = registrants.filter(
            Q(user__first_name__istartswith=word) | Q(user__last_name__istartswith=word)
        )
    return registrants


def public_entry(*, membership_number: str) -> Registrant:
    return get_object_or_404(public_register(), membership_number=membership_number.upper())


def staff_overview(*, today: date) -> list[dict[str, object]]:
    """What IMI staff act on, each with a count and the admin list that shows it (one query
    each, all on indexed columns)."""
    # audit depends on register: imported here, not at module level, to keep the apps' import
    # order one way.
    from audit.models import AuditCase

    first = today.replace(day=1)
    items = [
        (
            "Audits open",
            AuditCase.objects.filter(status=AuditCase.Status.OPEN),
            "admin:audit_auditcase_changelist",
            "status__exact=open",
        ),
        (
            "Audits past their due date",
            AuditCase.objects.filter(status=AuditCase.Status.OPEN, due_on__lt=today),
            "admin:audit_auditcase_changelist",
            "status__exact=open",
        ),
        (
            "Support and grace requests awaiting a decision",
            SupportRequest.objects.filter(status=SupportRequest.Status.PENDING),
            "admin:register_supportrequest_changelist",
            "status__exact=pending",
        ),
        (
            "Appeals awaiting a decision",
            Removal.objects.filter(appeal=Removal.Appeal.PENDING),
            "admin:register_removal_changelist",
            "appeal__exact=pending",
        ),
        (
            "Registrants whose CPD requirement was not met (review)",
            Registrant.objects.filter(status=Registrant.Status.CPD_NOT_MET),
            "admin:register_registrant_changelist",
            "status__exact=cpd_not_met",
        ),
        (
            "Cycles ending this month",
            Cycle.objects.filter(
                status=Cycle.Status.OPEN, end__gte=first, end__lt=first + relativedelta(months=1)
            ),
            "admin:register_registrant_changelist",
            "cycle_ends=month",
        ),
        (
            "Postal reminders due",
            Reminder.objects.filter(status=Reminder.Status.POSTAL_DUE),
            "admin:register_postalreminder_changelist",
            "",
        ),
        (
            "Reminders that failed to send",
            Reminder.objects.filter(status=Reminder.Status.FAILED),
            "admin:register_reminder_changelist",
            "status__exact=failed",
        ),
    ]
    overview = [
        {"label": label, "count": queryset.count(), "url": f"{reverse(name)}?{query}".rstrip("?")}
        for label, queryset, name, query in items
    ]
    # Behind pace needs every open cycle's credits: linked, not counted on every visit.
    overview.append(
        {
            "label": "Registrants behind pace (R3.5)",
            "count": None,
            "url": f"{reverse('admin:register_registrant_changelist')}?on_track=no",
        }
    )
    return overview
