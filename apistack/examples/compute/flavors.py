"""Flavors of the example compute service: a fixed catalogue, list/detail/show and extra specs.

``GET /flavors/<name>`` is a 404 (clients fall back to listing on a 404 only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apistack.examples.compute import schemas
from apistack.examples.compute.views import collection_links, links, paginate
from apistack.resource import Controller, Fault, Request, expected_errors, validation

__all__ = ["FLAVORS", "FlavorExtraSpecsController", "FlavorSpec", "FlavorsController"]


@dataclass(frozen=True)
class FlavorSpec:
    """One flavor of the catalogue."""

    id: str
    name: str
    ram: int
    vcpus: int
    disk: int
    extra_specs: dict[str, str] = field(default_factory=dict)


FLAVORS: tuple[FlavorSpec, ...] = (
    FlavorSpec("1", "m1.tiny", 512, 1, 1, {"hw:cpu_policy": "shared"}),
    FlavorSpec("2", "m1.small", 2048, 1, 20, {"hw:cpu_policy": "shared"}),
    FlavorSpec("3", "m1.medium", 4096, 2, 40, {"hw:cpu_policy": "shared"}),
    FlavorSpec("4", "m1.large", 8192, 4, 80, {"hw:cpu_policy": "dedicated"}),
    FlavorSpec("5", "m1.xlarge", 16384, 8, 160, {}),
)
_BY_ID = {flavor.id: flavor for flavor in FLAVORS}


def find_flavor(flavor_id: str) -> FlavorSpec | None:
    """:returns: the flavor with this id, or None."""
    return _BY_ID.get(flavor_id)


def _flavor_or_404(flavor_id: str) -> FlavorSpec:
    flavor = find_flavor(flavor_id)
    if flavor is None:
        raise Fault(404, f"Flavor {flavor_id} could not be found.")
    return flavor


def _summary(req: Request, flavor: FlavorSpec) -> dict[str, Any]:
    return {"id": flavor.id, "name": flavor.name, "links": links(req, "flavors", flavor.id)}


def _detail(req: Request, flavor: FlavorSpec) -> dict[str, Any]:
    return {
        "id": flavor.id,
        "name": flavor.name,
        "ram": flavor.ram,
        "disk": flavor.disk,
        "swap": "",
        "vcpus": flavor.vcpus,
        "OS-FLV-EXT-DATA:ephemeral": 0,
        "OS-FLV-DISABLED:disabled": False,
        "os-flavor-access:is_public": True,
        "rxtx_factor": 1.0,
        "links": links(req, "flavors", flavor.id),
    }


def _minimum(req: Request, name: str) -> int:
    raw = req.GET.get(name)
    if raw is None:
        return 0
    try:
        return int(raw)
    except ValueError:
        raise Fault(400, f"Invalid {name} filter [{raw}]") from None


def _selected(req: Request) -> list[FlavorSpec]:
    """Flavors passing ``minRam``/``minDisk``; other parameters (``is_public``...) are ignored."""
    min_ram, min_disk = _minimum(req, "minRam"), _minimum(req, "minDisk")
    return [f for f in FLAVORS if f.ram >= min_ram and f.disk >= min_disk]


class FlavorsController(Controller):
    """``/flavors``, ``/flavors/detail`` and ``/flavors/{id}``."""

    def _page(self, req: Request, collection: str, view: Any) -> dict[str, Any]:
        page, limit = paginate(req, _selected(req), key=lambda flavor: flavor.id)
        items = [view(req, flavor) for flavor in page]
        result: dict[str, Any] = {"flavors": items}
        next_links = collection_links(req, collection, items, limit)
        if next_links:
            result["flavors_links"] = next_links
        return result

    @expected_errors(400)
    @validation.query_schema(schemas.flavors_query)
    def index(self, req: Request) -> dict[str, Any]:
        """List flavors: id, name and links."""
        return self._page(req, "flavors", _summary)

    @expected_errors(400)
    @validation.query_schema(schemas.flavors_query)
    def detail(self, req: Request) -> dict[str, Any]:
        """List flavors with all their fields."""
        return self._page(req, "flavors/detail", _detail)

    @expected_errors(404)
    def show(self, req: Request, id: str) -> dict[str, Any]:
        """Show one flavor; 404 for unknown ids and names."""
        return {"flavor": _detail(req, _flavor_or_404(id))}


class FlavorExtraSpecsController(Controller):
    """``/flavors/{flavor_id}/os-extra_specs[/{id}]`` (read only)."""

    @expected_errors(404)
    def index(self, req: Request, flavor_id: str) -> dict[str, Any]:
        """All extra specs of a flavor."""
        return {"extra_specs": dict(_flavor_or_404(flavor_id).extra_specs)}

    @expected_errors(404)
    def show(self, req: Request, flavor_id: str, id: str) -> dict[str, Any]:
        """One extra spec, as ``{key: value}``."""
        specs = _flavor_or_404(flavor_id).extra_specs
        if id not in specs:
            raise Fault(404, f"Flavor {flavor_id} has no extra specs with key {id}.")
        return {id: specs[id]}
