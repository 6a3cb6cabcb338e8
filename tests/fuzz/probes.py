"""Raw-socket probes the HTTP client cannot send: a chunked request body cut short."""

from __future__ import annotations

import socket
import time

from tests.fuzz.strategies import FuzzRequest

__all__ = ["cut_chunked_body", "parse_response"]

Answer = tuple[int, dict[str, str], bytes]


def parse_response(raw: bytes) -> Answer:
    """:returns: status, lower-cased headers and body of one raw HTTP/1.1 response."""
    head, _sep, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers = {}
    for line in lines[1:]:
        name, _colon, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def cut_chunked_body(port: int) -> tuple[FuzzRequest, Answer, float]:
    """POST a chunked body that announces 64 bytes, send 11, then close the sending side.

    :returns: the request as a ``FuzzRequest`` (for the report), the answer and its time.
    """
    head = (
        "POST /v2.1/servers HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: alice:proj\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    partial = b'40\r\n{"server": '
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode() + partial)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    took = time.perf_counter() - start
    request = FuzzRequest(
        "POST", "/v2.1/servers", (("Transfer-Encoding", "chunked"),), partial, ("cut short",)
    )
    return request, parse_response(b"".join(chunks)), took
