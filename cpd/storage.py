"""Evidence files live outside any public URL (R4.4); views serve them after an access check."""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.PRIVATE_MEDIA_ROOT, read when used (tests move it)."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):  # there is no public URL, by design
        raise NotImplementedError("Evidence is served only through the download view.")


private_storage = PrivateStorage()


def evidence_path(instance, filename: str) -> str:
    # A random name on disk; the person's file name is kept on the row for downloads.
    return f"evidence/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{instance.extension}"
