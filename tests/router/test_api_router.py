"""APIRouter: route lists, controller factories, stevedore plugins and egg:apistack#router."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import webob
from paste.deploy import loadapp

from apistack.resource import APISettings, Resource
from apistack.router import APIRouter, ExtensionLoadError, RouterConfigError

from . import sample_api

SETTINGS = APISettings(min_version="2.1", max_version="2.10", legacy_header="X-Test-Version")


def get(app: Any, path: str, method: str = "GET", **kwargs: Any) -> webob.Response:
    return webob.Request.blank(path, method=method, **kwargs).get_response(app)


def test_factories_are_called_once_and_share_the_settings() -> None:
    sample_api.CALLS.clear()
    router = APIRouter(sample_api.ROUTES, settings=SETTINGS)
    assert sample_api.CALLS == [SETTINGS]
    resources = {id(e.app): e.app for e in router.route_table if e.app is not None}
    assert len(resources) == 2
    for app in resources.values():
        assert isinstance(app, Resource)
        assert app.settings is SETTINGS


def test_controller_factory_builds_resource_with_sub_controllers() -> None:
    router = APIRouter(sample_api.ROUTES, settings=SETTINGS)
    server_app = next(e.app for e in router.route_table if e.path == "/servers")
    assert isinstance(server_app, Resource)
    assert isinstance(server_app.controller, sample_api.ServersController)
    assert [type(s) for s in server_app.sub_controllers] == [sample_api.PauseController]
    assert get(router, "/servers/abc").json == {"server": {"id": "abc"}}
    paused = get(router, "/0af/servers/abc/action", "POST", json={"pause": None})
    assert paused.status_int == 202


def test_versioned_settings_reach_the_resource() -> None:
    router = APIRouter(sample_api.ROUTES, settings=SETTINGS)
    response = get(router, "/servers", headers={"OpenStack-API-Version": "compute 2.5"})
    assert response.json["version"] == "2.5"
    assert response.headers["X-Test-Version"] == "2.5"


def test_controller_subclass_is_a_factory() -> None:
    router = APIRouter(sample_api.EXTENSION_ROUTES)
    assert get(router, "/os-things").json == {"flavors": []}


@pytest.fixture
def extensions(tmp_path: Path) -> Iterator[str]:
    """Install entry points for a fresh namespace by putting a dist-info on sys.path."""
    namespace = f"apistack.tests.ext{tmp_path.name.replace('-', '_')}"
    dist = tmp_path / "apistack_test_ext-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: apistack-test-ext\nVersion: 1.0\n"
    )
    (dist / "entry_points.txt").write_text(
        f"[{namespace}]\n"
        "things = tests.router.sample_api:EXTENSION_ROUTES\n"
        "callable = tests.router.sample_api:extension_callable\n"
        "missing = tests.router.no_such_module:ROUTES\n"
        "broken = tests.router.sample_api:BROKEN_ROUTES\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield namespace
    finally:
        sys.path.remove(str(tmp_path))


def test_plugins_load_and_failures_are_logged(
    extensions: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="apistack.router.routelist"):
        router = APIRouter(extension_namespace=extensions)
    assert get(router, "/os-things").status_int == 200
    assert get(router, "/os-callable").status_int == 200
    assert get(router, "/os-broken").status_int == 404
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "'missing'" in logged and "no_such_module" in logged
    assert "'broken'" in logged


def test_strict_router_refuses_failed_plugins(extensions: str) -> None:
    with pytest.raises(ExtensionLoadError, match=r"missing.*broken|broken.*missing"):
        APIRouter(extension_namespace=extensions, strict=True)


def write_ini(tmp_path: Path, **options: str) -> str:
    lines = ["[app:api]", "use = egg:apistack#router"]
    lines += [f"{key} = {value}" for key, value in options.items()]
    path = tmp_path / "api-paste.ini"
    path.write_text("\n".join(lines) + "\n")
    return f"config:{path}"


def test_paste_entry_point_builds_the_router(tmp_path: Path) -> None:
    app = loadapp(
        write_ini(
            tmp_path,
            route_list="tests.router.sample_api:ROUTES",
            service_type="compute",
            min_version="2.1",
            max_version="2.10",
            legacy_header="X-Test-Version",
            project_id_regex="[0-9]+",
            strict="false",
        ),
        name="api",
    )
    assert isinstance(app, APIRouter)
    assert app.settings == SETTINGS
    assert get(app, "/123/servers/x").json == {"server": {"id": "x"}}
    assert get(app, "/abc/servers/x").status_int == 404


def test_paste_extension_namespace_alone(tmp_path: Path, extensions: str) -> None:
    app = loadapp(write_ini(tmp_path, extension_namespace=extensions), name="api")
    assert get(app, "/os-things").status_int == 200


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"route_list": "tests.router.sample_api:ROUTES", "max_versoin": "2.3"}, "max_versoin"),
        ({}, "route_list"),
        ({"route_list": "tests.router.sample_api"}, "route_list"),
        ({"route_list": "tests.router.sample_api:NOPE"}, "route_list"),
        ({"route_list": "tests.router.sample_api:ROUTES", "strict": "maybe"}, "strict"),
        ({"route_list": "tests.router.sample_api:ROUTES", "min_version": "2.x"}, "min_version"),
        (
            {"route_list": "tests.router.sample_api:ROUTES", "json_encoder": "ujson"},
            "json_encoder",
        ),
    ],
)
def test_bad_paste_options_name_the_key(options: dict[str, str], named: str) -> None:
    with pytest.raises(RouterConfigError, match=named):
        APIRouter.factory({}, **options)


def test_paste_json_encoder_chooses_how_bodies_are_written() -> None:
    app = APIRouter.factory({}, route_list="tests.router.sample_api:ROUTES", json_encoder="orjson")
    assert app.settings.json_encoder == "orjson"
    assert get(app, "/servers/x").body == b'{"server":{"id":"x"}}'
    plain = APIRouter.factory({}, route_list="tests.router.sample_api:ROUTES")
    assert get(plain, "/servers/x").body == b'{"server": {"id": "x"}}'
