"""Run a real, throw-away Keystone on 127.0.0.1 for the test suites.

Keystone runs under gunicorn in its own virtualenv (see :mod:`tests.keystone.install`) and in
its own process group: it is never imported into the test process, whose global oslo.config
``CONF`` keystonemiddleware shares. Use :func:`run_keystone` (a context manager) from pytest, or
the command line for manual work::

    python -m tests.keystone.harness start [--port N]   # prints the env file; leaves it running
    python -m tests.keystone.harness stop WORKDIR

Traps handled here: Keystone parses ``sys.argv`` (a shim module blanks it before import);
gunicorn opens a shared control socket (``--no-control-socket``); Keystone's cache is
per-process (one worker); the admin project is configured in ``keystone.conf``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.keystone import install
from tests.keystone.identity import Credentials, IdentityClient

START_TIMEOUT = 90.0
STOP_TIMEOUT = 10.0
ADMIN = Credentials("admin", install.ADMIN_PASSWORD, "admin")
MEMBER = Credentials("demo", "demo-secret", "demo")
OTHER_MEMBER = Credentials("demo2", "demo2-secret", "demo2")
SERVICE = Credentials("authtoken", "service-secret", "service")

_SHIM = """\
import sys

# Keystone's CONF() parses sys.argv, which holds gunicorn's options here.
sys.argv = sys.argv[:1]

from keystone.server import wsgi  # noqa: E402

