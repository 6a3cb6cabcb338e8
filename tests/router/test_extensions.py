"""nova Ocata's extension model: the manager, and the API APIRouter builds from it."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import pytest
import webob
from paste.deploy import loadapp

from apistack.resource import Resource
from apistack.resource.extensions import ExtensionError, ExtensionManager
from apistack.router import APIRouter

from . import sample_extensions

FACTORY = "tests.router.sample_extensions.standard_extensions"


def get(app: Any, path: str, method: str = "GET", **kwargs: Any) -> webob.Response:
    return webob.Request.blank(path, method=method, **kwargs).get_response(app)


@pytest.fixture
def router(caplog: pytest.LogCaptureFixture) -> APIRouter:
    with caplog.at_level(logging.WARNING):
        return APIRouter(extension_manager=ExtensionManager(factories=[FACTORY]))


def test_resource_extensions_become_resource_routes(router: APIRouter) -> None:
    assert get(router, "/volumes").json == {"volumes": [{"id": "v1"}]}
    assert get(router, "/volumes/detail").json["volumes"][0]["size"] == 1
    assert get(router, "/0af/volumes/detail").status_int == 200
    assert get(router, "/volumes/v9/snapshots").json == {"snapshots": [], "volume": "v9"}


def test_controller_extensions_extend_the_resource(router: APIRouter) -> None:
    assert get(router, "/volumes/v2").json == {"volume": {"id": "v2", "tenant": "p1"}}
    reset = get(router, "/volumes/v2/action", "POST", json={"os-reset_status": {}})
    assert reset.status_int == 202
    refused = get(
        router, "/volumes/v2/action", "POST", json={"os-reset_status": {"status": "bad"}}
    )
    assert (refused.status_int, refused.json["badRequest"]["message"]) == (400, "bad status")


def test_unknown_collection_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="apistack.router.extensions"):
        APIRouter(extension_manager=ExtensionManager(factories=[FACTORY]))
    assert "Cannot extend resource no-such-collection" in caplog.text


def test_inheriting_resources_come_after_and_share_action_extensions(router: APIRouter) -> None:
    backups = router.resources.get("volume-backups")
    volumes = router.resources.get("volumes")
    assert isinstance(backups, Resource) and backups.inherits is volumes
    assert isinstance(backups.controller, sample_extensions.VolumesController)
    assert get(router, "/volume-backups/b1").json == {"volume": {"id": "b1"}}


def test_check_function_and_duplicates() -> None:
    manager = ExtensionManager(factories=[FACTORY], check=lambda ext: ext.alias != "snapshots")
    assert manager.is_loaded("volumes") and not manager.is_loaded("snapshots")
    with pytest.raises(ExtensionError, match="duplicate extension: volumes"):
        sample_extensions.Volumes(manager)


def test_failed_factory_is_logged_or_raised_when_strict(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        manager = ExtensionManager(factories=["tests.router.no_such.thing", FACTORY])
    assert manager.is_loaded("volumes")
    assert "tests.router.no_such.thing" in caplog.text
    with pytest.raises(ExtensionError, match="no_such"):
        ExtensionManager(factories=["tests.router.no_such.thing"], strict=True)


def test_listing_collection_lists_the_extensions() -> None:
    class Listing(ExtensionManager):
        listing_collection = "extensions"

    router = APIRouter(extension_manager=Listing(factories=[FACTORY]))
    aliases = [ext["alias"] for ext in get(router, "/extensions").json["extensions"]]
    assert aliases == ["backups", "volumes", "os-vol-tenant-attr", "snapshots"]
    shown = get(router, "/extensions/volumes").json["extension"]
    assert shown["description"] == "Volumes, the core collection."
    assert get(router, "/extensions/nope").status_int == 404


def test_package_loading_finds_one_descriptor_per_module(tmp_path: Path) -> None:
    manager = ExtensionManager()
    package = Path(sample_extensions.__file__).parent
    manager.load_package([str(package)], "tests.router", names=["Sample_extensions"])
    assert manager.extensions == {}  # the module holds no class named after it
    manager.load_extension(sample_extensions.Volumes)
    assert list(manager.extensions) == ["volumes"]


def test_paste_keys_build_an_api_from_extensions(tmp_path: Path) -> None:
    ini = tmp_path / "api-paste.ini"
    ini.write_text(f"[app:api]\nuse = egg:apistack#router\napi_extensions = {FACTORY}\n")
    app = loadapp(f"config:{ini}", name="api")
    assert get(app, "/volumes/v3").json == {"volume": {"id": "v3", "tenant": "p1"}}


def test_old_route_plugin_key_warns(tmp_path: Path) -> None:
    with pytest.warns(DeprecationWarning, match="route_plugin_namespace"):
        APIRouter(extension_namespace="apistack.tests.nothing_here")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        APIRouter(route_plugin_namespace="apistack.tests.nothing_here")


def test_custom_routes_fn_may_use_routes_own_connect() -> None:
    from apistack.resource.extensions import ExtensionDescriptor, ResourceExtension

    def custom(mapper: Any, resource: Any) -> None:
        for prefix in ("/{project_id}", ""):
            mapper.connect(
                "volume-list",
                f"{prefix}/volume-list",
                controller=resource,
                action="index",
                conditions={"method": ["GET", "HEAD"]},
            )

    class Custom(ExtensionDescriptor):
        name, alias, updated = "Custom", "custom", "2026-01-01T00:00:00Z"

        def get_resources(self) -> list[ResourceExtension]:
            controller = sample_extensions.VolumesController()
            return [ResourceExtension("vols", controller, custom_routes_fn=custom)]

    manager = ExtensionManager()
    Custom(manager)
    router = APIRouter(extension_manager=manager)
    assert get(router, "/volume-list").json == {"volumes": [{"id": "v1"}]}
    assert get(router, "/0af/volume-list").status_int == 200
    assert get(router, "/volume-list", "POST").status_int == 405
