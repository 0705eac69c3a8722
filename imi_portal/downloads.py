"""Private files (evidence, attempt recordings) handed to the people allowed to see them."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def attachment(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """The file as a download, never rendered inline: an uploaded HTML or SVG file can't run as
    a page of the portal, and the browser mustn't guess another type (nosniff) or keep a copy
    (no-store). A file missing from storage is a 404. Access is the caller's check."""
    if not file:
        raise Http404("No file.")
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename or "download",
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
