"""keystonemiddleware's auth_token, loaded by PasteDeploy, against the real Keystone.

These pin down the behaviour apistack's keystone pipeline builds on: what a valid token gives
the app, the 401s (with ``WWW-Authenticate``), revocation, and the bounded 503 when Keystone is
down, or hangs (auth_token lets that ``ConnectTimeout`` escape: faultwrap answers the 503).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import webob

from apistack.filters import FaultWrap
from apistack.resource.faults import default_message
from tests.keystone.harness import Keystone
from tests.keystone.pipeline import authtoken_app

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

pytestmark = pytest.mark.keystone


@pytest.fixture(scope="module")
def app(keystone: Keystone, tmp_path_factory: pytest.TempPathFactory) -> WSGIApplication:
    """One auth_token instance for the module: it warms up like a long-running API would."""
    return authtoken_app(keystone, tmp_path_factory.mktemp("authtoken"))


def call(app: WSGIApplication, token: str | None = None, **headers: str) -> webob.Response:
    if token is not None:
        headers["X-Auth-Token"] = token
    request = webob.Request.blank(
        "/", headers={k.replace("_", "-"): v for k, v in headers.items()}
    )
    return request.get_response(app)


def seen(response: webob.Response) -> dict[str, Any]:
    assert response.status_int == 200, response.text
    identity: dict[str, Any] = json.loads(response.body)
    return identity


def test_member_token_reaches_app_confirmed(keystone: Keystone, app: WSGIApplication) -> None:
    identity = seen(call(app, keystone.token(keystone.member)))

    assert identity["X-Identity-Status"] == "Confirmed"
    assert identity["X-User-Name"] == "demo"
    assert identity["X-User-Id"] == keystone.identity.find_id("user", name="demo")
    assert identity["X-Project-Name"] == "demo"
    assert identity["X-Project-Id"] == keystone.identity.find_id("project", name="demo")
    assert sorted(identity["X-Roles"].split(",")) == ["member", "reader"]
    assert identity["X-Is-Admin-Project"] == "False"


def test_admin_token_is_admin_project(keystone: Keystone, app: WSGIApplication) -> None:
    identity = seen(call(app, keystone.token(keystone.admin)))

    assert "admin" in identity["X-Roles"].split(",")
    assert identity["X-Is-Admin-Project"] == "True"


def test_other_project_token_names_its_own_project(
    keystone: Keystone, app: WSGIApplication
) -> None:
    identity = seen(call(app, keystone.token(keystone.other_member)))

    assert identity["X-Project-Name"] == "demo2"
    assert identity["X-Project-Id"] != keystone.identity.find_id("project", name="demo")


def test_service_catalog_carries_compute_endpoint(
    keystone: Keystone, app: WSGIApplication
) -> None:
    keystone.register_compute("http://127.0.0.1:8774/v2.1")

    catalog = json.loads(seen(call(app, keystone.token()))["X-Service-Catalog"])

    compute = [service for service in catalog if service["type"] == "compute"]
    assert compute[0]["endpoints"][0]["publicURL"] == "http://127.0.0.1:8774/v2.1"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Auth-Token": "garbage"},
        {"X-Identity-Status": "Confirmed", "X-Roles": "admin"},
    ],
    ids=["no-token", "garbage-token", "forged-identity-headers"],
)
def test_unauthenticated_is_401_with_www_authenticate(
    keystone: Keystone, app: WSGIApplication, headers: dict[str, str]
) -> None:
    response = webob.Request.blank("/", headers=headers).get_response(app)

    assert response.status_int == 401
    assert response.headers["WWW-Authenticate"] == f'Keystone uri="{keystone.url}"'


def test_token_revoked_before_first_use_is_401(keystone: Keystone, app: WSGIApplication) -> None:
    token = keystone.token()
    keystone.revoke(token)

    assert call(app, token).status_int == 401


def test_keystone_stopped_gives_503_and_cached_tokens_still_pass(
    running_keystone: Keystone, app: WSGIApplication, tmp_path: Path
) -> None:
    cached, fresh = running_keystone.token(), running_keystone.token()
    seen(call(app, cached))
    cold_app = authtoken_app(running_keystone, tmp_path)
    running_keystone.stop()

    started = time.perf_counter()
    fresh_response = call(cold_app, fresh)
    elapsed = time.perf_counter() - started

    assert fresh_response.status_int == 503
    assert seen(call(app, cached))["X-Identity-Status"] == "Confirmed"
    running_keystone.timings["auth_token 503 with Keystone stopped"] = elapsed
    print(f"503 with Keystone stopped after {elapsed:.3f} s")


def test_keystone_hanging_is_a_503_fault_through_faultwrap(
    running_keystone: Keystone, app: WSGIApplication
) -> None:
    # keystonemiddleware 13 turns ConnectFailure into 503 but lets keystoneauth's
    # ConnectTimeout (raised for read timeouts too) escape; faultwrap's default
    # exception_statuses maps it to a 503 fault. http_connect_timeout with no retries bounds
    # the wait.
    token = running_keystone.token()
    running_keystone.freeze()

    started = time.perf_counter()
    response = call(FaultWrap(app), token)
    elapsed = time.perf_counter() - started

    assert response.status_int == 503
    assert response.json == {"serviceUnavailable": {"code": 503, "message": default_message(503)}}
    running_keystone.timings["auth_token + faultwrap 503 with Keystone hanging"] = elapsed
    print(f"503 with Keystone hanging after {elapsed:.3f} s")
