"""The example compute service's stored server and the storage interface its controllers use.

``ServerRecord`` is one stored server; ``ServerStore`` is what the controllers need from storage
(``apistack.examples.compute.store.SQLiteServerStore`` is the implementation), and
``ScanFilter`` is what a listing keeps while it scans.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["ScanFilter", "ServerRecord", "ServerStore"]


@dataclass
class ServerRecord:
    """One server as stored; ``seq`` orders servers by creation (newest has the largest)."""

    id: str
    name: str
    project_id: str
    user_id: str
    flavor_id: str
    image_id: str
    created: str
    updated: str
    status: str = "BUILD"
    vm_state: str = "building"
    task_state: str | None = "scheduling"
    power_state: int = 0
    launched_at: str | None = None
    description: str | None = None
    locked: bool = False
    access_ipv4: str = ""
    access_ipv6: str = ""
    key_name: str | None = None
    availability_zone: str = "nova"
    metadata: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    seq: int = 0


@dataclass(frozen=True)
class ScanFilter:
    """What ``ServerStore.scan`` keeps: a server whose name ``name`` accepts, whose status
    is ``status`` and whose lock is ``locked`` (None: any)."""

    name: Callable[[str], bool] | None = None
    status: str | None = None
    locked: bool | None = None

    def passes(self, row: Mapping[str, Any]) -> bool:
        """:returns: whether a stored row passes (checked before a record is built)."""
        if self.status is not None and row["status"] != self.status:
            return False
        if self.locked is not None and bool(int(row["locked"] or 0)) != self.locked:
            return False
        return self.name is None or self.name(row["name"])


class ServerStore(Protocol):
    """What the servers controller needs from storage."""

    def add(self, record: ServerRecord) -> ServerRecord:
        """Store a new server; :returns: it with its ``seq``."""
        ...

    def get(self, server_id: str) -> ServerRecord | None:
        """:returns: the server, or None."""
        ...

    def list(self, project_id: str | None) -> list[ServerRecord]:
        """:returns: the project's servers (all when None), newest first."""
        ...

    def scan(
        self,
        project_id: str | None,
        before_seq: int | None = None,
        batch: int = 64,
        where: ScanFilter | None = None,
    ) -> Iterator[ServerRecord]:
        """:returns: the project's servers (all when None) older than ``before_seq`` that
        pass ``where``, newest first, read ``batch`` at a time, so stopping early costs only
        what was read."""
        ...

    def scan_summaries(
        self,
        project_id: str | None,
        before_seq: int | None = None,
        batch: int = 64,
        where: ScanFilter | None = None,
    ) -> Iterator[tuple[str, str]]:
        """:returns: ``(id, name)`` of each server ``scan`` would return, in its order, read
        without the other fields (what a plain list shows)."""
        ...

    def update(
        self,
        server_id: str,
        changes: Mapping[str, Any],
        only_if_status: Collection[str] | None = None,
    ) -> ServerRecord | None:
        """Change fields of a server, atomically, if its status is one of ``only_if_status``.

        :returns: the changed record; None when the server is gone or its status differs.
        """
        ...

    def delete(self, server_id: str) -> bool:
        """:returns: whether a server was deleted."""
        ...
