"""Precedence and resource(): where we follow Routes, and the documented places we do not.

Our rule (apistack.router.trie): segments left to right, a literal beats a variable, then
declaration order; the same with and without a project id. Routes 2.5 tries the longest
literal prefix first, so project routes (prefix ``''``) fall back to insertion order: that
"precedence quirk" is the one case where we deliberately differ.
"""

from __future__ import annotations

from typing import Any

import pytest

from apistack.router import ProjectMapper, RouteMatcher

from .nova_reference import NovaProjectMapper
from .test_differential import NamedApp

SHOW = NamedApp("show")
DETAIL = NamedApp("detail")


def _both(declare: Any) -> tuple[NovaProjectMapper, RouteMatcher]:
    reference = NovaProjectMapper()
    ours = ProjectMapper()
    declare(reference)
    declare(ours)
    reference.create_regs()
    return reference, RouteMatcher(ours.declarations)


def _reversed(mapper: Any) -> None:
    mapper.create_route("/things/{id}", "GET", SHOW, "show")
    mapper.create_route("/things/detail", "GET", DETAIL, "detail")


def _routes(reference: Any, path: str, method: str = "GET") -> Any:
    found = reference.routematch(path, {"REQUEST_METHOD": method})
    return None if found is None else found[0]


def _ours(matcher: RouteMatcher, path: str, method: str = "GET") -> Any:
    found = matcher.match(path, method)
    return None if found is None else found[1]


def test_literal_beats_variable_without_project_like_routes() -> None:
    reference, matcher = _both(_reversed)
    assert _routes(reference, "/things/detail")["action"] == "detail"
    assert _ours(matcher, "/things/detail")["action"] == "detail"


def test_precedence_quirk_documented_divergence_with_project() -> None:
    reference, matcher = _both(_reversed)
    # Routes: project routes match in insertion order, so "detail" becomes an id.
    assert _routes(reference, "/abc/things/detail") == {
        "project_id": "abc",
        "id": "detail",
        "controller": SHOW,
        "action": "show",
    }
    # Ours: the same rule as without a project id.
    assert _ours(matcher, "/abc/things/detail") == {
        "project_id": "abc",
        "controller": DETAIL,
        "action": "detail",
    }


def test_method_mismatch_on_literal_falls_back_to_variable_like_routes() -> None:
    def declare(mapper: Any) -> None:
        mapper.create_route("/things/detail", "GET", DETAIL, "detail")
        mapper.create_route("/things/{id}", "DELETE", SHOW, "delete")

    reference, matcher = _both(declare)
    for path in ("/things/detail", "/abc/things/detail"):
        assert _ours(matcher, path, "DELETE") == _routes(reference, path, "DELETE")
        assert _ours(matcher, path, "DELETE")["id"] == "detail"


def test_trailing_newline_documented_divergence() -> None:
    # Routes anchors with "$", which also matches before a final "\n" (a %0A at the end).
    reference, matcher = _both(_reversed)
    assert _routes(reference, "/things/detail\n")["action"] == "detail"
    assert _ours(matcher, "/things/detail\n") == {
        "controller": SHOW,
        "action": "show",
        "id": "detail\n",
    }


RESOURCE_APP = NamedApp("resource")
IPS_APP = NamedApp("ips")


def _resources(mapper: Any) -> None:
    mapper.resource(
        "server",
        "servers",
        controller=RESOURCE_APP,
        collection={"detail": "GET"},
        member={"action": "POST"},
    )
    mapper.resource(
        "ip",
        "ips",
        controller=IPS_APP,
        parent_resource={"member_name": "server", "collection_name": "servers"},
    )


def test_resource_generates_what_nova_projectmapper_generates() -> None:
    reference = NovaProjectMapper()
    reference.resource(
        "thing", "things", controller=SHOW, collection={"detail": "GET"}, member={"go": "POST"}
    )
    ours = ProjectMapper()
    ours.resource(
        "thing", "things", controller=SHOW, collection={"detail": "GET"}, member={"go": "POST"}
    )
    assert len(reference.matchlist) == 36
    assert len(ours.declarations) == 36


@pytest.mark.parametrize("project", ["", "/abc123"])
@pytest.mark.parametrize(
    "tail",
    [
        "/servers",
        "/servers.json",
        "/servers.xml",
        "/servers.txt",
        "/servers/detail",
        "/servers/detail.json",
        "/servers/new",
        "/servers/new.xml",
        "/servers/x1",
        "/servers/x1.json",
        "/servers/x1.txt",
        "/servers/a.b.json",
        "/servers/x1/edit",
        "/servers/x1/edit.json",
        "/servers/x1/action",
        "/servers/x1/action.xml",
        "/servers/x1/ips",
        "/servers/x1/ips.json",
        "/servers/x1/ips/10.0.0.1",
        "/servers/x1/ips/10.0.0.1.json",
        "/servers/x1/ips/new",
        "/servers/x1/ips/y/edit",
        "/servers/x1/bogus",
        "/servers/",
    ],
)
def test_resource_routes_match_like_routes(project: str, tail: str) -> None:
    reference, matcher = _both(_resources)
    path = project + tail
    for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
        assert _ours(matcher, path, method) == _routes(reference, path, method), (method, path)
