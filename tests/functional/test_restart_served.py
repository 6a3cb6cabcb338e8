"""Servers survive a restart of gunicorn: the example keeps them in SQLite under its state dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.functional.conftest import API_PASTE, ServeIni, fresh_token
from tests.functional.wire import call, create_server

pytestmark = pytest.mark.served


def test_servers_survive_a_restart(serve_ini: ServeIni, tmp_path: Path) -> None:
    state = tmp_path / "state"
    stack = serve_ini(API_PASTE, globals={"state_dir": str(state)}, workers=2)
    token = fresh_token()
    ids = [create_server(stack.url, token, f"keep-{i}") for i in range(3)]
    stopped = create_server(stack.url, token, "stopped")
    call(stack.url, "GET", f"/v2.1/servers/{stopped}", token=token)  # BUILD -> ACTIVE
    stop = call(
        stack.url,
        "POST",
        f"/v2.1/servers/{stopped}/action",
        token=token,
        json_body={"os-stop": None},
    )
    assert stop.status == 202
    old_workers = set(stack.worker_pids())

    stack.restart()

    assert not old_workers & set(stack.worker_pids())  # new processes answer
    listed = call(stack.url, "GET", "/v2.1/servers/detail", token=token).json()["servers"]
    assert sorted(s["id"] for s in listed) == sorted([*ids, stopped])
    statuses = {s["name"]: s["status"] for s in listed}
    assert statuses == {
        "keep-0": "ACTIVE",
        "keep-1": "ACTIVE",
        "keep-2": "ACTIVE",
        "stopped": "SHUTOFF",
    }
    assert list(state.glob("*.sqlite"))  # the --global state_dir was used
