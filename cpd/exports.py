"""Take it away (R8.5): a registrant's CPD record as a PDF, and all their data as JSON.

Both read in a fixed number of queries whatever the number of activities: the activities are
loaded once and grouped by cycle in Python; progress comes from the same selector as the
dashboard (one aggregate query per cycle), so the PDF can't disagree with the portal.
"""

import dataclasses
import functools
import hashlib
import mimetypes
import posixpath
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urlsplit
from uuid import UUID

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from imi_portal.cache import cache_get, cache_set
from register.models import Cycle, Registrant
from register.selectors import cycles_of

from . import rules
from .models import Activity, Objective
from .selectors import activities_for, cycle_progress, objectives_for

# The document's base URL. Relative links in the template ("/static/css/pdf.css") resolve
# against it and the fetcher serves only this origin's static files. ".invalid" is reserved
# (RFC 2606): even if a URL escaped, it could never reach a real host.
PDF_BASE_URL = "https://imi-portal.invalid/"
PDF_STYLESHEET = "css/pdf.css"
DATA_FORMAT = "imi-portal-registrant-data/1"


# --- fetching: the portal's own static files, nothing else ----------------------------------


class FetchRefused(ValueError):
    """The PDF asked for something that isn't one of the portal's static files."""


def _static_prefix() -> str:
    # The path part only: a CDN's STATIC_URL still maps to the same files on disk.
    return urlsplit(settings.STATIC_URL).path


def static_name_for(url: str) -> str | None:
    """'css/pdf.css' for '/static/css/pdf.css' (bare, or on PDF_BASE_URL); None otherwise."""
    parts = urlsplit(url)
    base = urlsplit(PDF_BASE_URL)
    if (parts.scheme, parts.netloc) not in {("", ""), (base.scheme, base.netloc)}:
        return None
    path = unquote(parts.path)
    prefix = _static_prefix()
    if not path.startswith(prefix):
        return None
    name = path.removeprefix(prefix)
    # No way out of the static folders: "css/../../settings.py" and the like are refused.
    if not name or "\x00" in name or "\\" in name or posixpath.normpath(name) != name:
        return None
    if name.startswith(("/", "..")):
        return None
    return name


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, limited to the portal's own static files.

    WeasyPrint 70 wants a `URLFetcher` (its error handling reads `_fail_on_errors` from it) whose
    `fetch(url, headers)` returns a `URLFetcherResponse`; a plain function returning a dict, as
    in older versions, no longer works. Anything but `/static/...` is refused: no network, no
    `file://`, no `data:`. WeasyPrint logs a refusal as a warning and renders without the
    resource.
    """

    def __init__(self) -> None:
        # Deliberately not URLFetcher.__init__: that installs http, https, ftp and file openers
        # (and builds a TLS context for every PDF). With no handlers at all, nothing here can
        # reach out even through OpenerDirector's own methods. WeasyPrint's `fetch` helper reads
        # `_fail_on_errors`: False, so a refusal is logged and the render goes on without it.
        request.OpenerDirector.__init__(self)
        self._timeout = 0
        self._http_headers = {}
        self._allowed_protocols = frozenset()
        self._fail_on_errors = False
        self._request = None

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        name = static_name_for(url)
        if name is None:
            raise FetchRefused(f"Only the portal's static files can be used in a PDF, not {url}")
        found = finders.find(name)
        if not found:
            raise FetchRefused(f"There is no static file {name}")
        path = Path(found)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), headers={"Content-Type": content_type})


# --- reading the record ---------------------------------------------------------------------


def audit_outcome(*, credits: Decimal, audited_credits: Decimal | None) -> str:
    """What the auditor decided, from the value they set (R6.3): there is no audit model yet."""
    if audited_credits is None:
        return ""
    if audited_credits == credits:
        return "Accepted"
    if audited_credits == 0:
        return "Rejected (0)"
    return f"Adjusted to {audited_credits}"


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    audit_outcome: str

    @property
    def adjusted(self) -> bool:
        """The auditor's value differs from the claim: the claim is shown struck through."""
        audited = self.activity.audited_credits
        return audited is not None and audited != self.activity.credits


