"""CPD in the admin: millions of activities and their evidence, and the catalogues staff keep.

Activities, evidence and objectives are the registrants' own records, written by the CPD services
and the audit (credits, R2; auditor's values, R6.3): staff read them here, with their history,
and never edit them past those services (R6.4).
"""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from imi_portal.admin_csv import export_as_csv
from register.admin import (
    HistoryAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    TableCountPaginator,
    filter_by_registrant,
)

from .models import (
    Activity,
    ActivityType,
    Evidence,
    GatewayCourse,
    Objective,
    Qualification,
    QualificationUnit,
)


def evidence_download_link(evidence: Evidence) -> str:
    """A link to the private download view (R4.4: owner and staff only), once it is wired."""
    try:
        url = reverse("cpd:evidence_download", kwargs={"pk": evidence.pk})
    except NoReverseMatch:
        return "–"
    return format_html('<a href="{}">Download {}</a>', url, evidence.original_name)


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["original_name", "content_type", "file_size", "uploaded_at", "download"]
    readonly_fields = fields

    @admin.display(description="size")
    def file_size(self, obj: Evidence) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="file")
    def download(self, obj: Evidence) -> str:
        return evidence_download_link(obj)


class RegistrantOrTitleSearchMixin:
    """Search by a registrant (membership number, email, last name) or else by title, each
    through an index (register.admin.filter_by_registrant); shows the membership number."""

    def get_search_results(self, request, queryset, search_term):
        for term in search_term.split():
            narrowed = filter_by_registrant(queryset, term, path="registrant__")
            queryset = narrowed if narrowed is not None else queryset.filter(title__icontains=term)
        return queryset, False

    @admin.display(description="registrant", ordering="registrant_id")
    def registrant_number(self, obj) -> str:
        return obj.registrant.membership_number


@admin.register(Activity)
class ActivityAdmin(RegistrantOrTitleSearchMixin, ReadOnlyAdminMixin, HistoryAdmin):
    list_display = [
        "title",
        "registrant_number",
        "activity_type",
        "principle",
        "credits",
        "audited_credits",
        "assessed",
        "completed_on",
        "in_audit",
    ]
    list_select_related = ["registrant", "activity_type"]
    # A list filter on the completion date, not a date hierarchy: the hierarchy's year and month
    # links each need a scan of the table.
    list_filter = ["principle", "assessed", "activity_type", "in_audit", "completed_on"]
    search_fields = ["=registrant__membership_number", "=registrant__user__email", "title"]
    search_help_text = (
        "A membership number (PR000123, its start, or just 123), an email address, or words "
        "of the title."
    )
    show_full_result_count = False
    paginator = TableCountPaginator
    # Newest recorded first, straight from the primary key's index; sorting millions of rows by
    # completion date needs an index on it (see the column header).
    ordering = ["-pk"]
    raw_id_fields = ["registrant", "cycle", "objective", "gateway_course", "qualification"]
    inlines = [EvidenceInline]
    actions = [export_as_csv]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "original_name",
        "activity",
        "registrant_number",
        "content_type",
        "file_size",
        "uploaded_at",
    ]
    list_select_related = ["activity__registrant"]
    list_filter = ["content_type"]
    search_fields = ["=activity__registrant__membership_number", "original_name"]
    search_help_text = "A membership number, an email address, or part of the file's name."
    show_full_result_count = False
    paginator = TableCountPaginator
    ordering = ["-pk"]
    # The file field itself is left out: its URL would point past the access check (R4.4).
    fields = [
        "activity",
        "original_name",
        "content_type",
        "extension",
        "file_size",
        "uploaded_at",
        "uploaded_by",
        "download",
    ]
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        for term in search_term.split():
            narrowed = filter_by_registrant(queryset, term, path="activity__registrant__")
            queryset = (
                narrowed if narrowed is not None else queryset.filter(original_name__icontains=term)
            )
        return queryset, False

    @admin.display(description="registrant", ordering="activity__registrant_id")
    def registrant_number(self, obj: Evidence) -> str:
        return obj.activity.registrant.membership_number

    @admin.display(description="size", ordering="size")
    def file_size(self, obj: Evidence) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="file")
    def download(self, obj: Evidence) -> str:
        return evidence_download_link(obj)


@admin.register(Objective)
class ObjectiveAdmin(RegistrantOrTitleSearchMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A registrant's own development plan (R4.1): staff may look, the registrant writes it."""

    list_display = ["title", "registrant_number", "status", "target_date", "updated_at"]
    list_select_related = ["registrant"]
    list_filter = ["status"]
    search_fields = ["=registrant__membership_number", "=registrant__user__email", "title"]
    search_help_text = "A membership number, an email address, or words of the title."
    show_full_result_count = False
    ordering = ["-pk"]


@admin.register(GatewayCourse)
class GatewayCourseAdmin(admin.ModelAdmin):
    """The CPD Gateway catalogue (R2.2). Retire a course by unticking "active": activities that
    used it keep pointing at it."""

    list_display = ["title", "provider", "code", "credits", "assessed", "active"]
    list_editable = ["active"]
    list_filter = ["active", "assessed"]
    search_fields = ["title", "provider", "code"]
    actions = [export_as_csv]


class QualificationUnitInline(admin.TabularInline):
    model = QualificationUnit
    extra = 0
    fields = ["code", "title", "level", "credit_value", "guided_learning_hours", "mandatory"]


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    """The qualifications catalogue (R10.1), logged as CPD at credit value × 10 (R10.2)."""

    list_display = ["accreditation_number", "title", "level", "credit_value", "active"]
    list_filter = ["active", "level"]
    search_fields = ["accreditation_number", "title"]
    inlines = [QualificationUnitInline]


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    """The seed 001 listing (R2.9), made by a data migration. What the rules depend on (reading,
    R3.3; qualification, R2.8; "other" needs a description) can't be changed here."""

    list_display = [
        "name",
        "group",
        "slug",
        "is_reading",
        "is_qualification",
        "needs_description",
        "position",
    ]
    list_filter = ["group", "is_reading", "is_qualification"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug", "is_reading", "is_qualification", "needs_description"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
