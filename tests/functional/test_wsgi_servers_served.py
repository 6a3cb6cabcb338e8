"""``apistack.wsgi`` served by the WSGI servers nova supports: gunicorn and uWSGI.

Both are configured only through environment variables (``APISTACK_PASTE_CONFIG``,
``APISTACK_PASTE_GLOBALS``...), as a deployment would. uWSGI is installed into a cached venv
(``tests/functional/deploy_venvs.py``; it compiles), where apistack runs from this checkout.
Each test asserts that the stack answers and that its log lines carry the request id.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from tests.functional.conftest import API_PASTE, ServedStack
from tests.functional.deploy_venvs import deploy_venv, write_metadata
from tests.functional.wire import REQUEST_ID, call
from tests.venv_cache import PROJECT_ROOT, clean_env

pytestmark = pytest.mark.served


class WSGIServer(ServedStack):
    """A WSGI server command line, started and stopped as ``ServedStack`` does."""

    def __init__(self, argv: Sequence[str], log_path: Path, env: Mapping[str, str]) -> None:
        super().__init__(API_PASTE, "osapi_compute", {}, 1, log_path, env)
        self.argv = [arg.format(port=self.port) for arg in argv]

    def command(self) -> list[str]:
        """:returns: the server's command line."""
        return self.argv


def _environment(tmp_path: Path) -> dict[str, str]:
    return {
        "APISTACK_PASTE_CONFIG": str(API_PASTE),
        "APISTACK_PASTE_APP": "osapi_compute",
        "APISTACK_PASTE_GLOBALS": f"state_dir={tmp_path / 'state'} compute_max_version=2.5",
        "HOME": str(tmp_path),
    }


def _serve_and_check(argv: Sequence[str], log_path: Path, env: Mapping[str, str]) -> None:
    server = WSGIServer(argv, log_path, env)
    server.start()
    try:
        _check_served(server)
    finally:
        server.stop()


def _check_served(server: WSGIServer) -> None:
    reply = call(server.url, "GET", "/v2.1/flavors/1", token="demo:demo")
    assert reply.status == 200 and reply.json()["flavor"]["id"] == "1"
    assert reply.headers["OpenStack-API-Version"] == "compute 2.1"
    request_id = reply.headers["x-openstack-request-id"]
    assert REQUEST_ID.match(request_id)
    server.stop()
    lines = [line for line in server.log_path.read_text().splitlines() if request_id in line]
    assert any(f" [{request_id}] " in line and '"GET /v2.1/flavors/1"' in line for line in lines)


def test_gunicorn_serves_apistack_wsgi_application(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:{port}", "--workers", "2",
            "apistack.wsgi:application"]  # fmt: skip
    _serve_and_check(argv, tmp_path / "gunicorn.log", _environment(tmp_path))


def test_uwsgi_serves_apistack_wsgi_application(tmp_path: Path) -> None:
    venv = deploy_venv("uwsgi")
    metadata = write_metadata(tmp_path / "metadata")
    argv = [str(venv / "bin" / "uwsgi"), "--http-socket", "127.0.0.1:{port}",
            "--home", str(venv), "--pythonpath", str(PROJECT_ROOT), "--pythonpath",
            str(metadata), "--module", "apistack.wsgi:application", "--master",
            "--processes", "2", "--threads", "2", "--need-app", "--die-on-term",
            "--lazy-apps"]  # fmt: skip
    _serve_and_check(argv, tmp_path / "uwsgi.log", {**clean_env(), **_environment(tmp_path)})


def test_uwsgi_reports_a_deployment_mistake_in_one_line(tmp_path: Path) -> None:
    import subprocess

    venv = deploy_venv("uwsgi")
    metadata = write_metadata(tmp_path / "metadata")
    env = {**clean_env(), **_environment(tmp_path), "APISTACK_PASTE_GLOBALS": "auth_stratgy=x"}
    done = subprocess.run(
        [str(venv / "bin" / "uwsgi"), "--http-socket", "127.0.0.1:0", "--home", str(venv),
         "--pythonpath", str(PROJECT_ROOT), "--pythonpath", str(metadata),
         "--module", "apistack.wsgi:application", "--need-app"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert f"apistack: error: no section of {API_PASTE} reads the global 'auth_stratgy'" in (
        done.stdout + done.stderr
    )