@dataclass(frozen=True)
class CycleRecord:
    cycle: Cycle
    progress: rules.Progress
    is_current: bool
    rows: list[ActivityRow]

    @property
    def audited_rows(self) -> list[ActivityRow]:
        return [row for row in self.rows if row.audit_outcome or row.activity.in_audit]

    @property
    def reading_over_cap_by(self) -> Decimal:
        return self.progress.reading_credits - self.progress.reading_counted

    @property
    def percent_of_target(self) -> int:
        if not self.cycle.target:
            return 100
        return min(int(self.progress.counted_credits * 100 / self.cycle.target), 100)


def _progress(*, cycle: Cycle, as_of: date) -> rules.Progress:
    # The dashboard's own selector: one aggregate query, so the exports can't disagree with it.
    return cycle_progress(cycle=cycle, as_of=as_of).progress


def _cycles_newest_first(registrant: Registrant) -> list[Cycle]:
    # The open cycle first (R1.5), then each earlier one.
    cycles = list(cycles_of(registrant=registrant))
    return sorted(cycles, key=lambda c: (c.status != Cycle.Status.OPEN, -c.number))


def _cycle_records(
    *, registrant: Registrant, activities: list[Activity], as_of: date
) -> list[CycleRecord]:
    """The cycles, current first, each with its progress and its activities (R3.1)."""
    by_cycle: dict[int, list[ActivityRow]] = {}
    for activity in activities:  # R3.1: each activity counts in the cycle it was filed under
        outcome = audit_outcome(credits=activity.credits, audited_credits=activity.audited_credits)
        by_cycle.setdefault(activity.cycle_id, []).append(ActivityRow(activity, outcome))
    return [
        CycleRecord(
            cycle=cycle,
            progress=_progress(cycle=cycle, as_of=as_of),
            is_current=cycle.status == Cycle.Status.OPEN,
            rows=by_cycle.get(cycle.pk, []),
        )
        for cycle in _cycles_newest_first(registrant)
    ]


def record_context(*, registrant: Registrant, as_of: date) -> dict[str, object]:
    """What the PDF shows: 4 queries plus one per cycle, whatever the number of activities."""
    # The PDF lists no evidence, so skip the selector's evidence prefetch.
    activities = list(activities_for(registrant=registrant).prefetch_related(None))
    user = registrant.user
    return {
        "registrant": registrant,
        "name": user.get_full_name() or user.email,
        "as_of": as_of,
        "cycles": _cycle_records(registrant=registrant, activities=activities, as_of=as_of),
        "objectives": list(objectives_for(registrant=registrant)),
        "stylesheet_href": f"{_static_prefix()}{PDF_STYLESHEET}",
        "reading_guide_per_year": 6,  # R3.3: advice only
        "recommended_pace": rules.RECOMMENDED_PACE_PER_YEAR,  # R3.5
    }


# A rendered record is kept this long, under a key made from its HTML (see record_pdf_bytes).
PDF_CACHE_SECONDS = 24 * 60 * 60


def record_pdf_bytes(*, registrant: Registrant, as_of: date) -> bytes:
    """The registrant's CPD record as an A4 (landscape) PDF (R8.5).

    The HTML takes a few milliseconds; laying it out with WeasyPrint takes about a second
    for 200 activities (docs/benchmarks.md). The PDF is kept in the cache under a digest of
    the HTML, its stylesheet and WeasyPrint's version: the same record on the same day is
    served again without a layout, and any change to it (an activity, an audit, a name, the
    date) makes a new key, so nothing stale is ever served. Only the HTML opens the key: nobody
    reaches a registrant's PDF without the whole record it was made from.
    """
    html = render_to_string(
        "cpd/pdf/record.html", record_context(registrant=registrant, as_of=as_of)
    )
    digest = hashlib.sha256(html.encode())
    digest.update(_stylesheet_version())
    key = f"cpd:record-pdf:{digest.hexdigest()}"
    pdf = cache_get(key)
    if pdf is None:
        document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesFetcher())
        pdf = document.write_pdf()
        cache_set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


@functools.cache
def _stylesheet_version() -> bytes:
    """The stylesheet and the renderer that make the PDF: a deployment changing either makes
    every record's key new."""
    path = finders.find(PDF_STYLESHEET)
    return Path(path).read_bytes() + weasyprint.__version__.encode()


# --- all of a registrant's data as JSON -----------------------------------------------------


