"""nova-api's start path under ``apistack serve``: several APIs, and workers tied to the master.

- ``--api NAME=[HOST:]PORT[/WORKERS]`` serves each app of one ini on its own port with its own
  workers; a name the ini lacks is skipped with a warning (nova's ``enabled_apis``).
- After the master is SIGKILLed its workers die too, so a new master can bind at once.
- Ten connections that trickle header lines do not stop service for other clients under the
  default worker class, and are cut off after ``--client-timeout``; so are connections that
  trickle the body their head announced, while a body sent within that time is served.
- Clients that send `Connection: close` and then neither read nor close do not stop a worker.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from tests.functional.conftest import API_PASTE, ServedStack, ServeIni, free_port

T = TypeVar("T")

pytestmark = pytest.mark.served


def _get(port: int, path: str, timeout: float = 10) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"X-Auth-Token": "demo:demo"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _eventually(read: Callable[[], T], want: T, seconds: float = 10) -> T:
    # A launcher starts its masters, and a master forks its workers, one after another: the
    # first API or worker can answer before the last one exists.
    deadline = time.monotonic() + seconds
    while (value := read()) != want and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def _status_or_refused(port: int, path: str) -> int:
    try:
        return _get(port, path)
    except ConnectionRefusedError:
        return 0


def _masters(stack: ServedStack) -> list[int]:
    return stack.worker_pids()  # the launcher's children are the gunicorn masters


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_several_apis_each_on_its_own_port(serve_ini: ServeIni, tmp_path: Path) -> None:
    compute_port, versions_port = free_port(), free_port()
    options = ["--api", f"osapi_compute=127.0.0.1:{compute_port}/2",
               "--api", f"oscomputeversions={versions_port}",
               "--api", f"metadata={free_port()}"]  # fmt: skip
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)}, options=options,
                      port=compute_port)  # fmt: skip
    assert _get(compute_port, "/v2.1/flavors/1") == 200
    assert _eventually(lambda: _status_or_refused(versions_port, "/"), 200) == 200
    assert _get(versions_port, "/v2.1/flavors/1") == 300  # only the versions app is there
    workers = _eventually(lambda: sorted(len(_children(pid)) for pid in _masters(stack)), [1, 2])
    assert workers == [1, 2]
    masters = _masters(stack)
    log = stack.log_path.read_text()
    assert f"WARNING apistack.serve [-] no app 'metadata' in {API_PASTE} (apps: " in log
    stack.stop()  # SIGTERM to the launcher stops every API
    for pid in masters:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except FileNotFoundError:
        return "zombie"


def _gone(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


def _load(port: int, stop: threading.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(OSError, http.client.HTTPException):
            _get(port, "/v2.1/flavors/1", timeout=2)


@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_workers_under_load_die_with_their_master(
    serve_ini: ServeIni, tmp_path: Path, worker_class: str
) -> None:
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)}, workers=2,
                      options=["--worker-class", worker_class])  # fmt: skip
    assert _eventually(lambda: len(stack.worker_pids()), 2) == 2
    workers = stack.worker_pids()
    assert stack.process is not None
    stop = threading.Event()
    # An orphaned sync worker checks for its parent only when it is idle.
    load = [threading.Thread(target=_load, args=(stack.port, stop)) for _ in range(4)]
    for thread in load:
        thread.start()
    try:
        time.sleep(0.5)
        os.kill(stack.process.pid, signal.SIGKILL)
        stack.process.wait(10)
        assert _gone(workers, 3)
    finally:
        stop.set()
        for thread in load:
            thread.join()
    again = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)}, port=stack.port)
    assert _get(again.port, "/v2.1/flavors/1") == 200


def _slow_client(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(b"GET /v2.1/flavors HTTP/1.1\r\nHost: slow\r\n")
    return sock


def test_slow_header_clients_do_not_stop_service(serve_ini: ServeIni, tmp_path: Path) -> None:
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)},
                      options=["--client-timeout", "4"])  # fmt: skip
    slow = [_slow_client(stack.port) for _ in range(10)]
    try:
        for round_ in range(3):
            for sock in slow:
                sock.sendall(f"X-Trickle-{round_}: 1\r\n".encode())
            # Others are served while the ten hold their connections open.
            assert _get(stack.port, "/v2.1/flavors/1", timeout=5) == 200
            time.sleep(1)
        # The server cut the slow ones off at the deadline: their reads end.
        for sock in slow:
            sock.settimeout(15)
            assert sock.recv(1024) == b""
    finally:
        for sock in slow:
            sock.close()
    assert "no complete request head within 4 s" in stack.log_path.read_text()


def _slow_body_client(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        b"POST /v2.1/servers HTTP/1.1\r\nHost: slow\r\nX-Auth-Token: demo:demo\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    )
    return sock


def test_slow_body_clients_are_cut_off_at_the_deadline(
    serve_ini: ServeIni, tmp_path: Path
) -> None:
    # Two threads, both taken by clients that sent a whole head and then trickle the body:
    # without a body deadline no one else is served until they stop.
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)},
                      options=["--threads", "2", "--client-timeout", "3"])  # fmt: skip
    slow = [_slow_body_client(stack.port) for _ in range(2)]
    try:
        started = time.monotonic()
        for sock in slow:
            sock.sendall(b" ")
        time.sleep(1)
        for sock in slow:
            sock.sendall(b" ")
        assert _get(stack.port, "/v2.1/flavors/1", timeout=10) == 200
        assert time.monotonic() - started < 9  # served once the deadline (3 s) cut them off
        for sock in slow:
            sock.settimeout(10)
            with contextlib.suppress(ConnectionResetError):
                assert b"202" not in sock.recv(1024)
    finally:
        for sock in slow:
            sock.close()
    assert "no complete request body within 3 s" in stack.log_path.read_text()


def test_a_body_sent_in_time_is_served(serve_ini: ServeIni, tmp_path: Path) -> None:
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)},
                      options=["--client-timeout", "4"])  # fmt: skip
    body = b'{"server": {"name": "paused", "flavorRef": "1", "imageRef": "%s"}}' % (
        b"70a599e0-31e7-49b7-b260-868f441e862b"
    )
    with socket.create_connection(("127.0.0.1", stack.port), timeout=10) as sock:
        sock.sendall(
            b"POST /v2.1/servers HTTP/1.1\r\nHost: x\r\nX-Auth-Token: demo:demo\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        )
        time.sleep(1)  # two pauses, within the deadline for the whole body
        sock.sendall(body[:10])
        time.sleep(1)
        sock.sendall(body[10:])
        assert sock.recv(4096).startswith(b"HTTP/1.1 202 ")
    assert "no complete request body" not in stack.log_path.read_text()


def test_clients_that_never_close_do_not_stop_the_worker(
    serve_ini: ServeIni, tmp_path: Path
) -> None:
    # gunicorn drains a connection that a response ended for up to 2 s before closing it; on
    # its gthread main loop that stopped the worker for each such client (five: 9.8 s).
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)})
    held = []
    try:
        for _ in range(5):
            sock = socket.create_connection(("127.0.0.1", stack.port), timeout=10)
            sock.sendall(b"GET /v2.1/flavors/1 HTTP/1.1\r\nHost: held\r\n"
                         b"X-Auth-Token: demo:demo\r\nConnection: close\r\n\r\n")  # fmt: skip
            held.append(sock)
        time.sleep(0.3)  # their answers are sent and their connections half-closed
        for _ in range(3):
            assert _get(stack.port, "/v2.1/flavors/1", timeout=1.5) == 200
        for sock in held:  # each got its whole answer, then the server's end of the stream
            received = b""
            while chunk := sock.recv(4096):
                received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200 ") and b'"flavor"' in body
    finally:
        for sock in held:
            sock.close()
