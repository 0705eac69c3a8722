"""The production stack as described: docker-compose.yml, the Dockerfile and production settings.

There is no Docker engine here, so the compose file is parsed and checked for what matters.
"""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "imi_portal.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "portal.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "DATABASE_URL": "sqlite:///:memory:",
}


def production_environ(**overrides: str) -> dict[str, str]:
    # The test run's own variables (DEBUG, the async-unsafe switch for browser tests) stay out.
    dropped = ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    inherited = {k: v for k, v in os.environ.items() if k not in dropped}
    return {**inherited, **PRODUCTION_ENV, **overrides}


def run_django(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_compose_defines_the_whole_stack():
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(COMPOSE["services"])


def test_every_service_a_service_depends_on_exists():
    services = COMPOSE["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on missing {dependency}"


def test_every_named_volume_is_declared():
    declared = set(COMPOSE.get("volumes", {}))
    for service in COMPOSE["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, source


def test_web_runs_gunicorn_on_the_real_wsgi_module():
    command = COMPOSE["services"]["web"]["command"]
    match = re.search(r"gunicorn\s+([\w.]+):(\w+)", command)
    assert match, command
    module, attribute = match.groups()
    wsgi = (ROOT / Path(*module.split("."))).with_suffix(".py")
    assert wsgi.exists()
    assert f"{attribute} = get_wsgi_application()" in wsgi.read_text()


def test_worker_and_beat_run_the_portals_celery_app():
    celery_module = importlib.import_module("imi_portal.celery")
    assert celery_module.app.main == "imi_portal"
    assert "celery -A imi_portal worker" in COMPOSE["services"]["worker"]["command"]
    assert "celery -A imi_portal beat" in COMPOSE["services"]["beat"]["command"]


def test_the_portal_services_build_from_the_dockerfile_and_use_production_settings():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.txt" in dockerfile
    for name in ("web", "worker", "beat"):
        service = COMPOSE["services"][name]
        assert service["build"] == "."
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "imi_portal.settings.production"
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django("", production_environ(SECRET_KEY=""))
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = run_django("", production_environ(DEBUG="true"))
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_environ(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_beat_runs_the_reminder_sweep_daily_and_the_task_exists():
    from celery.schedules import crontab

    celery_module = importlib.import_module("imi_portal.celery")
    importlib.import_module("register.tasks")
    entries = {e["task"]: e for e in celery_module.app.conf.beat_schedule.values()}
    sweep = entries["register.tasks.sweep_reminders"]
    assert isinstance(sweep["schedule"], crontab)
    assert "register.tasks.sweep_reminders" in celery_module.app.tasks
    assert "register.tasks.close_ended_cycles" in entries  # R8.1, daily
    assert celery_module.app.conf.timezone == "UTC"
