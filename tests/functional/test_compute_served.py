"""The example compute API served by gunicorn from ``paste-examples/api-paste.ini`` (noauth2).

Version discovery, every endpoint, the microversion-gated behaviours, HEAD, the ``/v2``
legacy API, a CORS preflight and two workers sharing one SQLite file, all over real HTTP.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.functional.conftest import CORS_ORIGIN, ServedStack, fresh_token
from tests.functional.wire import (
    IMAGE,
    assert_fault,
    assert_no_version_headers,
    assert_version_headers,
    call,
    create_server,
)

pytestmark = pytest.mark.served


# Version discovery -------------------------------------------------------------------------


def test_root_lists_both_versions_without_a_token(compute_stack: ServedStack) -> None:
    reply = call(compute_stack.url, "GET", "/", token=None)
    assert reply.status == 200
    versions = {v["id"]: v for v in reply.json()["versions"]}
    assert set(versions) == {"v2.0", "v2.1"}
    current = versions["v2.1"]
    assert (current["status"], current["min_version"], current["version"]) == (
        "CURRENT",
        "2.1",
        "2.19",
    )
    assert current["links"] == [{"rel": "self", "href": compute_stack.url + "/v2.1/"}]
    assert (versions["v2.0"]["status"], versions["v2.0"]["version"]) == ("DEPRECATED", "")
    assert_no_version_headers(reply)


@pytest.mark.parametrize("path", ["/v2.1", "/v2.1/"])
def test_v21_document_without_a_token(compute_stack: ServedStack, path: str) -> None:
    reply = call(compute_stack.url, "GET", path, token=None)
    assert reply.status == 200
    document = reply.json()["version"]
    assert (document["id"], document["status"], document["version"]) == ("v2.1", "CURRENT", "2.19")
    assert {"rel": "self", "href": compute_stack.url + "/v2.1/"} in document["links"]
    assert_version_headers(reply, "2.1")


@pytest.mark.parametrize("path", ["/v2", "/v2/"])
def test_v2_legacy_document(compute_stack: ServedStack, path: str) -> None:
    reply = call(compute_stack.url, "GET", path, token=None)
    assert reply.status == 200
    document = reply.json()["version"]
    assert (document["id"], document["status"], document["min_version"]) == (
        "v2.0",
        "DEPRECATED",
        "",
    )
    assert_no_version_headers(reply)


def test_unknown_path_is_300_with_the_choices(compute_stack: ServedStack) -> None:
    reply = call(compute_stack.url, "GET", "/v3/widgets", token=None)
    assert reply.status == 300
    choices = {c["id"]: c["links"][0]["href"] for c in reply.json()["choices"]}
    assert choices == {
        "v2.0": compute_stack.url + "/v2/v3/widgets",
        "v2.1": compute_stack.url + "/v2.1/v3/widgets",
    }


# Flavors -----------------------------------------------------------------------------------


def test_flavor_list_detail_show_and_extra_specs(compute_stack: ServedStack) -> None:
    url = compute_stack.url
    summary = call(url, "GET", "/v2.1/flavors").json()["flavors"]
    assert [f["name"] for f in summary][:2] == ["m1.tiny", "m1.small"]
    assert set(summary[0]) == {"id", "name", "links"}
    detail = call(url, "GET", "/v2.1/flavors/detail?is_public=None").json()["flavors"]
    assert [f["id"] for f in detail] == [f["id"] for f in summary]
    assert (detail[0]["ram"], detail[0]["vcpus"], detail[0]["disk"]) == (512, 1, 1)
    shown = call(url, "GET", "/v2.1/flavors/2").json()["flavor"]
    assert (shown["name"], shown["links"][0]["href"]) == ("m1.small", url + "/v2.1/flavors/2")
    specs = call(url, "GET", "/v2.1/flavors/1/os-extra_specs")
    assert (specs.status, specs.json()) == (200, {"extra_specs": {"hw:cpu_policy": "shared"}})
    # Clients look a flavor up by name with a GET and fall back to listing on a 404 only.
    assert_fault(call(url, "GET", "/v2.1/flavors/m1.small"), 404, "itemNotFound")


# Servers -----------------------------------------------------------------------------------


def test_server_lifecycle(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    created = call(
        url,
        "POST",
        "/v2.1/servers",
        token=token,
        json_body={"server": {"name": "vm1", "flavorRef": "1", "imageRef": IMAGE}},
    )
    assert created.status == 202
    server_id = created.json()["server"]["id"]
    assert created.json()["server"]["links"][0]["href"] == f"{url}/v2.1/servers/{server_id}"
    shown = call(url, "GET", f"/v2.1/servers/{server_id}", token=token).json()["server"]
    assert (shown["name"], shown["status"], shown["flavor"]["id"]) == ("vm1", "ACTIVE", "1")
    assert shown["image"]["id"] == IMAGE
    listed = call(url, "GET", "/v2.1/servers", token=token).json()["servers"]
    assert [(s["id"], s["name"]) for s in listed] == [(server_id, "vm1")]
    updated = call(
        url,
        "PUT",
        f"/v2.1/servers/{server_id}",
        token=token,
        json_body={"server": {"name": "renamed"}},
    )
    assert (updated.status, updated.json()["server"]["name"]) == (200, "renamed")
    deleted = call(url, "DELETE", f"/v2.1/servers/{server_id}", token=token)
    assert (deleted.status, deleted.body) == (204, b"")
    assert_fault(call(url, "GET", f"/v2.1/servers/{server_id}", token=token), 404, "itemNotFound")


def test_detail_paginates_with_limit_and_marker(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    ids = {create_server(url, token, f"page-{i}") for i in range(3)}
    first = call(url, "GET", "/v2.1/servers/detail?limit=2", token=token).json()
    assert len(first["servers"]) == 2
    [next_link] = first["servers_links"]
    assert next_link["rel"] == "next"
    marker = first["servers"][-1]["id"]
    assert f"marker={marker}" in next_link["href"]
    second = call(url, "GET", f"/v2.1/servers/detail?limit=2&marker={marker}", token=token)
    rest = second.json()["servers"]
    assert {s["id"] for s in first["servers"] + rest} == ids
    assert len(rest) == 1
    assert "servers_links" not in second.json()


def test_unknown_query_parameters_are_ignored(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    server_id = create_server(url, token, "odd-query")
    query = "deleted=False&is_public=None&flavor=1&sort_key=display_name&widget=7"
    reply = call(url, "GET", f"/v2.1/servers/detail?{query}", token=token)
    assert reply.status == 200
    assert [s["id"] for s in reply.json()["servers"]] == [server_id]


def test_reboot_stop_start_actions(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    server_id = create_server(url, token, "acts")
    path = f"/v2.1/servers/{server_id}"

    def act(body: object) -> tuple[int, bytes]:
        reply = call(url, "POST", path + "/action", token=token, json_body=body)
        return reply.status, reply.body

    def status() -> str:
        return str(call(url, "GET", path, token=token).json()["server"]["status"])

    assert status() == "ACTIVE"
    assert act({"reboot": {"type": "SOFT"}}) == (202, b"")
    assert status() == "ACTIVE"  # a reboot settles on the next read
    assert act({"os-stop": None}) == (202, b"")
    assert status() == "SHUTOFF"
    assert act({"os-start": None}) == (202, b"")
    assert status() == "ACTIVE"


def test_admin_lists_all_tenants(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    server_id = create_server(url, token, "seen-by-admin")
    project = token.split(":")[1]
    reply = call(
        url, "GET", f"/v2.1/servers?all_tenants=1&project_id={project}", token="admin:admin"
    )
    assert [s["id"] for s in reply.json()["servers"]] == [server_id]


# Microversion-gated behaviours ------------------------------------------------------------


def test_locked_appears_from_2_9(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    path = f"/v2.1/servers/{create_server(url, token, 'gated')}"

    def show(version: str) -> dict[str, object]:
        headers = {"OpenStack-API-Version": f"compute {version}"}
        reply = call(url, "GET", path, token=token, headers=headers)
        assert_version_headers(reply, version)
        return dict(reply.json()["server"])

    assert "locked" not in show("2.8")
    assert show("2.9")["locked"] is False


def test_description_from_2_19(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    server = {"name": "described", "flavorRef": "1", "imageRef": IMAGE, "description": "db"}
    old = call(
        url,
        "POST",
        "/v2.1/servers",
        token=token,
        headers={"X-OpenStack-Nova-API-Version": "2.18"},
        json_body={"server": server},
    )
    assert "description" in assert_fault(old, 400, "badRequest")
    v219 = {"OpenStack-API-Version": "compute 2.19"}
    server_id = create_server(url, token, "described", headers=v219, server=server)
    shown = call(url, "GET", f"/v2.1/servers/{server_id}", token=token, headers=v219)
    assert shown.json()["server"]["description"] == "db"
    at_21 = call(url, "GET", f"/v2.1/servers/{server_id}", token=token)
    assert "description" not in at_21.json()["server"]


def test_latest_is_the_maximum(compute_stack: ServedStack) -> None:
    headers = {"OpenStack-API-Version": "compute latest"}
    reply = call(compute_stack.url, "GET", "/v2.1/flavors", headers=headers)
    assert reply.status == 200
    assert_version_headers(reply, "2.19")


# HEAD, legacy v2, CORS ---------------------------------------------------------------------


def test_head_answers_headers_only(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    path = f"/v2.1/servers/{create_server(url, token, 'head')}"
    got = call(url, "GET", path, token=token)
    head = call(url, "HEAD", path, token=token)
    assert (head.status, head.body) == (200, b"")
    assert head.headers["Content-Type"] == got.headers["Content-Type"] == "application/json"
    assert_version_headers(head, "2.1")
    assert call(url, "HEAD", "/", token=None).status == 200


def test_legacy_v2_strips_version_headers_and_unknown_keys(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    server = {"name": "legacy", "flavorRef": "1", "imageRef": IMAGE, "not_in_schema": True}
    headers = {"OpenStack-API-Version": "compute 2.19"}
    created = call(
        url, "POST", "/v2/servers", token=token, headers=headers, json_body={"server": server}
    )
    assert created.status == 202, created.body
    assert_no_version_headers(created)
    server_id = created.json()["server"]["id"]
    assert created.json()["server"]["links"][0]["href"] == f"{url}/v2/servers/{server_id}"
    shown = call(url, "GET", f"/v2/servers/{server_id}", token=token, headers=headers)
    assert_no_version_headers(shown)
    assert "locked" not in shown.json()["server"]  # 2.1 behaviour, whatever was asked
    # The same body is rejected on /v2.1, where the schema is strict.
    strict = call(url, "POST", "/v2.1/servers", token=token, json_body={"server": server})
    assert_fault(strict, 400, "badRequest")


def test_cors_preflight_needs_no_token(compute_stack: ServedStack) -> None:
    headers = {"Origin": CORS_ORIGIN, "Access-Control-Request-Method": "POST"}
    reply = call(compute_stack.url, "OPTIONS", "/v2.1/servers", token=None, headers=headers)
    assert reply.status in (200, 204)
    assert reply.headers["Access-Control-Allow-Origin"] == CORS_ORIGIN
    assert reply.headers["Access-Control-Allow-Methods"] == "POST"
    other = call(
        compute_stack.url,
        "OPTIONS",
        "/v2.1/servers",
        token=None,
        headers={**headers, "Origin": "http://elsewhere.example.com"},
    )
    assert other.headers.get("Access-Control-Allow-Origin") is None


# Two workers, one SQLite file --------------------------------------------------------------


def _opened_database(pid: int, state: Path) -> bool:
    fd_dir = Path(f"/proc/{pid}/fd")
    return any(
        os.readlink(fd_dir / fd).startswith(str(state))
        for fd in os.listdir(fd_dir)
        if os.path.islink(fd_dir / fd)
    )


def test_two_workers_share_the_sqlite_state(compute_stack: ServedStack) -> None:
    url, token = compute_stack.url, fresh_token()
    state = Path(compute_stack.env["APISTACK_STATE_DIR"])
    pids = compute_stack.worker_pids()
    assert len(pids) == 2
    ids: set[str] = set()
    with ThreadPoolExecutor(8) as pool:
        # The kernel picks the worker that accepts; create until both have opened the file.
        for _round in range(40):
            ids |= set(pool.map(lambda i: create_server(url, token, f"w{i}"), range(8)))
            if all(_opened_database(pid, state) for pid in pids):
                break
        # Every worker must find every server, whichever worker created it.
        shows = list(pool.map(lambda i: call(url, "GET", f"/v2.1/servers/{i}", token=token), ids))
    assert all(_opened_database(pid, state) for pid in pids)
    assert [reply.status for reply in shows] == [200] * len(ids)
    listed = call(url, "GET", "/v2.1/servers?limit=1000", token=token).json()["servers"]
    assert {s["id"] for s in listed} == ids


def test_every_worker_sees_a_change_made_through_another(compute_stack: ServedStack) -> None:
    """Each worker keeps the servers it has read in its read cache; a change committed
    through any worker must be what the next read on every worker answers."""
    url, token = compute_stack.url, fresh_token()
    server_id = create_server(url, token, "seen")
    path = f"/v2.1/servers/{server_id}"

    def shows() -> set[tuple[str, str]]:
        # Eight at once, each on a new connection: the kernel spreads them over both workers.
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda _: call(url, "GET", path, token=token), range(24)))
        return {(r.json()["server"]["status"], r.json()["server"]["name"]) for r in replies}

    assert shows() == {("ACTIVE", "seen")}  # now cached by whichever workers answered
    for round_ in range(3):
        stopped = call(url, "POST", path + "/action", token=token, json_body={"os-stop": None})
        assert stopped.status == 202
        assert shows() == {("SHUTOFF", f"seen{round_ or ''}")}
        renamed = f"seen{round_ + 1}"
        body = {"server": {"name": renamed}}
        assert call(url, "PUT", path, token=token, json_body=body).status == 200
        started = call(url, "POST", path + "/action", token=token, json_body={"os-start": None})
        assert started.status == 202
        assert shows() == {("ACTIVE", renamed)}
