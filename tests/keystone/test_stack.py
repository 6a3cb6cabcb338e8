"""The example compute API's keystone pipeline, served by gunicorn, in front of a real Keystone.

Everything goes over HTTP to ``apistack serve paste-examples/api-paste.ini --global
auth_strategy=keystone --global authtoken_config_file=...``: tokens come from Keystone, and
auth_token validates them there. Every error must be a nova-shaped JSON fault.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.functional.conftest import ServedStack
from tests.keystone.harness import Keystone
from tests.keystone.stack import KEYSTONE_WAIT, Reply, call_api, server_body

pytestmark = pytest.mark.keystone

AUTH_MESSAGE = "The request you have made requires authentication."


def fault(reply: Reply, name: str, code: int) -> str:
    """Check ``reply`` is the fault ``{name: {code, message}}``. :returns: its message"""
    assert reply.status == code, reply.body
    assert reply.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert list(reply.body) == [name], reply.body
    assert reply.body[name]["code"] == code
    message: str = reply.body[name]["message"]
    return message


def ids(keystone: Keystone, username: str) -> tuple[str | None, str | None]:
    """:returns: the user id and the id of the project named like the user"""
    user = keystone.identity.find_id("user", name=username)
    return user, keystone.identity.find_id("project", name=username)


def create_server(stack: ServedStack, token: str, name: str, **headers: str) -> dict[str, Any]:
    reply = call_api(stack.url, "POST", "/v2.1/servers", token, server_body(name), headers)
    assert reply.status == 202, reply.body
    server_id = reply.body["server"]["id"]
    shown = call_api(stack.url, "GET", f"/v2.1/servers/{server_id}", token)
    assert shown.status == 200, shown.body
    server: dict[str, Any] = shown.body["server"]
    return server


def test_member_token_is_served_and_owns_what_it_creates(
    keystone: Keystone, compute_stack: ServedStack
) -> None:
    token = keystone.token(keystone.member)

    listed = call_api(compute_stack.url, "GET", "/v2.1/servers", token)
    server = create_server(compute_stack, token, "owned")

    assert listed.status == 200
    assert (server["user_id"], server["tenant_id"]) == ids(keystone, "demo")


def test_all_tenants_is_for_admin_only(keystone: Keystone, compute_stack: ServedStack) -> None:
    mine = create_server(compute_stack, keystone.token(keystone.member), "mine")
    theirs = create_server(compute_stack, keystone.token(keystone.other_member), "theirs")
    path = "/v2.1/servers/detail?all_tenants=1"

    as_admin = call_api(compute_stack.url, "GET", path, keystone.token(keystone.admin))
    as_member = call_api(compute_stack.url, "GET", path, keystone.token(keystone.member))

    assert as_admin.status == 200
    seen = {server["id"]: server["tenant_id"] for server in as_admin.body["servers"]}
    assert seen[mine["id"]] == mine["tenant_id"]
    assert seen[theirs["id"]] == theirs["tenant_id"] != mine["tenant_id"]
    assert "get_all_tenants" in fault(as_member, "forbidden", 403)


def unauthenticated(keystone: Keystone, case: str) -> str | None:
    if case == "no-token":
        return None
    if case == "garbage-token":
        return "garbage"
    token = keystone.token(keystone.member)  # revoked before the API ever saw it
    keystone.revoke(token)
    return token


@pytest.mark.parametrize("case", ["no-token", "garbage-token", "revoked-token"])
def test_unauthenticated_is_a_401_fault_with_www_authenticate(
    keystone: Keystone, compute_stack: ServedStack, case: str
) -> None:
    reply = call_api(compute_stack.url, "GET", "/v2.1/servers", unauthenticated(keystone, case))

    assert fault(reply, "unauthorized", 401) == AUTH_MESSAGE
    assert reply.headers["WWW-Authenticate"] == f'Keystone uri="{keystone.url}"'


def test_token_of_one_project_on_another_projects_url_is_a_400_fault(
    keystone: Keystone, compute_stack: ServedStack
) -> None:
    token = keystone.token(keystone.member)
    _, own_project = ids(keystone, "demo")
    _, other_project = ids(keystone, "demo2")

    own = call_api(compute_stack.url, "GET", f"/v2.1/{own_project}/servers", token)
    other = call_api(compute_stack.url, "GET", f"/v2.1/{other_project}/servers", token)

    assert own.status == 200
    assert "doesn't match Context's project_id" in fault(other, "badRequest", 400)


def forged(keystone: Keystone) -> dict[str, str]:
    """Identity headers a client might send to pose as demo2's admin, system-wide."""
    user, project = ids(keystone, "demo2")
    return {
        "X-Identity-Status": "Confirmed",
        "X-Roles": "admin,member,reader",
        "X-Role": "admin",
        "OpenStack-System-Scope": "all",
        "X-User-Id": str(user),
        "X-Project-Id": str(project),
        "X-Tenant-Id": str(project),
        "X-Is-Admin-Project": "True",
    }


