"""Accreditation in the admin, where IMI accreditation officers approve and oversee (R9, R10).

Every decision goes through `accreditation.services`, one row at a time, so each rule is checked
where the write happens and a refusal is reported against the row it concerns; nothing is saved
for a refused row. Lists read in a fixed number of queries: related rows through
`list_select_related`, counts as subqueries or annotations.
"""

import re
from collections.abc import Callable, Iterable
from datetime import date

from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from accounts.models import User
from imi_portal.admin_csv import export_as_csv
from imi_portal.forms import add_service_errors
from register.admin import HistoryAdmin, ReadOnlyInline, TableCountPaginator
from register.models import Registrant

from . import rules, services
from .certificates import CODE_LENGTH, award_status, verification_code_from
from .models import (
    Attempt,
    Award,
    Candidate,
    Centre,
    CentreApproval,
    CentreDevisedAssessment,
    CentreMembership,
    CodeOfConduct,
    CompetenceEvidence,
    Component,
    EqaAction,
    EqaVisit,
    Level,
    LevelModule,
    LevelReview,
    Module,
    Route,
    StaffApproval,
    Statement,
    StatementMapping,
    WindowExtension,
)
from .selectors import eqa_overdue_q

# --- shared -----------------------------------------------------------------------------------


class DecidedByActionsMixin:
    """Rows that change only through the list's actions (each a service call): the change page
    is for reading, while the model's change permission still allows the actions."""

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # made in the portal, through the services

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def for_each(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    rows: Iterable,
    call: Callable,
    *,
    label: Callable[[object], str] = str,
    done: str,
) -> int:
    """Call a service for each selected row. A refusal is shown for its row (the service's
    transaction saved nothing of it) and the others go ahead; the rest are counted in `done`."""
    count = 0
    for row in rows:
        try:
            call(row)
        except ValidationError as error:
            model_admin.message_user(
                request, f"{label(row)}: {' '.join(error.messages)}", messages.ERROR
            )
        else:
            count += 1
    if count:
        # "request(s)" in `done` becomes "request" or "requests" as the count says.
        text = re.sub(r"\(s\)", "" if count == 1 else "s", done.format(count=count))
        model_admin.message_user(request, text, messages.SUCCESS)
    return count


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        max_length=2000,
        error_messages={"required": "Give the reason: it is kept with the record."},
    )


def ask_reason(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    action: str,
    title: str,
    intro: str,
    submit: str,
    apply: Callable[[str], None],
) -> TemplateResponse | None:
    """An action that needs a reason: first a page listing the selection with a reason field;
    its "confirm" post comes back to the same action, which then applies it."""
    form = ReasonForm(request.POST if request.POST.get("confirm") else None)
    if form.is_bound and form.is_valid():
        apply(form.cleaned_data["reason"])
        return None  # back to the list, with the messages
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit": submit,
        "opts": opts,
        "objects": list(queryset),
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/accreditation/reason.html", context)


def _person(user) -> str:
    return user.get_full_name() or user.email


def _evidence_out_of_date_q(*, as_of: date, prefix: str = "") -> Q:
    """rules.evidence_out_of_date in SQL: occupational competence and CPD older than three
    years (R10.3)."""
    cutoff = as_of - relativedelta(years=rules.EVIDENCE_CURRENT_YEARS)
    return Q(**{f"{prefix}kind__in": rules.EXPIRING_KINDS, f"{prefix}dated__lte": cutoff})


def _count(queryset: QuerySet, *, by: str) -> Coalesce:
    """A correlated COUNT(*) subquery: one number per row, no join that could repeat rows."""
    counted = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# --- structure (R9.1, R9.5) -------------------------------------------------------------------


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0
    fields = ["order", "code", "name", "kind", "online_test"]


