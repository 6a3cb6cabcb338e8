"""The JSON fault format and the exception-to-status table (spec section 11)."""

from __future__ import annotations

import pytest
import webob
import webob.dec
import webob.exc

from apistack.resource import Controller, Fault, Resource, fault_response
from apistack.resource.exceptions import APIError, Conflict, InvalidContentType
from apistack.resource.faults import VERSION_HEADERS_KEY, fault_for_exception

from .conftest import NOVA, Call, fault

NAMES = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    406: "computeFault",
    409: "conflictingRequest",
    410: "computeFault",
    413: "overLimit",
    415: "badMediaType",
    422: "computeFault",
    429: "overLimit",
    500: "computeFault",
    501: "notImplemented",
    502: "computeFault",
    503: "serviceUnavailable",
}


@pytest.mark.parametrize(("code", "name"), sorted(NAMES.items()))
def test_fault_name_table_and_shape(code: int, name: str) -> None:
    response = webob.Request.blank("/").get_response(fault_response(code))
    assert response.status_int == code
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    message = webob.exc.status_map[code].explanation
    assert response.json == {name: {"code": code, "message": message}}


@pytest.mark.parametrize("code", sorted(NAMES))
def test_controller_raising_webob_errors_gets_the_same_faults(call: Call, code: int) -> None:
    class Raiser(Controller):
        def index(self, req):
            raise webob.exc.status_map[code](explanation="custom text")

    response = call(Resource(Raiser(), NOVA))
    assert fault(response) == (NAMES[code], code, "custom text")
    assert response.headers["OpenStack-API-Version"] == "compute 2.1"


@pytest.mark.parametrize("code", [413, 429])
def test_retry_after_is_reported_in_the_body(code: int) -> None:
    response = webob.Request.blank("/").get_response(
        Fault(code, "slow down", headers={"Retry-After": "30"})
    )
    assert response.headers["Retry-After"] == "30"
    assert response.json == {
        "overLimit": {"code": code, "message": "slow down", "retryAfter": "30"}
    }


def test_retry_after_only_for_413_and_429() -> None:
    response = webob.Request.blank("/").get_response(
        fault_response(503, headers={"Retry-After": 5})
    )
    assert "retryAfter" not in response.json["serviceUnavailable"]
    assert response.headers["Retry-After"] == "5"


def test_fault_from_a_webob_exception_keeps_its_headers_but_not_its_content_type() -> None:
    exc = webob.exc.HTTPTooManyRequests(headers={"Retry-After": "7"})
    response = webob.Request.blank("/").get_response(Fault(exc))
    assert response.status_int == 429
    assert response.json["overLimit"]["retryAfter"] == "7"
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"


def test_fault_adds_the_negotiated_version_headers_of_its_environ() -> None:
    req = webob.Request.blank("/")
    req.environ[VERSION_HEADERS_KEY] = (("OpenStack-API-Version", "compute 2.9"),)
    response = req.get_response(Fault(409))
    assert response.headers["OpenStack-API-Version"] == "compute 2.9"


def test_a_raised_fault_inside_wsgify_renders_as_json() -> None:
    @webob.dec.wsgify
    def app(req):
        raise Fault(404, "Instance x could not be found.")

    response = webob.Request.blank("/").get_response(app)
    assert response.json == {
        "itemNotFound": {"code": 404, "message": "Instance x could not be found."}
    }


class ServiceError(Exception):
    """A service's own exception, nova style: declares code and safe."""

    code = 409
    safe = False


class SafeServiceError(ServiceError):
    safe = True


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (ServiceError("db row 17 locked"), 409, webob.exc.HTTPConflict.explanation),
        (SafeServiceError("Instance is locked"), 409, "Instance is locked"),
        (Conflict("state is stopped"), 409, "state is stopped"),
        (InvalidContentType(), 415, "Unsupported Content-Type"),
        (APIError("internal detail"), 500, webob.exc.HTTPInternalServerError.explanation),
        (KeyError("x"), 500, webob.exc.HTTPInternalServerError.explanation),
    ],
)
def test_exception_table(exc: Exception, code: int, message: str) -> None:
    result = fault_for_exception(exc)
    assert (result.code, result.message) == (code, message)


@pytest.mark.parametrize("bad_code", ["409", 200, 302, 999, True, None])
def test_exceptions_with_unusable_codes_are_500(bad_code) -> None:
    exc = ServiceError()
    exc.code = bad_code  # type: ignore[assignment]
    assert fault_for_exception(exc).code == 500


def test_service_exceptions_raised_by_controllers(call: Call) -> None:
    class Raiser(Controller):
        def index(self, req):
            raise SafeServiceError("Instance is locked")

        def show(self, req, id):
            raise ServiceError("SELECT * FROM secrets")

    resource = Resource(Raiser(), NOVA)
    assert fault(call(resource)) == ("conflictingRequest", 409, "Instance is locked")
    response = call(resource, action="show", id="1")
    assert fault(response)[:2] == ("conflictingRequest", 409)
    assert "SELECT" not in response.text
