"""Real OpenStack clients against the served example stack: openstacksdk and the ``openstack`` CLI.

The CLI runs as a subprocess with an isolated environment (a temporary HOME, so no
clouds.yaml or cache is read or written, and only the ``OS_*`` variables set here), the way
../shared/spec/clients.md says a noauth endpoint is reached: ``admin_token`` with a noauth2
``user:project`` token. Each test asserts on what the client returns or prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.functional.conftest import ServedStack, fresh_token
from tests.functional.wire import IMAGE, REQUEST_ID, call, create_server

openstack = pytest.importorskip("openstack")  # the test extra installs it
from openstack import connection, exceptions  # noqa: E402

pytestmark = [
    pytest.mark.served,
    # The SDK warns about its own deprecated internals; nothing this test can change.
    pytest.mark.filterwarnings("ignore::PendingDeprecationWarning:openstack"),
]

OPENSTACK = Path(sys.executable).parent / "openstack"
BOOT_FROM_IMAGE = f"uuid={IMAGE},source_type=image,destination_type=local,boot_index=0"


@pytest.fixture
def sdk(compute_stack: ServedStack, tmp_path: Path) -> Iterator[Any]:
    """:returns: an SDK connection for a fresh project (HOME points at an empty directory)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(tmp_path))
        conn = connection.Connection(
            auth_type="admin_token",
            auth={"endpoint": compute_stack.url + "/v2.1", "token": fresh_token()},
        )
        yield conn
        conn.close()


