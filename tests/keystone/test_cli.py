"""The ``openstack`` CLI, with password authentication through Keystone's catalog.

The CLI asks Keystone for a token and finds the compute endpoint in the token's catalog (the
served example stack, registered by the ``compute_stack`` fixture), as a user's cloud would. It
runs with an isolated environment: no ``OS_*`` from the caller and a temporary HOME, so no
clouds.yaml or cache is read or written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.functional.conftest import ServedStack
from tests.keystone.harness import Keystone
from tests.keystone.stack import IMAGE

pytestmark = pytest.mark.keystone

OPENSTACK = Path(sys.executable).with_name("openstack")


def cli_env(keystone: Keystone, home: Path) -> dict[str, str]:
    member = keystone.member
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "OS_AUTH_TYPE": "password",
        "OS_AUTH_URL": keystone.url,
        "OS_IDENTITY_API_VERSION": "3",
        "OS_USERNAME": member.username,
        "OS_PASSWORD": member.password,
        "OS_PROJECT_NAME": member.project_name,
        "OS_USER_DOMAIN_ID": member.user_domain_id,
        "OS_PROJECT_DOMAIN_ID": member.project_domain_id,
        "OS_INTERFACE": "public",
        "OS_REGION_NAME": "RegionOne",
    }


def openstack(env: dict[str, str], *args: str) -> Any:
    """Run ``openstack ARGS -f json``. :returns: the decoded output"""
    done = subprocess.run(
        [str(OPENSTACK), *args, "-f", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_server_create_and_list_through_the_catalog(
    keystone: Keystone, compute_stack: ServedStack, tmp_path: Path
) -> None:
    keystone.register_compute(f"{compute_stack.url}/v2.1")  # other tests may have moved it
    env = cli_env(keystone, tmp_path)
    block_device = f"uuid={IMAGE},source_type=image,destination_type=local,boot_index=0"

    created = openstack(
        env,
        "server",
        "create",
        "--flavor",
        "m1.tiny",
        "--block-device",
        block_device,
        "--wait",
        "cli-vm",
    )
    listed = openstack(env, "server", "list")

    assert created["name"] == "cli-vm"
    assert created["status"] == "ACTIVE"
    assert created["user_id"] == keystone.identity.find_id("user", name="demo")
    assert created["project_id"] == keystone.identity.find_id("project", name="demo")
    assert {"ID": created["id"], "Name": "cli-vm", "Status": "ACTIVE"}.items() <= next(
        row for row in listed if row["ID"] == created["id"]
    ).items()
