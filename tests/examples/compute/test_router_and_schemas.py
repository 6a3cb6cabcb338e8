"""The example API built by the real router: factory options and schema coverage."""

from __future__ import annotations

from pathlib import Path

import pytest
import webob

from apistack.examples.compute.routes import app_factory
from apistack.resource.validation import list_route_schemas
from apistack.router import Router, RouterConfigError


@pytest.fixture
def router(tmp_path: Path) -> Router:
    return app_factory({}, state_dir=str(tmp_path), max_version="2.19")


def test_every_body_method_and_list_has_a_schema(router: Router) -> None:
    rows = list_route_schemas(router)
    assert {(r.http_method, r.action_key or r.action) for r in rows} >= {
        ("POST", "create"),
        ("PUT", "update"),
        ("POST", "reboot"),
        ("POST", "os-stop"),
        ("POST", "os-start"),
        ("GET", "index"),
        ("GET", "detail"),
    }
    for row in rows:
        if row.http_method in ("POST", "PUT"):
            assert row.body, f"{row.http_method} {row.path} {row.action_key} has no body schema"
        lists = ("/servers", "/servers/detail", "/flavors", "/flavors/detail")
        if row.http_method == "GET" and row.path in lists:
            assert row.query, f"{row.path} has no query schema"
    create = next(r for r in rows if r.action == "create")
    assert [(s.min_version and str(s.min_version)) for s in create.body] == ["2.0", "2.1", "2.19"]


def test_factory_serves_the_configured_max_version(router: Router) -> None:
    req = webob.Request.blank("/flavors", headers={"OpenStack-API-Version": "compute latest"})
    response = req.get_response(router)
    assert response.headers["OpenStack-API-Version"] == "compute 2.19"


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"max_version": "2.60"}, "max_version"),
        ({"colour": "blue"}, "colour"),
        ({"json_encoder": "ujson"}, "json_encoder"),
    ],
)
def test_factory_rejects_bad_options(tmp_path: Path, options: dict, fragment: str) -> None:
    with pytest.raises(RouterConfigError, match=fragment):
        app_factory({}, state_dir=str(tmp_path), **options)


@pytest.mark.parametrize(("encoder", "separator"), [("json", b'": '), ("orjson", b'":')])
def test_factory_writes_bodies_with_the_configured_encoder(
    tmp_path: Path, encoder: str, separator: bytes
) -> None:
    app = app_factory({}, state_dir=str(tmp_path), json_encoder=encoder)
    response = webob.Request.blank("/flavors").get_response(app)
    assert response.status_int == 200
    assert response.body.startswith(b'{"flavors' + separator)