def _jsonable(value: object) -> object:
    """Decimals as strings (never floats: "1.10" stays exact), dates in ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def _row(instance: Model, *, exclude: tuple[str, ...] = ()) -> dict[str, object]:
    """Every stored field of a row, so a field added later is exported without a change here."""
    return {
        field.attname: _jsonable(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
        if field.name not in exclude
    }


def _activity_data(activity: Activity) -> dict[str, object]:
    data = _row(activity)
    data.update(
        activity_type={"slug": activity.activity_type.slug, "name": activity.activity_type.name},
        cycle_number=activity.cycle.number,
        objective_title=activity.objective.title if activity.objective else None,
        gateway_course_title=activity.gateway_course.title if activity.gateway_course else None,
        qualification_title=str(activity.qualification) if activity.qualification else None,
        effective_credits=_jsonable(activity.effective_credits),  # R3.2
        audit_outcome=audit_outcome(
            credits=activity.credits, audited_credits=activity.audited_credits
        )
        or None,
        # Metadata only: the files themselves are downloaded one by one from the portal.
        evidence=[
            {
                "id": evidence.pk,
                "original_name": evidence.original_name,
                "content_type": evidence.content_type,
                "extension": evidence.extension,
                "size": evidence.size,
                "uploaded_at": _jsonable(evidence.uploaded_at),
            }
            for evidence in activity.evidence.all()
        ],
    )
    return data


def _objective_data(objective: Objective) -> dict[str, object]:
    data = _row(objective)
    credits = rules.round_credits(objective.credits)  # the database's sum may drop the places
    data.update(activity_count=objective.activity_count, credits=_jsonable(credits))
    return data


HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _history(records, *, user_pk: int) -> list[dict[str, object]]:
    """Every kept version of the registrant's rows (R6.4, R8.4). Who made a change is said as
    "you" or "IMI staff": the export names no other person."""
    versions = []
    for record in records:
        data = _row(record, exclude=("history_user", "history_id", "history_type"))
        by = record.history_user_id
        data["history_type"] = HISTORY_TYPES.get(record.history_type, record.history_type)
        data["changed_by"] = "you" if by == user_pk else ("IMI staff" if by else "the portal")
        versions.append(data)
    return versions


def _history_of(*, registrant: Registrant, user) -> dict[str, list[dict[str, object]]]:
    # One query each, however long the history.
    return {
        "account": _history(
            user.history.order_by("history_date", "history_id"),
            user_pk=user.pk,
        ),
        "registrant": _history(
            registrant.history.order_by("history_date", "history_id"),
            user_pk=user.pk,
        ),
        "cycles": _history(
            Cycle.history.filter(registrant_id=registrant.pk).order_by(
                "history_date", "history_id"
            ),
            user_pk=user.pk,
        ),
        "activities": _history(
            Activity.history.filter(registrant_id=registrant.pk).order_by(
                "history_date", "history_id"
            ),
            user_pk=user.pk,
        ),
    }


def registrant_data(
    *, registrant: Registrant, as_of: date, generated_at: datetime | None = None
) -> dict[str, object]:
    """Everything the portal holds about the registrant, JSON-serialisable (R8.5).

    Ten queries plus one per cycle, whatever the number of activities. Evidence files are
    described, not included.
    """
    user = registrant.user
    activities = list(
        activities_for(registrant=registrant).select_related("gateway_course", "qualification")
    )
    acceptances = registrant.acceptances.select_related("terms").order_by("accepted_at", "pk")
    cycles = sorted(cycles_of(registrant=registrant), key=lambda cycle: cycle.number)
    return {
        "format": DATA_FORMAT,
        "generated_at": _jsonable(generated_at or timezone.now()),
        "as_of": _jsonable(as_of),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _jsonable(user.date_joined),
            "last_login": _jsonable(user.last_login),
        },
        "registrant": _row(registrant, exclude=("user",))
        | {"status_display": registrant.get_status_display()},
        "terms_acceptances": [
            {
                "document": acceptance.terms.get_kind_display(),
                "kind": acceptance.terms.kind,
                "version": acceptance.terms.version,
                "published_on": _jsonable(acceptance.terms.published_on),
                "occasion": acceptance.occasion,
                "accepted_at": _jsonable(acceptance.accepted_at),
            }
            for acceptance in acceptances
        ],
        "cycles": [
            _row(cycle, exclude=("registrant",))
            | {"progress": _jsonable(dataclasses.asdict(_progress(cycle=cycle, as_of=as_of)))}
            for cycle in cycles
        ],
        "activities": [_activity_data(activity) for activity in activities],
        "objectives": [
            _objective_data(objective) for objective in objectives_for(registrant=registrant)
        ],
        "history": _history_of(registrant=registrant, user=user),
    }
