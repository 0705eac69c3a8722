"""Hostile evidence files (R4.4): each refused with a message that says why, and downloads that a
browser can only save, never render.

Decisions, as `cpd.services.evidence_check` implements them:
- A polyglot (a real image or PDF with web page code inside) is refused, and so is a file that
  starts like a PNG or JPEG but doesn't decode as one. As served it would be harmless (an
  attachment with its detected type and nosniff), but there is no honest reason to upload one.
- An extension that contradicts the content (a PDF named .png) is refused: the registrant is told
  what the file really is. A name with no extension is accepted; the type comes from the bytes.
- A name with folders in it (`../../etc/passwd.pdf`) is sanitised and accepted, not refused:
  Django's multipart parser keeps only the last part of the name before any view code runs (a
  browser never sends folders anyway), `safe_file_name` strips again, and the file is stored
  under a generated name, so the name can't choose where it is written. A name that is nothing
  but `..` arrives as no file at all and gets the form's "Choose at least one file."
"""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cpd.models import Evidence
from cpd.services import evidence_add, evidence_check
from tests.cpd.factories import make_activity

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
HTML = b"<html><body><script>fetch('/api/v1/me/').then(r => r.text()).then(alert)</script>"


def png(*, text_chunk: bytes = b"", trailer: bytes = b"", side: int = 2) -> bytes:
    """A real 2x2 greyscale PNG, optionally with a tEXt chunk and bytes after its end."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00" * 2)  # a filter byte and two pixels, per row
    text = chunk(b"tEXt", b"Comment\x00" + text_chunk) if text_chunk else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + text
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
        + trailer
    )


def jpeg(*, comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, "JPEG", comment=comment)
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        evidence_check(SimpleUploadedFile(name, content))
    return caught.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("certificate.png", png(), "image/png"),
        ("CERTIFICATE.PNG", png(), "image/png"),
        ("photo.jpg", jpeg(), "image/jpeg"),
        ("photo.jpeg", jpeg(comment=b"Taken at the IMI seminar"), "image/jpeg"),
        ("notes.pdf", PDF, "application/pdf"),
        (
            "notes.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("scan", PDF, "application/pdf"),  # no extension: the bytes decide
        ("Cert. J. Smith", png(), "image/png"),  # not an extension
    ],
)
def test_honest_files_are_accepted(name, content, mime):
    assert evidence_check(SimpleUploadedFile(name, content)) == mime


# --- polyglots ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("certificate.png", png(text_chunk=HTML)),  # a valid image with a page in a text chunk
        ("certificate.png", png(trailer=HTML)),  # ... or after its end
        ("photo.jpg", jpeg(comment=HTML)),
        ("notes.pdf", PDF + HTML),
        ("notes.pdf", PDF.replace(b"endobj\n", b"endobj\n<iframe src=//evil.example>", 1)),
        ("certificate.png", png(text_chunk=b'<svg onload="alert(1)">')),
        ("certificate.png", png(text_chunk=b"<a href='javascript:alert(1)'>")),
    ],
)
def test_a_polyglot_with_web_page_code_inside_is_refused(name, content):
    assert refusal(name, content) == (
        f"“{name}” has web page code hidden inside it, so it can't be accepted. "
        "Upload the original document or photo."
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("certificate.png", b"\x89PNG\r\n\x1a\n" + HTML),  # a PNG's first bytes, then a web page
        ("certificate.png", png()[:40]),  # cut short
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200),
    ],
)
def test_an_image_that_does_not_decode_is_refused(name, content):
    assert f"“{name}” can't be read as a" in refusal(name, content)


def test_an_image_too_big_to_decode_safely_is_refused():
    # 20,000 x 20,000: its header alone says so; decoding it could take gigabytes.
    assert "can't be read as a PNG image" in refusal("huge.png", png(side=20_000))


# --- extension, size ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("certificate.png", PDF, "“certificate.png” is a PDF but its name ends in .png"),
        ("notes.pdf", png(), "“notes.pdf” is a PNG image but its name ends in .pdf"),
        ("photo.png", jpeg(), "“photo.png” is a JPEG image but its name ends in .png"),
        ("notes.pdf", docx(), "“notes.pdf” is a Word document but its name ends in .pdf"),
        ("report.html", PDF, "“report.html” is a PDF but its name ends in .html"),
    ],
)
def test_an_extension_that_contradicts_the_content_is_refused(name, content, said):
    message = refusal(name, content)
    assert message.startswith(said)
    assert "Rename it to end in" in message


def test_an_oversized_file_is_refused_before_it_is_read(settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    big = PDF + b"%" * (1024 * 1024)

    assert refusal("big.pdf", big) == "“big.pdf” is 1.0 MB; files can be at most 1 MB."


def test_an_executable_is_refused():
    assert "isn't a PDF, PNG, JPEG or Word (.docx) file" in refusal("cv.pdf", b"MZ" + b"\0" * 200)


# --- through the page and the API: the message reaches the person, nothing is saved -------------


@pytest.fixture
def activity(registrant):
    return make_activity(registrant)


def upload_page(owner, activity, name: str, content: bytes):
    return owner.post(
        reverse("cpd:evidence_upload", args=[activity.pk]),
        {"files": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("certificate.png", png(trailer=HTML), "has web page code hidden inside it"),
        ("certificate.png", PDF, "is a PDF but its name ends in .png"),
        ("certificate.png", b"\x89PNG\r\n\x1a\n" + HTML, "can&#x27;t be read as a PNG image"),
    ],
)
def test_the_page_shows_why_a_file_was_refused(owner, activity, name, content, said):
    response = upload_page(owner, activity, name, content)

    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_api_says_why_a_file_was_refused(client, registrant, activity):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=registrant.user)
    response = client.post(
        f"/api/v1/activities/{activity.pk}/evidence/",
        {"file": SimpleUploadedFile("certificate.png", png(text_chunk=HTML))},
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )

    assert response.status_code == 400
    assert "has web page code hidden inside it" in response.json()["file"][0]
    assert not Evidence.objects.exists()


# --- names with folders -------------------------------------------------------------------------

BOUNDARY = "----imi-test-boundary"


def raw_multipart(filename: str, content: bytes) -> bytes:
    """What a hostile client can send: the test client itself would drop the folders."""
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("C:\\fakepath\\certificate.pdf", "certificate.pdf"),
        ("/var/www/../../root/notes.pdf", "notes.pdf"),
    ],
)
def test_a_name_with_folders_is_stripped_to_its_last_part(owner, activity, settings, sent, kept):
    response = owner.post(
        reverse("cpd:evidence_upload", args=[activity.pk]),
        raw_multipart(sent, PDF),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == kept
    stored = settings.PRIVATE_MEDIA_ROOT / evidence.file.name
    assert stored.resolve().is_relative_to(settings.PRIVATE_MEDIA_ROOT.resolve())
    assert kept not in evidence.file.name and ".." not in evidence.file.name
    assert stored.read_bytes() == PDF


def test_a_name_that_is_only_dots_arrives_as_no_file(owner, activity):
    response = owner.post(
        reverse("cpd:evidence_upload", args=[activity.pk]),
        raw_multipart("..", PDF),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )

    assert response.status_code == 400
    assert "Choose at least one file." in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_service_strips_folders_too(registrant, activity):
    upload = SimpleUploadedFile("notes.pdf", PDF)
    upload._name = "..\\..\\notes.pdf"  # past Django's own clean-up, as a caller might pass it
    evidence = evidence_add(activity=activity, upload=upload, user=registrant.user)
    assert evidence.original_name == "notes.pdf"


# --- downloads ----------------------------------------------------------------------------------


def test_evidence_is_downloaded_as_an_attachment_with_its_checked_type_and_nosniff(owner, activity):
    upload_page(owner, activity, "certificate.png", png())
    evidence = Evidence.objects.get()

    response = owner.get(reverse("cpd:evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"  # from the bytes, never the browser's claim
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="certificate.png"'
    assert b"".join(response.streaming_content) == png()