@admin.register(Route)
class RouteAdmin(admin.ModelAdmin):
    """A framework taken by one method, with the components passed in the window (R9.1, R9.5)."""

    list_display = ["name", "code", "framework", "method", "components"]
    list_filter = ["framework", "method"]
    fields = ["name", "code", "framework", "method", "description", "eligibility"]
    inlines = [ComponentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("components")

    @admin.display(description="assessment components")
    def components(self, obj: Route) -> str:
        return ", ".join(component.name for component in obj.components.all())

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LevelModuleInline(admin.TabularInline):
    model = LevelModule
    extra = 0
    fields = ["module", "mandatory"]

    def get_queryset(self, request):
        # Each row's title is its __str__, which names the module and the level.
        return super().get_queryset(request).select_related("level", "module")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "module":
            field.choices = list(field.choices)  # every row's select: read once, not per row
        return field


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    """A level with its mandatory and optional modules (R9.1)."""

    list_display = ["number", "name", "mandatory_modules", "optional_modules", "optional_required"]
    fields = ["number", "name", "optional_modules_required"]
    inlines = [LevelModuleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("level_modules__module")

    @admin.display(description="mandatory modules")
    def mandatory_modules(self, obj: Level) -> str:
        return ", ".join(lm.module.code for lm in obj.level_modules.all() if lm.mandatory)

    @admin.display(description="optional modules")
    def optional_modules(self, obj: Level) -> str:
        return ", ".join(lm.module.code for lm in obj.level_modules.all() if not lm.mandatory)

    @admin.display(description="optional modules to take")
    def optional_required(self, obj: Level) -> int:
        return obj.optional_modules_required

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Inline rows with one long text: two lines tall, so a table of them stays readable.
COMPACT_TEXT = {TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})}}


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    fields = ["framework", "code", "text"]
    formfield_overrides = COMPACT_TEXT


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    """A module shared by both frameworks, with its competence and knowledge statements (R9.1)."""

    list_display = ["code", "title", "statement_count"]
    search_fields = ["code", "title"]
    fields = ["code", "title", "description"]
    inlines = [StatementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(statement_total=Count("statements"))

    @admin.display(description="statements", ordering="statement_total")
    def statement_count(self, obj: Module) -> int:
        return obj.statement_total

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CodeOfConduct)
class CodeOfConductAdmin(admin.ModelAdmin):
    """Officers publish new versions; a version a candidate has accepted is never edited (R9.4):
    the acceptance cites it."""

    list_display = ["version", "published_on", "accepted_by"]
    fields = ["version", "published_on", "body"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                acceptances=_count(
                    Candidate.objects.filter(code_version=OuterRef("pk")), by="code_version"
                )
            )
        )

    @admin.display(description="accepted by (candidates)")
    def accepted_by(self, obj: CodeOfConduct) -> int:
        return obj.acceptances

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and Candidate.objects.filter(code_version=obj).exists():
            return self.fields
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- centres (R9.2, R9.9, R10) ----------------------------------------------------------------


class EqaOverdueFilter(admin.SimpleListFilter):
    """Centres whose next external quality assurance visit is past (R9.9)."""

    title = "EQA visit"
    parameter_name = "eqa_overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(eqa_overdue_q(today=timezone.localdate()))
        return queryset


