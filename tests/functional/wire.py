"""Plain HTTP for the served tests: one request per connection, and checks of nova's wire shapes.

``http.client`` is used rather than a client library so each test controls every header it
sends (or leaves out) and sees every header the server answers with.
"""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

FAULT_CONTENT_TYPE = "application/json; charset=UTF-8"
REQUEST_ID = re.compile(
    r"^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"  # a uuid4
)
IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b"
VERSION_HEADERS = ("OpenStack-API-Version", "X-OpenStack-Nova-API-Version")


@dataclass
class Reply:
    """What the server answered."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        """:returns: the body parsed as JSON."""
        return json.loads(self.body)


def call(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str | None = "demo:demo",
    headers: Mapping[str, str] | None = None,
    json_body: Any = None,
    body: bytes | Iterable[bytes] | None = None,
) -> Reply:
    """Send one request on a new connection.

    :param base_url: ``http://127.0.0.1:PORT``.
    :param token: sent as ``X-Auth-Token`` unless None.
    :param json_body: serialised and sent with ``Content-Type: application/json``.
    :param body: raw bytes, or an iterable of chunks (sent with chunked transfer encoding).
    :returns: the reply, whatever its status.
    """
    parts = urlsplit(base_url)
    sent = dict(headers or {})
    if token is not None:
        sent.setdefault("X-Auth-Token", token)
    if json_body is not None:
        body = json.dumps(json_body).encode()
        sent.setdefault("Content-Type", "application/json")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def assert_fault(reply: Reply, code: int, name: str) -> str:
    """Check nova's fault shape: ``{name: {"code": code, "message": ...}}`` as UTF-8 JSON.

    :returns: the message.
    """
    assert reply.status == code, reply.body
    assert reply.headers["Content-Type"] == FAULT_CONTENT_TYPE
    assert b"Traceback" not in reply.body
    body = reply.json()
    assert list(body) == [name]
    fault = body[name]
    assert fault["code"] == code
    assert set(fault) <= {"code", "message", "retryAfter"}
    assert isinstance(fault["message"], str)
    assert fault["message"]
    return str(fault["message"])


def assert_version_headers(reply: Reply, version: str) -> None:
    """Check both microversion headers carry ``version`` and ``Vary`` names both."""
    assert reply.headers["OpenStack-API-Version"] == f"compute {version}"
    assert reply.headers["X-OpenStack-Nova-API-Version"] == version
    vary = {item.strip().lower() for item in reply.headers["Vary"].split(",")}
    assert {name.lower() for name in VERSION_HEADERS} <= vary


def assert_no_version_headers(reply: Reply) -> None:
    """Check the reply carries no microversion header at all."""
    for name in VERSION_HEADERS:
        assert reply.headers.get(name) is None
    assert "openstack-api-version" not in reply.headers.get("Vary", "").lower()


def create_server(base_url: str, token: str, name: str, **extra: Any) -> str:
    """Create a server (expects 202); :returns: its id."""
    server = {"name": name, "flavorRef": "1", "imageRef": IMAGE, **extra.pop("server", {})}
    body = {"server": server}
    reply = call(base_url, "POST", "/v2.1/servers", token=token, json_body=body, **extra)
    assert reply.status == 202, reply.body
    return str(reply.json()["server"]["id"])
