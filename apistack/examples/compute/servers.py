"""``ServersController``: show, create, update, delete; lists (``server_lists``) and the
server actions (``server_actions``) come from its bases."""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Sequence
from typing import Any

from apistack.examples.compute import schemas
from apistack.examples.compute.flavors import find_flavor
from apistack.examples.compute.records import ServerRecord
from apistack.examples.compute.server_base import identity, utc_now
from apistack.examples.compute.server_lists import ServerListsController
from apistack.examples.compute.views import DESCRIPTION_VERSION, links, server_detail
from apistack.resource import Fault, Request, expected_errors, response, validation

__all__ = ["ServersController"]

#: the most servers one create request may make (a stand-in for nova's quota).
MAX_SERVERS_PER_REQUEST = 50
_COUNT_DIGITS = 9
_BAD_BOOT = (
    "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device "
    "mapping combination is not valid."
)


def _last_segment(ref: Any) -> str:
    """``flavorRef``/``imageRef`` may be an id or an href ending in the id."""
    return str(ref).rstrip("/").rsplit("/", 1)[-1]


def _is_boot_index(value: Any) -> bool:
    try:
        return value is not None and int(value) == 0
    except (TypeError, ValueError):
        return False


def _boot_image(server: dict[str, Any]) -> str:
    """:returns: the image the server boots from, ``""`` when it boots from a volume."""
    if server.get("imageRef"):
        return _last_segment(server["imageRef"])
    for bdm in server.get("block_device_mapping_v2") or ():
        if _is_boot_index(bdm.get("boot_index")):
            local = bdm.get("destination_type", "local") == "local"
            if bdm.get("source_type") == "image" and local:
                return str(bdm.get("uuid") or "")
            return ""
    raise Fault(400, _BAD_BOOT)


def _count(value: Any) -> int:
    """A validated count (a positive integer or digit string), capped where no quota reaches:
    ``int()`` refuses strings of more than 4,300 digits."""
    text = str(value)
    return int(text) if len(text) <= _COUNT_DIGITS else 10**_COUNT_DIGITS


def _counts(server: dict[str, Any]) -> int:
    min_count = _count(server.get("min_count", 1))
    max_count = _count(server.get("max_count", min_count))
    if min_count > max_count:
        raise Fault(400, "min_count must be <= max_count")
    if max_count > MAX_SERVERS_PER_REQUEST:
        requested = max_count if max_count < 10**_COUNT_DIGITS else f"over {max_count - 1}"
        raise Fault(
            403,
            f"Quota exceeded for instances: Requested {requested}, but the limit is "
            f"{MAX_SERVERS_PER_REQUEST}",
        )
    return max_count


class ServersController(ServerListsController):
    """``/servers`` and ``/servers/{id}`` (lists come from ``ServerListsController``, actions
    from ``ServerActionsController``)."""

    @expected_errors(404)
    def show(self, req: Request, id: str) -> dict[str, Any]:
        """Show one server; 404 for unknown, foreign and non-UUID ids."""
        return {"server": server_detail(req, self.settled([self.visible(req, id)])[0])}

    @response(202)
    @expected_errors((400, 403))
    @validation.schema(schemas.create, "2.0", "2.0")  # legacy /v2: relaxed, as nova's create_v20
    @validation.schema(schemas.create, "2.1", "2.18")
    @validation.schema(schemas.create_v219, "2.19")
    def create(self, req: Request, body: dict[str, Any]) -> dict[str, Any]:
        """Create ``max_count`` servers (``name-1``, ``name-2``... when several); 202 with the
        first one's id, links and admin password."""
        server = body["server"]
        flavor_id = _last_segment(server["flavorRef"])
        if find_flavor(flavor_id) is None:
            raise Fault(400, "Invalid flavorRef provided.")
        count = _counts(server)
        records = self._new_records(req, server, flavor_id, count)
        for record in records:
            self.store.add(record)
        first = records[0]
        groups = server.get("security_groups") or [{"name": "default"}]
        return {
            "server": {
                "id": first.id,
                "links": links(req, "servers", first.id),
                "OS-DCF:diskConfig": "MANUAL",
                "security_groups": [{"name": str(g.get("name", "default"))} for g in groups],
                "adminPass": server.get("adminPass") or secrets.token_urlsafe(9),
            }
        }

    @staticmethod
    def _new_records(
        req: Request, server: dict[str, Any], flavor_id: str, count: int
    ) -> list[ServerRecord]:
        """:returns: the ``count`` servers one create request makes (what they share is
        worked out once)."""
        who, now, image_id = identity(req), utc_now(), _boot_image(server)
        name = str(server["name"])
        networks: Sequence[Any] | str | None = server.get("networks")
        description = None
        if req.api_version_request >= DESCRIPTION_VERSION:
            description = server.get("description")
        raw_metadata = server.get("metadata")
        metadata = {str(k): str(v) for k, v in raw_metadata.items()} if raw_metadata else {}
        return [
            ServerRecord(
                _server_id(),
                name if count == 1 else f"{name}-{index + 1}",
                who.project_id,
                who.user_id,
                flavor_id,
                image_id,
                now,
                now,
                description=description,
                access_ipv4=str(server.get("accessIPv4") or ""),
                access_ipv6=str(server.get("accessIPv6") or ""),
                key_name=server.get("key_name"),
                availability_zone=str(server.get("availability_zone") or "nova"),
                metadata=metadata,
                addresses={} if networks == "none" else {"private": [_address()]},
            )
            for index in range(count)
        ]

    @expected_errors((400, 404))
    @validation.schema(schemas.update, "2.0", "2.0")  # legacy /v2: relaxed, as nova's update_v20
    @validation.schema(schemas.update, "2.1", "2.18")
    @validation.schema(schemas.update_v219, "2.19")
    def update(self, req: Request, id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Rename a server or change its access IPs (and description from 2.19)."""
        self.visible(req, id)
        server = body["server"]
        changes: dict[str, Any] = {"updated": utc_now()}
        for key, column in (("name", "name"), ("accessIPv4", "access_ipv4")):
            if key in server:
                changes[column] = str(server[key] or "")
        if "accessIPv6" in server:
            changes["access_ipv6"] = str(server["accessIPv6"] or "")
        if "description" in server and req.api_version_request >= DESCRIPTION_VERSION:
            changes["description"] = server["description"]
        record = self.store.update(id, changes)
        if record is None:
            raise self.not_found(id)
        return {"server": server_detail(req, record, extended=False)}

    @response(204)
    @expected_errors(404)
    def delete(self, req: Request, id: str) -> None:
        """Delete a server at once (``openstack server delete --wait`` polls for the 404)."""
        self.visible(req, id)
        if not self.store.delete(id):
            raise self.not_found(id)


def _address() -> dict[str, Any]:
    # A made-up address is no secret: random, not secrets (no system call), and one draw
    # for both octets (randrange costs twice as much as the arithmetic).
    draw = int(random.random() * 62_500)
    return {"version": 4, "addr": f"10.0.{draw // 250 + 1}.{draw % 250 + 2}"}


def _server_id() -> str:
    """:returns: a random (version 4) UUID, as ``str(uuid.uuid4())`` writes it: the same
    16 bytes from ``os.urandom``, formatted without building a ``UUID`` (half the cost)."""
    digits = os.urandom(16).hex()
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"
