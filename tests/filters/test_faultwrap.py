"""faultwrap: escaped exceptions and non-fault error responses become JSON faults."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import webob
import webob.exc
from keystoneauth1.exceptions import ConnectFailure, ConnectTimeout, SSLError

from apistack.filters import FaultWrap
from apistack.filters.faultwrap import exception_status_table, is_fault_body
from apistack.resource.faults import VERSION_HEADERS_KEY, default_message, fault_response


class SafeErr(Exception):
    code = 409
    safe = True


class UnsafeErr(Exception):
    code = 409


class ThrottledErr(Exception):
    code = 429
    headers = {"Retry-After": "30"}


def raising(exc: Exception, version_headers: Any = None) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        environ["openstack.request_id"] = "req-test"
        if version_headers:
            environ[VERSION_HEADERS_KEY] = version_headers
        raise exc

    return app


def fault(app: Any) -> webob.Response:
    resp = webob.Request.blank("/v2.1/things?x=1").get_response(FaultWrap(app))
    assert resp.content_type == "application/json"
    return resp


def test_plain_exception_is_a_500_that_leaks_nothing() -> None:
    resp = fault(raising(ValueError("secret internal detail")))
    assert resp.status_int == 500
    assert resp.json == {"computeFault": {"code": 500, "message": default_message(500)}}
    assert b"secret" not in resp.body


def test_safe_exception_shows_class_and_message() -> None:
    resp = fault(raising(SafeErr("safe detail here")))
    assert resp.status_int == 409
    assert resp.json == {
        "conflictingRequest": {"code": 409, "message": "SafeErr: safe detail here"}
    }


def test_unsafe_coded_exception_keeps_status_with_generic_text() -> None:
    resp = fault(raising(UnsafeErr("hidden")))
    assert resp.status_int == 409
    assert resp.json["conflictingRequest"]["message"] == default_message(409)


def test_exception_headers_are_copied() -> None:
    resp = fault(raising(ThrottledErr()))
    assert resp.status_int == 429
    assert resp.headers["Retry-After"] == "30"
    assert resp.json["overLimit"]["retryAfter"] == "30"


def test_negotiated_version_headers_are_kept() -> None:
    headers = (("OpenStack-API-Version", "compute 2.60"), ("Vary", "OpenStack-API-Version"))
    resp = fault(raising(ValueError(), headers))
    assert resp.headers["OpenStack-API-Version"] == "compute 2.60"
    assert resp.headers["Vary"] == "OpenStack-API-Version"


def test_webob_error_raised_while_reading_the_body_keeps_its_status() -> None:
    def reads_body(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise webob.exc.HTTPRequestEntityTooLarge(detail="Request is too large.")

    resp = fault(reads_body)
    assert resp.status_int == 413
    assert resp.json == {"overLimit": {"code": 413, "message": "Request is too large."}}


def test_traceback_is_logged_once_with_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="apistack.filters.faultwrap"):
        fault(raising(ValueError("boom")))
    records = [r for r in caplog.records if r.name == "apistack.filters.faultwrap"]
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert records[0].exc_info is not None
    assert "req-test" in records[0].getMessage()
    assert "/v2.1/things?x=1" in records[0].getMessage()


def test_http_errors_are_logged_without_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="apistack.filters.faultwrap"):
        fault(raising(webob.exc.HTTPRequestEntityTooLarge()))
    [record] = [r for r in caplog.records if r.name == "apistack.filters.faultwrap"]
    assert record.levelno == logging.INFO
    assert record.exc_info is None


def test_successful_responses_pass_through_untouched() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("201 Created", [("X-Mine", "1")])
        return [b"made"]

    resp = webob.Request.blank("/").get_response(FaultWrap(app))
    assert (resp.status_int, resp.body, resp.headers["X-Mine"]) == (201, b"made", "1")


def test_error_after_start_response_replaces_headers_with_exc_info() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [])
        raise ValueError("late")

    calls: list[tuple[str, Any]] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        calls.append((status, exc_info))
        return lambda data: None

    body = b"".join(FaultWrap(app)({"REQUEST_METHOD": "GET"}, start_response))
    assert [status for status, _ in calls] == ["200 OK", "500 Internal Server Error"]
    assert calls[1][1] is not None and isinstance(calls[1][1][1], ValueError)
    assert b"computeFault" in body


# The exception-to-status table.


class OutageError(Exception):
    """Declares no code: only the table can give it a status."""


class DeeperOutage(OutageError):
    pass


def test_keystoneauth_connection_errors_are_503_by_default() -> None:
    for exc in (ConnectTimeout("timed out"), ConnectFailure("refused"), SSLError("bad")):
        resp = fault(raising(exc))
        assert resp.status_int == 503
        assert resp.json == {"serviceUnavailable": {"code": 503, "message": default_message(503)}}


def test_mapped_exceptions_are_logged_as_warnings_without_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="apistack.filters.faultwrap"):
        fault(raising(ConnectTimeout("Keystone hangs")))
    [record] = [r for r in caplog.records if r.name == "apistack.filters.faultwrap"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "ConnectTimeout" in record.getMessage()


def test_the_most_specific_mapped_class_wins() -> None:
    table = {OutageError: 502, DeeperOutage: 504}
    app = FaultWrap(raising(DeeperOutage()), exception_statuses=table)
    assert webob.Request.blank("/").get_response(app).status_int == 504
    app = FaultWrap(raising(OutageError()), exception_statuses=table)
    assert webob.Request.blank("/").get_response(app).status_int == 502


def test_a_declared_code_wins_over_the_table() -> None:
    app = FaultWrap(raising(UnsafeErr()), exception_statuses={Exception: 503})
    assert webob.Request.blank("/").get_response(app).status_int == 409


def test_an_empty_table_leaves_connection_errors_as_500() -> None:
    app = FaultWrap(raising(ConnectTimeout()), exception_statuses=())
    assert webob.Request.blank("/").get_response(app).status_int == 500


def test_paste_form_entries_replace_the_default() -> None:
    path = f"{__name__}:OutageError=502 {__name__}.DeeperOutage=504"
    make_filter = FaultWrap.factory({}, exception_statuses=path)

    def status(exc: Exception) -> str:
        return str(webob.Request.blank("/").get_response(make_filter(raising(exc))).status)

    assert status(DeeperOutage()) == "504 Gateway Timeout"
    assert status(ConnectTimeout()) == "500 Internal Server Error"


def test_exception_status_table_resolves_paths_and_classes() -> None:
    table = exception_status_table({f"{__name__}:OutageError": 502, DeeperOutage: "504"})
    assert table == {OutageError: 502, DeeperOutage: 504}


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("no.such.module:Error=503", "cannot import"),
        (f"{__name__}:NoSuchClass=503", "cannot import"),
        (f"{__name__}:raising=503", "not an exception class"),
        ({int: 503}, "not an exception class"),
        (f"{__name__}:OutageError=abc", "not an integer"),
        (f"{__name__}:OutageError=302", "not from 400 to 599"),
    ],
)
def test_bad_table_entries_are_rejected_when_built(entry: Any, problem: str) -> None:
    table = entry if isinstance(entry, dict) else [entry]
    with pytest.raises(ValueError, match=problem):
        FaultWrap(raising(ValueError()), exception_statuses=table)


# Error responses of inner middleware become faults.


def responding(status: str, body: bytes, headers: list[tuple[str, str]] | None = None) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(status, [("Content-Length", str(len(body))), *(headers or [])])
        return [body]

    return app


AUTHTOKEN_401 = json.dumps(
    {"error": {"code": 401, "title": "Unauthorized", "message": "Authenticate, please."}}
).encode()
CHALLENGE = ("WWW-Authenticate", 'Keystone uri="http://127.0.0.1:5000/v3"')


def test_authtoken_style_401_becomes_a_fault_keeping_message_and_headers() -> None:
    inner = responding("401 Unauthorized", AUTHTOKEN_401, [CHALLENGE, ("X-Other", "1")])
    resp = webob.Request.blank("/").get_response(FaultWrap(inner))
    assert resp.status_int == 401
    assert resp.content_type == "application/json"
    assert resp.json == {"unauthorized": {"code": 401, "message": "Authenticate, please."}}
    assert resp.headers["WWW-Authenticate"] == CHALLENGE[1]
    assert resp.headers["X-Other"] == "1"
    assert resp.headers["Content-Length"] == str(len(resp.body))


def test_text_error_becomes_a_fault_with_the_generic_message() -> None:
    inner = responding("403 Forbidden", b"go away", [("Content-Type", "text/plain")])
    resp = webob.Request.blank("/").get_response(FaultWrap(inner))
    assert resp.json == {"forbidden": {"code": 403, "message": default_message(403)}}


def test_webob_error_response_with_top_level_message_keeps_it() -> None:
    inner = webob.exc.HTTPBadRequest(detail="Nope.")
    resp = webob.Request.blank("/", accept="application/json").get_response(FaultWrap(inner))
    assert resp.status_int == 400
    assert "Nope." in resp.json["badRequest"]["message"]


def test_inner_5xx_detail_never_leaks() -> None:
    body = json.dumps({"error": {"message": "db at 10.0.0.7 refused"}}).encode()
    resp = webob.Request.blank("/").get_response(FaultWrap(responding("503 Nope", body)))
    assert resp.status_int == 503
    assert resp.json == {"serviceUnavailable": {"code": 503, "message": default_message(503)}}


def test_a_fault_is_passed_through_byte_for_byte() -> None:
    original = fault_response(404, "Server x could not be found.", {"X-Mine": "1"})
    resp = webob.Request.blank("/").get_response(FaultWrap(original))
    assert resp.status == original.status
    assert resp.body == original.body
    assert resp.headerlist == original.headerlist


def test_rewrite_keeps_version_headers_once() -> None:
    version = ("OpenStack-API-Version", "compute 2.19")

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        environ[VERSION_HEADERS_KEY] = [version]
        start_response("401 Unauthorized", [version])
        return [b"no"]

    resp = webob.Request.blank("/").get_response(FaultWrap(app))
    assert resp.headers.getall("OpenStack-API-Version") == ["compute 2.19"]


def test_body_given_through_write_and_iterable_is_read_and_closed() -> None:
    closed: list[bool] = []

    class Body(list[bytes]):
        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Any) -> Body:
        write = start_response("401 Unauthorized", [])
        write(b'{"error": ')
        return Body([b'{"message": "in two parts"}}'])

    resp = webob.Request.blank("/").get_response(FaultWrap(app))
    assert resp.json["unauthorized"]["message"] == "in two parts"
    assert closed == [True]


def test_rewrite_can_be_switched_off() -> None:
    inner = responding("401 Unauthorized", AUTHTOKEN_401, [CHALLENGE])
    resp = webob.Request.blank("/").get_response(FaultWrap(inner, rewrite_errors=False))
    assert resp.body == AUTHTOKEN_401


def test_lazy_app_is_passed_through() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("401 Unauthorized", [("Content-Type", "text/plain")])
        yield b"lazy"

    resp = webob.Request.blank("/").get_response(FaultWrap(app))
    assert (resp.status_int, resp.body) == (401, b"lazy")


def test_error_raised_after_an_error_status_is_held_is_a_plain_fault() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("401 Unauthorized", [])
        raise ConnectTimeout("late")

    resp = webob.Request.blank("/").get_response(FaultWrap(app))
    assert resp.status_int == 503


@pytest.mark.parametrize(
    ("body", "code", "expected"),
    [
        (b'{"unauthorized": {"code": 401, "message": "m"}}', 401, True),
        (b'{"computeFault": {"code": 599, "message": "m"}}', 599, True),
        (b'{"error": {"code": 401, "message": "m"}}', 401, False),
        (b'{"unauthorized": {"code": 403, "message": "m"}}', 401, False),
        (b'{"unauthorized": {"code": 401}, "extra": 1}', 401, False),
        (b"<html>401</html>", 401, False),
        (b"[]", 401, False),
    ],
)
def test_is_fault_body(body: bytes, code: int, expected: bool) -> None:
    assert is_fault_body(body, code) is expected
