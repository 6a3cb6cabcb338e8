"""Server actions of the example compute service: ``reboot``, ``os-stop``, ``os-start``.

Each answers 202 with an empty body, or 409 when the server's state forbids the action
(nova's message: ``Cannot 'stop' instance <id> while it is in vm_state stopped``). State changes
are atomic in the store (``only_if_status``), so two workers cannot both start one server.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from apistack.examples.compute import schemas
from apistack.examples.compute.server_base import ServerControllerBase, active_fields, utc_now
from apistack.resource import Fault, Request, action, expected_errors, response, validation

__all__ = ["ServerActionsController"]

_REBOOT_FROM = {"SOFT": ("ACTIVE",), "HARD": ("ACTIVE", "SHUTOFF")}
#: the vm_state of each status an action may start from.
_VM_STATE = {"ACTIVE": "active", "SHUTOFF": "stopped"}


class ServerActionsController(ServerControllerBase):
    """The ``POST /servers/{id}/action`` handlers."""

    def _transition(
        self,
        req: Request,
        server_id: str,
        verb: str,
        allowed: Collection[str],
        changes: Mapping[str, Any],
    ) -> None:
        record = self.visible(req, server_id)
        if record.status in allowed:
            done = self.store.update(server_id, changes, only_if_status=allowed)
            if done is not None:
                return
            # The state changed under us (another worker): report the state we now see.
            record = self.visible(req, server_id)
        # nova checks the vm_state first, then that no task runs: a rebooting server is
        # "in task_state rebooting", not in the (acceptable) vm_state active.
        state = f"vm_state {record.vm_state}"
        if record.task_state is not None and record.vm_state in {_VM_STATE[s] for s in allowed}:
            state = f"task_state {record.task_state}"
        raise Fault(409, f"Cannot '{verb}' instance {server_id} while it is in {state}")

    @response(202)
    @expected_errors((404, 409))
    @action("reboot")
    @validation.schema(schemas.reboot)
    def _reboot(self, req: Request, id: str, body: dict[str, Any]) -> None:
        """Reboot (``{"reboot": {"type": "SOFT" | "HARD"}}``): the status is ``REBOOT`` or
        ``HARD_REBOOT`` until the server is next read."""
        kind = str(body["reboot"].get("type", "SOFT")).upper()
        hard = kind == "HARD"
        changes = {
            "status": "HARD_REBOOT" if hard else "REBOOT",
            "task_state": "rebooting_hard" if hard else "rebooting",
            "updated": utc_now(),
        }
        self._transition(req, id, "reboot", _REBOOT_FROM["HARD" if hard else "SOFT"], changes)

    @response(202)
    @expected_errors((404, 409))
    @action("os-stop")
    @validation.schema(schemas.stop)
    def _stop(self, req: Request, id: str, body: Any) -> None:
        """Power off an ``ACTIVE`` server: it becomes ``SHUTOFF``."""
        changes = {
            "status": "SHUTOFF",
            "vm_state": "stopped",
            "task_state": None,
            "power_state": 4,
            "updated": utc_now(),
        }
        self._transition(req, id, "stop", ("ACTIVE",), changes)

    @response(202)
    @expected_errors((404, 409))
    @action("os-start")
    @validation.schema(schemas.start)
    def _start(self, req: Request, id: str, body: Any) -> None:
        """Power on a ``SHUTOFF`` server: it becomes ``ACTIVE``."""
        self._transition(req, id, "start", ("SHUTOFF",), active_fields())
