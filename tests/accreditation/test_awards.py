"""The certificate PDF and the public verification page (R9.11)."""

import datetime
import shutil
import subprocess

import pytest
import time_machine
from django.urls import reverse

from accreditation import certificates
from accreditation.models import Award
from tests.accounts.factories import UserFactory
from tests.accreditation.awards import award_through_services, make_award
from tests.accreditation.factories import approved_centre, centre_admin, make_candidate

pytestmark = pytest.mark.django_db

PDFTOTEXT = shutil.which("pdftotext")
ZBARIMG = shutil.which("zbarimg")
PDFTOPPM = shutil.which("pdftoppm")


@pytest.fixture
def award():
    return make_award(
        holder=UserFactory(first_name="Grace", last_name="Hopper", email="grace@private.example")
    )


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def certificate_url(award: Award) -> str:
    return reverse("accreditation:certificate", args=[award.pk])


def verify_url(code: str) -> str:
    return reverse("accreditation:verify_code", args=[code])


# --- the certificate -------------------------------------------------------------------------


def test_the_holder_downloads_the_certificate_with_its_code(client, award, tmp_path):
    client.force_login(award.holder)
    response = client.get(certificate_url(award))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    if not PDFTOTEXT:
        pytest.skip("pdftotext is not installed (apt-get install -y poppler-utils)")
    text = pdf_text(response.content, tmp_path)
    assert award.display_code in text
    assert "Grace Hopper" in text
    assert "Team Leader" in text
    assert "1 May 2026" in text and "30 April 2029" in text  # awarded on, valid until
    assert award.candidate.centre.name in text
    assert f"/verify/{award.display_code}/" in text


def test_the_qr_code_opens_the_verification_page(award, tmp_path, settings):
    settings.PORTAL_BASE_URL = "https://portal.imi.example/"
    if not (PDFTOPPM and ZBARIMG):
        pytest.skip("pdftoppm and zbarimg are needed (apt-get install poppler-utils zbar-tools)")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(certificates.certificate_pdf_bytes(award=award))
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    decoded = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert decoded == f"https://portal.imi.example/verify/{award.display_code}/"


def test_the_certificate_context_names_what_the_page_shows(award, settings):
    settings.PORTAL_BASE_URL = "https://portal.imi.example"
    context = certificates.certificate_context(award=award)
    assert context["holder_name"] == "Grace Hopper"
    assert context["verification_url"] == (
        f"https://portal.imi.example/verify/{award.display_code}/"
    )
    assert context["qr_svg"].startswith("<svg")


@pytest.mark.parametrize("who", ["holder", "centre_admin", "officer"])
def test_the_holder_their_centre_and_officers_get_the_certificate(
    client, award, accreditation_officer, who
):
    user = {
        "holder": award.holder,
        "centre_admin": centre_admin(award.candidate.centre),
        "officer": accreditation_officer,
    }[who]
    client.force_login(user)
    assert client.get(certificate_url(award)).status_code == 200


@pytest.mark.parametrize("who", ["another_centre", "someone", "another_candidate"])
def test_anyone_else_gets_a_404_for_the_certificate(client, award, who):
    other_centre = approved_centre()
    user = {
        "another_centre": centre_admin(other_centre),
        "someone": UserFactory(),
        "another_candidate": make_candidate(other_centre).user,
    }[who]
    client.force_login(user)
    assert client.get(certificate_url(award)).status_code == 404


def test_a_visitor_is_asked_to_log_in_for_the_certificate(client, award):
    response = client.get(certificate_url(award))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_revoked_accreditation_has_no_certificate(client):
    award = make_award(revoked=True)
    client.force_login(award.holder)
    assert client.get(certificate_url(award)).status_code == 404


def test_an_award_earned_through_the_services_has_a_certificate(client):
    award = award_through_services()
    assert award.awarded_on == datetime.date(2026, 4, 1)  # the second component's pass
    client.force_login(award.holder)
    response = client.get(certificate_url(award))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- public verification (R9.11) --------------------------------------------------------------


@time_machine.travel(datetime.datetime(2027, 1, 10, 12, 0), tick=False)
def test_anyone_checks_a_valid_code_and_sees_only_what_it_proves(client, award):
    response = client.get(verify_url(award.display_code))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="award-status">Valid<' in body
    assert "Grace Hopper" in body
    assert award.title in body
    assert "1 May 2026" in body and "30 April 2029" in body
    for private in ("grace@private.example", award.candidate.centre.name, "AO-12345"):
        assert private not in body


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (datetime.datetime(2029, 4, 30, 23, 30), "Valid"),  # the last valid day, late evening
        (datetime.datetime(2029, 5, 1, 0, 30), "Expired"),  # the day after expires_on
    ],
)
def test_an_accreditation_expires_the_day_after_its_valid_until_date(client, award, today, status):
    # Europe/London: 23:30 BST on 30 April is 22:30 UTC, still the 30th; 00:30 on 1 May is the 1st.
    import zoneinfo

    london = zoneinfo.ZoneInfo("Europe/London")
    with time_machine.travel(today.replace(tzinfo=london), tick=False):
        body = client.get(verify_url(award.display_code)).content.decode()
    assert f'data-testid="award-status">{status}<' in body


def test_a_revoked_accreditation_says_so(client):
    award = make_award(revoked=True)
    body = client.get(verify_url(award.display_code)).content.decode()
    assert 'data-testid="award-status">Revoked<' in body
    assert "Certificate obtained by a false statement." not in body  # the reason stays private


def test_an_unknown_code_is_a_clear_404(client, award):
    response = client.get(verify_url("ABCD-EFGH-JKLM"))
    assert response.status_code == 404
    assert "No accreditation with this code" in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    ["{code}", "{code_lower}", "{display}", "{display_lower}", " {display} ", "{spaced}"],
)
def test_a_code_is_accepted_with_or_without_dashes_in_any_case(client, award, typed):
    code = award.verification_code
    typed = typed.format(
        code=code,
        code_lower=code.lower(),
        display=award.display_code,
        display_lower=award.display_code.lower(),
        spaced=" ".join(award.display_code.split("-")),
    )
    response = client.get(reverse("accreditation:verify"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == verify_url(code)
    assert client.get(response["Location"]).status_code == 200
    assert client.get(verify_url(typed.strip().replace(" ", "-"))).status_code == 200


def test_a_code_of_the_wrong_length_is_refused_on_the_field_and_kept(client):
    response = client.get(reverse("accreditation:verify"), {"code": "abcd-efgh"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "A verification code has 12 letters and digits; this has 8." in body
    assert 'value="abcd-efgh"' in body


def test_the_verification_form_opens_without_logging_in(client):
    response = client.get(reverse("accreditation:verify"))
    assert response.status_code == 200
    assert "Verification code" in response.content.decode()


def test_checking_a_code_takes_one_query(client, award, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(verify_url(award.display_code))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("abcd-efgh-jk23", "ABCDEFGHJK23"),
        (" ABCD EFGH JK23 ", "ABCDEFGHJK23"),
        ("ABCD–EFGH–JK23", "ABCDEFGHJK23"),  # en dashes, as a word processor types them
        ("", ""),
    ],
)
def test_a_typed_code_is_read_as_its_stored_form(text, code):
    assert certificates.verification_code_from(text) == code
