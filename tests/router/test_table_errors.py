"""A bad table is rejected when the router is built, with a message naming the route."""

from __future__ import annotations

from typing import Any

import pytest

from apistack.router import ProjectMapper, Router, RouteTableError


def app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [])
    return []


def build(*routes: tuple[str, str]) -> Router:
    mapper = ProjectMapper()
    for method, path in routes:
        mapper.create_route(path, method, app, "act")
    return Router(mapper)


def test_duplicate_path_and_method() -> None:
    with pytest.raises(RouteTableError, match=r"GET /servers/\{id\}.*already declared"):
        build(("GET", "/servers/{id}"), ("GET", "/servers/{id}"))


def test_duplicate_shape_with_other_variable_names() -> None:
    with pytest.raises(RouteTableError, match=r"GET /servers/\{server_id\}.*as GET /servers"):
        build(("GET", "/servers/{id}"), ("GET", "/servers/{server_id}"))


def test_same_path_other_method_is_fine() -> None:
    assert len(build(("GET", "/s/{id}"), ("PUT", "/s/{id}")).route_table) == 2


def test_unknown_http_method() -> None:
    with pytest.raises(RouteTableError, match="FETCH /servers: unknown HTTP method"):
        build(("FETCH", "/servers"))


def test_variable_used_twice() -> None:
    with pytest.raises(RouteTableError, match=r"GET /a/\{id\}/b/\{id\}.*: variable 'id'"):
        build(("GET", "/a/{id}/b/{id}"))


def test_project_id_in_path_clashes_with_the_project_twin() -> None:
    with pytest.raises(RouteTableError, match="project_id"):
        build(("GET", "/a/{project_id}"))


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("/servers/{id", "unclosed"),
        ("/servers/{}", "bad variable name"),
        ("/servers/{a-b}", "bad variable name"),
        ("/servers/:(id", "unclosed"),
        ("/servers/:id-x", "followed by '-'"),
        ("/servers/{id:[}", "bad requirement regex"),
    ],
)
def test_malformed_templates(template: str, reason: str) -> None:
    with pytest.raises(RouteTableError, match=reason) as caught:
        build(("GET", template))
    assert template in str(caught.value)


def test_requirement_spanning_segments_uses_a_tail_regex() -> None:
    mapper = ProjectMapper(project_prefix=False)
    mapper.connect("/files/{path:.+}", method="GET", controller=app, action="get")
    mapper.connect("/files/{name}", method="GET", controller=app, action="one")
    router = Router(mapper)
    found = router.matcher.match("/files/a/b/c", "GET")
    assert found is not None and found[1]["path"] == "a/b/c"
    one = router.matcher.match("/files/a", "GET")
    assert one is not None and one[1]["action"] == "get"  # declared first, same segment


def test_custom_project_regex_and_no_prefix_mode() -> None:
    mapper = ProjectMapper(project_id_regex="[0-9]+")
    mapper.create_route("/servers", "GET", app, "index")
    router = Router(mapper)
    assert router.matcher.match("/123/servers", "GET") is not None
    assert router.matcher.match("/abc/servers", "GET") is None
    plain = ProjectMapper(project_prefix=False)
    plain.create_route("/servers", "GET", app, "index")
    assert Router(plain).matcher.match("/123/servers", "GET") is None
    assert len(Router(plain).matcher.routes) == 1
