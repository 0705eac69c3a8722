"""Take it away (R8.5): the CPD record as a PDF and all of a registrant's data as JSON."""

import datetime
import json
import shutil
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML

from cpd.exports import (
    PDF_BASE_URL,
    FetchRefused,
    StaticFilesFetcher,
    audit_outcome,
    record_pdf_bytes,
    registrant_data,
)
from cpd.models import Activity
from cpd.services import evidence_add, objective_save
from register.models import Cycle, Registrant
from register.selectors import current_terms
from register.services import registrant_join_accepting_current_terms
from tests.accounts.factories import UserFactory
from tests.cpd.factories import TODAY, GatewayCourseFactory, make_activity
from tests.helpers import force_update
from tests.register.factories import make_registrant

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"
PDF_HEADER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True, text=True)
    # A table cell's text may wrap; reading order keeps its lines together.
    return " ".join(result.stdout.split())


def fresh(registrant: Registrant) -> Registrant:
    # As the views see it: loaded from its user, nothing cached on the instance.
    return Registrant.objects.get(pk=registrant.pk)


def clone_activities(activity: Activity, count: int) -> None:
    """`count` more activities like `activity` (bulk: 200 through the service would be slow)."""
    copies = []
    for number in range(count):
        copy = Activity.objects.get(pk=activity.pk)
        copy.pk = None
        copy.title = f"Bulk seminar {number:03d}"
        copy.completed_on = activity.completed_on - datetime.timedelta(
            days=number % 380
        )  # within the cycle
        copies.append(copy)
    Activity.objects.bulk_create(copies)


def two_cycle_record() -> Registrant:
    """A registrant in their second cycle: about 30 activities, reading over the cap in the
    current cycle, one adjusted, one accepted and one rejected by an auditor, two objectives."""
    registrant = make_registrant(joined_on=datetime.date(2022, 5, 10))
    registrant.user.first_name, registrant.user.last_name = "Priya", "Sharma-Lewis"
    registrant.user.save()
    first = registrant.cycles.get()
    first.status = Cycle.Status.MET
    first.save()
    Cycle.objects.create(
        registrant=registrant,
        number=2,
        start=datetime.date(2025, 4, 1),
        end=datetime.date(2028, 3, 31),
        scheduled_end=datetime.date(2028, 3, 31),
        target=Decimal("90"),
        target_reason="Your new cycle runs for three full membership years, from 1 April 2025 "
        "to 31 March 2028, and its target is 90.00 credits.",
    )
    ev = objective_save(
        registrant=registrant,
        objective=None,
        title="Become EV qualified (Level 3)",
        description="Work safely on high-voltage electric and hybrid vehicles.",
        measure="IMI Level 3 award passed; first HV jobs signed off by the workshop manager.",
        agreed_with="Workshop manager",
        relevance="Half of our service bookings are hybrids.",
        target_date=datetime.date(2027, 6, 30),
    )
    objective_save(
        registrant=registrant,
        objective=None,
        title="Improve customer handover",
        description="Explain completed work clearly at handover.",
        measure="Fewer comebacks in the customer survey.",
        target_date=datetime.date(2026, 3, 31),
    )
    course = GatewayCourseFactory(title="ADAS calibration", credits=Decimal("10"), assessed=True)
    made = []
    for month in range(12):  # the first cycle: a seminar every quarter-ish, some with impact
        made.append(
            make_activity(
                registrant,
                title=f"Diagnostics seminar {month + 1}",
                completed_on=datetime.date(2022, 6, 1) + datetime.timedelta(days=75 * month),
                impact_behaviour=month % 3 == 0,
                behaviour_statement="I now check the freeze-frame data first.",
                impact_working_practice=month % 4 == 0,
                working_practice_statement="New diagnostic checklist adopted by the team.",
                end_test=month % 2 == 0,
                objective=ev if month % 2 else None,
            )
        )
    made.append(  # enough for the first cycle's target to have been met
        make_activity(
            registrant,
            title="Level 3 Award in Light Vehicle Diagnostics",
            principle="shared",
            hours=None,
            activity_type="vrq",
            qualification_credit_value=5,
            completed_on=datetime.date(2024, 11, 15),
        )
    )
    for number in range(6):  # R3.3: 6 x 4.5 = 27 reading credits, over the cap of 18
        made.append(
            make_activity(
                registrant,
                title=f"Reading: Autotechnician article on battery management part {number + 1}",
                activity_type="reading",
                hours=Decimal("2.5"),
                impact_behaviour=True,
                behaviour_statement="Safer isolation routine.",
                completed_on=datetime.date(2025, 5, 1) + datetime.timedelta(days=40 * number),
            )
        )
    made.append(
        make_activity(
            registrant,
            title="ADAS calibration (CPD Gateway)",
            principle="shared",
            hours=None,
            gateway_course=course,
            activity_type="vehicle-manufacturer-course",
            impact_working_practice=True,
            working_practice_statement="We now calibrate in-house after windscreen jobs.",
            completed_on=datetime.date(2025, 9, 12),
            objective=ev,
        )
    )
    made.append(
        make_activity(
            registrant,
            title="Level 3 Award in Hybrid Electric Vehicle Repair and Replacement",
            principle="shared",
            hours=None,
            activity_type="vrq",
            qualification_credit_value=4,
            completed_on=datetime.date(2026, 2, 20),
            objective=ev,
        )
    )
    for number in range(8):
        made.append(
            make_activity(
                registrant,
                title=f"Toolbox talk {number + 1}: safe working on high-voltage systems",
                activity_type="briefing",
                hours=Decimal("0.75"),
                completed_on=datetime.date(2025, 4, 20) + datetime.timedelta(days=55 * number),
            )
        )
    made.append(
        make_activity(
            registrant,
            title="Other: mentoring an apprentice",
            activity_type="other",
            type_description="Mentoring a first-year apprentice weekly",
            hours=Decimal("6"),
            completed_on=datetime.date(2026, 10, 2),
        )
    )
    # R6.3 outcomes, set directly while there is no audit model.
    force_update(
        Activity.objects.filter(pk=made[0].pk), audited_credits=Decimal("5.00")
    )  # adjusted
    force_update(
        Activity.objects.filter(pk=made[2].pk), audited_credits=made[2].credits
    )  # accepted
    force_update(Activity.objects.filter(pk=made[13].pk), audited_credits=Decimal("0"))  # rejected
    return fresh(registrant)


