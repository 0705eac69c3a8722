"""scripts/backup, scripts/restore and the drill, run for real against the test database.

They need PostgreSQL and its client tools (CI has both); the drill restores into a fresh database
beside the test database and drops it afterwards.
"""

import hashlib
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not shutil.which("pg_dump"),
        reason="needs PostgreSQL and its client tools (DATABASE_URL), as in CI",
    ),
]


def _database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    )


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def media(tmp_path) -> Path:
    evidence = tmp_path / "media" / "evidence" / "ab"
    evidence.mkdir(parents=True)
    (evidence / "certificate.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (evidence / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000)
    return tmp_path / "media"


def test_the_drill_restores_every_row_and_file(media):
    env = {"DATABASE_URL": _database_url(connection.settings_dict["NAME"])}
    result = _run("backup-restore-drill", env={**env, "PRIVATE_MEDIA_ROOT": str(media)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Drill passed." in result.stdout
    assert "django_migrations" in result.stdout
    assert "DIFFERENT" not in result.stdout
    files = next(line for line in result.stdout.splitlines() if "private media: files" in line)
    assert files.split()[-3:] == ["2", "2", "ok"]


def test_a_restore_that_differs_from_the_backup_fails_and_says_where(media, tmp_path):
    source = _database_url(connection.settings_dict["NAME"])
    backed_up = _run(
        "backup",
        str(tmp_path / "backups"),
        env={"DATABASE_URL": source, "PRIVATE_MEDIA_ROOT": str(media)},
    )
    assert backed_up.returncode == 0, backed_up.stderr
    backup = Path(backed_up.stdout.splitlines()[-1])
    # As if the dump had lost a row of django_migrations: the backup says one more than restored.
    counts = backup / "row-counts.tsv"
    lines = counts.read_text().splitlines()
    lines = [
        f"{table}\t{int(rows) + 1}" if table == "django_migrations" else f"{table}\t{rows}"
        for table, rows in (line.split("\t") for line in lines)
    ]
    counts.write_text("\n".join(lines) + "\n")
    # ... and re-sealed, so only the comparison can notice.
    names = ["database.dump", "row-counts.tsv", "private-media.tar.gz", "private-media.tsv"]
    names.append("private-media.sha256")
    sums = [f"{hashlib.sha256((backup / n).read_bytes()).hexdigest()}  {n}\n" for n in names]
    (backup / "SHA256SUMS").write_text("".join(sums))
    target = f"{connection.settings_dict['NAME']}_restore_test"
    admin = ["psql", "-X", "-q", "-d", source, "-c"]
    subprocess.run([*admin, f'DROP DATABASE IF EXISTS "{target}"'], check=True)
    subprocess.run([*admin, f'CREATE DATABASE "{target}" TEMPLATE template0'], check=True)
    try:
        restored = _run(
            "restore",
            str(backup),
            env={"DATABASE_URL": _database_url(target), "PRIVATE_MEDIA_ROOT": str(tmp_path / "r")},
        )
    finally:
        subprocess.run([*admin, f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'], check=True)
    assert restored.returncode == 1
    different = [line for line in restored.stdout.splitlines() if line.endswith("DIFFERENT")]
    assert different[0].split()[0] == "django_migrations"
    assert "does NOT match the backup" in restored.stderr
