"""Reads for the register, with the query shape decided here."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Prefetch, Q, QuerySet
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


def held_accreditations(*, as_of: date) -> Prefetch:
    """Each registrant's accreditations held on `as_of` (R8.3), as `user.held_accreditations`:
    neither revoked nor expired, the SQL form of accreditation.rules.award_status (R9.11). One
    query for a whole page of registrants."""
    # accreditation depends on register: imported here to keep the apps' import order one way.
    from accreditation.models import Award

    awards = (
        Award.objects.filter(revoked_at__isnull=True, expires_on__gte=as_of)
        .only("holder_id", "title", "expires_on", "verification_code")
        .order_by("-awarded_on", "pk")
    )
    return Prefetch("user__awards", queryset=awards, to_attr="held_accreditations")


def public_register(*, query: str = "", as_of: date | None = None) -> QuerySet[Registrant]:
    """Current registrants only, with what R8.3 allows to show: no email, address or CPD; with
    `as_of`, the accreditations each holds."""
    registrants = (
        Registrant.objects.filter(status=Registrant.Status.CURRENT)
        .select_related("user")
        .only("membership_number", "joined_on", "user__first_name", "user__last_name")
        .order_by("user__last_name", "user__first_name", "membership_number")
    )
    if as_of is not None:
        registrants = registrants.prefetch_related(held_accreditations(as_of=as_of))
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


def public_entry(*, membership_number: str, as_of: date | None = None) -> Registrant:
    return get_object_or_404(
        public_register(as_of=as_of), membership_number=membership_number.upper()
    )


def staff_overview(*, today: date, user=None) -> list[dict[str, object]]:
    """What IMI staff act on, each with a count and the admin list that shows it (one query
    each, all on indexed columns). With `user`, only the lists they may open."""
    # audit and accreditation depend on register: imported here, not at module level, to keep
    # the apps' import order one way.
    from accreditation.models import CentreApproval, CentreDevisedAssessment, StaffApproval
    from accreditation.selectors import centres_overdue_for_visit
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
        (
            "Registrants behind pace (R3.5)",
            None,  # needs every open cycle's credits: linked, not counted on every visit
            "admin:register_registrant_changelist",
            "on_track=no",
        ),
        (
            "Centre applications awaiting a decision",  # R9.2
            CentreApproval.objects.filter(status=CentreApproval.Status.APPLIED),
            "admin:accreditation_centreapproval_changelist",
            "status__exact=applied",
        ),
        (
            "Staff approvals requested",  # R9.3
            StaffApproval.objects.filter(status=StaffApproval.Status.REQUESTED),
            "admin:accreditation_staffapproval_changelist",
            "status__exact=requested",
        ),
        (
            "Centre devised assessments submitted",  # R9.8
            CentreDevisedAssessment.objects.filter(status=CentreDevisedAssessment.Status.SUBMITTED),
            "admin:accreditation_centredevisedassessment_changelist",
            "status__exact=submitted",
        ),
        (
            "Centres overdue an EQA visit",  # R9.9
            centres_overdue_for_visit(today=today),
            "admin:accreditation_centre_changelist",
            "eqa_overdue=yes",
        ),
    ]
    return [
        {
            "label": label,
            "count": None if queryset is None else queryset.count(),
            "url": f"{reverse(name)}?{query}".rstrip("?"),
        }
        for label, queryset, name, query in items
        if user is None or user.has_perm(_view_permission(name))
    ]


def _view_permission(changelist: str) -> str:
    """'audit.view_auditcase' for 'admin:audit_auditcase_changelist'."""
    app_label, model_name = (
        changelist.removeprefix("admin:").removesuffix("_changelist").split("_", 1)
    )
    return f"{app_label}.view_{model_name}"
