"""The README runs as written: its controller example serves what it says, and every shell
command in it either runs here from the checkout or is listed below with why it does not."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import webob

from apistack.resource import APISettings
from apistack.router import APIRouter

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# Commands not run here, by prefix, each with the reason and where it is covered instead.
NOT_RUN = {
    "make serve": "serves until stopped; tests/functional serve the same ini",
    "make test": "is this test suite",
    "make docs": "make test builds the docs",
    "make bench": "timings, minutes long",
    "make fuzz": "the long fuzz runs; make test runs short seeded ones",
    "make sample-config": "rewrites the sample in the tree; tests/test_sample_config.py checks it",
    "curl ": "talks to the served API (tests/functional)",
    "export OS_": "client settings for the served API (tests/functional/test_clients_served.py)",
    ".venv/bin/openstack ": "talks to the served API (tests/functional/test_clients_served.py)",
    ".venv/bin/apistack serve ": "serves until stopped (tests/functional, tests/keystone)",
    "/tmp/apistack-env/bin/apistack serve ": "serves until stopped",
    "python3 -m venv ": "a new environment for the install below",
    "/tmp/apistack-env/bin/pip install ": "installs every dependency (minutes); "
    "tests/test_packaging.py builds the sdist and wheel and checks what they hold",
    ".venv/bin/pip wheel ": "tests/test_packaging.py builds the wheel",
    ".venv/bin/pip install uwsgi": "builds uWSGI from source (minutes); tests/deploy install it "
    "in a cached venv",
    "APISTACK_PASTE_CONFIG=": "serves until stopped (tests/deploy serve apistack.wsgi under uWSGI "
    "and gunicorn)",
}
BIN = ".venv/bin/"


def readme_example() -> dict[str, Any]:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) == 1
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(blocks[0], str(README), "exec"), namespace)
    return namespace


def readme_commands() -> list[str]:
    """:returns: each command of the README's ``sh`` blocks, continuations joined, comments
    dropped."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), re.S):
        for line in block.replace("\\\n", " ").splitlines():
            command = re.sub(r"\s+#\s.*$", "", line).strip()
            if command:
                commands.append(" ".join(command.split()))
    return commands


def not_run_reason(command: str) -> str | None:
    return next((why for prefix, why in NOT_RUN.items() if command.startswith(prefix)), None)


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


def test_every_fenced_block_says_what_it_is() -> None:
    """Commands go in ``sh`` blocks (run below unless listed in ``NOT_RUN``); ``python`` is the
    one example run above; ``py`` snippets, ``ini`` and ``nginx`` files and ``text`` (synopses,
    files of several kinds) are shown, not run. An untagged block would hide its commands from
    this test."""
    tags = re.findall(r"^```(\w*)\n.*?^```$", README.read_text(), re.S | re.M)
    assert set(tags) <= {"sh", "python", "py", "ini", "nginx", "text"}, tags


def test_readme_commands_run_in_order(tmp_path: Path) -> None:
    """Every command not in ``NOT_RUN`` runs, in README order, from the checkout, with this
    interpreter's environment as ``.venv``; ``/etc/apistack`` is redirected to a temporary
    directory (the commands are otherwise what a root user types)."""
    runnable = [c for c in readme_commands() if not_run_reason(c) is None]
    assert any(c.startswith(f"{BIN}apistack routes ") for c in runnable)
    assert any(c.startswith("mkdir -p /etc/apistack") for c in runnable)
    bin_dir = str(Path(sys.executable).parent) + "/"
    for command in runnable:
        shell = command.replace(BIN, bin_dir).replace("/etc/apistack", str(tmp_path / "etc"))
        done = subprocess.run(shell, shell=True, cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    copied = tmp_path / "etc" / "keystone_authtoken.conf"
    assert copied.stat().st_mode & 0o777 == 0o600


def test_readme_links_stay_inside_the_repository() -> None:
    """A clone has nothing outside it: no ``../`` paths, no Markdown links that leave it."""
    text = README.read_text()
    assert re.findall(r"(?<![.\w])\.\./\S*", text) == []  # ".../action" is an ellipsis
    for target in re.findall(r"\]\(([^)]+)\)", text):
        assert not target.startswith(("/", "..")) and (ROOT / target.split("#")[0]).exists()
