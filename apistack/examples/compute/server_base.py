"""What every servers controller of the example shares: the store, ownership and status settling.

Ownership: a server belongs to the project (and user) of the context that created it. A
non-admin sees only its own project's servers; any other id is a 404, as in nova. Status
settling: a server in a transitional status (``BUILD``, ``REBOOT``, ``HARD_REBOOT``) becomes
``ACTIVE`` when it is next read, so ``openstack server create --wait`` finishes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, ClassVar, NamedTuple

from apistack.examples.compute.records import ServerRecord, ServerStore
from apistack.examples.compute.store import SQLiteServerStore
from apistack.resource import Controller, Fault, Request

__all__ = [
    "TRANSITIONAL",
    "Identity",
    "ServerControllerBase",
    "active_fields",
    "identity",
    "utc_now",
]

TRANSITIONAL = ("BUILD", "REBOOT", "HARD_REBOOT")


# (second, its text): strftime costs a microsecond, and most calls fall in the same second.
_LAST_NOW: list[tuple[int, str]] = [(-1, "")]


def utc_now() -> str:
    """:returns: the current UTC time as nova prints it (``2026-11-21T04:58:35Z``)."""
    second = int(time.time())
    last = _LAST_NOW[0]
    if last[0] == second:
        return last[1]
    text = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second))
    _LAST_NOW[0] = (second, text)
    return text


def active_fields() -> dict[str, Any]:
    """:returns: the field values of a server that has become ``ACTIVE`` now."""
    return {
        "status": "ACTIVE",
        "vm_state": "active",
        "task_state": None,
        "power_state": 1,
        "updated": utc_now(),
    }


class Identity(NamedTuple):
    """Who is asking: from the request context (``user_id``, ``project_id``, ``is_admin``);
    a named tuple, built on every request at a third of a frozen dataclass's cost."""

    user_id: str
    project_id: str
    is_admin: bool


def identity(req: Request) -> Identity:
    """:returns: the caller of ``req``; an anonymous non-admin when no context was set."""
    context = req.context
    return Identity(
        str(getattr(context, "user_id", None) or "anonymous"),
        str(getattr(context, "project_id", None) or "anonymous"),
        bool(getattr(context, "is_admin", False)),
    )


class ServerControllerBase(Controller):
    """Holds the store; ``state_dir`` (a class attribute, see ``make_routes``) locates it.

    :param store: the store; a ``SQLiteServerStore`` under ``state_dir`` when None.
    """

    state_dir: ClassVar[str | None] = None

    def __init__(self, store: ServerStore | None = None) -> None:
        super().__init__()
        self.store: ServerStore = store if store is not None else SQLiteServerStore(self.state_dir)

    @staticmethod
    def not_found(server_id: str) -> Fault:
        """:returns: nova's 404 for a server id."""
        return Fault(404, f"Instance {server_id} could not be found.")

    def visible(self, req: Request, server_id: str) -> ServerRecord:
        """:returns: the server if the caller may see it.

        :raises Fault: 404 when it does not exist or belongs to another project.
        """
        record = self.store.get(server_id)
        who = identity(req)
        if record is None or not (who.is_admin or record.project_id == who.project_id):
            raise self.not_found(server_id)
        return record

    def settled(self, records: Iterable[ServerRecord]) -> list[ServerRecord]:
        """:returns: ``records`` with transitional servers moved on to ``ACTIVE`` (stored)."""
        result = []
        for record in records:
            if record.status in TRANSITIONAL:
                changes = active_fields()
                if record.launched_at is None:
                    changes["launched_at"] = changes["updated"]
                updated = self.store.update(record.id, changes, only_if_status=(record.status,))
                # Another worker may have settled or deleted it meanwhile: re-read.
                record = updated or self.store.get(record.id) or record
            result.append(record)
        return result