class CLI:
    """``openstack`` for one project, as a subprocess with only the environment built here."""

    def __init__(self, endpoint: str, home: Path) -> None:
        self.env = {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "OS_AUTH_TYPE": "admin_token",
            "OS_TOKEN": fresh_token(),
            "OS_ENDPOINT": endpoint,
            "OS_IDENTITY_API_VERSION": "3",
            # server list checks the identity API version; point identity at the endpoint.
            "OS_IDENTITY_ENDPOINT_OVERRIDE": endpoint,
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """:returns: the finished process (any exit status)."""
        return subprocess.run(
            [str(OPENSTACK), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def json(self, *args: str) -> Any:
        """:returns: the parsed ``-f json`` output of a command that must succeed."""
        done = self.run(*args, "-f", "json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture
def cli(compute_stack: ServedStack, tmp_path: Path) -> CLI:
    return CLI(compute_stack.url + "/v2.1", tmp_path)


# openstacksdk -------------------------------------------------------------------------------


def test_sdk_flavors(sdk: Any) -> None:
    names = [flavor.name for flavor in sdk.compute.flavors()]
    assert names[:3] == ["m1.tiny", "m1.small", "m1.medium"]
    small = sdk.compute.find_flavor("m1.small")
    assert (small.id, small.ram, small.vcpus) == ("2", 2048, 1)
    assert sdk.compute.get_flavor("1").name == "m1.tiny"


def test_sdk_server_lifecycle(sdk: Any) -> None:
    created = sdk.compute.create_server(name="sdk1", flavor_id="1", image_id=IMAGE)
    server = sdk.compute.wait_for_server(created, status="ACTIVE", interval=0.1, wait=30)
    assert (server.id, server.status) == (created.id, "ACTIVE")
    shown = sdk.compute.get_server(created.id)
    # The SDK negotiated the stack's maximum (2.19): locked (2.9) and description (2.19).
    assert (shown.name, shown.is_locked, shown.description) == ("sdk1", False, None)
    assert shown.flavor["id"] == "1"
    assert [s.id for s in sdk.compute.servers()] == [created.id]
    sdk.compute.reboot_server(created, "SOFT")
    # wait_for_server returns at once when the object already says ACTIVE: re-read instead.
    assert sdk.compute.get_server(created.id).status == "ACTIVE"
    sdk.compute.stop_server(created)
    assert sdk.compute.get_server(created.id).status == "SHUTOFF"
    with pytest.raises(exceptions.ConflictException) as conflict:
        sdk.compute.stop_server(created)
    assert "while it is in vm_state stopped" in str(conflict.value)
    assert REQUEST_ID.match(conflict.value.request_id)
    sdk.compute.start_server(created)
    assert sdk.compute.get_server(created.id).status == "ACTIVE"
    sdk.compute.delete_server(created)
    sdk.compute.wait_for_delete(created, interval=0.1, wait=30)
    assert list(sdk.compute.servers()) == []


def test_sdk_missing_server_is_not_found(sdk: Any) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(exceptions.NotFoundException) as error:
        sdk.compute.get_server(missing)
    assert error.value.status_code == 404
    assert f"Instance {missing} could not be found." in str(error.value)
    assert REQUEST_ID.match(error.value.request_id)


def test_sdk_pagination_terminates_and_returns_every_server(
    sdk: Any, compute_stack: ServedStack
) -> None:
    token = sdk.config.config["auth"]["token"]
    ids = {create_server(compute_stack.url, token, f"page-{i}") for i in range(5)}
    paged = [server.id for server in sdk.compute.servers(limit=2)]
    assert sorted(paged) == sorted(ids)
    assert [s.id for s in sdk.compute.servers(details=False, limit=2)] == paged


# The openstack CLI -------------------------------------------------------------------------


def test_cli_flavor_list_and_show(cli: CLI) -> None:
    listed = cli.json("flavor", "list")
    assert {row["Name"]: row["ID"] for row in listed}["m1.large"] == "4"
    assert {"ID", "Name", "RAM", "Disk", "VCPUs"} <= set(listed[0])
    shown = cli.json("flavor", "show", "m1.small")  # a name: 404 by id, then a listing
    assert (shown["id"], shown["ram"], shown["disk"]) == ("2", 2048, 20)
    assert shown["properties"] == {"hw:cpu_policy": "shared"}  # from os-extra_specs


def test_cli_server_create_list_show_reboot_delete(cli: CLI, compute_stack: ServedStack) -> None:
    created = cli.json(
        "server", "create", "--flavor", "m1.tiny", "--block-device", BOOT_FROM_IMAGE,
        "--wait", "cli-vm",
    )  # fmt: skip
    server_id = created["id"]
    assert (created["name"], created["status"], created["flavor"]) == (
        "cli-vm",
        "ACTIVE",
        "m1.tiny (1)",
    )
    listed = cli.json("server", "list")
    assert [(r["ID"], r["Name"], r["Status"], r["Flavor"]) for r in listed] == [
        (server_id, "cli-vm", "ACTIVE", "m1.tiny")
    ]
    shown = cli.json("server", "show", "cli-vm")  # a name: 404 by id, then ?name=
    assert (shown["id"], shown["status"], shown["project_id"]) == (
        server_id,
        "ACTIVE",
        cli.env["OS_TOKEN"].split(":")[1],
    )
    rebooted = cli.run("server", "reboot", "--wait", server_id)
    assert rebooted.returncode == 0, rebooted.stderr
    assert "Complete" in rebooted.stdout
    token, path = cli.env["OS_TOKEN"], f"/v2.1/servers/{server_id}"
    assert call(compute_stack.url, "GET", path, token=token).json()["server"]["status"] == "ACTIVE"
    call(compute_stack.url, "POST", path + "/action", token=token, json_body={"os-stop": None})
    refused = cli.run("server", "reboot", server_id)
    assert refused.returncode == 1
    assert f"Cannot 'reboot' instance {server_id} while it is in vm_state stopped" in (
        refused.stderr
    )
    deleted = cli.run("server", "delete", "--wait", server_id)
    assert deleted.returncode == 0, deleted.stderr
    gone = cli.run("server", "show", server_id)
    assert gone.returncode == 1
    assert f"No Server found for {server_id}" in gone.stderr
