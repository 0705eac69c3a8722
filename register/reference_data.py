"""Reference data of the register, loaded by a data migration (and by tests after a flush)."""

import datetime
from pathlib import Path

TERMS_DIR = Path(__file__).resolve().parent / "terms"


def publish_first_terms(apps, schema_editor=None) -> None:
    """The first published Terms and Conditions and Code of Conduct (R1.5)."""
    terms_version = apps.get_model("register", "TermsVersion")
    for kind in ("terms", "code_of_conduct"):
        terms_version.objects.get_or_create(
            kind=kind,
            version="2026.1",
            defaults={
                "body": (TERMS_DIR / f"{kind}-2026.1.txt").read_text(),
                "published_on": datetime.date(2026, 4, 1),
            },
        )
