"""nginx in front of ``apistack serve``: TLS ends at nginx, links stay https, slow clients wait
at nginx.

The deployment README.md recommends for an exposed API: nginx terminates TLS and forwards plain
HTTP with ``X-Forwarded-Proto: https``; oslo.middleware's ``http_proxy_to_wsgi`` (enabled with
``enable_proxy_headers_parsing``) makes the app see an https request, so version documents and
server links point back through nginx. nginx reads whole request heads before it connects
upstream, so clients that trickle headers hold nothing in apistack, even with two threads and
no client timeout.
"""

from __future__ import annotations

import configparser
import http.client
import json
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.functional.conftest import API_PASTE, ServedStack, ServeIni, fresh_token
from tests.functional.nginx import Nginx, ensure_nginx
from tests.functional.tls import PKIFiles, make_pki
from tests.functional.wire import IMAGE, REQUEST_ID

pytestmark = pytest.mark.served


def _proxied_ini(directory: Path) -> Path:
    """The example ini with proxy headers trusted (only right behind a proxy that sets them)."""
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(API_PASTE)
    parser.set("filter:http_proxy_to_wsgi", "enable_proxy_headers_parsing", "true")
    path = directory / "api-paste.ini"
    with path.open("w") as out:
        parser.write(out)
    return path


Proxied = tuple[Nginx, ServedStack, PKIFiles]


@pytest.fixture
def behind_nginx(serve_ini: ServeIni, tmp_path: Path) -> Iterator[Proxied]:
    binary = ensure_nginx()
    pki_dir, prefix = tmp_path / "pki", tmp_path / "nginx"
    pki_dir.mkdir()
    prefix.mkdir()
    pki = make_pki(pki_dir)
    # The weakest server settings: two threads, no request-head deadline.
    options = ["--threads", "2", "--client-timeout", "0"]
    stack = serve_ini(_proxied_ini(tmp_path), globals={"state_dir": str(tmp_path / "state")},
                      options=options)  # fmt: skip
    nginx = Nginx(binary, prefix, stack.port, pki.server_cert, pki.server_key)
    nginx.start()
    try:
        yield nginx, stack, pki
    finally:
        nginx.stop()


def _https(nginx: Nginx, pki: PKIFiles, method: str, path: str, body: Any = None) -> Any:
    context = ssl.create_default_context(cafile=str(pki.ca))
    conn = http.client.HTTPSConnection("127.0.0.1", nginx.port, timeout=10, context=context)
    headers = {"X-Auth-Token": TOKEN, "Content-Type": "application/json"}
    try:
        conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        assert REQUEST_ID.match(response.headers["x-openstack-request-id"])
        return response.status, json.loads(data) if data else None
    finally:
        conn.close()


TOKEN = fresh_token()


def _hrefs(document: Any) -> list[str]:
    if isinstance(document, dict):
        return (
            [document["href"]]
            if "href" in document
            else [href for value in document.values() for href in _hrefs(value)]
        )
    if isinstance(document, list):
        return [href for value in document for href in _hrefs(value)]
    return []


def test_links_are_https_behind_nginx(behind_nginx: Proxied) -> None:
    nginx, _stack, pki = behind_nginx
    status, versions = _https(nginx, pki, "GET", "/")
    assert status == 200
    hrefs = _hrefs(versions)
    assert hrefs and all(h.startswith(f"{nginx.url}/v2") for h in hrefs), hrefs
    _status, document = _https(nginx, pki, "GET", "/v2.1/")
    assert f"{nginx.url}/v2.1/" in _hrefs(document)
    server = {"server": {"name": "proxied", "flavorRef": "1", "imageRef": IMAGE}}
    status, created = _https(nginx, pki, "POST", "/v2.1/servers", server)
    assert status == 202
    server_id = created["server"]["id"]
    _status, shown = _https(nginx, pki, "GET", f"/v2.1/servers/{server_id}")
    links = _hrefs(shown["server"]["links"])
    assert f"{nginx.url}/v2.1/servers/{server_id}" in links
    assert all(link.startswith(nginx.url) for link in links), links


def test_slow_clients_wait_at_nginx(behind_nginx: Proxied) -> None:
    nginx, stack, pki = behind_nginx
    context = ssl.create_default_context(cafile=str(pki.ca))
    slow = []
    for _ in range(10):
        raw = socket.create_connection(("127.0.0.1", nginx.port), timeout=10)
        sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
        sock.sendall(b"GET /v2.1/flavors HTTP/1.1\r\nHost: slow\r\n")
        slow.append(sock)
    try:
        for round_ in range(3):
            for sock in slow:
                sock.sendall(f"X-Trickle-{round_}: 1\r\n".encode())
            assert _https(nginx, pki, "GET", "/v2.1/flavors/1")[0] == 200
            time.sleep(1)
    finally:
        for sock in slow:
            sock.close()
    log = stack.log_path.read_text()
    assert '"GET /v2.1/flavors/1" status: 200' in log
    assert '"GET /v2.1/flavors" ' not in log  # not one slow request reached apistack
