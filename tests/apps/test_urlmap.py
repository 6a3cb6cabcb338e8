"""URLMap: longest prefix, the /+ wildcard, version= media-type selection, misses."""

from __future__ import annotations

import json
from typing import Any

import pytest
import webob
import webob.dec

from apistack.apps.urlmap import URLMap, URLMapConfigError, parse_media_range, urlmap_factory


def _echo(name: str) -> Any:
    @webob.dec.wsgify
    def app(req: webob.Request) -> webob.Response:
        body = {"app": name, "script": req.script_name, "path": req.path_info}
        return webob.Response(json=body)

    return app


@pytest.fixture
def urlmap() -> URLMap:
    return URLMap(
        {
            "/": _echo("root"),
            "/v2": _echo("v2doc"),
            "/v2.1": _echo("v21doc"),
            "/v2/+": _echo("legacy"),
            "/v2.1/+": _echo("api"),
        }
    )


def _get(app: Any, path: str, **headers: str) -> dict[str, Any]:
    response = webob.Request.blank(path, headers=headers).get_response(app)
    assert response.status_int == 200
    return dict(json.loads(response.body))


@pytest.mark.parametrize(
    ("path", "app", "script", "rest"),
    [
        ("/", "root", "", "/"),
        ("/foo/bar", "root", "", "/foo/bar"),
        ("/v2.1", "v21doc", "/v2.1", ""),
        ("/v2.1/", "v21doc", "/v2.1", "/"),
        ("/v2.1/servers", "api", "/v2.1", "/servers"),
        ("/v2.1/servers/x/action", "api", "/v2.1", "/servers/x/action"),
        ("/v2", "v2doc", "/v2", ""),
        ("/v2/", "v2doc", "/v2", "/"),
        ("/v2/servers", "legacy", "/v2", "/servers"),
        ("/v2.10/servers", "root", "", "/v2.10/servers"),
        ("/v3/", "root", "", "/v3/"),
    ],
)
def test_path_selects_longest_mount(
    urlmap: URLMap, path: str, app: str, script: str, rest: str
) -> None:
    assert _get(urlmap, path) == {"app": app, "script": script, "path": rest}


def test_wildcard_needs_something_after_the_slash() -> None:
    only_api = URLMap([("/v2.1/+", _echo("api"))])
    assert webob.Request.blank("/v2.1/").get_response(only_api).status_int == 404
    assert webob.Request.blank("/v2.1").get_response(only_api).status_int == 404
    assert _get(only_api, "/v2.1/x")["app"] == "api"


def test_accept_version_selects_the_version_mount(urlmap: URLMap) -> None:
    body = _get(urlmap, "/test-things", Accept="application/json;version=2.1")
    assert body == {"app": "v21doc", "script": "/v2.1", "path": "/test-things"}


def test_content_type_version_selects_the_version_mount(urlmap: URLMap) -> None:
    body = _get(urlmap, "/foo", **{"Content-Type": "application/json;version=2"})
    assert body["app"] == "v2doc"


def test_accept_uses_the_best_quality_entry(urlmap: URLMap) -> None:
    accept = "application/json;version=2;q=0.2, application/vnd.openstack.compute+json;version=2.1"
    assert _get(urlmap, "/x", Accept=accept)["app"] == "v21doc"


def test_path_prefix_wins_over_a_header_version(urlmap: URLMap) -> None:
    body = _get(urlmap, "/v2/servers", Accept="application/json;version=2.1")
    assert body["app"] == "legacy"


def test_unknown_header_version_falls_back_to_root(urlmap: URLMap) -> None:
    assert _get(urlmap, "/x", Accept="application/json;version=9.9")["app"] == "root"


def test_json_suffix_fixes_the_media_type(urlmap: URLMap) -> None:
    req = webob.Request.blank("/v2.1/servers.json")
    req.get_response(urlmap)
    assert req.environ["openstack.best_content_type"] == "application/json"


def test_miss_is_a_json_404_fault() -> None:
    response = webob.Request.blank("/nowhere").get_response(URLMap({"/v2.1": _echo("x")}))
    assert response.status_int == 404
    assert response.content_type == "application/json"
    assert json.loads(response.body)["itemNotFound"]["code"] == 404


def test_not_found_app_answers_misses() -> None:
    app = URLMap({"/v2.1": _echo("x")}, not_found_app=_echo("nf"))
    assert _get(app, "/nowhere")["app"] == "nf"


def test_mount_paths_must_be_absolute() -> None:
    with pytest.raises(URLMapConfigError, match=r"v2\.1"):
        URLMap({"v2.1": _echo("x")})


def test_parse_media_range() -> None:
    assert parse_media_range('Application/JSON; Version="2.1" ;q=0.5') == (
        "application/json",
        {"version": "2.1", "q": "0.5"},
    )


class _Loader:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def get_app(self, name: str, global_conf: dict[str, str] | None = None) -> Any:
        self.asked.append(name)
        return _echo(name)


def test_factory_loads_each_mount_and_the_not_found_app() -> None:
    loader = _Loader()
    app = urlmap_factory(loader, {}, **{"/": "root", "/v2.1/+": "api", "not_found_app": "nf"})
    assert sorted(loader.asked) == ["api", "nf", "root"]
    assert [m.path for m in app.mounts] == ["/v2.1/+", "/"]
