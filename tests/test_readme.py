"""The README's controller example runs as written and serves what the README says."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import webob

from apistack.resource import APISettings
from apistack.router import APIRouter

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_example() -> dict[str, Any]:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) == 1
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    return namespace


def test_readme_controller_example_serves() -> None:
    example = readme_example()
    settings = APISettings("compute", "2.1", "2.60", "X-OpenStack-Nova-API-Version")
    router = APIRouter(example["ROUTES"], settings=settings, project_prefix=False)

    def call(method: str, path: str, body: bytes | None = None, **headers: str):
        req = webob.Request.blank(path, method=method, headers=headers)
        if body is not None:
            req.body, req.content_type = body, "application/json"
        return req.get_response(router)

    assert call("GET", "/servers/abc").json == {"server": {"id": "abc"}}
    created = call("POST", "/servers", b'{"server": {"name": "vm"}}')
    assert (created.status_int, created.json) == (202, {"server": {"id": "new", "name": "vm"}})
    assert call("POST", "/servers", b'{"server": {}}').status_int == 400
    assert call("GET", "/servers/detail").status_int == 404
    newer = {"OpenStack-API-Version": "compute 2.50"}
    assert call("GET", "/servers/detail", **newer).json == {"servers": []}
    rebooted = call("POST", "/servers/abc/action", b'{"reboot": {"type": "SOFT"}}')
    assert (rebooted.status_int, rebooted.body) == (202, b"")
