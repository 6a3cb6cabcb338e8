"""faultwrap: any escaped exception becomes a JSON fault, as nova's FaultWrapper answers."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import webob
import webob.exc

from apistack.filters import FaultWrap
from apistack.resource.faults import VERSION_HEADERS_KEY, default_message


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
