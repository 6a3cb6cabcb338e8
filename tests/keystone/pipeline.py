"""keystonemiddleware's ``auth_token``, loaded through PasteDeploy, in front of an echo app.

The filter comes from ``egg:keystonemiddleware#auth_token`` exactly as a deployment's
``api-paste.ini`` would load it, configured with the service user's credentials.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from paste.deploy import loadfilter

from tests.keystone.harness import Keystone

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

#: Seconds auth_token waits on Keystone per attempt; with no retries this bounds the 503.
CONNECT_TIMEOUT = 2

#: What the echo app reports back: the identity headers auth_token sets.
ECHOED = (
    "X-Identity-Status",
    "X-User-Id",
    "X-User-Name",
    "X-Project-Id",
    "X-Project-Name",
    "X-Roles",
    "X-Is-Admin-Project",
    "X-Service-Catalog",
    "OpenStack-System-Scope",
)

_INI = """\
[filter:authtoken]
use = egg:keystonemiddleware#auth_token
www_authenticate_uri = {url}
auth_url = {url}
interface = public
http_connect_timeout = {timeout}
http_request_max_retries = 0
{credentials}
"""


def echo_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Answer 200 with the identity headers the request reached the app with."""
    seen = {name: environ.get("HTTP_" + name.upper().replace("-", "_")) for name in ECHOED}
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(seen).encode()]


def authtoken_app(keystone: Keystone, directory: Path) -> WSGIApplication:
    """Write a paste ini for ``keystone`` into ``directory`` and load auth_token from it.

    :returns: auth_token (with a cold token cache) wrapping :func:`echo_app`
    """
    credentials = "\n".join(f"{k} = {v}" for k, v in keystone.service.auth_options().items())
    ini = directory / "authtoken-paste.ini"
    ini.write_text(_INI.format(url=keystone.url, timeout=CONNECT_TIMEOUT, credentials=credentials))
    make_filter = loadfilter(f"config:{ini}", name="authtoken")
    app: WSGIApplication = make_filter(echo_app)
    return app
