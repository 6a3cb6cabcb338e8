"""The WSGI Router: routing args, JSON faults for 404/405, redirects, HEAD, no _method."""

from __future__ import annotations

import json
import threading
from typing import Any

import webob

from apistack.router import ProjectMapper, Router


def echo_app(environ: Any, start_response: Any) -> list[bytes]:
    args = environ["wsgiorg.routing_args"]
    match = {key: value for key, value in args[1].items() if key != "controller"}
    body = json.dumps({"positional": list(args[0]), "match": match}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("X-Method", "echo")])
    return [body]


def make_router() -> Router:
    mapper = ProjectMapper()
    mapper.redirect("", "/")
    mapper.create_route("/", "GET", echo_app, "show")
    mapper.create_route("/servers", "GET", echo_app, "index")
    mapper.create_route("/servers", "POST", echo_app, "create")
    mapper.create_route("/servers/detail", "GET", echo_app, "detail")
    mapper.create_route("/servers/{id}", "GET", echo_app, "show")
    mapper.create_route("/servers/{id}", "DELETE", echo_app, "delete")
    mapper.create_route("/servers/{server_id}/tags/{id}", "PUT", echo_app, "update")
    return Router(mapper)


def call(path: str, method: str = "GET", **kwargs: Any) -> webob.Response:
    return webob.Request.blank(path, method=method, **kwargs).get_response(make_router())


def test_match_sets_routing_args_like_routes() -> None:
    response = call("/0123abcd/servers/s1/tags/t-1.x", "PUT")
    assert response.status_int == 200
    assert response.json == {
        "positional": [],
        "match": {"action": "update", "project_id": "0123abcd", "server_id": "s1", "id": "t-1.x"},
    }


def test_routing_args_carry_the_controller_app() -> None:
    seen: dict[str, Any] = {}

    def app(environ: Any, start_response: Any) -> list[bytes]:
        seen.update(environ["wsgiorg.routing_args"][1])
        start_response("204 No Content", [])
        return []

    mapper = ProjectMapper()
    mapper.create_route("/x", "GET", app, "index")
    webob.Request.blank("/x").get_response(Router(mapper))
    assert seen == {"controller": app, "action": "index"}


def test_miss_is_a_404_json_fault() -> None:
    response = call("/nothing/here")
    assert response.status_int == 404
    assert response.content_type == "application/json"
    assert response.json == {
        "itemNotFound": {"code": 404, "message": "The resource could not be found."}
    }


def test_trailing_slash_and_uppercase_project_are_misses() -> None:
    assert call("/servers/").status_int == 404
    assert call("/ABCD/servers").status_int == 404
    assert call("/abc").status_int == 404
    assert call("/abc/").json["match"] == {"action": "show", "project_id": "abc"}


def test_wrong_method_is_a_405_with_allow() -> None:
    response = call("/servers/s1", "PATCH")
    assert response.status_int == 405
    assert response.headers["Allow"] == "DELETE, GET, HEAD"
    assert response.json["badMethod"]["code"] == 405
    assert "PATCH" in response.json["badMethod"]["message"]
    project = call("/abc/servers", "DELETE")
    assert project.status_int == 405
    assert project.headers["Allow"] == "GET, HEAD, POST"


def test_unknown_method_is_a_405() -> None:
    response = call("/servers", "PROPFIND")
    assert response.status_int == 405
    assert response.headers["Allow"] == "GET, HEAD, POST"


def test_redirect_is_302_to_script_name_plus_target() -> None:
    request = webob.Request.blank("", environ={"SCRIPT_NAME": "/v2.1", "PATH_INFO": ""})
    response = request.get_response(make_router())
    assert response.status == "302 Found"
    assert response.headers["Location"].endswith("/v2.1/")
    assert response.content_type == "text/plain"
    assert response.body == b""


def test_no_method_override() -> None:
    response = call("/servers/s1?_method=DELETE")
    assert response.json["match"]["action"] == "show"
    form = call("/servers", "POST", POST={"_method": "DELETE"})
    assert form.json["match"]["action"] == "create"


def test_head_is_answered_as_get_without_body() -> None:
    response = call("/servers/s1", "HEAD")
    assert response.status_int == 200
    assert response.headers["X-Method"] == "echo"
    assert response.body == b""
    assert call("/servers", "HEAD").status_int == 200


def test_route_table_lists_declared_paths_without_twins() -> None:
    table = make_router().route_table
    assert ("GET", "/servers/{id}", "show") in [(e.method, e.path, e.action) for e in table]
    assert len(table) == 8
    redirect = table[0]
    assert (redirect.path, redirect.redirect_to, redirect.app) == ("", "/", None)
    assert all(entry.app is echo_app for entry in table[1:])
    assert not any(entry.path.startswith("/{project_id") for entry in table)


def test_concurrent_first_requests_on_a_fresh_router() -> None:
    router = make_router()
    cases = [
        ("/servers/detail", "detail", {}),
        ("/abcd/servers/x", "show", {"project_id": "abcd", "id": "x"}),
        ("/servers/y/tags/z", None, None),
        ("/servers", "index", {}),
    ] * 4
    barrier = threading.Barrier(len(cases))
    results: list[Any] = [None] * len(cases)

    def worker(index: int) -> None:
        path = cases[index][0]
        method = "PUT" if "tags" in path else "GET"
        request = webob.Request.blank(path, method=method)
        barrier.wait()
        results[index] = request.get_response(router).json["match"]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(cases))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(threads) == 16
    for (path, action, variables), got in zip(cases, results, strict=True):
        if action is None:
            assert got == {"action": "update", "server_id": "y", "id": "z"}, path
        else:
            assert got == {"action": action, **variables}, path
