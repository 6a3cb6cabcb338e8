"""The example compute stack's keystone strategy, configured for the harness's Keystone.

:func:`write_authtoken_conf` writes the oslo.config file ``paste-examples/api-paste.ini`` hands to
auth_token (``oslo_config_file = %(authtoken_config_file)s``), laid out as
``paste-examples/keystone_authtoken.conf.sample`` documents; :func:`keystone_globals` are the
paste globals that select the keystone pipeline. :func:`call_api` is a small HTTP client for the
served stack that never waits longer than it is told.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.keystone.harness import Keystone
from tests.venv_cache import PROJECT_ROOT

PASTE_INI = PROJECT_ROOT / "paste-examples" / "api-paste.ini"
#: Seconds auth_token waits per call to Keystone (connect and read).
CONNECT_TIMEOUT = 2
#: Retries of a failed call to Keystone (keystoneauth backs off 0.5 s before the first).
MAX_RETRIES = 1
#: The longest a request may wait on an unreachable Keystone, as the conf sample documents.
KEYSTONE_WAIT = CONNECT_TIMEOUT * (1 + MAX_RETRIES) + 0.5
#: An image id the example service knows (there is no Glance).
IMAGE = "70a599e0-31e7-49b7-b260-868f441e862b"

_CONF = """\
[keystone_authtoken]
www_authenticate_uri = {url}
auth_type = password
auth_url = {url}
{credentials}
interface = public
http_connect_timeout = {timeout}
http_request_max_retries = {retries}
"""


def write_authtoken_conf(keystone: Keystone, path: Path, password: str | None = None) -> Path:
    """Write the ``[keystone_authtoken]`` file for ``keystone``'s service user.

    :param password: the service password to write instead of the right one.
    :returns: ``path``
    """
    options = keystone.service.auth_options()
    options.pop("auth_type")
    if password is not None:
        options["password"] = password
    credentials = "\n".join(f"{key} = {value}" for key, value in options.items())
    path.write_text(
        _CONF.format(
            url=keystone.url,
            credentials=credentials,
            timeout=CONNECT_TIMEOUT,
            retries=MAX_RETRIES,
        )
    )
    return path


def keystone_globals(authtoken_conf: Path, state_dir: Path) -> dict[str, str]:
    """:returns: the paste globals of ``api-paste.ini``'s keystone strategy."""
    return {
        "auth_strategy": "keystone",
        "authtoken_config_file": str(authtoken_conf),
        "state_dir": str(state_dir),
    }


@dataclasses.dataclass
class Reply:
    """One HTTP answer: status, headers (case-insensitive lookup) and the decoded JSON body."""

    status: int
    headers: http.client.HTTPMessage
    body: Any


def call_api(
    base_url: str,
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> Reply:
    """Send one request to the served stack.

    :param timeout: seconds to wait for the answer; a server that hangs longer fails the test
        with ``TimeoutError`` instead of hanging it.
    :raises ValueError: when the answer is not JSON (every answer of the API must be).
    """
    url = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=timeout)
    sent = {"Accept": "application/json", **(headers or {})}
    if token is not None:
        sent["X-Auth-Token"] = token
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        conn.request(method, url.path + path, body=data, headers=sent)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    return Reply(response.status, response.headers, json.loads(raw) if raw else None)


def server_body(name: str) -> dict[str, Any]:
    """:returns: a ``POST /servers`` body the example service accepts."""
    return {"server": {"name": name, "flavorRef": "1", "imageRef": IMAGE}}