class CentreApprovalInline(ReadOnlyInline):
    model = CentreApproval
    fields = ["route", "level", "status", "applied_at", "decided_at", "decided_by", "note"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "route and level approvals (decided in the list of centre approvals)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("route", "level", "decided_by")


class LabelledAutocomplete(AutocompleteSelect):
    """Django's autocomplete, with the chosen option's label taken from `labels` (loaded once
    for a whole inline) instead of one query per row; anything not in `labels` falls back."""

    def __init__(self, field, admin_site, *, labels: dict[str, str], **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.labels = labels

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not chosen or any(v not in self.labels for v in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for v in chosen:
            options.append(self.create_option(name, v, self.labels[v], set(chosen), len(options)))
        return [(None, options, 0)]


class CentreMembershipInline(admin.TabularInline):
    model = CentreMembership
    extra = 0
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        # Each row's title is its __str__, which names the person and the centre.
        return super().get_queryset(request).select_related("user", "centre")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        centre_id = request.resolver_match.kwargs.get("object_id")
        if db_field.name == "user" and str(centre_id).isdigit():
            # The centre's people, labelled in one query rather than one per membership.
            people = User.objects.filter(centre_memberships__centre_id=centre_id).distinct()
            kwargs["widget"] = LabelledAutocomplete(
                db_field, self.admin_site, labels={str(p.pk): str(p) for p in people}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EqaVisitInline(ReadOnlyInline):
    model = EqaVisit
    fields = ["visited_on", "quality_assurer", "commercial_risk", "assessment_risk", "findings"]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "EQA visits"

    def get_queryset(self, request):
        # "centre": each row's title is its __str__, which names the centre.
        return super().get_queryset(request).select_related("quality_assurer", "centre")


@admin.register(Centre)
class CentreAdmin(HistoryAdmin):
    list_display = [
        "name",
        "number",
        "status",
        "approval_counts",
        "risk",
        "last_visit_on",
        "next_visit_due",
        "eqa_overdue",
        "external_quality_assurer",
    ]
    list_filter = ["status", EqaOverdueFilter, "commercial_risk", "assessment_risk"]
    list_select_related = ["external_quality_assurer"]
    search_fields = ["name", "number"]
    autocomplete_fields = ["external_quality_assurer"]
    filter_horizontal = ["qualifications"]
    inlines = [CentreApprovalInline, CentreMembershipInline, EqaVisitInline]
    actions = ["suspend_centres", "withdraw_centres", "reinstate_centres", export_as_csv]
    fieldsets = [
        (
            None,
            {"fields": ["name", "number", "status", "approved_on", "email", "phone", "address"]},
        ),
        (
            "External quality assurance (R9.9)",
            {
                "description": "New risk ratings move the next visit: every 3 months at high "
                "risk, 6 at medium, 12 at low, from the last visit (or from approval).",
                "fields": [
                    "external_quality_assurer",
                    "commercial_risk",
                    "assessment_risk",
                    "last_visit_on",
                    "next_visit_due",
                    "record_visit",
                ],
            },
        ),
        ("Qualifications delivered (R10)", {"fields": ["qualifications"]}),
    ]

    def get_queryset(self, request):
        approved = Q(approvals__status=CentreApproval.Status.APPROVED)
        applied = Q(approvals__status=CentreApproval.Status.APPLIED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                approved_count=Count("approvals", filter=approved),
                applied_count=Count("approvals", filter=applied),
                is_overdue=ExpressionWrapper(
                    eqa_overdue_q(today=timezone.localdate()), output_field=BooleanField()
                ),
            )
            # The counts GROUP BY, which drops Meta.ordering: the autocomplete's pages need one.
            .order_by("name", "pk")
        )

    def get_readonly_fields(self, request, obj=None):
        # Status changes through the actions; the visit dates follow the visits (R9.9).
        readonly = ["status", "approved_on", "last_visit_on", "next_visit_due", "record_visit"]
        return readonly if obj is None else ["number", *readonly]

    @admin.display(description="route and level approvals")
    def approval_counts(self, obj: Centre) -> str:
        text = f"{obj.approved_count} approved"
        return f"{text}, {obj.applied_count} applied" if obj.applied_count else text

    @admin.display(description="risk: commercial / assessment")
    def risk(self, obj: Centre) -> str:
        return f"{obj.get_commercial_risk_display()} / {obj.get_assessment_risk_display()}"

    @admin.display(description="visit overdue", boolean=True, ordering="next_visit_due")
    def eqa_overdue(self, obj: Centre) -> bool:
        return obj.is_overdue

    @admin.display(description="visits")
    def record_visit(self, obj: Centre) -> str:
        if obj is None or obj.pk is None:
            return "Save the centre first."
        url = f"{reverse('admin:accreditation_eqavisit_add')}?centre={obj.pk}"
        return format_html('<a class="button" href="{}">Record a visit</a>', url)

    def save_model(self, request, obj, form, change):
        if {"commercial_risk", "assessment_risk"} & set(form.changed_data):
            # R9.9: through the service, so the next visit follows the new ratings.
            services.centre_risk_set(
                centre=obj,
                commercial_risk=obj.commercial_risk,
                assessment_risk=obj.assessment_risk,
            )
        else:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if "qualifications" in form.cleaned_data:
            services.centre_qualifications_set(
                centre=form.instance, qualifications=form.cleaned_data["qualifications"]
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        # Memberships go through the service so the role's group follows (accreditation.services).
        if formset.model is not CentreMembership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for membership, _ in formset.changed_objects:
            # A changed person or role: the old one (and its group) goes before the new.
            old = CentreMembership.objects.get(pk=membership.pk)
            services.centre_membership_remove(membership=old)
            membership.pk = None
        for membership in [*formset.new_objects, *(m for m, _ in formset.changed_objects)]:
            services.centre_membership_add(
                centre=membership.centre, user=membership.user, role=membership.role
            )
        for membership in formset.deleted_objects:
            services.centre_membership_remove(membership=membership)
        return None

    def _set_status(self, request, queryset, status: str, done: str) -> None:
        today = timezone.localdate()
        for_each(
            self,
            request,
            queryset,
            lambda centre: services.centre_status_set(centre=centre, status=status, today=today),
            done=done,
        )

    @admin.action(description="Suspend the selected centres", permissions=["change"])
    def suspend_centres(self, request, queryset):
        self._set_status(request, queryset, Centre.Status.SUSPENDED, "Suspended {count} centre(s).")

    @admin.action(description="Withdraw the selected centres", permissions=["change"])
    def withdraw_centres(self, request, queryset):
        self._set_status(request, queryset, Centre.Status.WITHDRAWN, "Withdrew {count} centre(s).")

    @admin.action(description="Reinstate the selected centres", permissions=["change"])
    def reinstate_centres(self, request, queryset):
        self._set_status(request, queryset, Centre.Status.APPROVED, "Reinstated {count} centre(s).")


@admin.register(CentreMembership)
class CentreMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "centre", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "centre"]
    search_fields = ["user__email", "user__last_name", "centre__name", "centre__number"]
    autocomplete_fields = ["user", "centre"]

    def save_model(self, request, obj, form, change):
        if change:
            # A changed role: drop the old one (and its group) before adding the new.
            old = CentreMembership.objects.get(pk=obj.pk)
            services.centre_membership_remove(membership=old)
        services.centre_membership_add(centre=obj.centre, user=obj.user, role=obj.role)

    def delete_model(self, request, obj):
        services.centre_membership_remove(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.centre_membership_remove(membership=membership)


@admin.register(CentreApproval)
class CentreApprovalAdmin(DecidedByActionsMixin, HistoryAdmin):
    """A centre's application for a route and level; officers approve, suspend or withdraw
    each (R9.2). The first approval approves the centre and schedules its first EQA visit."""

    list_display = [
        "centre",
        "route",
        "level_number",
        "status",
        "applied_at",
        "decided_at",
        "decided_by",
    ]
    list_filter = ["status", "route", "level"]
    list_select_related = ["centre", "route", "level", "decided_by"]
    search_fields = ["centre__name", "centre__number"]
    ordering = ["-status", "applied_at", "pk"]  # "applied" first, oldest first
    actions = ["approve", "suspend", "withdraw", export_as_csv]
    fields = [
        "centre",
        "route",
        "level",
        "status",
        "applied_at",
        "decided_at",
        "decided_by",
        "note",
    ]
    readonly_fields = fields

    @admin.display(description="level", ordering="level__number")
    def level_number(self, obj: CentreApproval) -> int:
        return obj.level.number

    def _decide(self, request, queryset, status: str, done: str) -> None:
        today = timezone.localdate()
        for_each(
            self,
            request,
            queryset.select_related("centre", "route", "level"),
            lambda approval: services.centre_approval_decide(
                approval=approval, status=status, by=request.user, today=today
            ),
            label=lambda approval: (
                f"{approval.centre}, {approval.route} level {approval.level.number}"
            ),
            done=done,
        )

    @admin.action(description="Approve the selected routes and levels", permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, CentreApproval.Status.APPROVED, "Approved {count}.")

    @admin.action(description="Suspend the selected routes and levels", permissions=["change"])
    def suspend(self, request, queryset):
        self._decide(request, queryset, CentreApproval.Status.SUSPENDED, "Suspended {count}.")

    @admin.action(description="Withdraw the selected routes and levels", permissions=["change"])
    def withdraw(self, request, queryset):
        self._decide(request, queryset, CentreApproval.Status.WITHDRAWN, "Withdrew {count}.")


# --- centre staff (R9.3, R9.7, R10.3) ---------------------------------------------------------


def _evidence_summary(total: int, out_of_date: int) -> str:
    if not total:
        return "None recorded"
    text = f"{total} item{'s' if total != 1 else ''}"
    return f"{text}, {out_of_date} out of date" if out_of_date else f"{text}, all in date"


def _cpd_status(status: str | None) -> str:
    """The person's own CPD standing on the Professional Register (R9.3), if they are on it."""
    if status is None:
        return "Not on the Professional Register"
    return f"Professional Register: {Registrant.Status(status).label}"


def with_people_facts(queryset: QuerySet, *, user_field: str, as_of: date) -> QuerySet:
    """Each row with its person's evidence counts and register status: three subqueries, so a
    list of any length stays at the same number of queries."""
    evidence = CompetenceEvidence.objects.filter(user=OuterRef(user_field))
    return queryset.annotate(
        evidence_total=_count(evidence, by="user"),
        evidence_out_of_date=_count(
            evidence.filter(_evidence_out_of_date_q(as_of=as_of)), by="user"
        ),
        registrant_status=Subquery(
            Registrant.objects.filter(user=OuterRef(user_field)).values("status")[:1]
        ),
    )


@admin.register(StaffApproval)
class StaffApprovalAdmin(DecidedByActionsMixin, HistoryAdmin):
    """Assessors and IQAs approved by route and level, invigilators by the IMI (R9.3, R9.7)."""

    list_display = [
        "person",
        "centre",
        "role",
        "scope",
        "status",
        "evidence",
        "cpd",
        "requested_at",
    ]
    list_filter = ["status", "role", "centre", "route", "level"]
    list_select_related = ["user", "centre", "route", "level"]
    search_fields = ["user__email", "user__last_name", "centre__name", "centre__number"]
    ordering = ["-status", "requested_at", "pk"]  # "requested" first, oldest first
    actions = ["approve", "reject", "remove_approval", export_as_csv]
    fields = [
        "person",
        "centre",
        "role",
        "route",
        "level",
        "status",
        "requested_at",
        "requested_by",
        "decided_at",
        "decided_by",
        "note",
        "cpd",
        "evidence_list",
        "approval_checks",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return with_people_facts(
            super().get_queryset(request), user_field="user", as_of=timezone.localdate()
        )

    @admin.display(description="person", ordering="user__last_name")
    def person(self, obj: StaffApproval) -> str:
        return f"{_person(obj.user)} ({obj.user.email})"

    @admin.display(description="route and level", ordering="route__code")
    def scope(self, obj: StaffApproval) -> str:
        if not obj.route_id:
            return "Any route (IMI approval)"  # R9.7: invigilators
        return f"{obj.route.code}, level {obj.level.number}"

    @admin.display(description="competence evidence (R10.3)")
    def evidence(self, obj: StaffApproval) -> str:
        return _evidence_summary(obj.evidence_total, obj.evidence_out_of_date)

    @admin.display(description="CPD")
    def cpd(self, obj: StaffApproval) -> str:
        return _cpd_status(obj.registrant_status)

    @admin.display(description="evidence")
    def evidence_list(self, obj: StaffApproval) -> str:
        today = timezone.localdate()
        rows = [
            (
                e.get_kind_display(),
                e.title,
                f" at level {e.level}" if e.level else "",
                f"{e.dated:%d %b %Y}",
                " – OUT OF DATE"
                if rules.evidence_out_of_date(kind=e.kind, dated=e.dated, as_of=today)
                else "",
            )
            for e in CompetenceEvidence.objects.filter(user_id=obj.user_id)
        ]
        if not rows:
            return "None recorded"
        items = format_html_join("", "<li>{}: {}{} ({}){}</li>", rows)
        return format_html("<ul>{}</ul>", items)

    @admin.display(description="checks for approval (R9.3)")
    def approval_checks(self, obj: StaffApproval) -> str:
        refusals = services.staff_approval_refusals(approval=obj, today=timezone.localdate())
        if not refusals:
            return "Nothing stops this approval."
        items = format_html_join("", "<li>{}</li>", ((refusal,) for refusal in refusals))
        return format_html("<ul>{}</ul>", items)

    @staticmethod
    def _label(approval: StaffApproval) -> str:
        scope = f", {approval.route} level {approval.level.number}" if approval.route_id else ""
        role = approval.get_role_display()
        return f"{_person(approval.user)} ({role}{scope} at {approval.centre.name})"

    def _rows(self, queryset):
        return queryset.select_related("user", "centre", "route", "level")

    @admin.action(description="Approve the selected requests", permissions=["change"])
    def approve(self, request, queryset):
        today = timezone.localdate()
        for_each(
            self,
            request,
            self._rows(queryset),
            lambda approval: services.staff_approval_decide(
                approval=approval, approve=True, by=request.user, today=today
            ),
            label=lambda approval: f"{self._label(approval)} was not approved",
            done="Approved {count} request(s).",
        )

    @admin.action(description="Reject the selected requests", permissions=["change"])
    def reject(self, request, queryset):
        today = timezone.localdate()
        for_each(
            self,
            request,
            self._rows(queryset),
            lambda approval: services.staff_approval_decide(
                approval=approval, approve=False, by=request.user, today=today
            ),
            label=lambda approval: f"{self._label(approval)} was not rejected",
            done="Rejected {count} request(s).",
        )

    @admin.action(
        description="Remove the selected approvals (with a reason)", permissions=["change"]
    )
    def remove_approval(self, request, queryset):
        rows = self._rows(queryset)

        def apply(reason: str) -> None:
            for_each(
                self,
                request,
                rows,
                lambda approval: services.staff_approval_remove(
                    approval=approval, by=request.user, reason=reason
                ),
                label=lambda approval: f"{self._label(approval)}: approval not removed",
                done="Removed {count} approval(s). They can't be recorded on attempts any more.",
            )

        return ask_reason(
            self,
            request,
            rows,
            action="remove_approval",
            title="Remove approvals",
            intro="From now on these people can't be recorded as assessing, quality assuring or "
            "invigilating under these approvals (R9.3). The reason is kept with the approval.",
            submit="Remove the approvals",
            apply=apply,
        )


class OutOfDateFilter(admin.SimpleListFilter):
    title = "in date"
    parameter_name = "out_of_date"

    def lookups(self, request, model_admin):
        return [("yes", "Out of date (over three years)"), ("no", "In date")]

    def queryset(self, request, queryset):
        stale = _evidence_out_of_date_q(as_of=timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(stale)
        if self.value() == "no":
            return queryset.exclude(stale)
        return queryset


@admin.register(CompetenceEvidence)
class CompetenceEvidenceAdmin(DecidedByActionsMixin, HistoryAdmin):
    """Centre staff's occupational competence, assessor awards, teaching qualifications and CPD;
    occupational competence and CPD older than three years is out of date (R9.3, R10.3). Centres
    record it in the portal; officers read it here."""

    list_display = [
        "person",
        "kind",
        "title",
        "level",
        "dated",
        "out_of_date",
        "qualification",
        "original_name",
    ]
    list_filter = [OutOfDateFilter, "kind"]
    list_select_related = ["user", "qualification"]
    search_fields = ["user__email", "user__last_name"]
    paginator = TableCountPaginator
    show_full_result_count = False
    actions = [export_as_csv]
    fields = [
        "user",
        "kind",
        "title",
        "level",
        "dated",
        "out_of_date",
        "qualification",
        "original_name",
        "added_at",
        "added_by",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        stale = _evidence_out_of_date_q(as_of=timezone.localdate())
        return (
            super()
            .get_queryset(request)
            .annotate(is_out_of_date=ExpressionWrapper(stale, output_field=BooleanField()))
        )

    @admin.display(description="person", ordering="user__last_name")
    def person(self, obj: CompetenceEvidence) -> str:
        return f"{_person(obj.user)} ({obj.user.email})"

    @admin.display(description="out of date", boolean=True)
    def out_of_date(self, obj: CompetenceEvidence) -> bool:
        return obj.is_out_of_date


# --- external quality assurance (R9.9) --------------------------------------------------------


class EqaVisitForm(forms.ModelForm):
    class Meta:
        model = EqaVisit
        fields = [
            "centre",
            "visited_on",
            "quality_assurer",
            "commercial_risk",
            "assessment_risk",
            "findings",
        ]
        help_texts = {
            "assessment_risk": "The ratings after this visit become the centre's, and the next "
            "visit follows from them: 3 months at high risk, 6 at medium, 12 at low (R9.9).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "quality_assurer" in self.fields:
            self.fields["quality_assurer"].required = True

    def clean_visited_on(self):
        # On its field before anything is saved; eqa_visit_record checks again.
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise ValidationError("The visit date can't be in the future.")
        return visited_on


class EqaActionInline(admin.TabularInline):
    model = EqaAction
    extra = 1
    fields = ["description", "due_on", "completed_on"]
    formfield_overrides = COMPACT_TEXT


@admin.register(EqaVisit)
class EqaVisitAdmin(HistoryAdmin):
    """A visit with its findings and actions; recording one sets the centre's ratings and its
    next visit through `services.eqa_visit_record` (R9.9)."""

    form = EqaVisitForm
    list_display = [
        "centre",
        "visited_on",
        "quality_assurer",
        "commercial_risk",
        "assessment_risk",
        "open_actions",
        "centre_next_visit_due",
    ]
    list_filter = ["commercial_risk", "assessment_risk", "centre"]
    list_select_related = ["centre", "quality_assurer"]
    search_fields = ["centre__name", "centre__number"]
    autocomplete_fields = ["quality_assurer"]
    inlines = [EqaActionInline]
    actions = [export_as_csv]

    def get_queryset(self, request):
        still_open = EqaAction.objects.filter(visit=OuterRef("pk"), completed_on__isnull=True)
        return (
            super().get_queryset(request).annotate(open_action_count=_count(still_open, by="visit"))
        )

    def get_readonly_fields(self, request, obj=None):
        # A recorded visit has set the centre's ratings: its facts stay; findings may be added to.
        if obj is None:
            return []
        return ["centre", "visited_on", "quality_assurer", "commercial_risk", "assessment_risk"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        centre_id = str(initial.get("centre", ""))
        centre = Centre.objects.filter(pk=centre_id).first() if centre_id.isdigit() else None
        if centre is not None:
            initial.setdefault("commercial_risk", centre.commercial_risk)
            initial.setdefault("assessment_risk", centre.assessment_risk)
            if centre.external_quality_assurer_id:
                initial.setdefault("quality_assurer", centre.external_quality_assurer_id)
        return initial

    @admin.display(description="open actions")
    def open_actions(self, obj: EqaVisit) -> int:
        return obj.open_action_count

    @admin.display(description="centre's next visit due")
    def centre_next_visit_due(self, obj: EqaVisit):
        return obj.centre.next_visit_due

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        visit = services.eqa_visit_record(
            centre=data["centre"],
            visited_on=data["visited_on"],
            quality_assurer=data["quality_assurer"],
            commercial_risk=data["commercial_risk"],
            assessment_risk=data["assessment_risk"],
            findings=data["findings"],
            today=timezone.localdate(),
        )
        # The inline actions are then saved against the visit the service made.
        obj.pk = visit.pk
        obj.refresh_from_db()
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- centre devised assessments (R9.8) --------------------------------------------------------


class StatementMappingInline(ReadOnlyInline):
    model = StatementMapping
    fields = ["statement_code", "statement_text", "covered_by"]
    readonly_fields = fields
    verbose_name_plural = "mapping of every statement (R9.8)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("statement")

    @admin.display(description="statement")
    def statement_code(self, obj: StatementMapping) -> str:
        return obj.statement.code

    @admin.display(description="text")
    def statement_text(self, obj: StatementMapping) -> str:
        return obj.statement.text


class CdaDecisionForm(forms.ModelForm):
    """The fee is recorded; officers approve or reject with a note (R9.8)."""

    decision = forms.ChoiceField(
        choices=[("", "Not decided yet"), ("approve", "Approve"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        required=False,
    )

    class Meta:
        model = CentreDevisedAssessment
        fields = ["fee", "fee_paid_on", "decision", "decision_note"]
        widgets = {"fee_paid_on": AdminDateWidget}
        help_texts = {"decision_note": "Required to reject: the centre sees it."}

    def clean(self):
        # On their fields before anything is saved; cda_decide checks again.
        data = super().clean()
        decision = data.get("decision")
        if decision == "reject" and not (data.get("decision_note") or "").strip():
            self.add_error("decision_note", "Say why the assessment is rejected.")
        if decision == "approve" and not data.get("fee_paid_on"):
            self.add_error("fee_paid_on", "Record when the approval fee was paid first (R9.8).")
        return data


@admin.register(CentreDevisedAssessment)
class CentreDevisedAssessmentAdmin(HistoryAdmin):
    form = CdaDecisionForm
    list_display = [
        "title",
        "centre",
        "route",
        "level_number",
        "replaces",
        "assessment_type",
        "fee",
        "fee_paid_on",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "route", "level", "assessment_type"]
    list_select_related = ["centre", "route", "level", "replaces"]
    search_fields = ["title", "centre__name", "centre__number"]
    ordering = ["-status", "submitted_at", "pk"]  # "submitted" first, oldest first
    inlines = [StatementMappingInline]
    actions = [export_as_csv]
    submitted = [
        "centre",
        "route",
        "level",
        "replaces",
        "title",
        "assessment_type",
        "description",
        "submitted_at",
        "submitted_by",
    ]
    decided = ["status", "decided_at", "decided_by", "decision_note"]

    @admin.display(description="level", ordering="level__number")
    def level_number(self, obj: CentreDevisedAssessment) -> int:
        return obj.level.number

    def _is_open(self, obj) -> bool:
        return obj is not None and obj.status == CentreDevisedAssessment.Status.SUBMITTED

    def get_fieldsets(self, request, obj=None):
        fee = ("Approval fee (R9.8)", {"fields": ["fee", "fee_paid_on"]})
        if self._is_open(obj):
            decision = ("Decision", {"fields": ["status", "decision", "decision_note"]})
        else:
            decision = ("Decision", {"fields": self.decided})
        return [("Submitted by the centre", {"fields": self.submitted}), fee, decision]

    def get_readonly_fields(self, request, obj=None):
        if self._is_open(obj):
            return [*self.submitted, "status"]
        return [*self.submitted, *self.decided]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # centres submit in the portal, with the mapping

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        fee_fields = [name for name in ("fee", "fee_paid_on") if name in form.changed_data]
        if fee_fields:
            obj.save(update_fields=fee_fields)
        decision = form.cleaned_data.get("decision")
        if not decision or not self._is_open(obj):
            return
        try:
            services.cda_decide(
                assessment=obj,
                approve=decision == "approve",
                note=form.cleaned_data.get("decision_note") or "",
                by=request.user,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)


# --- candidates (R9.4-R9.6) -------------------------------------------------------------------


class AttemptInline(ReadOnlyInline):
    model = Attempt
    fields = ["component", "attempted_on", "assessor", "invigilator", "outcome", "recorded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("component", "assessor", "invigilator")


class WindowExtensionInline(ReadOnlyInline):
    model = WindowExtension
    fields = ["previous_end", "new_end", "reason", "extended_by", "extended_at"]
    readonly_fields = fields
    verbose_name_plural = "window extensions (R9.5)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("extended_by")


class LevelReviewInline(ReadOnlyInline):
    model = LevelReview
    fields = ["component", "reviewed_on", "outcome", "refresher_training", "recorded_by"]
    readonly_fields = fields
    verbose_name_plural = "level reviews (R9.6)"


def _window_end(candidate: Candidate) -> date | None:
    if candidate.first_attempt_on is None:
        return None
    return rules.window_end(candidate.first_attempt_on, candidate.window_extended_to)  # R9.5


class AwardedFilter(admin.SimpleListFilter):
    title = "awarded"
    parameter_name = "awarded"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(award__isnull=self.value() == "no")
        return queryset


class WindowExtensionForm(forms.Form):
    new_end = forms.DateField(
        label="New last day of the window",
        widget=AdminDateWidget,
        help_text="Attempts up to and including this day count (R9.5).",
    )
    reason = forms.CharField(
        label="Exceptional circumstances",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        max_length=2000,
        error_messages={"required": "Give the exceptional circumstances."},
    )


@admin.register(Candidate)
class CandidateAdmin(HistoryAdmin):
    """Candidates are registered and assessed by their centre; officers read them here and may
    extend a window, with a reason (R9.5)."""

    list_display = [
        "name",
        "centre",
        "route",
        "level_number",
        "first_attempt_on",
        "window_ends",
        "awarded",
    ]
    list_filter = [AwardedFilter, "route", "level", "centre"]
    list_select_related = ["user", "centre", "route", "level", "award"]
    search_fields = ["user__email", "user__last_name", "centre__number", "ao_registration_number"]
    paginator = TableCountPaginator
    show_full_result_count = False
    actions = [export_as_csv]
    inlines = [AttemptInline, LevelReviewInline, WindowExtensionInline]
    fieldsets = [
        (None, {"fields": ["user", "centre", "route", "level", "registered_at", "registered_by"]}),
        (
            "Before any assessment (R9.4)",
            {
                "fields": [
                    "ao_registration_number",
                    "ao_registered_on",
                    "eligibility_confirmed_at",
                    "eligibility_note",
                    "code_version",
                    "code_accepted_at",
                ]
            },
        ),
        (
            "Twelve-month window (R9.5)",
            {"fields": ["first_attempt_on", "window_extended_to", "window_ends", "award_link"]},
        ),
    ]
    readonly_fields = [
        "user",
        "centre",
        "route",
        "level",
        "registered_at",
        "registered_by",
        "ao_registration_number",
        "ao_registered_on",
        "eligibility_confirmed_at",
        "eligibility_note",
        "code_version",
        "code_accepted_at",
        "first_attempt_on",
        "window_extended_to",
        "window_ends",
        "award_link",
    ]

    @admin.display(description="candidate", ordering="user__last_name")
    def name(self, obj: Candidate) -> str:
        return f"{_person(obj.user)} ({obj.user.email})"

    @admin.display(description="level", ordering="level__number")
    def level_number(self, obj: Candidate) -> int:
        return obj.level.number

    @admin.display(description="window ends")
    def window_ends(self, obj: Candidate) -> str:
        # Formatted here: the change page shows a method's value as text (ISO for a date).
        end = _window_end(obj)
        return date_format(end, "j M Y") if end else "Not started"

    @admin.display(description="awarded", boolean=True)
    def awarded(self, obj: Candidate) -> bool:
        return hasattr(obj, "award")

    @admin.display(description="award")
    def award_link(self, obj: Candidate) -> str:
        award = getattr(obj, "award", None)
        if award is None:
            return "Not yet awarded"
        url = reverse("admin:accreditation_award_change", args=[award.pk])
        return format_html('<a href="{}">{} ({})</a>', url, award.title, award.display_code)

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # centres register candidates in the portal

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # read here; the window is extended on its own page

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_extend_permission(self, request) -> bool:
        return request.user.has_perm("accreditation.add_windowextension")

    def get_urls(self):
        custom = [
            path(
                "<path:object_id>/extend-window/",
                self.admin_site.admin_view(self.extend_window_view),
                name="accreditation_candidate_extend_window",
            )
        ]
        return custom + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {"can_extend": self.has_extend_permission(request), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def extend_window_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """An officer extends the window in exceptional circumstances, with the reason (R9.5)."""
        if not self.has_extend_permission(request):
            raise PermissionDenied
        candidate = self.get_object(request, object_id)
        if candidate is None:
            raise Http404("No such candidate.")
        form = WindowExtensionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.window_extend(
                    candidate=candidate,
                    new_end=form.cleaned_data["new_end"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                self.log_change(request, candidate, [{"changed": {"fields": ["window"]}}])
                self.message_user(
                    request,
                    f"The window of {_person(candidate.user)} now ends on "
                    f"{form.cleaned_data['new_end']:%d %B %Y}.",
                    messages.SUCCESS,
                )
                return redirect("admin:accreditation_candidate_change", candidate.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Extend the window of {_person(candidate.user)}",
            "opts": self.opts,
            "media": self.media + form.media,
            "original": candidate,
            "form": form,
            "window_ends": _window_end(candidate),
            "change_url": reverse("admin:accreditation_candidate_change", args=[candidate.pk]),
            "changelist_url": reverse("admin:accreditation_candidate_changelist"),
        }
        request.current_app = self.admin_site.name
        template = "admin/accreditation/candidate/extend_window.html"
        return TemplateResponse(request, template, context)


# --- awards (R9.11) ---------------------------------------------------------------------------


class AwardStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("valid", "Valid"), ("expired", "Expired"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        today = timezone.localdate()  # R9.11: valid up to and including expires_on
        if self.value() == "valid":
            return queryset.filter(revoked_at__isnull=True, expires_on__gte=today)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_on__lt=today)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(Award)
class AwardAdmin(DecidedByActionsMixin, HistoryAdmin):
    list_display = [
        "holder_name",
        "title",
        "awarded_on",
        "expires_on",
        "status",
        "code",
        "renewed_on",
    ]
    list_filter = [AwardStatusFilter, "awarded_on"]
    list_select_related = ["holder"]
    search_fields = ["=verification_code", "holder__email", "holder__last_name"]
    search_help_text = "A verification code (dashes optional), an email address or a last name."
    paginator = TableCountPaginator
    show_full_result_count = False
    actions = ["renew", "revoke", export_as_csv]
    fields = [
        "holder",
        "title",
        "candidate",
        "awarded_on",
        "expires_on",
        "renewed_on",
        "status",
        "code",
        "revoked_at",
        "revoked_reason",
        "documents",
    ]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A code as printed (ABCD-EFGH-JK23, any case) finds its award too.
        code = verification_code_from(search_term)
        if len(code) == CODE_LENGTH:
            results = results | queryset.filter(verification_code=code)
        return results, may_have_duplicates

    @admin.display(description="holder", ordering="holder__last_name")
    def holder_name(self, obj: Award) -> str:
        return f"{_person(obj.holder)} ({obj.holder.email})"

    @admin.display(description="status")
    def status(self, obj: Award) -> str:
        return award_status(obj, as_of=timezone.localdate()).capitalize()

    @admin.display(description="verification code", ordering="verification_code")
    def code(self, obj: Award) -> str:
        return obj.display_code

    @admin.display(description="certificate")
    def documents(self, obj: Award) -> str:
        verify = reverse("accreditation:verify_code", args=[obj.display_code])
        if obj.revoked_at is not None:
            return format_html('<a href="{}">Public verification page</a>', verify)
        pdf = reverse("accreditation:certificate", args=[obj.pk])
        return format_html(
            '<a href="{}">Download the certificate (PDF)</a> · '
            '<a href="{}">Public verification page</a>',
            pdf,
            verify,
        )

    @admin.action(description="Renew with CPD (three more years)", permissions=["change"])
    def renew(self, request, queryset):
        today = timezone.localdate()
        for_each(
            self,
            request,
            queryset.select_related("holder"),
            lambda award: services.award_renew(award=award, today=today),
            label=lambda award: f"{award} was not renewed",
            done="Renewed {count} accreditation(s) for three more years.",
        )

    @admin.action(
        description="Revoke the selected accreditations (with a reason)", permissions=["change"]
    )
    def revoke(self, request, queryset):
        rows = queryset.select_related("holder")

        def apply(reason: str) -> None:
            at = timezone.now()
            for_each(
                self,
                request,
                rows,
                lambda award: services.award_revoke(award=award, reason=reason, at=at),
                label=lambda award: f"{award} was not revoked",
                done="Revoked {count} accreditation(s). Their verification pages say so.",
            )

        return ask_reason(
            self,
            request,
            rows,
            action="revoke",
            title="Revoke accreditations",
            intro="A revoked accreditation shows as revoked on its public verification page and "
            "leaves the public register; its certificate can no longer be downloaded. The reason "
            "is kept with the award and not shown publicly.",
            submit="Revoke",
            apply=apply,
        )
