"""The service-author guide's example (``doc/source/user/example_volumes.py``) does what the
guide says: served through ``APIRouter`` and driven with webob requests, as a service's own
tests would."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import webob

from apistack.resource import APISettings
from apistack.resource.validation import list_route_schemas
from apistack.router import APIRouter

EXAMPLE = Path(__file__).resolve().parents[1] / "doc" / "source" / "user" / "example_volumes.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_volumes", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def api() -> Any:
    example = load_example()
    settings = APISettings("volume", "3.0", "3.10", context_key="openstack.context")
    router = APIRouter(example.ROUTES, settings=settings, project_prefix=False)

    def call(method: str, path: str, body: Any = None, version: str = "3.0") -> webob.Response:
        headers = {"OpenStack-API-Version": f"volume {version}"}
        req = webob.Request.blank(path, method=method, headers=headers)
        if body is not None:
            req.body, req.content_type = json.dumps(body).encode(), "application/json"
        return req.get_response(router)

    call.router = router  # type: ignore[attr-defined]
    return call


def create(api: Any, version: str = "3.0", **volume: Any) -> webob.Response:
    return api("POST", "/volumes", {"volume": {"name": "v", "size": 1, **volume}}, version)


def test_create_answers_202_with_location(api: Any) -> None:
    created = create(api)
    volume_id = created.json["volume"]["id"]
    assert (created.status_int, created.headers["Location"]) == (202, volume_id)
    assert api("GET", f"/volumes/{volume_id}").json == {
        "volume": {"id": volume_id, "name": "v", "size": 1}
    }


def test_schema_per_version_range(api: Any) -> None:
    old = create(api, description="x")
    assert old.status_int == 400
    assert old.json["badRequest"]["code"] == 400
    new = create(api, "3.5", description="x")
    assert new.status_int == 202
    shown = api("GET", f"/volumes/{new.json['volume']['id']}", version="3.5")
    assert shown.json["volume"]["description"] == "x"


def test_overloads_pick_the_implementation_by_version(api: Any) -> None:
    volume_id = create(api).json["volume"]["id"]
    assert "description" not in api("GET", f"/volumes/{volume_id}", version="3.4").json["volume"]
    assert "description" in api("GET", f"/volumes/{volume_id}", version="3.5").json["volume"]


def test_missing_volume_is_a_404_fault(api: Any) -> None:
    missing = api("GET", "/volumes/nope")
    assert missing.status_int == 404
    assert missing.json == {
        "itemNotFound": {"code": 404, "message": "Volume nope could not be found."}
    }


def test_gated_action_and_sub_controller_action(api: Any) -> None:
    volume_id = create(api).json["volume"]["id"]
    path = f"/volumes/{volume_id}/action"
    assert api("POST", path, {"extend": {"new_size": 2}}, "3.1").status_int == 404
    assert api("POST", path, {"extend": {"new_size": 2}}, "3.2").status_int == 202
    assert api("POST", path, {"extend": {}}, "3.2").status_int == 400
    assert api("GET", f"/volumes/{volume_id}").json["volume"]["size"] == 2
    assert api("POST", path, {"attach": {}}).status_int == 202
    conflict = api("DELETE", f"/volumes/{volume_id}")
    assert (conflict.status_int, conflict.json["conflictingRequest"]["code"]) == (409, 409)


def test_query_schema_drops_unknown_parameters(api: Any) -> None:
    create(api, name="a")
    create(api, name="b")
    listed = api("GET", "/volumes?name=a&sort=whatever").json["volumes"]
    assert [volume["name"] for volume in listed] == ["a"]


def test_delete_answers_204(api: Any) -> None:
    volume_id = create(api).json["volume"]["id"]
    deleted = api("DELETE", f"/volumes/{volume_id}")
    assert (deleted.status_int, deleted.body) == (204, b"")
    assert api("GET", f"/volumes/{volume_id}").status_int == 404


def test_every_post_has_a_body_schema(api: Any) -> None:
    described = list_route_schemas(api.router)
    posts = [method for method in described if method.http_method == "POST"]
    assert {method.action_key or method.action for method in posts} == {
        "create",
        "extend",
        "attach",
    }
    assert [method.handler for method in posts if not method.body] == []


def test_errors_guide_domain_exception_inside_expected_errors_is_a_500() -> None:
    """doc/source/user/errors.rst: a bare domain ``NotFound`` is a 404 fault from an
    undecorated method, but a 500 from an ``@expected_errors`` one (nova's semantics)."""
    example = load_example()

    class Undeclared(example.Controller):
        @example.expected_errors(404)
        def show(self, req: Any, id: str) -> Any:
            return example.find(id)

        def index(self, req: Any) -> Any:
            return example.find("nope")

    routes = (
        ("/things", {"GET": [Undeclared, "index"]}),
        ("/things/{id}", {"GET": [Undeclared, "show"]}),
    )
    router = APIRouter(routes, settings=APISettings("volume", "3.0", "3.10"), project_prefix=False)
    undecorated = webob.Request.blank("/things").get_response(router)
    assert (undecorated.status_int, undecorated.json["itemNotFound"]["code"]) == (404, 404)
    declared = webob.Request.blank("/things/nope").get_response(router)
    assert declared.status_int == 500
    assert "NotFound" not in declared.text
