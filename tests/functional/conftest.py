"""Serving fixtures: a real ``apistack serve`` (gunicorn) on a free 127.0.0.1 port.

``serve_ini(ini, name=..., globals=..., workers=...)`` starts the server, waits until it answers
and returns a ``ServedStack`` (``.url``, ``.restart()``, ``.stop()``); every server a test
started is stopped afterwards (terminate, wait, kill), whether the test passed or not.

``compute_stack`` is the session's shared server: ``paste-examples/api-paste.ini`` (noauth2)
with two workers, a temporary state directory and CORS allowing ``CORS_ORIGIN``. Tests that
share it work in their own project (``fresh_token``) so they never see each other's servers.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

STARTUP_SECONDS = 30.0
STOP_SECONDS = 10.0
API_PASTE = Path(__file__).resolve().parents[2] / "paste-examples" / "api-paste.ini"
CORS_ORIGIN = "http://dashboard.example.com"


def free_port() -> int:
    """:returns: a TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServedStack:
    """One ``apistack serve`` process; restartable on the same port.

    :param ini: the paste ini.
    :param name: the app name.
    :param globals_: paste globals passed with ``--global``.
    :param workers: gunicorn workers.
    :param log_path: where the server's output goes (shown when it fails to start).
    :param env: environment variables set for the server (on top of this process's).
    :param options: more ``apistack serve`` arguments (``--worker-class gthread``...).
    :param tls: the client's TLS context when the server serves HTTPS (``url`` is https then).
    :param port: the port (a free one when None).
    """

    def __init__(
        self,
        ini: str | Path,
        name: str,
        globals_: Mapping[str, str],
        workers: int,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        options: Sequence[str] = (),
        tls: ssl.SSLContext | None = None,
        port: int | None = None,
    ) -> None:
        self.ini, self.name, self.globals, self.workers = str(ini), name, dict(globals_), workers
        self.log_path, self.env, self.options = log_path, dict(env or {}), list(options)
        self.port = port or free_port()
        self.tls = tls
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        """:returns: the ``apistack serve`` command line."""
        argv = [sys.executable, "-m", "apistack.cmd", "serve", self.ini, "--name", self.name]
        argv += ["--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        for key, value in self.globals.items():
            argv += ["--global", f"{key}={value}"]
        return argv + self.options

    def worker_pids(self) -> list[int]:
        """:returns: the pids of gunicorn's workers (the children of the arbiter)."""
        if self.process is None:
            return []
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def start(self) -> None:
        """Start the server and wait until it answers HTTP.

        :raises RuntimeError: with the server's output when it exits or never answers.
        """
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(),
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self._answers():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"apistack serve did not start:\n{self.log_path.read_text()}")

    def _answers(self) -> bool:
        conn = (
            http.client.HTTPSConnection("127.0.0.1", self.port, timeout=2, context=self.tls)
            if self.tls
            else http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        )
        try:
            conn.request("GET", "/")
            conn.getresponse().read()
            return True
        except OSError:
            return False
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop the server: SIGTERM, wait, then SIGKILL the whole process group."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(STOP_SECONDS)

    def restart(self) -> None:
        """Stop and start again on the same port (state on disk is kept)."""
        self.stop()
        self.start()


ServeIni = Callable[..., ServedStack]


@pytest.fixture
def serve_ini(tmp_path: Path) -> Iterator[ServeIni]:
    """:returns: ``start(ini, name='osapi_compute', globals=None, workers=1, env=None,
    options=(), tls=None, port=None)``."""
    started: list[ServedStack] = []

    def start(
        ini: str | Path,
        name: str = "osapi_compute",
        globals: Mapping[str, str] | None = None,
        workers: int = 1,
        env: Mapping[str, str] | None = None,
        options: Sequence[str] = (),
        tls: ssl.SSLContext | None = None,
        port: int | None = None,
    ) -> ServedStack:
        log_path = tmp_path / f"serve-{len(started)}.log"
        stack = ServedStack(ini, name, globals or {}, workers, log_path, env, options, tls, port)
        started.append(stack)
        stack.start()
        return stack

    yield start
    for stack in started:
        stack.stop()


def fresh_token() -> str:
    """:returns: a noauth2 token ``user:project`` for a project no other test uses."""
    project = uuid.uuid4().hex[:12]
    return f"user-{project}:{project}"


@pytest.fixture(scope="session")
def compute_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedStack]:
    """:returns: the session's ``api-paste.ini`` server (2 workers, temporary state)."""
    base = tmp_path_factory.mktemp("compute-stack")
    env = {
        "APISTACK_STATE_DIR": str(base / "state"),
        # oslo.config reads [cors] allowed_origin from the environment; an empty HOME keeps a
        # developer's ~/apistack.conf out of the test.
        "OS_CORS__ALLOWED_ORIGIN": CORS_ORIGIN,
        "HOME": str(base),
    }
    stack = ServedStack(API_PASTE, "osapi_compute", {}, 2, base / "serve.log", env)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()
