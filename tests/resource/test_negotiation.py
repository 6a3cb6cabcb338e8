"""Microversion negotiation through a Resource (spec section 8, checklist 19-27)."""

from __future__ import annotations

import pytest

from apistack.resource import APISettings, APIVersionRequest, Controller, Resource
from apistack.resource.negotiation import VERSION_KEY
from apistack.resource.versions import InvalidAPIVersionString

from .conftest import NOVA, Call, fault

STANDARD = "OpenStack-API-Version"
LEGACY = "X-OpenStack-Nova-API-Version"


class EchoVersion(Controller):
    def index(self, req):
        return {"version": req.api_version_request.get_string()}


@pytest.fixture
def nova() -> Resource:
    return Resource(EchoVersion(), NOVA)


def version_headers(response) -> tuple[str | None, str | None, list[str]]:
    return (
        response.headers.get(STANDARD),
        response.headers.get(LEGACY),
        response.headers.getall("Vary"),
    )


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "2.1"),
        ({STANDARD: "compute 2.7"}, "2.7"),
        ({STANDARD: "compute latest"}, "2.104"),
        ({STANDARD: "volume 3.1, compute 2.7"}, "2.7"),
        ({STANDARD: "compute 2.5, compute 2.7"}, "2.7"),
        ({STANDARD: "compute 2.7, volume 3.1"}, "2.7"),
        ({STANDARD: "COMPUTE 2.3"}, "2.3"),
        ({STANDARD: "  compute   2.3  "}, "2.3"),
        ({STANDARD: "volume 3.1"}, "2.1"),
        ({STANDARD: "compute"}, "2.1"),
        ({LEGACY: "2.9"}, "2.9"),
        ({LEGACY: "2.5, 2.9"}, "2.9"),
        ({LEGACY: "latest"}, "2.104"),
        ({STANDARD: "compute 2.7", LEGACY: "2.9"}, "2.7"),
        ({STANDARD: "volume 3.1", LEGACY: "2.9"}, "2.9"),
        ({STANDARD: "compute 2.104"}, "2.104"),
    ],
)
def test_negotiated_version(call: Call, nova: Resource, headers, expected: str) -> None:
    response = call(nova, headers=headers)
    assert response.status_int == 200
    assert response.json == {"version": expected}
    assert version_headers(response) == (
        f"compute {expected}",
        expected,
        [f"{STANDARD}, {LEGACY}"],
    )


@pytest.mark.parametrize(
    "headers",
    [
        {STANDARD: "compute 2.x"},
        {STANDARD: "compute 2.01"},
        {STANDARD: "compute LATEST"},
        {STANDARD: "compute 02.1"},
        {LEGACY: "2.x"},
    ],
)
def test_malformed_version_is_400_without_version_headers(call: Call, nova, headers) -> None:
    response = call(nova, headers=headers)
    value = next(iter(headers.values())).split()[-1]
    assert fault(response) == (
        "badRequest",
        400,
        f"API Version String {value} is of invalid format. Must be of format MajorNum.MinorNum.",
    )
    assert version_headers(response) == (None, None, [])


@pytest.mark.parametrize("requested", ["2.0", "3.0", "2.1000000", "1.5", "2.105"])
def test_out_of_range_is_406_echoing_the_version(call: Call, nova, requested: str) -> None:
    response = call(nova, headers={STANDARD: f"compute {requested}"})
    assert fault(response) == (
        "computeFault",
        406,
        f"Version {requested} is not supported by the API. Minimum is 2.1 and maximum is 2.104.",
    )
    assert version_headers(response) == (
        f"compute {requested}",
        requested,
        [f"{STANDARD}, {LEGACY}"],
    )


def test_version_is_kept_on_the_environ_for_outer_filters(nova: Resource) -> None:
    import webob

    req = webob.Request.blank("/", headers={STANDARD: "compute 2.42"})
    req.environ["wsgiorg.routing_args"] = ((), {"action": "index"})
    req.get_response(nova)
    assert req.environ[VERSION_KEY].get_string() == "2.42"


def test_faults_after_negotiation_carry_version_headers(call: Call, nova: Resource) -> None:
    response = call(nova, action="missing", headers={STANDARD: "compute 2.30"})
    assert fault(response)[:2] == ("itemNotFound", 404)
    assert version_headers(response)[:2] == ("compute 2.30", "2.30")


def test_api_without_legacy_header_ignores_it(call: Call) -> None:
    placement = Resource(EchoVersion(), APISettings("placement", "1.0", "1.39"))
    response = call(placement, headers={LEGACY: "1.5", STANDARD: "placement 1.10"})
    assert response.json == {"version": "1.10"}
    assert response.headers.getall("Vary") == [STANDARD]
    assert LEGACY not in response.headers


def test_unversioned_api_sends_no_version_headers(call: Call) -> None:
    class Plain(Controller):
        def index(self, req):
            return {"null": req.api_version_request.is_null()}

    response = call(Resource(Plain()), headers={STANDARD: "compute 9.9"})
    assert response.json == {"null": True}
    assert version_headers(response) == (None, None, [])


@pytest.mark.parametrize("digits", [10, 4301, 5000])
def test_versions_of_many_digits_are_invalid_not_errors(digits: int) -> None:
    with pytest.raises(InvalidAPIVersionString) as raised:
        APIVersionRequest("2." + "1" * digits)
    assert len(str(raised.value)) < 200
    assert APIVersionRequest("2.999999999").minor == 999_999_999
