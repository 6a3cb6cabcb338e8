"""Errors the WSGI server answers by itself are apistack's JSON faults with a request id.

gunicorn rejects a bad request line or header, a long URL (414), a long header line or too
many headers (431) and an unsupported transfer coding (501) before the app is called; its own
answer is an HTML page. Each request here is written byte by byte on a raw socket.
"""

from __future__ import annotations

import json
import socket

import pytest

from tests.functional.conftest import ServedStack
from tests.functional.wire import FAULT_CONTENT_TYPE, REQUEST_ID

pytestmark = pytest.mark.served

TOKEN = b"X-Auth-Token: demo:demo\r\n"


def _raw(stack: ServedStack, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", stack.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and _complete(data):
                break
    head, _sep, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def _complete(data: bytes) -> bool:
    head, _sep, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


@pytest.mark.parametrize(
    ("request_bytes", "status", "fault"),
    [
        (b"GARBAGE\r\n\r\n", 400, "badRequest"),
        (b"GET /v2.1 HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n", 400, "badRequest"),
        (b"GET /v2.1 HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400, "badRequest"),
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "computeFault"),
        (b"GET /v2.1 HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 17000 + b"\r\n\r\n", 431,
         "computeFault"),
        (b"GET /v2.1 HTTP/1.1\r\nHost: x\r\n" + b"X-N: 1\r\n" * 101 + b"\r\n", 431,
         "computeFault"),
        (b"POST /v2.1/servers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo, chunked\r\n\r\n",
         501, "notImplemented"),
    ],
)  # fmt: skip
def test_server_errors_are_json_faults(
    compute_stack: ServedStack, request_bytes: bytes, status: int, fault: str
) -> None:
    code, headers, body = _raw(compute_stack, request_bytes)
    assert code == status
    assert headers["content-type"] == FAULT_CONTENT_TYPE
    assert REQUEST_ID.match(headers["x-openstack-request-id"])
    detail = json.loads(body)[fault]
    assert detail["code"] == status and detail["message"]
    assert b"<html" not in body


def test_a_header_line_up_to_nova_s_limit_is_served(compute_stack: ServedStack) -> None:
    padding = b"X-Padding: " + b"p" * 16000 + b"\r\n"
    request = b"GET /v2.1/flavors/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + TOKEN
    code, _headers, body = _raw(compute_stack, request + padding + b"\r\n")
    assert code == 200 and json.loads(body)["flavor"]["id"] == "1"


def test_the_fault_is_logged_with_its_request_id(compute_stack: ServedStack) -> None:
    _code, headers, _body = _raw(compute_stack, b"GARBAGE\r\n\r\n")
    request_id = headers["x-openstack-request-id"]
    log = compute_stack.log_path.read_text()
    assert f"WARNING apistack.serve [{request_id}] invalid request from 127.0.0.1: " in log