# --- the audit outcome ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audited", "expected"),
    [
        (None, ""),
        (Decimal("3.50"), "Accepted"),
        (Decimal("0.00"), "Rejected (0)"),
        (Decimal("1.50"), "Adjusted to 1.50"),
        (Decimal("5.00"), "Adjusted to 5.00"),
    ],
)
def test_the_audit_outcome_follows_from_the_auditors_value(audited, expected):
    assert audit_outcome(credits=Decimal("3.50"), audited_credits=audited) == expected


# --- the url fetcher ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/static/css/portal.css",
        "https://example.com/static/css/portal.css",
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/static/css/portal.css",
        "data:text/css,body{}",
        "https://imi-portal.invalid/media/evidence/1.pdf",  # private files are never served
        "https://imi-portal.invalid/static/../imi_portal/settings/base.py",
        "/static/css/../../imi_portal/settings/base.py",
        "/static/%2e%2e/imi_portal/settings/base.py",
        "//example.com/static/css/portal.css",
    ],
)
def test_the_fetcher_refuses_anything_but_the_portals_static_files(url):
    with pytest.raises(FetchRefused):
        StaticFilesFetcher().fetch(url)


@pytest.mark.parametrize(
    "url", ["/static/css/portal.css", "https://imi-portal.invalid/static/css/portal.css"]
)
def test_the_fetcher_serves_the_portals_static_files(url):
    response = StaticFilesFetcher()(url)
    assert response.content_type == "text/css"
    assert response.read() == Path(finders.find("css/portal.css")).read_bytes()


