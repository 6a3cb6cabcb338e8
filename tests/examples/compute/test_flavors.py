"""Flavors: list, detail, show (404 for names), extra specs, pagination."""

from __future__ import annotations

import json

from tests.examples.compute.conftest import ComputeAPI

DETAIL_KEYS = {
    "id", "name", "ram", "disk", "swap", "vcpus", "OS-FLV-EXT-DATA:ephemeral",
    "OS-FLV-DISABLED:disabled", "os-flavor-access:is_public", "rxtx_factor", "links",
}  # fmt: skip


def test_index_has_exactly_id_name_links(api: ComputeAPI) -> None:
    response = api.call("flavors", "index", "/flavors?is_public=None&deleted=False")
    flavors = json.loads(response.body)["flavors"]
    assert [f["id"] for f in flavors] == ["1", "2", "3", "4", "5"]
    assert set(flavors[0]) == {"id", "name", "links"}
    assert flavors[0]["links"] == [
        {"rel": "self", "href": "http://api.test/v2.1/flavors/1"},
        {"rel": "bookmark", "href": "http://api.test/flavors/1"},
    ]


def test_detail_and_show_shapes(api: ComputeAPI) -> None:
    detail = json.loads(api.call("flavors", "detail", "/flavors/detail").body)["flavors"]
    assert all(set(f) == DETAIL_KEYS for f in detail)
    shown = json.loads(api.call("flavors", "show", "/flavors/2", id="2").body)["flavor"]
    assert (shown["id"], shown["name"], shown["swap"]) == ("2", "m1.small", "")


def test_show_by_name_is_404(api: ComputeAPI) -> None:
    response = api.call("flavors", "show", "/flavors/m1.small", id="m1.small")
    assert response.status_int == 404
    assert json.loads(response.body)["itemNotFound"]["message"] == (
        "Flavor m1.small could not be found."
    )


def test_pagination_and_next_link(api: ComputeAPI) -> None:
    first = json.loads(api.call("flavors", "detail", "/flavors/detail?limit=2").body)
    assert [f["id"] for f in first["flavors"]] == ["1", "2"]
    assert first["flavors_links"][0]["href"].endswith("/flavors/detail?limit=2&marker=2")
    rest = json.loads(api.call("flavors", "detail", "/flavors/detail?limit=2&marker=4").body)
    assert [f["id"] for f in rest["flavors"]] == ["5"]
    assert "flavors_links" not in rest


def test_unknown_marker_is_400(api: ComputeAPI) -> None:
    response = api.call("flavors", "index", "/flavors?marker=99")
    assert response.status_int == 400
    assert json.loads(response.body)["badRequest"]["message"] == "marker [99] not found"


def test_min_ram_filter(api: ComputeAPI) -> None:
    flavors = json.loads(api.call("flavors", "index", "/flavors?minRam=8192").body)["flavors"]
    assert [f["id"] for f in flavors] == ["4", "5"]


def test_extra_specs(api: ComputeAPI) -> None:
    response = api.call("extra_specs", "index", "/flavors/4/os-extra_specs", flavor_id="4")
    assert json.loads(response.body) == {"extra_specs": {"hw:cpu_policy": "dedicated"}}
    one = api.call("extra_specs", "show", flavor_id="4", id="hw:cpu_policy")
    assert json.loads(one.body) == {"hw:cpu_policy": "dedicated"}
    missing = api.call("extra_specs", "show", flavor_id="5", id="hw:cpu_policy")
    assert missing.status_int == 404
    assert api.call("extra_specs", "index", flavor_id="99").status_int == 404
