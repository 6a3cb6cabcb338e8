"""Server views and create's helpers: links follow each request's own host, scheme, script
name and project; server ids are version-4 UUIDs; timestamps are nova's format."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import webob
from oslo_context.context import RequestContext

from apistack.examples.compute import server_base, servers, views
from tests.examples.compute.conftest import ComputeAPI


def _show(api: ComputeAPI, server_id: str, base_url: str, project: str | None = None) -> Any:
    req = webob.Request.blank(f"/servers/{server_id}", base_url=base_url)
    req.environ["openstack.context"] = RequestContext(user_id="alice", project_id="proj1")
    routing = {"action": "show", "id": server_id}
    if project is not None:
        routing["project_id"] = project
    req.environ["wsgiorg.routing_args"] = ((), routing)
    response = req.get_response(api.resources["servers"])
    assert response.status_int == 200, response.body
    return json.loads(response.body)["server"]


def test_links_follow_each_request_s_host_scheme_script_and_project(api: ComputeAPI) -> None:
    server_id = api.create()
    cases = (
        ("http://api.test/v2.1", None, "http://api.test/v2.1", "http://api.test"),
        ("https://other.test:8443/compute/v2.1", None, "https://other.test:8443/compute/v2.1",
         "https://other.test:8443/compute"),
        ("http://api.test/v2.1", "proj1", "http://api.test/v2.1/proj1", "http://api.test/proj1"),
        ("http://api.test/v2.1", None, "http://api.test/v2.1", "http://api.test"),
    )  # fmt: skip
    for base_url, project, own, bookmark in cases:
        server = _show(api, server_id, base_url, project)
        assert [link["href"] for link in server["links"]] == [
            f"{own}/servers/{server_id}",
            f"{bookmark}/servers/{server_id}",
        ]
        assert server["flavor"]["links"][0]["href"] == f"{bookmark}/flavors/1"


def test_link_bases_stay_bounded_whatever_hosts_clients_send(api: ComputeAPI) -> None:
    server_id = api.create()
    for i in range(views._BASES_MAX + 10):
        server = _show(api, server_id, f"http://host-{i}.test/v2.1")
        assert server["links"][0]["href"] == f"http://host-{i}.test/v2.1/servers/{server_id}"
    assert len(views._BASES) <= views._BASES_MAX


def test_server_ids_are_distinct_version_4_uuids() -> None:
    ids = [servers._server_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 4, uuid.RFC_4122)


def test_utc_now_is_nova_s_format_of_the_current_second() -> None:
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    now = server_base.utc_now()
    after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    assert before <= now <= after and len(now) == 20
