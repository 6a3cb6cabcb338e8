"""Servers: shapes per microversion, create forms, ownership, pagination, actions, states."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apistack.examples.compute import ServersController, compute_settings
from apistack.resource import Resource
from tests.examples.compute.conftest import ComputeAPI

IMG = "70a599e0-31e7-49b7-b260-868f441e862b"
SHOW_KEYS_21 = {
    "id", "name", "status", "tenant_id", "user_id", "metadata", "hostId", "image", "flavor",
    "created", "updated", "addresses", "accessIPv4", "accessIPv6", "links", "OS-DCF:diskConfig",
    "progress", "OS-EXT-AZ:availability_zone", "config_drive", "key_name",
    "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at", "OS-EXT-STS:task_state",
    "OS-EXT-STS:vm_state", "OS-EXT-STS:power_state", "os-extended-volumes:volumes_attached",
    "security_groups",
}  # fmt: skip


def _json(response: Any) -> Any:
    return json.loads(response.body)


def _show(api: ComputeAPI, server_id: str, **kwargs: Any) -> Any:
    return api.call("servers", "show", f"/servers/{server_id}", id=server_id, **kwargs)


def _action(api: ComputeAPI, server_id: str, body: Any, **kwargs: Any) -> Any:
    path = f"/servers/{server_id}/action"
    return api.call("servers", "action", path, "POST", body, id=server_id, **kwargs)


def test_create_answers_202_with_only_allowed_keys(api: ComputeAPI) -> None:
    body = {"server": {"name": "vm1", "flavorRef": "1", "imageRef": IMG}}
    response = api.call("servers", "create", "/servers", "POST", body)
    assert response.status_int == 202
    server = _json(response)["server"]
    assert set(server) == {"id", "links", "OS-DCF:diskConfig", "security_groups", "adminPass"}
    assert server["links"][0]["href"] == f"http://api.test/v2.1/servers/{server['id']}"


@pytest.mark.parametrize(
    "extra",
    [
        {"imageRef": "", "networks": [], "min_count": 1, "max_count": 1},
        {"imageRef": "", "networks": "auto"},
        {"imageRef": ""},
    ],
)
@pytest.mark.parametrize("boot_index", [0, "0"])
def test_create_forms_clients_send(
    api: ComputeAPI, extra: dict[str, Any], boot_index: Any
) -> None:
    bdm = {"uuid": IMG, "source_type": "image", "destination_type": "local",
           "boot_index": boot_index, "delete_on_termination": True}  # fmt: skip
    server = {"name": "vm", "flavorRef": "1", "block_device_mapping_v2": [bdm], **extra}
    response = api.call("servers", "create", "/servers", "POST", {"server": server})
    assert response.status_int == 202, response.body
    shown = _json(_show(api, _json(response)["server"]["id"]))["server"]
    assert shown["image"]["id"] == IMG


def test_volume_boot_has_empty_image(api: ComputeAPI) -> None:
    bdm = {"uuid": "vol", "source_type": "volume", "destination_type": "volume", "boot_index": 0}
    server = {"name": "v", "flavorRef": 1, "imageRef": "", "block_device_mapping_v2": [bdm]}
    created = _json(api.call("servers", "create", "/servers", "POST", {"server": server}))
    assert _json(_show(api, created["server"]["id"]))["server"]["image"] == ""


@pytest.mark.parametrize(
    ("server", "message"),
    [
        ({"name": "x", "flavorRef": "99", "imageRef": IMG}, "Invalid flavorRef provided."),
        ({"name": "x", "flavorRef": "1", "imageRef": ""}, "Block Device Mapping is Invalid"),
        ({"name": "x", "flavorRef": "1", "imageRef": IMG, "min_count": 3, "max_count": 2},
         "min_count"),
    ],
)  # fmt: skip
def test_create_client_errors_are_400(api: ComputeAPI, server: Any, message: str) -> None:
    response = api.call("servers", "create", "/servers", "POST", {"server": server})
    assert response.status_int == 400
    assert message in _json(response)["badRequest"]["message"]


def test_max_count_creates_numbered_servers(api: ComputeAPI) -> None:
    server = {"name": "many", "flavorRef": "1", "imageRef": IMG, "min_count": "1", "max_count": 3}
    api.call("servers", "create", "/servers", "POST", {"server": server})
    names = [s["name"] for s in _json(api.call("servers", "index", "/servers"))["servers"]]
    assert sorted(names) == ["many-1", "many-2", "many-3"]


def test_show_shape_at_21_and_owner(api: ComputeAPI) -> None:
    server = _json(_show(api, api.create()))["server"]
    assert set(server) == SHOW_KEYS_21
    assert (server["tenant_id"], server["user_id"]) == ("proj1", "alice")
    assert server["flavor"]["links"][0]["href"] == "http://api.test/flavors/1"


def test_locked_from_29_and_description_from_219(api: ComputeAPI) -> None:
    server_id = api.create()
    at_29 = _json(_show(api, server_id, version="2.9"))["server"]
    assert at_29["locked"] is False and "description" not in at_29
    body = {"server": {"name": "d", "flavorRef": "1", "imageRef": IMG, "description": "hi"}}
    created = _json(api.call("servers", "create", "/servers", "POST", body, version="2.19"))
    at_219 = _json(_show(api, created["server"]["id"], version="2.19"))["server"]
    assert set(at_219) == SHOW_KEYS_21 | {"locked", "description"}
    assert at_219["description"] == "hi"
    assert _json(_show(api, server_id, version="2.19"))["server"]["description"] is None


def test_version_headers_and_configurable_max(tmp_path: Path) -> None:
    api = ComputeAPI(tmp_path, max_version="2.9")
    response = api.call("servers", "index", "/servers", version="latest")
    assert response.headers["OpenStack-API-Version"] == "compute 2.9"
    assert api.call("servers", "index", "/servers", version="2.19").status_int == 406


def test_locked_filter_only_from_29(api: ComputeAPI) -> None:
    api.create()
    at_21 = _json(api.call("servers", "index", "/servers?locked=true"))["servers"]
    at_29 = _json(api.call("servers", "index", "/servers?locked=true", version="2.9"))["servers"]
    assert (len(at_21), len(at_29)) == (1, 0)


def test_index_keys_and_unknown_params_ignored(api: ComputeAPI) -> None:
    api.create()
    response = api.call("servers", "index", "/servers?deleted=False&bogus=1&is_public=None")
    servers = _json(response)["servers"]
    assert [set(s) for s in servers] == [{"id", "name", "links"}]


def test_detail_pagination_with_marker(api: ComputeAPI) -> None:
    ids = [api.create(f"vm{i}") for i in range(5)]
    newest_first = list(reversed(ids))
    first = _json(api.call("servers", "detail", "/servers/detail?limit=2"))
    assert [s["id"] for s in first["servers"]] == newest_first[:2]
    assert first["servers_links"][0]["rel"] == "next"
    marker = newest_first[1]
    second = _json(api.call("servers", "detail", f"/servers/detail?limit=2&marker={marker}"))
    assert [s["id"] for s in second["servers"]] == newest_first[2:4]
    last = _json(api.call("servers", "detail", f"/servers/detail?limit=2&marker={ids[0]}"))
    assert last["servers"] == []


def test_unknown_marker_is_400(api: ComputeAPI) -> None:
    response = api.call("servers", "detail", "/servers/detail?marker=nope")
    assert response.status_int == 400
    assert _json(response)["badRequest"]["message"] == "marker [nope] not found"


def test_name_and_status_filters(api: ComputeAPI) -> None:
    api.create("web-1")
    api.create("db-1")
    found = _json(api.call("servers", "index", "/servers?name=web"))["servers"]
    assert [s["name"] for s in found] == ["web-1"]
    assert _json(api.call("servers", "detail", "/servers/detail?status=SHUTOFF"))["servers"] == []


@pytest.mark.parametrize("server_id", ["00000000-0000-0000-0000-000000000000", "vm1"])
def test_show_unknown_or_non_uuid_is_404(api: ComputeAPI, server_id: str) -> None:
    response = _show(api, server_id)
    assert response.status_int == 404
    assert (
        _json(response)["itemNotFound"]["message"] == f"Instance {server_id} could not be found."
    )


def test_other_projects_cannot_see_a_server_but_admin_can(api: ComputeAPI) -> None:
    server_id = api.create()
    assert _show(api, server_id, user="bob", project="proj2").status_int == 404
    assert _json(api.call("servers", "index", "/servers", project="proj2"))["servers"] == []
    assert _show(api, server_id, user="admin", project="admin", admin=True).status_int == 200


def test_all_tenants_is_admin_only(api: ComputeAPI) -> None:
    api.create(project="proj1")
    api.create(project="proj2")
    member = api.call("servers", "detail", "/servers/detail?all_tenants=True")
    assert member.status_int == 403
    assert "get_all_tenants" in _json(member)["forbidden"]["message"]
    ok = api.call("servers", "detail", "/servers/detail?all_tenants=1", admin=True, project="a")
    assert {s["tenant_id"] for s in _json(ok)["servers"]} == {"proj1", "proj2"}
    one = api.call("servers", "index", "/servers?all_tenants&project_id=proj2", admin=True)
    assert len(_json(one)["servers"]) == 1
    not_all = api.call("servers", "index", "/servers?all_tenants=false")
    assert not_all.status_int == 200


def test_build_becomes_active_when_read(api: ComputeAPI) -> None:
    server_id = api.create()
    assert api.store.get(server_id).status == "BUILD"  # type: ignore[union-attr]
    server = _json(_show(api, server_id))["server"]
    assert (server["status"], server["OS-EXT-STS:vm_state"]) == ("ACTIVE", "active")
    assert server["OS-SRV-USG:launched_at"] is not None


def test_reboot_stop_start_and_conflicts(api: ComputeAPI) -> None:
    server_id = api.create()
    build = _action(api, server_id, {"reboot": {"type": "SOFT"}})
    assert build.status_int == 409
    _show(api, server_id)  # BUILD -> ACTIVE
    reboot = _action(api, server_id, {"reboot": {"type": "HARD"}})
    assert (reboot.status_int, reboot.body) == (202, b"")
    assert api.store.get(server_id).status == "HARD_REBOOT"  # type: ignore[union-attr]
    assert _json(_show(api, server_id))["server"]["status"] == "ACTIVE"
    start = _action(api, server_id, {"os-start": None})
    assert start.status_int == 409
    assert _json(start)["conflictingRequest"]["message"] == (
        f"Cannot 'start' instance {server_id} while it is in vm_state active"
    )
    assert _action(api, server_id, {"os-stop": None}).status_int == 202
    assert _json(_show(api, server_id))["server"]["status"] == "SHUTOFF"
    assert _action(api, server_id, {"os-stop": None}).status_int == 409
    assert _action(api, server_id, {"reboot": {"type": "SOFT"}}).status_int == 409
    assert _action(api, server_id, {"os-start": None}).status_int == 202
    assert _json(_show(api, server_id))["server"]["status"] == "ACTIVE"


def test_action_on_foreign_server_is_404(api: ComputeAPI) -> None:
    server_id = api.create()
    assert _action(api, server_id, {"os-stop": None}, project="other").status_int == 404


def test_update_and_delete(api: ComputeAPI) -> None:
    server_id = api.create()
    body = {"server": {"name": "renamed", "description": "new"}}
    path = f"/servers/{server_id}"
    updated = api.call("servers", "update", path, "PUT", body, id=server_id, version="2.19")
    server = _json(updated)["server"]
    assert (server["name"], server["description"]) == ("renamed", "new")
    assert "OS-EXT-STS:vm_state" not in server
    deleted = api.call("servers", "delete", path, "DELETE", id=server_id)
    assert (deleted.status_int, deleted.body) == (204, b"")
    assert _show(api, server_id).status_int == 404
    assert api.call("servers", "delete", path, "DELETE", id=server_id).status_int == 404


def test_servers_survive_a_new_store_on_the_same_directory(tmp_path: Path) -> None:
    server_id = ComputeAPI(tmp_path).create()
    assert _show(ComputeAPI(tmp_path), server_id).status_int == 200


def test_in_api_version_document(api: ComputeAPI) -> None:
    doc = _json(api.call("versions", "show"))["version"]
    assert (doc["id"], doc["version"], doc["min_version"]) == ("v2.1", "2.19", "2.1")
    assert doc["links"][0] == {"rel": "self", "href": "http://api.test/v2.1/"}
    assert api.call("versions", "show", id="v3").status_int == 404


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("(a%2B)%2B%24", []),  # (a+)+$: exponential in re, linear in RE2
        ("%5Eaaa", ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"]),
        ("a%7B4294967296%7D", []),  # beyond RE2's repetition limit: a literal substring
        ("(" * 1000, []),  # unbalanced: a literal substring
        ("(?P<x>a)(?P=x)", []),  # a backreference RE2 refuses: a literal substring
        ("WEB", []),
        ("(%3Fi)WEB", ["web-1"]),
    ],
)
def test_name_filter_is_re2_or_literal(api: ComputeAPI, pattern: str, expected: list[str]) -> None:
    api.create("web-1")
    api.create("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")
    response = api.call("servers", "index", f"/servers?name={pattern}")
    assert response.status_int == 200, response.body
    assert [s["name"] for s in _json(response)["servers"]] == expected


def test_name_filter_pages_past_non_matching_servers(api: ComputeAPI) -> None:
    wanted = [api.create(f"keep-{i}") for i in range(3)]
    for i in range(250):  # more than one filtered batch between the matches and the page start
        api.create(f"skip-{i}")
    first = _json(api.call("servers", "index", "/servers?name=%5Ekeep&limit=2"))
    assert [s["id"] for s in first["servers"]] == wanted[::-1][:2]
    marker = first["servers"][-1]["id"]
    rest = _json(api.call("servers", "index", f"/servers?name=%5Ekeep&limit=2&marker={marker}"))
    assert [s["id"] for s in rest["servers"]] == wanted[:1]
    assert "servers_links" not in rest


def test_max_limit_caps_every_page(tmp_path: Path) -> None:
    api = ComputeAPI(tmp_path / "state")
    capped = type("Capped", (ServersController,), {"max_limit": 3})
    api.resources["servers"] = Resource(capped(api.store), compute_settings("2.19"))
    ids = [api.create(f"vm{i}") for i in range(5)]
    for query in ("", "?limit=100", "?limit=99999999999999999999999"):
        page = _json(api.call("servers", "index", f"/servers{query}"))
        assert [s["id"] for s in page["servers"]] == ids[::-1][:3]
        assert page["servers_links"][0]["href"].endswith(f"marker={ids[2]}")


def test_marker_of_another_project_is_400(api: ComputeAPI) -> None:
    theirs = api.create("theirs", project="other")
    response = api.call("servers", "index", f"/servers?marker={theirs}")
    assert response.status_int == 400
