"""A nova-sized route table (shared by the router tests and benchmarks/router_bench.py).

``NOVA_PATHS`` follows the shape of nova's ``ROUTE_LIST`` (collections, ``detail``,
``{id}``, ``{id}/action``, nested ``{server_id}`` resources, one ``''`` -> ``'/'`` redirect)
and is padded to exactly 209 path x method pairs. ``synthetic_paths(n)`` makes tables of
any size with the same shapes, for the growth benchmark.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_CRUD = {"GET": "index", "POST": "create"}
_MEMBER = {"GET": "show", "PUT": "update", "DELETE": "delete"}
_SHOW_DELETE = {"GET": "show", "DELETE": "delete"}
_ACTION = {"POST": "action"}


def _get(action: str) -> dict[str, str]:
    return {"GET": action}


_BASE: list[tuple[str, dict[str, str]]] = [
    ("/", _get("show")),
    ("/versions/{id}", _get("show")),
    ("/extensions", _get("index")),
    ("/extensions/{id}", _get("show")),
    ("/flavors", _CRUD),
    ("/flavors/detail", _get("detail")),
    ("/flavors/{id}", _MEMBER),
    ("/flavors/{id}/action", _ACTION),
    ("/flavors/{flavor_id}/os-extra_specs", _CRUD),
    ("/flavors/{flavor_id}/os-extra_specs/{id}", _MEMBER),
    ("/flavors/{flavor_id}/os-flavor-access", _get("index")),
    ("/images", _get("index")),
    ("/images/detail", _get("detail")),
    ("/images/{id}", _SHOW_DELETE),
    ("/images/{image_id}/metadata", {"GET": "index", "POST": "create", "PUT": "update_all"}),
    ("/images/{image_id}/metadata/{id}", _MEMBER),
    ("/limits", _get("index")),
    ("/os-agents", _CRUD),
    ("/os-agents/{id}", {"PUT": "update", "DELETE": "delete"}),
    ("/os-aggregates", _CRUD),
    ("/os-aggregates/{id}", _MEMBER),
    ("/os-aggregates/{id}/action", _ACTION),
    ("/os-aggregates/{id}/images", {"POST": "images"}),
    ("/os-assisted-volume-snapshots", {"POST": "create"}),
    ("/os-assisted-volume-snapshots/{id}", {"DELETE": "delete"}),
    ("/os-availability-zone", _get("index")),
    ("/os-availability-zone/detail", _get("detail")),
    ("/os-baremetal-nodes", _CRUD),
    ("/os-baremetal-nodes/{id}", _SHOW_DELETE),
    ("/os-baremetal-nodes/{id}/action", _ACTION),
    ("/os-cells", _CRUD),
    ("/os-cells/capacities", _get("capacities")),
    ("/os-cells/detail", _get("detail")),
    ("/os-cells/info", _get("info")),
    ("/os-cells/sync_instances", {"POST": "sync_instances"}),
    ("/os-cells/{id}", _MEMBER),
    ("/os-cells/{id}/capacities", _get("capacities")),
    ("/os-certificates", {"POST": "create"}),
    ("/os-certificates/{id}", _get("show")),
    ("/os-cloudpipe", _CRUD),
    ("/os-cloudpipe/configure-project", {"PUT": "update"}),
    ("/os-console-auth-tokens/{id}", _get("show")),
    ("/os-fixed-ips/{id}", _get("show")),
    ("/os-fixed-ips/{id}/action", _ACTION),
    ("/os-floating-ip-dns", _get("index")),
    ("/os-floating-ip-dns/{id}", {"PUT": "update", "DELETE": "delete"}),
    ("/os-floating-ip-dns/{domain_id}/entries/{id}", _MEMBER),
    ("/os-floating-ip-pools", _get("index")),
    ("/os-floating-ips", _CRUD),
    ("/os-floating-ips/{id}", _SHOW_DELETE),
    ("/os-floating-ips-bulk", _CRUD),
    ("/os-floating-ips-bulk/{id}", {"GET": "show", "PUT": "update"}),
    ("/os-fping", _get("index")),
    ("/os-fping/{id}", _get("show")),
    ("/os-hosts", _get("index")),
    ("/os-hosts/{id}", {"GET": "show", "PUT": "update"}),
    ("/os-hosts/{id}/reboot", _get("reboot")),
    ("/os-hosts/{id}/shutdown", _get("shutdown")),
    ("/os-hosts/{id}/startup", _get("startup")),
    ("/os-hypervisors", _get("index")),
    ("/os-hypervisors/detail", _get("detail")),
    ("/os-hypervisors/statistics", _get("statistics")),
    ("/os-hypervisors/{id}", _get("show")),
    ("/os-hypervisors/{id}/search", _get("search")),
    ("/os-hypervisors/{id}/servers", _get("servers")),
    ("/os-hypervisors/{id}/uptime", _get("uptime")),
    ("/os-instance_usage_audit_log", _get("index")),
    ("/os-instance_usage_audit_log/{id}", _get("show")),
    ("/os-keypairs", _CRUD),
    ("/os-keypairs/{id}", _SHOW_DELETE),
    ("/os-migrations", _get("index")),
    ("/os-networks", _CRUD),
    ("/os-networks/add", {"POST": "add"}),
    ("/os-networks/{id}", _SHOW_DELETE),
    ("/os-networks/{id}/action", _ACTION),
    ("/os-quota-class-sets/{id}", {"GET": "show", "PUT": "update"}),
    ("/os-quota-sets/{id}", _MEMBER),
    ("/os-quota-sets/{id}/defaults", _get("defaults")),
    ("/os-quota-sets/{id}/detail", _get("detail")),
    ("/os-security-group-default-rules", _CRUD),
    ("/os-security-group-default-rules/{id}", _SHOW_DELETE),
    ("/os-security-group-rules", {"POST": "create"}),
    ("/os-security-group-rules/{id}", {"DELETE": "delete"}),
    ("/os-security-groups", _CRUD),
    ("/os-security-groups/{id}", _MEMBER),
    ("/os-server-external-events", {"POST": "create"}),
    ("/os-server-groups", _CRUD),
    ("/os-server-groups/{id}", _SHOW_DELETE),
    ("/os-services", _get("index")),
    ("/os-services/{id}", {"PUT": "update", "DELETE": "delete"}),
    ("/os-simple-tenant-usage", _get("index")),
    ("/os-simple-tenant-usage/{id}", _get("show")),
    ("/os-snapshots", _CRUD),
    ("/os-snapshots/detail", _get("detail")),
    ("/os-snapshots/{id}", _SHOW_DELETE),
    ("/os-tenant-networks", _CRUD),
    ("/os-tenant-networks/{id}", _SHOW_DELETE),
    ("/os-volumes", _CRUD),
    ("/os-volumes/detail", _get("detail")),
    ("/os-volumes/{id}", _SHOW_DELETE),
    ("/os-volumes_boot", _CRUD),
    ("/os-volumes_boot/detail", _get("detail")),
    ("/os-volumes_boot/{id}", _MEMBER),
    ("/os-volumes_boot/{id}/action", _ACTION),
    ("/servers", _CRUD),
    ("/servers/detail", _get("detail")),
    ("/servers/{id}", _MEMBER),
    ("/servers/{id}/action", _ACTION),
    ("/servers/{server_id}/consoles", _CRUD),
    ("/servers/{server_id}/consoles/{id}", _SHOW_DELETE),
    ("/servers/{server_id}/diagnostics", _get("index")),
    ("/servers/{server_id}/ips", _get("index")),
    ("/servers/{server_id}/ips/{id}", _get("show")),
    ("/servers/{server_id}/metadata", {"GET": "index", "POST": "create", "PUT": "update_all"}),
    ("/servers/{server_id}/metadata/{id}", _MEMBER),
    ("/servers/{server_id}/migrations", _get("index")),
    ("/servers/{server_id}/migrations/{id}", _SHOW_DELETE),
    ("/servers/{server_id}/migrations/{id}/action", _ACTION),
    ("/servers/{server_id}/os-instance-actions", _get("index")),
    ("/servers/{server_id}/os-instance-actions/{id}", _get("show")),
    ("/servers/{server_id}/os-interface", _CRUD),
    ("/servers/{server_id}/os-interface/{id}", _SHOW_DELETE),
    ("/servers/{server_id}/os-server-password", {"GET": "index", "DELETE": "clear"}),
    ("/servers/{server_id}/os-virtual-interfaces", _get("index")),
    ("/servers/{server_id}/os-volume_attachments", _CRUD),
    ("/servers/{server_id}/os-volume_attachments/{id}", _MEMBER),
    ("/servers/{server_id}/remote-consoles", {"POST": "create"}),
    ("/servers/{server_id}/tags", {"GET": "index", "PUT": "update_all", "DELETE": "delete_all"}),
    ("/servers/{server_id}/tags/{id}", _MEMBER),
    ("/servers/{server_id}/topology", _get("index")),
]
PAIRS = 209


def _padding(count: int) -> list[tuple[str, dict[str, str]]]:
    padding: list[tuple[str, dict[str, str]]] = []
    index = 0
    while count > 0:
        shape = (
            [(f"/os-extra-{index}", _CRUD), (f"/os-extra-{index}/{{id}}", _MEMBER)]
            if count >= 5
            else [(f"/os-extra-{index}/{{id}}", dict(list(_MEMBER.items())[:count]))]
        )
        for path, methods in shape:
            padding.append((path, methods))
            count -= len(methods)
        index += 1
    return padding


def _with_padding() -> list[tuple[str, dict[str, str]]]:
    pairs = sum(len(methods) for _, methods in _BASE)
    return _BASE + _padding(PAIRS - pairs)


NOVA_PATHS = _with_padding()
REDIRECTS = [("", "/")]


def synthetic_paths(pairs: int) -> list[tuple[str, dict[str, str]]]:
    """:returns: a table of exactly ``pairs`` path x method pairs with nova's shapes."""
    table: list[tuple[str, dict[str, str]]] = []
    index = 0
    while pairs > 0:
        for path, methods in [
            (f"/coll-{index}", _CRUD),
            (f"/coll-{index}/detail", _get("detail")),
            (f"/coll-{index}/{{id}}", _MEMBER),
            (f"/coll-{index}/{{id}}/action", _ACTION),
            (f"/coll-{index}/{{parent_id}}/sub/{{id}}", _SHOW_DELETE),
        ]:
            chosen = dict(list(methods.items())[:pairs])
            if chosen:
                table.append((path, chosen))
                pairs -= len(chosen)
        index += 1
    return table


def route_list(
    paths: list[tuple[str, dict[str, str]]],
    factory_for: Callable[[str], Any],
    redirects: list[tuple[str, str]] = REDIRECTS,
) -> tuple[tuple[str, Any], ...]:
    """:returns: nova's ``ROUTE_LIST`` shape; ``factory_for(collection)`` names the factory."""
    entries: list[tuple[str, Any]] = [(src, dst) for src, dst in redirects]
    for path, methods in paths:
        factory = factory_for(path.split("/")[1] or "root")
        entries.append((path, {method: [factory, action] for method, action in methods.items()}))
    return tuple(entries)
