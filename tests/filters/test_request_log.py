"""request_log: one INFO line per request in nova's format, exceptions included."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import webob

from apistack.filters import FaultWrap, RequestLog
from apistack.resource.negotiation import VERSION_KEY
from apistack.resource.versions import APIVersionRequest
from tests.filters.apps import Recorder, json_app

LINE = re.compile(
    r'(?P<addr>\S+) "(?P<method>[A-Z]+) (?P<uri>\S+)" status: (?P<status>\d{3}) '
    r"len: (?P<len>\S+) microversion: (?P<mv>\S+) time: (?P<time>\d+\.\d{6})"
)
LOGGER = "apistack.request_log"


def logged(caplog: pytest.LogCaptureFixture, logger: str = LOGGER) -> list[dict[str, str]]:
    lines = []
    for record in caplog.records:
        if record.name == logger:
            assert record.levelno == logging.INFO
            match = LINE.fullmatch(record.getMessage())
            assert match, record.getMessage()
            lines.append(match.groupdict())
    return lines


@pytest.fixture(autouse=True)
def _info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)


def test_success_is_one_line_in_novas_format(caplog: pytest.LogCaptureFixture) -> None:
    req = webob.Request.blank("/v2.1/servers?limit=1", remote_addr="10.0.0.1")
    resp = req.get_response(RequestLog(json_app))
    [line] = logged(caplog)
    assert line["addr"] == "10.0.0.1"
    assert (line["method"], line["uri"]) == ("GET", "/v2.1/servers?limit=1")
    assert (line["status"], line["len"], line["mv"]) == ("200", str(len(resp.body)), "-")


def test_microversion_comes_from_the_environ(caplog: pytest.LogCaptureFixture) -> None:
    def versioned(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        environ[VERSION_KEY] = APIVersionRequest("2.60")
        start_response("204 No Content", [])
        return []

    webob.Request.blank("/v2.1/x", method="DELETE").get_response(RequestLog(versioned))
    [line] = logged(caplog)
    assert (line["addr"], line["status"], line["mv"], line["len"]) == ("-", "204", "2.60", "0")


def test_fault_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    resp = webob.Request.blank("/v2.1/missing").get_response(RequestLog(json_app))
    [line] = logged(caplog)
    assert (line["status"], line["len"]) == ("404", str(len(resp.body)))


class Conflict(Exception):
    code = 409


@pytest.mark.parametrize(("exc", "status"), [(ValueError("x"), "500"), (Conflict(), "409")])
def test_exception_is_logged_then_reraised(
    caplog: pytest.LogCaptureFixture, exc: Exception, status: str
) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise exc

    with pytest.raises(type(exc)):
        webob.Request.blank("/v2.1/x").get_response(RequestLog(app))
    [line] = logged(caplog)
    assert line["status"] == status
    resp = webob.Request.blank("/v2.1/x").get_response(FaultWrap(RequestLog(app)))
    assert resp.status_int == int(status)


def test_uri_is_captured_before_the_app_changes_the_query(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @webob.dec.wsgify
    def strips_unknown(req: webob.Request) -> webob.Response:
        del req.GET["unknown"]  # what soft query validation does: rewrites QUERY_STRING
        return webob.Response(json_body={})

    webob.Request.blank("/v2.1/x?unknown=1&limit=2").get_response(RequestLog(strips_unknown))
    [line] = logged(caplog)
    assert line["uri"] == "/v2.1/x?unknown=1&limit=2"


def test_logger_name_is_configurable(caplog: pytest.LogCaptureFixture) -> None:
    app = RequestLog.factory({}, logger_name="nova.api.openstack.requestlog")(json_app)
    webob.Request.blank("/").get_response(app)
    assert len(logged(caplog, "nova.api.openstack.requestlog")) == 1
    assert logged(caplog) == []


def test_lazy_app_is_logged_with_its_status(caplog: pytest.LogCaptureFixture) -> None:
    def lazy(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("202 Accepted", [("Content-Length", "2")])
        yield b"ok"

    resp = webob.Request.blank("/").get_response(RequestLog(lazy))
    assert (resp.status_int, resp.body) == (202, b"ok")
    [line] = logged(caplog)
    assert (line["status"], line["len"]) == ("202", "2")


@pytest.mark.parametrize(
    ("path", "uri"),
    [("/v2.1/a\nGET /forged", "/v2.1/a%0AGET%20/forged"), ("/v2.1/\xff\xfe", "/v2.1/%FF%FE")],
)
def test_hostile_paths_stay_on_one_printable_line(
    caplog: pytest.LogCaptureFixture, path: str, uri: str
) -> None:
    environ = webob.Request.blank("/").environ
    environ["PATH_INFO"] = path
    webob.Request(environ).get_response(RequestLog(Recorder()))
    [line] = logged(caplog)
    assert line["uri"] == uri


def test_nothing_is_formatted_when_info_is_off(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    webob.Request.blank("/").get_response(RequestLog(json_app))
    assert logged(caplog) == []


class ServiceVersion:
    """A version object as nova's (``is_null``) or cinder's (falsy when null) Resource stores."""

    def __init__(self, version: str | None, has_is_null: bool = True) -> None:
        self.version = version
        if has_is_null:
            self.is_null = lambda: version is None

    def __bool__(self) -> bool:
        return self.version is not None

    def get_string(self) -> str:
        return self.version or ""


@pytest.mark.parametrize("has_is_null", [True, False])
def test_microversion_of_a_services_own_resource(
    caplog: pytest.LogCaptureFixture, has_is_null: bool
) -> None:
    # nova's Resource sets req.api_version_request, which WebOb keeps in webob.adhoc_attrs.
    def novas_resource(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        webob.Request(environ).api_version_request = ServiceVersion("2.75", has_is_null)
        start_response("200 OK", [("Content-Length", "2")])
        return [b"{}"]

    webob.Request.blank("/v2.1/flavors").get_response(RequestLog(novas_resource))
    [line] = logged(caplog)
    assert (line["mv"], line["len"]) == ("2.75", "2")


def test_a_null_service_version_is_a_dash(caplog: pytest.LogCaptureFixture) -> None:
    def unversioned(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        webob.Request(environ).api_version_request = ServiceVersion(None)
        start_response("200 OK", [])
        return []

    webob.Request.blank("/").get_response(RequestLog(unversioned))
    [line] = logged(caplog)
    assert (line["mv"], line["len"]) == ("-", "-")
