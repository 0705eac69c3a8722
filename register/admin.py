"""The register in the admin, where IMI staff work all day.

Built for hundreds of thousands of registrants: the open cycle's progress is computed in the
database (one LEFT JOIN and one correlated subquery per row shown, no per-row queries), searches
go to an index, there is no full COUNT(*) beyond the paginator's, and writes go through the
services, so the admin can't skip a first cycle (R1.2) or an audit trail (R6.4).
"""

import json
import re
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    DateField,
    DecimalField,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, Lower, Round
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

from cpd.models import Activity
from cpd.selectors import EFFECTIVE_CREDITS
from imi_portal.admin_csv import export_as_csv

from . import removal as removal_services
from . import services, support
from .imports import COLUMNS, registrant_import_csv
from .models import (
    Cycle,
    PostalReminder,
    Registrant,
    Reminder,
    Removal,
    SupportRequest,
    TermsAcceptance,
    TermsVersion,
)
from .reminders import reminders_mark_posted
from .rules import READING_SHARE, round_credits

MANAGE_REGISTER = "accounts.manage_register"
CREDITS = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=CREDITS)


# --- shared by the register's and CPD's admins -----------------------------------------------


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's change history, without its "Revert".

    Reverting saves an old version of the row straight to the table, past the services and
    their audit trail (R6.4); and simple_history accepts that POST from anyone who may merely
    *view* the object. The history stays readable; only the write is refused.
    """

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdminMixin:
    """Rows that only services write (cycles, acceptances, activities): staff look, never edit."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


# Above this many rows, an unfiltered list on PostgreSQL shows the planner's row estimate.
ESTIMATE_ABOVE = 100_000
# Above this many rows by the planner's estimate, a filtered list shows the estimate too.
FILTERED_ESTIMATE_ABOVE = 10_000


