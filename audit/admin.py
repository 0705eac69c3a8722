"""The audit in the admin: auditors draw samples and decide each sampled activity (R6).

Writes go through the services, so a draw is always recorded with its seed (R6.1) and a decision
always leaves its trace and tells the registrant (R6.3, R6.4).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from imi_portal.admin_csv import export_as_csv
from register.admin import HistoryAdmin, ReadOnlyAdminMixin, ReadOnlyInline

from . import services
from .forms import DecisionForm, DrawForm
from .models import AuditCase, AuditDraw, AuditItem


@admin.register(AuditDraw)
class AuditDrawAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = [
        "drawn_at",
        "drawn_by",
        "population",
        "fraction",
        "number",
        "population_size",
        "size",
        "seed",
        "due_on",
    ]
    list_select_related = ["drawn_by"]
    list_filter = ["population", "drawn_at"]
    actions = [export_as_csv]

    def has_add_permission(self, request, obj=None) -> bool:
        # Only through the draw form, which calls the service.
        return request.user.has_perms([services.AUDIT_PERMISSION, "audit.add_auditdraw"])

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:audit_auditdraw_draw")

    def get_urls(self):
        custom = [
            path("draw/", self.admin_site.admin_view(self.draw_view), name="audit_auditdraw_draw")
        ]
        return custom + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_draw": self.has_add_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def draw_view(self, request: HttpRequest) -> HttpResponse:
        """Choose the population, a fraction or a number, exclusions and the due date."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                draw = services.audit_draw(
                    drawn_by=request.user,
                    population=data["population"],
                    fraction=data["fraction"],
                    number=data["number"],
                    seed=data["seed"],
                    cycle_end_from=data["cycle_end_from"],
                    cycle_end_to=data["cycle_end_to"],
                    exclude_joined_within_days=data["exclude_joined_within_days"],
                    activities_per_case=data["activities_per_case"],
                    due_on=data["due_on"],
                    today=timezone.localdate(),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    f"Drew {draw.size} of {draw.population_size} eligible registrants "
                    f"(seed {draw.seed}); each has been told by email.",
                    messages.SUCCESS,
                )
                return redirect(
                    f"{reverse('admin:audit_auditcase_changelist')}?draw__id__exact={draw.pk}"
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Draw an audit sample",
            "opts": self.opts,
            "form": form,
            "changelist_url": reverse("admin:audit_auditdraw_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit/auditdraw/draw.html", context)


def _item_link(item: AuditItem) -> str:
    url = reverse("admin:audit_audititem_change", args=[item.pk])
    return format_html('<a href="{}">{}</a>', url, item.activity.title)


class AuditItemInline(ReadOnlyInline):
    model = AuditItem
    fields = ["activity_link", "credits", "decision", "decided_value", "reason", "decided_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity", "decided_by")

    @admin.display(description="activity")
    def activity_link(self, obj: AuditItem) -> str:
        return _item_link(obj)

    @admin.display(description="calculated credits")
    def credits(self, obj: AuditItem):
        return obj.activity.credits


@admin.register(AuditCase)
class AuditCaseAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["membership_number", "name", "status", "due_on", "opened_at", "outcome"]
    list_filter = ["status", "due_on", "draw"]
    list_select_related = ["registrant__user"]
    search_fields = ["=registrant__membership_number", "=registrant__user__email"]
    ordering = ["-status", "due_on", "pk"]  # open first, soonest due first
    fields = ["registrant", "draw", "status", "due_on", "opened_at", "closed_at", "outcome"]
    readonly_fields = fields
    inlines = [AuditItemInline]
    actions = [export_as_csv]

    @admin.display(description="membership number")
    def membership_number(self, obj: AuditCase) -> str:
        return obj.registrant.membership_number

    @admin.display(description="name")
    def name(self, obj: AuditCase) -> str:
        return obj.registrant.user.get_full_name()


@admin.register(AuditItem)
class AuditItemAdmin(HistoryAdmin):
    """One sampled activity: its record, the registrant's note and evidence, and the decision."""

    list_display = [
        "activity",
        "membership_number",
        "due_on",
        "calculated_credits",
        "decision",
        "decided_value",
    ]
    list_filter = ["decision", "case__status", "case__due_on"]
    list_select_related = ["activity", "case__registrant"]
    search_fields = ["=case__registrant__membership_number", "=case__registrant__user__email"]
    ordering = ["-decision", "case__due_on", "pk"]  # pending first
    form = DecisionForm
    readonly_fields = [
        "case_link",
        "activity_summary",
        "calculated_credits",
        "reflection",
        "evidence",
        "registrant_note",
        "noted_at",
        "decision_display",
        "credits_before",
        "decided_value",
        "reason",
        "decided_by",
        "decided_at",
    ]
    sampled = (
        "Sampled activity",
        {
            "fields": [
                "case_link",
                "activity_summary",
                "calculated_credits",
                "reflection",
                "evidence",
                "registrant_note",
                "noted_at",
            ]
        },
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("case__registrant__user", "activity__activity_type", "decided_by")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # items are made by a draw

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.is_decided:
            return self.readonly_fields
        return [f for f in self.readonly_fields if f not in ("decided_value", "reason")]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.is_decided:
            decided = [
                "decision_display",
                "credits_before",
                "decided_value",
                "reason",
                "decided_by",
                "decided_at",
            ]
            return [self.sampled, ("Decision", {"fields": decided})]
        return [self.sampled, ("Decision", {"fields": ["verdict", "decided_value", "reason"]})]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.auditor = request.user  # the form refuses an auditor's own record early (R6.4)
        return form

    def save_model(self, request, obj, form, change):
        # The decision goes through the service: the activity's credits, history and the email.
        if obj.is_decided or "verdict" not in form.cleaned_data:
            return
        try:
            services.audit_item_decide(
                item=obj,
                decision=form.cleaned_data["verdict"],
                value=form.cleaned_data.get("decided_value"),
                reason=form.cleaned_data.get("reason") or "",
                decided_by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.message_user(request, "; ".join(messages_), messages.ERROR)

    @admin.display(description="audit case")
    def case_link(self, obj: AuditItem) -> str:
        url = reverse("admin:audit_auditcase_change", args=[obj.case_id])
        return format_html('<a href="{}">{}</a>', url, obj.case)

    @admin.display(description="membership number")
    def membership_number(self, obj: AuditItem) -> str:
        return obj.case.registrant.membership_number

    @admin.display(description="evidence due", ordering="case__due_on")
    def due_on(self, obj: AuditItem):
        return obj.case.due_on

    @admin.display(description="calculated credits")
    def calculated_credits(self, obj: AuditItem):
        return obj.activity.credits

    @admin.display(description="activity")
    def activity_summary(self, obj: AuditItem) -> str:
        a = obj.activity
        url = reverse("admin:cpd_activity_change", args=[a.pk])
        return format_html(
            '<a href="{}">{}</a> ({}, completed {}): {}',
            url,
            a.title,
            a.activity_type,
            f"{a.completed_on:%d %b %Y}",
            a.credits_explanation,
        )

    @admin.display(description="reflective statement")
    def reflection(self, obj: AuditItem) -> str:
        return obj.activity.reflection

    @admin.display(description="evidence")
    def evidence(self, obj: AuditItem) -> str:
        files = obj.activity.evidence.order_by("uploaded_at", "pk")
        return (
            format_html_join(
                mark_safe("<br>"),  # noqa: S308 (a constant)
                '<a href="{}">{}</a>',
                ((reverse("cpd:evidence_download", args=[e.pk]), e.original_name) for e in files),
            )
            or "None"
        )

    @admin.display(description="decision")
    def decision_display(self, obj: AuditItem) -> str:
        return obj.get_decision_display()
