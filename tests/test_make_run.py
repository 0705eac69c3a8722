"""`make run`'s steps on a brand-new database: migrate, then seed_demo (only once)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def manage(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "imi_portal.settings.local",
        "PRIVATE_MEDIA_ROOT": str(database.parent / "media"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_fresh_database_migrates_and_fills_with_demo_data_once(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    migrated = manage("migrate", "--noinput", database=database)
    assert migrated.returncode == 0, migrated.stderr

    seeded = manage("seed_demo", "--if-empty", database=database)
    assert seeded.returncode == 0, seeded.stderr
    assert "Demo data loaded." in seeded.stdout
    for login in (
        "admin@",
        "officer@",
        "auditor@",
        "accreditation@",
        "centre-admin@",
        "assessor@",
        "iqa@",
        "invigilator@",
        "registrant@",
    ):
        assert login in seeded.stdout

    again = manage("seed_demo", "--if-empty", database=database)
    assert again.returncode == 0
    assert "demo data not loaded" in again.stdout

    refused = manage("seed_demo", database=database)
    assert refused.returncode != 0
    assert "only fills an empty one" in refused.stderr