def test_forged_identity_headers_without_a_token_are_a_401_fault(
    keystone: Keystone, compute_stack: ServedStack
) -> None:
    path = "/v2.1/servers/detail?all_tenants=1"
    reply = call_api(compute_stack.url, "GET", path, headers=forged(keystone))

    assert fault(reply, "unauthorized", 401) == AUTH_MESSAGE


def test_forged_identity_headers_do_not_lift_a_member_token(
    keystone: Keystone, compute_stack: ServedStack
) -> None:
    token, headers = keystone.token(keystone.member), forged(keystone)
    theirs = create_server(compute_stack, keystone.token(keystone.other_member), "not-yours")

    server = create_server(compute_stack, token, "forger", **headers)
    everyone = call_api(
        compute_stack.url, "GET", "/v2.1/servers/detail?all_tenants=1", token, headers=headers
    )
    listed = call_api(compute_stack.url, "GET", "/v2.1/servers", token, headers=headers)
    peek_path = f"/v2.1/servers/{theirs['id']}"
    peek = call_api(compute_stack.url, "GET", peek_path, token, headers=headers)

    assert (server["user_id"], server["tenant_id"]) == ids(keystone, "demo")
    fault(everyone, "forbidden", 403)
    assert theirs["id"] not in {entry["id"] for entry in listed.body["servers"]}
    fault(peek, "itemNotFound", 404)


def timed_call(stack: ServedStack, token: str) -> tuple[Reply, float]:
    """GET /servers with a hang guard well above the documented wait (no timing assertion:
    a hung API raises TimeoutError here instead of hanging the suite)."""
    started = time.perf_counter()
    reply = call_api(stack.url, "GET", "/v2.1/servers", token, timeout=KEYSTONE_WAIT * 4)
    return reply, time.perf_counter() - started


def test_keystone_stopped_is_a_503_fault_and_cached_tokens_still_work(
    running_keystone: Keystone, compute_stack: ServedStack
) -> None:
    cached, fresh = running_keystone.token(), running_keystone.token()
    assert call_api(compute_stack.url, "GET", "/v2.1/servers", cached).status == 200
    running_keystone.stop()

    reply, elapsed = timed_call(compute_stack, fresh)
    again = call_api(compute_stack.url, "GET", "/v2.1/servers", cached)

    fault(reply, "serviceUnavailable", 503)
    assert again.status == 200
    running_keystone.timings["API 503 with Keystone stopped"] = elapsed


def test_keystone_hanging_is_a_503_fault(
    running_keystone: Keystone, compute_stack: ServedStack
) -> None:
    fresh = running_keystone.token()
    running_keystone.freeze()

    reply, elapsed = timed_call(compute_stack, fresh)

    fault(reply, "serviceUnavailable", 503)
    running_keystone.timings["API 503 with Keystone hanging"] = elapsed
