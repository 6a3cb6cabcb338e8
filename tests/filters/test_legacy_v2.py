"""legacy_v2: requests run unversioned; responses lose the microversion headers."""

from __future__ import annotations

from typing import Any

import pytest
import webob

from apistack.filters import LegacyV2
from apistack.filters.legacy_v2 import strip_version_headers
from apistack.resource import APISettings, Controller, Resource
from apistack.resource.versions import APIVersionRequest
from tests.filters.apps import Recorder


def answering(headers: list[tuple[str, str]]) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", list(headers))
        return [b"{}"]

    return app


def test_request_is_marked_and_its_version_headers_removed(recorder: Recorder) -> None:
    headers = {
        "OpenStack-API-Version": "compute 2.60",
        "X-OpenStack-Nova-API-Version": "2.60",
        "X-Other": "kept",
    }
    webob.Request.blank("/v2/servers", headers=headers).get_response(LegacyV2(recorder))
    assert recorder.environ is not None
    assert recorder.environ["openstack.legacy_v2"] is True
    assert "HTTP_OPENSTACK_API_VERSION" not in recorder.environ
    assert "HTTP_X_OPENSTACK_NOVA_API_VERSION" not in recorder.environ
    assert recorder.environ["HTTP_X_OTHER"] == "kept"


def test_legacy_header_is_configurable(recorder: Recorder) -> None:
    headers = {"OpenStack-Volume-Version": "3.1", "X-OpenStack-Nova-API-Version": "2.1"}
    app = LegacyV2.factory({}, legacy_header="OpenStack-Volume-Version")(recorder)
    webob.Request.blank("/", headers=headers).get_response(app)
    assert recorder.environ is not None
    assert "HTTP_OPENSTACK_VOLUME_VERSION" not in recorder.environ
    assert recorder.environ["HTTP_X_OPENSTACK_NOVA_API_VERSION"] == "2.1"


def test_response_version_headers_and_vary_names_are_removed() -> None:
    app = answering(
        [
            ("Content-Type", "application/json"),
            ("OpenStack-API-Version", "compute 2.60"),
            ("X-OpenStack-Nova-API-Version", "2.60"),
            ("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version"),
            ("Vary", "Accept-Encoding, openstack-api-version"),
            ("vary", "Accept-Encoding, Accept"),
        ]
    )
    resp = webob.Request.blank("/").get_response(LegacyV2(app))
    assert resp.headerlist == [
        ("Content-Type", "application/json"),
        ("Vary", "Accept-Encoding, Accept"),
    ]


def test_vary_is_dropped_when_only_version_names_remain() -> None:
    app = answering([("Vary", "OpenStack-API-Version"), ("X-Keep", "1")])
    resp = webob.Request.blank("/").get_response(LegacyV2(app))
    assert "Vary" not in resp.headers
    assert resp.headers["X-Keep"] == "1"


def test_untouched_headers_are_passed_as_they_are() -> None:
    headers = [("X-A", "1"), ("Content-Type", "text/plain")]
    assert strip_version_headers(headers, frozenset({"openstack-api-version"})) == headers


class Things(Controller):
    def index(self, req: Any) -> dict[str, Any]:
        return {"legacy": req.is_legacy_v2(), "version": req.api_version_request.get_string()}


@pytest.mark.parametrize("requested", ["compute 2.60", "compute latest"])
def test_a_versioned_resource_behind_it_answers_as_v2(requested: str) -> None:
    settings = APISettings(
        min_version=APIVersionRequest("2.1"),
        max_version=APIVersionRequest("2.90"),
        legacy_header="X-OpenStack-Nova-API-Version",
    )
    resource = Resource(Things(), settings)
    req = webob.Request.blank("/v2/things", headers={"OpenStack-API-Version": requested})
    req.environ["wsgiorg.routing_args"] = ((), {"action": "index"})
    resp = req.get_response(LegacyV2(resource))
    assert resp.status_int == 200
    assert resp.json == {"legacy": True, "version": "2.1"}
    assert "OpenStack-API-Version" not in resp.headers
    assert "X-OpenStack-Nova-API-Version" not in resp.headers
    assert "Vary" not in resp.headers
