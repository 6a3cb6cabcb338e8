"""``apistack serve --certfile/--keyfile/--ca-certs``: HTTPS proven with openstacksdk.

The CA, the server's certificate (for 127.0.0.1) and a client certificate are made in the test
(``tests/functional/tls.py``). The SDK verifies the server against that CA; with ``--ca-certs``
the server requires a client certificate the CA signed, as nova does with ``ssl_ca_file``.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.functional.conftest import API_PASTE, ServedStack, ServeIni, fresh_token
from tests.functional.tls import PKIFiles, make_pki

openstack = pytest.importorskip("openstack")  # the test extra installs it
from keystoneauth1 import exceptions as ks_exceptions  # noqa: E402
from openstack import connection  # noqa: E402

pytestmark = [
    pytest.mark.served,
    pytest.mark.filterwarnings("ignore::PendingDeprecationWarning:openstack"),
]


@pytest.fixture
def pki(tmp_path: Path) -> PKIFiles:
    directory = tmp_path / "pki"
    directory.mkdir()
    return make_pki(directory)


def _context(pki: PKIFiles, client_cert: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki.ca))
    if client_cert:
        context.load_cert_chain(str(pki.client_cert), str(pki.client_key))
    return context


def _sdk(stack: ServedStack, home: Path, **tls: Any) -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        conn = connection.Connection(
            auth_type="admin_token",
            auth={"endpoint": stack.url + "/v2.1", "token": fresh_token()},
            **tls,
        )
        yield conn
        conn.close()


def test_openstacksdk_over_https(serve_ini: ServeIni, pki: PKIFiles, tmp_path: Path) -> None:
    options = ["--certfile", str(pki.server_cert), "--keyfile", str(pki.server_key)]
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)}, options=options,
                      tls=_context(pki, client_cert=False))  # fmt: skip
    assert stack.url.startswith("https://127.0.0.1:")
    for conn in _sdk(stack, tmp_path, cacert=str(pki.ca)):
        flavors = {flavor.name for flavor in conn.compute.flavors()}
        assert "m1.tiny" in flavors
        server = conn.compute.create_server(name="tls", flavor_id="1", image_id=_image())
        assert conn.compute.get_server(server.id).name == "tls"
        # The links the SDK follows are https links to the same server.
        assert all(link["href"].startswith("https://") for link in server.links)
    for conn in _sdk(stack, tmp_path):  # the system CAs do not know the test CA
        with pytest.raises(ks_exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
            list(conn.compute.flavors())


def test_ca_certs_require_a_client_certificate(
    serve_ini: ServeIni, pki: PKIFiles, tmp_path: Path
) -> None:
    options = ["--certfile", str(pki.server_cert), "--keyfile", str(pki.server_key),
               "--ca-certs", str(pki.ca)]  # fmt: skip
    stack = serve_ini(API_PASTE, globals={"state_dir": str(tmp_path)}, options=options,
                      tls=_context(pki, client_cert=True))  # fmt: skip
    for conn in _sdk(stack, tmp_path, cacert=str(pki.ca),
                     cert=str(pki.client_cert), key=str(pki.client_key)):  # fmt: skip
        assert "m1.tiny" in {flavor.name for flavor in conn.compute.flavors()}
    for conn in _sdk(stack, tmp_path, cacert=str(pki.ca)):  # no client certificate
        with pytest.raises(ks_exceptions.ConnectionError):
            list(conn.compute.flavors())


def _image() -> str:
    from tests.functional.wire import IMAGE

    return IMAGE