class TableCountPaginator(Paginator):
    """Counts an unfiltered list from its table alone, and estimates it once the table is big.

    The paginator's COUNT(*) runs on every page load. Unfiltered, it counts the bare table rather
    than the list's query (whose LEFT JOIN to the open cycle costs more than the count itself),
    and on PostgreSQL above ESTIMATE_ABOVE rows it takes the planner's estimate
    (pg_class.reltuples, kept by ANALYZE) instead of counting millions of rows. A filtered or
    searched list gets its exact count, unless the planner expects more than
    FILTERED_ESTIMATE_ABOVE rows: then its estimate. Only for lists whose joins neither drop nor
    repeat rows: foreign keys, and a registrant's one open cycle (R1.5).
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if queryset.query.where:
            # A filter that keeps most of a big table costs as much to count as no filter
            # (status "current": 98% of the registrants): above FILTERED_ESTIMATE_ABOVE rows the
            # planner's estimate is shown, below it the exact count (docs/benchmarks.md).
            estimate = _planner_rows(queryset)
            if estimate is not None and estimate > FILTERED_ESTIMATE_ABOVE:
                return estimate
            return super().count
        connection = connections[queryset.db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        return queryset.model._base_manager.using(queryset.db).count()


def _planner_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows `queryset` returns (EXPLAIN, nothing is run)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


MEMBERSHIP_NUMBER = re.compile(r"PR\d+", re.IGNORECASE)
FULL_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def filter_by_registrant(queryset: QuerySet, term: str, *, path: str = "") -> QuerySet | None:
    """`queryset` narrowed to the registrant a search term names, or None if it names none.

    `path` leads from the queryset's model to the registrant ("registrant__" for activities).
    Each branch is an index lookup, not a scan: a membership number or its start
    (membership_number's index and Django's `_like` index on PostgreSQL), just the digits
    (exact), or a whole email address (LOWER(email), which accounts_user_email_ci_unique
    indexes). Part of an address is matched as a prefix.
    """
    if MEMBERSHIP_NUMBER.fullmatch(term):
        return queryset.filter(**{f"{path}membership_number__startswith": term.upper()})
    if term.isdigit():
        number = services.membership_number_for(int(term))
        return queryset.filter(**{f"{path}membership_number": number})
    if "@" in term:
        queryset = queryset.alias(_search_email=Lower(f"{path}user__email"))
        if FULL_EMAIL.fullmatch(term):
            return queryset.filter(_search_email=term.lower())
        return queryset.filter(_search_email__startswith=term.lower())
    return None


# --- progress of the open cycle, in SQL -------------------------------------------------------


class DaysBetween(Func):
    """Days from `start` to `end` in SQL, on PostgreSQL and SQLite."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date - date is a whole number of days.
        extra_context.setdefault("template", "(%(expressions)s)")
        extra_context.setdefault("arg_joiner", " - ")
        return super().as_sql(compiler, connection, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # A REAL (813.0), which also keeps target × days / days from being integer division.
        return super().as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def registrants_with_progress(
    queryset: QuerySet[Registrant], *, as_of: date
) -> QuerySet[Registrant]:
    """Registrants with their open cycle's progress on `as_of`, computed by the database.

    Adds `cycle_end`, `cycle_target`, `counted_credits` and `expected_credits` (None/0 without an
    open cycle). The same arithmetic as `cpd.rules.cycle_progress`: credits are the auditor's
    value when set (R3.2), reading counts up to 20% of the target (R3.3), and the expected
    credits are the target times the elapsed days over the cycle's days, to two places (R3.5).
    """
    activities = (
        Activity.objects.filter(cycle_id=OuterRef("cycle_pk"))
        .order_by()
        .values("cycle_id")
        .annotate(
            counted=Least(
                Coalesce(Sum(EFFECTIVE_CREDITS, filter=Q(activity_type__is_reading=True)), ZERO),
                # R3.3: 20% of the target. Every row of the group has the same cycle; Max() takes
                # its target without putting an outer reference in the GROUP BY.
                Round(Max("cycle__target") * Value(READING_SHARE), 2, output_field=CREDITS),
            )
            + Coalesce(Sum(EFFECTIVE_CREDITS, filter=Q(activity_type__is_reading=False)), ZERO)
        )
        .values("counted")
    )
    total_days = Greatest(DaysBetween(F("cycle_end"), F("cycle_start")), Value(1))
    today = Value(as_of, output_field=DateField())
    elapsed = Least(Greatest(DaysBetween(today, F("cycle_start")), Value(0)), total_days)
    return (
        queryset.alias(
            open_cycle=FilteredRelation("cycles", condition=Q(cycles__status=Cycle.Status.OPEN))
        )
        .alias(cycle_pk=F("open_cycle__id"), cycle_start=F("open_cycle__start"))
        .annotate(cycle_end=F("open_cycle__end"), cycle_target=F("open_cycle__target"))
        .annotate(
            # Rounded so that SQLite's floats compare like PostgreSQL's decimals.
            counted_credits=Round(
                Coalesce(Subquery(activities, output_field=CREDITS), ZERO), 2, output_field=CREDITS
            ),
            expected_credits=Round(
                F("cycle_target") * elapsed / total_days, 2, output_field=CREDITS
            ),
        )
    )


# --- filters ----------------------------------------------------------------------------------


class JoinedYearFilter(admin.SimpleListFilter):
    title = "year joined"
    parameter_name = "joined_year"

    def lookups(self, request, model_admin):
        first = Registrant.objects.aggregate(first=Min("joined_on"))["first"]
        this_year = timezone.localdate().year
        if first is None:
            return []
        return [(str(year), str(year)) for year in range(this_year, first.year - 1, -1)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if not self.value().isdigit():
            raise IncorrectLookupParameters
        return queryset.filter(joined_on__year=int(self.value()))  # a BETWEEN, no function


class CycleEndingFilter(admin.SimpleListFilter):
    title = "open cycle ends"
    parameter_name = "cycle_ends"

    def lookups(self, request, model_admin):
        return [
            ("month", "This month"),
            ("6months", "In the next 6 months"),
            ("passed", "Already passed, still open"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "month":
            first = today.replace(day=1)
            return queryset.filter(
                cycle_end__gte=first, cycle_end__lt=first + relativedelta(months=1)
            )
        if self.value() == "6months":
            return queryset.filter(
                cycle_end__gte=today, cycle_end__lte=today + relativedelta(months=6)
            )
        if self.value() == "passed":
            return queryset.filter(cycle_end__lt=today)  # R8.1: waiting for the end-of-cycle run
        return queryset


class OnTrackFilter(admin.SimpleListFilter):
    """R3.5. Computes every open cycle's credits to decide, so it is the slowest filter here."""

    title = "on track"
    parameter_name = "on_track"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(
                cycle_end__isnull=False, counted_credits__gte=F("expected_credits")
            )
        if self.value() == "no":
            return queryset.filter(
                cycle_end__isnull=False, counted_credits__lt=F("expected_credits")
            )
        return queryset


# --- registrants ------------------------------------------------------------------------------


class CycleInline(ReadOnlyInline):
    model = Cycle
    fields = ["number", "start", "end", "scheduled_end", "target", "status"]
    ordering = ["-number"]


class TermsAcceptanceInline(ReadOnlyInline):
    model = TermsAcceptance
    fields = ["terms", "occasion", "accepted_at"]

    def get_queryset(self, request):
        # Each row's title is its __str__, which names the registrant.
        return super().get_queryset(request).select_related("terms", "registrant__user")


class RegistrantAddForm(forms.Form):
    """Staff put someone on the register; `registrant_add_by_staff` makes the first cycle."""

    email = forms.EmailField(max_length=254)
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    joined_on = forms.DateField(
        label="Joined the register on",
        widget=AdminDateWidget,
        help_text="May be in the past for someone already on the register; not in the future. "
        "The first CPD cycle and its target follow from this date.",  # R1.2, R1.3
    )


class RegistrantImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with the header " + ",".join(COLUMNS) + "; dates as YYYY-MM-DD.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


@admin.register(Registrant)
class RegistrantAdmin(HistoryAdmin):
    list_display = [
        "membership_number",
        "name",
        "email",
        "joined_on",
        "status",
        "cycle_ends",
        "target",
        "counted_credits",
        "credits_needed",
        "on_track",
    ]
    list_select_related = ["user"]
    list_filter = ["status", JoinedYearFilter, CycleEndingFilter, OnTrackFilter]
    # Routed by get_search_results to an index per kind of term; listed for the search box.
    search_fields = ["=membership_number", "=user__email", "^user__last_name"]
    search_help_text = (
        "A membership number (PR000123, its start, or just 123), an email address, or the start "
        "of a last name."
    )
    show_full_result_count = False
    paginator = TableCountPaginator
    actions = [export_as_csv]
    inlines = [CycleInline, TermsAcceptanceInline]
    change_list_template = "admin/register/registrant/change_list.html"
    fieldsets = [
        (None, {"fields": ["membership_number", "name", "email", "joined_on", "status"]}),
        (
            "Open CPD cycle",
            {"fields": ["cycle_ends", "target", "counted_credits", "credits_needed", "on_track"]},
        ),
        (
            "Contact details",  # R8.4: every change kept in the history
            {
                "fields": [
                    "phone",
                    "address",
                    "postcode",
                    "employer",
                    "job_title",
                    "contact_by_post",  # R5.5
                ]
            },
        ),
    ]
    # Status changes (removal, R8.2) go through their own services with a reason.
    readonly_fields = list_display

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registrant]:
        return registrants_with_progress(super().get_queryset(request), as_of=timezone.localdate())

    def get_search_results(self, request, queryset, search_term):
        for term in search_term.split():
            narrowed = filter_by_registrant(queryset, term)
            queryset = (
                narrowed
                if narrowed is not None
                else queryset.filter(user__last_name__istartswith=term)
            )
        return queryset, False

    # --- columns: plain values from the row, so the CSV export shows the same -----------------

    @admin.display(description="name", ordering="user__last_name")
    def name(self, obj: Registrant) -> str:
        return obj.user.get_full_name()

    @admin.display(description="email", ordering="user__email")
    def email(self, obj: Registrant) -> str:
        return obj.user.email

    @admin.display(description="cycle ends", ordering="cycle_end")
    def cycle_ends(self, obj: Registrant) -> date | None:
        return obj.cycle_end

    @admin.display(description="target")
    def target(self, obj: Registrant) -> Decimal | None:
        return obj.cycle_target

    @admin.display(description="counted credits")  # reading capped, R3.3
    def counted_credits(self, obj: Registrant) -> Decimal | None:
        if obj.cycle_end is None:
            return None
        # Two places whatever the database returns (SQLite hands back 50 for 50.00).
        return round_credits(obj.counted_credits)

    @admin.display(description="credits needed")
    def credits_needed(self, obj: Registrant) -> Decimal | None:
        if obj.cycle_end is None:
            return None
        return max(round_credits(obj.cycle_target - obj.counted_credits), Decimal("0.00"))

    @admin.display(description="on track", boolean=True)  # R3.5
    def on_track(self, obj: Registrant) -> bool | None:
        if obj.cycle_end is None:
            return None
        return obj.counted_credits >= obj.expected_credits

    # --- permissions ---------------------------------------------------------------------------

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_REGISTER)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_REGISTER)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # R8.2: registrants are removed, with a reason, never deleted

    # --- writes go through the services --------------------------------------------------------

    def save_model(self, request, obj, form, change):
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:
            obj._history_user = request.user
            services.registrant_update_contact(registrant=obj, **changed)

    def add_view(self, request, form_url="", extra_context=None):
        """Add one person through `registrant_add_by_staff`, never a bare model save."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RegistrantAddForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                registrant = services.registrant_add_by_staff(
                    **form.cleaned_data, today=timezone.localdate()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, registrant, [{"added": {}}])
                return self.response_add(request, registrant)
        admin_form = helpers.AdminForm(
            form, [(None, {"fields": list(form.fields)})], {}, model_admin=self
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Add registrant",
            "subtitle": None,
            "adminform": admin_form,
            "object_id": None,
            "original": None,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=True, form_url=form_url)

    def get_urls(self):
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="register_registrant_import",
            )
        ]
        return custom + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {"can_import": self.has_import_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload the existing register as CSV: all rows checked, then everyone or no one."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = (
            RegistrantImportForm(request.POST, request.FILES)
            if request.method == "POST"
            else RegistrantImportForm()
        )
        result = None
        if request.method == "POST" and form.is_valid():
            result = registrant_import_csv(
                file=form.cleaned_data["file"], today=timezone.localdate()
            )
            if result.ok:
                self.message_user(
                    request,
                    f"Imported {result.added} registrant{'s' if result.added != 1 else ''}, "
                    "each with their first CPD cycle.",
                    messages.SUCCESS,
                )
                return redirect("admin:register_registrant_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import registrants from CSV",
            "opts": self.opts,
            "form": form,
            "result": result,
            "columns": COLUMNS,
            "changelist_url": reverse("admin:register_registrant_changelist"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/register/registrant/import.html", context)


# --- cycles and terms -------------------------------------------------------------------------


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Cycles are opened, extended and closed by services (R1, R7, R8.1): read-only here."""

    list_display = [
        "registrant_number",
        "registrant_name",
        "number",
        "start",
        "end",
        "target",
        "status",
    ]
    list_select_related = ["registrant__user"]
    list_filter = ["status"]
    search_fields = ["=registrant__membership_number", "=registrant__user__email"]
    search_help_text = "A membership number or an email address."
    show_full_result_count = False
    paginator = TableCountPaginator
    # The (registrant, number) unique index serves this; the model's "registrant" ordering
    # would sort on the registrant's membership number through a join.
    ordering = ["registrant_id", "number"]

    def get_search_results(self, request, queryset, search_term):
        for term in search_term.split():
            narrowed = filter_by_registrant(queryset, term, path="registrant__")
            queryset = narrowed if narrowed is not None else queryset.none()
        return queryset, False

    @admin.display(description="membership number", ordering="registrant_id")
    def registrant_number(self, obj: Cycle) -> str:
        return obj.registrant.membership_number

    @admin.display(description="name")
    def registrant_name(self, obj: Cycle) -> str:
        return obj.registrant.user.get_full_name()


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):
    """Staff publish new versions; a published version is never edited (acceptances cite it)."""

    list_display = ["kind", "version", "published_on"]
    list_filter = ["kind"]
    fields = ["kind", "version", "published_on", "body"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["registrant_number", "terms", "occasion", "accepted_at"]
    list_select_related = ["registrant", "terms"]
    list_filter = ["occasion", "terms__kind"]
    search_fields = ["=registrant__membership_number", "=registrant__user__email"]
    search_help_text = "A membership number or an email address."
    show_full_result_count = False
    paginator = TableCountPaginator
    ordering = ["-pk"]  # newest first, on the primary key's index

    def get_search_results(self, request, queryset, search_term):
        for term in search_term.split():
            narrowed = filter_by_registrant(queryset, term, path="registrant__")
            queryset = narrowed if narrowed is not None else queryset.none()
        return queryset, False

    @admin.display(description="membership number", ordering="registrant_id")
    def registrant_number(self, obj: TermsAcceptance) -> str:
        return obj.registrant.membership_number


class RegistrantColumnsMixin:
    """Columns about the registrant a row is for, read through list_select_related."""

    registrant_path = "registrant"  # dotted: "cycle.registrant" for reminders

    def _registrant(self, obj) -> Registrant:
        for part in self.registrant_path.split("."):
            obj = getattr(obj, part)
        return obj

    @admin.display(description="membership number")
    def membership_number(self, obj) -> str:
        return self._registrant(obj).membership_number

    @admin.display(description="name")
    def name(self, obj) -> str:
        return self._registrant(obj).user.get_full_name()


@admin.register(Reminder)
class ReminderAdmin(RegistrantColumnsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every reminder: to whom, for which due date, when, and its status (R5)."""

    registrant_path = "cycle.registrant"
    list_select_related = ["cycle__registrant__user"]

    list_display = [
        "membership_number",
        "name",
        "due_on",
        "phase",
        "channel",
        "status",
        "sent_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["status", "phase", "channel", "due_on"]
    search_fields = ["=cycle__registrant__membership_number", "=cycle__registrant__user__email"]
    show_full_result_count = False
    paginator = TableCountPaginator
    actions = ["send_again", export_as_csv]

    @admin.action(description="Send the selected failed reminders again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        from .tasks import send_reminder

        ids = list(
            queryset.filter(
                status=Reminder.Status.FAILED, channel=Reminder.Channel.EMAIL
            ).values_list("pk", flat=True)
        )
        for reminder_id in ids:
            send_reminder.delay(reminder_id)
        self.message_user(request, f"Queued {len(ids)} failed reminder(s) to be sent again.")


@admin.register(PostalReminder)
class PostalReminderAdmin(RegistrantColumnsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Registrants without email: the reminders staff post, with their addresses (R5.5)."""

    registrant_path = "cycle.registrant"
    list_select_related = ["cycle__registrant__user"]

    list_display = ["membership_number", "name", "address", "postcode", "due_on", "progress"]
    list_filter = ["due_on"]
    ordering = ["due_on", "pk"]
    actions = ["mark_posted", export_as_csv]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reminder]:
        return super().get_queryset(request).filter(status=Reminder.Status.POSTAL_DUE)

    @admin.display(description="address")
    def address(self, obj: Reminder) -> str:
        return obj.cycle.registrant.address

    @admin.display(description="postcode")
    def postcode(self, obj: Reminder) -> str:
        return obj.cycle.registrant.postcode

    @admin.display(description="progress")
    def progress(self, obj: Reminder) -> str:
        figures = obj.figures
        counted, target = figures.get("counted_credits"), figures.get("target")
        return f"{counted} of {target} credits, {figures.get('days_left')} days left"

    @admin.action(description="Mark the selected reminders as posted")
    def mark_posted(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        count = reminders_mark_posted(reminders=queryset, user=request.user)
        self.message_user(request, f"Marked {count} reminder(s) as posted.", messages.SUCCESS)


class SupportDecisionForm(forms.ModelForm):
    """Staff decide a support or grace request (R7): agree or decline, with a note."""

    decision = forms.ChoiceField(
        choices=[("agreed", "Agree"), ("declined", "Decline")], widget=forms.RadioSelect
    )

    class Meta:
        model = SupportRequest
        fields = ["decision", "decision_note", "adjusted_target", "new_end"]
        widgets = {"new_end": AdminDateWidget}
        help_texts = {
            "adjusted_target": "Support only: the cycle's new target, if it changes.",
            "new_end": "Support only: the cycle's new last day, if it is extended. An agreed "
            "grace period always moves the end three months later.",
        }

    def clean(self):
        # Errors on their fields before anything is saved; the service checks again.
        data = super().clean()
        if not (data.get("decision_note") or "").strip():
            self.add_error("decision_note", "Write a note for the registrant.")
        support_agreed = (
            data.get("decision") == "agreed"
            and self.instance.kind == SupportRequest.Kind.CIRCUMSTANCES
        )
        if support_agreed and not data.get("adjusted_target") and not data.get("new_end"):
            self.add_error(None, "Agreeing support needs an adjusted target or a new end date.")
        if support_agreed and data.get("new_end") and data["new_end"] <= self.instance.cycle.end:
            self.add_error("new_end", "The new end must be after the current end.")
        return data


@admin.register(SupportRequest)
class SupportRequestAdmin(RegistrantColumnsMixin, HistoryAdmin):
    list_display = [
        "membership_number",
        "name",
        "kind",
        "category",
        "requested_on",
        "late_notice",
        "cycle_end",
        "status",
    ]
    list_filter = ["status", "kind", "late_notice", "category"]
    list_select_related = ["registrant__user", "cycle"]
    search_fields = ["=registrant__membership_number", "=registrant__user__email"]
    ordering = ["-status", "requested_on"]  # awaiting a decision first, oldest first
    form = SupportDecisionForm
    readonly_fields = [
        "registrant",
        "kind",
        "category",
        "explanation",
        "action_plan",
        "requested_on",
        "late_notice",
        "cycle_end",
        "status",
        "decided_by",
        "decided_at",
    ]
    fieldsets = [
        (
            "The request",
            {
                "fields": [
                    "registrant",
                    "kind",
                    "category",
                    "requested_on",
                    "late_notice",
                    "cycle_end",
                    "explanation",
                    "action_plan",
                ]
            },
        ),
        ("Decision", {"fields": ["decision", "decision_note", "adjusted_target", "new_end"]}),
    ]
    actions = [export_as_csv]

    @admin.display(description="cycle ends")
    def cycle_end(self, obj: SupportRequest):
        return obj.cycle.end

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # registrants ask, in the portal

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != SupportRequest.Status.PENDING:
            return [*self.readonly_fields, "decision_note", "adjusted_target", "new_end"]
        return self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.status != SupportRequest.Status.PENDING:
            decided = [
                "status",
                "decided_by",
                "decided_at",
                "decision_note",
                "adjusted_target",
                "new_end",
            ]
            return [self.fieldsets[0], ("Decision", {"fields": decided})]
        return self.fieldsets

    def save_model(self, request, obj, form, change):
        # The decision goes through the service: dates, reminders, history and the email.
        if obj.status != SupportRequest.Status.PENDING:
            return
        try:
            support.request_decide(
                request=obj,
                agreed=form.cleaned_data["decision"] == "agreed",
                note=form.cleaned_data["decision_note"],
                decided_by=request.user,
                adjusted_target=form.cleaned_data.get("adjusted_target"),
                new_end=form.cleaned_data.get("new_end"),
            )
        except ValidationError as error:
            # Reported on the page; nothing was saved (the service's transaction rolled back).
            self.message_user(request, "; ".join(error.messages), messages.ERROR)


class RemovalForm(forms.ModelForm):
    """Remove a registrant (R8.2), or decide their appeal."""

    decision = forms.ChoiceField(
        choices=[("upheld", "Uphold: reinstate on the register"), ("dismissed", "Dismiss")],
        widget=forms.RadioSelect,
        required=False,
    )

    class Meta:
        model = Removal
        fields = ["registrant", "reason", "details", "decision", "appeal_note"]

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.appeal == Removal.Appeal.PENDING:
            if not data.get("decision"):
                self.add_error("decision", "Uphold or dismiss the appeal.")
            if not (data.get("appeal_note") or "").strip():
                self.add_error("appeal_note", "Write a note for the registrant.")
        return data


@admin.register(Removal)
class RemovalAdmin(RegistrantColumnsMixin, HistoryAdmin):
    """Removals and appeals (R8.2): register officers remove with a reason and decide appeals."""

    form = RemovalForm
    list_display = ["membership_number", "name", "reason", "removed_on", "appeal_by", "appeal"]
    list_filter = ["appeal", "reason"]
    list_select_related = ["registrant__user"]
    search_fields = ["=registrant__membership_number", "=registrant__user__email"]
    autocomplete_fields = ["registrant"]
    ordering = ["-removed_on"]
    actions = [export_as_csv]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["registrant", "reason", "details"]
        fields = [
            "registrant",
            "reason",
            "details",
            "removed_on",
            "removed_by",
            "appeal_by",
            "appeal",
            "appeal_statement",
            "appealed_on",
        ]
        if obj.appeal == Removal.Appeal.PENDING:
            return [*fields, "decision", "appeal_note"]
        return [*fields, "appeal_note", "appeal_decided_by", "appeal_decided_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = [
            "registrant",
            "reason",
            "details",
            "removed_on",
            "removed_by",
            "appeal_by",
            "appeal",
            "appeal_statement",
            "appealed_on",
            "appeal_decided_by",
            "appeal_decided_at",
        ]
        return readonly if obj.appeal == Removal.Appeal.PENDING else [*readonly, "appeal_note"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        # Both go through services: status, history, the 28-day window and the emails.
        if not change:
            removal = removal_services.registrant_remove(
                registrant=form.cleaned_data["registrant"],
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                removed_by=request.user,
                today=timezone.localdate(),
            )
            obj.pk = removal.pk
            obj.refresh_from_db()  # the admin's messages and log show what the service saved
        elif form.cleaned_data.get("decision"):
            removal_services.appeal_decide(
                removal=obj,
                uphold=form.cleaned_data["decision"] == "upheld",
                note=form.cleaned_data["appeal_note"],
                decided_by=request.user,
            )
