"""Extension descriptors for test_extensions.py, in nova Ocata's and cinder's style."""

from __future__ import annotations

from typing import Any

from apistack.resource import Controller, Fault, ResponseObject, action, extends, response
from apistack.resource.extensions import (
    ControllerExtension,
    ExtensionDescriptor,
    ResourceExtension,
)


class VolumesController(Controller):
    def index(self, req: Any) -> dict[str, Any]:
        return {"volumes": [{"id": "v1"}]}

    def show(self, req: Any, id: str) -> dict[str, Any]:
        return {"volume": {"id": id}}

    def detail(self, req: Any) -> dict[str, Any]:
        return {"volumes": [{"id": "v1", "size": 1}]}


class TenantAttribute(Controller):
    @extends
    def show(self, req: Any, resp_obj: ResponseObject, id: str) -> None:
        resp_obj.obj["volume"]["tenant"] = "p1"

    @response(202)
    @action("os-reset_status")
    def _reset(self, req: Any, id: str, body: Any) -> None:
        return None


class Guard(Controller):
    @extends(action="os-reset_status")
    def _guard(self, req: Any, id: str, body: Any) -> Any:
        if body["os-reset_status"].get("status") == "bad":
            raise Fault(400, "bad status")
        yield


class SnapshotsController(Controller):
    def index(self, req: Any, volume_id: str) -> dict[str, Any]:
        return {"snapshots": [], "volume": volume_id}


class Volumes(ExtensionDescriptor):
    """Volumes, the core collection."""

    name, alias, updated = "Volumes", "volumes", "2026-01-01T00:00:00Z"

    def get_resources(self) -> list[ResourceExtension]:
        return [
            ResourceExtension(
                "volumes",
                VolumesController(),
                member_name="volume",
                collection_actions={"detail": "GET"},
                member_actions={"action": "POST"},
            )
        ]


class Volume_tenant_attribute(ExtensionDescriptor):
    """Adds the tenant to a volume."""

    name, alias, updated = "VolumeTenantAttribute", "os-vol-tenant-attr", "2026-01-01T00:00:00Z"

    def get_controller_extensions(self) -> list[ControllerExtension]:
        return [
            ControllerExtension(self, "volumes", TenantAttribute()),
            ControllerExtension(self, "volumes", Guard()),
            ControllerExtension(self, "no-such-collection", Guard()),
        ]


class Snapshots(ExtensionDescriptor):
    """Snapshots of a volume, nested under it."""

    name, alias, updated = "Snapshots", "snapshots", "2026-01-01T00:00:00Z"

    def get_resources(self) -> list[ResourceExtension]:
        return [
            ResourceExtension(
                "snapshots",
                SnapshotsController(),
                parent={"member_name": "volume", "collection_name": "volumes"},
            )
        ]


class InheritingBackups(ExtensionDescriptor):
    """Listed before Volumes, but inherits from it, so it is routed after."""

    name, alias, updated = "Backups", "backups", "2026-01-01T00:00:00Z"

    def get_resources(self) -> list[ResourceExtension]:
        return [ResourceExtension("volume-backups", None, inherits="volumes")]


def standard_extensions(ext_mgr: Any) -> None:
    """A cinder-style factory loading several descriptors."""
    for factory in (InheritingBackups, Volumes, Volume_tenant_attribute, Snapshots):
        factory(ext_mgr)
