"""``apistack serve``'s worker classes: ``gthread`` (the default) keeps connections alive,
``sync`` closes every one.
"""

from __future__ import annotations

import http.client
import subprocess
import time
from pathlib import Path

import pytest

from tests.functional.conftest import API_PASTE, ServedStack, ServeIni

pytestmark = pytest.mark.served


def _two_requests_on_one_connection(stack: ServedStack) -> list[tuple[int, str | None]]:
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    answers = []
    try:
        for _ in range(2):
            conn.request("GET", "/v2.1/flavors/1", headers={"X-Auth-Token": "demo:demo"})
            response = conn.getresponse()
            response.read()
            answers.append((response.status, response.headers.get("Connection")))
    finally:
        conn.close()
    return answers


def test_gthread_keeps_connections_alive(serve_ini: ServeIni, tmp_path: Path) -> None:
    options = ["--worker-class", "gthread", "--threads", "2"]
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)}, options=options)
    assert _two_requests_on_one_connection(stack) == [(200, "keep-alive"), (200, "keep-alive")]


def test_the_default_worker_keeps_connections_alive(compute_stack: ServedStack) -> None:
    assert _two_requests_on_one_connection(compute_stack) == [(200, "keep-alive")] * 2


def test_the_sync_worker_closes_each_connection(serve_ini: ServeIni, tmp_path: Path) -> None:
    options = ["--worker-class", "sync"]
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)}, options=options)
    # http.client reconnects by itself after a close; the header says what the server did.
    assert _two_requests_on_one_connection(stack) == [(200, "close"), (200, "close")]


def test_request_lines_reach_the_server_log(serve_ini: ServeIni, tmp_path: Path) -> None:
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)})
    _two_requests_on_one_connection(stack)
    stack.stop()
    log = stack.log_path.read_text()
    assert '"GET /v2.1/flavors/1" status: 200 len: ' in log
    assert "microversion: 2.1 time: " in log


@pytest.fixture(params=["0.05", "0"], ids=["batched", "at once"])
def logging_stack(
    request: pytest.FixtureRequest, serve_ini: ServeIni, tmp_path: Path
) -> ServedStack:
    """The example served with its log lines written in batches, or each at once."""
    options = ["--log-batch-interval", request.param]
    return serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)}, options=options)


def test_each_request_line_names_the_request_id_the_client_got(logging_stack: ServedStack) -> None:
    stack = logging_stack
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    ids = []
    try:
        for path in ("/v2.1/flavors/1", "/v2.1/flavors/nope"):
            conn.request("GET", path, headers={"X-Auth-Token": "demo:demo"})
            response = conn.getresponse()
            response.read()
            ids.append((path, response.status, response.headers["x-openstack-request-id"]))
    finally:
        conn.close()
    stack.stop()  # the workers write what is left as they exit
    lines = stack.log_path.read_text().splitlines()
    for path, status, request_id in ids:
        line = f' INFO apistack.request_log [{request_id}] 127.0.0.1 "GET {path}" status: {status}'
        assert sum(line in logged for logged in lines) == 1, (line, lines)


def test_request_lines_are_written_while_serving(logging_stack: ServedStack) -> None:
    stack = logging_stack
    _two_requests_on_one_connection(stack)
    deadline = time.monotonic() + 5
    while stack.log_path.read_text().count('"GET /v2.1/flavors/1" status: 200') < 2:
        assert time.monotonic() < deadline, stack.log_path.read_text()
        time.sleep(0.05)


def test_log_level_warning_hides_request_lines(serve_ini: ServeIni, tmp_path: Path) -> None:
    options = ["--log-level", "WARNING"]
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)}, options=options)
    _two_requests_on_one_connection(stack)
    stack.stop()
    assert '"GET /v2.1/flavors/1"' not in stack.log_path.read_text()


def _server_side_timers(stack: ServedStack) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    try:
        conn.request("GET", "/v2.1/flavors/1", headers={"X-Auth-Token": "demo:demo"})
        conn.getresponse().read()  # the connection stays open (keep-alive)
        query = ["ss", "-tnoH", "state", "established", f"( sport = :{stack.port} )"]
        return subprocess.run(query, capture_output=True, text=True, check=True).stdout
    finally:
        conn.close()


@pytest.mark.parametrize("reuse_port", [False, True], ids=["shared", "reuse_port"])
@pytest.mark.parametrize(("idle", "expected"), [("600", True), ("0", False)])
def test_tcp_keepalive_on_accepted_connections(
    serve_ini: ServeIni, tmp_path: Path, idle: str, expected: bool, reuse_port: bool
) -> None:
    # With reuse_port each worker opens its own listening socket (the kernel spreads new
    # connections over them); those must get TCP keep-alive too.
    options = ["--tcp-keepidle", idle] + (["--gunicorn", "reuse_port=true"] if reuse_port else [])
    globals_ = {"state_dir": str(tmp_path)}
    stack = serve_ini(API_PASTE, globals=globals_, options=options, workers=2)
    timers = _server_side_timers(stack)
    assert timers.strip(), "no established connection seen"
    assert ("timer:(keepalive" in timers) is expected, timers
