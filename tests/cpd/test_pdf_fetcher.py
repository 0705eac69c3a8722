"""WeasyPrint never fetches anything outside the portal's own static files.

A document that points at another host, at the file system, or climbs out of the static folder
with ../ is rendered without those resources: StaticFilesFetcher refuses each one, no socket is
opened and no file outside the static folders is read. And every WeasyPrint document in the
portal is built with that fetcher (checked in the source, so a new PDF can't forget it).
"""

import ast
import builtins
import socket
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from weasyprint import HTML

from cpd.exports import PDF_BASE_URL, FetchRefused, StaticFilesFetcher

TEMPLATE = Template(
    """{% load static %}<!DOCTYPE html>
<html><head>
  <link rel="stylesheet" href="{% static 'css/pdf.css' %}">
  <link rel="stylesheet" href="http://example.org/evil.css">
  <style>
    @import url("https://example.org/import.css");
    @font-face { font-family: Spy; src: url("http://example.org/font.woff"); }
    body { background: url("file:///etc/hostname"); font-family: Spy; }
  </style>
</head><body>
  <h1>{{ title }}</h1>
  <img src="http://example.org/x.png">
  <img src="file:///etc/passwd">
  <img src="../../etc/passwd">
  <img src="/static/../../imi_portal/settings/base.py">
  <img src="//example.org/protocol-relative.png">
  <object data="http://example.org/x.svg"></object>
  <iframe src="http://example.org/"></iframe>
</body></html>"""
)
OUTSIDE = {
    "http://example.org/evil.css",
    "https://example.org/import.css",
    "http://example.org/font.woff",
    "file:///etc/hostname",
    "http://example.org/x.png",
    "file:///etc/passwd",
    f"{PDF_BASE_URL}etc/passwd",  # ../../etc/passwd, against the document's base
    "https://example.org/protocol-relative.png",
    "http://example.org/x.svg",
}


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint hands the fetcher, and whether it was served."""
    calls: dict[str, bool] = {}
    original = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = original(self, url, headers)
        except FetchRefused:
            calls[url] = False
            raise
        calls[url] = True
        return response

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    return calls


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or resolve a name is recorded and fails."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("the network is not for PDFs")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.fixture
def files_read(monkeypatch):
    """Every file opened while the PDF is made."""
    opened: list[str] = []
    original = builtins.open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return original(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    return opened


def test_outside_resources_are_refused_and_the_document_still_renders(
    fetched, no_network, files_read
):
    html = TEMPLATE.render(Context({"title": "Record"}))

    pdf = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf()

    assert pdf.startswith(b"%PDF")
    assert no_network == []
    served = {url for url, ok in fetched.items() if ok}
    assert served == {f"{PDF_BASE_URL}static/css/pdf.css"}
    assert {url for url, ok in fetched.items() if not ok} >= OUTSIDE
    assert not any(name.startswith(("/etc", "file:")) for name in files_read)
    assert not any("settings" in name for name in files_read)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "file:///etc/passwd",
        "../../etc/passwd",
        "/static/../../etc/passwd",
        "/static/css/../../../etc/passwd",
        "ftp://example.org/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_the_fetcher_refuses_each_kind_of_outside_url(url, no_network):
    with pytest.raises(FetchRefused):
        StaticFilesFetcher().fetch(url)
    assert no_network == []


def _weasyprint_documents() -> list[tuple[str, int, ast.Call]]:
    """Every call of weasyprint's HTML(...) in the portal's own code."""
    calls = []
    for app in ("accounts", "accreditation", "audit", "cpd", "register", "imi_portal"):
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            names = {
                alias.asname or alias.name
                for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module == "weasyprint"
                for alias in node.names
                if alias.name == "HTML"
            }
            calls += [
                (str(path.relative_to(settings.BASE_DIR)), node.lineno, node)
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
            ]
    return calls


def test_every_pdf_in_the_portal_uses_the_static_files_fetcher():
    documents = _weasyprint_documents()
    assert documents, "no WeasyPrint document found: has the search gone stale?"
    for where, line, call in documents:
        fetcher = next((k.value for k in call.keywords if k.arg == "url_fetcher"), None)
        assert isinstance(fetcher, ast.Call), f"{where}:{line} has no url_fetcher"
        assert ast.unparse(fetcher.func).endswith("StaticFilesFetcher"), f"{where}:{line}"
