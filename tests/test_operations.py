"""Operations: the request id in responses and logs, production's JSON log lines."""

import json
import logging
import logging.config
import subprocess
import sys
from unittest import mock

import pytest

from imi_portal.request_id import HEADER, RequestIDFilter, current_request_id, request_id_from
from tests.test_deployment import ROOT, production_environ

pytestmark = pytest.mark.django_db


class _Records(logging.Handler):
    """Keeps the records it sees, after the request-id filter has run on them."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIDFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records():
    handler = _Records()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


def test_it_makes_a_request_id_when_none_comes_in(client):
    response = client.get("/healthz")
    assert len(response[HEADER]) == 32
    assert response[HEADER] != client.get("/healthz")[HEADER]


def test_it_passes_on_the_request_id_the_proxy_gave(client):
    response = client.get("/healthz", headers={HEADER: "lb-7f3a9c2e-0001"})
    assert response[HEADER] == "lb-7f3a9c2e-0001"


@pytest.mark.parametrize(
    "header",
    ["", "has space", "new\nline", 'quote"d', "é", "x" * 129],
)
def test_it_replaces_a_request_id_that_is_not_sane(header):
    made = request_id_from(header)
    assert made != header
    assert len(made) == 32


def test_a_log_line_written_during_a_request_carries_its_id(client, records):
    with mock.patch("accounts.views.connection.cursor", side_effect=OSError("db down")):
        response = client.get("/healthz", headers={HEADER: "req-1"})
    assert response.status_code == 503
    warning = next(r for r in records if r.name == "accounts.views")
    assert warning.request_id == "req-1"


def test_djangos_not_found_line_carries_the_id_too(client, records):
    # Django logs 4xx responses after the middleware chain has returned.
    response = client.get("/no-such-page", headers={HEADER: "req-404"})
    assert response.status_code == 404
    not_found = next(r for r in records if r.name == "django.request")
    assert not_found.request_id == "req-404"


def test_outside_a_request_the_id_is_a_dash(client, records):
    client.get("/healthz")
    assert current_request_id() is None
    logging.getLogger("imi_portal.tests").warning("from a task")
    assert records[-1].request_id == "-"


def _production_logging() -> dict:
    code = "from django.conf import settings; import json; print(json.dumps(settings.LOGGING))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=production_environ(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.slow
def test_production_logs_one_json_object_per_line_with_the_request_id():
    config = _production_logging()
    formatter = logging.config.DictConfigurator(config).configure_formatter(
        config["formatters"]["json"]
    )
    record = logging.LogRecord("cpd.views", logging.WARNING, __file__, 1, "file %s", ("x",), None)
    RequestIDFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["message"] == "file x"
    assert line["level"] == "WARNING"
    assert line["logger"] == "cpd.views"
    assert line["request_id"] == "-"
    assert "timestamp" in line
    assert config["handlers"]["console"]["filters"] == ["request_id"]


@pytest.mark.slow
def test_a_production_request_logs_json_with_the_id_it_returned():
    # The real production settings, end to end: a refused method writes Django's warning as JSON
    # with the request's id. (No page is rendered: static files are not collected here.)
    code = (
        "from django.test import Client; "
        "r = Client().post('/healthz', secure=True, headers={'Host': 'portal.example.org', "
        f"'{HEADER}': 'prod-req-1'}}); "
        f"print(r.status_code, r['{HEADER}'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=production_environ(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["405", "prod-req-1"], result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # every line is JSON
    refused = next(line for line in lines if line["logger"] == "django.request")
    assert refused["level"] == "WARNING"
    assert refused["request_id"] == "prod-req-1"
    assert refused["message"] == "Method Not Allowed (POST): /healthz"