def test_the_fetcher_has_no_way_to_reach_out():
    fetcher = StaticFilesFetcher()
    assert fetcher.handlers == []  # no http, https, ftp or file opener installed
    with pytest.raises(FetchRefused):
        fetcher.open("http://example.com/")


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks the fetcher for, and whether it was served."""
    calls: list[tuple[str, bool]] = []
    original = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except FetchRefused:
            calls.append((url, False))
            raise
        calls.append((url, True))
        return response

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    return calls


def test_the_pdf_fetches_only_its_own_stylesheet(registrant, fetched):
    make_activity(registrant, title='<img src="http://example.com/tracker.png">')
    record_pdf_bytes(registrant=fresh(registrant), as_of=TODAY)
    assert fetched == [(f"{PDF_BASE_URL}static/css/pdf.css", True)]  # the title is just text


def test_a_document_asking_for_outside_resources_renders_without_them(fetched):
    html = (
        '<link rel="stylesheet" href="http://example.com/evil.css">'
        '<img src="file:///etc/passwd"><p style="background: url(https://example.com/x.png)">Hi'
    )
    pdf = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert {url for url, _ in fetched} == {
        "http://example.com/evil.css",
        "file:///etc/passwd",
        "https://example.com/x.png",
    }
    assert not any(served for _, served in fetched)


def test_the_fetcher_says_when_a_static_file_does_not_exist():
    with pytest.raises(FetchRefused, match="no static file"):
        StaticFilesFetcher().fetch("/static/css/nothing-here.css")


# --- the PDF --------------------------------------------------------------------------------


def test_the_pdf_shows_the_record(registrant, tmp_path):
    make_activity(registrant, impact_behaviour=True, behaviour_statement="Calmer with customers.")
    pdf = record_pdf_bytes(registrant=fresh(registrant), as_of=TODAY)
    assert pdf.startswith(b"%PDF")
    if not PDFTOTEXT:
        pytest.skip("pdftotext is not installed (apt-get install -y poppler-utils)")
    text = pdf_text(pdf, tmp_path)
    assert registrant.membership_number in text
    assert "Customer service seminar" in text
    assert "1.5 h + 2 behaviour = 3.5" in text
    assert "3.50" in text  # the counted credits
    assert "Page 1 of" in text  # from pdf.css: the stylesheet was fetched and applied
    assert "10 May 2025" in text  # registered since


def test_the_pdf_shows_the_auditors_value_and_the_reading_cap(tmp_path):
    if not PDFTOTEXT:
        pytest.skip("pdftotext is not installed (apt-get install -y poppler-utils)")
    text = pdf_text(record_pdf_bytes(registrant=two_cycle_record(), as_of=TODAY), tmp_path)
    assert "Adjusted to 5.00" in text
    assert "Rejected (0)" in text
    assert "Accepted" in text
    assert "reading credits above the cap" in text  # 27 recorded, 18 counted (R3.3)
    assert text.index("Cycle 2:") < text.index("Cycle 1:")  # the current cycle first
    assert "Become EV qualified (Level 3)" in text


def test_the_pdf_takes_the_same_number_of_queries_for_1_and_200_activities(
    registrant, django_assert_num_queries, django_assert_max_num_queries
):
    activity = make_activity(registrant)
    reloaded = fresh(registrant)
    with CaptureQueriesContext(connection) as one:
        record_pdf_bytes(registrant=reloaded, as_of=TODAY)
    clone_activities(activity, 199)
    assert Activity.objects.filter(registrant=registrant).count() == 200
    reloaded = fresh(registrant)
    with django_assert_num_queries(len(one.captured_queries)):
        record_pdf_bytes(registrant=reloaded, as_of=TODAY)
    # user, cycles, one progress aggregate per cycle, activities, objectives
    reloaded = fresh(registrant)
    with django_assert_max_num_queries(5):
        record_pdf_bytes(registrant=reloaded, as_of=TODAY)


@pytest.mark.skipif(not PDFTOTEXT, reason="needs pdftotext (poppler-utils)")
def test_the_same_record_is_laid_out_once_and_any_change_lays_it_out_again(
    registrant, monkeypatch, tmp_path
):
    activity = make_activity(registrant, title="Hybrid systems course")
    layouts = []
    write_pdf = HTML.write_pdf

    def counted(self, *args, **kwargs):
        layouts.append(1)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", counted)
    first = record_pdf_bytes(registrant=fresh(registrant), as_of=TODAY)
    assert record_pdf_bytes(registrant=fresh(registrant), as_of=TODAY) == first
    assert len(layouts) == 1  # the second download came from the cache

    activity.title = "Hybrid systems course, part 2"
    activity.save()
    changed = record_pdf_bytes(registrant=fresh(registrant), as_of=TODAY)
    assert len(layouts) == 2
    assert "Hybrid systems course, part 2" in pdf_text(changed, tmp_path)

    next_day = record_pdf_bytes(registrant=fresh(registrant), as_of=TODAY + datetime.timedelta(1))
    assert len(layouts) == 3  # "Generated" and the days left changed
    assert "Hybrid systems course, part 2" in pdf_text(next_day, tmp_path)

    other = make_registrant()
    make_activity(other, title="Hybrid systems course, part 2")
    record_pdf_bytes(registrant=fresh(other), as_of=TODAY)
    assert len(layouts) == 4  # another person's record is never someone else's PDF


def test_the_pdf_of_200_activities_renders_quickly(registrant):
    clone_activities(make_activity(registrant), 199)
    reloaded = fresh(registrant)
    started = time.process_time()  # CPU time: steadier than the clock on a shared machine
    pdf = record_pdf_bytes(registrant=reloaded, as_of=TODAY)
    elapsed = time.process_time() - started
    assert pdf.startswith(b"%PDF")
    # About 1.1-1.4 s on the development machine (goal: well under 2 s). The bound catches a
    # layout regression (a structural selector, inline markup in every cell) without failing
    # on a busy CI runner.
    assert elapsed < 3, f"200 activities took {elapsed:.2f} s of CPU"


def test_a_sample_record_is_saved_as_png_for_people_to_look_at(tmp_path):
    if not PDFTOPPM:
        pytest.skip("pdftoppm is not installed (apt-get install -y poppler-utils)")
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(record_pdf_bytes(registrant=two_cycle_record(), as_of=TODAY))
    SCREENSHOTS.mkdir(exist_ok=True)
    for page in (1, 2):
        target = SCREENSHOTS / f"record-pdf-page-{page}"
        subprocess.run(
            [PDFTOPPM, "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile"]
            + [str(pdf), str(target)],
            check=True,
        )
        assert target.with_suffix(".png").stat().st_size > 0


# --- the data as JSON -----------------------------------------------------------------------


def test_the_data_holds_every_activity_with_every_field_and_evidence_metadata(registrant):
    first = make_activity(registrant, impact_behaviour=True, behaviour_statement="Calmer.")
    second = make_activity(
        registrant, title="Hybrid systems e-learning", activity_type="e-learning"
    )
    force_update(Activity.objects.filter(pk=first.pk), audited_credits=Decimal("2.00"))
    upload = SimpleUploadedFile("certificate.pdf", PDF_HEADER, content_type="application/pdf")
    evidence = evidence_add(activity=second, upload=upload, user=registrant.user)

    data = registrant_data(registrant=fresh(registrant), as_of=TODAY)

    json.dumps(data)  # serialisable as it is, no default= needed
    activities = {a["id"]: a for a in data["activities"]}
    assert set(activities) == {first.pk, second.pk}
    every_field = {field.attname for field in Activity._meta.concrete_fields}
    assert every_field <= set(activities[first.pk])
    assert activities[first.pk]["credits"] == "3.50"  # decimals as strings
    assert activities[first.pk]["credits_explanation"] == "1.5 h + 2 behaviour = 3.5"
    assert activities[first.pk]["audited_credits"] == "2.00"
    assert activities[first.pk]["audit_outcome"] == "Adjusted to 2.00"
    assert activities[first.pk]["behaviour_statement"] == "Calmer."
    assert activities[first.pk]["completed_on"] == "2026-06-01"
    (only,) = activities[second.pk]["evidence"]
    assert only == {
        "id": evidence.pk,
        "original_name": "certificate.pdf",
        "content_type": "application/pdf",
        "extension": ".pdf",
        "size": len(PDF_HEADER),
        "uploaded_at": evidence.uploaded_at.isoformat(),
    }


def test_the_data_holds_the_account_register_entry_terms_cycles_and_objectives(user):

    joined = datetime.date(2026, 5, 10)
    now = datetime.datetime(2026, 5, 10, 9, 30, tzinfo=datetime.UTC)
    registrant = registrant_join_accepting_current_terms(
        user=user,
        today=joined,
        now=now,
        accepted_ids={v.pk for v in current_terms(as_of=joined).values()},
    )
    objective_save(
        registrant=registrant,
        objective=None,
        title="EV Level 3",
        description="Work on HV systems.",
        measure="Award passed.",
        target_date=datetime.date(2027, 6, 30),
    )

    data = registrant_data(registrant=fresh(registrant), as_of=TODAY)

    assert data["account"]["email"] == user.email
    assert data["account"]["last_name"] == user.last_name
    assert data["registrant"]["membership_number"] == registrant.membership_number
    assert data["registrant"]["joined_on"] == "2026-05-10"
    assert data["registrant"]["status"] == "current"
    assert {a["kind"] for a in data["terms_acceptances"]} == {"terms", "code_of_conduct"}
    assert all(a["accepted_at"] == now.isoformat() for a in data["terms_acceptances"])
    (cycle,) = data["cycles"]
    assert cycle["target"] == "90.00"
    assert cycle["progress"]["counted_credits"] == "0.00"
    assert cycle["progress"]["on_track"] is False
    (objective,) = data["objectives"]
    assert objective["title"] == "EV Level 3"
    assert objective["credits"] == "0.00"
    assert "generated_at" in data


def test_the_data_holds_every_kept_version_without_naming_who_changed_it(registrant):
    activity = make_activity(registrant)
    registrant.user.email = "new-address@example.org"
    registrant.user.save()
    Activity.objects.get(pk=activity.pk).delete()  # deleted, but its history stays theirs

    history = registrant_data(registrant=fresh(registrant), as_of=TODAY)["history"]

    assert [v["email"] for v in history["account"]][-1] == "new-address@example.org"
    assert [v["history_type"] for v in history["activities"]] == ["created", "deleted"]
    assert history["activities"][0]["title"] == "Customer service seminar"
    assert history["registrant"][-1]["membership_number"] == registrant.membership_number
    assert {v["changed_by"] for v in history["account"]} <= {"you", "IMI staff", "the portal"}
    assert all("history_user_id" not in v and "password" not in v for v in history["account"])


def test_the_data_holds_nothing_of_another_registrant(registrant):
    make_activity(registrant)
    other = make_registrant(joined_on=datetime.date(2025, 5, 10))
    make_activity(other, title="Somebody else's secret seminar")
    objective_save(
        registrant=other,
        objective=None,
        title="Somebody else's objective",
        description="-",
        measure="-",
        target_date=datetime.date(2027, 1, 1),
    )

    dumped = json.dumps(registrant_data(registrant=fresh(registrant), as_of=TODAY))

    assert "Somebody else" not in dumped
    assert other.membership_number not in dumped
    assert other.user.email not in dumped


def test_the_data_takes_the_same_number_of_queries_for_1_and_200_activities(
    registrant, django_assert_num_queries
):
    activity = make_activity(registrant)
    reloaded = fresh(registrant)
    with CaptureQueriesContext(connection) as one:
        registrant_data(registrant=reloaded, as_of=TODAY)
    clone_activities(activity, 199)
    reloaded = fresh(registrant)
    with django_assert_num_queries(len(one.captured_queries)):
        data = registrant_data(registrant=reloaded, as_of=TODAY)
    # user, activities, their evidence, acceptances, cycles, one progress per cycle, objectives,
    # and the history of the account, the register entry, the cycles and the activities
    assert len(one.captured_queries) == 11
    assert len(data["activities"]) == 200


# --- the views ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "filename"),
    [
        ("cpd:record_pdf", "application/pdf", "cpd-record-{number}-{today}.pdf"),
        ("cpd:data_json", "application/json", "imi-portal-data-{number}-{today}.json"),
    ],
)
def test_the_owner_downloads_an_attachment(owner, registrant, name, content_type, filename):
    make_activity(registrant, completed_on=datetime.date(2025, 6, 1), as_of=timezone.localdate())
    response = owner.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    expected = filename.format(
        number=registrant.membership_number, today=timezone.localdate().isoformat()
    )
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    if content_type == "application/pdf":
        assert response.content.startswith(b"%PDF")
    else:
        data = json.loads(response.content)
        assert data["registrant"]["membership_number"] == registrant.membership_number
        assert [a["title"] for a in data["activities"]] == ["Customer service seminar"]


@pytest.mark.parametrize("name", ["cpd:record_pdf", "cpd:data_json"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", ["cpd:record_pdf", "cpd:data_json"])
def test_a_user_not_on_the_register_is_sent_to_join(client, name):
    client.force_login(UserFactory())
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("register:join")