application = wsgi.initialize_public_application()
"""


def free_port() -> int:
    """:returns: a TCP port on 127.0.0.1 that was free a moment ago"""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Keystone:
    """One Keystone server: its workdir, URL, users, and process control.

    :param venv: the virtualenv made by :func:`tests.keystone.install.ensure_installed`
    :param workdir: an empty directory for this server's database, keys and logs
    :param port: TCP port on 127.0.0.1; 0 picks a free one
    """

    admin = ADMIN
    member = MEMBER
    other_member = OTHER_MEMBER
    service = SERVICE

    def __init__(self, venv: Path, workdir: Path, port: int = 0) -> None:
        self.venv = venv
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/v3"
        self.env_file = workdir / "env"
        self.log_file = workdir / "keystone.log"
        self.identity = IdentityClient(self.url, ADMIN)
        self.timings: dict[str, float] = {}
        self._process: subprocess.Popen[bytes] | None = None

    def prepare(self) -> None:
        """Copy the installed template into the workdir and write its config and shim."""
        shutil.copytree(self.venv / "template", self.workdir, dirs_exist_ok=True)
        install.write_conf(self.workdir)
        (self.workdir / "ks_wsgi_shim.py").write_text(_SHIM)

    @property
    def running(self) -> bool:
        """True while the gunicorn master started by :meth:`start` is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start gunicorn in a new process group and wait until ``GET /v3`` answers.

        :raises RuntimeError: when it exits or does not answer in time (log tail included)
        """
        if self.running:
            return
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "GUNICORN"))}
        env.update(OS_KEYSTONE_CONFIG_FILES=str(self.workdir / "keystone.conf"))
        env.update(PYTHONWARNINGS="ignore")
        argv = [str(self.venv / "bin" / "gunicorn"), "--no-control-socket"]
        argv += ["--chdir", str(self.workdir), "--bind", f"127.0.0.1:{self.port}"]
        argv += ["--workers", "1", "--threads", "4", "--timeout", "120"]
        started = time.perf_counter()
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                [*argv, "ks_wsgi_shim:application"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        (self.workdir / "keystone.pid").write_text(str(self._process.pid))
        self._wait_until_answering(started + timeout)
        self.timings["gunicorn start until GET /v3 answers"] = time.perf_counter() - started

    def _wait_until_answering(self, deadline: float) -> None:
        while time.perf_counter() < deadline and self.running:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url, timeout=5) as response,
            ):
                if response.status == 200:
                    return
            time.sleep(0.1)
        tail = "".join(self.log_file.read_text(errors="replace").splitlines(True)[-30:])
        self.stop()
        raise RuntimeError(f"Keystone did not answer on {self.url}; {self.log_file}:\n{tail}")

    def _signal_group(self, signum: int) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signum)

    def stop(self) -> None:
        """Stop the server: TERM to its process group, then KILL after :data:`STOP_TIMEOUT`."""
        if self._process is None:
            return
        self._signal_group(signal.SIGCONT)  # a frozen group would never see the TERM
        self._signal_group(signal.SIGTERM)
        try:
            self._process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self._process.wait()
        self._signal_group(signal.SIGKILL)  # a worker that outlived its master
        self._process = None

    def freeze(self) -> None:
        """SIGSTOP the server: connections are accepted by the kernel but never answered."""
        self._signal_group(signal.SIGSTOP)

    def thaw(self) -> None:
        """Undo :meth:`freeze`."""
        self._signal_group(signal.SIGCONT)

    def provision(self) -> None:
        """Point the identity endpoints at this port and create the test users and projects."""
        started = time.perf_counter()
        urls = dict.fromkeys(("public", "internal", "admin"), self.url)
        self.identity.register_endpoint("identity", "keystone", urls)
        self.identity.ensure_member(SERVICE, "service")
        self.identity.ensure_member(MEMBER, "member")
        self.identity.ensure_member(OTHER_MEMBER, "member")
        self.timings["provisioning over REST"] = time.perf_counter() - started

    def register_compute(self, public_url: str, internal_url: str | None = None) -> None:
        """(Re)register the ``compute`` service's endpoints, e.g. ``http://127.0.0.1:P/v2.1``."""
        urls = {"public": public_url, "internal": internal_url or public_url}
        self.identity.register_endpoint("compute", "nova", urls)

    def token(self, creds: Credentials = MEMBER) -> str:
        """:returns: a fresh project-scoped token for ``creds`` (never one seen before)"""
        return self.identity.issue_token(creds)

    def revoke(self, token: str) -> None:
        """Revoke ``token`` through ``DELETE /v3/auth/tokens``."""
        self.identity.revoke_token(token)

    def write_env(self) -> None:
        """Write ``export`` lines (``OS_*`` for the admin, ``KS_*`` for the others)."""
        lines = {
            "KEYSTONE_URL": self.url,
            "KEYSTONE_PID": str(self._process.pid if self._process else ""),
            "OS_AUTH_URL": self.url,
            "OS_IDENTITY_API_VERSION": "3",
            "OS_USERNAME": ADMIN.username,
            "OS_PASSWORD": ADMIN.password,
            "OS_PROJECT_NAME": ADMIN.project_name,
            "OS_USER_DOMAIN_ID": "default",
            "OS_PROJECT_DOMAIN_ID": "default",
        }
        for prefix, creds in (("SERVICE", SERVICE), ("DEMO", MEMBER), ("DEMO2", OTHER_MEMBER)):
            lines[f"KS_{prefix}_USER"] = creds.username
            lines[f"KS_{prefix}_PASSWORD"] = creds.password
            lines[f"KS_{prefix}_PROJECT"] = creds.project_name
        self.env_file.write_text("".join(f"export {k}={v}\n" for k, v in lines.items()))


@contextlib.contextmanager
def run_keystone(port: int = 0) -> Iterator[Keystone]:
    """Install (or reuse) Keystone, serve it from a fresh temp workdir, and always stop it.

    :param port: TCP port on 127.0.0.1; 0 picks a free one
    :raises install.InstallError: when Keystone cannot be installed (no network, ...)
    """
    venv, timings = install.ensure_installed()
    with tempfile.TemporaryDirectory(prefix="apistack-keystone-") as workdir:
        server = Keystone(venv, Path(workdir), port)
        server.timings.update(timings)
        try:
            server.prepare()
            server.start()
            server.provision()
            server.write_env()
            yield server
        finally:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    """Command line: ``start [--port N]`` leaves Keystone running; ``stop WORKDIR`` ends it."""
    parser = argparse.ArgumentParser(prog="python -m tests.keystone.harness")
    parser.add_argument("command", choices=("start", "stop"))
    parser.add_argument("workdir", nargs="?")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.command == "stop":
        pid = int((Path(args.workdir) / "keystone.pid").read_text())
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        return 0
    venv, _ = install.ensure_installed()
    server = Keystone(venv, Path(tempfile.mkdtemp(prefix="keystone-")), args.port)
    server.prepare()
    server.start()
    server.provision()
    server.write_env()
    print(f"KEYSTONE_ENV={server.env_file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
