"""``apistack.introspect``: the typed description of the example API's router."""

from __future__ import annotations

from pathlib import Path

import pytest

from apistack.examples.compute.routes import app_factory
from apistack.introspect import Route, describe_router
from apistack.resource import APIVersionRequest, Controller, Resource, expected_errors
from apistack.resource.decorators import EXPECTED_ERRORS_ATTR
from apistack.router import ProjectMapper, Router
from apistack.router.syntax import to_openapi_path


@pytest.fixture
def routes(tmp_path: Path) -> dict[tuple[str, str], Route]:
    router = app_factory({}, state_dir=str(tmp_path), max_version="2.19")
    return {(r.method, r.path): r for r in describe_router(router, "/v2.1")}


def test_routes_carry_their_variables_and_openapi_paths(
    routes: dict[tuple[str, str], Route],
) -> None:
    extra = routes[("GET", "/v2.1/flavors/{flavor_id}/os-extra_specs/{id}")]
    assert extra.variables == ("flavor_id", "id")
    assert extra.openapi_path == "/v2.1/flavors/{flavor_id}/os-extra_specs/{id}"
    assert extra.controller == "FlavorExtraSpecsController"
    assert routes[("*", "/v2.1")].redirect_to == "/"
    assert routes[("*", "/v2.1")].operations == ()


def test_versioned_implementations_are_operations_in_version_order(
    routes: dict[tuple[str, str], Route],
) -> None:
    create = routes[("POST", "/v2.1/servers")]
    [operation] = create.operations
    assert operation.handler.endswith("ServersController.create")
    assert operation.success_code() == 202
    assert 400 in operation.error_codes() and 403 in operation.error_codes()
    # 2.0: the legacy /v2 schema (the 2.1 one, relaxed), as nova's create_v20
    assert [str(s.min_version) for s in operation.body] == ["2.0", "2.1", "2.19"]
    assert operation.body[2].serves(APIVersionRequest("2.19"))
    assert not operation.body[2].serves(APIVersionRequest("2.18"))


def test_action_routes_list_each_action_key(routes: dict[tuple[str, str], Route]) -> None:
    action = routes[("POST", "/v2.1/servers/{id}/action")]
    keys = [op.action_key for op in action.operations]
    assert keys == sorted(keys)
    assert {"reboot", "os-stop", "os-start"} <= set(keys)
    assert all(op.body for op in action.operations)


def test_compiled_variables_follow_path_order_through_regex_segments() -> None:
    class Things(Controller):
        def show(self, req: object, id: str, fmt: str = "") -> None:
            pass

    mapper = ProjectMapper()
    resource = Resource(Things())
    mapper.connect(
        "/a/{id:[0-9]+}/b/{name}.{fmt}", method="GET", controller=resource, action="show"
    )
    [entry] = Router(mapper).route_table
    assert entry.variables == ("id", "name", "fmt")


@pytest.mark.parametrize(
    ("template", "path"),
    [
        ("/servers/{id}", "/servers/{id}"),
        ("/servers/{id:[0-9]+}/tags/:tag", "/servers/{id}/tags/{tag}"),
        ("/images/{id}{.format}", "/images/{id}"),
        ("/files/*rest", "/files/{rest}"),
    ],
)
def test_routes_templates_become_openapi_paths(template: str, path: str) -> None:
    assert to_openapi_path(template) == path


def test_expected_errors_are_recorded_per_version_range() -> None:
    @expected_errors(404, min_version="2.10")
    @expected_errors((400, 409))
    def method(self: object, req: object) -> None:
        pass

    declared = getattr(method, EXPECTED_ERRORS_ATTR)
    assert [sorted(d.codes) for d in declared] == [[400, 409], [404]]
    assert declared[1].min_version == APIVersionRequest("2.10")
